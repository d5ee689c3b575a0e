"""The deck format's values: cards, decks, located problems, limits, and the rules for names and ids.

Identity lives here alone: a card's id is the author's `id`, or, when it is
missing, ``q-`` followed by the first 12 hex digits of the SHA-256 of the
question after Unicode NFC normalisation, with runs of white space collapsed to
one space and the ends stripped. Editing such a question therefore makes it a
new card, and the loader warns about it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from quizcards.core.errors import QuizError
from quizcards.core.points import Point

# Limits that keep a hostile or broken file from taking unbounded memory or time.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_CARDS = 50_000
MAX_ID_LENGTH = 64
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2_000
MAX_QUESTION_LENGTH = 2_000
MAX_ANSWER_LENGTH = 50_000
MAX_ITEM_LENGTH = 1_000
MAX_ITEMS = 50

DECK_KEYS = ("deck", "title", "description", "tags", "cards")
CARD_KEYS = ("id", "q", "a", "points", "hints", "tags", "source")
# Words people reach for first; difflib alone would not map them to one letter.
_KEY_ALIASES = {
    "question": "q",
    "questions": "q",
    "prompt": "q",
    "front": "q",
    "answer": "a",
    "answers": "a",
    "back": "a",
    "response": "a",
    "key_points": "points",
    "keypoints": "points",
    "point": "points",
    "hint": "hints",
    "tag": "tags",
    "name": "deck",
    "desc": "description",
    "summary": "description",
    "slug": "deck",
    "card": "cards",
    "references": "source",
    "reference": "source",
    "sources": "source",
}

_WHITESPACE = re.compile(r"\s+")

Level = Literal["error", "warning"]
# json.dumps(value, ensure_ascii=False) makes a new encoder at every call; the hash of every card
# of a deck is taken at every import, so one encoder, giving the same text, is kept.
_HASH_ENCODER = json.JSONEncoder(ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deck file, located as precisely as YAML allows."""

    path: str
    line: int | None
    column: int | None
    message: str
    level: Level = "error"

    @property
    def location(self) -> str:
        """FILE, FILE:LINE or FILE:LINE:COL, as precisely as known."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def with_level(self) -> str:
        """FILE:LINE:COL: level: message, the form `quiz lint` prints."""
        return f"{self.location}: {self.level}: {self.message}"


class DeckError(QuizError):
    """One or more deck files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Card:
    """One self-explanation question, as the author wrote it."""

    id: str
    question: str
    answer: str
    points: tuple[Point, ...] = ()
    hints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str | None = None
    id_generated: bool = False
    line: int | None = None

    def content_hash(self) -> str:
        """A fingerprint of everything the author wrote, to tell edits apart."""
        text = _HASH_ENCODER.encode(
            [
                self.question,
                self.answer,
                # A point without alternatives hashes as the text it always was.
                [point.stored() for point in self.points],
                self.hints,
                self.tags,
                self.source,
            ]
        )
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Deck:
    """A named, ordered collection of cards loaded from one file."""

    slug: str
    title: str
    path: str
    description: str = ""
    tags: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    # Where the deck's name is written (its 'deck:' value), or the file's start.
    name_line: int = 1
    name_column: int = 1
    # The file's absolute path, once read from disk: what the store remembers the deck by.
    file: str | None = None


def derive_card_id(question: str) -> str:
    """The id of a card whose author gave none: stable for the same question."""
    normal = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", question)).strip()
    return "q-" + hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def is_name_start(character: str) -> bool:
    """A name starts with a letter or digit of any script (never '.', '-' or '_')."""
    return character.isalnum()


def is_name_character(character: str) -> bool:
    """Letters and digits of any script, their combining marks (Hindi, Thai), '-', '_' and '.'."""
    return character.isalnum() or character in "-_." or unicodedata.category(character)[0] == "M"


def is_valid_name(name: str) -> bool:
    """True for a deck slug or card id: at most MAX_ID_LENGTH letters, digits, marks, '-', '_', '.'.

    Such a name can never be a path, a hidden file or a command-line option.
    """
    return (
        0 < len(name) <= MAX_ID_LENGTH
        and is_name_start(name[0])
        and all(is_name_character(character) for character in name[1:])
    )


def suggest_key(key: str, valid: tuple[str, ...]) -> str | None:
    """The valid key the author most likely meant, if any."""
    lowered = key.strip().lower().replace("-", "_").replace(" ", "_")
    if lowered in valid:
        return lowered
    if lowered in _KEY_ALIASES and _KEY_ALIASES[lowered] in valid:
        return _KEY_ALIASES[lowered]
    import difflib  # only a deck with an unknown key needs it

    close = difflib.get_close_matches(lowered, list(valid) + list(_KEY_ALIASES), n=1, cutoff=0.6)
    if not close:
        return None
    return _KEY_ALIASES.get(close[0], close[0])


def name_rule(value: str) -> str:
    """Why a name is refused, as the end of a sentence that quotes it."""
    if len(value) > MAX_ID_LENGTH:
        return f"is {len(value)} characters long; the limit is {MAX_ID_LENGTH}."
    return (
        "may contain only letters (with their accents and marks), digits, '-', '_' and '.', "
        "and must start with a letter or digit."
    )


def visible(value: str) -> str:
    """A value from a deck file as a message quotes it: each character that would not print
    as itself (controls, line breaks, zero-width and bidi marks) written as an escape.

    This is not the terminal's safety, which ``adapters.sanitize`` gives every message where
    it is printed; it lets the author see the character that is wrong (a key ``q`` followed
    by a zero-width space reads ``unknown key 'q\\u200b'``), and keeps each problem on one
    line, so FILE:LINE:COL output stays one problem a line.
    """
    return "".join(
        ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in value
    )
