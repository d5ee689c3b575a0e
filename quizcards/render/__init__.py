"""Rich renderables for every command: returns them, never prints.

All text that comes from a deck or from the learner goes through ``text``,
``line`` or ``markdown`` here, which strip terminal control characters and never
parse Rich markup: a deck that says ``[red]`` shows ``[red]``. Table cells and
titles are always ``Text`` objects, never plain strings (which Rich would parse).
Each command family has its module beside this one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from rich.markdown import Markdown

from quizcards.adapters.sanitize import clean, clean_line


def make_console(*, stderr: bool = False) -> Console:
    """The one console setup: no markup, emoji codes or auto-highlighting of plain strings."""
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def text(value: str, style: str = "") -> Text:
    """Untrusted text as a literal Text."""
    return Text(clean(value), style=style)


def line(value: str, style: str = "") -> Text:
    """Untrusted text for a one-line place (a cell, a title): newlines become spaces."""
    return Text(clean_line(value), style=style)


def markdown(value: str) -> Markdown:
    """Untrusted Markdown: rendered, but with links shown as text, not as terminal hyperlinks."""
    from rich.markdown import Markdown  # its parser is slow to import; only reveals need it

    return Markdown(_defuse_references(clean(value)), code_theme="monokai", hyperlinks=False)


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
