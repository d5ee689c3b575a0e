"""Where each card of a deck file's text is written: card id -> line, for editors to jump to.

It reads as much as it can and never fails: a file that no longer parses, or a card
written oddly, simply has no line (the caller shows the file alone). A card's line is
that of its ``id:`` key, or, for a card without one, of its first key (the list item's
start), whose id comes from the question as the loader derives it.
"""

from __future__ import annotations

import unicodedata

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.core.deck.model import derive_card_id
from quizcards.core.deck.reading import cards_node, compose_nodes


def card_lines(text: str) -> dict[str, int]:
    """Each card's id with its 1-based line; {} when the text is not a deck YAML can read."""
    try:
        root = compose_nodes(text)
    except (yaml.YAMLError, UnicodeError, RecursionError, MemoryError):
        return {}
    cards = cards_node(root)
    if not isinstance(cards, SequenceNode):
        return {}
    lines: dict[str, int] = {}
    for item in cards.value:
        located = _card_line(item)
        if located is not None:
            lines.setdefault(*located)  # a duplicate id: the first one, as the loader's message names
    return lines


def card_line(text: str, card_id: str) -> int | None:
    """The line of one card in the text, if it is still there."""
    return card_lines(text).get(unicodedata.normalize("NFC", card_id))


def _card_line(item: Node) -> tuple[str, int] | None:
    if not isinstance(item, MappingNode):
        return None
    keys = {key.value: (key, value) for key, value in item.value if isinstance(key, ScalarNode)}
    if "id" in keys:
        key, value = keys["id"]
        if not isinstance(value, ScalarNode) or not value.value.strip():
            return None
        return unicodedata.normalize("NFC", value.value.strip()), key.start_mark.line + 1
    if "q" in keys:
        question = keys["q"][1]
        if isinstance(question, ScalarNode) and question.value.strip():
            return derive_card_id(question.value), item.start_mark.line + 1
    return None
