"""`quiz add`'s card parts: given as options (the answer from standard input or a file too), or asked for."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.core.deck.model import Deck
    from quizcards.core.points import Point


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # no standard input, or a closed one
        return False


@dataclass(frozen=True, slots=True)
class Given:
    """The parts of a new card given as `quiz add` options (None: not given)."""

    question: str | None
    answer: str | None
    answer_file: Path | None
    points: list[str] | None
    hints: list[str] | None
    tags: list[str] | None

    @property
    def has_answer(self) -> bool:
        return self.answer is not None or self.answer_file is not None

    @property
    def complete(self) -> bool:
        return self.question is not None and self.has_answer

    def check(self) -> None:
        """Refuse, before anything is read or asked, options that cannot make a card."""
        if self.answer is not None and self.answer_file is not None:
            raise QuizError("give the answer with --a or --a-file, not both; nothing was written.")
        given = (self.question, self.answer, self.answer_file, self.points, self.hints, self.tags)
        if self.complete or all(part is None for part in given):
            return
        if not stdin_is_terminal():
            missing = [
                name
                for name, absent in (
                    ("--q", self.question is None),
                    ("--a (or --a-file)", not self.has_answer),
                )
                if absent
            ]
            raise QuizError(
                f"no terminal to ask for the card's other parts: give {' and '.join(missing)} too; "
                "nothing was written."
            )
        if self.answer == "-":
            raise QuizError(
                "--a - reads the answer from standard input, so give the question with --q too; "
                "nothing was written."
            )

    def read_answer(self) -> str:
        """The answer: the option's text, standard input's (--a -) or the file's (--a-file)."""
        if self.answer_file is not None:
            from quizcards.adapters.files import read_regular_file

            try:
                return read_regular_file(self.answer_file).decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                raise QuizError(f"{self.answer_file} is not UTF-8 text; nothing was written.") from None
        if self.answer == "-":
            try:
                return sys.stdin.read().removeprefix("\ufeff")
            except UnicodeDecodeError:
                raise QuizError("standard input is not UTF-8 text; nothing was written.") from None
        return self.answer or ""


def card_parts(path: Path, deck: Deck, given: Given) -> tuple[str, str, list[Point], list[str], list[str]]:
    """Question, answer, points, hints and tags: from the options, asking for each part not given.

    Nothing is asked when the question and the answer are given.
    """
    from quizcards.adapters.terminal import enable_line_editing
    from quizcards.core.authoring.cards import split_point, split_tags
    from quizcards.render.words import plural

    if given.complete:
        return (
            given.question or "",
            given.read_answer(),
            [point for line in given.points or () if (point := split_point(line)) is not None],
            list(given.hints or ()),
            [tag for value in given.tags or () for tag in split_tags(value)],
        )
    enable_line_editing()
    shown = clean_line(str(path))
    typer.echo(f"Adding a card to {clean_line(deck.title)} ({shown}, {plural(len(deck.cards), 'card')}).")
    question = given.question if given.question is not None else _ask("Question: ")
    answer = given.read_answer() if given.has_answer else _ask_answer(question)
    if given.points is None:
        typer.echo(
            "Key points a good explanation mentions, one per line; other wordings that also count "
            "follow a '|' (vanishing gradient | 기울기 소실). An empty line ends:"
        )
    point_lines = given.points if given.points is not None else _ask_lines("  point: ")
    points = [point for line in point_lines if (point := split_point(line)) is not None]
    if given.hints is None:
        typer.echo("Hints, shown one at a time during a review (an empty line ends):")
    hints = given.hints if given.hints is not None else _ask_lines("  hint: ")
    if given.tags is None:
        tags = split_tags(_ask("Tags, separated by commas or spaces (Enter for none): ", allow_end=True))
    else:
        tags = [tag for value in given.tags for tag in split_tags(value)]
    return question, answer, points, hints, tags


class _EndOfInput(Exception):
    """Standard input ended (Ctrl-D)."""


def _read_line(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise _EndOfInput from None


def _ask(prompt: str, *, allow_end: bool = False) -> str:
    """One non-empty line (any line, if allow_end; end of input then gives '')."""
    while True:
        try:
            value = _read_line(prompt)
        except _EndOfInput:
            if allow_end:
                return ""
            raise QuizError("the input ended before the card was complete; nothing was written.") from None
        if value.strip() or allow_end:
            return value.strip()


def _ask_lines(prompt: str) -> list[str]:
    lines: list[str] = []
    while True:
        try:
            value = _read_line(prompt)
        except _EndOfInput:
            return lines
        if not value.strip():
            return lines
        lines.append(value.strip())


def _ask_answer(question: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor and editor.strip():
        return _edit_answer(editor, question)
    typer.echo("Answer, in Markdown (blank lines are kept; end with a line holding only '.'):")
    lines: list[str] = []
    while True:
        try:
            value = _read_line("> " if not lines else "  ")
        except _EndOfInput:
            break
        if value.strip() == ".":
            break
        lines.append(value.rstrip())
    return "\n".join(lines)


def _edit_answer(editor: str, question: str) -> str:
    """The answer written in the user's editor ($VISUAL or $EDITOR may carry arguments)."""
    from quizcards.adapters.editor import edit_text
    from quizcards.core.authoring.templates import answer_from_editor, editor_template

    return answer_from_editor(edit_text(editor, editor_template(question)))
