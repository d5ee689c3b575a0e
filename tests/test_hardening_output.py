"""What reaches the terminal and the files (issue 13, items 2, 3, 6, 7 and --spreadsheet-safe).

Database values never drive the terminal; an export writes only to a new path or a regular file,
synced; output errors (a full disk, a closed pipe, an encoding without the characters) end in one
line, never a traceback; every user-named file passes the same read and write checks.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import SMALL_DECK
from tests.helpers import QUIZ, Quiz, WriteDeck, grade, quiz_env

# Every C0 control but newline (tab too: a table never needs one), DEL and the C1 controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
ATTACK = "\x1b]52;c;aGVsbG8=\x07\x1b]0;title\x07\x1b[2J"


def _tamper(db: Path, sql: str, parameters: tuple[object, ...] = ()) -> None:
    """Change the database behind quizcards' back, as an editor of the file could."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        # A CHECK constraint added later must not stop the attack this test reproduces.
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(sql, parameters)
        conn.commit()


def _run(
    *args: str | Path, db: Path, stdout: int | IO[bytes] = subprocess.PIPE, **extra_env: str
) -> subprocess.CompletedProcess[bytes]:
    """The real `quiz --db DB ARGS...` (this worktree's code) on empty input, bytes out."""
    env = quiz_env(PYTHONPATH=str(Path(__file__).resolve().parents[1]), **extra_env)
    return subprocess.run(
        [str(QUIZ), "--db", str(db), *(str(a) for a in args)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=30,
        check=False,
    )


# ---- item 2: database values never reach the terminal raw --------------------------------------


def test_check_removes_escapes_from_a_tampered_due_date(deck_db: Path, quiz: Quiz) -> None:
    _tamper(deck_db, "UPDATE cards SET due_on = ? WHERE card_id = 'qkv'", (ATTACK,))
    result = quiz("check")
    assert result.exit_code == 1
    assert "attention/qkv: due_on ]52;c;aGVsbG8=]0;title[2J (log: none)" in result.stdout
    assert not UNSAFE.search(result.stdout + result.stderr)


def test_tampered_names_ids_and_titles_reach_no_terminal_raw(deck_db: Path, quiz: Quiz) -> None:
    _tamper(deck_db, "UPDATE decks SET title = title || ?, description = ?", (ATTACK, ATTACK))
    _tamper(deck_db, "UPDATE cards SET question = question || ?, tags = ?", (ATTACK, '["x\\u001b[2J"]'))
    _tamper(deck_db, "UPDATE cards SET card_id = card_id || ? WHERE card_id != 'qkv'", (ATTACK,))
    grade(deck_db, "attention", "qkv", 4, date(2026, 3, 9), text=ATTACK)
    _tamper(deck_db, "UPDATE decks SET slug = slug || ?", (ATTACK,))
    _tamper(deck_db, "UPDATE cards SET deck = deck || ?", (ATTACK,))
    for args in (["check"], ["cards"], ["cards", "--json"], ["show", "qkv"], ["stats"], ["decks"]):
        result = quiz(*args)
        assert result.exit_code == 0, (args, result.output)
        assert not UNSAFE.search(result.stdout + result.stderr), args


@pytest.mark.parametrize("args", [["cards"], ["show", "qkv"], ["stats"], ["decks"]])
def test_a_tampered_due_date_reaches_no_terminal_raw(
    deck_db: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a reader shows the bad date or refuses it, its text is inert."""
    from typer.testing import CliRunner

    from quizcards.cli import app

    _tamper(deck_db, "UPDATE cards SET due_on = ? WHERE card_id = 'qkv'", (ATTACK,))
    result = CliRunner().invoke(app, ["--db", str(deck_db), *args])
    assert not UNSAFE.search(result.stdout + result.stderr)
    # a reader refuses the bad date in one sentence (issue 13, item 5), never with a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_an_error_quoting_a_tampered_card_id_is_inert(deck_db: Path, quiz: Quiz) -> None:
    _tamper(deck_db, "UPDATE cards SET card_id = card_id || ?, tags = 'x' WHERE card_id = 'qkv'", (ATTACK,))
    result = quiz("cards")
    assert result.exit_code != 0
    assert "qkv" in result.stderr
    assert not UNSAFE.search(result.stdout + result.stderr)


def test_the_console_itself_removes_control_characters() -> None:
    """A renderable that forgot `line` or `text` still cannot drive the terminal."""
    import io

    from rich.console import Console
    from rich.text import Text

    from quizcards.render import make_console

    console = make_console()
    assert isinstance(console, Console)
    buffer = io.StringIO()
    console.file = buffer
    console.print(Text("a" + ATTACK + "b"), "c\x9bd")
    assert buffer.getvalue() == "a]52;c;aGVsbG8=]0;title[2Jb cd\n"


# ---- item 3: export -o writes only a new path or a regular file, synced ------------------------


@pytest.mark.parametrize("kind", ["fifo", "folder", "socket"])
def test_export_refuses_an_output_that_is_not_a_regular_file(
    db_path: Path, quiz: Quiz, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / f"out-{kind}"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        import socket

        with contextlib.closing(socket.socket(socket.AF_UNIX)) as listener:
            listener.bind(str(target))
    before = target.lstat()
    result = quiz("export", "cards", "-o", target)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: cannot write {target}: it is ")
    assert "not a regular file" in result.stderr or "a folder" in result.stderr
    assert result.stdout == ""
    assert target.lstat().st_mode == before.st_mode
    assert target.lstat().st_ino == before.st_ino
    assert not db_path.exists()  # refused before the database was opened


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_refuses_a_character_device(quiz: Quiz, tmp_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = quiz("export", "reviews", "-o", device)
    assert result.exit_code == 1
    assert f"Error: cannot write {device}: it is a character device, not a regular file" in result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_export_to_dev_null_is_refused_before_anything_is_tried(
    quiz: Quiz, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root a rename would replace the real /dev/null: fail the test instead of trying.
    import tempfile

    real_replace, real_mkstemp = os.replace, tempfile.mkstemp

    def guarded_replace(source: object, target: object, *args: object, **kwargs: object) -> None:
        assert not str(target).startswith("/dev"), "an export tried to replace a device"
        real_replace(source, target, *args, **kwargs)  # type: ignore[arg-type]

    def guarded_mkstemp(*args: object, dir: object = None, **kwargs: object) -> object:
        assert not str(dir).startswith("/dev"), "an export tried to write into /dev"
        return real_mkstemp(*args, dir=dir, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "replace", guarded_replace)
    monkeypatch.setattr("tempfile.mkstemp", guarded_mkstemp)
    result = quiz("export", "cards", "-o", "/dev/null")
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot write /dev/null: it is a character device, not a regular file.\n"


def test_export_dash_means_standard_output(
    deck_db: Path, quiz: Quiz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = quiz("export", "cards", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("deck,card_id,position,")
    assert not (tmp_path / "-").exists()


def test_export_replaces_an_existing_regular_file(deck_db: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "cards.csv"
    target.write_text("old\n")
    assert quiz("export", "cards", "-o", target).exit_code == 0
    assert target.read_text().startswith("deck,card_id,")


def test_the_atomic_write_syncs_the_file_before_the_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.adapters.files import replace_atomically

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(source: str, target: str) -> None:
        events.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    replace_atomically(tmp_path / "out.txt", b"data")
    assert events == ["fsync file", "rename", "fsync folder"]
    assert (tmp_path / "out.txt").read_bytes() == b"data"


# ---- --spreadsheet-safe -------------------------------------------------------------------------

FORMULAS = """
deck: sheet
title: Sheet
cards:
  - id: formula
    q: "=HYPERLINK(\\"http://evil\\", \\"x\\")"
    a: "+1+1"
    points: ["-2", "@SUM(A1)"]
    hints: ["\\tTab", "\\rReturn"]
  - id: plain
    q: What is a plain question?
    a: A plain answer.
"""


def test_csv_exports_keep_exact_text_by_default(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path, tmp_path: Path
) -> None:
    from tests.helpers import import_decks

    import_decks(db_path, write_deck("sheet.yaml", FORMULAS))
    out = tmp_path / "cards.csv"
    assert quiz("export", "cards", "-o", out).exit_code == 0
    assert 'sheet,formula,0,new,"=HYPERLINK(""http://evil"", ""x"")",+1+1,' in out.read_text()


def test_spreadsheet_safe_prefixes_formula_cells_with_a_quote(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path, tmp_path: Path
) -> None:
    import csv

    from tests.helpers import import_decks

    import_decks(db_path, write_deck("sheet.yaml", FORMULAS))
    grade(db_path, "sheet", "formula", 4, date(2026, 3, 9), text="=1+2")
    cards, reviews = tmp_path / "cards.csv", tmp_path / "reviews.csv"
    assert quiz("export", "cards", "--spreadsheet-safe", "-o", cards).exit_code == 0
    assert quiz("export", "reviews", "--spreadsheet-safe", "-o", reviews).exit_code == 0
    with cards.open(newline="") as handle:
        rows = {row["card_id"]: row for row in csv.DictReader(handle)}
    assert rows["formula"]["question"] == '\'=HYPERLINK("http://evil", "x")'
    assert rows["formula"]["answer"] == "'+1+1"
    assert rows["plain"]["question"] == "What is a plain question?"
    # A list cell starts with '[', so it is safe as it is; the numbers are numbers.
    assert rows["formula"]["points"] == '["-2", "@SUM(A1)"]'
    assert rows["formula"]["easiness"] == "2.5"
    with reviews.open(newline="") as handle:
        (review,) = list(csv.DictReader(handle))
    assert review["explanation"] == "'=1+2"
    assert review["question"].startswith("'=HYPERLINK")
    assert review["grade"] == "4"


def test_spreadsheet_safe_prefixes_tab_and_carriage_return_and_negative_text() -> None:
    import io

    from quizcards.adapters.writers import spreadsheet_cell, write_csv

    assert [
        spreadsheet_cell(v) for v in ["=1", "+1", "-1", "@x", "\tx", "\rx", "x=1", "", None, -1, 2.5]
    ] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "x=1",
        "",
        None,
        -1,
        2.5,
    ]
    out = io.StringIO()
    write_csv([{"a": "=1", "b": -3}], ("a", "b"), out, spreadsheet_safe=True)
    assert out.getvalue() == "a,b\r\n'=1,-3\r\n"


# ---- item 7: the same read and write checks for every user-named file ---------------------------


@pytest.mark.slow  # a whole `quiz` process
def test_quiz_add_refuses_a_fifo_instead_of_hanging(tmp_path: Path, db_path: Path) -> None:
    fifo = tmp_path / "deck.yaml"
    os.mkfifo(fifo)
    result = _run("add", fifo, db=db_path)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"{fifo}: it is a FIFO (named pipe), not a regular file.\n1 problem in 1 file; nothing was changed.\n"
    )


@pytest.mark.parametrize("command", [["lint"], ["import"], ["lint", "--fix-ids"]])
def test_lint_and_import_refuse_a_fifo_in_one_line(quiz: Quiz, tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "deck.yaml"
    os.mkfifo(fifo)
    result = quiz(*command, fifo)
    assert result.exit_code == 1
    assert f"{fifo}: " in result.output
    assert "it is a FIFO (named pipe), not a regular file" in result.output


@pytest.mark.slow  # whole processes or the schema written and read back: the full suite runs it
def test_quiz_new_never_writes_through_a_dangling_schema_link(quiz: Quiz, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "planted.json"
    elsewhere.parent.mkdir()
    decks = tmp_path / "decks"
    decks.mkdir()
    link = decks / "quizcards.schema.json"
    link.symlink_to(elsewhere)
    result = quiz("new", decks / "mine.yaml")
    assert result.exit_code == 0, result.output
    assert (decks / "mine.yaml").is_file()
    assert not elsewhere.exists()
    assert link.is_symlink()
    assert (
        f"Could not write the schema: cannot write {link}: it is a symbolic link; "
        "quizcards never writes through one." in result.stderr
    )


@pytest.mark.parametrize("to", ["dangling", "file"])
def test_schema_and_export_outputs_never_write_through_a_link(quiz: Quiz, tmp_path: Path, to: str) -> None:
    target = tmp_path / "target.json"
    if to == "file":
        target.write_text("keep\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    for args in (["schema", "-o", link], ["export", "cards", "-o", link], ["export", "apkg", link]):
        result = quiz(*args)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"Error: cannot write {link}: it is a symbolic link; quizcards never writes through one.\n"
        )
        assert link.is_symlink()
        assert (target.read_text() == "keep\n") if to == "file" else not target.exists()


def test_quiz_new_refuses_a_dangling_link_as_the_deck(quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yaml"
    link = tmp_path / "deck.yaml"
    link.symlink_to(target)
    result = quiz("new", link)
    assert result.exit_code == 1
    assert not target.exists()
    assert f"cannot write {link}: it is a symbolic link" in result.stderr


def test_the_reader_check_names_each_kind_of_file(tmp_path: Path) -> None:
    from quizcards.adapters.files import read_regular_file
    from quizcards.core.errors import QuizError

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_bytes(b"ok")
    assert read_regular_file(tmp_path / "file") == b"ok"
    for name, reason in [
        ("fifo", "it is a FIFO (named pipe), not a regular file"),
        ("folder", "it is a folder"),
        ("missing", "No such file or directory"),
    ]:
        with pytest.raises(QuizError, match=re.escape(reason)):
            read_regular_file(tmp_path / name)
    with pytest.raises(QuizError, match="it is a character device"):
        read_regular_file(Path("/dev/zero"))


# ---- item 6: output errors end in one line, never a traceback -----------------------------------


@pytest.fixture
def full_db(tmp_path: Path, write_deck: WriteDeck) -> Path:
    """A database with a Korean deck and a few reviews, for the subprocess tests."""
    from tests.helpers import import_decks

    db = tmp_path / "full.db"
    korean = SMALL_DECK.replace("title: Attention", "title: 어텐션 · Attention").replace(
        "What do Query", "😀 어텐션, what do Query"
    )
    import_decks(db, write_deck("attention.yaml", korean))
    for day in range(1, 9):
        grade(db, "attention", "qkv", 4, date(2026, 3, day), text="쿼리 " * 200)
    return db


def _assert_one_line_no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert err.count("\n") <= 1, err


def _to_dev_full(args: list[str], db: Path) -> subprocess.CompletedProcess[bytes]:
    with open("/dev/full", "wb") as full:
        return _run(*args, db=db, stdout=full)


@pytest.mark.slow  # a whole `quiz` process
def test_a_full_disk_on_standard_output_is_one_line(full_db: Path) -> None:
    result = _to_dev_full(["cards"], full_db)
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: No space left on device.\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["decks"],
        ["cards", "--json"],
        ["show", "qkv"],
        ["stats"],
        ["stats", "--format", "json"],
        ["stats", "--format", "csv"],
        ["stats", "--format", "markdown"],
        ["check"],
        ["export", "cards"],
        ["export", "reviews", "--format", "jsonl"],
        ["schema"],
        ["import", "DECK"],
    ],
)
def test_every_printing_command_meets_a_full_disk_with_one_line(
    full_db: Path, tmp_path: Path, args: list[str]
) -> None:
    args = [str(tmp_path / "decks") if arg == "DECK" else arg for arg in args]
    result = _to_dev_full(args, full_db)
    assert result.returncode != 0
    _assert_one_line_no_traceback(result)
    assert b"No space left on device" in result.stderr


@contextlib.contextmanager
def _closed_pipe() -> Iterator[int]:
    """The write end of a pipe whose reader has already gone (`| head -1` that has finished)."""
    read, write = os.pipe()
    os.close(read)
    try:
        yield write
    finally:
        os.close(write)


@pytest.mark.slow  # a whole `quiz` process
@pytest.mark.parametrize("args", [["export", "reviews"], ["cards"]])
def test_a_closed_pipe_ends_quietly_and_non_zero(full_db: Path, args: list[str]) -> None:
    with _closed_pipe() as pipe:
        result = _run(*args, db=full_db, stdout=pipe)
    assert result.returncode == 1
    assert result.stderr == b""


@pytest.mark.slow
def test_an_ascii_terminal_gets_escapes_not_a_traceback(full_db: Path) -> None:
    result = _run("stats", db=full_db, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    result.stdout.decode("ascii")
    assert b"quizcards stats \\u00b7 Tue 2026-03-10" in result.stdout


@pytest.mark.slow  # whole processes or the schema written and read back: the full suite runs it
def test_json_through_a_latin1_output_is_still_the_same_json(full_db: Path, quiz: Quiz) -> None:
    import json

    result = _run("show", "qkv", "--json", db=full_db, PYTHONIOENCODING="latin-1")
    assert result.returncode == 0, result.stderr
    assert b"\\uc5b4" in result.stdout  # 어, not encodable in Latin-1
    assert b"\\ud83d\\ude00" in result.stdout  # an emoji, as JSON's surrogate pair
    expected = json.loads(quiz("show", "qkv", "--json", db=full_db).stdout)
    assert json.loads(result.stdout.decode("latin-1")) == expected


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [["stats"], ["cards"], ["show", "qkv"], ["import", "DECK"], ["check"]])
def test_non_utf8_output_degrades_instead_of_failing(
    full_db: Path, tmp_path: Path, encoding: str, args: list[str]
) -> None:
    args = [str(tmp_path / "decks") if arg == "DECK" else arg for arg in args]
    result = _run(*args, db=full_db, PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr
    _assert_one_line_no_traceback(result)
    result.stdout.decode(encoding)


def test_backup_and_schema_use_the_same_writer_check(deck_db: Path, quiz: Quiz, tmp_path: Path) -> None:
    fifo = tmp_path / "copy.db"
    os.mkfifo(fifo)
    result = quiz("backup", fifo)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {fifo}: it is a FIFO (named pipe), not a regular file.\n"
    result = quiz("schema", "-o", fifo)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {fifo}: it is a FIFO (named pipe), not a regular file.\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    printed = quiz("schema", "-o", "-")
    assert printed.exit_code == 0
    assert printed.stdout.startswith("{")


def test_an_error_message_is_one_line_even_when_a_value_holds_a_newline() -> None:
    import contextlib
    import io

    from quizcards.cli.common import report_error
    from quizcards.core.errors import QuizError

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        report_error(QuizError("the card 'a\nfake: line\x1b[2J' is damaged"))
    assert err.getvalue() == "Error: the card 'a fake: line[2J' is damaged\n"
