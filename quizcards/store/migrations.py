"""The schema's history, append-only: one named function per change.

Migrations are registered with sqlite-utils' own ``Migrations`` (each runs in
its own transaction together with the record that it ran). sqlite-utils is
imported only when a migration has to run, so opening an up-to-date database
stays cheap; ``NAMES`` lets the store check that without importing it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from quizcards.core.errors import StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "quizcards"


def m001_initial(db: Database) -> None:
    """Decks, cards with their current schedule, and the append-only review log."""
    db.execute(
        """
        CREATE TABLE decks (
            slug TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            source_path TEXT,
            position INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE cards (
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
            UNIQUE (deck, card_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card INTEGER NOT NULL REFERENCES cards(id),
            reviewed_at TEXT NOT NULL,
            reviewed_on TEXT NOT NULL,
            grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 5),
            kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'redrill')),
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
            due_after TEXT
        )
        """
    )
    # The session's queries: due cards by date, new cards in deck order,
    # a card's history, and a day's reviews.
    db.execute("CREATE INDEX cards_due ON cards (retired, due_on)")
    db.execute("CREATE INDEX cards_deck_position ON cards (deck, position)")
    db.execute("CREATE INDEX reviews_card ON reviews (card, id)")
    db.execute("CREATE INDEX reviews_day ON reviews (reviewed_on)")


def m002_stats_indexes(db: Database) -> None:
    """A covering index for `quiz stats`: its day-by-day aggregates read the index, never the log's rows."""
    # Day first, for the calendar, today and the retention windows; then every column those
    # aggregates filter or sum, so no query has to visit the table and its typed explanations.
    db.execute(
        "CREATE INDEX reviews_stats ON reviews "
        "(reviewed_on, kind, repetitions_before, grade, card, duration_ms)"
    )


def m003_large_collection_indexes(db: Database) -> None:
    """Indexes that keep `quiz review` and `quiz stats` quick at 100,000 cards (each plan checked)."""
    # Due cards come by due date, then in deck order, and new cards deck by deck (decks by position,
    # then each deck's cards by position). cards_due now holds all that and the session's filter:
    # due cards are read from the index alone (a learner back after months has 40,000 due, which
    # used to mean 40,000 row reads), and with decks_position the new cards are read deck by deck,
    # only up to the day's limit, instead of sorting every new card. Its first two columns are the
    # old index's, so every query that used it still can.
    db.execute("DROP INDEX cards_due")
    db.execute("CREATE INDEX cards_due ON cards (retired, due_on, deck, position, buried_on)")
    db.execute("CREATE INDEX decks_position ON decks (position)")
    # `quiz stats` counts each deck's cards by state from this one, without reading the cards' text.
    db.execute("CREATE INDEX cards_deck_state ON cards (deck, retired, due_on, interval_days, position)")
    # The daily new-card limit counts the cards first graded today.
    db.execute("CREATE INDEX cards_introduced ON cards (introduced_on)")
    # Leeches: the few cards with the most lapses, read from the top of this index. Partial, since
    # most cards never lapse; retired first, so the planner prefers it to cards_due (retired, ...).
    db.execute(
        "CREATE INDEX cards_lapses ON cards (retired, lapses, easiness_hundredths, deck, position) "
        "WHERE lapses > 0"
    )


def _day(column: str, *, optional: bool = False) -> str:
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
    "due_on": _day("due_on", optional=True),
    "lapses": _count("lapses"),
    "reviews": _count("reviews"),
    "last_reviewed_on": _day("last_reviewed_on", optional=True),
    "introduced_on": _day("introduced_on", optional=True),
}
REVIEW_CHECKS = {
    "grade": "(typeof(grade) = 'integer' AND grade BETWEEN 0 AND 5)",
    "reviewed_on": _day("reviewed_on"),
    "reviewed_at": (
        "(typeof(reviewed_at) = 'text' "
        "AND strftime('%Y-%m-%dT%H:%M:%fZ', reviewed_at, '+0 days') IS reviewed_at)"
    ),
    "kind": "(kind IN ('scheduled', 'redrill'))",
    "duration_ms": _count("duration_ms"),
    "repetitions_before": _count("repetitions_before"),
    "interval_before": _count("interval_before"),
    "easiness_before": _count("easiness_before"),
    "due_before": _day("due_before", optional=True),
    "repetitions_after": _count("repetitions_after"),
    "interval_after": _count("interval_after"),
    "easiness_after": _count("easiness_after"),
    "due_after": _day("due_after", optional=True),
}


def _checks(checks: dict[str, str]) -> str:
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
        {_checks(CARD_CHECKS)}
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
        {_checks(REVIEW_CHECKS)}
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
        conn.execute(f"INSERT INTO reviews_checked ({_REVIEW_COLUMNS}) SELECT {_REVIEW_COLUMNS} FROM reviews")
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
_REVIEW_COLUMNS = (
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


MIGRATIONS: tuple[tuple[str, Callable[[Database], None]], ...] = (
    ("m001_initial", m001_initial),
    ("m002_stats_indexes", m002_stats_indexes),
    ("m003_large_collection_indexes", m003_large_collection_indexes),
    ("m004_checked_values", m004_checked_values),
)
NAMES: tuple[str, ...] = tuple(name for name, _ in MIGRATIONS)


def migration_set() -> Migrations:
    """The registered sqlite-utils migration set (imports sqlite-utils)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    return migrations
