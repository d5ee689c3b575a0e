"""Renderables of `quiz stats`: the dashboard, laid out for the width it is given.

At 76 columns or more the day's figures and the forecast sit side by side;
narrower, everything stacks. The charts measure the space they get and shrink
(bars scale, the calendar drops to one column a week, then to fewer weeks).
Nothing relies on colour alone: the heat map's levels are distinct glyphs,
so it still reads with NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcards.core.stats.calendar import Calendar
from quizcards.core.stats.figures import DeckCounts, Forecast, Leech, Practice, Stats
from quizcards.render import line
from quizcards.render.stats_text import (
    format_duration,
    format_rate,
    fsrs_lines,
    practice_counts,
    scheduler_name,
    window_label,
)
from quizcards.render.words import easiness_text, plural

SIDE_BY_SIDE_WIDTH = 76
SUMMARY_WIDTH = 34
# Beyond this the bars only get longer, not clearer.
WIDEST = 100
HEAT_GLYPHS = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("bright_black", "color(22)", "color(28)", "color(34)", "color(46)")
EIGHTHS = " ▏▎▍▌▋▊▉"
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def stats_dashboard(stats: Stats, width: int) -> RenderableType:
    """The whole dashboard for a terminal of the given width."""
    parts: list[RenderableType] = [_header(stats)]
    if stats.fsrs is not None:
        parts.append(Text("\n".join(fsrs_lines(stats)), style="dim"))
    if stats.plan is not None:
        from quizcards.render.plan import stored_plan_line

        parts.append(stored_plan_line(stats.plan, stats.as_of))
    if not stats.decks:
        parts.append(Text("No decks yet. Import one with: quiz import PATH"))
        return Group(*parts)
    parts.append(decks_table(stats, width))
    summary = Panel(summary_grid(stats), title="Today", title_align="left", box=box.ROUNDED)
    chart = Panel(
        ForecastChart(stats.forecast),
        title=f"Due in the next {len(stats.forecast.days)} days",
        title_align="left",
        box=box.ROUNDED,
    )
    if width >= SIDE_BY_SIDE_WIDTH:
        row = Table.grid(expand=True, padding=(0, 1, 0, 0))
        row.width = min(width, WIDEST)
        row.add_column(width=SUMMARY_WIDTH, no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(summary, chart)
        parts.append(row)
    else:
        parts += [summary, chart]
    parts.append(calendar_panel(stats.calendar, stats, practice=stats.practice))
    parts.append(leeches_view(stats.leeches, width))
    return Group(*parts)


def _header(stats: Stats) -> Text:
    header = Text()
    header.append("quizcards stats", style="bold")
    header.append(f" · {WEEKDAYS[stats.as_of.weekday()]} {stats.as_of.isoformat()}")
    if stats.deck is not None:
        header.append(" · deck ")
        header.append_text(line(stats.deck, "bold"))
    if stats.since is not None:
        header.append(f" · reviews since {stats.since.isoformat()}", style="dim")
    header.append(f" · {scheduler_name(stats)}", style="dim")
    return header


def decks_table(stats: Stats, width: int) -> Table:
    """Cards by state, one row a deck, with a total when there are several."""
    narrow = width < 64
    headers = (
        ("new", "lrn", "mat", "ret", "due", "sus")
        if narrow
        else ("new", "learning", "mature", "retired", "due today", "suspended")
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, caption_justify="left", collapse_padding=narrow)
    table.add_column(
        "deck", overflow="ellipsis", no_wrap=True, max_width=max(6, width - 28) if narrow else None
    )
    for name in headers:
        table.add_column(name, justify="right", no_wrap=True)
    if narrow:
        table.caption = "lrn learning · mat mature (21+ days) · ret retired · sus suspended"
    for counts in stats.decks:
        table.add_row(line(counts.deck), *_deck_cells(counts))
    if len(stats.decks) > 1:
        table.rows[-1].end_section = True
        table.add_row(Text("total", style="bold"), *_deck_cells(stats.totals))
    return table


def _deck_cells(counts: DeckCounts) -> list[Text]:
    return [
        Text(str(counts.new)),
        Text(str(counts.learning)),
        Text(str(counts.mature)),
        Text(str(counts.retired), style="dim" if counts.retired == 0 else ""),
        Text(str(counts.due_today), style="bold green" if counts.due_today else ""),
        Text(str(counts.suspended), style="dim" if counts.suspended == 0 else "magenta"),
    ]


def summary_grid(stats: Stats) -> Table:
    """Today's work, the streaks and retention, as label/value lines."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    today, run = stats.today, stats.streak
    grid.add_row("reviews", Text(f"{today.reviews} ({plural(today.cards, 'card')})"))
    grid.add_row("re-drills", Text(str(today.redrills)))
    grid.add_row("time", Text(format_duration(today.duration_ms)))
    if today.cram or today.mock:
        grid.add_row("practice", Text(practice_counts(today.cram, today.mock, noun=False)))
    grid.add_row("", "")
    grid.add_row(Text("Streak", style="bold"), "")
    current = Text(plural(run.current, "day"), style="bold" if run.current else "")
    if run.current and not run.reviewed_today:
        current.append(" (none yet today)", style="dim")
    grid.add_row("current", current)
    grid.add_row("longest", Text(plural(run.longest, "day")))
    grid.add_row("", "")
    grid.add_row(Text("Retention", style="bold"), "")
    for retention in stats.retention:
        grid.add_row(window_label(retention, stats.since), Text(format_rate(retention)))
    return grid


class ForecastChart:
    """Horizontal bars, one a day, scaled to the width available."""

    def __init__(self, forecast: Forecast) -> None:
        self.forecast = forecast

    def _label_width(self) -> int:
        return 6

    def _count_width(self) -> int:
        return len(str(self.forecast.peak))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        fixed = self._label_width() + self._count_width() + 2
        return Measurement(min(fixed + 1, options.max_width), options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        forecast = self.forecast
        count_width = self._count_width()
        room = max(1, options.max_width - self._label_width() - count_width - 2)
        peak = forecast.peak
        for index, day in enumerate(forecast.days):
            row = Text(no_wrap=True, overflow="crop")
            label = "today" if index == 0 else f"{WEEKDAYS[day.day.weekday()]} {day.day.day:>2}"
            weekend = day.day.weekday() >= 5
            row.append(
                f"{label:<{self._label_width()}} ", style="bold" if index == 0 else "dim" if weekend else ""
            )
            bar = _bar(day.due, peak, room)
            row.append(bar, style="yellow" if index == 0 else "cyan")
            row.append(" " * (room - len(bar)))
            row.append(f" {day.due:>{count_width}}", style="dim" if day.due == 0 else "")
            yield row
        if forecast.overdue:
            yield Text(f"today includes {forecast.overdue} overdue", style="dim")


def _bar(value: int, peak: int, room: int) -> str:
    """A bar of value/peak of room cells, in eighths of a cell; a non-zero value always shows."""
    if value <= 0 or peak <= 0:
        return ""
    eighths = max(1, round(value * room * 8 / peak))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


class CalendarHeatmap:
    """A week a column, Monday to Sunday down; two cells wide a week when there is room, else one."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar

    LABEL = 4

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        weeks = len(self.calendar.weeks)
        return Measurement(
            min(self.LABEL + 8, options.max_width), min(self.LABEL + 2 * weeks, options.max_width)
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def _lines(self, width: int) -> Iterator[Text]:
        weeks = self.calendar.weeks
        room = max(1, width - self.LABEL)
        cell = 2 if room >= 2 * len(weeks) else 1
        shown = min(len(weeks), max(1, room // cell))
        first = len(weeks) - shown
        yield self._month_row(first, shown, cell)
        for weekday in range(7):
            row = Text(no_wrap=True, overflow="crop")
            row.append(f"{WEEKDAY_LABELS[weekday]:<{self.LABEL}}", style="dim")
            for week in weeks[first:]:
                entry = week[weekday]
                if entry is None:
                    row.append(" " * cell)
                else:
                    row.append(HEAT_GLYPHS[entry.level], style=HEAT_STYLES[entry.level])
                    if cell == 2:
                        row.append(" ")
            yield row

    def _month_row(self, first: int, shown: int, cell: int) -> Text:
        """Each month's name over the week holding its 1st (the first column: its own month).

        The current month is placed first, pulled left from the edge if its week is the
        last; the others take the room left, each moved right within its own month
        when it would touch its neighbour, and left out when it finds no room there.
        """
        width = self.LABEL + shown * cell
        chars = [" "] * width
        sundays = [self.calendar.week_start(first + column) + timedelta(days=6) for column in range(shown)]
        months = [sunday.month for sunday in sundays]
        starts = [(c, m) for c, m in enumerate(months) if c == 0 or m != months[c - 1]]
        last_column, last_month = starts[-1]
        name = MONTHS[last_month - 1]
        limit = width
        position = min(self.LABEL + last_column * cell, width - len(name))
        if position >= self.LABEL:
            chars[position : position + len(name)] = name
            limit = position - 1
        free_from = self.LABEL
        for (column, month), (next_column, _) in pairwise(starts):
            name = MONTHS[month - 1]
            for position in range(self.LABEL + column * cell, self.LABEL + next_column * cell):
                if position >= free_from and position + len(name) <= limit:
                    chars[position : position + len(name)] = name
                    free_from = position + len(name) + 1
                    break
        return Text("".join(chars).rstrip(), style="dim", no_wrap=True, overflow="crop")


def heat_legend(calendar: Calendar) -> Text:
    legend = Text()
    for level, low, high in calendar.level_ranges():
        if level:
            legend.append("  ")
        legend.append(HEAT_GLYPHS[level], style=HEAT_STYLES[level])
        span = str(low) if high == low else f"{low}+" if high is None else f"{low}–{high}"
        legend.append(f" {span}", style="dim")
    legend.append("  reviews a day", style="dim")
    if calendar.quartiles:
        legend.append("\nshades: quartiles of your days with reviews", style="dim")
    return legend


def calendar_panel(calendar: Calendar, stats: Stats, *, practice: Practice | None = None) -> Panel:
    summary = Text(
        f"{plural(calendar.total_reviews, 'review')} on {plural(calendar.active_days, 'day')} "
        f"since {calendar.start.isoformat()}",
        style="dim",
    )
    if practice is not None and (practice.cram or practice.mock):
        summary.append(f"\nplus {practice_counts(practice.cram, practice.mock)} (practice, not in the map)")
    return Panel(
        Group(CalendarHeatmap(calendar), heat_legend(calendar), summary),
        title="Reviews per day",
        title_align="left",
        box=box.ROUNDED,
        expand=False,
    )


def leeches_view(leeches: tuple[Leech, ...], width: int) -> RenderableType:
    """The hardest cards: most lapses, then lowest easiness, with their questions."""
    if not leeches:
        return Text("Leeches: none; no card has lapsed.", style="dim")
    title = "Leeches (most lapses, lowest easiness)"
    if width < 64:
        # Too narrow for a question column: each card takes two lines instead.
        lines: list[RenderableType] = [Text(title, style="bold")]
        for leech in leeches:
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append_text(line(f"{leech.deck}/{leech.card_id}", "bold"))
            head.append(
                f"  {plural(leech.lapses, 'lapse')} · EF {easiness_text(leech.easiness_hundredths)}",
                style="dim",
            )
            question = line(leech.question)
            question.no_wrap = True
            question.overflow = "ellipsis"
            lines += [head, Text.assemble("  ", question, no_wrap=True, overflow="ellipsis")]
            where = leech_location(leech)
            if where is not None:
                lines.append(Text.assemble("  ", where, no_wrap=True, overflow="ignore"))
        return Group(*lines)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    table.add_column("card", overflow="ellipsis", no_wrap=True, max_width=28)
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("question", overflow="ellipsis", no_wrap=True, ratio=1, min_width=8)
    for leech in leeches:
        table.add_row(
            line(f"{leech.deck}/{leech.card_id}"),
            Text(str(leech.lapses), style="red" if leech.lapses >= 3 else ""),
            Text(easiness_text(leech.easiness_hundredths)),
            line(leech.question),
        )
    places = [
        Text.assemble(
            "  ", where, "  ", line(f"{leech.deck}/{leech.card_id}", "dim"), no_wrap=True, overflow="ignore"
        )
        for leech in leeches
        if (where := leech_location(leech)) is not None
    ]
    return Group(table, Text("In their deck files:", style="bold"), *places) if places else table


def leech_location(leech: Leech) -> Text | None:
    """FILE:LINE of a leech's card, for an editor to jump to (FILE alone when the line is unknown).

    Never cut or folded by the renderable (its line runs on, for the terminal to wrap): a
    shortened path opens nothing, and a folded one is not one word to click or copy.
    """
    if leech.file is None:
        return None
    return line(leech.file if leech.line is None else f"{leech.file}:{leech.line}")
