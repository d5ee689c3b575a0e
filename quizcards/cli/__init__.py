"""The typer app: global options, and the commands registered from their modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from quizcards import __version__
from quizcards.cli.common import Settings

app = typer.Typer(
    name="quiz",
    help="Spaced-repetition flashcards for technical interviews: explain, reveal, grade.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"quizcards {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="QUIZCARDS_DB",
            help="The database file (default: quizcards.db in your user data folder).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Spaced-repetition flashcards for technical interviews: explain, reveal, grade."""
    ctx.obj = Settings.resolve(db)


from quizcards.cli import authoring, cards, decks, export, maintenance, review, stats  # noqa: E402

for _module in (decks, review, cards, stats, export, authoring, maintenance):
    _module.register(app)


def main() -> None:
    """The console-script entry point."""
    app(prog_name="quiz")
