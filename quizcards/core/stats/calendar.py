"""The review calendar of `quiz stats`: weeks of days, each shaded by its share of the learner's own range."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

CALENDAR_WEEKS = 26
HEAT_LEVELS = 4


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
    quartiles: bool = False  # the thresholds are quartiles of the days with reviews, not single counts

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


def heat_thresholds(peak: int, levels: int = HEAT_LEVELS) -> tuple[int, ...]:
    """The lowest count of each level 1..levels: the busiest day's count split in equal parts.

    With a peak below the number of levels each count is its own level, so a
    history of ones and twos is not drawn as if it were a history of extremes.
    """
    top = max(peak, levels)
    return tuple((k - 1) * top // levels + 1 for k in range(1, levels + 1))


def heat_scale(day_counts: Iterable[int], levels: int = HEAT_LEVELS) -> tuple[tuple[int, ...], bool]:
    """The lowest count of each level 1..levels for these days, and whether they are quantiles.

    Level 1 starts at one review; level k at the (k-1)/levels quantile of the days
    with reviews, moved up past the level below (ties make equal quantiles) and
    down so that every level can still be reached by the busiest day. When the
    busiest day has no more reviews than there are levels, ``heat_thresholds``.
    """
    active = sorted(count for count in day_counts if count > 0)
    peak = active[-1] if active else 0
    if peak <= levels:
        return heat_thresholds(peak, levels), False
    lows = [1]
    for k in range(1, levels):
        quantile = active[k * len(active) // levels]
        lows.append(min(max(quantile, lows[-1] + 1), peak - (levels - 1 - k)))
    return tuple(lows), True


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
    thresholds, quartiles = heat_scale(count for day, count in day_counts.items() if first <= day <= today)
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
    return Calendar(first, today, start, tuple(columns), thresholds, quartiles)
