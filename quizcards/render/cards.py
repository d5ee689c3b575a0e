"""Renderables of `quiz cards` and `quiz show`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcards.core.explanation import PointMatch
from quizcards.core.listings import CardListing, CardRecord
from quizcards.core.scheduler import CARD_STATES, CardState, Grade
from quizcards.render import line, text
from quizcards.render.review import GRADE_STYLES, answer_panel, points_checklist, question_panel
from quizcards.render.words import easiness_text, plural

STATE_STYLES: dict[CardState, str] = {
    "new": "cyan",
    "learning": "yellow",
    "mature": "green",
    "retired": "dim",
}
# A suspended card keeps its state (--json has both); the listing shows what matters more: it is never drawn.
SUSPENDED = "suspended"
SUSPENDED_STYLE = "magenta"


def shown_state(listing: CardListing) -> str:
    """The state `quiz cards` shows: the card's state, or `suspended` for an active suspended card."""
    return SUSPENDED if listing.suspended_on is not None and not listing.retired else listing.state


def day_text(due_on: date | None, today: date) -> Text:
    """The due date with how far away it is: `2026-03-12 (in 2 days)`, `today`, `... overdue`; or a dash."""
    if due_on is None:
        return Text("—", style="dim")
    days = (due_on - today).days
    stamp = due_on.isoformat()
    if days == 0:
        return Text(f"{stamp} (today)", style="bold green")
    if days < 0:
        return Text(f"{stamp} ({plural(-days, 'day')} overdue)", style="bold red")
    return Text(f"{stamp} (in {plural(days, 'day')})")


# The columns a narrow terminal hides, first to last, before the question is shortened below
# a sixth of the width (at least 16 cells): the card, its state and its due date always stay, and a
# date is never cut.
GIVE_WAY = ("lapses", "EF", "interval")
COLUMNS = ("card", "state", "due", "interval", "EF", "lapses", "question")
# Under FSRS its memory replaces SM-2's interval and EF (which keep running underneath: --json has them).
FSRS_GIVE_WAY = ("lapses", "difficulty", "stability", "R")
FSRS_COLUMNS = ("card", "state", "due", "R", "stability", "difficulty", "lapses", "question")
FSRS_LEGEND = {
    "R": "R: recall FSRS predicts today",
    "stability": "stability in days",
    "difficulty": "difficulty 1-10",
}


def cards_table(listings: Sequence[CardListing], today: date, *, wide: bool = False) -> CardsTable:
    """The `quiz cards` table, fitted to the width it is printed at (every column in full when wide)."""
    return CardsTable(tuple(listings), today, wide)


@dataclass(frozen=True, slots=True)
class CardsTable:
    """The listing as a table laid out at print time, when the width is known."""

    listings: tuple[CardListing, ...]
    today: date
    wide: bool

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    @property
    def fsrs(self) -> bool:
        return any(listing.scheduler == "fsrs" for listing in self.listings)

    @property
    def columns(self) -> tuple[str, ...]:
        return FSRS_COLUMNS if self.fsrs else COLUMNS

    @property
    def give_way(self) -> tuple[str, ...]:
        return FSRS_GIVE_WAY if self.fsrs else GIVE_WAY

    def table(self, width: int) -> Table:
        """The table at this width: every column when it fits, else the GIVE_WAY columns hidden in order."""
        cells = self._cells()
        natural = {
            name: max([cell_len(name), *(cell_len(row[name].plain) for row in cells)])
            for name in self.columns
        }
        give_way = self.give_way
        if self.wide:
            return self._table(cells, hidden=(), widths={})
        hidden: tuple[str, ...] = ()
        question = min(natural["question"], max(16, width // 6))
        for count in range(len(give_way) + 1):
            hidden = give_way[:count]
            if _room(width, natural, hidden) >= question:
                break
        widths = {"question": min(natural["question"], max(_room(width, natural, hidden), 1))}
        if _room(width, natural, hidden) < question:
            # Even the three columns gone leave too little: the card's name folds onto more lines.
            short = natural["card"] - (question - _room(width, natural, hidden))
            widths["card"] = min(natural["card"], max(short, CARD_ROOM))
            widths["question"] = max(
                width
                - _overhead(len(natural) - len(hidden))
                - sum(
                    widths.get(name, natural[name]) for name in natural if name not in {*hidden, "question"}
                ),
                1,
            )
        return self._table(cells, hidden=hidden, widths=widths)

    def _cells(self) -> list[dict[str, Text]]:
        rows = []
        for listing in self.listings:
            schedule = listing.schedule
            rows.append(
                {
                    "card": line(f"{listing.deck}/{listing.card_id}"),
                    "state": _state_cell(listing),
                    "due": _due_cell(listing, self.today),
                    "interval": Text("—" if schedule.is_new else f"{schedule.interval_days} d"),
                    "EF": Text(easiness_text(schedule.easiness_hundredths)),
                    "lapses": Text(str(schedule.lapses)),
                    **_memory_cells(listing),
                    "question": line(listing.question) if self.wide else _one_line(listing.question),
                }
            )
        return rows

    def _table(self, cells: list[dict[str, Text]], *, hidden: Sequence[str], widths: dict[str, int]) -> Table:
        counts = Counter(shown_state(listing) for listing in self.listings)
        caption = Text(
            f"{plural(len(self.listings), 'card')}: "
            + ", ".join(f"{counts[state]} {state}" for state in (*CARD_STATES, SUSPENDED) if counts[state]),
            style="dim",
        )
        legend = [words for name, words in FSRS_LEGEND.items() if self.fsrs and name not in hidden]
        if legend:
            caption.append("\n" + " · ".join(legend))
        if hidden:
            names = ", ".join(name for name in self.give_way if name in hidden)
            caption.append(f"\n{names} hidden to fit; --wide or a wider terminal shows them.")
        table = Table(box=box.SIMPLE_HEAVY, caption=caption, caption_justify="left")
        columns = [name for name in self.columns if name not in hidden]
        for name in columns:
            table.add_column(
                name,
                justify="right" if name in self.give_way else "left",
                # Only the card's name (folded) and the question may take fewer cells than they need.
                no_wrap=name not in {"card", "question"},
                overflow="fold" if name == "card" else "ellipsis",
                width=widths.get(name),
            )
        for row in cells:
            table.add_row(*(row[name] for name in columns))
        return table


# Cells a card's name keeps, however narrow the terminal (it folds onto more lines).
CARD_ROOM = 12


def _overhead(columns: int) -> int:
    """A SIMPLE_HEAVY table's cells besides its columns' text: the edges, dividers and padding."""
    return 2 + (columns - 1) + 2 * columns


def _room(width: int, natural: dict[str, int], hidden: Sequence[str]) -> int:
    """The cells left for the question when every other shown column takes its natural width."""
    shown = [name for name in natural if name not in hidden]
    return width - _overhead(len(shown)) - sum(natural[name] for name in shown if name != "question")


def _state_cell(listing: CardListing) -> Text:
    state = shown_state(listing)
    return Text(state, style=SUSPENDED_STYLE if state == SUSPENDED else STATE_STYLES[listing.state])


def _memory_cells(listing: CardListing) -> dict[str, Text]:
    """R, stability and difficulty under FSRS (a dash for a card FSRS has not seen)."""
    memory = listing.memory
    if memory is None:
        return {name: Text("—", style="dim") for name in ("R", "stability", "difficulty")}
    return {
        "R": recall_text(memory.retrievability),
        "stability": Text(f"{memory.stability:.1f} d"),
        "difficulty": Text(f"{memory.difficulty:.1f}"),
    }


def recall_text(retrievability: float) -> Text:
    """R as a whole percent (100% only on the day of the review itself)."""
    percent = min(99, round(retrievability * 100)) if retrievability < 1 else 100
    return Text(f"{percent}%")


def _due_cell(listing: CardListing, today: date) -> Text:
    due_on = listing.due_on
    if due_on is None:
        return Text("—", style="dim")
    if listing.suspended_on is not None:  # kept, but no session draws it: neither due nor overdue
        return Text(due_on.isoformat(), style="dim")
    due = Text(due_on.isoformat())
    if due_on <= today:
        due.stylize("bold green" if due_on == today else "bold red")
    return due


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
    if record.suspended_on is not None:
        suspended = Text(
            f"since {record.suspended_on.isoformat()}; no session draws it", style=SUSPENDED_STYLE
        )
        rows.add_row(SUSPENDED, suspended)
        rows.add_row(
            "", Text(f"quiz unsuspend {line(f'{record.card.deck}/{record.card.card_id}').plain}", style="dim")
        )
    due_on = record.due_on
    due = day_text(due_on, today)
    if record.suspended_on is not None and due_on is not None:
        due = Text(f"{due_on.isoformat()} (kept while suspended)", style="dim")
    rows.add_row("due", due)
    if record.scheduler == "fsrs":
        # SM-2's interval and EF keep running underneath, but FSRS decides: its memory is shown instead.
        _memory_rows(rows, record)
    else:
        rows.add_row("interval", "—" if schedule.is_new else plural(schedule.interval_days, "day"))
        rows.add_row("easiness (EF)", easiness_text(schedule.easiness_hundredths))
    rows.add_row("repetitions", str(schedule.repetitions))
    rows.add_row("lapses", str(schedule.lapses))
    rows.add_row("reviews", str(schedule.reviews))
    last = schedule.last_reviewed_on
    rows.add_row("last reviewed", last.isoformat() if last else "never")
    rows.add_row("added", record.added_at[:10])
    title = "Schedule · FSRS" if record.scheduler == "fsrs" else "Schedule"
    return Panel(rows, title=title, border_style="cyan", expand=False)


def _memory_rows(rows: Table, record: CardRecord) -> None:
    memory = record.memory
    if memory is None:
        rows.add_row("FSRS", Text("no memory state until its first review", style="dim"))
        return
    rows.add_row("stability", f"{memory.stability:.1f} days (recall falls to 90% after that long)")
    rows.add_row("difficulty", f"{memory.difficulty:.1f} (1 easiest, 10 hardest)")
    rows.add_row("retrievability", Text.assemble(recall_text(memory.retrievability), " today"))


_KIND_LABELS = {"redrill": "re-drill"}


def history_table(record: CardRecord) -> RenderableType:
    if not record.history:
        return Text(
            "No reviews yet: the history of your explanations starts with the first review.", style="dim"
        )
    # Under FSRS the log's next interval and EF are SM-2's, running underneath: not what decided.
    sm2 = record.scheduler != "fsrs"
    table = Table(title=Text("History", style="bold"), title_justify="left", box=box.SIMPLE_HEAVY)
    table.add_column("date", no_wrap=True)
    table.add_column("grade", no_wrap=True)
    if sm2:
        table.add_column("next", justify="right", no_wrap=True)
        table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("your explanation", ratio=1)
    for review in record.history:
        grade = Text(f"{review.grade} {Grade(review.grade).label}", style=GRADE_STYLES[review.grade])
        if review.kind != "scheduled":  # a re-drill, cram or mock answer: logged, no schedule moved
            grade.append(f" ({_KIND_LABELS.get(review.kind, review.kind)})", style="dim")
            interval = Text("—", style="dim")
        else:
            interval = Text(plural(review.interval_days_after, "day"))
        explanation = text(review.explanation) if review.explanation else Text("(nothing typed)", style="dim")
        schedule = (interval, easiness_text(review.easiness_hundredths_after)) if sm2 else ()
        table.add_row(review.reviewed_on.isoformat(), grade, *schedule, explanation)
    return table
