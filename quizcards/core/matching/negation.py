"""Whether a negation near a match denies it (rule 6 of `quizcards.core.explanation`), on spans of tokens."""

from __future__ import annotations

from dataclasses import dataclass

from quizcards.core.matching.text import is_hangul
from quizcards.core.matching.words import (
    ENGLISH_AUXILIARIES,
    ENGLISH_CONTRASTS,
    ENGLISH_DENIALS,
    ENGLISH_NEGATIONS,
    KOREAN_CLAUSE_ENDS,
    KOREAN_NEGATIONS,
    KOREAN_NEGATIONS_BEFORE,
    KOREAN_NEGATIVE_PREFIXES,
    KOREAN_PREDICATE_NEGATIONS,
    KOREAN_TAILS,
    negated_korean_tail,
)

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "by",
        "with",
        "is",
        "are",
        "be",
        "it",
        "its",
        "as",
        "at",
        "from",
        # light verbs carry no idea of their own: `every key gets a weight` ~ `weights over all keys`
        "get",
        "gets",
        "got",
        "has",
        "have",
        "make",
        "makes",
    ]
)
PRONOUNS = frozenset(["it", "this", "that", "they", "them", "these", "those"])


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    tail: str = ""  # the Hangul that went on after the point in its last token
    head: str = ""  # the Hangul before the point in its first token (`부분` of `부분공간`)
    hits: tuple[int, ...] = ()  # for a scattered match (rule 5), where each of its words is


@dataclass(frozen=True, slots=True)
class Typed:
    words: list[str]
    clause: list[int]  # the clause each word is in: a negation does not reach past a comma


def carries_negation(point: list[str]) -> bool:
    return any(w in ENGLISH_NEGATIONS or w.startswith(KOREAN_NEGATIONS) for w in point)


def negated(span: Span, typed: Typed) -> bool:
    """Rule 6: a negation cue near the match, in its clause (for a scattered match, near any word of it)."""
    if span.hits:
        return any(negated(Span(k, k + 1), typed) for k in span.hits)
    if span.head in KOREAN_NEGATIVE_PREFIXES or negated_korean_tail(span.tail):
        return True
    # a tail that ends its clause (`안정적이라`) leaves the predicates after it to the next clause
    closed = span.tail.endswith(KOREAN_CLAUSE_ENDS)
    return _negated_before(span.start, typed) or _negated_after(span.end, typed, closed=closed)


def _negated_before(start: int, typed: Typed) -> bool:
    """An English cue among the two content words before the match, or `안`/`못` just before it."""
    words, clause = typed.words, typed.clause
    if start > 0 and clause[start - 1] == clause[start] and words[start - 1] in KOREAN_NEGATIONS_BEFORE:
        return True
    content = 0
    k = start - 1
    # `of` ends the look-back: in `no notion of order` the cue denies `notion`, not `order`
    while k >= 0 and clause[k] == clause[start] and content < 2:
        if words[k] in ENGLISH_NEGATIONS or words[k] in ENGLISH_CONTRASTS:
            return True
        # `does nothing for the gradient` denies it; `so nothing overflows` does not deny overflow
        if words[k] == "nothing" and k > 0 and words[k - 1] in ENGLISH_AUXILIARIES:
            return True
        if words[k] == "of":
            return k > 0 and words[k - 1] == "instead"
        if words[k] in PRONOUNS and k > 0 and words[k - 1] == "without":
            return False  # `without it the layers collapse`: the cue denies the pronoun
        content += words[k] not in STOP_WORDS
        k -= 1
    return False


def _negated_after(end: int, typed: Typed, *, closed: bool = False) -> bool:
    """The match is the subject of a denial: `BERT did not use it`, `소실이 없다`, `쓰지 않고`."""
    words, clause = typed.words, typed.clause
    after = [w for k, w in enumerate(words[end : end + 4], end) if clause[k] == clause[end - 1]]
    if _english_denial(after) or (
        # the match may be the first word of its noun phrase: `Leaky ReLU does not help`
        after[:1] and _is_plain_word(after[0]) and _english_denial(after[1:])
    ):
        return True
    counted = 3 if closed else 0
    for word in after:
        if not is_hangul(word) or counted == 3:
            break
        if word.startswith(KOREAN_PREDICATE_NEGATIONS):
            return True
        if word.endswith(KOREAN_CLAUSE_ENDS):
            break
        counted += word not in KOREAN_TAILS  # a particle written apart is not a word of its own
    return False


def _english_denial(after: list[str]) -> bool:
    """The words after a subject deny it: `isn't`, `never`, `did not`, `has nothing`."""
    return bool(after) and (
        after[0] in ENGLISH_NEGATIONS - ENGLISH_DENIALS - {"non", "without", "neither", "nor"}
        or after[0] == "never"
        or (after[0] in ENGLISH_AUXILIARIES and after[1:2] != [] and after[1] in ENGLISH_DENIALS)
    )


def _is_plain_word(word: str) -> bool:
    return (
        not is_hangul(word)
        and word.isalpha()
        and word not in STOP_WORDS
        and word not in ENGLISH_AUXILIARIES
        and word not in ENGLISH_NEGATIONS
    )
