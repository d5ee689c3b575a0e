"""Queries behind `quiz stats`: SQL aggregates over cards and the review log.

Every figure is a ``count``/``sum`` computed by SQLite: the review log is
never read into Python row by row. The log-side queries are answered from
the ``reviews_stats`` covering index (see migration m002_stats_indexes), so
they read the index, not the table with its typed explanations. Every query
stops at ``until`` (today), so a clock set back never counts tomorrow's reviews.

At 1,000,000 reviews each plan was checked with ``EXPLAIN QUERY PLAN`` and timed
(see benchmarks/bench.py): the days with reviews are found by skipping from
one day to the next in the index rather than reading every entry; retention
is counted per day and summed here; the card-side counts read the
``cards_deck_state`` and ``cards_lapses`` indexes (m003), never the cards' text.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from quizcards.core.days import iso_day
from quizcards.store.base import BaseStore
from quizcards.store.queue import DECKS, any_of
from quizcards.store.rows import aggregated_day, card_day, card_name, card_value

if TYPE_CHECKING:
    from quizcards.core.settings import SchedulerName
    from quizcards.core.stats.figures import DeckCounts, Leech, TodayCounts
    from quizcards.core.stats.memory import FsrsFigures

# quizcards.core.stats.figures is imported by the queries that need it, not here: every command opens
# the store, and only `quiz stats` needs the figures' types.

# A fixed clause, so the review queries can be limited to some decks without string-building values.
_DECK_OF_REVIEW = f"(:decks IS NULL OR r.card IN (SELECT id FROM cards WHERE deck IN {DECKS}))"
# The kinds that are reviews (today's count, the streak, the calendar): the schedule's own grades and
# their re-drills. Cram and mock answers are practice outside the schedule, counted apart
# (``practice_counts``); retention and lapses count scheduled reviews alone.
_A_REVIEW = "r.kind IN ('scheduled', 'redrill')"


class StatsQueries(BaseStore):
    """Queries behind `quiz stats`."""

    def deck_counts(self, today: date, deck: str | Sequence[str] | None) -> list[DeckCounts]:
        """Each deck's cards by state, in deck order (only the given decks, when there are any)."""
        from quizcards.core.scheduler import MATURE_INTERVAL_DAYS
        from quizcards.core.stats.figures import DeckCounts

        due = self._due_source()
        rows = self._query(
            f"""
            SELECT d.slug, d.title,
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due_on IS NULL),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due_on IS NOT NULL
                                       AND c.interval_days < :mature),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due_on IS NOT NULL
                                       AND c.interval_days >= :mature),
                   count(c.id) FILTER (WHERE c.retired = 1),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.suspended_on IS NULL
                                       AND {due.column} <= :today),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.suspended_on IS NOT NULL)
            FROM decks d LEFT JOIN cards c ON c.deck = d.slug {due.join}
            WHERE :decks IS NULL OR d.slug IN (SELECT value FROM json_each(:decks))
            GROUP BY d.slug ORDER BY d.position, d.slug
            """,  # the due source is fixed text
            {"today": today.isoformat(), "mature": MATURE_INTERVAL_DAYS, "decks": any_of(deck)},
        )
        return [DeckCounts(*row) for row in rows]

    def today_counts(self, today: date, deck: str | Sequence[str] | None) -> TodayCounts:
        """Reviews logged today (scheduled and re-drills), their distinct cards, the re-drills among them
        and the time they took; then today's cram and mock answers, counted apart."""
        from quizcards.core.stats.figures import TodayCounts

        row = self._query(
            f"""
            SELECT count(*) FILTER (WHERE {_A_REVIEW}),
                   count(DISTINCT r.card) FILTER (WHERE {_A_REVIEW}),
                   count(*) FILTER (WHERE r.kind = 'redrill'),
                   coalesce(sum(r.duration_ms) FILTER (WHERE {_A_REVIEW}), 0),
                   count(*) FILTER (WHERE r.kind = 'cram'),
                   count(*) FILTER (WHERE r.kind = 'mock')
            FROM reviews r
            WHERE r.reviewed_on = :today AND {_DECK_OF_REVIEW}
            """,  # the clause is fixed text; every value is a parameter
            {"today": today.isoformat(), "decks": any_of(deck)},
        )[0]
        return TodayCounts(*row)

    def review_days(self, until: date, deck: str | Sequence[str] | None, since: date | None) -> list[date]:
        """The distinct days with at least one review (practice answers aside), oldest first."""
        # A skip scan: each step seeks the next day in the index, so three years cost about a
        # thousand seeks instead of a read of every entry (SELECT DISTINCT reads them all).
        rows = self._query(
            f"""
            WITH RECURSIVE days(day) AS (
                SELECT (SELECT min(r.reviewed_on) FROM reviews r
                        WHERE r.reviewed_on >= coalesce(:since, '') AND r.reviewed_on <= :until
                          AND {_A_REVIEW} AND {_DECK_OF_REVIEW})
                UNION ALL
                SELECT (SELECT min(r.reviewed_on) FROM reviews r
                        WHERE r.reviewed_on > days.day AND r.reviewed_on <= :until
                          AND {_A_REVIEW} AND {_DECK_OF_REVIEW})
                FROM days WHERE days.day IS NOT NULL
            )
            SELECT day FROM days WHERE day IS NOT NULL ORDER BY day
            """,  # the clause is fixed text; every value is a parameter
            {"until": until.isoformat(), "since": iso_day(since), "decks": any_of(deck)},
        )
        return [aggregated_day(self.conn, row[0], "reviewed_on") for row in rows]

    def retention_counts(
        self, starts: Sequence[date | None], until: date, deck: str | Sequence[str] | None
    ) -> list[tuple[int, int]]:
        """(reviews, passed) of scheduled reviews of learned cards, for each window start..until."""
        from quizcards.core.stats.figures import PASSING_GRADE

        if not starts:
            return []
        bounds = [start.isoformat() if start is not None else "" for start in starts]
        # Counted per day in one pass over the index (in its order, so no sorting), then summed
        # per window here: a few hundred rows, where a FILTER per window per review cost a third more.
        rows = self._query(
            f"""
            SELECT r.reviewed_on, count(*), count(*) FILTER (WHERE r.grade >= :passing)
            FROM reviews r
            WHERE r.reviewed_on >= :first AND r.reviewed_on <= :until
              AND r.kind = 'scheduled' AND r.repetitions_before > 0 AND {_DECK_OF_REVIEW}
            GROUP BY r.reviewed_on
            """,  # the clause is fixed text; every value is a parameter
            {
                "until": until.isoformat(),
                "decks": any_of(deck),
                "passing": PASSING_GRADE,
                "first": min(bounds),
            },
        )
        totals = [[0, 0] for _ in bounds]
        for day, reviews, passed in rows:
            for index, bound in enumerate(bounds):
                if day >= bound:
                    totals[index][0] += reviews
                    totals[index][1] += passed
        return [(reviews, passed) for reviews, passed in totals]

    def due_counts(self, until: date, deck: str | Sequence[str] | None) -> dict[date, int]:
        """Active cards per due date up to until, overdue dates included (suspended ones are never due)."""
        due = self._due_source()
        rows = self._query(
            f"""
            SELECT {due.column}, count(*) FROM {due.due_from}
            WHERE c.retired = 0 AND c.suspended_on IS NULL AND {due.column} IS NOT NULL
              AND {due.column} <= :until
              AND (:decks IS NULL OR c.deck IN (SELECT value FROM json_each(:decks)))
            GROUP BY {due.column}
            """,  # the due source is fixed text
            {"until": until.isoformat(), "decks": any_of(deck)},
        )
        return {aggregated_day(self.conn, row[0], "due_on"): int(row[1]) for row in rows}

    def daily_review_counts(
        self, start: date, until: date, deck: str | Sequence[str] | None
    ) -> dict[date, int]:
        """Reviews (scheduled and re-drills) per day from start to until (days without reviews are absent)."""
        rows = self._query(
            f"""
            SELECT r.reviewed_on, count(*) FROM reviews r
            WHERE r.reviewed_on >= :start AND r.reviewed_on <= :until AND {_A_REVIEW} AND {_DECK_OF_REVIEW}
            GROUP BY r.reviewed_on
            """,  # the clauses are fixed text; every value is a parameter
            {"start": start.isoformat(), "until": until.isoformat(), "decks": any_of(deck)},
        )
        return {aggregated_day(self.conn, row[0], "reviewed_on"): int(row[1]) for row in rows}

    def practice_counts(self, start: date, until: date, deck: str | Sequence[str] | None) -> tuple[int, int]:
        """Cram and mock answers logged from start to until: practice outside the schedule."""
        row = self._query(
            f"""
            SELECT count(*) FILTER (WHERE r.kind = 'cram'), count(*) FILTER (WHERE r.kind = 'mock')
            FROM reviews r
            WHERE r.reviewed_on >= :start AND r.reviewed_on <= :until AND r.kind IN ('cram', 'mock')
              AND {_DECK_OF_REVIEW}
            """,  # the clause is fixed text; every value is a parameter
            {"start": start.isoformat(), "until": until.isoformat(), "decks": any_of(deck)},
        )[0]
        return int(row[0]), int(row[1])

    def leeches(
        self, until: date, deck: str | Sequence[str] | None, since: date | None, limit: int
    ) -> list[Leech]:
        """Active, unsuspended cards with the most lapses (then the lowest easiness), at most limit of them.

        Without since, lapses are the card's own count; with since, they are
        counted in the log: scheduled reviews of a learned card graded below 3.
        """
        from quizcards.core.stats.figures import PASSING_GRADE

        # The top few are chosen first from narrow rows (without since, from the cards_lapses index
        # alone), and only they are joined back for their text: sorting every active card with its
        # question read the whole cards table.
        if since is None:
            top = """
                SELECT c.id AS card, c.lapses AS lapses FROM cards c JOIN decks d ON d.slug = c.deck
                WHERE c.lapses > 0 AND c.retired = 0 AND c.suspended_on IS NULL
                  AND (:decks IS NULL OR c.deck IN (SELECT value FROM json_each(:decks)))
                ORDER BY c.lapses DESC, c.easiness_hundredths, d.position, c.position
                LIMIT :limit
            """
        else:
            top = """
                SELECT l.card, l.lapses FROM (
                    SELECT r.card, count(*) AS lapses FROM reviews r
                    WHERE r.reviewed_on >= :since AND r.reviewed_on <= :until AND r.kind = 'scheduled'
                      AND r.repetitions_before > 0 AND r.grade < :passing
                    GROUP BY r.card
                ) l JOIN cards c ON c.id = l.card JOIN decks d ON d.slug = c.deck
                WHERE c.retired = 0 AND c.suspended_on IS NULL
                  AND (:decks IS NULL OR c.deck IN (SELECT value FROM json_each(:decks)))
                ORDER BY l.lapses DESC, c.easiness_hundredths, d.position, c.position
                LIMIT :limit
            """
        due = self._due_source()  # a leech's due day is the one of the scheduler in force
        rows = self._query(
            f"""
            WITH top AS ({top})
            SELECT c.deck, c.card_id, c.question, top.lapses AS top_lapses, c.easiness_hundredths,
                   c.reviews, c.interval_days, {due.column} AS due_on, d.source_path
            FROM top JOIN cards c ON c.id = top.card JOIN decks d ON d.slug = c.deck {due.join}
            ORDER BY top.lapses DESC, c.easiness_hundredths, d.position, c.position
            """,  # the sub-query is one of two fixed texts, the due source fixed text; values are parameters
            {
                "since": iso_day(since),
                "until": until.isoformat(),
                "decks": any_of(deck),
                "passing": PASSING_GRADE,
                "limit": max(0, limit),
            },
        )
        return [_leech(row) for row in rows]

    def scheduler_figures(
        self, today: date, deck: str | Sequence[str] | None
    ) -> tuple[SchedulerName, FsrsFigures | None]:
        """The scheduler in force and, under FSRS, its predictions today for the active, unsuspended cards
        (R is computed here from each card's stored stability and last review day: SQLite may lack pow())."""
        from quizcards.core.stats.memory import fsrs_figures
        from quizcards.store.scheduling import FSRS_DUE, card_name_of, stored_state

        settings = self.collection_settings()
        if settings.scheduler != "fsrs":
            return settings.scheduler, None
        stored = self.fsrs_parameters()
        rows = self._query(
            f"""
            SELECT c.id, f.stability, f.difficulty, f.last_reviewed_on, f.due_on
            FROM {FSRS_DUE.due_from}
            WHERE c.retired = 0 AND c.suspended_on IS NULL
              AND (:decks IS NULL OR c.deck IN (SELECT value FROM json_each(:decks)))
            """,  # the join is fixed text; every value is a parameter
            {"decks": any_of(deck)},
        )
        states = (
            stored_state(tuple(row)[1:], functools.partial(card_name_of, self.conn, row[0])) for row in rows
        )
        return "fsrs", fsrs_figures(
            ((state.stability, state.last_reviewed_on) for state in states),
            today,
            self.fsrs_parameters_in_force(),
            settings.desired_retention,
            None if stored is None else stored.fitted_on,
        )


def _leech(row: sqlite3.Row) -> Leech:
    """A leech from the query's row; a damaged schedule value is a sentence naming the card."""
    from quizcards.core.stats.figures import Leech

    owner = card_name(row["deck"], row["card_id"])
    return Leech(
        deck=row["deck"],
        card_id=row["card_id"],
        question=row["question"],
        lapses=int(row["top_lapses"]),
        easiness_hundredths=card_value(row, "easiness_hundredths", owner),
        reviews=card_value(row, "reviews", owner),
        interval_days=card_value(row, "interval_days", owner),
        due_on=card_day(row, "due_on", owner),
        file=row["source_path"] if isinstance(row["source_path"], str) else None,
    )
