"""Bold that will not render: `**` that CommonMark leaves as literal asterisks (often next to Korean text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

# How much of the text around a stray `**` a warning quotes.
CONTEXT_CHARACTERS = 24


def stray_bold_markers(text: str) -> list[str]:
    """Passages of ``text`` (one per run of text) whose `**` CommonMark shows as asterisks, not bold.

    CommonMark closes `**` only where it is "right-flanking": after punctuation such as `)`
    it must be followed by a space or punctuation. `**티처 포싱(teacher forcing)**이라고`
    never closes (Korean particles follow the word with no space), so the learner reads
    the asterisks. Code spans and blocks are left alone: asterisks there are meant.
    """
    from markdown_it import MarkdownIt

    # One passage per run of text: the opening and the closing marker of one phrase are one mistake.
    return [
        _around(content, content.index("**"))
        for content in _texts(MarkdownIt("commonmark", {"html": False}).parse(text))
        if "**" in content
    ]


def _texts(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type == "text":
            yield token.content
        if token.children:
            yield from _texts(token.children)


def _around(content: str, start: int) -> str:
    before = content[max(0, start - CONTEXT_CHARACTERS) : start]
    after = content[start + 2 : start + 2 + CONTEXT_CHARACTERS]
    return " ".join(f"{before}**{after}".split())
