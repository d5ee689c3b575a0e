"""Shared fixtures: an isolated environment, a fixed clock, deck files, stores and the CLI runner.

Shared helper functions (the direct import, grades, raw reads, spawning `quiz`) live in tests/helpers.py.
"""

from __future__ import annotations

import functools
import signal
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
import typer.testing
from typer.testing import CliRunner, Result

from quizcards.cli import app
from quizcards.store import Store
from tests.helpers import FIXED_NOW, import_decks

# typer turns the app into a click command on every invoke (about 0.1 s, more than most commands
# take): build it once per app. The command calls the same callbacks, which look up what they use
# at call time, so whatever a test patches still applies.
build_command = functools.cache(typer.testing._get_command)


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test touches the real user folders, the real clock zone or a real config."""
    home = tmp_path_factory.mktemp("home")
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


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[..., Path]:
    """Write a deck file (dedented text or raw bytes) under tmp_path/decks and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "decks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def deck_db(write_deck: Callable[..., Path], db_path: Path) -> Path:
    """A database file holding SMALL_DECK, imported as `quiz import` would, without the CLI."""
    import_decks(db_path, write_deck("attention.yaml", SMALL_DECK))
    return db_path


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
