"""The small words every command shows: counted nouns and the easiness factor as text."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``, ``0 cards``, ``2,000 cards``: a count and its noun, in English."""
    return f"{count} {noun}" if count == 1 else f"{count:,} {noun}s"


def easiness_text(hundredths: int) -> str:
    """EF with two decimals, exactly (250 -> ``2.50``): the way every listing shows it."""
    return f"{hundredths // 100}.{hundredths % 100:02d}"
