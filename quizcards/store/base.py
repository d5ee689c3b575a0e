"""The store's foundation: opening, migrating, transactions, import and the review session.

Opening a store checks the file really is a quizcards database, refuses one
written by a newer quizcards, backs up an older one and applies the pending
migrations (through sqlite-utils' ``Migrations``). Every write is one
``BEGIN IMMEDIATE`` transaction, so a killed process leaves either all of a
grade or an import, or none of it. The hot path that starts a review uses the
standard library's ``sqlite3`` only; sqlite-utils is imported when a
migration or a bulk write needs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

from quizcards.core.errors import DatabaseLockedError, DatabaseNotFoundError, StoreError
from quizcards.core.listings import DeckSummary
from quizcards.core.scheduler import Grade, Schedule, replay
from quizcards.core.session import (
    PastExplanation,
    ReviewKind,
    SessionFilter,
    StudyCard,
    grade_effect,
)
from quizcards.store import migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

    from quizcards.core.importing import DeckPlan, StoredCard, StoredDeck

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 5.0
# QUIZCARDS_BUSY_TIMEOUT (seconds) overrides the wait; the fault tests lower it.
BUSY_TIMEOUT_VARIABLE = "QUIZCARDS_BUSY_TIMEOUT"
BACKUPS_KEPT = 7
SCHEDULER_NAME = "sm2"
Mode = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """A grade as it was logged: its row id, whether it was a re-drill, the schedules."""

    review_id: int
    kind: ReviewKind
    before: Schedule
    after: Schedule


@dataclass(frozen=True, slots=True)
class Outlook:
    """What is waiting after today: the next due date and the new cards left."""

    next_due_on: date | None
    next_due_count: int
    new_waiting: int
    due_now: int = 0  # due today or overdue, not buried: left undone when a session stops early


def busy_timeout_seconds() -> float:
    """How long a write waits for another process's transaction before giving up."""
    value = os.environ.get(BUSY_TIMEOUT_VARIABLE, "").strip()
    if not value:
        return BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise StoreError(f"{BUSY_TIMEOUT_VARIABLE}={value!r} is not a number of seconds from 0 to 3600.")
    return seconds


def _writable(path: Path) -> bool:
    """Writable by us, judged by the mode bits too: root ignores them, quizcards does not."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, to the millisecond: sortable as text."""
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _describe(error: sqlite3.Error, path: Path | None) -> StoreError:
    """A sqlite3 error as a sentence naming the database."""
    where = str(path) if path else "the database"
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return DatabaseLockedError(
            f"{where} is locked by another process; waited "
            f"{busy_timeout_seconds():g} seconds. Try again when it has finished."
        )
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return StoreError(f"{where}: the disk is full; nothing was changed. Free some space and try again.")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"{where} is read-only; nothing was changed.")
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(
            f"{where} is damaged or is not a quizcards database ({text}). Restore it from a backup."
        )
    if "unable to open" in lowered:
        return StoreError(f"cannot open {where}: {text}.")
    return StoreError(f"{where}: {text}.")


class BaseStore:
    """Opening, upgrading and writing a quizcards database; ``Store`` adds the query families."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        self._db: Database | None = None

    # ---- opening -------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        mode: Mode = "write",
        create: bool = False,
        create_folder: bool = False,
    ) -> Self:
        """Open (and, if allowed, create) the database at path, upgrading it if needed."""
        if not path.exists():
            if not create:
                raise DatabaseNotFoundError(
                    f"no database at {path}; import a deck first (quiz import) or check --db."
                )
            if not path.parent.is_dir():
                if not create_folder:
                    raise StoreError(f"cannot create {path}: the folder {path.parent} does not exist.")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StoreError(f"cannot create the folder {path.parent}: {error.strerror}.") from None
        elif not path.is_file():
            raise StoreError(f"{path} is not a file.")
        else:
            cls._check_header(path)
        read_only = path.exists() and not _writable(path)
        if read_only and mode == "write":
            raise StoreError(f"{path} is read-only; quizcards needs to write to it.")
        if mode == "write" and not _writable(path.parent):
            raise StoreError(
                f"the folder {path.parent} is read-only; SQLite needs to write its journal there."
            )
        timeout = busy_timeout_seconds()
        try:
            if read_only:
                # as_uri percent-encodes '?', '#' and '%', which a plain "file:" URI would misread.
                conn = sqlite3.connect(
                    path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout, isolation_level=None
                )
            else:
                conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise _describe(error, path) from None
        store = cls(conn, path)
        try:
            # WAL is switched on only once the file is known to be ours: switching rewrites the
            # header, and a foreign or newer database must be left byte for byte as it was.
            store._configure(wal=False)
            store._migrate(read_only=read_only)
            if not read_only:
                store._configure(wal=True)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Self:
        """A fresh in-memory store, fully migrated (for tests)."""
        store = cls(sqlite3.connect(":memory:", isolation_level=None), None)
        store._configure(wal=False)
        store._migrate(read_only=False)
        return store

    @staticmethod
    def _check_header(path: Path) -> None:
        """Refuse a file that is not SQLite, or is visibly cut short, before SQLite touches it."""
        wal = path.with_name(path.name + "-wal")
        journal = path.with_name(path.name + "-journal")
        try:
            with path.open("rb") as handle:
                header = handle.read(100)
            size = path.stat().st_size
            # With a WAL holding pages, the main file may lag its own header; SQLite sorts that out.
            settled = not (wal.exists() and wal.stat().st_size) and not journal.exists()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror}.") from None
        if not header:
            if settled:
                raise StoreError(
                    f"{path} is empty (0 bytes), so it is not a quizcards database; restore it "
                    "from a backup, or delete it to start afresh."
                )
            return
        if not header.startswith(SQLITE_HEADER):
            raise StoreError(f"{path} is not a quizcards database (it is not an SQLite file).")
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if len(header) < 100 or page_size < 512 or page_size & (page_size - 1):
            raise StoreError(
                f"{path} is damaged: its SQLite header is cut short or invalid. Restore it from a backup."
            )
        pages = int.from_bytes(header[28:32], "big")
        counted = header[24:28] == header[92:96]  # the page count is valid only then
        expected = pages * page_size if counted and pages else None
        if settled and (size % page_size or (expected is not None and size < expected)):
            should = f"{expected:,}" if expected is not None else f"a multiple of {page_size:,}"
            raise StoreError(
                f"{path} is truncated: it is {size:,} bytes but should be {should}. Restore it from a backup."
            )

    def _configure(self, *, wal: bool) -> None:
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds() * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if wal:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None

    def _migrate(self, *, read_only: bool) -> None:
        try:
            tables = {
                row[0]
                for row in self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            }
            applied: list[str] = []
            if "_sqlite_migrations" in tables:
                applied = [
                    row[0]
                    for row in self.conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                        [migrations.MIGRATION_SET],
                    )
                ]
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None
        unknown = [name for name in applied if name not in migrations.NAMES]
        if unknown:
            raise StoreError(
                f"{self.path} was written by a newer version of quizcards (it has the migration "
                f"'{unknown[0]}', which this version does not know). Upgrade quizcards to use it."
            )
        if not applied and tables - {"_sqlite_migrations"}:
            raise StoreError(f"{self.path} is an SQLite database, but not a quizcards database.")
        pending = [name for name in migrations.NAMES if name not in applied]
        if not pending:
            return
        if read_only:
            raise StoreError(
                f"{self.path} needs upgrading to this version of quizcards, but it is read-only."
            )
        if applied and self.path is not None:
            self.backup_automatically(f"before-{pending[0]}")
        try:
            migrations.migration_set().apply(self.db)
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection (imported on first use)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken eagerly so a busy database waits, then says so."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise _describe(error, self.path) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def _query(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self.conn.execute(sql, parameters)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None

    def _run(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """A statement outside a transaction block, its errors made sentences (a damaged file, say)."""
        try:
            return self.conn.execute(sql, parameters)
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None

    # ---- backups -------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database, through SQLite's online backup API."""
        if target.exists():
            raise StoreError(f"{target} already exists; choose another name for the backup.")
        if not target.parent.is_dir():
            raise StoreError(f"cannot write {target}: the folder {target.parent} does not exist.")
        # Named for this process: two reviews starting at once may both take the daily backup.
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            destination = sqlite3.connect(partial)
            try:
                self.conn.backup(destination)
                # A backup is one self-contained file: no -wal or -shm beside it.
                destination.execute("PRAGMA journal_mode = DELETE")
            finally:
                destination.close()
            partial.replace(target)
        except sqlite3.Error as error:
            partial.unlink(missing_ok=True)
            raise _describe(error, target) from None
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the backup {target}: {error.strerror}.") from None

    def backups_dir(self) -> Path:
        assert self.path is not None
        return self.path.parent / "backups"

    def _automatic_backups(self) -> list[tuple[Path, str]]:
        """This database's automatic backups with their stamps, oldest first.

        Only names this store writes count (``STEM-YYYYMMDD-HHMMSS-daily.db`` or
        ``...-before-MIGRATION.db``): another database's backups in the same folder
        (``quiz-work.db`` beside ``quiz.db``) and copies made by `quiz backup` are never
        pruned. Age is the file's modification time, then its name.
        """
        assert self.path is not None
        folder = self.backups_dir()
        pattern = re.compile(re.escape(self.path.stem) + r"-(\d{8}-\d{6})-(?:daily|before-[\w.-]+)\.db")
        found: list[tuple[int, str, Path, str]] = []
        with contextlib.suppress(OSError):
            for entry in folder.iterdir():
                match = pattern.fullmatch(entry.name)
                if match and entry.is_file():
                    found.append((entry.stat().st_mtime_ns, entry.name, entry, match[1]))
        return [(entry, stamp) for _, _, entry, stamp in sorted(found)]

    def backup_automatically(self, reason: str, *, stamp: str | None = None) -> Path | None:
        """Copy the database into the backups folder beside it, keeping the last BACKUPS_KEPT.

        reason is "daily" or "before-<what>"; stamp is YYYYMMDD-HHMMSS (default: now, local time).
        """
        if self.path is None:
            return None
        folder = self.backups_dir()
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the backups folder {folder}: {error.strerror}.") from None
        # Local time, like the day of the daily backup that has_backup looks for.
        stamp = stamp or datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{self.path.stem}-{stamp}-{reason}.db"
        if target.exists():
            return target
        self.backup_to(target)
        for old, _ in self._automatic_backups()[:-BACKUPS_KEPT]:
            with contextlib.suppress(OSError):  # an old copy that cannot go now goes next time
                old.unlink(missing_ok=True)
        return target

    def has_backup(self, fragment: str) -> bool:
        """Whether an automatic backup's stamp starts with fragment (a day: YYYYMMDD)."""
        if self.path is None:
            return True
        return any(stamp.startswith(fragment) for _, stamp in self._automatic_backups())

    # ---- import --------------------------------------------------------

    def stored_deck(self, slug: str) -> StoredDeck | None:
        from quizcards.core.importing import StoredDeck  # here, not at the top: `quiz review` never needs it

        rows = self._query("SELECT title, description, tags, source_path FROM decks WHERE slug = ?", [slug])
        if not rows:
            return None
        row = rows[0]
        return StoredDeck(
            row["title"], row["description"], tuple(json.loads(row["tags"])), row["source_path"]
        )

    def stored_decks(self) -> dict[str, StoredDeck]:
        """Every deck the store holds, by slug."""
        from quizcards.core.importing import StoredDeck

        return {
            row["slug"]: StoredDeck(
                row["title"], row["description"], tuple(json.loads(row["tags"])), row["source_path"]
            )
            for row in self._query(
                "SELECT slug, title, description, tags, source_path FROM decks ORDER BY position"
            )
        }

    def stored_cards(self, slug: str) -> dict[str, StoredCard]:
        from quizcards.core.importing import StoredCard

        rows = self._run(
            "SELECT card_id, id, content_hash, position, retired FROM cards WHERE deck = ?", [slug]
        ).fetchall()
        return {
            card_id: StoredCard(pk, content_hash, position, bool(retired))
            for card_id, pk, content_hash, position, retired in rows
        }

    def apply_import(self, plans: Iterable[DeckPlan], now: datetime) -> None:
        """Write every plan in one transaction: all decks change, or none do."""
        stamp = utc_timestamp(now)
        with self._transaction() as conn:
            next_position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM decks").fetchone()[0]
            for plan in plans:
                if not plan.changes_anything:
                    continue
                deck = plan.deck
                deck_fields = [
                    deck.title,
                    deck.description,
                    json.dumps(deck.tags, ensure_ascii=False),
                    deck.file or deck.path,
                ]
                if plan.is_new_deck:
                    conn.execute(
                        "INSERT INTO decks (title, description, tags, source_path, slug, position, "
                        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [*deck_fields, deck.slug, next_position, stamp],
                    )
                    next_position += 1
                else:
                    conn.execute(
                        "UPDATE decks SET title = ?, description = ?, tags = ?, source_path = ?, "
                        "imported_at = ? WHERE slug = ?",
                        [*deck_fields, stamp, deck.slug],
                    )
                conn.executemany(
                    "INSERT INTO cards (deck, card_id, position, question, answer, points, hints, tags, "
                    "source, id_generated, content_hash, added_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        [
                            deck.slug,
                            change.card.id,
                            *_card_fields(change),
                            stamp,
                            stamp,
                        ]
                        for change in plan.added
                    ),
                )
                conn.executemany(
                    "UPDATE cards SET position = ?, question = ?, answer = ?, points = ?, hints = ?, "
                    "tags = ?, source = ?, id_generated = ?, content_hash = ?, retired = 0, "
                    "updated_at = ? WHERE id = ?",
                    ([*_card_fields(change), stamp, change.pk] for change in (*plan.updated, *plan.restored)),
                )
                conn.executemany(
                    "UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?",
                    ([stamp, pk] for pk in plan.retired),
                )

    # ---- decks ---------------------------------------------------------

    def deck_summaries(self, today: date) -> list[DeckSummary]:
        rows = self._query(
            """
            SELECT d.slug, d.title,
                   count(c.id) FILTER (WHERE c.retired = 0) AS cards,
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due_on IS NULL) AS new,
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due_on <= :today) AS due,
                   count(c.id) FILTER (WHERE c.retired = 1) AS retired
            FROM decks d LEFT JOIN cards c ON c.deck = d.slug
            GROUP BY d.slug ORDER BY d.position
            """,
            {"today": today.isoformat()},
        )
        return [DeckSummary(**dict(row)) for row in rows]

    def deck_exists(self, slug: str) -> bool:
        return bool(self._query("SELECT 1 FROM decks WHERE slug = ?", [slug]))

    def card_count(self) -> int:
        return int(self._query("SELECT count(*) FROM cards")[0][0])

    # ---- the session ---------------------------------------------------

    def _filter_sql(self, selection: SessionFilter) -> tuple[str, dict[str, Any]]:
        clauses = ["c.retired = 0"]
        parameters: dict[str, Any] = {}
        if selection.deck is not None:
            clauses.append("c.deck = :deck")
            parameters["deck"] = selection.deck
        if selection.tag is not None:
            clauses.append(
                "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :tag) OR "
                "EXISTS (SELECT 1 FROM decks t, json_each(t.tags) WHERE t.slug = c.deck AND value = :tag))"
            )
            parameters["tag"] = selection.tag
        return " AND ".join(clauses), parameters

    def due_card_ids(self, today: date, selection: SessionFilter) -> list[int]:
        where, parameters = self._filter_sql(selection)
        rows = self._run(
            f"""
            SELECT c.id FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE {where} AND c.due_on IS NOT NULL AND c.due_on <= :today
              AND (c.buried_on IS NULL OR c.buried_on <> :today)
            ORDER BY c.due_on, d.position, c.position
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "today": today.isoformat()},
        ).fetchall()
        return [row[0] for row in rows]

    def new_card_ids(self, today: date, selection: SessionFilter, limit: int) -> list[int]:
        if limit <= 0:
            return []
        where, parameters = self._filter_sql(selection)
        # CROSS JOIN keeps decks the outer loop: decks_position, then each deck's new cards from
        # cards_due, read only up to the limit (m003). Left to itself the planner sorts them all first.
        rows = self._run(
            f"""
            SELECT c.id FROM decks d CROSS JOIN cards c ON c.deck = d.slug
            WHERE {where} AND c.due_on IS NULL
              AND (c.buried_on IS NULL OR c.buried_on <> :today)
            ORDER BY d.position, c.position LIMIT :limit
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "today": today.isoformat(), "limit": limit},
        ).fetchall()
        return [row[0] for row in rows]

    def redrill_card_ids(self, today: date, selection: SessionFilter) -> list[int]:
        """Cards whose latest grade today was below 4: SM-2 step 7 owes them a repeat."""
        where, parameters = self._filter_sql(selection)
        rows = self._run(
            f"""
            SELECT c.id FROM reviews r JOIN cards c ON c.id = r.card
            WHERE r.reviewed_on = :today AND {where}
              AND (c.buried_on IS NULL OR c.buried_on <> :today)
              AND r.id = (SELECT max(id) FROM reviews WHERE card = r.card)
              AND r.grade < 4
            ORDER BY r.id
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "today": today.isoformat()},
        ).fetchall()
        return [row[0] for row in rows]

    def introduced_count(self, today: date) -> int:
        """New cards first graded today, across the whole collection."""
        return int(
            self._run("SELECT count(*) FROM cards WHERE introduced_on = ?", [today.isoformat()]).fetchone()[0]
        )

    def outlook(self, today: date, selection: SessionFilter) -> Outlook:
        where, parameters = self._filter_sql(selection)
        row = self._run(
            f"""
            SELECT min(c.due_on) FILTER (WHERE c.due_on > :today),
                   count(*) FILTER (WHERE c.due_on IS NULL),
                   count(*) FILTER (WHERE c.due_on <= :today
                                    AND (c.buried_on IS NULL OR c.buried_on <> :today))
            FROM cards c WHERE {where}
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "today": today.isoformat()},
        ).fetchone()
        next_due = _day(row[0])
        next_count = 0
        if next_due is not None:
            next_count = self._run(
                f"SELECT count(*) FROM cards c WHERE {where} AND c.due_on = :day",
                {**parameters, "day": row[0]},
            ).fetchone()[0]
        return Outlook(next_due, int(next_count), int(row[1]), int(row[2]))

    def tag_exists(self, tag: str) -> bool:
        """Whether any card, or any deck, carries the tag."""
        row = self._run(
            """
            SELECT EXISTS (SELECT 1 FROM cards c, json_each(c.tags) WHERE c.retired = 0 AND value = :tag)
                OR EXISTS (SELECT 1 FROM decks d, json_each(d.tags) WHERE value = :tag)
            """,
            {"tag": tag},
        ).fetchone()
        return bool(row[0])

    def study_card(self, pk: int) -> StudyCard:
        rows = self._query(
            """
            SELECT c.*, d.title AS deck_title FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE c.id = ?
            """,
            [pk],
        )
        if not rows:
            raise StoreError(f"card {pk} is no longer in the database.")
        return _study_card(rows[0])

    def last_explanation(self, pk: int, before_review: int | None = None) -> PastExplanation | None:
        """The learner's most recent typed explanation of a card, with its grade."""
        rows = self._query(
            """
            SELECT explanation, grade, reviewed_on FROM reviews
            WHERE card = ? AND explanation <> '' AND id < ?
            ORDER BY id DESC LIMIT 1
            """,
            [pk, before_review if before_review is not None else 2**62],
        )
        if not rows:
            return None
        row = rows[0]
        return PastExplanation(row["explanation"], row["grade"], date.fromisoformat(row["reviewed_on"]))

    def record_grade(
        self,
        pk: int,
        grade: Grade,
        *,
        reviewed_at: datetime,
        reviewed_on: date,
        explanation: str,
        duration_ms: int,
    ) -> RecordedReview:
        """Log one grade and move the card's schedule, in one transaction."""
        with self._transaction() as conn:
            row = conn.execute(_SCHEDULE_SELECT + " WHERE id = ?", [pk]).fetchone()
            if row is None:
                raise StoreError(f"card {pk} is no longer in the database.")
            before = _schedule(row)
            kind, after = grade_effect(before, grade, reviewed_on)
            cursor = conn.execute(
                """
                INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation,
                    duration_ms, scheduler, repetitions_before, interval_before, easiness_before,
                    due_before, repetitions_after, interval_after, easiness_after, due_after)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    pk,
                    utc_timestamp(reviewed_at),
                    reviewed_on.isoformat(),
                    int(grade),
                    kind,
                    explanation,
                    max(0, duration_ms),
                    SCHEDULER_NAME,
                    before.repetitions,
                    before.interval_days,
                    before.easiness_hundredths,
                    _iso(before.due_on),
                    after.repetitions,
                    after.interval_days,
                    after.easiness_hundredths,
                    _iso(after.due_on),
                ],
            )
            review_id = int(cursor.lastrowid or 0)
            if kind == "scheduled":
                introduced = reviewed_on if before.is_new else None
                self._write_schedule(
                    conn, pk, after, introduced_on=introduced, keep_introduced=not before.is_new
                )
        return RecordedReview(review_id, kind, before, after)

    def undo_review(self, review_id: int) -> Schedule:
        """Delete one logged grade and rebuild its card's schedule from the rest of the log."""
        with self._transaction() as conn:
            row = conn.execute("SELECT card FROM reviews WHERE id = ?", [review_id]).fetchone()
            if row is None:
                raise StoreError(f"review {review_id} is not in the log; it cannot be undone.")
            pk = row[0]
            conn.execute("DELETE FROM reviews WHERE id = ?", [review_id])
            schedule, introduced = self._rebuilt(conn, pk)
            self._write_schedule(conn, pk, schedule, introduced_on=introduced)
        return schedule

    def unbury(self, pk: int, today: date) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE cards SET buried_on = NULL WHERE id = ? AND buried_on = ?", [pk, today.isoformat()]
            )

    def bury(self, pk: int, today: date) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE cards SET buried_on = ? WHERE id = ?", [today.isoformat(), pk])

    def rebuilt_schedule(self, pk: int) -> Schedule:
        """A card's schedule replayed from its review log (the source of truth)."""
        return self._rebuilt(self.conn, pk)[0]

    @staticmethod
    def _rebuilt(conn: sqlite3.Connection, pk: int) -> tuple[Schedule, date | None]:
        rows = conn.execute(
            "SELECT grade, reviewed_on FROM reviews WHERE card = ? AND kind = 'scheduled' ORDER BY id",
            [pk],
        ).fetchall()
        history = [(grade, date.fromisoformat(day)) for grade, day in rows]
        introduced = history[0][1] if history else None
        return replay(history), introduced

    @staticmethod
    def _write_schedule(
        conn: sqlite3.Connection,
        pk: int,
        schedule: Schedule,
        *,
        introduced_on: date | None,
        keep_introduced: bool = False,
    ) -> None:
        conn.execute(
            """
            UPDATE cards SET repetitions = ?, interval_days = ?, easiness_hundredths = ?, due_on = ?,
                lapses = ?, reviews = ?, last_reviewed_on = ?,
                introduced_on = CASE WHEN ? THEN introduced_on ELSE ? END
            WHERE id = ?
            """,
            [
                schedule.repetitions,
                schedule.interval_days,
                schedule.easiness_hundredths,
                _iso(schedule.due_on),
                schedule.lapses,
                schedule.reviews,
                _iso(schedule.last_reviewed_on),
                keep_introduced,
                _iso(introduced_on),
                pk,
            ],
        )


_SCHEDULE_SELECT = (
    "SELECT repetitions, interval_days, easiness_hundredths, due_on, lapses, reviews, "
    "last_reviewed_on FROM cards"
)


def _schedule(row: Sequence[Any]) -> Schedule:
    return Schedule(
        repetitions=row[0],
        interval_days=row[1],
        easiness_hundredths=row[2],
        due_on=_day(row[3]),
        lapses=row[4],
        reviews=row[5],
        last_reviewed_on=_day(row[6]),
    )


def _study_card(row: sqlite3.Row) -> StudyCard:
    return StudyCard(
        pk=row["id"],
        deck=row["deck"],
        deck_title=row["deck_title"],
        card_id=row["card_id"],
        question=row["question"],
        answer=row["answer"],
        points=tuple(json.loads(row["points"])),
        hints=tuple(json.loads(row["hints"])),
        tags=tuple(json.loads(row["tags"])),
        source=row["source"],
        schedule=Schedule(
            repetitions=row["repetitions"],
            interval_days=row["interval_days"],
            easiness_hundredths=row["easiness_hundredths"],
            due_on=_day(row["due_on"]),
            lapses=row["lapses"],
            reviews=row["reviews"],
            last_reviewed_on=_day(row["last_reviewed_on"]),
        ),
    )


# json.dumps(value, ensure_ascii=False) builds an encoder per call: three a card, 30,000 for a big deck.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _card_fields(change: Any) -> list[Any]:
    card = change.card
    return [
        change.position,
        card.question,
        card.answer,
        _JSON.encode(card.points),
        _JSON.encode(card.hints),
        _JSON.encode(card.tags),
        card.source,
        int(card.id_generated),
        change.content_hash,
    ]
