"""Issue 15, item 10: suspending cards (`quiz suspend`/`unsuspend`, the review's ! key) and showing it.

A suspended card is never drawn (due, new, re-drill, the outlook) until it is
unsuspended, and comes back exactly as it was; `cards`, `show`, `stats` and the
exports say so. The review's key and its undo are in test_suspend_terminal.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from quizcards.core.session import NewCardPlan, QueueEntry, Session, SessionFilter, new_cards_owed
from quizcards.store import Store
from quizcards.store.migrations.m004_checked import REVIEW_COLUMNS
from tests.helpers import before_migration, grade, import_decks, pk_of, rows, scalar

Quiz = Callable[..., Result]
TODAY = date(2026, 3, 10)
EVERYTHING = SessionFilter()


@pytest.fixture
def studied(deck_db: Path) -> Path:
    """SMALL_DECK with qkv due today (graded 5 on 03-09, interval 1), scale a re-drill owed today (graded 2
    today), bottleneck new."""
    grade(deck_db, "attention", "qkv", 5, date(2026, 3, 9))
    grade(deck_db, "attention", "scale", 2, TODAY)
    return deck_db


def ids(db: Path, *names: str) -> list[int]:
    return [pk_of(db, "attention", name) for name in names]


# ---- the migration ----------------------------------------------------------------------------


@contextlib.contextmanager
def before_m006() -> Iterator[None]:
    """Inside: quizcards as it was before m006 (whatever migrations came before it)."""
    with before_migration("m006_suspended"):
        yield


def test_m006_upgrades_an_older_database_in_place(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    from tests.conftest import SMALL_DECK

    db = tmp_path / "old.db"
    with before_m006():
        import_decks(db, write_deck("attention.yaml", SMALL_DECK))
        grade(db, "attention", "qkv", 4, date(2026, 3, 8))
    before = rows(db, "SELECT * FROM cards ORDER BY id") + rows(
        db, f"SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id"
    )
    with Store.open(db) as store:
        assert store.due_card_ids(TODAY, EVERYTHING) == ids(db, "qkv")
    after = rows(db, "SELECT * FROM cards ORDER BY id")
    assert [row[:-1] for row in after] + rows(
        db, f"SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id"
    ) == before
    assert [row[-1] for row in after] == [None, None, None]  # suspended_on, added last
    assert list((tmp_path / "backups").glob("old-*-before-m006_suspended.db"))
    assert "suspended_on" in scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'cards_due'")
    with contextlib.closing(sqlite3.connect(db)) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE cards SET suspended_on = '2026-02-30'")  # m004's day rule, as a CHECK


def test_the_due_query_still_reads_the_index_alone(small_store: Store) -> None:
    statements: list[str] = []
    small_store.conn.set_trace_callback(statements.append)
    small_store.due_card_ids(TODAY, EVERYTHING)
    small_store.conn.set_trace_callback(None)
    query = next(sql for sql in statements if "FROM cards c" in sql)
    plan = " ".join(row[3] for row in small_store.conn.execute("EXPLAIN QUERY PLAN " + query))
    assert "COVERING INDEX cards_due" in plan


# ---- the queue --------------------------------------------------------------------------------


def test_the_queue_never_draws_a_suspended_card(studied: Path) -> None:
    qkv, scale, bottleneck = ids(studied, "qkv", "scale", "bottleneck")
    with Store.open(studied) as store:
        assert (store.due_card_ids(TODAY, EVERYTHING), store.redrill_card_ids(TODAY, EVERYTHING)) == (
            [qkv],
            [scale],
        )
        assert store.new_card_ids(TODAY, EVERYTHING, 10) == [bottleneck]
        before = [store.study_card(pk) for pk in (qkv, scale, bottleneck)]
        assert store.suspend_cards([qkv, scale, bottleneck], TODAY) == [qkv, scale, bottleneck]
        assert store.due_card_ids(TODAY, EVERYTHING) == []
        assert store.new_card_ids(TODAY, EVERYTHING, 10) == []
        assert store.redrill_card_ids(TODAY, EVERYTHING) == []
        outlook = store.outlook(date(2026, 3, 1), EVERYTHING)
        assert (outlook.next_due_on, outlook.new_waiting, outlook.due_now) == (None, 0, 0)
        assert [summary.new + summary.due for summary in store.deck_summaries(TODAY)] == [0]
        # Unsuspended, each card is exactly as it was: due, a re-drill owed, new.
        assert store.unsuspend_cards([qkv, scale, bottleneck]) == [qkv, scale, bottleneck]
        assert [store.study_card(pk) for pk in (qkv, scale, bottleneck)] == before
        assert store.due_card_ids(TODAY, EVERYTHING) == [qkv]
        assert store.redrill_card_ids(TODAY, EVERYTHING) == [scale]
        assert store.new_card_ids(TODAY, EVERYTHING, 10) == [bottleneck]


def test_suspending_twice_keeps_the_first_day(small_store: Store) -> None:
    qkv = pk_of(small_store, "attention", "qkv")
    assert small_store.suspend_cards([qkv], date(2026, 3, 1)) == [qkv]
    assert small_store.suspend_cards([qkv], TODAY) == []
    assert small_store.unsuspend_cards([qkv]) == [qkv]
    assert small_store.unsuspend_cards([qkv]) == []


def test_a_reimport_keeps_the_suspension(small_store: Store, write_deck: Callable[..., Path]) -> None:
    from tests.conftest import SMALL_DECK

    qkv = pk_of(small_store, "attention", "qkv")
    small_store.suspend_cards([qkv], TODAY)
    import_decks(small_store, write_deck("attention.yaml", SMALL_DECK.replace("in attention?", "here?")))
    assert small_store.study_card(qkv).question == "What do Query, Key and Value mean here?"
    assert small_store.card_listings(TODAY, suspended_only=True)[0].suspended_on == TODAY


def test_the_session_undoes_a_suspension_like_a_grade() -> None:
    session = Session.from_ids([1, 2], [3, 4], [])
    entry = session.bury(suspend=True)
    assert (entry, session.current, session.position) == (QueueEntry(1, "due"), QueueEntry(2, "due"), 1)
    session.record(5, "scheduled", review_id=10, milliseconds=0)
    assert session.undo() == 10  # the grade first, then the suspension
    assert session.undo() is None
    assert (session.current, session.position, session.remaining().total) == (QueueEntry(1, "due"), 0, 4)
    assert session.undo() is None
    assert session.position == 0


def test_a_suspended_new_card_leaves_its_place_in_the_allowance() -> None:
    session = Session.from_ids([], [3, 4], [])
    plan = NewCardPlan(daily_new=3, selection=EVERYTHING, limit=None)
    entry = session.bury(suspend=True)
    assert new_cards_owed(session, entry, plan, introduced_today=0) == 2  # 3 allowed, 1 still queued


# ---- the commands -----------------------------------------------------------------------------


def suspended(db: Path) -> dict[str, str | None]:
    return dict(rows(db, "SELECT card_id, suspended_on FROM cards ORDER BY id"))


def test_suspend_and_unsuspend_name_what_they_did(quiz: Quiz, studied: Path) -> None:
    result = quiz("suspend", "attention/qkv", "scale")
    assert (result.exit_code, result.stdout) == (0, "Suspended attention/qkv and attention/scale.\n")
    assert suspended(studied) == {"qkv": "2026-03-10", "scale": "2026-03-10", "bottleneck": None}
    result = quiz("suspend", "qkv")
    assert result.stdout == "attention/qkv was already suspended.\n"
    result = quiz("unsuspend", "qkv", "bottleneck")
    assert result.stdout == "Unsuspended attention/qkv.\nattention/bottleneck was not suspended.\n"
    assert suspended(studied) == {"qkv": None, "scale": "2026-03-10", "bottleneck": None}


def test_an_unknown_card_changes_nothing(quiz: Quiz, studied: Path) -> None:
    for args, message in [
        (("qkv", "attention/nope"), "Error: the deck 'attention' has no card 'nope'"),
        (("qkv", "nope"), "Error: there is no card with the id 'nope'"),
        (("qkv", "cnn/pooling"), "Error: there is no deck named 'cnn'"),
        (("--tag", "nope"), "Error: no card or deck has the tag 'nope'"),
        ((), "Error: name the cards to suspend (DECK/ID, e.g. attention/qkv), or a selection"),
    ]:
        result = quiz("suspend", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(message)
        assert result.stderr.count("\n") == 1
    assert set(suspended(studied).values()) == {None}


def test_a_selection_is_counted(quiz: Quiz, studied: Path) -> None:
    assert quiz("suspend", "qkv").exit_code == 0
    result = quiz("suspend", "--deck", "attention")
    assert result.stdout == "Suspended 2 cards.\n1 card was already suspended.\n"
    result = quiz("unsuspend", "--tag", "attention", "--tag", "nlp")  # a card's tag, the deck's tag
    assert result.stdout == "Unsuspended 3 cards.\n"
    assert quiz("unsuspend", "--deck", "attention").stdout == "3 cards were not suspended.\n"


def test_read_commands_show_it_and_never_write(quiz: Quiz, studied: Path) -> None:
    assert quiz("suspend", "qkv").exit_code == 0
    saved = hashlib.sha256(studied.read_bytes()).hexdigest(), studied.stat().st_mtime_ns

    listing = quiz("cards")
    assert listing.exit_code == 0
    line = next(line for line in listing.stdout.splitlines() if "attention/qkv" in line)
    assert line.split()[1:3] == ["suspended", "2026-03-10"]
    assert "3 cards: 1 new, 1 learning, 1 suspended" in listing.stdout
    only = quiz("cards", "--suspended", "--json")
    assert [(card["card_id"], card["state"], card["suspended_on"]) for card in json.loads(only.stdout)] == [
        ("qkv", "learning", "2026-03-10")
    ]
    assert quiz("cards", "--due").stdout.strip() == "No cards are due today."
    shown = quiz("show", "qkv")
    assert "suspended      since 2026-03-10; no session draws it" in shown.stdout
    assert "quiz unsuspend attention/qkv" in shown.stdout
    assert "2026-03-10 (kept while suspended)" in shown.stdout
    assert json.loads(quiz("show", "qkv", "--json").stdout)["suspended_on"] == "2026-03-10"
    assert json.loads(quiz("show", "scale", "--json").stdout)["suspended_on"] is None
    assert quiz("check").exit_code == 0
    assert (hashlib.sha256(studied.read_bytes()).hexdigest(), studied.stat().st_mtime_ns) == saved


def test_stats_count_suspended_cards(quiz: Quiz, studied: Path) -> None:
    assert quiz("suspend", "qkv", "bottleneck").exit_code == 0
    data = json.loads(quiz("stats", "--format", "json").stdout)
    assert (data["decks"][0]["suspended"], data["totals"]["suspended"]) == (2, 2)
    assert (data["decks"][0]["new"], data["decks"][0]["learning"]) == (1, 2)  # they keep their state
    assert data["decks"][0]["due_today"] == 0
    assert data["forecast"]["overdue"] == 0
    csv = quiz("stats", "--format", "csv").stdout
    assert "decks,attention,,,suspended,2" in csv
    assert "totals,,,,suspended,2" in csv
    markdown = quiz("stats", "--format", "markdown").stdout
    assert "| deck | new | learning | mature | retired | due today | suspended |" in markdown
    assert "| attention | 1 | 2 | 0 | 0 | 0 | 2 |" in markdown
    dashboard = quiz("stats").stdout
    assert "suspended" in dashboard.splitlines()[2]
    from quizcards.core.stats.shapes import STATS_JSON_SCHEMA

    assert "suspended" in STATS_JSON_SCHEMA["properties"]["totals"]["required"]


def test_exports_carry_suspended_cards(quiz: Quiz, studied: Path, tmp_path: Path) -> None:
    assert quiz("suspend", "qkv", "bottleneck").exit_code == 0
    exported = quiz("export", "cards", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(row)["suspended_on"] for row in exported] == ["2026-03-10", None, "2026-03-10"]
    for flags in ((), ("--with-schedule",)):
        package = tmp_path / f"deck{len(flags)}.apkg"
        assert quiz("export", "apkg", "-o", package, *flags).exit_code == 0
        with zipfile.ZipFile(package) as archive:
            archive.extract("collection.anki2", tmp_path / package.stem)
        queues = rows(
            tmp_path / package.stem / "collection.anki2",
            "SELECT n.flds, c.type, c.queue FROM cards c JOIN notes n ON n.id = c.nid ORDER BY c.id",
        )
        by_card = {fields.rsplit("\x1f", 1)[1]: (kind, queue) for fields, kind, queue in queues}
        # Anki's suspended queue is -1; the card keeps its type (review with --with-schedule, else new).
        assert by_card == {
            "attention/qkv": (2 if flags else 0, -1),
            "attention/scale": (2 if flags else 0, 2 if flags else 0),
            "attention/bottleneck": (0, -1),
        }


@pytest.mark.parametrize("since", [[], ["--since", "2026-01-01"]], ids=["own-lapses", "since"])
def test_a_suspended_leech_leaves_the_leech_list(quiz: Quiz, deck_db: Path, since: list[str]) -> None:
    for day, value in ((1, 5), (2, 5), (8, 1)):  # learned, then forgotten: one lapse
        grade(deck_db, "attention", "qkv", value, date(2026, 3, day))

    def leeches() -> list[str]:
        data = json.loads(quiz("stats", "--format", "json", *since).stdout)
        return [leech["card_id"] for leech in data["leeches"]]

    assert leeches() == ["qkv"]
    assert quiz("suspend", "qkv").exit_code == 0
    assert leeches() == []
    assert quiz("unsuspend", "qkv").exit_code == 0
    assert leeches() == ["qkv"]
