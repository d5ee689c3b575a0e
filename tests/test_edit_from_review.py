"""Editing a card from the review (issue 15, item 11): the editor's argv, the card's line, the re-import.

And the leeches of `quiz stats` with FILE:LINE.

The editor is a stand-in: a small Python script, named like a real editor when the argv
matters, that changes the deck file (or breaks it) and records the arguments it got.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from quizcards.adapters.editor import editor_argv, split_editor
from quizcards.cli.editing import Edited, edit_card
from quizcards.core.deck.lines import card_line, card_lines, find_card_lines
from quizcards.core.deck.model import derive_card_id
from quizcards.core.errors import QuizError
from quizcards.store import Store
from tests.helpers import Quiz, grade, pk_of, scalar

# ---- the editor's command line ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        ("vi", ["vi", "+7", "d.yaml"]),
        ("vim", ["vim", "+7", "d.yaml"]),
        ("/usr/bin/nvim", ["/usr/bin/nvim", "+7", "d.yaml"]),
        ("nano -w", ["nano", "-w", "+7", "d.yaml"]),
        ("emacs -nw", ["emacs", "-nw", "+7", "d.yaml"]),
        ("emacsclient -t", ["emacsclient", "-t", "+7", "d.yaml"]),
        ("micro", ["micro", "+7", "d.yaml"]),
        ("kak", ["kak", "+7", "d.yaml"]),
        ("hx", ["hx", "d.yaml:7"]),
        ("code", ["code", "--wait", "-g", "d.yaml:7"]),
        ("code --wait", ["code", "--wait", "-g", "d.yaml:7"]),
        ("codium -w", ["codium", "-w", "-g", "d.yaml:7"]),
        ("cursor", ["cursor", "--wait", "-g", "d.yaml:7"]),
        ("subl", ["subl", "--wait", "d.yaml:7"]),
        ("'C:/Program Files/Vim/VIM.EXE'", ["C:/Program Files/Vim/VIM.EXE", "+7", "d.yaml"]),
        ("ed", ["ed", "d.yaml"]),  # an editor without known line syntax gets the file alone
    ],
)
def test_editor_argv_opens_the_file_at_the_line_in_each_editor_syntax(
    editor: str, expected: list[str]
) -> None:
    assert editor_argv(split_editor(editor), "d.yaml", 7) == expected


def test_editor_argv_without_a_line_passes_the_file_alone() -> None:
    assert editor_argv(["vim"], "d.yaml", None) == ["vim", "d.yaml"]
    assert editor_argv(["code"], "d.yaml", None) == ["code", "--wait", "d.yaml"]


@pytest.mark.parametrize("editor", ["", "   ", "vim 'unclosed"])
def test_an_editor_command_that_cannot_be_split_is_a_sentence(editor: str) -> None:
    with pytest.raises(QuizError, match="editor"):
        split_editor(editor)


# ---- a card's line in its file ------------------------------------------------------------------


def test_card_lines_are_the_id_key_or_the_item_start() -> None:
    text = (
        "deck: d\n"
        "cards:\n"
        "  - id: first\n"  # 3
        "    q: One?\n"
        "    a: One.\n"
        "  - q: Two?\n"  # 6: no id, derived from the question
        "    a: Two.\n"
        "  - a: Three.\n"  # 8
        "    id: third\n"  # 9: id not the first key
        "    q: Three?\n"
        '  - id: "cafe\\u0301"\n'  # 11: written decomposed, found composed
        "    q: Four?\n"
        "    a: Four.\n"
    )
    assert card_lines(text) == {"first": 3, derive_card_id("Two?"): 6, "third": 9, "café": 11}
    assert card_line(text, "cafe\u0301") == 11
    assert card_line(text, "gone") is None


@pytest.mark.parametrize("text", ["", "cards: [", "- a list\n", "cards: {a: 1}\n", "cards:\n  - just text\n"])
def test_card_lines_of_text_that_is_no_deck_is_empty(text: str) -> None:
    assert card_lines(text) == {}


def test_find_card_lines_looks_for_the_id_line_and_asks_the_yaml_when_unsure() -> None:
    text = (
        "deck: d\n"
        "cards:\n"
        "  - q: One?\n"
        "    a: |\n"
        "      id: first\n"  # 5: an answer quoting an id line: two hits, so the YAML decides
        "    id: first\n"  # 6
        "  - id: 'second'   # quoted, with a comment\n"  # 7
        "    q: Two?\n"
        "    a: Two.\n"
    )
    assert find_card_lines(text, ["first", "second", "gone"]) == {"first": 6, "second": 7}
    # The quick look needs no YAML: a file broken elsewhere still gives a card found once by its id line.
    assert find_card_lines(text + "  - q: [broken\n", ["second"]) == {"second": 7}
    assert card_lines(text + "  - q: [broken\n") == {}


# ---- the edit and the re-import ------------------------------------------------------------------

EDITOR = """
import json, os, pathlib, sys
pathlib.Path(os.environ["EDITOR_LOG"]).write_text(json.dumps(sys.argv[1:]))
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
old, new = os.environ["EDITOR_CHANGE"].split("=>")
path.write_text(text.replace(old, new), encoding="utf-8")
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], Path]:
    """A stand-in editor named `vim` that replaces OLD with NEW in the file; returns its argv log."""
    script = tmp_path / "bin" / "vim"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{EDITOR}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "argv.json"

    def use(old: str, new: str) -> Path:
        monkeypatch.setenv("VISUAL", str(script))
        monkeypatch.setenv("EDITOR_LOG", str(log))
        monkeypatch.setenv("EDITOR_CHANGE", f"{old}=>{new}")
        return log

    return use


def edit(db: Path, card_id: str) -> tuple[Edited, str]:
    output = io.StringIO()
    console = Console(file=output, width=100, color_system=None)
    with Store.open(db) as store:
        card = store.study_card(pk_of(store, "attention", card_id))
        edited = edit_card(console, store, card, backup=None)
    return edited, output.getvalue()


def reviews_of(db: Path, card_id: str) -> int:
    return int(scalar(db, "SELECT count(*) FROM reviews WHERE card = ?", [pk_of(db, "attention", card_id)]))


def test_an_edit_updates_the_card_in_place_keeping_its_history(
    deck_db: Path, editor: Callable[[str, str], Path]
) -> None:
    grade(deck_db, "attention", "scale", 5, date(2026, 3, 1), "variance grows")
    log = editor("saturate the softmax.", "push the softmax into saturation.")
    deck = deck_db.parent / "decks" / "attention.yaml"
    line = deck.read_text(encoding="utf-8").split("\n").index("  - id: scale") + 1

    edited, output = edit(deck_db, "scale")

    assert json.loads(log.read_text()) == [f"+{line}", str(deck.resolve())]  # vim at the card's line
    assert edited.changed
    assert edited.card is not None
    assert edited.card.answer.endswith("push the softmax into saturation.")
    assert edited.card.pk == pk_of(deck_db, "attention", "scale")
    assert reviews_of(deck_db, "scale") == 1
    assert f"Re-imported {deck.resolve()}: 1 card updated." in output


def test_a_broken_edit_leaves_the_database_byte_identical(
    deck_db: Path, editor: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    editor("  - id: scale\n    q: Why", "  - id: scale\n    q: [Why")
    monkeypatch.setattr("quizcards.cli.editing._edit_again", lambda console: False)
    before = deck_db.read_bytes()

    edited, output = edit(deck_db, "scale")

    assert deck_db.read_bytes() == before
    assert not (deck_db.parent / "backups").exists()
    assert not edited.changed
    assert edited.card is not None
    assert edited.card.card_id == "scale"
    deck = deck_db.parent / "decks" / "attention.yaml"
    broken = [line for line in output.splitlines() if "unclosed bracket" in line]
    assert len(broken) == 1
    assert broken[0].strip().startswith(f"{deck.resolve()}:")
    assert "The database is unchanged." in output


def test_an_edit_that_changes_the_id_retires_the_card_and_says_so(
    deck_db: Path, editor: Callable[[str, str], Path]
) -> None:
    grade(deck_db, "attention", "scale", 5, date(2026, 3, 1))
    editor("id: scale", "id: scaling")

    edited, output = edit(deck_db, "scale")

    assert edited.card is None
    assert "Retired 1 card of attention: scale." in output
    assert "The card scale is no longer in its deck file" in " ".join(output.split())
    assert reviews_of(deck_db, "scale") == 1  # retired, its history kept


def test_a_bundled_deck_is_not_edited_in_place(
    deck_db: Path, editor: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test's deck folder stands in for the package's: importing a real bundled deck costs more.
    folder = deck_db.parent / "decks"
    monkeypatch.setattr("quizcards.adapters.sources.bundled_decks_dir", lambda: folder)
    log = editor("a", "b")

    edited, output = edit(deck_db, "qkv")

    assert edited.card is not None
    assert not edited.changed
    assert not log.exists()  # no editor was started
    said = " ".join(output.split())
    assert "The deck attention is bundled with quizcards and is not edited in place." in said
    assert (
        f"copy {(folder / 'attention.yaml').resolve()} to a folder of yours and run quiz import COPY --move"
        in said
    )


def test_no_editor_at_all_is_one_sentence(deck_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setattr("quizcards.adapters.editor.default_editor", lambda: None)
    edited, output = edit(deck_db, "qkv")
    assert edited.card is not None
    assert not edited.changed
    assert "No editor found: set $VISUAL or $EDITOR" in output


# ---- leeches: FILE:LINE ---------------------------------------------------------------------------


def test_leeches_show_file_and_line_and_stats_only_reads(deck_db: Path, quiz: Quiz) -> None:
    for day, value in ((1, 5), (2, 5), (8, 1)):
        grade(deck_db, "attention", "scale", value, date(2026, 3, day))
    deck = (deck_db.parent / "decks" / "attention.yaml").resolve()
    line = deck.read_text(encoding="utf-8").split("\n").index("  - id: scale") + 1
    before = deck_db.read_bytes()

    shown = quiz("stats", db=deck_db)
    markdown = quiz("stats", "--format", "markdown", db=deck_db).stdout
    as_json = json.loads(quiz("stats", "--format", "json", db=deck_db).stdout)
    deck.write_text(deck.read_text(encoding="utf-8").replace("id: scale", "id: other"), encoding="utf-8")
    changed = json.loads(quiz("stats", "--format", "json", db=deck_db).stdout)
    os.remove(deck)
    gone = quiz("stats", db=deck_db)

    assert f"{deck}:{line}" in shown.stdout
    assert "| question | file |" in markdown
    assert f"{deck}:{line} |" in markdown.replace("\\", "")
    assert (as_json["leeches"][0]["file"], as_json["leeches"][0]["line"]) == (str(deck), line)
    assert (changed["leeches"][0]["file"], changed["leeches"][0]["line"]) == (str(deck), None)
    assert gone.exit_code == 0
    assert str(deck) in gone.stdout
    assert f"{deck}:" not in gone.stdout
    assert deck_db.read_bytes() == before
