"""Issue 15, items 1 and 14: `quiz export apkg -o`, and `--with-schedule` carrying each card's progress."""

from __future__ import annotations

import contextlib
import sqlite3
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.conftest import Restore, deck_writer
from tests.helpers import FIXED_NOW, Quiz, grade, import_decks

DECK = """
deck: progress
title: Progress
cards:
  - id: fresh
    q: Never reviewed?
    a: Yes.
  - id: young
    q: Reviewed twice?
    a: Yes.
  - id: old
    q: Reviewed for weeks?
    a: Yes.
"""

# genanki's collection says it was created at this moment (col.crt); Anki counts review days from it.
CREATED = 1_411_124_400
# FIXED_NOW (2026-03-10 09:00 UTC) is Anki's day 4189 of that collection: whole days since its creation
# (4190 calendar days, less one as 09:00 is before the creation's 11:00).
TODAY_IN_ANKI = 4189


def build_progress(folder: Path) -> None:
    database = folder / "quiz.db"
    import_decks(database, deck_writer(folder)("progress.yaml", DECK))
    grade(database, "progress", "young", 5, date(2026, 3, 3))  # interval 1, EF 2.6
    grade(database, "progress", "young", 3, date(2026, 3, 4))  # interval 6, EF 2.46: due 03-10
    # A lapse on the second day (interval back to 1), then learned again: interval 34, due 03-01.
    for day, value in ((1, 5), (2, 1), (3, 5), (4, 5), (10, 5), (26, 4)):
        grade(database, "progress", "old", value, date(2026, 1, day))


@pytest.fixture
def progress(restore: Restore) -> Path:
    """The progress deck with a young and an old card's history: built once per session, copied per test."""
    return restore(build_progress)


def collection_rows(package: Path, folder: Path, sql: str) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    with contextlib.closing(sqlite3.connect(folder / "collection.anki2")) as conn:
        return conn.execute(sql).fetchall()


def cards_by_id(package: Path, folder: Path) -> dict[str, tuple[object, ...]]:
    """Anki's card fields by quizcards card id (the last field of the note)."""
    rows = collection_rows(
        package,
        folder,
        "SELECT n.flds, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, c.lapses, c.left"
        " FROM cards c JOIN notes n ON n.id = c.nid",
    )
    return {str(row[0]).split("\x1f")[-1].split("/")[1]: row[1:] for row in rows}


def quizcards_cards(quiz: Quiz) -> dict[str, dict[str, object]]:
    import json

    lines = quiz("export", "cards", "-f", "jsonl").stdout.splitlines()
    return {record["card_id"]: record for record in map(json.loads, lines)}


# ---- item 1: one set of options -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-o", "--output"])
def test_apkg_takes_the_output_option(progress: Path, quiz: Quiz, tmp_path: Path, flag: str) -> None:
    target = tmp_path / "x.apkg"
    result = quiz("export", "apkg", flag, target)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote 3 notes in 1 deck to {target}.\n"
    assert zipfile.is_zipfile(target)


def test_apkg_keeps_the_positional_file_name(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "x.apkg"
    assert quiz("export", "apkg", target).exit_code == 0
    assert zipfile.is_zipfile(target)


def test_apkg_names_its_file_once(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    one, other = tmp_path / "one.apkg", tmp_path / "other.apkg"
    result = quiz("export", "apkg", one, "-o", other)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: name the package once: {one} and -o {other} are two; use -o FILE.apkg alone.\n"
    )
    assert not one.exists()
    assert not other.exists()


def test_apkg_needs_a_file(progress: Path, quiz: Quiz) -> None:
    result = quiz("export", "apkg")
    assert result.exit_code == 1
    assert result.stderr == "Error: name the package to write: quiz export apkg -o FILE.apkg.\n"


def test_apkg_refuses_standard_output(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    result = quiz("export", "apkg", "-o", "-")
    assert result.exit_code == 1
    assert result.stderr == "Error: an Anki package is a zip file, not text: name a file with -o FILE.apkg.\n"
    assert result.stdout == ""


def test_apkg_output_goes_through_the_writer_check(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    result = quiz("export", "apkg", "-o", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {tmp_path}: it is a folder.\n"


def test_apkg_output_is_never_the_database(progress: Path, quiz: Quiz) -> None:
    before = progress.read_bytes()
    result = quiz("export", "apkg", "-o", progress)
    assert result.exit_code == 1
    assert "is the quizcards database itself" in result.stderr
    assert progress.read_bytes() == before


def test_export_help_lists_output_for_every_format(quiz: Quiz) -> None:
    for command in ("reviews", "cards", "apkg"):
        assert "--output" in quiz("export", command, "--help").stdout


# ---- item 14: --with-schedule -------------------------------------------------------------------


def test_apkg_without_schedule_starts_every_card_new(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "plain.apkg"
    assert quiz("export", "apkg", "-o", target).exit_code == 0
    cards = cards_by_id(target, tmp_path)
    assert {card[:2] for card in cards.values()} == {(0, 0)}
    assert {card[3:7] for card in cards.values()} == {(0, 0, 0, 0)}


def test_apkg_with_schedule(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    ours = quizcards_cards(quiz)
    assert [ours[name]["state"] for name in ("fresh", "young", "old")] == ["new", "learning", "mature"]
    target = tmp_path / "progress.apkg"
    result = quiz("export", "apkg", "-o", target, "--with-schedule")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote 3 notes in 1 deck to {target}, 2 with their schedule.\n"
    cards = cards_by_id(target, tmp_path)
    # type, queue, due, ivl, factor, reps, lapses, left
    assert cards["fresh"] == (0, 0, 0, 0, 0, 0, 0, 0)
    young, old = ours["young"], ours["old"]
    assert (young["due_on"], young["interval_days"], young["easiness"]) == ("2026-03-10", 6, 2.46)
    assert cards["young"] == (2, 2, TODAY_IN_ANKI, 6, 2460, 2, 0, 0)
    assert (old["due_on"], old["interval_days"], old["easiness"]) == ("2026-03-01", 34, 2.36)
    assert (old["reviews"], old["lapses"]) == (6, 1)
    # Nine days overdue on the day of the export, nine days overdue in Anki.
    assert cards["old"] == (2, 2, TODAY_IN_ANKI - 9, 34, 2360, 6, 1, 0)


def test_anki_counts_days_from_the_collections_creation() -> None:
    from quizcards.core.export.anki import ANKI_COLLECTION_CREATED, anki_day

    assert datetime.fromtimestamp(ANKI_COLLECTION_CREATED, UTC) == datetime(2014, 9, 19, 11, tzinfo=UTC)
    assert anki_day(datetime.fromisoformat(FIXED_NOW).timestamp()) == TODAY_IN_ANKI
    assert anki_day(datetime(2026, 3, 10, 11, tzinfo=UTC).timestamp()) == TODAY_IN_ANKI + 1


def test_apkg_with_schedule_keeps_an_overdue_card_overdue(
    progress: Path, quiz: Quiz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZCARDS_NOW", "2026-03-15T12:00:00+00:00")
    target = tmp_path / "late.apkg"
    assert quiz("export", "apkg", "-o", target, "--with-schedule").exit_code == 0
    later = int((datetime(2026, 3, 15, 12, tzinfo=UTC).timestamp() - CREATED) // 86400)
    # Due on 03-10, five days before the export: five days overdue in Anki too.
    assert cards_by_id(target, tmp_path)["young"][2] == later - 5


def test_apkg_with_schedule_writes_the_review_log(progress: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "log.apkg"
    assert quiz("export", "apkg", "-o", target, "--with-schedule").exit_code == 0
    rows = collection_rows(
        target,
        tmp_path,
        "SELECT r.id, n.flds, r.ease, r.ivl, r.lastIvl, r.factor, r.time, r.type"
        " FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id",
    )
    young = [row for row in rows if str(row[1]).endswith("/young")]
    first_at = int(datetime(2026, 3, 3, 9, tzinfo=UTC).timestamp() * 1000)
    # Grade 5 is Easy (4), grade 3 is Hard (2); the first review is a learning one (type 0).
    assert [(r[0], r[2], r[3], r[4], r[5], r[6], r[7]) for r in young] == [
        (first_at, 4, 1, 0, 2600, 1000, 0),
        (first_at + 86_400_000, 2, 6, 1, 2460, 1000, 1),
    ]
    old = [row for row in rows if str(row[1]).endswith("/old")]
    # The lapse is a review answered Again (type 1); the review after it relearns (type 2).
    assert [(r[2], r[7]) for r in old] == [(4, 0), (1, 1), (4, 2), (4, 1), (4, 1), (3, 1)]
    assert len(rows) == 8
