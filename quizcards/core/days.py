"""Calendar days as text: the ISO 8601 form (`2026-03-10`) every stored and printed day takes."""

from __future__ import annotations

from datetime import date


def iso_day(day: date | None) -> str | None:
    """`2026-03-10` for a day, None for no day (a new card has no due date)."""
    return day.isoformat() if day is not None else None


def parse_day(text: str | None) -> date | None:
    """The day written as `2026-03-10`; None (or an empty text) is no day."""
    return date.fromisoformat(text) if text else None
