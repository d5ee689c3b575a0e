"""Identities for the sync journal: a new UUID, and a card event (suspend, unsuspend, bury, unbury) logged."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta

from quizcards.core.checks import is_moment
from quizcards.store.rows import utc_timestamp


def new_uuid(at: str | None = None) -> str:
    """A new UUID as text: a review's, undo's or card event's global identity.

    With ``at`` (a review's time, ``2026-03-10T09:00:00.000Z``) it is a version 7 UUID: its first 48
    bits are that time in milliseconds and the next 12 a counter, so two grades of one process at one
    millisecond (a fixed clock, a quick re-drill) sort by UUID in the order they were given, which is
    the merged log's last tie-breaker. Without it, a random version 4 UUID. Made from ``os.urandom``
    directly: the ``uuid`` module costs `quiz review` 5 ms to import.
    """
    data = bytearray(os.urandom(16))
    if at is None:
        data[6] = (data[6] & 0x0F) | 0x40
    else:
        milliseconds = _milliseconds(at)
        last, count = _LAST
        count = count + 1 if milliseconds == last else 0
        _LAST[:] = [milliseconds, count]
        data[0:6] = (milliseconds % (1 << 48)).to_bytes(6, "big")
        data[6] = 0x70 | ((count >> 8) & 0x0F)
        data[7] = count & 0xFF
    data[8] = (data[8] & 0x3F) | 0x80
    text = data.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# The last review time a UUID was made for in this process, and how many were made at it.
_LAST: list[int] = [-1, 0]


def _milliseconds(at: str) -> int:
    """A stored UTC time in milliseconds since 1970 (0 for a value that is not one)."""
    if not is_moment(at):
        return 0
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


# The two kinds of card event that decide one state: the latest of its pair wins on every device.
_EVENT_PAIRS = {"suspend": "unsuspend", "unsuspend": "suspend", "bury": "unbury", "unbury": "bury"}


def record_card_event(conn: sqlite3.Connection, pk: int, kind: str, at: str, day: str) -> None:
    """Log a suspend, unsuspend, bury or unbury of card pk for the sync journal (caller's transaction).

    Done here, it is the card's newest state, so it is dated after every event of its pair known
    here (a millisecond later), even if this machine's clock is behind another's: every device then
    takes it as the latest, as this one already does.
    """
    latest = conn.execute(
        "SELECT max(e.at) FROM sync_card_events e JOIN cards c ON c.deck = e.deck AND c.card_id = e.card_id "
        "WHERE c.id = ? AND e.type IN (?, ?)",
        [pk, kind, _EVENT_PAIRS[kind]],
    ).fetchone()[0]
    if isinstance(latest, str) and latest >= at and is_moment(latest):
        later = datetime.fromisoformat(latest.replace("Z", "+00:00")) + timedelta(milliseconds=1)
        at = utc_timestamp(later)
    conn.execute(
        """
        INSERT INTO sync_card_events (uuid, device, deck, card_id, type, at, day)
        SELECT ?, 1, deck, card_id, ?, ?, ? FROM cards WHERE id = ?
        """,
        [new_uuid(), kind, at, day, pk],
    )
