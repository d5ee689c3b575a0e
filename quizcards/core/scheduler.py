"""SM-2 arithmetic: grades, a card's schedule, and the one verb that moves it, review() -> (schedule, log).

This is Piotr Wozniak's original SM-2, steps 1-7, as described in P. A. Wozniak,
*Optimization of learning*, Master's thesis, University of Technology in
Poznan, 1990, and republished as "Algorithm SM-2" at
https://super-memory.com/english/ol/sm2.htm (also on supermemo.com). The module
is pure: standard library only, no I/O, no clock. The caller passes the date.

The paper's symbols, mapped once:

=========  ==============================================================
paper      here
=========  ==============================================================
q          ``grade`` (a :class:`Grade`, 0-5)
n          ``repetitions``: successful reviews in a row since the last
           failure (0 for a new or just-failed card)
I(n)       ``interval_days``: the inter-repetition interval after the n-th
           repetition, in whole days
EF         ``easiness`` (the E-Factor), stored as ``easiness_hundredths``
EF'        the easiness after this review's update
=========  ==============================================================

Readings of the paper, each a choice where its text allows more than one:

1. Grades (step 4). 0 complete blackout; 1 wrong, but the answer felt
   familiar; 2 wrong, but the answer seemed easy once seen; 3 right, with
   serious difficulty; 4 right, after hesitation; 5 perfect. Anything but an
   integer from 0 to 5 is refused with :class:`InvalidGradeError`; ``True`` and
   ``2.0`` are refused too, because a boolean or a float reaching here means a
   bug upstream, not a grade.
2. A new card (step 2) has ``repetitions`` 0, ``interval_days`` 0 and EF 2.5.
3. Intervals (step 3): I(1) = 1, I(2) = 6, and for n > 2 I(n) = I(n-1) x EF.
   "If interval is a fraction, round it up to the nearest integer": the
   product is rounded UP (ceiling), never to nearest. The EF in the product is
   the one from BEFORE this review's update (steps 3 and 5 do not say which;
   we compute the interval from the card's state as the review found it, then
   apply step 5, the order of the widely used SM-2 pseudocode).
4. Failure (step 6): a grade below 3 sets ``repetitions`` to 0 and the interval
   to I(1) = 1 day.
5. EF update (step 5): EF' = EF + (0.1 - (5-q) x (0.08 + (5-q) x 0.02)), floored
   at 1.3, with no upper bound. It is applied after EVERY review, failures
   included: step 5 says "after each repetition", and step 6's "without
   changing the E-Factor" is read as "do not reset it to 2.5", not "skip
   step 5". So a failure lowers EF by 0.32-0.80.
6. Lateness is ignored (SM-2 has no notion of it): the next due date is the
   actual review date plus the new interval, however late the review was.
7. Step 7 (re-drill the same day every card graded below 4 until it scores 4)
   belongs to the session, which owns the day's queue; re-drills never call
   :func:`review`. The rule itself lives here as :func:`needs_redrill`, and a
   re-drill's :class:`ReviewLog` says ``kind="redrill"`` with ``after == before``.

Like py-fsrs's ``review_card(card, rating, when) -> (card, log)``, :func:`review`
returns the new schedule and a :class:`ReviewLog` of what it did; the store
writes that log as it is. :func:`replay` folds the log back into a schedule.

Exact arithmetic: every EF step is a multiple of 0.02, so EF is kept as an
integer number of hundredths (250 = 2.5) and the interval product is
``ceil(interval_days * easiness_hundredths / 100)`` in integers. Floats go
wrong exactly where a ceiling is taken: grades 5, 5, 5, 4, 4 leave a card at
135 days with EF 2.8, and the next success must give 135 x 2.8 = 378 days, but
a float EF built as 2.5 + 0.1 + 0.1 + 0.1 is 2.8000000000000003, whose
product's ceiling is 379.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, Literal

from quizcards.core.errors import InvalidGradeError

if TYPE_CHECKING:
    from fractions import Fraction

__all__ = [
    "CARD_STATES",
    "MATURE_INTERVAL_DAYS",
    "MIN_EASINESS_HUNDREDTHS",
    "NEW",
    "PRACTICE_KINDS",
    "REVIEW_KINDS",
    "CardState",
    "Grade",
    "PracticeKind",
    "ReviewKind",
    "ReviewLog",
    "Schedule",
    "card_state",
    "easiness_number",
    "needs_redrill",
    "parse_grade",
    "practice",
    "replay",
    "review",
]

MIN_EASINESS_HUNDREDTHS = 130
INITIAL_EASINESS_HUNDREDTHS = 250
FIRST_INTERVAL_DAYS = 1
SECOND_INTERVAL_DAYS = 6


class Grade(IntEnum):
    """The quality of a response, q in the paper, on its 0-5 scale."""

    BLACKOUT = 0
    FAMILIAR = 1
    EASY_ONCE_SEEN = 2
    DIFFICULT = 3
    HESITANT = 4
    PERFECT = 5

    @property
    def label(self) -> str:
        """The grade's meaning, short enough for a legend."""
        return _LABELS[self]


_LABELS: dict[Grade, str] = {
    Grade.BLACKOUT: "complete blackout",
    Grade.FAMILIAR: "wrong, but familiar",
    Grade.EASY_ONCE_SEEN: "wrong, but easy once seen",
    Grade.DIFFICULT: "right, with serious difficulty",
    Grade.HESITANT: "right, after hesitation",
    Grade.PERFECT: "perfect",
}


def easiness_number(hundredths: int) -> float:
    """EF as a plain number for machine-readable output: hundredths / 100 prints exactly as written."""
    return hundredths / 100


def parse_grade(value: object) -> Grade:
    """The Grade for a whole number from 0 to 5; anything else is an InvalidGradeError."""
    # bool is a subclass of int, so it must be refused by name.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 5:
        return Grade(value)
    raise InvalidGradeError(f"A grade must be a whole number from 0 to 5, not {value!r}.")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where a card stands in SM-2, plus the counts the statistics need."""

    repetitions: int = 0
    interval_days: int = 0
    easiness_hundredths: int = INITIAL_EASINESS_HUNDREDTHS
    due_on: date | None = None
    lapses: int = 0
    reviews: int = 0
    last_reviewed_on: date | None = None

    @property
    def is_new(self) -> bool:
        """True until the card's first scheduled review."""
        return self.reviews == 0

    @property
    def easiness_number(self) -> float:
        """EF as the plain number every JSON and CSV output carries (250 hundredths -> 2.5)."""
        return easiness_number(self.easiness_hundredths)

    @property
    def easiness(self) -> Fraction:
        """EF, exactly."""
        from fractions import Fraction  # with decimal, which it loads, a cost on every start-up

        return Fraction(self.easiness_hundredths, 100)


# Not SM-2's: the usual convention (Anki's) for a card whose interval has grown past learning.
MATURE_INTERVAL_DAYS = 21

CardState = Literal["new", "learning", "mature", "retired"]
# The one list of card states, in the order every listing and figure shows them.
CARD_STATES: tuple[CardState, ...] = ("new", "learning", "mature", "retired")


def card_state(schedule: Schedule, *, retired: bool) -> CardState:
    """new (never reviewed), learning (interval under 21 days), mature (21 or more), or retired."""
    if retired:
        return "retired"
    if schedule.is_new:
        return "new"
    return "mature" if schedule.interval_days >= MATURE_INTERVAL_DAYS else "learning"


NEW = Schedule()


def needs_redrill(grade: Grade | int) -> bool:
    """Whether SM-2's step 7 asks for this card again today (a grade below 4)."""
    return parse_grade(grade) < Grade.HESITANT


# A scheduled review moves the schedule; a re-drill (SM-2 step 7, the same day) is logged only, and
# so are the practice kinds: answers given while cramming (`quiz cram`) or in a mock interview
# (`quiz mock`), which study outside the schedule and must never move it.
ReviewKind = Literal["scheduled", "redrill", "cram", "mock"]
REVIEW_KINDS: tuple[ReviewKind, ...] = ("scheduled", "redrill", "cram", "mock")
PracticeKind = Literal["cram", "mock"]
PRACTICE_KINDS: tuple[PracticeKind, ...] = ("cram", "mock")


@dataclass(frozen=True, slots=True)
class ReviewLog:
    """One grade as the review log keeps it: when, which kind, and the schedule before and after."""

    grade: Grade
    reviewed_on: date
    kind: ReviewKind
    before: Schedule
    after: Schedule


def practice(schedule: Schedule, grade: Grade | int, reviewed_on: date, kind: PracticeKind) -> ReviewLog:
    """The log entry of an answer given outside the schedule (cram, mock interview): it moves nothing.

    ``after == before``, as for a re-drill: replaying the log skips it, so a card that comes up
    due later is scheduled exactly as if the practice had not happened.
    """
    if kind not in PRACTICE_KINDS:
        raise ValueError(f"{kind!r} is not a practice kind")
    return ReviewLog(parse_grade(grade), reviewed_on, kind, schedule, schedule)


def review(schedule: Schedule, grade: Grade | int, reviewed_on: date) -> tuple[Schedule, ReviewLog]:
    """The schedule after one scheduled review graded `grade` on `reviewed_on`, and its log entry."""
    quality = parse_grade(grade)
    after = _reviewed(schedule, quality, reviewed_on)
    return after, ReviewLog(quality, reviewed_on, "scheduled", schedule, after)


def _reviewed(schedule: Schedule, quality: Grade, reviewed_on: date) -> Schedule:
    if quality >= Grade.DIFFICULT:
        repetitions = schedule.repetitions + 1
        interval_days = _next_interval_days(schedule)
        lapses = schedule.lapses
    else:
        repetitions = 0
        interval_days = FIRST_INTERVAL_DAYS
        # A card that was never recalled has nothing to lapse from.
        lapses = schedule.lapses + (schedule.repetitions > 0)
    return replace(
        schedule,
        repetitions=repetitions,
        interval_days=interval_days,
        easiness_hundredths=_updated_easiness_hundredths(schedule.easiness_hundredths, quality),
        due_on=_due_on(reviewed_on, interval_days),
        lapses=lapses,
        reviews=schedule.reviews + 1,
        last_reviewed_on=reviewed_on,
    )


def replay(reviews: Iterable[tuple[int, date]], start: Schedule = NEW) -> Schedule:
    """The schedule reached by applying review() to each (grade, date) in order."""
    schedule = start
    for grade, reviewed_on in reviews:
        schedule = _reviewed(schedule, parse_grade(grade), reviewed_on)
    return schedule


def _due_on(reviewed_on: date, interval_days: int) -> date:
    # Fifteen perfect reviews in a row give intervals of millions of days; the
    # interval stays exact, and the calendar simply ends at the last date it has.
    if interval_days >= (date.max - reviewed_on).days:
        return date.max
    return reviewed_on + timedelta(days=interval_days)


def _next_interval_days(schedule: Schedule) -> int:
    if schedule.repetitions == 0:
        return FIRST_INTERVAL_DAYS
    if schedule.repetitions == 1:
        return SECOND_INTERVAL_DAYS
    # Ceiling division in integers, so no float error can push the product past a whole day.
    return -(-(schedule.interval_days * schedule.easiness_hundredths) // 100)


def _updated_easiness_hundredths(easiness_hundredths: int, quality: Grade) -> int:
    # EF' = EF + (0.1 - (5-q)(0.08 + (5-q)0.02)), with every term scaled by 100.
    miss = Grade.PERFECT - quality
    change = 10 - miss * (8 + miss * 2)
    return max(MIN_EASINESS_HUNDREDTHS, easiness_hundredths + change)
