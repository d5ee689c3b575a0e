"""Fixes found by using FSRS as a learner would (issue 17's review): each test failed before its fix."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import grade, rows

Quiz = Callable[..., Result]
TODAY = date(2026, 3, 10)  # FIXED_NOW's day


def said(result: Result) -> str:
    """The output as one line: a long message wraps at the terminal's width, between words."""
    return " ".join(result.output.split())


def _unchecked(db: Path, sql: str) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")  # m008's CHECK refuses such a write
        conn.execute(sql)
        conn.commit()


# ---- a damaged setting is repaired the way its error says ------------------------------------------


def test_a_damaged_scheduler_is_set_again_by_the_command_its_error_names(quiz: Quiz, deck_db: Path) -> None:
    # tests/test_config.py mends a damaged desired_retention; the scheduler's own row mends the same way.
    grade(deck_db, "attention", "qkv", 4, TODAY - timedelta(days=3))
    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    _unchecked(deck_db, "UPDATE settings SET value = 'fsrs6' WHERE name = 'scheduler'")
    assert "set it again with `quiz config NAME VALUE`" in said(quiz("config", "scheduler", db=deck_db))
    repaired = quiz("config", "scheduler", "sm2", db=deck_db)
    assert repaired.exit_code == 0, repaired.output
    assert rows(deck_db, "SELECT name, value FROM settings") == [("scheduler", "sm2")]


# ---- `quiz config`'s list fits an 80-column terminal ------------------------------------------------


def test_the_settings_list_wraps_between_words_at_80_columns(
    quiz: Quiz, deck_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = quiz("config", db=deck_db).output.splitlines()
    assert max(len(line) for line in lines) <= 80, lines
    assert lines[0].split()[:3] == ["scheduler", "sm2", "default"]
    # The description's second line hangs under its first, whole words on each.
    indent = lines[0].index("sm2 (SuperMemo-2)")
    assert lines[0].endswith("sm2 (SuperMemo-2) or fsrs (FSRS-6)")
    assert lines[1] == " " * indent + "decides what is due"


# ---- messages name what they count ----------------------------------------------------------------


def test_switching_to_fsrs_counts_due_cards_as_cards_as_the_other_messages_do(
    quiz: Quiz, deck_db: Path
) -> None:
    grade(deck_db, "attention", "qkv", 4, TODAY - timedelta(days=9))
    result = quiz("config", "scheduler", "fsrs", db=deck_db)
    assert said(result).endswith("(desired retention 0.9, default parameters); 1 card is due today.")


def test_a_review_under_fsrs_without_its_library_names_the_way_back_to_sm2(
    quiz: Quiz, deck_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from quizcards.adapters import terminal

    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    # The collection travels to a machine without the extra.
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fsrs" else real(name, *a)
    )
    monkeypatch.setattr(terminal, "is_interactive", lambda: True)
    result = quiz("review", db=deck_db)
    assert result.exit_code == 1
    assert said(result) == (
        "Error: FSRS needs the optional fsrs extra, which is not installed: pip install 'quizcards[fsrs]'. "
        "Or schedule this collection with SM-2 again: quiz config scheduler sm2."
    )
    assert rows(deck_db, "SELECT count(*) FROM reviews") == [(0,)]


# ---- the desired retention in force is the one stored -----------------------------------------------


def test_a_retention_with_many_digits_is_in_force_as_stored_and_setting_it_again_changes_nothing(
    quiz: Quiz, deck_db: Path
) -> None:
    import json

    assert quiz("config", "desired_retention", "0.8765432", db=deck_db).exit_code == 0
    assert rows(deck_db, "SELECT value FROM settings") == [(0.8765432,)]
    listed = json.loads(quiz("config", "--json", db=deck_db).output)
    assert listed["settings"][1] == {"name": "desired_retention", "value": 0.8765432, "source": "set"}
    again = quiz("config", "desired_retention", "0.8765432", db=deck_db)
    assert said(again) == "desired_retention is already 0.876543; nothing changed."


# ---- quiz optimize: a long question at 80 columns ----------------------------------------------------


def test_a_long_yes_or_no_question_wraps_between_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quizcards.cli.optimize import _ask
    from quizcards.render import make_console

    monkeypatch.setenv("COLUMNS", "80")
    prompts: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "n")
    question = "Go back to FSRS's default parameters? (the fit of 2026-03-22 stays in the database's history)"
    assert _ask(make_console(), question, default=False) is False
    assert capsys.readouterr().out == (
        "Go back to FSRS's default parameters? (the fit of 2026-03-22 stays in the\n"
    )
    assert prompts == ["database's history) [y/N] "]
    # A short question stays one line, the prompt itself.
    assert _ask(make_console(), "Save the new fit (fitted 2026-03-22)?", default=True) is False
    assert prompts[-1] == "Save the new fit (fitted 2026-03-22)? [Y/n] "
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("command", ["config", "optimize"])
def test_the_help_wraps_its_description_only_where_a_line_is_full(
    quiz: Quiz, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = quiz(command, "--help")
    assert result.exit_code == 0
    description = result.output.split("╭")[0].splitlines()
    for line, following in itertools.pairwise(description):
        if line.strip() and following.strip():
            # A break before a word that would have fitted is a hard line break in the docstring.
            assert len(line.rstrip()) + 1 + len(following.split()[0]) > 79, (line, following)


# ---- under FSRS the re-drill notice does not credit SM-2 -------------------------------------------


def test_the_redrill_notice_under_fsrs_leaves_out_sm2s_name() -> None:
    from quizcards.render.review import redrill_notice

    assert (
        redrill_notice(3, fsrs=True).plain
        == "  Back after 3 other cards: graded below 4 (same-day re-drill)."
    )
    assert redrill_notice(0, fsrs=True).plain == (
        "  Once more: graded below 4, so it comes back today (same-day re-drill)."
    )
    assert redrill_notice(3).plain == "  Back after 3 other cards: graded below 4 (SM-2's same-day re-drill)."
