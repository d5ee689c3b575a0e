"""Issue 15, item 10: the review's ! key suspends the card shown, u takes it back, in a real terminal."""

from __future__ import annotations

from pathlib import Path

import pexpect
import pytest

from tests.helpers import rows
from tests.test_review_e2e import prompt, spawn

pytestmark = pytest.mark.slow

LEGEND = "e edit · q quit"


def reveal(child: pexpect.spawn, question: str) -> None:
    child.expect_exact(question)
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)


def test_the_suspend_key_and_its_undo(deck_db: Path, children: list[pexpect.spawn]) -> None:
    # Two new cards allowed today, of three: a suspended new card leaves its place to the third.
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--new", "2")
    children.append(child)
    child.expect_exact("card 1 of 2")
    reveal(child, "What do Query, Key and Value mean")
    child.send("!")
    child.expect_exact("suspended; quiz unsuspend attention/qkv brings it back.")
    child.expect_exact("card 2 of 3")  # the third new card joined
    reveal(child, "Why divide by the square root")
    child.send("u")  # the suspension is undone like a grade: the card is the current one again
    child.expect_exact("unsuspended that card; it comes back now.")
    child.expect_exact("card 1 of")
    reveal(child, "What do Query, Key and Value mean")
    assert rows(deck_db, "SELECT suspended_on FROM cards WHERE card_id = 'qkv'") == [(None,)]
    child.send("!")
    child.expect_exact("suspended; quiz unsuspend attention/qkv brings it back.")
    reveal(child, "Why divide by the square root")
    child.send("5")
    child.expect_exact("next review in 1 day")
    child.expect_exact("What did attention fix")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("q")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(deck_db, "SELECT card_id, suspended_on FROM cards ORDER BY id") == [
        ("qkv", "2026-03-10"),
        ("scale", None),
        ("bottleneck", None),
    ]
    assert rows(deck_db, "SELECT c.card_id, r.grade FROM reviews r JOIN cards c ON c.id = r.card") == [
        ("scale", 5)
    ]

    # Later that day the suspended card is not drawn; only the new card left is.
    child = spawn(deck_db, "2026-03-10T18:00:00+00:00")
    children.append(child)
    child.expect_exact("card 1 of 1")
    reveal(child, "What did attention fix")
    child.send("q")
    child.expect(pexpect.EOF)
