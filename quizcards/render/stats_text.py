"""The figures of `quiz stats` as plain words: durations, rates and window names, and the Markdown report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from quizcards.adapters.sanitize import markdown_escape
from quizcards.core.stats.figures import Retention, Stats
from quizcards.render.words import easiness_text, plural


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


def practice_counts(cram: int, mock: int, *, noun: bool = True) -> str:
    """``2 cram · 1 mock answers``: the practice outside the schedule, said the same in every format."""
    counts = " · ".join(f"{count} {kind}" for kind, count in (("cram", cram), ("mock", mock)) if count)
    return f"{counts} {'answer' if cram + mock == 1 else 'answers'}" if noun else counts


def format_rate(retention: Retention) -> str:
    """'87% (26/30)', or '–' with no reviews to judge by."""
    if retention.rate is None:
        return "–"
    return f"{retention.rate:.0%} ({retention.passed}/{retention.reviews})"


WINDOW_LABELS = {"last_7_days": "last 7 days", "last_30_days": "last 30 days", "all_time": "all time"}


def window_label(retention: Retention, since: date | None) -> str:
    """A retention window's name for people: 'last 7 days', or 'since DATE' for all time with --since."""
    if retention.window == "all_time" and since is not None:
        return f"since {since.isoformat()}"
    return WINDOW_LABELS.get(retention.window, retention.window)


def scheduler_name(stats: Stats) -> str:
    return "FSRS" if stats.scheduler == "fsrs" else "SM-2"


def fsrs_lines(stats: Stats) -> list[str]:
    """Under FSRS, its settings and what it predicts today, in words; nothing under SM-2."""
    figures = stats.fsrs
    if figures is None:
        return []
    parameters = (
        "default parameters"
        if figures.fitted_on is None
        else f"parameters fitted on {figures.fitted_on.isoformat()}"
    )
    target = f"{figures.desired_retention * 100:g}%"  # 0.855 is 85.5%, not a rounded 86%
    lines = [f"FSRS: desired retention {target}, {parameters}"]
    if figures.predicted_retention is None:
        lines.append("predicted retention today: – (no card reviewed yet)")
    else:
        lines.append(
            f"predicted retention today {figures.predicted_retention:.1%} over "
            f"{plural(figures.cards, 'card')}, {figures.below_retention:,} of them below {target}"
        )
    return lines


# ---- the Markdown report ------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[bool]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if r else ":---" for r in right) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return lines


def stats_markdown(stats: Stats) -> str:
    """The dashboard as Markdown (GitHub-flavoured tables), for notes and issue trackers."""
    scope = f" for deck {markdown_escape(stats.deck)}" if stats.deck else ""
    since = f", reviews since {stats.since.isoformat()}" if stats.since else ""
    out = [f"# quizcards stats{scope}", "", f"As of {stats.as_of.isoformat()}{since}.", ""]
    out += [f"Scheduler: {scheduler_name(stats)}.", ""]
    if stats.fsrs is not None:
        out += [*(f"- {line[0].upper()}{line[1:]}." for line in fsrs_lines(stats)), ""]
    out += ["## Decks", ""]
    deck_rows = [
        [
            markdown_escape(d.deck),
            str(d.new),
            str(d.learning),
            str(d.mature),
            str(d.retired),
            str(d.due_today),
            str(d.suspended),
        ]
        for d in stats.decks
    ]
    if len(stats.decks) > 1:
        t = stats.totals
        deck_rows.append(
            [
                "**total**",
                str(t.new),
                str(t.learning),
                str(t.mature),
                str(t.retired),
                str(t.due_today),
                str(t.suspended),
            ]
        )
    out += _table(
        ["deck", "new", "learning", "mature", "retired", "due today", "suspended"],
        deck_rows,
        [False, *[True] * 6],
    )
    today, run = stats.today, stats.streak
    out += [
        "",
        "## Today",
        "",
        f"- Reviews: {today.reviews} ({today.cards} cards, {today.redrills} re-drills)",
        f"- Time spent: {format_duration(today.duration_ms)}",
        *(
            [f"- Practice (schedule unchanged): {practice_counts(today.cram, today.mock)}"]
            if today.cram or today.mock
            else []
        ),
        f"- Current streak: {plural(run.current, 'day')}"
        + ("" if run.reviewed_today or not run.current else " (nothing reviewed yet today)"),
        f"- Longest streak: {plural(run.longest, 'day')}",
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
        f"{cal.total_reviews} reviews on {plural(cal.active_days, 'day')} "
        f"from {cal.start.isoformat()} to {cal.end.isoformat()}"
        + (
            f", plus {practice_counts(stats.practice.cram, stats.practice.mock)} (practice, not here)."
            if stats.practice.cram or stats.practice.mock
            else "."
        ),
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
            ["deck", "card", "lapses", "easiness", "question", "file"],
            [
                [
                    markdown_escape(leech.deck),
                    markdown_escape(leech.card_id),
                    str(leech.lapses),
                    easiness_text(leech.easiness_hundredths),
                    markdown_escape(leech.question),
                    _place(leech.file, leech.line),
                ]
                for leech in stats.leeches
            ],
            [False, False, True, True, False, False],
        )
    else:
        out.append("No card has lapsed.")
    return "\n".join(out) + "\n"


def _place(file: str | None, line: int | None) -> str:
    """A leech's FILE:LINE for the report (the file alone when the line is not known; empty with no file)."""
    if file is None:
        return ""
    return markdown_escape(file if line is None else f"{file}:{line}")
