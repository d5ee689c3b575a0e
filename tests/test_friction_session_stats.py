"""Issue 15, items 4 and 8: a re-drill says why it comes back and waits a few cards; the heat map's
months and its scale of the learner's own range."""

from __future__ import annotations

import io
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from quizcards.core.scheduler import Grade
from quizcards.core.session import QueueEntry, Remaining, Session, redrill_position
from quizcards.core.stats.calendar import Calendar, calendar, heat_level, heat_scale
from quizcards.render.review import redrill_notice
from quizcards.render.stats import calendar_panel
from tests.helpers import examples, quiz_env, spawn

# ---- item 4: the re-drill ----------------------------------------------------------------------


def order(session: Session) -> list[tuple[int, str]]:
    """The queue from the current card on, taken by grading each 5 on a copy-free walk."""
    seen: list[tuple[int, str]] = []
    while (entry := session.current) is not None:
        seen.append((entry.pk, entry.reason))
        session.record(Grade.PERFECT, "scheduled", len(seen), 0)
    return seen


def test_redrill_position_is_three_cards_or_all_that_are_left() -> None:
    assert [redrill_position(left) for left in (0, 1, 2, 3, 4, 50)] == [0, 1, 2, 3, 3, 3]
    assert redrill_position(5, gap=1) == 1


def test_a_card_graded_below_4_comes_back_after_three_others() -> None:
    session = Session([QueueEntry(pk, "due") for pk in range(1, 7)])
    assert session.record(Grade.DIFFICULT, "scheduled", 101, 0) == 3
    assert session.remaining() == Remaining(due=5, new=0, redrill=1)
    assert order(session) == [(2, "due"), (3, "due"), (4, "due"), (1, "redrill"), (5, "due"), (6, "due")]


def test_with_fewer_cards_left_it_comes_after_all_of_them_and_last_it_comes_straight_back() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "new")])
    assert session.record(Grade.BLACKOUT, "scheduled", 101, 0) == 1
    assert session.record(Grade.PERFECT, "scheduled", 102, 0) is None
    assert session.current == QueueEntry(1, "redrill")
    assert session.record(Grade.FAMILIAR, "redrill", 103, 0) == 0  # the last card: back at once
    assert session.current == QueueEntry(1, "redrill")


def test_undo_takes_back_spaced_redrills_in_turn() -> None:
    session = Session([QueueEntry(pk, "due") for pk in range(1, 7)])
    session.record(Grade.DIFFICULT, "scheduled", 101, 0)  # 1 after 2, 3, 4
    session.record(Grade.BLACKOUT, "scheduled", 102, 0)  # 2 after 3, 4, 1
    assert session.undo() == 102
    assert session.undo() == 101
    assert session.remaining() == Remaining(due=6, new=0, redrill=0)
    assert order(session) == [(pk, "due") for pk in range(1, 7)]


def test_a_spaced_redrill_keeps_its_place_when_new_cards_join() -> None:
    session = Session([QueueEntry(pk, "due") for pk in (1, 2, 3, 4)] + [QueueEntry(5, "new")])
    session.record(Grade.DIFFICULT, "scheduled", 101, 0)  # 1 after 2, 3, 4
    session.add_new([9])
    assert order(session) == [(2, "due"), (3, "due"), (4, "due"), (1, "redrill"), (5, "new"), (9, "new")]
    short = Session([QueueEntry(1, "due"), QueueEntry(2, "due")])
    short.record(Grade.DIFFICULT, "scheduled", 101, 0)  # 1 after 2, the last: new cards go before it
    short.add_new([9])
    assert order(short) == [(2, "due"), (9, "new"), (1, "redrill")]


def test_the_redrill_notice_says_why_and_when_in_one_line_of_80_columns() -> None:
    last = "  Once more: graded below 4, so it comes back today (SM-2's same-day re-drill)."
    assert redrill_notice(0).plain == last
    assert redrill_notice(3).plain == "  Back after 3 other cards: graded below 4 (SM-2's same-day re-drill)."
    assert redrill_notice(1).plain.startswith("  Back after 1 other card:")
    assert all(redrill_notice(ahead).cell_len < 80 for ahead in (0, 1, 3))


@pytest.mark.slow
def test_the_last_card_graded_below_4_says_why_it_comes_back(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    child = spawn("--db", deck_db, "review", "--new", "1", env=quiz_env(), dimensions=(40, 80))
    children.append(child)
    child.expect_exact("card 1 of 1")
    child.expect_exact("> ")
    child.send("\r")
    child.expect_exact("q quit")
    child.send("2")
    child.expect_exact("Once more: graded below 4, so it comes back today (SM-2's same-day re-drill).")
    child.expect_exact("re-drill ·")  # the same card, asked again
    child.expect_exact("> ")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


# ---- item 8: the heat map ----------------------------------------------------------------------


def test_heat_scale_is_quartiles_of_the_days_with_reviews() -> None:
    assert heat_scale([]) == ((1, 2, 3, 4), False)
    assert heat_scale([0, 1, 3, 4, 0]) == ((1, 2, 3, 4), False)  # a small range: a shade a count
    days = [1, 2, 3, 4, 5, 9, 10, 12, 20, 21, 30, 40, 0, 0, 0]
    assert heat_scale(days) == ((1, 4, 10, 21), True)
    assert heat_scale([25, 30, 35, 40] * 5) == ((1, 30, 35, 40), True)  # a daily learner uses all four
    assert heat_scale([30] * 20) == ((1, 28, 29, 30), True)  # ties: still four reachable levels


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.integers(0, 500), max_size=60))
def test_heat_scale_levels_rise_and_the_busiest_day_is_the_top_shade(counts: list[int]) -> None:
    thresholds, _ = heat_scale(counts)
    assert thresholds[0] == 1
    assert len(thresholds) == 4
    assert all(low < high for low, high in pairwise(thresholds))
    peak = max(counts, default=0)
    if peak > 4:
        assert heat_level(peak, thresholds) == 4


def daily(today: date, counts: list[int]) -> Calendar:
    """A calendar whose last days, up to today, have these counts."""
    start = today - timedelta(days=len(counts) - 1)
    return calendar({start + timedelta(days=i): n for i, n in enumerate(counts)}, today)


def shown(cal: Calendar, width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, markup=False, emoji=False, highlight=False)
    console.print(calendar_panel(cal, None))  # type: ignore[arg-type]  # the panel reads the calendar only
    return out.getvalue()


@pytest.mark.parametrize("width", [120, 80])
@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2026, 12, 7), "Jun Jul Aug Sep Oct Nov Dec"),  # a Monday: the current month's first column
        (date(2026, 12, 1), "Jun Jul Aug Sep Oct Nov Dec"),  # the 1st is in the last week, a Tuesday
        (date(2026, 3, 10), "Sep Oct Nov Dec Jan Feb Mar"),
    ],
)
def test_every_month_is_labelled_including_the_current_one(today: date, months: str, width: int) -> None:
    text = shown(daily(today, [1, 2, 3] * 60), width)
    for row in text.splitlines():
        assert Text(row).cell_len <= width, row
    month_row = text.splitlines()[1]
    assert month_row.split()[1:-1] == months.split()
    # The current month's name stands over the week holding its 1st, or ends at the last column.
    first = date(today.year, today.month, 1)
    opening_monday = today - timedelta(weeks=25, days=today.weekday())
    column = (first - timedelta(days=first.weekday()) - opening_monday).days // 7
    grid_start = month_row.index("│") + 2 + 4  # the border, the padding, the weekday labels
    position = month_row.index(months.rsplit(maxsplit=1)[-1])
    assert position - grid_start in (2 * column, 2 * column - 1)


def test_the_legend_gives_the_learners_own_ranges_and_says_they_are_quartiles() -> None:
    counts = [1, 2, 3, 4, 5, 9, 10, 12, 20, 21, 30, 40] * 10
    for width in (80, 120):
        text = shown(daily(date(2026, 12, 7), counts), width)
        assert "░ 1–3  ▒ 4–9  ▓ 10–20  █ 21+  reviews a day" in text
        assert "shades: quartiles of your days with reviews" in text
        assert all(Text(row).cell_len <= width for row in text.splitlines())
    small = shown(daily(date(2026, 12, 7), [1, 2, 3]), 80)
    assert "░ 1  ▒ 2  ▓ 3  █ 4+  reviews a day" in small
    assert "quartiles" not in small
