"""The store's side of sync: m009's identities, tombstones, card events, entries applied in merged order."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from quizcards.core.sync.entries import CardEvent, ReviewEntry, UndoEntry, line_of
from quizcards.core.sync.reading import START, new_lines
from quizcards.store import Store
from quizcards.store.migrations import NAMES
from quizcards.store.sync import Received
from tests.conftest import SMALL_DECK
from tests.helpers import before_migration, fsrs_states_out_of_date, grade, import_decks, pk_of, rows, scalar

DEVICE = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
DAY = date(2026, 3, 10)
LOG = "SELECT uuid, reviewed_on, reviewed_at, grade, kind, interval_after FROM reviews ORDER BY id"


def review(
    uuid_tail: str, card: str, day: date, hour: int, grade_value: int, device: str = OTHER
) -> ReviewEntry:
    return ReviewEntry(
        f"00000000-0000-4000-8000-{uuid_tail:0>12}",
        device,
        "attention",
        card,
        f"{day.isoformat()}T{hour:02d}:00:00.000Z",
        day.isoformat(),
        grade_value,
        "scheduled",
        1000,
        "",
    )


def receive(store: Store, *entries: ReviewEntry | UndoEntry | CardEvent, device: str = OTHER) -> Received:
    """Apply entries as if read from the device's month file (one read, from the start)."""
    data = b"".join(line_of(entry) for entry in entries)
    return store.receive([(f"{device}/2026-03.jsonl", device, new_lines(data, START, base=0))])


# ---- m009 --------------------------------------------------------------------------------------


def test_m009_names_old_reviews_by_their_facts_so_copies_agree(
    tmp_path: Path, write_deck: Callable[..., Path]
) -> None:
    old = tmp_path / "old.db"
    with before_migration("m009_sync"):
        import_decks(old, write_deck("attention.yaml", SMALL_DECK))
        grade(old, "attention", "qkv", 4, DAY)
        grade(old, "attention", "qkv", 2, DAY)  # a re-drill at the same moment: a second identical name
        grade(old, "attention", "qkv", 2, DAY)  # the same again: told apart by its occurrence
    copy = tmp_path / "copy.db"
    shutil.copyfile(old, copy)
    for path in (old, copy):
        with Store.open(path):
            pass
    uuids = rows(old, "SELECT uuid FROM reviews ORDER BY id")
    assert uuids == rows(copy, "SELECT uuid FROM reviews ORDER BY id")
    assert len({row[0] for row in uuids}) == 3
    assert all(row[0][14] == "5" for row in uuids)  # version 5: name-based
    assert rows(old, "SELECT DISTINCT device, journaled FROM reviews") == [(1, 0)]
    assert scalar(old, "SELECT count(*) FROM sync_devices WHERE is_self = 1 AND device_id IS NULL") == 1
    assert list((tmp_path / "backups").glob("old-*-before-m009_sync.db"))
    assert scalar(old, "SELECT count(*) FROM _sqlite_migrations") == len(NAMES)


def test_a_new_review_gets_a_time_ordered_uuid_and_an_undo_leaves_a_tombstone(small_store: Store) -> None:
    grade(small_store, "attention", "qkv", 4, DAY)
    uuid = small_store.conn.execute("SELECT uuid FROM reviews").fetchone()[0]
    assert uuid[14] == "7"  # time-ordered: the grade's millisecond, then a counter
    small_store.undo_review(uuid, undone_at=datetime(2026, 3, 10, 9, 5, tzinfo=UTC))
    assert small_store.conn.execute("SELECT uuid, undone_at, journaled FROM sync_undone").fetchall() == [
        (uuid, "2026-03-10T09:05:00.000Z", 0)
    ]


def test_suspend_unsuspend_and_bury_leave_card_events(small_store: Store) -> None:
    qkv = pk_of(small_store, "attention", "qkv")
    noon = datetime(2026, 3, 10, 12, tzinfo=UTC)
    small_store.suspend_cards([qkv], DAY, at=noon)
    small_store.unsuspend_cards([qkv], DAY, at=noon)
    small_store.unsuspend_cards([qkv], DAY, at=noon)  # not suspended: no change, no event
    small_store.bury(qkv, DAY)
    small_store.unbury(qkv, DAY)
    events = small_store.conn.execute("SELECT type, at, day FROM sync_card_events ORDER BY rowid").fetchall()
    assert events == [
        ("suspend", "2026-03-10T12:00:00.000Z", "2026-03-10"),
        # done here, each is the card's newest: dated after the last of its pair, even at one clock time
        ("unsuspend", "2026-03-10T12:00:00.001Z", "2026-03-10"),
        ("bury", "2026-03-10T00:00:00.000Z", "2026-03-10"),
        ("unbury", "2026-03-10T00:00:00.001Z", "2026-03-10"),
    ]


# ---- applying entries --------------------------------------------------------------------------


def test_an_earlier_review_from_elsewhere_turns_the_one_held_into_a_redrill_and_keeps_id_order(
    small_store: Store,
) -> None:
    grade(small_store, "attention", "qkv", 5, DAY, at=time(10))
    received = receive(small_store, review("1", "qkv", DAY, 8, 3))
    log = small_store.conn.execute(LOG).fetchall()
    assert [(row[2][11:13], row[4]) for row in log] == [("08", "scheduled"), ("10", "redrill")]
    assert received.applied.reclassified == 1
    assert received.applied.rewritten == 1
    schedule = small_store.rebuilt_schedule(pk_of(small_store, "attention", "qkv"))
    assert schedule.last_reviewed_on == DAY
    assert schedule.interval_days == 1  # the grade-3 review moved it, not the later 5
    assert small_store.check_schedules().drifts == ()


def test_receiving_is_idempotent_and_later_rows_are_appended(small_store: Store) -> None:
    entries = [review("1", "qkv", DAY, 8, 4), review("2", "qkv", date(2026, 3, 11), 8, 5)]
    first = receive(small_store, *entries)
    ids = small_store.conn.execute("SELECT id FROM reviews ORDER BY id").fetchall()
    again = receive(small_store, *entries)
    assert first.applied.new == 2
    assert again.applied.new == 0
    assert again.applied.duplicates == 2
    assert small_store.conn.execute("SELECT id FROM reviews ORDER BY id").fetchall() == ids
    later = receive(small_store, review("3", "qkv", date(2026, 3, 17), 8, 5))
    assert later.applied.rewritten == 0
    assert [row[0][-1] for row in small_store.conn.execute(LOG)] == ["1", "2", "3"]


def test_an_undo_that_arrives_before_its_review_keeps_the_review_out(small_store: Store) -> None:
    kept = review("2", "scale", DAY, 8, 4)
    undone = review("1", "qkv", DAY, 8, 4)
    tombstone = UndoEntry(
        "00000000-0000-4000-8000-00000000000a", OTHER, undone.uuid, "2026-03-10T08:01:00.000Z"
    )
    receive(small_store, tombstone)
    receive(small_store, undone, kept)
    assert [row[0] for row in small_store.conn.execute(LOG)] == [kept.uuid]
    receive(small_store, review("3", "qkv", DAY, 9, 2))  # the card's only review now: scheduled
    assert small_store.conn.execute("SELECT kind FROM reviews WHERE uuid LIKE '%3'").fetchone() == (
        "scheduled",
    )


def test_an_undo_from_elsewhere_removes_a_review_held_here_and_its_redrill_moves_the_schedule(
    small_store: Store,
) -> None:
    first = review("1", "qkv", DAY, 8, 5)
    receive(small_store, first)
    grade(small_store, "attention", "qkv", 2, DAY, at=time(10))  # here: a re-drill of the 08:00 review
    assert small_store.conn.execute("SELECT kind FROM reviews ORDER BY id").fetchall() == [
        ("scheduled",),
        ("redrill",),
    ]
    receive(
        small_store,
        UndoEntry("00000000-0000-4000-8000-00000000000b", OTHER, first.uuid, "2026-03-10T11:00:00.000Z"),
    )
    assert small_store.conn.execute("SELECT kind, grade FROM reviews").fetchall() == [("scheduled", 2)]
    assert small_store.check_schedules().drifts == ()


def test_reviews_of_a_card_not_held_wait_for_its_import(
    small_store: Store, write_deck: Callable[..., Path]
) -> None:
    other = "deck: other\ntitle: Other\ncards:\n  - {id: x, q: Q?, a: A.}\n"
    waiting = ReviewEntry(
        "00000000-0000-4000-8000-0000000000cc",
        OTHER,
        "other",
        "x",
        "2026-03-10T08:00:00.000Z",
        "2026-03-10",
        4,
        "scheduled",
        0,
        "",
    )
    received = receive(small_store, waiting)
    assert received.applied.pending == 1
    assert small_store.pending_entries() == [("other", 1)]
    import_decks(small_store, write_deck("other.yaml", other))
    assert small_store.pending_entries() == []
    assert small_store.conn.execute("SELECT uuid, kind FROM reviews").fetchall() == [
        (waiting.uuid, "scheduled")
    ]
    assert small_store.check_schedules().drifts == ()


def test_card_events_apply_by_the_latest_time(small_store: Store) -> None:
    def event(tail: str, kind: str, hour: int) -> CardEvent:
        return CardEvent(
            f"00000000-0000-4000-8000-{tail:0>12}",
            OTHER,
            "attention",
            "qkv",
            kind,  # type: ignore[arg-type]
            f"2026-03-10T{hour:02d}:00:00.000Z",
            "2026-03-10",
        )

    receive(small_store, event("2", "unsuspend", 12), event("1", "suspend", 9))
    assert small_store.conn.execute("SELECT suspended_on FROM cards WHERE card_id = 'qkv'").fetchone() == (
        None,
    )
    receive(small_store, event("3", "suspend", 13))
    assert small_store.conn.execute("SELECT suspended_on FROM cards WHERE card_id = 'qkv'").fetchone() == (
        "2026-03-10",
    )


def test_a_line_that_names_another_device_than_its_folder_is_skipped(small_store: Store) -> None:
    received = receive(small_store, review("1", "qkv", DAY, 8, 4, device=DEVICE))
    assert received.applied.new == 0
    assert [skipped.reason for skipped in received.skipped] == [
        f"names the device {DEVICE}, not the folder's own"
    ]


def test_under_fsrs_a_merge_leaves_every_state_equal_to_its_replay(
    small_store: Store,
) -> None:
    pytest.importorskip("fsrs")
    small_store.set_setting("scheduler", "fsrs")
    grade(small_store, "attention", "qkv", 4, date(2026, 3, 12))
    receive(small_store, review("1", "qkv", DAY, 8, 3), review("2", "scale", DAY, 8, 5))
    assert fsrs_states_out_of_date(small_store) == []


def test_the_outbox_holds_this_devices_entries_by_month_until_journaled(small_store: Store) -> None:
    grade(small_store, "attention", "qkv", 4, DAY)
    grade(small_store, "attention", "scale", 4, date(2026, 4, 2))
    receive(small_store, review("1", "bottleneck", DAY, 8, 4))  # from elsewhere: never sent from here
    assert small_store.outbox_months() == ["2026-03", "2026-04"]
    outbox = small_store.outbox("2026-03", DEVICE)
    assert len(outbox.lines) == 1
    assert b'"card":"qkv"' in outbox.lines[0]
    small_store.mark_journaled(outbox, f"{DEVICE}/2026-03.jsonl", START)
    assert small_store.outbox_months() == ["2026-04"]


def test_a_large_receive_drops_the_logs_indexes_while_it_writes_and_makes_them_again(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.store import sync_apply

    indexes = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' ORDER BY name"
    )
    before = small_store.conn.execute(indexes).fetchall()
    monkeypatch.setattr(sync_apply, "BULK_REVIEWS", 1)
    received = receive(small_store, review("1", "qkv", DAY, 8, 4), review("2", "scale", DAY, 9, 3))
    assert received.applied.reviews == 2
    assert small_store.conn.execute(indexes).fetchall() == before
    assert small_store.integrity_problems() == []
    assert receive(small_store, review("1", "qkv", DAY, 8, 4)).applied.duplicates == 1


def test_grades_at_one_moment_keep_their_order_when_the_log_is_merged(small_store: Store) -> None:
    """A fixed clock (or a quick re-drill) gives two rows one time: new UUIDs are time-ordered with a
    counter, so the merge's last tie-breaker keeps the order they were given, on every device."""
    for _ in range(20):  # random UUIDs would swap the two about half the time
        grade(small_store, "attention", "qkv", 2, DAY)
        grade(small_store, "attention", "qkv", 4, DAY)
    receive(small_store, review("1", "qkv", date(2026, 3, 2), 8, 5))  # sorts first: the card is rewritten
    kinds = small_store.conn.execute("SELECT grade, kind FROM reviews ORDER BY id").fetchall()
    assert [grade_value for grade_value, _kind in kinds] == [5] + [2, 4] * 20
    assert kinds[:3] == [(5, "scheduled"), (2, "scheduled"), (4, "redrill")]
    assert all(kind == "redrill" for _grade, kind in kinds[3:])
