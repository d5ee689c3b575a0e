"""Editing a card from the review: the learner's editor at the card's line, then its deck file re-imported.

The editor gets a normal terminal (the caller has left single-key mode). The file is
re-imported the way `quiz import` does it (same plan, same backup, same notes), so every
card keeps its history; a file the edit broke is reported as import reports it, with the
database untouched, and the learner may edit again or go on with the card as it was.
Where a card is in its file (``card_line``) serves the editor and the leeches of `quiz stats`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.cli.daily_backup import DailyBackup
    from quizcards.core.importing import DeckPlan
    from quizcards.core.session import StudyCard
    from quizcards.core.stats.figures import Stats
    from quizcards.store import BaseStore


@dataclass(frozen=True, slots=True)
class Edited:
    """A card after the learner edited its file: as the store holds it now, or None if it left its deck."""

    card: StudyCard | None
    changed: bool  # its text is not what the review showed


def edit_card(console: Console, store: BaseStore, card: StudyCard, *, backup: DailyBackup | None) -> Edited:
    """Open the card's deck file in the learner's editor, re-import it, and say what became of the card."""
    from quizcards.adapters.editor import editor_argv, run_editor

    console.print()
    path = editable_file(console, store, card.deck)
    command = _editor_command(console) if path is not None else None
    if path is None or command is None:
        return Edited(card, False)
    if backup is not None:
        from quizcards.cli.daily_backup import report_backup

        report_backup(console, backup.wait())  # the day's copy holds the database from before the edit
    line = card_line(path, card.card_id)
    while True:
        try:
            run_editor(editor_argv(command, str(path), line))
        except QuizError as error:
            _say(console, f"{error} The deck file was not re-imported; the card is as it was.", "yellow")
            return Edited(card, False)
        try:
            plans = _reimport(console, store, path)
        except QuizError as error:
            _report(console, error)
            if _edit_again(console):
                # Back where the problem is; else where the card is now, or was before.
                line = _problem_line(error, path) or card_line(path, card.card_id) or line
                console.print()
                continue
            return Edited(card, False)
        return _outcome(console, store, card, plans)


def editable_file(console: Console, store: BaseStore, deck: str) -> Path | None:
    """The deck's file, if it can be edited in place; otherwise None, having said why and what to do."""
    from quizcards.adapters.sources import bundled_decks_dir

    stored = store.stored_deck(deck)
    source = stored.source_path if stored is not None else None
    if not source:
        _say(
            console,
            f"The deck {deck} has no deck file on record; import its file (quiz import FILE) "
            "to edit its cards from the review.",
        )
        return None
    path = Path(source)
    if path.resolve().is_relative_to(bundled_decks_dir().resolve()):
        _say(
            console,
            f"The deck {deck} is bundled with quizcards and is not edited in place. To edit it, copy "
            f"{source} to a folder of yours and run quiz import COPY --move (its cards keep their history).",
        )
        return None
    if not path.is_file():
        _say(console, f"The deck file of {deck}, {source}, is no longer there; there is nothing to edit.")
        return None
    return path


def card_line(path: Path, card_id: str) -> int | None:
    """The line of the card in its deck file as it is now; None if the file or the card cannot be read."""
    import unicodedata

    card_id = unicodedata.normalize("NFC", card_id)
    return card_lines_in(path, [card_id]).get(card_id)


def card_lines_in(path: Path, card_ids: list[str]) -> dict[str, int]:
    """The lines of these cards in a deck file as it is now, by card id; {} if the file cannot be read."""
    from quizcards.adapters.files import read_regular_file
    from quizcards.core.deck.lines import find_card_lines
    from quizcards.core.deck.reading import decode_deck_bytes

    try:
        text = decode_deck_bytes(read_regular_file(path), str(path))
    except (QuizError, OSError):  # missing, not a regular file, not UTF-8: the file alone is shown
        return {}
    return find_card_lines(text, card_ids)


def locate_leeches(stats: Stats) -> Stats:
    """The leeches, each with its card's line in its deck file as the file is now; only reads."""
    from dataclasses import replace

    lines_by_file: dict[str, dict[str, int]] = {}
    for file in {leech.file for leech in stats.leeches if leech.file is not None}:
        card_ids = [leech.card_id for leech in stats.leeches if leech.file == file]
        lines_by_file[file] = card_lines_in(Path(file), card_ids)
    located = tuple(
        replace(leech, line=lines_by_file[leech.file].get(leech.card_id)) if leech.file is not None else leech
        for leech in stats.leeches
    )
    return replace(stats, leeches=located)


def _editor_command(console: Console) -> list[str] | None:
    """$VISUAL, else $EDITOR, else an editor found on this system; None, having said so, if none."""
    from quizcards.adapters.editor import default_editor, split_editor

    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "")
        if value.strip():
            try:
                return split_editor(value)
            except QuizError as error:
                _say(console, f"${variable}: {error}", "yellow")
                return None
    found = default_editor()
    if found is None:
        _say(console, "No editor found: set $VISUAL or $EDITOR to your editor (EDITOR=nano, say).", "yellow")
    return found


def _reimport(console: Console, store: BaseStore, path: Path) -> list[DeckPlan]:
    """The deck file imported again as `quiz import FILE` would; the plans written."""
    from quizcards.cli.common import clock
    from quizcards.cli.importer import apply_plans, load_decks, plan_imports, print_import_notes
    from quizcards.render.words import plural

    decks = load_decks([path], warn=False)
    plans = plan_imports(store, decks, [path])
    apply_plans(store, plans, clock(), console)
    counts = [
        (sum(len(plan.added) for plan in plans), "added"),
        (sum(len(plan.updated) for plan in plans), "updated"),
        (sum(len(plan.retired) for plan in plans), "retired"),
        (sum(len(plan.restored) for plan in plans), "restored"),
        (sum(plan.cards_moved for plan in plans), "moved"),
    ]
    done = (
        ", ".join(f"{plural(count, 'card')} {what}" for count, what in counts if count) or "nothing changed"
    )
    warnings = sum(len(deck.warnings) for deck in decks)
    if warnings:
        done += f" ({plural(warnings, 'warning')}: quiz lint {path} shows them)"
    _say(console, f"Re-imported {path}: {done}.")
    print_import_notes(plans, console, dry_run=False)
    return plans


def _outcome(console: Console, store: BaseStore, card: StudyCard, plans: list[DeckPlan]) -> Edited:
    if any(card.pk in plan.retired for plan in plans):
        _say(
            console,
            f"The card {card.card_id} is no longer in its deck file (a changed id or deck name makes a "
            "new card), so it is not graded; on to the next card.",
            "yellow",
        )
        return Edited(None, False)
    changed = any(change.pk == card.pk for plan in plans for change in (*plan.updated, *plan.restored))
    return Edited(store.study_card(card.pk), changed)


def _problem_line(error: QuizError, path: Path) -> int | None:
    """The line of the first located problem in this file, if the error has one."""
    from quizcards.core.deck import DeckError

    problems = error.problems if isinstance(error, DeckError) else []
    resolved = str(path.resolve())
    return next(
        (p.line for p in problems if p.line is not None and str(Path(p.path).resolve()) == resolved), None
    )


def _report(console: Console, error: QuizError) -> None:
    """The import's located error lines (FILE:LINE:COL: message), and that nothing changed."""
    from quizcards.core.deck import DeckError

    problems = [str(problem) for problem in error.problems] if isinstance(error, DeckError) else [str(error)]
    for problem in problems:
        _say(console, problem, "red")
    _say(console, "The database is unchanged.", "yellow")


def _edit_again(console: Console) -> bool:
    """e: back to the editor; any other key: go on with the card as it was."""
    from quizcards.adapters.terminal import single_keys
    from quizcards.cli.asking import key_alone

    _say(console, "e edit again · any other key: go on with the card as it was", "dim")
    with single_keys() as keys:
        try:
            while (
                key := key_alone(keys, console, "Press e to edit again or any other key to go on.")
            ) is None:
                pass
        except KeyboardInterrupt:
            return False
    return key.lower() == "e"


def _say(console: Console, message: str, style: str = "dim") -> None:
    from quizcards.render import line

    console.print(line("  " + message, style), soft_wrap=True)
