"""Today's session: which cards, in what order, re-drills, bury/undo and the new-card top-up; no I/O.

The queue holds due cards first (most overdue first), then new cards in deck
order, then cards still owed a same-day re-drill. SM-2's step 7 is applied
here: a card graded below 4 comes back a few cards later (``redrill_position``)
until it is graded 4 or 5. Re-drills are logged by the caller but change nothing in
the card's schedule; that rule is ``grade_effect``, which the store applies to
the schedule it reads inside its write (``grading``), so two processes grading
the same card at once still agree on which grade was the day's first.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

from quizcards.core.errors import QuizError
from quizcards.core.outlook import Outlook
from quizcards.core.points import Point
from quizcards.core.scheduler import (
    Grade,
    ReviewKind,
    ReviewLog,
    Schedule,
    needs_redrill,
    parse_grade,
    review,
)

if TYPE_CHECKING:
    from quizcards.core.fsrs import FsrsState

__all__ = [
    "NewCardLimitReached",
    "NewCardPlan",
    "Outlook",
    "PastExplanation",
    "QueueEntry",
    "Reason",
    "RecordedReview",
    "Remaining",
    "ReviewKind",  # defined in core.scheduler with ReviewLog; re-exported for older imports
    "Session",
    "SessionFilter",
    "StudyCard",
    "Tally",
    "build_queue",
    "grade_effect",
    "grading",
    "may_introduce",
    "new_card_allowance",
    "new_cards_owed",
    "redrill_position",
]

Reason = Literal["due", "new", "redrill"]


@dataclass(frozen=True, slots=True)
class StudyCard:
    """A card as a review shows it: the author's text and its current schedule."""

    pk: int
    deck: str
    deck_title: str
    card_id: str
    question: str
    answer: str
    points: tuple[Point, ...]
    hints: tuple[str, ...]
    tags: tuple[str, ...]
    source: str | None
    schedule: Schedule


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One card waiting in today's session, and why it is there."""

    pk: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class PastExplanation:
    """What the learner typed for a card before, and the grade they gave it."""

    explanation: str
    grade: int
    reviewed_on: date


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which cards a session may draw from: any of the decks, and any of the tags (none: all)."""

    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewCardPlan:
    """What decides today's new cards, kept to top the session up when a new card is buried."""

    daily_new: int
    selection: SessionFilter
    limit: int | None


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """A grade as it was logged: its row id and UUID in the review log, and the log entry itself."""

    review_id: int
    log: ReviewLog
    fsrs: FsrsState | None = None  # the card's FSRS state after the grade, when FSRS is in force
    uuid: str = ""  # what an undo names: a sync in another process may renumber rows, never UUIDs

    @property
    def kind(self) -> ReviewKind:
        return self.log.kind

    @property
    def before(self) -> Schedule:
        return self.log.before

    @property
    def after(self) -> Schedule:
        return self.log.after


@dataclass(frozen=True, slots=True)
class Remaining:
    """How many cards of each kind are still in the queue."""

    due: int
    new: int
    redrill: int

    @property
    def total(self) -> int:
        return self.due + self.new + self.redrill


@dataclass(frozen=True, slots=True)
class Tally:
    """What the session has done so far, for the closing summary."""

    graded: int = 0
    passed: int = 0
    redrills: int = 0
    milliseconds: int = 0
    cards: frozenset[int] = field(default_factory=frozenset)

    def add(self, pk: int, grade: Grade, kind: ReviewKind, milliseconds: int) -> Tally:
        return Tally(
            graded=self.graded + 1,
            passed=self.passed + (grade >= Grade.DIFFICULT),
            redrills=self.redrills + (kind == "redrill"),
            milliseconds=self.milliseconds + max(0, milliseconds),
            cards=self.cards | {pk},
        )

    @property
    def pass_share(self) -> float | None:
        return self.passed / self.graded if self.graded else None


def new_card_allowance(daily_limit: int, introduced_today: int) -> int:
    """How many new cards may still be introduced today, across the collection."""
    return max(0, daily_limit - introduced_today)


def may_introduce(daily_limit: int, introduced_today: int) -> bool:
    """Whether one more new card may be graded for the first time today."""
    return new_card_allowance(daily_limit, introduced_today) > 0


class NewCardLimitReached(QuizError):
    """A new card's first grade found the day's allowance already spent (by another session)."""

    def __init__(self, daily_limit: int) -> None:
        cards = "1 new card" if daily_limit == 1 else f"{daily_limit} new cards"
        super().__init__(f"today's limit of {cards} was reached by another session.")
        self.daily_limit = daily_limit


def new_cards_owed(session: Session, buried: QueueEntry, plan: NewCardPlan, introduced_today: int) -> int:
    """How many more new cards may join after a bury: a buried new card was not introduced, so its
    place in today's allowance goes to the next one (never under a --limit, which caps the session)."""
    if buried.reason != "new" or plan.limit is not None:
        return 0
    return max(0, new_card_allowance(plan.daily_new, introduced_today) - session.remaining().new)


def grade_effect(schedule: Schedule, grade: Grade | int, reviewed_on: date) -> ReviewLog:
    """A card's first grade of the day moves its schedule; later ones are re-drills."""
    valid = parse_grade(grade)
    if schedule.last_reviewed_on == reviewed_on:
        return ReviewLog(valid, reviewed_on, "redrill", schedule, schedule)
    return review(schedule, valid, reviewed_on)[1]


def grading(grade: Grade | int, reviewed_on: date) -> Callable[[Schedule], ReviewLog]:
    """``grade_effect`` of this grade, as a function of the schedule the store finds when it writes."""
    valid = parse_grade(grade)
    return lambda before: grade_effect(before, valid, reviewed_on)


# Other cards asked before a re-drill: enough that the answer is not still on the screen, few
# enough that the failed card is drilled while its answer is fresh (a learning step, not a day).
REDRILL_GAP = 3


def redrill_position(others_left: int, gap: int = REDRILL_GAP) -> int:
    """How many of the cards left go before a card graded below 4: ``gap``, or all when fewer remain.

    0 means no other card is left, so the card comes straight back.
    """
    return min(max(0, gap), max(0, others_left))


def build_queue(
    due: Iterable[int],
    new: Iterable[int],
    redrill: Iterable[int],
    limit: int | None = None,
) -> list[QueueEntry]:
    """Due cards first, then new ones, then owed re-drills; each card once; capped."""
    return [QueueEntry(pk, reason) for pk, reason in _queue_pairs(due, new, redrill, limit)]


# An entry of the queue as the session keeps it: (pk, reason). A learner back after months may
# have tens of thousands of cards due, and a tuple costs a tenth of a QueueEntry to make.
_Pair = tuple[int, Reason]


def _queue_pairs(
    due: Iterable[int], new: Iterable[int], redrill: Iterable[int], limit: int | None
) -> list[_Pair]:
    pairs: list[_Pair] = []
    seen: set[int] = set()
    groups: tuple[tuple[Reason, Iterable[int]], ...] = (("due", due), ("new", new), ("redrill", redrill))
    for reason, pks in groups:
        unique = dict.fromkeys(pks)  # each card once, in order
        fresh = [pk for pk in unique if pk not in seen] if seen else list(unique)
        seen.update(fresh)
        pairs.extend(zip(fresh, repeat(reason)))
    return pairs if limit is None else pairs[: max(0, limit)]


@dataclass(frozen=True, slots=True)
class _Step:
    """One grade (or suspension: no review), as undo needs it: the card taken from the front, its re-drill."""

    entry: _Pair
    redrill: _Pair | None
    tally: Tally
    review: int | str | None


class Session:
    """Today's queue as the learner works through it: grade, re-drill, bury, undo.

    A learner back after months may have tens of thousands of cards due: each
    step costs the same however long the queue is (the counts are kept, and
    undo reverses the last step instead of keeping a copy of the queue per
    grade), and ``from_ids`` builds the queue without an object per card.
    """

    def __init__(self, entries: Iterable[QueueEntry]) -> None:
        self._start([(entry.pk, entry.reason) for entry in entries])

    @classmethod
    def from_ids(
        cls, due: Iterable[int], new: Iterable[int], redrill: Iterable[int], limit: int | None = None
    ) -> Session:
        """The session of ``build_queue(due, new, redrill, limit)``."""
        session = cls.__new__(cls)
        session._start(_queue_pairs(due, new, redrill, limit))
        return session

    def _start(self, pairs: list[_Pair]) -> None:
        self._queue: deque[_Pair] = deque(pairs)
        self._steps: list[_Step] = []
        self._buried: set[int] = set()
        self._counts: dict[str, int] = {}
        self._recount()
        self.tally = Tally()
        self.position = 0

    @property
    def current(self) -> QueueEntry | None:
        return QueueEntry(*self._queue[0]) if self._queue else None

    @property
    def done(self) -> bool:
        return not self._queue

    def remaining(self) -> Remaining:
        counts = self._counts
        return Remaining(due=counts["due"], new=counts["new"], redrill=counts["redrill"])

    def record(
        self, grade: Grade | int, kind: ReviewKind, review_id: int | str, milliseconds: int
    ) -> int | None:
        """The current card was graded (and logged as review_id: its UUID, or its row id); move on.

        Returns None, or for a grade below 4 how many cards come before its re-drill
        (``redrill_position``: 0 when it was the last card, which then comes straight back).
        """
        valid = parse_grade(grade)
        pk, reason = entry = self._require_current()
        self._queue.popleft()
        self._counts[reason] -= 1
        redrill: _Pair | None = (pk, "redrill") if needs_redrill(valid) else None
        ahead: int | None = None
        if redrill is not None:
            ahead = redrill_position(len(self._queue))
            self._queue.insert(ahead, redrill)  # near the front: costs the same however long the queue
            self._counts["redrill"] += 1
        self._steps.append(_Step(entry, redrill, self.tally, review_id))
        self.tally = self.tally.add(pk, valid, kind, milliseconds)
        self.position += 1
        return ahead

    def undo(self) -> int | str | None:
        """Put the last graded (or suspended) card back in front; return the review to delete (or None)."""
        if not self._steps:
            return None
        step = self._steps.pop()
        # Only buries and top-ups can have changed the queue since that grade (a later grade is
        # undone first), so its re-drill, unless buried with its card, is still a few cards in.
        if step.redrill is not None and step.entry[0] not in self._buried:
            with suppress(ValueError):
                self._queue.remove(step.redrill)
        # A card buried after its grade comes back with the undo: its grade is to be given again.
        self._buried.discard(step.entry[0])
        self._queue.appendleft(step.entry)
        self._recount()
        self.tally = step.tally
        self.position -= 1
        return step.review

    def bury(self, *, suspend: bool = False) -> QueueEntry:
        """Take the current card out of today's session altogether; suspended, as a step undo takes back."""
        pk, reason = entry = self._require_current()
        self._buried.add(pk)
        self._queue = deque(pair for pair in self._queue if pair[0] != pk)
        self._recount()
        if suspend:  # counted as dealt with, like a grade, with no review to delete
            self._steps.append(_Step(entry, None, self.tally, None))
            self.position += 1
        return QueueEntry(pk, reason)

    def withdraw_new(self) -> int:
        """Take every new card out of the session (the day's allowance is spent); return how many.

        Unlike ``bury`` this leaves them unmarked: they are simply new again another day.
        """
        withdrawn = self._counts["new"]
        if withdrawn:
            self._queue = deque(pair for pair in self._queue if pair[1] != "new")
            self._recount()
        return withdrawn

    def holds(self, pk: int) -> bool:
        """Whether the card is still waiting in the queue (or was buried today)."""
        return pk in self._buried or any(pair[0] == pk for pair in self._queue)

    def top_up(self, waiting: Iterable[int], count: int) -> None:
        """The first ``count`` waiting new cards not yet in the session, placed as ``add_new`` does."""
        self.add_new([pk for pk in waiting if not self.holds(pk)][: max(0, count)])

    def add_new(self, pks: Iterable[int]) -> None:
        """More new cards, placed after the due and new ones; re-drills keep their places among them."""
        added: list[_Pair] = [(pk, "new") for pk in pks if not self.holds(pk)]
        if not added:
            return
        queue = list(self._queue)
        after = next((len(queue) - i for i, pair in enumerate(reversed(queue)) if pair[1] != "redrill"), 0)
        self._queue = deque([*queue[:after], *added, *queue[after:]])
        self._recount()

    def _recount(self) -> None:
        self._counts = {"due": 0, "new": 0, "redrill": 0, **Counter(map(itemgetter(1), self._queue))}

    def _require_current(self) -> _Pair:
        if not self._queue:
            raise LookupError("the session has no card left")
        return self._queue[0]
