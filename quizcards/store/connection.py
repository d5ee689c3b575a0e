"""One live database connection: transactions, queries, and SQLite's errors as sentences naming the file.

Every write is one ``BEGIN IMMEDIATE`` transaction, so a killed process leaves
either all of a grade or an import, or none of it. The busy timeout is a value
the caller passes in (the CLI reads it from the environment); the connection
keeps it, so a "locked" message can say how long it waited.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from quizcards.core.errors import DatabaseLockedError, StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

# SQLite's own default wait, and the one quizcards uses unless told otherwise.
BUSY_TIMEOUT_SECONDS = 5.0

# The database files a connection of this process has open, by (device, inode). POSIX advisory
# locks belong to the process: closing ANY descriptor of a file drops every lock the process holds
# on it, SQLite's included (sqlite.org/howtocorrupt.html, 2.2). So while a file is held here it is
# never opened through a descriptor of our own (opening._check_header skips it: the first opener
# checked it); otherwise another process closing the database would think itself the last user,
# checkpoint, and delete the WAL a session here is still writing to.
_held_files: Counter[tuple[int, int]] = Counter()
_held_lock = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def held_by_this_process(path: Path) -> bool:
    """Whether a connection of this process has the database file open (see ``_held_files``)."""
    key = _file_key(path)
    with _held_lock:
        return key is not None and _held_files[key] > 0


def describe(error: sqlite3.Error, path: Path | None, waited: float = BUSY_TIMEOUT_SECONDS) -> StoreError:
    """A sqlite3 error as a sentence naming the database; waited is the busy timeout that ran out."""
    where = str(path) if path else "the database"
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return DatabaseLockedError(
            f"{where} is locked by another process; waited {waited:g} seconds. "
            "Try again when it has finished."
        )
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return StoreError(f"{where}: the disk is full; nothing was changed. Free some space and try again.")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"{where} is read-only; nothing was changed.")
    # The header was checked before SQLite opened the file (opening._check_header): a file SQLite
    # still calls "not a database" or "unsupported" has the right header over the wrong contents.
    if any(sign in lowered for sign in ("not a database", "malformed", "unsupported file format")):
        return damaged(path, text)
    if "unable to open" in lowered:
        return StoreError(f"cannot open {where}: {text}.")
    return StoreError(f"{where}: {text}.")


def damaged(path: Path | None, detail: str) -> StoreError:
    """The error of a damaged database file: what SQLite found, and where the backups to restore are."""
    if path is None:
        return StoreError(f"the database is damaged ({detail}). Restore it from a backup.")
    from quizcards.store.backups import BACKUPS_FOLDER  # backups builds on this module

    return StoreError(
        f"{path} is damaged ({detail}). Restore the latest good copy from {path.parent / BACKUPS_FOLDER} "
        "(see `quiz backup --help`); `quiz check` lists the damage if SQLite can still read the file."
    )


class Connection:
    """An open quizcards database: the statements of every query family go through here."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout = busy_timeout
        self._db: Database | None = None
        self._held = _file_key(path) if path is not None else None
        if self._held is not None:
            with _held_lock:
                _held_files[self._held] += 1

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection (imported on first use)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    def close(self) -> None:
        self.conn.close()
        if self._held is not None:
            with _held_lock:
                _held_files[self._held] -= 1
                if _held_files[self._held] <= 0:
                    del _held_files[self._held]
            self._held = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _describe(self, error: sqlite3.Error, path: Path | None = None) -> StoreError:
        """describe() for this connection: its file (unless another is named) and its busy timeout."""
        return describe(error, path or self.path, self.busy_timeout)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken eagerly so a busy database waits, then says so."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise self._describe(error) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise self._describe(error) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _query(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self.conn.execute(sql, parameters)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def _run(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """A statement outside a transaction block, its errors made sentences (a damaged file, say)."""
        try:
            return self.conn.execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._describe(error) from None
