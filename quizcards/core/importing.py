"""What an import changes: decks compared with what the store holds, no I/O.

Cards are matched by (deck, card id). A card that is new is added; one whose
text or place changed is updated in place, keeping its schedule and history; a
stored card missing from its deck is retired (kept, never reviewed) and is
restored if it comes back. Nothing here ever deletes a card or a review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the deck module loads PyYAML, which the review path does not need
    from quizcards.core.deck import Card, Deck


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
    details_changed: bool
    added: tuple[CardChange, ...]
    updated: tuple[CardChange, ...]
    restored: tuple[CardChange, ...]
    retired: tuple[int, ...]
    unchanged: int
    moved: bool = False
    gone: bool = False  # no file imported now defines the deck: all its cards retire

    @property
    def deck_changed(self) -> bool:
        return self.details_changed or self.moved

    @property
    def deck_note(self) -> str:
        """What happened to the deck itself, for the import summary."""
        if self.is_new_deck:
            return "new deck"
        if self.gone:
            return "no longer in any file"
        notes = [note for note, flag in (("edited", self.details_changed), ("moved", self.moved)) if flag]
        return ", ".join(notes)

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
        stored.pk for card_id, stored in stored_cards.items() if card_id not in present and not stored.retired
    )
    details_changed = stored_deck is not None and (
        stored_deck.title,
        stored_deck.description,
        stored_deck.tags,
    ) != (deck.title, deck.description, deck.tags)
    moved = stored_deck is not None and stored_deck.source_path != (deck.file or deck.path)
    return DeckPlan(
        deck=deck,
        is_new_deck=stored_deck is None,
        details_changed=details_changed,
        moved=moved,
        added=tuple(added),
        updated=tuple(updated),
        restored=tuple(restored),
        retired=retired,
        unchanged=unchanged,
    )


def plan_deck_retirement(
    slug: str, stored_deck: StoredDeck, stored_cards: Mapping[str, StoredCard]
) -> DeckPlan:
    """A stored deck that its file no longer defines (deleted, or renamed inside): retire its cards.

    The cards keep their history and come back if a file defines the deck again.
    """
    from quizcards.core.deck import Deck

    deck = Deck(
        slug=slug,
        title=stored_deck.title,
        path=stored_deck.source_path or slug,
        description=stored_deck.description,
        tags=stored_deck.tags,
        file=stored_deck.source_path,
    )
    retired = tuple(stored.pk for stored in stored_cards.values() if not stored.retired)
    return DeckPlan(
        deck=deck,
        is_new_deck=False,
        details_changed=False,
        added=(),
        updated=(),
        restored=(),
        retired=retired,
        unchanged=0,
        gone=True,
    )


def is_within(source_path: str | None, roots: Iterable[str]) -> bool:
    """Whether a deck's stored file is one of the imported files, or inside an imported folder."""
    if not source_path:
        return False
    return any(source_path == root or source_path.startswith(root.rstrip("/") + "/") for root in roots)


def plan_import(
    decks: Iterable[Deck],
    stored_decks: Mapping[str, StoredDeck],
    cards_of: Callable[[str], Mapping[str, StoredCard]],
    roots: Iterable[str] = (),
) -> list[DeckPlan]:
    """Plans for every loaded deck, then for every stored deck that came from the imported
    files or folders (``roots``, absolute) but that no file defines any more."""
    loaded: set[str] = set()
    plans: list[DeckPlan] = []
    for deck in decks:
        loaded.add(deck.slug)
        stored = stored_decks.get(deck.slug)
        plans.append(plan_deck_import(deck, stored, cards_of(deck.slug) if stored else {}))
    roots = tuple(roots)
    for slug, stored in stored_decks.items():
        if slug not in loaded and is_within(stored.source_path, roots):
            plan = plan_deck_retirement(slug, stored, cards_of(slug))
            if plan.retired:
                plans.append(plan)
    return plans
