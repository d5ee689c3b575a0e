"""`quiz export`: review and card records, streaming in bounded memory, and the Anki package."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from quizcards.adapters.sanitize import clean, json_line, json_text
from quizcards.adapters.writers import write_csv
from quizcards.core.export.anki import anki_deck_id, anki_tags, note_guid
from quizcards.core.export.records import CARD_FIELDS, REVIEW_FIELDS
from quizcards.store import Store
from quizcards.store.reviews import ReviewLogEntry
from tests.conftest import Restore, deck_writer
from tests.helpers import Quiz, WriteDeck, import_decks, pk_of, scalar
from tests.helpers import grade as grade_at_nine

DECK = """
deck: attention
title: Attention
description: Where to look.
tags: [nlp, deep learning]
cards:
  - id: qkv
    q: "What do Query, Key and Value mean? [red]x"
    a: |
      The **query** is compared with every `key`.

      <script>alert(1)</script>
    points: [query, "weighted <sum>"]
    tags: [attention, "multi word"]
    source: Vaswani et al., 2017
  - id: scale
    q: Why divide by the square root of d_k?
    a: The dot products grow with d_k.
  - id: gone
    q: A card that will be retired
    a: Soon.
"""

DECK_WITHOUT_GONE = DECK[: DECK.index("  - id: gone")]

SECOND = """
deck: second
title: Attention
cards:
  - id: one
    q: Same title as the first deck?
    a: Yes.
"""


# Reviews at 09:30:15.250 UTC, so the exports show their milliseconds.
grade = functools.partial(grade_at_nine, at=time(9, 30, 15, 250_000))


@pytest.fixture
def collection(restore: Restore) -> Path:
    return restore(build_collection)


def build_collection(folder: Path) -> None:
    write_deck, db_path = deck_writer(folder), folder / "quiz.db"
    path = write_deck("attention.yaml", DECK)
    import_decks(db_path, path)
    import_decks(db_path, write_deck("second.yaml", SECOND))
    grade(db_path, "attention", "qkv", 5, date(2026, 3, 1), 'query meets keys,\n"quoted"', 12_345)
    grade(db_path, "attention", "qkv", 2, date(2026, 3, 7))
    grade(db_path, "attention", "qkv", 4, date(2026, 3, 7))  # a re-drill
    grade(db_path, "attention", "gone", 3, date(2026, 3, 2))
    path.write_text(DECK_WITHOUT_GONE.lstrip("\n"), encoding="utf-8")
    import_decks(db_path, path)


# ---- reviews ---------------------------------------------------------------------------


def test_reviews_csv(collection: Path, quiz: Quiz) -> None:
    result = quiz("export", "reviews")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == REVIEW_FIELDS
    assert [(r["card_id"], r["kind"], r["grade"]) for r in rows] == [
        ("qkv", "scheduled", "5"),
        ("qkv", "scheduled", "2"),
        ("qkv", "redrill", "4"),
        ("gone", "scheduled", "3"),
    ]
    first, failed = rows[0], rows[1]
    assert first["reviewed_at"] == "2026-03-01T09:30:15.250Z"
    assert first["reviewed_on"] == "2026-03-01"
    assert first["question"] == "What do Query, Key and Value mean? [red]x"
    assert first["explanation"] == 'query meets keys,\n"quoted"'
    assert first["duration_ms"] == "12345"
    assert (first["interval_days_before"], first["easiness_before"], first["due_on_before"]) == (
        "0",
        "2.5",
        "",
    )
    assert (first["interval_days_after"], first["easiness_after"], first["due_on_after"]) == (
        "1",
        "2.6",
        "2026-03-02",
    )
    # 2.60 - 0.32 for a 2; the failure resets the interval to one day.
    assert (failed["repetitions_before"], failed["interval_days_before"], failed["easiness_before"]) == (
        "1",
        "1",
        "2.6",
    )
    assert (failed["repetitions_after"], failed["interval_days_after"], failed["easiness_after"]) == (
        "0",
        "1",
        "2.28",
    )


def test_reviews_jsonl_to_a_file(collection: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "reviews.jsonl"
    result = quiz("export", "reviews", "--format", "jsonl", "--output", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Wrote 4 reviews to {target}.\n"
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [list(r) for r in records] == [list(REVIEW_FIELDS)] * 4
    assert records[0]["easiness_after"] == 2.6
    assert records[0]["due_on_before"] is None
    assert records[0]["grade"] == 5
    assert records[2]["kind"] == "redrill"
    assert not list(tmp_path.glob(".*.part"))


def test_reviews_of_one_deck(collection: Path, quiz: Quiz) -> None:
    assert quiz("export", "reviews", "--deck", "second").stdout.splitlines() == [",".join(REVIEW_FIELDS)]
    missing = quiz("export", "reviews", "--deck", "nope")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: there is no deck named 'nope'; quiz decks lists them.\n"


def test_an_output_in_a_missing_folder_is_an_error(collection: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "reviews.csv"
    result = quiz("export", "reviews", "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {target}: the folder {target.parent} does not exist.\n"


@pytest.mark.parametrize("command", [("reviews", "-o"), ("cards", "--output"), ("apkg",)])
def test_an_export_never_overwrites_the_database(
    collection: Path, quiz: Quiz, command: tuple[str, ...]
) -> None:
    before = collection.read_bytes()
    result = quiz("export", *command, collection)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {collection} is the quizcards database itself; choose another file to export to.\n"
    )
    assert collection.read_bytes() == before


def test_a_failed_export_leaves_the_old_file(tmp_path: Path) -> None:
    from quizcards.adapters.writers import output_stream

    target = tmp_path / "reviews.csv"
    target.write_text("old", encoding="utf-8")

    def interrupted() -> None:
        with output_stream(target) as (stream, _):
            stream.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.csv"]


def test_jsonl_escapes_what_a_terminal_would_obey() -> None:
    line = json_line({"q": "a\x1b[2Jb\x9bc\u202ed\ne", "k": "ключ"})
    assert "\x1b" not in line
    assert "\x9b" not in line
    assert "\u202e" not in line
    assert "ключ" in line
    assert json.loads(line) == {"q": "a\x1b[2Jb\x9bc\u202ed\ne", "k": "ключ"}


@pytest.mark.parametrize("encode", [json_line, json_text])
def test_both_json_forms_escape_the_same_characters(encode: Callable[[object], str]) -> None:
    value = {"q": "a\u2028b\u2029c\x7fd\x85e\u2066f", "k": "ключ"}
    encoded = encode(value)
    assert not {"\u2028", "\u2029", "\x7f", "\x85", "\u2066"} & set(encoded)
    assert "\\u2028" in encoded
    assert "\\u2029" in encoded
    assert "ключ" in encoded
    assert json.loads(encoded) == value


def test_csv_cells_and_cleaning_for_a_terminal() -> None:
    record = {"a": None, "b": ["x", "y, z"], "c": True, "d": 2.5, "e": "p\x1b[2Jq"}
    raw, shown = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv([record], "abcde", raw)
    write_csv([record], "abcde", shown, clean=clean)
    assert raw.getvalue() == 'a,b,c,d,e\r\n,"[""x"", ""y, z""]",true,2.5,p\x1b[2Jq\r\n'
    assert shown.getvalue() == 'a,b,c,d,e\r\n,"[""x"", ""y, z""]",true,2.5,p[2Jq\r\n'


# ---- cards -----------------------------------------------------------------------------


def test_cards_csv(collection: Path, quiz: Quiz) -> None:
    result = quiz("export", "cards")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CARD_FIELDS
    assert [(r["deck"], r["card_id"], r["state"]) for r in rows] == [
        ("attention", "qkv", "learning"),
        ("attention", "scale", "new"),
        ("attention", "gone", "retired"),
        ("second", "one", "new"),
    ]
    qkv = rows[0]
    assert json.loads(qkv["points"]) == ["query", "weighted <sum>"]
    assert json.loads(qkv["tags"]) == ["attention", "multi word"]
    assert (qkv["lapses"], qkv["reviews"], qkv["easiness"], qkv["due_on"]) == ("1", "2", "2.28", "2026-03-08")
    assert rows[1]["due_on"] == ""


def test_cards_jsonl(collection: Path, quiz: Quiz) -> None:
    lines = quiz("export", "cards", "-f", "jsonl", "--deck", "attention").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["card_id"] for r in records] == ["qkv", "scale", "gone"]
    assert records[0]["hints"] == []
    assert records[0]["source"] == "Vaswani et al., 2017"
    assert records[1]["introduced_on"] is None


# ---- streaming a big log ------------------------------------------------------------------

ROWS = 200_000
# The CLI, run in a child process that reports its own peak resident memory (kilobytes on Linux).
PEAK_REPORTER = """
import resource, sys
from quizcards.cli import app
try:
    app(sys.argv[1:], prog_name="quiz")
except SystemExit as exit:
    code = exit.code
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def generated_log(pks: list[int], count: int) -> Iterator[ReviewLogEntry]:
    start = date(2020, 1, 1)
    for index in range(count):
        day = (start + timedelta(days=index // 50)).isoformat()
        yield ReviewLogEntry(
            card=pks[index % len(pks)],
            reviewed_at=f"{day}T09:00:00.000Z",
            reviewed_on=day,
            grade=index % 6,
            kind="scheduled",
            explanation=f"explanation number {index}, typed in the learner's own words",
            duration_ms=index % 60_000,
            repetitions_before=index % 7,
            interval_before=index % 40,
            easiness_before=130 + index % 150,
            due_before=day,
            repetitions_after=index % 7 + 1,
            interval_after=index % 40 + 1,
            easiness_after=130 + index % 150,
            due_after=day,
        )


def peak_kilobytes(db: Path, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTER, "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stderr.rsplit("PEAK", 1)[1].split()[0])


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux only")
def test_a_log_of_200000_reviews_streams_in_bounded_memory(collection: Path, tmp_path: Path) -> None:
    with Store.open(collection) as store:
        pks = [pk_of(collection, "attention", "qkv"), pk_of(collection, "second", "one")]
        assert store.bulk_insert_reviews(generated_log(pks, ROWS)) == ROWS
    target = tmp_path / "big.csv"
    baseline = peak_kilobytes(collection, "decks")
    peak = peak_kilobytes(collection, "export", "reviews", "--output", str(target))
    # Held in memory, the rows take hundreds of megabytes; streamed, the export costs
    # little more than starting the program.
    assert peak - baseline < 40_000, (baseline, peak)
    with target.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == list(REVIEW_FIELDS)
        count = 0
        last: list[str] = []
        for row in reader:
            count += 1
            last = row
    assert count == ROWS + 4
    assert last[8] == f"explanation number {ROWS - 1}, typed in the learner's own words"


def test_bulk_insert_is_all_or_nothing(collection: Path) -> None:
    with Store.open(collection) as store:
        pk = pk_of(collection, "attention", "qkv")
        good = next(generated_log([pk], 1))
        bad = ReviewLogEntry(**{**{f: getattr(good, f) for f in good.__dataclass_fields__}, "grade": 9})
        from quizcards.core.errors import StoreError

        with pytest.raises(StoreError):
            store.bulk_insert_reviews([good, good, bad])
    assert scalar(collection, "SELECT count(*) FROM reviews") == 4


# ---- the Anki package ----------------------------------------------------------------------


def read_package(
    path: Path, tmp_path: Path
) -> tuple[list[tuple[str, ...]], dict[int, str], list[tuple[int, str]]]:
    """(notes as guid, tags, fields), deck names by id, and each card's (deck id, note guid)."""
    with zipfile.ZipFile(path) as package:
        assert set(package.namelist()) == {"collection.anki2", "media"}
        package.extract("collection.anki2", tmp_path / path.stem)
    with contextlib.closing(sqlite3.connect(tmp_path / path.stem / "collection.anki2")) as conn:
        notes = conn.execute("SELECT guid, tags, flds FROM notes ORDER BY sfld").fetchall()
        decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        cards = conn.execute("SELECT c.did, n.guid FROM cards c JOIN notes n ON n.id = c.nid").fetchall()
    return notes, {int(k): v["name"] for k, v in decks.items()}, cards


def test_apkg(collection: Path, quiz: Quiz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    target = tmp_path / "out.apkg"
    result = quiz("export", "apkg", target)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote 3 notes in 2 decks to {target}.\n"
    assert list(scratch.iterdir()) == []  # genanki's temporary collection did not stay behind
    notes, decks, cards = read_package(target, tmp_path)
    assert decks[anki_deck_id("attention")] == "Attention (attention)"
    assert decks[anki_deck_id("second")] == "Attention (second)"
    by_guid = {guid: (tags.split(), fields.split("\x1f")) for guid, tags, fields in notes}
    assert set(by_guid) == {
        note_guid("attention", "qkv"),
        note_guid("attention", "scale"),
        note_guid("second", "one"),
    }
    tags, fields = by_guid[note_guid("attention", "qkv")]
    assert tags == ["attention", "multi_word", "nlp", "deep_learning"]
    question, answer, points, source, card = fields
    assert question == "What do Query, Key and Value mean? [red]x"
    assert "<strong>query</strong>" in answer
    assert "<code>key</code>" in answer
    assert "&lt;script&gt;" in answer
    assert "<script>" not in answer
    assert points == "<ul><li>query</li><li>weighted &lt;sum&gt;</li></ul>"
    assert source == "Vaswani et al., 2017"
    assert card == "attention/qkv"
    assert sorted(cards) == sorted(
        [
            (anki_deck_id("attention"), note_guid("attention", "qkv")),
            (anki_deck_id("attention"), note_guid("attention", "scale")),
            (anki_deck_id("second"), note_guid("second", "one")),
        ]
    )


def test_apkg_guids_and_ids_are_stable_across_exports(collection: Path, quiz: Quiz, tmp_path: Path) -> None:
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    assert quiz("export", "apkg", first).exit_code == 0
    assert quiz("export", "apkg", second).exit_code == 0
    notes_a, decks_a, _ = read_package(first, tmp_path)
    notes_b, decks_b, _ = read_package(second, tmp_path)
    assert [n[0] for n in notes_a] == [n[0] for n in notes_b]
    assert decks_a == decks_b
    assert note_guid("attention", "qkv") == note_guid("attention", "qkv") != note_guid("second", "qkv")


def test_apkg_of_one_deck(collection: Path, quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "one.apkg"
    result = quiz("export", "apkg", target, "--deck", "second")
    assert result.stderr == f"Wrote 1 note in 1 deck to {target}.\n"
    notes, decks, _ = read_package(target, tmp_path)
    assert [n[0] for n in notes] == [note_guid("second", "one")]
    assert decks[anki_deck_id("second")] == "Attention"


def test_apkg_refuses_an_empty_database(quiz: Quiz, db_path: Path, tmp_path: Path) -> None:
    Store.open(db_path, create=True).close()
    result = quiz("export", "apkg", tmp_path / "x.apkg")
    assert result.exit_code == 1
    assert result.stderr == "Error: there are no decks to export; import one first (quiz import).\n"
    assert not (tmp_path / "x.apkg").exists()


def test_anki_tags_have_no_spaces_and_no_duplicates() -> None:
    assert anki_tags(["multi word", " a\tb ", "NLP", ""], ["nlp", "x"]) == ["multi_word", "a_b", "NLP", "x"]


def test_export_needs_a_database(quiz: Quiz) -> None:
    result = quiz("export", "cards")
    assert result.exit_code == 1
    assert "no database at" in result.stderr


def test_a_points_other_wordings_in_every_export(
    write_deck: WriteDeck, db_path: Path, quiz: Quiz, tmp_path: Path
) -> None:
    text = DECK.replace(
        "    a: The dot products grow with d_k.\n",
        "    a: Variance grows.\n    points: [[variance, 분산 <v>], grows]\n",
    )
    import_decks(db_path, write_deck("attention.yaml", text))
    records = [json.loads(line) for line in quiz("export", "cards", "-f", "jsonl").stdout.splitlines()]
    assert [record["points"] for record in records] == [
        ["query", "weighted <sum>"],
        [["variance", "분산 <v>"], "grows"],
        [],
    ]
    csv_rows = list(csv.DictReader(io.StringIO(quiz("export", "cards").stdout)))
    assert json.loads(csv_rows[1]["points"]) == [["variance", "분산 <v>"], "grows"]
    target = tmp_path / "out.apkg"
    assert quiz("export", "apkg", target).exit_code == 0
    notes, _, _ = read_package(target, tmp_path)
    fields = {guid: flds.split("\x1f") for guid, _, flds in notes}
    assert fields[note_guid("attention", "scale")][2] == (
        "<ul><li>variance (also: 분산 &lt;v&gt;)</li><li>grows</li></ul>"
    )
    assert fields[note_guid("attention", "qkv")][2] == "<ul><li>query</li><li>weighted &lt;sum&gt;</li></ul>"
