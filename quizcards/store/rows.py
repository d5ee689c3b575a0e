"""Rows <-> core values, by column name: UTC times, schedules and study cards.

Days are stored as ISO dates (``2026-03-10``, through ``core.days``), moments
as UTC ISO times to the millisecond with a Z, so both sort as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from quizcards.core.checks import CARD_RULES, LOG_DERIVED_RULES, LOG_FACT_RULES, Rule, describe_value
from quizcards.core.errors import StoreError
from quizcards.core.points import Point, points_of
from quizcards.core.scheduler import Schedule
from quizcards.core.session import StudyCard

# The cards table's schedule columns, in Schedule's field order, and whose they are (for messages).
SCHEDULE_COLUMNS = (
    "repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews, last_reviewed_on, "
    "deck, card_id"
)
_REPAIR = "run `quiz check --repair` to rebuild it from the review log"
_RESTORE = (
    "the log is the record itself, so nothing can rebuild it: restore the database from a backup "
    "(`quiz check` lists every such row)"
)


def texts_of(stored: object, column: str, owner: str) -> tuple[str, ...]:
    """A JSON-array-of-text column (tags, hints) read back; a damaged value is a sentence, not a traceback.

    A database may have been edited or handed over by someone else: it is untrusted input.
    """
    value = _json_list(stored, column, owner)
    texts = tuple(item for item in value if isinstance(item, str))
    if len(texts) != len(value):
        raise _damaged(column, owner)
    return texts


def stored_points(stored: object, owner: str) -> tuple[Point, ...]:
    """A card's points column read back (text, or lists of wordings); damage is a sentence."""
    try:
        return points_of(_json_list(stored, "points", owner))
    except ValueError:
        raise _damaged("points", owner) from None


def _json_list(stored: object, column: str, owner: str) -> list[object]:
    try:
        value = json.loads(stored) if isinstance(stored, str | bytes) else None
    except ValueError:
        value = None
    if not isinstance(value, list):
        raise _damaged(column, owner)
    return value


def _damaged(column: str, owner: str) -> StoreError:
    return StoreError(
        f"the {column} of {owner} are damaged in the database (not a JSON list of text); "
        "restore the database from a backup."
    )


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, to the millisecond: sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def checked(value: object, rule: Rule, owner: str) -> object:
    """A stored value that keeps its column's rule (core.checks), or a sentence naming its owner.

    The same rules are the tables' CHECK constraints (m004); a database written before them, or
    edited with the checks switched off, may still break one, and is untrusted input.
    """
    if rule.broken_by(value):
        raise damaged_value(owner, rule, value)
    return value


def damaged_value(owner: str, rule: Rule, value: object) -> StoreError:
    """The one sentence for a stored value that breaks its rule: whose it is, and what to do."""
    remedy = _RESTORE if rule.column in LOG_FACT_RULES else _REPAIR
    return StoreError(
        f"{owner} has a damaged {rule.column} in the database ({describe_value(value)} is not "
        f"{rule.wanted}); {remedy}."
    )


def card_value(row: sqlite3.Row | Mapping[str, Any], column: str, owner: str) -> Any:
    """A card's schedule column (CARD_RULES) from a row, checked."""
    return checked(row[column], CARD_RULES[column], owner)


def card_day(row: sqlite3.Row | Mapping[str, Any], column: str, owner: str) -> date | None:
    """A card's day column, checked and read as a date (None for no day)."""
    value = card_value(row, column, owner)
    return date.fromisoformat(value) if value is not None else None


def log_value(row: sqlite3.Row | Mapping[str, Any], column: str, owner: str) -> Any:
    """A review-log column (LOG_FACT_RULES or LOG_DERIVED_RULES) from a row, checked."""
    rule = LOG_FACT_RULES.get(column) or LOG_DERIVED_RULES[column]
    return checked(row[column], rule, owner)


def log_day(row: sqlite3.Row | Mapping[str, Any], column: str, owner: str) -> date | None:
    """A review-log day column, checked and read as a date (None for no day)."""
    value = log_value(row, column, owner)
    return date.fromisoformat(value) if value is not None else None


# For a day that an aggregate returned: the first row holding it, to name in the message.
_HOLDERS = {
    "due_on": "SELECT 'card ' || deck || '/' || card_id FROM cards WHERE due_on IS ? ORDER BY id LIMIT 1",
    "reviewed_on": (
        "SELECT 'review ' || r.id || ' of card ' || c.deck || '/' || c.card_id "
        "FROM reviews r JOIN cards c ON c.id = r.card WHERE r.reviewed_on IS ? ORDER BY r.id LIMIT 1"
    ),
}


def aggregated_day(conn: sqlite3.Connection, value: object, column: str) -> date:
    """A day that an aggregate (min, GROUP BY) read from due_on or reviewed_on, checked.

    A damaged one is the usual sentence, naming the first card or review that holds it.
    """
    rule = CARD_RULES.get(column) or LOG_FACT_RULES[column]
    if value is None or rule.broken_by(value):
        found = conn.execute(_HOLDERS[column], [value]).fetchone()
        raise damaged_value(found[0] if found else f"a row's {column}", rule, value)
    return date.fromisoformat(str(value))


def schedule_of(row: sqlite3.Row, owner: str | None = None) -> Schedule:
    """A card's schedule from a row holding the SCHEDULE_COLUMNS (by name; others are ignored).

    A value that breaks its rule is a StoreError naming the card (from the row's deck and
    card_id unless owner is given).
    """
    name = owner or card_name(row["deck"], row["card_id"])
    return Schedule(
        repetitions=card_value(row, "repetitions", name),
        interval_days=card_value(row, "interval_days", name),
        easiness_hundredths=card_value(row, "easiness_hundredths", name),
        due_on=card_day(row, "due_on", name),
        lapses=card_value(row, "lapses", name),
        reviews=card_value(row, "reviews", name),
        last_reviewed_on=card_day(row, "last_reviewed_on", name),
    )


def study_card_of(row: sqlite3.Row) -> StudyCard:
    """A card as a review shows it, from a cards row joined with its deck's title (``deck_title``)."""
    return StudyCard(
        pk=row["id"],
        deck=row["deck"],
        deck_title=row["deck_title"],
        card_id=row["card_id"],
        question=row["question"],
        answer=row["answer"],
        points=stored_points(row["points"], card_name(row["deck"], row["card_id"])),
        hints=texts_of(row["hints"], "hints", card_name(row["deck"], row["card_id"])),
        tags=texts_of(row["tags"], "tags", card_name(row["deck"], row["card_id"])),
        source=row["source"],
        schedule=schedule_of(row),
    )


def card_name(deck: object, card_id: object) -> str:
    """A card as messages name it: `card attention/qkv`."""
    return f"card {deck}/{card_id}"


def review_name(review_id: object, deck: object, card_id: object) -> str:
    """A review row as messages name it: `review 12 of card attention/qkv`."""
    return f"review {review_id} of {card_name(deck, card_id)}"
