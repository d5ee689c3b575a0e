"""`quiz check`'s sync part: the journal and the database agree, and every card's log is its merged log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from quizcards.core.sync.entries import LineProblem, UndoEntry, entry_of
from quizcards.core.sync.merge import derived_log
from quizcards.core.sync.reading import NewLines
from quizcards.core.sync.report import JournalCheck
from quizcards.store.sync import Syncing
from quizcards.store.sync_apply import is_held
from quizcards.store.sync_merge import HELD, held_row, is_mergeable, same_as_derived, settle_card

# The first few of a kind are named; the counts say the rest.
NAMED = 3


class SyncChecks(Syncing):
    """The sync part of `quiz check` and `quiz check --repair`."""

    def check_journal(self, reads: Iterable[tuple[str, str, NewLines]], device: str) -> JournalCheck:
        """Compare every line of the folder (reads: path, its device, all its lines) with the database."""
        check = JournalCheck()
        own: set[str] = set()
        conn = self.conn
        positions = self.sync_positions()
        for path, owner, new in reads:
            check.files += 1
            # Another machine's lines past where the last sync read wait for the next sync; this machine's
            # own lines it does not hold are missing wherever they are (a restored backup, or a copy).
            read = positions[path].lines if path in positions else 0
            if owner == device:
                read = len(new.lines) + 1
            for number, raw in new.lines:
                entry = entry_of(raw)
                if isinstance(entry, LineProblem) and entry.newer:
                    break  # this line and the rest of its file wait for a newer quizcards
                if isinstance(entry, LineProblem) or entry.device != owner:
                    check.damaged += 1  # never applied: not an entry, or not its folder's device's
                    continue
                check.entries += 1
                if owner == device:
                    own.add(entry.review if isinstance(entry, UndoEntry) else entry.uuid)
                if number > read and not is_held(conn, entry):
                    check.unread += 1
                elif not is_held(conn, entry):
                    check.missing += 1
                    check.missing_own += owner == device
                    if len(check.missing_named) < NAMED:
                        check.missing_named.append(f"{path} line {number}")
        check.unsent = [uuid for uuid in self._journaled_own() if uuid not in own]
        check.unmerged = list(self._unmerged())
        return check

    def _journaled_own(self) -> Iterator[str]:
        for (uuid,) in self._run(
            "SELECT uuid FROM reviews WHERE device = 1 AND journaled = 1 "
            "UNION ALL SELECT uuid FROM sync_undone WHERE device = 1 AND journaled = 1 "
            "UNION ALL SELECT uuid FROM sync_card_events WHERE device = 1 AND journaled = 1"
        ):
            yield str(uuid)

    def _unmerged(self) -> Iterator[tuple[int, str]]:
        """Cards whose stored log is not, row for row, the merge of its rows (order, kinds, schedules)."""
        conn = self.conn
        for pk, deck, card_id in conn.execute(
            "SELECT id, deck, card_id FROM cards WHERE id IN (SELECT DISTINCT card FROM reviews) ORDER BY id"
        ).fetchall():
            held = conn.execute(HELD, [pk]).fetchall()
            if not all(is_mergeable(row) for row in held):
                continue  # a damaged row is the schedule check's finding, named there
            derived = derived_log(held_row(conn, pk, row) for row in held)
            if not all(same_as_derived(row, item) for row, item in zip(held, derived.rows, strict=True)):
                yield int(pk), f"{deck}/{card_id}"

    def repair_journal(self, check: JournalCheck) -> int:
        """Settle the unmerged cards and mark this device's unsent entries to be sent again; how many."""
        with self._transaction() as conn:
            for pk, _name in check.unmerged:
                settle_card(conn, pk, [])
            # The next `quiz sync` writes them again; a reader that has them skips them by UUID.
            uuids = json.dumps(check.unsent)
            for table in ("reviews", "sync_undone", "sync_card_events"):
                # The table names are fixed; the UUIDs are one JSON parameter.
                conn.execute(
                    f"UPDATE {table} SET journaled = 0 WHERE uuid IN (SELECT value FROM json_each(?))",
                    [uuids],
                )
        return len(check.unmerged) + len(check.unsent)
