"""`quiz review`: the daily session in the terminal (options, first run, queue, summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import (
    DecksOption,
    TagsOption,
    clock,
    daily_new_limit,
    handle_errors,
    local_day,
    open_session_store,
    require_selection,
    settings_of,
)
from quizcards.core.errors import NotATerminalError
from quizcards.core.planning import review_new_cards
from quizcards.core.session import NewCardPlan, SessionFilter, new_card_allowance

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from quizcards.cli.daily_backup import DailyBackup
    from quizcards.core.deck import Deck
    from quizcards.core.planning import StoredPlan
    from quizcards.core.session import Session
    from quizcards.store import BaseStore


def register(app: typer.Typer) -> None:
    @app.command("review")
    @handle_errors
    def review(
        ctx: typer.Context,
        deck: DecksOption = None,
        tag: TagsOption = None,
        new: Annotated[
            int | None,
            typer.Option(
                "--new",
                min=0,
                help=(
                    "Today's limit of new cards, in total: the cards first seen today count towards it, "
                    "so --new 15 after 10 allows 5 more (default: quiz config new_per_day, else the "
                    "config file's new_per_day, else 10)."
                ),
                show_default=False,
            ),
        ] = None,
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help="At most this many cards.", show_default=False)
        ] = None,
    ) -> None:
        """Review what is due today: explain each card, reveal the answer, grade yourself 0-5."""
        from quizcards.adapters.terminal import is_interactive

        if not is_interactive():
            raise NotATerminalError(
                "quiz review is interactive and needs a terminal; standard input or output is not one."
            )
        run_review(ctx, deck=tuple(deck or ()), tag=tuple(tag or ()), new=new, limit=limit)


def run_review(
    ctx: typer.Context, *, deck: tuple[str, ...], tag: tuple[str, ...], new: int | None, limit: int | None
) -> None:
    from quizcards.cli.asking import Quit
    from quizcards.cli.daily_backup import DailyBackup, report_backup
    from quizcards.cli.review_loop import drive
    from quizcards.core.session import Session
    from quizcards.render import make_console

    console = make_console()
    settings = settings_of(ctx)
    first_run = settings.db_is_default and not settings.db_path.exists()
    # Load the bundled decks before creating anything, so a failure leaves no empty database.
    bundled = _bundled_decks() if first_run else None
    store = open_session_store(ctx, mode="write", create=first_run)
    backup: DailyBackup | None = None
    try:
        if settings.db_is_default and store.card_count() == 0:
            _import_bundled(store, console, bundled or _bundled_decks())
        today = local_day(clock())
        require_selection(store, deck, tag)
        collection = store.collection_settings()
        if collection.scheduler == "fsrs":
            from quizcards.core.errors import FsrsUnavailableError
            from quizcards.core.fsrs import require_fsrs

            try:
                require_fsrs()  # before the first question, not after an answer typed in vain
            except FsrsUnavailableError as error:
                # The setting travels with the database, to machines without the extra too.
                raise FsrsUnavailableError(
                    f"{error} Or schedule this collection with SM-2 again: quiz config scheduler sm2."
                ) from None
            store.fsrs_parameters()  # damaged saved parameters: said now, for the same reason
        configured_new = new if new is not None else daily_new_limit(collection)
        selection = SessionFilter(decks=deck, tags=tag)
        # An applied `quiz plan` sets the limit (and, with no --deck/--tag, which new cards) until its date.
        source = review_new_cards(store.study_plan(), today, selection, new, configured_new)
        daily_new = source.daily_new
        if source.plan is not None:
            _announce_plan(console, source.plan, today)
        introduced = store.introduced_count(today)
        allowance = new_card_allowance(daily_new, introduced)
        # Card ids only: each card's text is read when it comes up.
        session = Session.from_ids(
            store.due_card_ids(today, selection),
            store.new_card_ids(today, source.selection, allowance),
            store.redrill_card_ids(today, selection),
            limit,
        )
        if session.done:
            from quizcards.render.review import nothing_due

            outlook = store.outlook(today, selection, source.selection)
            console.print(
                nothing_due(outlook, today, daily_new=daily_new, introduced=introduced, plan=source.plan)
            )
            return
        if store.path is not None and not store.has_daily_backup(today):
            backup = DailyBackup(store.path, today, busy_timeout=store.busy_timeout)
        try:
            plan = NewCardPlan(daily_new, source.selection, limit)
            drive(session, store, console, today, backup=backup, plan=plan)
        except Quit:
            console.print()
        if backup is not None:
            report_backup(console, backup.wait())
        _finish(session, store, console, selection, source.selection)
    finally:
        if backup is not None:
            backup.finish_quietly()
        store.close()


def _announce_plan(console: Console, plan: StoredPlan, today: date) -> None:
    from quizcards.render.plan import stored_plan_line

    console.print(stored_plan_line(plan, today), style="dim")


def _bundled_decks() -> tuple[Deck, ...]:
    from quizcards.cli.importer import bundled_decks

    return bundled_decks()


def _import_bundled(store: BaseStore, console: Console, decks: tuple[Deck, ...]) -> None:
    from quizcards.cli.importer import import_bundled

    plans = import_bundled(store, decks, clock())
    cards = sum(len(plan.added) for plan in plans)
    console.print(
        f"First run: created {store.path} and imported the {len(plans)} bundled decks ({cards} cards).",
        style="dim",
    )


def _finish(
    session: Session,
    store: BaseStore,
    console: Console,
    selection: SessionFilter,
    new_selection: SessionFilter,
) -> None:
    """The session's summary; its new cards waiting are those the session draws from (a plan's)."""
    from quizcards.render.review import summary

    today = local_day(clock())
    console.print(summary(session.tally, store.outlook(today, selection, new_selection), today))
