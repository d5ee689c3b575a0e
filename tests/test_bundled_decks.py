"""The bundled decks: all there, all valid, and every card complete."""

from __future__ import annotations

import pytest

from quizcards.adapters.sources import bundled_decks_dir, load_deck_paths
from quizcards.core.deck.model import Deck

EXPECTED = {
    "seq2seq",
    "attention",
    "transformer",
    "bert",
    "activations",
    "cnn",
    "gans",
    "stacks-queues",
    "flask",
    "ko-attention",
    "ko-seq2seq",
    "ko-lecture13",
    "ko-transformer",
    "ko-cnn",
    "ko-stacks-queues",
}
# The lecture deck asks the learner's own questions about one lecture: its size is the lecture's.
SMALL_DECKS = {"ko-lecture13": 8}


@pytest.fixture(scope="module")
def decks() -> dict[str, Deck]:
    result = load_deck_paths([bundled_decks_dir()])
    assert result.problems == (), "\n".join(str(p) for p in result.problems)
    return {deck.slug: deck for deck in result.decks}


def test_every_topic_has_a_deck(decks: dict[str, Deck]) -> None:
    assert set(decks) == EXPECTED


def test_each_deck_has_at_least_twelve_cards(decks: dict[str, Deck]) -> None:
    for deck in decks.values():
        assert len(deck.cards) >= SMALL_DECKS.get(deck.slug, 12), deck.slug


def test_the_decks_hold_the_whole_curriculum(decks: dict[str, Deck]) -> None:
    assert sum(len(deck.cards) for deck in decks.values()) >= 260


def test_every_card_names_its_source(decks: dict[str, Deck]) -> None:
    missing = [f"{deck.slug}/{card.id}" for deck in decks.values() for card in deck.cards if not card.source]
    assert missing == []


def test_the_lecture_deck_asks_the_learners_six_questions(decks: dict[str, Deck]) -> None:
    questions = " ".join(card.question for card in decks["ko-lecture13"].cards)
    for asked in (
        "seq2seq 문제점 2개",
        "Query, Key, Value",
        "attention 함수의 계산 과정",
        "RNN과 CNN에 attention을 적용했을 때",
        "self attention",
        "transformer가 기여한 점",
    ):
        assert asked in questions, asked


def test_every_card_is_complete(decks: dict[str, Deck]) -> None:
    for deck in decks.values():
        assert deck.title, deck.slug
        assert deck.description, deck.slug
        for card in deck.cards:
            where = f"{deck.slug}/{card.id}"
            assert not card.id_generated, f"{where} has no id"
            assert card.question.strip(), where
            assert card.answer.strip(), where
            assert 2 <= len(card.points) <= 5, where
            assert card.hints, where
            assert card.tags, where


def test_korean_decks_are_korean(decks: dict[str, Deck]) -> None:
    for slug in (slug for slug in EXPECTED if slug.startswith("ko-")):
        hangul = sum("\uac00" <= ch <= "\ud7a3" for card in decks[slug].cards for ch in card.question)
        assert hangul > 100, slug


@pytest.mark.slow  # 264 cards through the lint and the matcher: about 3 s, with the decks' content tests
def test_bundled_decks_pass_the_strictest_lint() -> None:
    from typer.testing import CliRunner

    from quizcards.cli import app

    result = CliRunner().invoke(app, ["lint", "--strict", str(bundled_decks_dir())])
    assert result.exit_code == 0, result.output
