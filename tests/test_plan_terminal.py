"""`quiz plan --apply`, then `quiz review` on later (simulated) days: the installed command in a terminal."""

from __future__ import annotations

import time
from pathlib import Path

import pexpect
import pytest

from tests.helpers import WriteDeck, import_decks, quiz_env, rows, spawn
from tests.test_plan import NINE

pytestmark = pytest.mark.slow

LEGEND = "u undo · s bury"


def quiz_at(db: Path, now: str, *args: str) -> pexpect.spawn:
    return spawn("--db", db, *args, env=quiz_env(now), dimensions=(40, 100))


def test_review_follows_the_applied_plan_until_its_date(
    db_path: Path, write_deck: WriteDeck, children: list[pexpect.spawn]
) -> None:
    import_decks(db_path, write_deck("nine.yaml", NINE))
    # Nine new cards, three days to start them before 2026-03-14: three a day (the config says 10).
    child = quiz_at(
        db_path, "2026-03-10T09:00:00+00:00", "plan", "--by", "2026-03-14", "--deck", "nine", "--apply"
    )
    children.append(child)
    child.expect_exact("3 new cards a day")
    child.expect_exact("Applied: quiz review starts up to 3 new cards a day from deck nine")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    # The next day, a review with no --deck: the plan's three new cards, not the config's ten.
    child = quiz_at(db_path, "2026-03-11T09:00:00+00:00", "review")
    children.append(child)
    child.expect_exact("Plan: 3 new cards a day from deck nine, until 2026-03-14")
    child.expect_exact("card 1 of 3")
    child.expect_exact("due 0 · new 3")
    child.expect_exact("Question 1?")
    child.expect_exact("> ")
    time.sleep(0.2)  # let the line editor take the terminal
    child.send("\r")
    child.expect_exact("Answer 1.")
    child.send("4")
    child.expect_exact("card 2 of 3")
    child.send("\x03")  # Ctrl-C quits cleanly
    child.expect(pexpect.EOF)
    child.close()
    assert rows(db_path, "SELECT introduced_on FROM cards WHERE introduced_on IS NOT NULL") == [
        ("2026-03-11",)
    ]

    # On the date itself the plan no longer applies: the due card and the config's limit (10) of new ones.
    child = quiz_at(db_path, "2026-03-14T09:00:00+00:00", "review")
    children.append(child)
    child.expect_exact("card 1 of 9")
    before = child.before or ""
    assert "Plan:" not in before
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    # Nothing cleared it: a read of the stored plan still finds it, shown as ended.
    assert rows(db_path, "SELECT until_on FROM study_plans") == [("2026-03-14",)]
