"""What today's session draws: due, new and re-drill card ids, the outlook, and the cards themselves.

The session holds card ids only; each card's text is read when it comes up
(``study_card``). Every filter clause is fixed text and every value a parameter.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from quizcards.core.errors import StoreError
from quizcards.core.session import Outlook, PastExplanation, SessionFilter, StudyCard
from quizcards.store.connection import Connection
from quizcards.store.rows import aggregated_day, study_card_of
from quizcards.store.scheduling import DueSource, due_source

if TYPE_CHECKING:  # `quiz decks` alone needs it, not the review
    from quizcards.core.listings import DeckSummary


# Several --deck (or --tag) values mean any of them: the names travel as one JSON array parameter,
# so each clause stays fixed text whatever the count.
DECKS = "(SELECT value FROM json_each(:decks))"
TAGGED = (
    "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value IN (SELECT value FROM json_each(:tags))) OR "
    "EXISTS (SELECT 1 FROM decks t, json_each(t.tags) WHERE t.slug = c.deck"
    " AND value IN (SELECT value FROM json_each(:tags))))"
)


def any_of(names: str | Sequence[str] | None) -> str | None:
    """The names as the JSON array DECKS and TAGGED read, or None when there are none (no filter)."""
    if names is None or isinstance(names, str):
        names = () if names is None else (names,)
    return json.dumps(list(names)) if names else None


def drawable_cards(selection: SessionFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (on cards as ``c``) and parameters of the active, unsuspended cards selected."""
    # A suspended card is never drawn, nor counted as waiting, until it is unsuspended.
    clauses = ["c.retired = 0", "c.suspended_on IS NULL"]
    parameters: dict[str, Any] = {}
    decks, tags = any_of(selection.decks), any_of(selection.tags)
    if decks is not None:
        clauses.append(f"c.deck IN {DECKS}")
        parameters["decks"] = decks
    if tags is not None:
        clauses.append(TAGGED)
        parameters["tags"] = tags
    return " AND ".join(clauses), parameters


class Queue(Connection):
    """The queries behind today's queue and what the review shows of each card."""

    def deck_summaries(self, today: date) -> list[DeckSummary]:
        from quizcards.core.listings import DeckSummary

        due = self._due_source()
        rows = self._query(
            f"""
            SELECT d.slug, d.title,
                   count(c.id) FILTER (WHERE c.retired = 0) AS cards,
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.suspended_on IS NULL
                                       AND c.due_on IS NULL) AS new,
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.suspended_on IS NULL
                                       AND {due.column} <= :today) AS due,
                   count(c.id) FILTER (WHERE c.retired = 1) AS retired
            FROM decks d LEFT JOIN cards c ON c.deck = d.slug {due.join}
            GROUP BY d.slug ORDER BY d.position
            """,  # the due source is fixed text
            {"today": today.isoformat()},
        )
        return [DeckSummary(**dict(row)) for row in rows]

    def deck_exists(self, slug: str) -> bool:
        return bool(self._query("SELECT 1 FROM decks WHERE slug = ?", [slug]))

    def card_count(self) -> int:
        return int(self._query("SELECT count(*) FROM cards")[0][0])

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

    def _filter_sql(self, selection: SessionFilter) -> tuple[str, dict[str, Any]]:
        return drawable_cards(selection)

    def _due_source(self) -> DueSource:
        """Which due day the collection's scheduler puts in force (SM-2's column, or FSRS's state)."""
        try:
            return due_source(self.conn, self.path)
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def due_card_ids(self, today: date, selection: SessionFilter) -> list[int]:
        where, parameters = self._filter_sql(selection)
        due = self._due_source()
        rows = self._run(
            f"""
            SELECT c.id FROM {due.due_from} JOIN decks d ON d.slug = c.deck
            WHERE {where} AND {due.column} IS NOT NULL AND {due.column} <= :today
              AND (c.buried_on IS NULL OR c.buried_on <> :today)
            ORDER BY {due.column}, d.position, c.position
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
        """Cards whose latest grade today was below 4: SM-2 step 7 owes them a repeat.

        Only the session's own grades count: a cram or mock answer is outside the schedule,
        and a card it failed is not owed a re-drill (which, for a card not reviewed today,
        would be its scheduled review, ahead of its due date).
        """
        where, parameters = self._filter_sql(selection)
        rows = self._run(
            f"""
            SELECT c.id FROM reviews r JOIN cards c ON c.id = r.card
            WHERE r.reviewed_on = :today AND {where}
              AND (c.buried_on IS NULL OR c.buried_on <> :today)
              AND r.id = (SELECT max(id) FROM reviews
                          WHERE card = r.card AND kind IN ('scheduled', 'redrill'))
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

    def outlook(
        self, today: date, selection: SessionFilter, new_selection: SessionFilter | None = None
    ) -> Outlook:
        """What waits after today in the selection; the new cards counted are new_selection's (an
        applied plan's, within the selection; default: the selection), the rest as new_outside."""
        where, parameters = self._filter_sql(selection)
        due = self._due_source()
        # Two narrow queries rather than one with FILTERs: each reads a range of the due index in force
        # (cards_due, or fsrs_states_due) instead of every card of the selection.
        values = {**parameters, "today": today.isoformat()}
        first = self._run(
            f"SELECT {due.column} FROM {due.due_from} WHERE {where} AND {due.column} > :today "
            f"ORDER BY {due.column} LIMIT 1",  # the clauses are fixed text; every value is a parameter
            values,
        ).fetchone()
        due_now = self._run(
            f"""
            SELECT count(*) FROM {due.due_from}
            WHERE {where} AND {due.column} <= :today AND (c.buried_on IS NULL OR c.buried_on <> :today)
            """,
            values,
        ).fetchone()[0]
        next_due = aggregated_day(self.conn, first[0], "due_on") if first is not None else None
        next_count = 0
        if first is not None:
            next_count = self._run(
                f"SELECT count(*) FROM {due.due_from} WHERE {where} AND {due.column} = :day",
                {**parameters, "day": first[0]},
            ).fetchone()[0]
        new_here = self._new_by_deck(today, selection)
        drawn = new_here if new_selection in (None, selection) else self._new_by_deck(today, new_selection)
        # Outside counts what the selection holds past the new-card selection, deck by deck.
        outside = tuple(
            (deck, waiting - drawn.get(deck, (0, 0))[0])
            for deck, (waiting, _) in new_here.items()
            if waiting > drawn.get(deck, (0, 0))[0]
        )
        # The same clauses bar suspended cards, so they are counted apart, in the same selection.
        suspended = self._run(
            f"SELECT count(*) FROM cards c WHERE "
            f"{where.replace('c.suspended_on IS NULL', 'c.suspended_on IS NOT NULL')}",
            parameters,
        ).fetchone()[0]
        return Outlook(
            next_due,
            int(next_count),
            sum(waiting for waiting, _ in drawn.values()),
            int(due_now),
            new_buried=sum(buried for _, buried in drawn.values()),
            new_outside=outside,
            suspended=int(suspended),
        )

    def _new_by_deck(self, today: date, selection: SessionFilter) -> dict[str, tuple[int, int]]:
        """Each deck's new cards in the selection (suspended ones left out), and how many are buried today."""
        where, parameters = self._filter_sql(selection)
        rows = self._run(
            f"""
            SELECT c.deck, count(*), count(*) FILTER (WHERE c.buried_on = :today)
            FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE {where} AND c.due_on IS NULL
            GROUP BY c.deck ORDER BY min(d.position)
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "today": today.isoformat()},
        ).fetchall()
        return {deck: (int(count), int(buried)) for deck, count, buried in rows}

    def withdrawn_state(self, pk: int) -> str | None:
        """'retired' or 'suspended' when the card may no longer be asked (changed since the session
        drew it: an edit's re-import, another terminal), else None."""
        rows = self._query("SELECT retired, suspended_on FROM cards WHERE id = ?", [pk])
        if not rows:
            return "retired"
        retired, suspended_on = rows[0]
        return "retired" if retired else "suspended" if suspended_on is not None else None

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
        return study_card_of(rows[0])

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
        return PastExplanation(
            row["explanation"], row["grade"], aggregated_day(self.conn, row["reviewed_on"], "reviewed_on")
        )
