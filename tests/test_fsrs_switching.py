"""Switching schedulers loses nothing: SM-2's columns stay the log's replay, FSRS's states stay theirs.

Covers issue 17's replay promises (random logs with switches, retention changes, undos, cram and
mock answers), a golden log against py-fsrs's own Scheduler, and `quiz check` / `--repair` under FSRS.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import fsrs as py_fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from quizcards.core.scheduler import Grade, PracticeKind
from quizcards.core.session import SessionFilter, grading
from quizcards.store import Store
from tests.conftest import SMALL_DECK
from tests.helpers import examples, fsrs_states_out_of_date, grade, import_decks, pk_of, rows, scalar

START = date(2026, 3, 1)
CARDS = ("qkv", "scale", "bottleneck")
EVERYONE = SessionFilter()


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import textwrap

    path = tmp_path_factory.mktemp("switching") / "attention.yaml"
    path.write_text(textwrap.dedent(SMALL_DECK).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def template(deck_file: Path) -> Iterator[Store]:
    """The deck imported into a migrated in-memory store once; each example starts from a copy."""
    with Store.memory() as store:
        import_decks(store, deck_file)
        yield store


def copy_of(template: Store) -> Store:
    """A fresh in-memory store holding what the template holds (migrating one costs 50 ms)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    template.conn.backup(conn)
    store = Store(conn, None)
    store._configure(wal=False)
    return store


def table(store: Store, name: str) -> list[tuple[object, ...]]:
    """A table's rows without the identities made at random (each store gives reviews their own UUIDs)."""
    random = {"uuid", "undo_uuid"}
    columns = [row[1] for row in store.conn.execute(f"PRAGMA table_info({name})") if row[1] not in random]
    return [tuple(row) for row in store.conn.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY 1")]


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def practise(store: Store, pk: int, value: int, kind: str, day: date) -> str:
    assert kind in ("cram", "mock")
    practice_kind: PracticeKind = "cram" if kind == "cram" else "mock"
    recorded = store.record_practice(
        pk, Grade(value), practice_kind, reviewed_on=day, reviewed_at=at(day), explanation="", duration_ms=0
    )
    return recorded.uuid  # what an undo names: an undo may give the card's other rows new ids


def assert_in_step(store: Store) -> None:
    """SM-2's columns are the log's replay; under FSRS every state row is its replay, and only then."""
    check = store.check_schedules()
    assert check.drifts == ()
    assert check.unreadable == ()
    if store.collection_settings().scheduler == "fsrs":
        assert fsrs_states_out_of_date(store) == []
        assert check.fsrs is not None
        assert check.fsrs.problems == 0
    else:
        assert check.fsrs is None


# ---------------------------------------------------------------- random logs


# (action, what, grade, days to move on after it); grades and undos come up most often
grades = st.tuples(st.just("grade"), st.integers(0, 2), st.integers(0, 5), st.sampled_from([0, 0, 1, 2, 5]))
undos = st.tuples(st.just("undo"), st.integers(0, 30), st.just(0), st.just(0))
steps = st.lists(
    st.one_of(
        grades,
        grades,
        undos,
        st.tuples(st.sampled_from(["cram", "mock"]), st.integers(0, 2), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("switch"), st.sampled_from(["fsrs", "sm2"]), st.just(0), st.just(0)),
        st.tuples(st.just("retention"), st.sampled_from([0.8, 0.9, 0.95]), st.just(0), st.just(0)),
    ),
    max_size=14,
)


@settings(max_examples=examples(40), deadline=None)
@given(start=st.sampled_from(["fsrs", "sm2"]), script=steps)
def test_any_log_with_switches_keeps_both_schedulers_equal_to_their_replay(
    template: Store, start: str, script: list[tuple[str, object, int, int]]
) -> None:
    with copy_of(template) as store, copy_of(template) as plain:
        # plain gets the same grades and undos, never switched: SM-2 alone
        store.set_setting("scheduler", start)
        pks = [pk_of(store, "attention", card) for card in CARDS]
        logged: list[tuple[str, str]] = []  # each review's UUID in store and in plain
        day = START
        for action, what, value, advance in script:
            if action == "grade":
                pk = pks[int(str(what))]
                recorded = store.record_review(
                    pk, grading(value, day), reviewed_at=at(day), explanation="", duration_ms=0
                )
                twin = plain.record_review(
                    pk, grading(value, day), reviewed_at=at(day), explanation="", duration_ms=0
                )
                logged.append((recorded.uuid, twin.uuid))
                if store.collection_settings().scheduler == "fsrs":
                    assert recorded.fsrs == store.fsrs_state(pk)
                else:  # SM-2 leaves the state rows alone (stale, until FSRS is switched on again)
                    assert recorded.fsrs is None
                if value < 4:  # (d) the failed card comes back this session, whichever scheduler
                    assert pk in store.redrill_card_ids(day, EVERYONE)
                day += timedelta(days=advance)
            elif action in ("cram", "mock"):
                pk = pks[int(str(what))]
                before = (table(store, "cards"), table(store, "fsrs_states"))
                logged.append(
                    (practise(store, pk, value, action, day), practise(plain, pk, value, action, day))
                )
                # (c) a practice answer moves neither scheduler
                assert (table(store, "cards"), table(store, "fsrs_states")) == before
            elif action == "undo":
                if not logged:
                    continue
                in_store, in_plain = logged.pop(int(str(what)) % len(logged))
                store.undo_review(in_store)
                plain.undo_review(in_plain)
            else:
                name = "scheduler" if action == "switch" else "desired_retention"
                before_cards = table(store, "cards")
                store.set_setting(name, what)  # type: ignore[arg-type]
                assert table(store, "cards") == before_cards  # a switch never touches SM-2's columns
            assert_in_step(store)  # (b) after every step
        # (a) whatever was switched on the way, SM-2's cards and the log are the never-switched ones
        assert table(store, "cards") == table(plain, "cards")
        assert table(store, "reviews") == table(plain, "reviews")
        sm2_cards = table(store, "cards")
        store.set_setting("scheduler", "fsrs")
        store.set_setting("scheduler", "sm2")
        assert table(store, "cards") == sm2_cards
        assert store.check_schedules().drifts == ()


# ---------------------------------------------------------------- a golden log against py-fsrs itself


def py_fsrs_due(history: list[tuple[date, int]], retention: float) -> date:
    scheduler = py_fsrs.Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    ratings = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
    card = py_fsrs.Card(card_id=1, due=datetime.combine(history[0][0], time(0), tzinfo=UTC))
    for day, value in history:
        moment = datetime.combine(day, time(0), tzinfo=UTC)
        card = scheduler.review_card(card, py_fsrs.Rating(ratings[value]), moment)[0]
    return card.due.date()


GOLDEN = {
    # card: (days after START, grade); a same-day second grade is a re-drill, a practice answer is skipped
    "qkv": [(0, 4), (3, 4), (11, 5), (40, 3)],
    "scale": [(0, 2), (0, 4), (1, 4), (5, 1), (5, 3), (6, 4)],
    "bottleneck": [(0, 5), (20, 0), (20, 4), (21, 5)],
}


@pytest.mark.parametrize("retention", [0.9, 0.85])
def test_a_known_log_gets_py_fsrs_own_due_days(deck_file: Path, retention: float) -> None:
    with Store.memory() as store:
        import_decks(store, deck_file)
        for card, history in GOLDEN.items():
            for offset, value in history:
                day = START + timedelta(days=offset)
                grade(store, "attention", card, value, day)
                practise(store, pk_of(store, "attention", card), 0, "cram", day)  # never replayed
        store.set_setting("desired_retention", retention)
        store.set_setting("scheduler", "fsrs")
        for card, history in GOLDEN.items():
            expected = py_fsrs_due([(START + timedelta(days=d), g) for d, g in history], retention)
            state = store.fsrs_state(pk_of(store, "attention", card))
            assert state is not None, card
            assert state.due_on == expected, card
        # the kinds the log holds: the session's re-drills are there, and replayed
        kinds = [row[0] for row in store.conn.execute("SELECT kind FROM reviews WHERE card = 2 ORDER BY id")]
        assert kinds.count("redrill") == 2
        assert kinds.count("cram") == 6


# ---------------------------------------------------------------- undo, practice and re-import under FSRS


@pytest.fixture
def fsrs_store(small_store: Store) -> Store:
    grade(small_store, "attention", "qkv", 4, START)
    grade(small_store, "attention", "scale", 1, START)
    assert small_store.set_setting("scheduler", "fsrs") == 2
    return small_store


def test_undo_under_fsrs_gives_back_the_state_before_the_grade(fsrs_store: Store) -> None:
    pk = pk_of(fsrs_store, "attention", "qkv")
    before = fsrs_store.fsrs_state(pk)
    later = START + timedelta(days=4)
    recorded = fsrs_store.record_review(
        pk, grading(5, later), reviewed_at=at(later), explanation="", duration_ms=0
    )
    assert recorded.fsrs is not None
    assert recorded.fsrs != before
    redrill = fsrs_store.record_review(
        pk, grading(1, later), reviewed_at=at(later), explanation="", duration_ms=0
    )
    assert redrill.kind == "redrill"
    assert redrill.fsrs != recorded.fsrs
    fsrs_store.undo_review(redrill.review_id)
    assert fsrs_store.fsrs_state(pk) == recorded.fsrs
    fsrs_store.undo_review(recorded.review_id)
    assert fsrs_store.fsrs_state(pk) == before
    first = int(fsrs_store.conn.execute("SELECT id FROM reviews WHERE card = ?", [pk]).fetchone()[0])
    fsrs_store.undo_review(first)  # its only grade: the card is new again, and has no state
    assert fsrs_store.fsrs_state(pk) is None
    assert_in_step(fsrs_store)


@pytest.mark.parametrize("kind", ["cram", "mock"])
def test_practice_and_its_undo_move_no_fsrs_state(fsrs_store: Store, kind: str) -> None:
    states = table(fsrs_store, "fsrs_states")
    ids = [
        practise(fsrs_store, pk_of(fsrs_store, "attention", card), value, kind, START + timedelta(days=2))
        for card in CARDS
        for value in (0, 5)
    ]
    assert table(fsrs_store, "fsrs_states") == states
    for review_id in ids:
        fsrs_store.undo_review(review_id)
    assert table(fsrs_store, "fsrs_states") == states
    assert_in_step(fsrs_store)


def test_a_reimport_that_retires_and_restores_a_card_keeps_its_fsrs_state(
    fsrs_store: Store, write_deck: Callable[..., Path]
) -> None:
    import textwrap

    full = textwrap.dedent(SMALL_DECK).lstrip("\n")
    without_scale = full.replace("  - id: scale", "  - id: _gone", 1).split("  - id: _gone")[0]
    without_scale += "  - id: bottleneck" + full.split("  - id: bottleneck", 1)[1]
    states = table(fsrs_store, "fsrs_states")
    import_decks(fsrs_store, write_deck("attention.yaml", without_scale))
    assert scalar_of(fsrs_store, "SELECT retired FROM cards WHERE card_id = 'scale'") == 1
    assert table(fsrs_store, "fsrs_states") == states
    assert_in_step(fsrs_store)
    import_decks(fsrs_store, write_deck("attention.yaml", full))
    assert scalar_of(fsrs_store, "SELECT retired FROM cards WHERE card_id = 'scale'") == 0
    assert table(fsrs_store, "fsrs_states") == states
    assert_in_step(fsrs_store)


def scalar_of(store: Store, sql: str) -> object:
    return store.conn.execute(sql).fetchone()[0]


# ---------------------------------------------------------------- quiz check under FSRS


def check_lines(result: Result) -> list[str]:
    return [line.strip() for line in result.stdout.splitlines()][1:]


def said(result: Result) -> str:
    """The output as one line: a long finding wraps at the terminal's width, between words."""
    return " ".join(result.stdout.split())


def test_check_under_fsrs_names_each_kind_of_wrong_state_and_repair_rebuilds_them(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    grade(deck_db, "attention", "qkv", 4, START)
    grade(deck_db, "attention", "scale", 2, START)
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    result = quiz("check")
    assert result.exit_code == 0, result.output
    assert "✓ FSRS states: 2 cards match their replay" in result.stdout
    with sqlite3.connect(deck_db) as conn:
        scale, bottleneck = pk_of(deck_db, "attention", "scale"), pk_of(deck_db, "attention", "bottleneck")
        conn.execute(
            "UPDATE fsrs_states SET due_on = '2030-01-01' WHERE card = ?",
            [pk_of(deck_db, "attention", "qkv")],
        )
        conn.execute("DELETE FROM fsrs_states WHERE card = ?", [scale])
        conn.execute("INSERT INTO fsrs_states VALUES (?, 1.5, 5.0, '2026-03-01', '2026-03-04')", [bottleneck])
    conn.close()
    before = rows(deck_db, "SELECT * FROM fsrs_states ORDER BY card")
    result = quiz("check")
    assert result.exit_code == 1
    assert check_lines(result) == [
        "✓ SQLite integrity and foreign keys: ok",
        "✓ schedules: 3 cards match their log (2 scheduled reviews replayed)",
        "✗ FSRS states: 1 card differs from its replay: attention/qkv",
        "✗ FSRS states: 1 reviewed card has no state: attention/scale",
        "✗ FSRS states: 1 card with nothing to replay has a state: attention/bottleneck",
        "Run quiz check --repair to rebuild them from the log (a backup is taken first).",
    ]
    assert rows(deck_db, "SELECT * FROM fsrs_states ORDER BY card") == before  # checking changes nothing

    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    backup = deck_db.parent / "backups" / "quiz-20260310-090000-before-repair.db"
    assert check_lines(result)[2:] == [
        "✓ FSRS states: 1 card differed from its replay: attention/qkv",
        "✓ FSRS states: 1 reviewed card had no state: attention/scale",
        "✓ FSRS states: 1 card with nothing to replay had a state: attention/bottleneck",
        f"Rebuilt the FSRS state of 3 cards from the review log; the database as it was is in {backup}.",
    ]
    assert rows(backup, "SELECT * FROM fsrs_states ORDER BY card") == before
    with Store.open(deck_db) as store:
        assert fsrs_states_out_of_date(store) == []
        assert scalar(deck_db, "SELECT count(*) FROM fsrs_states") == 2


def test_check_lists_the_first_few_cards_of_a_kind_and_repairs_both_schedulers_in_one_run(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    for card in CARDS:
        grade(deck_db, "attention", card, 4, START)
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    with sqlite3.connect(deck_db) as conn:
        conn.execute("UPDATE fsrs_states SET stability = stability * 2")
        conn.execute("UPDATE cards SET reviews = 7 WHERE card_id = 'qkv'")
    conn.close()
    with Store.open(deck_db) as store:
        out_of_date = fsrs_states_out_of_date(store)
        assert set(store.check_schedules().fsrs.pks) == {  # type: ignore[union-attr]
            pk_of(deck_db, deck, card) for deck, card in out_of_date
        }
    result = quiz("check")
    assert result.exit_code == 1
    listed = "attention/qkv, attention/scale, attention/bottleneck"
    assert f"✗ FSRS states: 3 cards differ from their replay: {listed}" in said(result)
    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    assert "Repaired 1 card from the review log; the database as it was is in " in result.stdout
    assert "Rebuilt the FSRS state of 3 cards from the review log." in result.stdout
    assert quiz("check").exit_code == 0


def test_check_under_sm2_ignores_stale_fsrs_states(deck_db: Path, quiz: Callable[..., Result]) -> None:
    grade(deck_db, "attention", "qkv", 4, START)
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    assert quiz("config", "scheduler", "sm2").exit_code == 0
    grade(deck_db, "attention", "qkv", 5, START + timedelta(days=1))  # the state row is now stale
    with sqlite3.connect(deck_db) as conn:
        conn.execute("UPDATE fsrs_states SET due_on = '2031-01-01'")
    conn.close()
    result = quiz("check")
    assert result.exit_code == 0, result.output
    assert "FSRS" not in result.stdout
    assert quiz("config", "scheduler", "fsrs").exit_code == 0  # the switch rebuilds it
    result = quiz("check")
    assert result.exit_code == 0, result.output
    assert "✓ FSRS states: 1 card matches its replay" in result.stdout


def test_check_without_the_fsrs_extra_says_so_in_one_line(
    deck_db: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    grade(deck_db, "attention", "qkv", 4, START)
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    monkeypatch.setitem(sys.modules, "fsrs", None)  # a None entry makes `import fsrs` fail
    result = quiz("check")
    assert result.exit_code == 1
    assert check_lines(result)[1].startswith("✓ schedules: ")
    assert said(result).endswith(
        "✓ schedules: 3 cards match their log (1 scheduled review replayed) "
        "✗ FSRS states: not checked: FSRS needs the optional fsrs extra, which is not installed: "
        "pip install 'quizcards[fsrs]'."
    )
    assert result.stderr == ""


def test_a_history_brought_in_under_fsrs_is_found_and_rebuilt(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    """bulk_insert_reviews writes the log only: check finds the states it leaves, --repair rebuilds them."""
    from dataclasses import fields

    from quizcards.store.reviews import ReviewLogEntry

    grade(deck_db, "attention", "qkv", 4, START)
    names = [field.name for field in fields(ReviewLogEntry) if field.name != "uuid"]
    logged = rows(deck_db, f"SELECT {', '.join(names)} FROM reviews")
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    with Store.open(deck_db) as store:
        pk = pk_of(store, "attention", "scale")
        store.bulk_insert_reviews(ReviewLogEntry(*row) for row in logged)
        store.bulk_insert_reviews([ReviewLogEntry(pk, *logged[0][1:])])
    result = quiz("check")
    assert result.exit_code == 1
    assert "✗ FSRS states: 1 card differs from its replay: attention/qkv" in result.stdout
    assert "✗ FSRS states: 1 reviewed card has no state: attention/scale" in result.stdout
    assert quiz("check", "--repair").exit_code == 0
    assert quiz("check").exit_code == 0


def test_check_with_a_damaged_setting_says_so_and_still_checks_the_schedules(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    grade(deck_db, "attention", "qkv", 4, START)
    with sqlite3.connect(deck_db) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")  # m008's CHECK refuses such a write
        conn.execute("INSERT INTO settings (name, value) VALUES ('desired_retention', 3.0)")
    conn.close()
    result = quiz("check")
    assert result.exit_code == 1
    assert said(result).endswith(
        "✓ schedules: 3 cards match their log (1 scheduled review replayed) "
        f"✗ FSRS states: not checked: {deck_db} holds a damaged setting (The desired retention must be a "
        "number from 0.70 to 0.99, not 3.0.); set it again with `quiz config NAME VALUE`."
    )
