"""This device's own journal files as the store remembers them: taken back after a crash, lost, or moved.

A device writes only its own files, and before it adds to one it checks the file is as it left
it. These are the store's answers when it is not: lines it wrote but did not mark (a crash), a
file shorter or gone (a sync tool or a person lost it: the month's entries are sent again), a new
folder (everything is sent again), or another database under the same id (``--new-device``).
"""

from __future__ import annotations

import json
import sqlite3

from quizcards.core.sync.entries import Entry, LineProblem, ReviewEntry, UndoEntry, entry_of
from quizcards.core.sync.reading import NewLines
from quizcards.store.connection import Connection
from quizcards.store.sync import next_month, save_position
from quizcards.store.sync_apply import is_held

_OWN = (("reviews", "reviewed_at"), ("sync_undone", "undone_at"), ("sync_card_events", "at"))


class OwnJournal(Connection):
    """Keeping this device's own files and its database in step."""

    def adopt_own_lines(self, path: str, device: str, new: NewLines, *, whole: bool = False) -> bool:
        """Lines of this device's own file it did not remember writing; True when they are taken back.

        When every one is an entry of this device that the database holds (a sync killed after
        renaming the file, before its flags were committed; two syncs at once; a file restored or
        rewritten by a sync tool, ``new.restarted``; or all of a file cut mid-line, ``whole``), they are
        marked journaled and the file's end is remembered; after a restart or a cut, this device's
        entries of the month that the file lacks are marked to be sent again. Any other line means
        another writer shares this device's id: nothing is changed, and False.
        """
        uuids: dict[str, list[str]] = {"reviews": [], "sync_undone": [], "sync_card_events": []}
        for _number, raw in new.lines:
            entry = entry_of(raw)
            if isinstance(entry, LineProblem) or entry.device != device or not self._holds(entry):
                return False
            if isinstance(entry, ReviewEntry):
                table, uuid = "reviews", entry.uuid
            elif isinstance(entry, UndoEntry):
                table, uuid = "sync_undone", entry.review
            else:
                table, uuid = "sync_card_events", entry.uuid
            uuids[table].append(uuid)
        with self._transaction() as conn:
            for table, held_uuids in uuids.items():
                # The table names are fixed; the UUIDs are one JSON parameter.
                conn.execute(
                    f"UPDATE {table} SET journaled = 1 WHERE uuid IN (SELECT value FROM json_each(?))",
                    [json.dumps(held_uuids)],
                )
            if new.restarted or whole:
                _unjournal_month(conn, path, exclude=[uuid for group in uuids.values() for uuid in group])
            save_position(conn, path, new.position)
        return True

    def _holds(self, entry: Entry) -> bool:
        try:
            return is_held(self.conn, entry)
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def forget_own_file(self, path: str) -> None:
        """This device's file is gone from the folder: its month's entries are sent again."""
        with self._transaction() as conn:
            _unjournal_month(conn, path, exclude=[])
            conn.execute("DELETE FROM sync_files WHERE path = ?", [path])

    def forget_folder(self) -> None:
        """A new sync folder: read every file of it from the start, and send this device's whole history."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM sync_files")
            for table, _column in _OWN:
                # The table names are fixed.
                conn.execute(f"UPDATE {table} SET journaled = 0 WHERE device = 1 AND journaled = 1")

    def new_device_identity(self, device_id: str) -> str | None:
        """Give this database a new device id (it was copied, or restored under its old one); the old id
        becomes another device's, whose files are read again from their start. Returns the old id."""
        with self._transaction() as conn:
            old = conn.execute("SELECT device_id FROM sync_devices WHERE is_self = 1").fetchone()[0]
            if old is not None:
                conn.execute("UPDATE sync_devices SET device_id = NULL WHERE is_self = 1")
                conn.execute("INSERT INTO sync_devices (device_id) VALUES (?)", [old])
                # Its files are another device's now, read from their start (what is held is skipped).
                conn.execute("DELETE FROM sync_files WHERE substr(path, 1, 33) = ?", [f"{old}/"])
            conn.execute("UPDATE sync_devices SET device_id = ? WHERE is_self = 1", [device_id])
            # Everything this database holds is sent again under the new id; readers skip it by UUID.
            conn.execute("UPDATE reviews SET journaled = 0 WHERE device = 1")
            conn.execute("UPDATE sync_undone SET journaled = 0 WHERE device = 1")
            conn.execute("UPDATE sync_card_events SET journaled = 0 WHERE device = 1")
        return None if old is None else str(old)


def _unjournal_month(conn: sqlite3.Connection, path: str, *, exclude: list[str]) -> None:
    """Mark this device's entries of the month of its file ``<id>/<yyyy-mm>.jsonl`` to be sent again,
    except those the file holds (exclude)."""
    month = path.rsplit("/", 1)[-1][:7]
    span = [month, next_month(month), json.dumps(exclude)]
    for table, column in _OWN:
        # The table and column names are fixed; the values are parameters.
        conn.execute(
            f"UPDATE {table} SET journaled = 0 WHERE device = 1 AND journaled = 1 AND {column} >= ? "
            f"AND {column} < ? AND uuid NOT IN (SELECT value FROM json_each(?))",
            span,
        )
