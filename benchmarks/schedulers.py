"""Scheduler benchmark: simulated learners with a known memory, scheduled by SM-2 and FSRS (default, fitted).

The ground truth (what the schedulers never see). A learner is three numbers drawn from the seed:
S0 = 4·e^N(0,0.3) days (first stability), A = 4·e^N(0,0.25) (growth on success), F = 2·e^N(0,0.3)
days (stability after a lapse). Each card has a difficulty delta ~ LogNormal(0, 0.4), clipped to
[0.4, 2.5]. A card's memory is one stability S (days) and the day of its last scheduled review:

    first exposure  the answer is a guess (recalled with probability 0.25); then S = S0 / delta
    recall          p(t) = exp(-t / S), t = whole days since the last scheduled review
                    (--truth power: p(t) = (1 + 19/81 · t/S) ** -0.5, FSRS-4.5's own curve form)
    success         S <- S · (1 + A / delta · S**-0.15 · (exp(2(1 - p)) - 1))   (the spacing effect)
    failure         S <- max(F / delta, 0.3 · S / delta**0.3)
    grades          recalled: u = p + N(0, 0.1); 5 if u > 0.9, 4 if u > 0.65, else 3
                    forgotten: 0, 1 or 2, uniformly
    same day        a re-drill is recalled with probability 0.9 and moves no memory

The session follows quizcards: ten new cards a day, every due card reviewed on its due day, and a grade
below 4 re-drilled the same day until it scores 4 (each a 'redrill' row). SM-2 is quizcards' own
(quizcards.core.scheduler.review, re-drills never move it). FSRS is py-fsrs (no learning steps, no fuzz)
replaying scheduled and re-drill rows, all of a day's at 00:00 UTC, grades 0-2 Again, 3 Hard, 4 Good,
5 Easy, as issue 17's design prescribes.

Fitting: for each learner, fsrs-rs-python fits FSRS's 21 parameters to that learner's SM-2 log of the
first --fit-days days (what a quizcards user has before switching: SM-2 history), clamped into py-fsrs's
bounds. "FSRS fitted" then schedules the same learner with those parameters from day one (the
optimistic case: a real user would run the first months on something else).

Reported per scheduler: reviews per card (scheduled, re-drills), the mean true recall probability over the
run, true retention at the end (mean recall probability of ALL cards the day after the last, unseen
cards counting 0), and prediction metrics (log loss, RMSE over 20 bins, AUC) on held-out reviews: the
scheduled reviews of the SM-2 log after --fit-days, the same reviews for every model. SM-2's own
prediction is the recall its intervals assume, 0.9 ** (days elapsed / interval). Then the comparison at
equal retention: FSRS's desired retention is swept and the reviews it needs at SM-2's mean true recall
are interpolated, because raw counts at different retention mislead.

    python benchmarks/schedulers.py [--days 365] [--cards 200] [--learners 10] [--seed 1] [--truth exp]
                                    [--fit-days 90] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizcards.core.scheduler import NEW, Schedule
from quizcards.core.scheduler import review as sm2_review

START = date(2026, 1, 1)
NEW_PER_DAY = 10
SWEEP = (0.75, 0.80, 0.85, 0.90, 0.95)
Log = list[tuple[date, int, str]]  # (day, grade, kind) for one card, in order
Pair = tuple[float, int]  # (predicted recall, recalled)


# ------------------------------------------------------------------------------------ FSRS via py-fsrs
def rating_of(grade: int) -> Any:
    import fsrs

    return (
        fsrs.Rating.Again if grade <= 2 else (fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)[grade - 3]
    )


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def fsrs_scheduler(params: Sequence[float] | None, retention: float) -> Any:
    import fsrs

    return fsrs.Scheduler(
        parameters=tuple(params or fsrs.scheduler.DEFAULT_PARAMETERS),
        desired_retention=retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,  # fuzz reads the module-global random()
    )


def fsrs_step(sched: Any, card: Any, grade: int, day: date) -> Any:
    import fsrs

    if card is None:  # card_id and due given, so Card() reads no clock and does not sleep
        card = fsrs.Card(card_id=1, due=midnight(day))
    return sched.review_card(card, rating_of(grade), review_datetime=midnight(day))[0]


# ------------------------------------------------------------------------------------ the ground truth
@dataclass(frozen=True)
class Learner:
    s0: float
    a: float
    f: float
    power: bool

    @classmethod
    def drawn(cls, seed: int, power: bool) -> Learner:
        rng = random.Random(seed * 104729)
        return cls(
            4 * math.exp(rng.gauss(0, 0.3)),
            4 * math.exp(rng.gauss(0, 0.25)),
            2 * math.exp(rng.gauss(0, 0.3)),
            power,
        )

    def p(self, card: TrueCard, day: date) -> float:
        if card.last is None:
            return 0.0
        t = (day - card.last).days
        return (1 + 19 / 81 * t / card.s) ** -0.5 if self.power else math.exp(-t / card.s)

    def answer(self, card: TrueCard, day: date, rng: random.Random) -> int:
        """A scheduled answer on `day`: the grade, with the card's memory moved."""
        if card.last is None:
            p, recalled, card.s = 0.25, rng.random() < 0.25, self.s0 / card.delta
        else:
            p = self.p(card, day)
            recalled = rng.random() < p
            if recalled:
                card.s *= 1 + self.a / card.delta * card.s**-0.15 * (math.exp(2 * (1 - p)) - 1)
            else:
                card.s = max(self.f / card.delta, 0.3 * card.s / card.delta**0.3)
        card.last = day
        if not recalled:
            return rng.randrange(3)
        u = p + rng.gauss(0, 0.1)
        return 5 if u > 0.9 else 4 if u > 0.65 else 3


@dataclass
class TrueCard:
    delta: float
    s: float = 0.0
    last: date | None = None


def redrills(rng: random.Random) -> list[int]:
    grades = []
    while True:
        grades.append(4 if rng.random() < 0.9 else 1)
        if grades[-1] >= 4:
            return grades


# ------------------------------------------------------------------------------------ one simulated run
@dataclass
class Run:
    logs: list[Log]
    scheduled: int = 0
    redrilled: int = 0
    end_retention: float = 0.0
    mean_retention: float = 0.0


def simulate(
    learner: Learner, seed: int, cards: int, days: int, params: Sequence[float] | None = None,
    retention: float | None = None,
) -> Run:  # fmt: skip
    """One learner's `days` under SM-2 (retention None) or FSRS; the same cards for every scheduler."""
    rng = random.Random(seed)
    deck = [TrueCard(min(2.5, max(0.4, rng.lognormvariate(0, 0.4)))) for _ in range(cards)]
    # the answers differ per scheduler (they meet the cards on different days); the cards do not
    rng = random.Random(
        seed * 7919 + (0 if retention is None else int(retention * 1000)) + (params is not None)
    )
    sched = None if retention is None else fsrs_scheduler(params, retention)
    sm2: list[Schedule] = [NEW] * cards
    fcards: list[Any] = [None] * cards
    due: list[date | None] = [None] * cards
    run = Run([[] for _ in deck])
    total, counted = 0.0, 0
    for d in range(days):
        day = START + timedelta(days=d)
        for i in range(d * NEW_PER_DAY, min(cards, (d + 1) * NEW_PER_DAY)):
            due[i] = day
        for i, card in enumerate(deck):
            if due[i] is None or due[i] > day:  # type: ignore[operator]
                continue
            grade = learner.answer(card, day, rng)
            day_log = [(day, grade, "scheduled")]
            if grade < 4:
                day_log += [(day, g, "redrill") for g in redrills(rng)]
            run.logs[i] += day_log
            run.scheduled += 1
            run.redrilled += len(day_log) - 1
            if sched is None:
                sm2[i] = sm2_review(sm2[i], grade, day)[0]
                due[i] = sm2[i].due_on
            else:
                for when, g, _ in day_log:
                    fcards[i] = fsrs_step(sched, fcards[i], g, when)
                due[i] = fcards[i].due.date()
        seen = [learner.p(c, day + timedelta(days=1)) for c in deck if c.last is not None]
        total += sum(seen)
        counted += len(seen)
    run.mean_retention = total / counted if counted else 0.0
    run.end_retention = sum(learner.p(c, START + timedelta(days=days)) for c in deck) / cards
    return run


# ------------------------------------------------------------------------------------ fitting
def fit(logs: Sequence[Log], until: date) -> tuple[list[float], bool]:
    """fsrs-rs-python's fit to the reviews before `until`, clamped into py-fsrs's bounds; did it move?"""
    import fsrs
    import fsrs_rs_python as rs

    items = []
    for log in logs:
        reviews: list[Any] = []
        last: date | None = None
        for day, grade, _kind in log:
            if day >= until:
                break
            elapsed = 0 if last is None else (day - last).days
            reviews.append(rs.FSRSReview(int(rating_of(grade)), elapsed))
            if elapsed > 0:
                items.append(rs.FSRSItem(list(reviews)))
            last = day
    fitted = (
        list(rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(items)) if items else rs.DEFAULT_PARAMETERS
    )
    lo, hi = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS, fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    # fsrs-rs silently returns its defaults when the data are too few: say so in the output
    changed = list(fitted) != list(rs.DEFAULT_PARAMETERS)
    return [round(min(h, max(lo_, float(p))), 6) for p, lo_, h in zip(fitted, lo, hi, strict=True)], changed


# ------------------------------------------------------------------------------------ prediction metrics
def predictions(logs: Sequence[Log], since: date, params: Sequence[float] | None, sm2: bool) -> list[Pair]:
    """(predicted recall, recalled) at each scheduled review from `since` on that follows an earlier day's."""
    out: list[Pair] = []
    sched = fsrs_scheduler(params, 0.9)
    for log in logs:
        card: Any = None
        schedule = NEW
        last: date | None = None
        for day, grade, kind in log:
            if kind == "scheduled" and last is not None and day >= since and day > last:
                if sm2:
                    p = 0.9 ** ((day - last).days / schedule.interval_days)
                else:
                    p = sched.get_card_retrievability(card, midnight(day))
                out.append((p, int(grade >= 3)))
            if sm2 and kind == "scheduled":
                schedule = sm2_review(schedule, grade, day)[0]
            elif not sm2:
                card = fsrs_step(sched, card, grade, day)
            if kind == "scheduled":
                last = day
    return out


def log_loss(pairs: Sequence[Pair]) -> float:
    eps = 1e-6
    return -sum(y * math.log(max(eps, p)) + (1 - y) * math.log(max(eps, 1 - p)) for p, y in pairs) / len(
        pairs
    )


def rmse_bins(pairs: Sequence[Pair], bins: int = 20) -> float:
    """Predictions binned by value (20 equal bins); RMSE of mean prediction vs outcome, by count."""
    acc: dict[int, list[float]] = {}
    for p, y in pairs:
        b = acc.setdefault(min(bins - 1, int(p * bins)), [0.0, 0.0, 0.0])
        b[0], b[1], b[2] = b[0] + p, b[1] + y, b[2] + 1
    return math.sqrt(sum(b[2] * ((b[0] - b[1]) / b[2]) ** 2 for b in acc.values()) / len(pairs))


def auc(pairs: Sequence[Pair]) -> float | None:
    """Area under the ROC curve by ranks, ties averaged; None when only one outcome occurs."""
    ranked = sorted(pairs)
    pos = sum(y for _, y in ranked)
    neg = len(ranked) - pos
    if not pos or not neg:
        return None
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2 * sum(y for _, y in ranked[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def metrics(pairs: Sequence[Pair]) -> dict[str, Any]:
    if not pairs:
        return {"reviews": 0, "log_loss": None, "rmse_bins": None, "auc": None}
    return {
        "reviews": len(pairs),
        "log_loss": log_loss(pairs),
        "rmse_bins": rmse_bins(pairs),
        "auc": auc(pairs),
    }


# ------------------------------------------------------------------------------------ the benchmark
@dataclass
class Row:
    scheduler: str
    desired_retention: float | None
    scheduled: float = 0.0
    redrills: float = 0.0
    mean_retention: float = 0.0
    end_retention: float = 0.0


def run_benchmark(
    days: int, cards: int, learners: int, seed: int, truth: str, fit_days: int
) -> dict[str, Any]:
    started = time.perf_counter()
    rows = {"SM-2": Row("SM-2", None)}
    for r in SWEEP:
        rows[f"FSRS default {r:.2f}"] = Row("FSRS default", r)
        rows[f"FSRS fitted {r:.2f}"] = Row("FSRS fitted", r)
    pairs: dict[str, list[Pair]] = {"SM-2": [], "FSRS default": [], "FSRS fitted": []}
    fits = 0
    spread: dict[str, list[float | None]] = {"FSRS default": [], "FSRS fitted": []}
    since = START + timedelta(days=fit_days)
    for n in range(learners):
        learner_seed = seed * 1000 + n
        learner = Learner.drawn(learner_seed, truth == "power")
        runs = {"SM-2": simulate(learner, learner_seed, cards, days)}
        params, changed = fit(runs["SM-2"].logs, since)
        fits += changed
        for r in SWEEP:
            runs[f"FSRS default {r:.2f}"] = simulate(learner, learner_seed, cards, days, None, r)
            runs[f"FSRS fitted {r:.2f}"] = simulate(learner, learner_seed, cards, days, params, r)
        own = {key: Row(rows[key].scheduler, rows[key].desired_retention) for key in runs}
        for key, run in runs.items():
            for row, share in ((rows[key], learners), (own[key], 1)):
                row.scheduled += run.scheduled / cards / share
                row.redrills += run.redrilled / cards / share
                row.mean_retention += run.mean_retention / share
                row.end_retention += run.end_retention / share
        for name, changes in spread.items():  # each learner's own equal-retention change: the spread
            changes.append(
                at_retention([r for r in own.values() if r.scheduler == name], own["SM-2"])["change"]
            )
        held = runs["SM-2"].logs
        pairs["SM-2"] += predictions(held, since, None, sm2=True)
        pairs["FSRS default"] += predictions(held, since, None, sm2=False)
        pairs["FSRS fitted"] += predictions(held, since, params, sm2=False)
    sm2 = rows["SM-2"]
    equal = {
        name: at_retention([r for r in rows.values() if r.scheduler == name], sm2) | {"per_learner": changes}
        for name, changes in spread.items()
    }
    return {
        "version": 1,
        "options": {
            "days": days,
            "cards": cards,
            "learners": learners,
            "seed": seed,
            "truth": truth,
            "fit_days": fit_days,
            "new_per_day": NEW_PER_DAY,
        },
        "fitted_learners": fits,
        "rows": [vars(r) | {"reviews": r.scheduled + r.redrills} for r in rows.values()],
        "at_sm2_retention": equal,
        "held_out": {name: metrics(p) for name, p in pairs.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def at_retention(sweep: Sequence[Row], sm2: Row) -> dict[str, Any]:
    """Reviews per card FSRS needs for SM-2's mean true recall, interpolated along its retention sweep."""
    points = sorted(sweep, key=lambda r: r.mean_retention)
    target = sm2.mean_retention
    for lo, hi in itertools.pairwise(points):
        if lo.mean_retention <= target <= hi.mean_retention:
            f = (target - lo.mean_retention) / ((hi.mean_retention - lo.mean_retention) or 1)
            reviews = (
                lo.scheduled + lo.redrills + f * (hi.scheduled + hi.redrills - lo.scheduled - lo.redrills)
            )
            return {
                "mean_retention": target,
                "desired_retention": lo.desired_retention + f * (hi.desired_retention - lo.desired_retention),  # type: ignore[operator]
                "reviews": reviews,
                "change": reviews / (sm2.scheduled + sm2.redrills) - 1,
            }
    return {"mean_retention": target, "desired_retention": None, "reviews": None, "change": None}


def fmt(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table(result: dict[str, Any]) -> str:
    o = result["options"]
    lines = [
        f"{o['learners']} learners x {o['cards']} cards x {o['days']} days "
        f"({o['truth']} truth, seed {o['seed']}); "
        f"fitted on each learner's first {o['fit_days']} days of SM-2 ({result['fitted_learners']} of "
        f"{o['learners']} fits moved off the defaults)",
        "",
        "| scheduler | desired R | reviews/card | scheduled | re-drills | mean true R | true R at end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['scheduler']} | {fmt(r['desired_retention'], '.2f')} | {r['reviews']:.2f} "
            f"| {r['scheduled']:.2f} "
            f"| {r['redrills']:.2f} | {r['mean_retention']:.3f} | {r['end_retention']:.3f} |"
        )
    lines.append("")
    sm2 = result["rows"][0]
    for name, eq in result["at_sm2_retention"].items():
        if eq["reviews"] is None:
            lines.append(
                f"{name}: SM-2's mean true R {eq['mean_retention']:.3f} is outside its sweep {SWEEP}."
            )
        else:
            lines.append(
                f"{name} at SM-2's mean true R {eq['mean_retention']:.3f} "
                f"(desired R {eq['desired_retention']:.3f}): {eq['reviews']:.2f} reviews per card "
                f"against SM-2's {sm2['reviews']:.2f} ({eq['change']:+.1%}; per learner "
                + ", ".join("–" if c is None else f"{c:+.0%}" for c in eq["per_learner"])
                + ")."
            )
    lines += [
        "",
        f"Predicting recall on held-out reviews (the SM-2 logs' scheduled reviews from day {o['fit_days']}):",
        "",
        "| model | reviews | log loss | RMSE(bins) | AUC |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, m in result["held_out"].items():
        lines.append(
            f"| {name} | {m['reviews']} | {fmt(m['log_loss'], '.3f')} | {fmt(m['rmse_bins'], '.3f')} "
            f"| {fmt(m['auc'], '.3f')} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="days simulated (default 365)")
    parser.add_argument("--cards", type=int, default=200, help="cards per learner (default 200)")
    parser.add_argument("--learners", type=int, default=10, help="simulated learners (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="seed of everything random (default 1)")
    parser.add_argument(
        "--truth", choices=("exp", "power"), default="exp", help="forgetting curve (default exp)"
    )
    parser.add_argument("--fit-days", type=int, default=90, help="days of SM-2 log the fit sees (default 90)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON instead of a table")
    args = parser.parse_args(argv)
    result = run_benchmark(args.days, args.cards, args.learners, args.seed, args.truth, args.fit_days)
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
