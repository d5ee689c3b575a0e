"""Helpers shared by the test files: decks into a store without the CLI, grades, raw reads, spawned `quiz`.

Kept small on purpose: each is a thin call of one store or pexpect function, so a renamed
store method is changed here once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import Result

if TYPE_CHECKING:
    import pexpect

    from quizcards.core.importing import DeckPlan
    from quizcards.store import Store

Quiz = Callable[..., Result]
WriteDeck = Callable[..., Path]

FIXED_NOW = "2026-03-10T09:00:00+00:00"
QUIZ = Path(sys.executable).with_name("quiz")


# ---- the database -----------------------------------------------------------------------------


def rows(db: Path, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one query on a plain connection, closed afterwards (3.13 warns of one left open)."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, parameters).fetchall()


def scalar(db: Path, sql: str, parameters: Sequence[Any] = ()) -> Any:
    return rows(db, sql, parameters)[0][0]


def import_decks(store: Store | Path, *paths: Path, now: str = FIXED_NOW) -> list[DeckPlan]:
    """Deck files or folders into a store (or a database file, created if need be) as `quiz import`
    does, without the CLI: adapters.sources reads, core.importing plans, the store applies."""
    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.importing import plan_import
    from quizcards.store import Store

    if isinstance(store, Path):
        with Store.open(store, create=True) as opened:
            return import_decks(opened, *paths, now=now)
    loaded = load_deck_paths(list(paths))
    assert not loaded.errors, [str(problem) for problem in loaded.errors]
    roots = [str(path.resolve()) for path in paths]
    plans = plan_import(loaded.decks, store.stored_decks(), store.stored_cards, roots)
    store.apply_import(plans, datetime.fromisoformat(now))
    return plans


def pk_of(db: Store | Path, deck: str, card_id: str) -> int:
    """The row id of a card, by deck slug and card id."""
    if isinstance(db, Path):
        return int(scalar(db, "SELECT id FROM cards WHERE deck = ? AND card_id = ?", [deck, card_id]))
    return db.stored_cards(deck)[card_id].pk


def grade(
    db: Store | Path,
    deck: str,
    card_id: str,
    value: int,
    day: date,
    text: str = "",
    ms: int = 1000,
    *,
    at: time = time(9),
) -> None:
    """Record one grade of a card on a day (at 09:00 UTC unless told), as a review would."""
    from quizcards.core.scheduler import Grade
    from quizcards.core.session import grading
    from quizcards.store import Store

    if isinstance(db, Path):
        with Store.open(db) as store:
            grade(store, deck, card_id, value, day, text, ms=ms, at=at)
        return
    db.record_review(
        pk_of(db, deck, card_id),
        grading(Grade(value), day),
        reviewed_at=datetime.combine(day, at, tzinfo=at.tzinfo or UTC),
        explanation=text,
        duration_ms=ms,
    )


# ---- the installed command in a terminal ------------------------------------------------------


def quiz_env(
    now: str = FIXED_NOW, *, term: str = "dumb", colour: bool = False, **extra: str
) -> dict[str, str]:
    """The environment of a spawned `quiz`: this test's folders, a fixed clock, UTC, UTF-8."""
    dropped = ("QUIZCARDS_", "COLUMNS", "NO_COLOR")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.update({"QUIZCARDS_NOW": now, "TZ": "UTC", "TERM": term, "LANG": "C.UTF-8"})
    if not colour:
        env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def spawn(
    *args: str | Path,
    env: dict[str, str],
    dimensions: tuple[int, int] = (50, 120),
    encoding: str | None = "utf-8",
) -> pexpect.spawn:
    """The installed `quiz ARGS...` in a pseudo-terminal; add it to the `children` fixture's list."""
    import pexpect

    return pexpect.spawn(
        str(QUIZ),
        [str(arg) for arg in args],
        env=env,
        encoding=encoding,
        timeout=20,
        dimensions=dimensions,
        preexec_fn=as_in_a_terminal,
    )


def as_in_a_terminal() -> None:
    """Give the child Ctrl-C as a shell in a terminal does: a suite started in the background (`cmd &`
    without job control, as a CI runner may) ignores SIGINT, and every child would inherit that, so the
    test of Ctrl-C would wait for a signal that never comes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


# The fast tier (`-m "not slow"`, set in tests/conftest.py) is the quick loop while working: each property
# tries a quarter of its examples there. The full suite, which CI runs, tries them all.
FAST_TIER_VARIABLE = "QUIZCARDS_FAST_TIER"


def examples(full: int) -> int:
    """How many examples a property tries: ``full`` in the full suite, a quarter (at least 10) in the fast
    tier."""
    return max(10, full // 4) if os.environ.get(FAST_TIER_VARIABLE) == "1" else full


def fsrs_states_out_of_date(store: Store) -> list[tuple[str, str]]:
    """The (deck, card id) of cards whose stored FSRS state is not its replay, as `quiz check` finds them
    ([] under SM-2, where the states are not in use)."""
    check = store.check_schedules().fsrs
    if check is None:
        return []
    assert check.not_checked is None, check.not_checked
    return [*check.differ, *check.missing, *check.stray]


# The review log's INSERT as quizcards wrote it before m009 (no UUID): takes the same values, the UUID
# last, and drops it, so the current store can grade in a database built by an older quizcards.
_REVIEW_INSERT_BEFORE_M009 = """
    INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation,
        duration_ms, scheduler, repetitions_before, interval_before, easiness_before,
        due_before, repetitions_after, interval_after, easiness_after, due_after)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ? IS NOT NULL
"""


@contextlib.contextmanager
def before_migration(name: str) -> Iterator[None]:
    """Inside: quizcards as it was before the migration ``name`` (the ones before it, and their writes)."""
    from quizcards.store import imports, migrations, reviews

    count = migrations.NAMES.index(name)
    sync = migrations.NAMES.index("m009_sync")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:count])
        patch.setattr(migrations, "NAMES", migrations.NAMES[:count])
        if count <= sync:
            patch.setattr(reviews, "_REVIEW_INSERT", _REVIEW_INSERT_BEFORE_M009)
            patch.setattr(imports, "_ANY_PENDING", "SELECT 0")
            patch.setattr(imports, "_ANY_EVENTS", "SELECT 0")
        yield
