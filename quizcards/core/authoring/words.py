"""Questions and names read as words: folded case, a normal form, slugs and the words that carry no topic."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")
# Words that carry no topic, for slugs and for "the answer repeats the question".
FILLER = frozenset(
    (
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "define", "describe", "did", "do",
        "does", "explain", "for", "from", "give", "how", "in", "is", "it", "its", "of", "on", "or",
        "the", "their", "this", "to", "was", "what", "whats", "when", "where", "which", "who", "why",
        "with", "would", "you", "your",
    )
)  # fmt: skip


def _fold(text: str) -> str:
    """Text in one case and one Unicode spelling (NFKC), so that look-alikes compare equal."""
    return unicodedata.normalize("NFKC", text).casefold()


def words_of(text: str) -> list[str]:
    """The words of a text, folded: letters and digits of any script, split at everything else."""
    return _WORD.findall(_fold(text))


def normal_form(text: str) -> str:
    """Text reduced to its words: case, punctuation and spacing do not make questions differ."""
    return " ".join(words_of(text))


def slug(words: Iterable[str], limit: int) -> str:
    """Words joined by '-' up to limit characters (a first word longer than that is cut)."""
    joined = ""
    for word in words:
        candidate = f"{joined}-{word}" if joined else word
        if len(candidate) > limit:
            if not joined:
                joined = word[:limit]
            break
        joined = candidate
    return joined
