"""The JSON Schema (draft 2020-12) of a deck file, built from the loader's own keys and limits.

There is one definition of the deck format: ``quizcards.core.deck.model``. This module
translates its key lists (``DECK_KEYS``, ``CARD_KEYS``), its limits (``MAX_*``)
and its name rule into JSON Schema, for editors (``# yaml-language-server:
$schema=...``) and for tests, which validate the same decks with both and
expect the same verdict.

Readings, where JSON Schema cannot say exactly what the loader does:

1. The schema describes the file as an editor reads it. quizcards reads every
   scalar as text (``id: 1``, ``a: yes`` and ``title: 1984`` are the strings
   "1", "yes" and "1984"), while YAML 1.2 editors read numbers and booleans.
   So wherever the loader wants text, numbers and booleans are accepted too,
   and ``null`` (an empty value) wherever the loader accepts empty text.
   A deck read the loader's way (every scalar a string) gets the loader's verdict.
2. Names (``deck``, card ``id``): the loader's rule is two character predicates,
   ``model.is_name_start`` and ``model.is_name_character`` (letters and digits of
   any script, their combining marks, '-', '_', '.'), on the value stripped of
   surrounding white space, at most ``MAX_ID_LENGTH`` characters. ECMA-262 regexes
   (what editors use) have no portable Unicode classes, so the pattern lists the
   code point ranges the predicates accept, computed from them: exact for every
   character Python's Unicode database knows.
3. What JSON Schema cannot express stays with the loader (and ``quiz lint``):
   unique card ids and questions, duplicate YAML keys, YAML tags, the file's
   encoding and size, and the deck name taken from the file name.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from quizcards.core.deck.model import (
    CARD_KEYS,
    DECK_KEYS,
    MAX_ANSWER_LENGTH,
    MAX_CARDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_QUESTION_LENGTH,
    MAX_TITLE_LENGTH,
    is_name_character,
    is_name_start,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "quizcards deck"

# The loader reads a name through its text check (at most ten times the name
# limit before stripping), then applies the name rule to the stripped value.
_NAME_TEXT_LIMIT = 10 * MAX_ID_LENGTH


def _character_class(accepts: Callable[[str], bool]) -> str:
    """A regex class of every code point the predicate accepts, as literal ranges."""
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for code in range(0x110000):
        ok = not 0xD800 <= code <= 0xDFFF and accepts(chr(code))
        if ok and start is None:
            start = code
        elif not ok and start is not None:
            ranges.append((start, code - 1))
            start = None
    if start is not None:
        ranges.append((start, 0x10FFFF))

    def literal(code: int) -> str:
        character = chr(code)
        return "\\" + character if character in "\\]-^[" else character

    return (
        "["
        + "".join(literal(low) if low == high else f"{literal(low)}-{literal(high)}" for low, high in ranges)
        + "]"
    )


@functools.cache
def name_pattern() -> str:
    """The name rule as a regex; built on first use (it scans every code point: most of a second)."""
    return (
        rf"^\s*{_character_class(is_name_start)}{_character_class(is_name_character)}"
        rf"{{0,{MAX_ID_LENGTH - 1}}}\s*$"
    )


# Text that must not be blank.
NOT_BLANK_PATTERN = r"\S"
# Not blank, and one line once the surrounding white space is stripped.
SINGLE_LINE_PATTERN = r"^\s*\S(?:[^\n]*\S)?\s*$"

_SCALAR_TYPES = ["string", "number", "boolean"]


def _text(
    description: str, *, limit: int, required: bool = False, single_line: bool = False
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "description": description,
        "type": _SCALAR_TYPES if required else [*_SCALAR_TYPES, "null"],
        "maxLength": limit,
    }
    if single_line:
        schema["pattern"] = SINGLE_LINE_PATTERN
    elif required:
        schema["pattern"] = NOT_BLANK_PATTERN
    return schema


def _text_list(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "type": "array",
        "maxItems": MAX_ITEMS,
        "items": {"$ref": "#/$defs/item"},
    }


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, as a JSON-ready dictionary."""
    card_properties: dict[str, Any] = {
        "id": {
            "$ref": "#/$defs/name",
            "description": (
                "The card's stable id; its review history follows it. Without one the card gets "
                "'q-' and a hash of its question, so editing the question starts a new card."
            ),
        },
        "q": _text(
            "The question, answered in your own words before the answer is shown.",
            limit=MAX_QUESTION_LENGTH,
            required=True,
        ),
        "a": _text(
            "The model answer, in Markdown (lists, tables and fenced code render in the terminal).",
            limit=MAX_ANSWER_LENGTH,
            required=True,
        ),
        "points": {
            "description": (
                "Key points a good explanation mentions; checked against what you typed. A point is "
                "text, or a list of wordings: the first is shown, the others also count."
            ),
            "type": "array",
            "maxItems": MAX_ITEMS,
            "items": {"$ref": "#/$defs/point"},
        },
        "hints": _text_list("Hints, shown one at a time when you ask for one during a review."),
        "tags": _text_list("The card's tags (quiz review --tag, quiz cards --tag)."),
        "source": _text("Where the answer comes from (a paper, a book, a URL).", limit=MAX_ITEM_LENGTH),
    }
    deck_properties: dict[str, Any] = {
        "deck": {
            "$ref": "#/$defs/name",
            "description": "The deck's name (default: the file name without .yaml).",
        },
        "title": _text(
            "The deck's title, one line.", limit=MAX_TITLE_LENGTH, required=True, single_line=True
        ),
        "description": _text("What the deck covers.", limit=MAX_DESCRIPTION_LENGTH),
        "tags": _text_list("Tags of every card in the deck."),
        "cards": {
            "description": "The cards, in the order new cards are introduced.",
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_CARDS,
            "items": {"$ref": "#/$defs/card"},
        },
    }
    return {
        "$schema": DRAFT,
        "title": TITLE,
        "description": (
            "A quizcards deck: self-explanation flashcards. Check a file with `quiz lint FILE`, "
            "which also finds what this schema cannot express (duplicate ids or questions)."
        ),
        "type": "object",
        # The loader's key lists decide which keys exist: a key added there and not
        # described here is a KeyError, not a silent gap.
        "properties": {key: deck_properties[key] for key in DECK_KEYS},
        "required": ["cards"],
        "additionalProperties": False,
        "$defs": {
            "name": {
                "type": ["string", "number", "boolean"],
                "minimum": 0,
                "maxLength": _NAME_TEXT_LIMIT,
                "pattern": name_pattern(),
            },
            "item": {
                "type": _SCALAR_TYPES,
                "maxLength": MAX_ITEM_LENGTH,
                "pattern": NOT_BLANK_PATTERN,
            },
            "point": {
                "anyOf": [
                    {"$ref": "#/$defs/item"},
                    {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_ITEMS,
                        "items": {"$ref": "#/$defs/item"},
                    },
                ],
            },
            "card": {
                "description": "One card: a question and its model answer.",
                "type": "object",
                "properties": {key: card_properties[key] for key in CARD_KEYS},
                "required": ["q", "a"],
                "additionalProperties": False,
            },
        },
    }


def schema_text() -> str:
    """The schema as the JSON text `quiz schema` prints and `quiz new` writes."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"


def is_quizcards_schema(text: str) -> bool:
    """True for a file this module wrote (any version): it may be replaced by a newer one."""
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and value.get("title") == TITLE and value.get("$schema") == DRAFT
