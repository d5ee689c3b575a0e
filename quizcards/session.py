"""Which cards today, in what order, re-drills and undo: plain Python, no I/O.

The queue holds due cards first (most overdue first), then new cards in deck
order, then cards still owed a same-day re-drill. SM-2's step 7 is applied
here: a card graded below 4 goes to the back of the queue and comes back until
it is graded 4 or 5. Re-drills are logged by the caller but change nothing in
the card's schedule; that rule is ``grade_effect``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from quizcards.scheduler import Grade, Schedule, needs_redrill, parse_grade, review

ReviewKind = Literal["scheduled", "redrill"]
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
    points: tuple[str, ...]
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
    """Which cards a session may draw from."""

    deck: str | None = None
    tag: str | None = None


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


def grade_effect(schedule: Schedule, grade: Grade | int, reviewed_on: date) -> tuple[ReviewKind, Schedule]:
    """A card's first grade of the day moves its schedule; later ones are re-drills."""
    valid = parse_grade(grade)
    if schedule.last_reviewed_on == reviewed_on:
        return "redrill", schedule
    return "scheduled", review(schedule, valid, reviewed_on)


def build_queue(
    due: Iterable[int],
    new: Iterable[int],
    redrill: Iterable[int],
    limit: int | None = None,
) -> list[QueueEntry]:
    """Due cards first, then new ones, then owed re-drills; each card once; capped."""
    entries: list[QueueEntry] = []
    seen: set[int] = set()
    for reason, pks in (("due", due), ("new", new), ("redrill", redrill)):
        for pk in pks:
            if pk not in seen:
                seen.add(pk)
                entries.append(QueueEntry(pk, reason))  # type: ignore[arg-type]
    return entries if limit is None else entries[: max(0, limit)]


@dataclass(frozen=True, slots=True)
class _Step:
    queue: tuple[QueueEntry, ...]
    tally: Tally
    review_id: int


class Session:
    """Today's queue as the learner works through it: grade, re-drill, bury, undo."""

    def __init__(self, entries: Iterable[QueueEntry]) -> None:
        self._queue: list[QueueEntry] = list(entries)
        self._steps: list[_Step] = []
        self._buried: set[int] = set()
        self.tally = Tally()
        self.position = 0

    @property
    def current(self) -> QueueEntry | None:
        return self._queue[0] if self._queue else None

    @property
    def done(self) -> bool:
        return not self._queue

    def remaining(self) -> Remaining:
        return Remaining(
            due=sum(e.reason == "due" for e in self._queue),
            new=sum(e.reason == "new" for e in self._queue),
            redrill=sum(e.reason == "redrill" for e in self._queue),
        )

    def record(self, grade: Grade | int, kind: ReviewKind, review_id: int, milliseconds: int) -> None:
        """The current card was graded (and logged as review_id); move on."""
        valid = parse_grade(grade)
        entry = self._require_current()
        self._steps.append(_Step(tuple(self._queue), self.tally, review_id))
        self._queue.pop(0)
        self.tally = self.tally.add(entry.pk, valid, kind, milliseconds)
        self.position += 1
        if needs_redrill(valid):
            self._queue.append(QueueEntry(entry.pk, "redrill"))

    def undo(self) -> int | None:
        """Put the last graded card back in front; return the review to delete."""
        if not self._steps:
            return None
        step = self._steps.pop()
        self._queue = [e for e in step.queue if e.pk not in self._buried]
        self.tally = step.tally
        self.position -= 1
        return step.review_id

    def bury(self) -> QueueEntry:
        """Take the current card out of today's session altogether."""
        entry = self._require_current()
        self._buried.add(entry.pk)
        self._queue = [e for e in self._queue if e.pk != entry.pk]
        return entry

    def _require_current(self) -> QueueEntry:
        if not self._queue:
            raise LookupError("the session has no card left")
        return self._queue[0]



def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_WORD = re.compile(r"\w+")


def _same_word(point_word: str, typed_word: str) -> bool:
    """One word matches another, or is another form of it (saturate / saturation / saturating)."""
    if point_word == typed_word:
        return True
    shorter = min(len(point_word), len(typed_word))
    if shorter < 5:
        return False
    common = len(os.path.commonprefix([point_word, typed_word]))
    return common >= 5 and common >= shorter - 3


def _mentions(point: str, typed: str, typed_words: list[str]) -> bool:
    if point in typed:
        return True
    words = _WORD.findall(point)
    return bool(words) and all(any(_same_word(w, t) for t in typed_words) for w in words)


def covered_points(points: Iterable[str], explanation: str) -> list[tuple[str, bool]]:
    """Each key point, and whether the typed explanation mentions it.

    A point counts when it appears in the explanation ignoring case and spacing
    (in any script: Korean particles after a word do not hide it), or when each
    of its words appears in some form (``saturation`` covers ``saturates``).
    """
    typed = _normalised(explanation)
    typed_words = _WORD.findall(typed)
    return [(point, bool(typed) and _mentions(_normalised(point), typed, typed_words)) for point in points]
