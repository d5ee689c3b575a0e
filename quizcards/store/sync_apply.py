"""Entries from the sync journal applied in one transaction: each touched card's log merged and re-derived.

The merged log is the truth (``core.sync.merge``): a card's rows from every device, in the
order (day, time, UUID), with each row's kind and schedule re-derived by SM-2's same-day rule.
The database keeps one invariant the rest of the store relies on: a card's rows in ``id``
order are its log in that order. New rows that sort after the ones held are appended (new ids
are larger); otherwise the card's rows are written again in order. Either way the result
depends only on the set of rows, not on the order they arrived in, so devices converge.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from quizcards.core.checks import is_day, is_moment
from quizcards.core.days import iso_day
from quizcards.core.errors import StoreError
from quizcards.core.scheduler import REVIEW_KINDS, Grade, Schedule
from quizcards.core.sync.entries import CardEvent, Entry, ReviewEntry, UndoEntry
from quizcards.core.sync.merge import DerivedRow, LogRow, derived_log
from quizcards.store.reviews import SCHEDULER_NAME, Reviews, schedule_in
from quizcards.store.rows import card_name

_STAGE = """
    CREATE TEMP TABLE IF NOT EXISTS sync_incoming (
        uuid TEXT PRIMARY KEY, card INTEGER NOT NULL, device INTEGER NOT NULL, reviewed_at TEXT NOT NULL,
        reviewed_on TEXT NOT NULL, grade INTEGER NOT NULL, kind TEXT NOT NULL, duration_ms INTEGER NOT NULL,
        explanation TEXT NOT NULL
    )
"""
HELD = """
    SELECT id, uuid, reviewed_on, reviewed_at, grade, kind, repetitions_before, interval_before,
        easiness_before, due_before, repetitions_after, interval_after, easiness_after, due_after,
        explanation, duration_ms, device, journaled, scheduler
    FROM reviews WHERE card = ? ORDER BY id
"""
_INSERT = """
    INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation, duration_ms, scheduler,
        repetitions_before, interval_before, easiness_before, due_before, repetitions_after, interval_after,
        easiness_after, due_after, uuid, device, journaled)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# Above this many touched cards, FSRS states are rebuilt in one batch rather than card by card.
_FSRS_BATCH = 500


@dataclass(slots=True)
class Applied:
    """What applying entries did (the figures `quiz sync` reports)."""

    new: int = 0  # entries not held before: reviews added, undos, card events, pending entries
    reviews: int = 0  # reviews added to the log
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

    def add(self, entry: Entry, line: str) -> None:
        """Take in one entry (line: its journal line, kept for a review of a card not held yet)."""
        if isinstance(entry, ReviewEntry):
            self._add_review(entry, line)
        elif isinstance(entry, UndoEntry):
            self._add_undo(entry)
        else:
            self._add_event(entry)

    def _add_review(self, entry: ReviewEntry, line: str) -> None:
        conn = self.conn
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE uuid = ?1) OR EXISTS (SELECT 1 FROM sync_undone "
            "WHERE uuid = ?1) OR EXISTS (SELECT 1 FROM sync_incoming WHERE uuid = ?1)",
            [entry.uuid],
        ).fetchone()[0]:
            self.applied.duplicates += 1
            return
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
            return
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

    def _add_undo(self, entry: UndoEntry) -> None:
        conn = self.conn
        if conn.execute(
            "SELECT EXISTS (SELECT 1 FROM sync_undone WHERE uuid = ? OR undo_uuid = ?)",
            [entry.review, entry.uuid],
        ).fetchone()[0]:
            self.applied.duplicates += 1
            return
        conn.execute(
            "INSERT INTO sync_undone (uuid, undo_uuid, device, undone_at, journaled) VALUES (?, ?, ?, ?, 1)",
            [entry.review, entry.uuid, self.device_pk(entry.device), entry.undone_at],
        )
        self.applied.new += 1
        held = conn.execute("SELECT card FROM reviews WHERE uuid = ?", [entry.review]).fetchone()
        if held is not None:
            conn.execute("DELETE FROM reviews WHERE uuid = ?", [entry.review])
            self._touched.add(int(held[0]))
            self.applied.undone += 1
        staged = conn.execute("DELETE FROM sync_incoming WHERE uuid = ?", [entry.review]).rowcount
        self.applied.reviews -= staged
        self.applied.undone += staged
        conn.execute("DELETE FROM sync_pending WHERE uuid = ?", [entry.review])

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
        conn.execute("DELETE FROM sync_incoming")
        for deck, card_id in sorted(self._event_cards):
            changed = apply_card_events(conn, deck, card_id)
            if changed is not None:
                self.applied.cards.add(changed)
        _refresh_fsrs(conn, cards, self.path)
        return self.applied


def settle_card(conn: sqlite3.Connection, pk: int, incoming: list[tuple[object, ...]]) -> tuple[str, int]:
    """Merge card pk's held rows with incoming ones and write the derived log and schedule.

    Returns "same" (nothing changed), "appended", "rewritten" (the rows were written again in order)
    or "rescheduled" (the rows stand, the schedule moved), and how many held rows changed kind (a
    scheduled review became a re-drill, or back).
    """
    held = conn.execute(HELD, [pk]).fetchall()
    rows = [held_row(conn, pk, row) for row in held] + [_incoming_row(row) for row in incoming]
    derived = derived_log(rows)
    # What a row carries besides its facts: explanation, duration, scheduler, then device and journaled.
    extras: dict[str, tuple[object, ...]] = {
        str(row[1]): (row[14], row[15], row[18], row[16], row[17]) for row in held
    }
    extras.update({str(row[0]): (row[5], row[6], SCHEDULER_NAME, row[7], 1) for row in incoming})
    before = schedule_in(conn, pk)
    count = len(held)
    if all(
        same_as_derived(stored, derived_row)
        for stored, derived_row in zip(held, derived.rows[:count], strict=True)
    ):
        if not incoming:
            outcome = "same"
        else:
            _insert(conn, pk, derived.rows[count:], extras)
            outcome = "appended"
    else:
        conn.execute("DELETE FROM reviews WHERE card = ?", [pk])
        _insert(conn, pk, derived.rows, extras)
        outcome = "rewritten"
    if derived.schedule != before or outcome != "same":
        Reviews._write_schedule(conn, pk, derived.schedule, introduced_on=derived.introduced_on)
        if outcome == "same":
            outcome = "rescheduled"  # the rows stand, the schedule moved (an undo from elsewhere)
    kinds = {row.row.uuid: row.kind for row in derived.rows}
    return outcome, sum(1 for row in held if kinds[str(row[1])] != row[5])


def held_row(conn: sqlite3.Connection, pk: int, row: tuple[object, ...]) -> LogRow:
    uuid, day, moment, grade, kind = row[1], row[2], row[3], row[4], row[5]
    if not (
        is_day(day) and is_moment(moment) and type(grade) is int and 0 <= grade <= 5 and kind in REVIEW_KINDS
    ):
        deck, card_id = conn.execute("SELECT deck, card_id FROM cards WHERE id = ?", [pk]).fetchone()
        raise StoreError(
            f"the review log of card {card_name(deck, card_id)} holds a damaged grade, day, time or kind, so "
            "it cannot be merged with other devices' reviews; `quiz check` lists every such row."
        )
    return LogRow(str(uuid), date.fromisoformat(str(day)), str(moment), Grade(grade), kind)


def _incoming_row(row: tuple[object, ...]) -> LogRow:
    uuid, day, moment, grade, kind = row[0], row[1], row[2], row[3], row[4]
    return LogRow(str(uuid), date.fromisoformat(str(day)), str(moment), Grade(int(grade)), kind)  # type: ignore[arg-type,call-overload]


def _values(schedule: Schedule) -> tuple[int, int, int, str | None]:
    return (
        schedule.repetitions,
        schedule.interval_days,
        schedule.easiness_hundredths,
        iso_day(schedule.due_on),
    )


def same_as_derived(stored: tuple[object, ...], derived: DerivedRow) -> bool:
    """Whether a held row is already what the merged log derives for it (same place, kind and schedules)."""
    return (
        stored[1] == derived.row.uuid
        and stored[5] == derived.kind
        and tuple(stored[6:10]) == _values(derived.before)
        and tuple(stored[10:14]) == _values(derived.after)
    )


def _insert(
    conn: sqlite3.Connection,
    pk: int,
    rows: tuple[DerivedRow, ...],
    extras: dict[str, tuple[object, ...]],
) -> None:
    """Append rows in order (new row ids are larger than every held one), with what each carried."""
    conn.executemany(
        _INSERT,
        (
            (
                pk,
                item.row.reviewed_at,
                item.row.reviewed_on.isoformat(),
                int(item.row.grade),
                item.kind,
                *extras[item.row.uuid][:3],
                *_values(item.before),
                *_values(item.after),
                item.row.uuid,
                *extras[item.row.uuid][3:],
            )
            for item in rows
        ),
    )


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
