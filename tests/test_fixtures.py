"""The session's database snapshots: a restored copy is the database its test would have built itself."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SMALL_DECK, Build, Snapshots, build_small_deck, deck_writer
from tests.helpers import grade, import_decks


def build_history(folder: Path) -> None:
    """What the collection fixtures do: two decks, grades, then a card removed and re-imported."""
    write_deck, db_path = deck_writer(folder), folder / "quiz.db"
    attention = write_deck("attention.yaml", SMALL_DECK)
    import_decks(db_path, attention, write_deck("sub/other.yaml", "cards:\n  - {id: x, q: q, a: a}\n"))
    grade(db_path, "attention", "scale", 4, date(2026, 3, 1), "variance")
    grade(db_path, "attention", "qkv", 2, date(2026, 3, 2))
    attention.write_text(SMALL_DECK.split("  - id: bottleneck")[0].lstrip("\n"), encoding="utf-8")
    import_decks(db_path, attention)


_UUID = re.compile(r"'[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'")


def contents(folder: Path) -> tuple[list[str], list[str]]:
    """The folder's files, and its database's dump with the folder's own path written as <folder>.

    The migrations' wall-clock stamps and the reviews' random UUIDs differ between any two builds, so
    they are left out.
    """
    files = sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))
    with contextlib.closing(sqlite3.connect(folder / "quiz.db")) as conn:
        conn.execute("UPDATE _sqlite_migrations SET applied_at = ''")
        conn.commit()
        dump = [
            _UUID.sub("<uuid>", line.replace(str(folder.resolve()), "<folder>")) for line in conn.iterdump()
        ]
    return files, dump


@pytest.mark.parametrize("build", [build_small_deck, build_history], ids=lambda build: build.__name__)
def test_a_restored_snapshot_equals_a_fresh_build(build: Build, snapshots: Snapshots, tmp_path: Path) -> None:
    fresh, restored = tmp_path / "fresh", tmp_path / "restored"
    fresh.mkdir()
    build(fresh)
    expected = contents(fresh)
    assert any("<folder>/decks/attention.yaml" in line for line in expected[1])
    for copy in range(2):  # the first restore may build the snapshot; the second surely copies it
        database = snapshots.restore(build, restored / str(copy))
        assert database == restored / str(copy) / "quiz.db"
        assert contents(restored / str(copy)) == expected


def test_a_failed_build_leaves_no_snapshot_behind(snapshots: Snapshots, tmp_path: Path) -> None:
    calls: list[Path] = []

    def build_broken(folder: Path) -> None:
        calls.append(folder)
        (folder / "partial").write_text("x")
        if len(calls) == 1:
            raise RuntimeError("the first build fails")

    with pytest.raises(RuntimeError):
        snapshots.restore(build_broken, tmp_path / "first")
    assert not calls[0].exists()
    snapshots.restore(build_broken, tmp_path / "second")
    snapshots.restore(build_broken, tmp_path / "third")
    assert (tmp_path / "third" / "partial").read_text() == "x"
    assert len(calls) == 2
