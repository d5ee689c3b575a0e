"""Queries behind `quiz export`: rows streamed from the review log and the cards, and a bulk log writer.

The readers are generators over one SELECT each, fetched a batch at a time,
so the memory they hold does not grow with the log. The SELECT is one
consistent snapshot of the database however long the consumer takes. Rows are
plain column values; turning them into CSV or JSON is the writers' job
(``quizcards.adapters.writers``).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from quizcards.core.errors import StoreError
from quizcards.store.base import SCHEDULER_NAME, BaseStore, _describe

if TYPE_CHECKING:
    from quizcards.core.export import CardRow, DeckRow

# quizcards.core.export is imported by the methods that need it: every command opens the store.

FETCH_BATCH = 1000
# SM-2 never lowers EF below 1.3 nor raises it by more than 0.1 a review; this bound only keeps
# the CSV's EF within the range where Python prints hundredths / 100 without an exponent.
MAX_EASINESS_HUNDREDTHS = 10**15


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
"""
# The whole log in its order; or one deck's, found from its cards (cards_deck_position, then
# reviews_card) and sorted: a filter written `:deck IS NULL OR c.deck = :deck` read the whole log.
_ALL_REVIEWS = "FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"
_DECK_REVIEWS = "FROM reviews r JOIN cards c ON c.id = r.card WHERE c.deck = :deck ORDER BY r.id"

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
            raise _describe(error, self.path) from None
        try:
            while True:
                try:
                    batch = cursor.fetchmany(FETCH_BATCH)
                except sqlite3.Error as error:
                    raise _describe(error, self.path) from None
                if not batch:
                    return
                yield batch
        finally:
            # The consumer may stop early (a closed pipe) after the store itself was closed.
            with contextlib.suppress(sqlite3.ProgrammingError):
                cursor.close()

    def iter_review_batches(self, deck: str | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """The review log, oldest first, in batches: tuples in REVIEW_FIELDS order, EF in hundredths."""
        return self._batches(
            _REVIEW_SELECT + (_ALL_REVIEWS if deck is None else _DECK_REVIEWS), {"deck": deck}
        )

    def iter_review_rows(self, deck: str | None = None) -> Iterator[tuple[Any, ...]]:
        """The review log, oldest first, row by row (see iter_review_batches)."""
        for batch in self.iter_review_batches(deck):
            yield from batch

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

    def bulk_insert_reviews(self, entries: Iterable[ReviewLogEntry]) -> int:
        """Append review rows exactly as given, in one transaction; returns how many.

        Meant for bringing in a history computed elsewhere (and for benchmarks
        and tests): the cards' schedules are left as they are, so rows that
        disagree with them are the caller's to reconcile (``repair_schedules``,
        as `quiz check --repair` does, replays each card's log into its
        schedule). The entries are consumed as an iterator, so any number of
        rows fits in memory. Each is checked first, to hold what quizcards
        itself writes; a bad one is a StoreError naming it, and nothing is added.
        """
        count = 0

        def values() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for entry in entries:
                count += 1
                yield _checked(entry, count)

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


_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_count(value: object, limit: int = 2**62) -> bool:
    return type(value) is int and 0 <= value < limit


def _checked(entry: ReviewLogEntry, number: int) -> tuple[Any, ...]:
    """An entry's column values, once each holds what quizcards writes (see the module's note)."""
    problems = []
    if not _is_count(entry.card):
        problems.append(f"card {entry.card!r} is not a card's row id")
    if not isinstance(entry.reviewed_at, str) or not _TIMESTAMP.fullmatch(entry.reviewed_at):
        problems.append(f"reviewed_at {entry.reviewed_at!r} is not a UTC time like 2026-03-10T09:00:00.000Z")
    for name in ("reviewed_on", "due_before", "due_after"):
        value = getattr(entry, name)
        if not (value is None and name != "reviewed_on") and not _is_day(value):
            problems.append(f"{name} {value!r} is not a date like 2026-03-10")
    if not _is_count(entry.grade, 6):
        problems.append(f"grade {entry.grade!r} is not a whole number from 0 to 5")
    if entry.kind not in ("scheduled", "redrill"):
        problems.append(f"kind {entry.kind!r} is neither 'scheduled' nor 'redrill'")
    if not isinstance(entry.explanation, str) or not isinstance(entry.scheduler, str):
        problems.append("the explanation and the scheduler must be text")
    for name in (
        "duration_ms",
        "repetitions_before",
        "interval_before",
        "repetitions_after",
        "interval_after",
    ):
        if not _is_count(getattr(entry, name)):
            problems.append(f"{name} {getattr(entry, name)!r} is not a whole number of 0 or more")
    for name in ("easiness_before", "easiness_after"):
        if not _is_count(getattr(entry, name), MAX_EASINESS_HUNDREDTHS):
            problems.append(f"{name} {getattr(entry, name)!r} is not a whole number of hundredths")
    if problems:
        raise StoreError(f"review log entry {number} cannot be added: {'; '.join(problems)}.")
    return (
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
