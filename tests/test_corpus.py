"""The labelled matching corpus (tests/corpus/) is well-formed: cards, explanations, labels and counts agree.

Structure only: what a matcher makes of the texts is benchmarks/matching.py's business.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from matching import PARTS, Card, Explanation, load_cards, load_corpus  # noqa: E402

DECKS = {
    "en": {"attention", "seq2seq", "transformer", "bert", "cnn", "gans", "activations", "stacks-queues"},
    "ko": {"ko-attention", "ko-seq2seq"},
}


@pytest.fixture(scope="module")
def cards() -> dict[str, Card]:
    return load_cards()


@pytest.fixture(scope="module")
def corpus() -> list[Explanation]:
    return load_corpus()


def _part(corpus: list[Explanation], part: str) -> list[Explanation]:
    return [e for e in corpus if e.part == part]


def test_every_card_names_a_bundled_deck_and_has_distinct_nonempty_wordings(cards: dict[str, Card]) -> None:
    for key, card in cards.items():
        deck, _, card_id = key.partition("/")
        assert card_id, key
        assert deck in DECKS[card.lang], key
        assert card.question.strip(), key
        assert len(card.points) >= 2, key
        first = [p[0] for p in card.points]
        assert len(set(first)) == len(first), key
        for wordings in card.points:
            assert wordings, key
            assert all(isinstance(w, str) and w.strip() == w and w for w in wordings), (key, wordings)
            assert len(set(wordings)) == len(wordings), (key, wordings)


def test_every_label_names_each_point_of_its_card_exactly_once(corpus: list[Explanation]) -> None:
    for e in corpus:
        where = (e.part, e.card.key, e.kind)
        assert e.kind in PARTS[e.part], where
        assert list(e.labels) == [p[0] for p in e.card.points], where
        assert all(type(v) is bool for v in e.labels.values()), where
        assert e.text, where
        assert e.text.strip() == e.text, where


def test_no_explanation_is_repeated(corpus: list[Explanation]) -> None:
    assert len({e.text for e in corpus}) == len(corpus)
    assert len({(e.part, e.card.key, e.kind) for e in corpus}) == len(corpus)


def test_the_natural_part_has_three_learners_for_every_card_a_third_in_korean(
    cards: dict[str, Card], corpus: list[Explanation]
) -> None:
    natural = _part(corpus, "natural")
    per_card = {key: sorted(e.kind for e in natural if e.card.key == key) for key in cards}
    assert all(kinds == sorted(PARTS["natural"]) for kinds in per_card.values()), per_card
    assert len(cards) >= 30
    korean = [c for c in cards.values() if c.lang == "ko"]
    assert 3 * len(korean) >= len(cards)
    decks = {key.partition("/")[0] for key in cards}
    assert decks == DECKS["en"] | DECKS["ko"]


def test_the_adversarial_part_has_all_five_kinds_for_every_card(
    cards: dict[str, Card], corpus: list[Explanation]
) -> None:
    adversarial = _part(corpus, "adversarial")
    per_card = Counter(e.card.key for e in adversarial)
    assert set(per_card) == set(cards)
    for key in per_card:
        assert sorted(e.kind for e in adversarial if e.card.key == key) == sorted(PARTS["adversarial"]), key
    langs = Counter(cards[key].lang for key in per_card)
    assert langs["ko"] >= 11, langs


def test_each_kind_is_labelled_as_its_kind_says(corpus: list[Explanation]) -> None:
    """A strong answer covers every point; a partial or a wrong one does not."""
    for e in _part(corpus, "adversarial"):
        values = list(e.labels.values())
        where = (e.card.key, e.kind)
        if e.kind == "strong":
            assert all(values), where
        elif e.kind in ("partial", "wrong"):
            assert not all(values), where
    for e in _part(corpus, "natural"):
        if e.kind == "knows":
            assert any(e.labels.values()), e.card.key


def test_the_corpus_is_big_enough_to_measure(corpus: list[Explanation]) -> None:
    pairs = Counter((e.part, e.card.lang) for e in corpus for _ in e.labels)
    for part in PARTS:
        assert pairs[(part, "en")] >= 230, pairs
        assert pairs[(part, "ko")] >= 110, pairs
