"""The session without a terminal: queue order, re-drills, bury, undo, and the store behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizcards.core.scheduler import NEW, Grade, ReviewLog, Schedule, review
from quizcards.core.session import (
    NewCardPlan,
    QueueEntry,
    RecordedReview,
    Remaining,
    Session,
    SessionFilter,
    build_queue,
    grade_effect,
    grading,
    new_card_allowance,
    new_cards_owed,
)
from quizcards.store import Store
from tests.helpers import WriteDeck, import_decks

TODAY = date(2026, 3, 10)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


# ---- pure session --------------------------------------------------------


def test_queue_puts_due_then_new_then_redrills_each_once_and_caps() -> None:
    queue = build_queue([3, 1], [7, 8], [9, 3])
    assert queue == [
        QueueEntry(3, "due"),
        QueueEntry(1, "due"),
        QueueEntry(7, "new"),
        QueueEntry(8, "new"),
        QueueEntry(9, "redrill"),
    ]
    assert build_queue([3, 1], [7, 8], [], limit=3) == queue[:3]


def test_new_card_allowance_counts_what_was_introduced_today() -> None:
    assert new_card_allowance(10, 0) == 10
    assert new_card_allowance(10, 4) == 6
    assert new_card_allowance(10, 12) == 0


def test_grades_below_four_come_back_until_four_or_five() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "new")])
    session.record(Grade.DIFFICULT, "scheduled", 101, 1000)
    assert session.current == QueueEntry(2, "new")
    assert session.remaining().redrill == 1
    session.record(Grade.PERFECT, "scheduled", 102, 1000)
    assert session.current == QueueEntry(1, "redrill")
    session.record(Grade.FAMILIAR, "redrill", 103, 1000)
    assert session.current == QueueEntry(1, "redrill")
    session.record(Grade.HESITANT, "redrill", 104, 1000)
    assert session.done
    assert session.tally.graded == 4
    assert session.tally.redrills == 2
    assert session.tally.passed == 3
    assert len(session.tally.cards) == 2
    assert session.tally.milliseconds == 4000


def test_undo_restores_the_queue_and_the_tally() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "new")])
    session.record(Grade.BLACKOUT, "scheduled", 101, 500)
    assert session.undo() == 101
    assert session.current == QueueEntry(1, "due")
    assert session.remaining().redrill == 0
    assert session.tally.graded == 0
    assert session.position == 0
    assert session.undo() is None


def test_bury_removes_every_entry_of_the_card_and_survives_undo() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "due"), QueueEntry(3, "new")])
    session.record(Grade.PERFECT, "scheduled", 101, 0)
    session.bury()  # card 2
    assert session.current == QueueEntry(3, "new")
    assert session.undo() == 101
    assert [session.current] == [QueueEntry(1, "due")]
    session.record(Grade.PERFECT, "scheduled", 105, 0)
    assert session.current == QueueEntry(3, "new")


def test_invalid_grades_are_rejected() -> None:
    session = Session([QueueEntry(1, "due")])
    with pytest.raises(ValueError, match="0 to 5"):
        session.record(7, "scheduled", 1, 0)


def test_first_grade_of_the_day_schedules_later_ones_are_redrills() -> None:
    first = grade_effect(NEW, 2, TODAY)
    assert first.kind == "scheduled"
    after = first.after
    assert after.due_on == TODAY + timedelta(days=1)
    again = grade_effect(after, 5, TODAY)
    assert again.kind == "redrill"
    assert again.after == after


def test_the_effect_of_a_grade_is_its_review_log() -> None:
    first = grade_effect(NEW, 2, TODAY)
    assert first == review(NEW, Grade.EASY_ONCE_SEEN, TODAY)[1]
    assert (first.grade, first.reviewed_on, first.before) == (Grade.EASY_ONCE_SEEN, TODAY, NEW)
    again = grade_effect(first.after, 5, TODAY)
    assert again == ReviewLog(Grade.PERFECT, TODAY, "redrill", first.after, first.after)
    assert type(again.grade) is Grade
    # grading() is the same rule, applied later to whatever schedule the store reads.
    decide = grading(5, TODAY)
    assert decide(NEW) == grade_effect(NEW, 5, TODAY)
    assert decide(first.after) == grade_effect(first.after, 5, TODAY)
    with pytest.raises(ValueError, match="0 to 5"):
        grading(6, TODAY)  # refused at once, before any store is touched
    recorded = RecordedReview(7, again)
    assert (recorded.review_id, recorded.kind, recorded.before, recorded.after) == (
        7,
        "redrill",
        first.after,
        first.after,
    )


def test_a_buried_new_card_leaves_its_place_in_the_allowance_to_the_next() -> None:
    plan = NewCardPlan(daily_new=3, selection=SessionFilter(), limit=None)
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "new"), QueueEntry(3, "new")])
    session.record(Grade.DIFFICULT, "scheduled", 101, 0)  # card 1 owes a re-drill
    buried = session.bury()  # card 2
    assert buried == QueueEntry(2, "new")
    # Allowance 3, one introduced earlier today, card 3 still queued: one more may come.
    assert new_cards_owed(session, buried, plan, introduced_today=1) == 1
    assert new_cards_owed(session, buried, plan, introduced_today=2) == 0
    assert new_cards_owed(session, buried, plan, introduced_today=9) == 0
    # Never for a due card, nor under --limit, which caps the session itself.
    assert new_cards_owed(session, QueueEntry(1, "due"), plan, introduced_today=0) == 0
    limited = NewCardPlan(daily_new=3, selection=SessionFilter(), limit=5)
    assert new_cards_owed(session, buried, limited, introduced_today=0) == 0
    # The store lists new cards in deck order: those already held (3) and buried (2) are passed over.
    session.top_up([2, 3, 4, 5], 1)
    assert session.remaining() == Remaining(due=0, new=2, redrill=1)
    assert [session.current] == [QueueEntry(3, "new")]
    session.record(Grade.PERFECT, "scheduled", 102, 0)
    assert session.current == QueueEntry(4, "new")
    assert not session.holds(5)
    session.top_up([5], 0)
    assert not session.holds(5)


# ---- the store behind the session ---------------------------------------


@pytest.fixture
def store(small_store: Store, write_deck: WriteDeck) -> Store:
    import_decks(
        small_store, write_deck("second.yaml", "cards:\n  - {id: s1, q: x, a: y, tags: [special]}\n")
    )
    return small_store


def pk_of(store: Store, card_id: str) -> int:
    return next(
        pk
        for pk in store.new_card_ids(TODAY, SessionFilter(), 100)
        + store.due_card_ids(TODAY + timedelta(days=10_000), SessionFilter())
        if store.study_card(pk).card_id == card_id
    )


def grade(store: Store, pk: int, value: Grade, day: date, text: str = "") -> RecordedReview:
    return store.record_review(pk, grading(value, day), reviewed_at=at(day), explanation=text, duration_ms=10)


def test_new_cards_in_deck_order_then_limit(store: Store) -> None:
    ids = [store.study_card(pk).card_id for pk in store.new_card_ids(TODAY, SessionFilter(), 100)]
    assert ids == ["qkv", "scale", "bottleneck", "s1"]
    assert len(store.new_card_ids(TODAY, SessionFilter(), 2)) == 2
    assert store.new_card_ids(TODAY, SessionFilter(), 0) == []


def test_deck_and_tag_filters(store: Store) -> None:
    assert [
        store.study_card(pk).card_id for pk in store.new_card_ids(TODAY, SessionFilter(decks=("second",)), 9)
    ] == ["s1"]
    tagged = store.new_card_ids(TODAY, SessionFilter(tags=("special",)), 9)
    assert [store.study_card(pk).card_id for pk in tagged] == ["s1"]
    # deck-level tags count for every card of the deck
    assert len(store.new_card_ids(TODAY, SessionFilter(tags=("nlp",)), 9)) == 3


def test_due_cards_most_overdue_first(store: Store) -> None:
    qkv, scale, bottleneck = (pk_of(store, c) for c in ("qkv", "scale", "bottleneck"))
    grade(store, scale, Grade.PERFECT, date(2026, 3, 1))  # due 03-02
    grade(store, qkv, Grade.PERFECT, date(2026, 3, 5))  # due 03-06
    grade(store, bottleneck, Grade.PERFECT, date(2026, 3, 10))  # due 03-11
    assert store.due_card_ids(TODAY, SessionFilter()) == [scale, qkv]
    assert store.introduced_count(date(2026, 3, 1)) == 1
    assert store.introduced_count(TODAY) == 1


def test_record_and_undo_round_trip_the_card_state(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    first = grade(store, qkv, Grade.PERFECT, date(2026, 3, 1), "my first words")
    before = store.study_card(qkv).schedule
    second = grade(store, qkv, Grade.DIFFICULT, date(2026, 3, 2))
    assert second.kind == "scheduled"
    assert store.study_card(qkv).schedule.interval_days == 6
    store.undo_review(second.review_id)
    assert store.study_card(qkv).schedule == before
    store.undo_review(first.review_id)
    assert store.study_card(qkv).schedule.is_new
    assert store.introduced_count(date(2026, 3, 1)) == 0


def test_the_store_applies_the_decision_to_the_schedule_it_reads(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    grade(store, qkv, Grade.PERFECT, date(2026, 3, 1))
    seen: list[Schedule] = []

    def decide(before: Schedule) -> ReviewLog:
        seen.append(before)
        return grade_effect(before, Grade.DIFFICULT, date(2026, 3, 2))

    recorded = store.record_review(
        qkv, decide, reviewed_at=at(date(2026, 3, 2)), explanation="", duration_ms=5
    )
    assert seen == [recorded.before]
    assert (seen[0].repetitions, seen[0].due_on) == (1, date(2026, 3, 2))
    assert store.study_card(qkv).schedule == recorded.after
    row = store.conn.execute(
        "SELECT grade, kind, repetitions_before, interval_after, due_after FROM reviews WHERE id = ?",
        [recorded.review_id],
    ).fetchone()
    assert row == (3, "scheduled", 1, 6, "2026-03-08")

    def refuse(before: Schedule) -> ReviewLog:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        store.record_review(qkv, refuse, reviewed_at=at(TODAY), explanation="", duration_ms=5)
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2  # nothing half-written
    assert not store.conn.in_transaction


def test_a_second_grade_the_same_day_is_a_redrill_that_changes_nothing(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    grade(store, qkv, Grade.EASY_ONCE_SEEN, TODAY)
    after_first = store.study_card(qkv).schedule
    redrill = grade(store, qkv, Grade.PERFECT, TODAY)
    assert redrill.kind == "redrill"
    assert store.study_card(qkv).schedule == after_first


def test_redrills_owed_today_survive_a_restart(store: Store) -> None:
    qkv, scale = pk_of(store, "qkv"), pk_of(store, "scale")
    grade(store, qkv, Grade.DIFFICULT, TODAY)
    grade(store, scale, Grade.HESITANT, TODAY)
    assert store.redrill_card_ids(TODAY, SessionFilter()) == [qkv]
    grade(store, qkv, Grade.HESITANT, TODAY)
    assert store.redrill_card_ids(TODAY, SessionFilter()) == []
    assert store.redrill_card_ids(TODAY + timedelta(days=1), SessionFilter()) == []


def test_bury_hides_a_card_until_tomorrow(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    store.bury(qkv, TODAY)
    assert qkv not in store.new_card_ids(TODAY, SessionFilter(), 100)
    assert qkv in store.new_card_ids(TODAY + timedelta(days=1), SessionFilter(), 100)


def test_last_explanation_is_the_latest_typed_one(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    grade(store, qkv, Grade.DIFFICULT, date(2026, 3, 1), "first try")
    grade(store, qkv, Grade.PERFECT, date(2026, 3, 2), "")
    past = store.last_explanation(qkv)
    assert past is not None
    assert (past.explanation, past.grade, past.reviewed_on) == ("first try", 3, date(2026, 3, 1))


def test_outlook_names_the_next_due_day_and_waiting_new_cards(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    grade(store, qkv, Grade.PERFECT, TODAY)
    outlook = store.outlook(TODAY, SessionFilter())
    assert outlook.next_due_on == TODAY + timedelta(days=1)
    assert outlook.next_due_count == 1
    assert outlook.new_waiting == 3
    assert outlook.due_now == 0
    scale = pk_of(store, "scale")
    grade(store, scale, Grade.PERFECT, TODAY - timedelta(days=3))
    assert store.outlook(TODAY, SessionFilter()).due_now == 1  # due two days ago, still undone
    store.bury(scale, TODAY)
    assert store.outlook(TODAY, SessionFilter()).due_now == 0


def test_state_always_equals_the_replayed_log(store: Store) -> None:
    qkv = pk_of(store, "qkv")
    day = date(2026, 1, 1)
    for value in [Grade.PERFECT, Grade.HESITANT, Grade.FAMILIAR, Grade.PERFECT, Grade.DIFFICULT]:
        grade(store, qkv, value, day)
        grade(store, qkv, Grade.PERFECT, day)  # a same-day re-drill
        day = store.study_card(qkv).schedule.due_on or day
    assert store.study_card(qkv).schedule == store.rebuilt_schedule(qkv)


def test_new_per_day_comes_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quizcards.cli.common import DEFAULT_NEW_PER_DAY, new_cards_per_day
    from quizcards.core.errors import QuizError

    config = tmp_path / "config.toml"
    monkeypatch.setenv("QUIZCARDS_CONFIG", str(config))
    assert new_cards_per_day() == DEFAULT_NEW_PER_DAY == 10
    config.write_text("new_per_day = 25\n")
    assert new_cards_per_day() == 25
    config.write_text("new_per_day = -1\n")
    with pytest.raises(QuizError, match="new_per_day must be a whole number"):
        new_cards_per_day()
    config.write_text("new_per_dya = 3\n")
    with pytest.raises(QuizError, match="unknown setting 'new_per_dya'"):
        new_cards_per_day()
    config.write_text("new_per_day = [\n")
    with pytest.raises(QuizError, match=str(config)):
        new_cards_per_day()


def test_new_cards_added_after_a_bury_go_before_the_redrills() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "new")])
    session.record(Grade.DIFFICULT, "scheduled", 101, 0)  # card 1 owes a re-drill
    session.bury()  # card 2, a new card
    session.add_new([2, 3, 4])  # a buried card is never added back
    assert [session.current] == [QueueEntry(3, "new")]
    assert session.remaining() == Remaining(due=0, new=2, redrill=1)
    assert session.holds(4)
    assert not session.holds(9)


def test_undo_brings_back_a_card_buried_after_its_grade() -> None:
    session = Session([QueueEntry(1, "due"), QueueEntry(2, "due")])
    session.record(Grade.DIFFICULT, "scheduled", 101, 0)  # card 1: a re-drill is owed
    session.bury()  # card 2
    assert session.current == QueueEntry(1, "redrill")
    session.bury()  # card 1's re-drill, and with it card 1
    assert session.done
    assert session.undo() == 101
    assert session.current == QueueEntry(1, "due")  # its grade is to be given again
    assert session.remaining() == Remaining(due=1, new=0, redrill=0)


def test_keys_read_whole_escape_sequences_and_utf8() -> None:
    import os

    from quizcards.adapters.terminal import ESCAPE_KEY, KeyReader

    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"\x1b[5~4\x1b[1;5A\x1bOP3" + "한".encode() + b"\xe9" + b"5")
        keys = KeyReader(read_end)
        got = [keys.read() for _ in range(7)]
    finally:
        os.close(read_end)
        os.close(write_end)
    # PageUp, Ctrl+Up and F1 are single unknown keys: their digits never become grades.
    assert got == [ESCAPE_KEY, "4", ESCAPE_KEY, ESCAPE_KEY, "3", "한", "\ufffd5"[0]]


def test_keys_read_a_bracketed_paste_whole_and_tell_a_burst_from_a_key() -> None:
    import os

    from quizcards.adapters.terminal import PASTE, KeyReader

    read_end, write_end = os.pipe()
    try:
        keys = KeyReader(read_end)
        # A paste with blank lines, digits and command letters is one thing, not keys.
        os.write(write_end, b"\x1b[200~2 first\r\rs then u\x1b[201~4")
        assert keys.read() == PASTE
        assert keys.read() == "4"
        assert not keys.burst()
        # Text arriving together with its first key is a burst; draining leaves nothing behind.
        os.write(write_end, b"2 and more text")
        assert keys.read() == "2"
        assert keys.burst()
        keys.drain()
        assert not keys.burst()
        os.write(write_end, b"5")
        assert (keys.read(), keys.burst()) == ("5", False)
        # A paste whose end marker never comes ends when its bytes stop.
        os.write(write_end, b"\x1b[200~cut short")
        assert keys.read() == PASTE
        assert not keys.burst()
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_damaged_database_is_a_sentence_not_a_traceback(store: Store) -> None:
    from quizcards.core.errors import StoreError

    store.conn.execute("DROP INDEX IF EXISTS cards_due")
    store.conn.execute("ALTER TABLE cards RENAME TO cards_gone")
    with pytest.raises(StoreError):
        store.due_card_ids(TODAY, SessionFilter())


def test_the_deck_check_and_the_busy_timeout_live_at_the_edge(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.cli.common import busy_timeout_seconds, require_deck
    from quizcards.core.errors import QuizError

    require_deck(store, "attention")
    require_deck(store, None)  # no --deck given
    with pytest.raises(QuizError) as caught:
        require_deck(store, "nope")
    assert str(caught.value) == "there is no deck named 'nope'; quiz decks lists them."
    monkeypatch.delenv("QUIZCARDS_BUSY_TIMEOUT", raising=False)
    assert busy_timeout_seconds() == 5.0
    monkeypatch.setenv("QUIZCARDS_BUSY_TIMEOUT", " 0.25 ")
    assert busy_timeout_seconds() == 0.25
    for bad in ("3601", "-1", "nan", "soon"):
        monkeypatch.setenv("QUIZCARDS_BUSY_TIMEOUT", bad)
        with pytest.raises(QuizError, match="is not a number of seconds from 0 to 3600"):
            busy_timeout_seconds()
