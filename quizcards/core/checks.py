"""What a consistency check finds: schedules that drifted from their review log, logs that cannot be replayed.

The review log is the source of truth: every card's stored schedule must equal
the schedule that SM-2 reaches by replaying the card's scheduled reviews in
order (re-drills never move a schedule). The store reads the rows; this module
decides what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from quizcards.core.errors import InvalidGradeError, StoreError
from quizcards.core.scheduler import (
    MIN_EASINESS_HUNDREDTHS,
    REVIEW_KINDS,
    Grade,
    Schedule,
    parse_grade,
    replay,
)

if TYPE_CHECKING:
    from quizcards.core.fsrs_check import FsrsStateCheck

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


class DamagedValuesError(StoreError):
    """Stored values break the rules, so the upgrade that adds them as CHECKs (m004) cannot run."""


# ASCII digits only, as SQLite's GLOB [0-9] (\d would take any script's digits).
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")


def is_day(value: object) -> bool:
    """A calendar day exactly as quizcards writes one: `2026-03-10`."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_moment(value: object) -> bool:
    """A moment exactly as quizcards writes one: UTC to the millisecond, `2026-03-10T09:00:00.000Z`."""
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_count(value: object) -> bool:
    """A whole number of 0 or more (bool, float and text are not)."""
    return type(value) is int and value >= 0


def is_easiness(value: object) -> bool:
    """An easiness in whole hundredths, never below SM-2's floor of 1.3."""
    return type(value) is int and value >= MIN_EASINESS_HUNDREDTHS


def is_grade(value: object) -> bool:
    """A grade as the log keeps it: a whole number from 0 to 5."""
    return type(value) is int and 0 <= value <= 5


@dataclass(frozen=True, slots=True)
class Rule:
    """What a stored column must hold; the same rule is a CHECK constraint (migration m004)."""

    column: str
    holds: Callable[[object], bool]
    wanted: str
    optional: bool = False  # NULL allowed

    def broken_by(self, value: object) -> bool:
        return not ((value is None and self.optional) or self.holds(value))


_DAY_WANTED = "a date like 2026-03-10"
_COUNT_WANTED = "a whole number of 0 or more"
_EASINESS_WANTED = f"a whole number of hundredths of at least {MIN_EASINESS_HUNDREDTHS}"

# Every column of a card's schedule, which its review log rebuilds (`quiz check --repair`).
CARD_RULES: dict[str, Rule] = {
    rule.column: rule
    for rule in (
        Rule("repetitions", is_count, _COUNT_WANTED),
        Rule("interval_days", is_count, _COUNT_WANTED),
        Rule("easiness_hundredths", is_easiness, _EASINESS_WANTED),
        Rule("due_on", is_day, _DAY_WANTED, optional=True),
        Rule("lapses", is_count, _COUNT_WANTED),
        Rule("reviews", is_count, _COUNT_WANTED),
        Rule("last_reviewed_on", is_day, _DAY_WANTED, optional=True),
        Rule("introduced_on", is_day, _DAY_WANTED, optional=True),
    )
}

# The log's own facts: nothing else records them, so a broken one cannot be rebuilt.
LOG_FACT_RULES: dict[str, Rule] = {
    rule.column: rule
    for rule in (
        Rule("grade", is_grade, "a grade from 0 to 5"),
        Rule("reviewed_on", is_day, _DAY_WANTED),
        Rule("reviewed_at", is_moment, "a UTC time like 2026-03-10T09:00:00.000Z"),
        Rule("kind", lambda value: value in REVIEW_KINDS, "'scheduled', 'redrill', 'cram' or 'mock'"),
    )
}

# What the log also keeps of each grade: the schedule before and after it (a replay gives them
# again) and how long it took (0 when unknown). The write side holds them to the same rules.
LOG_DERIVED_RULES: dict[str, Rule] = {
    rule.column: rule
    for rule in (
        Rule("duration_ms", is_count, _COUNT_WANTED),
        Rule("repetitions_before", is_count, _COUNT_WANTED),
        Rule("interval_before", is_count, _COUNT_WANTED),
        Rule("easiness_before", is_count, _COUNT_WANTED),
        Rule("due_before", is_day, _DAY_WANTED, optional=True),
        Rule("repetitions_after", is_count, _COUNT_WANTED),
        Rule("interval_after", is_count, _COUNT_WANTED),
        Rule("easiness_after", is_count, _COUNT_WANTED),
        Rule("due_after", is_day, _DAY_WANTED, optional=True),
    )
}


def broken_rule(rules: Mapping[str, Rule], values: Mapping[str, object]) -> Rule | None:
    """The first rule the values (by column; absent columns are not judged) break, or None."""
    for column, rule in rules.items():
        if column in values and rule.broken_by(values[column]):
            return rule
    return None


def describe_value(value: object) -> str:
    """A stored value as a message quotes it: text in quotes, NULL as none."""
    return "none" if value is None else repr(value)


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
    """Every card compared with its log: what drifted, what cannot be replayed, and the totals.

    ``fsrs`` is the FSRS states' check while FSRS is in force; None under SM-2, whose stale
    ``fsrs_states`` rows are no problem (switching rebuilds them).
    """

    cards: int
    reviews: int
    drifts: tuple[ScheduleDrift, ...]
    unreadable: tuple[UnreadableLog, ...]
    fsrs: FsrsStateCheck | None = None


@dataclass(frozen=True, slots=True)
class CopyCheck:
    """A copy of the database, checked: SQLite's complaints (none, for a good copy) and its totals."""

    problems: tuple[str, ...]
    cards: int
    reviews: int


@dataclass(frozen=True, slots=True)
class LoggedReview:
    """One review as the log holds it: values not yet known to be a grade, a day and so on.

    reviewed_at None means it was not read (the column is NOT NULL); derived holds the
    (column, value) pairs of LOG_DERIVED_RULES that were read.
    """

    review_id: int
    grade: object
    reviewed_on: object
    kind: object = "scheduled"
    reviewed_at: object = None
    derived: tuple[tuple[str, object], ...] = ()


def check_card(
    pk: int, deck: str, card_id: str, stored: Mapping[str, object], log: Sequence[LoggedReview]
) -> ScheduleDrift | UnreadableLog | None:
    """How a card's stored fields (and its log's derived values) compare with its replayed log.

    None when they agree. A stored value of another type (250.0 for 250) is a difference too.
    """
    try:
        rebuilt, introduced, rows = _replayed(log)
    except (ValueError, OverflowError) as error:
        return UnreadableLog(pk, deck, card_id, str(error))
    differences = [
        FieldDifference(column, stored[column], expected)
        for column in CHECKED_FIELDS
        if _differs(stored[column], expected := _stored_value(rebuilt, introduced, column))
    ]
    for entry in log:
        for column, value in entry.derived:
            if LOG_DERIVED_RULES[column].broken_by(value):
                differences.append(
                    FieldDifference(
                        f"review {entry.review_id} {column}", value, rows[entry.review_id][column]
                    )
                )
    return ScheduleDrift(pk, deck, card_id, tuple(differences)) if differences else None


def rebuilt_log_values(log: Sequence[LoggedReview]) -> dict[int, dict[str, object]]:
    """The derived values that break a rule, as the replay gives them, by review id and column.

    A value that merely differs from the replay is left alone: a history brought in from
    elsewhere (``bulk_insert_reviews``) keeps what it says.
    """
    rows = _replayed(log)[2]
    rebuilt: dict[int, dict[str, object]] = {}
    for entry in log:
        for column, value in entry.derived:
            if LOG_DERIVED_RULES[column].broken_by(value):
                rebuilt.setdefault(entry.review_id, {})[column] = rows[entry.review_id][column]
    return rebuilt


def _differs(stored: object, expected: object) -> bool:
    return type(stored) is not type(expected) or stored != expected


def _stored_value(schedule: Schedule, introduced_on: date | None, column: str) -> object:
    """A rebuilt field as the store writes it: days as ISO text."""
    value = introduced_on if column == "introduced_on" else getattr(schedule, column)
    return value.isoformat() if isinstance(value, date) else value


def _replayed(
    log: Sequence[LoggedReview],
) -> tuple[Schedule, date | None, dict[int, dict[str, object]]]:
    """The schedule the log replays to (in the order it was written: review id), the day the card
    was introduced, and each row's derived values as the replay gives them.

    ValueError names the first row that is impossible. The store keeps a card's review ids in its
    log's (day, time) order (a grade dated earlier than the last is put in its place when it is
    written, and a sync merges the same way), so this order is the log's.
    """
    schedule = replay(())
    introduced: date | None = None
    rows: dict[int, dict[str, object]] = {}
    for entry in sorted(log, key=lambda entry: entry.review_id):
        grade, reviewed_on = _fact(entry)
        before = schedule
        if entry.kind == "scheduled":
            schedule = replay([(grade, reviewed_on)], start=before)
            introduced = introduced or reviewed_on
        rows[entry.review_id] = {
            "duration_ms": 0,
            "repetitions_before": before.repetitions,
            "interval_before": before.interval_days,
            "easiness_before": before.easiness_hundredths,
            "due_before": _stored_value(before, None, "due_on"),
            "repetitions_after": schedule.repetitions,
            "interval_after": schedule.interval_days,
            "easiness_after": schedule.easiness_hundredths,
            "due_after": _stored_value(schedule, None, "due_on"),
        }
    return schedule, introduced, rows


def _fact(entry: LoggedReview) -> tuple[Grade, date]:
    """A row's grade and day; ValueError names the row when one of its own facts is impossible."""
    try:
        grade = parse_grade(entry.grade)
    except InvalidGradeError:
        raise ValueError(
            f"review {entry.review_id} has the grade {entry.grade!r}, which is not 0-5"
        ) from None
    if not is_day(entry.reviewed_on):
        raise ValueError(f"review {entry.review_id} has the date {entry.reviewed_on!r}, which is not a date")
    if entry.kind not in REVIEW_KINDS:
        raise ValueError(
            f"review {entry.review_id} has the kind {entry.kind!r}, which is not one of "
            "scheduled, redrill, cram or mock"
        )
    if entry.reviewed_at is not None and not is_moment(entry.reviewed_at):
        raise ValueError(
            f"review {entry.review_id} has the time {entry.reviewed_at!r}, which is not a UTC time"
        )
    return grade, date.fromisoformat(str(entry.reviewed_on))
