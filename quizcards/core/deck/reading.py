"""Reading a deck file's text: bytes to text, YAML to a node tree of strings, YAML errors as located problems.

A deck file is untrusted text. It is parsed with PyYAML's safe C parser
(pure-Python fallback) on the *base* resolver, so every plain scalar stays the
string the author wrote (`no`, `0755`, `3:30:15`, `2024-02-30` are never turned
into booleans, numbers or dates).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from quizcards.core.deck.model import MAX_FILE_BYTES, DeckError, Problem, visible
from quizcards.core.deck.yaml_errors import explain_yaml_error

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


STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
_DEFAULT_TAGS: dict[type[Node], str] = {ScalarNode: STR_TAG, SequenceNode: SEQ_TAG, MappingNode: MAP_TAG}
DEFAULT_TAG_NAMES = frozenset(_DEFAULT_TAGS.values())


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


def compose_deck(text: str, path: str) -> Node:
    """The deck's node tree, or a DeckError locating the YAML problem (the file's only one)."""
    try:
        root = compose_nodes(text)
    except yaml.MarkedYAMLError as error:
        raise DeckError([_yaml_problem(path, text, error)]) from None
    except yaml.reader.ReaderError as error:
        raise DeckError([_reader_problem(path, text, error)]) from None
    except yaml.YAMLError as error:
        message = visible(" ".join(str(error).split()))
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
    return root


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
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


def _yaml_problem(path: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """The parser's complaint said in the author's terms, where the fix belongs."""
    explained = explain_yaml_error(text.split("\n"), error) if error.problem_mark is not None else None
    if explained is not None:
        line, column, sentence = explained
        return Problem(path, line + 1, column + 1, f"YAML syntax error: {visible(sentence)}")
    mark = error.problem_mark or error.context_mark
    message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
    message = visible(message)
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
        f"({visible(str(error.reason))}); remove it or write it as an escape in a double-quoted string.",
    )


def cards_node(root: Node | None) -> Node | None:
    """The value of the deck's 'cards' key, whatever its kind, if the deck has one."""
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "cards":
            cards: Node = value
            return cards
    return None


def values_of(node: Node) -> dict[str, Node]:
    """A mapping node's values by their keys (nothing for any other node)."""
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}
