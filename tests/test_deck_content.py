"""The bundled decks' content holds up: each point is in its card's answer and not in its question, and every
Python code block runs.

The points are checked with the review's own matcher and glossary, as a learner's explanation is: a point the
model answer does not mention would be missed by anyone who explains the answer in its own words, and a point
the question alone ticks is credited to anyone who repeats the question.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from quizcards.adapters.glossary import load_glossary
from quizcards.adapters.sources import bundled_decks_dir, load_deck_paths
from quizcards.core.deck.model import Card
from quizcards.core.explanation import match_points

pytestmark = pytest.mark.slow

# A fenced block: its indentation, its language, its body, up to the closing fence at the same indentation.
FENCE = re.compile(r"^([ \t]*)```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^\1```[ \t]*$", re.S | re.M)
PYTHON = {"python", "py", "python3"}


def _cards() -> Iterator[tuple[str, Card]]:
    result = load_deck_paths([bundled_decks_dir()])
    assert result.problems == ()
    for deck in result.decks:
        for card in deck.cards:
            yield f"{deck.slug}/{card.id}", card


CARDS = dict(_cards())
GLOSSARY = load_glossary()


def test_each_answer_mentions_every_point_of_its_card() -> None:
    unmentioned = [
        f"{where}: {match.point!r} ({match.status})"
        for where, card in CARDS.items()
        for match in match_points([p.wordings for p in card.points], card.answer, glossary=GLOSSARY)
        if match.status != "mentioned"
    ]
    assert unmentioned == []


def test_no_question_ticks_a_point_of_its_own_card() -> None:
    ticked = [
        f"{where}: {match.point!r}"
        for where, card in CARDS.items()
        for match in match_points([p.wordings for p in card.points], card.question, glossary=GLOSSARY)
        if match.status == "mentioned"
    ]
    assert ticked == []


def _python_blocks() -> Iterator[tuple[str, str]]:
    for where, card in CARDS.items():
        blocks = [b for b in FENCE.findall(card.answer) if b[1].lower() in PYTHON]
        for number, (indent, _, body) in enumerate(blocks, 1):
            code = "\n".join(line[len(indent) :] for line in body.splitlines())
            yield f"{where}#{number}", code


BLOCKS = dict(_python_blocks())


def test_the_decks_have_code_to_run() -> None:
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize("where", sorted(BLOCKS))
def test_every_python_block_runs(where: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", BLOCKS[where]], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, f"{where}:\n{run.stderr}"


def test_a_fence_is_found_at_any_indentation() -> None:
    answer = "Text.\n\n  ```python\n  x = 1\n  ```\n\n```text\nnot python\n```\n"
    assert [(indent, lang) for indent, lang, _ in FENCE.findall(answer)] == [("  ", "python"), ("", "text")]
