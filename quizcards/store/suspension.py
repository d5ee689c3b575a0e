"""Suspending and unsuspending cards: one column, `suspended_on`, set or cleared in one transaction.

A suspended card keeps its schedule and its history untouched; the session's
queries (``queue``) leave it out until it is unsuspended. Cards are named by
their row ids, which the caller found first, so a whole list changes at once or
not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from quizcards.core.errors import StoreError
from quizcards.store.connection import Connection
from quizcards.store.events import record_card_event
from quizcards.store.queue import DECKS, TAGGED, any_of
from quizcards.store.rows import utc_timestamp

_IDS = "(SELECT value FROM json_each(:ids))"


@dataclass(frozen=True, slots=True)
class SuspensionTarget:
    """A card a suspend or unsuspend names: its row id, its name, and since when it is suspended."""

    pk: int
    deck: str
    card_id: str
    suspended_on: str | None


class Suspensions(Connection):
    """The writes of `quiz suspend`, `quiz unsuspend` and the review's suspend key, and their selections."""

    def suspend_cards(self, pks: Sequence[int], today: date, *, at: datetime | None = None) -> list[int]:
        """Suspend the cards as of today; returns those that were not suspended already (the others keep
        their day). at (when, for the sync journal) defaults to the start of today."""
        return self._set_suspended(pks, today.isoformat(), today, at)

    def unsuspend_cards(
        self, pks: Sequence[int], today: date | None = None, *, at: datetime | None = None
    ) -> list[int]:
        """Unsuspend the cards; returns those that were suspended. Nothing else about them changes.

        today and at date the change for the sync journal (default: the day each was suspended).
        """
        return self._set_suspended(pks, None, today, at)

    def _set_suspended(
        self, pks: Sequence[int], day: str | None, today: date | None, at: datetime | None
    ) -> list[int]:
        """Set suspended_on to day (None: unsuspend) on those of the cards it changes, in one transaction;
        returns their ids. Each change is also a card event for the sync journal."""
        # Fixed text either way: the condition picks the cards whose state changes.
        other_state = "suspended_on IS NULL" if day is not None else "suspended_on IS NOT NULL"
        with self._transaction() as conn:
            rows = conn.execute(
                f"SELECT id, suspended_on FROM cards WHERE id IN {_IDS} AND {other_state} ORDER BY id",
                {"ids": json.dumps(list(pks))},
            ).fetchall()
            changed = [row[0] for row in rows]
            conn.execute(
                f"UPDATE cards SET suspended_on = :day WHERE id IN {_IDS}",
                {"ids": json.dumps(changed), "day": day},
            )
            for pk, suspended_on in rows:
                event_day = today.isoformat() if today is not None else str(day or suspended_on)
                moment = utc_timestamp(at) if at is not None else f"{event_day}T00:00:00.000Z"
                record_card_event(conn, pk, "suspend" if day else "unsuspend", moment, event_day)
        return changed

    def suspension_targets(
        self, *, decks: Sequence[str] = (), tags: Sequence[str] = ()
    ) -> list[SuspensionTarget]:
        """The active cards of any of the decks and with any of the tags (a tag of theirs or their deck's),
        in deck order."""
        rows = self._query(
            f"""
            SELECT c.id, c.deck, c.card_id, c.suspended_on FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE c.retired = 0 AND (:decks IS NULL OR c.deck IN {DECKS}) AND (:tags IS NULL OR {TAGGED})
            ORDER BY d.position, c.position
            """,  # the clauses are fixed text; every value is a parameter
            {"decks": any_of(decks), "tags": any_of(tags)},
        )
        return [SuspensionTarget(*row) for row in rows]

    def suspension_target(self, deck: str, card_id: str) -> SuspensionTarget | None:
        """One card by its deck and id (a retired one too), or None."""
        rows = self._query(
            "SELECT id, deck, card_id, suspended_on FROM cards WHERE deck = ? AND card_id = ?",
            [deck, card_id],
        )
        return SuspensionTarget(*rows[0]) if rows else None


def suspended_day(stored: object, deck: str, card_id: str) -> date | None:
    """A card's suspended_on read back; a damaged value (m006's CHECK switched off) is a sentence."""
    from quizcards.core.checks import describe_value, is_day

    if stored is None:
        return None
    if not is_day(stored):
        raise StoreError(
            f"card {deck}/{card_id} has a damaged suspended_on in the database ({describe_value(stored)} "
            f"is not a date like 2026-03-10); quiz unsuspend {deck}/{card_id} clears it."
        )
    return date.fromisoformat(str(stored))
