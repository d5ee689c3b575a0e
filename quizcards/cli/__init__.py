"""The typer app: global options, and the commands registered from their modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from quizcards import __version__
from quizcards.cli.common import Settings


def _flags_show_no_metavar() -> None:
    """Give flags (an option that takes no value) and repeated arguments no type in the help's tables.

    Typer's Rich help writes every option's type, so `--version` and `--help` read as
    if they took a `<bool>`; its plain help already leaves flags out. Patched here, the
    one place every command's options pass through, for every command at once.
    """
    show_type = typer.core.TyperOption.display_type_rich

    def display_type_rich(option: typer.core.TyperOption, ctx: typer.Context) -> str | None:
        if option.is_flag or option.count:
            return None
        return show_type(option, ctx)

    # A method assigned on the class: mypy refuses the plain assignment.
    setattr(typer.core.TyperOption, "display_type_rich", display_type_rich)  # noqa: B010
    argument_type = typer.core.TyperArgument.display_type_rich

    def argument_display_type_rich(argument: typer.core.TyperArgument, ctx: typer.Context) -> str | None:
        # An argument taken several times (CARD..., PATH...) says so by its name; its Python type,
        # `<list[str]>`, means nothing to a learner.
        if argument.nargs != 1:
            return None
        return argument_type(argument, ctx)

    setattr(typer.core.TyperArgument, "display_type_rich", argument_display_type_rich)  # noqa: B010


_flags_show_no_metavar()

app = typer.Typer(
    name="quiz",
    help="Spaced-repetition flashcards for technical interviews: explain, reveal, grade.",
    no_args_is_help=True,
    add_completion=True,
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


from quizcards.cli import (  # noqa: E402
    authoring,
    cards,
    config,
    cram,
    decks,
    export,
    info,
    maintenance,
    mock,
    optimize,
    plan,
    review,
    stats,
    suspending,
    sync,
)

_COMMANDS = (
    decks,
    review,
    cram,
    mock,
    plan,
    cards,
    suspending,
    stats,
    export,
    authoring,
    maintenance,
    config,
    optimize,
    sync,
    info,
)
for _module in _COMMANDS:
    _module.register(app)


def main() -> None:
    """The console-script entry point; output that cannot be delivered ends in one line, never a traceback.

    The one place standard output's failures are met, whichever command printed:
    characters the output's encoding lacks become escapes; a closed pipe ends
    quietly and a full disk with one line on stderr, both with exit code 1, since
    the output was not all delivered.
    """
    from quizcards.adapters.writers import (
        degrade_unencodable_output,
        flush_standard_output,
        is_output_error,
        output_error_line,
        silence_stdout,
    )

    degrade_unencodable_output()
    try:
        try:
            app(prog_name="quiz")
        finally:
            # Output to a file or pipe is buffered: a full disk often shows only here.
            flush_standard_output()
    except OSError as error:
        if not is_output_error(error):
            raise
        silence_stdout()
        line = output_error_line(error)
        if line is not None:
            sys.stderr.write(line + "\n")
        raise SystemExit(1) from None
