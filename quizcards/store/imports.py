"""Imports in the store: the decks and cards it holds, and an import's plans written in one transaction.

What an import changes is decided in ``core.importing``; here the store says
what it holds (``stored_deck``, ``stored_decks``, ``stored_cards``) and writes
the plans (``apply_import``): every deck changes, or none does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from quizcards.store.connection import Connection
from quizcards.store.rows import texts_of, utc_timestamp

if TYPE_CHECKING:  # imported where used: `quiz review` never needs them
    from quizcards.core.importing import CardChange, DeckPlan, StoredCard, StoredDeck

# Whether other devices' reviews wait for cards (m009's sync_pending); tests of older schemas replace it.
_ANY_PENDING = "SELECT EXISTS (SELECT 1 FROM sync_pending)"
_ANY_EVENTS = "SELECT EXISTS (SELECT 1 FROM sync_card_events WHERE journaled = 1)"
# json.dumps(value, ensure_ascii=False) builds an encoder per call: three a card, 30,000 for a big deck.
_JSON = json.JSONEncoder(ensure_ascii=False)


class Imports(Connection):
    """The stored side of an import."""

    def stored_deck(self, slug: str) -> StoredDeck | None:
        from quizcards.core.importing import StoredDeck

        rows = self._query("SELECT title, description, tags, source_path FROM decks WHERE slug = ?", [slug])
        if not rows:
            return None
        row = rows[0]
        return StoredDeck(
            row["title"],
            row["description"],
            texts_of(row["tags"], "tags", f"deck {slug}"),
            row["source_path"],
        )

    def stored_decks(self) -> dict[str, StoredDeck]:
        """Every deck the store holds, by slug."""
        from quizcards.core.importing import StoredDeck

        return {
            row["slug"]: StoredDeck(
                row["title"],
                row["description"],
                texts_of(row["tags"], "tags", f"deck {row['slug']}"),
                row["source_path"],
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
        plans = list(plans)
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
                        [deck.slug, change.card.id, *_card_fields(change), stamp, stamp]
                        for change in plan.added
                    ),
                )
                conn.executemany(
                    "UPDATE cards SET position = ?, question = ?, answer = ?, points = ?, hints = ?, "
                    "tags = ?, source = ?, id_generated = ?, content_hash = ?, retired = 0, "
                    "updated_at = ? WHERE id = ?",
                    ([*_card_fields(change), stamp, change.pk] for change in (*plan.updated, *plan.restored)),
                )
                # A card that only changed place keeps its text and its updated_at.
                conn.executemany(
                    "UPDATE cards SET position = ? WHERE id = ?",
                    ([change.position, change.pk] for change in plan.repositioned),
                )
                conn.executemany(
                    "UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?",
                    ([stamp, pk] for pk in plan.retired),
                )
            if conn.execute(_ANY_PENDING).fetchone()[0]:
                # Other devices' reviews of cards this database did not hold: applied now, in this
                # same transaction, as `quiz sync` would have.
                from quizcards.store.sync_apply import apply_pending

                apply_pending(conn, self.path)
            if conn.execute(_ANY_EVENTS).fetchone()[0]:
                from quizcards.store.sync_apply import apply_events_of

                apply_events_of(
                    conn,
                    (
                        (plan.deck.slug, change.card.id)
                        for plan in plans
                        for change in (*plan.added, *plan.restored)
                    ),
                )


def _card_fields(change: CardChange) -> list[Any]:
    card = change.card
    return [
        change.position,
        card.question,
        card.answer,
        _JSON.encode([point.stored() for point in card.points]),
        _JSON.encode(card.hints),
        _JSON.encode(card.tags),
        card.source,
        int(card.id_generated),
        change.content_hash,
    ]
