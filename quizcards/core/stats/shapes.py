"""The versioned JSON and CSV shapes of `quiz stats`, and the JSON Schema made from the same fields.

Every field of the JSON is defined once, as a ``Field`` (see fields.py): its
name, its kind, whether it may be null, what it means, and which figure it
reads. ``stats_json`` writes the fields and ``STATS_JSON_SCHEMA`` describes
them, both from these definitions, so a field added to a shape is in the schema too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from quizcards.core.planning import StoredPlan
from quizcards.core.stats.calendar import CALENDAR_WEEKS, HEAT_LEVELS, CalendarCell
from quizcards.core.stats.fields import (
    COUNT,
    DAY,
    EASINESS,
    FLAG,
    RATE,
    TEXT,
    Field,
    Shape,
    const,
    integer,
    list_of,
)
from quizcards.core.stats.figures import (
    FORECAST_DAYS,
    RETENTION_WINDOWS,
    DeckCounts,
    ForecastDay,
    Leech,
    Retention,
    Stats,
)
from quizcards.core.stats.memory import FSRS, SCHEDULER

STATS_FORMAT = "quizcards-stats"
# Bumped only when a field is removed, renamed or changes meaning; new fields may appear in any version.
STATS_VERSION = 1

# ---- the shapes ----------------------------------------------------------------------------

DECK_FIGURES: tuple[Field[DeckCounts], ...] = (
    Field("new", COUNT, "cards never reviewed", lambda d: d.new),
    Field("learning", COUNT, "active cards with an interval under 21 days", lambda d: d.learning),
    Field("mature", COUNT, "active cards with an interval of 21 days or more", lambda d: d.mature),
    Field("retired", COUNT, "cards their deck file no longer has", lambda d: d.retired),
    Field("due_today", COUNT, "active cards due today or earlier, not suspended", lambda d: d.due_today),
    Field("active", COUNT, "new + learning + mature", lambda d: d.active),
    Field(
        "suspended",
        COUNT,
        "active cards suspended (counted in new, learning or mature too); never drawn",
        lambda d: d.suspended,
    ),
)
DECK: Shape[DeckCounts] = Shape(
    (
        Field("deck", TEXT, "the deck's slug", lambda d: d.deck),
        Field("title", TEXT, "the deck's title", lambda d: d.title),
        *DECK_FIGURES,
    )
)
TOTALS: Shape[DeckCounts] = Shape(DECK_FIGURES)

FILTER: Shape[Stats] = Shape(
    (
        Field("deck", TEXT, "the --deck given, or null", lambda s: s.deck, nullable=True),
        Field("since", DAY, "the --since given, or null", lambda s: s.since, nullable=True),
    )
)

TODAY: Shape[Stats] = Shape(
    (
        Field(
            "reviews", COUNT, "reviews logged today, scheduled ones and re-drills", lambda s: s.today.reviews
        ),
        Field("cards", COUNT, "distinct cards reviewed today", lambda s: s.today.cards),
        Field("redrills", COUNT, "re-drills among today's reviews", lambda s: s.today.redrills),
        Field(
            "duration_ms",
            COUNT,
            "time spent on today's reviews, in milliseconds",
            lambda s: s.today.duration_ms,
        ),
        Field("cram", COUNT, "cram answers logged today (not among the reviews)", lambda s: s.today.cram),
        Field(
            "mock",
            COUNT,
            "mock-interview answers logged today (not among the reviews)",
            lambda s: s.today.mock,
        ),
    )
)

PRACTICE: Shape[Stats] = Shape(
    (
        Field("from", DAY, "the calendar's first day", lambda s: s.practice.start),
        Field("to", DAY, "today", lambda s: s.practice.end),
        Field("cram", COUNT, "cram answers in the range", lambda s: s.practice.cram),
        Field("mock", COUNT, "mock-interview answers in the range", lambda s: s.practice.mock),
    )
)

STREAK: Shape[Stats] = Shape(
    (
        Field("current", COUNT, "days in the run ending today (or yesterday)", lambda s: s.streak.current),
        Field("longest", COUNT, "days in the longest run", lambda s: s.streak.longest),
        Field(
            "reviewed_today", FLAG, "whether anything was reviewed today", lambda s: s.streak.reviewed_today
        ),
        Field(
            "current_start",
            DAY,
            "the current run's first day; null with no current run",
            lambda s: s.streak.current_start,
            nullable=True,
        ),
        Field(
            "longest_start",
            DAY,
            "the longest run's first day (the most recent of equally long runs); null with no reviews",
            lambda s: s.streak.longest_start,
            nullable=True,
        ),
        Field(
            "longest_end",
            DAY,
            "the longest run's last day; null with no reviews",
            lambda s: s.streak.longest_end,
            nullable=True,
        ),
    )
)

# A window's figures and the day they run to.
Window = tuple[Retention, date]

RETENTION_WINDOW: Shape[Window] = Shape(
    (
        Field(
            "from",
            DAY,
            "the window's first day, never before --since; null for the whole log",
            lambda w: w[0].start,
            nullable=True,
        ),
        Field("to", DAY, "the window's last day: today", lambda w: w[1]),
        Field("reviews", COUNT, "scheduled reviews of learned cards in the window", lambda w: w[0].reviews),
        Field("passed", COUNT, "those graded 3 or better", lambda w: w[0].passed),
        Field(
            "rate",
            RATE,
            "passed / reviews, rounded to 4 places; null with no reviews",
            lambda w: w[0].rate,
            nullable=True,
        ),
    )
)


def _window(stats: Stats, name: str) -> Window:
    return next(r for r in stats.retention if r.window == name), stats.as_of


def _retention_field(name: str, length: int | None) -> Field[Stats]:
    span = f"the last {length} days" if length is not None else "the whole log"
    return Field(name, RETENTION_WINDOW.kind(), f"retention over {span}", lambda s: _window(s, name))


RETENTION: Shape[Stats] = Shape(tuple(_retention_field(name, length) for name, length in RETENTION_WINDOWS))

FORECAST_DAY: Shape[ForecastDay] = Shape(
    (
        Field("date", DAY, "the day", lambda d: d.day),
        Field(
            "due", COUNT, "active cards due that day (today's entry includes the overdue)", lambda d: d.due
        ),
    )
)
FORECAST: Shape[Stats] = Shape(
    (
        Field("overdue", COUNT, "active cards due before today", lambda s: s.forecast.overdue),
        Field(
            "days",
            FORECAST_DAY.list_kind(min_items=FORECAST_DAYS, max_items=FORECAST_DAYS),
            f"the {FORECAST_DAYS} days from today",
            lambda s: s.forecast.days,
        ),
    )
)

CALENDAR_DAY: Shape[CalendarCell] = Shape(
    (
        Field("date", DAY, "the day", lambda c: c.day),
        Field("reviews", COUNT, "reviews logged that day", lambda c: c.reviews),
        Field("level", integer(0, HEAT_LEVELS), "the heat level: 0 for none, then 1-4", lambda c: c.level),
    )
)
CALENDAR: Shape[Stats] = Shape(
    (
        Field(
            "from",
            DAY,
            f"the Monday {CALENDAR_WEEKS} weeks back, or --since if later",
            lambda s: s.calendar.start,
        ),
        Field("to", DAY, "today", lambda s: s.calendar.end),
        Field("total_reviews", COUNT, "reviews in the range", lambda s: s.calendar.total_reviews),
        Field("active_days", COUNT, "days in the range with a review", lambda s: s.calendar.active_days),
        Field(
            "thresholds",
            list_of(integer(1), min_items=HEAT_LEVELS, max_items=HEAT_LEVELS),
            "the lowest count of each heat level from 1: quartiles of the days with reviews",
            lambda s: s.calendar.thresholds,
        ),
        Field(
            "days",
            CALENDAR_DAY.list_kind(max_items=CALENDAR_WEEKS * 7),
            "every day of the range",
            lambda s: tuple(s.calendar.cells),
        ),
    )
)

LEECH: Shape[Leech] = Shape(
    (
        Field("deck", TEXT, "the card's deck", lambda x: x.deck),
        Field("card_id", TEXT, "the card's id in its deck", lambda x: x.card_id),
        Field("question", TEXT, "the card's question", lambda x: x.question),
        Field("lapses", integer(1), "times forgotten (in the --since range when given)", lambda x: x.lapses),
        Field("easiness", EASINESS, "EF, e.g. 2.5", lambda x: x.easiness_hundredths),
        Field("reviews", COUNT, "the card's scheduled reviews", lambda x: x.reviews),
        Field("interval_days", COUNT, "the card's interval in days", lambda x: x.interval_days),
        Field("due_on", DAY, "the card's due date", lambda x: x.due_on, nullable=True),
        Field(
            "file",
            TEXT,
            "the deck file the card was imported from; null when none is on record",
            lambda x: x.file,
            nullable=True,
        ),
        Field(
            "line",
            integer(1),
            "the card's line in that file now; null when the file or the card in it is not found",
            lambda x: x.line,
            nullable=True,
        ),
    )
)

# An applied plan with the day the figures describe, which says whether it is still active.
Plan = tuple[StoredPlan, date]

PLAN: Shape[Plan] = Shape(
    (
        Field("decks", list_of(TEXT), "the plan's --deck values (none: all decks)", lambda p: p[0].decks),
        Field("tags", list_of(TEXT), "the plan's --tag values", lambda p: p[0].tags),
        Field("new_per_day", COUNT, "the daily new-card limit quiz review uses", lambda p: p[0].new_per_day),
        Field("from", DAY, "the day it was applied", lambda p: p[0].starts_on),
        Field("until", DAY, "the interview date: it applies on the days before it", lambda p: p[0].until),
        Field(
            "active",
            FLAG,
            "whether it applies today (false once the date has come)",
            lambda p: p[0].active_on(p[1]),
        ),
    )
)

STATS: Shape[Stats] = Shape(
    (
        Field("format", const(STATS_FORMAT), "what this document is", lambda s: STATS_FORMAT),
        Field("version", const(STATS_VERSION), "the version of this shape", lambda s: STATS_VERSION),
        Field("as_of", DAY, "the day the figures describe (today)", lambda s: s.as_of),
        Field("filter", FILTER.kind(), "the options given", lambda s: s),
        Field("decks", DECK.list_kind(), "one entry per deck, in deck order", lambda s: s.decks),
        Field("totals", TOTALS.kind(), "the deck counts summed", lambda s: s.totals),
        Field("today", TODAY.kind(), "today's work", lambda s: s),
        Field("streak", STREAK.kind(), "consecutive days with a review", lambda s: s),
        Field(
            "retention",
            RETENTION.kind(),
            "scheduled reviews of learned cards graded 3 or better",
            lambda s: s,
        ),
        Field("forecast", FORECAST.kind(), "active cards coming due", lambda s: s),
        Field("calendar", CALENDAR.kind(), "reviews per day", lambda s: s),
        Field(
            "practice",
            PRACTICE.kind(),
            "cram and mock answers over the calendar's range: outside the schedule, in no other figure",
            lambda s: s,
        ),
        Field(
            "leeches",
            LEECH.list_kind(),
            "active cards with lapses: most lapses first, then lowest easiness",
            lambda s: s.leeches,
        ),
        Field(
            "plan",
            PLAN.kind(),
            "the plan quiz plan --apply stored, ended or not; null with none",
            lambda s: (s.plan, s.as_of) if s.plan is not None else None,
            nullable=True,
        ),
        Field(
            "scheduler",
            SCHEDULER,
            "the scheduler in force (quiz config scheduler): it decides due_today, the forecast and due_on",
            lambda s: s.scheduler,
        ),
        Field(
            "fsrs",
            FSRS.kind(),
            "what FSRS predicts today; null under SM-2",
            lambda s: s.fsrs,
            nullable=True,
        ),
    )
)

STATS_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": f"quiz stats --format json, version {STATS_VERSION}",
    **STATS.schema,
}


def stats_json(stats: Stats) -> dict[str, Any]:
    """The versioned JSON shape of `quiz stats --format json` (STATS_JSON_SCHEMA describes it)."""
    return STATS.json(stats)


# ---- the CSV: the same figures as one long table -----------------------------------------

STATS_CSV_FIELDS = ("section", "deck", "card_id", "date", "metric", "value")


def _row(
    section: str, metric: str, value: object, *, deck: str = "", card_id: str = "", day: str = ""
) -> dict[str, Any]:
    return {
        "section": section,
        "deck": deck,
        "card_id": card_id,
        "date": day,
        "metric": metric,
        "value": "" if value is None else value,
    }


def stats_csv_rows(stats: Stats) -> Iterator[dict[str, Any]]:
    """One row per (section, deck/card/date, metric), with the JSON's names; null is an empty cell."""
    data = stats_json(stats)
    for entry in data["decks"]:
        for metric, value in entry.items():
            if metric != "deck":
                yield _row("decks", metric, value, deck=entry["deck"])
    for metric, value in data["totals"].items():
        yield _row("totals", metric, value)
    for metric, value in data["today"].items():
        yield _row("today", metric, value, day=data["as_of"])
    for metric, value in data["streak"].items():
        yield _row("streak", metric, value)
    for window, figures in data["retention"].items():
        for metric, value in figures.items():
            yield _row("retention", f"{window}.{metric}", value)
    yield _row("forecast", "overdue", data["forecast"]["overdue"], day=data["as_of"])
    for day in data["forecast"]["days"]:
        yield _row("forecast", "due", day["due"], day=day["date"])
    # The calendar's days only: its range and totals are the other sections' figures again.
    for day in data["calendar"]["days"]:
        yield _row("calendar", "reviews", day["reviews"], day=day["date"])
    for metric, value in data["practice"].items():
        yield _row("practice", metric, value)
    for leech in data["leeches"]:
        for metric, value in leech.items():
            if metric not in ("deck", "card_id"):
                yield _row("leeches", metric, value, deck=leech["deck"], card_id=leech["card_id"])
    yield _row("scheduler", "scheduler", data["scheduler"])
    for metric, value in (data["fsrs"] or {}).items():
        yield _row("fsrs", metric, value, day=data["as_of"])
