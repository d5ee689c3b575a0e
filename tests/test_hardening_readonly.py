"""Issue 13, items 9 and 10: commands that only read open the database read-only; a damaged file says so.

A read never migrates, never switches the journal mode and never leaves a file
changed (bytes and modification time); a read-only database in a read-only
folder is still readable; a damaged SQLite file is called damaged, with the
backups folder to restore from, not "not a quizcards database".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import Result

from quizcards.store import Store, migrations
from tests.helpers import grade, scalar


def state(db: Path) -> tuple[str, int]:
    """What a read must leave alone: the file's bytes and its modification time."""
    return hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns


def read_commands(tmp_path: Path) -> list[list[str]]:
    """Every command that only reads the database (backup writes its copy elsewhere)."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return [
        ["decks"],
        ["decks", "--json"],
        ["cards"],
        ["cards", "--json"],
        ["show", "attention/qkv"],
        ["stats"],
        ["stats", "--format", "json"],
        ["export", "reviews"],
        ["export", "cards"],
        ["export", "apkg", str(out / "deck.apkg")],
        ["check"],
        ["backup", f"{out}/"],
        ["import", "--dry-run", str(tmp_path / "decks")],
    ]


@pytest.fixture
def backup_copy(deck_db: Path, quiz: Callable[..., Result], tmp_path: Path) -> Path:
    """A `quiz backup` copy of a database with one review: a rollback-journal file, as backups are."""
    grade(deck_db, "attention", "qkv", 4, date(2026, 3, 10), "the query meets every key")
    copy = tmp_path / "saved" / "copy.db"
    copy.parent.mkdir()
    assert quiz("backup", copy).exit_code == 0
    assert scalar(copy, "PRAGMA journal_mode") == "delete"
    return copy


def test_read_commands_leave_a_backup_file_exactly_as_it_was(
    backup_copy: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    before = state(backup_copy)
    for args in read_commands(tmp_path):
        result = quiz(*args, db=backup_copy)
        assert result.exit_code == 0, (args, result.output)
        assert state(backup_copy) == before, args
        # No switch to WAL, so no -wal or -shm file beside it either.
        assert sorted(p.name for p in backup_copy.parent.iterdir()) == ["copy.db"], args
    assert scalar(backup_copy, "PRAGMA journal_mode") == "delete"


def _m900_pending(database: Database) -> None:
    database.execute("CREATE TABLE pending_marker (x INTEGER)")


@pytest.fixture
def pending_migration(monkeypatch: pytest.MonkeyPatch) -> str:
    """One more registered migration than the database has: any pending one, not a named one."""
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, ("m900_pending", _m900_pending)))
    monkeypatch.setattr(migrations, "NAMES", tuple(name for name, _ in migrations.MIGRATIONS))
    return "m900_pending"


def test_read_commands_never_migrate_and_say_which_command_upgrades(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path, pending_migration: str
) -> None:
    before = state(deck_db)
    for args in read_commands(tmp_path):
        if args[0] == "backup":
            continue
        result = quiz(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr == (
            f"Error: {deck_db} was written by an older version of quizcards and needs upgrading "
            "before it can be read; run `quiz review` or `quiz import` once to upgrade it "
            "(a backup is taken first).\n"
        ), args
        assert state(deck_db) == before, args
    assert not (deck_db.parent / "backups").exists()
    # A backup is a copy of the file as it is: an old database can be copied before it is upgraded.
    result = quiz("backup", tmp_path / "old.db")
    assert result.exit_code == 0, result.output
    assert state(deck_db) == before
    assert "pending_marker" not in {row[0] for row in _tables(tmp_path / "old.db")}
    # A command that writes upgrades it (after its own backup).
    assert quiz("check", "--repair").exit_code == 0
    assert pending_migration in {row[0] for row in _applied(deck_db)}
    assert quiz("decks").exit_code == 0


def _tables(db: Path) -> list[tuple[str]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()


def _applied(db: Path) -> list[tuple[str]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT name FROM _sqlite_migrations").fetchall()


def test_a_read_only_old_database_says_to_upgrade_a_copy(
    deck_db: Path, quiz: Callable[..., Result], pending_migration: str
) -> None:
    deck_db.chmod(0o444)
    result = quiz("cards")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {deck_db} was written by an older version of quizcards and needs upgrading, but it "
        "is read-only; copy it somewhere writable (quiz backup PATH) and use the copy.\n"
    )


@contextlib.contextmanager
def read_only_folder(db: Path) -> Iterator[None]:
    """The database 0444 in a 0555 folder, put back afterwards so the test's folder can go."""
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        yield
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_read_only_database_in_a_read_only_folder_is_read_and_left_alone(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path, journal: str
) -> None:
    with contextlib.closing(sqlite3.connect(deck_db)) as conn:
        conn.execute(f"PRAGMA journal_mode = {journal}")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = elsewhere / "quiz.db"
    deck_db.replace(db)
    before = state(db)
    with read_only_folder(db):
        for args in (["decks"], ["cards"], ["check"], ["stats", "--format", "json"], ["export", "reviews"]):
            result = quiz(*args, db=db)
            assert result.exit_code == 0, (args, result.output)
            # Nothing may be created there (root could, quizcards must not): no -wal, no -shm.
            assert [p.name for p in elsewhere.iterdir()] == ["quiz.db"], args
        result = quiz("backup", tmp_path / "copy.db", db=db)
        assert result.exit_code == 0, result.output
        assert state(db) == before
    assert scalar(tmp_path / "copy.db", "SELECT count(*) FROM cards") == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes: SQLite could write there anyway")
def test_as_a_user_a_read_only_wal_database_in_a_read_only_folder_is_read(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    # Regression: SQLite needs a -shm file to read a WAL database, and cannot create one here
    # ("attempt to write a readonly database"), so decks, cards, check and backup all failed.
    assert scalar(deck_db, "PRAGMA journal_mode") == "wal"
    with read_only_folder(deck_db):
        assert not os.access(deck_db.parent, os.W_OK)
        for args in (["decks"], ["cards"], ["check"], ["backup", tmp_path.parent / f"{tmp_path.name}.db"]):
            result = quiz(*args)
            assert result.exit_code == 0, (args, result.output)


# ---- a damaged file ------------------------------------------------------------------------------


def _random_pages(db: Path) -> None:
    """Random bytes over every page after the first: what a failing disk or a stray write leaves."""
    data = bytearray(db.read_bytes())
    noise = random.Random(13)
    data[4096:] = bytes(noise.randrange(256) for _ in range(len(data) - 4096))
    db.write_bytes(bytes(data))


def _schema_page_emptied(db: Path) -> None:
    """The schema's page overwritten with an empty leaf: SQLite then sees no tables at all."""
    data = bytearray(db.read_bytes())
    data[100:108] = b"\x0d\x00\x00\x00\x00\x10\x00\x00"
    db.write_bytes(bytes(data))


def _schema_page_garbled(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[100:4096] = bytes(random.Random(7).randrange(256) for _ in range(3996))
    db.write_bytes(bytes(data))


DAMAGE = {
    "random-pages": _random_pages,
    "schema-emptied": _schema_page_emptied,
    "schema": _schema_page_garbled,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_database_is_called_damaged_with_the_backups_folder(
    damage: str, deck_db: Path, quiz: Callable[..., Result], tmp_path: Path, write_deck: Callable[..., Path]
) -> None:
    with Store.open(deck_db) as store:  # a backup to restore, as a review would have made
        store.backup_automatically("daily", stamp="20260310-000000")
    assert scalar(deck_db, "PRAGMA page_size") == 4096
    DAMAGE[damage](deck_db)
    before = state(deck_db)
    other = write_deck("other.yaml", "deck: other\ncards:\n  - {id: a, q: q, a: a}\n")
    for args in (["decks"], ["cards"], ["stats"], ["export", "cards"], ["import", str(other)]):
        result = quiz(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stderr.startswith(f"Error: {deck_db} is damaged ("), (args, result.stderr)
        assert "not a quizcards database" not in result.stderr, args
        assert f"Restore the latest good copy from {deck_db.parent / 'backups'}" in result.stderr
        assert "quiz check" in result.stderr
        assert state(deck_db) == before, args


def test_another_programs_database_is_still_not_a_quizcards_database(
    db_path: Path, quiz: Callable[..., Result]
) -> None:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
    result = quiz("decks")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db_path} is an SQLite database, but not a quizcards database.\n"
