"""Issue 18's evidence: two and three databases syncing through one folder converge, whatever the order.

Each device is a database file in tmp_path, all importing the same deck file (SMALL_DECK); each
`quiz sync` runs in-process with QUIZCARDS_NOW fixing that device's clock. "Converged" means every
device holds the same review log (by UUID, in the same order, with the same kinds and schedules),
the same schedule columns on every card, a log whose row ids follow (day, time, UUID), and a clean
`quiz check`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from quizcards.core.days import iso_day
from quizcards.core.scheduler import NEW, Grade, review
from quizcards.store import Store
from tests.conftest import SMALL_DECK, Restore, deck_writer
from tests.helpers import (
    before_migration,
    examples,
    fsrs_states_out_of_date,
    grade,
    import_decks,
    pk_of,
    rows,
)

DECK = "attention"
CARDS = ("qkv", "scale", "bottleneck")
DAY = date(2026, 3, 10)

LOG = """
    SELECT c.deck, c.card_id, r.uuid, r.reviewed_at, r.reviewed_on, r.grade, r.kind, r.explanation,
        r.duration_ms, r.repetitions_before, r.interval_before, r.easiness_before, r.due_before,
        r.repetitions_after, r.interval_after, r.easiness_after, r.due_after
    FROM reviews r JOIN cards c ON c.id = r.card ORDER BY c.deck, c.card_id, r.id
"""
SCHEDULES = """
    SELECT deck, card_id, repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews,
        last_reviewed_on, introduced_on, suspended_on, buried_on
    FROM cards ORDER BY deck, card_id
"""
OTHER_DECK = """
deck: extra
title: Extra
cards:
  - id: only
    q: A card only one device has?
    a: Yes.
  - id: second
    q: Another one?
    a: Yes.
"""


def build_devices(folder: Path) -> None:
    import_decks(folder / "quiz.db", deck_writer(folder)("attention.yaml", SMALL_DECK))


class Device:
    """One machine: its database, its clock, and `quiz` run against it."""

    def __init__(self, name: str, db: Path, run: Callable[..., Result], patch: pytest.MonkeyPatch) -> None:
        self.name, self.db, self._run, self._patch = name, db, run, patch

    def quiz(self, *args: str | Path, now: datetime | None = None) -> Result:
        moment = now or datetime.combine(DAY, time(20), tzinfo=UTC)
        self._patch.setenv("QUIZCARDS_NOW", moment.isoformat())
        return self._run(*args, db=self.db)

    def sync(self, *args: str | Path, now: datetime | None = None) -> dict[str, Any]:
        """`quiz sync --json ARGS` (the folder and --name given the first time by the caller); its JSON."""
        result = self.quiz("sync", "--json", *args, now=now)
        assert result.exit_code == 0, result.stderr
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def grade(self, card: str, value: int, day: date = DAY, hour: int = 9, minute: int = 0) -> None:
        grade(self.db, DECK, card, value, day, at=time(hour, minute, tzinfo=UTC))

    def uuid_of(self, card: str, day: date = DAY, hour: int = 9, minute: int = 0) -> str:
        moment = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00.000Z"
        found = rows(
            self.db,
            "SELECT r.uuid FROM reviews r JOIN cards c ON c.id = r.card "
            "WHERE c.card_id = ? AND r.reviewed_at = ?",
            [card, moment],
        )
        assert len(found) == 1, found
        return str(found[0][0])

    def log(self) -> list[tuple[Any, ...]]:
        return rows(self.db, LOG)

    def schedules(self) -> list[tuple[Any, ...]]:
        return rows(self.db, SCHEDULES)

    def kinds(self, card: str) -> list[tuple[str, str]]:
        """(reviewed_at, kind) of one card's log, in id order."""
        return [(row[3], row[6]) for row in self.log() if row[1] == card]


@pytest.fixture
def devices(
    restore: Restore, tmp_path: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Callable[[int], list[Device]]:
    """devices(n): n databases holding SMALL_DECK (copies made before any sync, so each gets its own
    identity at its first sync) and their shared folder `sync` beside them."""
    template = restore(build_devices)
    runs = itertools.count()

    def make(count: int) -> list[Device]:
        # a folder of its own per call: a hypothesis test calls it once per example
        folder = tmp_path / f"run{next(runs)}"
        (folder / "sync").mkdir(parents=True)
        made = []
        for name in "abc"[:count]:
            db = folder / f"{name}.db"
            shutil.copyfile(template, db)
            made.append(Device(name, db, quiz, monkeypatch))
        return made

    return make


def first_sync(*devices: Device, now: datetime | None = None) -> list[dict[str, Any]]:
    return [device.sync(device.db.parent / "sync", "--name", device.name, now=now) for device in devices]


def assert_converged(*devices: Device, cli: bool = False) -> None:
    """Same log, same schedules, id order is (day, time, UUID) order, and a clean check: `quiz check`
    itself with cli, else its two parts through the store (a CLI call costs as much as a sync)."""
    first = devices[0]
    log, schedules = first.log(), first.schedules()
    for device in devices:
        assert device.log() == log, device.name
        assert device.schedules() == schedules, device.name
        for card in {(row[0], row[1]) for row in log}:
            held = [(row[4], row[3], row[2]) for row in log if (row[0], row[1]) == card]
            assert held == sorted(held), card
        if cli:
            result = device.quiz("check")
            assert result.exit_code == 0, (device.name, result.stdout, result.stderr)
            continue
        with Store.open(device.db) as store:
            assert store.integrity_problems() == [], device.name
            check = store.check_schedules()
            assert (check.drifts, check.unreadable) == ((), ()), device.name
            assert fsrs_states_out_of_date(store) == [], device.name


def schedule_of(value: int) -> tuple[int, int, int, str | None]:
    """The schedule columns a new card has after one scheduled grade on DAY."""
    after = review(NEW, Grade(value), DAY)[0]
    return (after.repetitions, after.interval_days, after.easiness_hundredths, iso_day(after.due_on))


def day(n: int) -> date:
    return DAY + timedelta(days=n)


def evening(n: int = 0) -> datetime:
    return datetime.combine(day(n), time(20), tzinfo=UTC)


# ---- 1. two devices, interleaved, alternating order; a second sync applies nothing ---------------


def test_two_devices_interleaved_over_several_days_converge_and_a_second_sync_is_idempotent(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    plan = [
        [(a, "qkv", 4, 9), (b, "qkv", 3, 10), (b, "scale", 5, 11)],
        [(a, "scale", 2, 8), (b, "bottleneck", 4, 9), (a, "qkv", 5, 12)],
        [(b, "qkv", 1, 7), (a, "qkv", 4, 8), (a, "bottleneck", 3, 9), (b, "scale", 4, 10)],
        [(a, "qkv", 5, 9), (b, "qkv", 5, 9)],
    ]
    for n, grades in enumerate(plan):
        for device, card, value, hour in grades:
            device.grade(card, value, day(n), hour, minute=1 if device is b else 0)
        order = (a, b) if n % 2 == 0 else (b, a)
        for device in order:
            device.sync(now=evening(n))
    order[0].sync(now=evening(3))  # the last day's first syncer takes in the other's last entries
    assert_converged(a, b)
    assert len(a.log()) == 12
    for device in (a, b):
        again = device.sync(now=evening(4))
        assert (again["sent"], again["received"], again["reviews"], again["cards_updated"]) == (0, 0, 0, 0)
    assert_converged(a, b, cli=True)


# ---- 2. three devices, every order -------------------------------------------------------------


# One order in the fast tier; the other five in the full suite (each costs a dozen syncs).
ORDERS = [
    pytest.param(order, marks=() if order == (0, 1, 2) else pytest.mark.slow)
    for order in itertools.permutations(range(3))
]


@pytest.mark.parametrize("order", ORDERS, ids=str)
def test_three_devices_converge_in_every_order_and_the_earliest_same_day_review_is_scheduled(
    devices: Callable[[int], list[Device]], order: tuple[int, int, int]
) -> None:
    trio = devices(3)
    a, b, c = trio
    first_sync(*trio)
    # day 0: qkv on all three (c earliest, then a, then b); scale on a and b
    c.grade("qkv", 3, hour=8)
    a.grade("qkv", 5, hour=9)
    b.grade("qkv", 4, hour=10)
    a.grade("scale", 4, hour=11)
    b.grade("scale", 2, hour=7)
    # day 1: a reviews bottleneck, b and c review it the same day too
    a.grade("bottleneck", 4, day(1), hour=12)
    b.grade("bottleneck", 1, day(1), hour=6)
    c.grade("bottleneck", 5, day(1), hour=6, minute=30)
    for _ in range(2):
        for index in order:
            trio[index].sync(now=evening(1))
    assert_converged(*trio)
    for device in trio:
        assert [kind for _, kind in device.kinds("qkv")] == ["scheduled", "redrill", "redrill"]
        assert device.kinds("qkv")[0][0] == "2026-03-10T08:00:00.000Z"
        assert device.kinds("scale") == [
            ("2026-03-10T07:00:00.000Z", "scheduled"),
            ("2026-03-10T11:00:00.000Z", "redrill"),
        ]
        assert [kind for _, kind in device.kinds("bottleneck")] == ["scheduled", "redrill", "redrill"]
    # qkv's schedule is c's grade 3's alone
    assert {row[2:6] for row in a.schedules() if row[1] == "qkv"} == {schedule_of(3)}


# ---- 3. undo -------------------------------------------------------------------------------------


def test_a_review_undone_after_it_was_synced_is_gone_everywhere(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b, c = devices(3)
    first_sync(a, b, c)
    a.grade("qkv", 4)
    a.grade("scale", 5)
    for device in (a, b, c):
        device.sync()
    uuid = a.uuid_of("qkv")
    assert any(row[2] == uuid for row in c.log())
    with Store.open(a.db) as store:
        store.undo_review(uuid, undone_at=evening())
    report = a.sync()
    assert report["sent"] == 1
    assert b.sync()["undone"] == 1
    assert c.sync()["undone"] == 1
    assert_converged(a, b, c, cli=True)
    assert all(row[1] != "qkv" for row in a.log())
    assert [row[2:4] for row in b.schedules() if row[1] == "qkv"] == [(0, 0)]


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_review_undone_before_it_was_synced_never_reaches_anyone(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    a.grade("qkv", 4)
    a.grade("scale", 5)
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("qkv"), undone_at=evening())
    a.sync()
    report = b.sync()
    assert (report["reviews"], report["undone"]) == (1, 0)
    assert_converged(a, b)
    assert [row[1] for row in b.log()] == ["scale"]


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_undoing_the_review_another_device_built_on_makes_its_later_redrill_scheduled(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    a.grade("qkv", 5, hour=9)
    a.sync()
    b.sync()
    b.grade("qkv", 2, hour=15)  # a re-drill on b: a's 09:00 grade already moved the schedule today
    assert b.kinds("qkv") == [
        ("2026-03-10T09:00:00.000Z", "scheduled"),
        ("2026-03-10T15:00:00.000Z", "redrill"),
    ]
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("qkv", hour=9), undone_at=evening())
    for device in (a, b, a):
        device.sync()
    assert_converged(a, b)
    assert a.kinds("qkv") == [("2026-03-10T15:00:00.000Z", "scheduled")]
    assert [row[2:6] for row in a.schedules() if row[1] == "qkv"] == [schedule_of(2)]


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_undoing_a_review_before_the_devices_own_redrill_makes_it_scheduled_there_too(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    a.grade("qkv", 5, hour=9)
    a.grade("qkv", 2, hour=10)  # a re-drill
    a.sync()
    b.sync()
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("qkv", hour=9), undone_at=evening())
    for device in (a, b, a):
        device.sync()
    assert b.kinds("qkv") == [("2026-03-10T10:00:00.000Z", "scheduled")]
    assert_converged(a, b)


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_only_the_machine_that_made_a_review_can_undo_it(devices: Callable[[int], list[Device]]) -> None:
    """The review loop undoes this machine's last grade; an undo of another machine's review would be
    refused by every other machine (reviewer R1: any device could delete any review), so here too."""
    from quizcards.core.errors import StoreError

    a, b = devices(2)
    first_sync(a, b)
    a.grade("qkv", 4, hour=9)
    a.grade("qkv", 3, day(1), hour=9)
    a.sync(now=evening(1))
    b.sync(now=evening(1))
    with Store.open(b.db) as store, pytest.raises(StoreError, match="made on another machine"):
        store.undo_review(a.uuid_of("qkv", day(1)), undone_at=evening(1))
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("qkv", day(1)), undone_at=evening(1))
    a.sync(now=evening(1))
    assert b.sync(now=evening(1))["undone"] == 1
    assert_converged(a, b)
    assert [row[3] for row in a.log()] == ["2026-03-10T09:00:00.000Z"]


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_a_practice_answer_travels_with_its_kind_and_moves_no_schedule(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    b.grade("qkv", 4, hour=8)
    with Store.open(a.db) as store:
        store.record_practice(
            pk_of(store, DECK, "qkv"), Grade(1), "cram", reviewed_on=DAY,
            reviewed_at=datetime(2026, 3, 10, 7, tzinfo=UTC), explanation="crammed", duration_ms=5,
        )  # fmt: skip
    for device in (a, b, a):
        device.sync()
    assert_converged(a, b)
    assert a.kinds("qkv") == [("2026-03-10T07:00:00.000Z", "cram"), ("2026-03-10T08:00:00.000Z", "scheduled")]
    assert [row[2:6] for row in a.schedules() if row[1] == "qkv"] == [schedule_of(4)]


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_two_copies_of_a_database_from_before_sync_share_their_history_without_doubling_it(
    tmp_path: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old.db"
    with before_migration("m009_sync"):
        with Store.open(old, create=True):
            pass
        # Today's import looks for waiting sync entries: a stand-in table for it, dropped before m009 runs.
        with contextlib.closing(sqlite3.connect(old)) as conn:
            conn.execute("CREATE TABLE sync_pending (uuid, deck, card_id, line)")
        import_decks(old, deck_writer(tmp_path)("attention.yaml", SMALL_DECK))
        with contextlib.closing(sqlite3.connect(old)) as conn:
            conn.execute("DROP TABLE sync_pending")
        grade(old, DECK, "qkv", 4, DAY)
        grade(old, DECK, "qkv", 5, day(1))
        grade(old, DECK, "scale", 2, day(1))
    (tmp_path / "sync").mkdir()
    a, b = (Device(name, tmp_path / f"{name}.db", quiz, monkeypatch) for name in "ab")
    for device in (a, b):
        shutil.copyfile(old, device.db)
    a.grade("bottleneck", 3, day(2))
    b.grade("qkv", 1, day(2))
    first_sync(a, b, a, now=evening(2))
    assert_converged(a, b)
    assert len(a.log()) == 5


# ---- 4. a deck only one device holds -------------------------------------------------------------


def test_reviews_of_a_card_not_imported_wait_and_are_applied_by_the_import(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    a, b = devices(2)
    extra = deck_writer(tmp_path)("extra.yaml", OTHER_DECK)
    import_decks(a.db, extra)
    first_sync(a, b)
    grade(a.db, "extra", "only", 4, DAY)
    grade(a.db, "extra", "second", 3, DAY)
    grade(a.db, "extra", "only", 5, day(1))
    a.grade("qkv", 4)
    a.sync(now=evening(1))
    report = b.sync(now=evening(1))
    assert report["pending"] == [{"deck": "extra", "reviews": 3}]
    assert report["reviews"] == 1
    assert b.sync(now=evening(1))["pending"] == [{"deck": "extra", "reviews": 3}]
    assert b.quiz("import", extra, now=evening(1)).exit_code == 0
    assert len(b.log()) == 4  # applied by the import itself, before any sync
    assert b.sync(now=evening(1))["pending"] == []
    assert_converged(a, b)


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_an_undo_of_a_review_that_waits_for_its_card_cancels_it(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    a, b = devices(2)
    extra = deck_writer(tmp_path)("extra.yaml", OTHER_DECK)
    import_decks(a.db, extra)
    first_sync(a, b)
    grade(a.db, "extra", "only", 4, DAY)
    grade(a.db, "extra", "second", 3, DAY)
    a.sync()
    assert b.sync()["pending"] == [{"deck": "extra", "reviews": 2}]
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("only"), undone_at=evening())
    a.sync()
    assert b.sync()["pending"] == [{"deck": "extra", "reviews": 1}]
    assert b.quiz("import", extra).exit_code == 0
    assert_converged(a, b)
    assert [row[1] for row in b.log()] == ["second"]


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_suspension_of_a_card_not_imported_yet_applies_once_it_is(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    a, b = devices(2)
    extra = deck_writer(tmp_path)("extra.yaml", OTHER_DECK)
    import_decks(a.db, extra)
    first_sync(a, b)
    with Store.open(a.db) as store:
        store.suspend_cards([pk_of(store, "extra", "only")], DAY, at=datetime(2026, 3, 10, 10, tzinfo=UTC))
    a.sync()
    b.sync()
    assert b.quiz("import", extra).exit_code == 0
    b.sync()
    assert_converged(a, b)


# ---- 5. a clock a day ahead ----------------------------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_device_whose_clock_is_a_day_ahead_converges_in_its_own_order(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    # b's clock says day 1 while a's says day 0: its grades carry day 1 and its syncs run on day 1.
    a.grade("qkv", 4, day(0), hour=9)
    b.grade("qkv", 3, day(1), hour=8)
    a.grade("qkv", 5, day(0), hour=18)
    a.sync(now=evening(0))
    b.sync(now=evening(1))
    a.sync(now=evening(0))
    assert_converged(a, b)
    # Observed: the log follows each review's own (day, time). b's 08:00 grade on its day 1 sorts after
    # a's 18:00 grade of day 0, though in real time it came first: the skewed device's reviews land
    # where its clock put them, and a's same-day re-drill stays a re-drill.
    assert a.kinds("qkv") == [
        ("2026-03-10T09:00:00.000Z", "scheduled"),
        ("2026-03-10T18:00:00.000Z", "redrill"),
        ("2026-03-11T08:00:00.000Z", "scheduled"),
    ]
    # a, still on day 0, grades again after it took in b's day-1 review: its row is appended locally
    # (an id after b's row, though it sorts before it); its next sync puts it in its place.
    a.grade("qkv", 1, day(0), hour=19)
    for device in (a, b):
        device.sync(now=evening(1))
    assert_converged(a, b)
    assert [kind for _, kind in b.kinds("qkv")] == ["scheduled", "redrill", "redrill", "scheduled"]


# ---- 6. suspend and bury -------------------------------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_suspend_on_one_device_and_unsuspend_on_another_later_the_latest_wins(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    assert a.quiz("suspend", "attention/qkv", now=datetime(2026, 3, 10, 10, tzinfo=UTC)).exit_code == 0
    a.sync()
    assert b.sync()["card_events"] == 1
    assert [row[10] for row in b.schedules() if row[1] == "qkv"] == ["2026-03-10"]
    assert b.quiz("unsuspend", "attention/qkv", now=evening(1)).exit_code == 0
    b.sync(now=evening(1))
    a.sync(now=evening(1))
    assert_converged(a, b)
    assert all(row[10] is None for row in a.schedules())


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_bury_travels(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    first_sync(a, b)
    with Store.open(a.db) as store:
        store.bury(pk_of(store, DECK, "scale"), DAY, at=datetime(2026, 3, 10, 10, tzinfo=UTC))
    a.sync()
    b.sync()
    assert_converged(a, b)
    assert [row[11] for row in b.schedules() if row[1] == "scale"] == ["2026-03-10"]


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_suspension_older_than_another_devices_unsuspension_converges(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    assert a.quiz("suspend", "attention/qkv", now=datetime(2026, 3, 10, 10, tzinfo=UTC)).exit_code == 0
    assert a.quiz("unsuspend", "attention/qkv", now=datetime(2026, 3, 10, 12, tzinfo=UTC)).exit_code == 0
    a.sync()
    b.sync()
    # b's clock is an hour behind a's: its suspension, made after it saw a's unsuspension, is dated before it
    assert b.quiz("suspend", "attention/qkv", now=datetime(2026, 3, 10, 11, tzinfo=UTC)).exit_code == 0
    for device in (b, a, b):
        device.sync()
    assert_converged(a, b)


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_the_same_card_suspended_on_two_devices_on_different_days_converges(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    assert a.quiz("suspend", "attention/qkv", now=evening(0)).exit_code == 0
    assert b.quiz("suspend", "attention/qkv", now=evening(1)).exit_code == 0
    for device in (a, b, a):
        device.sync(now=evening(1))
    assert_converged(a, b)


# ---- 7. FSRS on one device, SM-2 on the other ----------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_fsrs_on_one_device_and_sm2_on_the_other_converge(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    assert a.quiz("config", "scheduler", "fsrs").exit_code == 0
    first_sync(a, b)
    a.grade("qkv", 4, day(0))
    b.grade("qkv", 2, day(0), hour=7)
    b.grade("scale", 5, day(1))
    a.grade("scale", 3, day(3))
    b.grade("qkv", 5, day(4))
    for device in (a, b, a):
        device.sync(now=evening(4))
    assert_converged(a, b, cli=True)
    with Store.open(a.db) as store:
        assert store.collection_settings().scheduler == "fsrs"
        assert fsrs_states_out_of_date(store) == []


# ---- 8. a property: random grades, random sync orders --------------------------------------------

# (device, card, grade, hour, undo): with undo, the device undoes its own last review of the card, as a
# session's undo does, instead of grading: only the machine that made a review can undo it. (An undo of an
# earlier review is test_undoing_a_review_before_the_devices_own_redrill_makes_it_scheduled_there_too.)
ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(CARDS),
        st.integers(0, 5),
        st.integers(6, 22),
        st.booleans() | st.just(False),
    ),
    max_size=6,
)


# slow: each example runs a dozen syncs or so (about 0.3 s)
@pytest.mark.slow
@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    count=st.integers(2, 3),
    days=st.lists(st.tuples(ACTIONS, st.lists(st.integers(0, 2), max_size=4)), min_size=1, max_size=3),
)
def test_random_grades_undos_and_sync_orders_converge(
    devices: Callable[[int], list[Device]],
    count: int,
    days: list[tuple[list[tuple[int, str, int, int, bool]], list[int]]],
) -> None:
    fleet = devices(count)
    first_sync(*fleet)
    graded: set[str] = set()
    undone: set[str] = set()
    own: dict[str, set[str]] = {device.name: set() for device in fleet}
    for n, (actions, syncs) in enumerate(days):
        for index, (who, card, value, hour, undo) in enumerate(actions):
            device = fleet[who % count]
            if not undo:
                # distinct moments, so that no two grades are one device's at one millisecond
                device.grade(card, value, day(n), hour, minute=index)
                graded.add(device.uuid_of(card, day(n), hour, minute=index))
                own[device.name].add(device.uuid_of(card, day(n), hour, minute=index))
                continue
            held = [row for row in device.log() if row[1] == card and row[2] in own[device.name]]
            if held:
                uuid = held[-1][2]
                with Store.open(device.db) as store:
                    store.undo_review(uuid, undone_at=datetime.combine(day(n), time(hour, index), tzinfo=UTC))
                undone.add(uuid)
        for who in syncs:
            fleet[who % count].sync(now=evening(n))
    for _ in range(2):
        for device in fleet:
            device.sync(now=evening(len(days)))
    first = fleet[0]
    log, schedules = first.log(), first.schedules()
    for device in fleet:
        assert device.log() == log
        assert device.schedules() == schedules
        with Store.open(device.db) as store:
            check = store.check_schedules()
            assert (check.drifts, check.unreadable) == ((), ())
    assert {row[2] for row in log} == graded - undone


# ---- 9. damaged input ----------------------------------------------------------------------------

OTHER = "0123456789abcdef0123456789abcdef"
STRANGER = "fedcba9876543210fedcba9876543210"


def review_line(uuid: str, device: str = OTHER, **changes: Any) -> str:
    fields: dict[str, Any] = {
        "v": 1, "type": "review", "uuid": uuid, "device": device, "deck": DECK, "card": "qkv",
        "at": "2026-03-10T09:00:00.000Z", "on": "2026-03-10", "grade": 4, "kind": "scheduled",
        "duration_ms": 1000, "explanation": "",
    }  # fmt: skip
    fields.update(changes)
    return json.dumps(fields)


def test_damaged_lines_are_reported_and_never_applied(devices: Callable[[int], list[Device]]) -> None:
    (a,) = devices(1)
    folder = a.db.parent / "sync"
    (folder / OTHER).mkdir()
    good = "11111111-1111-4111-8111-111111111111"
    lines = [
        review_line(good, at="2026-03-10T08:00:00.000Z"),
        "this is not json {",
        review_line("22222222-2222-4222-8222-222222222222", device=STRANGER),
        review_line("33333333-3333-4333-8333-333333333333", v=2),
        review_line("44444444-4444-4444-8444-444444444444", card="scale"),
    ]
    torn = review_line("55555555-5555-4555-8555-555555555555", card="bottleneck")[:40]
    (folder / OTHER / "2026-03.jsonl").write_text("\n".join(lines) + "\n" + torn, encoding="utf-8")
    conflict = review_line("66666666-6666-4666-8666-666666666666", card="scale")
    (folder / OTHER / "2026-03.sync-conflict-20260310-090000-ABCDEFG.jsonl").write_text(
        conflict + "\n", encoding="utf-8"
    )
    before = a.schedules()
    report = first_sync(a)[0]
    assert (report["reviews"], report["skipped"], report["newer_format"]) == (1, 2, 2)
    assert [(line["line"], line["path"]) for line in report["skipped_lines"]] == [
        (2, f"{OTHER}/2026-03.jsonl"),
        (3, f"{OTHER}/2026-03.jsonl"),
    ]
    assert [row[2] for row in a.log()] == [good]  # the line after the newer one waits with it
    assert [row for row in a.schedules() if row[1] != "qkv"] == [row for row in before if row[1] != "qkv"]
    again = a.sync()
    assert (again["received"], again["skipped"], again["newer_format"]) == (0, 0, 2)
    assert [row[2] for row in a.log()] == [good]
    checked = a.quiz("check")
    assert checked.exit_code == 0, checked.output


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_torn_last_line_is_applied_once_it_is_whole(devices: Callable[[int], list[Device]]) -> None:
    (a,) = devices(1)
    folder = a.db.parent / "sync" / OTHER
    folder.mkdir()
    line = review_line("77777777-7777-4777-8777-777777777777") + "\n"
    (folder / "2026-03.jsonl").write_text(line[:50], encoding="utf-8")
    report = first_sync(a)[0]
    assert (report["received"], report["skipped"]) == (0, 0)
    (folder / "2026-03.jsonl").write_text(line, encoding="utf-8")
    assert a.sync()["reviews"] == 1
    assert [row[1] for row in a.log()] == ["qkv"]


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_entries_across_a_month_boundary_and_an_undo_in_the_next_month_converge(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    march, april = date(2026, 3, 31), date(2026, 4, 1)
    a.grade("qkv", 4, march, hour=22)
    a.grade("scale", 3, march, hour=23)
    b.grade("qkv", 5, april, hour=8)
    with Store.open(a.db) as store:
        store.undo_review(a.uuid_of("scale", march, hour=23), undone_at=datetime(2026, 4, 1, 7, tzinfo=UTC))
        store.bury(pk_of(store, DECK, "bottleneck"), april, at=datetime(2026, 4, 1, 7, 30, tzinfo=UTC))
    april_evening = datetime(2026, 4, 1, 20, tzinfo=UTC)
    sent = a.sync(now=april_evening)["sent"]
    assert sent == 3
    months = sorted(path.name for path in (a.db.parent / "sync").glob("*/*.jsonl"))
    assert months == ["2026-03.jsonl", "2026-04.jsonl"]  # a's two months (b has sent nothing yet)
    for device in (b, a):
        device.sync(now=april_evening)
    assert_converged(a, b)
    assert [(row[1], row[6]) for row in a.log()] == [("qkv", "scheduled"), ("qkv", "scheduled")]


# ---- 10. a copied database -----------------------------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_a_copied_database_is_refused_until_it_takes_a_new_identity(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    first_sync(a, b)
    copy = Device("copy", tmp_path / "copy.db", a._run, a._patch)
    shutil.copyfile(a.db, copy.db)
    a.grade("scale", 5, day(1))
    a.sync(now=evening(1))
    copy.grade("bottleneck", 3, day(1), hour=10)
    refused = copy.quiz("sync", now=evening(1))
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1
    assert "quiz sync --new-device" in refused.stderr
    assert copy.sync("--new-device", "--name", "copy", now=evening(1))["received"] == 1
    for device in (a, b, copy, a, b):
        device.sync(now=evening(1))
    assert_converged(a, b, copy)
    assert len(a.log()) == 3
    ids = {row[0] for row in rows(copy.db, "SELECT device_id FROM sync_devices")}
    assert len(ids) == 3


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_of_two_databases_under_one_identity_the_second_to_write_is_refused(
    devices: Callable[[int], list[Device]],
) -> None:
    # A copy that writes first takes the folder's file on as its own: nothing tells the two files
    # apart, so the original, writing second, is the one told to take a new identity. Either way
    # nothing is lost and, after --new-device, all converge.
    a, b = devices(2)
    a.grade("qkv", 4)
    first_sync(a, b)
    copy = Device("copy", a.db.with_name("copy.db"), a._run, a._patch)
    shutil.copyfile(a.db, copy.db)
    copy.grade("bottleneck", 3, day(1), hour=10)
    copy.sync(now=evening(1))
    a.grade("scale", 5, day(1))
    refused = a.quiz("sync", now=evening(1))
    assert refused.exit_code == 1
    assert "quiz sync --new-device" in refused.stderr
    a.sync("--new-device", now=evening(1))
    for device in (b, copy, a, b):
        device.sync(now=evening(1))
    assert_converged(a, b, copy)
    assert len(a.log()) == 3


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_a_database_restored_from_a_backup_gets_back_its_lost_reviews_from_the_folder(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    first_sync(a, b)
    backup = a.db.with_name("backup.db")
    shutil.copyfile(a.db, backup)
    a.grade("scale", 5, day(1))
    a.sync(now=evening(1))
    shutil.copyfile(backup, a.db)  # the disk died; yesterday's backup comes back
    a.grade("bottleneck", 3, day(2))
    assert a.quiz("sync", now=evening(2)).exit_code == 1
    report = a.sync("--new-device", now=evening(2))
    assert (report["sent"], report["reviews"]) == (2, 1)  # scale's review, read back from its old file
    for device in (b, a):
        device.sync(now=evening(2))
    assert_converged(a, b)
    assert [row[1] for row in a.log()] == ["bottleneck", "qkv", "scale"]


# ---- 11. no folder, a missing folder, a file -----------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_sync_without_a_usable_folder_is_one_line(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    (a,) = devices(1)
    (tmp_path / "file").write_text("not a folder\n")
    before = rows(a.db, "SELECT * FROM sync_devices")
    for args, message in (
        ((), "quiz sync needs a folder the first time"),
        ((tmp_path / "missing",), "does not exist"),
        ((tmp_path / "file",), "is not a folder"),
    ):
        result = a.quiz("sync", *args)
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert rows(a.db, "SELECT * FROM sync_devices") == before


# ---- 12. --rebuild on a fresh database -----------------------------------------------------------


@pytest.mark.slow  # the full suite runs it; the fast tier keeps the core cases
def test_rebuild_gives_a_fresh_database_every_devices_history(
    devices: Callable[[int], list[Device]], tmp_path: Path
) -> None:
    a, b, fresh = devices(3)
    first_sync(a, b)
    a.grade("qkv", 4)
    b.grade("qkv", 5, hour=11)
    b.grade("scale", 3, day(1))
    with Store.open(a.db) as store:
        store.suspend_cards([pk_of(store, DECK, "bottleneck")], DAY, at=datetime(2026, 3, 10, 12, tzinfo=UTC))
    a.grade("scale", 4, day(2))
    for device in (a, b, a):
        device.sync(now=evening(2))
    report = fresh.sync(fresh.db.parent / "sync", "--rebuild", "--name", "fresh", now=evening(2))
    assert (report["reviews"], report["card_events"]) == (4, 1)
    assert_converged(a, b, fresh, cli=True)


@pytest.mark.slow  # beyond the list: the full suite runs it
def test_rebuild_of_a_synced_device_reads_everything_again_and_changes_nothing(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    a.grade("qkv", 4)
    b.grade("scale", 3)
    for device in (a, b, a):
        device.sync()
    log = a.log()
    report = a.sync("--rebuild")
    assert (report["received"], report["duplicates"]) == (0, 2)
    assert a.log() == log
    assert_converged(a, b)
