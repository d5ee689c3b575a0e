"""m006: cards gain `suspended_on`, the day a learner suspended them (NULL: not suspended)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.store.migrations.m004_checked import day_check_sql

if TYPE_CHECKING:
    from sqlite_utils import Database

SUSPENDED_CHECK = day_check_sql("suspended_on", optional=True)


def m006_suspended(db: Database) -> None:
    """A suspended card keeps its schedule and history; the session's queries leave it out.

    SQLite adds a column with a CHECK in place (only NULLs to check in the existing rows), so
    no table is rebuilt. The two indexes that answer queries alone gain the column last, so
    they still do: cards_due (the session's due and new cards, the suspended ones skipped in
    the index) and cards_deck_state (`quiz stats` counts each deck's suspended cards). Their
    other columns keep m003's order, so every query that used them still can.
    """
    conn = db.conn
    conn.execute(
        f"ALTER TABLE cards ADD COLUMN suspended_on TEXT CONSTRAINT suspended_on_rule CHECK {SUSPENDED_CHECK}"
    )
    conn.execute("DROP INDEX cards_due")
    conn.execute("CREATE INDEX cards_due ON cards (retired, due_on, deck, position, buried_on, suspended_on)")
    conn.execute("DROP INDEX cards_deck_state")
    conn.execute(
        "CREATE INDEX cards_deck_state ON cards "
        "(deck, retired, due_on, interval_days, position, suspended_on)"
    )
