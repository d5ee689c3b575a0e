"""`quiz import` and `quiz decks`: loading deck files into the store, and listing decks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.adapters.sanitize import json_text
from quizcards.cli.common import clock, handle_errors, local_day, open_store, settings_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer) -> None:
    @app.command("import")
    @handle_errors
    def import_decks(
        ctx: typer.Context,
        paths: Annotated[
            list[Path],
            typer.Argument(help="Deck files, or folders searched for *.yaml and *.yml.", show_default=False),
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show what would change without writing anything.")
        ] = False,
        move: Annotated[
            bool,
            typer.Option(
                "--move",
                help="Accept that a deck now comes from another file than before: its cards are "
                "matched by id and keep their history; the rest retire.",
            ),
        ] = False,
    ) -> None:
        """Import YAML decks; re-importing an edited deck keeps every card's history."""
        from quizcards.cli.importer import apply_plans, load_decks, plan_imports, print_import_notes
        from quizcards.render import make_console
        from quizcards.render.decks import import_table

        decks = load_decks(paths)
        settings = settings_of(ctx)
        console = make_console()
        if dry_run:
            store = open_store(ctx, mode="read") if settings.db_path.exists() else None
        else:
            store = open_store(ctx, mode="write", create=True)
        try:
            plans = plan_imports(store, decks, paths, move=move)
            if store is not None and not dry_run:
                apply_plans(store, plans, clock(), console)
        finally:
            if store is not None:
                store.close()
        console.print(import_table(plans, dry_run=dry_run))
        print_import_notes(plans, console, dry_run=dry_run)

    @app.command("decks")
    @handle_errors
    def list_decks(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    ) -> None:
        """List the imported decks with their card counts."""
        today = local_day(clock())
        with open_store(ctx, mode="read") as store:
            summaries = store.deck_summaries(today)
        if as_json:
            from quizcards.core.listings import deck_fields

            typer.echo(json_text([deck_fields(summary) for summary in summaries]))
            return
        from quizcards.render import make_console
        from quizcards.render.decks import decks_table

        console = make_console()
        if not summaries:
            console.print("No decks yet. Import one with: quiz import PATH")
            return
        console.print(decks_table(summaries))
