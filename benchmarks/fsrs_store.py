"""What FSRS costs a large collection: the switch's full replay, one grade, the due query, the first question.

Every figure is FSRS against SM-2 on the same collection in the same run, as a ratio (the machines are
noisy; absolute times are printed for context):

1. switching to FSRS (`quiz config scheduler fsrs`'s store call: every card's scheduled reviews and
   re-drills replayed through py-fsrs into ``fsrs_states``), against SM-2's own full replay of the same
   log (``repair_schedules`` of every reviewed card, what `quiz check --repair` does);
2. one grade (``record_review``, the review row, SM-2's schedule and, under FSRS, the card's replay into
   its state), median over many cards, under each scheduler;
3. today's due query (``due_card_ids``), with its query plan, under each scheduler;
4. whole `quiz review` processes until the first question waits in a pseudo-terminal, under each
   scheduler, interleaved round by round.

The collection is bench.py's (generate.py builds it through quizcards' own code, cached in
benchmarks/results/): 100,000 cards and 1,000,000 reviews by default, `--quick` 2,000 and 20,000.

Usage:
    python benchmarks/fsrs_store.py [--quick] [--grades N] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench import (  # noqa: E402
    QUICK,
    RESULTS,
    Plan,
    cached_collection,
    child_env,
    data_home,
    run_in_terminal,
    take_daily_backup,
)
from generate import CollectionSpec  # noqa: E402


def main() -> int:
    options = parse_options()
    plan = QUICK if options.quick else Plan()
    spec = CollectionSpec(cards=plan.cards, decks=plan.decks, reviews=plan.reviews, days=plan.days)
    RESULTS.mkdir(exist_ok=True)
    collection, summary = cached_collection(RESULTS, spec)
    print(
        f"collection: {summary.cards:,} cards, {summary.reviews:,} reviews, "
        f"{summary.reviewed_cards:,} reviewed"
    )
    with tempfile.TemporaryDirectory(prefix="quizcards-fsrs-bench-") as folder:
        work = Path(folder)
        switch(collection, work)
        grades(collection, work, spec, options.grades)
        due_query(collection, work, spec)
        first_question(collection, work, spec, options.runs)
    return 0


def copy(collection: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(collection, target)
    return target


def switch(collection: Path, work: Path) -> None:
    from quizcards.store import Store

    db = copy(collection, work / "switch" / "q.db")
    with Store.open(db) as store:
        reviewed = [row[0] for row in store.conn.execute("SELECT id FROM cards WHERE reviews > 0")]
        started = time.perf_counter()
        store.repair_schedules(reviewed)
        sm2 = time.perf_counter() - started
        started = time.perf_counter()
        cards = store.set_setting("scheduler", "fsrs")
        fsrs = time.perf_counter() - started
        rows = store.conn.execute(
            "SELECT count(*) FROM reviews WHERE kind IN ('scheduled', 'redrill')"
        ).fetchone()[0]
    print(
        f"1. full replay of {rows:,} log rows: SM-2 (repair_schedules) {sm2:.2f} s, "
        f"FSRS (switch, {cards:,} cards) {fsrs:.2f} s: {fsrs / sm2:.1f}x SM-2, "
        f"{rows / fsrs:,.0f} rows/s"
    )


def grades(collection: Path, work: Path, spec: CollectionSpec, count: int) -> None:
    from quizcards.core.scheduler import Grade
    from quizcards.core.session import SessionFilter, grading
    from quizcards.store import Store

    today = spec.today
    at = datetime(today.year, today.month, today.day, 9, tzinfo=UTC)
    times: dict[str, list[float]] = {}
    for scheduler in ("sm2", "fsrs"):
        db = copy(collection, work / f"grades-{scheduler}" / "q.db")
        with Store.open(db) as store:
            store.set_setting("scheduler", scheduler)
            due = store.due_card_ids(today, SessionFilter())[:count]
            store.record_review(
                due[0], grading(Grade(4), today), reviewed_at=at, explanation="", duration_ms=1
            )
            samples = []
            for pk in due[1:]:
                started = time.perf_counter()
                store.record_review(
                    pk, grading(Grade(4), today), reviewed_at=at, explanation="", duration_ms=1
                )
                samples.append(time.perf_counter() - started)
            times[scheduler] = samples
    sm2, fsrs = (statistics.median(times[name]) * 1000 for name in ("sm2", "fsrs"))
    print(
        f"2. one grade (median of {len(times['fsrs'])}): SM-2 {sm2:.2f} ms, FSRS {fsrs:.2f} ms: "
        f"{fsrs / sm2:.1f}x"
    )


def due_query(collection: Path, work: Path, spec: CollectionSpec) -> None:
    from quizcards.core.session import SessionFilter
    from quizcards.store import Store

    db = copy(collection, work / "due" / "q.db")
    with Store.open(db) as store:
        figures = {}
        outlooks: dict[str, float] = {}
        for scheduler in ("sm2", "fsrs"):
            store.set_setting("scheduler", scheduler)
            statements: list[str] = []
            store.conn.set_trace_callback(statements.append)
            store.due_card_ids(spec.today, SessionFilter())
            store.conn.set_trace_callback(None)
            query = next(sql for sql in statements if "SELECT c.id" in sql)
            plan = " / ".join(
                row[3]
                for row in store.conn.execute(
                    "EXPLAIN QUERY PLAN " + query, {"today": spec.today.isoformat()}
                )
            )
            samples = []
            for _ in range(7):
                started = time.perf_counter()
                due = store.due_card_ids(spec.today, SessionFilter())
                samples.append(time.perf_counter() - started)
            figures[scheduler] = (statistics.median(samples) * 1000, len(due), plan)
            outlook = []
            for _ in range(7):
                started = time.perf_counter()
                store.outlook(spec.today, SessionFilter())
                outlook.append(time.perf_counter() - started)
            outlooks[scheduler] = statistics.median(outlook) * 1000
    for scheduler, (ms, count, plan) in figures.items():
        print(f"3. due query under {scheduler}: {ms:.1f} ms, {count:,} due; plan: {plan}")
    print(f"   FSRS / SM-2: {figures['fsrs'][0] / figures['sm2'][0]:.2f}x")
    print(
        f"   the outlook (after a session, or when nothing is due): SM-2 {outlooks['sm2']:.1f} ms, "
        f"FSRS {outlooks['fsrs']:.1f} ms: {outlooks['fsrs'] / outlooks['sm2']:.2f}x"
    )
    # FSRS and SM-2 find different numbers of cards due, and the query's cost follows that number.
    per_card = {name: ms * 1000 / max(1, count) for name, (ms, count, _plan) in figures.items()}
    print(
        f"   per due card: SM-2 {per_card['sm2']:.1f} µs, FSRS {per_card['fsrs']:.1f} µs: "
        f"{per_card['fsrs'] / per_card['sm2']:.1f}x"
    )


def first_question(collection: Path, work: Path, spec: CollectionSpec, runs: int) -> None:
    from quizcards.store import Store

    quiz = Path(sys.executable).with_name("quiz")
    (work / "home" / ".config").mkdir(parents=True, exist_ok=True)
    now = datetime(spec.today.year, spec.today.month, spec.today.day, 9, tzinfo=UTC)
    envs = {}
    for scheduler in ("sm2", "fsrs"):
        home, db = data_home(work, f"review-{scheduler}", collection)
        with Store.open(db) as store:
            store.set_setting("scheduler", scheduler)
        take_daily_backup(db, spec.today)
        envs[scheduler] = child_env(work, now, home)
    samples: dict[str, list[float]] = {"sm2": [], "fsrs": []}
    for round_number in range(runs + 1):
        for scheduler, env in envs.items():
            sample = run_in_terminal([str(quiz), "review"], env, ("Question", "> "))
            if round_number:  # the first round warms the caches
                samples[scheduler].append(sample.seconds)
    sm2, fsrs = (statistics.median(samples[name]) for name in ("sm2", "fsrs"))
    print(
        f"4. quiz review to the first question (median of {runs}): SM-2 {sm2 * 1000:.0f} ms, "
        f"FSRS {fsrs * 1000:.0f} ms: {fsrs / sm2:.2f}x"
    )


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cards and 20,000 reviews")
    parser.add_argument("--grades", type=int, default=200, help="grades timed under each scheduler")
    parser.add_argument("--runs", type=int, default=9, help="first-question runs under each scheduler")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(main())
