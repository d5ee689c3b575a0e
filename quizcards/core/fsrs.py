"""FSRS from a card's log: memory state, recall probability and the next review.

A pure layer over py-fsrs (``fsrs``, FSRS-6, in the optional ``fsrs`` extra), imported inside the
functions, so nothing here costs ``quiz --help`` or an SM-2 review anything; without the extra the
functions raise :class:`FsrsUnavailableError`. Fitting parameters is ``core.fsrs_fitting``'s job.
:func:`retrievability` is plain arithmetic on a stored state and needs no library, so stats can show
it on any machine.

FSRS's symbols, mapped once:

=========  ==============================================================
FSRS       here
=========  ==============================================================
S          ``stability``: days until recall falls to 90%
D          ``difficulty``: 1 (easiest) to 10
R          :func:`recall_probability`: (1 + F·t/S)^-w20, t whole days
w0-w20     ``parameters``: 21 floats (:data:`DEFAULT_PARAMETERS`)
G          the rating, from the 0-5 grade by :func:`fsrs_rating`
=========  ==============================================================

Grades map to FSRS's four ratings (the 0-5 grade stays in the log, so a new mapping is a replay):

=======  ==========  =========
grade    rating      recalled?
=======  ==========  =========
0, 1, 2  Again (1)   no
3        Hard (2)    yes
4        Good (3)    yes
5        Easy (4)    yes
=======  ==========  =========

A history is a card's (day, grade) rows in log order: scheduled reviews and same-day re-drills, never
cram or mock answers (the caller filters). Each row is replayed at 00:00 UTC of its day, so all of a
day's rows carry the identical moment and FSRS treats them as same-day reviews; a row dated before the
previous one is taken as on the previous day. Learning steps and fuzzing are off, so every decision is
in whole days and nothing reads the clock or the global random generator.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from quizcards.core.errors import (
    FsrsReplayError,
    FsrsUnavailableError,
    InvalidFsrsParametersError,
    InvalidRetentionError,
)
from quizcards.core.scheduler import parse_grade

if TYPE_CHECKING:
    import fsrs as py_fsrs

K = TypeVar("K")
Parameters = tuple[float, ...]
History = Sequence[tuple[date, int]]

# py-fsrs 6.3's FSRS-6 defaults (tests/test_fsrs.py checks they still match the library).
DEFAULT_PARAMETERS: Parameters = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
# py-fsrs 6.3's bounds on each parameter (its Scheduler refuses anything outside; a test checks they
# still match the library), kept here so that stored parameters are checked without importing it.
LOWER_BOUNDS: Parameters = (
    0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001,
    0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1,
)  # fmt: skip
UPPER_BOUNDS: Parameters = (
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5,
    5.0, 0.25, 0.9, 4.0, 1.0, 6.0, 2.0, 2.0, 0.8, 0.8,
)  # fmt: skip
DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.70
MAX_RETENTION = 0.99
MAXIMUM_INTERVAL_DAYS = 36500
INSTALL_HINT = "pip install 'quizcards[fsrs]'"


@dataclass(frozen=True, slots=True)
class MemoryState:
    """Where a reviewed card stands in FSRS after its last review."""

    stability: float
    difficulty: float
    last_reviewed_on: date


@dataclass(frozen=True, slots=True)
class FsrsState:
    """A reviewed card's FSRS state and the day FSRS schedules it next (what ``fsrs_states`` stores)."""

    stability: float
    difficulty: float
    last_reviewed_on: date
    due_on: date


def fsrs_rating(grade: int) -> int:
    """FSRS's rating (1 Again, 2 Hard, 3 Good, 4 Easy) for a 0-5 grade: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    quality = parse_grade(grade)
    return 1 if quality <= 2 else int(quality) - 1


def check_retention(value: object) -> float:
    """The desired retention as a float; anything but a number from 0.70 to 0.99 is refused."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and MIN_RETENTION <= value <= MAX_RETENTION
    ):
        return float(value)
    raise InvalidRetentionError(
        f"The desired retention must be a number from {MIN_RETENTION:.2f} to {MAX_RETENTION:.2f}, "
        f"not {value!r}."
    )


def memory_state(history: History, parameters: Parameters = DEFAULT_PARAMETERS) -> MemoryState | None:
    """Stability, difficulty and last review day after replaying ``history``; None if it is empty."""
    card = _replay(py_scheduler(parameters, DEFAULT_RETENTION), history)
    if card is None:
        return None
    return state_of(card)


def recall_probability(history: History, parameters: Parameters, on: date) -> float:
    """FSRS's probability that the card is recalled on day ``on`` (R counts whole days since the last review).

    A card never reviewed has no prediction (ValueError), nor has a day before its last review.
    """
    scheduler = py_scheduler(parameters, DEFAULT_RETENTION)
    card = _replay(scheduler, history)
    if card is None:
        raise ValueError("A card that was never reviewed has no recall probability.")
    if on < state_of(card).last_reviewed_on:
        raise ValueError(f"{on} is before the card's last review.")
    return float(scheduler.get_card_retrievability(card, midnight(on)))


def next_review(
    history: History, parameters: Parameters, desired_retention: float = DEFAULT_RETENTION
) -> date:
    """The day FSRS schedules the card's next review: the last review day plus the interval at which R falls
    to ``desired_retention``, rounded to whole days, at least 1, no fuzz. ValueError for an empty history."""
    card = _replay(py_scheduler(parameters, check_retention(desired_retention)), history)
    if card is None:
        raise ValueError("A card that was never reviewed has no next review.")
    return card.due.date()


def replayed_rows(rows: Iterable[tuple[date, int, str]]) -> list[tuple[date, int]]:
    """The (day, grade) rows FSRS replays from a card's (day, grade, kind) log rows, in log order.

    Scheduled reviews, and the same-day re-drills that follow one: a re-drill is a repeat of that
    day's review, so one left without it (its review undone) is not replayed, as SM-2 ignores it.
    Cram and mock answers are never replayed.
    """
    history: list[tuple[date, int]] = []
    reviewed_on: date | None = None
    for day, grade, kind in rows:
        if kind == "scheduled":
            reviewed_on = day
            history.append((day, grade))
        elif kind == "redrill" and day == reviewed_on:
            history.append((day, grade))
    return history


def card_state(
    history: History, parameters: Parameters, desired_retention: float = DEFAULT_RETENTION
) -> FsrsState | None:
    """The card's state and next review day after replaying ``history`` (one replay); None if it is empty."""
    for _key, state in card_states([(0, history)], parameters, desired_retention):
        return state
    return None


def card_states(
    histories: Iterable[tuple[K, History]],
    parameters: Parameters,
    desired_retention: float = DEFAULT_RETENTION,
) -> Iterator[tuple[K, FsrsState]]:
    """``card_state`` of many cards, keyed as given (empty histories are skipped), with one scheduler.

    What does not change between rows is made once: the scheduler, the ratings, each day's moment. A
    rebuild of a large collection spends most of its time here (py-fsrs's ``review_card`` most of it).
    """
    fsrs = _fsrs()
    scheduler = py_scheduler(parameters, check_retention(desired_retention))
    ratings = [fsrs.Rating(fsrs_rating(grade)) for grade in range(6)]
    moments: dict[date, datetime] = {}
    review = scheduler.review_card
    for key, history in histories:
        card = None
        last: date | None = None
        for logged_on, grade in history:
            # a row dated before the one above it counts on that day (the log's order is the truth)
            day = logged_on if last is None or logged_on >= last else last
            moment = moments.get(day)
            if moment is None:
                moment = moments[day] = midnight(day)
            if card is None:
                card = fsrs.Card(card_id=0, due=moment)
            try:
                card = review(card, ratings[parse_grade(grade)], moment)[0]
            except OverflowError:  # the next due day would be past 9999-12-31
                raise FsrsReplayError(
                    f"a review dated {day.isoformat()} leaves FSRS no day to schedule the next one", key
                ) from None
            last = day
        if card is not None:
            state = state_of(card)
            yield key, FsrsState(state.stability, state.difficulty, state.last_reviewed_on, card.due.date())


def retrievability(stability: float, elapsed_days: int, parameters: Parameters) -> float:
    """R = (1 + F·t/S)^-w20 with F = 0.9^(-1/w20) - 1: FSRS-6's forgetting curve, no library needed.

    ``elapsed_days`` counts whole days since the last review (a negative count is taken as 0), as
    py-fsrs's ``get_card_retrievability`` does; R is 0.9 when t equals the stability.
    """
    if not stability > 0:
        raise ValueError(f"A stability must be above 0, not {stability!r}.")
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * max(0, elapsed_days) / stability) ** decay)


def require_fsrs() -> None:
    """Raise FsrsUnavailableError, with the install command, unless py-fsrs is installed.

    It looks for the package without importing it (about 15 ms), so a review can check before its
    first question and pay for the import at its first grade.
    """
    from importlib.util import find_spec

    if find_spec("fsrs") is None:
        raise FsrsUnavailableError(missing_extra("FSRS"))


def _fsrs() -> Any:
    try:
        import fsrs
    except ImportError:
        raise FsrsUnavailableError(missing_extra("FSRS")) from None
    return fsrs


def missing_extra(what: str) -> str:
    return f"{what} needs the optional fsrs extra, which is not installed: {INSTALL_HINT}."


def bounds() -> tuple[Parameters, Parameters]:
    """py-fsrs's lower and upper bound of each parameter."""
    return LOWER_BOUNDS, UPPER_BOUNDS


def check_parameters(parameters: Sequence[object]) -> Parameters:
    """The parameters as floats, if there are 21 numbers, each within py-fsrs's bounds; else
    InvalidFsrsParametersError (needs no library: stored parameters are untrusted input)."""
    if len(parameters) != len(LOWER_BOUNDS):
        raise InvalidFsrsParametersError(f"FSRS needs {len(LOWER_BOUNDS)} parameters, not {len(parameters)}.")
    checked = []
    for index, (value, lo, hi) in enumerate(zip(parameters, LOWER_BOUNDS, UPPER_BOUNDS, strict=True)):
        # an int too large for a float (10**400) is out of bounds, not an OverflowError
        number = float(value) if type(value) is float or (type(value) is int and abs(value) <= hi) else None
        if number is None or not lo <= number <= hi:
            shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:37]}..."
            raise InvalidFsrsParametersError(
                f"FSRS parameter w{index} must be a number from {lo} to {hi}, not {shown}."
            )
        checked.append(number)
    return tuple(checked)


def py_scheduler(parameters: Parameters, desired_retention: float) -> py_fsrs.Scheduler:
    parameters = check_parameters(parameters)
    scheduler: py_fsrs.Scheduler = _fsrs().Scheduler(
        parameters=tuple(float(v) for v in parameters),
        desired_retention=desired_retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=MAXIMUM_INTERVAL_DAYS,
        enable_fuzzing=False,  # fuzz reads the module-global random()
    )
    return scheduler


def _replay(scheduler: py_fsrs.Scheduler, history: History) -> py_fsrs.Card | None:
    card = None
    for day, grade in history:
        card = step(scheduler, card, day, grade)
    return card


def step(scheduler: py_fsrs.Scheduler, card: py_fsrs.Card | None, day: date, grade: int) -> py_fsrs.Card:
    fsrs = _fsrs()
    rating = fsrs.Rating(fsrs_rating(grade))
    if card is None:
        # card_id and due given, so Card() neither reads the clock nor sleeps
        card = fsrs.Card(card_id=0, due=midnight(day))
    else:
        day = max(day, state_of(card).last_reviewed_on)
    try:
        reviewed: py_fsrs.Card = scheduler.review_card(card, rating, midnight(day))[0]
    except OverflowError:  # the next due day would be past 9999-12-31
        raise FsrsReplayError(
            f"a review dated {day.isoformat()} leaves FSRS no day to schedule the next one"
        ) from None
    return reviewed


def state_of(card: py_fsrs.Card) -> MemoryState:
    # a card that has been through review_card always has all three
    assert card.stability is not None
    assert card.difficulty is not None
    assert card.last_review is not None
    return MemoryState(float(card.stability), float(card.difficulty), card.last_review.date())


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
