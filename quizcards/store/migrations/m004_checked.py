"""m004: CHECK constraints on every stored value, and the sentences for rows that break them."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from quizcards.core.errors import StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database


def day_check_sql(column: str, *, optional: bool = False) -> str:
    # With a modifier, date() normalises what it reads (2026-02-30 becomes 2026-03-02), so `IS`
    # refuses any day not written exactly as itself; year 0000 is a day for SQLite, not for Python.
    rule = (
        f"(typeof({column}) = 'text' AND {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
        f"AND {column} >= '0001-01-01' AND date({column}, '+0 days') IS {column})"
    )
    return f"({column} IS NULL OR {rule})" if optional else rule


def _count(column: str, least: int = 0) -> str:
    return f"(typeof({column}) = 'integer' AND {column} >= {least})"


# The rules of core.checks (CARD_RULES, LOG_FACT_RULES, LOG_DERIVED_RULES) as SQL, as they were
# when m004 was written: a migration is history, so it does not follow later edits of the core.
CARD_CHECKS = {
    "repetitions": _count("repetitions"),
    "interval_days": _count("interval_days"),
    "easiness_hundredths": _count("easiness_hundredths", 130),
    "due_on": day_check_sql("due_on", optional=True),
    "lapses": _count("lapses"),
    "reviews": _count("reviews"),
    "last_reviewed_on": day_check_sql("last_reviewed_on", optional=True),
    "introduced_on": day_check_sql("introduced_on", optional=True),
}
REVIEW_CHECKS = {
    "grade": "(typeof(grade) = 'integer' AND grade BETWEEN 0 AND 5)",
    "reviewed_on": day_check_sql("reviewed_on"),
    "reviewed_at": (
        "(typeof(reviewed_at) = 'text' "
        "AND strftime('%Y-%m-%dT%H:%M:%fZ', reviewed_at, '+0 days') IS reviewed_at)"
    ),
    "kind": "(kind IN ('scheduled', 'redrill'))",
    "duration_ms": _count("duration_ms"),
    "repetitions_before": _count("repetitions_before"),
    "interval_before": _count("interval_before"),
    "easiness_before": _count("easiness_before"),
    "due_before": day_check_sql("due_before", optional=True),
    "repetitions_after": _count("repetitions_after"),
    "interval_after": _count("interval_after"),
    "easiness_after": _count("easiness_after"),
    "due_after": day_check_sql("due_after", optional=True),
}


def checks_sql(checks: dict[str, str]) -> str:
    return ",\n".join(f"CONSTRAINT {column}_rule CHECK {rule}" for column, rule in checks.items())


_CHECKED_CARDS = f"""
    CREATE TABLE cards_checked (
        id INTEGER PRIMARY KEY,
        deck TEXT NOT NULL REFERENCES decks(slug),
        card_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        points TEXT NOT NULL DEFAULT '[]',
        hints TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '[]',
        source TEXT,
        id_generated INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        retired INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        repetitions INTEGER NOT NULL DEFAULT 0,
        interval_days INTEGER NOT NULL DEFAULT 0,
        easiness_hundredths INTEGER NOT NULL DEFAULT 250,
        due_on TEXT,
        lapses INTEGER NOT NULL DEFAULT 0,
        reviews INTEGER NOT NULL DEFAULT 0,
        last_reviewed_on TEXT,
        introduced_on TEXT,
        buried_on TEXT,
        UNIQUE (deck, card_id),
        {checks_sql(CARD_CHECKS)}
    )
"""
_CHECKED_REVIEWS = f"""
    CREATE TABLE reviews_checked (
        id INTEGER PRIMARY KEY,
        card INTEGER NOT NULL REFERENCES cards_checked(id),
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
        {checks_sql(REVIEW_CHECKS)}
    )
"""


def m004_checked_values(db: Database) -> None:
    """CHECK constraints on every scheduling value and every logged review (see core.checks).

    SQLite adds a CHECK only by rebuilding the table, so cards and reviews are copied into
    checked tables, the old ones dropped and the new ones renamed, with their indexes made
    again, all in this migration's transaction. A row that breaks a rule stops the upgrade
    with a sentence naming it: it is never dropped, and nothing changes (damaged_rows).
    """
    conn = db.conn
    indexes = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cards', 'reviews') "
            "AND sql IS NOT NULL"
        )
    ]
    # Dropping the old cards deletes their rows first, which the old reviews' references would
    # refuse; the checked reviews refer to the checked cards, and the references are counted at
    # COMMIT, when every row has its parent again.
    conn.execute("PRAGMA defer_foreign_keys = ON")
    conn.execute(_CHECKED_CARDS)
    conn.execute(_CHECKED_REVIEWS)
    try:
        conn.execute(f"INSERT INTO cards_checked ({_CARD_COLUMNS}) SELECT {_CARD_COLUMNS} FROM cards")
        conn.execute(f"INSERT INTO reviews_checked ({REVIEW_COLUMNS}) SELECT {REVIEW_COLUMNS} FROM reviews")
    except sqlite3.IntegrityError:
        damaged = damaged_rows(conn)
        if not damaged:
            raise  # not a rule of ours: SQLite's own message says what
        raise _refusal(damaged) from None
    problems = damaged_references(conn)
    if problems:
        raise _refusal(problems)
    conn.execute("DROP TABLE reviews")
    conn.execute("DROP TABLE cards")
    # Renaming also rewrites the checked reviews' reference to the new name, cards.
    conn.execute("ALTER TABLE cards_checked RENAME TO cards")
    conn.execute("ALTER TABLE reviews_checked RENAME TO reviews")
    for sql in indexes:
        conn.execute(sql)


_CARD_COLUMNS = (
    "id, deck, card_id, position, question, answer, points, hints, tags, source, id_generated, "
    "content_hash, retired, added_at, updated_at, repetitions, interval_days, easiness_hundredths, "
    "due_on, lapses, reviews, last_reviewed_on, introduced_on, buried_on"
)
REVIEW_COLUMNS = (
    "id, card, reviewed_at, reviewed_on, grade, kind, explanation, duration_ms, scheduler, "
    "repetitions_before, interval_before, easiness_before, due_before, repetitions_after, "
    "interval_after, easiness_after, due_after"
)
# A refusal names the first few rows; `quiz check` lists them all.
_NAMED = 3


def damaged_rows(conn: sqlite3.Connection) -> list[str]:
    """Sentences for the rows that break a rule of m004 (each names its card), cards first."""
    from quizcards.core.checks import CARD_RULES, LOG_DERIVED_RULES, LOG_FACT_RULES, broken_rule
    from quizcards.store.rows import damaged_value

    found: list[str] = []
    cards = conn.execute(
        f"SELECT deck, card_id, {', '.join(CARD_CHECKS)} FROM cards "
        f"WHERE NOT ({' AND '.join(CARD_CHECKS.values())}) ORDER BY id"
    )
    cards.row_factory = sqlite3.Row
    for row in cards:
        rule = broken_rule(CARD_RULES, dict(row))
        if rule is not None:
            found.append(
                _clause(damaged_value(f"card {row['deck']}/{row['card_id']}", rule, row[rule.column]))
            )
    reviews = conn.execute(
        f"SELECT r.id, c.deck, c.card_id, {', '.join('r.' + column for column in REVIEW_CHECKS)} "
        f"FROM reviews r LEFT JOIN cards c ON c.id = r.card "
        f"WHERE NOT ({' AND '.join(REVIEW_CHECKS.values())}) ORDER BY r.id"
    )
    reviews.row_factory = sqlite3.Row
    for row in reviews:
        rule = broken_rule({**LOG_FACT_RULES, **LOG_DERIVED_RULES}, dict(row))
        if rule is not None:
            owner = f"review {row['id']} of card {row['deck']}/{row['card_id']}"
            found.append(_clause(damaged_value(owner, rule, row[rule.column])))
    return found


def damaged_references(conn: sqlite3.Connection) -> list[str]:
    """Sentences for cards whose deck, and reviews whose card, is not in the database."""
    found = [
        f"card {deck}/{card_id} belongs to the deck '{deck}', which is not in the database; "
        "restore the database from a backup"
        for deck, card_id in conn.execute(
            "SELECT deck, card_id FROM cards c WHERE NOT EXISTS (SELECT 1 FROM decks WHERE slug = c.deck) "
            "ORDER BY id"
        )
    ]
    found += [
        f"review {review_id} belongs to the card row {card}, which is not in the database; "
        "restore the database from a backup"
        for review_id, card in conn.execute(
            "SELECT id, card FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM cards WHERE id = r.card) "
            "ORDER BY id"
        )
    ]
    return found


def _clause(error: StoreError) -> str:
    return str(error).rstrip(".")


def _refusal(problems: list[str]) -> StoreError:
    from quizcards.core.checks import DamagedValuesError

    more = len(problems) - _NAMED
    listed = "; ".join(problems[:_NAMED]) + (f" (and {more} more)" if more > 0 else "")
    return DamagedValuesError(
        f"this database cannot be upgraded to this version of quizcards, which checks every stored "
        f"value, until it is repaired: {listed}. Nothing was changed."
    )
