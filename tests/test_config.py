"""`quiz config` and the collection's settings: listing, setting, refusing, and what they change."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from quizcards.core.errors import InvalidRetentionError, InvalidSettingError, StoreError
from quizcards.core.fsrs import DEFAULT_PARAMETERS
from quizcards.core.session import SessionFilter
from quizcards.core.settings import CollectionSettings, collection_settings_of, parse_setting, setting_name
from quizcards.store import Store
from quizcards.store.migrations.m004_checked import REVIEW_COLUMNS
from tests.helpers import (
    before_migration,
    examples,
    fsrs_states_out_of_date,
    grade,
    import_decks,
    pk_of,
    rows,
    scalar,
)

Quiz = Callable[..., Result]
TODAY = date(2026, 3, 10)  # FIXED_NOW's day
EVERYTHING = SessionFilter()


def file_bytes(db: Path) -> bytes:
    return db.read_bytes() + (
        db.with_name(db.name + "-wal").read_bytes() if db.with_name(db.name + "-wal").exists() else b""
    )


# ---- the core: names and values ----------------------------------------------------------------


def test_names_and_values_are_read_as_a_learner_types_them() -> None:
    assert setting_name("desired-retention") == "desired_retention"
    assert setting_name(" Scheduler ") == "scheduler"
    assert parse_setting("scheduler", "FSRS") == "fsrs"
    assert parse_setting("scheduler", "SM-2") == "sm2"
    assert parse_setting("desired_retention", "0.85") == 0.85
    assert parse_setting("desired_retention", "0.7") == 0.7
    assert parse_setting("desired_retention", "0.99") == 0.99
    assert parse_setting("new_per_day", "0") == 0
    assert parse_setting("new_per_day", "25") == 25


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("scheduler", "anki", "The scheduler must be sm2 or fsrs, not 'anki'."),
        ("desired_retention", "0.5", "from 0.70 to 0.99, not 0.5."),
        ("desired_retention", "1", "from 0.70 to 0.99, not 1.0."),
        ("desired_retention", "nan", "from 0.70 to 0.99, not 'nan'."),
        ("desired_retention", "90%", "from 0.70 to 0.99, not '90%'."),
        ("new_per_day", "-1", "new_per_day must be a whole number from 0 to 100,000, not '-1'."),
        ("new_per_day", "2.5", "not '2.5'."),
        ("new_per_day", "١٢", "not '١٢'."),  # Arabic-Indic digits: isdigit() alone would take them
        ("new_per_day", "100001", "not '100001'."),
    ],
)
def test_a_bad_value_is_one_sentence(name: str, text: str, message: str) -> None:
    with pytest.raises((InvalidSettingError, InvalidRetentionError)) as error:
        parse_setting(name, text)  # type: ignore[arg-type]
    assert str(error.value).endswith(message)


def test_an_unknown_name_lists_the_settings() -> None:
    with pytest.raises(
        InvalidSettingError, match=r"^There is no setting called 'retention'; the settings are: "
    ):
        setting_name("retention")


@settings(max_examples=examples(200), deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_retention_is_stored_only_inside_its_range(value: float) -> None:
    try:
        stored = parse_setting("desired_retention", repr(value))
    except (InvalidSettingError, InvalidRetentionError):
        assert not 0.70 <= value <= 0.99
    else:
        assert stored == value
        assert 0.70 <= value <= 0.99


def test_stored_values_are_parsed_again() -> None:
    assert collection_settings_of({}) == CollectionSettings()
    assert collection_settings_of(
        {"scheduler": "fsrs", "desired_retention": 0.8, "new_per_day": 3}
    ) == CollectionSettings("fsrs", 0.8, 3)
    with pytest.raises(InvalidSettingError):
        collection_settings_of({"scheduler": "fsrs6"})


# ---- the store: the table refuses what the reader would ---------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("scheduler", "SM2"),
        ("scheduler", 1),
        ("desired_retention", "0.9"),
        ("desired_retention", 0.5),
        ("desired_retention", 1),
        ("new_per_day", -1),
        ("new_per_day", 2.0),
        ("new_per_day", "5"),
        ("colour", "blue"),
    ],
)
def test_the_settings_table_checks_its_values(memory_store: Store, name: str, value: object) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        memory_store.conn.execute("INSERT INTO settings (name, value) VALUES (?, ?)", [name, value])


def test_a_setting_damaged_outside_quizcards_is_a_sentence_naming_the_file(deck_db: Path) -> None:
    with contextlib.closing(sqlite3.connect(deck_db)) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("INSERT INTO settings (name, value) VALUES ('scheduler', 'fsrs6')")
        conn.commit()
    with Store.open(deck_db) as store, pytest.raises(StoreError) as error:
        store.due_card_ids(TODAY, EVERYTHING)
    assert str(error.value).startswith(
        f"{deck_db} holds a damaged setting (The scheduler must be sm2 or fsrs"
    )


def test_an_older_database_gains_the_settings_tables_after_a_backup(
    tmp_path: Path, write_deck: Callable[..., Path]
) -> None:
    from tests.conftest import SMALL_DECK

    db = tmp_path / "old.db"
    with before_migration("m008_fsrs"):
        import_decks(db, write_deck("attention.yaml", SMALL_DECK))
        grade(db, "attention", "qkv", 4, TODAY - timedelta(days=1))
    before = rows(db, "SELECT * FROM cards ORDER BY id") + rows(
        db, f"SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id"
    )
    with Store.open(db) as store:
        assert store.collection_settings() == CollectionSettings()
        assert store.fsrs_parameters() is None
    assert (
        rows(db, "SELECT * FROM cards ORDER BY id")
        + rows(db, f"SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id")
        == before
    )
    assert scalar(db, "SELECT count(*) FROM settings") == 0
    assert list((tmp_path / "backups").glob("old-*-before-m008_fsrs.db"))


# ---- the command -------------------------------------------------------------------------------


def test_with_no_argument_every_setting_is_listed_with_its_source(quiz: Quiz, deck_db: Path) -> None:
    result = quiz("config", db=deck_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["scheduler", "sm2", "default"]
    assert lines[1].split()[:3] == ["desired_retention", "0.9", "default"]
    assert lines[2].split()[:3] == ["new_per_day", "10", "default"]
    assert lines[3] == "FSRS parameters: FSRS's defaults (quiz optimize fits them to your reviews)."


def test_listing_and_reading_never_write(quiz: Quiz, deck_db: Path) -> None:
    before = file_bytes(deck_db)
    assert quiz("config", db=deck_db).exit_code == 0
    assert quiz("config", "--json", db=deck_db).exit_code == 0
    assert quiz("config", "scheduler", db=deck_db).output == "sm2\n"
    assert file_bytes(deck_db) == before


def test_setting_and_unsetting_new_per_day(
    quiz: Quiz, deck_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("new_per_day = 4\n")
    monkeypatch.setenv("QUIZCARDS_CONFIG", str(config))
    assert quiz("config", "new_per_day", db=deck_db).output == "4\n"
    result = quiz("config", "new-per-day", "7", db=deck_db)
    assert result.output == "new_per_day is now 7.\n"
    assert quiz("config", "new_per_day", db=deck_db).output == "7\n"
    assert (
        quiz("config", "new_per_day", "7", db=deck_db).output
        == "new_per_day is already 7; nothing changed.\n"
    )
    listed = quiz("config", "--json", db=deck_db)
    document = json.loads(listed.output)
    assert document["version"] == 1
    assert document["settings"][2] == {"name": "new_per_day", "value": 7, "source": "set"}
    result = quiz("config", "new_per_day", "--unset", db=deck_db)
    assert " ".join(result.output.split()) == f"Removed new_per_day; it is 4 again (from {config})."
    assert json.loads(quiz("config", "--json", db=deck_db).output)["settings"][2]["source"] == "config file"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("desired_retention", "0.5"),
            "Error: The desired retention must be a number from 0.70 to 0.99, not 0.5.",
        ),
        (("scheduler", "anki"), "Error: The scheduler must be sm2 or fsrs, not 'anki'."),
        (("colour", "blue"), "Error: There is no setting called 'colour';"),
        (("scheduler", "fsrs", "--unset"), "Error: Give a value for scheduler, or --unset, not both."),
        (("scheduler", "--json"), "Error: --json lists every setting; use it without a name."),
        (("--unset",), "Error: Name a setting to change: quiz config NAME VALUE (or NAME --unset)."),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    quiz: Quiz, deck_db: Path, args: tuple[str, ...], message: str
) -> None:
    before = file_bytes(deck_db)
    result = quiz("config", *args, db=deck_db)
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert result.output.count("\n") == 1
    assert file_bytes(deck_db) == before


def test_fsrs_without_its_library_says_how_to_install_it(
    quiz: Quiz, deck_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fsrs" else real(name, *a)
    )
    result = quiz("config", "scheduler", "fsrs", db=deck_db)
    assert result.exit_code == 1
    assert result.output == (
        "Error: FSRS needs the optional fsrs extra, which is not installed: pip install 'quizcards[fsrs]'.\n"
    )
    assert scalar(deck_db, "SELECT count(*) FROM settings") == 0


def test_switching_schedulers_replays_the_log_and_switching_back_is_exact(quiz: Quiz, deck_db: Path) -> None:
    for days_ago, card, value in (
        (9, "qkv", 4),
        (9, "scale", 2),
        (9, "scale", 4),
        (3, "qkv", 5),
        (2, "scale", 3),
    ):
        grade(deck_db, "attention", card, value, TODAY - timedelta(days=days_ago))
    cards = rows(deck_db, "SELECT * FROM cards ORDER BY id")
    with Store.open(deck_db) as store:
        sm2_due = store.due_card_ids(TODAY, EVERYTHING)
    assert len(sm2_due) == 1
    result = quiz("config", "scheduler", "fsrs", db=deck_db)
    assert " ".join(result.output.split()) == (
        "scheduler is now fsrs. "
        "FSRS replayed the review log of 2 cards (desired retention 0.9, default parameters); "
        "1 card is due today."
    )
    assert scalar(deck_db, "SELECT count(*) FROM fsrs_states") == 2
    states = rows(deck_db, "SELECT * FROM fsrs_states ORDER BY card")
    assert quiz("config", "desired_retention", "0.97", db=deck_db).exit_code == 0
    shorter = rows(deck_db, "SELECT * FROM fsrs_states ORDER BY card")
    assert [row[1:4] for row in shorter] == [row[1:4] for row in states]  # same memory, earlier days
    assert all(new[4] <= old[4] for new, old in zip(shorter, states, strict=True))
    result = quiz("config", "scheduler", "sm2", db=deck_db)
    assert result.output.splitlines() == [
        "scheduler is now sm2.",
        "SM-2 schedules again, exactly as the review log implies; 1 card is due today.",
    ]
    assert rows(deck_db, "SELECT * FROM cards ORDER BY id") == cards
    with Store.open(deck_db) as store:
        assert store.due_card_ids(TODAY, EVERYTHING) == sm2_due
    assert quiz("config", "desired_retention", "0.9", db=deck_db).output.splitlines()[-1] == (
        "FSRS aims for it once it is the scheduler (quiz config scheduler fsrs)."
    )
    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    assert rows(deck_db, "SELECT * FROM fsrs_states ORDER BY card") == states


def test_the_review_takes_new_per_day_from_the_collection_before_the_config_file(
    deck_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.cli.common import daily_new_limit

    config = tmp_path / "config.toml"
    config.write_text("new_per_day = 2\n")
    monkeypatch.setenv("QUIZCARDS_CONFIG", str(config))
    with Store.open(deck_db) as store:
        assert daily_new_limit(store.collection_settings()) == 2
        store.set_setting("new_per_day", 0)
        assert daily_new_limit(store.collection_settings()) == 0
        store.set_setting("new_per_day", None)
        assert daily_new_limit(store.collection_settings()) == 2


# ---- FSRS values damaged outside quizcards ------------------------------------------------------


def _unchecked(db: Path, sql: str, parameters: tuple[object, ...] = ()) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(sql, parameters)
        conn.commit()


@pytest.mark.parametrize(
    ("parameters", "reviews", "why"),
    [
        ("[1, 2]", 1, "(FSRS needs 21 parameters, not 2.)"),
        ("{}", 1, "(FSRS needs 21 parameters, not 0.)"),
        ("not json", 1, "(FSRS needs 21 parameters, not 0.)"),
        (
            json.dumps([*DEFAULT_PARAMETERS[:20], 0.0001]),
            1,
            "(FSRS parameter w20 must be a number from 0.1 to 0.8, not 0.0001.)",
        ),
        (
            json.dumps([*DEFAULT_PARAMETERS[:20], "x"]),
            1,
            "(FSRS parameter w20 must be a number from 0.1 to 0.8, not 'x'.)",
        ),
        (
            "[" + "1" * 401 + "," + "0.5," * 19 + "0.5]",
            1,
            "(FSRS parameter w0 must be a number from 0.001 to 100.0, not 1111",
        ),
        (json.dumps(DEFAULT_PARAMETERS), "many", None),
    ],
)
def test_damaged_fsrs_parameters_are_a_sentence_naming_the_file(
    quiz: Quiz, deck_db: Path, parameters: str, reviews: object, why: str | None
) -> None:
    grade(deck_db, "attention", "qkv", 4, TODAY - timedelta(days=3))
    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    _unchecked(
        deck_db,
        "INSERT INTO fsrs_parameters (parameters, fitted_on, fitted_at, cards, reviews, held_out_reviews,"
        " optimizer) VALUES (?, '2026-03-01', 'x', 1, ?, 1, 'x')",
        (parameters, reviews),
    )
    listed = quiz("config", db=deck_db)  # the settings are still listed, the damage named
    assert listed.exit_code == 0
    assert listed.output.splitlines()[-1].startswith(f"FSRS parameters: {deck_db} holds ")
    for command in (
        ("stats",),
        ("cards",),
        ("config", "--json"),
        ("config", "desired_retention", "0.8"),
        ("check",),
    ):
        result = quiz(*command, db=deck_db)
        assert result.exit_code == 1, command
        if command == ("check",):
            assert "not checked" in result.output
            continue
        assert result.output.startswith(f"Error: {deck_db} holds "), command
        assert result.output.endswith("`quiz optimize --reset` goes back to the defaults.\n")
        assert result.output.count("\n") == 1
        if why is not None:
            assert why in result.output
    assert quiz("optimize", "--reset", "--yes", db=deck_db).exit_code == 0
    assert quiz("stats", db=deck_db).exit_code == 0


def test_a_damaged_setting_is_mended_the_way_its_message_says(quiz: Quiz, deck_db: Path) -> None:
    _unchecked(deck_db, "INSERT INTO settings (name, value) VALUES ('desired_retention', 'abc')")
    _unchecked(deck_db, "INSERT INTO settings (name, value) VALUES (x'7363686564756c6572', 'fsrs')")
    _unchecked(deck_db, "INSERT INTO settings (name, value) VALUES ('colour', 'blue')")
    result = quiz("stats", db=deck_db)
    assert result.output.startswith(
        f"Error: {deck_db} holds a damaged setting (The desired retention must be"
    )
    assert result.output.endswith("set it again with `quiz config NAME VALUE`.\n")
    assert quiz("config", "desired_retention", "0.85", db=deck_db).exit_code == 0
    assert quiz("stats", db=deck_db).exit_code == 0  # names that are no setting change nothing
    _unchecked(deck_db, "UPDATE settings SET value = 2 WHERE name = 'desired_retention'")
    assert quiz("config", "desired_retention", "--unset", db=deck_db).exit_code == 0
    assert quiz("config", "desired_retention", db=deck_db).output == "0.9\n"


def test_a_review_fsrs_cannot_schedule_is_a_sentence_naming_the_card(quiz: Quiz, deck_db: Path) -> None:
    grade(deck_db, "attention", "qkv", 4, date(9999, 12, 30))
    result = quiz("config", "scheduler", "fsrs", db=deck_db)
    assert result.exit_code == 1
    assert result.output == (
        "Error: the review log of attention/qkv cannot be replayed: a review dated 9999-12-30 leaves FSRS no "
        "day to schedule the next one.\n"
    )
    assert scalar(deck_db, "SELECT count(*) FROM settings") == 0


def test_a_redrill_whose_review_was_undone_becomes_the_days_review(deck_db: Path) -> None:
    """A lone re-drill (FSRS's replay skips one) cannot stay: an undo derives the log again, as a sync's
    merge does, so the remaining grade is the day's scheduled review under both schedulers."""
    from quizcards.core.fsrs import replayed_rows

    day = TODAY - timedelta(days=1)
    assert replayed_rows(
        [(day, 2, "redrill"), (day, 4, "scheduled"), (day, 4, "redrill"), (day, 1, "cram")]
    ) == [
        (day, 4),
        (day, 4),
    ]
    assert replayed_rows([(day, 4, "scheduled"), (TODAY, 3, "redrill")]) == [(day, 4)]
    with Store.open(deck_db) as store:
        store.set_setting("scheduler", "fsrs")
        grade(store, "attention", "qkv", 2, day)  # scheduled
        grade(store, "attention", "qkv", 4, day)  # its re-drill
        first = scalar_in(store, "SELECT min(id) FROM reviews")
        store.undo_review(first)  # as a second session's undo of the scheduled row
        assert store.conn.execute("SELECT kind, grade FROM reviews").fetchall() == [("scheduled", 4)]
        qkv = pk_of(store, "attention", "qkv")
        assert store.rebuilt_schedule(qkv).reviews == 1
        assert store.fsrs_state(qkv) is not None
        assert fsrs_states_out_of_date(store) == []
        assert store.check_schedules().drifts == ()


def scalar_in(store: Store, sql: str) -> int:
    return int(store.conn.execute(sql).fetchone()[0])


def test_a_damaged_fsrs_state_is_a_sentence_naming_the_card(quiz: Quiz, deck_db: Path) -> None:
    grade(deck_db, "attention", "qkv", 4, TODAY - timedelta(days=3))
    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    _unchecked(deck_db, "UPDATE fsrs_states SET stability = -1")
    for command in (("show", "attention/qkv"), ("stats",), ("cards",)):
        result = quiz(*command, db=deck_db)
        assert result.exit_code == 1, command
        assert result.output == (
            "Error: the FSRS state of attention/qkv is damaged in the database; "
            "`quiz check --repair` replays it from the log.\n"
        )


def test_the_plan_says_its_forecast_is_sm2_s_under_fsrs(quiz: Quiz, deck_db: Path) -> None:
    by = (TODAY + timedelta(days=20)).isoformat()
    note = "The forecast follows SM-2's intervals at grade 4; FSRS, the scheduler in force"
    assert note not in " ".join(quiz("plan", "--by", by, db=deck_db).output.split())
    assert quiz("config", "scheduler", "fsrs", db=deck_db).exit_code == 0
    result = quiz("plan", "--by", by, db=deck_db)
    assert result.exit_code == 0
    assert note in " ".join(result.output.split())
