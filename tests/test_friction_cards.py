"""Issue 15 items 2 and 6: `quiz cards` readable at any width, and repeatable --deck / --tag filters."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from quizcards.core.listings import CardListing
from quizcards.core.scheduler import Grade, Schedule
from quizcards.core.session import SessionFilter
from quizcards.render.cards import cards_table
from quizcards.store import Store
from tests.helpers import Quiz, grade, import_decks

TODAY = date(2026, 12, 7)
QUESTION = (
    "Why does multi-head attention split the model dimension across heads instead of using one "
    "large head with the full dimension?"
)
DUE = ("2026-12-01", "2026-12-07", "2026-12-31")


def listings() -> list[CardListing]:
    """Long deck and card ids, three scheduled cards and one new, all with a long question."""
    schedules = [
        Schedule(reviews=4, repetitions=3, interval_days=365, lapses=12, due_on=date.fromisoformat(day))
        for day in DUE
    ]
    schedules.append(Schedule())
    return [
        CardListing("transformers", f"multi-head-attention-{n}", QUESTION, (), False, schedule)
        for n, schedule in enumerate(schedules)
    ]


def rendered(width: int, *, wide: bool = False) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(cards_table(listings(), TODAY, wide=wide))
    return console.export_text()


def headers(output: str) -> set[str]:
    head = next(line for line in output.splitlines() if "card" in line and "due" in line)
    return set(head.split())


@pytest.mark.parametrize(("width", "shortest"), [(60, 15), (80, 15), (100, 15), (120, 19)])
def test_dates_are_whole_and_the_question_keeps_room(width: int, shortest: int) -> None:
    output = rendered(width)
    assert all(len(line) <= width for line in output.splitlines())
    for day in DUE:
        assert day in output, output
    assert QUESTION[:shortest] in output, output
    shown = headers(output)
    # Columns give way in order: lapses first, then EF, then interval.
    assert ("lapses" not in shown) or ("EF" in shown)
    assert ("EF" not in shown) or ("interval" in shown)
    assert {"card", "state", "due", "question"} <= shown


def test_a_wide_terminal_shows_every_column() -> None:
    assert {"interval", "EF", "lapses"} <= headers(rendered(140))


def test_hidden_columns_are_named_in_the_caption() -> None:
    output = rendered(60)
    hidden = {"interval", "EF", "lapses"} - headers(output)
    assert hidden
    assert "--wide" in output
    assert all(name in output.split("hidden")[0].splitlines()[-1] for name in hidden)


def test_wide_shows_every_column_in_full() -> None:
    output = rendered(80, wide=True)
    assert {"interval", "EF", "lapses"} <= headers(output)
    for day in DUE:
        assert day in output
    assert "/multi-head-" in output
    assert "attention-0" in output
    words = " ".join(output.split())
    for word in QUESTION.split():
        assert word in words
    assert "…" not in output


def test_quiz_cards_at_80_columns(
    quiz: Quiz, db_path: Path, write_deck: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_decks(db_path, write_deck)
    monkeypatch.setenv("COLUMNS", "80")
    output = quiz("cards").stdout
    assert "2026-03-11" in output
    assert "2026-03-16" in output
    assert "What do Query, K" in output
    assert all(len(line) <= 80 for line in output.splitlines())
    monkeypatch.setenv("COLUMNS", "120")
    assert {"interval", "EF", "lapses"} <= headers(quiz("cards").stdout)
    monkeypatch.setenv("COLUMNS", "80")
    wide = quiz("cards", "--wide").stdout
    assert {"interval", "EF", "lapses"} <= headers(wide)
    assert json.loads(quiz("cards", "--json", "--wide").stdout)[0]["card_id"] == "qkv"


# ---- item 6: repeatable --deck and --tag --------------------------------------------------------

DECK_A = """
deck: alpha
title: Alpha
cards:
  - id: qkv
    q: What do Query, Key and Value mean in attention, and how are they computed from the input?
    a: Projections.
    tags: [red]
  - id: scale
    q: Why scale?
    a: Variance.
    tags: [blue]
  - id: plain
    q: Plain card?
    a: Yes.
"""
DECK_B = """
deck: beta
title: Beta
cards:
  - id: one
    q: One?
    a: One.
    tags: [green]
"""
DECK_C = """
deck: gamma
title: Gamma
tags: [blue]
cards:
  - id: two
    q: Two?
    a: Two.
"""


def two_decks(db_path: Path, write_deck: Callable[..., Path]) -> None:
    """alpha (qkv red, scale blue, plain), beta (one green), gamma (deck tag blue); only plain is new,
    nothing is due today (2026-03-10): scale is due 2026-03-16, the others 2026-03-11."""
    import_decks(
        db_path, write_deck("a.yaml", DECK_A), write_deck("b.yaml", DECK_B), write_deck("c.yaml", DECK_C)
    )
    grade(db_path, "alpha", "qkv", Grade.PERFECT, date(2026, 3, 10))
    grade(db_path, "alpha", "scale", Grade.PERFECT, date(2026, 3, 9))
    grade(db_path, "alpha", "scale", Grade.PERFECT, date(2026, 3, 10))
    grade(db_path, "beta", "one", Grade.PERFECT, date(2026, 3, 10))
    grade(db_path, "gamma", "two", Grade.PERFECT, date(2026, 3, 10))


@pytest.fixture
def decks(db_path: Path, write_deck: Callable[..., Path]) -> Path:
    two_decks(db_path, write_deck)
    return db_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--deck", "alpha", "--deck", "beta"), ["alpha/qkv", "alpha/scale", "alpha/plain", "beta/one"]),
        (("-d", "beta", "-d", "gamma"), ["beta/one", "gamma/two"]),
        (("--tag", "red", "--tag", "green"), ["alpha/qkv", "beta/one"]),
        (("--tag", "blue", "-t", "red"), ["alpha/qkv", "alpha/scale", "gamma/two"]),
        (("--deck", "alpha", "--deck", "gamma", "--tag", "blue"), ["alpha/scale", "gamma/two"]),
    ],
)
def test_cards_takes_several_decks_and_tags(
    quiz: Quiz, decks: Path, args: tuple[str, ...], expected: list[str]
) -> None:
    result = quiz("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    assert [f"{card['deck']}/{card['card_id']}" for card in json.loads(result.stdout)] == expected


def test_cards_refuses_each_unknown_deck(quiz: Quiz, decks: Path) -> None:
    result = quiz("cards", "--deck", "alpha", "--deck", "nope")
    assert result.exit_code != 0
    assert "nope" in result.output


def test_session_queries_take_several_decks_and_tags(decks: Path) -> None:
    with Store.open(decks) as store:

        def names(selection: SessionFilter) -> list[str]:
            ids = store.new_card_ids(date(2026, 3, 10), selection, 99)
            ids += store.due_card_ids(date(2026, 4, 30), selection)
            return sorted(f"{store.study_card(pk).deck}/{store.study_card(pk).card_id}" for pk in ids)

        assert names(SessionFilter(decks=("beta", "gamma"))) == ["beta/one", "gamma/two"]
        assert names(SessionFilter(tags=("red", "green"))) == ["alpha/qkv", "beta/one"]
        assert names(SessionFilter(decks=("alpha",), tags=("blue",))) == ["alpha/scale"]
        assert store.outlook(date(2026, 3, 10), SessionFilter(decks=("alpha", "beta"))).new_waiting == 1


def test_review_takes_several_decks_and_tags(
    quiz: Quiz, decks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)
    result = quiz("review", "--deck", "alpha", "--deck", "nope", "--new", "0")
    assert result.exit_code != 0
    assert "nope" in result.output
    result = quiz("review", "--tag", "red", "--tag", "nope", "--new", "0")
    assert result.exit_code != 0
    assert "nope" in result.output
    # alpha's plain card and beta's nothing: one new card waits across both decks.
    result = quiz("review", "--deck", "alpha", "--deck", "beta", "--new", "0")
    assert result.exit_code == 0, result.output
    assert "Nothing is due today" in result.output
    assert "1 new card waiting" in result.output
    result = quiz("review", "--tag", "red", "--tag", "blue", "--new", "0")
    assert result.exit_code == 0, result.output
    assert "Nothing is due today" in result.output
    assert "new card" not in result.output


def test_stats_takes_several_decks(quiz: Quiz, decks: Path) -> None:
    result = quiz("stats", "--deck", "alpha", "--deck", "beta", "--format", "json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert [deck["deck"] for deck in figures["decks"]] == ["alpha", "beta"]
    result = quiz("stats", "-d", "beta", "-d", "gamma")
    assert result.exit_code == 0, result.output
    assert "beta" in result.stdout
    assert "gamma" in result.stdout
    assert "alpha" not in result.stdout
    assert quiz("stats", "--deck", "alpha", "--deck", "nope").exit_code != 0


def test_export_takes_several_decks(quiz: Quiz, decks: Path, tmp_path: Path) -> None:
    cards = quiz("export", "cards", "--deck", "beta", "--deck", "gamma")
    assert cards.exit_code == 0, cards.output
    assert [(row["deck"], row["card_id"]) for row in csv.DictReader(io.StringIO(cards.stdout))] == [
        ("beta", "one"),
        ("gamma", "two"),
    ]
    reviews = quiz("export", "reviews", "-f", "jsonl", "-d", "alpha", "-d", "gamma")
    assert reviews.exit_code == 0, reviews.output
    logged = [json.loads(line) for line in reviews.stdout.splitlines()]
    assert sorted((row["deck"], row["card_id"]) for row in logged) == [
        ("alpha", "qkv"),
        ("alpha", "scale"),
        ("alpha", "scale"),
        ("gamma", "two"),
    ]
    package = quiz("export", "apkg", tmp_path / "out.apkg", "--deck", "alpha", "--deck", "beta")
    assert package.exit_code == 0, package.output
    assert "4 notes in 2 decks" in package.output
    assert quiz("export", "cards", "--deck", "beta", "--deck", "nope").exit_code != 0


def test_an_empty_listing_still_renders() -> None:
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    console.print(cards_table([], TODAY))
    assert "0 cards" in console.export_text()
