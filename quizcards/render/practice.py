"""Renderables of the practice modes (cram, mock interview): header, graded line, summary, nothing to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from quizcards.adapters.sanitize import clean_line
from quizcards.render.review import GRADE_STYLES
from quizcards.render.words import plural

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.panel import Panel

    from quizcards.core.practice.cram import CramChoice, CramOptions, CramSummary
    from quizcards.core.scheduler import Grade, PracticeKind
    from quizcards.core.session import StudyCard

# The keys after the reveal in a practice mode: nothing to bury, the schedule is not touched.
PRACTICE_KEYS_LEGEND = "Grade yourself 0-5 · u undo · q quit"


def practice_header(
    mode: str, card: StudyCard, position: int, total: int, *, again: int = 0, width: int | None = None
) -> Text:
    """``Cram · Attention · card 3 of 12 · 1 to ask again``: the mode, the deck, where the learner is.

    With ``width`` (the terminal's), the header fits a rule of that width: see ``fitted_header``.
    """
    after = [(f"card {position} of {total}", "bold")]
    if again:
        after.append((f"{again} to ask again", "dim"))
    return fitted_header([(mode, "bold magenta")], card.deck_title, after, width)


# A rule's title needs two columns of line and a space on each side.
_RULE_MARGIN = 4


def fitted_header(
    before: Sequence[tuple[str, str]],
    title: str,
    after: Sequence[tuple[str, str]],
    width: int | None,
) -> Text:
    """Pieces of a header joined by dots, the (untrusted) deck title among them, as ``(text, style)``.

    When the header is too wide for a rule of ``width`` columns, the dots lose their extra spaces,
    then the deck title is shortened (with an ellipsis); the counts around it are never cut.
    """
    pieces = [*before, (clean_line(title), "bold cyan"), *after]
    wide = _joined(pieces, "  ·  ")
    if width is None or wide.cell_len <= width - _RULE_MARGIN:
        return wide
    narrow = _joined(pieces, " · ")
    room = width - _RULE_MARGIN - (narrow.cell_len - cell_len(clean_line(title)))
    if narrow.cell_len <= width - _RULE_MARGIN or room < 1:
        return narrow
    short = Text(clean_line(title))
    short.truncate(room, overflow="ellipsis")
    return _joined([*before, (short.plain, "bold cyan"), *after], " · ")


def _joined(pieces: Sequence[tuple[str, str]], separator: str) -> Text:
    out = Text()
    for index, (value, style) in enumerate(pieces):
        if index:
            out.append(separator)
        out.append(value, style=style)
    return out


def practice_graded(kind: PracticeKind, grade: Grade) -> Text:
    """The line after a grade: ``→ graded 3 · cram: logged, schedule unchanged``."""
    out = Text("  → ", style="dim")
    out.append(f"graded {int(grade)}", style=GRADE_STYLES[int(grade)])
    out.append(f" · {kind}: logged, schedule unchanged", style="dim")
    return out


def again_notice(ahead: int, mode: str) -> Text:
    """Why a card graded below 4 comes back in this practice, and when: after ``ahead`` other cards."""
    if ahead == 0:
        return Text(f"  Once more: graded below 4, so it comes back in this {mode}.", style="yellow")
    return Text(
        f"  Back after {plural(ahead, 'other card')}: graded below 4, asked again in this {mode}.",
        style="dim",
    )


def undone(kind: PracticeKind) -> Text:
    return Text(f"  ↶ undid the last {kind} answer; that card comes back now.", style="yellow")


def schedule_unchanged(kind: PracticeKind) -> Text:
    """The closing promise: practice answers are in the log, the schedule is as it was."""
    return Text(
        f"The schedule was not changed: {kind} answers are logged (quiz show lists them) "
        "but never move a card's due date.",
        style="dim",
    )


def nothing_to_cram(choice: CramChoice, options: CramOptions) -> Text:
    """The one line of a cram that found no card, naming the filter that left nothing."""
    if choice.empty_because == "no_cards":
        return Text("Nothing to cram: the chosen decks and tags hold no active card.")
    if choice.empty_because == "only_new":
        return Text(
            f"Nothing to cram: all {plural(choice.candidates, 'card')} chosen are new (never reviewed); "
            "--new includes them."
        )
    days = options.due_within if options.due_within is not None else 0
    studied = plural(choice.studied, "reviewed card")
    within = f"within {plural(days, 'day')}" if days else "today or earlier"
    line = f"Nothing to cram: none of the {studied} is due {within}"
    if choice.next_due_on is not None:
        line += f"; the next is due on {choice.next_due_on.isoformat()}"
    return Text(line + ". A larger --due-within takes more.")


def cram_summary(summary: CramSummary) -> Panel:
    """The end of a cram: cards crammed, answers by grade, the weakest cards."""
    from rich.panel import Panel
    from rich.table import Table

    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    rows.add_row("cards crammed", str(summary.cards))
    answers = str(summary.answers)
    if summary.again:
        answers += f" ({summary.again} asked again)"
    rows.add_row("answers", answers)
    grades = Text()
    for value, count in enumerate(summary.by_grade):
        if count:
            if grades:
                grades.append(" · ")
            grades.append(f"{value}", style=f"bold {GRADE_STYLES[value]}")
            grades.append(f" ×{count}")
    rows.add_row("grades", grades if grades else Text("–"))
    if summary.weakest:
        weakest = Text()
        for card, value in summary.weakest:
            if weakest:
                weakest.append("\n")
            weakest.append(clean_line(f"{card.deck}/{card.card_id}"))
            weakest.append(f"  first graded {value}", style=GRADE_STYLES[value])
        rows.add_row("weakest", weakest)
    return Panel(rows, title=Text("Cram summary"), border_style="magenta", expand=False)
