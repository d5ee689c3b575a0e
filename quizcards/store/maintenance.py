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
    LOG_DERIVED_RULES,
    CopyCheck,
    LoggedReview,
    ScheduleCheck,
    ScheduleDrift,
    UnreadableLog,
    check_card,
    rebuilt_log_values,
)
from quizcards.core.errors import QuizError
from quizcards.core.fsrs import Parameters
from quizcards.core.fsrs_check import FsrsStateCheck, StoredFsrsState, check_fsrs_states
from quizcards.store.base import BaseStore
from quizcards.store.connection import BUSY_TIMEOUT_SECONDS
from quizcards.store.connection import describe as _describe
from quizcards.store.migrations import REVIEW_CHECKS
from quizcards.store.scheduling import refresh_fsrs_state

# The columns are fixed names, never values.
_CARDS_CHECKED = (
    f"SELECT id, deck, card_id, {', '.join(CHECKED_FIELDS)} FROM cards ORDER BY deck, position, id"
)
# Every logged review, with what check_card judges of it. SQLite applies m004's rules to the
# time and the derived columns, so only a broken value is read into Python (a long log has
# millions of rows): reviewed_at is NULL when it keeps its rule.
_DERIVED = tuple(LOG_DERIVED_RULES)
_REVIEWS_CHECKED = f"""
    SELECT id, card, grade, reviewed_on, kind,
           CASE WHEN coalesce({REVIEW_CHECKS["reviewed_at"]}, 0) THEN NULL ELSE reviewed_at END
               AS reviewed_at,
           NOT coalesce({" AND ".join(REVIEW_CHECKS[column] for column in _DERIVED)}, 0) AS broken,
           {", ".join(_DERIVED)}
    FROM reviews
"""
# Enough rows of integrity_check to say what is wrong, not a page of every broken index entry.
_INTEGRITY_ROWS = 20
# A row that breaks a CHECK (m004) is judged by check_schedules, which says whether the log
# rebuilds it; SQLite's integrity check reports it too, as if the file were damaged.
_BROKEN_CHECK = "CHECK constraint failed in "


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
            if part and part != "ok" and not part.startswith(("*** in database", _BROKEN_CHECK))
        ]
        for table, rowid, parent, _ in self._query("PRAGMA foreign_key_check"):
            problems.append(f"row {rowid} of {table} refers to a {parent} row that does not exist")
        return problems

    def check_schedules(self) -> ScheduleCheck:
        """Replay every card's scheduled reviews and compare the result with its stored state.

        Under FSRS, also replay every card's FSRS state and compare it with its stored row.
        """
        logs: dict[int, list[LoggedReview]] = {}
        review_count = 0
        with self._snapshot():  # cards, log and states as of one moment, whatever another process writes
            cards = self._query(_CARDS_CHECKED)
            for row in self._query(_REVIEWS_CHECKED + " ORDER BY card, id"):
                logs.setdefault(row["card"], []).append(_logged(row))
                review_count += row["kind"] == "scheduled"
            inputs = self._fsrs_inputs()
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
        fsrs: FsrsStateCheck | None = None
        if isinstance(inputs, str):
            fsrs = FsrsStateCheck(0, not_checked=inputs)
        elif inputs is not None:
            retention, states, parameters = inputs
            # A card whose log cannot be replayed is reported as such, not as an FSRS state.
            skipped = {entry.pk for entry in unreadable}
            names = {
                row["id"]: (str(row["deck"]), str(row["card_id"]))
                for row in cards
                if row["id"] not in skipped
            }
            fsrs = check_fsrs_states(names, logs, states, parameters, retention)
        return ScheduleCheck(len(cards), review_count, tuple(drifts), tuple(unreadable), fsrs)

    def _fsrs_inputs(self) -> tuple[float, dict[int, StoredFsrsState], Parameters] | str | None:
        """Under FSRS, the desired retention, every stored state by card and the parameters in force;
        why they cannot be read (a damaged setting or fit); None under SM-2."""
        try:
            settings = self.collection_settings()
            if settings.scheduler != "fsrs":
                return None
            parameters = self.fsrs_parameters_in_force()
        except QuizError as error:
            return str(error)
        stored = {
            row[0]: (row[1], row[2], row[3], row[4])
            for row in self._query(
                "SELECT card, stability, difficulty, last_reviewed_on, due_on FROM fsrs_states"
            )
        }
        return settings.desired_retention, stored, parameters

    def repair_fsrs_states(self, pks: Iterable[int]) -> int:
        """Under FSRS, replace the given cards' FSRS states by their replay, all in one transaction.

        A card with nothing to replay loses its row. Returns how many cards were rebuilt.
        """
        repaired = 0
        with self._transaction() as conn:
            for pk in pks:
                # Replayed inside the transaction, so a grade logged since the check is included.
                refresh_fsrs_state(conn, pk, self.path)
                repaired += 1
        return repaired

    def repair_schedules(self, pks: Iterable[int]) -> int:
        """Rewrite the given cards' schedules from their logs, all in one transaction.

        A logged review whose derived values (the schedule before and after it, its duration)
        break a rule gets them from the same replay; the log's own facts are never rewritten.
        """
        repaired = 0
        with self._transaction() as conn:
            for pk in pks:
                # Rebuilt inside the transaction, so a grade logged since the check is included.
                cursor = conn.execute(_REVIEWS_CHECKED + " WHERE card = ? ORDER BY id", [pk])
                cursor.row_factory = sqlite3.Row
                for review_id, values in rebuilt_log_values([_logged(row) for row in cursor]).items():
                    # The columns are fixed names, never values.
                    assignments = ", ".join(f"{column} = ?" for column in values)
                    conn.execute(
                        f"UPDATE reviews SET {assignments} WHERE id = ?", [*values.values(), review_id]
                    )
                schedule, introduced = self._rebuilt(conn, pk)
                self._write_schedule(conn, pk, schedule, introduced_on=introduced)
                repaired += 1
        return repaired

    @classmethod
    def repair_before_upgrade(
        cls, path: Path, *, stamp: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> tuple[int, Path | None]:
        """Repair, under its old schema, a database whose damaged values stop the upgrade (m004).

        Opening would apply the upgrade first, and the upgrade refuses such a database: this
        connects without upgrading, backs the file up ("before-repair") and rewrites every card
        that differs from its log. Returns how many, and the backup. Called only after opening
        the same file failed at the upgrade, so the file is known to be a quizcards database.
        """
        try:
            conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise _describe(error, path, busy_timeout) from None
        with cls(conn, path, busy_timeout=busy_timeout) as store:
            store._configure(wal=False)
            drifts = store.check_schedules().drifts
            if not drifts:
                return 0, None
            backup = store.backup_automatically("before-repair", stamp=stamp)
            return store.repair_schedules(drift.pk for drift in drifts), backup

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


def _logged(row: sqlite3.Row) -> LoggedReview:
    return LoggedReview(
        row["id"],
        row["grade"],
        row["reviewed_on"],
        kind=row["kind"],
        reviewed_at=row["reviewed_at"],
        derived=tuple((column, row[column]) for column in _DERIVED) if row["broken"] else (),
    )
