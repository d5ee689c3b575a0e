"""The deck file format: YAML text -> Deck and Card values, with located problems.

A deck file is untrusted text. It is parsed with PyYAML's safe C parser
(pure-Python fallback) on the *base* resolver, so every plain scalar stays the
string the author wrote (`no`, `0755`, `3:30:15`, `2024-02-30` are never turned
into booleans, numbers or dates). The node tree is then walked against the
schema below, which collects every problem with its line and column instead of
stopping at the first.

Identity lives here alone: a card's id is the author's `id`, or, when it is
missing, ``q-`` followed by the first 12 hex digits of the SHA-256 of the
question after Unicode NFC normalisation, with runs of white space collapsed to
one space and the ends stripped. Editing such a question therefore makes it a
new card, and the loader warns about it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from quizcards.core.errors import QuizError

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class _StringComposer(_Parser, BaseResolver):
    """Composes YAML into nodes where every untagged scalar is a string."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)

    # The base resolver has no implicit or path resolvers, so each node simply gets
    # its kind's default tag. Saying so directly halves the cost of composing.
    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


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

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_DEFAULT_TAGS: dict[type[Node], str] = {ScalarNode: _STR, SequenceNode: _SEQ, MappingNode: _MAP}
_DEFAULT_TAG_NAMES = frozenset(_DEFAULT_TAGS.values())
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
    points: tuple[str, ...] = ()
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
                self.points,
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


def compose_nodes(text: str) -> Node | None:
    """The YAML node tree exactly as the loader reads it (every untagged scalar a string).

    For tools that need the positions of a deck's parts (lint, the id fixer); raises
    ``yaml.YAMLError`` on invalid YAML, so call it on text the loader accepted.
    """
    composer = _StringComposer(text)
    try:
        root: Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return root


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


def decode_deck_bytes(data: bytes, path: str) -> str:
    """Decode a deck file: UTF-8 with or without BOM, any line ending."""
    if len(data) > MAX_FILE_BYTES:
        raise DeckError(
            [
                Problem(
                    path,
                    None,
                    None,
                    f"the file is {len(data):,} bytes; a deck may be at most {MAX_FILE_BYTES:,} bytes.",
                )
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeckError([Problem(path, 1, 1, "the file is UTF-16; save it as UTF-8 instead.")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise DeckError(
            [
                Problem(
                    path,
                    line,
                    column,
                    f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8.",
                )
            ]
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise DeckError([Problem(path, line, None, "the file contains a NUL byte; it is not a text file.")])
    return text.replace("\r\n", "\n")


def parse_deck(data: bytes | str, path: str, default_slug: str) -> Deck:
    """Parse and validate one deck file; raise DeckError listing every problem."""
    text = decode_deck_bytes(data, path) if isinstance(data, bytes) else data
    with _cyclic_gc_paused():
        return _parse_text(text, path, default_slug)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, back as it was after.

    A 10,000-card deck composes into about half a million objects (nodes and
    their marks), and each of the collector's full passes while they pile up
    walks them all: more than half the time of a parse. The tree holds no
    cycles to collect; it goes when its last reference does.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_text(text: str, path: str, default_slug: str) -> Deck:
    try:
        root = compose_nodes(text)
    except yaml.MarkedYAMLError as error:
        raise DeckError([_yaml_problem(path, error)]) from None
    except yaml.reader.ReaderError as error:
        raise DeckError([_reader_problem(path, text, error)]) from None
    except yaml.YAMLError as error:
        message = _clean(" ".join(str(error).split()))
        raise DeckError([Problem(path, None, None, f"YAML error: {message}.")]) from None
    except UnicodeError:
        # Only a str can get here (decoded bytes are valid UTF-8): lone surrogates.
        problem = Problem(path, None, None, "the text is not valid Unicode; save it as UTF-8.")
        raise DeckError([problem]) from None
    except (RecursionError, MemoryError):
        raise DeckError(
            [Problem(path, None, None, "the YAML is nested too deeply or is too large to load.")]
        ) from None
    if root is None:
        raise DeckError([Problem(path, 1, 1, "the file is empty; a deck needs a 'cards' list.")])
    return _Walker(path).deck(root, default_slug)


def _yaml_problem(path: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
    message = _clean(message)
    if "mapping values are not allowed" in message:
        message += " (a value containing ': ' must be quoted, or written as a block with '|')"
    if mark is None:
        return Problem(path, None, None, f"YAML syntax error: {message}.")
    return Problem(path, mark.line + 1, mark.column + 1, f"YAML syntax error: {message}.")


def _reader_problem(path: str, text: str, error: yaml.reader.ReaderError) -> Problem:
    """A character YAML refuses (a control character, say), located by line and column."""
    character = error.character
    code = ord(character) if isinstance(character, str) else int(character)
    # The reader stops at the first character it refuses, so its first occurrence is the one
    # (libyaml reports a byte offset, the Python reader a character offset).
    position = max(text.find(chr(code)), 0)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return Problem(
        path,
        line,
        column,
        f"the file contains the character U+{code:04X}, which YAML does not allow "
        f"({_clean(str(error.reason))}); remove it or write it as an escape in a double-quoted string.",
    )


def _clean(message: str) -> str:
    """A parser message made safe to print (it can quote hostile characters)."""
    return "".join(
        ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in message
    )


class _Walker:
    """Walks the composed node tree against the deck schema, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.reported: set[Problem] = set()
        self.warnings: list[Problem] = []
        self.visited = 0

    def error(self, node: Node, message: str) -> None:
        problem = Problem(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message)
        # A node reused through an alias is walked once per use: report it once.
        if problem not in self.reported:
            self.reported.add(problem)
            self.problems.append(problem)

    def warn(self, node: Node, message: str) -> None:
        self.warnings.append(
            Problem(
                self.path,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                message,
                "warning",
            )
        )

    def visit(self, node: Node) -> None:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise DeckError(
                [
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                        f"the document expands to more than {MAX_NODES:,} YAML nodes "
                        "(aliases included); a deck may not be that large.",
                    )
                ]
            )

    def check_tag(self, node: Node, expected: str) -> bool:
        if node.tag in (_STR, _SEQ, _MAP):
            return True
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.error(
            node,
            f"the YAML tag {_clean(tag)!s} is not allowed; a deck holds only text, lists and mappings.",
        )
        return False

    def mapping(self, node: Node, what: str, valid: tuple[str, ...]) -> dict[str, tuple[Node, Node]] | None:
        self.visit(node)
        if not self.check_tag(node, _MAP):
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {_kind(node)}.")
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            self.visited += 1  # visit(key_node), inlined: a big deck has seven keys a card
            if self.visited > MAX_NODES:
                self.visit(key_node)
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                self.error(key_node, f"a key in {what} must be plain text.")
                continue
            key = key_node.value
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.error(key_node, f"duplicate key '{_clean(key)}' in {what} (first set on line {first}).")
                continue
            if key not in valid:
                hint = suggest_key(key, valid)
                advice = f"; did you mean '{hint}'?" if hint else ""
                allowed = ", ".join(valid)
                self.error(
                    key_node,
                    f"unknown key '{_clean(key)}' in {what}{advice} (valid keys: {allowed}).",
                )
                continue
            entries[key] = (key_node, value_node)
        return entries

    def text(
        self,
        node: Node,
        what: str,
        *,
        limit: int,
        required: bool = False,
        single_line: bool = False,
    ) -> str | None:
        # The hot path of a big deck (seven texts a card): visit and check_tag inlined.
        self.visited += 1
        if self.visited > MAX_NODES:
            self.visit(node)
        if node.tag not in _DEFAULT_TAG_NAMES:
            self.check_tag(node, _STR)
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, not {_kind(node)}.")
            return None
        value: str = node.value
        if required and not value.strip():
            self.error(node, f"{what} must not be empty.")
            return None
        if len(value) > limit:
            self.error(node, f"{what} is {len(value):,} characters long; the limit is {limit:,}.")
            return None
        if single_line and "\n" in value.strip():
            self.error(node, f"{what} must be a single line.")
            return None
        return value.strip() if single_line else value

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        self.visit(node)
        if not self.check_tag(node, _SEQ):
            return ()
        if not isinstance(node, SequenceNode):
            self.error(
                node,
                f"{what} must be a list (write [item, item] or one '- item' per line), not {_kind(node)}.",
            )
            return ()
        if len(node.value) > MAX_ITEMS:
            self.error(node, f"{what} has {len(node.value)} items; the limit is {MAX_ITEMS}.")
            return ()
        items: list[str] = []
        each = f"each item of {what}"
        for item in node.value:
            value = self.text(item, each, limit=MAX_ITEM_LENGTH, required=True)
            if value is not None:
                items.append(value.strip())
        return tuple(items)

    def name(self, node: Node, what: str) -> str | None:
        value = self.text(node, what, limit=10 * MAX_ID_LENGTH, required=True, single_line=True)
        if value is None:
            return None
        # One spelling per name: "café" typed precomposed or decomposed is one card.
        value = unicodedata.normalize("NFC", value)
        if not is_valid_name(value):
            self.error(node, f"{what} '{_clean(value[:80])}' {_name_rule(value)}")
            return None
        return value

    def deck(self, root: Node, default_slug: str) -> Deck:
        default_slug = unicodedata.normalize("NFC", default_slug)  # macOS file names are decomposed
        entries = self.mapping(root, "the deck", DECK_KEYS)
        if entries is None:
            raise DeckError(self.problems)
        slug: str | None = None
        name_at = (1, 1)
        if "deck" in entries:
            name_node = entries["deck"][1]
            name_at = (name_node.start_mark.line + 1, name_node.start_mark.column + 1)
            slug = self.name(name_node, "the deck name")
        elif is_valid_name(default_slug):
            slug = default_slug
        else:
            self.error(
                root,
                f"the file name gives the deck name '{_clean(default_slug[:80])}', which "
                f"{_name_rule(default_slug)[:-1]}; set 'deck:' in the file.",
            )
        title = slug or default_slug
        if "title" in entries:
            title = (
                self.text(
                    entries["title"][1], "the title", limit=MAX_TITLE_LENGTH, required=True, single_line=True
                )
                or title
            )
        description = ""
        if "description" in entries:
            description = (
                self.text(entries["description"][1], "the description", limit=MAX_DESCRIPTION_LENGTH) or ""
            ).strip()
        tags = self.text_list(entries["tags"][1], "the deck's tags") if "tags" in entries else ()
        cards: list[Card] = []
        if "cards" not in entries:
            self.error(root, "the deck has no 'cards' list.")
        else:
            cards = self.cards(entries["cards"][1])
        if self.problems or slug is None:
            raise DeckError(sorted(self.problems, key=_position))
        return Deck(
            slug=slug,
            title=title,
            path=self.path,
            description=description,
            tags=tags,
            cards=tuple(cards),
            warnings=tuple(self.warnings),
            name_line=name_at[0],
            name_column=name_at[1],
        )

    def cards(self, node: Node) -> list[Card]:
        self.visit(node)
        if not self.check_tag(node, _SEQ):
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"'cards' must be a list of cards, not {_kind(node)}.")
            return []
        if not node.value:
            self.error(node, "'cards' is empty; a deck needs at least one card.")
            return []
        if len(node.value) > MAX_CARDS:
            self.error(node, f"the deck has {len(node.value):,} cards; the limit is {MAX_CARDS:,}.")
            return []
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        for number, card_node in enumerate(node.value, start=1):
            card = self.card(card_node, number)
            if card is None:
                continue
            line = card_node.start_mark.line + 1
            if card.id in first_line:
                how = (
                    "the same question appears twice"
                    if card.id_generated
                    else f"duplicate card id '{_clean(card.id)}'"
                )
                self.error(card_node, f"{how} (first on line {first_line[card.id]}).")
                continue
            first_line[card.id] = line
            cards.append(card)
        return cards

    def card(self, node: Node, number: int) -> Card | None:
        what = f"card {number}"
        written_id = _peek_id(node)
        if written_id is not None:
            what = f"card '{written_id}'"  # a valid name: nothing in it for _clean to escape
        entries = self.mapping(node, what, CARD_KEYS)
        if entries is None:
            return None
        errors_before = len(self.problems)
        card_id: str | None = None
        if "id" in entries:
            card_id = self.name(entries["id"][1], f"the id of card {number}")
        question = answer = None
        if "q" not in entries:
            self.error(node, f"{what} has no question ('q').")
        else:
            question = self.text(
                entries["q"][1], f"the question of {what}", limit=MAX_QUESTION_LENGTH, required=True
            )
        if "a" not in entries:
            self.error(node, f"{what} has no answer ('a').")
        else:
            answer = self.text(
                entries["a"][1], f"the answer of {what}", limit=MAX_ANSWER_LENGTH, required=True
            )
        points = self.text_list(entries["points"][1], f"the points of {what}") if "points" in entries else ()
        hints = self.text_list(entries["hints"][1], f"the hints of {what}") if "hints" in entries else ()
        tags = self.text_list(entries["tags"][1], f"the tags of {what}") if "tags" in entries else ()
        source = None
        if "source" in entries:
            source = self.text(entries["source"][1], f"the source of {what}", limit=MAX_ITEM_LENGTH)
            source = source.strip() if source else None
        if len(self.problems) > errors_before or question is None or answer is None:
            return None
        generated = card_id is None
        if card_id is None:
            card_id = derive_card_id(question)
            self.warn(
                node,
                f"card {number} has no id; it gets '{card_id}' from its question, so editing "
                "the question will make it a new card (add 'id:' to keep its history).",
            )
        return Card(
            id=card_id,
            question=question.strip(),
            answer=answer.strip("\n"),
            points=points,
            hints=hints,
            tags=tags,
            source=source,
            id_generated=generated,
            line=node.start_mark.line + 1,
        )


def _peek_id(node: Node) -> str | None:
    """The card's id as written, if it is a valid one, to name the card in messages."""
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
            return value.value if is_valid_name(value.value) else None
    return None


def _position(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "text"


def _name_rule(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        return f"is {len(value)} characters long; the limit is {MAX_ID_LENGTH}."
    return (
        "may contain only letters (with their accents and marks), digits, '-', '_' and '.', "
        "and must start with a letter or digit."
    )
