"""`quiz suspend` and `quiz unsuspend`: take cards out of every session, and give them back, as they were."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.cli.common import (
    DecksOption,
    TagsOption,
    clock,
    find_card,
    handle_errors,
    local_day,
    open_store,
    require_selection,
)
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.store import Store
    from quizcards.store.suspension import SuspensionTarget

CardsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="CARD",
        help="Cards as DECK/ID (e.g. attention/qkv), or the ID alone if only one deck has it.",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("suspend")
    @handle_errors
    def suspend(
        ctx: typer.Context, cards: CardsArgument = None, deck: DecksOption = None, tag: TagsOption = None
    ) -> None:
        """Suspend cards: no session draws them until quiz unsuspend; schedule and history stay as they are.

        Name the cards, or a whole selection with --deck and --tag. An unknown card
        changes nothing. In quiz review, ! at the answer suspends the card shown.
        """
        now = clock()
        with open_store(ctx, mode="write") as store:
            targets = _targets(store, cards or (), tuple(deck or ()), tuple(tag or ()), "suspend")
            changed = set(store.suspend_cards([target.pk for target in targets], local_day(now), at=now))
        _report(targets, changed, selection=bool(deck or tag), done="Suspended", same="already suspended")

    @app.command("unsuspend")
    @handle_errors
    def unsuspend(
        ctx: typer.Context, cards: CardsArgument = None, deck: DecksOption = None, tag: TagsOption = None
    ) -> None:
        """Unsuspend cards: each comes back exactly as it was (due, or overdue if its day has passed).

        Name the cards, or a whole selection with --deck and --tag (quiz cards
        --suspended lists the suspended ones). An unknown card changes nothing.
        """
        now = clock()
        with open_store(ctx, mode="write") as store:
            targets = _targets(store, cards or (), tuple(deck or ()), tuple(tag or ()), "unsuspend")
            changed = set(store.unsuspend_cards([target.pk for target in targets], local_day(now), at=now))
        _report(targets, changed, selection=bool(deck or tag), done="Unsuspended", same="not suspended")


def _targets(
    store: Store,
    references: list[str] | tuple[str, ...],
    decks: tuple[str, ...],
    tags: tuple[str, ...],
    verb: str,
) -> list[SuspensionTarget]:
    """The named cards, then the selection's, each once; every name is checked before anything changes."""
    if not references and not decks and not tags:
        raise QuizError(
            f"name the cards to {verb} (DECK/ID, e.g. attention/qkv), or a selection with --deck or --tag."
        )
    require_selection(store, decks, tags)
    found: dict[int, SuspensionTarget] = {}
    for reference in references:
        target = find_card(store, reference, store.suspension_target)
        found.setdefault(target.pk, target)
    if decks or tags:
        for target in store.suspension_targets(decks=decks, tags=tags):
            found.setdefault(target.pk, target)
    return list(found.values())


def _report(
    targets: list[SuspensionTarget], changed: set[int], *, selection: bool, done: str, same: str
) -> None:
    """What happened: the cards by name, or counted for a --deck/--tag selection."""
    from quizcards.render.words import plural

    names = [f"{target.deck}/{target.card_id}" for target in targets if target.pk in changed]
    unchanged = [f"{target.deck}/{target.card_id}" for target in targets if target.pk not in changed]
    if not targets:
        typer.echo(f"No active cards match; nothing was {done.lower()}.")
        return
    lines = [f"{done} {plural(len(names), 'card') if selection else _joined(names)}."] if names else []
    if unchanged:
        which = plural(len(unchanged), "card") if selection else _joined(unchanged)
        lines.append(f"{which} {'was' if len(unchanged) == 1 else 'were'} {same}.")
    for text in lines:
        typer.echo(clean_line(text))


def _joined(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
