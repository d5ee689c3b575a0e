"""m007: the applied study plan of `quiz plan --apply` (one at a time), with its values checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


def _day(column: str) -> str:
    # As m004's rule: date() with a modifier normalises what it reads, so `IS` refuses any other form.
    return (
        f"(typeof({column}) = 'text' AND {column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
        f"AND date({column}, '+0 days') IS {column})"
    )


def _names(column: str) -> str:
    return f"(json_valid({column}) AND json_type({column}) = 'array')"


def m007_study_plans(db: Database) -> None:
    """The study_plans table: at most one row (id 1), which `quiz plan --apply` replaces."""
    db.conn.execute(
        f"""
        CREATE TABLE study_plans (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            decks TEXT NOT NULL CHECK {_names("decks")},
            tags TEXT NOT NULL CHECK {_names("tags")},
            new_per_day INTEGER NOT NULL CHECK (typeof(new_per_day) = 'integer' AND new_per_day >= 0),
            starts_on TEXT NOT NULL CHECK {_day("starts_on")},
            until_on TEXT NOT NULL CHECK ({_day("until_on")} AND until_on > starts_on),
            applied_at TEXT NOT NULL
        )
        """
    )
