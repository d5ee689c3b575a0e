"""m005: the review log takes the practice kinds, cram and mock, beside scheduled reviews and re-drills."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.store.migrations import m004_checked

if TYPE_CHECKING:
    from sqlite_utils import Database

# m004's rules with the new kinds: the log's rules as they are since m005.
REVIEW_CHECKS = {
    **m004_checked.REVIEW_CHECKS,
    "kind": "(kind IN ('scheduled', 'redrill', 'cram', 'mock'))",
}

_REVIEWS = f"""
    CREATE TABLE reviews_m005 (
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
        {m004_checked.checks_sql(REVIEW_CHECKS)}
    )
"""
_COLUMNS = m004_checked.REVIEW_COLUMNS


def m005_practice_kinds(db: Database) -> None:
    """Rebuild the review log with a kind rule that also allows 'cram' and 'mock'.

    A CHECK changes only with a rebuild: the rows are copied into a table with the new rule
    (every row met m004's stricter one, so none can fail), the old table is dropped and the
    new one renamed, its indexes made again, all in this migration's transaction.
    """
    conn = db.conn
    indexes = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
        )
    ]
    conn.execute(_REVIEWS)
    conn.execute(f"INSERT INTO reviews_m005 ({_COLUMNS}) SELECT {_COLUMNS} FROM reviews")
    conn.execute("DROP TABLE reviews")
    conn.execute("ALTER TABLE reviews_m005 RENAME TO reviews")
    for sql in indexes:
        conn.execute(sql)
