"""The records of `quiz export reviews|cards`: their fields, in order, and how a stored row becomes one.

Field lists are fixed and documented in the README: a field is never renamed
or removed without saying so there. The names are the ones every
machine-readable output uses (``card_id``, ``interval_days``, ``due_on``, EF as
the number ``easiness``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizcards.core.days import parse_day
from quizcards.core.points import Point
from quizcards.core.scheduler import Schedule, card_state, easiness_number

if TYPE_CHECKING:
    from quizcards.core.fsrs import FsrsState

REVIEW_FIELDS: tuple[str, ...] = (
    "review_id",
    "reviewed_at",
    "reviewed_on",
    "deck",
    "card_id",
    "question",
    "grade",
    "kind",
    "explanation",
    "duration_ms",
    "repetitions_before",
    "interval_days_before",
    "easiness_before",
    "due_on_before",
    "repetitions_after",
    "interval_days_after",
    "easiness_after",
    "due_on_after",
    "review_uuid",
)

CARD_FIELDS: tuple[str, ...] = (
    "deck",
    "card_id",
    "position",
    "state",
    "question",
    "answer",
    "points",
    "hints",
    "tags",
    "source",
    "repetitions",
    "interval_days",
    "easiness",
    "due_on",
    "lapses",
    "reviews",
    "last_reviewed_on",
    "introduced_on",
    "added_at",
    "updated_at",
    "suspended_on",
    "scheduler",
    "fsrs_stability",
    "fsrs_difficulty",
    "fsrs_due_on",
)


@dataclass(frozen=True, slots=True)
class CardRow:
    """A card's text and current schedule, as the store reads it."""

    deck: str
    card_id: str
    position: int
    question: str
    answer: str
    points: tuple[Point, ...]
    hints: tuple[str, ...]
    tags: tuple[str, ...]
    source: str | None
    retired: bool
    repetitions: int
    interval_days: int
    easiness_hundredths: int
    due_on: str | None
    lapses: int
    reviews: int
    last_reviewed_on: str | None
    introduced_on: str | None
    added_at: str
    updated_at: str
    suspended_on: str | None = None  # the day it was suspended; None when it is not
    scheduler: str = "sm2"  # the collection's scheduler when it was read
    fsrs: FsrsState | None = None  # its FSRS state, under FSRS once it is reviewed

    @property
    def schedule(self) -> Schedule:
        """The card's place in SM-2, as the scheduler's value."""
        return Schedule(
            repetitions=self.repetitions,
            interval_days=self.interval_days,
            easiness_hundredths=self.easiness_hundredths,
            due_on=parse_day(self.due_on),
            lapses=self.lapses,
            reviews=self.reviews,
            last_reviewed_on=parse_day(self.last_reviewed_on),
        )


@dataclass(frozen=True, slots=True)
class DeckRow:
    """A deck's own fields, for the Anki package."""

    slug: str
    title: str
    description: str
    tags: tuple[str, ...]


_EASINESS_BEFORE = REVIEW_FIELDS.index("easiness_before")
_EASINESS_AFTER = REVIEW_FIELDS.index("easiness_after")


def review_value_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Stored reviews (REVIEW_FIELDS' order, EF in hundredths) as the export's values, in the same order.

    EF becomes a number as ``easiness_number`` makes it, written out in one comprehension:
    at a million rows a function call per row costs as much as the work itself.
    """
    before, after = _EASINESS_BEFORE, _EASINESS_AFTER
    return [
        (*row[:before], row[before] / 100, *row[before + 1 : after], row[after] / 100, *row[after + 1 :])
        for row in rows
    ]


def review_record(row: Sequence[Any]) -> dict[str, Any]:
    """A stored review as an export record keyed by REVIEW_FIELDS."""
    return dict(zip(REVIEW_FIELDS, review_value_rows((row,))[0], strict=True))


def card_record(row: CardRow) -> dict[str, Any]:
    """A card as an export record, keyed by CARD_FIELDS."""
    return {
        "deck": row.deck,
        "card_id": row.card_id,
        "position": row.position,
        "state": card_state(row.schedule, retired=row.retired),
        "question": row.question,
        "answer": row.answer,
        "points": [point.stored() for point in row.points],
        "hints": list(row.hints),
        "tags": list(row.tags),
        "source": row.source,
        "repetitions": row.repetitions,
        "interval_days": row.interval_days,
        "easiness": easiness_number(row.easiness_hundredths),
        "due_on": row.due_on,
        "lapses": row.lapses,
        "reviews": row.reviews,
        "last_reviewed_on": row.last_reviewed_on,
        "introduced_on": row.introduced_on,
        "added_at": row.added_at,
        "updated_at": row.updated_at,
        "suspended_on": row.suspended_on,
        "scheduler": row.scheduler,
        "fsrs_stability": None if row.fsrs is None else row.fsrs.stability,
        "fsrs_difficulty": None if row.fsrs is None else row.fsrs.difficulty,
        "fsrs_due_on": None if row.fsrs is None else row.fsrs.due_on.isoformat(),
    }
