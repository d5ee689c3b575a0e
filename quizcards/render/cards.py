"""Renderables of `quiz cards` and `quiz show`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcards.core.explanation import PointMatch
from quizcards.core.listings import CardListing, CardRecord
from quizcards.core.scheduler import CARD_STATES, CardState, Grade, Schedule
from quizcards.render import line, text
from quizcards.render.review import GRADE_STYLES, answer_panel, points_checklist, question_panel
from quizcards.render.words import easiness_text, plural

STATE_STYLES: dict[CardState, str] = {
    "new": "cyan",
    "learning": "yellow",
    "mature": "green",
    "retired": "dim",
}


def due_text(schedule: Schedule, *, retired: bool, today: date) -> Text:
    """The due date with how far away it is: `2026-03-12 (in 2 days)`, `today`, `... overdue`."""
    if retired or schedule.due_on is None:
        return Text("—", style="dim")
    days = (schedule.due_on - today).days
    stamp = schedule.due_on.isoformat()
    if days == 0:
        return Text(f"{stamp} (today)", style="bold green")
    if days < 0:
        return Text(f"{stamp} ({plural(-days, 'day')} overdue)", style="bold red")
    return Text(f"{stamp} (in {plural(days, 'day')})")


def cards_table(listings: Sequence[CardListing], today: date) -> Table:
    counts = Counter(listing.state for listing in listings)
    caption = ", ".join(f"{counts[state]} {state}" for state in CARD_STATES if counts[state])
    table = Table(
        box=box.SIMPLE_HEAVY,
        caption=Text(f"{plural(len(listings), 'card')}: {caption}", style="dim"),
        caption_justify="left",
    )
    table.add_column("card", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("due", no_wrap=True)
    table.add_column("interval", justify="right", no_wrap=True)
    table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("lapses", justify="right", no_wrap=True)
    # The only column that may shrink: its cells are one line each, cut with an ellipsis.
    table.add_column("question", min_width=12)
    for listing in listings:
        schedule = listing.schedule
        due_on = schedule.due_on
        unscheduled = listing.retired or due_on is None
        due = Text("—", style="dim") if unscheduled or due_on is None else Text(due_on.isoformat())
        if not unscheduled and due_on is not None and due_on <= today:
            due.stylize("bold green" if due_on == today else "bold red")
        table.add_row(
            line(f"{listing.deck}/{listing.card_id}"),
            Text(listing.state, style=STATE_STYLES[listing.state]),
            due,
            "—" if schedule.is_new else f"{schedule.interval_days} d",
            easiness_text(schedule.easiness_hundredths),
            str(schedule.lapses),
            _one_line(listing.question),
        )
    return table


def _one_line(value: str) -> Text:
    cell = line(value)
    cell.no_wrap = True
    cell.overflow = "ellipsis"
    return cell


def card_view(record: CardRecord, today: date) -> Group:
    """A card as a review shows it, then its schedule and every past explanation."""
    card = record.card
    header = Text()
    header.append(line(card.deck_title).plain, style="bold cyan")
    header.append(f"  ·  {line(card.deck).plain}/{line(card.card_id).plain}", style="bold")
    if card.tags:
        header.append("  ·  " + ", ".join(line(tag).plain for tag in card.tags), style="dim")
    parts: list[RenderableType] = [header, question_panel(card, record.state), answer_panel(card)]
    checklist = points_checklist(
        [PointMatch(point.with_alternatives(), "missing", None) for point in card.points], typed=False
    )
    if checklist is not None:
        parts.append(checklist)
    if card.hints:
        hints = Text("Hints:\n", style="bold")
        for number, hint in enumerate(card.hints, start=1):
            hints.append(f"  {number}. ", style="yellow")
            hints.append(line(hint).plain + "\n")
        hints.rstrip()
        parts.append(hints)
    parts.append(schedule_panel(record, today))
    parts.append(history_table(record))
    return Group(*parts)


def schedule_panel(record: CardRecord, today: date) -> Panel:
    schedule = record.card.schedule
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    rows.add_row("state", Text(record.state, style=STATE_STYLES[record.state]))
    if record.retired:
        rows.add_row("", Text("no longer in its deck file; kept for its history", style="dim"))
    rows.add_row("due", due_text(schedule, retired=record.retired, today=today))
    rows.add_row("interval", "—" if schedule.is_new else plural(schedule.interval_days, "day"))
    rows.add_row("easiness (EF)", easiness_text(schedule.easiness_hundredths))
    rows.add_row("repetitions", str(schedule.repetitions))
    rows.add_row("lapses", str(schedule.lapses))
    rows.add_row("reviews", str(schedule.reviews))
    last = schedule.last_reviewed_on
    rows.add_row("last reviewed", last.isoformat() if last else "never")
    rows.add_row("added", record.added_at[:10])
    return Panel(rows, title="Schedule", border_style="cyan", expand=False)


def history_table(record: CardRecord) -> RenderableType:
    if not record.history:
        return Text(
            "No reviews yet: the history of your explanations starts with the first review.", style="dim"
        )
    table = Table(title=Text("History", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY)
    table.add_column("date", no_wrap=True)
    table.add_column("grade", no_wrap=True)
    table.add_column("next", justify="right", no_wrap=True)
    table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("your explanation", ratio=1)
    for review in record.history:
        grade = Text(f"{review.grade} {Grade(review.grade).label}", style=GRADE_STYLES[review.grade])
        if review.kind == "redrill":
            grade.append(" (re-drill)", style="dim")
            interval = Text("—", style="dim")
        else:
            interval = Text(plural(review.interval_days_after, "day"))
        explanation = text(review.explanation) if review.explanation else Text("(nothing typed)", style="dim")
        table.add_row(
            review.reviewed_on.isoformat(),
            grade,
            interval,
            easiness_text(review.easiness_hundredths_after),
            explanation,
        )
    return table
