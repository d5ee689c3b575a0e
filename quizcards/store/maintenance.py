"""Queries behind `quiz check` and `quiz backup`: SQLite's own checks, and every card read against its log.

What a difference between a card and its log means is ``core.checks``'s to say;
this module reads the rows (all in one snapshot) and writes the repairs.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from quizcards.core.checks import (
    CHECKED_FIELDS,
    CopyCheck,
    LoggedReview,
    ScheduleCheck,
    ScheduleDrift,
    UnreadableLog,
    check_card,
)
from quizcards.store.base import BaseStore
from quizcards.store.connection import describe as _describe

# The columns are fixed names, never values.
_CARDS_CHECKED = (
    f"SELECT id, deck, card_id, {', '.join(CHECKED_FIELDS)} FROM cards ORDER BY deck, position, id"
)
# Enough rows of integrity_check to say what is wrong, not a page of every broken index entry.
_INTEGRITY_ROWS = 20


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
        logs: dict[int, list[LoggedReview]] = {}
        review_count = 0
        with self._snapshot():  # cards and log as of one moment, whatever another process writes
            cards = self._query(_CARDS_CHECKED)
            for review_id, card, grade, day in self._query(
                "SELECT id, card, grade, reviewed_on FROM reviews WHERE kind = 'scheduled' ORDER BY card, id"
            ):
                logs.setdefault(card, []).append(LoggedReview(review_id, grade, day))
                review_count += 1
        drifts: list[ScheduleDrift] = []
        unreadable: list[UnreadableLog] = []
        for row in cards:
            pk = row["id"]
            stored = {column: row[column] for column in CHECKED_FIELDS}
            found = check_card(pk, str(row["deck"]), str(row["card_id"]), stored, logs.get(pk, []))
            if isinstance(found, ScheduleDrift):
                drifts.append(found)
            elif isinstance(found, UnreadableLog):
                unreadable.append(found)
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
