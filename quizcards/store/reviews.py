"""The review log's writes: a grade and its new schedule in one transaction, undo, bury, bulk history.

There is one INSERT into the review log (``_REVIEW_INSERT``), used by
``record_review`` for each grade of a session and by ``bulk_insert_reviews``
for a history computed elsewhere, and by ``record_practice`` for answers
given outside the schedule (cram, mock interview), which leave the card's row
as it is. Which kind a grade is (scheduled, or a same-day re-drill) is the
core's rule (``core.session.grade_effect``): the store applies the caller's
decision to the schedule it reads inside its own transaction, so two
processes grading the same card at once stay correct.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from quizcards.core.checks import is_day, is_moment
from quizcards.core.days import iso_day
from quizcards.core.errors import StoreError
from quizcards.core.scheduler import (
    PRACTICE_KINDS,
    REVIEW_KINDS,
    Grade,
    PracticeKind,
    ReviewLog,
    Schedule,
    practice,
    replay,
)
from quizcards.core.session import NewCardLimitReached, RecordedReview, may_introduce
from quizcards.store.connection import Connection
from quizcards.store.events import new_uuid, record_card_event
from quizcards.store.rows import SCHEDULE_COLUMNS, schedule_of, utc_timestamp
from quizcards.store.scheduling import refresh_fsrs_state

SCHEDULER_NAME = "sm2"
# SM-2 never lowers EF below 1.3 nor raises it by more than 0.1 a review; this bound only keeps
# an exported EF within the range where Python prints hundredths / 100 without an exponent.
MAX_EASINESS_HUNDREDTHS = 10**15

_REVIEW_INSERT = """
    INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation,
        duration_ms, scheduler, repetitions_before, interval_before, easiness_before,
        due_before, repetitions_after, interval_after, easiness_after, due_after, uuid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True, slots=True)
class ReviewLogEntry:
    """One row of the review log as it is written (card is the card's row id)."""

    card: int
    reviewed_at: str
    reviewed_on: str
    grade: int
    kind: str
    explanation: str
    duration_ms: int
    repetitions_before: int
    interval_before: int
    easiness_before: int
    due_before: str | None
    repetitions_after: int
    interval_after: int
    easiness_after: int
    due_after: str | None
    scheduler: str = SCHEDULER_NAME
    uuid: str | None = None  # None: a new random one


# Whether card ?'s log holds a row that sorts after (day, time) of the row just written: another machine's
# review of the same day at a later time, synced in while this machine's clock is behind.
_LATER = """
    SELECT EXISTS (SELECT 1 FROM reviews WHERE card = ?1 AND id != ?4
        AND (reviewed_on > ?2 OR (reviewed_on = ?2 AND reviewed_at > ?3)))
"""


def log_entry(
    pk: int, log: ReviewLog, *, reviewed_at: datetime, explanation: str, duration_ms: int
) -> ReviewLogEntry:
    """The review-log row of one grade of card pk."""
    before, after = log.before, log.after
    return ReviewLogEntry(
        card=pk,
        reviewed_at=utc_timestamp(reviewed_at),
        reviewed_on=log.reviewed_on.isoformat(),
        grade=int(log.grade),
        kind=log.kind,
        explanation=explanation,
        duration_ms=max(0, duration_ms),
        repetitions_before=before.repetitions,
        interval_before=before.interval_days,
        easiness_before=before.easiness_hundredths,
        due_before=iso_day(before.due_on),
        repetitions_after=after.repetitions,
        interval_after=after.interval_days,
        easiness_after=after.easiness_hundredths,
        due_after=iso_day(after.due_on),
    )


class Reviews(Connection):
    """Grades logged, undone and replayed; cards buried for the day."""

    def record_review(
        self,
        pk: int,
        decide: Callable[[Schedule], ReviewLog],
        *,
        reviewed_at: datetime,
        explanation: str,
        duration_ms: int,
        new_limit: int | None = None,
    ) -> RecordedReview:
        """Log one grade and move the card's schedule, in one transaction.

        decide turns the card's schedule, as this transaction reads it, into the
        grade's log entry (``core.session.grading(grade, day)``); a scheduled one
        also becomes the card's new schedule. With new_limit (the daily new-card
        limit), a new card's first grade is also its claim on the day's allowance:
        counted in this same transaction, so two sessions cannot both spend the
        last of it; when it is spent, NewCardLimitReached is raised and nothing is
        written.
        """
        with self._transaction() as conn:
            before = schedule_in(conn, pk)
            log = decide(before)
            if new_limit is not None and before.is_new and log.kind == "scheduled":
                # BEGIN IMMEDIATE holds the write lock: no other session can introduce a card
                # between this count and this grade's write.
                introduced = conn.execute(
                    "SELECT count(*) FROM cards WHERE introduced_on = ?", [log.reviewed_on.isoformat()]
                ).fetchone()[0]
                if not may_introduce(new_limit, int(introduced)):
                    raise NewCardLimitReached(new_limit)
            entry = log_entry(
                pk, log, reviewed_at=reviewed_at, explanation=explanation, duration_ms=duration_ms
            )
            values = _values(entry)
            review_id = int(conn.execute(_REVIEW_INSERT, values).lastrowid or 0)
            if log.kind == "scheduled":
                introduced = log.reviewed_on if before.is_new else None
                self._write_schedule(
                    conn, pk, log.after, introduced_on=introduced, keep_introduced=not before.is_new
                )
            if conn.execute(_LATER, [pk, entry.reviewed_on, entry.reviewed_at, review_id]).fetchone()[0]:
                from quizcards.store.sync_merge import placed

                log, review_id = placed(conn, pk, log, str(values[-1]))
            # SM-2's columns above are kept under either scheduler; FSRS replays re-drills too.
            fsrs = refresh_fsrs_state(conn, pk, self.path)
        return RecordedReview(review_id, log, fsrs, uuid=values[-1])

    def record_practice(
        self,
        pk: int,
        grade: Grade,
        kind: PracticeKind,
        *,
        reviewed_on: date,
        reviewed_at: datetime,
        explanation: str,
        duration_ms: int,
    ) -> RecordedReview:
        """Log an answer given outside the schedule (cram, mock interview); the card's row is not touched.

        The entry keeps the schedule the card has (before == after), so the log stays one
        history of the card, and replaying it skips the entry.
        """
        with self._transaction() as conn:
            log = practice(schedule_in(conn, pk), grade, reviewed_on, kind)
            entry = log_entry(
                pk, log, reviewed_at=reviewed_at, explanation=explanation, duration_ms=duration_ms
            )
            values = _values(entry)
            review_id = int(conn.execute(_REVIEW_INSERT, values).lastrowid or 0)
        return RecordedReview(review_id, log, uuid=values[-1])

    def undo_review(self, review: int | str, *, undone_at: datetime | None = None) -> Schedule:
        """Delete one logged grade and derive its card's log and schedule again from the rest.

        The review is named by its UUID (``RecordedReview.uuid``: a sync in another process may
        renumber a card's rows, never its UUIDs) or by its row id. The undo leaves a tombstone
        (``sync_undone``) for the sync journal, so other devices undo it too. A practice answer
        (cram, mock) moved no schedule, so its undo writes none either.
        """
        column = "uuid" if isinstance(review, str) else "id"
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT id, card, kind, uuid, reviewed_at, device FROM reviews WHERE {column} = ?", [review]
            ).fetchone()
            if row is None:
                raise StoreError(f"review {review} is not in the log; it cannot be undone.")
            review_id, pk, kind, uuid, reviewed_at, device = row
            if device != 1:
                # Every other machine refuses an undo from a machine that did not make the review.
                raise StoreError(
                    f"review {uuid} was made on another machine (it came with `quiz sync`); only the "
                    "machine that made it can undo it."
                )
            conn.execute("DELETE FROM reviews WHERE id = ?", [review_id])
            conn.execute(
                "INSERT OR IGNORE INTO sync_undone (uuid, undo_uuid, device, undone_at) VALUES (?, ?, 1, ?)",
                [uuid, new_uuid(), utc_timestamp(undone_at) if undone_at else reviewed_at],
            )
            if kind in PRACTICE_KINDS:
                return schedule_in(conn, pk)  # it moved nothing, so nothing moves back
            # The rest of the log is derived again as every device derives it: a later review of the
            # same day (a re-drill here, or another machine's) becomes the day's scheduled one.
            from quizcards.store.sync_merge import settle_card

            settle_card(conn, pk, [])
            refresh_fsrs_state(conn, pk, self.path)
            return schedule_in(conn, pk)

    def unbury(self, pk: int, today: date, *, at: datetime | None = None) -> None:
        """Take back today's bury of card pk (at: when, for the sync journal; default the day's start)."""
        day = today.isoformat()
        with self._transaction() as conn:
            if conn.execute(
                "UPDATE cards SET buried_on = NULL WHERE id = ? AND buried_on = ?", [pk, day]
            ).rowcount:
                record_card_event(conn, pk, "unbury", _moment(at, today), day)

    def bury(self, pk: int, today: date, *, at: datetime | None = None) -> None:
        """Bury card pk for today (at: when, for the sync journal; default the day's start)."""
        day = today.isoformat()
        with self._transaction() as conn:
            conn.execute("UPDATE cards SET buried_on = ? WHERE id = ?", [day, pk])
            record_card_event(conn, pk, "bury", _moment(at, today), day)

    def rebuilt_schedule(self, pk: int) -> Schedule:
        """A card's schedule replayed from its review log (the source of truth)."""
        return self._rebuilt(self.conn, pk)[0]

    @staticmethod
    def _rebuilt(conn: sqlite3.Connection, pk: int) -> tuple[Schedule, date | None]:
        rows = conn.execute(
            "SELECT grade, reviewed_on FROM reviews WHERE card = ? AND kind = 'scheduled' ORDER BY id",
            [pk],
        ).fetchall()
        if any(not is_day(day) or type(grade) is not int or not 0 <= grade <= 5 for grade, day in rows):
            deck, card_id = conn.execute("SELECT deck, card_id FROM cards WHERE id = ?", [pk]).fetchone()
            raise StoreError(
                f"the review log of card {deck}/{card_id} holds a damaged grade or day, so its schedule "
                "cannot be rebuilt; the log is the record itself: restore the database from a backup "
                "(`quiz check` lists every such row)."
            )
        history = [(grade, date.fromisoformat(day)) for grade, day in rows]
        introduced = history[0][1] if history else None
        return replay(history), introduced

    @staticmethod
    def _write_schedule(
        conn: sqlite3.Connection,
        pk: int,
        schedule: Schedule,
        *,
        introduced_on: date | None,
        keep_introduced: bool = False,
    ) -> None:
        conn.execute(
            """
            UPDATE cards SET repetitions = ?, interval_days = ?, easiness_hundredths = ?, due_on = ?,
                lapses = ?, reviews = ?, last_reviewed_on = ?,
                introduced_on = CASE WHEN ? THEN introduced_on ELSE ? END
            WHERE id = ?
            """,
            [
                schedule.repetitions,
                schedule.interval_days,
                schedule.easiness_hundredths,
                iso_day(schedule.due_on),
                schedule.lapses,
                schedule.reviews,
                iso_day(schedule.last_reviewed_on),
                keep_introduced,
                iso_day(introduced_on),
                pk,
            ],
        )

    def bulk_insert_reviews(self, entries: Iterable[ReviewLogEntry]) -> int:
        """Append review rows exactly as given, in one transaction; returns how many.

        Meant for bringing in a history computed elsewhere (and for benchmarks
        and tests): the cards' schedules are left as they are, so rows that
        disagree with them are the caller's to reconcile (``repair_schedules``,
        as `quiz check --repair` does, replays each card's log into its
        schedule). The entries are consumed as an iterator, so any number of
        rows fits in memory. Each is checked first, to hold what quizcards
        itself writes; a bad one is a StoreError naming it, and nothing is added.
        """
        count = 0

        def values() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for entry in entries:
                count += 1
                yield _checked(entry, count)

        with self._transaction() as conn:
            conn.executemany(_REVIEW_INSERT, values())
        return count


def _moment(at: datetime | None, day: date) -> str:
    """A card event's time: the one given, or the start of its day."""
    return utc_timestamp(at) if at is not None else f"{day.isoformat()}T00:00:00.000Z"


def schedule_in(conn: sqlite3.Connection, pk: int) -> Schedule:
    """Card pk's schedule as this transaction reads it."""
    cursor = conn.execute(f"SELECT {SCHEDULE_COLUMNS} FROM cards WHERE id = ?", [pk])
    cursor.row_factory = sqlite3.Row
    row = cursor.fetchone()
    if row is None:
        raise StoreError(f"card {pk} is no longer in the database.")
    return schedule_of(row)


def _values(entry: ReviewLogEntry) -> tuple[Any, ...]:
    """An entry's column values in _REVIEW_INSERT's order."""
    return (
        entry.card,
        entry.reviewed_at,
        entry.reviewed_on,
        entry.grade,
        entry.kind,
        entry.explanation,
        entry.duration_ms,
        entry.scheduler,
        entry.repetitions_before,
        entry.interval_before,
        entry.easiness_before,
        entry.due_before,
        entry.repetitions_after,
        entry.interval_after,
        entry.easiness_after,
        entry.due_after,
        entry.uuid if entry.uuid is not None else new_uuid(entry.reviewed_at),
    )


def _is_count(value: object, limit: int = 2**62) -> bool:
    return type(value) is int and 0 <= value < limit


def _checked(entry: ReviewLogEntry, number: int) -> tuple[Any, ...]:
    """An entry's column values, once each holds what quizcards itself writes.

    The export readers rely on it: whole numbers, ISO dates and times, and the
    known kinds, none of which needs quoting in CSV.
    """
    problems = []
    if not _is_count(entry.card):
        problems.append(f"card {entry.card!r} is not a card's row id")
    if not is_moment(entry.reviewed_at):
        problems.append(f"reviewed_at {entry.reviewed_at!r} is not a UTC time like 2026-03-10T09:00:00.000Z")
    for name in ("reviewed_on", "due_before", "due_after"):
        value = getattr(entry, name)
        if not (value is None and name != "reviewed_on") and not is_day(value):
            problems.append(f"{name} {value!r} is not a date like 2026-03-10")
    if not _is_count(entry.grade, 6):
        problems.append(f"grade {entry.grade!r} is not a whole number from 0 to 5")
    if entry.kind not in REVIEW_KINDS:
        problems.append(f"kind {entry.kind!r} is not one of {', '.join(map(repr, REVIEW_KINDS))}")
    if entry.uuid is not None and not (isinstance(entry.uuid, str) and len(entry.uuid) == 36):
        problems.append(f"uuid {entry.uuid!r} is not a UUID like 9a371cea-5d7c-41d5-9384-2655e4ba1af8")
    if not isinstance(entry.explanation, str) or not isinstance(entry.scheduler, str):
        problems.append("the explanation and the scheduler must be text")
    for name in (
        "duration_ms",
        "repetitions_before",
        "interval_before",
        "repetitions_after",
        "interval_after",
    ):
        if not _is_count(getattr(entry, name)):
            problems.append(f"{name} {getattr(entry, name)!r} is not a whole number of 0 or more")
    for name in ("easiness_before", "easiness_after"):
        if not _is_count(getattr(entry, name), MAX_EASINESS_HUNDREDTHS):
            problems.append(f"{name} {getattr(entry, name)!r} is not a whole number of hundredths")
    if problems:
        raise StoreError(f"review log entry {number} cannot be added: {'; '.join(problems)}.")
    return _values(entry)
