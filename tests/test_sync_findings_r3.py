"""Reviewer R3's findings on `quiz sync` (session 6), each failing on the code as reviewed; fixed since."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from quizcards.core.sync.entries import ReviewEntry, line_of
from quizcards.core.sync.reading import START, new_lines
from quizcards.store import Store
from tests.test_sync_converge import Device, devices, first_sync

__all__ = ["devices"]
pytestmark = pytest.mark.slow


def test_check_is_clean_when_another_machine_synced_since(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    first_sync(a, b)
    b.grade("qkv", 4)
    b.sync()
    result = a.quiz("check")
    assert result.exit_code == 0, result.stdout  # B's entry is unread, not missing


def test_an_own_file_cut_short_mid_line_is_resent(devices: Callable[[int], list[Device]]) -> None:
    (a,) = devices(1)
    a.grade("qkv", 4)
    a.grade("scale", 3, hour=10)
    report = first_sync(a)[0]
    path = a.db.parent / "sync" / report["device"]["id"] / "2026-03.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"\n") + 40])  # the second line torn
    result = a.quiz("sync", "--json")
    assert result.exit_code == 0, result.stderr


def test_the_same_folder_by_another_path_is_not_a_new_folder(devices: Callable[[int], list[Device]]) -> None:
    (a,) = devices(1)
    first_sync(a)
    folder = a.db.parent / "sync"
    again = a.sync(folder.parent / ".." / folder.parent.name / "sync")
    assert again["notes"] == []


def test_a_local_review_before_a_held_same_day_review_keeps_the_log_merged(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    b.grade("qkv", 4, hour=11)
    first_sync(b, a)
    a.grade("qkv", 2, hour=10, minute=30)  # A's clock is behind B's
    result = a.quiz("check")
    assert result.exit_code == 0, result.stdout


def test_one_uuid_with_two_contents_in_one_read_is_refused_as_in_two(tmp_path, write_deck) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import SMALL_DECK
    from tests.helpers import import_decks

    other = "fedcba9876543210fedcba9876543210"

    def entry(grade: int, hour: int) -> bytes:
        return line_of(
            ReviewEntry(
                "00000000-0000-4000-8000-000000000001", other, "attention", "qkv",
                f"2026-03-10T{hour:02d}:00:00.000Z", "2026-03-10", grade, "scheduled", 1000, "",
            )
        )  # fmt: skip

    import_decks(tmp_path / "q.db", write_deck("attention.yaml", SMALL_DECK))
    with Store.open(tmp_path / "q.db") as store:
        data = entry(5, 9) + entry(1, 11)
        received = store.receive([(f"{other}/2026-03.jsonl", other, new_lines(data, START, base=0))])
    assert [line.reason for line in received.skipped] == ["reuses the uuid of another review"]
