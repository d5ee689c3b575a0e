"""Issue 13, item 5: a logically damaged database (values SQLite accepts that break quizcards' rules).

Every reader says which card holds a bad value and what to do, in one line; `quiz check` reports
such rows and `--repair` rebuilds what the review log can; migration m004 adds the rules as CHECK
constraints and refuses, naming them, a database that breaks them.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from quizcards.core.checks import CARD_RULES, LOG_DERIVED_RULES, LOG_FACT_RULES, DamagedValuesError
from quizcards.core.errors import StoreError
from quizcards.store import Store, migrations
from quizcards.store.rows import schedule_of
from tests.conftest import SMALL_DECK
from tests.helpers import before_migration, grade, import_decks, quiz_env, rows, scalar, spawn

REPAIR = "run `quiz check --repair` to rebuild it from the review log."
RESTORE = (
    "the log is the record itself, so nothing can rebuild it: restore the database from a backup "
    "(`quiz check` lists every such row)."
)
READERS = (("cards",), ("show", "attention/qkv"), ("export", "cards"), ("stats",))


def card_sentence(column: str, shown: str, wanted: str) -> str:
    return (
        f"Error: card attention/qkv has a damaged {column} in the database ({shown} is not {wanted}); "
        f"{REPAIR}\n"
    )


def review_sentence(column: str, shown: str, wanted: str, remedy: str = RESTORE) -> str:
    return (
        f"Error: review 2 of card attention/qkv has a damaged {column} in the database ({shown} is not "
        f"{wanted}); {remedy}\n"
    )


DAY = "a date like 2026-03-10"
COUNT = "a whole number of 0 or more"
EASINESS = "a whole number of hundredths of at least 130"

# (name, statement, the sentence, the readers that read the value and must say it)
DAMAGES = [
    (
        "due-garbage",
        "UPDATE cards SET due_on = 'garbage' WHERE card_id = 'qkv'",
        card_sentence("due_on", "'garbage'", DAY),
        {"cards", "show", "export", "stats"},
    ),
    (
        "due-impossible-day",
        "UPDATE cards SET due_on = '2026-02-30' WHERE card_id = 'qkv'",
        card_sentence("due_on", "'2026-02-30'", DAY),
        {"cards", "show", "export", "stats"},
    ),
    (
        "easiness-real",
        "UPDATE cards SET easiness_hundredths = '2.5' WHERE card_id = 'qkv'",
        card_sentence("easiness_hundredths", "2.5", EASINESS),
        {"cards", "show", "export", "stats"},
    ),
    (
        "easiness-text",
        "UPDATE cards SET easiness_hundredths = 'abc' WHERE card_id = 'qkv'",
        card_sentence("easiness_hundredths", "'abc'", EASINESS),
        {"cards", "show", "export", "stats"},
    ),
    (
        "interval-negative",
        "UPDATE cards SET interval_days = -5 WHERE card_id = 'qkv'",
        card_sentence("interval_days", "-5", COUNT),
        {"cards", "show", "export", "stats"},
    ),
    (
        "repetitions-negative",
        "UPDATE cards SET repetitions = -1 WHERE card_id = 'qkv'",
        card_sentence("repetitions", "-1", COUNT),
        {"cards", "show", "export"},
    ),
    (
        "review-day-garbage",
        "UPDATE reviews SET reviewed_on = 'garbage' WHERE id = 2",
        review_sentence("reviewed_on", "'garbage'", DAY),
        {"show"},
    ),
    (
        "review-day-impossible",
        "UPDATE reviews SET reviewed_on = '2026-02-30' WHERE id = 2",
        review_sentence("reviewed_on", "'2026-02-30'", DAY),
        {"show", "stats"},
    ),
    (
        "review-time-garbage",
        "UPDATE reviews SET reviewed_at = 'garbage' WHERE id = 2",
        review_sentence("reviewed_at", "'garbage'", "a UTC time like 2026-03-10T09:00:00.000Z"),
        {"show"},
    ),
    (
        "grade-9",
        "UPDATE reviews SET grade = 9 WHERE id = 2",
        review_sentence("grade", "9", "a grade from 0 to 5"),
        {"show"},
    ),
    (
        "interval-after-negative",
        "UPDATE reviews SET interval_after = -1 WHERE id = 2",
        review_sentence("interval_after", "-1", COUNT, REPAIR),
        {"show"},
    ),
]
IDS = [name for name, *_ in DAMAGES]


def tamper(db: Path, *statements: str) -> None:
    """Write what the CHECKs refuse, as someone editing the file by hand could."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        with conn:
            for statement in statements:
                conn.execute(statement)


def fingerprint(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def graded(db: Path) -> Path:
    """qkv recalled, then forgotten (a leech, so `quiz stats` reads its schedule); scale recalled."""
    grade(db, "attention", "qkv", 5, date(2026, 3, 7))  # review 1
    grade(db, "attention", "qkv", 1, date(2026, 3, 8))  # review 2
    grade(db, "attention", "scale", 4, date(2026, 3, 8))  # review 3
    return db


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The graded database as this quizcards and as one before m004 wrote it, built once (copied)."""
    folder = tmp_path_factory.mktemp("templates")
    deck = folder / "attention.yaml"
    deck.write_text(textwrap.dedent(SMALL_DECK).lstrip("\n"), encoding="utf-8")
    current, old = folder / "current.db", folder / "old.db"
    import_decks(current, deck)
    graded(current)
    with before_m004():
        import_decks(old, deck)
        graded(old)
    return {"current": current, "old": old}


@pytest.fixture
def graded_db(templates: dict[str, Path], db_path: Path, write_deck: Callable[..., Path]) -> Path:
    write_deck("attention.yaml", SMALL_DECK)
    shutil.copyfile(templates["current"], db_path)
    return db_path


@contextlib.contextmanager
def before_m004() -> Iterator[None]:
    """Inside: quizcards as it was before m004 (the first three migrations)."""
    with before_migration("m004_checked_values"):
        yield


@pytest.fixture
def old_db(templates: dict[str, Path], db_path: Path, write_deck: Callable[..., Path]) -> Path:
    """SMALL_DECK, graded, in a database that an older quizcards (up to m003) wrote."""
    write_deck("attention.yaml", SMALL_DECK)
    shutil.copyfile(templates["old"], db_path)
    assert scalar(db_path, "SELECT count(*) FROM _sqlite_migrations") == 3
    return db_path


def run_readers(quiz: Callable[..., Result], sentence: str, readers: set[str]) -> None:
    for args in READERS:
        result = quiz(*args)  # the fixture re-raises any exception: a traceback fails the test
        if args[0] in readers:
            assert (result.exit_code, result.stderr) == (1, sentence), args
        else:
            assert result.exit_code == 0, (args, result.output)


# ---- every reader says it in one line --------------------------------------------------------


# Two kinds in the fast tier (a card's value, a review's); every kind in the slow one.
FAST = {"due-garbage", "grade-9"}


@pytest.mark.parametrize(
    ("name", "statement", "sentence", "readers"),
    [
        pytest.param(*damage, id=damage[0], marks=() if damage[0] in FAST else pytest.mark.slow)
        for damage in DAMAGES
    ],
)
def test_a_damaged_value_is_one_sentence_naming_the_card(
    graded_db: Path, quiz: Callable[..., Result], name: str, statement: str, sentence: str, readers: set[str]
) -> None:
    tamper(graded_db, statement)
    run_readers(quiz, sentence, readers)


def test_nulls_where_a_value_is_expected_are_a_sentence_too() -> None:
    # NOT NULL keeps them out of the tables; a row from elsewhere (a view, an old copy) is judged alike.
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(
            "SELECT NULL AS repetitions, 1 AS interval_days, 250 AS easiness_hundredths, NULL AS due_on, "
            "0 AS lapses, 0 AS reviews, NULL AS last_reviewed_on, 'attention' AS deck, 'qkv' AS card_id"
        ).fetchone()
    with pytest.raises(StoreError) as raised:
        schedule_of(row)
    assert str(raised.value) == card_sentence("repetitions", "none", COUNT)[len("Error: ") : -1]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("statement", "sentence"),
    [
        # Due today by text, so the session asks it: the card's own read says it.
        (DAMAGES[1][1], DAMAGES[1][2]),
        # Never due by text: the outlook that ends the session reads it.
        (DAMAGES[0][1], DAMAGES[0][2]),
    ],
    ids=["asked", "outlook"],
)
def test_a_live_review_says_it_in_one_line(
    graded_db: Path, children: list[pexpect.spawn], statement: str, sentence: str
) -> None:
    tamper(
        graded_db,
        statement,
        "UPDATE cards SET retired = 1 WHERE card_id IN ('scale', 'bottleneck')",
    )
    child = spawn("--db", graded_db, "review", env=quiz_env())
    children.append(child)
    child.expect(pexpect.EOF)
    child.close()
    # The terminal wraps long lines: compare the words.
    assert sentence.split() == (child.before or "").split()[-len(sentence.split()) :]
    assert child.exitstatus == 1
    assert "Traceback" not in (child.before or "")


# ---- quiz check reports them; --repair rebuilds what the log can ------------------------------


@pytest.mark.parametrize(
    ("statement", "listed"),
    [
        (DAMAGES[0][1], "attention/qkv: due_on garbage (log: 2026-03-09)"),
        (DAMAGES[2][1], "attention/qkv: easiness_hundredths 2.5 (log: 206)"),
        (DAMAGES[4][1], "attention/qkv: interval_days -5 (log: 1)"),
        (DAMAGES[5][1], "attention/qkv: repetitions -1 (log: 0)"),
        (DAMAGES[10][1], "attention/qkv: review 2 interval_after -1 (log: 1)"),
    ],
    ids=["due", "easiness", "interval", "repetitions", "derived"],
)
def test_check_reports_a_damaged_value_and_repair_rebuilds_it(
    graded_db: Path, quiz: Callable[..., Result], statement: str, listed: str
) -> None:
    clean = rows(graded_db, "SELECT * FROM cards ORDER BY id") + rows(graded_db, "SELECT * FROM reviews")
    tamper(graded_db, statement)
    result = quiz("check")
    assert result.exit_code == 1
    assert "✓ SQLite integrity and foreign keys: ok" in result.stdout  # not "the file is damaged"
    assert listed in [line.strip() for line in result.stdout.splitlines()]
    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    assert "Repaired 1 card from the review log" in result.stdout
    assert (
        rows(graded_db, "SELECT * FROM cards ORDER BY id") + rows(graded_db, "SELECT * FROM reviews") == clean
    )
    run_readers(quiz, "", set())


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        (DAMAGES[6][1], "review 2 has the date 'garbage', which is not a date"),
        (DAMAGES[8][1], "review 2 has the time 'garbage', which is not a UTC time"),
        (DAMAGES[9][1], "review 2 has the grade 9, which is not 0-5"),
    ],
    ids=["day", "time", "grade"],
)
def test_check_reports_a_damaged_log_row_that_nothing_can_rebuild(
    graded_db: Path, quiz: Callable[..., Result], statement: str, reason: str
) -> None:
    tamper(graded_db, statement)
    before = fingerprint(graded_db)
    result = quiz("check", "--repair")
    assert result.exit_code == 1
    printed = " ".join(result.stdout.split())  # the console wraps long lines
    assert f"✗ attention/qkv: its review log cannot be replayed ({reason})" in printed
    assert "✓ SQLite integrity and foreign keys: ok" in result.stdout
    assert result.stderr == (
        "Error: 1 card has a review log that cannot be replayed; restore the database from a backup.\n"
    )
    assert fingerprint(graded_db) == before


def test_a_grade_dated_before_the_last_is_put_in_its_place_in_the_log(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    # A clock set back: the second grade is dated before the first. Since sync (issue 18) a card's log
    # is its reviews in (day, time) order on every machine, so the grade is put in its place at once
    # (the row ids follow), and check and repair replay that order.
    grade(deck_db, "attention", "qkv", 5, date(2026, 3, 10))
    grade(deck_db, "attention", "qkv", 5, date(2026, 3, 4))
    stored = rows(deck_db, "SELECT due_on, interval_days, last_reviewed_on FROM cards WHERE card_id = 'qkv'")
    assert stored == [("2026-03-16", 6, "2026-03-10")]
    assert rows(deck_db, "SELECT reviewed_on FROM reviews ORDER BY id") == [("2026-03-04",), ("2026-03-10",)]
    result = quiz("check")
    assert result.exit_code == 0, result.output
    tamper(deck_db, "UPDATE cards SET due_on = '2026-03-11' WHERE card_id = 'qkv'")
    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    assert rows(
        deck_db, "SELECT due_on, interval_days, last_reviewed_on FROM cards WHERE card_id = 'qkv'"
    ) == (stored)


def test_a_card_whose_deck_is_missing_is_reported_not_a_traceback(
    graded_db: Path, quiz: Callable[..., Result]
) -> None:
    with contextlib.closing(sqlite3.connect(graded_db)) as conn, conn:  # foreign keys off
        conn.execute("UPDATE cards SET deck = 'gone' WHERE card_id = 'qkv'")
    for args in (("cards",), ("export", "cards"), ("stats",)):
        assert quiz(*args).exit_code == 0
    result = quiz("check")
    assert result.exit_code == 1
    assert "row 1 of cards refers to a decks row that does not exist" in result.stdout


# ---- the CHECK constraints and migration m004 ----------------------------------------------------


@pytest.mark.parametrize(("name", "statement", "sentence", "readers"), DAMAGES, ids=IDS)
def test_the_checks_refuse_a_bad_write(
    graded_db: Path, name: str, statement: str, sentence: str, readers: set[str]
) -> None:
    with (
        contextlib.closing(sqlite3.connect(graded_db)) as conn,
        pytest.raises(sqlite3.IntegrityError) as raised,
    ):
        conn.execute(statement)
    assert "CHECK constraint failed" in str(raised.value)


SAMPLES: list[object] = [
    None, 0, 1, -1, 129, 130, 250, 2.5, 250.0, "250", "abc", "", b"\x00", 5, 6,
    "2026-03-10", "2026-02-30", "2026-13-01", "0000-01-01", "20260310", "2026-3-1", " 2026-03-10",
    "2026-03-10T09:00:00.000Z", "2026-03-10T09:00:00Z", "2026-03-10T24:00:00.000Z",
    "2026-03-10 09:00:00.000Z", "2026-02-30T09:00:00.000Z", "scheduled", "redrill", "other",
    "2026-03-1\u0660", "2026-03-10T09:00:00.00\u0660Z", "9999-12-31", "2026-03-10\n",
]  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "checks"),
    [
        (CARD_RULES, migrations.CARD_CHECKS),
        ({**LOG_FACT_RULES, **LOG_DERIVED_RULES}, migrations.REVIEW_CHECKS),
    ],
    ids=["cards", "reviews"],
)
def test_the_sql_checks_and_the_readers_rules_agree(rules: dict[str, object], checks: dict[str, str]) -> None:
    from quizcards.core.checks import Rule

    assert set(rules) == set(checks)
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        for column, sql in checks.items():
            rule = rules[column]
            assert isinstance(rule, Rule)
            for value in SAMPLES:
                held = conn.execute(
                    f"SELECT coalesce({sql}, 0) FROM (SELECT ? AS {column})", [value]
                ).fetchone()[0]
                assert bool(held) == (not rule.broken_by(value)), (column, value)


def test_m004_keeps_every_row_index_and_reference(old_db: Path) -> None:
    def schema(db: Path) -> tuple[set[str], list[tuple[object, ...]]]:
        from quizcards.store.migrations.m004_checked import (  # later migrations add columns
            _CARD_COLUMNS,
            REVIEW_COLUMNS,
        )

        names = {row[0] for row in rows(db, "SELECT name FROM sqlite_master WHERE type = 'index'")}
        return names, rows(db, f"SELECT {_CARD_COLUMNS} FROM cards ORDER BY id") + rows(
            db, f"SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY id"
        )

    before = schema(old_db)
    with Store.open(old_db) as store:
        assert store.integrity_problems() == []
    after = schema(old_db)
    assert after[0] >= before[0]  # every index kept (later migrations add their own)
    assert after[1] == before[1]
    assert scalar(old_db, "SELECT count(*) FROM _sqlite_migrations") == len(migrations.NAMES)
    assert rows(old_db, 'SELECT "table", "from", "to" FROM pragma_foreign_key_list(\'reviews\')') == [
        ("sync_devices", "device", "id"),  # m009: the device that made the review
        ("cards", "card", "id"),
    ]
    assert rows(old_db, 'SELECT "table", "from", "to" FROM pragma_foreign_key_list(\'cards\')') == [
        ("decks", "deck", "slug")
    ]
    assert "due_on_rule" in scalar(old_db, "SELECT sql FROM sqlite_master WHERE name = 'cards'")


def test_m004_refuses_a_damaged_database_naming_the_rows_and_changes_nothing(
    old_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    tamper(
        old_db,
        DAMAGES[0][1],
        "UPDATE cards SET interval_days = -5 WHERE card_id = 'scale'",
        "UPDATE reviews SET interval_after = -1 WHERE id = 2",
        "UPDATE reviews SET easiness_before = 'x' WHERE id = 3",
    )
    before = fingerprint(old_db)
    result = quiz("import", tmp_path / "decks")  # any command that writes upgrades first
    assert result.exit_code == 1
    fix = REPAIR[:-1]
    assert result.stderr == (
        "Error: this database cannot be upgraded to this version of quizcards, which checks every stored "
        "value, until it is repaired: card attention/qkv has a damaged due_on in the database ('garbage' is "
        f"not a date like 2026-03-10); {fix}; card attention/scale has a damaged interval_days in the "
        f"database (-5 is not a whole number of 0 or more); {fix}; review 2 of card attention/qkv has "
        f"a damaged interval_after in the database (-1 is not a whole number of 0 or more); {fix} "
        "(and 1 more). Nothing was changed.\n"
    )
    assert fingerprint(old_db) == before
    assert scalar(old_db, "SELECT count(*) FROM _sqlite_migrations") == 3

    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Repaired 2 cards from the review log; the database as it was is in ")
    assert "✓ schedules: 3 cards match their log (3 scheduled reviews replayed)" in result.stdout
    assert scalar(old_db, "SELECT count(*) FROM _sqlite_migrations") == len(migrations.NAMES)
    assert rows(
        old_db, "SELECT due_on, interval_days FROM cards WHERE card_id IN ('qkv', 'scale') ORDER BY id"
    ) == [
        ("2026-03-09", 1),
        ("2026-03-09", 1),
    ]
    run_readers(quiz, "", set())


def test_m004_refuses_a_log_row_that_nothing_can_rebuild(
    old_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    tamper(old_db, "UPDATE reviews SET grade = 9 WHERE id = 2")
    before = fingerprint(old_db)
    for args in (("check", "--repair"), ("import", tmp_path / "decks")):
        result = quiz(*args)
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: this database cannot be upgraded to this version of quizcards, which checks every "
            "stored value, until it is repaired: review 2 of card attention/qkv has a damaged grade in the "
            f"database (9 is not a grade from 0 to 5); {RESTORE[:-1]}. Nothing was changed.\n"
        )
    assert fingerprint(old_db) == before


def test_m004_refuses_a_card_whose_deck_is_missing(old_db: Path) -> None:
    with contextlib.closing(sqlite3.connect(old_db)) as conn, conn:
        conn.execute("UPDATE cards SET deck = 'gone' WHERE card_id = 'qkv'")
    with pytest.raises(DamagedValuesError) as raised:
        Store.open(old_db)
    assert "card gone/qkv belongs to the deck 'gone', which is not in the database" in str(raised.value)


def test_undo_over_a_damaged_log_is_a_sentence_and_changes_nothing(tmp_path: Path) -> None:
    deck = tmp_path / "attention.yaml"
    deck.write_text(textwrap.dedent(SMALL_DECK).lstrip("\n"), encoding="utf-8")
    db = tmp_path / "q.db"
    import_decks(db, deck)
    graded(db)
    tamper(db, "UPDATE reviews SET reviewed_on = 'garbage' WHERE id = 1")
    before = fingerprint(db)
    with Store.open(db) as store, pytest.raises(StoreError) as raised:
        store.undo_review(2)
    assert str(raised.value) == (
        "the review log of card attention/qkv holds a damaged grade, day, time or kind, so its schedule "
        "cannot be rebuilt; the log is the record itself: restore the database from a backup (`quiz "
        "check` lists every such row)."
    )
    assert fingerprint(db) == before
