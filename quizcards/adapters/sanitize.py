"""The one way untrusted text (deck or database) is made inert before it is shown or written."""

from __future__ import annotations

import re

# Every C0 control but tab and newline, DEL, and every C1 control (0x80-0x9f):
# ESC starts CSI/OSC sequences (clear screen, window title, OSC 52 clipboard,
# OSC 8 hyperlinks) and the C1 forms (CSI 0x9b, OSC 0x9d) do the same on some
# terminals. Carriage return is removed too, so text cannot overwrite itself.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides can make text read differently from what it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text with terminal control characters removed; newlines and tabs kept."""
    return _BIDI.sub("", _CONTROL.sub("", text))


def clean_line(text: str) -> str:
    """Like clean, for one-line contexts: newlines and tabs become spaces."""
    return clean(text).replace("\n", " ").replace("\t", " ")


# What json.dumps leaves raw with ensure_ascii=False and a reader must not receive raw: DEL and
# the C1 controls, the line and paragraph separators (line breaks to JavaScript and to some
# editors and terminals) and the bidirectional overrides. json.dumps escapes C0 controls itself.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_json(encoded: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def json_text(value: object) -> str:
    """JSON, indented, that keeps non-Latin text readable but escapes what JSON leaves raw."""
    import json

    return _escape_json(json.dumps(value, ensure_ascii=False, indent=2))


def json_line(value: object) -> str:
    """The same JSON on one line, without spaces: a JSON Lines record."""
    import json

    return _escape_json(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>|~&")


def markdown_escape(text: str) -> str:
    """Literal text for a Markdown table cell: one line, every special character escaped."""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


# Markdown decodes character references after ``clean`` has run: `&#x202e;` would
# become a bidi override. Those that decode to something ``clean`` removes are
# backslash-escaped, so they show as the literal text the author wrote.
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


def _defuse_references(value: str) -> str:
    def defuse(match: re.Match[str]) -> str:
        code = int(match[1], 16) if match[1] else int(match[2])
        character = chr(code) if code < 0x110000 else ""
        return match[0] if character and clean(character) == character else "\\" + match[0]

    return _NUMERIC_REFERENCE.sub(defuse, value)


def markdown_source(text: str) -> str:
    """Untrusted Markdown to render: no control characters, and no reference that would decode to one."""
    return _defuse_references(clean(text))
