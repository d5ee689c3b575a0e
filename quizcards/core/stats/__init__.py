"""The figures of `quiz stats`: their meaning, their derivation from store aggregates, their formats.

The store answers with aggregates (counts per deck, per day, per due date);
everything here is plain arithmetic on those values, so every rule can be
tested on a hand-built history. Days are the learner's calendar days (the
review log's ``reviewed_on``), never UTC timestamps.

Definitions, written down once:

- A card is *new* until its first scheduled review, *learning* while its
  interval is under 21 days, *mature* from 21 days on (Anki's threshold), and
  *retired* once its deck file dropped it. *Due today* counts every active card
  due today or earlier (overdue cards are due today too).
- *Today* counts every review logged today: scheduled ones and re-drills.
- The *current streak* is the run of consecutive days with at least one review
  that ends today; when nothing has been reviewed yet today, a run ending
  yesterday still counts (the day is not over), and ``reviewed_today`` says which.
- *Retention* is the share of scheduled reviews of already-learned cards (whose
  ``repetitions_before`` > 0, so a new card's first test is left out) graded 3
  or better. Re-drills are left out too: they repeat a card minutes after its
  answer was shown, which tests short-term memory, not retention.
- The *forecast* counts active cards by due date over the next 14 days; today's
  bucket holds the overdue cards as well.
- The *calendar* shows reviews per day over the last 26 weeks, Monday to
  Sunday, the last column holding today.
- *Leeches* are active cards that have lapsed (been forgotten after being
  learned): most lapses first, then lowest easiness.

``--since DATE`` limits the figures taken from the review log (today, streaks,
retention, calendar, leeches' lapses) to reviews on or after DATE; the state
of the cards (deck counts, forecast) is always today's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

# The threshold of "mature" (21 days) is quizcards.core.scheduler.MATURE_INTERVAL_DAYS.
FORECAST_DAYS = 14
CALENDAR_WEEKS = 26
LEECH_LIMIT = 5
PASSING_GRADE = 3
HEAT_LEVELS = 4

STATS_FORMAT = "quizcards-stats"
# Bumped only when a field is removed, renamed or changes meaning; new fields may appear in any version.
STATS_VERSION = 1

RETENTION_WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("last_7_days", 7),
    ("last_30_days", 30),
    ("all_time", None),
)


@dataclass(frozen=True, slots=True)
class DeckCounts:
    """One deck's cards by state."""

    deck: str
    title: str
    new: int
    learning: int
    mature: int
    retired: int
    due_today: int

    @property
    def active(self) -> int:
        """Cards still in the deck file: new, learning and mature."""
        return self.new + self.learning + self.mature


@dataclass(frozen=True, slots=True)
class TodayCounts:
    """What was done today: reviews logged, distinct cards, re-drills among them, time spent."""

    reviews: int = 0
    cards: int = 0
    redrills: int = 0
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive review days: the run still alive and the longest run."""

    current: int
    longest: int
    reviewed_today: bool
    current_start: date | None
    longest_start: date | None
    longest_end: date | None


@dataclass(frozen=True, slots=True)
class Retention:
    """Reviews of learned cards in a window, and how many were graded 3 or better."""

    window: str
    start: date | None
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


@dataclass(frozen=True, slots=True)
class ForecastDay:
    day: date
    due: int


@dataclass(frozen=True, slots=True)
class Forecast:
    """Cards coming due per day; the first day includes the overdue ones."""

    overdue: int
    days: tuple[ForecastDay, ...]

    @property
    def peak(self) -> int:
        return max((d.due for d in self.days), default=0)


@dataclass(frozen=True, slots=True)
class CalendarCell:
    day: date
    reviews: int
    level: int


@dataclass(frozen=True, slots=True)
class Calendar:
    """A heat map of reviews per day: weeks of seven cells (Monday first); None outside the range."""

    start: date
    end: date
    first_monday: date
    weeks: tuple[tuple[CalendarCell | None, ...], ...]
    thresholds: tuple[int, ...]

    def week_start(self, index: int) -> date:
        """The Monday of column index."""
        return self.first_monday + timedelta(weeks=index)

    @property
    def cells(self) -> Iterator[CalendarCell]:
        for week in self.weeks:
            yield from (cell for cell in week if cell is not None)

    @property
    def total_reviews(self) -> int:
        return sum(cell.reviews for cell in self.cells)

    @property
    def active_days(self) -> int:
        return sum(cell.reviews > 0 for cell in self.cells)

    def level_ranges(self) -> list[tuple[int, int, int | None]]:
        """(level, lowest count, highest count or None for 'and more') for the legend."""
        ranges: list[tuple[int, int, int | None]] = [(0, 0, 0)]
        bounds = self.thresholds
        for index, low in enumerate(bounds):
            high = bounds[index + 1] - 1 if index + 1 < len(bounds) else None
            ranges.append((index + 1, low, high))
        return ranges


@dataclass(frozen=True, slots=True)
class Leech:
    """A card the learner keeps forgetting."""

    deck: str
    card_id: str
    question: str
    lapses: int
    easiness_hundredths: int
    reviews: int
    interval_days: int
    due_on: date | None


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything `quiz stats` shows, as of one day."""

    as_of: date
    deck: str | None
    since: date | None
    decks: tuple[DeckCounts, ...]
    today: TodayCounts
    streak: Streak
    retention: tuple[Retention, ...]
    forecast: Forecast
    calendar: Calendar
    leeches: tuple[Leech, ...]

    @property
    def totals(self) -> DeckCounts:
        return DeckCounts(
            deck="",
            title="total",
            new=sum(d.new for d in self.decks),
            learning=sum(d.learning for d in self.decks),
            mature=sum(d.mature for d in self.decks),
            retired=sum(d.retired for d in self.decks),
            due_today=sum(d.due_today for d in self.decks),
        )


class StatsSource(Protocol):
    """The aggregates the store provides (``quizcards.store.Store`` is one)."""

    def deck_counts(self, today: date, deck: str | None) -> list[DeckCounts]: ...

    def today_counts(self, today: date, deck: str | None) -> TodayCounts: ...

    def review_days(self, until: date, deck: str | None, since: date | None) -> list[date]: ...

    def retention_counts(
        self, starts: Sequence[date | None], until: date, deck: str | None
    ) -> list[tuple[int, int]]: ...

    def due_counts(self, until: date, deck: str | None) -> dict[date, int]: ...

    def daily_review_counts(self, start: date, until: date, deck: str | None) -> dict[date, int]: ...

    def leeches(self, until: date, deck: str | None, since: date | None, limit: int) -> list[Leech]: ...


# ---- the rules ---------------------------------------------------------------


def streak(review_days: Iterable[date], today: date) -> Streak:
    """Current and longest runs of consecutive review days, as of today (later days are ignored)."""
    days = sorted({day for day in review_days if day <= today})
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    if not runs:
        return Streak(0, 0, False, None, None, None)
    reviewed_today = runs[-1][1] == today
    current = 0
    current_start = None
    if runs[-1][1] >= today - timedelta(days=1):
        current_start = runs[-1][0]
        current = (runs[-1][1] - current_start).days + 1
    # The most recent of equally long runs, since that is the one a learner remembers.
    longest_start, longest_end = max(runs, key=lambda run: ((run[1] - run[0]).days, run[1]))
    return Streak(
        current=current,
        longest=(longest_end - longest_start).days + 1,
        reviewed_today=reviewed_today,
        current_start=current_start,
        longest_start=longest_start,
        longest_end=longest_end,
    )


def retention_windows(today: date, since: date | None) -> list[tuple[str, date | None]]:
    """Each retention window's first day (None: the whole log), clipped at since."""
    windows: list[tuple[str, date | None]] = []
    for name, length in RETENTION_WINDOWS:
        start = today - timedelta(days=length - 1) if length is not None else None
        if since is not None and (start is None or start < since):
            start = since
        windows.append((name, start))
    return windows


def forecast(due_counts: Mapping[date, int], today: date, days: int = FORECAST_DAYS) -> Forecast:
    """Cards due per day from today; cards due before today are overdue and land in today's bucket."""
    overdue = sum(count for day, count in due_counts.items() if day < today)
    buckets = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        due = due_counts.get(day, 0) + (overdue if offset == 0 else 0)
        buckets.append(ForecastDay(day, due))
    return Forecast(overdue, tuple(buckets))


def heat_thresholds(peak: int, levels: int = HEAT_LEVELS) -> tuple[int, ...]:
    """The lowest count of each level 1..levels: the busiest day's count split in equal parts.

    With a peak below the number of levels each count is its own level, so a
    history of ones and twos is not drawn as if it were a history of extremes.
    """
    top = max(peak, levels)
    return tuple((k - 1) * top // levels + 1 for k in range(1, levels + 1))


def heat_level(count: int, thresholds: Sequence[int]) -> int:
    """0 for no reviews, else the highest level whose lowest count the day reaches."""
    return sum(count >= low for low in thresholds)


def calendar_start(today: date, weeks: int = CALENDAR_WEEKS) -> date:
    """The Monday that opens the calendar: the last column is today's week."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def calendar(
    day_counts: Mapping[date, int],
    today: date,
    *,
    weeks: int = CALENDAR_WEEKS,
    since: date | None = None,
) -> Calendar:
    """Reviews per day as weeks of Monday-to-Sunday cells; days after today or before since are None."""
    start = calendar_start(today, weeks)
    first = max(start, since) if since is not None else start
    peak = max((count for day, count in day_counts.items() if first <= day <= today), default=0)
    thresholds = heat_thresholds(peak)
    columns: list[tuple[CalendarCell | None, ...]] = []
    for week in range(weeks):
        column: list[CalendarCell | None] = []
        for weekday in range(7):
            day = start + timedelta(days=week * 7 + weekday)
            if day > today or day < first:
                column.append(None)
            else:
                count = day_counts.get(day, 0)
                column.append(CalendarCell(day, count, heat_level(count, thresholds)))
        columns.append(tuple(column))
    return Calendar(start=first, end=today, first_monday=start, weeks=tuple(columns), thresholds=thresholds)


def build_stats(
    source: StatsSource,
    today: date,
    *,
    deck: str | None = None,
    since: date | None = None,
    leech_limit: int = LEECH_LIMIT,
) -> Stats:
    """Ask the store for each aggregate and derive the figures."""
    windows = retention_windows(today, since)
    counts = source.retention_counts([start for _, start in windows], today, deck)
    cal_first = calendar_start(today)
    if since is not None:
        cal_first = max(cal_first, since)
    return Stats(
        as_of=today,
        deck=deck,
        since=since,
        decks=tuple(source.deck_counts(today, deck)),
        today=source.today_counts(today, deck) if since is None or since <= today else TodayCounts(),
        streak=streak(source.review_days(today, deck, since), today),
        retention=tuple(
            Retention(name, start, reviews, passed)
            for (name, start), (reviews, passed) in zip(windows, counts, strict=True)
        ),
        forecast=forecast(source.due_counts(today + timedelta(days=FORECAST_DAYS - 1), deck), today),
        calendar=calendar(source.daily_review_counts(cal_first, today, deck), today, since=since),
        leeches=tuple(source.leeches(today, deck, since, leech_limit)),
    )


# ---- words and numbers for people ------------------------------------------------


def format_duration(milliseconds: int) -> str:
    """A time span the way a person says it: 45 s, 12 min 5 s, 1 h 3 min."""
    seconds = max(0, milliseconds) // 1000
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def format_rate(retention: Retention) -> str:
    """'87% (26/30)', or '–' with no reviews to judge by."""
    if retention.rate is None:
        return "–"
    return f"{retention.rate:.0%} ({retention.passed}/{retention.reviews})"


def format_easiness(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


WINDOW_LABELS = {"last_7_days": "last 7 days", "last_30_days": "last 30 days", "all_time": "all time"}


def window_label(retention: Retention, since: date | None) -> str:
    if retention.window == "all_time" and since is not None:
        return f"since {since.isoformat()}"
    return WINDOW_LABELS.get(retention.window, retention.window)


# ---- machine-readable forms -------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _deck_json(counts: DeckCounts) -> dict[str, Any]:
    return {
        "new": counts.new,
        "learning": counts.learning,
        "mature": counts.mature,
        "retired": counts.retired,
        "due_today": counts.due_today,
        "active": counts.active,
    }


def stats_json(stats: Stats) -> dict[str, Any]:
    """The versioned JSON shape of `quiz stats --format json` (STATS_JSON_SCHEMA describes it)."""
    return {
        "format": STATS_FORMAT,
        "version": STATS_VERSION,
        "as_of": stats.as_of.isoformat(),
        "filter": {"deck": stats.deck, "since": _iso(stats.since)},
        "decks": [{"deck": d.deck, "title": d.title, **_deck_json(d)} for d in stats.decks],
        "totals": _deck_json(stats.totals),
        "today": {
            "reviews": stats.today.reviews,
            "cards": stats.today.cards,
            "redrills": stats.today.redrills,
            "duration_ms": stats.today.duration_ms,
        },
        "streak": {
            "current": stats.streak.current,
            "longest": stats.streak.longest,
            "reviewed_today": stats.streak.reviewed_today,
            "current_start": _iso(stats.streak.current_start),
            "longest_start": _iso(stats.streak.longest_start),
            "longest_end": _iso(stats.streak.longest_end),
        },
        "retention": {
            r.window: {
                "from": _iso(r.start),
                "to": stats.as_of.isoformat(),
                "reviews": r.reviews,
                "passed": r.passed,
                "rate": round(r.rate, 4) if r.rate is not None else None,
            }
            for r in stats.retention
        },
        "forecast": {
            "overdue": stats.forecast.overdue,
            "days": [{"date": d.day.isoformat(), "due": d.due} for d in stats.forecast.days],
        },
        "calendar": {
            "from": stats.calendar.start.isoformat(),
            "to": stats.calendar.end.isoformat(),
            "total_reviews": stats.calendar.total_reviews,
            "active_days": stats.calendar.active_days,
            "thresholds": list(stats.calendar.thresholds),
            "days": [
                {"date": c.day.isoformat(), "reviews": c.reviews, "level": c.level}
                for c in stats.calendar.cells
            ],
        },
        "leeches": [
            {
                "deck": leech.deck,
                "card_id": leech.card_id,
                "question": leech.question,
                "lapses": leech.lapses,
                "easiness": leech.easiness_hundredths / 100,
                "reviews": leech.reviews,
                "interval_days": leech.interval_days,
                "due_on": _iso(leech.due_on),
            }
            for leech in stats.leeches
        ],
    }


STATS_CSV_FIELDS = ("section", "deck", "card_id", "date", "metric", "value")


def stats_csv_rows(stats: Stats) -> Iterator[dict[str, Any]]:
    """The same figures as one long table: one row per (section, deck/card/date, metric)."""

    def row(
        section: str, metric: str, value: object, *, deck: str = "", card_id: str = "", day: str = ""
    ) -> dict[str, Any]:
        return {
            "section": section,
            "deck": deck,
            "card_id": card_id,
            "date": day,
            "metric": metric,
            "value": value,
        }

    data = stats_json(stats)
    for entry in data["decks"]:
        for metric in ("title", "new", "learning", "mature", "retired", "due_today", "active"):
            yield row("decks", metric, entry[metric], deck=entry["deck"])
    for metric, value in data["totals"].items():
        yield row("totals", metric, value)
    for metric, value in data["today"].items():
        yield row("today", metric, value, day=data["as_of"])
    for metric, value in data["streak"].items():
        yield row("streak", metric, "" if value is None else value)
    for window, figures in data["retention"].items():
        for metric in ("from", "to", "reviews", "passed", "rate"):
            value = figures[metric]
            yield row("retention", f"{window}.{metric}", "" if value is None else value)
    yield row("forecast", "overdue", data["forecast"]["overdue"], day=data["as_of"])
    for day in data["forecast"]["days"]:
        yield row("forecast", "due", day["due"], day=day["date"])
    for day in data["calendar"]["days"]:
        yield row("calendar", "reviews", day["reviews"], day=day["date"])
    for leech in data["leeches"]:
        for metric in ("question", "lapses", "easiness", "reviews", "interval_days", "due_on"):
            value = leech[metric]
            yield row(
                "leeches",
                metric,
                "" if value is None else value,
                deck=leech["deck"],
                card_id=leech["card_id"],
            )


_MARKDOWN_SPECIAL = set("\\`*_[]<>|~&")


def markdown_escape(value: str) -> str:
    """Literal text for a Markdown table cell: one line, every special character escaped."""
    flat = " ".join(value.split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[bool]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if r else ":---" for r in right) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return lines


def stats_markdown(stats: Stats) -> str:
    """The dashboard as Markdown (GitHub-flavoured tables), for notes and issue trackers."""
    scope = f" for deck {markdown_escape(stats.deck)}" if stats.deck else ""
    since = f", reviews since {stats.since.isoformat()}" if stats.since else ""
    out = [f"# quizcards stats{scope}", "", f"As of {stats.as_of.isoformat()}{since}.", "", "## Decks", ""]
    deck_rows = [
        [
            markdown_escape(d.deck),
            str(d.new),
            str(d.learning),
            str(d.mature),
            str(d.retired),
            str(d.due_today),
        ]
        for d in stats.decks
    ]
    if len(stats.decks) > 1:
        t = stats.totals
        deck_rows.append(
            ["**total**", str(t.new), str(t.learning), str(t.mature), str(t.retired), str(t.due_today)]
        )
    out += _table(
        ["deck", "new", "learning", "mature", "retired", "due today"], deck_rows, [False, *[True] * 5]
    )
    today, run = stats.today, stats.streak
    out += [
        "",
        "## Today",
        "",
        f"- Reviews: {today.reviews} ({today.cards} cards, {today.redrills} re-drills)",
        f"- Time spent: {format_duration(today.duration_ms)}",
        f"- Current streak: {_days(run.current)}"
        + ("" if run.reviewed_today or not run.current else " (nothing reviewed yet today)"),
        f"- Longest streak: {_days(run.longest)}",
        "",
        "## Retention",
        "",
        "Scheduled reviews of learned cards graded 3 or better.",
        "",
    ]
    out += _table(
        ["window", "retention", "passed", "reviews"],
        [
            [
                window_label(r, stats.since),
                f"{r.rate:.0%}" if r.rate is not None else "–",
                str(r.passed),
                str(r.reviews),
            ]
            for r in stats.retention
        ],
        [False, True, True, True],
    )
    out += ["", f"## Due in the next {len(stats.forecast.days)} days", ""]
    out += _table(
        ["date", "due"],
        [[d.day.strftime("%a %Y-%m-%d"), str(d.due)] for d in stats.forecast.days],
        [False, True],
    )
    if stats.forecast.overdue:
        out += ["", f"Today's count includes {stats.forecast.overdue} overdue."]
    cal = stats.calendar
    out += [
        "",
        "## Reviews by week",
        "",
        f"{cal.total_reviews} reviews on {_days(cal.active_days)} "
        f"from {cal.start.isoformat()} to {cal.end.isoformat()}.",
        "",
    ]
    week_rows = []
    for week in cal.weeks:
        cells = [c for c in week if c is not None]
        if cells:
            week_rows.append(
                [
                    cells[0].day.isoformat(),
                    str(sum(c.reviews for c in cells)),
                    str(sum(c.reviews > 0 for c in cells)),
                ]
            )
    out += _table(["week from", "reviews", "days"], week_rows, [False, True, True])
    out += ["", "## Leeches", ""]
    if stats.leeches:
        out += _table(
            ["deck", "card", "lapses", "easiness", "question"],
            [
                [
                    markdown_escape(leech.deck),
                    markdown_escape(leech.card_id),
                    str(leech.lapses),
                    format_easiness(leech.easiness_hundredths),
                    markdown_escape(leech.question),
                ]
                for leech in stats.leeches
            ],
            [False, False, True, True, False],
        )
    else:
        out.append("No card has lapsed.")
    return "\n".join(out) + "\n"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_NULLABLE_DATE = {"anyOf": [_DATE, {"type": "null"}]}
_COUNT = {"type": "integer", "minimum": 0}
_DECK_FIGURES = dict.fromkeys(("new", "learning", "mature", "retired", "due_today", "active"), _COUNT)


def _object(properties: Mapping[str, object]) -> dict[str, Any]:
    return {"type": "object", "properties": dict(properties), "required": list(properties)}


STATS_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "quiz stats --format json, version 1",
    **_object(
        {
            "format": {"const": STATS_FORMAT},
            "version": {"const": STATS_VERSION},
            "as_of": _DATE,
            "filter": _object({"deck": {"type": ["string", "null"]}, "since": _NULLABLE_DATE}),
            "decks": {
                "type": "array",
                "items": _object({"deck": {"type": "string"}, "title": {"type": "string"}, **_DECK_FIGURES}),
            },
            "totals": _object(_DECK_FIGURES),
            "today": _object({"reviews": _COUNT, "cards": _COUNT, "redrills": _COUNT, "duration_ms": _COUNT}),
            "streak": _object(
                {
                    "current": _COUNT,
                    "longest": _COUNT,
                    "reviewed_today": {"type": "boolean"},
                    "current_start": _NULLABLE_DATE,
                    "longest_start": _NULLABLE_DATE,
                    "longest_end": _NULLABLE_DATE,
                }
            ),
            "retention": _object(
                {
                    window: _object(
                        {
                            "from": _NULLABLE_DATE,
                            "to": _DATE,
                            "reviews": _COUNT,
                            "passed": _COUNT,
                            "rate": {
                                "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]
                            },
                        }
                    )
                    for window, _ in RETENTION_WINDOWS
                }
            ),
            "forecast": _object(
                {
                    "overdue": _COUNT,
                    "days": {
                        "type": "array",
                        "minItems": FORECAST_DAYS,
                        "maxItems": FORECAST_DAYS,
                        "items": _object({"date": _DATE, "due": _COUNT}),
                    },
                }
            ),
            "calendar": _object(
                {
                    "from": _DATE,
                    "to": _DATE,
                    "total_reviews": _COUNT,
                    "active_days": _COUNT,
                    "thresholds": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 1},
                        "minItems": HEAT_LEVELS,
                        "maxItems": HEAT_LEVELS,
                    },
                    "days": {
                        "type": "array",
                        "maxItems": CALENDAR_WEEKS * 7,
                        "items": _object(
                            {
                                "date": _DATE,
                                "reviews": _COUNT,
                                "level": {"type": "integer", "minimum": 0, "maximum": HEAT_LEVELS},
                            }
                        ),
                    },
                }
            ),
            "leeches": {
                "type": "array",
                "items": _object(
                    {
                        "deck": {"type": "string"},
                        "card_id": {"type": "string"},
                        "question": {"type": "string"},
                        "lapses": {"type": "integer", "minimum": 1},
                        "easiness": {"type": "number", "minimum": 1.3},
                        "reviews": _COUNT,
                        "interval_days": _COUNT,
                        "due_on": _NULLABLE_DATE,
                    }
                ),
            },
        }
    ),
}
