"""What a consistency check finds: schedules that drifted from their review log, logs that cannot be replayed.

The review log is the source of truth: every card's stored schedule must equal
the schedule that SM-2 reaches by replaying the card's scheduled reviews in
order (re-drills never move a schedule). The store reads the rows; this module
decides what they mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from quizcards.core.errors import InvalidGradeError
from quizcards.core.scheduler import Grade, Schedule, parse_grade, replay

# The stored fields a check compares, named as the cards table names them, in the order reports show them.
CHECKED_FIELDS = (
    "due_on",
    "interval_days",
    "repetitions",
    "easiness_hundredths",
    "lapses",
    "reviews",
    "last_reviewed_on",
    "introduced_on",
)


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One field of a card whose stored value is not the one its log replays to."""

    column: str
    stored: object
    rebuilt: object


@dataclass(frozen=True, slots=True)
class ScheduleDrift:
    """A card whose stored scheduling state differs from its replayed review log."""

    pk: int
    deck: str
    card_id: str
    differences: tuple[FieldDifference, ...]


@dataclass(frozen=True, slots=True)
class UnreadableLog:
    """A card whose review log cannot be replayed (a row holds an impossible value)."""

    pk: int
    deck: str
    card_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScheduleCheck:
    """Every card compared with its log: what drifted, what cannot be replayed, and the totals."""

    cards: int
    reviews: int
    drifts: tuple[ScheduleDrift, ...]
    unreadable: tuple[UnreadableLog, ...]


@dataclass(frozen=True, slots=True)
class CopyCheck:
    """A copy of the database, checked: SQLite's complaints (none, for a good copy) and its totals."""

    problems: tuple[str, ...]
    cards: int
    reviews: int


@dataclass(frozen=True, slots=True)
class LoggedReview:
    """One scheduled review as the log holds it: values not yet known to be a grade and a day."""

    review_id: int
    grade: object
    reviewed_on: object


def check_card(
    pk: int, deck: str, card_id: str, stored: Mapping[str, object], log: Sequence[LoggedReview]
) -> ScheduleDrift | UnreadableLog | None:
    """How a card's stored fields compare with its replayed log; None when they agree."""
    try:
        history = _history(log)
        rebuilt = replay(history)
    except (ValueError, OverflowError) as error:
        return UnreadableLog(pk, deck, card_id, str(error))
    introduced = history[0][1] if history else None
    differences = tuple(
        FieldDifference(column, stored[column], expected)
        for column in CHECKED_FIELDS
        if stored[column] != (expected := _stored_value(rebuilt, introduced, column))
    )
    return ScheduleDrift(pk, deck, card_id, differences) if differences else None


def _stored_value(schedule: Schedule, introduced_on: date | None, column: str) -> object:
    """A rebuilt field as the store writes it: days as ISO text."""
    value = introduced_on if column == "introduced_on" else getattr(schedule, column)
    return value.isoformat() if isinstance(value, date) else value


def _history(log: Sequence[LoggedReview]) -> list[tuple[Grade, date]]:
    """(grade, day) pairs of logged rows; ValueError names the first row that is impossible."""
    history: list[tuple[Grade, date]] = []
    for entry in log:
        try:
            grade = parse_grade(entry.grade)
        except InvalidGradeError:
            raise ValueError(
                f"review {entry.review_id} has the grade {entry.grade!r}, which is not 0-5"
            ) from None
        reviewed_on = _logged_day(entry.reviewed_on)
        if reviewed_on is None:
            raise ValueError(
                f"review {entry.review_id} has the date {entry.reviewed_on!r}, which is not a date"
            )
        history.append((grade, reviewed_on))
    return history


def _logged_day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
