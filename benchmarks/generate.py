"""Generate benchmark inputs: YAML decks with realistic Markdown answers, and a large collection.

The collection is built through quizcards' own code paths, the ones `quiz import`
and `quiz check --repair` use:

1. each generated deck file is loaded by ``quizcards.adapters.sources.load_deck_paths``,
   compared with the store by ``quizcards.core.importing.plan_deck_import`` and
   written by ``Store.apply_import`` (one file at a time, as `quiz import` would);
2. three years of study are simulated day by day with the real scheduler
   (``quizcards.core.session.grade_effect``, i.e. SM-2's ``review``): every due card
   is reviewed, new cards fill the day up to a steady workload, grades below 4
   are re-drilled the same day, and some days are skipped;
3. the log is appended by ``Store.bulk_insert_reviews`` (one transaction,
   consumed as a stream), and since that method leaves the cards' schedules as
   they were, ``Store.repair_schedules`` then replays each reviewed card's log
   into its schedule, exactly as `quiz check --repair` does. The result passes
   `quiz check`.

Everything is seeded: the same sizes and ``GENERATOR_VERSION`` give the same
collection, which is why the benchmark can cache it under that key.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizcards.store.reviews import ReviewLogEntry

# Bump whenever the generated decks, the simulation or its seeds change: cached collections are keyed by it.
GENERATOR_VERSION = "2"

WORDS = [
    "attention",
    "query",
    "key",
    "value",
    "softmax",
    "gradient",
    "encoder",
    "decoder",
    "sequence",
    "token",
    "embedding",
    "layer",
    "residual",
    "normalisation",
    "convolution",
    "kernel",
    "stride",
    "receptive",
    "field",
    "vanishing",
    "exploding",
    "gate",
    "recurrent",
    "hidden",
    "state",
    "beam",
    "search",
    "teacher",
    "forcing",
    "logits",
    "variance",
    "scaling",
    "head",
    "projection",
    "parallel",
    "path",
    "length",
    "memory",
    "quadratic",
    "positional",
    "encoding",
    "mask",
    "causal",
    "padding",
]


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def answer(rng: random.Random) -> str:
    """About 700 characters: a paragraph, a list, a formula and sometimes a code block."""
    parts = [" ".join(sentence(rng) for _ in range(3)), ""]
    parts += [f"- **{rng.choice(WORDS)}**: {sentence(rng, 8)}" for _ in range(3)]
    parts += ["", "`softmax(Q K^T / sqrt(d_k)) V` " + sentence(rng, 10)]
    if rng.random() < 0.3:
        parts += ["", "```python", "scores = q @ k.T / math.sqrt(d_k)", "weights = scores.softmax(-1)", "```"]
    return "\n".join(parts)


def write_deck(path: Path, cards: int, seed: int = 7, slug: str = "bench") -> Path:
    """A deck file of `cards` cards, each with a question, a Markdown answer, points, a hint and a tag."""
    rng = random.Random(seed)
    lines = [
        f"deck: {slug}",
        f"title: Benchmark deck {slug}",
        "description: Generated.",
        "tags: [bench]",
        "cards:",
    ]
    for number in range(cards):
        lines.append(f"  - id: card-{number:06d}")
        lines.append(f'    q: "Explain {rng.choice(WORDS)} and {rng.choice(WORDS)} (#{number})?"')
        lines.append("    a: |")
        lines.extend(("      " + row) if row else "" for row in answer(rng).splitlines())
        lines.append(f"    points: [{rng.choice(WORDS)}, {rng.choice(WORDS)} {rng.choice(WORDS)}]")
        lines.append(f'    hints: ["Think about {rng.choice(WORDS)}."]')
        lines.append(f"    tags: [{rng.choice(WORDS)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- the large collection -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectionSpec:
    """The size of a generated collection; `today` is the day after the simulated history ends."""

    cards: int = 100_000
    decks: int = 50
    reviews: int = 1_000_000
    days: int = 3 * 365
    today: date = date(2026, 3, 10)
    seed: int = 2024

    @property
    def key(self) -> str:
        """A file-name-safe key of everything that decides the collection's content."""
        return (
            f"v{GENERATOR_VERSION}-{self.cards}c-{self.decks}d-{self.reviews}r-{self.days}days-"
            f"{self.today:%Y%m%d}-s{self.seed}"
        )


@dataclass(frozen=True, slots=True)
class CollectionSummary:
    cards: int
    decks: int
    reviews: int
    reviewed_cards: int
    first_day: date
    last_day: date


# Grades of a scheduled review: (grade, weight). A new card is forgotten more often than a learned one.
_NEW_GRADES = ((0, 5), (1, 5), (2, 10), (3, 20), (4, 35), (5, 25))
_LEARNED_GRADES = ((0, 1), (1, 2), (2, 4), (3, 10), (4, 43), (5, 40))
_SKIPPED_DAYS = 0.06
_TYPED_SHARE = 0.35


def _weighted(table: tuple[tuple[int, int], ...]) -> tuple[list[int], list[int]]:
    grades = [grade for grade, _ in table]
    weights = [weight for _, weight in table]
    return grades, weights


def build_collection(path: Path, spec: CollectionSpec, *, progress: bool = False) -> CollectionSummary:
    """Create the collection database at path (which must not exist) through the store's API."""
    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.importing import plan_deck_import
    from quizcards.store import Store

    def say(message: str) -> None:
        if progress:
            print(f"  [collection] {message}", flush=True)

    if path.exists():
        raise FileExistsError(path)
    start = spec.today - timedelta(days=spec.days)
    imported_at = datetime(start.year, start.month, start.day, 8, tzinfo=UTC) - timedelta(days=1)
    per_deck = [spec.cards // spec.decks + (index < spec.cards % spec.decks) for index in range(spec.decks)]
    slugs = [f"bench-{index + 1:02d}" for index in range(spec.decks)]
    store = Store.open(path, mode="write", create=True)
    try:
        with tempfile.TemporaryDirectory(prefix="quizcards-decks-") as folder:
            for index, (slug, count) in enumerate(zip(slugs, per_deck, strict=True)):
                deck_file = write_deck(
                    Path(folder) / f"{slug}.yaml", count, seed=spec.seed + index, slug=slug
                )
                result = load_deck_paths([deck_file])
                if result.errors:
                    raise RuntimeError(f"the generated deck {deck_file} does not load: {result.errors[0]}")
                plans = [
                    plan_deck_import(deck, store.stored_deck(deck.slug), store.stored_cards(deck.slug))
                    for deck in result.decks
                ]
                store.apply_import(plans, imported_at)
                deck_file.unlink()
                if (index + 1) % 10 == 0 or index + 1 == spec.decks:
                    say(f"imported {index + 1} of {spec.decks} decks")
        pks: list[int] = []
        for slug in slugs:
            stored = store.stored_cards(slug)
            pks.extend(card.pk for card in sorted(stored.values(), key=lambda card: card.position))
        say(f"simulating {spec.reviews:,} reviews over {spec.days} days")
        reviewed: set[int] = set()
        days: list[date] = []
        written = store.bulk_insert_reviews(_simulate(pks, spec, start, reviewed, days))
        say(f"logged {written:,} reviews; replaying {len(reviewed):,} cards' schedules from the log")
        store.repair_schedules(sorted(reviewed))
    finally:
        store.close()
    return CollectionSummary(
        cards=len(pks),
        decks=spec.decks,
        reviews=written,
        reviewed_cards=len(reviewed),
        first_day=days[0] if days else start,
        last_day=days[-1] if days else start,
    )


def _simulate(
    pks: list[int], spec: CollectionSpec, start: date, reviewed: set[int], days_seen: list[date]
) -> Iterator[ReviewLogEntry]:
    """The review log of a learner who studies most days: every due card, then new cards up to a workload.

    Yields ``ReviewLogEntry`` values, oldest first, and stops at exactly
    ``spec.reviews`` rows (the last day may be cut short: the learner stopped).
    """
    from quizcards.core.scheduler import NEW, Grade, Schedule
    from quizcards.core.session import grade_effect
    from quizcards.store.reviews import ReviewLogEntry

    if spec.reviews <= 0:
        return
    rng = random.Random(spec.seed)
    new_grades, new_weights = _weighted(_NEW_GRADES)
    learned_grades, learned_weights = _weighted(_LEARNED_GRADES)
    max_new = max(1, 3 * spec.cards // max(1, spec.days))
    schedules: dict[int, Schedule] = {}
    due: dict[date, list[int]] = {}
    waiting: list[int] = []  # due on a skipped day: still due
    next_new = 0
    written = 0
    scheduled = 0

    def entry(
        pk: int, grade: int, kind: str, before: Schedule, after: Schedule, day: date, second: int
    ) -> ReviewLogEntry:
        typed = rng.random() < _TYPED_SHARE
        second = min(second, 16 * 3600 + 3599)  # from 07:00 to 23:59:59 at the latest
        return ReviewLogEntry(
            card=pk,
            reviewed_at=f"{day.isoformat()}T{7 + second // 3600:02d}:{second // 60 % 60:02d}:"
            f"{second % 60:02d}.{rng.randrange(1000):03d}Z",
            reviewed_on=day.isoformat(),
            grade=grade,
            kind=kind,
            explanation=sentence(rng, rng.randrange(6, 20)) if typed else "",
            duration_ms=rng.randrange(4_000, 90_000),
            repetitions_before=before.repetitions,
            interval_before=before.interval_days,
            easiness_before=before.easiness_hundredths,
            due_before=before.due_on.isoformat() if before.due_on else None,
            repetitions_after=after.repetitions,
            interval_after=after.interval_days,
            easiness_after=after.easiness_hundredths,
            due_after=after.due_on.isoformat() if after.due_on else None,
        )

    for offset in range(spec.days):
        day = start + timedelta(days=offset)
        waiting.extend(due.pop(day, ()))
        if rng.random() < _SKIPPED_DAYS:
            continue
        today_cards, waiting = waiting, []
        # The learner keeps a steady workload: what is left of the log over the study days left,
        # re-drills included; new cards fill what the due ones leave of it.
        study_days_left = max(1.0, (spec.days - offset) * (1 - _SKIPPED_DAYS))
        redrill_share = (written - scheduled) / scheduled if scheduled else 0.25
        workload = round((spec.reviews - written) / study_days_left / (1 + redrill_share))
        room = min(max_new, max(0, workload - len(today_cards)), len(pks) - next_new)
        today_cards.extend(pks[next_new : next_new + room])
        next_new += room
        if not today_cards:
            continue
        days_seen.append(day)
        second = rng.randrange(0, 3 * 3600)
        redrills: list[int] = []
        for pk in today_cards:
            before = schedules.get(pk, NEW)
            grade = rng.choices(
                *((new_grades, new_weights) if before.is_new else (learned_grades, learned_weights))
            )[0]
            log = grade_effect(before, grade, day)
            after = log.after
            yield entry(pk, grade, log.kind, before, after, day, second)
            written += 1
            scheduled += 1
            second += 1 + rng.randrange(40)
            schedules[pk] = after
            reviewed.add(pk)
            if after.due_on is not None:
                due.setdefault(after.due_on, []).append(pk)
            if grade < Grade.HESITANT:
                redrills.append(pk)
            if written == spec.reviews:
                return
        # SM-2 step 7: each card graded below 4 comes back until it scores 4 or 5; re-drills move nothing.
        while redrills:
            again: list[int] = []
            for pk in redrills:
                schedule = schedules[pk]
                grade = rng.choices((2, 3, 4, 5), (1, 3, 8, 4))[0]
                yield entry(pk, grade, "redrill", schedule, schedule, day, second)
                written += 1
                second += 1 + rng.randrange(40)
                if grade < Grade.HESITANT:
                    again.append(pk)
                if written == spec.reviews:
                    return
            redrills = again


if __name__ == "__main__":
    import sys

    out = write_deck(Path(sys.argv[1] if len(sys.argv) > 1 else "bench-deck.yaml"), 10_000)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
