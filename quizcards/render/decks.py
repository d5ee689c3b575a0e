"""Renderables of `quiz import` and `quiz decks`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from quizcards.core.importing import DeckPlan
from quizcards.core.listings import DeckSummary
from quizcards.render import line


def import_table(plans: Sequence[DeckPlan], *, dry_run: bool) -> Table:
    title = "Import (dry run: nothing written)" if dry_run else "Import"
    # One space of padding between columns, not two: the seven columns then fit 80 columns.
    table = Table(title=title, box=box.SIMPLE_HEAVY, collapse_padding=True)
    table.add_column("deck", overflow="fold")  # a deck's name is folded, never cut
    # "moved" is last so that the columns scripts read before it kept their places.
    for name in ("added", "updated", "unchanged", "retired", "restored", "moved"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("deck itself", style="dim")
    for plan in plans:
        table.add_row(
            line(plan.deck.slug, "bold"),
            str(len(plan.added)),
            str(len(plan.updated)),
            str(plan.unchanged),
            str(len(plan.retired)),
            str(len(plan.restored)),
            str(plan.cards_moved),
            Text(plan.deck_note),
        )
    return table


def decks_table(summaries: Iterable[DeckSummary]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column("deck", style="bold")
    table.add_column("title")
    for name in ("cards", "new", "due", "retired"):
        table.add_column(name, justify="right")
    for summary in summaries:
        table.add_row(
            line(summary.slug),
            line(summary.title),
            str(summary.cards),
            str(summary.new),
            Text(str(summary.due), style="bold green" if summary.due else ""),
            str(summary.retired),
        )
    return table
