"""How a value is written as YAML: a plain id, a double-quoted scalar, a literal block, a point, a card."""

from __future__ import annotations

import re

from quizcards.core.authoring.cards import NewCard
from quizcards.core.points import Point

# Outside these a double-quoted scalar needs an escape: the C0 and C1 controls,
# DEL, YAML's extra line breaks (NEL, LS, PS), the byte-order mark, surrogates
# and the two non-characters; '"' and '\' always.
_UNSAFE_QUOTED = re.compile(
    '["\\\\]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
)
# A literal block scalar can hold tabs and newlines, but nothing that needs an escape.
_UNSAFE_BLOCK = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# An id that YAML 1.1 or 1.2 could read as anything but a string is quoted.
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"])


def card_text(card: NewCard, *, dash_column: int = 2, key_column: int = 4, newline: str = "\n") -> str:
    """One card as a YAML block-sequence item, every scalar quoted or a literal block."""
    if key_column <= dash_column:
        raise ValueError("the keys must sit right of the dash")
    keys = " " * key_column
    step = key_column - dash_column
    item_column = key_column + step
    lines = [" " * dash_column + "-" + " " * (step - 1) + "id: " + id_scalar(card.id)]
    lines.append(f"{keys}q: {scalar(card.question, key_column)}")
    lines.append(f"{keys}a: {scalar(card.answer, key_column)}")
    if card.points:
        lines.append(f"{keys}points:")
        lines.extend(" " * item_column + "- " + point_scalar(point, item_column) for point in card.points)
    for key, items in (("hints", card.hints), ("tags", card.tags)):
        if items:
            lines.append(f"{keys}{key}:")
            lines.extend(" " * item_column + "- " + scalar(item, item_column) for item in items)
    return "\n".join(lines).replace("\n", newline) + newline


def point_scalar(point: Point, parent_column: int) -> str:
    """A point after `- `: its text as a scalar, or its wordings as a flow list of quoted scalars."""
    if not point.alternatives:
        return scalar(point.text, parent_column)
    return "[" + ", ".join(quoted(wording) for wording in point.wordings) + "]"


def quoted(value: str) -> str:
    """A YAML double-quoted scalar; every character YAML could misread is escaped.

    Written by hand rather than by PyYAML's emitter, which reads back the same but
    writes different text (checked against PyYAML 6.0: tests/test_authoring.py
    compares the two over every code point):

    - it escapes every character above U+FFFD even with ``allow_unicode=True``
      (``Emitter.write_double_quoted`` accepts only U+00A0-U+D7FF and U+E000-U+FFFD),
      so an emoji, a CJK extension character or a math letter typed into
      ``quiz add`` would land in the author's file as ``\\U0001F600``;
    - it spells controls and line breaks with YAML's short escapes (``\\a``, ``\\e``,
      ``\\0``, ``\\N``, ``\\L``, ``\\P``), where decks have always had ``\\x07``,
      ``\\x1B``, ``\\x00``, ``\\x85``, ``\\u2028``, ``\\u2029``; its table is
      ``Final`` in PyYAML's type stubs, so it is not ours to override;
    - going through the emitter costs about 140 microseconds a scalar, against 3.
    """
    return '"' + _UNSAFE_QUOTED.sub(lambda match: _escape(match.group()), value) + '"'


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02X}"
    if code < 0x10000:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def id_scalar(value: str) -> str:
    """An id as YAML: plain when no YAML could read it as anything but a string, else quoted."""
    if _PLAIN_ID.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return quoted(value)


def scalar(value: str, parent_column: int) -> str:
    """The value after `key: ` or `- `: a literal block for multi-line text, else quoted.

    Block lines sit two columns right of the parent; the indentation indicator
    is written when the first line starts with white space, which YAML would
    otherwise take for indentation. The header is ``|``, not PyYAML's exact
    ``|-``: the line break it adds at the end is one the loader strips.
    """
    if "\n" not in value or value.startswith("\n") or value.endswith("\n") or _UNSAFE_BLOCK.search(value):
        return quoted(value)
    indent = " " * (parent_column + 2)
    header = "|2" if value[0] in " \t" else "|"
    return header + "".join(f"\n{indent}{line}" if line else "\n" for line in value.split("\n"))
