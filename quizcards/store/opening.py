"""Opening a database file: is it really ours, how it is configured, and its pending migrations.

Opening checks the file really is a quizcards database, refuses one written
by a newer quizcards, backs up an older one and applies the pending
migrations (through sqlite-utils' ``Migrations``, imported only then). A fresh
and an old database are handled the same way. The clock value that names the
backup before an upgrade, and the busy timeout, are passed in.

A command that only reads opens the file read-only (``mode=ro``): it never
migrates it and never switches its journal mode, so pointing one at a backup
leaves that file byte for byte as it was.
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
from quizcards.store.connection import BUSY_TIMEOUT_SECONDS, damaged, describe, held_by_this_process

SQLITE_HEADER = b"SQLite format 3\x00"
# read: a command that only reads; the schema must be this version's. copy: `quiz backup`, which
# copies the file as it is, an older schema included. write: every other command; it upgrades.
Mode = Literal["read", "copy", "write"]


def _writable(path: Path) -> bool:
    """Writable by us, judged by the mode bits too: root ignores them, quizcards does not."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _read_only_uri(path: Path) -> str:
    """The URI that opens path read-only; immutable too when nothing can change the file.

    SQLite reads a WAL database through a -shm file it must be able to create, which a
    read-only folder forbids; a file nobody may write, in a folder nobody may write, cannot
    change under us, so SQLite may read it without locks or -shm (``immutable``). Not when a
    -wal file holds pages: immutable would ignore them, and the last committed changes with them.
    """
    # as_uri percent-encodes '?', '#' and '%', which a plain "file:" URI would misread.
    uri = path.resolve().as_uri() + "?mode=ro"
    wal = path.with_name(path.name + "-wal")
    try:
        wal_pages = wal.exists() and wal.stat().st_size > 0
    except OSError:
        wal_pages = True
    if not wal_pages and not _writable(path) and not _writable(path.parent):
        uri += "&immutable=1"
    return uri


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
        """Open (and, if allowed, create) the database at path; upgrade it if mode is "write".

        busy_timeout is how long a write waits for another process's transaction;
        now names the backup taken before an upgrade (without it, the database
        file's own modification time does).
        """
        if not path.exists():
            if not create or mode != "write":
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
        elif not held_by_this_process(path):
            cls._check_header(path)
        if mode == "write":
            if path.exists() and not _writable(path):
                raise StoreError(f"{path} is read-only; quizcards needs to write to it.")
            if not _writable(path.parent):
                raise StoreError(
                    f"the folder {path.parent} is read-only; SQLite needs to write its journal there."
                )
        try:
            if mode == "write":
                conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            else:
                conn = sqlite3.connect(
                    _read_only_uri(path), uri=True, timeout=busy_timeout, isolation_level=None
                )
        except sqlite3.Error as error:
            raise describe(error, path, busy_timeout) from None
        store = cls(conn, path, busy_timeout=busy_timeout)
        try:
            # WAL is switched on only once the file is known to be ours: switching rewrites the
            # header, and a foreign or newer database must be left byte for byte as it was.
            store._configure(wal=False)
            pending = store._pending_migrations()
            if mode == "write":
                store._migrate(pending, now=now)
                store._configure(wal=True)
            elif pending and mode == "read":
                store._refuse_to_read_old(path, pending)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Self:
        """A fresh in-memory store, fully migrated (for tests)."""
        store = cls(sqlite3.connect(":memory:", isolation_level=None), None)
        try:
            store._configure(wal=False)
            store._migrate(store._pending_migrations(), now=None)
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

    def _pending_migrations(self) -> list[str]:
        """This version's migrations the database has not had; refuses a newer or a foreign one."""
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
            pages = int(self.conn.execute("PRAGMA page_count").fetchone()[0])
        except sqlite3.Error as error:
            raise self._describe(error) from None
        unknown = [name for name in applied if name not in migrations.NAMES]
        if unknown:
            raise StoreError(
                f"{self.path} was written by a newer version of quizcards (it has the migration "
                f"'{unknown[0]}', which this version does not know). Upgrade quizcards to use it."
            )
        if not applied and (tables - {"_sqlite_migrations"} or pages > 1):
            # Someone else's database, or ours with its schema damaged: only SQLite can tell.
            self._require_intact()
            if tables - {"_sqlite_migrations"}:
                raise StoreError(f"{self.path} is an SQLite database, but not a quizcards database.")
        return [name for name in migrations.NAMES if name not in applied]

    def _require_intact(self) -> None:
        """Raise the damaged-file error unless SQLite's quick check passes."""
        try:
            problems = [row[0] for row in self.conn.execute("PRAGMA quick_check(1)")]
        except sqlite3.Error as error:
            raise self._describe(error) from None
        if problems != ["ok"]:
            # A problem may come as "*** in database main ***" and the finding on the next line.
            lines = [
                line for problem in problems for line in problem.splitlines() if not line.startswith("***")
            ]
            raise damaged(self.path, lines[0] if lines else "SQLite's quick check failed")

    def _refuse_to_read_old(self, path: Path, pending: list[str]) -> None:
        """A command that only reads never migrates: say which command does."""
        if len(pending) == len(migrations.NAMES):
            raise StoreError(f"{path} is an empty SQLite database, not yet a quizcards database.")
        if not _writable(path):
            raise StoreError(
                f"{path} was written by an older version of quizcards and needs upgrading, but it is "
                "read-only; copy it somewhere writable (quiz backup PATH) and use the copy."
            )
        raise StoreError(
            f"{path} was written by an older version of quizcards and needs upgrading before it can "
            "be read; run `quiz review` or `quiz import` once to upgrade it (a backup is taken first)."
        )

    def _migrate(self, pending: list[str], *, now: datetime | None) -> None:
        """Apply the pending migrations, after a backup of a database that had some already."""
        if not pending:
            return
        if len(pending) < len(migrations.NAMES) and self.path is not None:
            # Without a clock value, the time the database was last written names its backup.
            moment = now or datetime.fromtimestamp(self.path.stat().st_mtime).astimezone()
            self.backup_automatically(f"before-{pending[0]}", stamp=stamp(moment))
        try:
            migrations.migration_set().apply(self.db)
        except sqlite3.Error as error:
            raise self._describe(error) from None
