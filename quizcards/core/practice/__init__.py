"""Studying outside the schedule (cram, mock interview): the cards to choose from, as values.

The practice modes choose cards by how they stand (easiness, lapses, recent grades, due
date) and log their answers with kinds of their own (``core.scheduler.PRACTICE_KINDS``)
that never move a schedule. Each mode's rules live in a module of this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizcards.core.scheduler import Schedule

__all__ = ["RECENT_GRADES", "PracticeCard"]

# How many of a card's latest answers (of any kind) count as its recent grades.
RECENT_GRADES = 5


@dataclass(frozen=True, slots=True)
class PracticeCard:
    """A card as the practice modes choose it: where it is, its tags and schedule, how it went lately."""

    pk: int
    deck: str
    card_id: str
    order: int  # the card's place in deck order (decks by position, then cards by position)
    tags: tuple[str, ...]  # the card's own tags and its deck's
    schedule: Schedule
    recent_grades: tuple[int, ...]  # its latest answers' grades, of any kind, oldest first
