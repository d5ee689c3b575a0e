"""Faults, really caused: killed processes, concurrent writers, locks, broken and read-only files,
a full disk; and the tools that recover from them: `quiz check`, `quiz backup` and automatic backups.
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pexpect
import pytest
from sqlite_utils import Database
from typer.testing import Result

from quizcards.cli import app
from quizcards.core.scheduler import Grade
from quizcards.core.session import grading
from quizcards.store import BACKUPS_KEPT, Store, migrations
from quizcards.store.base import BaseStore
from tests.conftest import SMALL_DECK
from tests.helpers import FIXED_NOW, QUIZ, as_in_a_terminal, quiz_env, rows, scalar
from tests.helpers import spawn as spawn_quiz

NOW = FIXED_NOW
LEGEND = "u undo · s bury"
CORE_TABLES = {"decks", "cards", "reviews", "_sqlite_migrations"}


# ---- helpers ------------------------------------------------------------------------------------


def spawn(db: Path, *args: str, now: str = NOW) -> pexpect.spawn:
    child = spawn_quiz("--db", db, *args, env=quiz_env(now), dimensions=(50, 120))
    child.delaybeforesend = None
    return child


def fingerprint(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def assert_consistent(db: Path, quiz: Callable[..., Result]) -> None:
    """SQLite's integrity check passes and every card's schedule equals its replayed log."""
    assert scalar(db, "PRAGMA integrity_check") == "ok"
    with Store.open(db) as store:
        report = store.check_schedules()
        assert report.drifts == ()
        assert report.unreadable == ()
        assert store.integrity_problems() == []
    result = quiz("check", db=db)
    assert result.exit_code == 0, result.output


def big_deck(path: Path, slug: str, cards: int) -> Path:
    padding = "a long answer " * 40
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"deck: {slug}\ncards:\n")
        for number in range(cards):
            handle.write(f"  - id: c{number}\n    q: Question {number}?\n    a: {padding}{number}\n")
    return path


def answer(child: pexpect.spawn, key: str) -> None:
    child.expect_exact("> ")
    child.send("\r" + key)
    child.expect_exact(LEGEND)


# ---- killed processes ---------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_in_the_middle_of_an_import_leaves_none_of_it(
    quiz: Callable[..., Result],
    write_deck: Callable[..., Path],
    tmp_path: Path,
    children: list[pexpect.spawn],
) -> None:
    small = write_deck("attention.yaml", SMALL_DECK)
    deck = big_deck(tmp_path / "big.yaml", "big", 20_000)
    outcomes: list[int] = []
    for attempt in range(3):  # the kill is aimed mid-transaction; a miss (it committed first) is retried
        db = tmp_path / f"attempt{attempt}.db"
        assert quiz("import", small, db=db).exit_code == 0
        wal = db.with_name(db.name + "-wal")
        child = spawn(db, "import", str(deck))
        children.append(child)
        # The transaction spills pages into the WAL long before it commits: kill once it has.
        while child.isalive() and (not wal.exists() or wal.stat().st_size < 1_000_000):
            time.sleep(0.002)
        assert child.isalive(), "the import finished before it could be killed"
        child.kill(signal.SIGKILL)
        child.wait()
        outcomes.append(scalar(db, "SELECT count(*) FROM cards"))
        assert outcomes[-1] in (3, 20_003)  # all of the import, or none of it
        assert_consistent(db, quiz)
        if outcomes[-1] == 3:
            break
    assert outcomes[-1] == 3, outcomes
    assert scalar(db, "SELECT count(*) FROM decks") == 1
    # Nothing is left half-done: the same import now runs to the end.
    result = quiz("import", deck, db=db)
    assert result.exit_code == 0, result.output
    assert scalar(db, "SELECT count(*) FROM cards") == 20_003


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.01, 0.05])
def test_sigkill_around_a_grade_keeps_the_log_and_schedules_in_step(
    delay: float, deck_db: Path, quiz: Callable[..., Result], children: list[pexpect.spawn]
) -> None:
    child = spawn(deck_db, "review")
    children.append(child)
    answer(child, "4")
    child.expect_exact("next review in")
    child.expect_exact("> ")
    child.send("\r3")  # reveal and grade at once; the kill lands before, during or after the write
    time.sleep(delay)
    child.kill(signal.SIGKILL)
    child.wait()
    assert scalar(deck_db, "SELECT count(*) FROM reviews") in (1, 2)
    assert_consistent(deck_db, quiz)


# ---- concurrent writers and locks ---------------------------------------------------------------


@pytest.mark.slow
def test_two_reviews_at_once_both_record_every_grade(
    deck_db: Path, quiz: Callable[..., Result], children: list[pexpect.spawn]
) -> None:
    first, second = spawn(deck_db, "review"), spawn(deck_db, "review")
    children += [first, second]
    # Both sessions have drawn today's queue before either grades: that is what "at once" means here.
    for child in (first, second):
        child.expect_exact("Question")
    for child, key in ((first, "5"), (second, "3"), (first, "4"), (second, "4")):
        answer(child, key)
        child.expect_exact("graded")
    for child in (first, second):
        child.expect_exact("> ")
        child.sendcontrol("d")
        child.expect_exact("Session summary")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    grades = rows(
        deck_db, "SELECT c.card_id, r.grade FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"
    )
    assert sorted(grades) == [("qkv", 3), ("qkv", 5), ("scale", 4), ("scale", 4)]
    assert_consistent(deck_db, quiz)
    # Both sessions started together and both wanted the day's backup: one was made, none failed.
    assert [p.name for p in (deck_db.parent / "backups").iterdir()] == ["quiz-20260310-000000-daily.db"]


GRADER = textwrap.dedent(
    """
    import sys
    from datetime import date, datetime, timezone
    from pathlib import Path
    from quizcards.core.scheduler import Grade
    from quizcards.core.session import grading
    from quizcards.store import Store

    with Store.open(Path(sys.argv[1])) as store:
        for number in range(int(sys.argv[2])):
            store.record_review(
                1 + number % 3, grading(Grade(int(sys.argv[3])), date(2026, 3, 10)),
                reviewed_at=datetime.now(timezone.utc), explanation="", duration_ms=1,
            )
    """
)


@pytest.mark.slow  # whole processes or the schema written and read back: the full suite runs it
def test_grades_from_two_processes_are_all_recorded(deck_db: Path, quiz: Callable[..., Result]) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", GRADER, str(deck_db), "40", grade], env=quiz_env())
        for grade in ("5", "2")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    assert scalar(deck_db, "SELECT count(*) FROM reviews") == 80
    assert scalar(deck_db, "SELECT count(*) FROM reviews WHERE grade = 2") == 40
    assert_consistent(deck_db, quiz)


@pytest.fixture
def locked(deck_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """Another connection holding an exclusive transaction, and a short wait for quizcards."""
    monkeypatch.setenv("QUIZCARDS_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(deck_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_a_locked_database_waits_then_says_so(
    locked: sqlite3.Connection,
    deck_db: Path,
    quiz: Callable[..., Result],
    write_deck: Callable[..., Path],
) -> None:
    other = write_deck("other.yaml", "deck: other\ncards:\n  - {id: a, q: q, a: a}\n")
    result = quiz("import", other)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {deck_db} is locked by another process; waited 0.2 seconds. "
        "Try again when it has finished.\n"
    )
    assert quiz("decks").exit_code == 0  # reading still works while another process writes
    locked.execute("ROLLBACK")
    assert scalar(deck_db, "SELECT count(*) FROM decks") == 1
    assert quiz("import", other).exit_code == 0
    assert scalar(deck_db, "SELECT count(*) FROM decks") == 2


@pytest.mark.slow
def test_a_review_whose_grade_meets_a_lock_says_so_and_keeps_nothing_half_done(
    deck_db: Path, quiz: Callable[..., Result], children: list[pexpect.spawn]
) -> None:
    child = pexpect.spawn(
        str(QUIZ),
        ["--db", str(deck_db), "review"],
        env=quiz_env(QUIZCARDS_BUSY_TIMEOUT="0.2"),
        encoding="utf-8",
        timeout=20,
        preexec_fn=as_in_a_terminal,
    )
    children.append(child)
    child.expect_exact("> ")
    holder = sqlite3.connect(deck_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        child.send("\r")
        child.expect_exact(LEGEND)
        child.send("5")
        child.expect(r"Error: \S+ is locked by another process; waited 0\.2 seconds\.")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 1
        assert "Traceback" not in (child.before or "")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert scalar(deck_db, "SELECT count(*) FROM reviews") == 0
    assert_consistent(deck_db, quiz)


def test_the_busy_timeout_variable_is_checked(
    deck_db: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZCARDS_BUSY_TIMEOUT", "soon")
    result = quiz("decks")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: QUIZCARDS_BUSY_TIMEOUT='soon' is not a number of seconds from 0 to 3600.\n"
    )


# ---- database files that cannot be used ---------------------------------------------------------


def _not_sqlite(db: Path) -> str:
    db.write_bytes(b"deck: attention\ncards: []\n" * 100)
    return "is not a quizcards database (it is not an SQLite file)"


def _truncated(db: Path) -> str:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    return "is truncated"


def _cut_mid_page(db: Path) -> str:
    data = db.read_bytes()
    db.write_bytes(data[:5000])
    return "is truncated: it is 5,000 bytes"


def _header_only(db: Path) -> str:
    db.write_bytes(db.read_bytes()[:60])
    return "is damaged: its SQLite header is cut short"


def _empty(db: Path) -> str:
    db.write_bytes(b"")
    return "is empty (0 bytes)"


def _newer(db: Path) -> str:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [migrations.MIGRATION_SET, "m999_from_the_future", "2030-01-01"],
        )
    conn.close()
    return "was written by a newer version of quizcards (it has the migration 'm999_from_the_future'"


def _foreign(db: Path) -> str:
    db.unlink()
    conn = sqlite3.connect(db)  # another program's database, in rollback-journal mode
    with conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    return "is an SQLite database, but not a quizcards database"


BREAKAGES = {
    "not-sqlite": _not_sqlite,
    "truncated": _truncated,
    "cut-mid-page": _cut_mid_page,
    "header-only": _header_only,
    "empty": _empty,
    "newer-version": _newer,
    "another-programs-database": _foreign,
}


def commands(deck: Path) -> list[list[str]]:
    found = [["decks"], ["import", str(deck)], ["check"], ["check", "--repair"], ["backup"]]
    registered = {command.name for command in app.registered_commands}
    found += [[name] for name in ("cards", "stats") if name in registered]
    return found


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_an_unusable_database_gives_one_line_and_stays_as_it_was(
    breakage: str, deck_db: Path, quiz: Callable[..., Result], write_deck: Callable[..., Path]
) -> None:
    reason = BREAKAGES[breakage](deck_db)
    before = fingerprint(deck_db)
    for args in commands(write_deck("other.yaml", "deck: other\ncards:\n  - {id: a, q: q, a: a}\n")):
        result = quiz(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stderr.startswith(f"Error: {deck_db} "), (args, result.stderr)
        assert reason in result.stderr, (args, result.stderr)
        assert fingerprint(deck_db) == before, args
    assert not (deck_db.parent / "backups").exists()


def test_a_read_only_database_is_read_but_never_written(
    deck_db: Path, quiz: Callable[..., Result], write_deck: Callable[..., Path]
) -> None:
    deck_db.chmod(0o444)  # we may run as root, which ignores the mode: quizcards does not
    before = fingerprint(deck_db)
    other = write_deck("other.yaml", "deck: other\ncards:\n  - {id: a, q: q, a: a}\n")
    for args in (["import", str(other)], ["check", "--repair"]):
        result = quiz(*args)
        assert result.exit_code == 1
        assert result.stderr == f"Error: {deck_db} is read-only; quizcards needs to write to it.\n"
    for args in (["decks"], ["check"], ["backup"]):
        result = quiz(*args)
        assert result.exit_code == 0, (args, result.output)
    assert fingerprint(deck_db) == before
    assert deck_db.stat().st_mode & 0o777 == 0o444


def test_a_read_only_database_in_a_folder_with_uri_characters_is_found(
    quiz: Callable[..., Result], write_deck: Callable[..., Path], tmp_path: Path
) -> None:
    # Regression: the read-only path was opened as "file:PATH?mode=ro", which cuts PATH at a '#'.
    db = tmp_path / "a#b?c%20" / "quiz.db"
    db.parent.mkdir()
    assert quiz("import", write_deck("attention.yaml", SMALL_DECK), db=db).exit_code == 0
    db.chmod(0o444)
    result = quiz("decks", db=db)
    assert result.exit_code == 0, result.output
    assert "attention" in result.stdout


def test_a_database_in_a_missing_folder_is_not_created(
    quiz: Callable[..., Result], write_deck: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "missing" / "quiz.db"
    result = quiz("import", write_deck("attention.yaml", SMALL_DECK), db=db)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot create {db}: the folder {db.parent} does not exist.\n"
    for args in (["decks"], ["check"], ["backup"]):
        result = quiz(*args, db=db)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: no database at {db};")
    assert not db.parent.exists()


def test_a_full_disk_rolls_the_import_back(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure = BaseStore._configure

    def no_room_to_grow(self: BaseStore, *, wal: bool) -> None:
        configure(self, wal=wal)
        if wal:  # once open: the database may not grow by more than a few pages
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            self.conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(BaseStore, "_configure", no_room_to_grow)
    before = scalar(deck_db, "SELECT count(*) FROM cards")
    result = quiz("import", big_deck(tmp_path / "big.yaml", "big", 300))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {deck_db}: the disk is full; nothing was changed. Free some space and try again.\n"
    )
    monkeypatch.undo()
    assert scalar(deck_db, "SELECT count(*) FROM cards") == before
    assert scalar(deck_db, "SELECT count(*) FROM decks") == 1
    assert_consistent(deck_db, quiz)


# ---- quiz check -----------------------------------------------------------------------------


def grade(db: Path, pk: int, value: int, day: date) -> None:
    with Store.open(db) as store:
        store.record_review(
            pk,
            grading(Grade(value), day),
            reviewed_at=datetime(day.year, day.month, day.day, 9),
            explanation="",
            duration_ms=1,
        )


def test_check_finds_drifted_schedules_and_repair_rewrites_them_from_the_log(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    grade(deck_db, 1, 5, date(2026, 3, 9))
    grade(deck_db, 1, 4, date(2026, 3, 10))
    grade(deck_db, 2, 1, date(2026, 3, 10))
    result = quiz("check")
    assert result.exit_code == 0
    assert "✓ SQLite integrity and foreign keys: ok" in result.stdout
    assert "✓ schedules: 3 cards match their log (3 scheduled reviews replayed)" in result.stdout
    conn = sqlite3.connect(deck_db)
    with conn:
        conn.execute("UPDATE cards SET due_on = '2030-01-01', interval_days = 99 WHERE card_id = 'qkv'")
        conn.execute("UPDATE cards SET reviews = 7 WHERE card_id = 'bottleneck'")
    conn.close()
    drifted = fingerprint(deck_db)

    result = quiz("check")
    assert result.exit_code == 1
    assert [line.strip() for line in result.stdout.splitlines()][1:] == [
        "✓ SQLite integrity and foreign keys: ok",
        "✗ schedules: 2 of 3 cards differ from their review log (3 scheduled reviews replayed)",
        "attention/qkv: due_on 2030-01-01 (log: 2026-03-16); interval_days 99 (log: 6)",
        "attention/bottleneck: reviews 7 (log: 0)",
        "Run quiz check --repair to rewrite them from the log (a backup is taken first).",
    ]
    assert fingerprint(deck_db) == drifted  # checking changes nothing

    result = quiz("check", "--repair")
    assert result.exit_code == 0, result.output
    backup = deck_db.parent / "backups" / "quiz-20260310-090000-before-repair.db"
    assert f"Repaired 2 cards from the review log; the database as it was is in {backup}." in result.stdout
    assert scalar(backup, "SELECT due_on FROM cards WHERE card_id = 'qkv'") == "2030-01-01"
    assert_consistent(deck_db, quiz)
    assert scalar(deck_db, "SELECT due_on FROM cards WHERE card_id = 'qkv'") == "2026-03-16"


def test_check_reports_a_log_it_cannot_replay_and_broken_references(
    deck_db: Path, quiz: Callable[..., Result]
) -> None:
    grade(deck_db, 1, 5, date(2026, 3, 10))
    conn = sqlite3.connect(deck_db)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # the CHECKs of m004 refuse such a write
    with conn:
        conn.execute("UPDATE reviews SET reviewed_on = 'yesterday' WHERE card = 1")
    conn.close()
    result = quiz("check", "--repair")
    assert result.exit_code == 1
    assert (
        "attention/qkv: its review log cannot be replayed (review 1 has the date 'yesterday'" in result.stdout
    )
    assert result.stderr == (
        "Error: 1 card has a review log that cannot be replayed; restore the database from a backup.\n"
    )
    conn = sqlite3.connect(deck_db)  # foreign keys are off on a plain connection
    with conn:
        conn.execute("UPDATE reviews SET reviewed_on = '2026-03-10'")
        conn.execute("UPDATE reviews SET card = 99")
    conn.close()
    result = quiz("check")
    assert result.exit_code == 1
    assert "row 1 of reviews refers to a cards row that does not exist" in result.stdout
    assert result.stderr.startswith(f"Error: {deck_db} is damaged; restore the latest good copy from ")


def test_check_finds_a_damaged_index(deck_db: Path, quiz: Callable[..., Result]) -> None:
    conn = sqlite3.connect(deck_db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards_deck_position'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with deck_db.open("r+b") as handle:
        handle.seek(root * page_size - 40)  # the cells at the end of the index's page
        tail = handle.read(40)
        handle.seek(root * page_size - 40)
        handle.write(bytes(byte ^ 0x55 for byte in tail))
    before = fingerprint(deck_db)
    result = quiz("check", "--repair")
    assert result.exit_code == 1
    assert "✗ SQLite integrity and foreign keys:" in result.stdout
    assert "missing from index cards_deck_position" in result.stdout
    assert "Nothing was repaired." in result.stderr
    assert fingerprint(deck_db) == before


# ---- quiz backup --------------------------------------------------------------------------------


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_backup_makes_a_verified_single_file_copy(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    grade(deck_db, 1, 4, date(2026, 3, 10))
    result = quiz("backup")
    assert result.exit_code == 0, result.output
    copy = deck_db.parent / "backups" / "quiz-20260310-090000.db"
    assert result.stdout == f"Backed up {deck_db} to {copy} (3 cards, 1 review; integrity ok).\n"
    assert dump(copy) == dump(deck_db)
    assert scalar(copy, "PRAGMA journal_mode") == "delete"  # one self-contained file
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]
    # The same second again gets a new name; an explicit file or folder is honoured.
    assert quiz("backup").exit_code == 0
    assert (copy.parent / "quiz-20260310-090000-2.db").is_file()
    assert quiz("backup", tmp_path / "mine.db").exit_code == 0
    assert dump(tmp_path / "mine.db") == dump(deck_db)
    (tmp_path / "folder").mkdir()
    assert quiz("backup", tmp_path / "folder").exit_code == 0
    assert (tmp_path / "folder" / "quiz-20260310-090000.db").is_file()
    # Existing files, the database itself and missing folders are refused.
    for target, message in (
        (tmp_path / "mine.db", f"{tmp_path / 'mine.db'} already exists; choose another name for the backup."),
        (deck_db, f"{deck_db} is the database itself; choose another name for the backup."),
        (tmp_path / "nowhere" / "x.db", f"cannot write {tmp_path / 'nowhere' / 'x.db'}: the folder"),
    ):
        result = quiz("backup", target)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: {message}")


def test_a_backup_taken_during_a_write_holds_only_committed_data(deck_db: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(deck_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM cards WHERE card_id = 'qkv'")
    try:
        with Store.open(deck_db, mode="read") as store:
            store.backup_to(tmp_path / "copy.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert dump(tmp_path / "copy.db") == dump(deck_db)
    assert scalar(tmp_path / "copy.db", "SELECT count(*) FROM cards") == 3


def test_a_restored_backup_is_a_working_database(
    deck_db: Path, quiz: Callable[..., Result], tmp_path: Path
) -> None:
    grade(deck_db, 1, 4, date(2026, 3, 10))
    assert quiz("backup", tmp_path / "saved.db").exit_code == 0
    deck_db.unlink()
    (tmp_path / "saved.db").replace(deck_db)  # the README's restore: put the copy in its place
    assert_consistent(deck_db, quiz)
    assert scalar(deck_db, "SELECT count(*) FROM reviews") == 1


# ---- automatic backups --------------------------------------------------------------------------


def test_automatic_backups_keep_the_last_seven_of_this_database_only(deck_db: Path) -> None:
    folder = deck_db.parent / "backups"
    folder.mkdir()
    foreign = [folder / "quiz-work-20260301-000000-daily.db", folder / "quiz-20260301-000000.db"]
    for path in foreign:  # another database's backup, and a copy made by `quiz backup`
        path.write_bytes(b"")
    with Store.open(deck_db) as store:
        for day in range(1, 11):
            store.backup_automatically("daily", stamp=f"202603{day:02d}-000000")
            time.sleep(0.002)  # age is the modification time; keep it distinct on coarse clocks
        assert store.has_backup("20260310")
        assert not store.has_backup("20260301")
        assert store.backup_automatically("daily", stamp="20260310-000000") == (
            folder / "quiz-20260310-000000-daily.db"
        )  # once a day: the day's backup is not taken twice
    kept = sorted(p.name for p in folder.glob("quiz-2026*-daily.db"))
    assert kept == [f"quiz-202603{day:02d}-000000-daily.db" for day in range(11 - BACKUPS_KEPT, 11)]
    assert all(path.exists() for path in foreign)


@pytest.mark.slow
def test_the_daily_backup_is_taken_before_the_first_review_of_each_day(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    folder = deck_db.parent / "backups"

    def session(now: str, *args: str) -> None:
        child = spawn(deck_db, "review", *args, now=now)
        children.append(child)
        if "--new" in args:
            child.expect_exact("Nothing is due today.")
        else:
            answer(child, "5")
            child.expect_exact("> ")
            child.sendcontrol("d")
        child.expect(pexpect.EOF)

    session("2026-03-10T08:00:00+00:00", "--new", "0")
    assert not folder.exists()  # nothing to review: no backup
    session("2026-03-10T09:00:00+00:00")
    first = folder / "quiz-20260310-000000-daily.db"
    assert sorted(folder.iterdir()) == [first]
    assert scalar(first, "SELECT count(*) FROM reviews") == 0  # taken before the first grade
    session("2026-03-10T18:00:00+00:00")
    assert sorted(folder.iterdir()) == [first]
    session("2026-03-11T09:00:00+00:00")
    assert sorted(p.name for p in folder.iterdir()) == [first.name, "quiz-20260311-000000-daily.db"]
    assert scalar(folder / "quiz-20260311-000000-daily.db", "SELECT count(*) FROM reviews") == 2


def _old_database(path: Path, names: tuple[str, ...]) -> None:
    """A database as an older quizcards left it: only the first migrations, holding a review."""
    db = Database(path)
    migrations.migration_set().apply(db, stop_before=list(names))
    db.execute("PRAGMA journal_mode = WAL")
    with db.conn:
        db.execute(
            "INSERT INTO decks (slug, title, position, imported_at) VALUES ('old', 'Old', 0, '2025-01-01')"
        )
        db.execute(
            "INSERT INTO cards (deck, card_id, position, question, answer, content_hash, added_at, "
            "updated_at, repetitions, interval_days, due_on, reviews, last_reviewed_on, introduced_on) "
            "VALUES ('old', 'kept', 0, 'Still here?', 'Yes.', 'x', '2025-01-01', '2025-01-01', "
            "1, 1, '2025-01-02', 1, '2025-01-01', '2025-01-01')"
        )
        db.execute(
            "INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, scheduler, "
            "repetitions_before, interval_before, easiness_before, repetitions_after, interval_after, "
            "easiness_after, due_after) VALUES (1, '2025-01-01T09:00:00.000Z', '2025-01-01', 5, "
            "'scheduled', 'sm2', 0, 0, 250, 1, 1, 260, '2025-01-02')"
        )
        db.execute("UPDATE cards SET easiness_hundredths = 260")
    db.close()


def _m900_test_upgrade(database: Database) -> None:
    database.execute("CREATE TABLE upgrade_marker (x INTEGER)")


def _add_test_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    """One more migration, so that there is always a newer schema than the first to upgrade to."""
    monkeypatch.setattr(
        migrations, "MIGRATIONS", (*migrations.MIGRATIONS, ("m900_test_upgrade", _m900_test_upgrade))
    )
    monkeypatch.setattr(migrations, "NAMES", tuple(name for name, _ in migrations.MIGRATIONS))


def test_an_upgrade_backs_up_the_old_database_first(
    tmp_path: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "quiz.db"
    _add_test_migration(monkeypatch)
    pending = migrations.NAMES[1:]  # the old database has only the first migration
    _old_database(db, pending)
    old_dump = dump(db)

    with Store.open(db) as store:
        assert store.study_card(1).question == "Still here?"
        assert store.study_card(1).schedule == store.rebuilt_schedule(1)
    (backup,) = (tmp_path / "backups").glob(f"quiz-*-before-{pending[0]}.db")
    assert dump(backup) == old_dump  # the backup is the database exactly as it was
    applied = scalar(db, "SELECT group_concat(name) FROM _sqlite_migrations")
    assert applied == ",".join(migrations.NAMES)
    assert scalar(db, "SELECT count(*) FROM upgrade_marker") == 0
    result = quiz("check", db=db)
    assert result.exit_code == 0, result.output
    # Opening it again takes no further backup: there is nothing left to migrate.
    with Store.open(db):
        pass
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_the_upgrade_backup_is_named_by_the_clock_the_cli_passes_in(
    tmp_path: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "quiz.db"
    _add_test_migration(monkeypatch)
    _old_database(db, migrations.NAMES[1:])
    old_dump = dump(db)
    result = quiz("check", "--repair", db=db)  # reading never upgrades; QUIZCARDS_NOW is 09:00 UTC
    assert result.exit_code == 0, result.output
    backup = tmp_path / "backups" / f"quiz-20260310-090000-before-{migrations.NAMES[1]}.db"
    assert sorted((tmp_path / "backups").iterdir()) == [backup]
    assert dump(backup) == old_dump


def test_no_upgrade_without_a_backup(
    tmp_path: Path, quiz: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "quiz.db"
    _add_test_migration(monkeypatch)
    _old_database(db, migrations.NAMES[1:])
    (tmp_path / "backups").write_text("a file where the backups folder should be")
    before = fingerprint(db)
    result = quiz("check", "--repair", db=db)  # a command that writes (reading never upgrades)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot create the backups folder {tmp_path / 'backups'}:")
    assert fingerprint(db) == before
    assert scalar(db, "SELECT count(*) FROM _sqlite_migrations") == 1


@pytest.mark.parametrize(
    ("column", "stored"),
    [
        ("points", '{"a": 1}'),
        ("points", "not json"),
        ("points", "[[]]"),
        ("hints", "[1, 2]"),
        ("tags", "null"),
    ],
)
def test_a_damaged_json_column_is_a_sentence_not_a_traceback(
    deck_db: Path, quiz: Callable[..., Result], column: str, stored: str
) -> None:
    with contextlib.closing(sqlite3.connect(deck_db)) as conn:
        conn.execute(f"UPDATE cards SET {column} = ? WHERE card_id = 'qkv'", [stored])
        conn.commit()
    for args in (("show", "attention/qkv"), ("export", "cards")):
        result = quiz(*args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: the {column} of card attention/qkv are damaged in the database (not a JSON list "
            "of text); restore the database from a backup.\n"
        )
