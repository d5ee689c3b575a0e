"""Crash safety of `quiz sync` (issue 18): a SIGKILL at each step leaves the database and the folder valid.

A real `quiz sync` is stopped where it is most exposed (QUIZCARDS_TEST_SYNC_PAUSE: "sent", a
month file renamed into place but its flags not committed; "received", every new line applied
inside the one transaction) and killed there. The database must pass `PRAGMA quick_check`,
every file of the folder must hold whole, valid lines, and a normal sync must then finish the
work: the other device holds every entry exactly once, and both devices converge.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sqlite3
import subprocess
import time as clock
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from quizcards.core.sync.entries import Entry, LineProblem, entry_of
from quizcards.store import Store
from tests.conftest import SMALL_DECK, deck_writer
from tests.helpers import QUIZ, Quiz, grade, import_decks, pk_of, quiz_env, rows, scalar

pytestmark = pytest.mark.slow

PAUSED_WITHIN = 20.0  # seconds a spawned sync may take to reach its pause (a loaded machine)
# What two databases must agree on after converging: the log by UUID with its derived kinds and
# schedules, and each card's schedule (compare.py of the design's prototype).
LOG = """
    SELECT r.uuid, c.deck, c.card_id, r.reviewed_at, r.reviewed_on, r.grade, r.kind, r.repetitions_before,
        r.interval_before, r.easiness_before, r.due_before, r.repetitions_after, r.interval_after,
        r.easiness_after, r.due_after
    FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.uuid
"""
CARDS = """
    SELECT deck, card_id, repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews,
        last_reviewed_on, suspended_on
    FROM cards ORDER BY deck, card_id
"""


class Machines:
    """Two databases with the same deck (a laptop and a desktop) and one sync folder."""

    def __init__(self, tmp_path: Path, quiz: Quiz) -> None:
        self.quiz = quiz
        self.folder = tmp_path / "folder"
        self.folder.mkdir()
        deck = deck_writer(tmp_path)("attention.yaml", SMALL_DECK)
        self.laptop = tmp_path / "laptop.db"
        self.desktop = tmp_path / "desktop.db"
        for db in (self.laptop, self.desktop):
            import_decks(db, deck)

    def study(self) -> None:
        """Reviews on both machines over two months: a re-drill, an undo, a suspension, and the same card
        graded on both machines the same day (its later grade becomes a re-drill once merged)."""
        feb, mar = date(2026, 2, 20), date(2026, 3, 5)
        grade(self.laptop, "attention", "qkv", 4, feb)
        grade(self.laptop, "attention", "scale", 2, feb, text="saturation")
        grade(self.laptop, "attention", "qkv", 5, feb, at=time(10))
        grade(self.laptop, "attention", "qkv", 3, mar)
        grade(self.laptop, "attention", "bottleneck", 5, mar, text="a fixed vector")
        grade(self.laptop, "attention", "scale", 1, mar, at=time(11))
        last = scalar(self.laptop, "SELECT uuid FROM reviews ORDER BY id DESC LIMIT 1")
        with Store.open(self.laptop) as store:
            store.undo_review(str(last))
            store.suspend_cards(
                [pk_of(store, "attention", "bottleneck")], mar, at=datetime(2026, 3, 5, 12, tzinfo=UTC)
            )
        grade(self.desktop, "attention", "qkv", 2, mar, at=time(8))
        grade(self.desktop, "attention", "scale", 4, date(2026, 3, 1))

    def sync(self, db: Path, *args: str) -> dict[str, object]:
        """A normal `quiz sync --json` (in-process); its report."""
        result = self.quiz("sync", self.folder, *args, "--json", db=db)
        assert result.exit_code == 0, result.output
        report: dict[str, object] = json.loads(result.stdout)
        return report

    def killed_at(self, point: str, db: Path, *args: str) -> None:
        """The real `quiz sync` of db stopped at a pause point and killed there with SIGKILL."""
        env = quiz_env(PYTHONPATH=str(Path(__file__).resolve().parents[1]), QUIZCARDS_TEST_SYNC_PAUSE=point)
        with subprocess.Popen(
            [str(QUIZ), "--db", str(db), "sync", str(self.folder), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ) as child:
            assert child.stderr is not None
            said = b""
            deadline = clock.monotonic() + PAUSED_WITHIN
            try:
                while b"paused at" not in said:
                    left = deadline - clock.monotonic()
                    ready, _, _ = select.select([child.stderr], [], [], max(left, 0))
                    chunk = os.read(child.stderr.fileno(), 4096) if ready else b""
                    assert chunk, f"`quiz sync` never paused at {point}: {said.decode(errors='replace')}"
                    said += chunk
                assert said.decode().strip() == f"paused at {point}"
            finally:
                child.send_signal(signal.SIGKILL)
                child.wait()
        assert child.returncode == -signal.SIGKILL

    def device(self, db: Path) -> str:
        return str(scalar(db, "SELECT device_id FROM sync_devices WHERE is_self = 1"))

    def files(self, db: Path) -> list[Path]:
        return sorted((self.folder / self.device(db)).glob("*.jsonl"))


def quick_check(db: Path) -> None:
    assert rows(db, "PRAGMA quick_check") == [("ok",)]
    assert rows(db, "PRAGMA foreign_key_check") == []


def folder_lines(folder: Path) -> list[Entry]:
    """Every entry of every month file; each file must end in a whole line and each line be a valid entry
    of the device whose folder holds it. Temporary files are not journal files."""
    entries = []
    for path in sorted(folder.glob("*/*.jsonl")):
        data = path.read_bytes()
        assert data.endswith(b"\n"), f"{path} is torn"
        for number, line in enumerate(data.splitlines(), 1):
            entry = entry_of(line)
            assert not isinstance(entry, LineProblem), f"{path} line {number} {entry.reason}"
            assert entry.device == path.parent.name
            entries.append(entry)
    for device in folder.glob("*/device.json"):
        assert json.loads(device.read_bytes())["device"] == device.parent.name
    return entries


def uuids(db: Path) -> list[str]:
    return [str(uuid) for (uuid,) in rows(db, "SELECT uuid FROM reviews ORDER BY uuid")]


ENTRIES = """
    SELECT uuid FROM reviews WHERE device IN ({0})
    UNION SELECT undo_uuid FROM sync_undone WHERE device IN ({0})
    UNION SELECT uuid FROM sync_card_events WHERE device IN ({0})
"""


def own_entries(db: Path) -> set[str]:
    """The UUIDs of a database's own entries (its reviews, undos and card events)."""
    return {str(uuid) for (uuid,) in rows(db, ENTRIES.format("1"))}


def held_entries(db: Path) -> set[str]:
    """The UUIDs of every entry a database holds, from any device."""
    return {str(uuid) for (uuid,) in rows(db, ENTRIES.format("SELECT id FROM sync_devices"))}


def assert_converged(machines: Machines, quiz: Quiz) -> None:
    laptop, desktop = machines.laptop, machines.desktop
    for db in (laptop, desktop):
        assert len(set(uuids(db))) == len(uuids(db))
        assert scalar(db, "SELECT count(*) FROM reviews WHERE journaled = 0") == 0
        result = quiz("check", db=db)
        assert result.exit_code == 0, result.output
    assert rows(laptop, LOG) == rows(desktop, LOG)
    assert rows(laptop, CARDS) == rows(desktop, CARDS)
    # the same day's second grade of qkv (the laptop's, after the desktop's) is a re-drill on both
    same_day = "SELECT r.kind, r.grade FROM reviews r JOIN cards c ON c.id = r.card WHERE c.card_id = 'qkv' "
    assert rows(laptop, same_day + "AND r.reviewed_on = '2026-03-05' ORDER BY r.id") == [
        ("scheduled", 2),
        ("redrill", 3),
    ]
    assert scalar(laptop, "SELECT suspended_on FROM cards WHERE card_id = 'bottleneck'") == "2026-03-05"


@pytest.fixture
def machines(tmp_path: Path, quiz: Quiz) -> Machines:
    made = Machines(tmp_path, quiz)
    made.study()
    return made


def test_killed_after_a_month_file_was_renamed_before_its_flags_were_committed(
    machines: Machines, quiz: Quiz
) -> None:
    laptop, desktop = machines.laptop, machines.desktop
    machines.killed_at("sent", laptop, "--name", "laptop")
    quick_check(laptop)
    # February's file is in place, whole and valid; nothing in the database says it was sent
    (february,) = machines.files(laptop)
    assert february.name == "2026-02.jsonl"
    sent_once = {entry.uuid for entry in folder_lines(machines.folder)}
    assert len(sent_once) == 3
    assert scalar(laptop, "SELECT count(*) FROM reviews WHERE journaled = 1") == 0
    assert rows(laptop, "SELECT path FROM sync_files") == []
    assert not list(machines.folder.glob("*/.*.tmp"))

    # the desktop takes February in before the laptop finishes the work
    assert machines.sync(desktop, "--name", "desktop")["received"] == 3
    report = machines.sync(laptop)
    own = own_entries(laptop)
    assert report["received"] == 2
    # February's three lines are either recognised as sent or sent again (readers skip them by UUID)
    resent = int(str(report["sent"])) - (len(own) - 3)
    assert resent in (0, 3)
    assert [path.name for path in machines.files(laptop)] == ["2026-02.jsonl", "2026-03.jsonl"]
    device = machines.device(laptop)
    counts = Counter(entry.uuid for entry in folder_lines(machines.folder) if entry.device == device)
    assert set(counts) == own
    assert {uuid: count for uuid, count in counts.items() if count > 1} == dict.fromkeys(
        sent_once if resent else (), 2
    )
    # the desktop takes in the rest, each entry once
    report = machines.sync(desktop)
    assert (report["received"], report["duplicates"]) == (len(own) - 3, resent)
    assert own <= held_entries(desktop)
    assert machines.sync(laptop)["received"] == 0
    assert_converged(machines, quiz)


def test_killed_inside_the_receive_transaction(machines: Machines, quiz: Quiz) -> None:
    laptop, desktop = machines.laptop, machines.desktop
    machines.sync(laptop, "--name", "laptop")
    laptop_files = {path: path.read_bytes() for path in machines.files(laptop)}
    held = uuids(desktop)
    machines.killed_at("received", desktop, "--name", "desktop")
    quick_check(desktop)
    folder_lines(machines.folder)
    # the desktop's own entries were sent and committed before the receive began
    assert scalar(desktop, "SELECT count(*) FROM reviews WHERE journaled = 0") == 0
    assert {path.name for path in machines.files(desktop)} == {"2026-03.jsonl"}
    # the receive is rolled back whole: none of the laptop's reviews, no position in its files
    assert uuids(desktop) == held
    laptop_device = machines.device(laptop)
    assert rows(desktop, "SELECT path FROM sync_files WHERE path LIKE ?", [f"{laptop_device}/%"]) == []
    assert rows(desktop, "SELECT count(*) FROM sync_undone") == [(0,)]
    assert {path: path.read_bytes() for path in machines.files(laptop)} == laptop_files

    report = machines.sync(desktop)
    assert (report["sent"], report["received"], report["duplicates"]) == (0, len(own_entries(laptop)), 0)
    assert machines.sync(laptop)["received"] == 2
    assert machines.sync(desktop)["received"] == 0
    assert_converged(machines, quiz)


def test_a_temporary_file_left_by_a_crash_is_never_read_and_is_removed_by_its_device(
    machines: Machines, quiz: Quiz
) -> None:
    laptop, desktop = machines.laptop, machines.desktop
    machines.sync(laptop, "--name", "laptop")
    machines.sync(desktop, "--name", "desktop")
    # a SIGKILL while the laptop wrote March again: its copy of the month and half a new line
    march = machines.folder / machines.device(laptop) / "2026-03.jsonl"
    stale = march.with_name(".2026-03.jsonl.123.tmp")
    stale.write_bytes(march.read_bytes() + b'{"v":1,"type":"review","uuid":"0b')
    with contextlib.closing(sqlite3.connect(desktop)) as conn:
        before = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    report = machines.sync(desktop)
    assert (report["received"], report["duplicates"], report["skipped"]) == (0, 0, 0)
    assert rows(desktop, "SELECT count(*) FROM reviews") == [(before,)]
    assert stale.exists()  # another device's file: only its own device removes it

    grade(laptop, "attention", "scale", 5, date(2026, 3, 9))
    assert machines.sync(laptop)["sent"] == 1
    assert not stale.exists()
    assert not list(machines.folder.glob("*/.*.tmp"))
    folder_lines(machines.folder)
    assert machines.sync(desktop)["received"] == 1
    assert_converged(machines, quiz)


def test_lines_this_database_never_wrote_are_still_refused(machines: Machines, quiz: Quiz) -> None:
    laptop = machines.laptop
    machines.sync(laptop, "--name", "laptop")
    march = machines.folder / machines.device(laptop) / "2026-03.jsonl"
    first = march.read_bytes().splitlines(keepends=True)[0]
    # a copy of this database graded elsewhere under the same device id: an entry this one never held
    stranger = json.loads(first)
    stranger["uuid"] = "00000000-0000-4000-8000-000000000000"
    march.write_bytes(march.read_bytes() + json.dumps(stranger).encode() + b"\n")
    held = march.read_bytes()
    grade(laptop, "attention", "scale", 5, date(2026, 3, 9))
    result = quiz("sync", "--json", db=laptop)
    assert result.exit_code == 1
    assert "is not as this device last wrote it" in result.output
    assert "quiz sync --new-device" in result.output
    assert march.read_bytes() == held
    assert scalar(laptop, "SELECT count(*) FROM reviews WHERE journaled = 0") == 1
