"""`quiz export`: the review log, the cards, or an Anki package."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from quizcards.cli.common import (
    DecksOption,
    clock,
    handle_errors,
    local_day,
    open_store,
    require_deck,
    settings_of,
)
from quizcards.core.errors import QuizError


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


FormatOption = Annotated[
    ExportFormat,
    typer.Option("--format", "-f", help="csv (with a header row) or jsonl (one JSON object a line)."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (a new one, or a regular file, replaced when complete); "
        "- is standard output.",
        show_default=False,
    ),
]
SpreadsheetOption = Annotated[
    bool,
    typer.Option(
        "--spreadsheet-safe",
        help="CSV only: prefix text cells that start with = + - @ (or a tab or carriage return) with ' "
        "so a spreadsheet shows them as text, not as formulas. The default keeps the exact text.",
    ),
]


def _output_path(output: Path | None) -> Path | None:
    """None for standard output (no -o, or -o -), else the file, checked before the database is opened."""
    if output is None or str(output) == "-":
        return None
    from quizcards.adapters.files import check_target

    check_target(output)
    return output


def _refuse_the_database(ctx: typer.Context, target: Path | None) -> None:
    """An export written over the database (or its journal) would destroy what it exports."""
    if target is None:
        return
    database = settings_of(ctx).db_path.resolve()
    companions = {database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal"))}
    if target.resolve() in companions:
        raise QuizError(f"{target} is the quizcards database itself; choose another file to export to.")


def _write_records(
    kind: str,
    fields: tuple[str, ...],
    output_format: ExportFormat,
    output: Path | None,
    records: Iterator[dict[str, object]],
    *,
    row_batches: Iterator[list[tuple[object, ...]]] | None = None,
    spreadsheet_safe: bool = False,
) -> None:
    """Write the records as CSV or JSON Lines; row_batches, when given, are the same as plain rows.

    A closed pipe or a full disk on standard output is left to the entry point (quizcards.cli.main).
    """
    from quizcards.adapters.sanitize import clean
    from quizcards.adapters.writers import output_stream, write_csv, write_csv_batches, write_jsonl

    if spreadsheet_safe and output_format is not ExportFormat.CSV:
        raise QuizError("--spreadsheet-safe is for CSV; JSON Lines keeps the exact text.")
    with output_stream(output) as (stream, terminal):
        if output_format is ExportFormat.CSV and row_batches is not None and not terminal:
            count = write_csv_batches(row_batches, fields, stream, spreadsheet_safe=spreadsheet_safe)
        elif output_format is ExportFormat.CSV:
            count = write_csv(
                records, fields, stream, clean=clean if terminal else None, spreadsheet_safe=spreadsheet_safe
            )
        else:
            # JSON Lines escapes control characters itself.
            count = write_jsonl(records, stream)
    if output is not None:
        # Imported for the message only: render loads rich, which an export to a pipe never needs.
        from quizcards.render.words import plural

        typer.echo(f"Wrote {plural(count, kind)} to {clean(str(output))}.", err=True)


export_app = typer.Typer(
    name="export",
    help="Take your data elsewhere: the review log, the cards, or an Anki package.",
    no_args_is_help=True,
)


@export_app.command("reviews")
@handle_errors
def export_reviews(
    ctx: typer.Context,
    output_format: FormatOption = ExportFormat.CSV,
    output: OutputOption = None,
    deck: DecksOption = None,
    spreadsheet_safe: SpreadsheetOption = False,
) -> None:
    """Export the whole review log, oldest first, streamed row by row (safe for millions of reviews)."""
    from quizcards.core.export.records import REVIEW_FIELDS, review_record, review_value_rows

    output = _output_path(output)
    _refuse_the_database(ctx, output)
    with open_store(ctx, mode="read") as store:
        for name in deck or ():
            require_deck(store, name)
        # Both are generators: only the one the output needs ever runs its query.
        records = (review_record(row) for row in store.iter_review_rows(deck))
        row_batches = (review_value_rows(batch) for batch in store.iter_review_batches(deck))
        _write_records(
            "review",
            REVIEW_FIELDS,
            output_format,
            output,
            records,
            row_batches=row_batches,
            spreadsheet_safe=spreadsheet_safe,
        )


@export_app.command("cards")
@handle_errors
def export_cards(
    ctx: typer.Context,
    output_format: FormatOption = ExportFormat.CSV,
    output: OutputOption = None,
    deck: DecksOption = None,
    spreadsheet_safe: SpreadsheetOption = False,
) -> None:
    """Export every card, retired ones included, with its current schedule."""
    from quizcards.core.export.records import CARD_FIELDS, card_record

    output = _output_path(output)
    _refuse_the_database(ctx, output)
    with open_store(ctx, mode="read") as store:
        for name in deck or ():
            require_deck(store, name)
        _write_records(
            "card",
            CARD_FIELDS,
            output_format,
            output,
            (card_record(row) for row in store.iter_card_rows(deck)),
            spreadsheet_safe=spreadsheet_safe,
        )


ApkgOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="The Anki package to write (a new file, or a regular file, replaced when complete). "
        "An .apkg is a zip file, so - (standard output) is refused.",
        show_default=False,
    ),
]


def _apkg_target(positional: Path | None, output: Path | None) -> Path:
    """The package's file: -o FILE.apkg, or the older positional name (the same thing), never both."""
    if positional is not None and output is not None:
        raise QuizError(
            f"name the package once: {positional} and -o {output} are two; use -o FILE.apkg alone."
        )
    target = output if output is not None else positional
    if target is None:
        raise QuizError("name the package to write: quiz export apkg -o FILE.apkg.")
    if str(target) == "-":
        # A zip's directory comes last and names offsets: it is made for a file, not a pipe or a terminal.
        raise QuizError("an Anki package is a zip file, not text: name a file with -o FILE.apkg.")
    return target


@export_app.command("apkg")
@handle_errors
def export_apkg(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="OUT.apkg",
            help="The same as -o OUT.apkg (the older form, still accepted).",
            show_default=False,
        ),
    ] = None,
    output: ApkgOutputOption = None,
    deck: DecksOption = None,
    with_schedule: Annotated[
        bool,
        typer.Option(
            "--with-schedule",
            help="Carry each reviewed card's due date, interval, ease, reviews and lapses, and the "
            "review log, so Anki continues where quizcards left off. Without it every card starts new.",
        ),
    ] = False,
) -> None:
    """Write an Anki package: one Anki deck per deck; re-importing it updates notes, never duplicates them."""
    from quizcards.adapters.anki import write_apkg
    from quizcards.adapters.files import atomic_path, check_target
    from quizcards.adapters.sanitize import clean
    from quizcards.core.export.anki import ScheduleDay, anki_day
    from quizcards.render.words import plural
    from quizcards.store.export import write_anki_progress

    path = _apkg_target(path, output)
    check_target(path)
    _refuse_the_database(ctx, path)
    moment = clock()
    schedule_day = ScheduleDay(local_day(moment), anki_day(moment.timestamp())) if with_schedule else None
    with open_store(ctx, mode="read") as store:
        for name in deck or ():
            require_deck(store, name)
        decks = store.export_decks(deck)
        if not decks:
            raise QuizError("there are no decks to export; import one first (quiz import).")
        with atomic_path(path) as partial:
            summary = write_apkg(
                decks,
                store.iter_card_rows(deck),
                partial,
                timestamp=moment.timestamp(),
                schedule_day=schedule_day,
                reviews=store.iter_review_rows(deck) if with_schedule else (),
                write_progress=write_anki_progress,
            )
    scheduled = f", {summary.scheduled} with their schedule" if with_schedule else ""
    typer.echo(
        f"Wrote {plural(summary.notes, 'note')} in {plural(summary.decks, 'deck')} to {clean(str(path))}"
        f"{scheduled}.",
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(export_app, name="export")
