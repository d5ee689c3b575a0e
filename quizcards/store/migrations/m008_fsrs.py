"""m008: the collection's settings, FSRS's fitted parameters, and each card's FSRS state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.store.migrations.m004_checked import day_check_sql

if TYPE_CHECKING:
    from sqlite_utils import Database

# A value column without a declared type has no affinity: SQLite stores what it is given, and each
# name's CHECK says which type that must be (a text '0.9' is not a retention).
SETTINGS = """
    CREATE TABLE settings (
        name TEXT PRIMARY KEY CHECK (name IN ('scheduler', 'desired_retention', 'new_per_day')),
        value NOT NULL CHECK (
            (name = 'scheduler' AND typeof(value) = 'text' AND value IN ('sm2', 'fsrs'))
            OR (name = 'desired_retention' AND typeof(value) = 'real' AND value BETWEEN 0.70 AND 0.99)
            OR (name = 'new_per_day' AND typeof(value) = 'integer' AND value BETWEEN 0 AND 100000)
        )
    )
"""

PARAMETERS = f"""
    CREATE TABLE fsrs_parameters (
        id INTEGER PRIMARY KEY,
        parameters TEXT NOT NULL CHECK (
            json_valid(parameters) AND json_type(parameters) = 'array' AND json_array_length(parameters) = 21
        ),
        fitted_on TEXT NOT NULL CHECK {day_check_sql("fitted_on")},
        fitted_at TEXT NOT NULL,
        cards INTEGER NOT NULL CHECK (typeof(cards) = 'integer' AND cards >= 0),
        reviews INTEGER NOT NULL CHECK (typeof(reviews) = 'integer' AND reviews >= 0),
        held_out_reviews INTEGER NOT NULL
            CHECK (typeof(held_out_reviews) = 'integer' AND held_out_reviews >= 0),
        held_out_cards INTEGER NOT NULL DEFAULT 0
            CHECK (typeof(held_out_cards) = 'integer' AND held_out_cards >= 0),
        seed INTEGER CHECK (seed IS NULL OR typeof(seed) = 'integer'),
        log_loss_before REAL,
        log_loss_after REAL,
        rmse_bins_before REAL,
        rmse_bins_after REAL,
        optimizer TEXT NOT NULL
    )
"""

STATES = f"""
    CREATE TABLE fsrs_states (
        card INTEGER PRIMARY KEY REFERENCES cards(id),
        stability REAL NOT NULL CHECK (typeof(stability) = 'real' AND stability > 0),
        difficulty REAL NOT NULL CHECK (typeof(difficulty) = 'real' AND difficulty BETWEEN 1 AND 10),
        last_reviewed_on TEXT NOT NULL CHECK {day_check_sql("last_reviewed_on")},
        due_on TEXT NOT NULL CHECK ({day_check_sql("due_on")} AND due_on > last_reviewed_on)
    )
"""


def m008_fsrs(db: Database) -> None:
    """Three new tables; nothing existing changes, so SM-2 goes on exactly as before.

    ``settings``: one row per setting a learner has set (no row: the default). ``fsrs_parameters``:
    every fit `quiz optimize` saved, newest in force (none: FSRS's defaults). ``fsrs_states``: each
    reviewed card's FSRS state, derived from the review log (rebuilt, never the record itself), with
    the due day the queue reads under FSRS through ``fsrs_states_due``.
    """
    conn = db.conn
    conn.execute(SETTINGS)
    conn.execute(PARAMETERS)
    conn.execute(STATES)
    conn.execute("CREATE INDEX fsrs_states_due ON fsrs_states (due_on)")
