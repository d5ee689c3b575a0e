"""Issue 15, items 9 and 3: flags show no metavar in --help; `--new N` says it is today's total."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import Result

from quizcards.cli import app
from quizcards.core.session import Outlook
from quizcards.render import make_console
from quizcards.render.review import nothing_due
from tests.helpers import grade

TODAY = date(2026, 3, 10)


def _command_paths(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    # Typer's groups are its own (typer._click), not click.Group: a group is what has commands.
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


COMMAND_PATHS = list(_command_paths(typer.main.get_command(app)))


@pytest.fixture
def help_of(quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """The --help of `quiz PATH...`, 200 columns wide (the quiz fixture builds the command once)."""
    monkeypatch.setenv("COLUMNS", "200")

    def run(*path: str) -> str:
        result = quiz(*path, "--help")
        assert result.exit_code == 0, result.output
        return result.output

    return run


def _words(output: str) -> str:
    """The text without the panels' borders and line breaks: one space between words."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(("quiz", *path)))
def test_no_flag_shows_a_metavar_in_any_help(path: tuple[str, ...], help_of: Callable[..., str]) -> None:
    output = help_of(*path)
    assert "<bool>" not in output
    assert "<list[" not in output  # a repeated argument says so by its name (CARD..., paths...)
    assert re.search(r"--help\s+-h\s+Show this message", output), output


def test_the_global_flags_show_no_metavar_and_valued_options_keep_theirs(help_of: Callable[..., str]) -> None:
    output = help_of()
    assert re.search(r"--version\s+Show the version", output), output
    assert re.search(r"--db\s+<path>\s+The database file", output), output


def test_review_options_keep_their_metavars(help_of: Callable[..., str]) -> None:
    output = help_of("review")
    assert re.search(r"--deck\s+-d\s+DECK\b", output), output
    assert re.search(r"--new\s+<int range>", output), output


def test_review_help_says_new_is_todays_total(help_of: Callable[..., str]) -> None:
    words = _words(help_of("review"))
    assert "Today's limit of new cards, in total: the cards first seen today count towards it" in words


def _text(outlook: Outlook, *, daily_new: int, introduced: int) -> str:
    console = make_console()
    with console.capture() as captured:
        console.print(nothing_due(outlook, TODAY, daily_new=daily_new, introduced=introduced))
    return " ".join(captured.get().split())


def test_nothing_due_says_the_limit_was_reached_and_what_new_n_does() -> None:
    text = _text(Outlook(None, 0, 20), daily_new=10, introduced=10)
    assert "20 new cards waiting. Today's new cards: 10 of 10 introduced" in text
    assert "--new 15 raises today's limit to 15" in text
    assert "allows more" not in text


def test_nothing_due_suggests_no_more_than_the_cards_waiting() -> None:
    text = _text(Outlook(None, 0, 2), daily_new=3, introduced=3)
    assert "Today's new cards: 3 of 3 introduced; --new 5 raises today's limit to 5." in text


def test_nothing_due_after_a_larger_limit_earlier_today() -> None:
    text = _text(Outlook(None, 0, 4), daily_new=10, introduced=12)
    assert "Today's new cards: 12 introduced, over today's limit of 10; --new 16 raises" in text


def test_nothing_due_with_the_allowance_left_says_the_new_cards_are_buried() -> None:
    text = _text(Outlook(None, 0, 2), daily_new=10, introduced=3)
    assert "2 new cards waiting, buried until tomorrow." in text
    assert "--new" not in text


def test_nothing_due_without_new_cards_is_unchanged() -> None:
    text = _text(Outlook(date(2026, 3, 12), 1, 0), daily_new=10, introduced=0)
    assert text == "Nothing is due today. Next: 1 card on 2026-03-12 (in 2 days)."


@pytest.fixture
def review(quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """`quiz review ARGS...` as if in a terminal: its output, one space between words."""
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)
    monkeypatch.setenv("QUIZCARDS_NOW", "2026-03-10T09:00:00+00:00")

    def run(*args: str) -> str:
        result = quiz("review", *args)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    return run


def test_review_with_new_zero_says_what_new_n_would_do(review: Callable[..., str], deck_db: Path) -> None:
    text = review("--new", "0")
    assert "3 new cards waiting. Today's new cards: 0 of 0 introduced" in text
    assert "--new 3 raises today's limit to 3." in text


def test_review_counts_the_cards_introduced_today(review: Callable[..., str], deck_db: Path) -> None:
    grade(deck_db, "attention", "qkv", 5, TODAY)
    text = review("--new", "1")
    assert "Today's new cards: 1 of 1 introduced; --new 3 raises today's limit to 3." in text
