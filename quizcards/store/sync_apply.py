"""Entries from the sync journal applied in one transaction: staged, checked, and each touched card settled.

Reviews are staged, undos and card events taken in, and every card they touch is merged and
written back in log order (``sync_merge``), so the result depends only on the set of entries,
not on the order they arrived in: devices converge.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from quizcards.core.sync.entries import CardEvent, Entry, ReviewEntry, UndoEntry
from quizcards.store.sync_merge import settle_card

_STAGE = """
    CREATE TEMP TABLE IF NOT EXISTS sync_incoming (
        uuid TEXT PRIMARY KEY, card INTEGER NOT NULL, device INTEGER NOT NULL, reviewed_at TEXT NOT NULL,
        reviewed_on TEXT NOT NULL, grade INTEGER NOT NULL, kind TEXT NOT NULL, duration_ms INTEGER NOT NULL,
        explanation TEXT NOT NULL
    )
"""
# Above this many touched cards, FSRS states are rebuilt in one batch rather than card by card.
_FSRS_BATCH = 500


@dataclass(slots=True)
class Applied:
    """What applying entries did (the figures `quiz sync` reports)."""

    new: int = 0  # entries not held before: reviews added, undos, card events, pending entries
    reviews: int = 0  # reviews added to the log
    undos: int = 0  # undo entries taken in (of reviews held here, on their way, or never sent)
    undone: int = 0  # reviews deleted by another device's undo
    events: int = 0  # suspend/unsuspend/bury/unbury events taken in
    pending: int = 0  # reviews of cards this database does not hold (kept for a later import)
    duplicates: int = 0  # entries held already (read again, or sent twice)
    ahead: int = 0  # reviews dated later than ``Applier.ahead_of`` (a clock set ahead of this one's)
    cards: set[int] = field(default_factory=set)  # cards whose log changed
    reclassified: int = 0  # held reviews whose kind changed (another device's same-day review came first)
    rewritten: int = 0  # cards whose rows were written again in order (an entry sorted before held ones)


class Applier:
    """Entries taken in one by one (``add``), then every touched card settled (``settle``), in the caller's
    transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, ahead_of: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.ahead_of = ahead_of
        self.applied = Applied()
        self._devices: dict[str, int] = {}
        self._cards: dict[tuple[str, str], tuple[int] | None] = {}
        self._touched: set[int] = set()
        self._event_cards: set[tuple[str, str]] = set()
        conn.execute(_STAGE)
        conn.execute("CREATE INDEX IF NOT EXISTS temp.sync_incoming_card ON sync_incoming (card)")
        conn.execute("DELETE FROM sync_incoming")

    def device_pk(self, device: str) -> int:
        """The row of a device in sync_devices, added the first time it is seen."""
        pk = self._devices.get(device)
        if pk is None:
            row = self.conn.execute("SELECT id FROM sync_devices WHERE device_id = ?", [device]).fetchone()
            if row is None:
                row = (
                    self.conn.execute("INSERT INTO sync_devices (device_id) VALUES (?)", [device]).lastrowid,
                )
            pk = self._devices[device] = int(row[0])
        return pk

    def add(self, entry: Entry, line: str) -> str | None:
        """Take in one entry (line: its journal line, kept for a review of a card not held yet); why it was
        refused, when it was (an entry no honest device writes)."""
        if isinstance(entry, ReviewEntry):
            return self._add_review(entry, line)
        if isinstance(entry, UndoEntry):
            return self._add_undo(entry)
        self._add_event(entry)
        return None

    def _add_review(self, entry: ReviewEntry, line: str) -> str | None:
        conn = self.conn
        held = conn.execute(
            "SELECT c.deck, c.card_id, r.reviewed_at, r.grade FROM reviews r JOIN cards c ON c.id = r.card "
            "WHERE r.uuid = ?",
            [entry.uuid],
        ).fetchone()
        if held is None:  # staged by this same receive
            held = conn.execute(
                "SELECT c.deck, c.card_id, i.reviewed_at, i.grade FROM sync_incoming i "
                "JOIN cards c ON c.id = i.card WHERE i.uuid = ?",
                [entry.uuid],
            ).fetchone()
        if held is not None and tuple(held) != (entry.deck, entry.card_id, entry.reviewed_at, entry.grade):
            return "reuses the uuid of another review"
        if (
            held is not None
            or conn.execute(
                "SELECT EXISTS (SELECT 1 FROM sync_undone u JOIN sync_devices d ON d.id = u.device "
                "WHERE u.uuid = ?1 AND d.device_id = ?2) "
                "OR EXISTS (SELECT 1 FROM sync_incoming WHERE uuid = ?1)",
                [entry.uuid, entry.device],
            ).fetchone()[0]
        ):
            self.applied.duplicates += 1
            return None
        key = (entry.deck, entry.card_id)
        row = self._cards.get(key)
        if row is None:
            row = self._cards[key] = conn.execute(
                "SELECT id FROM cards WHERE deck = ? AND card_id = ?", [entry.deck, entry.card_id]
            ).fetchone()
        if row is None:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO sync_pending (uuid, deck, card_id, line) VALUES (?, ?, ?, ?)",
                [entry.uuid, entry.deck, entry.card_id, line],
            ).rowcount
            self.applied.pending += inserted
            self.applied.new += inserted
            self.applied.duplicates += 1 - inserted
            return None
        conn.execute(
            "INSERT INTO sync_incoming VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entry.uuid,
                row[0],
                self.device_pk(entry.device),
                entry.reviewed_at,
                entry.reviewed_on,
                entry.grade,
                entry.kind,
                entry.duration_ms,
                entry.explanation,
            ],
        )
        self.applied.new += 1
        self.applied.reviews += 1
        if self.ahead_of is not None and entry.reviewed_at > self.ahead_of:
            self.applied.ahead += 1
        return None

    def _add_undo(self, entry: UndoEntry) -> str | None:
        conn = self.conn
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sync_undone WHERE uuid = ? OR undo_uuid = ?)",
            [entry.review, entry.uuid],
        ).fetchone()[0]:
            self.applied.duplicates += 1
            return None
        # A device undoes only its own reviews (the review loop's undo): any other is refused.
        maker = conn.execute(
            "SELECT d.device_id FROM reviews r JOIN sync_devices d ON d.id = r.device WHERE r.uuid = ?1 "
            "UNION ALL SELECT d.device_id FROM sync_incoming i JOIN sync_devices d ON d.id = i.device "
            "WHERE i.uuid = ?1",
            [entry.review],
        ).fetchone()
        if maker is not None and maker[0] != entry.device:
            return "undoes a review another device made"
        conn.execute(
            "INSERT INTO sync_undone (uuid, undo_uuid, device, undone_at, journaled) VALUES (?, ?, ?, ?, 1)",
            [entry.review, entry.uuid, self.device_pk(entry.device), entry.undone_at],
        )
        self.applied.new += 1
        self.applied.undos += 1
        held = conn.execute("SELECT card FROM reviews WHERE uuid = ?", [entry.review]).fetchone()
        if held is not None:
            conn.execute("DELETE FROM reviews WHERE uuid = ?", [entry.review])
            self._touched.add(int(held[0]))
            self.applied.cards.add(int(held[0]))  # its log lost a row, whatever the schedule does
            self.applied.undone += 1
        staged = conn.execute("DELETE FROM sync_incoming WHERE uuid = ?", [entry.review]).rowcount
        self.applied.reviews -= staged
        self.applied.undone += staged
        conn.execute(
            "DELETE FROM sync_pending WHERE uuid = ? AND json_extract(line, '$.device') = ?",
            [entry.review, entry.device],
        )
        return None

    def _add_event(self, entry: CardEvent) -> None:
        inserted = self.conn.execute(
            "INSERT OR IGNORE INTO sync_card_events (uuid, device, deck, card_id, type, at, day, journaled) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            [
                entry.uuid,
                self.device_pk(entry.device),
                entry.deck,
                entry.card_id,
                entry.type,
                entry.at,
                entry.on,
            ],
        ).rowcount
        if inserted:
            self.applied.new += 1
            self.applied.events += 1
            self._event_cards.add((entry.deck, entry.card_id))
        else:
            self.applied.duplicates += 1

    def touch(self, pks: set[int], events: Iterable[tuple[str, str]] = ()) -> None:
        """Have these cards settled too (this device's own cards whose entries were just journaled), and
        these cards' (deck, card id) suspended and buried state set from their latest events."""
        self._touched |= pks
        self._event_cards.update(events)

    def settle(self) -> Applied:
        """Merge and re-derive every touched card, apply card events, refresh FSRS states; what was done."""
        conn = self.conn
        staged = {int(row[0]) for row in conn.execute("SELECT DISTINCT card FROM sync_incoming")}
        cards = sorted(self._touched | staged)
        rebuilt = _dropped_indexes(conn) if self.applied.reviews > BULK_REVIEWS else []
        for pk in cards:
            incoming = conn.execute(
                "SELECT uuid, reviewed_on, reviewed_at, grade, kind, explanation, duration_ms, device "
                "FROM sync_incoming WHERE card = ?",
                [pk],
            ).fetchall()
            outcome, reclassified = settle_card(conn, pk, incoming)
            if outcome != "same":
                self.applied.cards.add(pk)
            self.applied.reclassified += reclassified
            self.applied.rewritten += outcome == "rewritten"
        for sql in rebuilt:
            conn.execute(sql)
        conn.execute("DELETE FROM sync_incoming")
        for deck, card_id in sorted(self._event_cards):
            changed = apply_card_events(conn, deck, card_id)
            if changed is not None:
                self.applied.cards.add(changed)
        _refresh_fsrs(conn, cards, self.path)
        return self.applied


# A first sync takes in a whole history: the log's indexes are dropped while its rows are written, and
# made again at the end of the same transaction (benchmarks/sync.py: a million rows inserted in card
# order into indexes on the day and on random UUIDs cost more than building them once).
BULK_REVIEWS = 100_000


def _dropped_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the review log's indexes but the one merging reads (``reviews_card``); their SQL, to make them
    again. Nothing looks a review up by them until the transaction ends."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' "
        "AND sql IS NOT NULL AND name != 'reviews_card'"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')  # a name read from the schema itself
    return [str(sql) for _name, sql in indexes]


def apply_card_events(conn: sqlite3.Connection, deck: str, card_id: str) -> int | None:
    """Set a card's suspended and buried state from its latest events (by time, then UUID); the card's row
    id when that changed it."""
    changed: int | None = None
    for pair, column in ((("suspend", "unsuspend"), "suspended_on"), (("bury", "unbury"), "buried_on")):
        latest = conn.execute(
            "SELECT type, day FROM sync_card_events WHERE deck = ? AND card_id = ? AND type IN (?, ?) "
            "ORDER BY at DESC, uuid DESC LIMIT 1",
            [deck, card_id, *pair],
        ).fetchone()
        if latest is None:
            continue
        kind, day = latest
        # The columns are fixed names. The latest event decides the day too, so every device agrees.
        value = day if kind == pair[0] else None
        row = conn.execute(
            f"SELECT id FROM cards WHERE deck = ? AND card_id = ? AND {column} IS NOT ?",
            [deck, card_id, value],
        ).fetchone()
        if row is not None:
            conn.execute(f"UPDATE cards SET {column} = ? WHERE id = ?", [value, row[0]])
            changed = int(row[0])
    return changed


def _refresh_fsrs(conn: sqlite3.Connection, cards: list[int], path: Path | None) -> None:
    from quizcards.store.scheduling import rebuild_fsrs_states, refresh_fsrs_state, settings_in

    if not cards:
        return
    settings = settings_in(conn, path)
    if settings.scheduler != "fsrs":
        return
    if len(cards) > _FSRS_BATCH:
        rebuild_fsrs_states(conn, settings, path)
        return
    for pk in cards:
        refresh_fsrs_state(conn, pk, path)


def apply_pending(conn: sqlite3.Connection, path: Path | None) -> int:
    """Apply the waiting entries of cards this database now holds (after an import); how many."""
    from quizcards.core.sync.entries import entry_of

    rows = conn.execute(
        "SELECT p.uuid, p.line FROM sync_pending p JOIN cards c ON c.deck = p.deck AND c.card_id = p.card_id"
    ).fetchall()
    if not rows:
        return 0
    applier = Applier(conn, path)
    for uuid, line in rows:
        conn.execute("DELETE FROM sync_pending WHERE uuid = ?", [uuid])
        entry = entry_of(str(line).encode())
        if isinstance(entry, ReviewEntry):
            applier.add(entry, str(line))
    applier.settle()
    return len(rows)


def apply_events_of(conn: sqlite3.Connection, cards: Iterable[tuple[str, str]]) -> None:
    """Set the suspended and buried state of these (deck, card id) from their events, where they have any
    (cards just imported: another device may have suspended them before this one held them)."""
    for deck, card_id in cards:
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sync_card_events WHERE deck = ? AND card_id = ?)", [deck, card_id]
        ).fetchone()[0]:
            apply_card_events(conn, deck, card_id)


def is_held(conn: sqlite3.Connection, entry: Entry) -> bool:
    """Whether the database holds an entry already: a review logged, undone or waiting for its card; an
    undo's tombstone; a card event."""
    if isinstance(entry, ReviewEntry):
        sql = (
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE uuid = ?1) OR EXISTS (SELECT 1 FROM sync_undone "
            "WHERE uuid = ?1) OR EXISTS (SELECT 1 FROM sync_pending WHERE uuid = ?1)"
        )
        return bool(conn.execute(sql, [entry.uuid]).fetchone()[0])
    if isinstance(entry, UndoEntry):
        sql = "SELECT EXISTS (SELECT 1 FROM sync_undone WHERE undo_uuid = ? OR uuid = ?)"
        return bool(conn.execute(sql, [entry.uuid, entry.review]).fetchone()[0])
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sync_card_events WHERE uuid = ?)", [entry.uuid]
        ).fetchone()[0]
    )
