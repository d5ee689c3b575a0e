"""The matcher's figures on the labelled corpus never fall below what was measured when they were recorded.

A change to the rules or the glossary that loses recall, or ticks more wrong answers, fails here; the figures
themselves (and old against new) are benchmarks/matching.py's to print. Floors are the measured figures
less one labelled pair or so, so that a change that trades one pair for another still has to say so.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from matching import Run, load_corpus, new_matcher, run  # noqa: E402

# Scoring 256 explanations takes about 2 s: the whole suite runs it, the fast tier does not.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_wordings() -> Run:
    matcher, _ = new_matcher()
    assert matcher is not None
    return run(matcher, load_corpus(), "first")


@pytest.mark.parametrize(
    ("group", "figure", "floor"),
    [
        ("natural", "recall", 0.85),
        ("natural/ko", "recall", 0.83),
        ("natural", "precision", 0.99),
        ("adversarial/strong", "accuracy", 0.98),
        ("adversarial/partial", "accuracy", 0.96),
        ("adversarial/sloppy", "accuracy", 0.86),
        ("adversarial/paraphrase", "recall", 0.56),
    ],
)
def test_the_matcher_keeps_its_measured_figures(
    first_wordings: Run, group: str, figure: str, floor: float
) -> None:
    value = first_wordings.tally(group).figures()[figure]
    assert value is not None
    assert value >= floor, f"{group} {figure} {value:.3f} < {floor}"


def test_wrong_answers_are_ticked_no_more_than_measured(first_wordings: Run) -> None:
    false_credit = first_wordings.tally("adversarial/wrong").figures()["false_credit"]
    assert false_credit is not None
    assert false_credit <= 0.50
