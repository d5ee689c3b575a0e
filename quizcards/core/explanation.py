"""Which of a card's key points a typed explanation mentions: the rule set, and the verb that applies it.

A point is given as its wordings: the first is what the checklist shows, the others also count, and so
does every glossary equivalent of a wording or of a phrase inside it (`per head` ~ `each head`,
`positional encoding` ~ `위치 인코딩`). The rules, in the order they apply:

1. Both texts are normalised: NFKC, casefold, `×` -> `x`, dashes and quotes unified, `isn't` -> `isnt`,
   `d_k` -> `dk`, and the minus sign (or a dash between one-character operands, `p - y`) -> `minus`.
   They are split into tokens: decimals (`0.25`), runs of Hangul, runs of other letters, runs of digits.
2. Latin-script words match whole words only (`max` is never found in `softmax`, `heap` in `cheap`),
   in any form the Snowball English stemmer gives the same stem (`saturation` ~ `saturates`; an `-ive`
   adjective is not its noun: `positive` is not `position`), or one slip away (a typo, a swap) in words of
   six letters or more (two in ten or more), never in shorter words.
3. Hyphen, space and nothing are the same: a wording matches a run of typed tokens whose letters joined
   are the wording's (`bi-directional` = `bidirectional` = `bi directional`; `1x1` = `1 x 1`; `d k` = `dk`).
4. Hangul ignores spacing (`노출편향` = `노출 편향`) and must start where a typed run starts; the run may
   go on after the point only with a particle, an ending or a verb maker (`소실된다`, `가중합을`), so
   `상관` is not found in `상관없이`. A point's own ending is dropped first (`짧은` finds `짧게`).
5. A point of several content words also counts when all of them appear, in any order, within a window
   of 4 + 2 x (their number) tokens (`vanishing gradient` ~ "the gradient vanishes"); when only some
   (at least half) appear, the point is "doubtful": mentioned only partly.
6. Negation: an English cue (not, no, never, non-, isn't, without, ...) in the two tokens before a match,
   or a Korean one (않, 아니, 없, 못) in its ending or the two tokens after it (안, 못 just before it),
   makes that match "doubtful". A point that carries a negation itself (`non-monotonic`) is exempt: it
   matches only text with that negation. One match free of negation is enough for "mentioned".
7. The glossary's compounds hide their parts: `공간` is not found in `공간 복잡도`.

The stemmer and the typo distance are imported at the first match, never on `quiz review`'s start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from quizcards.core.glossary import EMPTY_GLOSSARY, Glossary
from quizcards.core.matching.text import is_hangul, tokens
from quizcards.core.matching.words import (
    ENGLISH_NEGATIONS,
    KOREAN_NEGATIONS,
    KOREAN_NEGATIONS_BEFORE,
    korean_stem,
    korean_tail,
    negated_korean_tail,
    same_latin_word,
)

MatchStatus = Literal["mentioned", "doubtful", "missing"]
_RANK: dict[MatchStatus, int] = {"missing": 0, "doubtful": 1, "mentioned": 2}
_STOP_WORDS = frozenset(
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
    ]
)
_MAX_VARIANTS = 40


@dataclass(frozen=True, slots=True)
class PointMatch:
    point: str  # the wording the checklist shows (first of the point's wordings)
    status: MatchStatus
    evidence: str | None  # the words of the explanation that matched, for tests and debugging


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    tail: str = ""  # the Hangul that went on after the point in its last token


def match_points(
    points: Sequence[Sequence[str]], explanation: str, *, glossary: Glossary = EMPTY_GLOSSARY
) -> list[PointMatch]:
    """Each point (given as its wordings, the first shown) and whether the explanation mentions it."""
    typed = tokens(explanation)
    hidden = _compound_spans(typed, glossary)
    return [_match_point(wordings, typed, hidden, glossary) for wordings in points if wordings]


def covered_points(points: Iterable[str], explanation: str) -> list[tuple[str, bool]]:
    """Each plain point, and whether it is mentioned (the older interface: doubtful counts as not)."""
    matches = match_points([(point,) for point in points], explanation)
    return [(match.point, match.status == "mentioned") for match in matches]


def _match_point(
    wordings: Sequence[str], typed: list[str], hidden: list[_Span], glossary: Glossary
) -> PointMatch:
    best: MatchStatus = "missing"
    evidence: str | None = None
    for wording in _variants(wordings, glossary):
        status, span = _match_wording(tokens(wording), typed, hidden)
        if _RANK[status] > _RANK[best]:
            best = status
            evidence = " ".join(typed[span.start : span.end]) if span else None
            if best == "mentioned":
                break
    return PointMatch(wordings[0], best, evidence)


def _match_wording(
    point: list[str], typed: list[str], hidden: list[_Span]
) -> tuple[MatchStatus, _Span | None]:
    if not point or not typed:
        return "missing", None
    exempt = _carries_negation(point)
    found = [s for s in _phrase_spans(point, typed) if not _inside_compound(s, hidden)]
    if not exempt:  # a negation is not a word to find anywhere nearby: `non-monotonic` needs its `non`
        found += list(_bag_spans(point, typed, complete=True))
    for span in found:
        if exempt or not _negated(span, typed):
            return "mentioned", span
    if found:
        return "doubtful", found[0]
    partial = None if exempt else next(_bag_spans(point, typed, complete=False), None)
    return ("doubtful", partial) if partial else ("missing", None)


def _phrase_spans(point: list[str], typed: list[str]) -> Iterator[_Span]:
    """Runs of typed tokens that are the point, spacing and hyphens aside (rules 2 to 4)."""
    hangul_end = is_hangul(point[-1])
    target = "".join(point[:-1]) + (korean_stem(point[-1]) if hangul_end else point[-1])
    for start in range(len(typed)):
        joined = ""
        for end in range(start, min(len(typed), start + len(point) + 3)):
            joined += typed[end]
            count = end - start + 1
            if hangul_end and is_hangul(typed[end]):
                tail = korean_tail(target, joined)
                if tail is not None and len(tail) < len(typed[end]):
                    yield _Span(start, end + 1, tail)
                    break
            elif _same_words(point, typed[start : end + 1]) or _same_joined(
                target, joined, count, len(point)
            ):
                yield _Span(start, end + 1)
                break
            if not target.startswith(joined) and len(joined) > len(target) + 4:
                break


def _same_words(point: list[str], run: list[str]) -> bool:
    return len(run) == len(point) and all(map(same_latin_word, point, run))


def _same_joined(target: str, joined: str, count: int, point_length: int) -> bool:
    """Letters joined across a hyphen or a space: `bi directional` is `bidirectional`."""
    return joined == target or ((count > 1 or point_length > 1) and same_latin_word(target, joined))


def _same_word(point_word: str, typed_word: str) -> bool:
    if is_hangul(point_word):
        return is_hangul(typed_word) and korean_tail(korean_stem(point_word), typed_word) is not None
    return not is_hangul(typed_word) and same_latin_word(point_word, typed_word)


def _bag_spans(point: list[str], typed: list[str], *, complete: bool) -> Iterator[_Span]:
    """Windows holding all (or, not complete, at least half) of the point's content words (rule 5)."""
    words = list(dict.fromkeys(w for w in point if w not in _STOP_WORDS))
    if len(words) < 2:
        return
    needed = len(words) if complete else max(1, (len(words) + 1) // 2)
    width = 4 + 2 * len(words)
    hits = [(k, i) for k, t in enumerate(typed) for i, w in enumerate(words) if _same_word(w, t)]
    for first, (k, _) in enumerate(hits):
        seen = {i for k2, i in hits[first:] if k2 - k < width}
        if len(seen) >= needed and (complete or len(seen) < len(words)):
            last = max(k2 for k2, i in hits[first:] if k2 - k < width)
            yield _Span(k, last + 1)
            return


def _carries_negation(point: list[str]) -> bool:
    return any(w in ENGLISH_NEGATIONS or w.startswith(KOREAN_NEGATIONS) for w in point)


def _negated(span: _Span, typed: list[str]) -> bool:
    before = typed[max(0, span.start - 2) : span.start]
    if any(t in ENGLISH_NEGATIONS for t in before) or (before and before[-1] in KOREAN_NEGATIONS_BEFORE):
        return True
    after = typed[span.end : span.end + 2]
    return negated_korean_tail(span.tail) or any(t.startswith(KOREAN_NEGATIONS) for t in after)


def _inside_compound(span: _Span, hidden: list[_Span]) -> bool:
    return any(
        h.start <= span.start and span.end <= h.end and (h.start, h.end) != (span.start, span.end)
        for h in hidden
    )


def _compound_spans(typed: list[str], glossary: Glossary) -> list[_Span]:
    return [span for compound in glossary.compounds for span in _phrase_spans(tokens(compound), typed)]


def _variants(wordings: Sequence[str], glossary: Glossary) -> list[str]:
    """The point's wordings, then each with a glossary term (whole, or a phrase inside it) swapped."""
    index = _glossary_index(glossary)
    out = list(dict.fromkeys(wordings))
    for wording in wordings:
        words = tokens(wording)
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                for other in index.get("".join(words[start : start + size]), ()):
                    swapped = " ".join([*words[:start], other, *words[start + size :]])
                    if swapped not in out:
                        out.append(swapped)
                    if len(out) >= _MAX_VARIANTS:
                        return out
    return out


@cache
def _glossary_index(glossary: Glossary) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in glossary.groups:
        for term in group:
            key = "".join(tokens(term))
            index.setdefault(key, []).extend(t for t in group if t != term)
    return {key: tuple(dict.fromkeys(others)) for key, others in index.items()}
