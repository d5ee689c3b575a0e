"""Tests for the SM-2 scheduler: worked examples by hand, then properties."""

from __future__ import annotations

import dataclasses
import functools
import math
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcards.core.errors import InvalidGradeError, QuizError
from quizcards.core.scheduler import (
    MIN_EASINESS_HUNDREDTHS,
    NEW,
    Grade,
    ReviewLog,
    Schedule,
    needs_redrill,
    parse_grade,
    replay,
    review,
)

START = date(2024, 1, 1)


def on_time_run(grades: list[int], start: Schedule = NEW, first_day: date = START) -> list[Schedule]:
    """Each review on the day the previous one made the card due."""
    schedules = []
    schedule, day = start, first_day
    for grade in grades:
        schedule, _ = review(schedule, grade, day)
        schedules.append(schedule)
        assert schedule.due_on is not None
        day = schedule.due_on
    return schedules


# --- grades -------------------------------------------------------------------


def test_grades_are_the_papers_scale() -> None:
    assert [int(grade) for grade in Grade] == [0, 1, 2, 3, 4, 5]
    assert [grade.label for grade in Grade] == [
        "complete blackout",
        "wrong, but familiar",
        "wrong, but easy once seen",
        "right, with serious difficulty",
        "right, after hesitation",
        "perfect",
    ]


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4, 5, Grade.BLACKOUT, Grade.PERFECT])
def test_parse_grade_accepts_whole_numbers_from_0_to_5(value: int) -> None:
    grade = parse_grade(value)
    assert type(grade) is Grade
    assert grade == value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (7, "7"),
        (6, "6"),
        (-1, "-1"),
        (True, "True"),
        (False, "False"),
        (3.0, "3.0"),
        (2.5, "2.5"),
        ("3", "'3'"),
        (None, "None"),
        (Fraction(3), "Fraction(3, 1)"),
    ],
)
def test_parse_grade_rejects_anything_else_with_a_sentence(value: object, shown: str) -> None:
    with pytest.raises(InvalidGradeError) as caught:
        parse_grade(value)
    assert str(caught.value) == f"A grade must be a whole number from 0 to 5, not {shown}."
    assert isinstance(caught.value, QuizError)
    assert isinstance(caught.value, ValueError)


def test_review_and_needs_redrill_validate_the_grade() -> None:
    with pytest.raises(InvalidGradeError, match=r"not 6\.$"):
        review(NEW, 6, START)
    with pytest.raises(InvalidGradeError, match=r"not True\.$"):
        review(NEW, True, START)
    with pytest.raises(InvalidGradeError, match=r"not -1\.$"):
        needs_redrill(-1)


@pytest.mark.parametrize(
    ("grade", "expected"), [(0, True), (1, True), (2, True), (3, True), (4, False), (5, False)]
)
def test_needs_redrill_below_four(grade: int, expected: bool) -> None:
    assert needs_redrill(grade) is expected
    assert needs_redrill(Grade(grade)) is expected


# --- a new card -----------------------------------------------------------------


def test_a_new_card() -> None:
    assert Schedule() == NEW
    assert (NEW.repetitions, NEW.interval_days, NEW.easiness_hundredths) == (0, 0, 250)
    assert NEW.easiness == Fraction(5, 2)
    assert NEW.due_on is None
    assert NEW.last_reviewed_on is None
    assert (NEW.lapses, NEW.reviews) == (0, 0)
    assert NEW.is_new
    assert not review(NEW, Grade.BLACKOUT, START)[0].is_new
    assert MIN_EASINESS_HUNDREDTHS == 130


# --- the review log -------------------------------------------------------------


def test_review_returns_the_new_schedule_and_its_log() -> None:
    before = Schedule(
        repetitions=2,
        interval_days=6,
        easiness_hundredths=270,
        due_on=date(2024, 1, 8),
        reviews=2,
        last_reviewed_on=date(2024, 1, 2),
    )
    after, log = review(before, 4, date(2024, 1, 8))
    assert (after.interval_days, after.due_on) == (17, date(2024, 1, 25))  # ceil(6 x 2.7)
    assert log == ReviewLog(
        grade=Grade.HESITANT, reviewed_on=date(2024, 1, 8), kind="scheduled", before=before, after=after
    )
    assert type(log.grade) is Grade
    with pytest.raises(dataclasses.FrozenInstanceError):
        log.kind = "redrill"  # type: ignore[misc]


# --- golden sequences -----------------------------------------------------------
# Worked by hand. The interval of review n > 2 is ceil(previous interval x EF),
# where EF is the value before review n's own update.


def test_golden_run_of_perfect_grades() -> None:
    # EF before each review: 2.5, 2.6, 2.7, 2.8, ...; so review 3 gives
    # ceil(6 x 2.7) = ceil(16.2) = 17, and review 4 ceil(17 x 2.8) = ceil(47.6) = 48.
    run = on_time_run([5] * 8)
    assert [s.interval_days for s in run] == [1, 6, 17, 48, 140, 420, 1302, 4167]
    assert [s.easiness_hundredths for s in run] == [260, 270, 280, 290, 300, 310, 320, 330]
    assert [s.repetitions for s in run] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.reviews for s in run] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.due_on for s in run] == [
        date(2024, 1, 2),
        date(2024, 1, 8),
        date(2024, 1, 25),
        date(2024, 3, 13),
        date(2024, 7, 31),
        date(2025, 9, 24),
        date(2029, 4, 18),
        date(2040, 9, 14),
    ]


def test_golden_run_of_hesitant_grades_keeps_easiness() -> None:
    # EF stays 2.5: 6 x 2.5 = 15, 15 x 2.5 = 37.5 -> 38, 38 x 2.5 = 95, 95 x 2.5 = 237.5 -> 238.
    run = on_time_run([4] * 8)
    assert [s.interval_days for s in run] == [1, 6, 15, 38, 95, 238, 595, 1488]
    assert {s.easiness_hundredths for s in run} == {250}


def test_golden_run_of_difficult_grades_lowers_easiness_to_the_floor() -> None:
    # EF falls by 0.14 a review: before review 3 it is 2.22, so ceil(6 x 2.22) = ceil(13.32) = 14;
    # it would reach 1.24 at review 9, so the floor holds it at 1.3.
    run = on_time_run([3] * 10)
    assert [s.interval_days for s in run] == [1, 6, 14, 30, 59, 107, 178, 271, 374, 487]
    assert [s.easiness_hundredths for s in run] == [236, 222, 208, 194, 180, 166, 152, 138, 130, 130]


def test_golden_run_with_a_lapse() -> None:
    run = on_time_run([5, 5, 5, 5, 1, 5, 5, 5])
    assert [s.interval_days for s in run] == [1, 6, 17, 48, 1, 1, 6, 16]
    assert [s.repetitions for s in run] == [1, 2, 3, 4, 0, 1, 2, 3]
    # 2.9 - 0.54 = 2.36 after the lapse; then ceil(6 x 2.56) = ceil(15.36) = 16.
    assert [s.easiness_hundredths for s in run] == [260, 270, 280, 290, 236, 246, 256, 266]
    assert [s.lapses for s in run] == [0, 0, 0, 0, 1, 1, 1, 1]


# --- the easiness update --------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "change"),
    [(5, 10), (4, 0), (3, -14), (2, -32), (1, -54), (0, -80)],
)
def test_easiness_update_table(grade: int, change: int) -> None:
    before = Schedule(repetitions=3, interval_days=20, easiness_hundredths=250)
    after, _ = review(before, grade, START)
    assert after.easiness_hundredths == 250 + change
    assert after.easiness - before.easiness == Fraction(change, 100)


def test_easiness_update_matches_the_papers_formula() -> None:
    for q in range(6):
        paper = Fraction(1, 10) - (5 - q) * (Fraction(8, 100) + (5 - q) * Fraction(2, 100))
        assert review(NEW, q, START)[0].easiness == Fraction(5, 2) + paper


@pytest.mark.parametrize(
    ("before", "grade", "after"),
    [(140, 0, 130), (130, 0, 130), (143, 3, 130), (144, 3, 130), (145, 3, 131), (130, 3, 130), (130, 5, 140)],
)
def test_easiness_never_falls_below_1_3(before: int, grade: int, after: int) -> None:
    schedule = Schedule(repetitions=4, interval_days=30, easiness_hundredths=before)
    assert review(schedule, grade, START)[0].easiness_hundredths == after


def test_easiness_has_no_upper_bound() -> None:
    schedule = Schedule(repetitions=4, interval_days=3, easiness_hundredths=500)
    after, _ = review(schedule, Grade.PERFECT, START)
    assert after.easiness_hundredths == 510
    assert after.interval_days == 15


# --- failures and lapses --------------------------------------------------------


def test_failure_resets_to_one_day_but_still_lowers_easiness() -> None:
    learned = replay([(5, START), (5, date(2024, 1, 2)), (5, date(2024, 1, 8))])
    assert (learned.repetitions, learned.interval_days, learned.easiness_hundredths) == (3, 17, 280)
    failed, _ = review(learned, Grade.EASY_ONCE_SEEN, date(2024, 1, 25))
    assert failed.repetitions == 0
    assert failed.interval_days == 1
    assert failed.easiness_hundredths == 248
    assert failed.due_on == date(2024, 1, 26)
    assert failed.last_reviewed_on == date(2024, 1, 25)
    assert failed.reviews == 4


def test_relearning_starts_again_from_one_and_six_days() -> None:
    failed = Schedule(repetitions=0, interval_days=1, easiness_hundredths=200, lapses=1, reviews=9)
    run = on_time_run([4, 4, 4], start=failed)
    assert [s.interval_days for s in run] == [1, 6, 12]


def test_lapses_count_failures_of_cards_that_had_been_recalled() -> None:
    day = START
    schedule, _ = review(NEW, 0, day)
    assert schedule.lapses == 0, "a new card has nothing to lapse from"
    schedule, _ = review(schedule, 1, day)
    assert schedule.lapses == 0, "a card already back at 0 repetitions does not lapse again"
    schedule, _ = review(schedule, 3, day)
    schedule, _ = review(schedule, 2, day)
    assert schedule.lapses == 1
    schedule, _ = review(schedule, 5, day)
    schedule, _ = review(schedule, 5, day)
    schedule, _ = review(schedule, 0, day)
    assert schedule.lapses == 2
    assert schedule.reviews == 7


# --- exact arithmetic -----------------------------------------------------------


def test_interval_product_is_exact_where_floats_round_up_a_day_too_far() -> None:
    # Grades 5, 5, 5, 4, 4 leave a card at 135 days with EF exactly 2.8.
    run = on_time_run([5, 5, 5, 4, 4])
    last = run[-1]
    assert (last.repetitions, last.interval_days, last.easiness_hundredths) == (5, 135, 280)
    assert review(last, Grade.HESITANT, START)[0].interval_days == 378
    # The trap this avoids: a float EF accumulated the same way overshoots 2.8.
    float_easiness = 2.5 + 0.1 + 0.1 + 0.1
    assert math.ceil(135 * float_easiness) == 379


@pytest.mark.parametrize(
    ("interval_days", "easiness_hundredths", "expected"),
    [(135, 280, 378), (75, 136, 102), (50, 218, 109), (150, 162, 243)],
)
def test_interval_product_is_exact_for_whole_products(
    interval_days: int, easiness_hundredths: int, expected: int
) -> None:
    # Each product is a whole number of days. For the last three, even a float made
    # from the stored hundredths, ceil(interval * (hundredths / 100)), is one day too many.
    schedule = Schedule(repetitions=5, interval_days=interval_days, easiness_hundredths=easiness_hundredths)
    assert review(schedule, Grade.PERFECT, START)[0].interval_days == expected
    assert interval_days * easiness_hundredths == expected * 100


def test_interval_product_is_rounded_up() -> None:
    schedule = Schedule(repetitions=2, interval_days=10, easiness_hundredths=131)
    assert review(schedule, Grade.HESITANT, START)[0].interval_days == 14  # 13.1 -> 14
    schedule = Schedule(repetitions=2, interval_days=10, easiness_hundredths=130)
    assert review(schedule, Grade.HESITANT, START)[0].interval_days == 13  # exactly 13


def test_interval_uses_the_easiness_from_before_the_review() -> None:
    schedule = Schedule(repetitions=2, interval_days=10, easiness_hundredths=250)
    # With the updated EF (2.6 after a 5, 2.36 after a 3) these would be 26 and 24.
    assert review(schedule, Grade.PERFECT, START)[0].interval_days == 25
    assert review(schedule, Grade.DIFFICULT, START)[0].interval_days == 25


# --- dates ----------------------------------------------------------------------


def test_due_date_is_review_date_plus_interval_however_late() -> None:
    on_time = Schedule(repetitions=2, interval_days=6, easiness_hundredths=270, due_on=date(2024, 1, 8))
    late, _ = review(on_time, Grade.PERFECT, date(2024, 3, 1))
    assert late.interval_days == 17, "lateness does not stretch the interval"
    assert late.due_on == date(2024, 3, 18)
    assert late.last_reviewed_on == date(2024, 3, 1)
    early, _ = review(on_time, Grade.PERFECT, date(2024, 1, 3))
    assert early.interval_days == 17
    assert early.due_on == date(2024, 1, 20)


def test_replay_folds_review_over_the_log() -> None:
    log = [(5, START), (3, date(2024, 1, 2)), (0, date(2024, 1, 9)), (4, date(2024, 1, 10))]
    assert replay([]) == NEW
    assert (
        replay(log)
        == review(review(review(review(NEW, 5, START)[0], 3, log[1][1])[0], 0, log[2][1])[0], 4, log[3][1])[0]
    )
    start = Schedule(repetitions=3, interval_days=20, easiness_hundredths=200, reviews=3)
    assert replay([], start) == start
    assert replay(log[:1], start=start) == review(start, 5, START)[0]


# --- properties -----------------------------------------------------------------

grades = st.integers(min_value=0, max_value=5)
passing = st.integers(min_value=3, max_value=5)
failing = st.integers(min_value=0, max_value=2)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
# At most a dozen successes in a row, so due dates stay far inside date.max.
histories = st.lists(st.tuples(grades, days), max_size=6)
schedules = st.builds(
    Schedule,
    repetitions=st.integers(min_value=0, max_value=50),
    interval_days=st.integers(min_value=1, max_value=36_500),
    easiness_hundredths=st.integers(min_value=MIN_EASINESS_HUNDREDTHS, max_value=500),
    due_on=st.none() | days,
    lapses=st.integers(min_value=0, max_value=50),
    reviews=st.integers(min_value=0, max_value=500),
    last_reviewed_on=st.none() | days,
)
reachable = st.builds(replay, histories)


@given(start=reachable, log=histories)
def test_easiness_never_below_the_floor(start: Schedule, log: list[tuple[int, date]]) -> None:
    schedule = start
    for grade, day in log:
        schedule, _ = review(schedule, grade, day)
        assert schedule.easiness_hundredths >= MIN_EASINESS_HUNDREDTHS
        assert schedule.easiness >= Fraction(13, 10)


@given(schedule=schedules, grade=failing, day=days)
def test_a_failure_always_gives_one_day_and_zero_repetitions(
    schedule: Schedule, grade: int, day: date
) -> None:
    after, _ = review(schedule, grade, day)
    assert after.repetitions == 0
    assert after.interval_days == 1
    assert after.due_on == day + timedelta(days=1)
    assert after.easiness_hundredths < schedule.easiness_hundredths or after.easiness_hundredths == 130


@given(schedule=schedules, grade=grades, day=days)
def test_every_review_moves_the_bookkeeping(schedule: Schedule, grade: int, day: date) -> None:
    after, _ = review(schedule, grade, day)
    assert after.reviews == schedule.reviews + 1
    assert after.last_reviewed_on == day
    assert after.due_on == day + timedelta(days=after.interval_days)
    assert after.lapses - schedule.lapses == (grade < 3 and schedule.repetitions > 0)
    assert after.repetitions == (schedule.repetitions + 1 if grade >= 3 else 0)


@given(start=reachable, run=st.lists(st.tuples(passing, days), min_size=1, max_size=6))
def test_intervals_never_shrink_on_a_run_of_successes(start: Schedule, run: list[tuple[int, date]]) -> None:
    intervals = []
    schedule = start
    for grade, day in run:
        schedule, _ = review(schedule, grade, day)
        intervals.append(schedule.interval_days)
    assert all(a <= b for a, b in pairwise([start.interval_days, *intervals]))
    assert all(a < b for a, b in pairwise(intervals))


@given(run=st.lists(st.tuples(passing, days), min_size=2, max_size=12))
def test_intervals_from_new_are_1_then_6_then_strictly_growing(run: list[tuple[int, date]]) -> None:
    intervals = []
    schedule = NEW
    for grade, day in run:
        schedule, _ = review(schedule, grade, day)
        intervals.append(schedule.interval_days)
    assert intervals[:2] == [1, 6]
    assert all(a < b for a, b in pairwise(intervals))


@given(schedule=schedules, grade=grades, day=days)
def test_every_log_carries_the_grade_the_day_and_both_schedules(
    schedule: Schedule, grade: int, day: date
) -> None:
    after, log = review(schedule, grade, day)
    assert (log.grade, log.reviewed_on, log.kind) == (grade, day, "scheduled")
    assert (log.before, log.after) == (schedule, after)


@given(schedule=schedules, grade=grades, day=days)
def test_review_is_deterministic(schedule: Schedule, grade: int, day: date) -> None:
    assert review(schedule, grade, day) == review(schedule, grade, day)


@given(schedule=schedules, grade=grades, day=days)
def test_review_never_mutates_its_input(schedule: Schedule, grade: int, day: date) -> None:
    snapshot = dataclasses.replace(schedule)
    review(schedule, grade, day)
    assert schedule == snapshot
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.interval_days = 99  # type: ignore[misc]


@given(
    case=st.tuples(reachable, histories)
    # An arbitrary schedule may already be decades long: two more reviews keep it inside date.max.
    | st.tuples(schedules, st.lists(st.tuples(grades, days), max_size=2))
)
def test_replay_equals_a_manual_fold(case: tuple[Schedule, list[tuple[int, date]]]) -> None:
    start, log = case
    folded = functools.reduce(lambda schedule, entry: review(schedule, *entry)[0], log, start)
    assert replay(log, start) == folded
    assert replay(iter(log), start=start) == folded


def test_a_very_long_run_of_perfect_grades_never_overflows_the_calendar() -> None:
    from datetime import date as _date

    from quizcards.core.scheduler import NEW, Grade, review

    schedule = NEW
    day = _date(2026, 1, 1)
    for _ in range(40):
        schedule, _ = review(schedule, Grade.PERFECT, day)
        assert schedule.due_on is not None
        day = schedule.due_on if schedule.due_on < _date.max else day
    assert schedule.due_on == _date.max
    assert schedule.interval_days > 10**9
