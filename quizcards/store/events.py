"""Identities for the sync journal: a new UUID, and a card event (suspend, unsuspend, bury, unbury) logged."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta

from quizcards.core.checks import is_moment
from quizcards.store.rows import utc_timestamp


def new_uuid() -> str:
    """A random (version 4) UUID as text: a new review's, undo's or card event's global identity.

    Made from ``os.urandom`` directly: the ``uuid`` module costs `quiz review` 5 ms to import.
    """
    data = bytearray(os.urandom(16))
    data[6] = (data[6] & 0x0F) | 0x40
    data[8] = (data[8] & 0x3F) | 0x80
    text = data.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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
