"""A second open of the database in the same process never drops the first connection's locks.

POSIX advisory locks belong to the process: closing any descriptor of a file drops every lock the
process holds on it (sqlite.org/howtocorrupt.html, 2.2). The review's daily backup opens the
database a second time in a thread; had that read the header through a descriptor of its own,
another process closing the database next would think itself the last user, checkpoint and
delete the WAL the review was still writing to: its later grades lost, its indexes damaged.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from quizcards.store import BaseStore, Store
from tests.conftest import SMALL_DECK, deck_writer
from tests.helpers import import_decks


def _open_and_close_elsewhere(db: Path) -> None:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT count(*) FROM cards').fetchone(); c.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=30)


def test_a_second_open_in_this_process_keeps_the_wal_of_the_first(tmp_path: Path) -> None:
    db = tmp_path / "quiz.db"
    wal = tmp_path / "quiz.db-wal"
    with Store.open(db, create=True) as store:
        import_decks(store, deck_writer(tmp_path)("attention.yaml", SMALL_DECK))
        assert wal.exists()
        with BaseStore.open(db, mode="read"):  # as the daily backup's thread does
            pass
        _open_and_close_elsewhere(db)
        assert wal.exists()  # the other process knew this one still had the database open
        store.conn.execute("UPDATE cards SET position = position")  # and this one still writes to it
        assert store.conn.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_the_header_is_still_checked_when_no_connection_of_this_process_has_the_file(
    tmp_path: Path,
) -> None:
    import pytest

    from quizcards.core.errors import StoreError

    db = tmp_path / "quiz.db"
    with Store.open(db, create=True):
        pass
    db.write_bytes(b"not a database at all" * 10)
    with pytest.raises(StoreError, match="not a quizcards database"):
        BaseStore.open(db, mode="read")
