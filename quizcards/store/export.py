"""Queries behind `quiz export`: rows streamed from the review log and the cards.

The readers are generators over one SELECT each, fetched a batch at a time,
so the memory they hold does not grow with the log. The SELECT is one
consistent snapshot of the database however long the consumer takes. Rows are
plain column values; turning them into CSV or JSON is the writers' job
(``quizcards.adapters.writers``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quizcards.core.days import iso_day
from quizcards.store.base import BaseStore
from quizcards.store.queue import DECKS, any_of
from quizcards.store.rows import card_name, card_value, stored_points, texts_of
from quizcards.store.scheduling import FSRS_DUE, DueSource, stored_state
from quizcards.store.suspension import suspended_day

if TYPE_CHECKING:
    from quizcards.core.export import CardRow, DeckRow
    from quizcards.core.export.anki import AnkiReview, AnkiSchedule

# quizcards.core.export is imported by the methods that need it: every command opens the store.

FETCH_BATCH = 1000

_REVIEW_SELECT = """
    SELECT r.id, r.reviewed_at, r.reviewed_on, c.deck, c.card_id, c.question, r.grade, r.kind,
           r.explanation, r.duration_ms, r.repetitions_before, r.interval_before, r.easiness_before,
           r.due_before, r.repetitions_after, r.interval_after, r.easiness_after, r.due_after, r.uuid
"""
# The whole log in its order; or some decks', found from their cards (cards_deck_position, then
# reviews_card) and sorted: a filter written `:deck IS NULL OR c.deck = :deck` read the whole log.
_ALL_REVIEWS = "FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"
_DECK_REVIEWS = f"FROM reviews r JOIN cards c ON c.id = r.card WHERE c.deck IN {DECKS} ORDER BY r.id"


def _card_select(due: DueSource) -> str:
    """Every card's columns; under FSRS its state too (NULLs under SM-2, whose FSRS rows are stale)."""
    fsrs = (
        "'fsrs', f.stability, f.difficulty, f.last_reviewed_on, f.due_on"
        if due == FSRS_DUE
        else "'sm2', NULL, NULL, NULL, NULL"
    )
    return f"""
    SELECT c.deck, c.card_id, c.position, c.question, c.answer, c.points, c.hints, c.tags, c.source,
           c.retired, c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses,
           c.reviews, c.last_reviewed_on, c.introduced_on, c.added_at, c.updated_at, c.suspended_on,
           {fsrs}
    FROM cards c JOIN decks d ON d.slug = c.deck {due.join}
    WHERE :decks IS NULL OR c.deck IN (SELECT value FROM json_each(:decks))
    ORDER BY d.position, d.slug, c.position
    """  # the columns and the join are fixed text; every value is a parameter


def _card_row(row: tuple[Any, ...]) -> CardRow:
    from quizcards.core.export import CardRow

    owner = card_name(row[0], row[1])
    # The schedule's columns by name, each checked against its rule (a sentence naming the card).
    stored = {column: row[index] for column, index in _SCHEDULE_INDEXES.items()}
    schedule = {column: card_value(stored, column, owner) for column in stored}
    return CardRow(
        deck=row[0],
        card_id=row[1],
        position=row[2],
        question=row[3],
        answer=row[4],
        points=stored_points(row[5], owner),
        hints=texts_of(row[6], "hints", owner),
        tags=texts_of(row[7], "tags", owner),
        source=row[8],
        retired=bool(row[9]),
        added_at=row[18],
        updated_at=row[19],
        suspended_on=iso_day(suspended_day(row[20], row[0], row[1])),
        scheduler=row[21],
        fsrs=None if row[22] is None else stored_state(row[22:26], lambda: owner),
        **schedule,
    )


# Where _CARD_SELECT puts each schedule column.
_SCHEDULE_INDEXES = {
    "repetitions": 10,
    "interval_days": 11,
    "easiness_hundredths": 12,
    "due_on": 13,
    "lapses": 14,
    "reviews": 15,
    "last_reviewed_on": 16,
    "introduced_on": 17,
}


class ExportQueries(BaseStore):
    """Queries behind `quiz export`."""

    def _batches(self, sql: str, parameters: dict[str, Any]) -> Iterator[list[Any]]:
        try:
            cursor = self.conn.execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._describe(error) from None
        try:
            while True:
                try:
                    batch = cursor.fetchmany(FETCH_BATCH)
                except sqlite3.Error as error:
                    raise self._describe(error) from None
                if not batch:
                    return
                yield batch
        finally:
            # The consumer may stop early (a closed pipe) after the store itself was closed.
            with contextlib.suppress(sqlite3.ProgrammingError):
                cursor.close()

    def iter_review_batches(self, deck: str | Sequence[str] | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """The review log, oldest first, in batches: tuples in REVIEW_FIELDS order, EF in hundredths.

        Several decks mean any of them.
        """
        decks = any_of(deck)
        return self._batches(
            _REVIEW_SELECT + (_ALL_REVIEWS if decks is None else _DECK_REVIEWS), {"decks": decks}
        )

    def iter_review_rows(self, deck: str | Sequence[str] | None = None) -> Iterator[tuple[Any, ...]]:
        """The review log, oldest first, row by row (see iter_review_batches)."""
        for batch in self.iter_review_batches(deck):
            yield from batch

    def iter_card_rows(self, deck: str | Sequence[str] | None = None) -> Iterator[CardRow]:
        """Every card, retired ones included, in deck order (of any of the decks, when given)."""
        for batch in self._batches(_card_select(self._due_source()), {"decks": any_of(deck)}):
            for row in batch:
                yield _card_row(row)

    def export_decks(self, deck: str | Sequence[str] | None = None) -> list[DeckRow]:
        """The decks (only the given ones, when there are any), in deck order."""
        from quizcards.core.export import DeckRow

        rows = self._query(
            """
            SELECT slug, title, description, tags FROM decks
            WHERE :decks IS NULL OR slug IN (SELECT value FROM json_each(:decks)) ORDER BY position, slug
            """,
            {"decks": any_of(deck)},
        )
        return [DeckRow(row[0], row[1], row[2], texts_of(row[3], "tags", f"deck {row[0]}")) for row in rows]


def write_anki_progress(
    cursor: sqlite3.Cursor,
    schedules: Mapping[str, AnkiSchedule],
    log: Iterable[AnkiReview],
    suspended: Iterable[str] = (),
) -> None:
    """In an Anki collection genanki has filled: the reviewed cards' progress, the review log, suspensions.

    Not quizcards' database: the collection inside an .apkg (Anki's own schema),
    written here because the store is where SQL lives. genanki writes every card
    new; ``schedules`` (by note GUID, one card a note) sets its columns, and the
    ``suspended`` notes' cards go into Anki's suspended queue (ANKI_SUSPENDED).
    """
    from quizcards.core.export.anki import ANKI_SUSPENDED

    cursor.executemany(
        "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?"
        " WHERE nid = (SELECT id FROM notes WHERE guid = ?)",
        ((s.type, s.queue, s.due, s.ivl, s.factor, s.reps, s.lapses, guid) for guid, s in schedules.items()),
    )
    cursor.executemany(
        "UPDATE cards SET queue = ? WHERE nid = (SELECT id FROM notes WHERE guid = ?)",
        ((ANKI_SUSPENDED, guid) for guid in suspended),
    )
    card_ids = dict(cursor.execute("SELECT n.guid, c.id FROM cards c JOIN notes n ON n.id = c.nid"))
    cursor.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
        (
            (r.millisecond, card_ids[r.guid], r.ease, r.ivl, r.last_ivl, r.factor, r.time_ms, r.type)
            for r in log
        ),
    )
