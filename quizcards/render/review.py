"""Renderables of the review session: the card, the answer, the grade given and the summary.

What the first card needs is imported here; the rest (tables for the grade legend
and the summary) where it is used, to keep the first question quick to appear.
Titles are ``Text``: a plain string title makes Rich parse it as markup, which
loads its emoji table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from quizcards.adapters.sanitize import clean_line
from quizcards.core.scheduler import Grade
from quizcards.core.session import Outlook, PastExplanation, RecordedReview, Remaining, StudyCard, Tally
from quizcards.render import markdown, text
from quizcards.render.words import plural

if TYPE_CHECKING:  # the matcher loads at the first reveal, not with the first question
    from quizcards.core.explanation import PointMatch
    from quizcards.core.planning import StoredPlan

GRADE_STYLES = {0: "red", 1: "red", 2: "yellow", 3: "yellow", 4: "green", 5: "green"}


def session_header(card: StudyCard, position: int, remaining: Remaining) -> Text:
    header = Text()
    header.append(clean_line(card.deck_title), style="bold cyan")
    header.append(f"  ·  card {position} of {position - 1 + remaining.total}", style="bold")
    header.append(
        f"  ·  due {remaining.due} · new {remaining.new} · re-drill {remaining.redrill}",
        style="dim",
    )
    return header


def question_panel(card: StudyCard, reason: str) -> Panel:
    label = {"due": "review", "new": "new card", "redrill": "re-drill"}.get(reason, reason)
    subtitle = Text(f"{label} · {clean_line(card.card_id)}", style="dim")
    return Panel(text(card.question, "bold"), title=Text("Question"), subtitle=subtitle, padding=(1, 2))


def input_instructions(hints_left: int) -> Text:
    message = "Explain it in your own words; an empty line ends. Enter alone: answer in your head."
    if hints_left:
        message += f" 'h' alone: a hint ({hints_left} left)."
    return Text(message, style="dim")


def hint(number: int, value: str) -> Text:
    return Text.assemble(("Hint " + str(number) + ": ", "yellow bold"), text(value, "yellow"))


def answer_panel(card: StudyCard) -> Panel:
    parts: list[RenderableType] = [markdown(card.answer)]
    if card.source:
        parts.append(Text.assemble(("Source: ", "dim bold"), text(card.source, "dim")))
    return Panel(Group(*parts), title=Text("Model answer"), border_style="green", padding=(0, 1))


_MARKS = {
    "mentioned": ("  ✓ ", "green bold", "green"),
    "doubtful": ("  ? ", "yellow bold", "yellow"),
    "missing": ("  ✗ ", "red bold", ""),
}


def points_checklist(matches: Sequence[PointMatch], *, typed: bool) -> Text | None:
    """The key points; after a typed explanation, which of them its words mention (the learner grades)."""
    if not matches:
        return None
    out = Text()
    if not typed:
        out.append("Key points:\n", style="bold")
        for match in matches:
            out.append("  • ", style="cyan")
            out.append(clean_line(match.point) + "\n")
        out.rstrip()
        return out
    mentioned = sum(match.status == "mentioned" for match in matches)
    out.append("Key points, a check of your words (you decide the grade): ", style="bold")
    out.append(f"{mentioned} of {len(matches)} mentioned\n", style="bold")
    out.append("  ✓ mentioned  ? mentioned but negated or only partly  ✗ not found\n", style="dim")
    for match in matches:
        mark, mark_style, style = _MARKS[match.status]
        out.append(mark, style=mark_style)
        out.append(clean_line(match.point), style=style)
        if match.status == "doubtful":
            out.append(" (negated)" if match.negated else " (only partly)", style="dim")
        out.append("\n")
    out.rstrip()
    return out


def previous_explanation(past: PastExplanation) -> Panel:
    title = Text(f"Your last explanation ({past.reviewed_on.isoformat()}, graded {past.grade})", style="dim")
    return Panel(text(past.explanation), title=title, border_style="dim", padding=(0, 1))


REVIEW_KEYS_LEGEND = "Grade yourself 0-5 · u undo · s bury for today · ! suspend · e edit · q quit"


def grade_legend(keys_legend: str = REVIEW_KEYS_LEGEND) -> Group:
    """The six grades, and a line naming the other keys this prompt takes."""
    from rich.table import Table

    # Wrong answers on the left, right ones on the right: fits 80 columns.
    grid = Table.grid(padding=(0, 4))
    grid.add_column()
    grid.add_column()
    cells = [
        Text.assemble((f" {int(grade)} ", f"reverse bold {GRADE_STYLES[int(grade)]}"), " ", grade.label)
        for grade in Grade
    ]
    for wrong, right in zip(cells[:3], cells[3:], strict=True):
        grid.add_row(wrong, right)
    return Group(grid, Text(keys_legend, style="dim"))


def suspended_notice(card: StudyCard) -> Text:
    """Said when the suspend key took the card out: how to bring it back."""
    name = clean_line(f"{card.deck}/{card.card_id}")
    return Text(f"  suspended; quiz unsuspend {name} brings it back.", style="dim")


def text_not_a_command(then: str) -> Text:
    """Said when a burst of text reached a prompt that takes single keys: it did nothing."""
    return Text(f"  That looked like pasted text, not a key; nothing was done. {then}", style="yellow")


def graded(recorded: RecordedReview, grade: Grade) -> Text:
    out = Text("  → ", style="dim")
    out.append(f"graded {int(grade)}", style=GRADE_STYLES[int(grade)])
    if recorded.fsrs is not None:
        # Under FSRS a re-drill is a same-day review, which moves its state too.
        days = (recorded.fsrs.due_on - recorded.log.reviewed_on).days
        logged = "re-drill logged; " if recorded.kind == "redrill" else ""
        out.append(
            f" · {logged}FSRS: next review in {plural(days, 'day')} ({recorded.fsrs.due_on.isoformat()})",
            style="dim",
        )
    elif recorded.kind == "redrill":
        out.append(" · re-drill logged; the schedule is unchanged", style="dim")
        return out
    else:
        due_on = recorded.after.due_on.isoformat() if recorded.after.due_on else "?"
        interval = plural(recorded.after.interval_days, "day")
        out.append(f" · next review in {interval} ({due_on})", style="dim")
    if grade < Grade.HESITANT:
        out.append(" · again later today", style="dim")
    return out


def redrill_notice(ahead: int, *, fsrs: bool = False) -> Text:
    """Why a card graded below 4 comes back today, and when: after ``ahead`` other cards (0: now).

    Under FSRS the re-drill stays, but naming SM-2 there would tell the learner the wrong scheduler.
    """
    rule = "same-day re-drill" if fsrs else "SM-2's same-day re-drill"
    if ahead == 0:
        return Text(f"  Once more: graded below 4, so it comes back today ({rule}).", style="yellow")
    return Text(f"  Back after {plural(ahead, 'other card')}: graded below 4 ({rule}).", style="dim")


# How many more new cards the nothing-due message suggests taking, at most.
MORE_NEW_CARDS = 5
# How many decks the nothing-due message names for the new cards outside an applied plan.
MORE_DECKS = 3


def nothing_due(
    outlook: Outlook, today: date, *, daily_new: int, introduced: int, plan: StoredPlan | None = None
) -> Text:
    """The end of a review with nothing to show; `daily_new` is today's limit, `introduced` its use,
    `plan` the applied plan that chose the limit and the new cards (None: the config or --new)."""
    out = Text("Nothing is due today.", style="bold")
    if outlook.next_due_on is not None:
        days = (outlook.next_due_on - today).days
        out.append(
            f" Next: {plural(outlook.next_due_count, 'card')} "
            f"on {outlook.next_due_on.isoformat()} (in {plural(days, 'day')})."
        )
    waiting = outlook.new_waiting - outlook.new_buried
    of_plan = " of the plan" if plan is not None else ""
    if plan is not None and daily_new == 0 and waiting and today >= plan.until - timedelta(days=1):
        out.append(
            f" The plan starts no new card today, the day before {plan.until.isoformat()}: one started "
            f"today would first come back on that day. {plural(waiting, 'new card')}{of_plan} waiting."
        )
    elif outlook.new_waiting and introduced < daily_new:
        # The limit allows more, so the new cards the session draws from were all buried today.
        out.append(f" {plural(outlook.new_waiting, 'new card')}{of_plan} waiting, buried until tomorrow.")
    elif waiting:
        # --new N is today's total, the cards already introduced included: name a number that adds some.
        raised = introduced + min(waiting, MORE_NEW_CARDS)
        used = (
            f"{introduced} of {daily_new} introduced"
            if introduced == daily_new
            else f"{introduced} introduced, over today's limit of {daily_new}"
        )
        command = (
            f"quiz review --new {raised}{_plan_options(plan)}" if plan is not None else f"--new {raised}"
        )
        out.append(
            f" {plural(waiting, 'new card')}{of_plan} waiting. Today's new cards: {used}; "
            f"{command} raises today's limit to {raised}."
        )
        if outlook.new_buried:
            out.append(f" {plural(outlook.new_buried, 'other new card')} buried until tomorrow.")
    if outlook.new_outside:
        out.append(_outside_text(outlook))
    elif outlook.next_due_on is None and not outlook.new_waiting:
        if outlook.suspended:
            out.append(f" {plural(outlook.suspended, 'card')} suspended: quiz cards --suspended lists them.")
        else:
            out.append(" No other card is scheduled; quiz import adds decks.")
    return out


def _outside_text(outlook: Outlook) -> str:
    count, decks = outlook.outside_count, outlook.new_outside
    if len(decks) <= MORE_DECKS:
        options = " ".join(f"--deck {clean_line(deck)}" for deck, _ in decks)
        verb = "is" if count == 1 else "are"
        return f" {plural(count, 'new card')} {verb} outside the plan: quiz review {options} starts them."
    first = clean_line(decks[0][0])
    return (
        f" {plural(count, 'new card')} in {len(decks)} decks are outside the plan: quiz review --deck "
        f"{first} starts that deck's (quiz decks lists the others)."
    )


def _plan_options(plan: StoredPlan) -> str:
    return "".join(f" --deck {clean_line(deck)}" for deck in plan.decks) + "".join(
        f" --tag {clean_line(tag)}" for tag in plan.tags
    )


def summary(tally: Tally, outlook: Outlook, today: date) -> Panel:
    from rich.table import Table

    minutes, seconds = divmod(round(tally.milliseconds / 1000), 60)
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    rows.add_row("cards reviewed", str(len(tally.cards)))
    rows.add_row("grades given", str(tally.graded))
    share = tally.pass_share
    rows.add_row("graded 3 or better", "–" if share is None else f"{share:.0%}")
    rows.add_row("re-drills", str(tally.redrills))
    rows.add_row("time spent", f"{minutes} min {seconds:02d} s")
    if outlook.due_now:
        rows.add_row("still due today", Text(str(outlook.due_now), style="bold yellow"))
    if outlook.next_due_on is not None:
        rows.add_row(
            "next due",
            f"{outlook.next_due_count} on {outlook.next_due_on.isoformat()}",
        )
    if outlook.new_waiting:
        rows.add_row("new cards waiting", str(outlook.new_waiting))
    return Panel(rows, title=Text("Session summary"), border_style="cyan", expand=False)


def backup_failed(problem: str) -> Text:
    return Text(
        f"  Today's automatic backup could not be made ({clean_line(problem)}); "
        "your grades are saved as usual.",
        style="yellow",
    )
