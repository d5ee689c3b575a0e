"""Stats, show and cards under FSRS (issue 17): retrievability, predicted retention and FSRS's due days."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import SMALL_DECK, Restore, deck_writer
from helpers import grade, import_decks, pk_of, scalar
from typer.testing import Result

from quizcards.core.fsrs import DEFAULT_PARAMETERS, retrievability
from quizcards.core.stats.memory import fsrs_figures
from quizcards.store import Store

TODAY = date(2026, 3, 10)  # FIXED_NOW's day
HISTORY = (
    ("qkv", 4, date(2026, 3, 1)),
    ("qkv", 4, date(2026, 3, 4)),
    ("scale", 4, date(2026, 3, 1)),
    ("scale", 1, date(2026, 3, 2)),  # a lapse: scale is a leech
    ("scale", 4, date(2026, 3, 2)),  # the re-drill
    ("scale", 3, date(2026, 3, 3)),
)
Quiz = Callable[..., Result]


def build_graded(folder: Path) -> None:
    """SMALL_DECK with qkv and scale reviewed (bottleneck new), under SM-2."""
    db = folder / "quiz.db"
    import_decks(db, deck_writer(folder)("attention.yaml", SMALL_DECK))
    with Store.open(db) as store:
        for card_id, value, day in HISTORY:
            grade(store, "attention", card_id, value, day)


def build_fsrs(folder: Path) -> None:
    build_graded(folder)
    with Store.open(folder / "quiz.db") as store:
        store.set_setting("scheduler", "fsrs")


def build_back_to_sm2(folder: Path) -> None:
    """FSRS on, then off again: fsrs_states keeps rows that SM-2 must not show."""
    build_fsrs(folder)
    with Store.open(folder / "quiz.db") as store:
        store.set_setting("scheduler", "sm2")


def states(db: Path) -> dict[str, tuple[float, float, date, date]]:
    """card id -> (stability, difficulty, last review, FSRS due) as stored."""
    with Store.open(db, mode="read") as store:
        found = {}
        for card_id in ("qkv", "scale"):
            state = store.fsrs_state(pk_of(store, "attention", card_id))
            assert state is not None
            found[card_id] = (state.stability, state.difficulty, state.last_reviewed_on, state.due_on)
        return found


def sm2_due(db: Path, card_id: str) -> str:
    return str(scalar(db, "SELECT due_on FROM cards WHERE card_id = ?", [card_id]))


def due_line(shown: str) -> str:
    """The due day `quiz show` gives in its schedule panel."""
    found = re.search(r"│ due +(.+?) +│", shown)
    assert found is not None
    return found.group(1)


def test_show_under_fsrs_gives_stability_difficulty_retrievability_and_fsrs_due(
    restore: Restore, quiz: Quiz
) -> None:
    db = restore(build_fsrs)
    stability, difficulty, last, due = states(db)["qkv"]
    assert due.isoformat() != sm2_due(db, "qkv")  # the two schedulers disagree here
    r = retrievability(stability, (TODAY - last).days, DEFAULT_PARAMETERS)
    shown = quiz("show", "attention/qkv").stdout
    assert "Schedule · FSRS" in shown
    assert f"stability       {stability:.1f} days" in shown
    assert f"difficulty      {difficulty:.1f} (1 easiest, 10 hardest)" in shown
    assert f"retrievability  {round(r * 100)}% today" in shown
    assert due_line(shown) == f"{due.isoformat()} (in {(due - TODAY).days} days)"
    assert "easiness (EF)" not in shown  # SM-2's, running underneath
    data = json.loads(quiz("show", "attention/qkv", "--json").stdout)
    assert data["scheduler"] == "fsrs"
    assert data["due_on"] == due.isoformat()
    assert data["due_in_days"] == (due - TODAY).days
    assert data["fsrs"] == {
        "stability": round(stability, 4),
        "difficulty": round(difficulty, 4),
        "retrievability": round(r, 4),
        "last_reviewed_on": last.isoformat(),
        "due_on": due.isoformat(),
    }
    new = json.loads(quiz("show", "attention/bottleneck", "--json").stdout)
    assert (new["scheduler"], new["fsrs"], new["due_on"]) == ("fsrs", None, None)
    assert "no memory state until its first review" in quiz("show", "attention/bottleneck").stdout


def test_show_under_sm2_ignores_a_stale_fsrs_state(restore: Restore, quiz: Quiz) -> None:
    db = restore(build_back_to_sm2)
    assert scalar(db, "SELECT count(*) FROM fsrs_states") == 2  # left from the time under FSRS
    shown = quiz("show", "attention/qkv").stdout
    assert "stability" not in shown
    assert "retrievability" not in shown
    assert "FSRS" not in shown
    assert due_line(shown) == f"{sm2_due(db, 'qkv')} (today)"
    data = json.loads(quiz("show", "attention/qkv", "--json").stdout)
    assert (data["scheduler"], data["fsrs"], data["due_on"]) == ("sm2", None, sm2_due(db, "qkv"))
    listed = json.loads(quiz("cards", "--json").stdout)
    assert [(c["scheduler"], c["fsrs"]) for c in listed] == [("sm2", None)] * 3


def test_cards_under_fsrs_show_the_fsrs_due_day_and_r(
    restore: Restore, quiz: Quiz, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = restore(build_fsrs)
    found = states(db)
    monkeypatch.setenv("COLUMNS", "140")
    table = quiz("cards").stdout
    header = next(line for line in table.splitlines() if "card" in line and "due" in line)
    assert header.split() == ["card", "state", "due", "R", "stability", "difficulty", "lapses", "question"]
    for card_id, (stability, difficulty, last, due) in found.items():
        row = next(line for line in table.splitlines() if f"attention/{card_id} " in line)
        r = retrievability(stability, (TODAY - last).days, DEFAULT_PARAMETERS)
        assert due.isoformat() in row
        assert sm2_due(db, card_id) not in row
        assert f"{round(r * 100)}%" in row
        assert f"{stability:.1f} d" in row
        assert f"{difficulty:.1f}" in row
    assert "R: recall FSRS predicts today" in table
    listed = {c["card_id"]: c for c in json.loads(quiz("cards", "--json").stdout)}
    assert listed["qkv"]["due_on"] == found["qkv"][3].isoformat()
    assert listed["qkv"]["fsrs"]["stability"] == round(found["qkv"][0], 4)
    assert listed["bottleneck"]["fsrs"] is None
    # --due filters and shows the same day: every card it lists is due by what it shows
    for card in json.loads(quiz("cards", "--due", "--json").stdout):
        assert card["due_on"] <= TODAY.isoformat()


def test_stats_under_fsrs_predict_retention_and_date_leeches_by_fsrs(restore: Restore, quiz: Quiz) -> None:
    import jsonschema

    from quizcards.core.stats import STATS_JSON_SCHEMA

    db = restore(build_fsrs)
    found = states(db)
    values = [retrievability(s, (TODAY - last).days, DEFAULT_PARAMETERS) for s, _, last, _ in found.values()]
    data = json.loads(quiz("stats", "--format", "json").stdout)
    jsonschema.validate(data, STATS_JSON_SCHEMA)
    assert data["version"] == 1  # fields added, none renamed
    assert data["scheduler"] == "fsrs"
    assert data["fsrs"] == {
        "desired_retention": 0.9,
        "parameters_source": "default",
        "fitted_on": None,
        "cards": 2,
        "predicted_retention": round(sum(values) / 2, 4),
        "below_desired_retention": sum(value < 0.9 for value in values),
    }
    assert [leech["due_on"] for leech in data["leeches"]] == [found["scale"][3].isoformat()]
    dashboard = quiz("stats").stdout
    assert dashboard.splitlines()[0].endswith("· FSRS")
    assert "FSRS: desired retention 90%, default parameters" in dashboard
    assert f"predicted retention today {sum(values) / 2:.1%} over 2 cards" in dashboard
    assert "scheduler,,,,scheduler,fsrs" in quiz("stats", "--format", "csv").stdout
    assert "- Predicted retention today" in quiz("stats", "--format", "markdown").stdout


def test_stats_name_fitted_parameters_and_use_them(restore: Restore, quiz: Quiz) -> None:
    db = restore(build_fsrs)
    fitted = list(DEFAULT_PARAMETERS)
    fitted[20] = 0.5  # a steeper decay: R differs from the default's
    with Store.open(db) as store, store.conn:
        store.conn.execute(
            "INSERT INTO fsrs_parameters (parameters, fitted_on, fitted_at, cards, reviews, "
            "held_out_reviews, optimizer) VALUES (?, '2026-03-08', '2026-03-08T10:00:00Z', 2, 5, 1, 'test')",
            [json.dumps(fitted)],
        )
    data = json.loads(quiz("stats", "--format", "json").stdout)["fsrs"]
    assert (data["parameters_source"], data["fitted_on"]) == ("fitted", "2026-03-08")
    stability, _, last, _ = states(db)["qkv"]
    shown = json.loads(quiz("show", "attention/qkv", "--json").stdout)["fsrs"]["retrievability"]
    assert shown == round(retrievability(stability, (TODAY - last).days, tuple(fitted)), 4)
    assert "parameters fitted on 2026-03-08" in quiz("stats").stdout


def test_stats_under_sm2_name_the_scheduler_only(restore: Restore, quiz: Quiz) -> None:
    restore(build_back_to_sm2)
    data = json.loads(quiz("stats", "--format", "json").stdout)
    assert (data["scheduler"], data["fsrs"]) == ("sm2", None)
    dashboard = quiz("stats").stdout
    assert dashboard.splitlines()[0].endswith("· SM-2")
    assert "retention today" not in dashboard
    assert "Scheduler: SM-2." in quiz("stats", "--format", "markdown").stdout


def test_fsrs_figures_count_cards_below_the_desired_retention() -> None:
    # At t = S, R is exactly 0.9: not below a desired 0.9, below a desired 0.95.
    rows = [(10.0, date(2026, 3, 1)), (5.0, date(2026, 3, 9)), (2.0, date(2026, 2, 1))]
    today = date(2026, 3, 11)
    figures = fsrs_figures(rows, today, DEFAULT_PARAMETERS, 0.9, None)
    values = [retrievability(s, (today - last).days, DEFAULT_PARAMETERS) for s, last in rows]
    assert values[0] == 0.9 or abs(values[0] - 0.9) < 1e-12
    assert (figures.cards, figures.below_retention) == (3, 1)
    assert figures.predicted_retention == sum(values) / 3
    assert fsrs_figures(rows, today, DEFAULT_PARAMETERS, 0.95, None).below_retention == 2
    assert fsrs_figures([], today, DEFAULT_PARAMETERS, 0.9, None).predicted_retention is None


def test_the_card_export_carries_sm2_s_schedule_and_the_fsrs_state_in_force(
    restore: Restore, quiz: Quiz
) -> None:
    db = restore(build_fsrs)
    exported = {
        card["card_id"]: card
        for card in map(json.loads, quiz("export", "cards", "--format", "jsonl").stdout.splitlines())
    }
    stored = states(db)
    qkv = exported["qkv"]
    assert qkv["due_on"] == sm2_due(db, "qkv")  # the SM-2 state, as the README's table says
    assert (qkv["scheduler"], qkv["fsrs_stability"], qkv["fsrs_difficulty"], qkv["fsrs_due_on"]) == (
        "fsrs",
        stored["qkv"][0],
        stored["qkv"][1],
        stored["qkv"][3].isoformat(),
    )
    assert exported["bottleneck"]["fsrs_due_on"] is None  # new: no state yet
    back = restore(build_back_to_sm2)
    again = [
        json.loads(line) for line in quiz("export", "cards", "--format", "jsonl", db=back).stdout.splitlines()
    ]
    assert {(card["scheduler"], card["fsrs_stability"], card["fsrs_due_on"]) for card in again} == {
        ("sm2", None, None)
    }
