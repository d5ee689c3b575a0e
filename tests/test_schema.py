"""The JSON Schema agrees with the loader: same verdict on every bundled deck and every invalid test deck."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.adapters.sources import bundled_decks_dir, find_deck_files, read_deck_file
from quizcards.core.authoring.templates import new_deck_text
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import (
    CARD_KEYS,
    DECK_KEYS,
    MAX_ANSWER_LENGTH,
    MAX_CARDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_QUESTION_LENGTH,
    MAX_TITLE_LENGTH,
    DeckError,
    is_valid_name,
)
from quizcards.core.deck.reading import compose_nodes
from quizcards.core.deck.schema import (
    SINGLE_LINE_PATTERN,
    deck_schema,
    is_quizcards_schema,
    name_pattern,
    schema_text,
)
from tests.conftest import SMALL_DECK
from tests.helpers import Quiz, examples

INVALID_DECKS = sorted((Path(__file__).parent / "decks" / "invalid").glob("*.yaml"))


@functools.cache
def validator() -> Draft202012Validator:
    """The deck schema's validator, built on first use rather than while tests are collected (the
    name pattern scans every code point: most of a second)."""
    return Draft202012Validator(deck_schema())


def instance_of(text: str) -> Any:
    """The deck as the loader reads it, as a JSON value: every scalar a string.

    Only decks whose problems JSON can represent belong in the agreement test:
    a duplicate key or a YAML tag has no JSON form, so this refuses them.
    """
    return _value(compose_nodes(text))


def _value(node: Node | None) -> Any:
    if node is None:
        return None
    if not node.tag.startswith("tag:yaml.org,2002:") or node.tag.endswith(("binary", "set", "omap")):
        raise ValueError(f"the YAML tag {node.tag} has no JSON form")
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [_value(item) for item in node.value]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.value in result:
            raise ValueError("a complex or duplicate key has no JSON form")
        result[key.value] = _value(value)
    return result


def loader_accepts(path: Path) -> bool:
    try:
        read_deck_file(path)
    except DeckError:
        return False
    return True


def schema_accepts(text: str) -> bool:
    return validator().is_valid(instance_of(text))


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(deck_schema())
    assert deck_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_built_from_the_loaders_keys_and_limits() -> None:
    schema = deck_schema()
    card = schema["$defs"]["card"]
    assert tuple(schema["properties"]) == DECK_KEYS
    assert tuple(card["properties"]) == CARD_KEYS
    assert schema["additionalProperties"] is False
    assert card["additionalProperties"] is False
    assert schema["required"] == ["cards"]
    assert card["required"] == ["q", "a"]
    assert schema["properties"]["title"]["maxLength"] == MAX_TITLE_LENGTH
    assert schema["properties"]["description"]["maxLength"] == MAX_DESCRIPTION_LENGTH
    assert schema["properties"]["cards"]["maxItems"] == MAX_CARDS
    assert card["properties"]["q"]["maxLength"] == MAX_QUESTION_LENGTH
    assert card["properties"]["a"]["maxLength"] == MAX_ANSWER_LENGTH
    assert card["properties"]["source"]["maxLength"] == MAX_ITEM_LENGTH
    assert schema["$defs"]["item"]["maxLength"] == MAX_ITEM_LENGTH
    for key in ("points", "hints", "tags"):
        assert card["properties"][key]["maxItems"] == MAX_ITEMS
    text_form, list_form = schema["$defs"]["point"]["anyOf"]
    assert text_form == {"$ref": "#/$defs/item"}
    assert (list_form["minItems"], list_form["maxItems"]) == (1, MAX_ITEMS)
    assert f"{{0,{MAX_ID_LENGTH - 1}}}" in name_pattern()


@pytest.mark.parametrize(
    "value", ["हिन्दी", "ที่นี่", "cafe\u0301", "café", "Ωμέγα", "٣x", "qkv-2.1_b", "😀", "a\u200db", "a→b", "x²"]
)
def test_the_name_pattern_is_the_loaders_rule(value: str) -> None:
    assert (re.search(name_pattern(), value) is not None) == is_valid_name(value)


def test_there_is_an_invalid_corpus() -> None:
    assert len(INVALID_DECKS) >= 30


@pytest.mark.parametrize("path", INVALID_DECKS, ids=lambda path: path.stem)
def test_an_invalid_deck_is_refused_by_both(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not loader_accepts(path), f"{path.name} should be invalid for the loader"
    assert not schema_accepts(text), f"{path.name} passes the schema: {instance_of(text)!r}"


def bundled_deck_files() -> list[Path]:
    folder = bundled_decks_dir()
    if not folder.is_dir():
        return []
    files, _ = find_deck_files([folder])
    return files


@pytest.mark.parametrize("path", bundled_deck_files(), ids=lambda path: path.stem)
def test_a_bundled_deck_gets_the_same_verdict_from_both(path: Path) -> None:
    assert schema_accepts(path.read_text(encoding="utf-8")) == loader_accepts(path)


def test_bundled_decks_exist_or_are_skipped() -> None:
    if not bundled_deck_files():
        pytest.skip("no bundled decks yet under decks/")
    assert all(loader_accepts(path) for path in bundled_deck_files())


VALID_DECKS = {
    "small": SMALL_DECK,
    "template": new_deck_text("my-deck", "My deck"),
    "unicode-and-numbers": """
        deck: 어텐션
        title: "  Attention, in Korean  "
        description:
        cards:
          - id: 1
            q: 42
            a: yes
            source:
          - id: "  spaced-id  "
            q: no
            a: |
              multi
              line
            points: [1, two]
            tags: []
    """,
}


@pytest.mark.parametrize("name", sorted(VALID_DECKS))
def test_valid_edge_decks_get_the_same_verdict(name: str, tmp_path: Path) -> None:
    import textwrap

    text = textwrap.dedent(VALID_DECKS[name]).lstrip("\n")
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    assert loader_accepts(path)
    assert schema_accepts(text)


def loader_verdict(key: str, value: str) -> bool:
    """Whether the loader accepts a deck whose `key` (deck name or title) is the given string."""
    text = f"{key}: {json.dumps(value)}\ncards:\n  - q: Q\n    a: A\n"
    try:
        parse_deck(text.encode(), "deck.yaml", "deck")
    except DeckError:
        return False
    return True


NAMEISH = st.text(
    alphabet=st.sampled_from(
        [chr(code) for code in range(0x20, 0x7F)]
        + ["\t", "\n", "é", "한", "Ω", "٣", "\xa0", "\x85", "\u0301", "ि", "्", "😀", "\u200d", "→", "²"]
    ),
    max_size=70,
)


@settings(max_examples=examples(300), deadline=None)
@given(NAMEISH)
def test_the_name_pattern_agrees_with_the_loader(value: str) -> None:
    schema_verdict = validator().is_valid({"deck": value, "cards": [{"q": "Q", "a": "A"}]})
    assert schema_verdict == loader_verdict("deck", value)
    assert (re.search(name_pattern(), value) is not None) == (
        is_valid_name(value.strip()) and len(value) <= 10 * MAX_ID_LENGTH
    )


@pytest.mark.parametrize(
    "value",
    ["qkv", "a.b-c_d", "어텐션", "v2", "x" * MAX_ID_LENGTH, " padded "],
)
def test_names_the_loader_accepts_match_the_pattern(value: str) -> None:
    assert loader_verdict("deck", value)
    assert re.search(name_pattern(), value)


@pytest.mark.parametrize(
    "value",
    ["-qkv", ".qkv", "_qkv", "a b", "a/b", "a:b", "", "x" * (MAX_ID_LENGTH + 1), "a\nb", "ä!"],
)
def test_names_the_loader_refuses_do_not_match_the_pattern(value: str) -> None:
    assert not loader_verdict("deck", value)
    assert not re.search(name_pattern(), value)


@settings(max_examples=examples(200), deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\t", "é", "-"]), max_size=12))
def test_the_title_pattern_agrees_with_the_loader(value: str) -> None:
    assert (re.search(SINGLE_LINE_PATTERN, value) is not None) == loader_verdict("title", value)


def test_quiz_schema_prints_the_schema(quiz: Quiz, db_path: Path) -> None:
    result = quiz("schema")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == deck_schema()
    assert result.stdout == schema_text()
    assert not db_path.exists()


def test_quiz_schema_writes_a_file_and_refreshes_its_own(quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "quizcards.schema.json"
    target.write_text(
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "quizcards deck"}'
    )
    result = quiz("schema", "--output", target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == schema_text()
    assert is_quizcards_schema(target.read_text(encoding="utf-8"))


def test_quiz_schema_leaves_a_foreign_file_alone(quiz: Quiz, tmp_path: Path) -> None:
    target = tmp_path / "deck.yaml"
    target.write_text("cards: []\n")
    result = quiz("schema", "--output", target)
    assert result.exit_code == 1
    assert f"{target} exists and is not a quizcards schema" in result.stderr
    assert target.read_text() == "cards: []\n"


POINT_WORDING = st.one_of(
    st.sampled_from(["a", " ", "", "x" * MAX_ITEM_LENGTH, "x" * (MAX_ITEM_LENGTH + 1), "기울기 소실"]),
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
)
POINT_VALUE = st.one_of(
    POINT_WORDING,
    st.lists(POINT_WORDING, max_size=3),
    st.lists(st.sampled_from(["w", "v"]), min_size=MAX_ITEMS - 1, max_size=MAX_ITEMS + 1),
    st.lists(st.one_of(POINT_WORDING, st.lists(POINT_WORDING, max_size=2)), min_size=1, max_size=3),
    st.dictionaries(st.sampled_from(["k"]), POINT_WORDING, max_size=1),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(POINT_VALUE, max_size=4))
def test_points_as_text_or_lists_get_the_same_verdict(points: list[Any]) -> None:
    """Points given as text, lists of wordings, nested or empty lists, mappings: both agree."""
    deck = {"cards": [{"id": "c", "q": "Q", "a": "A", "points": points}]}
    # The loader reads every scalar as text, as an editor would write it (json.dumps is YAML).
    text = json.dumps(deck, ensure_ascii=False)
    try:
        parse_deck(text.encode(), "deck.yaml", "deck")
        loader_verdict = True
    except DeckError:
        loader_verdict = False
    assert validator().is_valid(instance_of(text)) == loader_verdict, text[:300]
