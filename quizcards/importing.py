"""What an import changes: decks compared with what the store holds, no I/O.

Cards are matched by (deck, card id). A card that is new is added; one whose
text or place changed is updated in place, keeping its schedule and history; a
stored card missing from its deck is retired (kept, never reviewed) and is
restored if it comes back. Nothing here ever deletes a card or a review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the deck module loads PyYAML, which the review path does not need
    from quizcards.deck import Card, Deck


@dataclass(frozen=True, slots=True)
class StoredCard:
    """What the store knows of a card, enough to tell whether it changed."""

    pk: int
    content_hash: str
    position: int
    retired: bool


@dataclass(frozen=True, slots=True)
class StoredDeck:
    """What the store knows of a deck's own fields."""

    title: str
    description: str
    tags: tuple[str, ...]
    source_path: str | None


@dataclass(frozen=True, slots=True)
class CardChange:
    """A card of the deck file, with where it goes and its stored row if any."""

    card: Card
    position: int
    content_hash: str
    pk: int | None = None


@dataclass(frozen=True, slots=True)
class DeckPlan:
    """Everything one import of one deck will change."""

    deck: Deck
    is_new_deck: bool
    deck_changed: bool
    added: tuple[CardChange, ...]
    updated: tuple[CardChange, ...]
    restored: tuple[CardChange, ...]
    retired: tuple[int, ...]
    unchanged: int

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.is_new_deck
            or self.deck_changed
            or self.added
            or self.updated
            or self.restored
            or self.retired
        )


def plan_deck_import(
    deck: Deck, stored_deck: StoredDeck | None, stored_cards: Mapping[str, StoredCard]
) -> DeckPlan:
    """Compare a loaded deck with its stored cards and say what must change."""
    added: list[CardChange] = []
    updated: list[CardChange] = []
    restored: list[CardChange] = []
    unchanged = 0
    for position, card in enumerate(deck.cards):
        content_hash = card.content_hash()
        stored = stored_cards.get(card.id)
        if stored is None:
            added.append(CardChange(card, position, content_hash))
        elif stored.retired:
            restored.append(CardChange(card, position, content_hash, stored.pk))
        elif stored.content_hash != content_hash or stored.position != position:
            updated.append(CardChange(card, position, content_hash, stored.pk))
        else:
            unchanged += 1
    present = {card.id for card in deck.cards}
    retired = tuple(
        stored.pk
        for card_id, stored in stored_cards.items()
        if card_id not in present and not stored.retired
    )
    deck_changed = stored_deck is not None and stored_deck != StoredDeck(
        deck.title, deck.description, deck.tags, deck.path
    )
    return DeckPlan(
        deck=deck,
        is_new_deck=stored_deck is None,
        deck_changed=deck_changed,
        added=tuple(added),
        updated=tuple(updated),
        restored=tuple(restored),
        retired=retired,
        unchanged=unchanged,
    )
