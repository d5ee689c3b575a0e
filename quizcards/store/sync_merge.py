"""One card's rows merged and written back in log order: the invariant the rest of the store relies on.

The merged log is the truth (``core.sync.merge``): a card's rows from every device, in the order
(day, time, UUID), each row's kind and schedule re-derived by SM-2's same-day rule. The database
keeps one invariant the rest of the store relies on: a card's rows in ``id`` order are its log in
that order. New rows that sort after the ones held are appended (new ids are larger); otherwise the
card's rows are written again in order. Either way the result depends only on the set of rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from typing import cast

from quizcards.core.checks import is_day, is_moment
from quizcards.core.days import iso_day
from quizcards.core.errors import StoreError
from quizcards.core.scheduler import REVIEW_KINDS, Grade, ReviewKind, ReviewLog, Schedule
from quizcards.core.sync.merge import DerivedRow, LogRow, derived_log
from quizcards.store.reviews import SCHEDULER_NAME, Reviews, schedule_in
from quizcards.store.rows import card_name

HELD = """
    SELECT id, uuid, reviewed_on, reviewed_at, grade, kind, repetitions_before, interval_before,
        easiness_before, due_before, repetitions_after, interval_after, easiness_after, due_after,
        explanation, duration_ms, device, journaled, scheduler
    FROM reviews WHERE card = ? ORDER BY id
"""
_INSERT = """
    INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation, duration_ms, scheduler,
        repetitions_before, interval_before, easiness_before, due_before, repetitions_after, interval_after,
        easiness_after, due_after, uuid, device, journaled)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def settle_card(conn: sqlite3.Connection, pk: int, incoming: list[tuple[object, ...]]) -> tuple[str, int]:
    """Merge card pk's held rows with incoming ones and write the derived log and schedule.

    Returns "same" (nothing changed), "appended", "rewritten" (the rows were written again in order)
    or "rescheduled" (the rows stand, the schedule moved), and how many held rows changed kind (a
    scheduled review became a re-drill, or back).
    """
    held = conn.execute(HELD, [pk]).fetchall()
    rows = [held_row(conn, pk, row) for row in held] + [_incoming_row(row) for row in incoming]
    derived = derived_log(rows)
    # What a row carries besides its facts: explanation, duration, scheduler, then device and journaled.
    extras: dict[str, tuple[object, ...]] = {
        str(row[1]): (row[14], row[15], row[18], row[16], row[17]) for row in held
    }
    extras.update({str(row[0]): (row[5], row[6], SCHEDULER_NAME, row[7], 1) for row in incoming})
    before = schedule_in(conn, pk)
    count = len(held)
    if all(
        same_as_derived(stored, derived_row)
        for stored, derived_row in zip(held, derived.rows[:count], strict=True)
    ):
        if not incoming:
            outcome = "same"
        else:
            _insert(conn, pk, derived.rows[count:], extras)
            outcome = "appended"
    else:
        conn.execute("DELETE FROM reviews WHERE card = ?", [pk])
        _insert(conn, pk, derived.rows, extras)
        outcome = "rewritten"
    if derived.schedule != before or outcome != "same":
        Reviews._write_schedule(conn, pk, derived.schedule, introduced_on=derived.introduced_on)
        if outcome == "same":
            outcome = "rescheduled"  # the rows stand, the schedule moved (an undo from elsewhere)
    kinds = {row.row.uuid: row.kind for row in derived.rows}
    return outcome, sum(1 for row in held if kinds[str(row[1])] != row[5])


def is_mergeable(row: tuple[object, ...]) -> bool:
    """Whether a held row's facts (HELD's day, time, grade and kind) can be merged."""
    grade = row[4]
    return (
        is_day(row[2])
        and is_moment(row[3])
        and type(grade) is int
        and 0 <= grade <= 5
        and row[5] in REVIEW_KINDS
    )


def held_row(conn: sqlite3.Connection, pk: int, row: tuple[object, ...]) -> LogRow:
    """A held row as the merge reads it; a StoreError naming the card when its facts are damaged."""
    uuid, day, moment, grade, kind = row[1], row[2], row[3], row[4], row[5]
    if not is_mergeable(row):
        deck, card_id = conn.execute("SELECT deck, card_id FROM cards WHERE id = ?", [pk]).fetchone()
        raise StoreError(
            f"the review log of {card_name(deck, card_id)} holds a damaged grade, day, time or kind, so "
            "its schedule cannot be rebuilt; the log is the record itself: restore the database from a "
            "backup (`quiz check` lists every such row)."
        )
    return LogRow(
        str(uuid), date.fromisoformat(str(day)), str(moment), Grade(cast(int, grade)), cast(ReviewKind, kind)
    )


def _incoming_row(row: tuple[object, ...]) -> LogRow:
    uuid, day, moment, grade, kind = row[0], row[1], row[2], row[3], row[4]
    return LogRow(str(uuid), date.fromisoformat(str(day)), str(moment), Grade(int(grade)), kind)  # type: ignore[arg-type,call-overload]


def _values(schedule: Schedule) -> tuple[int, int, int, str | None]:
    return (
        schedule.repetitions,
        schedule.interval_days,
        schedule.easiness_hundredths,
        iso_day(schedule.due_on),
    )


def same_as_derived(stored: tuple[object, ...], derived: DerivedRow) -> bool:
    """Whether a held row is already what the merged log derives for it (same place, kind and schedules)."""
    return (
        stored[1] == derived.row.uuid
        and stored[5] == derived.kind
        and tuple(stored[6:10]) == _values(derived.before)
        and tuple(stored[10:14]) == _values(derived.after)
    )


def _insert(
    conn: sqlite3.Connection,
    pk: int,
    rows: tuple[DerivedRow, ...],
    extras: dict[str, tuple[object, ...]],
) -> None:
    """Append rows in order (new row ids are larger than every held one), with what each carried."""
    conn.executemany(
        _INSERT,
        (
            (
                pk,
                item.row.reviewed_at,
                item.row.reviewed_on.isoformat(),
                int(item.row.grade),
                item.kind,
                *extras[item.row.uuid][:3],
                *_values(item.before),
                *_values(item.after),
                item.row.uuid,
                *extras[item.row.uuid][3:],
            )
            for item in rows
        ),
    )


def placed(conn: sqlite3.Connection, pk: int, log: ReviewLog, uuid: str) -> tuple[ReviewLog, int]:
    """The card's log derived again with the new row in its place (as every device will derive it): the
    new row's kind as that derivation gives it, the card's schedule after it all, and the row's new id."""
    settle_card(conn, pk, [])
    review_id, kind = conn.execute("SELECT id, kind FROM reviews WHERE uuid = ?", [uuid]).fetchone()
    return replace(log, kind=kind, after=schedule_in(conn, pk)), int(review_id)
