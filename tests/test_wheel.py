"""The built wheel ships the bundled decks: install it in a fresh venv outside the tree and import them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from quizcards.adapters.sources import load_deck_paths

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_and_imports_its_bundled_decks(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        dist,
        ROOT,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("quizcards-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    source_decks = sorted(p.relative_to(ROOT / "decks").as_posix() for p in (ROOT / "decks").rglob("*.yaml"))
    assert source_decks, "the source tree has no bundled decks"
    shipped = sorted(n.removeprefix("quizcards/decks/") for n in names if n.startswith("quizcards/decks/"))
    assert shipped == source_decks

    target = tmp_path / "venv"
    # No pip of its own (ensurepip takes seconds): this pip installs into it, dependencies resolved as usual.
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        wheel,
        cwd=tmp_path,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZCARDS_") and k != "PYTHONPATH"}
    bundled = run(
        python,
        "-c",
        "from quizcards.adapters.sources import bundled_decks_dir; print(bundled_decks_dir())",
        cwd=tmp_path,
        env=env,
    ).strip()
    assert Path(bundled).is_relative_to(target), bundled
    db = tmp_path / "fresh.db"
    run(target / "bin" / "quiz", "--db", db, "import", bundled, cwd=tmp_path, env=env)
    decks = json.loads(run(target / "bin" / "quiz", "--db", db, "decks", "--json", cwd=tmp_path, env=env))
    assert len(decks) == len(source_decks)
    # every card of every deck arrived (tests/test_bundled_decks.py checks the decks' contents)
    bundled_cards = load_deck_paths([ROOT / "decks"])
    assert sum(deck["cards"] for deck in decks) == sum(len(deck.cards) for deck in bundled_cards.decks)
    version = run(python, "-m", "quizcards", "--version", cwd=tmp_path, env=env)
    assert version.startswith("quizcards ")
    _interview_commands_work(target / "bin" / "quiz", tmp_path, env)


def _interview_commands_work(quiz: Path, folder: Path, env: dict[str, str]) -> None:
    """quiz plan, cram and mock from the installed wheel, on its bundled decks (issue 16's "done when")."""
    import pexpect

    from tests.helpers import as_in_a_terminal

    db = folder / "interview.db"
    clock = {**env, "QUIZCARDS_NOW": "2026-12-07T09:00:00+00:00", "TERM": "xterm", "COLUMNS": "100"}
    bundled = run(
        folder / "venv" / "bin" / "python",
        "-c",
        "from quizcards.adapters.sources import bundled_decks_dir; print(bundled_decks_dir())",
        cwd=folder,
        env=env,
    ).strip()
    run(quiz, "--db", db, "import", bundled, cwd=folder, env=clock)
    plan = json.loads(
        run(
            quiz,
            "--db",
            db,
            "plan",
            "--by",
            "2026-12-20",
            "--deck",
            "attention",
            "--json",
            cwd=folder,
            env=clock,
        )
    )
    assert plan["version"] == 1

    def session(*args: str) -> pexpect.spawn:
        return pexpect.spawn(
            str(quiz), ["--db", str(db), *args], env=clock, encoding="utf-8", timeout=30,
            dimensions=(50, 100), preexec_fn=as_in_a_terminal,
        )  # fmt: skip

    # A cram needs studied cards: --new takes the never-seen ones in.
    cram = session("cram", "--new", "--deck", "attention", "--limit", "1")
    cram.expect_exact("> ")
    cram.send("\r")
    cram.expect_exact("q quit")
    cram.send("4")
    cram.expect_exact("That was the last card")
    cram.send("x")
    cram.expect(pexpect.EOF)
    cram.close()
    assert cram.exitstatus == 0, cram.before
    report = folder / "mock.md"
    mock = session("mock", "1", "--deck", "attention", "--seed", "1", "-o", str(report))
    mock.expect_exact("> ")
    mock.send("\r")
    mock.expect_exact("Grade yourself 0-5")
    mock.send("4")
    mock.expect(pexpect.EOF)
    mock.close()
    assert mock.exitstatus == 0, mock.before
    assert report.read_text(encoding="utf-8").startswith("#")
