"""`quiz stats`: progress at a glance, or as JSON, CSV or Markdown."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from quizcards.cli.common import (
    DecksOption,
    clock,
    handle_errors,
    local_day,
    open_store,
    require_deck,
)
from quizcards.core.errors import QuizError


class StatsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def parse_day(option: str, value: str | None, today: date) -> date | None:
    """An ISO date given on the command line, checked against today."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise QuizError(f"{option} must be a date like {today.isoformat()}, not {value!r}.") from None
    if day > today:
        raise QuizError(f"{option} {day.isoformat()} is after today ({today.isoformat()}).")
    return day


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("stats")
    @handle_errors
    def stats(
        ctx: typer.Context,
        deck: DecksOption = None,
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                metavar="DATE",
                help="Count only reviews on or after this date (YYYY-MM-DD) in the review figures.",
                show_default=False,
            ),
        ] = None,
        output_format: Annotated[
            StatsFormat,
            typer.Option("--format", "-f", help="table for people; json, csv or markdown for elsewhere."),
        ] = StatsFormat.TABLE,
    ) -> None:
        """Show progress: cards by state, today's work, streaks, retention, forecast, calendar, leeches."""
        from quizcards.core.stats.figures import build_stats

        today = local_day(clock())
        since_day = parse_day("--since", since, today)
        with open_store(ctx, mode="read") as store:
            for name in deck or ():
                require_deck(store, name)
            figures = build_stats(store, today, deck=tuple(deck or ()), since=since_day)
            figures = replace(figures, plan=store.study_plan())
        from quizcards.cli.editing import locate_leeches

        figures = locate_leeches(figures)  # each leech's FILE:LINE, read from its deck file as it is now
        if output_format is StatsFormat.JSON:
            from quizcards.adapters.sanitize import json_text
            from quizcards.core.stats.shapes import stats_json

            typer.echo(json_text(stats_json(figures)))
        elif output_format is StatsFormat.CSV:
            import io

            from quizcards.adapters.sanitize import clean
            from quizcards.adapters.writers import write_csv
            from quizcards.core.stats.shapes import STATS_CSV_FIELDS, stats_csv_rows

            buffer = io.StringIO(newline="")
            write_csv(stats_csv_rows(figures), STATS_CSV_FIELDS, buffer, clean=clean)
            typer.echo(buffer.getvalue(), nl=False)
        elif output_format is StatsFormat.MARKDOWN:
            from quizcards.adapters.sanitize import clean
            from quizcards.render.stats_text import stats_markdown

            typer.echo(clean(stats_markdown(figures)), nl=False)
        else:
            from quizcards.render import make_console
            from quizcards.render.stats import stats_dashboard

            console = make_console()
            console.print(stats_dashboard(figures, console.width))
