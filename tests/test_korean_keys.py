"""Keys typed while a Korean input method is in Hangul mode mean the keys that typed them."""

from __future__ import annotations

import io
import os
import time

from rich.console import Console

from quizcards.adapters.terminal import KeyReader, latin_key
from quizcards.cli import asking


def test_two_set_jamo_are_their_keys_and_other_text_is_itself() -> None:
    assert [latin_key(key) for key in "ㅕㄴㄷㅂㅗㅃㄸ"] == list("useqhqe")
    assert [latin_key(key) for key in ("u", "4", "한", "!", "")] == ["u", "4", "한", "!", ""]


def test_the_reveal_prompt_takes_a_jamo_for_its_key() -> None:
    console = Console(file=io.StringIO(), width=100, no_color=True)
    read_end, write_end = os.pipe()
    try:
        reader = KeyReader(read_end)
        for jamo, action in (("ㅕ", "u"), ("ㄴ", "s"), ("ㄷ", "e"), ("ㅂ", "q")):
            os.write(write_end, jamo.encode())
            got = asking._read_action(reader, console, can_undo=True, keys=asking.REVIEW_KEYS)
            assert got == action
            time.sleep(0.02)  # keys come apart, as a person's do
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_jamo_h_alone_on_a_line_asks_for_the_hint(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    console = Console(file=io.StringIO(), width=100, no_color=True)
    lines = iter(["ㅗ", "어텐션은 가중합이다", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert asking._read_lines(console, ["Think of a weighted sum."]) == "어텐션은 가중합이다"
    assert "Think of a weighted sum." in console.file.getvalue()  # type: ignore[attr-defined]


def test_every_single_key_prompt_takes_a_jamo_for_its_key() -> None:
    # key_alone serves the edit-again and last-undo prompts as well as the grade prompt.
    console = Console(file=io.StringIO(), width=100, no_color=True)
    read_end, write_end = os.pipe()
    try:
        reader = KeyReader(read_end)
        for jamo, key in (("ㄷ", "e"), ("ㅕ", "u"), ("4", "4")):
            os.write(write_end, jamo.encode())
            assert asking.key_alone(reader, console, "Press a key.") == key
            time.sleep(0.02)
    finally:
        os.close(read_end)
        os.close(write_end)
