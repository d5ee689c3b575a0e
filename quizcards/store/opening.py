"""Opening a database file: is it really ours, how it is configured, and its pending migrations.

Opening checks the file really is a quizcards database, refuses one written
by a newer quizcards, backs up an older one and applies the pending
migrations (through sqlite-utils' ``Migrations``, imported only then). A fresh
and an old database are handled the same way. The clock value that names the
backup before an upgrade, and the busy timeout, are passed in.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Literal, Self

from quizcards.core.errors import DatabaseNotFoundError, StoreError
from quizcards.store import migrations
from quizcards.store.backups import Backups, stamp
from quizcards.store.connection import BUSY_TIMEOUT_SECONDS, describe

SQLITE_HEADER = b"SQLite format 3\x00"
Mode = Literal["read", "write"]


def _writable(path: Path) -> bool:
    """Writable by us, judged by the mode bits too: root ignores them, quizcards does not."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


class Opening(Backups):
    """How a connection to a quizcards database comes to be: ``open`` a file, or ``memory``."""

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        mode: Mode = "write",
        create: bool = False,
        create_folder: bool = False,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        now: datetime | None = None,
    ) -> Self:
        """Open (and, if allowed, create) the database at path, upgrading it if needed.

        busy_timeout is how long a write waits for another process's transaction;
        now names the backup taken before an upgrade (without it, the database
        file's own modification time does).
        """
        if not path.exists():
            if not create:
                raise DatabaseNotFoundError(
                    f"no database at {path}; import a deck first (quiz import) or check --db."
                )
            if not path.parent.is_dir():
                if not create_folder:
                    raise StoreError(f"cannot create {path}: the folder {path.parent} does not exist.")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StoreError(f"cannot create the folder {path.parent}: {error.strerror}.") from None
        elif not path.is_file():
            raise StoreError(f"{path} is not a file.")
        else:
            cls._check_header(path)
        read_only = path.exists() and not _writable(path)
        if read_only and mode == "write":
            raise StoreError(f"{path} is read-only; quizcards needs to write to it.")
        if mode == "write" and not _writable(path.parent):
            raise StoreError(
                f"the folder {path.parent} is read-only; SQLite needs to write its journal there."
            )
        try:
            if read_only:
                # as_uri percent-encodes '?', '#' and '%', which a plain "file:" URI would misread.
                conn = sqlite3.connect(
                    path.resolve().as_uri() + "?mode=ro", uri=True, timeout=busy_timeout, isolation_level=None
                )
            else:
                conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise describe(error, path, busy_timeout) from None
        store = cls(conn, path, busy_timeout=busy_timeout)
        try:
            # WAL is switched on only once the file is known to be ours: switching rewrites the
            # header, and a foreign or newer database must be left byte for byte as it was.
            store._configure(wal=False)
            store._migrate(read_only=read_only, now=now)
            if not read_only:
                store._configure(wal=True)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Self:
        """A fresh in-memory store, fully migrated (for tests)."""
        store = cls(sqlite3.connect(":memory:", isolation_level=None), None)
        try:
            store._configure(wal=False)
            store._migrate(read_only=False, now=None)
        except BaseException:
            store.close()
            raise
        return store

    @staticmethod
    def _check_header(path: Path) -> None:
        """Refuse a file that is not SQLite, or is visibly cut short, before SQLite touches it."""
        wal = path.with_name(path.name + "-wal")
        journal = path.with_name(path.name + "-journal")
        try:
            with path.open("rb") as handle:
                header = handle.read(100)
            size = path.stat().st_size
            # With a WAL holding pages, the main file may lag its own header; SQLite sorts that out.
            settled = not (wal.exists() and wal.stat().st_size) and not journal.exists()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}.") from None
        if not header:
            if settled:
                raise StoreError(
                    f"{path} is empty (0 bytes), so it is not a quizcards database; restore it "
                    "from a backup, or delete it to start afresh."
                )
            return
        if not header.startswith(SQLITE_HEADER):
            raise StoreError(f"{path} is not a quizcards database (it is not an SQLite file).")
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if len(header) < 100 or page_size < 512 or page_size & (page_size - 1):
            raise StoreError(
                f"{path} is damaged: its SQLite header is cut short or invalid. Restore it from a backup."
            )
        pages = int.from_bytes(header[28:32], "big")
        counted = header[24:28] == header[92:96]  # the page count is valid only then
        expected = pages * page_size if counted and pages else None
        if settled and (size % page_size or (expected is not None and size < expected)):
            should = f"{expected:,}" if expected is not None else f"a multiple of {page_size:,}"
            raise StoreError(
                f"{path} is truncated: it is {size:,} bytes but should be {should}. Restore it from a backup."
            )

    def _configure(self, *, wal: bool) -> None:
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if wal:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def _migrate(self, *, read_only: bool, now: datetime | None) -> None:
        try:
            tables = {
                row[0]
                for row in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            applied: list[str] = []
            if "_sqlite_migrations" in tables:
                applied = [
                    row[0]
                    for row in self.conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                        [migrations.MIGRATION_SET],
                    )
                ]
        except sqlite3.Error as error:
            raise self._describe(error) from None
        unknown = [name for name in applied if name not in migrations.NAMES]
        if unknown:
            raise StoreError(
                f"{self.path} was written by a newer version of quizcards (it has the migration "
                f"'{unknown[0]}', which this version does not know). Upgrade quizcards to use it."
            )
        if not applied and tables - {"_sqlite_migrations"}:
            raise StoreError(f"{self.path} is an SQLite database, but not a quizcards database.")
        pending = [name for name in migrations.NAMES if name not in applied]
        if not pending:
            return
        if read_only:
            raise StoreError(
                f"{self.path} needs upgrading to this version of quizcards, but it is read-only."
            )
        if applied and self.path is not None:
            # Without a clock value, the time the database was last written names its backup.
            moment = now or datetime.fromtimestamp(self.path.stat().st_mtime).astimezone()
            self.backup_automatically(f"before-{pending[0]}", stamp=stamp(moment))
        try:
            migrations.migration_set().apply(self.db)
        except sqlite3.Error as error:
            raise self._describe(error) from None
