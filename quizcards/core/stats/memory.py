"""The scheduler figures of `quiz stats`: which scheduler is in force and, under FSRS, the memory it predicts.

*Predicted retention today* is the mean of FSRS's retrievability R today over the active,
unsuspended cards that have an FSRS state (every card reviewed at least once); R is
``core.fsrs.retrievability`` of the card's stability and the whole days since its last review,
with the parameters in force, so it needs no FSRS library. A card *below the desired retention*
has R under it today: FSRS would already have shown it (it is due or overdue by FSRS). ``FSRS``
is these figures' JSON shape in `quiz stats --format json`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from quizcards.core.fsrs import Parameters, retrievability
from quizcards.core.stats.fields import COUNT, DAY, RATE, Field, Kind, Shape


@dataclass(frozen=True, slots=True)
class FsrsFigures:
    """What FSRS predicts for the selection today, and the settings it predicts with."""

    desired_retention: float
    fitted_on: date | None  # the day the parameters in force were fitted; None: FSRS's defaults
    cards: int  # active, unsuspended cards with an FSRS state
    predicted_retention: float | None  # mean R today over those cards; None when there are none
    below_retention: int  # those whose R today is under the desired retention


def fsrs_figures(
    states: Iterable[tuple[float, date]],
    today: date,
    parameters: Parameters,
    desired_retention: float,
    fitted_on: date | None,
) -> FsrsFigures:
    """The figures from each card's (stability, last review day), as of today."""
    values = [retrievability(stability, (today - last).days, parameters) for stability, last in states]
    return FsrsFigures(
        desired_retention=desired_retention,
        fitted_on=fitted_on,
        cards=len(values),
        predicted_retention=sum(values) / len(values) if values else None,
        below_retention=sum(value < desired_retention for value in values),
    )


# ---- the JSON shape (core.stats.shapes puts it in `quiz stats --format json`) ----------

SCHEDULER = Kind({"enum": ["sm2", "fsrs"]})

FSRS: Shape[FsrsFigures] = Shape(
    (
        Field(
            "desired_retention",
            RATE,
            "the recall FSRS schedules for (quiz config)",
            lambda f: f.desired_retention,
        ),
        Field(
            "parameters_source",
            Kind({"enum": ["default", "fitted"]}),
            "FSRS's default parameters, or ones quiz optimize fitted to the log",
            lambda f: "default" if f.fitted_on is None else "fitted",
        ),
        Field(
            "fitted_on",
            DAY,
            "the day the parameters in force were fitted; null for the defaults",
            lambda f: f.fitted_on,
            nullable=True,
        ),
        Field(
            "cards",
            COUNT,
            "active, unsuspended cards with an FSRS state (reviewed at least once)",
            lambda f: f.cards,
        ),
        Field(
            "predicted_retention",
            RATE,
            "the mean of those cards' retrievability today, rounded to 4 places; null with no such card",
            lambda f: f.predicted_retention,
            nullable=True,
        ),
        Field(
            "below_desired_retention",
            COUNT,
            "those cards whose retrievability today is under the desired retention (due or overdue by FSRS)",
            lambda f: f.below_retention,
        ),
    )
)
