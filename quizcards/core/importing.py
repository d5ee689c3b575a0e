"""What an import changes: decks compared with what the store holds, no I/O.

Cards are matched by (deck, card id). A card that is new is added; one whose
text changed is updated in place, keeping its schedule and history; one that
only changed place keeps its row and takes its new position (a move, counted
only when its order among the other cards changed); a stored card missing from
its deck is retired (kept, never reviewed) and is restored if it comes back.
Nothing here ever deletes a card or a review. A deck that another file than its
own now defines has moved only when the learner says so (``confirm_moves``):
until then nothing is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizcards.core.errors import QuizError

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
    retired_ids: tuple[str, ...] = ()  # the card ids of ``retired``, in the deck's stored order
    # Unchanged cards whose position in the file differs from the stored one: only it is written.
    repositioned: tuple[CardChange, ...] = ()
    # How many of them the learner moved: the fewest whose order among the others changed (an
    # added or removed card shifts the positions after it, and that is no move).
    cards_moved: int = 0
    moved_from: str | None = None  # the file that defined the deck before, when another does now

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
    def rewrites_stored(self) -> bool:
        """Whether the import changes what the store held before (not only adds to it)."""
        return not self.is_new_deck and bool(
            self.deck_changed or self.updated or self.restored or self.retired or self.cards_moved
        )

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.is_new_deck
            or self.deck_changed
            or self.added
            or self.updated
            or self.restored
            or self.retired
            or self.repositioned
        )


def plan_deck_import(
    deck: Deck, stored_deck: StoredDeck | None, stored_cards: Mapping[str, StoredCard]
) -> DeckPlan:
    """Compare a loaded deck with its stored cards and say what must change."""
    added: list[CardChange] = []
    updated: list[CardChange] = []
    restored: list[CardChange] = []
    repositioned: list[CardChange] = []
    kept: list[tuple[str, StoredCard]] = []  # the cards stored before and still here, in file order
    unchanged = 0
    for position, card in enumerate(deck.cards):
        content_hash = card.content_hash()
        stored = stored_cards.get(card.id)
        if stored is None:
            added.append(CardChange(card, position, content_hash))
            continue
        if stored.retired:
            restored.append(CardChange(card, position, content_hash, stored.pk))
            continue
        kept.append((card.id, stored))
        if stored.content_hash != content_hash:
            updated.append(CardChange(card, position, content_hash, stored.pk))
            continue
        unchanged += 1
        if stored.position != position:
            repositioned.append(CardChange(card, position, content_hash, stored.pk))
    in_order = _in_order(kept)
    edited = {change.card.id for change in updated}
    cards_moved = sum(1 for card_id, _ in kept if card_id not in in_order and card_id not in edited)
    present = {card.id for card in deck.cards}
    leaving = _by_position(
        (card_id, stored)
        for card_id, stored in stored_cards.items()
        if card_id not in present and not stored.retired
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
        retired=tuple(stored.pk for _, stored in leaving),
        retired_ids=tuple(card_id for card_id, _ in leaving),
        unchanged=unchanged - cards_moved,
        repositioned=tuple(repositioned),
        cards_moved=cards_moved,
        # A deck stored without its file (an old database) has no file to have moved from.
        moved_from=stored_deck.source_path if moved and stored_deck is not None else None,
    )


def _in_order(kept: list[tuple[str, StoredCard]]) -> set[str]:
    """The ids of a longest run of cards (not necessarily adjacent) the file keeps in their stored
    order; every other card was moved. Patience sorting: O(n log n) for a deck of 50,000 cards."""
    from bisect import bisect_left

    keys = [(stored.position, card_id) for card_id, stored in kept]
    tails: list[tuple[int, str]] = []  # the smallest last key of a run of each length
    tail_at: list[int] = []  # the index in kept of that last card
    before: list[int] = []  # for each card, the index of the one before it in its run (-1: none)
    for index, key in enumerate(keys):
        length = bisect_left(tails, key)
        if length == len(tails):
            tails.append(key)
            tail_at.append(index)
        else:
            tails[length] = key
            tail_at[length] = index
        before.append(tail_at[length - 1] if length else -1)
    ids: set[str] = set()
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        ids.add(kept[index][0])
        index = before[index]
    return ids


def _by_position(cards: Iterable[tuple[str, StoredCard]]) -> list[tuple[str, StoredCard]]:
    return sorted(cards, key=lambda pair: (pair[1].position, pair[0]))


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
    leaving = _by_position(
        (card_id, stored) for card_id, stored in stored_cards.items() if not stored.retired
    )
    return DeckPlan(
        deck=deck,
        is_new_deck=False,
        details_changed=False,
        added=(),
        updated=(),
        restored=(),
        retired=tuple(stored.pk for _, stored in leaving),
        retired_ids=tuple(card_id for card_id, _ in leaving),
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


def confirm_moves(plans: Iterable[DeckPlan], *, move: bool) -> None:
    """Refuse, in one sentence, an import in which another file now defines a stored deck, unless
    the learner said the deck moved (``--move``): a file that merely reuses a deck's name must
    not retire that deck's cards or rewrite them."""
    moves = [plan for plan in plans if plan.moved_from is not None]
    if move or not moves:
        return
    first = moves[0]
    others = ""
    if len(moves) > 1:
        others = ", and other files than before define " + ", ".join(f"'{p.deck.slug}'" for p in moves[1:])
    raise QuizError(
        f"the deck '{first.deck.slug}' was imported from {first.moved_from}, but "
        f"{first.deck.file or first.deck.path} defines it now{others}; nothing was imported. "
        f"If the {'deck has' if len(moves) == 1 else 'decks have'} moved, import again with --move "
        "(cards are matched by id, keeping their history; the others retire)."
    )


NAMED_RETIRED = 5


def retired_notes(plans: Iterable[DeckPlan], *, dry_run: bool = False) -> list[str]:
    """Sentences naming the cards an import retires (a few a deck), and how to bring them back."""
    notes: list[str] = []
    total = 0
    for plan in plans:
        count = len(plan.retired_ids)
        if not count:
            continue
        total += count
        named = ", ".join(plan.retired_ids[:NAMED_RETIRED])
        more = f" and {count - NAMED_RETIRED:,} more" if count > NAMED_RETIRED else ""
        cards = "1 card" if count == 1 else f"{count:,} cards"
        verb = "Would retire" if dry_run else "Retired"
        notes.append(f"{verb} {cards} of {plan.deck.slug}: {named}{more}.")
    if total == 1:
        notes.append(
            "It keeps its history and is never shown; put it back in the deck file and import "
            "the file again to restore it (no command deletes cards)."
        )
    elif total:
        notes.append(
            "They keep their history and are never shown; put them back in the deck file and import "
            "the file again to restore them (no command deletes cards)."
        )
    return notes


def moved_notes(plans: Iterable[DeckPlan], *, dry_run: bool = False) -> list[str]:
    """A sentence for each deck that another file now defines, once the learner confirmed the move."""
    verb = "Would move" if dry_run else "Moved"
    return [
        f"{verb} the deck {plan.deck.slug} from {plan.moved_from} to {plan.deck.file or plan.deck.path}."
        for plan in plans
        if plan.moved_from is not None
    ]
