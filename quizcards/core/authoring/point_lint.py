"""Lint for key points: too short or common to mean anything when matched, a sentence, not in the answer."""

from __future__ import annotations

import re
from collections.abc import Callable

from yaml.nodes import Node, SequenceNode

from quizcards.core.deck.model import visible
from quizcards.core.explanation import match_points
from quizcards.core.points import Point

# A point is matched against what a learner typed; these single words turn up in
# explanations of almost anything, so a tick for one says nothing. Kept short on
# purpose: each is a word seen as a whole point in real decks, or one as empty.
COMMON_WORDS = frozenset(
    (
        "all", "case", "change", "data", "different", "each", "example", "first", "function",
        "good", "high", "important", "information", "input", "inputs", "key", "keys", "large",
        "last", "less", "low", "method", "model", "models", "more", "new", "number", "one",
        "output", "outputs", "part", "process", "result", "same", "set", "simple", "size",
        "small", "step", "system", "thing", "time", "two", "type", "use", "used", "value",
        "values", "way", "work",
    )
)  # fmt: skip
# A point longer than this many words is a sentence, which no explanation repeats word for word.
MAX_POINT_WORDS = 6
# A single Latin word this short is found inside too many other words and abbreviations,
# unless it is an acronym: in capitals (QKV, L1), or with two capitals or more (NaN).
MIN_WORD_LETTERS = 4

_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")

Warn = Callable[[Node, str], None]


def lint_points(
    points: tuple[Point, ...],
    node: Node | None,
    answer: str,
    name: str,
    warn: Warn,
) -> None:
    """Warn about each point of one card (``node`` is its points list, ``name`` names the card)."""
    item_nodes: list[Node] = node.value if isinstance(node, SequenceNode) else []
    mentioned = _answer_mentions(points, answer)
    for number, point in enumerate(points):
        item = item_nodes[number] if len(item_nodes) == len(points) else node
        if item is None:
            continue
        wording_nodes: list[Node] = item.value if isinstance(item, SequenceNode) else [item]
        for position, wording in enumerate(point.wordings):
            where = wording_nodes[position] if len(wording_nodes) == len(point.wordings) else item
            problem = point_problem(wording)
            if problem:
                warn(where, f"the point '{_quoted(wording)}' of {name} {problem}")
        if mentioned[number] == "negated":
            warn(
                item,
                f"the answer of {name} mentions the point '{_quoted(point.text)}' only with a negation "
                "near it, so a right explanation would be marked doubtful; if the idea is the negated "
                "one, write the point with its negation ('non-monotonic', '레이블 없이').",
            )
        elif not mentioned[number]:
            warn(
                item,
                f"the answer of {name} does not mention the point '{_quoted(point.text)}', so an "
                "explanation in the answer's own words would miss it; use the answer's words, or add "
                "them as another wording: [shown, other].",
            )


def point_problem(wording: str) -> str | None:
    """Why a wording means little when matched, as the end of a sentence; None when it is fine."""
    words = wording.split()
    if len(words) > MAX_POINT_WORDS or wording.rstrip().endswith((".", "。")):
        how = f"{len(words)} words" if len(words) > MAX_POINT_WORDS else "it ends with a period"
        return (
            f"reads like a sentence ({how}); a point is matched word for word, so keep it to the few "
            "words that carry the idea."
        )
    if len(words) != 1:
        if all(word.strip(",;:()").casefold() in COMMON_WORDS for word in words):
            return "is made of common words only, which turn up in any explanation; name the idea itself."
        return None
    word = words[0]
    if word.casefold() in COMMON_WORDS:
        return "is a common word, found in explanations of almost anything; name the idea in a few words."
    if len(word) == 1 and _HANGUL_SYLLABLE.fullmatch(word):
        return "is a single syllable, found inside many other words; name the idea in a word or two."
    letters = _LATIN_LETTER.findall(word)
    acronym = word.isupper() or sum(letter.isupper() for letter in letters) >= 2
    if letters and len(word) < MIN_WORD_LETTERS and not acronym:
        return (
            "is too short to mean anything when matched (it is found in many explanations); "
            "name the idea in a few words, or write an acronym in capitals."
        )
    return None


def _answer_mentions(points: tuple[Point, ...], answer: str) -> list[bool | str]:
    """Whether the card's own answer mentions a wording of each point, as the review's matcher reads it:
    True, False, or "negated" when every mention has a negation near it.

    No glossary: a point should be found in its own card's words (or its listed alternatives), and a
    mention the matcher doubts only because it is partly there still counts as found in the answer.
    """
    matches = match_points([p.wordings for p in points], answer)
    return ["negated" if match.negated else match.status != "missing" for match in matches]


def _quoted(wording: str) -> str:
    return visible(wording if len(wording) <= 60 else wording[:57] + "...")
