"""`quiz cram` as a person uses it, in a pseudo-terminal: a whole cram leaves the schedule byte-identical."""

from __future__ import annotations

import termios
import time
from datetime import date
from pathlib import Path

import pexpect
import pytest

from tests.helpers import grade, quiz_env, rows, spawn

pytestmark = pytest.mark.slow

LEGEND = "Grade yourself 0-5 · u undo · q quit"


def _answer(child: pexpect.spawn, question: str, typed: str, key: str) -> None:
    child.expect_exact(question)
    child.expect_exact("> ")
    deadline = time.monotonic() + 5  # readline takes the terminal: keys sent before may be swallowed
    while termios.tcgetattr(child.child_fd)[3] & termios.ICANON and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send(typed + "\r\r" + key)
    child.expect_exact(LEGEND)


def test_a_whole_cram_through_the_real_loop_leaves_the_cards_table_byte_identical(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    for card_id, value in (("qkv", 4), ("scale", 3), ("bottleneck", 5)):
        grade(deck_db, "attention", card_id, value, date(2026, 3, 1))
    cards_before = rows(deck_db, "SELECT * FROM cards ORDER BY id")
    log_before = rows(deck_db, "SELECT * FROM reviews ORDER BY id")
    assert not list((deck_db.parent / "backups").glob("*-daily.db"))
    child = spawn(
        "--db", deck_db, "cram", "--weak", "--limit", "2", env=quiz_env("2026-03-10T09:00:00+00:00")
    )
    children.append(child)
    # --weak: scale (EF 2.36 after its 3) first, then qkv (2.5); bottleneck (2.6) is past the limit.
    child.expect_exact("Cram  ·  Attention  ·  card 1 of 2")
    _answer(child, "Why divide by the square root of d_k?", "the variance grows", "2")
    child.expect_exact("graded 2 · cram: logged, schedule unchanged")
    child.expect_exact("Back after 1 other card: graded below 4, asked again in this cram.")
    child.expect_exact("card 2 of 3")
    _answer(child, "What do Query, Key and Value mean", "a weighted sum of values", "5")
    child.expect_exact("card 3 of 3")
    _answer(child, "Why divide by the square root of d_k?", "variance, softmax saturates", "4")
    child.expect_exact("That was the last card.")
    child.send("x")
    child.expect_exact("Cram summary")
    child.expect_exact("attention/scale  first graded 2")
    child.expect_exact("The schedule was not changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(deck_db, "SELECT * FROM cards ORDER BY id") == cards_before
    assert list((deck_db.parent / "backups").glob("*-daily.db"))  # taken as a review takes it
    log = rows(deck_db, "SELECT * FROM reviews ORDER BY id")
    assert log[: len(log_before)] == log_before
    crammed = rows(
        deck_db,
        "SELECT c.card_id, r.grade, r.kind, r.explanation FROM reviews r JOIN cards c ON c.id = r.card "
        "WHERE r.id > ? ORDER BY r.id",
        [len(log_before)],
    )
    assert crammed == [
        ("scale", 2, "cram", "the variance grows"),
        ("qkv", 5, "cram", "a weighted sum of values"),
        ("scale", 4, "cram", "variance, softmax saturates"),
    ]
