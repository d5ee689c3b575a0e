"""Typed text as the matcher sees it: normalised typography, then tokens by script."""

from __future__ import annotations

import re
import unicodedata

# NFKC leaves these alone; a learner types them interchangeably.
_TYPOGRAPHY = str.maketrans(
    {
        "×": "x",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "’": "'",
        "‘": "'",
        "`": "'",
        "“": '"',
        "”": '"',
    }
)
# The minus sign, and a dash between two one-character operands (`p - y`), are the word "minus".
_MINUS = re.compile(r"(?<![\w.])(\w)\s+-\s+(\w)(?![\w.])")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# `d_k` is `dk`: an underscore joins a subscript to its letter.
_UNDERSCORE = re.compile(r"(?<=[^\W\d_])_(?=[^\W_])")
# Decimals stay whole (`0.25`); digits, Hangul and other letters are separate tokens (`ReLU6`, `relu가`).
_TOKEN = re.compile(r"\d+(?:\.\d+)*|[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+|[^\W\d_\uac00-\ud7a3]+")
# Where a clause ends: a negation says nothing about the words past one (`soft, not exact; softmax ...`).
_CLAUSE_END = re.compile(r"[,;:!?()\[\]\n→⇒]|\.(?!\d)|->|=>")


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", " minus ")
    folded = folded.translate(_TYPOGRAPHY).casefold()
    folded = _MINUS.sub(r"\1 minus \2", folded)
    return _UNDERSCORE.sub("", _APOSTROPHE.sub("", folded))


def tokens(text: str) -> list[str]:
    """The words, numbers and Hangul runs of a text, after normalising it."""
    return _TOKEN.findall(normalise(text))


def clauses(text: str) -> list[int]:
    """For each token of ``tokens(text)``, the number of the clause it is in (counted from 0)."""
    folded = normalise(text)
    ends = [m.start() for m in _CLAUSE_END.finditer(folded)]
    out: list[int] = []
    clause = 0
    for match in _TOKEN.finditer(folded):
        while clause < len(ends) and ends[clause] < match.start():
            clause += 1
        out.append(clause)
    return out


def is_hangul(token: str) -> bool:
    return "\uac00" <= token[0] <= "\ud7a3"
