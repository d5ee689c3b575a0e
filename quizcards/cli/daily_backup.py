"""The day's automatic backup of `quiz review`, copied on a thread while the first card is on screen."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


class DailyBackup:
    """The day's automatic backup, copied on a thread of its own while the first card is on screen.

    Copying a large collection takes a second or more, and the first session of
    the day is most sessions: before the copy, the learner would wait for it.
    The copy starts once the first question is drawn (``start``), so it does not
    compete with drawing it either. Nothing is written before it is complete:
    every write of the session first calls ``wait``, which also raises whatever
    went wrong with the copy. Its name comes from ``store.backups.daily_stamp``.
    """

    def __init__(self, path: Path, today: date, *, busy_timeout: float) -> None:
        self._path = path
        self._today = today
        self._busy_timeout = busy_timeout
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._copy, name="quizcards-daily-backup", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _copy(self) -> None:
        from quizcards.store import BaseStore
        from quizcards.store.backups import daily_stamp

        try:
            # A connection of its own: an sqlite3 connection stays on the thread that opened it.
            # SQLite's backup step runs without the GIL, so the session draws cards meanwhile.
            with BaseStore.open(self._path, mode="read", busy_timeout=self._busy_timeout) as store:
                store.backup_automatically("daily", stamp=daily_stamp(self._today))
        except BaseException as error:  # handed to the session's thread by wait()
            self._error = error

    def wait(self) -> str | None:
        """Block until the backup exists (starting it if need be); say once what stopped it.

        A failed backup (a full disk, a read-only folder) must not cost the learner
        the grade they just gave: it is reported, and the session goes on.
        """
        from quizcards.core.errors import QuizError

        self.start()
        self._thread.join()
        error, self._error = self._error, None
        if error is None:
            return None
        if isinstance(error, QuizError):
            return str(error)
        if isinstance(error, OSError):  # the backups folder or an old backup not writable, say
            return f"{error.filename or 'the backups folder'}: {error.strerror or error}"
        raise error

    def finish_quietly(self) -> None:
        """Let a copy under way complete before the process exits (on the way out of an error)."""
        if self._thread.ident is not None:
            self._thread.join()


def report_backup(console: Console, problem: str | None) -> None:
    """Say, once, why today's backup could not be made (nothing when it was)."""
    if problem is not None:
        from quizcards.render.review import backup_failed

        console.print(backup_failed(problem))
