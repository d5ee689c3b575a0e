"""`quiz plan`: the planning rules (core), the stored plan (store, migration m007) and the command."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.planning import (
    PlanCard,
    PlanDateError,
    StoredPlan,
    plan_study,
    required_new_per_day,
    review_new_cards,
)
from quizcards.core.scheduler import NEW, Grade, Schedule, review
from quizcards.core.session import SessionFilter, new_card_allowance
from quizcards.core.stats import STATS_JSON_SCHEMA
from quizcards.store import Store
from tests.helpers import Quiz, WriteDeck, before_migration, examples, import_decks, rows

TODAY = date(2026, 3, 10)  # FIXED_NOW's day
LATER = "2026-03-16T09:00:00+00:00"


def new_card(index: int) -> PlanCard:
    return PlanCard("d", f"c{index}", NEW)


def seen(card_id: str, *grades: int, first: date = TODAY - timedelta(days=3)) -> PlanCard:
    """A card reviewed with these grades, each on the day it came due (the first on `first`)."""
    schedule, day = NEW, first
    for grade in grades:
        schedule, _ = review(schedule, grade, day)
        assert schedule.due_on is not None
        day = schedule.due_on
    return PlanCard("d", card_id, schedule)


def ready_after(schedule: Schedule) -> bool:
    return schedule.reviews >= 2 and schedule.repetitions >= 1


# ---- the rules ----------------------------------------------------------------------------------


def test_the_last_day_to_start_a_new_card_is_two_days_before_the_date() -> None:
    cards = [new_card(i) for i in range(6)]
    # Three days to start cards (today, +1, +2) before a date four days away: two a day.
    plan = plan_study(cards, TODAY, TODAY + timedelta(days=4))
    assert (plan.new_per_day, plan.required_new_per_day, plan.complete) == (2, 2, True)
    assert plan.last_start_day == TODAY + timedelta(days=2)
    assert plan.last_review_day == TODAY + timedelta(days=3)
    # One day less: only two start days, so three a day.
    assert plan_study(cards, TODAY, TODAY + timedelta(days=3)).new_per_day == 3
    # The date tomorrow leaves no day to start a card: a new card started today comes back on the date.
    close = plan_study(cards, TODAY, TODAY + timedelta(days=1))
    assert (close.required_new_per_day, close.new_per_day, close.complete) == (None, 0, False)
    assert {entry.reason for entry in close.left_out} == {"no_day_to_start"}
    assert close.fits == ()


def test_required_limit_counts_the_new_cards_already_started_today() -> None:
    assert required_new_per_day(0, 0, 0) == 0
    assert required_new_per_day(5, 0, 0) is None
    assert required_new_per_day(5, 1, 0) == 5
    # Today's allowance is what the limit leaves after 4 started today, as quiz review counts it.
    assert required_new_per_day(5, 1, 4) == 9
    assert required_new_per_day(6, 3, 0) == 2
    assert required_new_per_day(6, 3, 2) == 3  # 1 today, then 3 and 3 (2 would give 0 + 2 + 2)


def test_a_date_today_or_past_has_no_study_day() -> None:
    for until in (TODAY, TODAY - timedelta(days=1)):
        with pytest.raises(PlanDateError, match="is not after today"):
            plan_study([new_card(0)], TODAY, until)


def test_seen_cards_need_one_more_review_before_the_date_and_ready_ones_none() -> None:
    ready = seen("ready", 4, 4)  # two reviews, the last passed: due in 6 days, after the date; still ready
    once = seen("once", 4, first=TODAY - timedelta(days=1))  # due today
    failed = seen("failed", 4, 1, first=TODAY - timedelta(days=2))  # last grade below 3: due today
    tomorrow = seen("tomorrow", 4, first=TODAY)  # seen today: due tomorrow
    plan = plan_study([ready, once, failed, tomorrow], TODAY, TODAY + timedelta(days=2))
    assert plan.ready == 1
    assert {card.card_id for card in plan.fits} == {"once", "failed", "tomorrow"}
    # The date tomorrow: the card due tomorrow comes back on the date itself, too late.
    close = plan_study([ready, once, failed, tomorrow], TODAY, TODAY + timedelta(days=1))
    assert [(entry.card.card_id, entry.reason) for entry in close.left_out] == [
        ("tomorrow", "due_after_date")
    ]


def test_what_fits_is_weakest_first_then_new_cards_in_deck_order() -> None:
    lapsed = seen("lapsed", 4, 0, first=TODAY - timedelta(days=2))  # EF lowered by the failure, one lapse
    hard = seen("hard", 3)  # EF 2.36, no lapse
    easy = seen("easy", 5)  # EF 2.6
    cards = [easy, new_card(1), hard, new_card(2), lapsed, new_card(3)]
    plan = plan_study(cards, TODAY, TODAY + timedelta(days=3), max_new_per_day=1)
    assert [card.card_id for card in plan.fits] == ["lapsed", "hard", "easy", "c1", "c2"]
    assert [entry.card.card_id for entry in plan.left_out] == ["c3"]
    assert (plan.required_new_per_day, plan.new_per_day, plan.complete) == (2, 1, False)


def test_the_forecast_follows_sm2_steps_at_grade_4() -> None:
    plan = plan_study([new_card(0)], TODAY, TODAY + timedelta(days=10))
    assert [(day.day - TODAY).days for day in plan.days] == list(range(10))
    busy = [
        ((day.day - TODAY).days, day.new, day.follow_ups, day.scheduled) for day in plan.days if day.total
    ]
    # Started today, back after 1 day, then after 6 (the next, 6 x 2.5 = 15 days, is past the date).
    assert busy == [(0, 1, 0, 0), (1, 0, 1, 0), (7, 0, 1, 0)]
    overdue = PlanCard(
        "d", "late", Schedule(repetitions=2, interval_days=6, due_on=TODAY - timedelta(days=5), reviews=2)
    )
    later = plan_study([overdue], TODAY, TODAY + timedelta(days=20))
    # Overdue counts today; then 6 x 2.5 = 15 days on.
    assert [(day.day - TODAY).days for day in later.days if day.scheduled] == [0, 15]


@st.composite
def collections(draw: st.DrawFn) -> tuple[list[PlanCard], int, int, int]:
    cards: list[PlanCard] = []
    for index in range(draw(st.integers(0, 30))):
        if draw(st.booleans()):
            cards.append(new_card(index))
            continue
        grades = draw(st.lists(st.integers(0, 5), min_size=1, max_size=5))
        first = TODAY - timedelta(days=draw(st.integers(0, 60)))
        schedule, day = NEW, first
        for grade in grades:
            schedule, _ = review(schedule, grade, day)
            assert schedule.due_on is not None
            day = min(schedule.due_on, TODAY)
        cards.append(PlanCard("d", f"c{index}", schedule))
    return cards, draw(st.integers(1, 40)), draw(st.integers(0, 4)), draw(st.integers(1, 12))


def simulate(cards: list[PlanCard], limit: int, introduced_today: int, until: date) -> dict[str, Schedule]:
    """quiz review every day from today to the day before the date, every grade 4, new cards in order."""
    schedules = {card.card_id: card.schedule for card in cards}
    waiting = [card.card_id for card in cards if card.schedule.is_new]
    day = TODAY
    while day < until:
        for card_id, schedule in list(schedules.items()):
            if schedule.due_on is not None and schedule.due_on <= day:
                schedules[card_id], _ = review(schedule, Grade.HESITANT, day)
        allowance = new_card_allowance(limit, introduced_today if day == TODAY else 0)
        if day == until - timedelta(days=1):
            allowance = 0  # an applied plan starts no new card on the day before its date
        for card_id in waiting[:allowance]:
            schedules[card_id], _ = review(schedules[card_id], Grade.HESITANT, day)
        waiting = waiting[allowance:]
        day += timedelta(days=1)
    return schedules


@settings(max_examples=examples(60), deadline=None)
@given(collections())
def test_every_card_that_fits_is_seen_twice_before_the_date(
    case: tuple[list[PlanCard], int, int, int],
) -> None:
    cards, days, introduced_today, cap = case
    until = TODAY + timedelta(days=days)
    plan = plan_study(cards, TODAY, until, introduced_today=introduced_today, max_new_per_day=cap)
    after = simulate(cards, plan.new_per_day, introduced_today, until)
    needing = {card.card_id for card in cards if not card.ready}
    assert {card.card_id for card in plan.fits} | {e.card.card_id for e in plan.left_out} == needing
    assert all(ready_after(after[card.card_id]) for card in plan.fits)
    assert not any(ready_after(after[entry.card.card_id]) for entry in plan.left_out)
    if plan.complete and plan.new_per_day > 0:
        # The limit is the smallest that works: one less leaves a new card short.
        fewer = simulate(cards, plan.new_per_day - 1, introduced_today, until)
        assert not all(ready_after(schedule) for schedule in fewer.values())
    # The forecast counts the same reviews as the simulation made.
    made = sum(after[card.card_id].reviews - card.schedule.reviews for card in cards)
    assert sum(day.total for day in plan.days) == made


# ---- which limit quiz review uses -----------------------------------------------------------------

PLAN = StoredPlan(("attention",), (), 3, TODAY, TODAY + timedelta(days=4))
ALL = SessionFilter()
ATTENTION = SessionFilter(decks=("attention",))


def test_review_uses_the_plan_until_the_day_before_its_date() -> None:
    on = review_new_cards(PLAN, TODAY + timedelta(days=2), ALL, None, 10)
    assert (on.daily_new, on.selection, on.plan) == (3, ATTENTION, PLAN)
    # The day before the date the plan still applies, with no new card (it would come back on the date).
    last = review_new_cards(PLAN, TODAY + timedelta(days=3), ALL, None, 10)
    assert (last.daily_new, last.selection, last.plan) == (0, ATTENTION, PLAN)
    assert review_new_cards(PLAN, TODAY, ATTENTION, None, 10).daily_new == 3
    # The date itself, and after: the config's limit, whatever is stored.
    for day in (TODAY + timedelta(days=4), TODAY + timedelta(days=30)):
        assert review_new_cards(PLAN, day, ALL, None, 10) == review_new_cards(None, day, ALL, None, 10)
    # An explicit --new wins; another selection keeps the config's limit.
    assert review_new_cards(PLAN, TODAY, ALL, 7, 10).daily_new == 7
    other = SessionFilter(decks=("bert",))
    kept = review_new_cards(PLAN, TODAY, other, None, 10)
    assert (kept.daily_new, kept.selection, kept.plan) == (10, other, None)


# ---- the store ----------------------------------------------------------------------------------


def test_the_stored_plan_is_replaced_and_cleared(memory_store: Store) -> None:
    assert memory_store.study_plan() is None
    from datetime import UTC, datetime

    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert memory_store.save_study_plan(PLAN, now) is None
    second = StoredPlan((), ("nlp",), 5, TODAY, TODAY + timedelta(days=9))
    assert memory_store.save_study_plan(second, now) == PLAN
    assert memory_store.study_plan() == second
    assert memory_store.clear_study_plan() == second
    assert memory_store.clear_study_plan() is None


def test_an_older_database_gains_the_plans_table_after_a_backup(
    db_path: Path, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SMALL_DECK

    deck = write_deck("attention.yaml", SMALL_DECK)
    with before_migration("m007_study_plans"):
        import_decks(db_path, deck)
    assert rows(db_path, "SELECT name FROM sqlite_master WHERE name = 'study_plans'") == []
    with Store.open(db_path) as store:
        assert store.study_plan() is None
        assert [card.card_id for card in store.plan_cards(ALL)] == ["qkv", "scale", "bottleneck"]
    assert rows(db_path, "SELECT count(*) FROM study_plans") == [(0,)]
    assert list(db_path.parent.rglob("*before-m007_study_plans.db"))


# ---- the command --------------------------------------------------------------------------------

NINE = "deck: nine\ntitle: Nine\ncards:\n" + "".join(
    f"  - id: n{i}\n    q: Question {i}?\n    a: Answer {i}.\n" for i in range(1, 10)
)


@pytest.fixture
def nine_db(db_path: Path, write_deck: WriteDeck) -> Path:
    import_decks(db_path, write_deck("nine.yaml", NINE))
    return db_path


def test_dates_today_past_or_malformed_are_one_line_errors(quiz: Quiz, nine_db: Path) -> None:
    for value, message in (
        (
            "2026-03-10",
            "Error: --by 2026-03-10 is not after today (2026-03-10); a plan needs at least one "
            "day before the date.\n",
        ),
        (
            "2026-03-01",
            "Error: --by 2026-03-01 is not after today (2026-03-10); a plan needs at least one "
            "day before the date.\n",
        ),
        ("next week", "Error: --by must be a date like 2026-03-10, not 'next week'.\n"),
    ):
        result = quiz("plan", "--by", value, "--apply")
        assert (result.exit_code, result.stderr) == (1, message)
    assert rows(nine_db, "SELECT count(*) FROM study_plans") == [(0,)]
    mixed = quiz("plan", "--clear", "--by", "2026-03-14")
    assert (mixed.exit_code, mixed.stderr) == (
        1,
        "Error: --clear takes no other option: it removes the stored plan.\n",
    )
    assert quiz("plan").stdout == "No plan is stored. quiz plan --by DATE makes one; --apply stores it.\n"


def test_plan_json_apply_stats_and_clear(quiz: Quiz, nine_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = quiz("plan", "--by", "2026-03-14", "--json")
    data = json.loads(shown.stdout)
    assert (data["format"], data["version"], data["new_per_day"], data["complete"]) == (
        "quizcards-plan",
        1,
        3,
        True,
    )
    assert data["cards"] == {"new": 9, "learning": 0, "mature": 0}
    assert [day["date"] for day in data["forecast"]] == [
        "2026-03-10",
        "2026-03-11",
        "2026-03-12",
        "2026-03-13",
    ]
    assert [day["total"] for day in data["forecast"]] == [3, 6, 6, 3]
    assert (data["applied"], data["plan"]) == (False, None)
    assert rows(nine_db, "SELECT count(*) FROM study_plans") == [(0,)]

    applied = quiz("plan", "--by", "2026-03-14", "--deck", "nine", "--apply")
    assert (
        "Applied: quiz review starts up to 3 new cards a day from deck nine, until 2026-03-14"
        in applied.stdout
    )
    again = quiz("plan", "--by", "2026-03-20", "--deck", "nine", "--apply")
    assert "It replaced the earlier plan: 3 new cards a day from deck nine, until 2026-03-14" in again.stdout
    quiz("plan", "--by", "2026-03-14", "--deck", "nine", "--apply")

    stats = json.loads(quiz("stats", "--format", "json").stdout)
    jsonschema.validate(stats, STATS_JSON_SCHEMA)
    assert stats["plan"] == {
        "decks": ["nine"],
        "tags": [],
        "new_per_day": 3,
        "from": "2026-03-10",
        "until": "2026-03-14",
        "active": True,
    }
    assert "Plan: 3 new cards a day from deck nine, until 2026-03-14" in quiz("stats").stdout

    # After the date it is shown as ended, and reading it changes nothing.
    monkeypatch.setenv("QUIZCARDS_NOW", LATER)
    before = rows(nine_db, "SELECT * FROM study_plans")
    assert json.loads(quiz("stats", "--format", "json").stdout)["plan"]["active"] is False
    assert "ended on 2026-03-14" in quiz("stats").stdout
    assert rows(nine_db, "SELECT * FROM study_plans") == before

    assert json.loads(quiz("plan", "--json").stdout)["plan"]["active"] is False
    cleared = quiz("plan", "--clear")
    assert cleared.stdout == "Removed the plan until 2026-03-14; quiz review uses new_per_day again.\n"
    assert json.loads(quiz("stats", "--format", "json").stdout)["plan"] is None
    assert quiz("plan", "--clear").stdout == "There was no stored plan; nothing changed.\n"


def test_a_date_too_close_says_so_and_shows_what_fits(
    quiz: Quiz, nine_db: Path, grade_one: Callable[[], None]
) -> None:
    grade_one()
    result = quiz("plan", "--by", "2026-03-12", "--max-new", "2")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.stdout.split())  # as read, whatever the wrapping
    assert (
        "Too close: all 8 new cards would take 8 a day, more than the plan's cap of 2 (--max-new). " in shown
    )
    assert "At 2 a day, 2 of them fit." in shown
    assert "What fits, weakest first (3):" in shown
    assert "Left out (6):" in shown


@pytest.fixture
def grade_one(nine_db: Path) -> Callable[[], None]:
    from tests.helpers import grade

    def run() -> None:
        grade(nine_db, "nine", "n5", 4, TODAY - timedelta(days=1))

    return run
