"""Deck files into the store, for `quiz import` and the first run of `quiz review`: load, plan, apply.

Applying is one mechanism for both: an import that changes what the store held
before (updates, restores or retires cards, edits or moves a deck) first takes an
automatic backup, ``STEM-YYYYMMDD-HHMMSS-before-import.db``, and says so in one line;
no backup, no import. One that only adds cards takes none.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.core.deck import Deck, Problem
    from quizcards.core.importing import DeckPlan
    from quizcards.store import BaseStore


def print_warnings(problems: tuple[Problem, ...]) -> None:
    """Each warning on stderr, on a line of its own, made safe for the terminal."""
    from quizcards.adapters.sanitize import clean

    for problem in problems:
        typer.echo(clean(problem.with_level()), err=True)


def load_decks(paths: list[Path], *, warn: bool = True) -> tuple[Deck, ...]:
    """The decks in these files and folders; warnings printed (if warn), any error raised as a DeckError."""
    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.deck import DeckError

    result = load_deck_paths(paths)
    if warn:
        print_warnings(result.warnings)
    if result.errors:
        raise DeckError(list(result.errors))
    return result.decks


def plan_imports(
    store: BaseStore | None, decks: tuple[Deck, ...], paths: list[Path], *, move: bool = False
) -> list[DeckPlan]:
    """Each deck compared with what the store holds (an absent store holds nothing).

    A stored deck that came from one of paths but that no file defines any more is retired.
    A stored deck that another file defines now is an error unless move (``--move``) is set.
    """
    from quizcards.core.importing import confirm_moves, plan_import

    if store is None:
        return plan_import(decks, {}, lambda slug: {})
    roots = [str(path.resolve()) for path in paths]
    plans = plan_import(decks, store.stored_decks(), store.stored_cards, roots)
    confirm_moves(plans, move=move)
    return plans


def apply_plans(store: BaseStore, plans: list[DeckPlan], now: datetime, console: Console) -> Path | None:
    """Write the plans, after a backup if they change what the store held; returns the backup."""
    backup: Path | None = None
    if any(plan.rewrites_stored for plan in plans):
        from quizcards.render import line
        from quizcards.store.backups import stamp

        # fresh: two imports in one second must each keep the state just before them.
        backup = store.backup_automatically("before-import", stamp=stamp(now), fresh=True)
        if backup is not None:
            console.print(
                line(f"Backed up the database to {backup} before changing its cards."),
                style="dim",
                soft_wrap=True,
            )
    store.apply_import(plans, now)
    return backup


def print_import_notes(plans: list[DeckPlan], console: Console, *, dry_run: bool) -> None:
    """The decks that moved, and the cards retired by name with how to bring them back."""
    from quizcards.core.importing import moved_notes, retired_notes
    from quizcards.render import line

    for note in [*moved_notes(plans, dry_run=dry_run), *retired_notes(plans, dry_run=dry_run)]:
        console.print(line(note), soft_wrap=True)


def bundled_decks() -> tuple[Deck, ...]:
    """The decks shipped with quizcards, loaded (they have no warnings to show)."""
    from quizcards.adapters.sources import bundled_decks_dir

    return load_decks([bundled_decks_dir()], warn=False)


def import_bundled(store: BaseStore, decks: tuple[Deck, ...], now: datetime) -> list[DeckPlan]:
    """Import the bundled decks (loaded by ``bundled_decks``) into the store; returns the plans written.

    The store holds no card yet (that is when they are imported): the bundled files are
    where its decks come from, so a deck they define is taken as moved, not refused.
    """
    from quizcards.render import make_console

    plans = plan_imports(store, decks, [], move=True)
    apply_plans(store, plans, now, make_console())
    return plans
