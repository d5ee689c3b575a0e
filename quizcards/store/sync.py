"""The store's side of `quiz sync`: this device, the remembered folder, the outbox, read positions, receiving.

A sync writes this device's new entries (the outbox: reviews, undos and card events not yet
journaled) month by month; each month's flags are set only after its file was safely renamed
into place (``mark_journaled``), so a crash sends the same entries again, which every reader
ignores by UUID. Receiving (``receive``) reads the other devices' new lines and applies them in
one transaction together with the positions they were read up to: a crash leaves the database
as it was, and the next sync reads the same lines again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from quizcards.core.errors import StoreError
from quizcards.core.sync.entries import (
    MAX_EXPLANATION_CHARACTERS,
    MAX_LINE_BYTES,
    CardEvent,
    Entry,
    LineProblem,
    ReviewEntry,
    UndoEntry,
    entry_of,
    line_of,
)
from quizcards.core.sync.reading import TAIL_BYTES, FilePosition, NewLines
from quizcards.store.connection import Connection
from quizcards.store.sync_apply import Applied, Applier

_SETUP = """
    SELECT device_id, name, (SELECT value FROM sync_settings WHERE name = 'folder'),
        (SELECT value FROM sync_settings WHERE name = 'git')
    FROM sync_devices WHERE is_self = 1
"""


@dataclass(frozen=True, slots=True)
class SyncSetup:
    """This database's sync identity and remembered choices (all None before the first `quiz sync`)."""

    device_id: str | None
    name: str | None
    folder: str | None
    git: bool


@dataclass(frozen=True, slots=True)
class Outbox:
    """This device's entries of one month not yet in the journal, as lines, and what they came from."""

    month: str
    lines: tuple[bytes, ...]
    reviews: tuple[str, ...]
    undos: tuple[str, ...]
    events: tuple[str, ...]
    cards: frozenset[int]
    event_cards: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class LineSkipped:
    """A line of the folder that is not an entry: where, and why."""

    path: str
    line: int
    reason: str


@dataclass(slots=True)
class Received:
    """What receiving did: the applied figures, the files read, the lines skipped."""

    applied: Applied
    files: int = 0
    restarted: list[str] = field(default_factory=list)
    skipped: list[LineSkipped] = field(default_factory=list)
    newer: int = 0  # lines written by a newer quizcards, left for an update to read


class Syncing(Connection):
    """`quiz sync`'s queries and writes."""

    def sync_setup(self) -> SyncSetup:
        row = self._run(_SETUP).fetchone()
        if row is None:
            raise StoreError(
                "the database has no row for this device in sync_devices; restore it from a backup."
            )
        return SyncSetup(row[0], row[1], row[2], row[3] == "1")

    def set_up_sync(self, *, device_id: str, name: str | None, folder: str, git: bool) -> SyncSetup:
        """Give this device its id (only if it has none) and name, and remember the folder and git choice."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE sync_devices SET device_id = ? WHERE is_self = 1 AND device_id IS NULL", [device_id]
            )
            if name is not None:
                conn.execute("UPDATE sync_devices SET name = ? WHERE is_self = 1", [name])
            conn.executemany(
                "INSERT OR REPLACE INTO sync_settings (name, value) VALUES (?, ?)",
                [("folder", folder), ("git", "1" if git else "0")],
            )
        return self.sync_setup()

    def sync_positions(self) -> dict[str, FilePosition]:
        """How far this device has read (or written) each journal file.

        A damaged position (a database handed over is untrusted) is left out: its file is read again
        from the start, which UUIDs make harmless.
        """
        positions = {}
        for path, offset, tail, lines in self._run("SELECT path, offset, tail, lines FROM sync_files"):
            if _is_position(offset, tail, lines):
                positions[str(path)] = FilePosition(offset, tail, lines)
        return positions

    def forget_positions(self) -> None:
        """Read every file again from its start at the next receive (`quiz sync --rebuild`)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM sync_files")

    def outbox_months(self) -> list[str]:
        """The months (yyyy-mm) that hold entries of this device not yet journaled, oldest first."""
        rows = self._run(
            """
            SELECT substr(reviewed_at, 1, 7) FROM reviews WHERE journaled = 0
            UNION SELECT substr(undone_at, 1, 7) FROM sync_undone WHERE journaled = 0
            UNION SELECT substr(at, 1, 7) FROM sync_card_events WHERE journaled = 0
            ORDER BY 1
            """
        ).fetchall()
        return [str(row[0]) for row in rows]

    def outbox(self, month: str, device_id: str) -> Outbox:
        """This device's entries of one month not yet journaled, as journal lines."""
        start, end = month, next_month(month)
        span = [start, end]
        entries: list[Entry] = []
        cards: set[int] = set()
        for row in self._run(
            """
            SELECT r.uuid, c.deck, c.card_id, r.reviewed_at, r.reviewed_on, r.grade, r.kind, r.duration_ms,
                r.explanation, r.card
            FROM reviews r JOIN cards c ON c.id = r.card
            WHERE r.journaled = 0 AND r.reviewed_at >= ? AND r.reviewed_at < ?
            """,
            span,
        ):
            entries.append(ReviewEntry(row[0], device_id, *row[1:9]))
            cards.add(int(row[9]))
        reviews = tuple(entry.uuid for entry in entries)
        undos = [
            UndoEntry(undo_uuid, device_id, uuid, undone_at)
            for uuid, undo_uuid, undone_at in self._run(
                "SELECT uuid, undo_uuid, undone_at FROM sync_undone WHERE journaled = 0 "
                "AND undone_at >= ? AND undone_at < ?",
                span,
            )
        ]
        events = [
            CardEvent(uuid, device_id, deck, card_id, kind, at, day)
            for uuid, deck, card_id, kind, at, day in self._run(
                "SELECT uuid, deck, card_id, type, at, day FROM sync_card_events WHERE journaled = 0 "
                "AND at >= ? AND at < ?",
                span,
            )
        ]
        lines = tuple(_line(entry) for entry in [*entries, *undos, *events])
        return Outbox(
            month,
            lines,
            reviews,
            tuple(undo.review for undo in undos),
            tuple(event.uuid for event in events),
            frozenset(cards),
            frozenset((event.deck, event.card_id) for event in events),
        )

    def mark_journaled(self, outbox: Outbox, path: str, position: FilePosition) -> None:
        """After the month's file holds the outbox: set its flags and remember the file's new end."""
        with self._transaction() as conn:
            for table, column, uuids in (
                ("reviews", "uuid", outbox.reviews),
                ("sync_undone", "uuid", outbox.undos),
                ("sync_card_events", "uuid", outbox.events),
            ):
                # The table and column are fixed names; the UUIDs are one JSON parameter.
                conn.execute(
                    f"UPDATE {table} SET journaled = 1 WHERE {column} IN (SELECT value FROM json_each(?))",
                    [json.dumps(uuids)],
                )
            save_position(conn, path, position)

    def receive(
        self,
        reads: Iterable[tuple[str, str, NewLines]],
        sent: Iterable[int] = (),
        *,
        sent_events: Iterable[tuple[str, str]] = (),
        ahead_of: str | None = None,
    ) -> Received:
        """Apply the new lines of other devices' files, in one transaction with the positions read up to.

        reads yields (path, the device the file belongs to, what was read); it is consumed inside
        the transaction, so the files are read while this database is held. sent: the cards of the
        entries this device just journaled, settled too, so that this device's log is exactly what
        every other device derives from the same rows; sent_events: the (deck, card id) of the card
        events it just journaled, whose state is set from the latest event too. ahead_of (a UTC time
        like the log's): reviews dated after it are counted, to warn of a clock set ahead.
        """
        with self._transaction() as conn:
            applier = Applier(conn, self.path, ahead_of)
            applier.touch(set(sent), sent_events)
            received = Received(applier.applied)
            for path, device, new in reads:
                received.files += 1
                if new.restarted:
                    received.restarted.append(path)
                save_position(conn, path, _take(applier, received, path, device, new))
            applier.settle()
        return received

    def note_devices(self, names: dict[str, str]) -> None:
        """Remember the names other devices gave themselves (from their device.json)."""
        with self._transaction() as conn:
            for device_id, name in names.items():
                conn.execute("INSERT OR IGNORE INTO sync_devices (device_id) VALUES (?)", [device_id])
                conn.execute(
                    "UPDATE sync_devices SET name = ? WHERE device_id = ? AND is_self = 0", [name, device_id]
                )

    def devices_seen(self) -> list[tuple[str, str | None]]:
        """The other devices this database has heard of: (id, name), by name."""
        return [
            (str(device_id), name)
            for device_id, name in self._run(
                "SELECT device_id, name FROM sync_devices WHERE is_self = 0 AND device_id IS NOT NULL "
                "ORDER BY name, device_id"
            )
        ]

    def pending_entries(self) -> list[tuple[str, int]]:
        """Reviews waiting for a card this database does not hold: (deck, how many), by deck."""
        return [
            (str(deck), int(count))
            for deck, count in self._run(
                "SELECT deck, count(*) FROM sync_pending GROUP BY deck ORDER BY deck"
            )
        ]


def _take(applier: Applier, received: Received, path: str, device: str, new: NewLines) -> FilePosition:
    """Apply one file's new lines; the position to remember (before the first line of a newer format)."""
    for count, (number, raw) in enumerate(new.lines):
        entry = entry_of(raw)
        if isinstance(entry, LineProblem) and entry.newer:
            # Left for a quizcards that knows the format: the file is read again from here.
            received.newer += len(new.lines) - count
            return new.position_before(number)
        if isinstance(entry, LineProblem):
            received.skipped.append(LineSkipped(path, number, entry.reason))
        elif entry.device != device:
            received.skipped.append(
                LineSkipped(path, number, f"names the device {entry.device}, not the folder's own")
            )
        else:
            refused = applier.add(entry, raw.decode("utf-8"))
            if refused is not None:
                received.skipped.append(LineSkipped(path, number, refused))
    return new.position


def save_position(conn: sqlite3.Connection, path: str, position: FilePosition) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_files (path, offset, tail, lines) VALUES (?, ?, ?, ?)",
        [path, position.offset, position.tail, position.lines],
    )


def _is_position(offset: object, tail: object, lines: object) -> bool:
    return (
        type(offset) is int
        and type(lines) is int
        and offset >= 0
        and lines >= 0
        and isinstance(tail, str)
        and len(tail) <= 2 * TAIL_BYTES
        and len(tail) % 2 == 0
        and all(character in "0123456789abcdef" for character in tail)
    )


def _line(entry: Entry) -> bytes:
    """An entry's journal line, its explanation shortened if need be so that every reader takes it (a
    paste of hundreds of thousands of characters: the schedule travels whole, the text's end does not)."""
    if not isinstance(entry, ReviewEntry) or len(entry.explanation) <= _SAFE_EXPLANATION:
        return line_of(entry)
    explanation = entry.explanation[:MAX_EXPLANATION_CHARACTERS]
    while True:
        line = line_of(replace(entry, explanation=explanation))
        if len(line) <= MAX_LINE_BYTES:
            return line
        explanation = explanation[: len(explanation) // 2]


# An explanation this long fits a line however it is escaped (six bytes a character at most).
_SAFE_EXPLANATION = (MAX_LINE_BYTES - 10_000) // 6


def next_month(month: str) -> str:
    """'2026-04' after '2026-03'; '2027-01' after '2026-12'."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"
