"""`quiz mock` as a person uses it: the installed command in a pseudo-terminal, timed on the test clock."""

from __future__ import annotations

import re
import shutil
import termios
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pexpect
import pytest

from tests.helpers import grade, import_decks, quiz_env, rows, spawn

pytestmark = pytest.mark.slow

DECKS = {
    "nets.yaml": """
deck: nets
title: Networks
tags: [ml]
cards:
  - {id: relu, q: Why ReLU?, a: It does not saturate for positive x., points: [saturate], tags: [activations]}
  - {id: dropout, q: What does dropout do?, a: It drops units at random while training., points: [random]}
  - {id: pooling, q: Why pool?, a: It adds invariance to small shifts., points: [invariance], tags: [cnn]}
""",
    "stacks.yaml": """
deck: stacks
title: Stacks
tags: [cs]
cards:
  - {id: lifo, q: What is LIFO?, a: "Last in, first out.", points: [last in]}
  - {id: queue2, q: How do two stacks make a queue?, a: One takes pushes; the other pops., points: [pops]}
""",
}
LEGEND = "q end the interview"
CARD_ID = re.compile(r"╰─+ [a-z ]+ · ([a-z0-9-]+) ─")


def cards_table(db: Path) -> list[tuple[object, ...]]:
    return rows(db, "SELECT * FROM cards ORDER BY id")


def mock_log(db: Path) -> list[tuple[str, int, str, int]]:
    return rows(
        db,
        "SELECT c.card_id, r.grade, r.explanation, r.duration_ms FROM reviews r "
        "JOIN cards c ON c.id = r.card WHERE r.kind = 'mock' ORDER BY r.id",
    )


def prompt(child: pexpect.spawn) -> str:
    """Wait for the first line's prompt and for readline to take the terminal; the question's card id."""
    child.expect(CARD_ID)
    card_id = child.match.group(1)
    child.expect_exact("> ")
    deadline = time.monotonic() + 5
    while termios.tcgetattr(child.child_fd)[3] & termios.ICANON and time.monotonic() < deadline:
        time.sleep(0.01)
    return str(card_id)


@pytest.fixture
def mock_db(db_path: Path, write_deck: Callable[..., Path]) -> Path:
    import_decks(db_path, *(write_deck(name, text) for name, text in DECKS.items()))
    day = date(2026, 3, 5)
    for deck, card_id, value in (("nets", "relu", 1), ("nets", "pooling", 5), ("stacks", "lifo", 5)):
        grade(db_path, deck, card_id, value, day)
    return db_path


def test_a_timed_mock_interview_its_report_and_the_same_draw_again(
    mock_db: Path, tmp_path: Path, children: list[pexpect.spawn]
) -> None:
    again = tmp_path / "again.db"
    shutil.copyfile(mock_db, again)
    before = cards_table(mock_db)
    report = tmp_path / "report.md"
    # Each reading of the answer's stopwatch moves the test clock on 25 s: the start, each prompt, the end.
    env = quiz_env(QUIZCARDS_TEST_CLOCK_STEP="25")
    child = spawn("--db", mock_db, "mock", "4", "--seed", "5", "--minutes", "1", "-o", report, env=env)
    children.append(child)
    child.expect_exact("4 questions (1 weak spot, 2 due, 1 new card)")
    asked = [prompt(child)]
    child.send("first line\r")
    child.expect_exact("[0:50, 0:10 left]")
    child.send("second line\r")
    child.expect_exact("The soft limit of 1 min has passed")
    child.expect_exact("[1:15, 0:15 over]")
    child.send("past the limit\r\r")
    child.expect_exact("Answered in 2 min 5 s: 1 min 5 s over the 1 min limit.")
    child.expect_exact(LEGEND)
    child.send("2")
    child.expect_exact("graded 2 · logged as a mock answer; the schedule is unchanged")
    for key in ("5", "3"):
        asked.append(prompt(child))
        child.send("\r")
        child.expect_exact(LEGEND)
        child.send(key)
    asked.append(prompt(child))
    child.send("last\r\r")
    child.expect_exact(LEGEND)
    child.send("q")  # ends the interview: the report covers the four answers, three of them graded
    child.expect_exact("4 of 4 questions answered, 3 graded, mean grade 3.3")
    child.expect_exact(f"Wrote {report} with this report (Markdown).")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(set(asked)) == 4
    assert asked[0] != "relu"  # the weak card is not the warm-up
    assert cards_table(mock_db) == before  # no schedule moved
    assert mock_log(mock_db) == [
        (asked[0], 2, "first line\nsecond line\npast the limit", 125_000),
        (asked[1], 5, "", 50_000),
        (asked[2], 3, "", 50_000),
    ]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Mock interview, 2026-03-10\n\n- Decks: nets, stacks\n")
    assert "2 min 5 s, 1 min 5 s over the limit · graded 2" in text
    assert "```text\nfirst line\nsecond line\npast the limit\n```" in text
    assert "· not graded" in text

    # The same seed on the same database (a copy from before): the same questions in the same order.
    # All are asked before any is revealed; Ctrl-C while typing the fourth goes over the three answered.
    child = spawn("--db", again, "mock", "4", "--seed", "5", "--reveal-at-end", env=quiz_env())
    children.append(child)
    repeated = []
    for typed in ("an answer\r\r", "\r", "\r"):
        repeated.append(prompt(child))
        child.send(typed)
    repeated.append(prompt(child))
    assert repeated == asked
    child.send("half a thought")
    # A signal that lands while readline is still taking the keys waits for the next key (CPython's
    # readline loop checks signals only when its wait is interrupted): let it echo them all first.
    child.expect_exact("half a thought")
    time.sleep(0.3)
    child.sendintr()
    child.expect_exact("Going over question 1 of 3")
    child.expect_exact("an answer")
    child.expect_exact(LEGEND)
    child.send("4")
    child.expect_exact("Going over question 2 of 3")
    child.expect_exact("(answered in your head)")
    child.expect_exact(LEGEND)
    child.send("\x03")  # Ctrl-C at a grade ends it too
    child.expect_exact("2 of 4 questions answered, 1 graded, mean grade 4.0.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert [entry[:3] for entry in mock_log(again)] == [(asked[0], 4, "an answer")]
    assert cards_table(again) == before
