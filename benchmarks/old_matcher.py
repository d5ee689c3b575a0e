"""Which of a card's key points a typed explanation mentions."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_WORD = re.compile(r"\w+")


def _same_word(point_word: str, typed_word: str) -> bool:
    """One word matches another, or is another form of it (saturate / saturation / saturating)."""
    if point_word == typed_word:
        return True
    shorter = min(len(point_word), len(typed_word))
    if shorter < 5:
        return False
    common = len(os.path.commonprefix([point_word, typed_word]))  # noqa: RUF071 - by character, as meant
    return common >= 5 and common >= shorter - 3


def _mentions(point: str, typed: str, typed_words: list[str]) -> bool:
    if point in typed:
        return True
    words = _WORD.findall(point)
    return bool(words) and all(any(_same_word(w, t) for t in typed_words) for w in words)


def covered_points(points: Iterable[str], explanation: str) -> list[tuple[str, bool]]:
    """Each key point, and whether the typed explanation mentions it.

    A point counts when it appears in the explanation ignoring case and spacing
    (in any script: Korean particles after a word do not hide it), or when each
    of its words appears in some form (``saturation`` covers ``saturates``).
    """
    typed = _normalised(explanation)
    typed_words = _WORD.findall(typed)
    return [(point, bool(typed) and _mentions(_normalised(point), typed, typed_words)) for point in points]
