"""A review under FSRS as a person does it: the installed `quiz` in a pseudo-terminal, on the test clock."""

from __future__ import annotations

import termios
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs as py_fsrs
import pexpect
import pytest

from quizcards.core.session import SessionFilter
from quizcards.store import Store
from tests.helpers import FIXED_NOW, fsrs_states_out_of_date, quiz_env, rows, scalar, spawn

pytestmark = pytest.mark.slow

TODAY = datetime.fromisoformat(FIXED_NOW).date()
GRADE_KEYS = "Grade yourself 0-5"


def py_fsrs_card(grades: list[int]) -> py_fsrs.Card:
    """py-fsrs's own card after these grades today (learning steps and fuzz off, at 00:00 UTC)."""
    scheduler = py_fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    moment = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    card = py_fsrs.Card(card_id=1, due=moment)
    for value in grades:
        rating = py_fsrs.Rating(1 if value <= 2 else value - 1)
        card = scheduler.review_card(card, rating, moment)[0]
    return card


def question(child: pexpect.spawn, shown: str) -> None:
    """Wait for a card's header and for the explanation prompt to take the terminal."""
    child.expect_exact(shown)
    child.expect_exact("> ")
    deadline = time.monotonic() + 5
    while termios.tcgetattr(child.child_fd)[3] & termios.ICANON and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_review_under_fsrs_schedules_redrills_and_undoes_by_fsrs(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    env = quiz_env()
    config = spawn("--db", deck_db, "config", "scheduler", "fsrs", env=env, dimensions=(40, 80))
    children.append(config)
    config.expect_exact("scheduler is now fsrs.")
    config.expect(pexpect.EOF)

    good = py_fsrs_card([4]).due.date()
    days = (good - TODAY).days
    child = spawn("--db", deck_db, "review", "--new", "3", env=env, dimensions=(40, 80))
    children.append(child)
    question(child, "new card · qkv")
    child.send("the query meets every key; a weighted sum of the values\r\r")
    child.expect_exact("✓ weighted sum")
    child.expect_exact(GRADE_KEYS)
    child.send("4")
    child.expect_exact(f"graded 4 · FSRS: next review in {days} days ({good.isoformat()})")

    question(child, "new card · scale")
    child.send("\r")
    child.expect_exact(GRADE_KEYS)
    child.send("2")
    child.expect_exact("again later today")
    child.expect_exact("Back after 1 other card")
    question(child, "new card · bottleneck")
    child.send("\r")
    child.expect_exact(GRADE_KEYS)
    child.send("u")  # takes back the grade of scale: its FSRS state goes with it
    child.expect_exact("undid the last grade")
    question(child, "new card · scale")
    child.send("\r")
    child.expect_exact(GRADE_KEYS)
    child.send("2")
    child.expect_exact("Back after 1 other card")
    question(child, "new card · bottleneck")
    child.send("\r")
    child.expect_exact(GRADE_KEYS)
    child.send("5")
    question(child, "re-drill · scale")  # the failed card comes back this session, as under SM-2
    child.send("\r")
    child.expect_exact(GRADE_KEYS)
    child.send("4")
    again = py_fsrs_card([2, 4]).due.date()
    child.expect_exact(
        f"re-drill logged; FSRS: next review in {(again - TODAY).days} day"  # FSRS replays the re-drill
    )
    child.expect_exact("That was the last card.")
    child.send("x")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    assert rows(
        deck_db,
        "SELECT c.card_id, r.kind, r.grade FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id",
    ) == [
        ("qkv", "scheduled", 4),
        ("scale", "scheduled", 2),
        ("bottleneck", "scheduled", 5),
        ("scale", "redrill", 4),
    ]
    with Store.open(deck_db) as store:
        assert fsrs_states_out_of_date(store) == []
        pks = dict(rows(deck_db, "SELECT card_id, id FROM cards"))
        for card_id, grades in (("qkv", [4]), ("scale", [2, 4]), ("bottleneck", [5])):
            expected = py_fsrs_card(grades)
            state = store.fsrs_state(pks[card_id])
            assert state is not None
            assert (state.stability, state.difficulty, state.due_on) == (
                expected.stability,
                expected.difficulty,
                expected.due.date(),
            )
        # the next day of the review FSRS gave, qkv is due; the day before, it was not
        assert pks["qkv"] in store.due_card_ids(good, SessionFilter())
        assert pks["qkv"] not in store.due_card_ids(good - timedelta(days=1), SessionFilter())
        # SM-2's columns went on underneath: there, a new card's first grade 4 is due tomorrow
        assert scalar(deck_db, "SELECT due_on FROM cards WHERE card_id = 'qkv'") == "2026-03-11"
