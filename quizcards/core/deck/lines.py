"""Where each card of a deck file's text is written: card id -> line, for editors to jump to.

It reads as much as it can and never fails: a file that no longer parses, or a card
written oddly, simply has no line (the caller shows the file alone). A card's line is
that of its ``id:`` key, or, for a card without one, of its first key (the list item's
start), whose id comes from the question as the loader derives it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.core.deck.model import derive_card_id
from quizcards.core.deck.reading import cards_node, compose_nodes, cyclic_gc_paused


def find_card_lines(text: str, card_ids: Iterable[str]) -> dict[str, int]:
    """The lines of these cards (those found): a quick look for each one's `id:` line, and the
    whole text read as YAML only for a card that look does not settle.

    Reading a deck of 10,000 cards as YAML takes a second; `quiz stats` wants five lines of it.
    A card's `id: ID` alone on its line, once in the file, is that card (only an answer quoting
    such a line word for word could mislead it); none, or several, and the YAML decides.
    """
    wanted = set(card_ids)
    hits: dict[str, list[int]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = _ID_LINE.match(line) if "id" in line else None
        if match is not None and match["id"] in wanted:
            hits.setdefault(match["id"], []).append(number)
    found = {card_id: numbers[0] for card_id, numbers in hits.items() if len(numbers) == 1}
    unsure = wanted - found.keys()
    if unsure:
        lines = card_lines(text)
        found.update({card_id: lines[card_id] for card_id in unsure if card_id in lines})
    return found


# `id: ID` on a line of its own: perhaps a list item's first key, quoted, or with a comment after.
_ID_LINE = re.compile(
    r"[ \t]*(?:-[ \t]+)*id[ \t]*:[ \t]*(?P<quote>['\"]?)(?P<id>[^\s'\"#]+)(?P=quote)[ \t]*(?:#.*)?\Z"
)


def card_lines(text: str) -> dict[str, int]:
    """Each card's id with its 1-based line; {} when the text is not a deck YAML can read."""
    try:
        with cyclic_gc_paused():
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
    card_id = unicodedata.normalize("NFC", card_id)
    return find_card_lines(text, [card_id]).get(card_id)


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
