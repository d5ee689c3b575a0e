"""The figures of `quiz stats`: what each one means and how it is derived from store aggregates.

The store answers with aggregates (counts per deck, per day, per due date);
everything here is plain arithmetic on those values, so every rule can be
tested on a hand-built history. Days are the learner's calendar days (the
review log's ``reviewed_on``), never UTC timestamps.

Definitions, written down once:

- A card is *new* until its first scheduled review, *learning* while its
  interval is under 21 days, *mature* from 21 days on (Anki's threshold), and
  *retired* once its deck file dropped it. *Due today* counts every active card
  due today or earlier (overdue cards are due today too), except suspended ones.
- *Suspended* counts the active cards a learner suspended (`quiz suspend`): they
  keep their state (and are counted in it) but no session draws them, so they
  are left out of *due today* and of the forecast.
- *Today* counts the reviews logged today: scheduled ones and re-drills (and their time).
- *Practice*: cram and mock answers (``core.practice``), today's and over the calendar's
  range, are counted apart and in no other figure (streak, calendar, retention, lapses).
- The *current streak* is the run of consecutive days with at least one review
  that ends today; when nothing has been reviewed yet today, a run ending
  yesterday still counts (the day is not over), and ``reviewed_today`` says which.
- *Retention* is the share of scheduled reviews of already-learned cards (whose
  ``repetitions_before`` > 0, so a new card's first test is left out) graded 3
  or better. Re-drills are left out too: they repeat a card minutes after its
  answer was shown, which tests short-term memory, not retention. So are cram and
  mock answers: retention is computed from scheduled reviews only.
- The *forecast* counts active cards by due date over the next 14 days; today's
  bucket holds the overdue cards as well.
- The *calendar* shows reviews (scheduled ones and re-drills) per day over the last 26 weeks, Monday to
  Sunday, the last column holding today. Its shades are the quartiles of the
  days with reviews (``heat_scale``), so a daily learner's range is spread over
  all four; once the busiest day has 4 reviews or fewer, each count is its own shade.
- *Leeches* are active cards that have lapsed (been forgotten after being
  learned): most lapses first, then lowest easiness. A suspended card is not
  among them: the learner has already set it aside (`quiz cards --suspended`).

*Scheduler*: the one in force (``sm2`` or ``fsrs``); under FSRS the forecast, *due today* and the
leeches' due days are FSRS's, and ``core.stats.memory`` defines the predicted retention.

``--since DATE`` limits the figures taken from the review log (today, streaks,
retention, calendar, leeches' lapses) to reviews on or after DATE; the state
of the cards (deck counts, forecast, FSRS's predictions) is always today's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from quizcards.core.planning import StoredPlan
    from quizcards.core.settings import SchedulerName
    from quizcards.core.stats.memory import FsrsFigures

from quizcards.core.stats.calendar import Calendar, calendar, calendar_start

# The threshold of "mature" (21 days) is quizcards.core.scheduler.MATURE_INTERVAL_DAYS.
FORECAST_DAYS = 14
LEECH_LIMIT = 5
PASSING_GRADE = 3

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
    suspended: int = 0  # active cards (counted in new, learning and mature too) that no session draws

    @property
    def active(self) -> int:
        """Cards still in the deck file: new, learning and mature."""
        return self.new + self.learning + self.mature


@dataclass(frozen=True, slots=True)
class TodayCounts:
    """What was done today: reviews logged, distinct cards, re-drills among them, their time; practice."""

    reviews: int = 0
    cards: int = 0
    redrills: int = 0
    duration_ms: int = 0
    cram: int = 0  # practice answers today, not among the reviews
    mock: int = 0


@dataclass(frozen=True, slots=True)
class Practice:
    """Cram and mock answers over a range of days: practice outside the schedule."""

    start: date
    end: date
    cram: int = 0
    mock: int = 0


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
    file: str | None = None  # its deck's file, as last imported (None: none on record)
    line: int | None = None  # its line in that file now (None: the file or the card is not found)


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
    practice: Practice
    # The applied `quiz plan`, ended or not (`quiz stats` adds it; the figures do not depend on it).
    plan: StoredPlan | None = None
    # The scheduler in force, and under FSRS what it predicts today (core.stats.memory).
    scheduler: SchedulerName = "sm2"
    fsrs: FsrsFigures | None = None

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
            suspended=sum(d.suspended for d in self.decks),
        )


class StatsSource(Protocol):
    """The aggregates the store provides (``quizcards.store.Store`` is one)."""

    def deck_counts(self, today: date, deck: Sequence[str]) -> list[DeckCounts]: ...

    def today_counts(self, today: date, deck: Sequence[str]) -> TodayCounts: ...

    def review_days(self, until: date, deck: Sequence[str], since: date | None) -> list[date]: ...

    def retention_counts(
        self, starts: Sequence[date | None], until: date, deck: Sequence[str]
    ) -> list[tuple[int, int]]: ...

    def due_counts(self, until: date, deck: Sequence[str]) -> dict[date, int]: ...

    def daily_review_counts(self, start: date, until: date, deck: Sequence[str]) -> dict[date, int]: ...

    def practice_counts(self, start: date, until: date, deck: Sequence[str]) -> tuple[int, int]: ...

    def leeches(self, until: date, deck: Sequence[str], since: date | None, limit: int) -> list[Leech]: ...

    def scheduler_figures(
        self, today: date, deck: Sequence[str]
    ) -> tuple[SchedulerName, FsrsFigures | None]: ...


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


def build_stats(
    source: StatsSource,
    today: date,
    *,
    deck: str | Sequence[str] | None = None,
    since: date | None = None,
    leech_limit: int = LEECH_LIMIT,
) -> Stats:
    """Ask the store for each aggregate and derive the figures (several decks: any of them)."""
    decks = (deck,) if isinstance(deck, str) else tuple(deck or ())
    windows = retention_windows(today, since)
    counts = source.retention_counts([start for _, start in windows], today, decks)
    cal_first = calendar_start(today)
    if since is not None:
        cal_first = max(cal_first, since)
    scheduler, fsrs = source.scheduler_figures(today, decks)
    return Stats(
        as_of=today,
        deck=", ".join(decks) or None,
        since=since,
        decks=tuple(source.deck_counts(today, decks)),
        today=source.today_counts(today, decks) if since is None or since <= today else TodayCounts(),
        streak=streak(source.review_days(today, decks, since), today),
        retention=tuple(
            Retention(name, start, reviews, passed)
            for (name, start), (reviews, passed) in zip(windows, counts, strict=True)
        ),
        forecast=forecast(source.due_counts(today + timedelta(days=FORECAST_DAYS - 1), decks), today),
        calendar=calendar(source.daily_review_counts(cal_first, today, decks), today, since=since),
        leeches=tuple(source.leeches(today, decks, since, leech_limit)),
        practice=Practice(cal_first, today, *source.practice_counts(cal_first, today, decks)),
        scheduler=scheduler,
        fsrs=fsrs,
    )
