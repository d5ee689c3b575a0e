"""Old against new in one run: the same `quiz` commands from two source trees, interleaved round by round.

A refactor must not make quizcards slower where a learner waits. This script
runs each command of a short list once from the BEFORE tree and once from the
AFTER tree per round (so a busy machine slows both alike), on the same copies of
the same collection, and prints the medians and their ratio (after / before):

- `quiz --help`;
- `quiz review` until the first question is on the screen and the prompt waits
  (in a pseudo-terminal), on a tiny and on a large collection with today's
  backup taken, and as the first session of the day (the backup is taken then);
- `quiz import` of a 2,000-card deck into an empty database;
- `quiz stats --format json` and `quiz export reviews --format csv` of the
  large collection.

Both trees run with the same interpreter and installed dependencies (the one
running this script); PYTHONPATH puts the tree's `quizcards` first. A tree is a
checkout, for example `git worktree add --detach /tmp/before <commit>`.

Usage:
    python benchmarks/compare.py --before /tmp/before              # after = this checkout
    python benchmarks/compare.py --before A --after B --runs 15
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench import (  # noqa: E402
    Measure,
    cached_collection,
    cached_deck,
    child_env,
    data_home,
    measure_round_robin,
    remove_database,
    take_daily_backup,
)
from generate import CollectionSpec, build_collection  # noqa: E402

QUESTION = ("Question", "> ")


def measures_for(
    tree: str, source: Path, quiz: Path, work: Path, inputs: dict[str, Path], now: datetime
) -> list[Measure]:
    """The commands, run from one source tree, each in folders of its own."""
    base = work / tree
    big_home, big_db = data_home(base, "big", inputs["collection"])
    fresh_home, fresh_db = data_home(base, "fresh", inputs["collection"])
    tiny_home, tiny_db = data_home(base, "tiny", inputs["tiny"])
    for db in (big_db, tiny_db):
        take_daily_backup(db, now.date())
    (base / "home" / ".config").mkdir(parents=True)
    imported = base / "imports" / "import.db"
    imported.parent.mkdir()

    def env(home: Path) -> dict[str, str]:
        values = child_env(base, now, home)
        values["PYTHONPATH"] = str(source)
        return values

    def fresh_day() -> None:
        shutil.rmtree(fresh_db.parent / "backups", ignore_errors=True)

    def m(name: str, argv: Sequence[str | Path], home: Path, **more: object) -> Measure:
        return Measure(f"{name}:{tree}", name, [str(a) for a in argv], env(home), **more)  # type: ignore[arg-type]

    return [
        m("quiz --help", [quiz, "--help"], big_home),
        m("review, tiny collection", [quiz, "review"], tiny_home, markers=QUESTION),
        m("review, large collection", [quiz, "review"], big_home, markers=QUESTION),
        m("review, first of the day", [quiz, "review"], fresh_home, markers=QUESTION, before=fresh_day),
        m(
            "import 2,000 cards",
            [quiz, "--db", imported, "import", inputs["deck"]],
            big_home,
            before=lambda: remove_database(imported),
        ),
        m("stats --format json", [quiz, "stats", "--format", "json"], big_home),
        m("export reviews csv", [quiz, "export", "reviews", "--format", "csv"], big_home),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path, help="the source tree to compare against")
    parser.add_argument("--after", type=Path, default=HERE.parent, help="the new tree (default: this one)")
    parser.add_argument("--quiz", type=Path, default=Path(sys.executable).with_name("quiz"))
    parser.add_argument("--cards", type=int, default=20_000, help="cards in the large collection")
    parser.add_argument("--reviews", type=int, default=200_000, help="reviews in the large collection")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path, default=HERE / "results")
    options = parser.parse_args(argv)
    for tree in (options.before, options.after):
        if not (tree / "quizcards" / "__init__.py").is_file():
            print(f"error: {tree} is not a quizcards source tree", file=sys.stderr)
            return 2
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    spec = CollectionSpec(cards=options.cards, decks=10, reviews=options.reviews, days=365)
    collection, _ = cached_collection(options.cache_dir, spec)
    work = Path(tempfile.mkdtemp(prefix="quizcards-compare-"))
    try:
        tiny = work / "tiny.db"
        build_collection(tiny, CollectionSpec(cards=20, decks=1, reviews=20, days=365))
        now = datetime(spec.today.year, spec.today.month, spec.today.day, 9, tzinfo=UTC)
        inputs = {"collection": collection, "tiny": tiny, "deck": cached_deck(options.cache_dir, 2_000)}
        before = measures_for("before", options.before.resolve(), options.quiz, work, inputs, now)
        after = measures_for("after", options.after.resolve(), options.quiz, work, inputs, now)
        interleaved = [m for pair in zip(before, after, strict=True) for m in pair]
        print(f"before: {options.before}\nafter:  {options.after}\n", flush=True)
        measure_round_robin(interleaved, options.runs, options.warmup, "old and new, interleaved")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'':<28} {'wall time (median)':^32}  {'CPU time, user + system (median)':^34}")
    print(
        f"{'command':<28} {'before':>9} {'after':>9} {'ratio':>12}  {'before':>9} {'after':>9} {'ratio':>14}"
    )
    for old, new in zip(before, after, strict=True):
        wall = [statistics.median(s.seconds for s in m.samples) for m in (old, new)]
        cpu = [statistics.median(s.cpu_seconds or 0.0 for s in m.samples) for m in (old, new)]
        cpu_ratio = f"{cpu[1] / cpu[0]:.2f}" if cpu[0] else "-"
        print(
            f"{old.label:<28} {wall[0]:>8.3f}s {wall[1]:>8.3f}s {wall[1] / wall[0]:>12.2f}  "
            f"{cpu[0]:>8.3f}s {cpu[1]:>8.3f}s {cpu_ratio:>14}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
