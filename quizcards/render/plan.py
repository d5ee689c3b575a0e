"""Renderables of `quiz plan`: the counts, the daily limit, the forecast chart and what fits."""

from __future__ import annotations

from datetime import date, timedelta

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text

from quizcards.core.planning import LeftOut, PlanCard, PlanDay, StoredPlan, StudyPlan
from quizcards.core.session import SessionFilter
from quizcards.render import line
from quizcards.render.words import easiness_text, plural

# Longer spans are drawn a week a bar, so the chart stays a screen high.
DAILY_BARS_UP_TO = 21
# Beyond this the bars only get longer, not clearer (as in `quiz stats`).
WIDEST = 96
# How many of the cards that fit (or are left out) are named; the rest are counted.
NAMED = 8
NEW_GLYPH = "█"
REVIEW_GLYPH = "▒"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """`Fri 2026-12-18`."""
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def selection_text(selection: SessionFilter) -> Text:
    """The decks and tags of a plan, or the whole collection."""
    parts = [f"deck {name}" for name in selection.decks] + [f"tag {name}" for name in selection.tags]
    return line(", ".join(parts) if parts else "all decks")


def plan_view(plan: StudyPlan, selection: SessionFilter) -> RenderableType:
    """The whole plan, for any width from 40 columns."""
    head = Text()
    head.append(f"Plan for {day_text(plan.until)}", style="bold")
    head.append(" · ")
    head.append_text(selection_text(selection))
    span = f"today ({day_text(plan.today)})"
    if plan.last_review_day > plan.today:
        span += f" to {day_text(plan.last_review_day)}"
    dates = Text(f"{plural(len(plan.days), 'study day')}: {span}; the interview day is not one.", style="dim")
    counts = dict(plan.counts)
    cards = Text(
        f"{plural(plan.total_cards, 'card')}: {counts['new']} new, {counts['learning']} learning, "
        f"{counts['mature']} mature; {plan.ready} already seen twice with a last grade of 3 or more."
    )
    parts: list[RenderableType] = [head, dates, cards, _limit_text(plan)]
    if plan.days:
        span = "day" if len(plan.days) <= DAILY_BARS_UP_TO else "week"
        parts.append(
            Panel(
                ForecastBars(plan.days),
                title=f"Reviews a {span}, if every grade is 4",
                title_align="left",
                box=box.ROUNDED,
                expand=False,
            )
        )
        parts.append(_legend(plan))
    if not plan.complete:
        parts += _fits_view(plan)
    return Group(*parts)


def _limit_text(plan: StudyPlan) -> Text:
    out = Text()
    if plan.new_cards == 0:
        out.append("No new cards: the plan starts none (a limit of 0 a day).")
        return out
    if plan.required_new_per_day is None:
        out.append("Too close: ", style="bold red")
        out.append(
            f"no day is left to start a new card: one started today comes back on {plan.until.isoformat()}, "
            f"the interview day itself. None of the {plan.new_cards} new cards fits."
        )
        return out
    if plan.required_new_per_day > plan.max_new_per_day:
        out.append("Too close: ", style="bold red")
        out.append(
            f"all {plan.new_cards} new cards would take {plan.required_new_per_day} a day, more than the "
            f"plan's cap of {plan.max_new_per_day} (--max-new). At {plan.max_new_per_day} a day, "
            f"{plan.new_cards - _left_out_new(plan)} of them fit."
        )
        return out
    started = [day.day for day in plan.days if day.new]
    out.append(f"{plural(plan.new_per_day, 'new card')} a day", style="bold")
    verb = "starts" if plan.new_per_day == 1 else "start"
    out.append(f" {verb} all {plan.new_cards} by {day_text(started[-1] if started else plan.today)}")
    if started and started[-1] < plan.last_start_day:
        out.append(f" (the last day one can start is {day_text(plan.last_start_day)})")
    out.append(f", so each is seen twice before {plan.until.isoformat()}")
    if plan.introduced_today:
        out.append(f" (today: {max(0, plan.new_per_day - plan.introduced_today)} more)")
    out.append(".")
    return out


def _left_out_new(plan: StudyPlan) -> int:
    return sum(entry.reason == "no_day_to_start" for entry in plan.left_out)


def _legend(plan: StudyPlan) -> Text:
    legend = Text(style="dim")
    legend.append(NEW_GLYPH, style="green")
    legend.append(" new  ")
    legend.append(REVIEW_GLYPH, style="cyan")
    legend.append(f" reviews · busiest day: {plural(plan.peak, 'review')}. ")
    legend.append("A floor: every grade below 3 adds reviews.")
    return legend


def _fits_view(plan: StudyPlan) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if plan.fits:
        parts.append(Text(f"What fits, weakest first ({len(plan.fits)}):", style="bold"))
        parts += [_card_line(card) for card in plan.fits[:NAMED]]
        if len(plan.fits) > NAMED:
            parts.append(Text(f"  … and {len(plan.fits) - NAMED} more (--json lists them all)", style="dim"))
    parts.append(Text(f"Left out ({len(plan.left_out)}):", style="bold"))
    parts += [_left_out_line(entry, plan) for entry in plan.left_out[:NAMED]]
    if len(plan.left_out) > NAMED:
        parts.append(Text(f"  … and {len(plan.left_out) - NAMED} more (--json lists them all)", style="dim"))
    return parts


def _card_line(card: PlanCard) -> Text:
    out = Text("  ", no_wrap=True, overflow="ellipsis")
    out.append_text(line(f"{card.deck}/{card.card_id}"))
    if card.schedule.is_new:
        out.append("  new", style="dim")
    else:
        out.append(
            f"  EF {easiness_text(card.schedule.easiness_hundredths)} · "
            f"{plural(card.schedule.lapses, 'lapse')}",
            style="dim",
        )
    return out


def _left_out_line(entry: LeftOut, plan: StudyPlan) -> Text:
    out = _card_line(entry.card)
    if entry.reason == "due_after_date":
        due = entry.card.schedule.due_on
        out.append(
            f" · next due {due.isoformat() if due else '?'}, after {plan.last_review_day}", style="dim"
        )
    return out


class ForecastBars:
    """One bar a study day (a week a bar over longer spans): new cards, then reviews."""

    def __init__(self, days: tuple[PlanDay, ...]) -> None:
        self.rows = _rows(days)

    LABEL = 10

    def _count_width(self) -> int:
        return len(str(max((total for _, _, total in self.rows), default=0)))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        fixed = self.LABEL + self._count_width() + 2
        return Measurement(min(fixed + 1, options.max_width), min(WIDEST, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        count_width = self._count_width()
        room = max(1, options.max_width - self.LABEL - count_width - 2)
        bars = _bars([(new, total - new) for _, new, total in self.rows], room)
        for (label, _, total), (new_cells, review_cells) in zip(self.rows, bars, strict=True):
            row = Text(no_wrap=True, overflow="crop")
            row.append(f"{label:<{self.LABEL}} ", style="dim" if total == 0 else "")
            row.append(NEW_GLYPH * new_cells, style="green")
            row.append(REVIEW_GLYPH * review_cells, style="cyan")
            row.append(" " * max(0, room - new_cells - review_cells))
            row.append(f" {total:>{count_width}}", style="dim" if total == 0 else "")
            yield row


def _rows(days: tuple[PlanDay, ...]) -> list[tuple[str, int, int]]:
    if len(days) <= DAILY_BARS_UP_TO:
        return [
            (f"{WEEKDAYS[d.day.weekday()]} {MONTHS[d.day.month - 1]} {d.day.day:>2}", d.new, d.total)
            for d in days
        ]
    rows = []
    for start in range(0, len(days), 7):
        week = days[start : start + 7]
        first = week[0].day
        rows.append(
            (
                f"{MONTHS[first.month - 1]} {first.day:>2}+",
                sum(d.new for d in week),
                sum(d.total for d in week),
            )
        )
    return rows


def _cells(value: int, peak: int, room: int) -> int:
    """Whole cells for value out of peak, halves rounded up; a non-zero value always shows."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, (2 * value * room + peak) // (2 * peak))


def _bars(rows: list[tuple[int, int]], room: int) -> list[tuple[int, int]]:
    """(new, reviews) cells a row, each part rounded by the same rule on one scale.

    When the busiest row fits the room, every review is the same whole number of cells, so the bars
    add up exactly. Otherwise each part is rounded apart, which can make a row a cell wider than the
    room: the scale then shrinks a cell at a time until every row fits (or one cell is left a part).
    """
    peak = max((new + reviews for new, reviews in rows), default=0)
    widest = room // peak * peak if 0 < peak <= room else room
    for scale in range(widest, 0, -1):
        bars = [(_cells(new, peak, scale), _cells(reviews, peak, scale)) for new, reviews in rows]
        if all(new + reviews <= room for new, reviews in bars):
            return bars
    return bars


def last_days_text(starts_on: date, until: date) -> str:
    """When an applied plan's new cards stop: DATE - 2; DATE - 1 is for reviews only."""
    last_start, last = until - timedelta(days=2), until - timedelta(days=1)
    if last_start < starts_on:
        return f"its only day, {last.isoformat()}, reviews only"
    return f"new cards through {last_start.isoformat()}; the last day, {last.isoformat()}, reviews only"


def stored_plan_line(stored: StoredPlan, today: date, label: str = "Plan: ") -> Text:
    """An applied plan in one line, as `quiz stats`, `quiz review` and `quiz plan` show it."""
    out = Text()
    out.append(label, style="bold")
    out.append(f"{plural(stored.new_per_day, 'new card')} a day from ")
    out.append_text(selection_text(stored.selection))
    if stored.active_on(today):
        out.append(f", until {stored.until.isoformat()} ({last_days_text(stored.starts_on, stored.until)}).")
    elif today >= stored.until:
        out.append(f"; ended on {stored.until.isoformat()}. ", style="")
        out.append("quiz plan --clear removes it.", style="dim")
    else:
        out.append(f"; starts on {stored.starts_on.isoformat()}.")
    return out
