"""Byte-exact edits of a deck file: a card appended, generated ids written in; every other byte kept.

Files are never re-dumped. ``append_card`` and ``insert_generated_ids`` take a
deck file's bytes and return them with text inserted at positions taken from
the loader's own node tree; every other byte stays as it was (comments, blank
lines, quoting, a byte-order mark, CRLF line ends). Each result is parsed again
before it is returned, and refused unless it reads as the old deck plus exactly
the intended change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.core.authoring.cards import NewCard
from quizcards.core.authoring.words import normal_form
from quizcards.core.authoring.yaml_text import card_text
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import Card, Deck, DeckError
from quizcards.core.deck.reading import cards_node, compose_nodes
from quizcards.core.errors import QuizError

_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Appended:
    """A deck file's new bytes and the line the new card starts on."""

    data: bytes
    line: int


def append_card(data: bytes, path: str, default_slug: str, card: NewCard) -> Appended:
    """The file with the card inserted after its last card; all other bytes unchanged."""
    deck = parse_deck(data, path, default_slug)
    if card.id in {existing.id for existing in deck.cards}:
        raise QuizError(f"{path} already has a card with the id '{card.id}'; nothing was written.")
    same = _same_question(card.question, deck.cards)
    if same is not None:
        raise QuizError(f"{path}:{same.line}: the deck already asks this question; nothing was written.")
    bom, text = _text_of(data)
    cards = cards_node(compose_nodes(text))
    if cards is None or not isinstance(cards, SequenceNode) or cards.flow_style:
        raise QuizError(
            f"{path}: 'cards' is written as a flow list ([...]); quiz add can only append to a "
            "list written with one '- ' per card. Nothing was written."
        )
    last = cards.value[-1]
    newline = _newline_of(text)
    after_last = _line_start_at_or_after(text, _content_end(last))
    # Nothing but comments after the cards: a plain append. Otherwise another key
    # or a document end follows, and the card goes right after the last one.
    trailing = all(_is_blank_or_comment(line) for line in _lines(text[after_last:]))
    at = len(text) if trailing else after_last
    before = text[:at]
    prefix = ""
    if before and not _YAML_BREAK.match(before[-1]):
        prefix = newline
    dash_line, dash_column = _dash_position(text, cards)
    if _blank_separated(text, cards, dash_line) and not (before + prefix).endswith(newline * 2):
        prefix += newline
    key_column = max(int(last.start_mark.column), dash_column + 2)
    insert = prefix + card_text(card, dash_column=dash_column, key_column=key_column, newline=newline)
    offset = len(bom) + len(before.encode("utf-8"))
    result = data[:offset] + insert.encode("utf-8") + data[offset:]
    reread = _reparse(result, path, default_slug)
    if (
        reread is None
        or len(reread.cards) != len(deck.cards) + 1
        or replace(reread, cards=reread.cards[:-1]) != deck
        or not card.matches(reread.cards[-1])
    ):
        raise QuizError(
            f"{path}: the file's layout does not let quiz add append a card safely; nothing was "
            "written. Add the card by hand."
        )
    return Appended(result, reread.cards[-1].line or 0)


# ---- fixing ids ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedIds:
    """A deck file's new bytes and each id written, with the card's new line."""

    data: bytes
    written: tuple[tuple[int, str], ...]


def insert_generated_ids(data: bytes, path: str, default_slug: str) -> FixedIds:
    """Write each generated id into its card as `id: ...`, changing no other byte.

    The ids are the loader's own (``derive_card_id`` of the question), so every
    card keeps the id, and the history, it had.
    """
    deck = parse_deck(data, path, default_slug)
    if not any(card.id_generated for card in deck.cards):
        return FixedIds(data, ())
    bom, text = _text_of(data)
    cards = cards_node(compose_nodes(text))
    nodes = cards.value if isinstance(cards, SequenceNode) else []
    if len(nodes) != len(deck.cards):
        raise QuizError(f"{path}: the cards could not be matched with the file; no ids were written.")
    newline = _newline_of(text)
    edits: list[tuple[int, str]] = []
    for node, card in zip(nodes, deck.cards, strict=True):
        if not card.id_generated or not isinstance(node, MappingNode) or not node.value:
            continue
        if node.flow_style:
            brace = text.index("{", node.start_mark.index)
            edits.append((brace + 1, f"id: {card.id}, "))
        else:
            first_key = node.value[0][0]
            edits.append(
                (first_key.start_mark.index, f"id: {card.id}{newline}{' ' * first_key.start_mark.column}")
            )
    result = data
    for index, insert in sorted(edits, reverse=True):
        offset = len(bom) + len(text[:index].encode("utf-8"))
        result = result[:offset] + insert.encode("utf-8") + result[offset:]
    reread = _reparse(result, path, default_slug)
    if (
        reread is None
        or [(c.id, c.content_hash()) for c in reread.cards] != [(c.id, c.content_hash()) for c in deck.cards]
        or any(c.id_generated for c in reread.cards)
        or replace(reread, cards=()) != replace(deck, cards=())
    ):
        raise QuizError(
            f"{path}: the file's layout does not let quiz lint write the ids safely; nothing was "
            "written. Add 'id:' to each card by hand."
        )
    written = tuple(
        (after.line or 0, after.id)
        for before, after in zip(deck.cards, reread.cards, strict=True)
        if before.id_generated
    )
    return FixedIds(result, written)


def _text_of(data: bytes) -> tuple[bytes, str]:
    bom = _BOM if data.startswith(_BOM) else b""
    return bom, data[len(bom) :].decode("utf-8")


def _newline_of(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


def _content_end(node: Node) -> int:
    """Where the node's own text ends: its last scalar or closing bracket, not the
    comments and blank lines a block collection's end mark runs on into."""
    if isinstance(node, ScalarNode) or (isinstance(node, MappingNode | SequenceNode) and node.flow_style):
        return int(node.end_mark.index)
    ends = [node.start_mark.index]
    if isinstance(node, MappingNode):
        for key, value in node.value:
            ends += [_content_end(key), _content_end(value)]
    elif isinstance(node, SequenceNode):
        ends += [_content_end(item) for item in node.value]
    return int(max(ends))


def _line_start_at_or_after(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    if index == 0 or (_YAML_BREAK.match(text, index - 1) and not text.startswith("\r\n", index - 1)):
        return index
    match = _YAML_BREAK.search(text, index)
    return match.end() if match else len(text)


def _lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (it also breaks lines at NEL, LS and PS)."""
    return _YAML_BREAK.split(text)


def _dash_position(text: str, cards: SequenceNode) -> tuple[int, int]:
    """The line and column of the '-' before the last card: on its line or the line above."""
    lines = _lines(text)
    start = int(cards.value[-1].start_mark.line)
    for number in range(start, -1, -1):
        line = lines[number]
        if number < start and _is_blank_or_comment(line):
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("-"):
            return number, len(line) - len(stripped)
        if number < start:
            break
    return start, int(cards.start_mark.column)


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _blank_separated(text: str, cards: SequenceNode, dash_line: int) -> bool:
    """Whether the cards are set apart by blank lines (the default for a single card)."""
    if len(cards.value) < 2:
        return True
    lines = _lines(text)
    return dash_line > 0 and not lines[dash_line - 1].strip()


def _reparse(data: bytes, path: str, default_slug: str) -> Deck | None:
    try:
        return parse_deck(data, path, default_slug)
    except DeckError:
        return None


def _same_question(question: str, cards: Iterable[Card]) -> Card | None:
    normal = normal_form(question)
    return next((card for card in cards if normal and normal_form(card.question) == normal), None)
