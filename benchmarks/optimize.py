"""`quiz optimize` benchmark: a generated collection whose learner forgets by a known curve, fitted and saved.

The learner (what FSRS never sees; the model of tests/test_fsrs.py's ``learner`` and of
benchmarks/schedulers.py): each card has a difficulty delta ~ LogNormal(0, 0.4), clipped to [0.4, 2.5],
and one stability S in days. The first sight is a guess (recalled with probability 0.25), then
S = 4 / delta. Later, recall has probability p = exp(-t / S), t = days since the last scheduled review;
a success grows S by the factor 1 + 4 / delta · S^-0.15 · (e^(2(1 - p)) - 1), a lapse sets
S = max(2 / delta, 0.3 · S / delta^0.3). A recalled card is graded 5, 4 or 3 by p plus noise, a forgotten
one 0, 1 or 2; a grade below 4 is re-drilled the same day until it scores 4. SM-2 (quizcards' own,
``core.session.grade_effect``) schedules; ten new cards a day until all are seen.

The log goes in as `quiz check --repair` would have it: ``Store.bulk_insert_reviews`` then
``Store.repair_schedules``. The benchmark then switches the collection to FSRS and times, in this
process, the fit (``core.fsrs_fitting.fit_parameters``) and the rebuild of every card's FSRS state
(``Store.rebuild_fsrs_states``), and the whole `quiz optimize --yes` as a command.

    python benchmarks/optimize.py [--cards 1000] [--days 365] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quizcards.store.reviews import ReviewLogEntry

NEW_PER_DAY = 10


def simulated_log(pks: Sequence[int], start: date, days: int, seed: int) -> Iterator[ReviewLogEntry]:
    """The review log of the learner above over ``days`` days from ``start``, oldest first."""
    from quizcards.core.scheduler import NEW, Schedule
    from quizcards.core.session import grade_effect

    rng = random.Random(seed)
    delta = {pk: min(2.5, max(0.4, rng.lognormvariate(0, 0.4))) for pk in pks}
    strength: dict[int, float] = {}
    schedules: dict[int, Schedule] = {}
    due: dict[date, list[int]] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        today = due.pop(day, []) + list(pks[offset * NEW_PER_DAY : (offset + 1) * NEW_PER_DAY])
        second = 0
        for pk in today:
            before = schedules.get(pk, NEW)
            if before.last_reviewed_on is None:
                p, strength[pk] = 0.25, 4 / delta[pk]
            else:
                p = math.exp(-(day - before.last_reviewed_on).days / strength[pk])
            recalled = rng.random() < p
            if before.last_reviewed_on is not None and recalled:
                growth = 4 / delta[pk] * strength[pk] ** -0.15 * (math.exp(2 * (1 - p)) - 1)
                strength[pk] *= 1 + growth
            elif before.last_reviewed_on is not None:
                strength[pk] = max(2 / delta[pk], 0.3 * strength[pk] / delta[pk] ** 0.3)
            u = p + rng.gauss(0, 0.1)
            grade = rng.randrange(3) if not recalled else 5 if u > 0.9 else 4 if u > 0.65 else 3
            while True:
                log = grade_effect(schedules.get(pk, NEW), grade, day)
                second += 1
                yield _entry(pk, log, day, second)
                if log.kind == "scheduled":
                    schedules[pk] = log.after
                    if log.after.due_on is not None:
                        due.setdefault(log.after.due_on, []).append(pk)
                if grade >= 4:
                    break
                grade = 4 if rng.random() < 0.9 else 1


def _entry(pk: int, log: object, day: date, second: int) -> ReviewLogEntry:
    from quizcards.core.scheduler import ReviewLog
    from quizcards.store.reviews import log_entry

    assert isinstance(log, ReviewLog)
    moment = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(seconds=second)
    return log_entry(pk, log, reviewed_at=moment, explanation="", duration_ms=10_000)


def build(path: Path, *, cards: int, days: int, seed: int, today: date) -> int:
    """A collection at ``path`` (new) of one generated deck whose log ends the day before ``today``;
    returns how many review rows it holds."""
    from generate import write_deck

    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.importing import plan_deck_import
    from quizcards.store import Store

    start = today - timedelta(days=days)
    with (
        tempfile.TemporaryDirectory(prefix="quizcards-optimize-") as folder,
        Store.open(path, mode="write", create=True) as store,
    ):
        deck_file = write_deck(Path(folder) / "learner.yaml", cards, seed=seed, slug="learner")
        loaded = load_deck_paths([deck_file])
        assert not loaded.errors, loaded.errors
        plans = [plan_deck_import(deck, None, {}) for deck in loaded.decks]
        store.apply_import(plans, datetime(start.year, start.month, start.day, 7, tzinfo=UTC))
        stored = store.stored_cards("learner")
        pks = [card.pk for card in sorted(stored.values(), key=lambda card: card.position)]
        written = store.bulk_insert_reviews(simulated_log(pks, start, days, seed))
        store.repair_schedules(pks)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    today = date(2027, 1, 1)

    import random as random_module

    from quizcards.core.fsrs_fitting import fit_parameters
    from quizcards.store import Store

    with tempfile.TemporaryDirectory(prefix="quizcards-optimize-") as folder:
        db = Path(folder) / "quiz.db"
        started = time.perf_counter()
        rows = build(db, cards=options.cards, days=options.days, seed=options.seed, today=today)
        took = time.perf_counter() - started
        print(f"generated {options.cards:,} cards, {rows:,} review rows in {took:.1f} s")
        env = {**os.environ, "QUIZCARDS_NOW": f"{today.isoformat()}T09:00:00+00:00", "NO_COLOR": "1"}
        quiz = [sys.executable, "-m", "quizcards", "--db", str(db)]
        subprocess.run([*quiz, "config", "scheduler", "fsrs"], env=env, check=True, capture_output=True)
        with Store.open(db) as store:
            started = time.perf_counter()
            histories = [history for _name, history in store.fsrs_histories()]
            read = time.perf_counter() - started
            started = time.perf_counter()
            result = fit_parameters(histories, random_module.Random(17))
            fit = time.perf_counter() - started
            started = time.perf_counter()
            rebuilt = store.rebuild_fsrs_states()
            rebuild = time.perf_counter() - started
        print(f"read the log:  {read:.2f} s")
        print(
            f"fit:           {fit:.2f} s ({result.fitted_reviews:,} reviews of "
            f"{result.fitted_cards:,} cards; fitted: {result.fitted})"
        )
        if result.before and result.after:
            print(
                f"  held out:    log loss {result.before.log_loss:.3f} -> {result.after.log_loss:.3f}, "
                f"RMSE(bins) {result.before.rmse_bins:.3f} -> {result.after.rmse_bins:.3f} "
                f"on {result.after.reviews:,} reviews"
            )
        print(f"rebuild:       {rebuild:.2f} s ({rebuilt:,} cards)")
        started = time.perf_counter()
        done = subprocess.run(
            [*quiz, "optimize", "--yes"], env=env, check=True, capture_output=True, text=True
        )
        print(f"quiz optimize --yes: {time.perf_counter() - started:.2f} s wall")
        print("  " + "\n  ".join(done.stdout.strip().splitlines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
