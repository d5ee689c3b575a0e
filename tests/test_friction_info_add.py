"""Issue 15: `quiz info` (where things are; it only reads) and `quiz add` from options, a file or stdin."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from quizcards import __version__
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import Deck
from quizcards.core.points import Point
from quizcards.store import migrations
from tests.conftest import SMALL_DECK
from tests.helpers import Quiz, WriteDeck, grade, import_decks, scalar


def load(data: bytes, path: str) -> Deck:
    return parse_deck(data, path, Path(path).stem)


# ---- quiz info --------------------------------------------------------------------------------


def test_info_on_a_missing_database_creates_nothing(quiz: Quiz, db_path: Path) -> None:
    result = quiz("info")
    assert result.exit_code == 0, result.output
    assert f"quizcards {__version__}" in result.stdout
    assert f"{db_path} (not created yet" in result.stdout
    assert "backups" in result.stdout
    assert not db_path.exists()
    assert not (db_path.parent / "backups").exists()


def test_info_json_on_a_missing_database(quiz: Quiz, db_path: Path) -> None:
    result = quiz("info", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["version"] == 1
    assert info["quizcards"] == __version__
    assert info["database"] == {
        "path": str(db_path),
        "exists": False,
        "default": False,
        "size_bytes": None,
        "problem": None,
    }
    assert info["schema"] is None
    assert info["counts"] is None
    assert info["backups"] == {"path": str(db_path.parent / "backups"), "count": 0, "newest": None}
    assert Path(info["bundled_decks"]["path"]).is_dir()
    assert info["bundled_decks"]["files"] > 0
    assert info["config"]["exists"] is False
    assert not db_path.exists()


def test_info_counts_and_schema_of_a_database(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    import_decks(db_path, write_deck("attention.yaml", SMALL_DECK))
    grade(db_path, "attention", "qkv", 4, date(2026, 3, 10))
    backups = db_path.parent / "backups"
    backups.mkdir()
    (backups / "quiz-20260308-000000-daily.db").write_bytes(b"")
    (backups / "quiz-20260309-101500.db").write_bytes(b"")
    (backups / "other-20260310-000000-daily.db").write_bytes(b"")  # another database's
    before = db_path.read_bytes()
    info = json.loads(quiz("info", "--json").stdout)
    known = len(migrations.NAMES)
    assert info["schema"] == {
        "applied": known,
        "known": known,
        "latest": migrations.NAMES[-1],
        "pending": [],
    }
    cards = scalar(db_path, "SELECT count(*) FROM cards WHERE NOT retired")
    assert info["counts"] == {"decks": 1, "cards": cards, "retired_cards": 0, "reviews": 1}
    assert info["database"]["exists"] is True
    assert info["database"]["size_bytes"] == db_path.stat().st_size
    assert info["backups"]["count"] == 2
    assert info["backups"]["newest"] == str(backups / "quiz-20260309-101500.db")
    text = quiz("info").stdout
    assert f"1 deck, {cards} cards, 1 review" in text
    assert f"{known} of {known} migrations applied" in text
    assert "2 copies, newest quiz-20260309-101500.db" in text
    assert db_path.read_bytes() == before


def test_info_shows_an_older_schema_without_upgrading_it(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    import_decks(db_path, write_deck("attention.yaml", SMALL_DECK))
    last = migrations.NAMES[-1]
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [last])
    conn.close()
    before = db_path.read_bytes()
    result = quiz("info")
    assert result.exit_code == 0, result.output
    known = len(migrations.NAMES)
    assert f"{known - 1} of {known} migrations applied" in result.stdout
    assert "quiz review or quiz import upgrades it" in result.stdout
    info = json.loads(quiz("info", "--json").stdout)
    assert info["schema"]["pending"] == [last]
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists()


def test_info_names_a_database_it_cannot_read(quiz: Quiz, db_path: Path) -> None:
    db_path.write_bytes(b"not a database at all, just text" * 10)
    result = quiz("info")
    assert result.exit_code == 1
    assert f"{db_path} is not a quizcards database (it is not an SQLite file)." in result.stdout
    assert "Traceback" not in result.output
    assert f"quizcards {__version__}" in result.stdout  # the rest is still shown
    info = json.loads(quiz("info", "--json").stdout)
    assert info["database"]["problem"].endswith("(it is not an SQLite file).")


# ---- quiz add without prompts -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def test_add_takes_every_part_as_an_option(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz(
        "add", path,
        "--q", "What does softmax do?",
        "--a", "It turns scores into probabilities.",
        "--point", "exponentiate | exp | 지수",
        "--point", "normalise",
        "--hint", "Think of probabilities.",
        "--tag", "nlp", "--tag", "basics",
        "--id", "softmax-op",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Question" not in result.stdout
    assert "point:" not in result.stdout
    after = path.read_bytes()
    assert after.startswith(before)
    card = load(after, str(path)).cards[-1]
    assert (card.id, card.question, card.answer) == (
        "softmax-op",
        "What does softmax do?",
        "It turns scores into probabilities.",
    )
    assert card.points == (Point("exponentiate", ("exp", "지수")), Point("normalise"))
    assert (card.hints, card.tags) == (("Think of probabilities.",), ("nlp", "basics"))
    assert f"Added card 'softmax-op' to {path} (line {card.line})." in result.stdout
    assert not db_path.exists()


def test_add_reads_the_answer_from_standard_input(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    answer = "# Softmax\n\nExponentiate, then normalise.\n\n- sums to 1\n"
    result = quiz("add", path, "--q", "What does softmax do?", "--a", "-", input=answer)
    assert result.exit_code == 0, result.output
    card = load(path.read_bytes(), str(path)).cards[-1]
    assert card.answer == "# Softmax\n\nExponentiate, then normalise.\n\n- sums to 1"
    assert (card.points, card.hints, card.tags) == ((), (), ())


def test_add_reads_the_answer_from_a_file(quiz: Quiz, write_deck: WriteDeck, tmp_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    answer_file = tmp_path / "answer.md"
    answer_file.write_text("Line one.\n\nLine two.\n", encoding="utf-8")
    result = quiz("add", path, "--q", "What does softmax do?", "--a-file", answer_file)
    assert result.exit_code == 0, result.output
    assert load(path.read_bytes(), str(path)).cards[-1].answer == "Line one.\n\nLine two."


def test_add_refuses_a_missing_answer_file_in_one_line(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    missing = tmp_path / "nope.md"
    result = quiz("add", path, "--q", "Q?", "--a-file", missing)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot read {missing}:")
    assert len(result.stderr.splitlines()) == 1
    assert path.read_bytes() == before


def test_add_refuses_both_answer_options(quiz: Quiz, write_deck: WriteDeck, tmp_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, "--q", "Q?", "--a", "A.", "--a-file", tmp_path / "a.md")
    assert result.exit_code == 1
    assert result.stderr == "Error: give the answer with --a or --a-file, not both; nothing was written.\n"
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (("--q", "What does softmax do?"), "--a (or --a-file)"),
        (("--a", "It normalises."), "--q"),
        (("--tag", "nlp"), "--q and --a (or --a-file)"),
    ],
)
def test_add_without_a_terminal_names_the_missing_option(
    quiz: Quiz, write_deck: WriteDeck, args: tuple[str, ...], missing: str
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, *args, input="")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no terminal to ask for the card's other parts: give {missing} too; nothing was written.\n"
    )
    assert path.read_bytes() == before


def test_add_with_a_terminal_asks_only_for_what_is_missing(
    quiz: Quiz, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.cli import adding

    monkeypatch.setattr(adding, "stdin_is_terminal", lambda: True)
    path = write_deck("attention.yaml", SMALL_DECK)
    result = quiz(
        "add", path, "--q", "What does softmax do?", "--tag", "nlp", input="It normalises.\n.\nexp\n\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "Question: " not in result.stdout
    assert "Answer, in Markdown" in result.stdout
    assert "Tags" not in result.stdout  # given as an option
    card = load(path.read_bytes(), str(path)).cards[-1]
    assert (card.question, card.answer, card.points, card.tags) == (
        "What does softmax do?",
        "It normalises.",
        (Point("exp"),),
        ("nlp",),
    )


def test_add_without_options_still_asks_for_everything(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    typed = "What does softmax do?\nIt normalises.\n.\n\n\nnlp\n"
    result = quiz("add", path, input=typed)
    assert result.exit_code == 0, result.output
    assert "Question: " in result.stdout
    assert load(path.read_bytes(), str(path)).cards[-1].tags == ("nlp",)


def test_add_refuses_a_bad_option_value_before_writing(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, "--q", "What does softmax do?", "--a", "   ")
    assert result.exit_code == 1
    assert result.stderr == "Error: the answer is empty; no card was added.\n"
    assert path.read_bytes() == before


def test_add_answer_from_standard_input_needs_the_question_as_an_option(
    quiz: Quiz, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.cli import adding

    monkeypatch.setattr(adding, "stdin_is_terminal", lambda: True)
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, "--a", "-", input="An answer.\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --a - reads the answer from standard input, so give the question with --q too; "
        "nothing was written.\n"
    )
    assert path.read_bytes() == before


def test_add_refuses_an_answer_file_that_is_not_utf8(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    answer_file = tmp_path / "latin1.md"
    answer_file.write_bytes("caf\u00e9".encode("latin-1"))
    result = quiz("add", path, "--q", "Q?", "--a-file", answer_file)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {answer_file} is not UTF-8 text; nothing was written.\n"
    assert path.read_bytes() == before


# ---- shell completion -------------------------------------------------------------------------


def test_shell_completion_script_is_offered(quiz: Quiz) -> None:
    result = quiz("--show-completion", "bash")
    assert result.exit_code == 0, result.output
    assert "_QUIZ_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _quiz_completion quiz" in result.stdout
    assert "--install-completion" in quiz("--help").stdout
