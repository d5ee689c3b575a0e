"""The first schema and its indexes: m001 (tables), m002 (stats index), m003 (large-collection indexes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


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
