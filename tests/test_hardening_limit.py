"""Issue 13, item 4: two sessions started together never introduce more new cards than the day's limit.

The limit is claimed inside the grade's own write transaction, so whichever
session grades later sees the allowance spent: that grade is not recorded as
one more introduction, and the session says so and moves on.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.console import Console

from quizcards.cli import review_loop
from quizcards.core.scheduler import Grade
from quizcards.core.session import NewCardLimitReached, NewCardPlan, Session, SessionFilter, grading
from quizcards.store import Store
from tests.helpers import import_decks, scalar

TODAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)
LIMIT = 10


def deck_text(slug: str, cards: int) -> str:
    lines = [f"deck: {slug}", "cards:"]
    lines += [f"  - {{id: c{n}, q: Question {n} of {slug}?, a: Answer {n}.}}" for n in range(cards)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def two_decks(db_path: Path, write_deck: Callable[..., Path]) -> Path:
    """A database file with decks a and b, twelve new cards each."""
    import_decks(db_path, write_deck("a.yaml", deck_text("a", 12)), write_deck("b.yaml", deck_text("b", 12)))
    return db_path


def planned(store: Store, deck: str) -> list[int]:
    """What `quiz review --deck DECK` plans at its start: as many new cards as the allowance left."""
    allowance = max(0, LIMIT - store.introduced_count(TODAY))
    return store.new_card_ids(TODAY, SessionFilter(decks=(deck,)), allowance)


def introduce(store: Store, pk: int) -> None:
    store.record_review(
        pk, grading(Grade.PERFECT, TODAY), reviewed_at=NOON, explanation="", duration_ms=1, new_limit=LIMIT
    )


def test_two_sessions_on_different_decks_introduce_no_more_than_the_limit(two_decks: Path) -> None:
    with Store.open(two_decks) as first, Store.open(two_decks) as second:
        first_cards, second_cards = planned(first, "a"), planned(second, "b")
        assert len(first_cards) == len(second_cards) == LIMIT  # both started before either graded
        refused = 0
        for first_pk, second_pk in zip(first_cards, second_cards, strict=True):
            for store, pk in ((first, first_pk), (second, second_pk)):
                try:
                    introduce(store, pk)
                except NewCardLimitReached:
                    refused += 1
    assert (
        scalar(two_decks, "SELECT count(*) FROM cards WHERE introduced_on = ?", [TODAY.isoformat()]) == LIMIT
    )
    assert scalar(two_decks, "SELECT count(*) FROM reviews") == LIMIT
    assert refused == LIMIT
    # Grades of cards already introduced are not introductions: they are never refused.
    with Store.open(two_decks) as store:
        introduce(store, first_cards[0])
    assert scalar(two_decks, "SELECT count(*) FROM reviews") == LIMIT + 1


def test_the_limit_counts_the_day_the_grade_is_given(two_decks: Path) -> None:
    with Store.open(two_decks) as store:
        for pk in planned(store, "a"):
            introduce(store, pk)
        # Past midnight, the new day has an allowance of its own.
        pk = store.new_card_ids(TODAY, SessionFilter(decks=("b",)), 1)[0]
        store.record_review(
            pk,
            grading(Grade.PERFECT, date(2026, 3, 11)),
            reviewed_at=datetime(2026, 3, 11, 0, 5, tzinfo=UTC),
            explanation="",
            duration_ms=1,
            new_limit=LIMIT,
        )
    assert scalar(two_decks, "SELECT count(*) FROM cards WHERE introduced_on = '2026-03-11'") == 1


def spend_allowance_elsewhere(db: Path, deck: str) -> None:
    """Another session, on another deck, introduces the whole day's allowance."""
    with Store.open(db) as other:
        for pk in planned(other, deck):
            introduce(other, pk)


def session_of(store: Store, deck: str) -> Session:
    return Session.from_ids(store.due_card_ids(TODAY, SessionFilter(decks=(deck,))), planned(store, deck), [])


def test_a_grade_given_after_another_session_spent_the_allowance_is_refused_and_said(
    two_decks: Path,
) -> None:
    console = Console(file=io.StringIO(), width=200, no_color=True)
    plan = NewCardPlan(LIMIT, SessionFilter(decks=("a",)), None)
    with Store.open(two_decks) as store:
        session = session_of(store, "a")
        entry = session.current
        assert entry is not None
        # The learner answers the first new card while the other session uses up the allowance.
        spend_allowance_elsewhere(two_decks, "b")
        review_loop._record_grade(
            session, store, console, entry, Grade.PERFECT, explanation="typed", elapsed_ms=1000, plan=plan
        )
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert (
        "Not recorded: today's limit of 10 new cards was reached by another session while you answered. "
        "This card stays new; it and the 9 other new cards left wait for another day."
    ) in " ".join(text.split())
    assert session.done  # the session moves on: no new card is left in it
    assert scalar(two_decks, "SELECT count(*) FROM reviews") == LIMIT
    assert scalar(two_decks, "SELECT count(*) FROM cards WHERE deck = 'a' AND introduced_on IS NOT NULL") == 0


def test_a_new_card_is_not_asked_once_another_session_spent_the_allowance(two_decks: Path) -> None:
    console = Console(file=io.StringIO(), width=200, no_color=True)
    plan = NewCardPlan(LIMIT, SessionFilter(decks=("a",)), None)
    with Store.open(two_decks) as store:
        session = session_of(store, "a")
        entry = session.current
        assert entry is not None
        assert review_loop._may_ask(session, store, console, store.study_card(entry.pk), plan)
        spend_allowance_elsewhere(two_decks, "b")
        assert not review_loop._may_ask(session, store, console, store.study_card(entry.pk), plan)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert (
        "Today's limit of 10 new cards was reached by another session; the 10 new cards left in this "
        "session wait for another day."
    ) in " ".join(text.split())
    assert session.done


def test_withdrawing_new_cards_keeps_due_cards_and_redrills() -> None:
    session = Session.from_ids(due=[1, 2], new=[3, 4, 5], redrill=[6])
    assert session.withdraw_new() == 3
    assert [session.current.pk if session.current else None] == [1]
    remaining = session.remaining()
    assert (remaining.due, remaining.new, remaining.redrill) == (2, 0, 1)
    assert not session.holds(3)
    assert session.withdraw_new() == 0
