"""The deck loader under fuzzing: the only outcomes are a Deck or a DeckError with located problems.

Inputs are YAML documents built from generated values (dumped with yaml.safe_dump), deck-shaped
documents with wrong types in every place, mutations of a valid deck's text, and arbitrary bytes.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizcards.core.deck import model as deck
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import CARD_KEYS, DECK_KEYS, Deck, DeckError
from tests.conftest import SMALL_DECK
from tests.helpers import examples

PATH = "fuzz/deck.yaml"
VALID = textwrap.dedent(SMALL_DECK).lstrip("\n")
# Problems about the whole file carry no line; every other problem is located.
FILE_LEVEL = (
    "the file is ",
    "YAML error: ",
    "the text is not valid Unicode",
    "the YAML is nested too deeply",
    "the file name gives the deck name",
)
FUZZ = settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["", "~", "no", "0755", "2024-02-30", "*a", "&a", "!!str", "- x", "[", "{", ": x"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=10), st.sampled_from(CARD_KEYS + DECK_KEYS)), children, max_size=4
        ),
    ),
    max_leaves=20,
)
cards = st.lists(
    st.dictionaries(st.sampled_from((*CARD_KEYS, "question", "Q", "")), values, max_size=8),
    max_size=5,
)
decks = st.fixed_dictionaries(
    {"cards": st.one_of(cards, values)},
    optional={key: values for key in DECK_KEYS if key != "cards"},
)


def dumped(value: Any, allow_unicode: bool, flow: bool | None) -> str:
    return yaml.safe_dump(value, allow_unicode=allow_unicode, default_flow_style=flow, sort_keys=False)


yaml_documents = st.builds(
    dumped, st.one_of(values, decks), st.booleans(), st.sampled_from([None, True, False])
)
# Characters that mean something to YAML, controls, and text from several scripts.
_noise = st.text(
    alphabet=st.sampled_from(
        [*":-[]{}&*!|>'\"#%@`,?\n\t \r\\", "\x00", "\x1b", "\x85", "\u202e", "é", "한", "\ufeff"]
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def mutated_decks(draw: st.DrawFn) -> str | bytes:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        replacement = draw(st.one_of(st.just(""), _noise))
        text = text[:start] + replacement + text[end:]
    encoding = draw(st.sampled_from([None, "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    if encoding is None:
        return text
    return text.encode(encoding, errors="replace")


def load(data: str | bytes) -> Deck | DeckError:
    try:
        return parse_deck(data, PATH, default_slug="deck")
    except DeckError as error:
        return error


def check(data: str | bytes) -> None:
    loaded = load(data)
    if isinstance(loaded, DeckError):
        assert loaded.problems
        for problem in loaded.problems:
            assert problem.path == PATH
            assert problem.level == "error"
            assert problem.message.strip()
            assert "\n" not in str(problem), str(problem)  # one line each
            assert problem.line is not None or problem.message.startswith(FILE_LEVEL), problem
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1
        return
    assert isinstance(loaded, Deck)
    assert deck.is_valid_name(loaded.slug)
    assert loaded.cards
    for card in loaded.cards:
        assert deck.is_valid_name(card.id)
        assert card.question.strip()
        assert card.answer.strip()
        assert len(card.question) <= deck.MAX_QUESTION_LENGTH
        assert len(card.answer) <= deck.MAX_ANSWER_LENGTH
    assert len({card.id for card in loaded.cards}) == len(loaded.cards)


@FUZZ
@given(yaml_documents)
def test_generated_yaml_documents(document: str) -> None:
    check(document)
    check(document.encode("utf-8"))


@FUZZ
@given(mutated_decks())
def test_mutated_valid_decks(data: str | bytes) -> None:
    check(data)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(st.characters(exclude_categories=()), max_size=200))
def test_arbitrary_text(data: str) -> None:
    check(data)  # lone surrogates included: a str need not be valid Unicode


def test_messages_are_one_located_line_for_characters_yaml_refuses() -> None:
    # Regression: the YAML reader's own message spanned two lines and had no line number.
    error = load("deck: d\ncards:\n  - id: a\n    q: é \x1b[2J\n    a: b\n")
    assert isinstance(error, DeckError)
    assert [str(p) for p in error.problems] == [
        f"{PATH}:4:10: the file contains the character U+001B, which YAML does not allow (control "
        "characters are not allowed); remove it or write it as an escape in a double-quoted string."
    ]
    error = load("deck: d\ncards: [{id: a, q: \ud800, a: b}]\n")
    assert isinstance(error, DeckError)
    assert [p.message for p in error.problems] == ["the text is not valid Unicode; save it as UTF-8."]


def test_the_valid_deck_loads() -> None:
    # The mutations start from a deck that loads, so they explore the paths near a good one.
    loaded = parse_deck(VALID, PATH, default_slug="deck")
    assert [card.id for card in loaded.cards] == ["qkv", "scale", "bottleneck"]
