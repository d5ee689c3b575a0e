"""`quiz optimize`: FSRS fitted to a generated learner's log, judged on held-out cards, saved on a yes.

The collections come from benchmarks/optimize.py's learner (exponential forgetting, per-card
difficulty, SM-2 scheduling, re-drills to a 4), built once per session and copied per test.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest

from quizcards.core import fsrs, fsrs_fitting
from quizcards.store import Store
from tests.conftest import Restore
from tests.helpers import Quiz, fsrs_states_out_of_date, rows, scalar

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import optimize as optimize_benchmark  # noqa: E402

TODAY = date(2026, 3, 10)  # tests/helpers.py's FIXED_NOW
FITTED_REVIEWS_IN_LOG = "SELECT count(*) FROM fsrs_parameters"


def build_learner(folder: Path) -> None:
    """70 cards over 200 days: about 850 long-term reviews on the 56 cards fitted on."""
    optimize_benchmark.build(folder / "quiz.db", cards=70, days=200, seed=1, today=TODAY)


def build_beginner(folder: Path) -> None:
    """20 cards over 40 days: far below the minimum."""
    optimize_benchmark.build(folder / "quiz.db", cards=20, days=40, seed=2, today=TODAY)


@pytest.fixture
def learner_db(restore: Restore) -> Path:
    return restore(build_learner)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command believes it runs in a terminal (the runner's input is what is typed)."""
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)


def flat(text: str) -> str:
    """Output with the console's line wrapping undone."""
    return " ".join(text.split())


def stored_states(db: Path) -> dict[int, tuple[float, float, str, str]]:
    found = rows(db, "SELECT card, stability, difficulty, last_reviewed_on, due_on FROM fsrs_states")
    return {card: (s, d, last, due) for card, s, d, last, due in found}


def replayed(db: Path, parameters: fsrs.Parameters) -> dict[int, tuple[float, float, str, str]]:
    """Every card's FSRS state replayed from scratch with ``parameters`` (the full replay)."""
    from quizcards.store.scheduling import card_histories

    states = {}
    with Store.open(db, mode="read") as store:
        for pk, history in card_histories(store.conn):
            state = fsrs.card_state(history, parameters)
            assert state is not None
            states[pk] = (
                state.stability,
                state.difficulty,
                state.last_reviewed_on.isoformat(),
                state.due_on.isoformat(),
            )
    return states


def saved_parameters(db: Path) -> fsrs.Parameters:
    return tuple(json.loads(scalar(db, "SELECT parameters FROM fsrs_parameters ORDER BY id DESC LIMIT 1")))


# ---------------------------------------------------------------- saving


def test_yes_saves_the_fit_with_today_s_date_and_its_evidence(quiz: Quiz, learner_db: Path) -> None:
    result = quiz("optimize", "--yes")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Fitted FSRS parameters to" in out
    assert "FSRS defaults" in out
    assert "new fit" in out
    assert (
        "SM-2 is the scheduler in force; FSRS uses these parameters once you run quiz config scheduler fsrs"
        in out
    )
    [row] = rows(
        learner_db,
        "SELECT fitted_on, fitted_at, cards, reviews, held_out_reviews, log_loss_before, log_loss_after, "
        "rmse_bins_before, rmse_bins_after, optimizer FROM fsrs_parameters",
    )
    fitted_on, fitted_at, cards, reviews, held_out, *metrics, optimizer = row
    assert (fitted_on, fitted_at) == ("2026-03-10", "2026-03-10T09:00:00.000Z")
    assert cards == 56
    assert reviews >= fsrs_fitting.MIN_FIT_REVIEWS
    assert held_out > 0
    assert all(isinstance(value, float) for value in metrics)
    assert optimizer.startswith("fsrs-rs-python ")
    parameters = saved_parameters(learner_db)
    assert len(parameters) == 21
    assert parameters != fsrs.DEFAULT_PARAMETERS
    assert scalar(learner_db, "SELECT count(*) FROM fsrs_states") == 0  # SM-2: no state kept


@pytest.mark.slow  # replays every card's FSRS state three times (about 0.6 s)
def test_under_fsrs_saving_rebuilds_every_card_s_state_with_the_new_fit(quiz: Quiz, learner_db: Path) -> None:
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    with_defaults = stored_states(learner_db)
    assert with_defaults == replayed(learner_db, fsrs.DEFAULT_PARAMETERS)
    result = quiz("optimize", "--yes")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "FSRS schedules with them now: it replayed the review logs of 70 cards;" in out
    with Store.open(learner_db, mode="read") as store:
        assert fsrs_states_out_of_date(store) == []
        due = len(store.due_card_ids(TODAY, _everything()))
    assert f"{due} cards are due today." in out
    after = stored_states(learner_db)
    assert after == replayed(learner_db, saved_parameters(learner_db))
    assert after != with_defaults


def test_answering_no_saves_nothing_and_leaves_the_file_byte_identical(
    quiz: Quiz, learner_db: Path, terminal: None
) -> None:
    before = learner_db.read_bytes()
    result = quiz("optimize", input="n\n")
    assert result.exit_code == 0, result.output
    assert "Save the new fit (fitted 2026-03-10)?" in result.output
    assert "Nothing saved" in result.output
    assert learner_db.read_bytes() == before


def test_a_fit_no_better_than_the_one_in_force_says_so_and_defaults_to_no(
    quiz: Quiz, learner_db: Path, terminal: None
) -> None:
    assert quiz("optimize", "--yes").exit_code == 0
    # The same log and seed fit the same parameters: no different from the fit in force.
    result = quiz("optimize", input="\n")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "in force (2026-03-10)" in out
    assert "as well as the parameters in force: no difference" in out
    assert "with the same --seed, so it never saw these held-out cards" in out
    assert "[y/N]" in out
    assert "Nothing saved" in out
    assert scalar(learner_db, FITTED_REVIEWS_IN_LOG) == 1


def test_without_a_terminal_or_yes_it_refuses_in_one_line(quiz: Quiz, learner_db: Path) -> None:
    result = quiz("optimize")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "needs a terminal; give --yes to save without asking, or --json" in result.output
    assert scalar(learner_db, FITTED_REVIEWS_IN_LOG) == 0


def test_without_the_optimizer_the_error_names_the_install_command(
    quiz: Quiz, learner_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # a None entry makes the import fail
    result = quiz("optimize", "--yes")
    assert result.exit_code == 1
    assert result.output == (
        "Error: Fitting FSRS parameters needs the optional fsrs extra, which is not installed: "
        "pip install 'quizcards[fsrs]'.\n"
    )
    assert scalar(learner_db, FITTED_REVIEWS_IN_LOG) == 0


# ---------------------------------------------------------------- too few reviews


def test_below_the_minimum_it_explains_keeps_the_defaults_and_exits_0(quiz: Quiz, restore: Restore) -> None:
    db = restore(build_beginner)
    document = json.loads(quiz("optimize", "--json").output)
    assert (document["fitted"], document["saved"], document["parameters"]) == (False, False, None)
    count = document["reviews"]
    assert 0 < count < document["minimum_reviews"] == 600
    assert document["reason"] == (
        "Kept the default FSRS parameters: fitting needs at least 600 reviews made a day or more after "
        f"the card's previous one, and there are {count:,}."
    )
    result = quiz("optimize", "--yes")
    assert result.exit_code == 0
    out = flat(result.output)
    assert document["reason"] in out
    assert f"in all, your log has {document['all_reviews']:,} such reviews" in out
    assert "Nothing saved; FSRS's defaults stay in force." in out
    assert scalar(db, FITTED_REVIEWS_IN_LOG) == 0


# ---------------------------------------------------------------- JSON


def test_json_reports_the_fit_and_saves_only_with_yes(quiz: Quiz, learner_db: Path) -> None:
    result = quiz("optimize", "--json")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert set(document) == {
        "version", "seed", "fitted", "reason", "minimum_reviews", "cards", "reviews", "held_out_cards",
        "judged", "parameters_in_force", "verdict", "parameters", "fitted_on", "saved", "scheduler",
        "rescheduled_cards", "due_today", "all_reviews",
    }  # fmt: skip
    assert (document["version"], document["seed"], document["fitted"], document["saved"]) == (
        1,
        17,
        True,
        False,
    )
    assert (document["cards"], document["held_out_cards"]) == (56, 14)
    assert set(document["judged"]) == {"defaults", "in_force", "fitted"}
    assert document["judged"]["in_force"] is None
    assert document["parameters_in_force"] is None
    assert set(document["judged"]["fitted"]) == {"log_loss", "rmse_bins", "reviews"}
    assert document["verdict"] in ("better", "worse", "mixed")
    assert len(document["parameters"]) == 21
    assert document["fitted_on"] == "2026-03-10"
    assert scalar(learner_db, FITTED_REVIEWS_IN_LOG) == 0
    saved = json.loads(quiz("optimize", "--json", "--yes").output)
    assert (saved["saved"], saved["scheduler"], saved["rescheduled_cards"]) == (True, "sm2", None)
    assert tuple(saved["parameters"]) == saved_parameters(learner_db)
    again = json.loads(quiz("optimize", "--json").output)
    assert again["parameters_in_force"] == {"fitted_on": "2026-03-10", "parameters": saved["parameters"]}
    assert again["judged"]["in_force"] == again["judged"]["fitted"]  # the same fit, on the same reviews


# ---------------------------------------------------------------- --reset


@pytest.mark.slow  # replays every card's FSRS state three times (about 0.6 s)
def test_reset_goes_back_to_the_defaults_and_rebuilds_under_fsrs(quiz: Quiz, learner_db: Path) -> None:
    assert quiz("config", "scheduler", "fsrs").exit_code == 0
    assert quiz("optimize", "--yes").exit_code == 0
    refused = quiz("optimize", "--reset")
    assert refused.exit_code == 1
    assert "needs a terminal" in refused.output
    result = quiz("optimize", "--reset", "--yes")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "FSRS's default parameters are in force again." in out
    assert "it replayed the review logs of 70 cards" in out
    assert rows(learner_db, "SELECT fitted_on, optimizer, cards FROM fsrs_parameters ORDER BY id")[1] == (
        "2026-03-10",
        "defaults",
        0,
    )
    assert saved_parameters(learner_db) == fsrs.DEFAULT_PARAMETERS
    assert stored_states(learner_db) == replayed(learner_db, fsrs.DEFAULT_PARAMETERS)
    listed = json.loads(quiz("optimize", "--json").output)
    assert listed["parameters_in_force"] is None  # the defaults row is the defaults, not a fit
    assert json.loads(quiz("config", "--json").output)["fsrs_parameters"] is None
    assert "FSRS parameters: FSRS's defaults" in quiz("config").output
    again = quiz("optimize", "--reset", "--yes")
    assert "already in force; nothing changed" in again.output
    assert scalar(learner_db, FITTED_REVIEWS_IN_LOG) == 2


def test_reset_asks_first_and_no_changes_nothing(quiz: Quiz, learner_db: Path, terminal: None) -> None:
    assert quiz("optimize", "--yes").exit_code == 0
    before = learner_db.read_bytes()
    result = quiz("optimize", "--reset", input="\n")
    assert "Go back to FSRS's default parameters? (the fit of 2026-03-10 stays" in result.output
    assert "[y/N]" in result.output
    assert "Nothing changed." in result.output
    assert learner_db.read_bytes() == before


# ---------------------------------------------------------------- the core's baseline


def test_a_baseline_is_judged_on_the_same_held_out_reviews_and_kept_when_refused() -> None:
    logs = [
        [(TODAY, 4), (date(2026, 3, 12), 4)],
        [(TODAY, 1), (TODAY, 4), (date(2026, 3, 11), 3)],
    ] * 5
    baseline = fsrs_fitting.clamp_parameters([v * 1.1 for v in fsrs.DEFAULT_PARAMETERS])
    result = fsrs_fitting.fit_parameters(logs, random.Random(3), baseline=baseline)
    assert not result.fitted
    assert result.parameters == baseline
    assert result.reason is not None
    assert result.reason.startswith("Kept the FSRS parameters in force: ")
    held_out = [logs[i] for i in sorted(random.Random(3).sample(range(10), 2))]
    assert result.baseline == fsrs_fitting.fit_quality(held_out, baseline)
    assert result.before == fsrs_fitting.fit_quality(held_out, fsrs.DEFAULT_PARAMETERS)
    assert result.baseline != result.before
    plain = fsrs_fitting.fit_parameters(logs, random.Random(3))
    assert plain.baseline is None
    assert plain.parameters == fsrs.DEFAULT_PARAMETERS


def _everything() -> object:
    from quizcards.core.session import SessionFilter

    return SessionFilter()


def test_damaged_parameters_name_the_reset_which_puts_the_defaults_back(quiz: Quiz, learner_db: Path) -> None:
    with contextlib.closing(sqlite3.connect(learner_db)) as conn, conn:
        conn.execute(
            "INSERT INTO fsrs_parameters (parameters, fitted_on, fitted_at, cards, reviews, "
            "held_out_reviews, optimizer) VALUES (?, '2026-03-01', '2026-03-01T09:00:00.000Z', 1, 1, 1, 'x')",
            [json.dumps(["w"] * 21)],
        )
    refused = quiz("optimize", "--yes")
    assert refused.exit_code == 1
    assert "`quiz optimize --reset` goes back to the defaults." in refused.output
    result = quiz("optimize", "--reset", "--yes")
    assert result.exit_code == 0, result.output
    assert "FSRS's default parameters are in force again." in flat(result.output)
    assert saved_parameters(learner_db) == fsrs.DEFAULT_PARAMETERS


def test_a_verdict_is_better_or_worse_only_by_both_measures() -> None:
    from quizcards.cli.optimize import _verdict, _verdict_sentence

    old = fsrs_fitting.FitQuality(0.2545, 0.026, 100)

    def judged(log_loss: float, rmse: float) -> str:
        return _verdict(old, fsrs_fitting.FitQuality(log_loss, rmse, 100))

    assert judged(0.2400, 0.020) == "better"
    assert judged(0.2700, 0.030) == "worse"
    assert judged(0.2546, 0.0262) == "same"  # equal to the three decimals shown
    # equal by one measure, better by the other: the case a reviewer saw called "better by both"
    assert judged(0.2550, 0.024) == "mixed"
    new = fsrs_fitting.FitQuality(0.2550, 0.024, 100)
    assert _verdict_sentence("mixed", None, old, new) == (
        "Against FSRS's defaults, the new fit is no different by log loss and better by RMSE(bins): "
        "no clear gain."
    )
    assert judged(0.2550, 0.030) == "mixed"


def test_a_fit_made_with_another_seed_is_said_to_be_flattered(
    quiz: Quiz, learner_db: Path, terminal: None
) -> None:
    assert quiz("optimize", "--yes", "--seed", "5").exit_code == 0
    assert rows(learner_db, "SELECT seed, held_out_cards > 0 FROM fsrs_parameters") == [(5, 1)]
    out = flat(quiz("optimize", input="n\n").output)
    assert "with another --seed, so it may have been fitted on some of these held-out cards" in out
    assert "run with --seed 5 for a fair comparison" in out
