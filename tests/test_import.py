"""`quiz import` semantics: idempotent, edits keep history, removal retires, all or nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from quizcards.core.scheduler import Grade
from quizcards.store import Store
from tests.conftest import SMALL_DECK
from tests.helpers import Quiz, WriteDeck, grade, rows


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary_line(result: Result, deck: str) -> list[str]:
    for line in result.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == deck:
            return parts[1:6]
    raise AssertionError(f"no row for {deck} in:\n{result.stdout}")


def test_first_import_adds_every_card(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    result = quiz("import", path)
    assert result.exit_code == 0, result.output
    assert summary_line(result, "attention") == ["3", "0", "0", "0", "0"]
    assert rows(db_path, "SELECT card_id, position, retired FROM cards ORDER BY position") == [
        ("qkv", 0, 0),
        ("scale", 1, 0),
        ("bottleneck", 2, 0),
    ]
    assert rows(db_path, "SELECT slug, title, tags FROM decks") == [("attention", "Attention", '["nlp"]')]


def test_second_import_changes_nothing(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    before = rows(db_path, "SELECT * FROM cards")
    decks_before = rows(db_path, "SELECT * FROM decks")
    result = quiz("import", path)
    assert result.exit_code == 0
    assert summary_line(result, "attention") == ["0", "0", "3", "0", "0"]
    assert rows(db_path, "SELECT * FROM cards") == before
    assert rows(db_path, "SELECT * FROM decks") == decks_before


def test_edit_updates_in_place_and_keeps_schedule_and_history(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    grade(db_path, "attention", "qkv", Grade.PERFECT, date(2026, 3, 9), "my words")
    schedule_before = rows(
        db_path, "SELECT id, repetitions, interval_days, due_on FROM cards WHERE card_id='qkv'"
    )
    write_deck(
        "attention.yaml", SMALL_DECK.replace("What do Query, Key and Value mean", "Explain Q, K and V")
    )
    result = quiz("import", path)
    assert summary_line(result, "attention") == ["0", "1", "2", "0", "0"]
    assert rows(db_path, "SELECT id, repetitions, interval_days, due_on FROM cards WHERE card_id='qkv'") == (
        schedule_before
    )
    assert rows(db_path, "SELECT question FROM cards WHERE card_id='qkv'")[0][0].startswith(
        "Explain Q, K and V"
    )
    assert rows(db_path, "SELECT explanation FROM reviews") == [("my words",)]


def test_removed_card_is_retired_then_restored_with_its_history(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    grade(db_path, "attention", "scale", Grade.HESITANT, date(2026, 3, 9))
    without = (
        SMALL_DECK.split("  - id: scale")[0]
        + "  - id: bottleneck"
        + SMALL_DECK.split("  - id: bottleneck")[1]
    )
    write_deck("attention.yaml", without)
    result = quiz("import", path)
    assert summary_line(result, "attention") == ["0", "0", "2", "1", "0"]  # bottleneck only shifted up
    assert rows(db_path, "SELECT retired, reviews FROM cards WHERE card_id='scale'") == [(1, 1)]
    assert rows(db_path, "SELECT count(*) FROM reviews") == [(1,)]
    write_deck("attention.yaml", SMALL_DECK)
    result = quiz("import", path)
    assert summary_line(result, "attention") == ["0", "0", "2", "0", "1"]
    assert rows(db_path, "SELECT retired, reviews, interval_days FROM cards WHERE card_id='scale'") == [
        (0, 1, 1)
    ]


def test_retired_cards_are_never_reviewed(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    write_deck("attention.yaml", SMALL_DECK.split("  - id: scale")[0])
    quiz("import", path)
    from quizcards.core.session import SessionFilter

    with Store.open(db_path) as store:
        new = store.new_card_ids(date(2026, 3, 10), SessionFilter(), 100)
        assert [rows(db_path, f"SELECT card_id FROM cards WHERE id={pk}")[0][0] for pk in new] == ["qkv"]


def test_invalid_file_means_nothing_is_written(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    good = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", good)
    digest = file_digest(db_path)
    edited = write_deck("attention.yaml", SMALL_DECK.replace("Attention", "Changed"))
    bad = write_deck("broken.yaml", "cards:\n  - id: a\n    q: x\n")
    worse = write_deck("worse.yaml", "cards:\n  - id: a\n    q: x\n    a: y\n    anwser: z\n")
    result = quiz("import", edited, bad, worse)
    assert result.exit_code == 1
    assert f"{bad}:2:5: card 'a' has no answer ('a')." in result.stderr
    assert f"{worse}:5:5: unknown key 'anwser' in card 'a'; did you mean 'a'?" in result.stderr
    assert "2 problems in 2 files; nothing was changed." in result.stderr
    assert "Traceback" not in result.output
    assert file_digest(db_path) == digest
    assert rows(db_path, "SELECT title FROM decks") == [("Attention",)]


def test_invalid_first_import_creates_no_database(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    bad = write_deck("broken.yaml", "cards: [\n")
    result = quiz("import", bad)
    assert result.exit_code == 1
    assert not db_path.exists()


def test_missing_path_and_empty_folder_are_errors(quiz: Quiz, tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = quiz("import", tmp_path / "nope.yaml", tmp_path / "empty")
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}: no such file or folder." in result.stderr
    assert f"{tmp_path / 'empty'}: the folder holds no .yaml or .yml deck files." in result.stderr
    assert not db_path.exists()


def test_folder_import_is_recursive(quiz: Quiz, write_deck: WriteDeck, tmp_path: Path, db_path: Path) -> None:
    write_deck("a.yaml", "cards:\n  - {id: x, q: x, a: y}\n")
    write_deck("nested/b.yml", "cards:\n  - {id: x, q: x, a: y}\n")
    result = quiz("import", tmp_path / "decks")
    assert result.exit_code == 0
    assert rows(db_path, "SELECT slug FROM decks ORDER BY position") == [("a",), ("b",)]


def test_dry_run_writes_nothing(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    result = quiz("import", "--dry-run", path)
    assert result.exit_code == 0
    assert "dry run" in result.stdout
    assert summary_line(result, "attention") == ["3", "0", "0", "0", "0"]
    assert not db_path.exists()
    quiz("import", path)
    digest = file_digest(db_path)
    write_deck("attention.yaml", SMALL_DECK.split("  - id: scale")[0])
    result = quiz("import", "--dry-run", path)
    assert summary_line(result, "attention") == ["0", "0", "1", "2", "0"]
    assert file_digest(db_path) == digest


def test_warnings_are_printed_but_import_goes_on(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("plain.yaml", "cards:\n  - q: What is x?\n    a: y\n")
    result = quiz("import", path)
    assert result.exit_code == 0
    assert f"{path}:2:5: warning: card 1 has no id" in result.stderr


def test_deck_metadata_edit_is_applied(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    write_deck("attention.yaml", SMALL_DECK.replace("title: Attention", "title: Attention, revised"))
    quiz("import", path)
    assert rows(db_path, "SELECT title FROM decks") == [("Attention, revised",)]


def test_decks_command_table_and_json(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    quiz("import", write_deck("attention.yaml", SMALL_DECK))
    grade(db_path, "attention", "qkv", Grade.PERFECT, date(2026, 3, 9))  # due 2026-03-10 = today
    table = quiz("decks")
    assert table.exit_code == 0
    assert "attention" in table.stdout
    data = json.loads(quiz("decks", "--json").stdout)
    assert data == [{"deck": "attention", "title": "Attention", "cards": 3, "new": 2, "due": 1, "retired": 0}]


def test_read_commands_never_create_a_database(quiz: Quiz, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    result = quiz("decks", db=typo)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no database at {typo}")
    assert not typo.exists()


def test_import_into_missing_folder_is_a_clear_error(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "quiz.db"
    result = quiz("import", write_deck("a.yaml", SMALL_DECK), db=target)
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"Error: cannot create {target}: the folder {target.parent} does not exist."
    )


def test_ids_that_look_like_sql_are_stored_literally(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    deck = """
    deck: select.drop
    cards:
      - id: DROP.TABLE.cards--
        q: "x'); DROP TABLE cards; --"
        a: "'; DELETE FROM reviews; --"
    """
    result = quiz("import", write_deck("sql.yaml", deck))
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT deck, card_id, question FROM cards") == [
        ("select.drop", "DROP.TABLE.cards--", "x'); DROP TABLE cards; --")
    ]


@pytest.mark.parametrize("args", [["import", "--help"], ["decks", "--help"], ["review", "--help"]])
def test_commands_have_help(quiz: Quiz, args: list[str]) -> None:
    result = quiz(*args)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def deck_note(result: Result, deck: str) -> str:
    for line in result.stdout.splitlines():
        parts = line.split(maxsplit=7)
        if parts and parts[0] == deck:
            return parts[7].strip() if len(parts) > 7 else ""
    raise AssertionError(f"no row for {deck} in:\n{result.stdout}")


def test_the_deck_itself_is_reported_new_edited_or_gone(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path, tmp_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    assert deck_note(quiz("import", path), "attention") == "new deck"
    write_deck("attention.yaml", SMALL_DECK.replace("title: Attention", "title: Attention II"))
    assert deck_note(quiz("import", path), "attention") == "edited"
    path.unlink()
    write_deck("other.yaml", "cards:\n  - {id: a, q: x, a: y}\n")
    result = quiz("import", tmp_path / "decks")
    assert deck_note(result, "attention") == "no longer in any file"
    assert summary_line(result, "attention") == ["0", "0", "0", "3", "0"]
    assert rows(db_path, "SELECT count(*) FROM cards WHERE deck = 'attention' AND retired = 1") == [(3,)]
    # importing the folder again changes nothing more
    digest = file_digest(db_path)
    again = quiz("import", tmp_path / "decks")
    assert "attention" not in again.stdout
    assert file_digest(db_path) == digest


def test_renaming_a_deck_inside_its_file_retires_the_old_name(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    write_deck("attention.yaml", SMALL_DECK.replace("deck: attention", "deck: attention-v2"))
    result = quiz("import", path)
    assert summary_line(result, "attention-v2") == ["3", "0", "0", "0", "0"]
    assert summary_line(result, "attention") == ["0", "0", "0", "3", "0"]
    write_deck("attention.yaml", SMALL_DECK)
    result = quiz("import", path)
    assert summary_line(result, "attention") == ["0", "0", "0", "0", "3"]


def test_the_same_file_by_another_path_is_unchanged(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    digest = file_digest(db_path)
    monkeypatch.chdir(tmp_path)
    result = quiz("import", "decks/attention.yaml")
    assert summary_line(result, "attention") == ["0", "0", "3", "0", "0"]
    assert deck_note(result, "attention") == ""
    assert file_digest(db_path) == digest


def test_a_deck_name_used_twice_points_at_the_second_name(quiz: Quiz, write_deck: WriteDeck) -> None:
    write_deck("one.yaml", "deck: same\ncards:\n  - {id: a, q: x, a: y}\n")
    two = write_deck("two.yaml", "title: Two\ndeck: same\ncards:\n  - {id: a, q: x, a: y}\n")
    result = quiz("import", two.parent)
    assert f"{two}:2:7: the deck name 'same' is already used by" in result.stderr


ALTERNATIVES_DECK = SMALL_DECK.replace(
    "points: [variance, softmax]", "points: [[variance, 분산, spread of the dot products], softmax]"
)


def test_a_point_with_other_wordings_is_stored_as_a_json_array(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    from quizcards.core.points import Point

    path = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", path).exit_code == 0
    before = rows(db_path, "SELECT card_id, points, content_hash FROM cards ORDER BY position")
    # A plain point stays a plain string: decks without alternatives store what they always did.
    assert [points for _, points, _ in before] == [
        '["query", "weighted sum"]',
        '["variance", "softmax"]',
        '["fixed-length"]',
    ]
    path.write_text(ALTERNATIVES_DECK, encoding="utf-8")
    result = quiz("import", path)
    assert summary_line(result, "attention") == ["0", "1", "2", "0", "0"]
    after = rows(db_path, "SELECT card_id, points, content_hash FROM cards ORDER BY position")
    assert after[1][1] == '[["variance", "분산", "spread of the dot products"], "softmax"]'
    assert after[1][2] != before[1][2]
    assert [row[2] for row in after[::2]] == [row[2] for row in before[::2]]
    with Store.open(db_path) as store:
        record = store.card_record("attention", "scale")
    assert record is not None
    card = record.card
    assert card.points == (Point("variance", ("분산", "spread of the dot products")), Point("softmax"))


def test_quiz_show_lists_a_points_other_wordings(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", ALTERNATIVES_DECK)
    assert quiz("import", path).exit_code == 0
    shown = quiz("show", "attention/scale")
    assert "variance (also: 분산, spread of the dot products)" in shown.stdout
    as_json = json.loads(quiz("show", "attention/scale", "--json").stdout)
    assert as_json["points"] == [["variance", "분산", "spread of the dot products"], "softmax"]
    plain = json.loads(quiz("show", "attention/qkv", "--json").stdout)
    assert plain["points"] == ["query", "weighted sum"]
