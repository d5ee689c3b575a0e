"""`quiz sync` when this machine's own files are not as it left them, or its folder moved (reviewer R2)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from tests.helpers import rows
from tests.test_sync_converge import DAY, Device, assert_converged, devices, first_sync

__all__ = ["devices"]  # the fixture, shared with the convergence tests

# Regressions that run whole syncs: the full suite runs them, the fast tier does not.
pytestmark = pytest.mark.slow


def own_file(device: Device, report_device: str) -> Path:
    return device.db.parent / "sync" / report_device / "2026-03.jsonl"


def test_a_lost_own_file_has_its_month_sent_again(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    a.grade("scale", 3, hour=10)
    report = first_sync(a)[0]
    own_file(a, report["device"]["id"]).unlink()  # a sync tool lost it
    again = a.sync()
    assert again["sent"] == 2
    first_sync(b)
    assert_converged(a, b, cli=True)


def test_an_own_file_cut_short_sends_what_it_lacks(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    first = first_sync(a)[0]
    a.grade("scale", 3, hour=10)
    a.sync()
    path = own_file(a, first["device"]["id"])
    path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n")  # an older copy came back
    again = a.sync()
    assert again["sent"] == 1
    first_sync(b)
    assert_converged(a, b, cli=True)


def test_a_new_folder_gets_this_machines_whole_history(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    first_sync(a)
    elsewhere = a.db.parent / "elsewhere"
    elsewhere.mkdir()
    moved = a.sync(elsewhere)
    assert moved["sent"] == 1
    assert moved["notes"] == ["A new sync folder: this machine's whole history was written to it."]
    b.sync(elsewhere, "--name", "b")
    assert_converged(a, b, cli=True)


def test_a_remembered_folder_that_is_gone_is_named_with_what_to_check(
    devices: Callable[[int], list[Device]],
) -> None:
    (a,) = devices(1)
    first_sync(a)
    shutil.rmtree(a.db.parent / "sync")
    result = a.quiz("sync")
    assert result.exit_code == 1
    assert "(remembered from the last sync) is not there: is its drive mounted" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_local_suspend_after_a_later_dated_unsuspend_from_elsewhere_wins_everywhere(
    devices: Callable[[int], list[Device]],
) -> None:
    a, b = devices(2)
    first_sync(a, b)
    b.quiz("unsuspend", "attention/qkv", now=datetime.combine(DAY, time(18), tzinfo=UTC))
    b.quiz("suspend", "attention/qkv", now=datetime.combine(DAY, time(17), tzinfo=UTC))
    b.quiz("unsuspend", "attention/qkv", now=datetime.combine(DAY, time(18, 1), tzinfo=UTC))
    b.sync()
    a.sync(now=datetime.combine(DAY, time(17, 58), tzinfo=UTC))
    # a's clock is two minutes behind b's: its suspend is still the newest thing done to the card
    a.quiz("suspend", "attention/qkv", now=datetime.combine(DAY, time(17, 59), tzinfo=UTC))
    a.sync()
    b.sync()
    assert rows(a.db, "SELECT suspended_on FROM cards WHERE card_id = 'qkv'") == [(DAY.isoformat(),)]
    assert_converged(a, b)


def test_a_restored_database_is_told_to_take_a_new_identity(devices: Callable[[int], list[Device]]) -> None:
    a, b = devices(2)
    a.grade("qkv", 4)
    first_sync(a, b)
    backup = a.db.parent / "backup.db"
    shutil.copyfile(a.db, backup)
    a.grade("scale", 3, hour=10)
    a.sync()
    shutil.copyfile(backup, a.db)  # the backup restored: the folder holds a review it does not
    check = a.quiz("check")
    assert check.exit_code == 1
    assert "quiz sync --new-device brings them back" in " ".join(check.stdout.split())
    refused = a.quiz("sync")
    assert refused.exit_code == 1
    assert "quiz sync --new-device" in refused.stderr
    assert a.sync("--new-device")["reviews"] == 1  # its own lost review, read back under the old id
    b.sync()
    assert_converged(a, b, cli=True)


@pytest.mark.slow
def test_a_copied_database_in_a_git_clone_is_refused_before_anything_is_written(
    devices: Callable[[int], list[Device]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reviewer R2's case: with --git the pull comes first, so the copy meets its original's lines and
    stops, instead of writing, committing and meeting a rebase conflict in its own file."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = t\n\temail = t@example.invalid\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    (a,) = devices(1)
    clones = {name: tmp_path / f"clone-{name}" for name in ("a", "copy")}
    for clone in clones.values():
        subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True, capture_output=True)
    a.grade("qkv", 4)
    a.sync(clones["a"], "--git", "--name", "a")
    copy = Device("copy", a.db.parent / "copy.db", a._run, a._patch)
    shutil.copyfile(a.db, copy.db)
    copy.sync(clones["copy"])  # the same files as the original's: nothing new
    a.grade("scale", 3, hour=10)
    copy.grade("bottleneck", 5, hour=11)
    a.sync()
    refused = copy.quiz("sync")
    assert refused.exit_code == 1
    assert "quiz sync --new-device" in refused.stderr
    status = subprocess.run(
        ["git", "-C", str(clones["copy"]), "status", "--porcelain"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "UU" not in status.stdout  # no conflict, no rebase in progress
    assert copy.sync("--new-device", "--name", "copy")["reviews"] == 1
    a.sync()
    assert_converged(a, copy, cli=True)
