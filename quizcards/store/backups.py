"""Copies of the database: SQLite's online backup, and the one naming scheme of every backup.

Automatic backups are ``STEM-YYYYMMDD-HHMMSS-REASON.db`` in the ``backups``
folder beside the database (REASON is ``daily`` or ``before-<what>``, with
``-2``, ``-3``... when a backup asked to be fresh finds its name taken); the
last ``BACKUPS_KEPT`` of them by the stamp in their names are kept, and the one
just taken always is. A copy made by `quiz backup` is
``STEM-YYYYMMDD-HHMMSS.db`` (``-2``, ``-3``... when the name is taken), and is
never pruned. The store reads no clock: every stamp is passed in, made from
the caller's clock by ``stamp`` or ``daily_stamp``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

from quizcards.core.errors import StoreError
from quizcards.store.connection import Connection

BACKUPS_KEPT = 7
BACKUPS_FOLDER = "backups"
_STAMP_FORMAT = "%Y%m%d-%H%M%S"


def stamp(moment: datetime) -> str:
    """YYYYMMDD-HHMMSS of a moment in local time: the form backup names carry."""
    return moment.astimezone().strftime(_STAMP_FORMAT)


def day_stamp(day: date) -> str:
    """YYYYMMDD: how a day's backups are found (``has_backup``)."""
    return day.strftime("%Y%m%d")


def daily_stamp(day: date) -> str:
    """The stamp of a day's automatic backup: that day at midnight, so there is one a day."""
    return day_stamp(day) + "-000000"


def free_copy_path(folder: Path, database_stem: str, moment_stamp: str) -> Path:
    """Where `quiz backup` puts a copy: folder/STEM-STAMP.db, or STEM-STAMP-2.db... if that is taken."""
    stem = f"{database_stem}-{moment_stamp}"
    candidate = folder / f"{stem}.db"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.db"
        number += 1
    return candidate


class Backups(Connection):
    """Backing up the open database: on request, automatically, and the automatic ones kept."""

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database, through SQLite's online backup API."""
        if target.exists():
            raise StoreError(f"{target} already exists; choose another name for the backup.")
        if not target.parent.is_dir():
            raise StoreError(f"cannot write {target}: the folder {target.parent} does not exist.")
        # Named for this process: two reviews starting at once may both take the daily backup.
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            destination = sqlite3.connect(partial)
            try:
                self.conn.backup(destination)
                # A backup is one self-contained file: no -wal or -shm beside it.
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
            partial.replace(target)
        except sqlite3.Error as error:
            partial.unlink(missing_ok=True)
            raise self._describe(error, target) from None
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the backup {target}: {error.strerror}.") from None

    def backups_dir(self) -> Path:
        assert self.path is not None
        return backups_folder(self.path)

    def made_backups_dir(self) -> Path:
        """The backups folder beside the database, created if it is not there yet."""
        folder = self.backups_dir()
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the backups folder {folder}: {error.strerror}.") from None
        return folder

    def _automatic_backups(self) -> list[tuple[Path, str]]:
        """The automatic backups of this database, oldest first by the stamp in their names (see
        ``backup_files``): the only files ``backup_automatically`` ever prunes."""
        assert self.path is not None
        return backup_files(self.path, automatic_only=True)

    def backup_automatically(self, reason: str, *, stamp: str, fresh: bool = False) -> Path | None:
        """Copy the database into the backups folder beside it, keeping the last BACKUPS_KEPT.

        reason is "daily" or "before-<what>"; stamp is YYYYMMDD-HHMMSS (see ``stamp``).
        A backup of that name already there is the one asked for: it is not taken twice,
        unless fresh is set (the state just before a change, not an earlier one's):
        then the copy is numbered ``-2``, ``-3``... The copy just taken is never pruned,
        whatever the stamps of the others.
        """
        if self.path is None:
            return None
        folder = self.made_backups_dir()
        base = f"{self.path.stem}-{stamp}-{reason}"
        target = folder / f"{base}.db"
        number = 2
        while fresh and target.exists():
            target = folder / f"{base}-{number}.db"
            number += 1
        if target.exists():
            return target
        self.backup_to(target)
        others = [old for old, _ in self._automatic_backups() if old != target]
        for old in others[: max(len(others) - (BACKUPS_KEPT - 1), 0)]:
            with contextlib.suppress(OSError):  # an old copy that cannot go now goes next time
                old.unlink(missing_ok=True)
        return target

    def has_backup(self, fragment: str) -> bool:
        """Whether an automatic backup's stamp starts with fragment (a day: YYYYMMDD)."""
        if self.path is None:
            return True
        return any(found.startswith(fragment) for _, found in self._automatic_backups())

    def has_daily_backup(self, day: date) -> bool:
        """Whether the day already has an automatic backup (the daily one, or one before an upgrade)."""
        return self.has_backup(day_stamp(day))


def backups_folder(database: Path) -> Path:
    """Where a database's backups go: the backups folder beside it."""
    return database.parent / BACKUPS_FOLDER


def backup_files(database: Path, *, automatic_only: bool = False) -> list[tuple[Path, str]]:
    """This database's backups and their stamps, oldest first by the stamp in their names.

    Only names of the program's own making, for this database, with a stamp that is a real moment:
    automatic ones (``...-daily.db``, ``...-before-WHAT.db``, perhaps numbered ``-2``...) and, unless
    ``automatic_only``, copies made by `quiz backup` (``STEM-YYYYMMDD-HHMMSS.db``, perhaps numbered).
    Another database's backups in the same folder (``quiz-work.db`` beside ``quiz.db``) and any other
    file are not among them. Age is the stamp in the name, never the file's modification time, which a
    clock that was ahead or a copy that kept its times can put anywhere.
    """
    pattern = re.compile(
        re.escape(database.stem) + r"-(\d{8}-\d{6})(-(?:daily|before-[\w.-]+?))?(?:-(\d+))?\.db"
    )
    found: list[tuple[str, int, str, Path]] = []
    with contextlib.suppress(OSError):
        for entry in backups_folder(database).iterdir():
            match = pattern.fullmatch(entry.name)
            if match is None or not _is_moment(match[1]) or (automatic_only and match[2] is None):
                continue
            if entry.is_file() and not entry.is_symlink():
                found.append((match[1], int(match[3] or 1), entry.name, entry))
    return [(entry, found_stamp) for found_stamp, _, _, entry in sorted(found)]


def _is_moment(found_stamp: str) -> bool:
    """Whether YYYYMMDD-HHMMSS names a real moment (a name like 20261399-... is not one of ours)."""
    try:
        datetime.strptime(found_stamp, _STAMP_FORMAT)
    except ValueError:
        return False
    return True
