"""Queries behind `quiz check` and `quiz backup`: integrity and rebuilt schedules.

The review log is the source of truth: every card's stored schedule must equal
the schedule that SM-2 reaches by replaying the card's scheduled reviews in
order (re-drills never move a schedule). `quiz check` compares the two for
every card, and `quiz check --repair` rewrites the cards that drifted.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from quizcards.core.scheduler import Grade, Schedule, replay
from quizcards.store.base import BaseStore
from quizcards.store.connection import describe as _describe

# Stored columns and how each is read off a rebuilt schedule, in the order reports show them.
_COLUMNS = (
    "due_on",
    "interval_days",
    "repetitions",
    "easiness_hundredths",
    "lapses",
    "reviews",
    "last_reviewed_on",
    "introduced_on",
)
# Enough rows of integrity_check to say what is wrong, not a page of every broken index entry.
_INTEGRITY_ROWS = 20


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One column of a card whose stored value is not the one its log replays to."""

    column: str
    stored: Any
    rebuilt: Any


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


def _stored_value(schedule: Schedule, introduced_on: date | None, column: str) -> Any:
    value = introduced_on if column == "introduced_on" else getattr(schedule, column)
    return value.isoformat() if isinstance(value, date) else value


def _history(rows: Sequence[tuple[int, Any, Any]]) -> list[tuple[Grade, date]]:
    """(grade, day) pairs of logged rows; ValueError names the first row that is impossible."""
    history: list[tuple[Grade, date]] = []
    for review_id, grade, day in rows:
        if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
            raise ValueError(f"review {review_id} has the grade {grade!r}, which is not 0-5")
        try:
            history.append((Grade(grade), date.fromisoformat(day)))
        except (TypeError, ValueError):
            raise ValueError(f"review {review_id} has the date {day!r}, which is not a date") from None
    return history


class MaintenanceQueries(BaseStore):
    """Queries behind `quiz check` and `quiz backup`."""

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the same committed state."""
        try:
            self.conn.execute("BEGIN")
        except sqlite3.Error as error:
            raise self._describe(error) from None
        try:
            yield
        finally:
            # A read transaction has nothing to lose; a broken connection must not mask the real error.
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("COMMIT")

    def integrity_problems(self) -> list[str]:
        """What SQLite's integrity check and foreign-key check find; empty when all is well."""
        problems = [
            part
            for row in self._query(f"PRAGMA integrity_check({_INTEGRITY_ROWS})")
            for part in str(row[0]).splitlines()
            if part and part != "ok" and not part.startswith("*** in database")
        ]
        for table, rowid, parent, _ in self._query("PRAGMA foreign_key_check"):
            problems.append(f"row {rowid} of {table} refers to a {parent} row that does not exist")
        return problems

    def check_schedules(self) -> ScheduleCheck:
        """Replay every card's scheduled reviews and compare the result with its stored state."""
        logs: dict[int, list[tuple[int, Any, Any]]] = {}
        review_count = 0
        with self._snapshot():  # cards and log as of one moment, whatever another process writes
            cards = self._query(
                "SELECT id, deck, card_id, repetitions, interval_days, easiness_hundredths, due_on, lapses, "
                "reviews, last_reviewed_on, introduced_on FROM cards ORDER BY deck, position, id"
            )
            for review_id, card, grade, day in self._query(
                "SELECT id, card, grade, reviewed_on FROM reviews WHERE kind = 'scheduled' ORDER BY card, id"
            ):
                logs.setdefault(card, []).append((review_id, grade, day))
                review_count += 1
        drifts: list[ScheduleDrift] = []
        unreadable: list[UnreadableLog] = []
        for row in cards:
            pk = row["id"]
            try:
                history = _history(logs.get(pk, []))
                rebuilt = replay(history)
            except (ValueError, OverflowError) as error:
                unreadable.append(UnreadableLog(pk, str(row["deck"]), str(row["card_id"]), str(error)))
                continue
            introduced = history[0][1] if history else None
            differences = tuple(
                FieldDifference(column, row[column], expected)
                for column in _COLUMNS
                if row[column] != (expected := _stored_value(rebuilt, introduced, column))
            )
            if differences:
                drifts.append(ScheduleDrift(pk, str(row["deck"]), str(row["card_id"]), differences))
        return ScheduleCheck(len(cards), review_count, tuple(drifts), tuple(unreadable))

    def repair_schedules(self, pks: Iterable[int]) -> int:
        """Rewrite the given cards' schedules from their logs, all in one transaction."""
        repaired = 0
        with self._transaction() as conn:
            for pk in pks:
                # Rebuilt inside the transaction, so a grade logged since the check is included.
                schedule, introduced = self._rebuilt(conn, pk)
                self._write_schedule(conn, pk, schedule, introduced_on=introduced)
                repaired += 1
        return repaired

    @staticmethod
    def check_copy(path: Path) -> CopyCheck:
        """SQLite's integrity check of a database file (a fresh backup), opened read-only."""
        try:
            conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                rows = conn.execute(f"PRAGMA integrity_check({_INTEGRITY_ROWS})").fetchall()
                cards, reviews = conn.execute(
                    "SELECT (SELECT count(*) FROM cards), (SELECT count(*) FROM reviews)"
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as error:
            raise _describe(error, path) from None
        return CopyCheck(tuple(str(row[0]) for row in rows if row[0] != "ok"), int(cards), int(reviews))
