"""`quiz cards` and `quiz show`: browsing cards and their histories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.adapters.sanitize import json_text
from quizcards.cli.common import (
    DecksOption,
    TagsOption,
    clock,
    find_card,
    handle_errors,
    local_day,
    open_store,
    require_deck,
)

if TYPE_CHECKING:
    from datetime import date

    from quizcards.core.listings import CardRecord
    from quizcards.store import Store


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("cards")
    @handle_errors
    def list_cards(
        ctx: typer.Context,
        *,
        deck: DecksOption = None,
        tag: TagsOption = None,
        due: Annotated[bool, typer.Option("--due", help="Only cards due today or overdue.")] = False,
        suspended: Annotated[
            bool, typer.Option("--suspended", help="Only suspended cards (quiz unsuspend brings them back).")
        ] = False,
        wide: Annotated[
            bool,
            typer.Option(
                "--wide",
                help="Show every column in full, wrapping the question, however narrow the terminal.",
            ),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
        search: Annotated[
            str | None,
            typer.Option(
                "--search",
                help="Only cards with every word of TEXT in their question, answer, points or tags "
                "(case, accents and spaces do not matter).",
                metavar="TEXT",
            ),
        ] = None,
    ) -> None:
        """List cards: state (new, learning, mature, retired, suspended), due date, interval, EF and lapses.

        A narrow terminal hides lapses, then EF, then interval; --wide (or --json) shows everything.
        """
        today = local_day(clock())
        decks, tags = tuple(deck or ()), tuple(tag or ())
        with open_store(ctx, mode="read") as store:
            for name in decks:
                require_deck(store, name)
            listings = store.card_listings(
                today, deck=decks, tag=tags, due_only=due, suspended_only=suspended
            )
            if search is not None:
                from quizcards.core.listings import matching_listings

                listings = matching_listings(listings, store.iter_card_rows(), search)
        if as_json:
            from quizcards.core.listings import listing_fields

            typer.echo(json_text([listing_fields(listing) for listing in listings]))
            return
        from quizcards.render import make_console

        console = make_console()
        if not listings and search is not None:
            from quizcards.render import line

            console.print(line(f"No card matches the search '{search}'."))
            return
        if not listings:
            console.print(_nothing_listed(deck=bool(decks), tag=bool(tags), due=due, suspended=suspended))
            return
        from quizcards.render.cards import cards_table

        console.print(cards_table(listings, today, wide=wide))

    @app.command("show")
    @handle_errors
    def show(
        ctx: typer.Context,
        card: Annotated[
            str,
            typer.Argument(
                help="The card as DECK/ID (e.g. attention/qkv); the ID alone if only one deck has it.",
                show_default=False,
            ),
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    ) -> None:
        """Show one card as a review shows it, with its schedule and every explanation you typed."""
        today = local_day(clock())
        with open_store(ctx, mode="read") as store:
            record = _find_card(store, card, today)
        if as_json:
            from quizcards.core.listings import record_fields

            typer.echo(json_text(record_fields(record, today)))
            return
        from quizcards.render import make_console
        from quizcards.render.cards import card_view

        make_console().print(card_view(record, today))


def _find_card(store: Store, reference: str, today: date) -> CardRecord:
    """The card written DECK/ID, or ID alone when exactly one deck has it (its FSRS memory as of today)."""
    return find_card(store, reference, lambda deck, card_id: store.card_record(deck, card_id, today))


def _nothing_listed(*, deck: bool, tag: bool, due: bool, suspended: bool = False) -> str:
    if suspended and not deck and not tag and not due:
        return "No cards are suspended."
    if suspended:
        return "No cards match."
    if not deck and not tag and not due:
        return "No cards yet. Import a deck with: quiz import PATH"
    if due and not deck and not tag:
        return "No cards are due today."
    return "No cards match."
