"""Shared fixtures: an isolated environment, a fixed clock, deck files, stores and the CLI runner.

Databases that many tests start from are built once per session and copied (`restore`, `Snapshots`).
Shared helper functions (the direct import, grades, raw reads, spawning `quiz`) live in tests/helpers.py.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner, Result

from quizcards.cli import app
from quizcards.store import Store
from tests.helpers import FAST_TIER_VARIABLE, FIXED_NOW, examples, import_decks


def pytest_configure(config: pytest.Config) -> None:
    """In the fast tier, properties try fewer examples (see tests/helpers.py ``examples``).

    Where PYTHONDONTWRITEBYTECODE=1 is set (this project's machines set it), pytest would rewrite and
    compile every test module again on every run, about 4 s of each process's start; the suite keeps
    its own bytecode (in the git-ignored __pycache__ folders) whatever the variable says. The `quiz`
    processes the tests spawn still follow it.
    """
    sys.dont_write_bytecode = False
    if "".join(str(config.option.markexpr).split()) == "notslow":
        os.environ[FAST_TIER_VARIABLE] = "1"
        settings.register_profile("fast-tier", max_examples=examples(100))
        settings.load_profile("fast-tier")


# typer turns the app into a click command on every invoke (about 0.1 s, more than most commands
# take): build it once per app. The command calls the same callbacks, which look up what they use
# at call time, so whatever a test patches still applies.
build_command = functools.cache(typer.testing._get_command)


@pytest.fixture(scope="session")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder that holds every test's home folder."""
    return tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def isolated_environment(homes: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the real user folders, the real clock zone or a real config."""
    # Not tmp_path_factory.mktemp: each numbered folder rescans the session's folder, which holds
    # one entry per test so far (about 2 ms a test by the end of the fast tier, and growing).
    home = Path(tempfile.mkdtemp(prefix="home-", dir=homes))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("QUIZCARDS_CONFIG", str(home / "no-config.toml"))
    monkeypatch.setenv("QUIZCARDS_NOW", FIXED_NOW)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("QUIZCARDS_DB", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quiz.db"


def deck_writer(folder: Path) -> Callable[..., Path]:
    """Write a deck file (dedented text or raw bytes) under folder/decks and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = folder / "decks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[..., Path]:
    """Write a deck file (dedented text or raw bytes) under tmp_path/decks and return its path."""
    return deck_writer(tmp_path)


Build = Callable[[Path], object]  # a plain function: its code names it
Restore = Callable[[Build], Path]


class Snapshots:
    """Folders built once per session (deck files under decks/, a database quiz.db), copied per test.

    Building a collection commits every migration, import and grade to disk: tens of milliseconds a
    test. A builder writes into the folder it is given, exactly as its test would into tmp_path; the
    copy then has its stored deck paths moved to the test's folder, so it is the database the test
    would have built itself (tests/test_fixtures.py compares the two).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[str, Path] = {}

    def restore(self, build: Build, into: Path) -> Path:
        """Copy build's folder into `into` (building it on first use); returns into/quiz.db."""
        # Keyed by where it is defined, not identity: a closure (one that calls a fixture such as
        # quiz) is a new object in every test, and a test module imported under two names (conftest
        # and tests.conftest) holds two copies of each function; each still builds the same folder.
        key = f"{build.__code__.co_filename}:{build.__qualname__}"
        folder = self.built.get(key)
        if folder is None:
            folder = self.root / f"{len(self.built)}-{build.__name__}"
            folder.mkdir()
            try:
                build(folder)
            except BaseException:
                shutil.rmtree(folder)
                raise
            self.built[key] = folder
        shutil.copytree(folder, into, dirs_exist_ok=True)
        database = into / "quiz.db"
        if database.exists():
            move_deck_paths(database, folder.resolve(), into.resolve())
        return database


def move_deck_paths(database: Path, old: Path, new: Path) -> None:
    """Point the decks stored from files under `old` at the same files under `new`."""
    prefix = f"{old}/"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as conn:
        conn.execute(
            "UPDATE decks SET source_path = ? || substr(source_path, ?) WHERE substr(source_path, 1, ?) = ?",
            [f"{new}/", len(prefix) + 1, len(prefix), prefix],
        )


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Snapshots:
    return Snapshots(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def restore(snapshots: Snapshots, tmp_path: Path) -> Restore:
    """restore(build): what build(folder) makes (deck files, quiz.db), built once per session and
    copied into tmp_path; returns tmp_path/quiz.db (the db_path fixture). A build is keyed by the
    builder's qualified name: a closure may use a fixture (quiz), never a test's own parameters."""
    return functools.partial(snapshots.restore, into=tmp_path)


def build_small_deck(folder: Path) -> None:
    import_decks(folder / "quiz.db", deck_writer(folder)("attention.yaml", SMALL_DECK))


@pytest.fixture
def deck_db(restore: Restore) -> Path:
    """A database file holding SMALL_DECK (from tmp_path/decks/attention.yaml), imported as `quiz
    import` would, without the CLI."""
    return restore(build_small_deck)


@pytest.fixture
def memory_store() -> Iterator[Store]:
    """A fresh, fully migrated in-memory store, closed after the test."""
    with Store.memory() as store:
        yield store


@pytest.fixture
def small_store(memory_store: Store, write_deck: Callable[..., Path]) -> Store:
    """An in-memory store holding SMALL_DECK (from tmp_path/decks/attention.yaml)."""
    import_decks(memory_store, write_deck("attention.yaml", SMALL_DECK))
    return memory_store


@pytest.fixture
def children() -> Iterator[list[pexpect.spawn]]:
    """Spawned processes, killed and closed after the test whatever happened."""
    spawned: list[pexpect.spawn] = []
    yield spawned
    for child in spawned:
        if child.isalive():
            child.kill(signal.SIGKILL)
        child.close()


@pytest.fixture
def quiz(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `quiz --db <db_path> ARGS...` in-process; returns the CliRunner's Result."""
    monkeypatch.setattr(typer.testing, "_get_command", build_command)
    runner = CliRunner()

    def run(*args: str | Path, input: str | None = None, db: Path | None = None) -> Result:
        argv = ["--db", str(db or db_path), *(str(a) for a in args)]
        return runner.invoke(app, argv, input=input, catch_exceptions=False)

    return run


SMALL_DECK = """
deck: attention
title: Attention
description: A small deck for tests.
tags: [nlp]
cards:
  - id: qkv
    q: What do Query, Key and Value mean in attention?
    a: |
      The query is compared with every key; the softmax of the scores weights the values, and the
      output is their weighted sum.
    points: [query, weighted sum]
    hints: [Think of a dictionary lookup.]
    tags: [attention]
  - id: scale
    q: Why divide by the square root of d_k?
    a: The dot products' variance grows with d_k, and they saturate the softmax.
    points: [variance, softmax]
    hints: [Look at the variance of a dot product.]
  - id: bottleneck
    q: What did attention fix in seq2seq?
    a: The fixed-length context vector bottleneck.
    points: [fixed-length]
    hints: [What did the decoder see before?]
"""
