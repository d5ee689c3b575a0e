"""Time `quiz import` of a generated 10,000-card deck, and again unchanged, against the bare YAML parse.

Whole processes, several runs each, in one run of this script; prints medians, spread and ratios.
Usage: python benchmarks/import_bench.py [--runs N] [--cards N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_deck  # noqa: E402

QUIZ = str(Path(sys.executable).with_name("quiz"))


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def describe(label: str, samples: list[float], floor: float | None) -> str:
    median = statistics.median(samples)
    ratio = f"{median / floor:5.2f}x" if floor else "  1.00x"
    return f"{label:<34} {median * 1000:8.0f} ms  (min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f})  {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=10_000)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quizcards-bench-"))
    try:
        deck = write_deck(work / "bench.yaml", options.cards)
        parse = [sys.executable, "-c", f"import yaml; yaml.load(open({str(deck)!r}, 'rb'), Loader=yaml.CSafeLoader)"]
        floor, fresh, again = [], [], []
        for run in range(options.runs):
            floor.append(timed(parse))
            db = work / f"run{run}.db"
            fresh.append(timed([QUIZ, "--db", str(db), "import", str(deck)]))
            again.append(timed([QUIZ, "--db", str(db), "import", str(deck)]))
        base = statistics.median(floor)
        print(f"deck: {options.cards:,} cards, {deck.stat().st_size / 1e6:.1f} MB; {options.runs} runs each")
        print(describe("PyYAML CSafeLoader parse (floor)", floor, None))
        print(describe("quiz import, empty database", fresh, base))
        print(describe("quiz import, unchanged re-import", again, base))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
