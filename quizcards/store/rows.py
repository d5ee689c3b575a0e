"""Rows <-> core values, by column name: UTC times, schedules and study cards.

Days are stored as ISO dates (``2026-03-10``, through ``core.days``), moments
as UTC ISO times to the millisecond with a Z, so both sort as text.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from quizcards.core.days import parse_day
from quizcards.core.points import points_of
from quizcards.core.scheduler import Schedule
from quizcards.core.session import StudyCard

# The cards table's schedule columns, in Schedule's field order.
SCHEDULE_COLUMNS = (
    "repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews, last_reviewed_on"
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
        points=points_of(json.loads(row["points"])),
        hints=tuple(json.loads(row["hints"])),
        tags=tuple(json.loads(row["tags"])),
        source=row["source"],
        schedule=schedule_of(row),
    )
