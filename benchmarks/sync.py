"""What `quiz sync` costs a large collection: the first sync both ways, then 100 new reviews, then nothing.

Issue 18's benchmark. The sender is bench.py's collection (100,000 cards, 1,000,000 reviews;
`--quick` 2,000 and 20,000) as it was before m009, opened with the Store so that m009 applies
(its time is a figure of its own). The receiver is "a new machine that imported its decks": a
copy of the upgraded sender with an empty log and every schedule reset, as the prototype's
(/work/notes/sync-proto/bench.sh). Then, each as a real `python -m quizcards --db DB sync` process:

a. the sender's first sync (writes every entry to the folder);
b. the receiver's first sync (takes every entry in, re-derives every card);
c. the sender grades 100 cards (through the store, a day after its log ends) and syncs;
d. the receiver's incremental sync of those 100;
e. a sync of each with nothing new;
f. the folder's size, raw and gzipped;
g. correctness: the receiver's log and schedules against the sender's, row by row.

Each sync is timed whole (wall, so Python's start-up is included) and in-process (from just
before the command runs to its exit, imports of quizcards.cli excluded); the peak memory is the
child's own (wait4's ru_maxrss; the parent stays small, see "parent" in the output).

Usage:
    python benchmarks/sync.py [--quick] [--cache-dir DIR] [--work DIR] [--keep] [--profile | --no-profile]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import QUICK, RESULTS, Plan, cached_collection  # noqa: E402
from generate import CollectionSpec  # noqa: E402

# The prototype's first receive (sync-design.md section 6); far slower than this means a regression.
PROTOTYPE_FIRST_RECEIVE_S = 89.0
PROFILE_ABOVE_S = 300.0
MB = 1024  # ru_maxrss is in kilobytes on Linux

# A child that runs `python -m quizcards ARGS` exactly as -m does, and writes how long the command
# itself took (after quizcards.cli is imported) to the file named first.
_TIMED = """
import atexit, runpy, sys, time
import quizcards.cli
out = sys.argv.pop(1)
started = time.perf_counter()
atexit.register(lambda: open(out, "w").write(str(time.perf_counter() - started)))
sys.argv[0] = "quizcards"
runpy.run_module("quizcards", run_name="__main__", alter_sys=True)
"""

# m009 as a user meets it: the first Store.open of the old database (the backup taken first, then
# the migration), timed apart.
_UPGRADE = """
import json, sys, time
from datetime import datetime, timezone
from pathlib import Path
from quizcards.store import Store
from quizcards.store.base import BaseStore
spent = []
original = BaseStore.backup_automatically
def timed(self, *args, **kwargs):
    started = time.perf_counter()
    result = original(self, *args, **kwargs)
    spent.append(time.perf_counter() - started)
    return result
BaseStore.backup_automatically = timed
started = time.perf_counter()
with Store.open(Path(sys.argv[1]), now=datetime(2026, 3, 10, 9, tzinfo=timezone.utc)):
    pass
json.dump({"open": time.perf_counter() - started, "backup": sum(spent)}, open(sys.argv[2], "w"))
"""

# 100 new reviews on the sender, on 100 reviewed cards, the day after its log ends (add100.py's).
_GRADE = """
import sys
from datetime import date, datetime, timezone
from quizcards.core.scheduler import Grade
from quizcards.core.session import grading
from pathlib import Path
from quizcards.store import Store
day = date.fromisoformat(sys.argv[2])
with Store.open(Path(sys.argv[1])) as store:
    pks = [pk for (pk,) in store.conn.execute("SELECT DISTINCT card FROM reviews ORDER BY card LIMIT 100")]
    for i, pk in enumerate(pks):
        at = datetime(day.year, day.month, day.day, 10, i // 60, i % 60, tzinfo=timezone.utc)
        store.record_review(pk, grading(Grade(4), day), reviewed_at=at, explanation="", duration_ms=5000)
print(len(pks))
"""

_RESET = """
    DELETE FROM reviews;
    DELETE FROM fsrs_states;
    DELETE FROM sync_undone;
    DELETE FROM sync_card_events;
    DELETE FROM sync_pending;
    DELETE FROM sync_files;
    DELETE FROM sync_settings;
    DELETE FROM sync_devices WHERE is_self = 0;
    UPDATE sync_devices SET device_id = NULL, name = NULL;
    UPDATE cards SET repetitions = 0, interval_days = 0, easiness_hundredths = 250, due_on = NULL,
        lapses = 0, reviews = 0, last_reviewed_on = NULL, introduced_on = NULL, buried_on = NULL;
"""

# What must be equal on both sides: each entry (by UUID) with its card, facts, derived kind and
# schedules; and each card's schedule.
_LOG = """
    SELECT r.uuid, c.deck, c.card_id, r.reviewed_at, r.reviewed_on, r.grade, r.kind, r.repetitions_before,
        r.interval_before, r.easiness_before, r.due_before, r.repetitions_after, r.interval_after,
        r.easiness_after, r.due_after, r.explanation, r.duration_ms
    FROM {0}.reviews r JOIN {0}.cards c ON c.id = r.card
"""
_CARDS = """
    SELECT deck, card_id, repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews,
        last_reviewed_on, introduced_on, suspended_on, buried_on
    FROM {0}.cards
"""
# Rows of a card whose id order is not its (day, time, UUID) order.
_ORDER = """
    SELECT count(*) FROM (
        SELECT reviewed_on || reviewed_at || uuid AS key,
            lag(reviewed_on || reviewed_at || uuid) OVER (PARTITION BY card ORDER BY id) AS previous
        FROM {0}.reviews
    ) WHERE previous > key
"""


@dataclass
class Run:
    """One child process: wall time, the command's own time, its peak memory, what it printed."""

    wall: float
    inside: float | None
    peak_mb: float
    stdout: str

    def figures(self) -> str:
        inside = "" if self.inside is None else f" ({self.inside:.2f} s in-process)"
        return f"{self.wall:.2f} s wall{inside}, {self.peak_mb:.0f} MB peak"


def main() -> int:
    options = parse_options()
    plan = QUICK if options.quick else Plan()
    spec = CollectionSpec(cards=plan.cards, decks=plan.decks, reviews=plan.reviews, days=plan.days)
    collection = before_m009(options.cache_dir, spec)
    work = Path(tempfile.mkdtemp(prefix="quizcards-sync-bench-", dir=options.work))
    try:
        measure(collection, work, spec, profile=options.profile, never=options.no_profile)
    finally:
        if options.keep:
            print(f"(kept: {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cards and 20,000 reviews")
    parser.add_argument(
        "--cache-dir", type=Path, default=RESULTS, help="where bench.py's collections are cached"
    )
    parser.add_argument("--work", type=Path, default=None, help="where the databases and folder go")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (its path is printed)")
    parser.add_argument(
        "--no-profile", action="store_true", help="never profile the first receive, however slow"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"profile the first receive again under cProfile (done anyway above {PROFILE_ABOVE_S:.0f} s)",
    )
    return parser.parse_args()


def before_m009(cache: Path, spec: CollectionSpec) -> Path:
    """The cached collection as it was before m009 (the newest such), else one built at today's schema."""
    older = sorted(
        (path for path in cache.glob(f"collection-{spec.key}-m00*.db") if "-m009" not in path.name),
        key=lambda path: path.name,
    )
    if older:
        return older[-1]
    cache.mkdir(parents=True, exist_ok=True)
    return cached_collection(cache, spec)[0]


def child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIZCARDS_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        QUIZCARDS_NOW="2026-03-11T09:00:00+00:00",
        TZ="UTC",
        NO_COLOR="1",
        LANG="C.UTF-8",
    )
    return env


def child(argv: list[str], *, inside: Path | None = None) -> Run:
    """Run argv to its end; its wall time, peak memory (wait4) and output; fails loudly on an error."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=child_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        if code != 0:
            message = errors.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(argv)} exited with {code}:\n{message}")
        seconds = float(inside.read_text()) if inside is not None and inside.exists() else None
        return Run(wall, seconds, usage.ru_maxrss / MB, out.read().decode("utf-8", "replace"))


def quiz(work: Path, db: Path, *args: str | Path) -> Run:
    """`python -m quizcards --db DB ARGS` (timed inside as well)."""
    inside = work / "inside.txt"
    inside.unlink(missing_ok=True)
    argv = [sys.executable, "-c", _TIMED, str(inside), "--db", str(db), *(str(a) for a in args)]
    return child(argv, inside=inside)


def sync(work: Path, db: Path, *args: str) -> tuple[Run, dict[str, Any]]:
    run = quiz(work, db, "sync", *args, "--json")
    report: dict[str, Any] = json.loads(run.stdout)
    return run, report


def measure(collection: Path, work: Path, spec: CollectionSpec, *, profile: bool, never: bool) -> None:
    folder = work / "folder"
    folder.mkdir()
    sender, receiver = work / "sender.db", work / "receiver.db"
    shutil.copyfile(collection, sender)
    with sqlite3.connect(sender) as conn:
        log = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        cards = conn.execute("SELECT count(*) FROM cards").fetchone()[0]
        reviewed = conn.execute("SELECT count(DISTINCT card) FROM reviews").fetchone()[0]
    conn.close()
    print(f"collection: {collection.name}")
    print(f"  {cards:,} cards, {log:,} reviews, {reviewed:,} cards reviewed; {size_mb(sender):.0f} MB")

    timings = work / "upgrade.json"
    run = child([sys.executable, "-c", _UPGRADE, str(sender), str(timings)])
    upgrade = json.loads(timings.read_text())
    print(
        f"m009 (the first Store.open): {run.wall:.1f} s wall, {run.peak_mb:.0f} MB peak; of it the backup "
        f"taken first {upgrade['backup']:.1f} s, the migration {upgrade['open'] - upgrade['backup']:.1f} s; "
        f"the database {size_mb(collection):.0f} MB -> {size_mb(sender):.0f} MB"
    )
    shutil.rmtree(work / "backups", ignore_errors=True)

    started = time.perf_counter()
    fresh_receiver(sender, receiver)
    pristine = work / "receiver0.db"
    shutil.copyfile(receiver, pristine)
    made = time.perf_counter() - started
    print(f"receiver: the same cards, an empty log, schedules reset ({made:.0f} s to make)")
    print()

    first_send, report = sync(work, sender, str(folder), "--name", "sender")
    print(f"a. sender's first sync: {first_send.figures()}")
    print(f"   sent {report['sent']:,} entries")
    files = sorted(folder.glob("*/*.jsonl"))
    raw = sum(path.stat().st_size for path in files)
    print(f"   {len(files)} month files, {raw:,} bytes ({raw / max(1, report['sent']):.0f} bytes a line)")

    first_receive, report = sync(work, receiver, str(folder), "--name", "receiver")
    print(f"b. receiver's first sync: {first_receive.figures()}")
    print(
        f"   received {report['received']:,} ({report['reviews']:,} reviews, {report['duplicates']:,} "
        f"duplicates), {report['cards_updated']:,} cards updated, {report['rewritten']:,} rewritten; "
        f"{report['files_read']} files read"
    )
    print(
        f"   {first_receive.wall / PROTOTYPE_FIRST_RECEIVE_S:.2f}x the prototype's "
        f"{PROTOTYPE_FIRST_RECEIVE_S:.0f} s; "
        f"{log / first_receive.wall:,.0f} entries/s"
    )

    day = (spec.today).isoformat()
    graded = child([sys.executable, "-c", _GRADE, str(sender), day])
    send, report = sync(work, sender)
    print(f"c. sender grades {graded.stdout.strip()} cards on {day} ({graded.wall:.1f} s), then syncs:")
    print(f"   {send.figures()}")
    print(f"   sent {report['sent']}")

    incremental, report = sync(work, receiver)
    print(f"d. receiver's incremental sync: {incremental.figures()}")
    print(
        f"   received {report['received']}, {report['cards_updated']} cards updated, "
        f"{report['rewritten']} rewritten, {report['files_read']} files read"
    )
    print(
        f"   vs the first receive: {incremental.wall / first_receive.wall:.4f}x wall"
        + ratio(incremental, first_receive)
    )

    idle, report = sync(work, receiver)
    idle_sender, sender_report = sync(work, sender)
    print(f"e. nothing new: receiver {idle.figures()}; sender {idle_sender.figures()}")
    print(f"   received {report['received']} / {sender_report['received']}, sent {sender_report['sent']}")
    print(f"   vs the incremental sync: {idle.wall / incremental.wall:.2f}x wall" + ratio(idle, incremental))

    started = time.perf_counter()
    packed = gzipped_size(sorted(folder.glob("*/*.jsonl")))
    raw = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    print(
        f"f. the folder: {raw:,} bytes ({raw / 1e6:.1f} MB); gzip -6 of its month files {packed:,} bytes "
        f"({packed / 1e6:.1f} MB, {packed / raw:.0%}; {time.perf_counter() - started:.1f} s)"
    )
    print("g. " + compare(sender, receiver))
    print(f"   (parent process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB:.0f} MB peak)")

    if profile or (first_receive.wall > PROFILE_ABOVE_S and not never):
        profile_first_receive(work, pristine, folder)


def ratio(part: Run, whole: Run) -> str:
    if part.inside is None or whole.inside is None or not whole.inside:
        return ""
    return f", {part.inside / whole.inside:.4f}x in-process"


def size_mb(db: Path) -> float:
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists()) / 1e6


def fresh_receiver(sender: Path, receiver: Path) -> None:
    """A copy of the sender as a machine that only imported the same decks: no log, schedules reset."""
    conn = sqlite3.connect(sender, isolation_level=None)
    try:
        conn.execute("VACUUM INTO ?", [str(receiver)])
    finally:
        conn.close()
    conn = sqlite3.connect(receiver, isolation_level=None)
    try:
        conn.executescript(f"BEGIN; {_RESET} COMMIT;")
        conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def gzipped_size(files: list[Path]) -> int:
    """The size of every month file concatenated and gzipped at level 6 (`cat */*.jsonl | gzip -6`)."""

    class Counter:
        size = 0

        def write(self, data: bytes) -> int:
            self.size += len(data)
            return len(data)

        def flush(self) -> None:
            pass

    counter = Counter()
    with gzip.GzipFile(fileobj=counter, mode="wb", compresslevel=6) as packed:  # type: ignore[arg-type]
        for path in files:
            with open(path, "rb") as handle:
                shutil.copyfileobj(handle, packed, 1024 * 1024)
    return counter.size


def compare(sender: Path, receiver: Path) -> str:
    conn = sqlite3.connect(sender)
    try:
        conn.execute("ATTACH ? AS other", [str(receiver)])
        mine, theirs = _LOG.format("main"), _LOG.format("other")
        rows = [conn.execute(f"SELECT count(*) FROM {db}.reviews").fetchone()[0] for db in ("main", "other")]
        log_differ = conn.execute(
            f"SELECT (SELECT count(*) FROM ({mine} EXCEPT {theirs})) "
            f"+ (SELECT count(*) FROM ({theirs} EXCEPT {mine}))"
        ).fetchone()[0]
        card_differ = conn.execute(
            f"SELECT count(*) FROM ({_CARDS.format('main')} EXCEPT {_CARDS.format('other')})"
        ).fetchone()[0]
        order = [conn.execute(_ORDER.format(db)).fetchone()[0] for db in ("main", "other")]
        unjournaled = conn.execute("SELECT count(*) FROM main.reviews WHERE journaled = 0").fetchone()[0]
        checks = [conn.execute(f"PRAGMA {db}.quick_check").fetchone()[0] for db in ("main", "other")]
    finally:
        conn.close()
    return (
        f"correctness: log rows {rows[0]:,} (sender) vs {rows[1]:,} (receiver), "
        f"rows differing {log_differ:,}; "
        f"cards whose schedule differs {card_differ:,}; id-order violations {order[0]} / {order[1]}; "
        f"sender rows not journaled {unjournaled}; quick_check {checks[0]} / {checks[1]}"
    )


def profile_first_receive(work: Path, pristine: Path, folder: Path) -> None:
    """The receiver's first sync again, from its state before, under cProfile; where the time goes."""
    import pstats

    db = work / "profiled.db"
    shutil.copyfile(pristine, db)
    output = work / "receive.prof"
    argv = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "quizcards", "--db", str(db)]
    run = child([*argv, "sync", str(folder), "--name", "profiled", "--json"])
    print()
    print(f"profile of the first receive (under cProfile: {run.wall:.1f} s wall), by cumulative time:")
    stats = pstats.Stats(str(output))
    width = 60
    entries = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)  # type: ignore[attr-defined]
    print(f"   {'cumulative s':>12} {'own s':>8} {'calls':>10}  function")
    shown = 0
    for (filename, line, name), (_, calls, own, cumulative, _) in entries:
        if "quizcards" not in filename and not name.startswith("<method"):
            continue
        where = f"{name} ({Path(filename).name}:{line})"
        print(f"   {cumulative:12.1f} {own:8.1f} {calls:10,}  {where[:width]}")
        shown += 1
        if shown == 30:
            break


if __name__ == "__main__":
    raise SystemExit(main())
