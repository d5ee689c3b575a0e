"""m009: sync between machines: each review's global identity, the devices, and the journal's bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.store.migrations import m004_checked
from quizcards.store.migrations.m005_practice_kinds import REVIEW_CHECKS as M005_REVIEW_CHECKS

if TYPE_CHECKING:
    from sqlite_utils import Database

# m005's rules plus the three sync columns: the log's rules as they are since m009.
REVIEW_CHECKS = {
    **M005_REVIEW_CHECKS,
    "uuid": "(typeof(uuid) = 'text' AND length(uuid) = 36)",
    "journaled": "(journaled IN (0, 1))",
}

_REVIEWS = f"""
    CREATE TABLE reviews_m009 (
        id INTEGER PRIMARY KEY,
        card INTEGER NOT NULL REFERENCES cards(id),
        reviewed_at TEXT NOT NULL,
        reviewed_on TEXT NOT NULL,
        grade INTEGER NOT NULL,
        kind TEXT NOT NULL,
        explanation TEXT NOT NULL DEFAULT '',
        duration_ms INTEGER NOT NULL DEFAULT 0,
        scheduler TEXT NOT NULL,
        repetitions_before INTEGER NOT NULL,
        interval_before INTEGER NOT NULL,
        easiness_before INTEGER NOT NULL,
        due_before TEXT,
        repetitions_after INTEGER NOT NULL,
        interval_after INTEGER NOT NULL,
        easiness_after INTEGER NOT NULL,
        due_after TEXT,
        uuid TEXT NOT NULL,
        device INTEGER NOT NULL DEFAULT 1 REFERENCES sync_devices(id),
        journaled INTEGER NOT NULL DEFAULT 0,
        {m004_checked.checks_sql(REVIEW_CHECKS)}
    )
"""

# This device is row 1 (is_self): its id and name are given by the first `quiz sync`, so a database
# that never syncs never has one. Other devices are added as the folder shows them.
_DEVICES = """
    CREATE TABLE sync_devices (
        id INTEGER PRIMARY KEY,
        device_id TEXT UNIQUE CHECK (
            device_id IS NULL
            OR (typeof(device_id) = 'text' AND length(device_id) = 32 AND device_id NOT GLOB '*[^0-9a-f]*')
        ),
        name TEXT CHECK (name IS NULL OR typeof(name) = 'text'),
        is_self INTEGER NOT NULL DEFAULT 0 CHECK (is_self IN (0, 1))
    )
"""

_TABLES = (
    _DEVICES,
    "CREATE UNIQUE INDEX sync_devices_self ON sync_devices (is_self) WHERE is_self = 1",
    "INSERT INTO sync_devices (id, device_id, name, is_self) VALUES (1, NULL, NULL, 1)",
    """
    CREATE TABLE sync_settings (
        name TEXT PRIMARY KEY CHECK (name IN ('folder', 'git')),
        value TEXT NOT NULL CHECK (typeof(value) = 'text')
    )
    """,
    # What this device has read of each journal file of the folder (and written of its own).
    """
    CREATE TABLE sync_files (
        path TEXT PRIMARY KEY,
        offset INTEGER NOT NULL CHECK (typeof(offset) = 'integer' AND offset >= 0),
        tail TEXT NOT NULL CHECK (typeof(tail) = 'text' AND length(tail) <= 128),
        lines INTEGER NOT NULL CHECK (typeof(lines) = 'integer' AND lines >= 0)
    )
    """,
    # Tombstones: reviews undone here or on another device (an undo travels, so it is kept).
    """
    CREATE TABLE sync_undone (
        uuid TEXT PRIMARY KEY CHECK (typeof(uuid) = 'text' AND length(uuid) = 36),
        undo_uuid TEXT NOT NULL UNIQUE CHECK (typeof(undo_uuid) = 'text' AND length(undo_uuid) = 36),
        device INTEGER NOT NULL REFERENCES sync_devices(id),
        undone_at TEXT NOT NULL,
        journaled INTEGER NOT NULL DEFAULT 0 CHECK (journaled IN (0, 1))
    )
    """,
    "CREATE INDEX sync_undone_unjournaled ON sync_undone (undo_uuid) WHERE journaled = 0",
    # Suspend/unsuspend and bury/unbury of a card, from here or another device: the latest of each
    # pair (by time, then UUID) is the card's state, whichever order they arrive in.
    """
    CREATE TABLE sync_card_events (
        uuid TEXT PRIMARY KEY CHECK (typeof(uuid) = 'text' AND length(uuid) = 36),
        device INTEGER NOT NULL REFERENCES sync_devices(id),
        deck TEXT NOT NULL,
        card_id TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('suspend', 'unsuspend', 'bury', 'unbury')),
        at TEXT NOT NULL,
        day TEXT NOT NULL,
        journaled INTEGER NOT NULL DEFAULT 0 CHECK (journaled IN (0, 1))
    )
    """,
    "CREATE INDEX sync_card_events_card ON sync_card_events (deck, card_id)",
    "CREATE INDEX sync_card_events_unjournaled ON sync_card_events (uuid) WHERE journaled = 0",
    # Reviews from other devices of cards this database does not hold (yet), as their lines.
    """
    CREATE TABLE sync_pending (
        uuid TEXT PRIMARY KEY CHECK (typeof(uuid) = 'text' AND length(uuid) = 36),
        deck TEXT NOT NULL,
        card_id TEXT NOT NULL,
        line TEXT NOT NULL
    )
    """,
    "CREATE INDEX sync_pending_card ON sync_pending (deck, card_id)",
)

_COLUMNS = m004_checked.REVIEW_COLUMNS


def m009_sync(db: Database) -> None:
    """Give every review a global identity (a UUID), the device that made it and a journaled flag.

    New reviews get random UUIDs (UUID4); a review that existed before gets a name-based UUID5 of
    its deck, card, time, grade, kind and how many identical rows came before it, so two databases
    that are copies of one another (the usual way of "syncing" before) give their shared history the
    same UUIDs, and a first sync does not double it. The log is rebuilt (a CHECK and a NOT NULL
    column cannot be added otherwise), its indexes are made again, and the UUID index is built after
    the copy, which is much faster than inserting into it in random order.
    """
    from quizcards.core.sync.legacy import legacy_review_uuid

    conn = db.conn
    conn.create_function("quizcards_legacy_uuid", 6, legacy_review_uuid, deterministic=True)
    indexes = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
        )
    ]
    for sql in _TABLES:
        conn.execute(sql)
    conn.execute(_REVIEWS)
    old = ", ".join(f"r.{column.strip()}" for column in _COLUMNS.split(","))
    conn.execute(
        f"""
        INSERT INTO reviews_m009 ({_COLUMNS}, uuid, device, journaled)
        SELECT {old},
            quizcards_legacy_uuid(c.deck, c.card_id, r.reviewed_at, r.grade, r.kind,
                row_number() OVER (PARTITION BY r.card, r.reviewed_at, r.grade, r.kind ORDER BY r.id) - 1),
            1, 0
        FROM reviews r LEFT JOIN cards c ON c.id = r.card
        ORDER BY r.id
        """
    )
    conn.execute("DROP TABLE reviews")
    conn.execute("ALTER TABLE reviews_m009 RENAME TO reviews")
    for sql in indexes:
        conn.execute(sql)
    conn.execute("CREATE UNIQUE INDEX reviews_uuid ON reviews (uuid)")
    conn.execute("CREATE INDEX reviews_unjournaled ON reviews (reviewed_at) WHERE journaled = 0")
