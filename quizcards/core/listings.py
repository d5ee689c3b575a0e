"""What the listing commands show: cards, one card's record, decks, and their JSON shapes.

`quiz cards --json`, `quiz show --json` and `quiz decks --json` use the names of
`quiz export` and `quiz stats` for the same things: `card_id`, the states of
``core.scheduler.CARD_STATES``, `interval_days`, `easiness` as a number (2.5),
`due_on`, and a review's `interval_days_after`, `easiness_after`, `due_on_after`.
Under FSRS a card's ``due_on`` is the day FSRS schedules it (the day ``quiz cards --due`` and the
queue read), and ``fsrs`` holds its memory state and retrievability today (``CardMemory``); the SM-2
fields (interval, easiness, repetitions) keep SM-2's values, which run underneath.
`quiz cards --search` keeps the cards whose text has every word searched for
(``matching_listings``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from quizcards.core.days import iso_day
from quizcards.core.errors import QuizError
from quizcards.core.fsrs import FsrsState, Parameters, retrievability
from quizcards.core.scheduler import CardState, Schedule, card_state, easiness_number
from quizcards.core.session import ReviewKind, StudyCard

if TYPE_CHECKING:
    from quizcards.core.export.records import CardRow
    from quizcards.core.settings import SchedulerName


@dataclass(frozen=True, slots=True)
class CardMemory:
    """A reviewed card under FSRS: its stored state and its retrievability R on the day it is shown."""

    stability: float  # days until R falls to 90%
    difficulty: float  # 1 (easiest) to 10
    last_reviewed_on: date
    due_on: date  # the day FSRS schedules it
    retrievability: float  # R on the day it is shown, with the parameters in force


def card_memory(state: FsrsState, today: date, parameters: Parameters) -> CardMemory:
    """The card's memory as of today: its FSRS state and R after the whole days since its last review."""
    elapsed = (today - state.last_reviewed_on).days
    return CardMemory(
        state.stability,
        state.difficulty,
        state.last_reviewed_on,
        state.due_on,
        retrievability(state.stability, elapsed, parameters),
    )


def due_in_force(
    schedule: Schedule, memory: CardMemory | None, scheduler: SchedulerName, *, retired: bool
) -> date | None:
    """The due day of the scheduler in force: SM-2's, or FSRS's (None for a card FSRS has not seen); never
    one for a retired card."""
    if retired:
        return None
    if scheduler == "fsrs":
        return memory.due_on if memory is not None else None
    return schedule.due_on


@dataclass(frozen=True, slots=True)
class CardListing:
    """One row of `quiz cards`."""

    deck: str
    card_id: str
    question: str
    tags: tuple[str, ...]
    retired: bool
    schedule: Schedule
    suspended_on: date | None = None  # the day it was suspended; None when it is not
    scheduler: SchedulerName = "sm2"  # the scheduler in force when it was listed
    memory: CardMemory | None = None  # under FSRS, once reviewed

    @property
    def state(self) -> CardState:
        return card_state(self.schedule, retired=self.retired)

    @property
    def due_on(self) -> date | None:
        return due_in_force(self.schedule, self.memory, self.scheduler, retired=self.retired)


@dataclass(frozen=True, slots=True)
class PastReview:
    """One logged grade of a card, with what the learner typed and where it left the card."""

    reviewed_at: str
    reviewed_on: date
    grade: int
    kind: ReviewKind
    explanation: str
    duration_ms: int
    interval_days_after: int
    easiness_hundredths_after: int
    due_on_after: date | None


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card as `quiz show` presents it: its text, schedule and full review history."""

    card: StudyCard
    retired: bool
    added_at: str
    history: tuple[PastReview, ...]
    suspended_on: date | None = None  # the day it was suspended; None when it is not
    scheduler: SchedulerName = "sm2"  # the scheduler in force when it was read
    memory: CardMemory | None = None  # under FSRS, once reviewed

    @property
    def state(self) -> CardState:
        return card_state(self.card.schedule, retired=self.retired)

    @property
    def due_on(self) -> date | None:
        return due_in_force(self.card.schedule, self.memory, self.scheduler, retired=self.retired)


@dataclass(frozen=True, slots=True)
class DeckSummary:
    """One deck's counts for `quiz decks`."""

    slug: str
    title: str
    cards: int
    new: int
    due: int
    retired: int


def listing_fields(listing: CardListing) -> dict[str, Any]:
    """One card of `quiz cards --json`."""
    schedule = listing.schedule
    return {
        "deck": listing.deck,
        "card_id": listing.card_id,
        "question": listing.question,
        "tags": list(listing.tags),
        "state": listing.state,
        # A retired card is never due, whatever its last schedule said.
        "due_on": iso_day(listing.due_on),
        "interval_days": schedule.interval_days,
        "easiness": schedule.easiness_number,
        "repetitions": schedule.repetitions,
        "lapses": schedule.lapses,
        "reviews": schedule.reviews,
        "last_reviewed_on": iso_day(schedule.last_reviewed_on),
        "suspended_on": iso_day(listing.suspended_on),
        "scheduler": listing.scheduler,
        "fsrs": memory_fields(listing.memory),
    }


def record_fields(record: CardRecord, today: date) -> dict[str, Any]:
    """One card of `quiz show --json`, with its history oldest first."""
    card = record.card
    schedule = card.schedule
    due_on = record.due_on
    return {
        "deck": card.deck,
        "card_id": card.card_id,
        "question": card.question,
        "answer": card.answer,
        "points": [point.stored() for point in card.points],
        "hints": list(card.hints),
        "tags": list(card.tags),
        "source": card.source,
        "state": record.state,
        "due_on": iso_day(due_on),
        "due_in_days": (due_on - today).days if due_on is not None else None,
        "interval_days": schedule.interval_days,
        "easiness": schedule.easiness_number,
        "repetitions": schedule.repetitions,
        "lapses": schedule.lapses,
        "reviews": schedule.reviews,
        "last_reviewed_on": iso_day(schedule.last_reviewed_on),
        "suspended_on": iso_day(record.suspended_on),
        "added_at": record.added_at,
        "scheduler": record.scheduler,
        "fsrs": memory_fields(record.memory),
        "history": [_review_fields(review) for review in record.history],
    }


def memory_fields(memory: CardMemory | None) -> dict[str, Any] | None:
    """A card's FSRS memory in `quiz cards --json` and `quiz show --json` (null under SM-2 or unreviewed)."""
    if memory is None:
        return None
    return {
        "stability": round(memory.stability, 4),
        "difficulty": round(memory.difficulty, 4),
        "retrievability": round(memory.retrievability, 4),
        "last_reviewed_on": memory.last_reviewed_on.isoformat(),
        "due_on": memory.due_on.isoformat(),
    }


def deck_fields(summary: DeckSummary) -> dict[str, Any]:
    """One deck of `quiz decks --json`."""
    return {
        "deck": summary.slug,
        "title": summary.title,
        "cards": summary.cards,
        "new": summary.new,
        "due": summary.due,
        "retired": summary.retired,
    }


def _review_fields(review: PastReview) -> dict[str, Any]:
    return {
        "reviewed_at": review.reviewed_at,
        "reviewed_on": review.reviewed_on.isoformat(),
        "grade": review.grade,
        "kind": review.kind,
        "explanation": review.explanation,
        "duration_ms": review.duration_ms,
        "interval_days_after": review.interval_days_after,
        "easiness_after": easiness_number(review.easiness_hundredths_after),
        "due_on_after": iso_day(review.due_on_after),
    }


def folded(text: str) -> str:
    """Text as a search compares it: no case, no accents (NFKD, marks dropped), no spaces.

    Spaces go because Korean spacing (띄어쓰기) varies from writer to writer. Hangul is composed
    again (NFC): in jamo, 사과 would be found inside 사관.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char) and not char.isspace())
    return unicodedata.normalize("NFC", bare)


def search_words(text: str) -> tuple[str, ...]:
    """The words of a search, folded; a search without any is refused in one sentence."""
    words = tuple(word for word in (folded(part) for part in text.split()) if word)
    if not words:
        raise QuizError("--search needs a word to look for, e.g. --search softmax.")
    return words


def matching_listings(
    listings: Iterable[CardListing], cards: Iterable[CardRow], text: str
) -> list[CardListing]:
    """The listings whose card has every word of text in its question, answer, points or tags."""
    words = search_words(text)
    found: set[tuple[str, str]] = set()
    for card in cards:
        fields = [card.question, card.answer, *card.tags]
        fields += [wording for point in card.points for wording in point.wordings]
        haystack = [folded(field) for field in fields]
        if all(any(word in field for field in haystack) for word in words):
            found.add((card.deck, card.card_id))
    return [listing for listing in listings if (listing.deck, listing.card_id) in found]
