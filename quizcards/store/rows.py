"""Rows <-> core values, by column name: UTC times, schedules and study cards.

Days are stored as ISO dates (``2026-03-10``, through ``core.days``), moments
as UTC ISO times to the millisecond with a Z, so both sort as text.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from quizcards.core.days import parse_day
from quizcards.core.errors import StoreError
from quizcards.core.points import Point, points_of
from quizcards.core.scheduler import Schedule
from quizcards.core.session import StudyCard

# The cards table's schedule columns, in Schedule's field order.
SCHEDULE_COLUMNS = (
    "repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews, last_reviewed_on"
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


def schedule_of(row: sqlite3.Row) -> Schedule:
    """A card's schedule from a row holding the SCHEDULE_COLUMNS (by name; others are ignored)."""
    return Schedule(
        repetitions=row["repetitions"],
        interval_days=row["interval_days"],
        easiness_hundredths=row["easiness_hundredths"],
        due_on=parse_day(row["due_on"]),
        lapses=row["lapses"],
        reviews=row["reviews"],
        last_reviewed_on=parse_day(row["last_reviewed_on"]),
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
        points=stored_points(row["points"], _card_name(row["deck"], row["card_id"])),
        hints=texts_of(row["hints"], "hints", _card_name(row["deck"], row["card_id"])),
        tags=texts_of(row["tags"], "tags", _card_name(row["deck"], row["card_id"])),
        source=row["source"],
        schedule=schedule_of(row),
    )


def _card_name(deck: object, card_id: object) -> str:
    return f"card {deck}/{card_id}"
