"""Issue 15 items 7 and 12: a card that only changed place is moved, not updated; `quiz cards --search`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from quizcards.core.deck import Card, Deck
from quizcards.core.importing import StoredCard, StoredDeck, plan_deck_import
from quizcards.core.scheduler import Grade
from tests.conftest import SMALL_DECK, Restore, deck_writer
from tests.helpers import Quiz, WriteDeck, grade, import_decks, rows

# ---- item 7: a move is a move ------------------------------------------------------------------

HEAD, QKV, SCALE, BOTTLENECK = (
    SMALL_DECK.split("  - id: qkv")[0],
    "  - id: qkv" + SMALL_DECK.split("  - id: qkv")[1].split("  - id: scale")[0],
    "  - id: scale" + SMALL_DECK.split("  - id: scale")[1].split("  - id: bottleneck")[0],
    "  - id: bottleneck" + SMALL_DECK.split("  - id: bottleneck")[1],
)
NEW_CARD = "  - id: first\n    q: A card put at the top?\n    a: It comes first.\n"


def import_row(output: str, deck: str) -> list[str]:
    """The counts of a deck's row: added, updated, unchanged, retired, restored, moved."""
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == deck:
            return parts[1:7]
    raise AssertionError(f"no row for {deck} in:\n{output}")


def positions(db_path: Path) -> list[tuple[str, int]]:
    return [(card, position) for card, position in rows(db_path, "SELECT card_id, position FROM cards")]


def backups(db_path: Path) -> list[Path]:
    folder = db_path.parent / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_assembled_deck_is_the_small_deck() -> None:
    assert HEAD + QKV + SCALE + BOTTLENECK == SMALL_DECK


def test_a_card_moved_in_its_file_is_moved_not_updated(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    write_deck("attention.yaml", HEAD + BOTTLENECK + QKV + SCALE)
    dry = quiz("import", "--dry-run", path)
    assert dry.exit_code == 0, dry.output
    assert import_row(dry.stdout, "attention") == ["0", "0", "2", "0", "0", "1"]
    assert sorted(positions(db_path)) == [("bottleneck", 2), ("qkv", 0), ("scale", 1)]  # dry: unwritten
    result = quiz("import", path)
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "added" in line)
    assert header.split()[:7] == ["deck", "added", "updated", "unchanged", "retired", "restored", "moved"]
    assert import_row(result.stdout, "attention") == ["0", "0", "2", "0", "0", "1"]
    # The stored order follows the file: new cards are introduced in it.
    assert sorted(positions(db_path)) == [("bottleneck", 0), ("qkv", 1), ("scale", 2)]
    again = quiz("import", path)
    assert import_row(again.stdout, "attention") == ["0", "0", "3", "0", "0", "0"]


def test_a_card_added_at_the_top_moves_no_other_card_and_takes_no_backup(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    write_deck("attention.yaml", HEAD + NEW_CARD + QKV + SCALE + BOTTLENECK)
    result = quiz("import", path)
    assert result.exit_code == 0, result.output
    assert import_row(result.stdout, "attention") == ["1", "0", "3", "0", "0", "0"]
    assert "Backed up" not in result.stdout
    assert backups(db_path) == []  # it only adds a card
    assert sorted(positions(db_path)) == [("bottleneck", 3), ("first", 0), ("qkv", 1), ("scale", 2)]


def test_a_card_removed_shifts_the_others_without_moving_them(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    write_deck("attention.yaml", HEAD + SCALE + BOTTLENECK)
    result = quiz("import", path)
    assert import_row(result.stdout, "attention") == ["0", "0", "2", "1", "0", "0"]
    assert rows(db_path, "SELECT card_id, position FROM cards WHERE retired = 0 ORDER BY position") == [
        ("scale", 0),
        ("bottleneck", 1),
    ]


def test_an_edited_card_that_also_moved_is_updated(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    grade(db_path, "attention", "bottleneck", Grade.PERFECT, date(2026, 3, 9))
    edited = BOTTLENECK.replace("What did attention fix", "What did attention solve")
    write_deck("attention.yaml", HEAD + edited + QKV + SCALE)
    result = quiz("import", path)
    assert import_row(result.stdout, "attention") == ["0", "1", "2", "0", "0", "0"]
    assert rows(db_path, "SELECT position, reviews FROM cards WHERE card_id = 'bottleneck'") == [(0, 1)]


def test_a_move_keeps_schedule_and_history(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    grade(db_path, "attention", "scale", Grade.PERFECT, date(2026, 3, 9), "my words")
    before = rows(
        db_path, "SELECT id, question, due_on, reviews, updated_at FROM cards WHERE card_id = 'scale'"
    )
    write_deck("attention.yaml", HEAD + SCALE + QKV + BOTTLENECK)
    assert quiz("import", path).exit_code == 0
    after = rows(
        db_path, "SELECT id, question, due_on, reviews, updated_at FROM cards WHERE card_id = 'scale'"
    )
    assert after == before
    assert rows(db_path, "SELECT explanation FROM reviews") == [("my words",)]


def card(card_id: str) -> Card:
    return Card(id=card_id, question=f"Question {card_id}?", answer="An answer.")


@pytest.mark.parametrize(
    ("order", "moved"),
    [
        ("abcd", 0),
        ("bacd", 1),  # a swap is one move
        ("dabc", 1),  # the last card put first
        ("bcda", 1),  # the first card put last
        ("dcba", 3),
        ("acbd", 1),
    ],
)
def test_moves_are_the_fewest_cards_that_changed_their_order(order: str, moved: int) -> None:
    stored = {
        card_id: StoredCard(pk, card(card_id).content_hash(), position, retired=False)
        for pk, (position, card_id) in enumerate(enumerate("abcd"), start=1)
    }
    deck = Deck(slug="d", title="D", path="d.yaml", cards=tuple(card(card_id) for card_id in order))
    plan = plan_deck_import(deck, StoredDeck("D", "", (), "d.yaml"), stored)
    assert plan.cards_moved == moved
    assert plan.updated == ()
    assert plan.unchanged == 4 - moved
    assert {change.card.id: change.position for change in plan.repositioned} == {
        card_id: position for position, card_id in enumerate(order) if card_id != "abcd"[position]
    }


# ---- item 12: quiz cards --search --------------------------------------------------------------

WORDS_DECK = """
deck: words
title: Words
tags: [lang]
cards:
  - id: cafe
    q: Where do you drink a café au lait?
    a: In a Café.
  - id: naive
    q: What is a NAÏVE Bayes classifier?
    a: One that assumes its features are unrelated.
    points: [conditional independence]
    tags: [Probability]
  - id: ko
    q: 어텐션 메커니즘은 무엇인가요?
    a: 쿼리와 키를 비교해 값에 가중치를 줍니다.
  - id: nlp
    q: 자연어처리란?
    a: 컴퓨터가 사람의 말을 다루는 일.
  - id: markup
    q: "Is [red]this[/red] markup?"
    a: No, it is text.
"""


def build_searchable(folder: Path) -> None:
    write = deck_writer(folder)
    database = folder / "quiz.db"
    import_decks(database, write("attention.yaml", SMALL_DECK), write("words.yaml", WORDS_DECK))
    grade(database, "attention", "scale", Grade.HESITANT, date(2026, 3, 8))  # due 2026-03-09: overdue


@pytest.fixture
def searchable(restore: Restore) -> Path:
    """Both decks imported and one card graded: built once per session, copied per test."""
    return restore(build_searchable)


def found(quiz: Quiz, *args: str) -> list[str]:
    result = quiz("cards", "--json", *args)
    assert result.exit_code == 0, result.output
    return [f"{card['deck']}/{card['card_id']}" for card in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("text", "cards"),
    [
        ("softmax", ["attention/qkv", "attention/scale"]),  # answers
        ("SEQ2SEQ", ["attention/bottleneck"]),  # a question, any case
        ("cafe", ["words/cafe"]),  # accents
        ("CAFÉ AU", ["words/cafe"]),
        ("naive", ["words/naive"]),
        ("naïve", ["words/naive"]),
        ("conditional independence", ["words/naive"]),  # points
        ("weighted sum", ["attention/qkv"]),
        ("probability", ["words/naive"]),  # the card's tags
        ("attention", ["attention/qkv", "attention/bottleneck"]),  # a tag and a question
        ("sum weighted", ["attention/qkv"]),  # every word, in any order
        ("어텐션", ["words/ko"]),
        ("어텐션메커니즘", ["words/ko"]),  # Korean spacing (띄어쓰기) does not matter
        ("자연어 처리", ["words/nlp"]),
        ("가중치", ["words/ko"]),
        ("주", []),  # a syllable, not the start of one: 줍니다 has no 주
        ("ＣＡＦＥ", ["words/cafe"]),  # full-width letters
        ("[red]this", ["words/markup"]),
        ("nowhere to be found", []),
    ],
)
def test_search_matches_question_answer_points_and_tags(
    quiz: Quiz, searchable: Path, text: str, cards: list[str]
) -> None:
    assert found(quiz, "--search", text) == cards


def test_search_combines_with_deck_tag_and_due(quiz: Quiz, searchable: Path) -> None:
    assert found(quiz, "--search", "softmax", "--deck", "attention") == ["attention/qkv", "attention/scale"]
    assert found(quiz, "--search", "softmax", "--deck", "words") == []
    assert found(quiz, "--search", "softmax", "--due") == ["attention/scale"]
    assert found(quiz, "--search", "query", "--tag", "attention") == ["attention/qkv"]
    assert found(quiz, "--search", "query", "--tag", "lang") == []


def test_search_in_the_table_and_when_nothing_matches(quiz: Quiz, searchable: Path) -> None:
    result = quiz("cards", "--search", "café")
    assert result.exit_code == 0, result.output
    assert "words/cafe" in result.stdout
    assert "attention/qkv" not in result.stdout
    nothing = quiz("cards", "--search", "[bold]zebra")
    assert nothing.exit_code == 0, nothing.output
    assert nothing.stdout.strip() == "No card matches the search '[bold]zebra'."


def test_an_empty_search_is_one_line_of_error(quiz: Quiz, searchable: Path) -> None:
    result = quiz("cards", "--search", "  ")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1
    assert "--search" in result.stderr
    assert "Traceback" not in result.output
