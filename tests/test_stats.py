"""`quiz stats`: figures on a hand-built history, the rules on their own, the formats, the dashboard."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from quizcards.adapters.sanitize import markdown_escape
from quizcards.core.stats import STATS_JSON_SCHEMA
from quizcards.core.stats.calendar import calendar, calendar_start, heat_level, heat_thresholds
from quizcards.core.stats.fields import COUNT, Field, Shape
from quizcards.core.stats.figures import Stats, build_stats, forecast, retention_windows, streak
from quizcards.core.stats.shapes import STATS_CSV_FIELDS, stats_json
from quizcards.render.stats import stats_dashboard
from quizcards.render.stats_text import format_duration
from quizcards.store import Store
from tests.conftest import Restore, deck_writer
from tests.helpers import Quiz, examples, grade, import_decks

TODAY = date(2026, 3, 10)  # a Tuesday; the conftest clock says so too

ATTENTION = """
deck: attention
title: Attention
cards:
  - id: qkv
    q: What do Query, Key and Value mean in attention?
    a: The query is compared with every key.
  - id: scale
    q: "[red]x Why divide by the square root of d_k?"
    a: The dot products grow with d_k.
  - id: bottleneck
    q: What did attention fix in seq2seq?
    a: The fixed-length bottleneck.
"""

OTHER = """
deck: other
title: Other
cards:
  - id: x1
    q: First?
    a: One.
  - id: x2
    q: Second?
    a: Two.
  - id: x3
    q: Third?
    a: Three.
"""

OTHER_WITHOUT_X3 = """
deck: other
title: Other
cards:
  - id: x1
    q: First?
    a: One.
  - id: x2
    q: Second?
    a: Two.
"""

# (deck, card, day, grade, milliseconds), in the order they happen. The comments are the worked answers:
# "learned" marks a scheduled review of a card whose repetitions were above 0 (counted for retention).
HISTORY: list[tuple[str, str, str, int, int]] = [
    ("other", "x1", "2026-01-10", 5, 1000),  # new
    ("other", "x1", "2026-01-11", 4, 1000),  # learned, passed (older than 30 days)
    ("other", "x1", "2026-02-20", 4, 1000),  # learned, passed; interval 16
    ("other", "x1", "2026-02-21", 4, 1000),  # learned, passed; 42
    ("other", "x1", "2026-02-22", 4, 1000),  # learned, passed; 110
    ("other", "x3", "2026-02-23", 4, 1000),  # new
    ("other", "x1", "2026-02-23", 4, 1000),  # learned, passed; 286
    ("other", "x3", "2026-02-24", 1, 1000),  # learned, failed: a lapse (x3 is retired later)
    ("other", "x1", "2026-02-24", 4, 1000),  # learned, passed; 744 days: mature
    ("attention", "qkv", "2026-03-01", 4, 1000),  # new
    ("attention", "qkv", "2026-03-02", 5, 1000),  # learned, passed; interval 6, EF 2.60
    ("attention", "scale", "2026-03-02", 3, 1000),  # new; EF 2.36
    ("attention", "scale", "2026-03-03", 1, 1000),  # learned, failed: a lapse; EF 1.82
    ("attention", "scale", "2026-03-07", 0, 1000),  # repetitions 0: not learned; EF 1.30; due 03-08
    ("attention", "qkv", "2026-03-08", 2, 1000),  # learned, failed: a lapse; EF 2.28
    ("attention", "qkv", "2026-03-08", 4, 1000),  # re-drill: never counted for retention
    ("attention", "qkv", "2026-03-09", 4, 1000),  # repetitions 0: not learned
    ("attention", "qkv", "2026-03-10", 3, 30_000),  # learned, passed; EF 2.14; due 03-16
    ("attention", "qkv", "2026-03-10", 4, 10_000),  # re-drill
    ("other", "x2", "2026-03-10", 4, 20_000),  # new; due 03-11
]


@pytest.fixture
def history(restore: Restore) -> Path:
    """Two decks, the HISTORY above, and x3 retired afterwards."""
    return restore(build_history)


def build_history(folder: Path) -> None:
    write_deck, db_path = deck_writer(folder), folder / "quiz.db"
    import_decks(db_path, write_deck("attention.yaml", ATTENTION))
    other = write_deck("other.yaml", OTHER)
    import_decks(db_path, other)
    with Store.open(db_path) as store:
        for deck, card_id, day, value, milliseconds in HISTORY:
            grade(store, deck, card_id, value, date.fromisoformat(day), "", milliseconds)
    other.write_text(OTHER_WITHOUT_X3.lstrip("\n"), encoding="utf-8")
    import_decks(db_path, other)


def figures(db: Path, today: date = TODAY, **options: object) -> Stats:
    with Store.open(db, mode="read") as store:
        return build_stats(store, today, **options)  # type: ignore[arg-type]


# ---- the hand-built history ---------------------------------------------------------


def test_deck_counts(history: Path) -> None:
    stats = figures(history)
    rows = {d.deck: (d.new, d.learning, d.mature, d.retired, d.due_today) for d in stats.decks}
    # attention: bottleneck new; qkv (6 days) and scale (1 day, overdue) learning.
    # other: x1 (744 days) mature, x2 (1 day) learning, x3 retired (its old due date does not count).
    assert rows == {"attention": (1, 2, 0, 0, 1), "other": (0, 1, 1, 1, 0)}
    t = stats.totals
    assert (t.new, t.learning, t.mature, t.retired, t.due_today, t.active) == (1, 3, 1, 1, 1, 5)


def test_today(history: Path) -> None:
    today = figures(history).today
    assert (today.reviews, today.cards, today.redrills, today.duration_ms) == (3, 2, 1, 60_000)
    assert figures(history, deck="other").today.duration_ms == 20_000


def test_streaks_across_missed_days(history: Path) -> None:
    run = figures(history).streak
    # Review days: 01-10..11, 02-20..24, 03-01..03, (03-04..06 missed), 03-07..10.
    assert (run.current, run.current_start, run.reviewed_today) == (4, date(2026, 3, 7), True)
    assert (run.longest, run.longest_start, run.longest_end) == (5, date(2026, 2, 20), date(2026, 2, 24))
    attention = figures(history, deck="attention").streak
    assert (attention.current, attention.longest) == (4, 4)


def test_a_streak_ending_yesterday_is_still_current_until_today_ends(history: Path) -> None:
    tomorrow = figures(history, today=TODAY + timedelta(days=1)).streak
    assert (tomorrow.current, tomorrow.reviewed_today) == (4, False)
    assert figures(history, today=TODAY + timedelta(days=2)).streak.current == 0


def test_retention_counts_only_scheduled_reviews_of_learned_cards(history: Path) -> None:
    stats = figures(history)
    got = {r.window: (r.start, r.passed, r.reviews) for r in stats.retention}
    assert got == {
        "last_7_days": (date(2026, 3, 4), 1, 2),  # qkv 03-08 failed, 03-10 passed
        "last_30_days": (
            date(2026, 2, 9),
            7,
            10,
        ),  # x1 five times, x3 failed, qkv twice of three, scale failed
        "all_time": (None, 8, 11),  # and x1 on 01-11
    }
    attention = {r.window: (r.passed, r.reviews) for r in figures(history, deck="attention").retention}
    assert attention == {"last_7_days": (1, 2), "last_30_days": (2, 4), "all_time": (2, 4)}


def test_since_limits_the_log_figures_but_not_the_cards(history: Path) -> None:
    stats = figures(history, since=date(2026, 3, 1))
    assert {r.window: (r.start, r.passed, r.reviews) for r in stats.retention} == {
        "last_7_days": (date(2026, 3, 4), 1, 2),
        "last_30_days": (date(2026, 3, 1), 2, 4),
        "all_time": (date(2026, 3, 1), 2, 4),
    }
    assert (stats.streak.current, stats.streak.longest) == (4, 4)
    assert figures(history, since=date(2026, 3, 8)).streak.longest == 3
    assert stats.decks == figures(history).decks
    assert stats.calendar.start == date(2026, 3, 1)
    assert stats.calendar.total_reviews == 11


def test_forecast_buckets(history: Path) -> None:
    days = figures(history).forecast
    assert days.overdue == 1  # scale, due 03-08; x3 was due 02-25 but is retired
    assert [(d.day, d.due) for d in days.days if d.due] == [
        (date(2026, 3, 10), 1),
        (date(2026, 3, 11), 1),  # x2
        (date(2026, 3, 16), 1),  # qkv
    ]
    assert len(days.days) == 14
    assert days.days[-1].day == date(2026, 3, 23)


def test_calendar_cells(history: Path) -> None:
    cal = figures(history).calendar
    assert cal.first_monday == date(2025, 9, 15)
    assert len(cal.weeks) == 26
    assert cal.thresholds == (1, 2, 3, 4)  # the busiest day had 3 reviews: one level per review
    last = cal.weeks[-1]
    assert [c.reviews if c else None for c in last] == [1, 3, None, None, None, None, None]
    assert last[1] is not None
    assert last[1].level == 3
    sunday = cal.weeks[-2][6]
    assert sunday is not None
    assert (sunday.day, sunday.reviews, sunday.level) == (date(2026, 3, 8), 2, 2)
    assert (cal.total_reviews, cal.active_days) == (20, 14)


def test_leeches_most_lapses_then_lowest_easiness(history: Path) -> None:
    leeches = figures(history).leeches
    # One lapse each; scale's easiness (1.30) is below qkv's (2.14); x3 lapsed but is retired.
    assert [(x.card_id, x.lapses, x.easiness_hundredths) for x in leeches] == [
        ("scale", 1, 130),
        ("qkv", 1, 214),
    ]
    assert leeches[0].question == "[red]x Why divide by the square root of d_k?"
    assert [x.card_id for x in figures(history, since=date(2026, 3, 5)).leeches] == ["qkv"]
    assert figures(history, deck="other").leeches == ()


def test_an_empty_database(db_path: Path) -> None:
    with Store.open(db_path, create=True) as store:
        stats = build_stats(store, TODAY)
    assert stats.decks == ()
    assert stats.streak.current == 0
    assert all(r.rate is None for r in stats.retention)
    assert stats.forecast.overdue == 0
    jsonschema.validate(stats_json(stats), STATS_JSON_SCHEMA)


def test_stats_queries_read_the_covering_index(history: Path) -> None:
    with Store.open(history, mode="read") as store:
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        build_stats(store, TODAY)
        build_stats(store, TODAY, deck="attention", since=date(2026, 3, 1))
        store.conn.set_trace_callback(None)
        log_queries = [s for s in statements if "FROM reviews" in s]
        assert len(log_queries) >= 8
        for sql in log_queries:
            plan = " | ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "USING COVERING INDEX reviews_stats" in plan, (sql, plan)
            assert "SCAN r" not in plan, (sql, plan)


# ---- the rules on their own -------------------------------------------------------------


def test_streak_rules() -> None:
    d = date(2026, 3, 10)
    assert streak([], d).current == 0
    assert streak([d], d).current == 1
    # Today missing: the run ending yesterday is alive; ending the day before, it is broken.
    assert streak([d - timedelta(days=2), d - timedelta(days=1)], d).current == 2
    assert streak([d - timedelta(days=3), d - timedelta(days=2)], d).current == 0
    # Duplicates and days after today are ignored.
    assert streak([d, d, d + timedelta(days=1)], d).longest == 1


@settings(max_examples=examples(60), deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=60)))
def test_streak_properties(offsets: set[int]) -> None:
    today = date(2026, 3, 10)
    days = [today - timedelta(days=o) for o in offsets]
    run = streak(days, today)
    assert run.current <= run.longest <= len(offsets)
    assert run.reviewed_today == (0 in offsets)
    if run.current:
        assert all(today - timedelta(days=o) in days for o in range(1 - run.reviewed_today, run.current))


def test_retention_windows() -> None:
    assert retention_windows(TODAY, None) == [
        ("last_7_days", date(2026, 3, 4)),
        ("last_30_days", date(2026, 2, 9)),
        ("all_time", None),
    ]
    assert retention_windows(TODAY, date(2026, 3, 6))[0] == ("last_7_days", date(2026, 3, 6))


def test_forecast_rule() -> None:
    result = forecast({date(2026, 3, 1): 2, date(2026, 3, 9): 1, TODAY: 4, date(2026, 3, 23): 5}, TODAY)
    assert result.overdue == 3
    assert result.days[0].due == 7
    assert result.days[13].due == 5
    assert sum(d.due for d in result.days) == 12


def test_heat_levels() -> None:
    assert heat_thresholds(0) == (1, 2, 3, 4)
    assert heat_thresholds(10) == (1, 3, 6, 8)
    assert [heat_level(n, (1, 3, 6, 8)) for n in (0, 1, 2, 3, 5, 6, 7, 8, 10)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_calendar_rule_blanks_the_future_and_days_before_since() -> None:
    cal = calendar({TODAY: 2, date(2026, 3, 2): 8}, TODAY, weeks=2, since=date(2026, 3, 3))
    assert calendar_start(TODAY, 2) == date(2026, 3, 2)
    first, second = cal.weeks
    assert first[0] is None  # 03-02 is before since, though it had reviews
    assert [c.reviews if c else None for c in second] == [0, 2, None, None, None, None, None]
    assert cal.thresholds == (1, 2, 3, 4)


def test_format_duration() -> None:
    assert [format_duration(ms) for ms in (0, 45_000, 60_000, 725_000, 3_780_000)] == [
        "0 s",
        "45 s",
        "1 min",
        "12 min 5 s",
        "1 h 3 min",
    ]


def test_markdown_escape_keeps_text_literal() -> None:
    assert markdown_escape("a | b\n*c* [d](e) <b>") == r"a \| b \*c\* \[d\](e) \<b\>"


# ---- formats through the command ----------------------------------------------------


def test_json_shape_is_versioned_and_valid(history: Path, quiz: Quiz) -> None:
    result = quiz("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, STATS_JSON_SCHEMA)
    assert (data["format"], data["version"], data["as_of"]) == ("quizcards-stats", 1, "2026-03-10")
    assert data["retention"]["last_7_days"] == {
        "from": "2026-03-04",
        "to": "2026-03-10",
        "reviews": 2,
        "passed": 1,
        "rate": 0.5,
    }
    assert data["streak"]["current"] == 4
    assert data["forecast"]["days"][0] == {"date": "2026-03-10", "due": 1}
    assert data["leeches"][0]["easiness"] == 1.3
    assert data["totals"]["retired"] == 1
    assert len(data["calendar"]["days"]) == 25 * 7 + 2


def test_the_schema_is_made_from_the_fields_the_json_is_made_from(history: Path) -> None:
    data = stats_json(figures(history))

    def check(value: object, schema: dict[str, Any], path: str) -> None:
        if "anyOf" in schema:
            schema = schema["anyOf"][0]
        if isinstance(value, dict):
            assert list(schema["properties"]) == list(value) == schema["required"], path
            for key, item in value.items():
                assert schema["properties"][key]["description"], f"{path}.{key}"
                check(item, schema["properties"][key], f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                check(item, schema["items"], f"{path}[]")

    check(data, STATS_JSON_SCHEMA, "")
    jsonschema.validate(data, STATS_JSON_SCHEMA)


def test_a_field_added_to_a_shape_is_in_its_json_and_its_schema() -> None:
    shape: Shape[int] = Shape(
        (
            Field("count", COUNT, "the value", lambda n: n),
            Field("next", COUNT, "one more, or null", lambda n: n + 1 if n else None, nullable=True),
        )
    )
    assert shape.json(1) == {"count": 1, "next": 2}
    assert shape.json(0) == {"count": 0, "next": None}
    assert shape.schema == {
        "type": "object",
        "properties": {
            "count": {"description": "the value", "type": "integer", "minimum": 0},
            "next": {
                "description": "one more, or null",
                "anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}],
            },
        },
        "required": ["count", "next"],
    }


def test_json_with_deck_and_since(history: Path, quiz: Quiz) -> None:
    data = json.loads(quiz("stats", "-f", "json", "--deck", "attention", "--since", "2026-03-01").stdout)
    assert data["filter"] == {"deck": "attention", "since": "2026-03-01"}
    assert [d["deck"] for d in data["decks"]] == ["attention"]
    assert data["retention"]["all_time"]["from"] == "2026-03-01"


def test_csv_shape(history: Path, quiz: Quiz) -> None:
    result = quiz("stats", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == STATS_CSV_FIELDS
    index = {(r["section"], r["deck"], r["card_id"], r["date"], r["metric"]): r["value"] for r in rows}
    assert index[("decks", "attention", "", "", "learning")] == "2"
    assert index[("retention", "", "", "", "all_time.passed")] == "8"
    assert index[("retention", "", "", "", "all_time.from")] == ""
    assert index[("forecast", "", "", "2026-03-16", "due")] == "1"
    assert index[("calendar", "", "", "2026-03-08", "reviews")] == "2"
    assert index[("leeches", "attention", "scale", "", "question")].startswith("[red]x")
    assert index[("streak", "", "", "", "longest")] == "5"


def test_markdown_format(history: Path, quiz: Quiz) -> None:
    result = quiz("stats", "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert "| attention | 1 | 2 | 0 | 0 | 1 |" in text
    assert "| **total** | 1 | 3 | 1 | 1 | 1 |" in text
    assert r"\[red\]x Why divide" in text
    assert "- Current streak: 4 days" in text


def test_bad_options_are_one_line_errors(history: Path, quiz: Quiz) -> None:
    missing = quiz("stats", "--deck", "nope")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: there is no deck named 'nope'; quiz decks lists them.\n"
    bad = quiz("stats", "--since", "March")
    assert bad.exit_code == 1
    assert bad.stderr == "Error: --since must be a date like 2026-03-10, not 'March'.\n"
    future = quiz("stats", "--since", "2026-04-01")
    assert future.stderr == "Error: --since 2026-04-01 is after today (2026-03-10).\n"


def test_no_database_is_an_error(quiz: Quiz) -> None:
    result = quiz("stats")
    assert result.exit_code == 1
    assert "no database at" in result.stderr


# ---- the dashboard ---------------------------------------------------------------------


def render(stats: Stats, width: int, **console: object) -> str:
    out = io.StringIO()
    Console(file=out, width=width, markup=False, emoji=False, highlight=False, **console).print(  # type: ignore[arg-type]
        stats_dashboard(stats, width)
    )
    return out.getvalue()


@pytest.mark.parametrize("width", [120, 80, 60, 40, 30])
def test_dashboard_fits_the_width_and_shows_deck_text_literally(history: Path, width: int) -> None:
    text = render(figures(history), width)
    for row in text.splitlines():
        assert Text(row).cell_len <= width, row
    assert "Due in the next 14 days" in text
    assert "░" in text  # the calendar's glyphs carry the levels without colour
    if width >= 40:
        assert "[red]x Why" in text
        assert "░ 1  ▒ 2  ▓ 3  █ 4+" in text


def test_dashboard_at_80_columns_puts_today_beside_the_forecast(history: Path) -> None:
    text = render(figures(history), 80)
    assert re.search(r"Today.*Due in the next 14 days", text)
    assert "current      4 days" in text
    assert "last 7 days  50% (1/2)" in text
    assert "today includes 1 overdue" in text
    assert "Mon 16" in text


def test_dashboard_uses_colour_only_when_allowed(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    coloured = render(figures(history), 80, force_terminal=True, color_system="256")
    assert "\x1b[38;5;" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = render(figures(history), 80, force_terminal=True, color_system="256")
    assert "\x1b[38;5;" not in plain
    assert "▒" in plain


def test_stats_command_renders_through_the_cli(
    history: Path, quiz: Quiz, monkeypatch: pytest.MonkeyPatch
) -> None:
    for columns in ("80", "40"):
        monkeypatch.setenv("COLUMNS", columns)
        result = quiz("stats")
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert max(Text(r).cell_len for r in result.stdout.splitlines()) <= int(columns)
        assert "[red]x" in result.stdout


def test_stats_command_with_no_decks(quiz: Quiz, db_path: Path) -> None:
    Store.open(db_path, create=True).close()
    result = quiz("stats")
    assert result.exit_code == 0
    assert "No decks yet" in result.stdout
