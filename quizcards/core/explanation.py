"""Which of a card's key points a typed explanation mentions: the rule set, and the verb that applies it.

A point is given as its wordings: the first is what the checklist shows, the others also count, and so
does every glossary equivalent of a wording or of a phrase inside it (`per head` ~ `each head`,
`positional encoding` ~ `위치 인코딩`). The rules, in the order they apply:

1. Both texts are normalised: NFKC, casefold, `×` -> `x`, dashes and quotes unified, `isn't` -> `isnt`,
   `d_k` -> `dk`, and the minus sign (or a dash between one-character operands, `p - y`) -> `minus`.
   They are split into tokens: decimals (`0.25`), runs of Hangul, runs of other letters, runs of digits.
2. Latin-script words match whole words only (`max` is never found in `softmax`, `heap` in `cheap`),
   in any form the Snowball English stemmer gives the same stem (`saturation` ~ `saturates`; an `-ive`
   adjective is not its noun: `positive` is not `position`), in a degree or manner form built on it
   (`smooth` ~ `smoother`, `sharp` ~ `sharpest`, `stable` ~ `stably`, `blur` ~ `blurry`), or one slip
   away (a typo, a swap) in words of six letters or more (two in ten or more), never in shorter words.
3. Hyphen, space and nothing are the same: a wording matches a run of typed tokens whose letters joined
   are the wording's (`bi-directional` = `bidirectional` = `bi directional`; `1x1` = `1 x 1`; `d k` = `dk`).
4. Hangul ignores spacing (`노출편향` = `노출 편향`). A point starts where a typed run starts and may go
   on into a particle, an ending or a verb maker (`소실된다`, `가중합을`) or, when it has two syllables
   or more, into a compound (`미래토큰`, `임계값`). A point of two syllables or more that does not end
   in a particle syllable is also found as the later part of a compound (`부분공간`, `에러누적`; but
   `정의` is not in `수정의`). A point's own ending is dropped first (`짧은` finds `짧게`), and a stem
   may merge with the ending after it (`사라지` finds `사라져서`, `전달되` finds `전달돼요`).
5. A point of several content words also counts when all of them appear, in any order, within a window
   of 4 + 2 x (their number) tokens (`vanishing gradient` ~ "the gradient vanishes"); when only some
   (at least half) appear, the point is "doubtful": mentioned only partly.
6. Negation makes a match "doubtful", and it never reaches past the end of a clause (a comma, a full
   stop, a colon, a bracket, an arrow): in "soft, not exact, softmax over all keys" `softmax` stands.
   - English, before: a cue (not, no, never, non-, isn't, without, ...), a contrast (`rather than`,
     `instead of`) or `nothing` as an object (`does nothing for`) among the two content words before
     the match (`never uses a hidden state`); `of` ends the look-back (`no notion of order` denies the
     notion, not the order), and so does `without` + a pronoun (`without it the layers collapse`).
   - English, after: the match, or the first word of a two-word noun phrase (`Leaky ReLU does not`),
     as the subject of a denied verb, `X did not ...`, `X has nothing to do with`, `X isn't`, `X
     never`; a bare `not` after a noun contrasts it (`the smallest key, not the oldest`) and leaves
     it alone.
   - Korean: a cue in the match's own ending (`포화되지`, `없이`), a predicate that denies it within
     three words of its clause (`없다`, `않는다`, `아니라`, `관계없다`, `상관없다`; a clause ends at
     `-고`, `-며`, `-서`, `-라`, `-다`, ...), `안`/`못` just before it, or a negative prefix in its
     compound (`불일치` for `일치`). `안`/`못` written after a noun deny the verb that follows them, not
     the noun: in `미래 토큰을 못 보게` the future is what is meant.
   A point that carries a negation itself (`non-monotonic`, `레이블 없이`) is exempt: it matches only
   text with that negation, written as the point has it or as any cue above before the rest of it
   (`isn't monotone`). One match free of negation is enough for "mentioned"; a scattered match (rule
   5) is negated when any of its words is. A doubtful match says whether it is negated or partial.
7. The glossary's compounds hide their parts: `공간` is not found in `공간 복잡도` or `상관` in `상관없이`.
   Its groups also carry the shorthand learners type (`prev`, `params`, `lr`, `vec`, `w_o`) and word
   forms the stemmer keeps apart (`classifier` / `classification`, `blurry` / `blur`). A group is
   found by any form of a single English word (`predictions` finds the group of `prediction`), and
   several words of a point may be swapped at once (`zero gradient` ~ `grad 0`).

The stemmer and the typo distance are imported at the first match, never on `quiz review`'s start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Literal

from quizcards.core.glossary import EMPTY_GLOSSARY, Glossary
from quizcards.core.matching.text import clauses, is_hangul, tokens
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
    contracted,
    korean_find,
    korean_stem,
    negated_korean_tail,
    same_latin_word,
    stem,
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
_PRONOUNS = frozenset(["it", "this", "that", "they", "them", "these", "those"])
_MAX_VARIANTS = 64
_STEM_KEY = "\0stem:"  # index keys of single English words by their stem


@dataclass(frozen=True, slots=True)
class PointMatch:
    point: str  # the wording the checklist shows (first of the point's wordings)
    status: MatchStatus
    evidence: str | None  # the words of the explanation that matched, for tests and debugging
    negated: bool = False  # doubtful because a negation is near every match (not because it is partial)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    tail: str = ""  # the Hangul that went on after the point in its last token
    head: str = ""  # the Hangul before the point in its first token (`부분` of `부분공간`)
    hits: tuple[int, ...] = ()  # for a scattered match (rule 5), where each of its words is


@dataclass(frozen=True, slots=True)
class _Typed:
    words: list[str]
    clause: list[int]  # the clause each word is in: a negation does not reach past a comma


def match_points(
    points: Sequence[Sequence[str]], explanation: str, *, glossary: Glossary = EMPTY_GLOSSARY
) -> list[PointMatch]:
    """Each point (given as its wordings, the first shown) and whether the explanation mentions it."""
    typed = _Typed(tokens(explanation), clauses(explanation))
    hidden = _compound_spans(typed.words, glossary)
    return [_match_point(wordings, typed, hidden, glossary) for wordings in points if wordings]


def covered_points(points: Iterable[str], explanation: str) -> list[tuple[str, bool]]:
    """Each plain point, and whether it is mentioned (the older interface: doubtful counts as not)."""
    matches = match_points([(point,) for point in points], explanation)
    return [(match.point, match.status == "mentioned") for match in matches]


def _match_point(
    wordings: Sequence[str], typed: _Typed, hidden: list[tuple[_Span, str]], glossary: Glossary
) -> PointMatch:
    best: MatchStatus = "missing"
    evidence: str | None = None
    negated = False
    for wording in _variants(wordings, glossary):
        status, span, denied = _match_wording(tokens(wording), typed, hidden)
        if _RANK[status] > _RANK[best] or (status == best == "doubtful" and denied and not negated):
            best, negated = status, denied
            evidence = " ".join(typed.words[span.start : span.end]) if span else None
            if best == "mentioned":
                break
    return PointMatch(wordings[0], best, evidence, negated)


def _match_wording(
    point: list[str], typed: _Typed, hidden: list[tuple[_Span, str]]
) -> tuple[MatchStatus, _Span | None, bool]:
    """The wording's status in the typed text, the span that shows it, and whether it is negated."""
    if not point or not typed.words:
        return "missing", None, False
    exempt = _carries_negation(point)
    key = "".join(point)
    found = [s for s in _phrase_spans(point, typed.words) if not _inside_compound(s, key, hidden)]
    if exempt and not found:
        found = _denied_spans(point, typed, hidden)
    if not exempt:  # a negation is not a word to find anywhere nearby: `non-monotonic` needs its `non`
        found += list(_bag_spans(point, typed.words, complete=True))
    for span in found:
        if exempt or not _negated(span, typed):
            return "mentioned", span, False
    if found:
        return "doubtful", found[0], True
    partial = None if exempt else next(_bag_spans(point, typed.words, complete=False), None)
    return ("doubtful", partial, False) if partial else ("missing", None, False)


def _denied_spans(point: list[str], typed: _Typed, hidden: list[tuple[_Span, str]]) -> list[_Span]:
    """A point that carries a negation (`non-monotonic`) as the rest of it under any negation cue
    (`isn't monotone`, `not monotonic`)."""
    rest = [w for w in point if w not in ENGLISH_NEGATIONS]
    if not rest or len(rest) == len(point):
        return []
    spans = _phrase_spans(rest, typed.words)
    key = "".join(rest)
    return [s for s in spans if not _inside_compound(s, key, hidden) and _negated(s, typed)]


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
                span = _hangul_span(target, typed, start, end)
                if span is not None:
                    yield span
                    break
            elif _same_words(point, typed[start : end + 1]) or _same_joined(
                target, joined, count, len(point)
            ):
                yield _Span(start, end + 1)
                break
            if not target.startswith(joined) and len(joined) > len(target) + 4:
                break


def _hangul_span(target: str, typed: list[str], start: int, end: int) -> _Span | None:
    """The point in the typed run from ``start`` to ``end``, begun in the first token, ended in the last."""
    run = "".join(typed[start : end + 1])
    found = korean_find(target, run)
    merged = contracted(target)
    if found is None and merged is not None and len(target) >= 2:
        found = korean_find(merged, run)
    if found is None or (not is_hangul(typed[start]) and found[0]):
        return None
    head, tail = found
    if len(head) >= len(typed[start]) or len(tail) >= len(typed[end]):
        return None
    return _Span(start, end + 1, tail, head)


def _same_words(point: list[str], run: list[str]) -> bool:
    return len(run) == len(point) and all(map(same_latin_word, point, run))


def _same_joined(target: str, joined: str, count: int, point_length: int) -> bool:
    """Letters joined across a hyphen or a space: `bi directional` is `bidirectional`."""
    return joined == target or ((count > 1 or point_length > 1) and same_latin_word(target, joined))


def _same_word(point_word: str, typed_word: str) -> bool:
    if is_hangul(point_word):
        if not is_hangul(typed_word):
            return False
        stem = korean_stem(point_word)
        merged = contracted(stem) if len(stem) >= 2 else None
        return korean_find(stem, typed_word) is not None or (
            merged is not None and korean_find(merged, typed_word) is not None
        )
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
        window = [(k2, i) for k2, i in hits[first:] if k2 - k < width]
        seen = {i for _, i in window}
        if len(seen) >= needed and (complete or len(seen) < len(words)):
            where = tuple(k2 for k2, _ in window)
            yield _Span(k, max(where) + 1, hits=where)
            return


def _carries_negation(point: list[str]) -> bool:
    return any(w in ENGLISH_NEGATIONS or w.startswith(KOREAN_NEGATIONS) for w in point)


def _negated(span: _Span, typed: _Typed) -> bool:
    """Rule 6: a negation cue near the match, in its clause (for a scattered match, near any word of it)."""
    if span.hits:
        return any(_negated(_Span(k, k + 1), typed) for k in span.hits)
    if span.head in KOREAN_NEGATIVE_PREFIXES or negated_korean_tail(span.tail):
        return True
    # a tail that ends its clause (`안정적이라`) leaves the predicates after it to the next clause
    closed = span.tail.endswith(KOREAN_CLAUSE_ENDS)
    return _negated_before(span.start, typed) or _negated_after(span.end, typed, closed=closed)


def _negated_before(start: int, typed: _Typed) -> bool:
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
        if words[k] in _PRONOUNS and k > 0 and words[k - 1] == "without":
            return False  # `without it the layers collapse`: the cue denies the pronoun
        content += words[k] not in _STOP_WORDS
        k -= 1
    return False


def _negated_after(end: int, typed: _Typed, *, closed: bool = False) -> bool:
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
        and word not in _STOP_WORDS
        and word not in ENGLISH_AUXILIARIES
        and word not in ENGLISH_NEGATIONS
    )


def _inside_compound(span: _Span, key: str, hidden: list[tuple[_Span, str]]) -> bool:
    return any(h.start <= span.start and span.end <= h.end and compound != key for h, compound in hidden)


def _compound_spans(typed: list[str], glossary: Glossary) -> list[tuple[_Span, str]]:
    return [
        (span, "".join(tokens(compound)))
        for compound in glossary.compounds
        for span in _phrase_spans(tokens(compound), typed)
    ]


def _variants(wordings: Sequence[str], glossary: Glossary) -> list[str]:
    """The point's wordings, then each with one glossary term (whole, or a phrase inside it) swapped,
    then with several of its words swapped at once (`zero gradient` ~ `0 grad`)."""
    index = _glossary_index(glossary)
    out = list(dict.fromkeys(wordings))
    several: list[str] = []
    for wording in wordings:
        words = tokens(wording)
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                for other in _equivalents(index, words[start : start + size]):
                    out.append(" ".join([*words[:start], other, *words[start + size :]]))
        options = [(word, *_equivalents(index, [word])) for word in words]
        if sum(len(o) > 1 for o in options) > 1:
            several.extend(" ".join(choice) for choice in product(*options))
    return list(dict.fromkeys([*out, *several]))[:_MAX_VARIANTS]


def _equivalents(index: dict[str, tuple[str, ...]], words: list[str]) -> tuple[str, ...]:
    """A phrase's glossary equivalents; a single English word is also looked up by its stem, so that a
    group listing `prediction` serves `predictions`."""
    found = index.get("".join(words), ())
    if not found and len(words) == 1 and words[0].isalpha() and not is_hangul(words[0]):
        found = index.get(_STEM_KEY + stem(words[0]), ())
    return found


@cache
def _glossary_index(glossary: Glossary) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in glossary.groups:
        for term in group:
            words = tokens(term)
            others = [t for t in group if t != term]
            index.setdefault("".join(words), []).extend(others)
            if len(words) == 1 and words[0].isalpha() and not is_hangul(words[0]):
                index.setdefault(_STEM_KEY + stem(words[0]), []).extend(others)
    return {key: tuple(dict.fromkeys(others)) for key, others in index.items()}
