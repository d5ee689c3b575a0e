"""The deck file format: YAML text -> Deck and Card values, with located problems.

Where each rule lives: ``model`` (the values, limits, names and ids), ``reading``
(bytes to text, YAML to nodes, YAML errors as problems), ``loader`` (the walk
from nodes to a Deck) and ``schema`` (the same format as JSON Schema). The names
below are re-exported so that ``from quizcards.core.deck import Deck`` keeps working.
"""

from __future__ import annotations

from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import (
    CARD_KEYS,
    DECK_KEYS,
    MAX_ANSWER_LENGTH,
    MAX_CARDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_FILE_BYTES,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_NODES,
    MAX_QUESTION_LENGTH,
    MAX_TITLE_LENGTH,
    Card,
    Deck,
    DeckError,
    Level,
    Problem,
    derive_card_id,
    is_name_character,
    is_name_start,
    is_valid_name,
    suggest_key,
)
from quizcards.core.deck.reading import compose_nodes, decode_deck_bytes

__all__ = [
    "CARD_KEYS",
    "DECK_KEYS",
    "MAX_ANSWER_LENGTH",
    "MAX_CARDS",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_FILE_BYTES",
    "MAX_ID_LENGTH",
    "MAX_ITEMS",
    "MAX_ITEM_LENGTH",
    "MAX_NODES",
    "MAX_QUESTION_LENGTH",
    "MAX_TITLE_LENGTH",
    "Card",
    "Deck",
    "DeckError",
    "Level",
    "Problem",
    "compose_nodes",
    "decode_deck_bytes",
    "derive_card_id",
    "is_name_character",
    "is_name_start",
    "is_valid_name",
    "parse_deck",
    "suggest_key",
]
