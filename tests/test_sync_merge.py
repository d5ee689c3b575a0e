"""One card's merged log: the order, the kinds re-derived, and that every device reaches the same log."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.scheduler import NEW, REVIEW_KINDS, Grade, ReviewKind, practice, review
from quizcards.core.session import grade_effect
from quizcards.core.sync.merge import DerivedLog, DerivedRow, LogRow, derived_log, order_key
from tests.helpers import examples

DAY = date(2026, 3, 10)


def row(uuid: str, at: str, grade: int, kind: ReviewKind = "scheduled", on: date = DAY) -> LogRow:
    """A row graded at `at` (a time of `on`'s UTC day, or a whole moment)."""
    moment = at if "T" in at else f"{on.isoformat()}T{at}:00.000Z"
    return LogRow(uuid, on, moment, Grade(grade), kind)


def kinds(log: DerivedLog) -> list[tuple[str, ReviewKind]]:
    return [(derived.row.uuid, derived.kind) for derived in log.rows]


# ---- golden merges -----------------------------------------------------------------------------


def test_two_devices_the_same_day_the_earlier_moves_the_schedule_the_later_is_a_redrill() -> None:
    laptop = row("b-laptop", "09:00", 4)
    phone = row("a-phone", "18:00", 2)  # "first" on the phone, which had not synced
    for given_rows in ([laptop, phone], [phone, laptop]):
        log = derived_log(given_rows)
        assert kinds(log) == [("b-laptop", "scheduled"), ("a-phone", "redrill")]
        moved = review(NEW, 4, DAY)[0]
        assert log.rows[0] == DerivedRow(laptop, "scheduled", NEW, moved)
        assert log.rows[1] == DerivedRow(phone, "redrill", moved, moved)
        assert log.schedule == moved
        assert log.introduced_on == DAY


def test_a_redrill_after_another_devices_scheduled_row_stays_a_redrill() -> None:
    scheduled = row("1", "09:00", 2)
    redrill = row("2", "09:05", 4, "redrill")
    log = derived_log([redrill, scheduled])
    assert kinds(log) == [("1", "scheduled"), ("2", "redrill")]
    assert log.schedule == review(NEW, 2, DAY)[0]


def test_an_earlier_review_from_another_device_turns_this_devices_first_into_a_redrill() -> None:
    own_first = row("own-1", "09:00", 5)
    own_redrill = row("own-2", "09:05", 4, "redrill")
    other = row("other", "07:00", 2)
    log = derived_log([own_first, own_redrill, other])
    assert kinds(log) == [("other", "scheduled"), ("own-1", "redrill"), ("own-2", "redrill")]
    assert log.schedule == review(NEW, 2, DAY)[0]


def test_cram_and_mock_rows_keep_their_kind_and_move_nothing() -> None:
    rows = [
        row("cram", "08:00", 1, "cram"),
        row("first", "09:00", 5),
        row("mock", "10:00", 0, "mock"),
        row("second", "11:00", 3),
        row("next-day", "08:00", 4, "redrill", on=DAY + timedelta(days=1)),
    ]
    log = derived_log(reversed(rows))
    assert kinds(log) == [
        ("cram", "cram"),
        ("first", "scheduled"),
        ("mock", "mock"),
        ("second", "redrill"),
        ("next-day", "scheduled"),
    ]
    assert log.rows[0].before == log.rows[0].after == NEW
    first = review(NEW, 5, DAY)[0]
    assert log.rows[2].before == log.rows[2].after == first
    assert log.schedule == review(first, 4, DAY + timedelta(days=1))[0]
    assert log.introduced_on == DAY


def test_a_new_cards_first_row_on_two_devices_the_same_day() -> None:
    log = derived_log([row("laptop", "12:00", 3), row("phone", "11:00", 5)])
    assert kinds(log) == [("phone", "scheduled"), ("laptop", "redrill")]
    assert log.schedule == review(NEW, 5, DAY)[0]
    assert log.introduced_on == DAY


def test_a_card_only_crammed_was_never_introduced() -> None:
    log = derived_log([row("c", "08:00", 5, "cram"), row("m", "09:00", 5, "mock")])
    assert log.schedule == NEW
    assert log.introduced_on is None
    assert derived_log([]) == DerivedLog((), NEW, None)


def test_the_day_comes_before_the_moment() -> None:
    seoul = row("seoul", "2026-03-10T23:30:00.000Z", 4, on=DAY + timedelta(days=1))
    new_york = row("new-york", "2026-03-11T01:00:00.000Z", 4, on=DAY)
    log = derived_log([seoul, new_york])
    assert kinds(log) == [("new-york", "scheduled"), ("seoul", "scheduled")]
    assert [derived.row.reviewed_on for derived in log.rows] == [DAY, DAY + timedelta(days=1)]
    assert order_key(new_york) < order_key(seoul)


def test_the_uuid_breaks_a_tie_of_the_same_millisecond() -> None:
    log = derived_log([row("b", "09:00", 5), row("a", "09:00", 1)])
    assert kinds(log) == [("a", "scheduled"), ("b", "redrill")]
    assert order_key(row("a", "09:00", 1)) == (DAY, "2026-03-10T09:00:00.000Z", "a")


def test_the_kind_recorded_matters_only_for_practice() -> None:
    recorded_redrill = derived_log([row("x", "09:00", 4, "redrill")])
    assert recorded_redrill == dataclasses.replace(
        derived_log([row("x", "09:00", 4)]),
        rows=(DerivedRow(row("x", "09:00", 4, "redrill"), "scheduled", NEW, review(NEW, 4, DAY)[0]),),
    )


# ---- properties --------------------------------------------------------------------------------

uuids = st.uuids().map(str)


@st.composite
def log_rows(draw: st.DrawFn) -> list[LogRow]:
    """A card's rows from several devices: days within three weeks, moments within a day of them
    (time zones), any grades and recorded kinds, distinct UUIDs."""
    specs = draw(
        st.lists(
            st.tuples(
                uuids,
                st.integers(0, 20),
                st.integers(-86_400_000, 2 * 86_400_000 - 1),
                st.integers(0, 5),
                st.sampled_from(REVIEW_KINDS),
            ),
            max_size=14,
            unique_by=lambda spec: spec[0],
        )
    )
    made = []
    for uuid, offset, milliseconds, grade, kind in specs:
        on = DAY + timedelta(days=offset)
        made.append(LogRow(uuid, on, _moment(on, milliseconds), Grade(grade), kind))
    return made


def _moment(on: date, milliseconds: int) -> str:
    """quizcards' UTC form of `milliseconds` after the start of `on` (UTC)."""
    start = datetime(on.year, on.month, on.day, tzinfo=UTC) + timedelta(milliseconds=milliseconds)
    return start.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _outcome(log: DerivedLog) -> tuple[object, ...]:
    """What a device holds after a merge: each row's UUID, derived kind and schedules, the card's
    schedule. The kind a row came in with is left out: it differs by where the row was held."""
    rows = tuple((derived.row.uuid, derived.kind, derived.before, derived.after) for derived in log.rows)
    return rows, log.schedule, log.introduced_on


@settings(max_examples=examples(50), deadline=None)
@given(st.data(), log_rows())
def test_any_arrival_order_gives_the_same_log(data: st.DataObject, rows: list[LogRow]) -> None:
    shuffled = data.draw(st.permutations(rows))
    assert derived_log(shuffled) == derived_log(rows)
    keys = [order_key(derived.row) for derived in derived_log(rows).rows]
    assert keys == sorted(keys)
    days = [derived.row.reviewed_on for derived in derived_log(rows).rows]
    assert days == sorted(days)


def _as_held(rows: list[LogRow]) -> list[LogRow]:
    """Rows as a database holds them after deriving them: with their derived kinds."""
    return [dataclasses.replace(derived.row, kind=derived.kind) for derived in derived_log(rows).rows]


@settings(max_examples=examples(50), deadline=None)
@given(st.data(), log_rows())
def test_any_split_into_held_and_incoming_gives_the_same_log(data: st.DataObject, rows: list[LogRow]) -> None:
    held_here = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    a = [item for item, here in zip(rows, held_here, strict=True) if here]
    b = [item for item, here in zip(rows, held_here, strict=True) if not here]
    at_once = _outcome(derived_log(rows))
    assert _outcome(derived_log(_as_held(a) + b)) == at_once
    assert _outcome(derived_log(_as_held(b) + a)) == at_once
    assert _outcome(derived_log(_as_held(_as_held(a) + b))) == at_once


@settings(max_examples=examples(50), deadline=None)
@given(
    st.lists(
        st.tuples(
            uuids, st.integers(0, 3), st.integers(0, 5), st.sampled_from(["grade", "grade", "cram", "mock"])
        ),
        max_size=16,
        unique_by=lambda step: step[0],
    )
)
def test_one_devices_log_derives_to_exactly_what_it_recorded(steps: list[tuple[str, int, int, str]]) -> None:
    schedule = NEW
    day = DAY
    recorded = []
    for number, (uuid, days_later, grade, action) in enumerate(steps):
        day += timedelta(days=days_later)
        if action == "grade":
            logged = grade_effect(schedule, grade, day)
        else:
            logged = practice(schedule, grade, day, "cram" if action == "cram" else "mock")
        schedule = logged.after
        moment = _moment(day, 8 * 3_600_000 + number * 60_000)  # a minute apart, the same day
        recorded.append((LogRow(uuid, day, moment, logged.grade, logged.kind), logged))
    log = derived_log(item for item, _ in reversed(recorded))
    assert [(d.row, d.kind, d.before, d.after) for d in log.rows] == [
        (item, logged.kind, logged.before, logged.after) for item, logged in recorded
    ]
    assert log.schedule == schedule
    scheduled_days = [logged.reviewed_on for _, logged in recorded if logged.kind == "scheduled"]
    assert log.introduced_on == (scheduled_days[0] if scheduled_days else None)
