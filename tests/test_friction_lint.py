"""Issue 15 item 5: YAML errors said in the learner's terms at the right place, and every problem reported."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import DeckError
from tests.conftest import SMALL_DECK
from tests.helpers import examples

PATH = "deck.yaml"
VALID = textwrap.dedent(SMALL_DECK).lstrip("\n")
CARD = "cards:\n  - id: a\n    q: x\n    a: y\n"
TAB = (
    "YAML syntax error: a tab is used for indentation; YAML allows only spaces there, "
    "so replace the tab with spaces."
)


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse_deck(text, PATH, "deck")
    return [str(problem) for problem in caught.value.problems]


BROKEN: list[tuple[str, str, str]] = [
    ("tab indenting a key", "cards:\n  - id: a\n\tq: x\n    a: y\n", f"3:1: {TAB}"),
    ("tab indenting a list item", "cards:\n\t- id: a\n    q: x\n", f"2:1: {TAB}"),
    ("tab after a list dash", "cards:\n  -\tid: a\n    q: x\n", f"2:4: {TAB}"),
    ("tab indenting block text", "cards:\n  - id: a\n    q: x\n    a: |\n\tcode\n", f"5:1: {TAB}"),
    (
        "key indented more than the one above",
        CARD.replace("    a: y", "      a: y"),
        "4:7: YAML syntax error: inconsistent indentation: this line is indented 6 spaces, more than "
        "the key 'q' on line 3 (4 spaces), so YAML reads it as part of that key's value; "
        "indent it like 'q'.",
    ),
    (
        "key indented less than the one above",
        CARD.replace("    a: y", "   a: y"),
        "4:4: YAML syntax error: inconsistent indentation: this line is indented 3 spaces, but the "
        "line above it is indented 4 and the list on line 2 is indented 2; line it up with one of them.",
    ),
    (
        "key indented more after a quoted value",
        'cards:\n  - id: a\n    q: "x"\n      a: y\n',
        "4:7: YAML syntax error: inconsistent indentation: this line is indented 6 spaces, but the "
        "keys of the mapping on line 2 are indented 4; line it up with them.",
    ),
    (
        "list item at the wrong level",
        CARD + "   - id: b\n    q: z\n    a: w\n",
        "5:4: YAML syntax error: a list item at the wrong level: this '-' is indented 3 spaces, but "
        "the list on line 2 is indented 2; line up the '-' of every item of a list.",
    ),
    (
        "list item where a key belongs",
        CARD + "    - p\n",
        "5:5: YAML syntax error: a list item at the wrong level: this '-' is indented like the keys "
        "of the mapping on line 2; put the list under a key ending in ':' (such as 'points:') and "
        "indent it more, or line it up with the other items of its list.",
    ),
    (
        "missing colon after a key",
        "cards:\n  - id: a\n    q x\n    a: y\n",
        "3:5: YAML syntax error: a missing colon: 'q x' has no ':' after its key; write it as 'key: value'.",
    ),
    (
        "missing colon on the first line",
        "deck attn\n" + CARD,
        "1:1: YAML syntax error: a missing colon: 'deck attn' has no ':' after its key; "
        "write it as 'key: value'.",
    ),
    (
        "no space after a colon",
        "cards:\n  - id: a\n    q:x\n    a: y\n",
        "3:5: YAML syntax error: a missing space: 'q:x' needs a space after the ':' (as in 'key: value').",
    ),
    (
        "no space after a list dash",
        "cards:\n  -id: a\n    q: x\n",
        "2:3: YAML syntax error: a missing space: '-id: a' needs a space after the '-' of a list item.",
    ),
    (
        "value holding ': '",
        "cards:\n  - id: a\n    q: what is a: b\n    a: y\n",
        "3:17: YAML syntax error: the value has ': ' in it, which YAML reads as the start of another "
        "key; put the whole value in quotes, or write it as a block with '|'.",
    ),
    (
        "unclosed double quote",
        'cards:\n  - id: a\n    q: "what\n    a: y\n',
        '3:8: YAML syntax error: an unclosed quote: the " opened here is never closed; end the text with ".',
    ),
    (
        "unclosed single quote",
        "cards:\n  - id: a\n    q: 'what\n    a: y\n",
        "3:8: YAML syntax error: an unclosed quote: the ' opened here is never closed; end the text with '.",
    ),
    (
        "unclosed bracket",
        CARD + "    points: [a, b\n",
        "5:13: YAML syntax error: an unclosed bracket: the '[' opened here is never closed; end the list "
        "with ']' (or put the text in quotes if the '[' is part of it).",
    ),
    (
        "unclosed brace",
        "cards:\n  - {id: a, q: x\n",
        "2:5: YAML syntax error: an unclosed bracket: the '{' opened here is never closed; end the mapping "
        "with '}' (or put the text in quotes if the '{' is part of it).",
    ),
    (
        "missing comma in a list",
        CARD + '    points: [a, "b" c]\n',
        "5:21: YAML syntax error: a missing comma: the items of a list in [ ] are separated by ','.",
    ),
    (
        "text after a closing quote",
        'cards:\n  - id: a\n    q: "x" more\n    a: y\n',
        "3:12: YAML syntax error: text after the closing quote; put the whole value inside the quotes.",
    ),
    (
        "value starting with @",
        "cards:\n  - id: a\n    q: @x\n",
        "3:8: YAML syntax error: a value cannot start with '@'; put it in quotes.",
    ),
    (
        "value starting with *",
        "cards:\n  - id: a\n    q: *x\n",
        "3:8: YAML syntax error: a value cannot start with '*' (YAML reads '*x' as a reference to an "
        "anchor '&x'); put it in quotes.",
    ),
    (
        "a second document",
        "cards: []\n---\nx\n",
        "2:1: YAML syntax error: a second document starts here ('---'); a deck file holds one document.",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_each_yaml_error_says_what_is_wrong_where(text: str, expected: str) -> None:
    assert problems(text) == [f"{PATH}:{expected}"]


def _tabbed(data: Any) -> tuple[str, int]:
    """The valid deck with a tab put into the indentation of one of its lines, and that line's number."""
    lines = VALID.splitlines(keepends=True)
    block: set[int] = set()
    for number, line in enumerate(lines):
        if line.rstrip().endswith("|"):
            indent = len(line) - len(line.lstrip(" "))
            following = number + 1
            while (
                following < len(lines) and len(lines[following]) - len(lines[following].lstrip(" ")) > indent
            ):
                block.add(following)
                following += 1
    candidates = [number for number, line in enumerate(lines) if line.strip()]
    number = data.draw(st.sampled_from(candidates))
    line = lines[number]
    indent = len(line) - len(line.lstrip(" "))
    # In a block of text, a tab after the block's own indentation is part of the text.
    last = indent - 1 if number in block else indent
    at = data.draw(st.integers(0, last))
    dropped = data.draw(st.integers(0, indent - at))
    lines[number] = line[:at] + "\t" + line[at + dropped :]
    return "".join(lines), number + 1


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_a_tab_in_the_indentation_is_named_at_its_line(data: Any) -> None:
    text, line = _tabbed(data)
    found = problems(text)
    assert any(p.startswith(f"{PATH}:{line}:") and "a tab" in p for p in found), (text, found)


def test_a_duplicate_id_is_reported_when_the_later_card_has_other_errors() -> None:
    text = CARD + "  - id: a\n    q: ''\n    a: z\n"
    assert problems(text) == [
        f"{PATH}:5:5: duplicate card id 'a' (first on line 2).",
        f"{PATH}:6:8: the question of card 'a' must not be empty.",
    ]


def test_a_duplicate_id_is_reported_when_the_earlier_card_has_other_errors() -> None:
    text = "cards:\n  - id: a\n    q: x\n  - id: a\n    q: z\n    a: w\n"
    assert problems(text) == [
        f"{PATH}:2:5: card 'a' has no answer ('a').",
        f"{PATH}:4:5: duplicate card id 'a' (first on line 2).",
    ]


def test_quiz_lint_prints_the_tab_and_the_duplicate(tmp_path: Path, quiz: Any) -> None:
    tabbed = tmp_path / "tabbed.yaml"
    tabbed.write_text("cards:\n  - id: a\n\tq: x\n    a: y\n", encoding="utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text(CARD + "  - id: a\n    q: z\n    hint: w\n", encoding="utf-8")
    result = quiz("lint", tabbed, twice)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{tabbed}:3:1: error: {TAB}" in lines
    assert any(line.startswith(f"{twice}:5:5: error: duplicate card id 'a'") for line in lines), lines
