"""The mock interview on screen and on paper: its opening, the timer, and the report (rich and Markdown)."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizcards.adapters.sanitize import clean, clean_line, markdown_escape
from quizcards.core.practice.mock import DrawReason, MockDraw, MockReport, MockResult
from quizcards.core.session import StudyCard
from quizcards.render import line, text
from quizcards.render.practice import fitted_header
from quizcards.render.review import GRADE_STYLES
from quizcards.render.stats_text import format_duration
from quizcards.render.words import plural

REASON_LABELS: dict[DrawReason, str] = {
    "weak": "weak spot",
    "due": "due",
    "new": "new card",
    "seen": "seen before",
}
MOCK_KEYS_LEGEND = "Grade yourself 0-5 · q end the interview (the report covers what you answered)"
# What the report says when no topic is weak (a tag is weak below a mean grade of 4), or nothing to study.
NO_WEAK_TOPIC = "No weak topic: no tag has a mean grade below 4."
NOTHING_GRADED = "Nothing was graded."
NOTHING_BELOW_4 = "Nothing was graded below 4."


def clock_text(milliseconds: int) -> str:
    """A stopwatch reading: 0:42, 12:05 (whole seconds, rounded down)."""
    minutes, seconds = divmod(max(0, milliseconds) // 1000, 60)
    return f"{minutes}:{seconds:02d}"


def limit_text(limit_ms: int) -> str:
    return format_duration(limit_ms)


# ---- before and during the interview ----------------------------------------------------------


def intro(draw: MockDraw, *, limit_ms: int, seed: int, reveal_at_end: bool) -> Panel:
    """What the interview will be: how many questions of which kinds, the time, the keys, the seed."""
    total = len(draw.questions)
    kinds = ", ".join(
        f"{count} {REASON_LABELS[reason]}{'s' if count != 1 and reason != 'due' else ''}"
        for reason in ("weak", "due", "new", "seen")
        if (count := draw.count(reason))
    )
    decks = ", ".join(dict.fromkeys(question.card.deck for question in draw.questions))
    out = Text()
    out.append(f"{plural(total, 'question')} ({kinds}) from {clean_line(decks)}.", style="bold")
    if total < draw.wanted:
        out.append(f" Only {plural(draw.available, 'card')} matched, so all of them are asked.")
    out.append(
        f"\nSoft limit: {limit_text(limit_ms)} a question. The time shows at the start of each line you "
        "type; keep going past the limit if you need to."
    )
    if reveal_at_end:
        out.append(
            "\nAll the questions first (Ctrl-C while answering stops them); then each answer is "
            "revealed and you grade it."
        )
    else:
        out.append("\nAfter each answer: the model answer, the key points you mentioned, your grade.")
    out.append("\nq at a grade prompt, or Ctrl-C, ends the interview; the report covers what you answered.")
    out.append(f"\nSeed {seed}: --seed {seed} draws the same questions while your cards stand as they do.")
    out.append("\nAnswers are logged as mock answers; no card's schedule moves.", style="dim")
    return Panel(out, title=Text("Mock interview"), border_style="cyan", padding=(0, 1))


def question_header(
    card: StudyCard, number: int, total: int, reason: DrawReason, *, width: int | None = None
) -> Text:
    """``Attention · question 3 of 8 · weak spot``; with ``width``, the deck title gives way first."""
    after = [(f"question {number} of {total}", "bold"), (REASON_LABELS[reason], "dim")]
    return fitted_header([], card.deck_title, after, width)


def review_header(number: int, total: int) -> Text:
    return Text(f"Going over question {number} of {total}", style="bold")


def split_clock(elapsed_ms: int, limit_ms: int) -> tuple[str, str]:
    """The time taken and the time left or over, as two readings that add up to the limit.

    Both are whole seconds: the time taken rounded down, and the other the limit (rounded down)
    less it, so ``[0:15, 0:15 left]`` with 30 s, never ``[0:15, 0:14 left]``. Past the limit
    (to the millisecond), the second is the time over, ``0:00`` in the limit's last second.
    """
    shown, limit = max(0, elapsed_ms) // 1000, limit_ms // 1000
    rest = limit - shown if elapsed_ms <= limit_ms else shown - limit
    return clock_text(shown * 1000), clock_text(max(0, rest) * 1000)


def timer_prompt(elapsed_ms: int, limit_ms: int, first_line: bool) -> str:
    """The prompt of an explanation's line: time so far, and left or over (plain text, for input())."""
    taken, rest = split_clock(elapsed_ms, limit_ms)
    reading = f"[{taken}, {rest} {'left' if elapsed_ms <= limit_ms else 'over'}]"
    return reading + (" > " if first_line else "   ")


def limit_passed(limit_ms: int) -> Text:
    return Text(
        f"  The soft limit of {limit_text(limit_ms)} has passed; finish your thought (an empty line ends).",
        style="yellow",
    )


def answer_time(elapsed_ms: int, limit_ms: int) -> Text:
    """The time an answer took, against the limit."""
    took = f"  Answered in {format_duration(elapsed_ms)}"
    if elapsed_ms > limit_ms:
        over = _over_text(elapsed_ms, limit_ms)
        return Text(f"{took}: {over} over the {limit_text(limit_ms)} limit.", style="yellow")
    return Text(f"{took}, within the {limit_text(limit_ms)} limit.", style="dim")


def _over_text(elapsed_ms: int, limit_ms: int) -> str:
    """How far past the limit, in the whole seconds the time taken and the limit are shown in."""
    seconds = max(0, elapsed_ms) // 1000 - limit_ms // 1000
    return format_duration(seconds * 1000) if seconds > 0 else "less than a second"


def your_answer(explanation: str) -> Panel:
    body = text(explanation) if explanation else Text("(answered in your head)", style="dim")
    return Panel(body, title=Text("Your answer"), border_style="blue", padding=(0, 1))


def graded(grade: int) -> Text:
    out = Text("  → ", style="dim")
    out.append(f"graded {grade}", style=GRADE_STYLES[grade])
    out.append(" · logged as a mock answer; the schedule is unchanged", style="dim")
    return out


# ---- the report in the terminal ---------------------------------------------------------------


def report(mock: MockReport) -> RenderableType:
    """The report as a panel: a row a question, then the weakest topics and what to study next."""
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("question", ratio=1, overflow="fold")
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("grade", justify="right", no_wrap=True)
    for result in mock.results:
        cell = Text.assemble((f"{clean_line(result.card_id)} ", "bold"), line(result.question))
        if result.missed:
            cell.append("\nmissed: " + clean_line("; ".join(result.missed)), style="dim")
        taken, over = split_clock(result.elapsed_ms, result.limit_ms)
        time = Text(taken, style="yellow" if result.over_limit else "")
        if result.over_limit:
            time.append(f" (+{over})", style="yellow")
        points = f"{result.mentioned}/{len(result.points)}" if result.checked else "–"
        grade = (
            Text(str(result.grade), style=GRADE_STYLES[result.grade])
            if result.grade is not None
            else Text("–", style="dim")
        )
        table.add_row(str(result.number), cell, time, points, grade)
    parts: list[RenderableType] = [table, Text(""), _summary_line(mock)]
    if mock.weakest_topics:
        topics = Text("Weakest topics: ", style="bold")
        topics.append(
            ", ".join(
                f"{clean_line(score.tag)} {score.mean_grade:.1f} ({plural(score.count, 'question')})"
                for score in mock.weakest_topics
            )
        )
        parts.append(topics)
    elif mock.graded:
        parts.append(Text(NO_WEAK_TOPIC, style="dim"))
    parts.append(Text("Study next:", style="bold"))
    if not mock.graded:
        parts.append(Text(f"  {NOTHING_GRADED}", style="dim"))
    elif mock.study_next:
        items = Table.grid(padding=(0, 1))
        items.add_column(justify="right", no_wrap=True)
        items.add_column(overflow="fold")
        for result in mock.study_next:
            item = Text(f"{clean_line(result.deck)}/{clean_line(result.card_id)}", style="bold")
            item.append(f" (graded {result.grade})")
            if result.missed:
                item.append(": missed " + clean_line("; ".join(result.missed)), style="dim")
            items.add_row(f"  {result.number}.", item)
        parts.append(items)
    else:
        parts.append(Text(f"  {NOTHING_BELOW_4}", style="dim"))
    title = Text(f"Mock interview report · {mock.taken_on.isoformat()}")
    return Panel(Group(*parts), title=title, border_style="cyan", padding=(0, 1))


def _summary_line(mock: MockReport) -> Text:
    answered = len(mock.results)
    out = Text(f"{answered} of {plural(mock.questions_planned, 'question')} answered")
    mean = mock.mean_grade
    if mean is not None:
        out.append(f", {len(mock.graded)} graded, mean grade {mean:.1f}")
    over = mock.over_limit
    out.append(f"; {plural(over, 'answer')} over the {limit_text(mock.limit_ms)} limit." if over else ".")
    return out


def report_written(path: str, replaced: bool) -> Text:
    verb = "Replaced" if replaced else "Wrote"
    return Text(f"{verb} {clean_line(path)} with this report (Markdown).", style="dim")


# ---- the report as Markdown ------------------------------------------------------------------

_MARKS = {"mentioned": "✓", "doubtful": "?", "missing": "✗"}


def report_markdown(mock: MockReport) -> str:
    """The report as a Markdown file to keep; every deck or learner text in it is inert.

    Names and questions are escaped; the learner's answer and the model answer are kept
    exactly, as fenced blocks (the model answer as its Markdown source), so nothing in them
    (HTML, links, images) is live where the file is rendered.
    """
    out = [f"# Mock interview, {mock.taken_on.isoformat()}", ""]
    chosen = mock.selection
    decks = ", ".join(_inert(deck) for deck in mock.decks) or "–"
    if chosen.decks and set(chosen.decks) != set(mock.decks):
        decks += f" (chosen from {', '.join(_inert(deck) for deck in chosen.decks)})"
    out.append(f"- Decks: {decks}")
    if chosen.tags:
        out.append(f"- Tags: {', '.join(_inert(tag) for tag in chosen.tags)}")
    out.append(f"- {_summary_line(mock).plain}")
    out.append(
        f"- Seed {mock.seed}: `--seed {mock.seed}` draws these questions again from the cards as they "
        "stood before this interview (its grades count in later draws)"
    )
    out += ["", "## What to study next", ""]
    if not mock.graded:
        out.append(NOTHING_GRADED)
    elif mock.study_next:
        for result in mock.study_next:
            missed = ", ".join(_inert(point) for point in result.missed)
            name = f"{_inert(result.deck)}/{_inert(result.card_id)}"
            out.append(
                f"- Question {result.number}, **{name}** (graded {result.grade}"
                f"{'; missed: ' + missed if missed else ''}): {_inert(result.question)}"
            )
    else:
        out.append(NOTHING_BELOW_4)
    if mock.weakest_topics:
        out += ["", "Weakest topics (mean grade below 4, lowest first):", ""]
        out += ["| tag | mean grade | questions |", "|:---|---:|---:|"]
        out += [
            f"| {_inert(score.tag, in_table=True)} | {score.mean_grade:.1f} | {score.count} |"
            for score in mock.weakest_topics
        ]
    elif mock.graded:
        out += ["", NO_WEAK_TOPIC]
    out += ["", "## Questions"]
    for result in mock.results:
        out += ["", *_question_markdown(result)]
    return "\n".join(out) + "\n"


def _question_markdown(result: MockResult) -> list[str]:
    grade = f"graded {result.grade}" if result.grade is not None else "not graded"
    time = format_duration(result.elapsed_ms)
    if result.over_limit:
        time += f", {_over_text(result.elapsed_ms, result.limit_ms)} over the limit"
    out = [
        f"### {result.number}. {_inert(result.question)}",
        "",
        f"{_inert(result.deck)}/{_inert(result.card_id)} · {REASON_LABELS[result.reason]} · {time} · {grade}",
        "",
        "**Your answer**",
        "",
        *(_fenced(result.explanation, "text") if result.explanation else ["(answered in your head)"]),
        "",
        "**Model answer**",
        "",
        *_fenced(result.model_answer, "markdown"),
    ]
    if result.checked:
        out += ["", f"**Key points** ({result.mentioned} of {len(result.points)} mentioned)", ""]
        out += [f"- {_MARKS.get(p.status, '?')} {_inert(p.point)}" for p in result.points]
    elif result.points:
        out += ["", "**Key points** (not checked: nothing was typed)", ""]
        out += [f"- {_inert(p.point)}" for p in result.points]
    return out


# What GitHub-flavoured Markdown links in plain text though CommonMark does not (its "extended
# autolinks"): www., http://, https://, ftp://, mailto:, xmpp: and bare e-mail addresses.
_LINKISH = re.compile(r"(?i)www\.|://|@|mailto:|xmpp:")


def _inert(value: str, *, in_table: bool = False) -> str:
    """Deck text for the Markdown report: one line, escaped, and no link even under GFM's autolinks.

    A word GFM could link (a URL, www., an e-mail address) goes in a code span: no Markdown
    flavour links inside one, and it reads as written. (Escapes are not enough: GFM finds e-mail
    addresses after the escapes are gone.) Every other word is backslash-escaped.
    """
    words = clean_line(value).split()
    return " ".join(
        _code_span(word, in_table) if _LINKISH.search(word) else markdown_escape(word) for word in words
    )


def _code_span(word: str, in_table: bool) -> str:
    longest = max((len(run) for run in re.findall(r"`+", word)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {word} " if word.startswith("`") or word.endswith("`") else word
    # In a GFM table a pipe splits the cell even inside a code span, unless escaped.
    return fence + (padded.replace("|", "\\|") if in_table else padded) + fence


def _fenced(value: str, info: str) -> list[str]:
    """Text as a fenced code block; its fence is longer than any run of backticks in it, so none closes it."""
    body = clean(value).rstrip("\n")
    longest, run = 0, 0
    for character in body:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", *body.split("\n"), fence]
