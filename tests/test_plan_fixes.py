"""Reviewer findings on `quiz plan` (session 4): the date's horizon, the last start day, the chart's
rounding, and what `quiz review` says when nothing is due under an applied plan or with cards suspended."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from quizcards.core.planning import PlanCard, PlanDateError, PlanDay, StoredPlan, plan_study, review_new_cards
from quizcards.core.scheduler import NEW
from quizcards.core.session import SessionFilter
from quizcards.render import make_console
from quizcards.render.plan import ForecastBars, plan_view
from tests.helpers import Quiz, WriteDeck, import_decks

TODAY = date(2026, 3, 10)  # FIXED_NOW's day
README = Path(__file__).resolve().parent.parent / "README.md"


def deck_yaml(name: str, count: int) -> str:
    return f"deck: {name}\ntitle: {name.title()}\ncards:\n" + "".join(
        f"  - id: {name[0]}{i}\n    q: Question {i}?\n    a: Answer {i}.\n" for i in range(1, count + 1)
    )


def shown(renderable: object, width: int = 80) -> str:
    console = make_console()
    console.width = width
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


# ---- 1. the date's horizon --------------------------------------------------------------------


@pytest.fixture
def two_decks(db_path: Path, write_deck: WriteDeck) -> Path:
    import_decks(
        db_path,
        write_deck("nine.yaml", deck_yaml("nine", 9)),
        write_deck("other.yaml", deck_yaml("other", 3)),
    )
    return db_path


def test_a_date_past_the_horizon_is_a_one_line_error(quiz: Quiz, two_decks: Path) -> None:
    for far in ("9999-12-31", (TODAY + timedelta(days=367)).isoformat()):
        result = quiz("plan", "--by", far)
        assert result.exit_code != 0
        assert result.output.count("\n") == 1, result.output
        assert "at most 366 days" in result.output
    with pytest.raises(PlanDateError):
        plan_study([PlanCard("d", "c", NEW)], TODAY, TODAY + timedelta(days=367))


def test_the_chart_stays_a_screen_high_at_the_horizon(quiz: Quiz, two_decks: Path) -> None:
    result = quiz("plan", "--by", (TODAY + timedelta(days=366)).isoformat())
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) < 75
    assert "366 days" in quiz("plan", "--help").stdout.replace("\n", " ")


# ---- 3. no new card on the day before the date ------------------------------------------------


def test_new_cards_stop_after_the_last_start_day() -> None:
    until = TODAY + timedelta(days=11)
    plan = plan_study([PlanCard("d", f"c{i}", NEW) for i in range(35)], TODAY, until, max_new_per_day=1)
    assert len(plan.fits) == 10
    assert sum(day.new for day in plan.days) == 10
    assert plan.days[-1].day == until - timedelta(days=1)
    assert plan.days[-1].new == 0
    stored = StoredPlan(("attention",), (), 1, TODAY, until)
    last_day = review_new_cards(stored, until - timedelta(days=1), SessionFilter(), None, 10)
    assert (last_day.daily_new, last_day.plan) == (0, stored)
    assert review_new_cards(stored, until - timedelta(days=2), SessionFilter(), None, 10).daily_new == 1


# ---- 4. the words and the chart ---------------------------------------------------------------


def test_one_new_card_a_day_starts_them() -> None:
    plan = plan_study([PlanCard("d", f"c{i}", NEW) for i in range(5)], TODAY, TODAY + timedelta(days=8))
    text = " ".join(shown(plan_view(plan, SessionFilter())).split())
    assert "1 new card a day starts all 5" in text


def test_new_cards_and_reviews_share_one_scale() -> None:
    days = (
        PlanDay(TODAY, 4, 4, 0),
        PlanDay(TODAY + timedelta(days=1), 0, 4, 0),
        PlanDay(TODAY + timedelta(days=2), 4, 0, 0),
        PlanDay(TODAY + timedelta(days=3), 0, 0, 9),
    )
    for width in range(30, 121):
        rows = shown(ForecastBars(days), width).splitlines()
        new = [row.count("█") for row in rows]
        reviews = [row.count("▒") for row in rows]
        assert new[0] == reviews[0] == reviews[1] == new[2], (width, rows)
        assert new[0] + reviews[0] == 2 * reviews[1]  # the busiest row fits: whole cells a review
        assert reviews[3] * 4 == reviews[1] * 9
        assert all(len(row.rstrip()) <= width for row in rows)


# ---- 2. nothing due under a plan, or with every card suspended ---------------------------------


@pytest.fixture
def review(quiz: Quiz, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)

    def run(*args: str) -> str:
        result = quiz("review", *args)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    return run


def sql(db: Path, statement: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(statement)
    conn.close()


def test_new_cards_outside_the_plan_are_not_called_buried(
    quiz: Quiz, two_decks: Path, review: Callable[..., str]
) -> None:
    assert quiz("plan", "--by", "2026-03-13", "--deck", "nine", "--apply").exit_code == 0
    # Every card of the plan's deck has started (and is due later): only the other deck's new cards wait.
    sql(two_decks, "UPDATE cards SET due_on = '2026-03-25' WHERE deck = 'nine'")
    text = review()
    assert "buried" not in text, text
    assert "3 new cards are outside the plan: quiz review --deck other starts them." in text


def test_the_plans_limit_reached_counts_only_the_plans_new_cards(
    quiz: Quiz, two_decks: Path, review: Callable[..., str]
) -> None:
    from tests.helpers import grade

    assert quiz("plan", "--by", "2026-03-20", "--deck", "nine", "--apply").exit_code == 0  # 1 a day
    grade(two_decks, "nine", "n1", 4, TODAY)
    text = review()
    assert "8 new cards of the plan waiting. Today's new cards: 1 of 1 introduced;" in text, text
    assert "quiz review --new 6 --deck nine raises today's limit to 6." in text
    assert "3 new cards are outside the plan: quiz review --deck other starts them." in text


def test_the_plans_last_day_starts_no_new_card(
    quiz: Quiz, two_decks: Path, review: Callable[..., str]
) -> None:
    assert quiz("plan", "--by", "2026-03-11", "--deck", "nine", "--apply").exit_code == 0
    text = review()
    assert "The plan starts no new card today, the day before 2026-03-11" in text, text


def test_every_card_suspended_names_them_and_suggests_no_import(
    two_decks: Path, review: Callable[..., str]
) -> None:
    sql(two_decks, "UPDATE cards SET suspended_on = '2026-03-09'")
    text = review()
    assert "import" not in text, text
    assert "12 cards suspended: quiz cards --suspended lists them." in text


# ---- 5. the README ------------------------------------------------------------------------------


def test_the_readme_has_one_interview_section_in_the_order_used() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines.count("## Interview coming up") == 1
    start = lines.index("## Interview coming up")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    heads = [line for line in lines[start:end] if line.startswith("### ")]
    assert [h.split(":")[0] for h in heads][:3] == [
        "### Plan back from the date",
        "### Cram the night before",
        "### Mock interview",
    ], heads


def test_many_decks_outside_the_plan_name_one_and_where_to_find_the_others() -> None:
    from quizcards.core.outlook import Outlook
    from quizcards.render.review import nothing_due

    plan = StoredPlan(("attention",), (), 2, TODAY, TODAY + timedelta(days=9))
    outside = (("activations", 16), ("bert", 23), ("cnn", 23), ("gans", 23))
    outlook = Outlook(None, 0, 16, new_buried=0, new_outside=outside)
    text = " ".join(shown(nothing_due(outlook, TODAY, daily_new=2, introduced=2, plan=plan)).split())
    assert "16 new cards of the plan waiting." in text
    assert (
        "85 new cards in 4 decks are outside the plan: quiz review --deck activations starts that deck's "
        "(quiz decks lists the others)." in text
    )
