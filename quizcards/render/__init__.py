"""Rich renderables for every command: returns them, never prints.

All text that comes from a deck or from the learner goes through ``text``,
``line`` or ``markdown`` here, which strip terminal control characters and never
parse Rich markup: a deck that says ``[red]`` shows ``[red]``. Table cells and
titles are always ``Text`` objects, never plain strings (which Rich would parse).
Each command family has its module beside this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, RenderResult
    from rich.markdown import Markdown, MarkdownElement

from quizcards.adapters.sanitize import clean, clean_line, markdown_source


class _InertConsole(Console):
    """A console that removes control characters from every piece of text it writes.

    ``text`` and ``line`` below already clean what they wrap; this is the net under
    them, for a value that reaches a renderable some other way (a plain string in
    ``Text.assemble``, a cell, a title). Rich's own styles and cursor moves are
    separate control segments, so colours still work.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(clean(segment.text), segment.style) for segment in buffer
        )


def make_console(*, stderr: bool = False) -> Console:
    """The one console setup: no markup, emoji codes or auto-highlighting of plain strings; inert text."""
    return _InertConsole(stderr=stderr, markup=False, emoji=False, highlight=False)


def text(value: str, style: str = "") -> Text:
    """Untrusted text as a literal Text."""
    return Text(clean(value), style=style)


def line(value: str, style: str = "") -> Text:
    """Untrusted text for a one-line place (a cell, a title): newlines become spaces."""
    return Text(clean_line(value), style=style)


def markdown(value: str) -> Markdown:
    """Untrusted Markdown: rendered, but with links shown as text, not as terminal hyperlinks."""
    return _folding_markdown()(markdown_source(value), code_theme="monokai", hyperlinks=False)


@cache
def _folding_markdown() -> type[Markdown]:
    """Markdown whose table cells fold a word that does not fit instead of cutting it with an ellipsis.

    Rich's table columns default to `overflow="ellipsis"`, and a cell of Hangul (two cells a syllable)
    wrapped at some widths lost a syllable to `…`: the model answer showed less than the deck says.
    """
    from rich.markdown import Markdown, TableElement  # its parser is slow to import; only reveals need it
    from rich.table import Table

    class FoldingTable(TableElement):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for renderable in super().__rich_console__(console, options):
                if isinstance(renderable, Table):
                    for column in renderable.columns:
                        column.overflow = "fold"
                yield renderable

    class FoldingMarkdown(Markdown):
        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "table_open": FoldingTable,
        }

    return FoldingMarkdown
