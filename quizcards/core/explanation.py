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
from quizcards.core.matching.negation import STOP_WORDS, Span, Typed, carries_negation, negated
from quizcards.core.matching.text import clauses, is_hangul, tokens
from quizcards.core.matching.words import (
    ENGLISH_NEGATIONS,
    contracted,
    korean_find,
    korean_stem,
    same_latin_word,
    stem,
)

MatchStatus = Literal["mentioned", "doubtful", "missing"]
_RANK: dict[MatchStatus, int] = {"missing": 0, "doubtful": 1, "mentioned": 2}
_MAX_VARIANTS = 64
_STEM_KEY = "\0stem:"  # index keys of single English words by their stem


@dataclass(frozen=True, slots=True)
class PointMatch:
    point: str  # the wording the checklist shows (first of the point's wordings)
    status: MatchStatus
    evidence: str | None  # the words of the explanation that matched, for tests and debugging
    negated: bool = False  # doubtful because a negation is near every match (not because it is partial)


def match_points(
    points: Sequence[Sequence[str]], explanation: str, *, glossary: Glossary = EMPTY_GLOSSARY
) -> list[PointMatch]:
    """Each point (given as its wordings, the first shown) and whether the explanation mentions it."""
    typed = Typed(tokens(explanation), clauses(explanation))
    hidden = _compound_spans(typed.words, glossary)
    return [_match_point(wordings, typed, hidden, glossary) for wordings in points if wordings]


def covered_points(points: Iterable[str], explanation: str) -> list[tuple[str, bool]]:
    """Each plain point, and whether it is mentioned (the older interface: doubtful counts as not)."""
    matches = match_points([(point,) for point in points], explanation)
    return [(match.point, match.status == "mentioned") for match in matches]


def _match_point(
    wordings: Sequence[str], typed: Typed, hidden: list[tuple[Span, str]], glossary: Glossary
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
    point: list[str], typed: Typed, hidden: list[tuple[Span, str]]
) -> tuple[MatchStatus, Span | None, bool]:
    """The wording's status in the typed text, the span that shows it, and whether it is negated."""
    if not point or not typed.words:
        return "missing", None, False
    exempt = carries_negation(point)
    key = "".join(point)
    found = [s for s in _phrase_spans(point, typed.words) if not _inside_compound(s, key, hidden)]
    if exempt and not found:
        found = _denied_spans(point, typed, hidden)
    if not exempt:  # a negation is not a word to find anywhere nearby: `non-monotonic` needs its `non`
        found += list(_bag_spans(point, typed.words, complete=True))
    for span in found:
        if exempt or not negated(span, typed):
            return "mentioned", span, False
    if found:
        return "doubtful", found[0], True
    partial = None if exempt else next(_bag_spans(point, typed.words, complete=False), None)
    return ("doubtful", partial, False) if partial else ("missing", None, False)


def _denied_spans(point: list[str], typed: Typed, hidden: list[tuple[Span, str]]) -> list[Span]:
    """A point that carries a negation (`non-monotonic`) as the rest of it under any negation cue
    (`isn't monotone`, `not monotonic`)."""
    rest = [w for w in point if w not in ENGLISH_NEGATIONS]
    if not rest or len(rest) == len(point):
        return []
    spans = _phrase_spans(rest, typed.words)
    key = "".join(rest)
    return [s for s in spans if not _inside_compound(s, key, hidden) and negated(s, typed)]


def _phrase_spans(point: list[str], typed: list[str]) -> Iterator[Span]:
    """Runs of typed tokens that are the point, spacing and hyphens aside (rules 2 to 4)."""
    hangul_end = is_hangul(point[-1])
    target = "".join(point[:-1]) + (korean_stem(point[-1]) if hangul_end else point[-1])
    first = target[:1]
    for start in range(len(typed)):
        # every match begins in its first token: with the point's first letter (a Latin word keeps it in
        # every form and slip), or, in Hangul, with the point's first syllable somewhere inside it
        if (first not in typed[start]) if hangul_end else (typed[start][:1] != first):
            continue
        joined = ""
        for end in range(start, min(len(typed), start + len(point) + 3)):
            joined += typed[end]
            if hangul_end and is_hangul(typed[end]):
                span = _hangul_span(target, typed, start, end)
                if span is not None:
                    yield span
                    break
            elif _same_words(point, typed[start : end + 1]) or _same_joined(
                target, typed[start : end + 1], len(point)
            ):
                yield Span(start, end + 1)
                break
            if not target.startswith(joined) and len(joined) > len(target) + 4:
                break


def _hangul_span(target: str, typed: list[str], start: int, end: int) -> Span | None:
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
    return Span(start, end + 1, tail, head)


def _same_words(point: list[str], run: list[str]) -> bool:
    return len(run) == len(point) and all(map(same_latin_word, point, run))


def _same_joined(target: str, run: list[str], point_length: int) -> bool:
    """Letters joined across a hyphen or a space: `bi directional` is `bidirectional`. Small words are
    words of their own (`in it` is not `init`). Typed words joined must spell the point exactly (`can be
    parallelised` is not `can't be parallelised`); one typed word run together from a point's words may
    have one slip (`bidirectinal`), never a dropped word (`conditional` is not `conditional bn`)."""
    joined = "".join(run)
    if len(run) > 1:
        return joined == target and not any(word in STOP_WORDS for word in run)
    slip = abs(len(joined) - len(target)) <= 1
    return joined == target or (point_length > 1 and slip and same_latin_word(target, joined))


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


def _bag_spans(point: list[str], typed: list[str], *, complete: bool) -> Iterator[Span]:
    """Windows holding all (or, not complete, at least half) of the point's content words (rule 5)."""
    words = list(dict.fromkeys(w for w in point if w not in STOP_WORDS))
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
            yield Span(k, max(where) + 1, hits=where)
            return


def _inside_compound(span: Span, key: str, hidden: list[tuple[Span, str]]) -> bool:
    return any(h.start <= span.start and span.end <= h.end and compound != key for h, compound in hidden)


def _compound_spans(typed: list[str], glossary: Glossary) -> list[tuple[Span, str]]:
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
