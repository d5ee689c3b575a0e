"""benchmarks/schedulers.py (issue 17's evidence) runs end to end at a tiny size and reports every figure.

No figure is asserted beyond its range: the benchmark's findings are in the README, this checks it works.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

pytest.importorskip("fsrs")
pytest.importorskip("fsrs_rs_python")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import schedulers

TINY = ["--days", "40", "--cards", "30", "--learners", "2", "--fit-days", "20", "--seed", "3"]


@pytest.mark.slow
def test_the_scheduler_benchmark_reports_every_scheduler_and_metric(
    capsys: pytest.CaptureFixture[str],
) -> None:
    schedulers.main([*TINY, "--json"])
    result = json.loads(capsys.readouterr().out)

    assert result["options"] == {
        "days": 40, "cards": 30, "learners": 2, "seed": 3, "truth": "exp", "fit_days": 20, "new_per_day": 10,
    }  # fmt: skip
    rows = result["rows"]
    assert [(r["scheduler"], r["desired_retention"]) for r in rows] == [("SM-2", None)] + [
        (name, r) for r in schedulers.SWEEP for name in ("FSRS default", "FSRS fitted")
    ]
    for row in rows:
        assert row["scheduled"] >= 1  # every card is met at least once in 40 days
        assert math.isclose(row["reviews"], row["scheduled"] + row["redrills"])
        assert 0 < row["mean_retention"] <= 1
        assert 0 < row["end_retention"] <= 1
    assert set(result["held_out"]) == {"SM-2", "FSRS default", "FSRS fitted"}
    counts = {m["reviews"] for m in result["held_out"].values()}
    assert len(counts) == 1  # the same held-out reviews for every model
    assert counts.pop() > 0
    for m in result["held_out"].values():
        assert m["log_loss"] > 0
        assert 0 <= m["rmse_bins"] <= 1
        assert 0 <= m["auc"] <= 1
    assert set(result["at_sm2_retention"]) == {"FSRS default", "FSRS fitted"}
    assert 0 <= result["fitted_learners"] <= 2


@pytest.mark.slow
def test_the_scheduler_benchmark_prints_its_tables(capsys: pytest.CaptureFixture[str]) -> None:
    schedulers.main([*TINY, "--learners", "1", "--truth", "power"])
    out = capsys.readouterr().out

    assert "(power truth, seed 3)" in out
    assert "| scheduler | desired R | reviews/card |" in out
    assert "| model | reviews | log loss | RMSE(bins) | AUC |" in out
    assert "at SM-2's mean true R" in out or "outside its sweep" in out
