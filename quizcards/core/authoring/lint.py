"""Lint: what the loader accepts but an author should hear about, each warning on its line."""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml
from yaml.nodes import Node, SequenceNode

from quizcards.core.authoring.markdown_lint import stray_bold_markers
from quizcards.core.authoring.point_lint import lint_points
from quizcards.core.authoring.words import FILLER, normal_form
from quizcards.core.deck.model import Card, Deck, Problem
from quizcards.core.deck.reading import cards_node, compose_nodes, values_of

# The longest bundled answer is under 1,200 characters; one past 2,000 no longer
# fits the "explain it in your own words" format.
LONG_ANSWER_CHARACTERS = 2_000
# Questions this alike, by characters and by words, read as the same question;
# the word ratio keeps "What is ReLU?" and "What is GELU?" apart.
NEAR_DUPLICATE_RATIO = 0.9
NEAR_DUPLICATE_WORD_RATIO = 0.7
# Candidate pairs looked at, and pairs given to difflib, before the check gives
# up: a few seconds' work. Hand-written decks need a small fraction of it; a
# generated deck of thousands of look-alike questions ("What does X mean?") does not.
NEAR_DUPLICATE_CANDIDATES = 3_000_000
NEAR_DUPLICATE_COMPARISONS = 20_000
# An answer this alike to its question only repeats it.
REPEAT_RATIO = 0.85


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """Pairs of look-alike questions, and whether every candidate pair was compared."""

    pairs: tuple[tuple[int, int], ...]
    complete: bool


def lint_deck(deck: Deck, text: str) -> list[Problem]:
    """Warnings beyond the loader's: near-duplicate questions, cards without points or
    hints, points that mean little when matched or that the answer does not mention,
    answers that only repeat the question, very long answers.

    ``text`` is the file the deck was loaded from; it gives each warning its line.
    """
    try:
        cards = cards_node(compose_nodes(text))
    except yaml.YAMLError:  # the file changed since it was loaded; its next lint will tell
        return []
    if not isinstance(cards, SequenceNode) or len(cards.value) != len(deck.cards):
        return []
    nodes: list[Node] = cards.value
    problems: list[Problem] = []

    def warn(node: Node, message: str) -> None:
        problems.append(
            Problem(deck.path, node.start_mark.line + 1, node.start_mark.column + 1, message, "warning")
        )

    names = [_card_name(card, number) for number, card in enumerate(deck.cards, start=1)]
    values = [values_of(node) for node in nodes]
    for number, (card, node) in enumerate(zip(deck.cards, nodes, strict=True), start=1):
        name = names[number - 1]
        answer_node = values[number - 1].get("a", node)
        if not card.points and not card.hints:
            warn(
                node,
                f"{name} has no points and no hints; add 'points' (the ideas an explanation "
                "should mention) and 'hints' (clues to ask for during a review).",
            )
        elif not card.points:
            warn(
                node,
                f"{name} has no points; add 'points', the ideas an explanation should mention, "
                "so a review can show which ones it covered.",
            )
        elif not card.hints:
            warn(node, f"{name} has no hints; add 'hints', clues to ask for during a review.")
        lint_points(card.points, values[number - 1].get("points"), card.answer, name, warn)
        if answer_repeats_question(card.question, card.answer):
            warn(
                answer_node,
                f"the answer of {name} only repeats its question; write what it should explain.",
            )
        for passage in stray_bold_markers(card.answer):
            warn(
                answer_node,
                f"the answer of {name} shows '**' as asterisks, not bold, at '{passage}': Markdown "
                "does not open or close '**' between punctuation and a letter, as in "
                "'**포싱(forcing)**이라고'; keep the parenthesis outside ('**포싱**(forcing)이라고') "
                "or add a space.",
            )
        if len(card.answer) > LONG_ANSWER_CHARACTERS:
            warn(
                answer_node,
                f"the answer of {name} is {len(card.answer):,} characters long; answers over "
                f"{LONG_ANSWER_CHARACTERS:,} are hard to recall in one go, so consider splitting the card.",
            )
    duplicates = near_duplicate_questions([card.question for card in deck.cards])
    if not duplicates.complete:
        warn(
            cards,
            "the deck has too many look-alike questions to compare every pair; the check for "
            "near-duplicates stopped early, so some may be unreported (identical ones are all reported).",
        )
    for earlier, later in duplicates.pairs:
        first = deck.cards[earlier]
        warn(
            values[later].get("q", nodes[later]),
            f"{names[later]} asks nearly the same question as {names[earlier]} on line {first.line}; "
            "merge them or make the difference clear.",
        )
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def near_duplicate_questions(questions: Sequence[str]) -> NearDuplicates:
    """(earlier, later) index pairs of questions that read as the same; each later one once.

    Comparing every pair is quadratic, so candidates come from prefix filtering
    on words. Count each word with its occurrence ("the" twice is ("the", 1) and
    ("the", 2)); difflib's word ratio is at most 2|A & B|/(|A| + |B|), so two
    questions at ratio r or more share at least r/(2 - r) of the words of
    either, and hence one of the rarest |A| - ceil(r|A|/(2 - r)) + 1 words of each.
    """
    word_ratio = NEAR_DUPLICATE_WORD_RATIO
    normals = [normal_form(question) for question in questions]
    words = [normal.split() for normal in normals]
    tokens = [frozenset(_occurrences(question_words)) for question_words in words]
    frequency = Counter(token for question_tokens in tokens for token in question_tokens)
    index: dict[tuple[str, int], list[int]] = {}
    # Identical questions (after normalising) first: cheap, and complete whatever the budget.
    first_seen: dict[str, int] = {}
    partner: dict[int, int] = {}
    for later, normal in enumerate(normals):
        if normal in first_seen:
            partner[later] = first_seen[normal]
        elif normal:
            first_seen[normal] = later
    looked_at = compared = 0
    for later, question_tokens in enumerate(tokens):
        if not question_tokens or later in partner:
            continue
        rarest = sorted(question_tokens, key=lambda token: (frequency[token], token))
        shared = math.ceil(word_ratio * len(rarest) / (2 - word_ratio) - 1e-9)
        prefix = rarest[: len(rarest) - shared + 1]
        candidates = sorted({earlier for token in prefix for earlier in index.get(token, ())})
        for token in prefix:
            index.setdefault(token, []).append(later)
        size, length = len(question_tokens), len(normals[later])
        looked_at += len(candidates)
        if looked_at > NEAR_DUPLICATE_CANDIDATES:
            return NearDuplicates(_pairs(partner), complete=False)
        for earlier in candidates:
            other = normals[earlier]
            # Cheap bounds first: difflib's ratios cannot exceed them.
            if 2 * min(length, len(other)) < NEAR_DUPLICATE_RATIO * (length + len(other)):
                continue
            if 2 * len(question_tokens & tokens[earlier]) < word_ratio * (size + len(tokens[earlier])):
                continue
            compared += 1
            if compared > NEAR_DUPLICATE_COMPARISONS:
                return NearDuplicates(_pairs(partner), complete=False)
            if _alike(other, normals[later], words[earlier], words[later]):
                partner[later] = earlier
                break
    return NearDuplicates(_pairs(partner), complete=True)


def _pairs(partner: dict[int, int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((earlier, later) for later, earlier in partner.items()))


def _occurrences(items: Sequence[str]) -> list[tuple[str, int]]:
    """A list as a set of distinct tokens: the second "the" is ("the", 2)."""
    seen: Counter[str] = Counter()
    tokens = []
    for item in items:
        seen[item] += 1
        tokens.append((item, seen[item]))
    return tokens


def _alike(first: str, second: str, first_words: list[str], second_words: list[str]) -> bool:
    """difflib's verdict: alike by words and by characters."""
    if (
        difflib.SequenceMatcher(None, first_words, second_words, autojunk=False).ratio()
        < NEAR_DUPLICATE_WORD_RATIO
    ):
        return False
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    return matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO and matcher.ratio() >= NEAR_DUPLICATE_RATIO


def answer_repeats_question(question: str, answer: str) -> bool:
    """True when the answer says nothing the question did not: the same words, or nearly the same text."""
    q, a = normal_form(question), normal_form(answer)
    if not a:
        return False
    if a == q or difflib.SequenceMatcher(None, q, a, autojunk=False).ratio() >= REPEAT_RATIO:
        return True
    q_words, a_words = set(q.split()), set(a.split())
    if not a_words <= q_words:
        return False
    topical = q_words - FILLER
    return len(a_words) >= 3 or (bool(topical) and topical <= a_words)


def _card_name(card: Card, number: int) -> str:
    return f"card {number}" if card.id_generated else f"card '{card.id}'"


def in_file_order(problems: Iterable[Problem], files: Sequence[str]) -> list[Problem]:
    """Problems sorted by the order of their files, then by line and column.

    A problem about a path that is not one of ``files`` (a missing file, say) comes first.
    """
    order = {path: number for number, path in enumerate(files)}
    return sorted(problems, key=lambda p: (order.get(p.path, -1), p.line or 0, p.column or 0))
