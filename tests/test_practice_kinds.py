"""The practice kinds (cram, mock): logged beside the schedule, never moving it; m005 upgrades the log."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizcards.core.scheduler import Grade, practice, replay
from quizcards.core.session import SessionFilter
from quizcards.store import Store, migrations
from quizcards.store.migrations.m004_checked import REVIEW_COLUMNS
from tests.helpers import grade, pk_of, rows, scalar

DAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 9, tzinfo=UTC)


def _card_row(store: Store, pk: int) -> tuple[object, ...]:
    return tuple(store.conn.execute("SELECT * FROM cards WHERE id = ?", [pk]).fetchone())


def test_a_practice_entry_keeps_the_schedule_it_found() -> None:
    schedule = replay([(Grade.PERFECT, DAY)])
    log = practice(schedule, 1, DAY, "cram")
    assert (log.kind, log.before, log.after, int(log.grade)) == ("cram", schedule, schedule, 1)
    with pytest.raises(ValueError, match="not a practice kind"):
        practice(schedule, 1, DAY, "scheduled")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["cram", "mock"])
def test_practice_answers_are_logged_and_leave_the_card_row_as_it_was(small_store: Store, kind: str) -> None:
    grade(small_store, "attention", "qkv", 4, DAY)
    pk = pk_of(small_store, "attention", "qkv")
    fresh = pk_of(small_store, "attention", "scale")
    before = {pk: _card_row(small_store, pk), fresh: _card_row(small_store, fresh)}
    for card in (pk, fresh):  # a reviewed card and a new one, failed and passed
        for value in (Grade.BLACKOUT, Grade.PERFECT):
            small_store.record_practice(
                card, value, kind, reviewed_on=DAY, reviewed_at=AT, explanation="typed", duration_ms=5
            )
    assert {card: _card_row(small_store, card) for card in before} == before
    assert small_store.introduced_count(DAY) == 1  # the new card was not introduced by practising it
    logged = small_store.conn.execute(
        "SELECT kind, grade, explanation, repetitions_before = repetitions_after, "
        "due_before IS due_after FROM reviews WHERE card = ? ORDER BY id",
        [pk],
    ).fetchall()
    assert logged == [("scheduled", 4, "", 0, 0), (kind, 0, "typed", 1, 1), (kind, 5, "typed", 1, 1)]
    assert small_store.rebuilt_schedule(pk) == small_store.study_card(pk).schedule


def test_undoing_a_practice_answer_writes_no_schedule(small_store: Store) -> None:
    grade(small_store, "attention", "qkv", 3, DAY)
    pk = pk_of(small_store, "attention", "qkv")
    # A schedule the log does not imply (as a history brought in from elsewhere may leave):
    # undoing a practice answer must not "repair" it behind the learner's back.
    small_store.conn.execute("UPDATE cards SET interval_days = 9 WHERE id = ?", [pk])
    small_store.conn.commit()
    before = _card_row(small_store, pk)
    recorded = small_store.record_practice(
        pk, Grade.HESITANT, "mock", reviewed_on=DAY, reviewed_at=AT, explanation="", duration_ms=0
    )
    small_store.undo_review(recorded.review_id)
    assert _card_row(small_store, pk) == before
    assert small_store.conn.execute("SELECT count(*) FROM reviews WHERE kind = 'mock'").fetchone()[0] == 0


def test_the_log_refuses_an_unknown_kind(small_store: Store) -> None:
    grade(small_store, "attention", "qkv", 4, DAY)
    with pytest.raises(sqlite3.IntegrityError, match="kind_rule"):
        small_store.conn.execute("UPDATE reviews SET kind = 'other'")


def test_quiz_check_accepts_practice_answers(deck_db: Path, quiz) -> None:  # type: ignore[no-untyped-def]
    grade(deck_db, "attention", "qkv", 2, DAY)
    with Store.open(deck_db) as store:
        pk = pk_of(store, "attention", "qkv")
        for kind in ("cram", "mock"):
            store.record_practice(
                pk, Grade.PERFECT, kind, reviewed_on=DAY, reviewed_at=AT, explanation="", duration_ms=0
            )
    result = quiz("check", db=deck_db)
    assert result.exit_code == 0, result.output


def test_practice_cards_carry_tags_schedule_and_recent_grades_in_deck_order(small_store: Store) -> None:
    pk = pk_of(small_store, "attention", "qkv")
    for value in (5, 1, 4, 0, 3, 2):
        small_store.record_practice(
            pk, Grade(value), "cram", reviewed_on=DAY, reviewed_at=AT, explanation="", duration_ms=0
        )
    cards = small_store.practice_cards(SessionFilter())
    assert [card.order for card in cards] == list(range(len(cards)))
    assert [card.card_id for card in cards] == ["qkv", "scale", "bottleneck"]
    (qkv,) = [card for card in cards if card.pk == pk]
    assert qkv.recent_grades == (1, 4, 0, 3, 2)  # the latest five, oldest first
    assert qkv.schedule == small_store.study_card(pk).schedule
    assert small_store.practice_cards(SessionFilter(decks=("nothing",))) == []


def test_m005_upgrades_a_log_in_place(tmp_path: Path) -> None:
    path = tmp_path / "quiz.db"
    db = Database(path)
    migrations.migration_set().apply(db, stop_before=["m005_practice_kinds"])
    with db.conn:
        db.execute("INSERT INTO decks (slug, title, position, imported_at) VALUES ('a', 'A', 0, 'x')")
        db.execute(
            "INSERT INTO cards (deck, card_id, position, question, answer, content_hash, added_at, "
            "updated_at, repetitions, interval_days, due_on, reviews, last_reviewed_on, introduced_on) "
            "VALUES ('a', 'c', 0, 'Q?', 'A.', 'h', 'x', 'x', 1, 1, '2026-03-11', 1, '2026-03-10', "
            "'2026-03-10')"
        )
        db.execute(
            "INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, scheduler, "
            "repetitions_before, interval_before, easiness_before, repetitions_after, interval_after, "
            "easiness_after, due_after) VALUES (1, '2026-03-10T09:00:00.000Z', '2026-03-10', 5, "
            "'scheduled', 'sm2', 0, 0, 250, 1, 1, 260, '2026-03-11')"
        )
    with pytest.raises(sqlite3.IntegrityError):  # the old rule: no practice kinds yet
        db.execute("UPDATE reviews SET kind = 'cram'")
    db.close()
    log_indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews'"
    indexes = rows(path, log_indexes)
    old_log = rows(path, f"SELECT {REVIEW_COLUMNS} FROM reviews")
    with Store.open(path) as store:
        store.record_practice(
            1, Grade.PERFECT, "cram", reviewed_on=DAY, reviewed_at=AT, explanation="", duration_ms=0
        )
    assert rows(path, f"SELECT {REVIEW_COLUMNS} FROM reviews WHERE kind = 'scheduled'") == old_log
    assert scalar(path, "SELECT count(*) FROM reviews WHERE kind = 'cram'") == 1
    assert rows(path, log_indexes + " AND name NOT IN ('reviews_uuid', 'reviews_unjournaled')") == indexes
    assert list((tmp_path / "backups").glob("*before-m005_practice_kinds.db"))


def test_practice_never_draws_a_suspended_card(small_store: Store) -> None:
    pk = pk_of(small_store, "attention", "qkv")
    small_store.suspend_cards([pk], DAY)
    assert pk not in [card.pk for card in small_store.practice_cards(SessionFilter())]
