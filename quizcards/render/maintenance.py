"""Renderables of `quiz check` and `quiz backup`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text

from quizcards.core.checks import ScheduleCheck
from quizcards.core.fsrs_check import FsrsStateCheck
from quizcards.render import line
from quizcards.render.words import plural

# A check after a bad bug could list every card; the first ones tell the story.
MAX_LISTED = 50
# An FSRS finding is one line per kind: its count and the first few cards.
FSRS_NAMED = 3


def _value(value: object) -> str:
    return "none" if value is None else str(value)


def _mark(ok: bool) -> Text:
    return Text("  ✓ ", style="green bold") if ok else Text("  ✗ ", style="red bold")


def integrity_lines(problems: list[str]) -> Group:
    """The result of SQLite's integrity and foreign-key checks."""
    if not problems:
        return Group(Text.assemble(_mark(True), "SQLite integrity and foreign keys: ok"))
    parts: list[Text] = [
        Text.assemble(_mark(False), f"SQLite integrity and foreign keys: {len(problems)} problems")
    ]
    parts += [Text.assemble("      ", line(problem)) for problem in problems[:MAX_LISTED]]
    return Group(*parts)


def schedule_lines(check: ScheduleCheck, *, repaired: int | None) -> Group:
    """Every card whose stored schedule differs from its review log, and any log that cannot be read."""
    reviews = plural(check.reviews, "scheduled review")
    cards = plural(check.cards, "card")
    if not check.drifts and not check.unreadable:
        return Group(Text.assemble(_mark(True), f"schedules: {cards} match their log ({reviews} replayed)"))
    parts: list[Text] = []
    if check.drifts:
        count = len(check.drifts)
        verb = "differed" if repaired is not None else "differ"
        parts.append(
            Text.assemble(
                _mark(repaired is not None),
                f"schedules: {count} of {cards} {verb} from their review log ({reviews} replayed)",
            )
        )
        for drift in check.drifts[:MAX_LISTED]:
            # The stored values are the database's, which may have been edited: inert, one line.
            changes = line(
                "; ".join(
                    f"{d.column} {_value(d.stored)} (log: {_value(d.rebuilt)})" for d in drift.differences
                )
            )
            parts.append(
                Text.assemble("      ", line(f"{drift.deck}/{drift.card_id}", "bold"), ": ", changes)
            )
        if count > MAX_LISTED:
            parts.append(Text(f"      … and {count - MAX_LISTED} more", style="dim"))
    for unreadable in check.unreadable[:MAX_LISTED]:
        parts.append(
            Text.assemble(
                _mark(False),
                line(f"{unreadable.deck}/{unreadable.card_id}", "bold"),
                ": its review log cannot be replayed (",
                line(unreadable.reason),
                ")",
            )
        )
    return Group(*parts)


def fsrs_lines(check: FsrsStateCheck, *, repaired: bool) -> Group:
    """Under FSRS: whether every card's stored FSRS state is its replay, one line per kind of problem."""
    if check.not_checked is not None:
        return Group(Text.assemble(_mark(False), "FSRS states: not checked: ", line(check.not_checked)))
    if not check.problems:
        verb = "matches its" if check.states == 1 else "match their"
        return Group(Text.assemble(_mark(True), f"FSRS states: {plural(check.states, 'card')} {verb} replay"))
    # (cards, then for one and for many: the subject, its verb, its verb after a repair, the rest)
    kinds = (
        (
            check.differ,
            ("card", "differs", "differed", "from its replay"),
            ("cards", "differ", "differed", "from their replay"),
        ),
        (
            check.missing,
            ("reviewed card", "has", "had", "no state"),
            ("reviewed cards", "have", "had", "no state"),
        ),
        (
            check.stray,
            ("card with nothing to replay", "has", "had", "a state"),
            ("cards with nothing to replay", "have", "had", "a state"),
        ),
    )
    parts: list[Text] = []
    for names, *forms in kinds:
        if not names:
            continue
        noun, now, then, rest = forms[len(names) != 1]
        phrase = f"{len(names)} {noun} {then if repaired else now} {rest}"
        listed = ", ".join(f"{deck}/{card_id}" for deck, card_id in names[:FSRS_NAMED])
        if len(names) > FSRS_NAMED:
            listed += f" and {len(names) - FSRS_NAMED} more"
        parts.append(Text.assemble(_mark(repaired), f"FSRS states: {phrase}: ", line(listed)))
    return Group(*parts)


def checking(path: Path) -> Text:
    return Text.assemble("Checking ", line(str(path)))


def repaired_line(repaired: int, backup: Path | None) -> Text:
    return _rebuilt_line(f"Repaired {plural(repaired, 'card')} from the review log", backup)


def fsrs_repaired_line(rebuilt: int, backup: Path | None) -> Text:
    return _rebuilt_line(f"Rebuilt the FSRS state of {plural(rebuilt, 'card')} from the review log", backup)


def _rebuilt_line(done: str, backup: Path | None) -> Text:
    out = Text(done)
    if backup is not None:
        out.append("; the database as it was is in ")
        out.append(line(str(backup), "bold"))
    out.append(".")
    return out


def backed_up(source: Path, target: Path, cards: int, reviews: int) -> Text:
    out = Text("Backed up ")
    out.append(line(str(source)))
    out.append(" to ")
    out.append(line(str(target), "bold"))
    out.append(f" ({plural(cards, 'card')}, {plural(reviews, 'review')}; integrity ok).")
    return out
