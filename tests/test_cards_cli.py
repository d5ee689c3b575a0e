"""`quiz cards` and `quiz show`: card states, filters, a card as a review shows it, and its history."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len

from quizcards.core.scheduler import Grade, Schedule, card_state
from tests.conftest import SMALL_DECK, Restore, deck_writer
from tests.helpers import Quiz, grade, import_decks

EXTRA_DECK = r"""
deck: extra
title: Extra
cards:
  - id: qkv
    q: Same id as in attention, other deck.
    a: Deck-qualified ids tell them apart.
  - id: wide
    q: 어텐션에서 쿼리, 키, 값은 무엇인가요? 😀
    a: |
      쿼리는 모든 키와 비교되고, 점수의 소프트맥스가 값에 가중치를 줍니다.
  - id: rich
    q: "[red]not markup[/red] \e[31mno escape\e[0m"
    a: |
      # Heading

      | term | meaning |
      | ---- | ------- |
      | Q    | query   |

      ```python
      scores = q @ k.T
      ```
  - id: gone
    q: A card that will be removed.
    a: It is retired on the next import.
"""


@pytest.fixture
def collection(restore: Restore) -> Path:
    """Two decks; today is 2026-03-10. attention/qkv is new, scale is learning and overdue with
    a lapse, bottleneck is mature (48 days, due 2026-03-14); extra/gone is retired."""
    return restore(build_collection)


def build_collection(folder: Path) -> None:
    write_deck, db_path = deck_writer(folder), folder / "quiz.db"
    attention = write_deck("attention.yaml", SMALL_DECK)
    extra = write_deck("extra.yaml", EXTRA_DECK)
    import_decks(db_path, attention, extra)
    for day, value in ((date(2026, 3, 1), Grade.PERFECT), (date(2026, 3, 2), Grade.PERFECT)):
        grade(db_path, "attention", "scale", value, day)
    grade(db_path, "attention", "scale", Grade.FAMILIAR, date(2026, 3, 8), "no idea")
    grade(db_path, "attention", "scale", Grade.HESITANT, date(2026, 3, 8), "variance grows with d_k")
    explanations = ["it was slow", "a fixed vector", "one fixed-length vector for the whole input", ""]
    days = (date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 8), date(2026, 1, 25))
    values = (Grade.PERFECT, Grade.PERFECT, Grade.PERFECT, Grade.HESITANT)
    for day, value, text in zip(days, values, explanations, strict=True):
        grade(db_path, "attention", "bottleneck", value, day, text)
    write_deck("extra.yaml", EXTRA_DECK.split("  - id: gone", maxsplit=1)[0])
    import_decks(db_path, extra)


def row_of(output: str, card: str) -> list[str]:
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == card:
            return parts[1:]
    raise AssertionError(f"no row for {card} in:\n{output}")


@pytest.mark.parametrize(
    ("schedule", "retired", "state"),
    [
        (Schedule(), False, "new"),
        (Schedule(reviews=3, interval_days=20), False, "learning"),
        (Schedule(reviews=3, interval_days=21), False, "mature"),
        (Schedule(reviews=3, interval_days=400), True, "retired"),
        (Schedule(), True, "retired"),
    ],
)
def test_card_state(schedule: Schedule, retired: bool, state: str) -> None:
    assert card_state(schedule, retired=retired) == state


def test_quiz_cards_lists_every_card_with_its_state(quiz: Quiz, collection: Path) -> None:
    result = quiz("cards")
    assert result.exit_code == 0, result.output
    assert row_of(result.stdout, "attention/qkv")[:5] == ["new", "—", "—", "2.50", "0"]
    assert row_of(result.stdout, "attention/scale")[:6] == ["learning", "2026-03-09", "1", "d", "2.16", "1"]
    assert row_of(result.stdout, "attention/bottleneck")[:6] == [
        "mature",
        "2026-03-14",
        "48",
        "d",
        "2.80",
        "0",
    ]
    assert row_of(result.stdout, "extra/gone")[:2] == ["retired", "—"]
    assert "7 cards: 4 new, 1 learning, 1 mature, 1 retired" in result.stdout


def test_quiz_cards_json(quiz: Quiz, collection: Path) -> None:
    result = quiz("cards", "--deck", "attention", "--json")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert [card["card_id"] for card in cards] == ["qkv", "scale", "bottleneck"]
    assert cards[2] == {
        "deck": "attention",
        "card_id": "bottleneck",
        "question": "What did attention fix in seq2seq?",
        "tags": [],
        "state": "mature",
        "due_on": "2026-03-14",
        "interval_days": 48,
        "easiness": 2.8,
        "repetitions": 4,
        "lapses": 0,
        "reviews": 4,
        "last_reviewed_on": "2026-01-25",
        "suspended_on": None,
        "scheduler": "sm2",
        "fsrs": None,
    }
    assert (cards[0]["state"], cards[0]["due_on"]) == ("new", None)
    assert (cards[1]["state"], cards[1]["lapses"], cards[1]["easiness"]) == ("learning", 1, 2.16)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--due",), ["attention/scale"]),
        (("--tag", "attention"), ["attention/qkv"]),
        (("--tag", "nlp"), ["attention/qkv", "attention/scale", "attention/bottleneck"]),
        (("--deck", "extra"), ["extra/qkv", "extra/wide", "extra/rich", "extra/gone"]),
        (("--deck", "attention", "--due"), ["attention/scale"]),
    ],
)
def test_quiz_cards_filters(quiz: Quiz, collection: Path, args: tuple[str, ...], expected: list[str]) -> None:
    result = quiz("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    assert [f"{card['deck']}/{card['card_id']}" for card in json.loads(result.stdout)] == expected


def test_quiz_cards_messages(quiz: Quiz, collection: Path, tmp_path: Path) -> None:
    unknown = quiz("cards", "--deck", "nope")
    assert unknown.exit_code == 1
    assert "there is no deck named 'nope'; quiz decks lists them." in unknown.stderr
    nothing = quiz("cards", "--tag", "nothing-has-this")
    assert nothing.exit_code == 0
    assert nothing.stdout.strip() == "No cards match."
    missing = quiz("cards", db=tmp_path / "absent.db")
    assert missing.exit_code == 1
    assert "no database at" in missing.stderr
    assert not (tmp_path / "absent.db").exists()


def test_quiz_show_renders_the_card_its_schedule_and_every_explanation(quiz: Quiz, collection: Path) -> None:
    result = quiz("show", "attention/bottleneck")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in (
        "Attention  ·  attention/bottleneck",
        "What did attention fix in seq2seq?",
        "The fixed-length context vector bottleneck.",
        "Key points:",
        "fixed-length",
        "1. What did the decoder see before?",
        "2026-03-14 (in 4 days)",
        "48 days",
        "2.80",
    ):
        assert expected in out, expected
    assert "last reviewed 2026-01-25" in " ".join(out.split())
    history = out[out.index("History") :]
    lines = [line for line in history.splitlines() if line.strip().startswith("2026-")]
    assert [line.split()[0] for line in lines] == ["2026-01-01", "2026-01-02", "2026-01-08", "2026-01-25"]
    assert "5 perfect" in lines[0]
    assert "4 right, after hesitation" in lines[3]
    assert "(nothing typed)" in lines[3]
    positions = [history.index(text) for text in ("it was slow", "a fixed vector", "one fixed-length vector")]
    assert positions == sorted(positions)


def test_quiz_show_marks_re_drills_and_lapses(quiz: Quiz, collection: Path) -> None:
    result = quiz("show", "scale")
    assert result.exit_code == 0, result.output
    assert "2026-03-09 (1 day overdue)" in result.stdout
    assert "1 wrong, but familiar" in result.stdout
    assert "(re-drill)" in result.stdout
    assert "variance grows with d_k" in result.stdout


def test_quiz_show_json(quiz: Quiz, collection: Path) -> None:
    result = quiz("show", "attention/scale", "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert (card["deck"], card["card_id"]) == ("attention", "scale")
    assert "id" not in card
    assert (card["state"], card["due_on"], card["due_in_days"], card["lapses"]) == (
        "learning",
        "2026-03-09",
        -1,
        1,
    )
    assert [(r["reviewed_on"], r["grade"], r["kind"], r["explanation"]) for r in card["history"]] == [
        ("2026-03-01", 5, "scheduled", ""),
        ("2026-03-02", 5, "scheduled", ""),
        ("2026-03-08", 1, "scheduled", "no idea"),
        ("2026-03-08", 4, "redrill", "variance grows with d_k"),
    ]
    # The review vocabulary of `quiz export reviews`, easiness as a number.
    assert card["history"][0] == {
        "reviewed_at": "2026-03-01T09:00:00.000Z",
        "reviewed_on": "2026-03-01",
        "grade": 5,
        "kind": "scheduled",
        "explanation": "",
        "duration_ms": 1000,
        "interval_days_after": 1,
        "easiness_after": 2.6,
        "due_on_after": "2026-03-02",
    }


def test_quiz_show_a_new_and_a_retired_card(quiz: Quiz, collection: Path) -> None:
    new = quiz("show", "attention/qkv")
    assert new.exit_code == 0, new.output
    assert "No reviews yet" in new.stdout
    assert "never" in new.stdout
    gone = quiz("show", "extra/gone")
    assert gone.exit_code == 0, gone.output
    assert "retired" in gone.stdout
    assert "no longer in its deck file" in gone.stdout


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("qkv", "several decks have a card 'qkv'; name one of them: attention/qkv, extra/qkv."),
        ("nope", "there is no card with the id 'nope'; quiz cards lists them."),
        (
            "attention/nope",
            "the deck 'attention' has no card 'nope'; quiz cards --deck attention lists its cards.",
        ),
        ("nope/qkv", "there is no deck named 'nope'; quiz decks lists them."),
        ("attention/", "'attention/' names no card; write it as DECK/ID, e.g. attention/qkv."),
    ],
)
def test_quiz_show_names_what_it_cannot_find(
    quiz: Quiz, collection: Path, reference: str, message: str
) -> None:
    result = quiz("show", reference)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {message}"


def test_quiz_show_keeps_panels_aligned_with_wide_characters(quiz: Quiz, collection: Path) -> None:
    result = quiz("show", "extra/wide")
    assert result.exit_code == 0, result.output
    assert "어텐션에서 쿼리" in result.stdout
    panels: list[list[str]] = []
    for line in result.stdout.splitlines():
        if line.startswith("╭"):
            panels.append([])
        if panels and line[:1] in "╭│╰":
            panels[-1].append(line.rstrip())
    question, answer = panels[0], panels[1]
    assert any("어텐션에서" in line for line in question)
    assert any("쿼리는" in line for line in answer)
    for panel in panels:
        assert panel[-1].startswith("╰")
        assert len({cell_len(line) for line in panel}) == 1, panel


def test_quiz_show_prints_deck_text_as_text_and_renders_markdown(quiz: Quiz, collection: Path) -> None:
    result = quiz("show", "extra/rich")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[red]not markup[/red]" in out
    assert "\x1b" not in out
    assert "[31mno escape" in out  # the escape character is gone, the rest is plain text
    assert "```" not in out
    assert "scores = q @ k.T" in out
    assert "Heading" in out
    assert "query" in out
    assert "| term" not in out  # the table is drawn, not shown as Markdown source


@pytest.mark.parametrize("width", [60, 80, 110])
def test_a_markdown_table_of_hangul_is_folded_never_cut(width: int) -> None:
    from collections import Counter

    from rich.console import Console

    from quizcards.render import markdown

    cell = (
        "마지막 층 특징(CNN codes)으로 선형 분류기만 학습하되, "
        "꼭대기 층은 너무 특수하니 더 앞쪽 층의 특징을 쓰는 편이 나을 수 있음"
    )
    table = f"| 데이터 | 전략 | 비고 |\n| --- | --- | --- |\n| 데이터 작음 | {cell} | {cell} |\n"
    console = Console(width=width, record=True)
    console.print(markdown(table))
    shown = console.export_text()
    assert "…" not in shown
    # every character of both cells is on the screen, wherever the lines break
    shown_count, cell_count = Counter(shown), Counter(cell.replace(" ", ""))
    assert all(shown_count[char] >= 2 * n for char, n in cell_count.items())
