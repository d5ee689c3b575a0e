"""One card's merged log: its rows in order, each row's kind re-derived, the schedules it leads to.

Rows come from this database and from other devices' journals; every device must reach the same
log from the same rows, whatever order they arrived in. The order key is
``(reviewed_on, reviewed_at, uuid)``:

- The day comes first. Devices in different time zones can disagree about which UTC moment
  came first and which local day it was on (23:30 UTC is the next day in Seoul, 01:00 UTC the
  day before in New York); sorting by the day first keeps the days of a card's log from ever
  going backwards, which SM-2 (an interval counted from the review's day) and FSRS (elapsed
  days between reviews) both need. Within a day the moment orders the rows; devices in one
  time zone get plain time order.
- The UUID is only the last tie-breaker, for two rows at the same millisecond: it carries no
  meaning (a UUID4 is random), it just makes the order total and the same everywhere.

The kind is re-derived with SM-2's same-day rule, exactly ``session.grade_effect``'s and
``scheduler.practice``'s: walking the rows in order from a new card, a ``cram``/``mock`` row
keeps its kind and moves nothing; any other row is ``scheduled`` when the schedule's
``last_reviewed_on`` is not its day (``review`` moves the schedule), else ``redrill`` (it moves
nothing). So of two devices' same-day grades the earlier moves the schedule and the later is a
re-drill, wherever each was made; the kind a row was recorded with matters only for practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from quizcards.core.scheduler import NEW, PRACTICE_KINDS, Grade, ReviewKind, Schedule, review

__all__ = ["DerivedLog", "DerivedRow", "LogRow", "derived_log", "order_key"]


@dataclass(frozen=True, slots=True)
class LogRow:
    """One row of a card's log, from the database or another device; ``kind`` as held or recorded."""

    uuid: str
    reviewed_on: date
    reviewed_at: str
    grade: Grade
    kind: ReviewKind


def order_key(row: LogRow) -> tuple[date, str, str]:
    """Where a row goes in its card's log: by day, then moment, then UUID."""
    return (row.reviewed_on, row.reviewed_at, row.uuid)


@dataclass(frozen=True, slots=True)
class DerivedRow:
    """A row with its re-derived kind and the card's schedule before and after it."""

    row: LogRow
    kind: ReviewKind
    before: Schedule
    after: Schedule


@dataclass(frozen=True, slots=True)
class DerivedLog:
    """A card's whole merged log in order, the schedule it ends at, and the day it was introduced."""

    rows: tuple[DerivedRow, ...]
    schedule: Schedule
    introduced_on: date | None


def _full_key(row: LogRow) -> tuple[date, str, str, int, str]:
    # Two rows sharing a UUID never reach here from the store (its UUIDs are unique), but if they
    # did, the rest of the row still orders them the same way whatever order they came in.
    return (row.reviewed_on, row.reviewed_at, row.uuid, int(row.grade), row.kind)


def derived_log(rows: Iterable[LogRow]) -> DerivedLog:
    """The card's log in ``order_key`` order, each row's kind re-derived, replayed from a new card."""
    schedule = NEW
    introduced_on: date | None = None
    derived: list[DerivedRow] = []
    for row in sorted(rows, key=_full_key):
        before = schedule
        kind: ReviewKind
        if row.kind in PRACTICE_KINDS:
            kind = row.kind
        elif schedule.last_reviewed_on == row.reviewed_on:
            kind = "redrill"
        else:
            kind = "scheduled"
            schedule = review(before, row.grade, row.reviewed_on)[0]
            if introduced_on is None:
                introduced_on = row.reviewed_on
        derived.append(DerivedRow(row, kind, before, schedule))
    return DerivedLog(tuple(derived), schedule, introduced_on)
