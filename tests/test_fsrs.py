"""quizcards.core.fsrs: grade mapping, replay against py-fsrs itself, properties, fitting, lazy import."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import fsrs as py_fsrs
import fsrs_rs_python
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core import fsrs, fsrs_fitting
from quizcards.core.errors import (
    FsrsUnavailableError,
    InvalidFsrsParametersError,
    InvalidGradeError,
    InvalidRetentionError,
    QuizError,
)
from quizcards.core.scheduler import NEW, review
from tests.helpers import examples

START = date(2026, 1, 1)
DEFAULTS = fsrs.DEFAULT_PARAMETERS


def reference(history: list[tuple[date, int]], retention: float = 0.9) -> py_fsrs.Card:
    """The card py-fsrs itself gives: learning steps and fuzz off, every row at 00:00 UTC of its day."""
    scheduler = py_fsrs.Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    ratings = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
    card = py_fsrs.Card(card_id=1, due=datetime(2026, 1, 1, tzinfo=UTC))
    for day, grade in history:
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        card = scheduler.review_card(card, py_fsrs.Rating(ratings[grade]), moment)[0]
    return card


# ---------------------------------------------------------------- grades, defaults, bounds


def test_grade_mapping_is_the_documented_table() -> None:
    assert [fsrs.fsrs_rating(g) for g in range(6)] == [1, 1, 1, 2, 3, 4]
    assert [py_fsrs.Rating(fsrs.fsrs_rating(g)).name for g in (2, 3, 4, 5)] == [
        "Again",
        "Hard",
        "Good",
        "Easy",
    ]


@pytest.mark.parametrize("bad", [-1, 6, 2.0, True, "4", None])
def test_grade_mapping_refuses_anything_but_0_to_5(bad: object) -> None:
    with pytest.raises(InvalidGradeError):
        fsrs.fsrs_rating(bad)  # type: ignore[arg-type]


def test_defaults_are_py_fsrs_defaults() -> None:
    assert tuple(py_fsrs.scheduler.DEFAULT_PARAMETERS) == fsrs.DEFAULT_PARAMETERS
    assert fsrs.DEFAULT_RETENTION == 0.9


@pytest.mark.parametrize("bad", [0.69, 0.995, 1, 0, True, "0.9", float("nan")])
def test_retention_outside_070_099_is_a_clear_error(bad: object) -> None:
    with pytest.raises(InvalidRetentionError, match=r"from 0\.70 to 0\.99"):
        fsrs.next_review([(START, 4)], DEFAULTS, bad)  # type: ignore[arg-type]
    assert issubclass(InvalidRetentionError, QuizError)


def test_retention_bounds_are_allowed() -> None:
    assert fsrs.check_retention(0.7) == 0.7
    assert fsrs.check_retention(0.99) == 0.99


def test_parameters_are_checked_with_a_one_line_message() -> None:
    with pytest.raises(InvalidFsrsParametersError, match="21 parameters, not 3"):
        fsrs.memory_state([(START, 4)], (1.0, 2.0, 3.0))
    bad = (*DEFAULTS[:9], 0.800000011920929, *DEFAULTS[10:])
    with pytest.raises(InvalidFsrsParametersError, match=r"w9 must be a number from 0\.0 to 0\.8") as caught:
        fsrs.memory_state([(START, 4)], bad)
    assert "\n" not in str(caught.value)


def test_clamp_brings_f32_values_into_py_fsrs_bounds() -> None:
    clamped = fsrs_fitting.clamp_parameters([*DEFAULTS[:9], 0.800000011920929, *DEFAULTS[10:20], 0.0])
    assert clamped[9] == 0.8
    assert clamped[20] == 0.1  # w20's lower bound
    assert fsrs.memory_state([(START, 4)], clamped) is not None


# ---------------------------------------------------------------- replay against py-fsrs


def test_first_grade_golden_values() -> None:
    # py-fsrs 6.3 with defaults: first grade -> (S, D, interval in days)
    expected = {0: (0.212, 6.4133, 1), 3: (1.2931, 5.1123, 1), 4: (2.3065, 2.1181, 2), 5: (8.2956, 1.0, 8)}
    for grade, (stability, difficulty, interval) in expected.items():
        state = fsrs.memory_state([(START, grade)], DEFAULTS)
        assert state is not None
        assert state.stability == pytest.approx(stability, abs=1e-4)
        assert state.difficulty == pytest.approx(difficulty, abs=1e-3)
        assert state.last_reviewed_on == START
        assert fsrs.next_review([(START, grade)], DEFAULTS) == START + timedelta(days=interval)


def test_good_every_time_due_gives_py_fsrs_golden_intervals() -> None:
    history = [(START, 4)]
    intervals = []
    for _ in range(8):
        due = fsrs.next_review(history, DEFAULTS, 0.9)
        intervals.append((due - history[-1][0]).days)
        history.append((due, 4))
    assert intervals == [2, 11, 46, 163, 497, 1346, 3292, 7398]


def test_a_known_history_matches_py_fsrs_itself() -> None:
    history = [
        (START, 4),
        (START + timedelta(days=2), 4),
        (START + timedelta(days=15), 2),
        (START + timedelta(days=15), 1),
        (START + timedelta(days=15), 4),
        (START + timedelta(days=16), 3),
        (START + timedelta(days=40), 5),
    ]
    card = reference(history, 0.85)
    state = fsrs.memory_state(history, DEFAULTS)
    assert state is not None
    assert state.stability == card.stability
    assert state.difficulty == card.difficulty
    assert state.last_reviewed_on == START + timedelta(days=40)
    assert fsrs.next_review(history, DEFAULTS, 0.85) == card.due.date()
    on = START + timedelta(days=70)
    scheduler = py_fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    expected = scheduler.get_card_retrievability(card, datetime(2026, 3, 12, tzinfo=UTC))
    assert fsrs.recall_probability(history, DEFAULTS, on) == expected
    assert fsrs.recall_probability(history, DEFAULTS, state.last_reviewed_on) == 1.0


def test_same_day_rows_are_replayed_at_one_moment() -> None:
    # A failed re-drill on the review day is a same-day review to FSRS: it cuts S to about a third
    once = fsrs.memory_state([(START, 4), (START + timedelta(days=2), 1)], DEFAULTS)
    twice = fsrs.memory_state([(START, 4), (START + timedelta(days=2), 1), (START + timedelta(days=2), 1)])
    assert once is not None
    assert twice is not None
    assert twice.stability < once.stability / 2
    # The next day's review is a long-term one, not a same-day one (the rows carry 00:00, not a later time)
    history = [(START, 4), (START, 2), (START, 4), (START + timedelta(days=1), 4)]
    state = fsrs.memory_state(history)
    card = reference(history)
    assert state is not None
    assert state.stability == card.stability
    assert state.stability > fsrs.memory_state(history[:3]).stability  # type: ignore[union-attr]


def test_a_row_dated_before_the_previous_one_counts_as_that_day() -> None:
    back = [(START, 4), (START + timedelta(days=5), 4), (START + timedelta(days=3), 4)]
    same = [(START, 4), (START + timedelta(days=5), 4), (START + timedelta(days=5), 4)]
    assert fsrs.memory_state(back) == fsrs.memory_state(same)


def test_empty_history() -> None:
    assert fsrs.memory_state([], DEFAULTS) is None
    with pytest.raises(ValueError, match="never reviewed"):
        fsrs.recall_probability([], DEFAULTS, START)
    with pytest.raises(ValueError, match="never reviewed"):
        fsrs.next_review([], DEFAULTS)
    with pytest.raises(ValueError, match="before the card's last review"):
        fsrs.recall_probability([(START, 4)], DEFAULTS, START - timedelta(days=1))


def test_replay_reads_no_clock_and_no_global_random(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the clock or the global random generator was read")

    monkeypatch.setattr("time.sleep", refuse)
    monkeypatch.setattr("random.random", refuse)
    monkeypatch.setattr(py_fsrs.scheduler, "random", refuse, raising=False)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Frozen:
            raise AssertionError("datetime.now was called")

    monkeypatch.setattr(py_fsrs.scheduler, "datetime", Frozen)
    monkeypatch.setattr(py_fsrs.card, "datetime", Frozen)
    history = [(START, 4), (START, 2), (START + timedelta(days=3), 5)]
    fsrs.next_review(history, DEFAULTS, 0.9)
    fsrs.recall_probability(history, DEFAULTS, START + timedelta(days=9))


def _history(steps: list[tuple[int, int]]) -> list[tuple[date, int]]:
    day, rows = START, []
    for gap, grade in steps:
        day += timedelta(days=gap)
        rows.append((day, grade))
    return rows


# gaps of 0 days are same-day re-drills
histories = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), min_size=1, max_size=12).map(_history)


@settings(max_examples=examples(100), deadline=None)
@given(history=histories, later=st.integers(0, 400), more=st.integers(1, 400))
def test_recall_falls_with_time(history: list[tuple[date, int]], later: int, more: int) -> None:
    last = history[-1][0]
    sooner = fsrs.recall_probability(history, DEFAULTS, last + timedelta(days=later))
    after = fsrs.recall_probability(history, DEFAULTS, last + timedelta(days=later + more))
    assert 0 < after <= sooner <= 1
    assert fsrs.recall_probability(history, DEFAULTS, last) == 1.0


@settings(max_examples=examples(100), deadline=None)
@given(history=histories, low=st.integers(70, 99), high=st.integers(70, 99))
def test_higher_desired_retention_never_gives_a_later_review(
    history: list[tuple[date, int]], low: int, high: int
) -> None:
    low, high = min(low, high), max(low, high)
    sooner = fsrs.next_review(history, DEFAULTS, high / 100)
    later = fsrs.next_review(history, DEFAULTS, low / 100)
    assert history[-1][0] < sooner <= later
    assert sooner == reference(history, high / 100).due.date()


# ---------------------------------------------------------------- metrics


def test_log_loss_and_rmse_bins() -> None:
    pairs = [(0.9, True), (0.9, False), (0.2, False), (0.2, True)]
    assert fsrs_fitting.log_loss(pairs) == pytest.approx(
        -(math.log(0.9) + math.log(0.1) + math.log(0.8) + math.log(0.2)) / 4
    )
    # bins: 0.9 -> predicted 0.9 vs 0.5 recalled; 0.2 -> 0.2 vs 0.5
    assert fsrs_fitting.rmse_bins(pairs) == pytest.approx(math.sqrt((2 * 0.4**2 + 2 * 0.3**2) / 4))
    assert fsrs_fitting.rmse_bins([(1.0, True), (0.0, False)]) == 0.0
    assert math.isfinite(fsrs_fitting.log_loss([(1.0, False), (0.0, True)]))
    with pytest.raises(ValueError, match="at least one"):
        fsrs_fitting.log_loss([])


def test_recall_predictions_skip_same_day_rows_and_first_reviews() -> None:
    history = [(START, 2), (START, 4), (START + timedelta(days=3), 4), (START + timedelta(days=3), 5)]
    pairs = fsrs_fitting.recall_predictions([history, [(START, 5)]])
    assert len(pairs) == 1
    assert pairs[0] == (fsrs.recall_probability(history[:2], DEFAULTS, START + timedelta(days=3)), True)
    assert fsrs_fitting.long_term_reviews([history, [(START, 5)]]) == 1


# ---------------------------------------------------------------- fitting


def learner(seed: int, cards: int, days: int) -> list[list[tuple[date, int]]]:
    """SM-2-scheduled logs of a simulated learner whose memory is NOT FSRS's model (design note §6):
    exponential forgetting, per-card difficulty, same-day re-drills to a 4."""
    rng = random.Random(seed)
    delta = [min(2.5, max(0.4, rng.lognormvariate(0, 0.4))) for _ in range(cards)]
    strength = [0.0] * cards
    last: list[date | None] = [None] * cards
    schedules = [NEW] * cards
    logs: list[list[tuple[date, int]]] = [[] for _ in range(cards)]
    for d in range(days):
        day = START + timedelta(days=d)
        for i in range(cards):
            due = schedules[i].due_on
            if not (i // 10 == d or (due is not None and due <= day)):
                continue
            previous = last[i]
            if previous is None:
                p, strength[i] = 0.25, 4 / delta[i]
            else:
                p = math.exp(-(day - previous).days / strength[i])
            recalled = rng.random() < p
            if previous is not None and recalled:
                strength[i] *= 1 + 4 / delta[i] * strength[i] ** -0.15 * (math.exp(2 * (1 - p)) - 1)
            elif previous is not None:
                strength[i] = max(2 / delta[i], 0.3 * strength[i] / delta[i] ** 0.3)
            last[i] = day
            u = p + rng.gauss(0, 0.1)
            grade = rng.randrange(3) if not recalled else 5 if u > 0.9 else 4 if u > 0.65 else 3
            logs[i].append((day, grade))
            schedules[i] = review(schedules[i], grade, day)[0]
            while grade < 4:
                grade = 4 if rng.random() < 0.9 else 1
                logs[i].append((day, grade))
    return logs


def test_fit_on_a_synthetic_learner_improves_held_out_log_loss() -> None:
    logs = learner(seed=4, cards=200, days=200)
    result = fsrs_fitting.fit_parameters(logs, random.Random(4))
    assert result.fitted, result.reason
    assert result.reason is None
    assert (result.fitted_cards, result.held_out_cards) == (160, 40)
    assert result.fitted_reviews >= fsrs_fitting.MIN_FIT_REVIEWS
    assert result.before is not None
    assert result.after is not None
    assert result.after.reviews == result.before.reviews > 0
    assert result.after.log_loss < result.before.log_loss
    assert result.parameters != DEFAULTS
    assert fsrs.memory_state(logs[0], result.parameters) is not None  # py-fsrs accepts them as they are


@pytest.mark.slow
def test_a_larger_fit_improves_both_metrics() -> None:
    logs = learner(seed=5, cards=400, days=365)
    result = fsrs_fitting.fit_parameters(logs, random.Random(2))
    assert result.fitted
    assert result.before is not None
    assert result.after is not None
    assert result.after.log_loss < result.before.log_loss
    assert result.after.rmse_bins < result.before.rmse_bins


def test_the_held_out_fifth_is_chosen_by_the_given_random() -> None:
    logs = learner(seed=3, cards=40, days=30)
    first = fsrs_fitting.fit_parameters(logs, random.Random(7), minimum_reviews=10**6)
    again = fsrs_fitting.fit_parameters(logs, random.Random(7), minimum_reviews=10**6)
    other = fsrs_fitting.fit_parameters(logs, random.Random(8), minimum_reviews=10**6)
    assert first == again
    assert (first.fitted_cards, first.held_out_cards) == (32, 8)
    assert first.fitted_reviews != other.fitted_reviews or first.before != other.before


def test_too_few_reviews_keeps_the_defaults_with_a_reason() -> None:
    logs = learner(seed=3, cards=40, days=40)
    result = fsrs_fitting.fit_parameters(logs, random.Random(1))
    assert not result.fitted
    assert result.parameters == DEFAULTS
    assert result.after is None
    assert result.before is not None
    assert result.fitted_reviews < fsrs_fitting.MIN_FIT_REVIEWS
    assert result.reason == (
        "Kept the default FSRS parameters: fitting needs at least 600 reviews made a day or more after "
        f"the card's previous one, and there are {result.fitted_reviews:,}."
    )


def test_an_optimizer_that_gives_back_its_defaults_is_the_same_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # fsrs-rs does this silently when data are few (measured between 375 and 577 items); stand in for it
    class Unfitting:
        def __init__(self, parameters: list[float]) -> None:
            self.parameters = parameters

        def compute_parameters(self, items: object) -> list[float]:
            return list(self.parameters)

    monkeypatch.setattr(fsrs_rs_python, "FSRS", Unfitting)
    logs = learner(seed=3, cards=40, days=40)
    result = fsrs_fitting.fit_parameters(logs, random.Random(1), minimum_reviews=1)
    assert not result.fitted
    assert result.parameters == DEFAULTS
    assert result.reason is not None
    assert "the optimizer could not fit" in result.reason


# ---------------------------------------------------------------- the optional extra


def test_without_the_extra_the_error_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsrs", None)  # a None entry makes `import fsrs` fail
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)
    with pytest.raises(FsrsUnavailableError, match=r"pip install 'quizcards\[fsrs\]'") as caught:
        fsrs.next_review([(START, 4)], DEFAULTS)
    assert "\n" not in str(caught.value)
    with pytest.raises(FsrsUnavailableError, match=r"pip install 'quizcards\[fsrs\]'"):
        fsrs_fitting.fit_parameters([[(START, 4)]], random.Random(1))


@pytest.mark.slow  # whole processes or the schema written and read back: the full suite runs it
def test_start_up_imports_neither_fsrs_library() -> None:
    code = (
        "import sys, quizcards.cli, quizcards.core.scheduler, quizcards.core.fsrs; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fsrs', 'fsrs_rs_python')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_bounds_kept_in_core_are_py_fsrs_own() -> None:
    assert tuple(py_fsrs.scheduler.LOWER_BOUNDS_PARAMETERS) == fsrs.LOWER_BOUNDS
    assert tuple(py_fsrs.scheduler.UPPER_BOUNDS_PARAMETERS) == fsrs.UPPER_BOUNDS


def test_held_out_cards_stay_held_out_as_the_collection_grows() -> None:
    names = [f"deck/card-{i}" for i in range(2000)]
    held = fsrs_fitting.held_out_cards(names, 17)
    assert 0.17 < len(held) / len(names) < 0.23
    grown = fsrs_fitting.held_out_cards([*names, *(f"other/card-{i}" for i in range(500))], 17)
    assert {i for i in grown if i < len(names)} == held
    assert fsrs_fitting.held_out_cards(names, 18) != held
