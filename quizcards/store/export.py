"""Queries behind `quiz export`: rows streamed from the review log and the cards, and a bulk log writer.

The readers are generators over one SELECT each, fetched a batch at a time,
so the memory they hold does not grow with the log. The SELECT is one
consistent snapshot of the database however long the consumer takes.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quizcards.store.base import SCHEDULER_NAME, BaseStore, _describe

if TYPE_CHECKING:
    from quizcards.export import CardRow, DeckRow, ReviewRow

# quizcards.export is imported by the methods that need it: every command opens the store.

FETCH_BATCH = 1000


@dataclass(frozen=True, slots=True)
class ReviewLogEntry:
    """One row of the review log as it is written (card is the card's row id)."""

    card: int
    reviewed_at: str
    reviewed_on: str
    grade: int
    kind: str
    explanation: str
    duration_ms: int
    repetitions_before: int
    interval_before: int
    easiness_before: int
    due_before: str | None
    repetitions_after: int
    interval_after: int
    easiness_after: int
    due_after: str | None
    scheduler: str = SCHEDULER_NAME


_REVIEW_SELECT = """
    SELECT r.id, r.reviewed_at, r.reviewed_on, c.deck, c.card_id, c.question, r.grade, r.kind,
           r.explanation, r.duration_ms, r.repetitions_before, r.interval_before, r.easiness_before,
           r.due_before, r.repetitions_after, r.interval_after, r.easiness_after, r.due_after
    FROM reviews r JOIN cards c ON c.id = r.card
    WHERE :deck IS NULL OR c.deck = :deck
    ORDER BY r.id
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
    from quizcards.export import CardRow

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

    def _stream(self, sql: str, parameters: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        try:
            cursor = self.conn.execute(sql, parameters)
        except sqlite3.Error as error:
            raise _describe(error, self.path) from None
        try:
            while True:
                try:
                    batch = cursor.fetchmany(FETCH_BATCH)
                except sqlite3.Error as error:
                    raise _describe(error, self.path) from None
                if not batch:
                    return
                yield from batch
        finally:
            # The consumer may stop early (a closed pipe) after the store itself was closed.
            with contextlib.suppress(sqlite3.ProgrammingError):
                cursor.close()

    def iter_review_rows(self, deck: str | None = None) -> Iterator[ReviewRow]:
        """The review log, oldest first, one row at a time."""
        from quizcards.export import ReviewRow

        for row in self._stream(_REVIEW_SELECT, {"deck": deck}):
            yield ReviewRow(*row)

    def iter_card_rows(self, deck: str | None = None) -> Iterator[CardRow]:
        """Every card, retired ones included, in deck order."""
        for row in self._stream(_CARD_SELECT, {"deck": deck}):
            yield _card_row(row)

    def export_decks(self, deck: str | None = None) -> list[DeckRow]:
        """The decks (one when deck is given), in deck order."""
        from quizcards.export import DeckRow

        rows = self._query(
            """
            SELECT slug, title, description, tags FROM decks
            WHERE :deck IS NULL OR slug = :deck ORDER BY position, slug
            """,
            {"deck": deck},
        )
        return [DeckRow(row[0], row[1], row[2], tuple(json.loads(row[3]))) for row in rows]

    def bulk_insert_reviews(self, entries: Iterable[ReviewLogEntry]) -> int:
        """Append review rows exactly as given, in one transaction; returns how many.

        Meant for bringing in a history computed elsewhere (and for benchmarks
        and tests): the cards' schedules are left as they are, so rows that
        disagree with them are the caller's to reconcile. The entries are
        consumed as an iterator, so any number of rows fits in memory.
        """
        count = 0

        def values() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for entry in entries:
                count += 1
                yield (
                    entry.card,
                    entry.reviewed_at,
                    entry.reviewed_on,
                    entry.grade,
                    entry.kind,
                    entry.explanation,
                    entry.duration_ms,
                    entry.scheduler,
                    entry.repetitions_before,
                    entry.interval_before,
                    entry.easiness_before,
                    entry.due_before,
                    entry.repetitions_after,
                    entry.interval_after,
                    entry.easiness_after,
                    entry.due_after,
                )

        with self._transaction() as conn:
            conn.executemany(
                """
                INSERT INTO reviews (card, reviewed_at, reviewed_on, grade, kind, explanation,
                    duration_ms, scheduler, repetitions_before, interval_before, easiness_before,
                    due_before, repetitions_after, interval_after, easiness_after, due_after)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                values(),
            )
        return count
