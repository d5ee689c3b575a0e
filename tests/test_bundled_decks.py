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
    "ko-attention",
    "ko-seq2seq",
}


@pytest.fixture(scope="module")
def decks() -> dict[str, Deck]:
    result = load_deck_paths([bundled_decks_dir()])
    assert result.problems == (), "\n".join(str(p) for p in result.problems)
    return {deck.slug: deck for deck in result.decks}


def test_every_topic_has_a_deck(decks: dict[str, Deck]) -> None:
    assert set(decks) == EXPECTED


def test_each_deck_has_at_least_twelve_cards(decks: dict[str, Deck]) -> None:
    for deck in decks.values():
        assert len(deck.cards) >= 12, deck.slug


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
    for slug in ("ko-attention", "ko-seq2seq"):
        hangul = sum("\uac00" <= ch <= "\ud7a3" for card in decks[slug].cards for ch in card.question)
        assert hangul > 100, slug


def test_bundled_decks_pass_the_strictest_lint() -> None:
    from typer.testing import CliRunner

    from quizcards.cli import app

    result = CliRunner().invoke(app, ["lint", "--strict", str(bundled_decks_dir())])
    assert result.exit_code == 0, result.output
