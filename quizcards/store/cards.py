"""Queries behind `quiz cards` and `quiz show`: every card's listing, and one card with its history."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from quizcards.core.fsrs import Parameters
from quizcards.core.listings import CardListing, CardMemory, CardRecord, PastReview, card_memory
from quizcards.store.base import BaseStore
from quizcards.store.queue import DECKS, TAGGED, any_of
from quizcards.store.rows import log_day, log_value, review_name, texts_of
from quizcards.store.rows import schedule_of as _schedule
from quizcards.store.rows import study_card_of as _study_card
from quizcards.store.scheduling import FSRS_DUE, stored_state
from quizcards.store.suspension import suspended_day

_SCHEDULE_COLUMNS = (
    "c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses, c.reviews, c.last_reviewed_on"
)
# A card's FSRS state under the name of each column, read through FSRS_DUE's join (NULLs without it).
_FSRS_COLUMNS = (
    "f.stability AS fsrs_stability, f.difficulty AS fsrs_difficulty, "
    "f.last_reviewed_on AS fsrs_last_reviewed_on, f.due_on AS fsrs_due_on"
)
_NO_FSRS_COLUMNS = (
    "NULL AS fsrs_stability, NULL AS fsrs_difficulty, NULL AS fsrs_last_reviewed_on, NULL AS fsrs_due_on"
)


class CardQueries(BaseStore):
    """Queries behind `quiz cards` and `quiz show`."""

    def card_listings(
        self,
        today: date,
        *,
        deck: str | Sequence[str] | None = None,
        tag: str | Sequence[str] | None = None,
        due_only: bool = False,
        suspended_only: bool = False,
    ) -> list[CardListing]:
        """Every card (retired ones too) in deck order, optionally narrowed.

        Several decks (or tags) mean any of them. A tag matches a card's own
        tags or its deck's; "due" means not retired, not suspended and due today or earlier.
        """
        due = self._due_source()
        fsrs = due == FSRS_DUE
        parameters = self.fsrs_parameters_in_force() if fsrs else None
        rows = self._query(
            f"""
            SELECT c.deck, c.card_id, c.question, c.tags, c.retired, c.suspended_on, {_SCHEDULE_COLUMNS},
                   {_FSRS_COLUMNS if fsrs else _NO_FSRS_COLUMNS}
            FROM cards c JOIN decks d ON d.slug = c.deck {due.join}
            WHERE (:decks IS NULL OR c.deck IN {DECKS})
              AND (:tags IS NULL OR {TAGGED})
              AND (NOT :due_only OR (c.retired = 0 AND c.suspended_on IS NULL
                                     AND {due.column} IS NOT NULL AND {due.column} <= :today))
              AND (NOT :suspended_only OR c.suspended_on IS NOT NULL)
            ORDER BY d.position, c.position, c.id
            """,  # the clauses are fixed text; every value is a parameter
            {
                "decks": any_of(deck),
                "tags": any_of(tag),
                "due_only": due_only,
                "suspended_only": suspended_only,
                "today": today.isoformat(),
            },
        )
        return [
            CardListing(
                deck=row["deck"],
                card_id=row["card_id"],
                question=row["question"],
                tags=texts_of(row["tags"], "tags", f"card {row['deck']}/{row['card_id']}"),
                retired=bool(row["retired"]),
                schedule=_schedule(row),
                suspended_on=suspended_day(row["suspended_on"], row["deck"], row["card_id"]),
                scheduler="fsrs" if fsrs else "sm2",
                memory=_memory(row, today, parameters),
            )
            for row in rows
        ]

    def decks_with_card(self, card_id: str) -> list[str]:
        """The decks that hold a card with this id, in deck order."""
        rows = self._query(
            """
            SELECT c.deck FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE c.card_id = ? ORDER BY d.position
            """,
            [card_id],
        )
        return [row["deck"] for row in rows]

    def card_record(self, deck: str, card_id: str, today: date | None = None) -> CardRecord | None:
        """One card with its schedule and every logged review, oldest first.

        Under FSRS the record has the card's FSRS memory, its retrievability as of today (without
        today: as of its last review).
        """
        due = self._due_source()
        fsrs = due == FSRS_DUE
        rows = self._query(
            f"""
            SELECT c.*, d.title AS deck_title, {_FSRS_COLUMNS if fsrs else _NO_FSRS_COLUMNS}
            FROM cards c JOIN decks d ON d.slug = c.deck {due.join}
            WHERE c.deck = ? AND c.card_id = ?
            """,  # the columns and the join are fixed text; the values are parameters
            [deck, card_id],
        )
        if not rows:
            return None
        row = rows[0]
        history = self._query(
            """
            SELECT id, reviewed_at, reviewed_on, grade, kind, explanation, duration_ms,
                   interval_after, easiness_after, due_after
            FROM reviews WHERE card = ? ORDER BY id
            """,
            [row["id"]],
        )
        return CardRecord(
            card=_study_card(row),
            retired=bool(row["retired"]),
            added_at=row["added_at"],
            history=tuple(
                _past_review(review, review_name(review["id"], deck, card_id)) for review in history
            ),
            suspended_on=suspended_day(row["suspended_on"], deck, card_id),
            scheduler="fsrs" if fsrs else "sm2",
            memory=_memory(row, today, self.fsrs_parameters_in_force() if fsrs else None),
        )


def _memory(row: sqlite3.Row, today: date | None, parameters: Parameters | None) -> CardMemory | None:
    """The FSRS memory in a row read with _FSRS_COLUMNS, as of today; a damaged one is a sentence."""
    if parameters is None or row["fsrs_stability"] is None:
        return None
    name = f"{row['deck']}/{row['card_id']}"
    columns = ("fsrs_stability", "fsrs_difficulty", "fsrs_last_reviewed_on", "fsrs_due_on")
    state = stored_state([row[column] for column in columns], lambda: name)
    return card_memory(state, today or state.last_reviewed_on, parameters)


def _past_review(row: sqlite3.Row, owner: str) -> PastReview:
    """A logged review as `quiz show` lists it; a value that breaks its rule is a sentence naming it."""
    reviewed_on = log_day(row, "reviewed_on", owner)
    assert reviewed_on is not None  # the rule allows no NULL
    return PastReview(
        reviewed_at=log_value(row, "reviewed_at", owner),
        reviewed_on=reviewed_on,
        grade=log_value(row, "grade", owner),
        kind=log_value(row, "kind", owner),
        explanation=row["explanation"],
        duration_ms=log_value(row, "duration_ms", owner),
        interval_days_after=log_value(row, "interval_after", owner),
        easiness_hundredths_after=log_value(row, "easiness_after", owner),
        due_on_after=log_day(row, "due_after", owner),
    )
