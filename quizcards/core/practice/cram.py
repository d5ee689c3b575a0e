"""`quiz cram`'s rules: which cards a cram takes, in what order, and what its summary says; no clock.

A cram studies ahead, outside the schedule: its answers are logged with the kind
``cram`` (``core.scheduler.practice``) and never move a card's schedule.

Which cards (``choose_cram``), from the active cards of the chosen decks and tags:

- never-seen (new) cards only with ``include_new`` (--new): a cram is for what was studied;
- with ``due_within`` N, only cards due on or before today + N days (overdue ones included);
  new cards have no due date, so --new still brings them in;
- at most ``limit`` of them, taken in the order below.

In what order:

- by default, by due date, soonest first (overdue first), new cards last, then deck order;
- with ``weak`` (--weak), weakest first (``weakness``): lowest easiness, then most lapses,
  then the lowest mean of the recent grades (the latest ``RECENT_GRADES`` answers of any kind,
  crams and mock interviews included, since they show how the card goes now), then deck order.
  New cards, which have no record to be weak on, come last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from quizcards.core.practice import PracticeCard

__all__ = [
    "DEFAULT_CRAM_LIMIT",
    "WEAKEST_SHOWN",
    "CramAnswer",
    "CramChoice",
    "CramOptions",
    "CramSummary",
    "choose_cram",
    "summarize_cram",
    "weakness",
]

# A cram the night before: enough cards for half an hour of explaining, few enough to finish.
DEFAULT_CRAM_LIMIT = 20
# How many of the cram's weakest cards its summary names.
WEAKEST_SHOWN = 5

# Which filter left a cram with nothing: no active card in the decks/tags chosen, only new cards
# (and no --new), or none due within --due-within days.
EmptyBecause = Literal["no_cards", "only_new", "none_due"]


@dataclass(frozen=True, slots=True)
class CramOptions:
    """What the learner asked of a cram (the deck and tag choice is the store's query)."""

    weak: bool = False
    due_within: int | None = None
    include_new: bool = False
    limit: int = DEFAULT_CRAM_LIMIT


@dataclass(frozen=True, slots=True)
class CramChoice:
    """The cards a cram takes, in order; when there are none, which filter left nothing.

    ``studied`` counts the cards that were not new, ``next_due_on`` the earliest due date among
    them: what the one-line message says when --due-within or a lack of --new left nothing.
    """

    cards: tuple[PracticeCard, ...]
    empty_because: EmptyBecause | None
    candidates: int
    studied: int
    next_due_on: date | None


def weakness(card: PracticeCard) -> tuple[int, int, float, int]:
    """The --weak sort key, smallest first: lowest easiness, most lapses, worst recent grades, deck order."""
    grades = card.recent_grades
    mean = sum(grades) / len(grades) if grades else 5.0
    return (card.schedule.easiness_hundredths, -card.schedule.lapses, mean, card.order)


def _by_due(card: PracticeCard) -> tuple[int, date, int]:
    due_on = card.schedule.due_on
    return (due_on is None, due_on or date.max, card.order)


def choose_cram(cards: Sequence[PracticeCard], today: date, options: CramOptions) -> CramChoice:
    """The cram's cards from the selection's active cards (``PracticeCard.order`` is deck order)."""
    studied = [card for card in cards if not card.schedule.is_new]
    next_due_on = min((c.schedule.due_on for c in studied if c.schedule.due_on is not None), default=None)
    kept = list(studied)
    if options.due_within is not None:
        last = today + timedelta(days=max(0, options.due_within))
        kept = [c for c in kept if c.schedule.due_on is not None and c.schedule.due_on <= last]
    if options.include_new:
        kept += [card for card in cards if card.schedule.is_new]
    ordered = sorted(
        kept, key=lambda card: (card.schedule.is_new, *weakness(card)) if options.weak else _by_due(card)
    )
    chosen = tuple(ordered[: max(0, options.limit)])
    empty: EmptyBecause | None = None
    if not chosen:
        if not cards:
            empty = "no_cards"
        elif not studied and not options.include_new:
            empty = "only_new"
        else:
            empty = "none_due"
    return CramChoice(chosen, empty, len(cards), len(studied), next_due_on)


@dataclass(frozen=True, slots=True)
class CramAnswer:
    """One answer of a cram: the card and the grade given (a re-asked card has several)."""

    card: PracticeCard
    grade: int


@dataclass(frozen=True, slots=True)
class CramSummary:
    """What a cram did: cards crammed, answers by grade, the weakest cards with their worst grade."""

    cards: int
    answers: int
    by_grade: tuple[int, ...]  # answers graded 0, 1, ... 5
    again: int  # answers to cards asked again after a grade below 4
    weakest: tuple[tuple[PracticeCard, int], ...]


def summarize_cram(answers: Sequence[CramAnswer], shown: int = WEAKEST_SHOWN) -> CramSummary:
    """The summary of a cram's answers, in the order given.

    The weakest are the cards whose first answer in this cram was below 4, worst first
    (then the order they came in): the first answer is the one given before the model
    answer was seen in this sitting.
    """
    first: dict[int, tuple[PracticeCard, int]] = {}
    for answer in answers:
        first.setdefault(answer.card.pk, (answer.card, answer.grade))
    counts = Counter(answer.grade for answer in answers)
    weak = sorted(
        ((card, value) for card, value in first.values() if value < 4),
        key=lambda pair: pair[1],  # sorted() is stable: equal grades keep the order they came in
    )
    return CramSummary(
        cards=len(first),
        answers=len(answers),
        by_grade=tuple(counts.get(value, 0) for value in range(6)),
        again=len(answers) - len(first),
        weakest=tuple(weak[: max(0, shown)]),
    )
