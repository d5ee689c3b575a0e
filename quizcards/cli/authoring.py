"""`quiz new`, `quiz add`, `quiz lint` and `quiz schema`: writing decks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.cli.common import handle_errors
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.core.deck.model import Deck, Problem


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("new")
    @handle_errors
    def new(
        path: Annotated[
            Path, typer.Argument(help="The deck file to create (.yaml or .yml).", show_default=False)
        ],
        title: Annotated[
            str | None, typer.Option("--title", help="The deck's title (default: from the file name).")
        ] = None,
    ) -> None:
        """Create a deck file with an example card and a schema pointer for YAML-aware editors."""
        from quizcards.adapters.sources import DECK_SUFFIXES, create_deck_file
        from quizcards.core.authoring.templates import (
            SCHEMA_FILENAME,
            check_title,
            deck_name_for,
            new_deck_text,
            title_for,
        )
        from quizcards.core.deck.schema import schema_text

        if path.suffix.lower() not in DECK_SUFFIXES:
            raise QuizError(f"{path}: a deck file's name must end in .yaml or .yml.")
        if not path.parent.is_dir():
            raise QuizError(f"cannot create {path}: the folder {path.parent} does not exist.")
        name = deck_name_for(path.stem)
        deck_title = check_title(title if title is not None else title_for(name))
        from quizcards.adapters.files import read_regular_file, replace_atomically

        create_deck_file(path, new_deck_text(name, deck_title).encode("utf-8"))
        shown = clean_line(str(path))
        typer.echo(f"Created {shown} (deck '{clean_line(name)}') with one example card.")
        schema_path = path.parent / SCHEMA_FILENAME
        shown_schema = clean_line(str(schema_path))
        # A dangling link is not there either: the writer check refuses it rather than write through it.
        if not schema_path.exists():
            try:
                replace_atomically(schema_path, schema_text().encode("utf-8"))
            except QuizError as error:
                typer.echo(f"Could not write the schema: {clean_line(str(error))}", err=True)
            else:
                typer.echo(f"Wrote {shown_schema}: YAML-aware editors check the deck against it.")
        else:
            try:
                current = read_regular_file(schema_path).decode("utf-8", errors="replace")
            except QuizError as error:
                current = None
                typer.echo(f"Could not read the schema: {clean_line(str(error))}", err=True)
            if current is not None and current != schema_text():
                typer.echo(
                    f"{shown_schema} differs from this version's schema; refresh it with "
                    f"quiz schema --output {shown_schema}",
                    err=True,
                )
        typer.echo(f"Next: edit it, check it with quiz lint {shown}, then load it with quiz import {shown}")

    @app.command("add")
    @handle_errors
    def add(
        path: Annotated[
            Path, typer.Argument(help="The deck file to append the card to.", show_default=False)
        ],
        card_id: Annotated[
            str | None,
            typer.Option("--id", help="The new card's id (default: made from the question's words)."),
        ] = None,
        *,
        question: Annotated[str | None, typer.Option("--q", help="The question.", show_default=False)] = None,
        answer: Annotated[
            str | None,
            typer.Option(
                "--a",
                help="The answer, in Markdown; - reads it from standard input.",
                show_default=False,
            ),
        ] = None,
        answer_file: Annotated[
            Path | None,
            typer.Option(
                "--a-file",
                help="Read the answer (Markdown) from this file.",
                show_default=False,
            ),
        ] = None,
        points: Annotated[
            list[str] | None,
            typer.Option(
                "--point",
                metavar="<str>",
                help="A key point (repeat for more); other wordings follow a '|': 'softmax | 소프트맥스'.",
                show_default=False,
            ),
        ] = None,
        hints: Annotated[
            list[str] | None,
            typer.Option("--hint", metavar="<str>", help="A hint (repeat for more).", show_default=False),
        ] = None,
        tags: Annotated[
            list[str] | None,
            typer.Option(
                "--tag",
                metavar="<str>",
                help="A tag (repeat for more, or separate with commas).",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Append one card to a deck file, from options or asking for each part.

        With --q and --a (or --a-file) nothing is asked. Without any of these
        options it asks for the question, the answer, points, hints and tags: the
        answer opens in $VISUAL or $EDITOR when one is set; otherwise type it here
        and end it with a line holding only '.'. Given only some, it asks for the
        rest on a terminal, and is an error without one. Nothing else in the file
        changes: the card is added as text after the last card.
        """
        from quizcards.adapters.files import replace_atomically
        from quizcards.adapters.sources import read_deck_bytes, read_deck_file
        from quizcards.cli.adding import Given, card_parts
        from quizcards.core.authoring.cards import check_card_id, new_card
        from quizcards.core.authoring.edits import append_card

        given = Given(question, answer, answer_file, points, hints, tags)
        given.check()
        deck = read_deck_file(path)
        taken = {card.id for card in deck.cards}
        if card_id is not None:
            check_card_id(card_id, taken)  # before any typing
        text, answer_text, card_points, card_hints, card_tags = card_parts(path, deck, given)
        card = new_card(text, answer_text, card_points, card_hints, card_tags, taken=taken, card_id=card_id)
        # Read again: the file may have been edited while the answer was being written.
        appended = append_card(read_deck_bytes(path), str(path), path.stem, card)
        # An edit in place: a link to the deck file is followed, so the link stays a link.
        replace_atomically(path, appended.data, edit=True)
        shown = clean_line(str(path))
        typer.echo(
            f"Added card '{clean_line(card.id)}' to {shown} (line {appended.line}). "
            f"Load it with: quiz import {shown}"
        )

    @app.command("lint")
    @handle_errors
    def lint(
        paths: Annotated[
            list[Path],
            typer.Argument(help="Deck files, or folders searched for *.yaml and *.yml.", show_default=False),
        ],
        strict: Annotated[bool, typer.Option("--strict", help="Exit with 1 on warnings too.")] = False,
        fix_ids: Annotated[
            bool,
            typer.Option("--fix-ids", help="Write each card's generated id into the file as 'id: ...'."),
        ] = False,
    ) -> None:
        """Check deck files without touching the database: FILE:LINE:COL: level: message.

        Errors are everything quiz import rejects; warnings are missing ids,
        near-duplicate questions, cards without points or hints, answers that only
        repeat their question, and very long answers. Exit code 0 when clean, 1 on
        errors (and, with --strict, on warnings).
        """
        from quizcards.adapters.sources import load_deck_paths

        result = load_deck_paths(paths)
        unfixed = 0
        if fix_ids:
            fixed = 0
            for deck in result.decks:
                try:
                    fixed += _fix_ids(Path(deck.path), deck.slug)
                except QuizError as error:
                    from quizcards.cli.common import report_error

                    report_error(error)
                    unfixed += 1
            if fixed:
                result = load_deck_paths(paths)
        problems = _all_problems(paths, result.problems, result.decks)
        from quizcards.adapters.sanitize import clean
        from quizcards.render.words import plural

        for problem in problems:
            typer.echo(clean(problem.with_level()))
        errors = sum(problem.level == "error" for problem in problems)
        warnings = len(problems) - errors
        files = len({problem.path for problem in problems})
        if problems:
            typer.echo(
                f"{plural(errors, 'error')} and {plural(warnings, 'warning')} in {plural(files, 'file')}.",
                err=True,
            )
        else:
            typer.echo(f"{plural(len(result.decks), 'deck')} checked: no problems.", err=True)
        if errors or unfixed or (strict and warnings):
            raise typer.Exit(code=1)

    @app.command("schema")
    @handle_errors
    def schema(
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="Write it to this file (e.g. decks/quizcards.schema.json) instead of printing it; "
                "- is standard output.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Print the JSON Schema (draft 2020-12) of the deck format, for YAML-aware editors."""
        from quizcards.adapters.files import check_target, read_regular_file, replace_atomically
        from quizcards.core.deck.schema import is_quizcards_schema, schema_text

        text = schema_text()
        if output is not None and str(output) == "-":
            output = None
        if output is None:
            typer.echo(text, nl=False)
            return
        check_target(output)
        if output.exists():
            try:
                existing = read_regular_file(output).decode("utf-8")
            except (QuizError, UnicodeDecodeError):
                existing = ""
            if not is_quizcards_schema(existing):
                raise QuizError(
                    f"{output} exists and is not a quizcards schema; it was left alone. Choose another file."
                )
        replace_atomically(output, text.encode("utf-8"))
        typer.echo(f"Wrote {clean_line(str(output))}.")


def _all_problems(paths: list[Path], loaded: tuple[Problem, ...], decks: tuple[Deck, ...]) -> list[Problem]:
    """The loader's problems and the authoring warnings, in file order, then line order."""
    from quizcards.adapters.sources import deck_file_text, find_deck_files
    from quizcards.core.authoring.lint import in_file_order, lint_deck

    problems = list(loaded)
    for deck in decks:
        text = deck_file_text(deck)
        if text is not None:
            problems.extend(lint_deck(deck, text))
    files, _ = find_deck_files(paths)
    return in_file_order(problems, [str(path) for path in files])


def _fix_ids(path: Path, slug: str) -> int:
    """Write the generated ids of one deck file in place; the number of ids written."""
    from quizcards.adapters.files import replace_atomically
    from quizcards.adapters.sources import read_deck_bytes
    from quizcards.core.authoring.edits import insert_generated_ids
    from quizcards.render.words import plural

    fixed = insert_generated_ids(read_deck_bytes(path), str(path), path.stem)
    if fixed.written:
        replace_atomically(path, fixed.data, edit=True)
        typer.echo(clean_line(f"{path}: wrote {plural(len(fixed.written), 'id')} (deck '{slug}')."), err=True)
    return len(fixed.written)
