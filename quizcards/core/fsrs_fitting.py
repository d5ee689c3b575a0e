"""Fitting FSRS parameters to a learner's own log, and judging them on cards held out of the fit.

The optimizer is fsrs-rs-python (the ``fsrs`` extra), imported inside :func:`fit_parameters` only:
it fits a year of 200 cards in about 0.05 s, where py-fsrs's own optimizer needs torch (about 1 GB)
and 40 s. The metrics are computed here, in plain Python, on reviews made a day or more after the
card's previous one (the reviews FSRS predicts; same-day re-drills move the state, unpredicted).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from quizcards.core.errors import FsrsUnavailableError, InvalidFsrsParametersError
from quizcards.core.fsrs import (
    DEFAULT_PARAMETERS,
    DEFAULT_RETENTION,
    History,
    Parameters,
    bounds,
    fsrs_rating,
    midnight,
    missing_extra,
    py_scheduler,
    state_of,
    step,
)
from quizcards.core.scheduler import parse_grade

# Reviews made a day or more after the card's previous one, in the part fitted on. py-fsrs refuses
# below 512; fsrs-rs silently returns its defaults somewhere between 375 and 577.
MIN_FIT_REVIEWS = 600
HELD_OUT_SHARE = 5  # one card in five is held out of the fit and judges it


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
    # The ``baseline`` given to fit_parameters (the parameters in force) on the same reviews, if any.
    baseline: FitQuality | None = None


def recall_predictions(
    histories: Sequence[History], parameters: Parameters = DEFAULT_PARAMETERS
) -> list[tuple[float, bool]]:
    """(predicted recall, recalled) for every review made a day or more after the card's previous one.

    These are the reviews fsrs-rs fits on; same-day re-drills move the state but are not predicted.
    """
    scheduler = py_scheduler(parameters, DEFAULT_RETENTION)
    pairs: list[tuple[float, bool]] = []
    for history in histories:
        card = None
        for day, grade in history:
            if card is not None and day > state_of(card).last_reviewed_on:
                recalled = parse_grade(grade) >= 3
                pairs.append((float(scheduler.get_card_retrievability(card, midnight(day))), recalled))
            card = step(scheduler, card, day, grade)
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


def require_optimizer() -> None:
    """Raise FsrsUnavailableError, with the install command, unless fsrs-rs-python can be imported."""
    try:
        import fsrs_rs_python  # noqa: F401
    except ImportError:
        raise FsrsUnavailableError(missing_extra("Fitting FSRS parameters")) from None


def fit_parameters(
    histories: Sequence[History],
    rng: random.Random,
    *,
    minimum_reviews: int = MIN_FIT_REVIEWS,
    baseline: Parameters | None = None,
    held_out: Collection[int] | None = None,
) -> FitResult:
    """Fit FSRS parameters to four fifths of the cards (chosen by ``rng``) and judge them on the rest.

    ``held_out`` (positions in ``histories``) chooses the judging cards instead of ``rng``:
    :func:`held_out_cards` keeps each card on the same side from one fit to the next.

    The defaults are judged on the held-out cards (``before``), and so is ``baseline`` when given (the
    parameters in force, which a new fit would replace: ``FitResult.baseline``), fit or no fit. Below
    ``minimum_reviews`` long-term reviews in the part fitted on, or when the optimizer gives back its
    defaults (fsrs-rs does so silently on too little data), the defaults (or ``baseline``) are returned
    with a reason.
    Fitted values are rounded to 6 decimals and clamped into py-fsrs's bounds (fsrs-rs computes in f32).
    """
    try:
        import fsrs_rs_python as fsrs_rs
    except ImportError:
        raise FsrsUnavailableError(missing_extra("Fitting FSRS parameters")) from None
    held = (
        set(rng.sample(range(len(histories)), len(histories) // HELD_OUT_SHARE))
        if held_out is None
        else set(held_out)
    )
    fitted_on = [h for i, h in enumerate(histories) if i not in held]
    judged_on = [h for i, h in enumerate(histories) if i in held]
    reviews = long_term_reviews(fitted_on)
    before = fit_quality(judged_on, DEFAULT_PARAMETERS)
    current = None if baseline is None else fit_quality(judged_on, baseline)
    kept_what = (
        "Kept the default FSRS parameters" if baseline is None else "Kept the FSRS parameters in force"
    )

    def kept(reason: str) -> FitResult:
        kept_parameters = DEFAULT_PARAMETERS if baseline is None else baseline
        return FitResult(
            kept_parameters, False, reason, len(fitted_on), reviews, len(judged_on), before, None, current
        )

    if reviews < minimum_reviews:
        return kept(
            f"{kept_what}: fitting needs at least {minimum_reviews:,} reviews made a "
            f"day or more after the card's previous one, and there are {reviews:,}."
        )
    items = [item for history in fitted_on for item in _items(fsrs_rs, history)]
    raw = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS).compute_parameters(items)
    if list(raw) == list(fsrs_rs.DEFAULT_PARAMETERS):
        return kept(
            f"{kept_what}: the optimizer could not fit {reviews:,} reviews (it returned its defaults)."
        )
    parameters = clamp_parameters(raw)
    after = fit_quality(judged_on, parameters)
    return FitResult(parameters, True, None, len(fitted_on), reviews, len(judged_on), before, after, current)


def held_out_cards(names: Sequence[str], seed: int) -> set[int]:
    """The positions of the cards that judge a fit: about one in HELD_OUT_SHARE, chosen by a hash of
    (seed, the card's name), so a card stays on its side as the collection grows. A fit saved earlier
    was then never fitted on the cards that judge it now (cards added since aside)."""
    held = set()
    for index, name in enumerate(names):
        digest = hashlib.blake2b(f"{seed}\x00{name}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") % HELD_OUT_SHARE == 0:
            held.add(index)
    return held


def clamp_parameters(values: Sequence[float]) -> Parameters:
    """``values`` rounded to 6 decimals and clamped into py-fsrs's bounds."""
    lower, upper = bounds()
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
