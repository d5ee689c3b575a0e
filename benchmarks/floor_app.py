"""The floor that benchmarks/bench.py measures `quiz` against: a minimal typer app with one command.

Its one command greets and then waits for a line, as `quiz review` shows a card
and waits for the learner. ``--rich`` prints the greeting through rich's Console,
as quiz prints everything: rich is typer's own dependency for output (typer
renders ``--help`` with it), so that floor is the start-up every typer + rich
app pays before doing any work of its own.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


@app.command()
def hello(
    rich: Annotated[bool, typer.Option("--rich", help="Print the greeting through rich's Console.")] = False,
) -> None:
    """Greet, then wait for a line."""
    if rich:
        from rich.console import Console

        Console().print("Hello from typer.")
    else:
        typer.echo("Hello from typer.")
    input("> ")


if __name__ == "__main__":
    app()
