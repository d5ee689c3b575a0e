"""Deck files into the store, for `quiz import` and the first run of `quiz review`: load, plan, apply."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
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


def plan_imports(store: BaseStore | None, decks: tuple[Deck, ...], paths: list[Path]) -> list[DeckPlan]:
    """Each deck compared with what the store holds (an absent store holds nothing).

    A stored deck that came from one of paths but that no file defines any more is retired.
    """
    from quizcards.core.importing import plan_import

    if store is None:
        return plan_import(decks, {}, lambda slug: {})
    roots = [str(path.resolve()) for path in paths]
    return plan_import(decks, store.stored_decks(), store.stored_cards, roots)


def bundled_decks() -> tuple[Deck, ...]:
    """The decks shipped with quizcards, loaded (they have no warnings to show)."""
    from quizcards.adapters.sources import bundled_decks_dir

    return load_decks([bundled_decks_dir()], warn=False)


def import_bundled(store: BaseStore, decks: tuple[Deck, ...], now: datetime) -> list[DeckPlan]:
    """Import the bundled decks (loaded by ``bundled_decks``) into the store; returns the plans written."""
    plans = plan_imports(store, decks, [])
    store.apply_import(plans, now)
    return plans
