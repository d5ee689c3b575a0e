"""`quiz sync --git` end to end with real git: a bare repository, two clones, two databases (slow)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import SMALL_DECK, Restore, deck_writer
from tests.helpers import QUIZ, grade, import_decks, quiz_env, rows

pytestmark = pytest.mark.slow

DAY = date(2026, 3, 10)
NOW = datetime.combine(DAY, time(20), tzinfo=UTC).isoformat()
LOG = """
    SELECT c.deck, c.card_id, r.uuid, r.reviewed_at, r.reviewed_on, r.grade, r.kind, r.repetitions_before,
        r.interval_before, r.easiness_before, r.due_before, r.repetitions_after, r.interval_after,
        r.easiness_after, r.due_after
    FROM reviews r JOIN cards c ON c.id = r.card ORDER BY c.deck, c.card_id, r.id
"""
SCHEDULES = """
    SELECT deck, card_id, repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews,
        last_reviewed_on, introduced_on, suspended_on
    FROM cards ORDER BY deck, card_id
"""


def build_device(folder: Path) -> None:
    import_decks(folder / "quiz.db", deck_writer(folder)("attention.yaml", SMALL_DECK))


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Neither the user's nor the system's git configuration takes part (for git and for quiz's git)."""
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(empty))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_SSH_COMMAND"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def git(where: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=where, capture_output=True, text=True,
        check=check, stdin=subprocess.DEVNULL,
    )  # fmt: skip


QUIZ_PROCESS: dict[str, Any] = {
    "capture_output": True,
    "text": True,
    "stdin": subprocess.DEVNULL,
    "timeout": 60,
}


def quiz_command(db: Path) -> list[str]:
    return [str(QUIZ), "--db", str(db), "sync", "--json"]


def sync(run: Callable[..., Result], db: Path, *args: str | Path) -> tuple[Result, dict[str, Any]]:
    result = run("sync", "--json", *args, db=db)
    return result, json.loads(result.stdout)


def test_two_clones_pushing_before_either_pulls_converge_through_git(
    git_home: Path,
    tmp_path: Path,
    restore: Restore,
    quiz: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = restore(build_device)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    clones = {name: tmp_path / f"clone-{name}" for name in ("a", "b")}
    dbs = {name: tmp_path / f"{name}.db" for name in ("a", "b")}
    for name in ("a", "b"):
        git(tmp_path, "clone", "--quiet", str(remote), clones[name].name)
        shutil.copyfile(template, dbs[name])
    monkeypatch.setenv("QUIZCARDS_NOW", NOW)

    grade(dbs["a"], "attention", "qkv", 4, DAY, at=time(9, tzinfo=UTC))
    first, report = sync(quiz, dbs["a"], clones["a"], "--git", "--name", "a")
    assert first.exit_code == 0, first.stderr
    assert report["git"]["pushed"] is True
    first, report = sync(quiz, dbs["b"], clones["b"], "--git", "--name", "b")
    assert first.exit_code == 0, first.stderr
    assert report["reviews"] == 1

    # Both grade; b's push meets a's, pushed between b's pull and b's push: b's first push is rejected.
    grade(dbs["a"], "attention", "qkv", 2, DAY, at=time(10, tzinfo=UTC))
    grade(dbs["a"], "attention", "scale", 5, DAY, at=time(11, tzinfo=UTC))
    grade(dbs["b"], "attention", "qkv", 5, DAY, at=time(8, tzinfo=UTC))
    grade(dbs["b"], "attention", "bottleneck", 3, DAY, at=time(12, tzinfo=UTC))
    real_run = subprocess.run
    raced: list[subprocess.CompletedProcess[str]] = []
    pushes: list[int] = []

    def racing(command: Any, *args: Any, **options: Any) -> Any:
        if isinstance(command, list) and "push" in command and options.get("cwd") == clones["b"]:
            if not raced:
                # a's whole `quiz sync`, as another process, while b is about to push
                raced.append(real_run(quiz_command(dbs["a"]), env=quiz_env(NOW), **QUIZ_PROCESS))
            done = real_run(command, *args, **options)
            pushes.append(done.returncode)
            return done
        return real_run(command, *args, **options)

    monkeypatch.setattr(subprocess, "run", racing)
    second, report_b = sync(quiz, dbs["b"])
    monkeypatch.setattr(subprocess, "run", real_run)
    assert [done.returncode for done in raced] == [0], [done.stderr for done in raced]
    assert json.loads(raced[0].stdout)["git"]["pushed"] is True
    assert second.exit_code == 0, second.stderr
    assert pushes[0] != 0, pushes  # rejected once, then pushed after pull --rebase
    assert pushes[-1] == 0, pushes
    assert report_b["git"]["pushed"] is True
    assert report_b["reviews"] == 2  # a's two new reviews, pulled by the second pull

    third, report_a = sync(quiz, dbs["a"])
    assert third.exit_code == 0, third.stderr
    assert report_a["reviews"] == 2
    again, report_b = sync(quiz, dbs["b"])
    assert again.exit_code == 0
    assert report_b["received"] == 0

    assert rows(dbs["a"], LOG) == rows(dbs["b"], LOG)
    assert rows(dbs["a"], SCHEDULES) == rows(dbs["b"], SCHEDULES)
    assert len(rows(dbs["a"], LOG)) == 5
    for name in ("a", "b"):
        assert quiz("check", db=dbs[name]).exit_code == 0
        assert git(clones[name], "status", "--porcelain").stdout == ""
        assert git(clones[name], "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "0"
    heads = {git(where, "rev-parse", "HEAD").stdout for where in (*clones.values(), remote)}
    assert len(heads) == 1
    history = git(remote, "log", "--format=%s", "--first-parent").stdout.splitlines()
    assert history == ["quiz sync: b", "quiz sync: a", "quiz sync: b", "quiz sync: a"]


def test_an_unreachable_remote_is_one_line_and_the_folder_part_is_done(
    git_home: Path, tmp_path: Path, restore: Restore, quiz: Callable[..., Result]
) -> None:
    db = restore(build_device)
    clone = tmp_path / "clone"
    git(tmp_path, "init", "--quiet", str(clone))
    git(clone, "remote", "add", "origin", str(tmp_path / "nowhere" / "remote.git"))
    grade(db, "attention", "qkv", 4, DAY)
    result, report = sync(quiz, db, clone, "--git", "--name", "a")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert report["git"]["problem"] in ("unreachable", "remote_missing")
    assert report["sent"] == 1
    assert rows(db, "SELECT journaled FROM reviews") == [(1,)]
    device = report["device"]["id"]
    assert (clone / device / "2026-03.jsonl").read_text().count("\n") == 1
    # the pull that comes first failed, so nothing was committed: the files wait in the folder, and the
    # next sync with a reachable remote commits and pushes them
    assert f"?? {device}/" in git(clone, "status", "--porcelain").stdout
    bare = tmp_path / "nowhere" / "remote.git"
    bare.parent.mkdir()
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    fixed, report = sync(quiz, db)
    assert fixed.exit_code == 0, fixed.stderr
    assert report["git"]["pushed"] is True
    assert git(clone, "log", "--format=%s").stdout.splitlines() == ["quiz sync: a"]
