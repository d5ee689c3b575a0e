"""Issue 13, items 1, 8, 10 and 11: backups pruned by their names' stamps, a backup before an import that
rewrites cards, messages that say the real id limit and name retired cards, a deck claimed by another file."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from quizcards.store import Store
from quizcards.store.backups import BACKUPS_KEPT, daily_stamp
from tests.conftest import SMALL_DECK
from tests.helpers import Quiz, WriteDeck, grade, rows, scalar


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backup_names(db: Path) -> list[str]:
    folder = db.parent / "backups"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# ---- item 1: pruning by the stamp in the name ---------------------------------------------------


def test_a_new_daily_backup_survives_kept_backups_dated_in_the_future(deck_db: Path) -> None:
    folder = deck_db.parent / "backups"
    folder.mkdir()
    kept = [folder / f"quiz-202603{day:02d}-000000-daily.db" for day in range(1, BACKUPS_KEPT + 1)]
    # Not ours: another database's, a `quiz backup` copy, an impossible stamp, a note, a look-alike.
    foreign = [
        folder / "quiz-work-20260101-000000-daily.db",
        folder / "quiz-20260101-000000.db",
        folder / "quiz-20261399-000000-daily.db",
        folder / "notes.txt",
        folder / "quiz-20260101-000000-daily.db.bak",
    ]
    for path in [*kept, *foreign]:
        path.write_bytes(b"")
    future = datetime(2027, 3, 1).timestamp()
    for path in kept:  # a clock that was ahead, or copies made with their times preserved
        os.utime(path, (future, future))
    past = datetime(1990, 1, 1).timestamp()
    for path in foreign:
        os.utime(path, (past, past))
    with Store.open(deck_db) as store:
        taken = store.backup_automatically("daily", stamp=daily_stamp(date(2026, 3, 10)))
    assert taken == folder / "quiz-20260310-000000-daily.db"
    assert taken.exists()
    assert scalar(taken, "SELECT count(*) FROM cards") == 3
    assert not kept[0].exists()  # the oldest by the stamp in its name
    assert all(path.exists() for path in kept[1:])
    assert all(path.exists() for path in foreign)


def test_the_backup_just_taken_is_never_pruned_even_when_its_stamp_is_oldest(deck_db: Path) -> None:
    folder = deck_db.parent / "backups"
    folder.mkdir()
    later = [folder / f"quiz-203001{day:02d}-000000-daily.db" for day in range(1, BACKUPS_KEPT + 2)]
    future = datetime(2031, 1, 1).timestamp()
    for path in later:
        path.write_bytes(b"")
        os.utime(path, (future, future))
    with Store.open(deck_db) as store:
        taken = store.backup_automatically("daily", stamp=daily_stamp(date(2026, 3, 10)))
    assert taken.exists()
    assert sum(path.exists() for path in later) == BACKUPS_KEPT - 1
    assert not later[0].exists()
    assert not later[1].exists()


# ---- item 8: a backup before an import that rewrites cards ---------------------------------------


def test_a_reimport_that_updates_or_retires_cards_takes_a_backup_first(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    first = quiz("import", path)
    assert first.exit_code == 0, first.output
    assert backup_names(db_path) == []  # a brand-new database: nothing to keep
    added = SMALL_DECK + "  - id: extra\n    q: Another question?\n    a: Another answer.\n"
    write_deck("attention.yaml", added)
    only_adds = quiz("import", path)
    assert only_adds.exit_code == 0, only_adds.output
    assert backup_names(db_path) == []
    assert "Backed up" not in only_adds.stdout
    assert quiz("import", path).exit_code == 0  # nothing changes
    assert backup_names(db_path) == []

    write_deck("attention.yaml", added.replace("Another question?", "Another question, edited?"))
    assert quiz("import", "--dry-run", path).exit_code == 0
    assert backup_names(db_path) == []  # a dry run writes nothing, not even a backup
    edited = quiz("import", path)
    assert edited.exit_code == 0, edited.output
    backup = db_path.parent / "backups" / "quiz-20260310-090000-before-import.db"
    assert backup_names(db_path) == [backup.name]
    said = " ".join(edited.stdout.split())
    assert f"Backed up the database to {backup} before changing its cards." in said
    assert scalar(backup, "SELECT question FROM cards WHERE card_id = 'extra'") == "Another question?"

    write_deck("attention.yaml", SMALL_DECK)  # 'extra' retires; same second: a second backup
    retired = quiz("import", path)
    assert retired.exit_code == 0, retired.output
    second = backup.with_name("quiz-20260310-090000-before-import-2.db")
    assert backup_names(db_path) == [second.name, backup.name]
    assert scalar(second, "SELECT question FROM cards WHERE card_id = 'extra'") == "Another question, edited?"
    assert scalar(second, "SELECT retired FROM cards WHERE card_id = 'extra'") == 0


def test_no_backup_no_import(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", path)
    (db_path.parent / "backups").write_bytes(b"")  # a file where the folder should be
    write_deck("attention.yaml", SMALL_DECK.replace("Why divide", "Why do we divide"))
    digest = file_digest(db_path)
    result = quiz("import", path)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot create the backups folder")
    assert result.stderr.count("\n") == 1
    assert file_digest(db_path) == digest


# ---- item 10: messages ---------------------------------------------------------------------------


def test_an_id_over_the_first_cut_is_told_the_real_limit(quiz: Quiz, write_deck: WriteDeck) -> None:
    long_id = "x" * 700
    path = write_deck("long.yaml", f"deck: long\ncards:\n  - {{id: {long_id}, q: q, a: a}}\n")
    result = quiz("import", path)
    assert result.exit_code == 1
    assert "700 characters long; the limit is 64." in result.stderr
    assert "640" not in result.stderr
    named = write_deck("named.yaml", f"deck: {long_id}\ncards:\n  - {{id: a, q: q, a: a}}\n")
    result = quiz("import", named)
    assert "the limit is 64." in result.stderr
    assert "640" not in result.stderr


def test_retired_cards_are_named_with_how_to_restore_them(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    cards = "".join(f"  - {{id: card-{n}, q: Question {n}?, a: Answer {n}.}}\n" for n in range(1, 9))
    path = write_deck("many.yaml", f"deck: many\ncards:\n{cards}")
    quiz("import", path)
    write_deck("many.yaml", "deck: many\ncards:\n  - {id: card-1, q: Question 1?, a: Answer 1.}\n")
    preview = quiz("import", "--dry-run", path)
    assert "Would retire 7 cards of many: card-2, card-3, card-4, card-5, card-6 and 2 more." in " ".join(
        preview.stdout.split()
    )
    result = quiz("import", path)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert (
        "Retired 7 cards of many: card-2, card-3, card-4, card-5, card-6 and 2 more. "
        "They keep their history and are never shown; put them back in the deck file and import "
        "the file again to restore them (no command deletes cards)."
    ) in said
    write_deck("many.yaml", "deck: many\ncards:\n  - {id: card-2, q: Question 2?, a: Answer 2.}\n")
    result = quiz("import", path)
    assert (
        "Retired 1 card of many: card-1. It keeps its history and is never shown; put it back in the "
        "deck file and import the file again to restore it (no command deletes cards)."
    ) in " ".join(result.stdout.split())


# ---- item 11: a deck claimed by another file -----------------------------------------------------


def test_a_deck_defined_by_another_file_needs_move(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    old = write_deck("attention.yaml", SMALL_DECK)
    quiz("import", old)
    grade(db_path, "attention", "scale", 4, date(2026, 3, 9))
    scale_pk = scalar(db_path, "SELECT id FROM cards WHERE card_id = 'scale'")
    claimant = write_deck(
        "elsewhere/other.yaml",
        "deck: attention\ntitle: Someone else's\ncards:\n"
        "  - {id: scale, q: Why divide by the square root of d_k?, a: To keep the variance at one.}\n"
        "  - {id: fresh, q: A new card?, a: Yes.}\n",
    )
    digest = file_digest(db_path)
    for args in (("import", claimant), ("import", "--dry-run", claimant)):
        result = quiz(*args)
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"Error: the deck 'attention' was imported from {old}, but {claimant} defines it now; "
            "nothing was imported. If the deck has moved, import again with --move (cards are matched "
            "by id, keeping their history; the others retire).\n"
        )
        assert file_digest(db_path) == digest
    assert backup_names(db_path) == []

    moved = quiz("import", "--move", claimant)
    assert moved.exit_code == 0, moved.output
    assert "moved" in moved.stdout
    assert f"Moved the deck attention from {old} to {claimant}." in " ".join(moved.stdout.split())
    assert rows(db_path, "SELECT source_path FROM decks WHERE slug = 'attention'") == [(str(claimant),)]
    assert scalar(db_path, "SELECT id FROM cards WHERE card_id = 'scale'") == scale_pk
    assert scalar(db_path, "SELECT count(*) FROM reviews WHERE card = ?", [scale_pk]) == 1
    assert rows(db_path, "SELECT card_id, retired FROM cards WHERE deck = 'attention' ORDER BY card_id") == [
        ("bottleneck", 1),
        ("fresh", 0),
        ("qkv", 1),
        ("scale", 0),
    ]
    assert quiz("import", claimant).exit_code == 0  # now its file: no question asked again


def test_a_move_is_asked_for_in_a_folder_import_too(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path
) -> None:
    old = write_deck("attention.yaml", SMALL_DECK)
    assert quiz("import", tmp_path / "decks").exit_code == 0
    renamed = old.with_name("attn.yaml")
    old.rename(renamed)
    result = quiz("import", tmp_path / "decks")
    assert result.exit_code == 1
    assert f"the deck 'attention' was imported from {old}, but {renamed} defines it now" in result.stderr
    result = quiz("import", "--move", tmp_path / "decks")
    assert result.exit_code == 0, result.output
    assert f"Moved the deck attention from {old} to {renamed}." in " ".join(result.stdout.split())


def test_several_moved_decks_are_named_in_one_line(write_deck: WriteDeck) -> None:
    from quizcards.adapters.sources import load_deck_paths
    from quizcards.core.errors import QuizError
    from quizcards.core.importing import StoredDeck, confirm_moves, plan_import

    new = write_deck("new.yaml", "deck: one\ncards:\n  - {id: a, q: x, a: y}\n")
    other = write_deck("other.yaml", "deck: two\ncards:\n  - {id: a, q: x, a: y}\n")
    stored = {slug: StoredDeck(slug, "", (), f"/old/{slug}.yaml") for slug in ("one", "two")}
    plans = plan_import(load_deck_paths([new, other]).decks, stored, lambda slug: {})
    with pytest.raises(QuizError) as refused:
        confirm_moves(plans, move=False)
    assert str(refused.value) == (
        f"the deck 'one' was imported from /old/one.yaml, but {new} defines it now, and other files than "
        "before define 'two'; nothing was imported. If the decks have moved, import again with --move "
        "(cards are matched by id, keeping their history; the others retire)."
    )
    confirm_moves(plans, move=True)
