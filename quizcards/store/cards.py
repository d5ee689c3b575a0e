"""Queries behind `quiz cards` and `quiz show`: card states and review histories."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from quizcards.core.scheduler import MATURE_INTERVAL_DAYS, Schedule
from quizcards.core.session import ReviewKind, StudyCard
from quizcards.store.base import BaseStore
from quizcards.store.rows import day as _day
from quizcards.store.rows import schedule_of as _schedule
from quizcards.store.rows import study_card_of as _study_card

# `quiz stats` calls a card past the threshold "mature"; the card list says
# "review", the state in which it is only reviewed, no longer learned.
CardState = Literal["new", "learning", "review", "retired"]

_SCHEDULE_COLUMNS = (
    "c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses, c.reviews, c.last_reviewed_on"
)


def card_state(schedule: Schedule, *, retired: bool) -> CardState:
    """new (never reviewed), learning (interval under 21 days), review (21 or more), or retired."""
    if retired:
        return "retired"
    if schedule.is_new:
        return "new"
    return "learning" if schedule.interval_days < MATURE_INTERVAL_DAYS else "review"


@dataclass(frozen=True, slots=True)
class CardListing:
    """One row of `quiz cards`."""

    deck: str
    card_id: str
    question: str
    tags: tuple[str, ...]
    retired: bool
    schedule: Schedule

    @property
    def state(self) -> CardState:
        return card_state(self.schedule, retired=self.retired)


@dataclass(frozen=True, slots=True)
class PastReview:
    """One logged grade of a card, with what the learner typed and where it left the card."""

    reviewed_at: str
    reviewed_on: date
    grade: int
    kind: ReviewKind
    explanation: str
    duration_ms: int
    interval_after: int
    easiness_after: int
    due_after: date | None


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card as `quiz show` presents it: its text, schedule and full review history."""

    card: StudyCard
    retired: bool
    added_at: str
    history: tuple[PastReview, ...]

    @property
    def state(self) -> CardState:
        return card_state(self.card.schedule, retired=self.retired)


class CardQueries(BaseStore):
    """Queries behind `quiz cards` and `quiz show`."""

    def card_listings(
        self,
        today: date,
        *,
        deck: str | None = None,
        tag: str | None = None,
        due_only: bool = False,
    ) -> list[CardListing]:
        """Every card (retired ones too) in deck order, optionally narrowed.

        A tag matches a card's own tags or its deck's; "due" means not retired
        and due today or earlier.
        """
        rows = self._query(
            f"""
            SELECT c.deck, c.card_id, c.question, c.tags, c.retired, {_SCHEDULE_COLUMNS}
            FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE (:deck IS NULL OR c.deck = :deck)
              AND (:tag IS NULL
                   OR EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :tag)
                   OR EXISTS (SELECT 1 FROM json_each(d.tags) WHERE value = :tag))
              AND (NOT :due_only OR (c.retired = 0 AND c.due_on IS NOT NULL AND c.due_on <= :today))
            ORDER BY d.position, c.position, c.id
            """,  # the columns are fixed text; every value is a parameter
            {"deck": deck, "tag": tag, "due_only": due_only, "today": today.isoformat()},
        )
        return [
            CardListing(
                deck=row["deck"],
                card_id=row["card_id"],
                question=row["question"],
                tags=tuple(json.loads(row["tags"])),
                retired=bool(row["retired"]),
                schedule=_schedule(row),
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

    def card_record(self, deck: str, card_id: str) -> CardRecord | None:
        """One card with its schedule and every logged review, oldest first."""
        rows = self._query(
            """
            SELECT c.*, d.title AS deck_title FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE c.deck = ? AND c.card_id = ?
            """,
            [deck, card_id],
        )
        if not rows:
            return None
        row = rows[0]
        history = self._query(
            """
            SELECT reviewed_at, reviewed_on, grade, kind, explanation, duration_ms,
                   interval_after, easiness_after, due_after
            FROM reviews WHERE card = ? ORDER BY id
            """,
            [row["id"]],
        )
        return CardRecord(
            card=_study_card(row),
            retired=bool(row["retired"]),
            added_at=row["added_at"],
            history=tuple(_past_review(review) for review in history),
        )


def _past_review(row: sqlite3.Row) -> PastReview:
    values: dict[str, Any] = dict(row)
    return PastReview(
        reviewed_at=values["reviewed_at"],
        reviewed_on=date.fromisoformat(values["reviewed_on"]),
        grade=values["grade"],
        kind=values["kind"],
        explanation=values["explanation"],
        duration_ms=values["duration_ms"],
        interval_after=values["interval_after"],
        easiness_after=values["easiness_after"],
        due_after=_day(values["due_after"]),
    )
