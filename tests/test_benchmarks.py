"""The benchmark script runs end to end at tiny sizes; the fast paths it measures agree with the plain ones.

No timing is asserted anywhere: these check that benchmarks/bench.py still
works (it drives the installed command) and that what it builds is sound.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizcards.adapters.writers import write_csv, write_csv_batches
from quizcards.core.export.records import REVIEW_FIELDS, review_record, review_value_rows
from quizcards.store import Store
from quizcards.store.reviews import ReviewLogEntry

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402
from generate import CollectionSpec, build_collection  # noqa: E402

QUIZ = Path(sys.executable).with_name("quiz")

TINY = [
    "--cards", "40", "--decks", "2", "--reviews", "300", "--days", "30", "--deck-cards", "20",
    "--runs", "1", "--startup-runs", "1", "--warmup", "0",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="peak memory is read from /proc and GNU time")
def test_the_benchmark_runs_at_tiny_sizes_and_writes_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out" / "results.json"
    assert (
        bench.main(
            [*TINY, "--cache-dir", str(tmp_path / "cache"), "--output", str(output), "--quiz", str(QUIZ)]
        )
        == 0
    )
    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["format"] == "quizcards-benchmark"
    assert results["collection"]["cards"] == 40
    assert 0 < results["collection"]["reviews"] <= 300  # a small deck runs out of work sooner
    expected = {
        "python", "floor_help", "quiz_help", "floor_echo", "floor_rich", "review_tiny", "review_big",
        "review_big_first", "review_big_away", "parse", "import_fresh", "import_again", "stats_tiny",
        "stats_big", "export_tiny", "export_all", "export_deck",
    }  # fmt: skip
    assert set(results["measures"]) == expected
    for name, figure in results["measures"].items():
        assert figure["runs"] == 1, name
        assert figure["median_s"] > 0, name
        assert figure["peak_rss_mb"] is None or figure["peak_rss_mb"] > 1, name
    assert {t["figure"] for t in results["targets"]} >= {
        "quiz_help",
        "review_big",
        "import_fresh",
        "export_all",
    }
    assert all(isinstance(t["met"], bool) for t in results["targets"])
    assert any("cards_lapses" in " ".join(p["plan"]) for p in results["query_plans"])
    shown = capsys.readouterr().out
    assert "targets" in shown
    assert "quiz review, large collection" in shown
    # The inputs are cached for the next run, under the generator's version.
    assert list((tmp_path / "cache").glob("collection-v*-40c-2d-300r-*.db"))


def test_the_generated_collection_is_what_quiz_check_expects(tmp_path: Path) -> None:
    db = tmp_path / "collection.db"
    spec = CollectionSpec(cards=30, decks=3, reviews=100, days=60)
    summary = build_collection(db, spec)
    assert (summary.cards, summary.decks, summary.reviews) == (30, 3, 100)
    assert summary.last_day < spec.today
    with Store.open(db, mode="read") as store:
        check = store.check_schedules()
        assert (check.drifts, check.unreadable) == ((), ())
        assert [d.slug for d in store.deck_summaries(spec.today)] == ["bench-01", "bench-02", "bench-03"]
        kinds = {row[REVIEW_FIELDS.index("kind")] for row in store.iter_review_rows()}
        assert kinds == {"scheduled", "redrill"}


# ---- the fast CSV of the review log ------------------------------------------------------------

AWKWARD_TEXTS = [
    "",
    "plain",
    "a, comma",
    'a "quote"',
    "two\nlines",
    "carriage\rreturn",
    "crlf\r\nend",
    "nul\x00inside, and more",
    "한국어 설명, 쉼표",
    "trailing space ",
    '"',
    ",",
    "\u202ebidi",
]


def entries(pk: int, texts: list[str]) -> list[ReviewLogEntry]:
    rows = []
    for index, text in enumerate(texts):
        rows.append(
            ReviewLogEntry(
                card=pk,
                reviewed_at=f"2026-03-{index % 9 + 1:02d}T09:00:00.{index:03d}Z",
                reviewed_on=f"2026-03-{index % 9 + 1:02d}",
                grade=index % 6,
                kind="scheduled" if index % 3 else "redrill",
                explanation=text,
                duration_ms=index * 1000,
                repetitions_before=index,
                interval_before=index * 3,
                easiness_before=[130, 250, 300, 205, 1000, 0, 1234567][index % 7],
                due_before=None if index % 4 == 0 else "2026-03-01",
                repetitions_after=index + 1,
                interval_after=index * 3 + 1,
                easiness_after=[250, 130, 310, 100, 99, 5, 2800][index % 7],
                due_after=None if index % 5 == 0 else "2026-04-01",
            )
        )
    return rows


AWKWARD_DECK = """
deck: awkward
title: Awkward
cards:
  - id: comma
    q: 'What, "exactly"?'
    a: Text.
  - id: lines
    q: "Line\\none"
    a: Text.
  - id: plain
    q: Plain question
    a: Text.
"""


def awkward_store(tmp_path: Path) -> Store:
    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.importing import plan_deck_import

    deck_file = tmp_path / "awkward.yaml"
    deck_file.write_text(AWKWARD_DECK, encoding="utf-8")
    loaded = load_deck_paths([deck_file])
    assert not loaded.errors
    store = Store.open(tmp_path / "awkward.db", create=True)
    plans = [plan_deck_import(d, store.stored_deck(d.slug), store.stored_cards(d.slug)) for d in loaded.decks]
    store.apply_import(plans, datetime(2026, 3, 1, tzinfo=UTC))
    return store


def test_the_review_csv_written_in_batches_is_the_record_by_record_output_byte_for_byte(
    tmp_path: Path,
) -> None:
    def fast_csv(deck: str | None, out: io.StringIO) -> int:
        batches = (review_value_rows(batch) for batch in store.iter_review_batches(deck))
        return write_csv_batches(batches, REVIEW_FIELDS, out)

    with awkward_store(tmp_path) as store:
        pks = sorted(card.pk for card in store.stored_cards("awkward").values())
        for pk in pks:
            store.bulk_insert_reviews(entries(pk, AWKWARD_TEXTS))
        plain = io.StringIO(newline="")
        write_csv((review_record(row) for row in store.iter_review_rows()), REVIEW_FIELDS, plain)
        fast = io.StringIO(newline="")
        rows = fast_csv(None, fast)
        one_deck = io.StringIO(newline="")
        fast_csv("awkward", one_deck)
        no_deck = io.StringIO(newline="")
        assert fast_csv("absent", no_deck) == 0
    assert rows == 3 * len(AWKWARD_TEXTS)
    assert fast.getvalue() == plain.getvalue() == one_deck.getvalue()
    parsed = list(csv.reader(io.StringIO(fast.getvalue(), newline="")))
    assert [row[REVIEW_FIELDS.index("explanation")] for row in parsed[1:]] == AWKWARD_TEXTS * 3
    assert {row[REVIEW_FIELDS.index("question")] for row in parsed[1:]} == {
        'What, "exactly"?',
        "Line\none",
        "Plain question",
    }
    assert [row[REVIEW_FIELDS.index("easiness_before")] for row in parsed[1:8]] == [
        "1.3", "2.5", "3.0", "2.05", "10.0", "0.0", "12345.67",
    ]  # fmt: skip
    assert no_deck.getvalue() == ",".join(REVIEW_FIELDS) + "\r\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reviewed_at", "2026-03-10 09:00"),
        ("reviewed_on", "2026-02-30"),
        ("due_after", "10 March"),
        ("grade", 6),
        ("kind", "drill"),
        ("duration_ms", -1),
        ("easiness_before", 2.5),
        ("interval_after", True),
    ],
)
def test_bulk_insert_refuses_what_quizcards_would_never_write(
    field: str, value: object, tmp_path: Path
) -> None:
    from quizcards.core.errors import StoreError

    with awkward_store(tmp_path) as store:
        good = entries(min(card.pk for card in store.stored_cards("awkward").values()), ["x"])[0]
        store.bulk_insert_reviews([good])
        bad = ReviewLogEntry(**{**{f: getattr(good, f) for f in good.__dataclass_fields__}, field: value})
        with pytest.raises(StoreError, match=f"review log entry 2 cannot be added: {field} "):
            store.bulk_insert_reviews([good, bad])
        assert len(list(store.iter_review_rows())) == 1  # all or nothing: the good one before it is not added
