"""Queries behind `quiz export`: rows streamed from the review log and the cards.

The readers are generators over one SELECT each, fetched a batch at a time,
so the memory they hold does not grow with the log. The SELECT is one
consistent snapshot of the database however long the consumer takes.

The review log's CSV is formatted by SQLite itself (``iter_review_csv``): at a
million rows, building a Python object for each of the 18 cells and handing
them to the csv module cost twice as long as the whole export may take. The
SQL writes the cells exactly as ``quizcards.core.export.write_csv`` does, which the
tests check byte for byte; it relies on what every log row holds, because
quizcards wrote it or ``bulk_insert_reviews`` checked it: whole numbers, ISO
dates and times, card and deck names, and the two kinds, none of which needs
quoting. Only the question and the explanation are free text.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from quizcards.store.base import BaseStore

if TYPE_CHECKING:
    from quizcards.core.export import CardRow, DeckRow

# quizcards.core.export is imported by the methods that need it: every command opens the store.

FETCH_BATCH = 1000

_REVIEW_SELECT = """
    SELECT r.id, r.reviewed_at, r.reviewed_on, c.deck, c.card_id, c.question, r.grade, r.kind,
           r.explanation, r.duration_ms, r.repetitions_before, r.interval_before, r.easiness_before,
           r.due_before, r.repetitions_after, r.interval_after, r.easiness_after, r.due_after
"""
# The whole log in its order; or one deck's, found from its cards (cards_deck_position, then
# reviews_card) and sorted: a filter written `:deck IS NULL OR c.deck = :deck` read the whole log.
_ALL_REVIEWS = "FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"
_DECK_REVIEWS = "FROM reviews r JOIN cards c ON c.id = r.card WHERE c.deck = :deck ORDER BY r.id"


def _csv_text(column: str) -> str:
    """SQL for one free-text cell as Python's csv module writes it (excel dialect, minimal quoting).

    Quoted, with its quotes doubled, when it holds a comma, a quote, CR or LF.
    instr, replace and || go by the value's length, so a NUL inside is kept, as csv keeps it.
    """
    return (
        f"CASE WHEN instr({column}, ',') OR instr({column}, '\"') OR instr({column}, char(10)) "
        f"OR instr({column}, char(13)) THEN '\"' || replace({column}, '\"', '\"\"') || '\"' "
        f"ELSE {column} END"
    )


def _csv_easiness(column: str) -> str:
    """SQL for EF as Python prints hundredths / 100: 250 -> 2.5, 300 -> 3.0, 228 -> 2.28."""
    return (
        f"CASE WHEN {column} % 10 = 0 THEN printf('%d.%d', {column} / 100, {column} % 100 / 10) "
        f"ELSE printf('%d.%02d', {column} / 100, {column} % 100) END"
    )


# One CSV line per review, REVIEW_FIELDS in order; printf's %s writes NULL as an empty cell.
_REVIEW_CSV = f"""
    SELECT printf('%d,%s,%s,%s,%s,', r.id, r.reviewed_at, r.reviewed_on, c.deck, c.card_id)
           || {_csv_text("c.question")}
           || printf(',%d,%s,', r.grade, r.kind) || {_csv_text("r.explanation")}
           || printf(',%d,%d,%d,%s,%s,%d,%d,%s,%s', r.duration_ms, r.repetitions_before, r.interval_before,
                     {_csv_easiness("r.easiness_before")}, r.due_before, r.repetitions_after,
                     r.interval_after, {_csv_easiness("r.easiness_after")}, r.due_after)
           || char(13, 10)
"""

_CARD_SELECT = """
    SELECT c.deck, c.card_id, c.position, c.question, c.answer, c.points, c.hints, c.tags, c.source,
           c.retired, c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses,
           c.reviews, c.last_reviewed_on, c.introduced_on, c.added_at, c.updated_at
    FROM cards c JOIN decks d ON d.slug = c.deck
    WHERE :deck IS NULL OR c.deck = :deck
    ORDER BY d.position, d.slug, c.position
"""


def _card_row(row: tuple[Any, ...]) -> CardRow:
    from quizcards.core.export import CardRow

    return CardRow(
        deck=row[0],
        card_id=row[1],
        position=row[2],
        question=row[3],
        answer=row[4],
        points=tuple(json.loads(row[5])),
        hints=tuple(json.loads(row[6])),
        tags=tuple(json.loads(row[7])),
        source=row[8],
        retired=bool(row[9]),
        repetitions=row[10],
        interval_days=row[11],
        easiness_hundredths=row[12],
        due_on=row[13],
        lapses=row[14],
        reviews=row[15],
        last_reviewed_on=row[16],
        introduced_on=row[17],
        added_at=row[18],
        updated_at=row[19],
    )


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

    def iter_review_rows(self, deck: str | None = None) -> Iterator[tuple[Any, ...]]:
        """The review log, oldest first: plain tuples in REVIEW_FIELDS order, EF in hundredths."""
        for batch in self._batches(
            _REVIEW_SELECT + (_ALL_REVIEWS if deck is None else _DECK_REVIEWS), {"deck": deck}
        ):
            yield from batch

    def iter_review_csv(self, deck: str | None = None) -> Iterator[tuple[int, str]]:
        """The review log as CSV lines (no header), oldest first: (rows, text) a batch at a time.

        The text is what ``quizcards.core.export.write_csv`` writes for ``review_record`` of the same
        rows, without the terminal cleaning (for a terminal, use that path).
        """
        for batch in self._batches(
            _REVIEW_CSV + (_ALL_REVIEWS if deck is None else _DECK_REVIEWS), {"deck": deck}
        ):
            yield len(batch), "".join([row[0] for row in batch])

    def iter_card_rows(self, deck: str | None = None) -> Iterator[CardRow]:
        """Every card, retired ones included, in deck order."""
        for batch in self._batches(_CARD_SELECT, {"deck": deck}):
            for row in batch:
                yield _card_row(row)

    def export_decks(self, deck: str | None = None) -> list[DeckRow]:
        """The decks (one when deck is given), in deck order."""
        from quizcards.core.export import DeckRow

        rows = self._query(
            """
            SELECT slug, title, description, tags FROM decks
            WHERE :deck IS NULL OR slug = :deck ORDER BY position, slug
            """,
            {"deck": deck},
        )
        return [DeckRow(row[0], row[1], row[2], tuple(json.loads(row[3]))) for row in rows]
