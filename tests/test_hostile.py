"""Hostile and broken decks: each is rejected with a located message and an untouched database,
or is accepted and shown as inert text by every command, including a real review in a terminal.

The corpus is tests/hostile/accepted and tests/hostile/rejected; the files that would be too large
to commit (a huge file, too many cards, an alias bomb that reaches the node limit) are made here.
"""

from __future__ import annotations

import hashlib
import io
import re
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from quizcards.cli import app
from quizcards.core import deck
from quizcards.core.session import SessionFilter
from quizcards.store import Store
from tests.conftest import Restore
from tests.helpers import quiz_env
from tests.helpers import spawn as spawn_quiz

HOSTILE = Path(__file__).resolve().parent / "hostile"
ACCEPTED = sorted((HOSTILE / "accepted").glob("*.yaml"))
REJECTED = sorted((HOSTILE / "rejected").glob("*.yaml"))

# Every C0 control but tab and newline, DEL, every C1 control, and the bidi overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same, but a terminal turns each newline it prints into CR LF.
UNSAFE_IN_TERMINAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# What each rejected file's message must say (a fragment of its first problem).
REASONS = {
    "bidi-id.yaml": "may contain only letters",
    "billion-laughs.yaml": "unknown key 'a' in the deck",
    "billion-laughs-in-fields.yaml": "must be text, not a list",
    "deep-block-nesting.yaml": "exceeded maximum nesting depth",
    "deep-nesting.yaml": "exceeded maximum nesting depth",
    "duplicate-ids.yaml": "duplicate card id 'same'",
    "duplicate-keys.yaml": "duplicate key 'q'",
    "empty.yaml": "the file is empty",
    "merge-key.yaml": "unknown key",
    "multiple-documents.yaml": "a second document starts here",
    "non-utf8.yaml": "not valid UTF-8 (byte 0xe9)",
    "not-a-mapping.yaml": "must be a mapping",
    "nul-byte.yaml": "NUL byte",
    "option-slug.yaml": "the deck name '--help' may contain only letters",
    "path-id.yaml": "'../../etc/passwd' may contain only letters",
    "path-slug.yaml": "the deck name '../../etc/passwd' may contain only letters",
    "python-name.yaml": "the YAML tag !!python/name:os.system is not allowed",
    "python-object.yaml": "the YAML tag !!python/object/apply:os.system is not allowed",
    "python-object-in-card.yaml": "the YAML tag !!python/object/apply:os.system is not allowed",
    "quote-ids.yaml": "'it's' may contain only letters",
    "raw-c1.yaml": "the character U+009B",
    "raw-escape.yaml": "the character U+001B",
    "raw-osc52.yaml": "the character U+001B",
    "sql-id.yaml": "'x'; DROP TABLE cards; --' may contain only letters",
    "sql-slug.yaml": "the deck name 'x'; DROP TABLE decks; --' may contain only letters",
    "too-long-id.yaml": "is 65 characters long; the limit is 64",
    "too-long-question.yaml": "the limit is 2,000",
    "too-long-title.yaml": "the title is 201 characters long",
    "too-many-points.yaml": "51 items; the limit is 50",
    "unknown-tags.yaml": "the YAML tag !secret is not allowed",
    "utf16.yaml": "the file is UTF-16",
    "utf16le-no-bom.yaml": "NUL byte",
}


def assert_inert(output: str, where: str, *, terminal: bool = False) -> None:
    match = (UNSAFE_IN_TERMINAL if terminal else UNSAFE).search(output)
    if match is not None:
        around = output[max(0, match.start() - 60) : match.start() + 20]
        pytest.fail(f"{where}: {match.group()!r} reached the output: {around!r}")


def fingerprint(db: Path) -> tuple[str, str]:
    """The file's bytes and its logical content, each as a digest."""
    raw = hashlib.sha256(db.read_bytes()).hexdigest()
    with sqlite3.connect(db) as conn:
        dump = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    conn.close()
    return raw, dump


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    return names


@pytest.fixture
def small_db(deck_db: Path) -> Path:
    """A database holding SMALL_DECK (conftest's deck_db)."""
    return deck_db


def assert_rejected(result: Result, path: Path, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert lines[-1].endswith("in 1 file; nothing was changed."), lines
    for problem in lines[:-1]:
        assert problem.startswith(f"{path}"), problem  # every problem names the file
    assert fragment in lines[0], lines[0]
    assert_inert(result.stderr, path.name)
    assert result.stdout == ""


def test_the_corpus_is_complete() -> None:
    assert {path.name for path in REJECTED} == set(REASONS)
    assert len(ACCEPTED) >= 7


@pytest.mark.parametrize("path", REJECTED, ids=lambda p: p.name)
def test_a_rejected_deck_names_the_file_and_changes_nothing(
    path: Path,
    small_db: Path,
    quiz: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # where `touch quizcards-pwned` would land, were any tag obeyed
    before = fingerprint(small_db)
    result = quiz("import", path)
    assert_rejected(result, path, REASONS[path.name])
    assert fingerprint(small_db) == before
    assert {"decks", "cards", "reviews", "_sqlite_migrations"} <= tables(small_db)
    assert not (tmp_path / "quizcards-pwned").exists()


def _generated() -> dict[str, tuple[str | bytes, str]]:
    items = ", ".join(["x"] * deck.MAX_ITEMS)
    bomb = (
        f"deck: node-bomb\ntags: &l [{items}]\n"
        "cards: [&c {id: a, q: q, a: a, points: *l, hints: *l, tags: *l}, "
        + ", ".join(["*c"] * (deck.MAX_CARDS - 1))
        + "]\n"
    )
    return {
        "too-many-cards.yaml": (  # aliases keep it quick to write and to parse
            "deck: many\ncards: [&c {id: a, q: q, a: a}, " + ", ".join(["*c"] * deck.MAX_CARDS) + "]\n",
            f"the deck has {deck.MAX_CARDS + 1:,} cards; the limit is {deck.MAX_CARDS:,}",
        ),
        "too-long-answer.yaml": (
            f"deck: long-answer\ncards:\n  - id: a\n    q: q\n    a: {'x' * (deck.MAX_ANSWER_LENGTH + 1)}\n",
            f"the answer of card 'a' is {deck.MAX_ANSWER_LENGTH + 1:,} characters long",
        ),
        "node-bomb.yaml": (bomb, f"more than {deck.MAX_NODES:,} YAML nodes (aliases included)"),
        "x'; DROP TABLE decks; --.yaml": (
            "cards:\n  - {id: a, q: q, a: a}\n",
            "the file name gives the deck name 'x'; DROP TABLE decks; --', which may contain only letters",
        ),
    }


# The node bomb walks two million YAML nodes before it is refused: slow, like moving 100k rows.
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name == "node-bomb.yaml" else name
        for name in _generated()
    ],
)
def test_generated_hostile_decks_are_rejected(
    name: str, small_db: Path, quiz: Callable[..., Result], write_deck: Callable[..., Path]
) -> None:
    content, fragment = _generated()[name]
    path = write_deck(name, content)
    before = fingerprint(small_db)
    assert_rejected(quiz("import", path), path, fragment)
    assert fingerprint(small_db) == before


def test_a_huge_file_is_refused_without_being_read(
    small_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: as large as it claims, without the disk space
        handle.truncate(deck.MAX_FILE_BYTES + 1)
    before = fingerprint(small_db)
    assert_rejected(quiz("import", path), path, f"a deck may be at most {deck.MAX_FILE_BYTES:,} bytes")
    assert fingerprint(small_db) == before


def test_names_that_could_reach_a_path_or_sql_break_the_name_rule() -> None:
    for name in (
        "x'; DROP TABLE cards; --",
        "../x",
        "..",
        ".hidden",
        "a/b",
        "a\\b",
        "-rf",
        "a;b",
        '"q"',
        "a b",
    ):
        assert not deck.is_valid_name(name), name
    for name in ("SELECT", "x--y", "DROP.TABLE.cards", "한국어", "OR.1-1"):
        assert deck.is_valid_name(name), name


# ---- accepted decks: stored literally, shown inert ------------------------------------------


@pytest.fixture
def hostile_db(quiz: Callable[..., Result], restore: Restore) -> Path:
    def build_hostile(folder: Path) -> None:
        result = quiz("import", HOSTILE / "accepted", db=folder / "quiz.db")
        assert result.exit_code == 0, result.output
        assert_inert(result.output, "quiz import")

    return restore(build_hostile)


def test_sql_in_text_and_names_is_stored_literally(hostile_db: Path, quiz: Callable[..., Result]) -> None:
    with sqlite3.connect(hostile_db) as conn:
        row = conn.execute(
            "SELECT d.title, d.description, c.question, c.answer, c.source FROM cards c "
            "JOIN decks d ON d.slug = c.deck WHERE c.deck = 'DROP.TABLE.cards' AND c.card_id = 'SELECT'"
        ).fetchone()
    conn.close()
    assert row == (
        "x'; DROP TABLE cards; --",
        "Robert'); DROP TABLE decks;--",
        "x'; DROP TABLE cards; --",
        "\" OR 1=1; -- and '; DELETE FROM reviews; --",
        "'); ATTACH DATABASE '/tmp/pwned.db' AS p; --",
    )
    assert {"decks", "cards", "reviews", "_sqlite_migrations"} <= tables(hostile_db)
    assert not Path("/tmp/pwned.db").exists()
    with Store.open(hostile_db) as store:
        # Filters are parameters: a quote in a tag matches that tag, and nothing else.
        from datetime import date

        day = date(2026, 3, 10)
        tagged = store.new_card_ids(day, SessionFilter(tags=("x' OR '1'='1",)), 100)
        assert [store.study_card(pk).card_id for pk in tagged] == ["SELECT", "x--y", "OR.1-1"]
        assert store.new_card_ids(day, SessionFilter(decks=("x' OR '1'='1",)), 100) == []
        assert store.new_card_ids(day, SessionFilter(tags=("%",)), 100) == tagged  # no LIKE wildcards
        assert not store.deck_exists("x'; DROP TABLE cards; --")
    result = quiz("cards", "--deck", "x'; DROP TABLE cards; --")
    assert "Traceback" not in result.output
    assert {"decks", "cards", "reviews"} <= tables(hostile_db)


def _cards(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT deck || '/' || card_id FROM cards ORDER BY id").fetchall()
    conn.close()
    return [row[0] for row in rows]


def test_every_listing_shows_hostile_text_inert(hostile_db: Path, quiz: Callable[..., Result]) -> None:
    commands = [["decks"], ["decks", "--json"], ["check"]]
    registered = {command.name for command in app.registered_commands}
    if "cards" in registered:
        commands += [["cards"], ["cards", "--json"]]
    if "show" in registered:
        for card in _cards(hostile_db):
            commands += [["show", card], ["show", card, "--json"]]
    if "stats" in registered:
        commands += [["stats"]]
    for args in commands:
        result = quiz(*args)
        assert result.exit_code == 0, (args, result.output)
        assert_inert(result.output, " ".join(args))
    if "show" in registered:
        shown = quiz("show", "rich-markup/markup").output
        assert "[red]red[/red]" in shown
        assert "[link=file:///etc/passwd]click[/link]" in shown


def spawn(db: Path, term: str, *args: str) -> pexpect.spawn:
    # colour allowed: whether styling reaches the terminal is what these tests look at
    env = quiz_env(term=term, colour=True)
    return spawn_quiz("--db", db, *args, env=env, dimensions=(60, 200), encoding=None)


@pytest.mark.slow
def test_an_export_printed_to_a_terminal_is_inert(hostile_db: Path) -> None:
    # Exports keep the data exact when written to a file or a pipe; a terminal gets it cleaned.
    if "export" not in {group.name for group in app.registered_groups}:
        pytest.skip("no export command yet")
    for args in (["export", "cards"], ["export", "cards", "--format", "jsonl"]):
        child = spawn(hostile_db, "dumb", *args)
        output = child.read().decode("utf-8")
        child.close()
        assert child.exitstatus == 0, output
        assert "osc8-hyperlink" in output
        assert_inert(output, " ".join(args), terminal=True)


def review_everything(db: Path, term: str) -> bytes:
    """Go through every card in a real terminal: hints, answer, and a typed explanation shown again."""
    child = spawn(db, term, "review", "--new", "100")
    child.delaybeforesend = None
    transcript = io.BytesIO()
    child.logfile_read = transcript
    try:
        first = True
        while (step := child.expect([rb"\n> ", b"That was the last card", b"Session summary"])) != 2:
            if step == 1:
                child.send("x")  # no undo: on to the summary
                continue
            if first:
                # Markup typed by the learner; graded 2, the card comes back with it shown.
                child.send("[red]typed[/red] [link=file:///etc/passwd]x[/link]\r")
            child.send("h\rh\r\r")
            child.expect(b"u undo")
            child.send("2" if first else "5")
            first = False
        child.expect(pexpect.EOF)
    finally:
        if child.isalive():
            child.kill(signal.SIGKILL)
        child.close()
    assert child.exitstatus == 0, transcript.getvalue()[-2000:]
    return transcript.getvalue()


@pytest.mark.slow
def test_a_review_in_a_terminal_never_emits_a_control_sequence(hostile_db: Path) -> None:
    raw = review_everything(hostile_db, "dumb")
    assert b"\x1b" not in raw
    output = raw.decode("utf-8")
    assert_inert(output, "quiz review", terminal=True)
    cards = _cards(hostile_db)
    for card in cards:
        assert card.split("/", 1)[1] in output, card
    assert "[red]red[/red] and [link=file:///etc/passwd]click[/link]?" in output
    assert "Hint 1: [link=file:///etc/passwd]hint[/link]" in output
    assert "Your last explanation" in output
    assert "[red]typed[/red] [link=file:///etc/passwd]x[/link]" in output
    assert "&#x202e;evil" in output  # a character reference to a bidi override stays text
    with sqlite3.connect(hostile_db) as conn:
        graded = conn.execute("SELECT count(DISTINCT card) FROM reviews").fetchone()[0]
    conn.close()
    assert graded == len(cards)
    # The first review of the day took the daily backup first.
    assert list((hostile_db.parent / "backups").glob(f"{hostile_db.stem}-20260310-*-daily.db"))


@pytest.mark.slow
def test_a_colour_terminal_gets_only_styling_sequences(hostile_db: Path) -> None:
    output = review_everything(hostile_db, "xterm-256color").decode("utf-8")
    # Rich styles text with SGR (ESC [ ... m); readline may switch modes (ESC [ ? ... h/l) and
    # keypad modes (ESC = / ESC >). Nothing else, and none of the decks' own sequences.
    remainder = re.sub(r"\x1b\[[0-9;]*m|\x1b\[\?[0-9;]*[hl]|\x1b[=>]", "", output)
    assert "\x1b" not in remainder, remainder[remainder.index("\x1b") - 60 :][:120]
    for payload in ("\x1b[2J", "\x1b]", "\x1b[10A", "\x1bP", "\x1b_"):
        assert payload not in output, payload
    assert_inert(remainder, "quiz review (xterm)", terminal=True)
