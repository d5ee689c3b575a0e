"""Shared fixtures: an isolated environment, a fixed clock, deck files and the CLI runner."""

from __future__ import annotations

import signal
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner, Result

from quizcards.cli import app

FIXED_NOW = "2026-03-10T09:00:00+00:00"


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
def deck_db(quiz: Callable[..., Result], write_deck: Callable[..., Path], db_path: Path) -> Path:
    """A database holding SMALL_DECK."""
    assert quiz("import", write_deck("attention.yaml", SMALL_DECK)).exit_code == 0
    return db_path


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
def quiz(db_path: Path) -> Callable[..., Result]:
    """Run `quiz --db <db_path> ARGS...` in-process; returns the click Result."""
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
      The query is compared with every key; the softmax of the scores weights the values.
    points: [query, weighted sum]
    hints: [Think of a dictionary lookup.]
    tags: [attention]
  - id: scale
    q: Why divide by the square root of d_k?
    a: The dot products grow with d_k and saturate the softmax.
    points: [variance, softmax]
    hints: [Look at the variance of a dot product.]
  - id: bottleneck
    q: What did attention fix in seq2seq?
    a: The fixed-length context vector bottleneck.
    points: [fixed-length]
    hints: [What did the decoder see before?]
"""
