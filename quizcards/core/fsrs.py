"""FSRS from a card's log: memory state, recall probability, next review, and fitting parameters.

A pure layer over two optional libraries (the ``fsrs`` extra): py-fsrs (``fsrs``, FSRS-6) replays and
schedules, fsrs-rs-python fits. Both are imported inside the functions, so nothing here costs
``quiz review`` or ``quiz --help`` anything; without the extra the functions raise
:class:`FsrsUnavailableError`. FSRS is not yet a scheduler choice in the CLI: SM-2 schedules every card.

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

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from quizcards.core.errors import FsrsUnavailableError, InvalidFsrsParametersError, InvalidRetentionError
from quizcards.core.scheduler import parse_grade

if TYPE_CHECKING:
    import fsrs as py_fsrs

Parameters = tuple[float, ...]
History = Sequence[tuple[date, int]]

# py-fsrs 6.3's FSRS-6 defaults (tests/test_fsrs.py checks they still match the library).
DEFAULT_PARAMETERS: Parameters = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.70
MAX_RETENTION = 0.99
MAXIMUM_INTERVAL_DAYS = 36500
# Reviews made a day or more after the card's previous one, in the part fitted on. py-fsrs refuses
# below 512; fsrs-rs silently returns its defaults somewhere between 375 and 577.
MIN_FIT_REVIEWS = 600
HELD_OUT_SHARE = 5  # one card in five is held out of the fit and judges it
INSTALL_HINT = "pip install 'quizcards[fsrs]'"


@dataclass(frozen=True, slots=True)
class MemoryState:
    """Where a reviewed card stands in FSRS after its last review."""

    stability: float
    difficulty: float
    last_reviewed_on: date


@dataclass(frozen=True, slots=True)
class FitQuality:
    """How well parameters predict recall on reviews they were not fitted on."""

    log_loss: float
    rmse_bins: float
    reviews: int


@dataclass(frozen=True, slots=True)
class FitResult:
    """Parameters to use, and the held-out evidence for them; ``reason`` says why the defaults stayed."""

    parameters: Parameters
    fitted: bool
    reason: str | None
    fitted_cards: int
    fitted_reviews: int
    held_out_cards: int
    before: FitQuality | None  # the defaults on the held-out cards; None if they have no reviews to judge
    after: FitQuality | None  # the fitted parameters on the same reviews; None when nothing was fitted


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
    card = _replay(_scheduler(parameters, DEFAULT_RETENTION), history)
    if card is None:
        return None
    return _state_of(card)


def recall_probability(history: History, parameters: Parameters, on: date) -> float:
    """FSRS's probability that the card is recalled on day ``on`` (R counts whole days since the last review).

    A card never reviewed has no prediction (ValueError), nor has a day before its last review.
    """
    scheduler = _scheduler(parameters, DEFAULT_RETENTION)
    card = _replay(scheduler, history)
    if card is None:
        raise ValueError("A card that was never reviewed has no recall probability.")
    if on < _state_of(card).last_reviewed_on:
        raise ValueError(f"{on} is before the card's last review.")
    return float(scheduler.get_card_retrievability(card, _midnight(on)))


def next_review(
    history: History, parameters: Parameters, desired_retention: float = DEFAULT_RETENTION
) -> date:
    """The day FSRS schedules the card's next review: the last review day plus the interval at which R falls
    to ``desired_retention``, rounded to whole days, at least 1, no fuzz. ValueError for an empty history."""
    card = _replay(_scheduler(parameters, check_retention(desired_retention)), history)
    if card is None:
        raise ValueError("A card that was never reviewed has no next review.")
    return card.due.date()


def recall_predictions(
    histories: Sequence[History], parameters: Parameters = DEFAULT_PARAMETERS
) -> list[tuple[float, bool]]:
    """(predicted recall, recalled) for every review made a day or more after the card's previous one.

    These are the reviews fsrs-rs fits on; same-day re-drills move the state but are not predicted.
    """
    scheduler = _scheduler(parameters, DEFAULT_RETENTION)
    pairs: list[tuple[float, bool]] = []
    for history in histories:
        card = None
        for day, grade in history:
            if card is not None and day > _state_of(card).last_reviewed_on:
                recalled = parse_grade(grade) >= 3
                pairs.append((float(scheduler.get_card_retrievability(card, _midnight(day))), recalled))
            card = _step(scheduler, card, day, grade)
    return pairs


def log_loss(pairs: Sequence[tuple[float, bool]]) -> float:
    """Mean negative log-likelihood of the outcomes under the predictions (predictions kept off 0 and 1)."""
    if not pairs:
        raise ValueError("Log loss needs at least one prediction.")
    eps = 1e-6
    total = 0.0
    for p, recalled in pairs:
        q = min(1 - eps, max(eps, p))
        total -= math.log(q) if recalled else math.log(1 - q)
    return total / len(pairs)


def rmse_bins(pairs: Sequence[tuple[float, bool]], bins: int = 20) -> float:
    """RMSE between mean prediction and share recalled over ``bins`` equal-width bins, weighted by count."""
    if not pairs:
        raise ValueError("RMSE(bins) needs at least one prediction.")
    sums: dict[int, list[float]] = {}
    for p, recalled in pairs:
        acc = sums.setdefault(min(bins - 1, max(0, int(p * bins))), [0.0, 0.0, 0.0])
        acc[0] += p
        acc[1] += float(recalled)
        acc[2] += 1
    squares = sum(n * ((predicted - actual) / n) ** 2 for predicted, actual, n in sums.values())
    return math.sqrt(squares / len(pairs))


def fit_quality(histories: Sequence[History], parameters: Parameters) -> FitQuality | None:
    """Log loss and RMSE(bins) of ``parameters`` on ``histories``; None when no review can be predicted."""
    pairs = recall_predictions(histories, parameters)
    if not pairs:
        return None
    return FitQuality(log_loss(pairs), rmse_bins(pairs), len(pairs))


def long_term_reviews(histories: Sequence[History]) -> int:
    """Reviews made a day or more after the card's previous review (what fitting learns from)."""
    count = 0
    for history in histories:
        last: date | None = None
        for day, _grade in history:
            if last is not None and day > last:
                count += 1
            last = day if last is None else max(last, day)
    return count


def fit_parameters(
    histories: Sequence[History], rng: random.Random, *, minimum_reviews: int = MIN_FIT_REVIEWS
) -> FitResult:
    """Fit FSRS parameters to four fifths of the cards (chosen by ``rng``) and judge them on the rest.

    Below ``minimum_reviews`` long-term reviews in the part fitted on, or when the optimizer gives back
    its defaults (fsrs-rs does so silently on too little data), the defaults are returned with a reason.
    Fitted values are rounded to 6 decimals and clamped into py-fsrs's bounds (fsrs-rs computes in f32).
    """
    try:
        import fsrs_rs_python as fsrs_rs
    except ImportError:
        raise FsrsUnavailableError(_missing("Fitting FSRS parameters")) from None
    held = set(rng.sample(range(len(histories)), len(histories) // HELD_OUT_SHARE))
    fitted_on = [h for i, h in enumerate(histories) if i not in held]
    judged_on = [h for i, h in enumerate(histories) if i in held]
    reviews = long_term_reviews(fitted_on)
    before = fit_quality(judged_on, DEFAULT_PARAMETERS)

    def kept(reason: str) -> FitResult:
        return FitResult(
            DEFAULT_PARAMETERS, False, reason, len(fitted_on), reviews, len(judged_on), before, None
        )

    if reviews < minimum_reviews:
        return kept(
            f"Kept the default FSRS parameters: fitting needs at least {minimum_reviews:,} reviews made a "
            f"day or more after the card's previous one, and there are {reviews:,}."
        )
    items = [item for history in fitted_on for item in _items(fsrs_rs, history)]
    raw = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS).compute_parameters(items)
    if list(raw) == list(fsrs_rs.DEFAULT_PARAMETERS):
        return kept(
            f"Kept the default FSRS parameters: the optimizer could not fit {reviews:,} reviews "
            "(it returned its defaults)."
        )
    parameters = clamp_parameters(raw)
    after = fit_quality(judged_on, parameters)
    return FitResult(parameters, True, None, len(fitted_on), reviews, len(judged_on), before, after)


def clamp_parameters(values: Sequence[float]) -> Parameters:
    """``values`` rounded to 6 decimals and clamped into py-fsrs's bounds."""
    lower, upper = _bounds()
    if len(values) != len(lower):
        raise InvalidFsrsParametersError(f"FSRS needs {len(lower)} parameters, not {len(values)}.")
    return tuple(min(hi, max(lo, round(float(v), 6))) for v, lo, hi in zip(values, lower, upper, strict=True))


def _items(fsrs_rs: Any, history: History) -> list[Any]:
    """fsrs-rs's training items for one card: each prefix of its reviews that ends a day after the last."""
    reviews: list[Any] = []
    items: list[Any] = []
    last: date | None = None
    for day, grade in history:
        elapsed = 0 if last is None else max(0, (day - last).days)
        reviews.append(fsrs_rs.FSRSReview(fsrs_rating(grade), elapsed))
        if elapsed > 0:
            items.append(fsrs_rs.FSRSItem(list(reviews)))
        last = day if last is None else max(last, day)
    return items


def _fsrs() -> Any:
    try:
        import fsrs
    except ImportError:
        raise FsrsUnavailableError(_missing("FSRS")) from None
    return fsrs


def _missing(what: str) -> str:
    return f"{what} needs the optional fsrs extra, which is not installed: {INSTALL_HINT}."


def _bounds() -> tuple[Parameters, Parameters]:
    scheduler_module = _fsrs().scheduler
    return tuple(scheduler_module.LOWER_BOUNDS_PARAMETERS), tuple(scheduler_module.UPPER_BOUNDS_PARAMETERS)


def _scheduler(parameters: Parameters, desired_retention: float) -> py_fsrs.Scheduler:
    lower, upper = _bounds()
    if len(parameters) != len(lower):
        raise InvalidFsrsParametersError(f"FSRS needs {len(lower)} parameters, not {len(parameters)}.")
    for index, (value, lo, hi) in enumerate(zip(parameters, lower, upper, strict=True)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise InvalidFsrsParametersError(
                f"FSRS parameter w{index} must be a number from {lo} to {hi}, not {value!r}."
            )
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
        card = _step(scheduler, card, day, grade)
    return card


def _step(scheduler: py_fsrs.Scheduler, card: py_fsrs.Card | None, day: date, grade: int) -> py_fsrs.Card:
    fsrs = _fsrs()
    rating = fsrs.Rating(fsrs_rating(grade))
    if card is None:
        # card_id and due given, so Card() neither reads the clock nor sleeps
        card = fsrs.Card(card_id=0, due=_midnight(day))
    else:
        day = max(day, _state_of(card).last_reviewed_on)
    reviewed: py_fsrs.Card = scheduler.review_card(card, rating, _midnight(day))[0]
    return reviewed


def _state_of(card: py_fsrs.Card) -> MemoryState:
    # a card that has been through review_card always has all three
    assert card.stability is not None
    assert card.difficulty is not None
    assert card.last_review is not None
    return MemoryState(float(card.stability), float(card.difficulty), card.last_review.date())


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
