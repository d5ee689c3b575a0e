"""The deck loader: valid decks, and every kind of invalid deck with its exact location."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from quizcards.adapters.sources import load_deck_paths
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import (
    MAX_ID_LENGTH,
    Card,
    Deck,
    DeckError,
    Problem,
    derive_card_id,
    suggest_key,
)
from quizcards.core.points import Point


def parse(text: str, path: str = "deck.yaml", slug: str = "deck") -> Deck:
    return parse_deck(textwrap.dedent(text).lstrip("\n").encode(), path, slug)


def problems_of(text: str, path: str = "deck.yaml") -> list[str]:
    with pytest.raises(DeckError) as caught:
        parse(text, path)
    return [str(p) for p in caught.value.problems]


def test_full_example_loads() -> None:
    deck = parse(
        """
        deck: attention
        title: Attention and Transformers
        description: Self-explanation questions for ML interviews.
        tags: [nlp]
        cards:
          - id: qkv
            q: What do Query, Key and Value mean in attention?
            a: |
              Markdown answer, code blocks allowed.
            points: [query-key similarity, weighted sum of values]
            hints: [Think of a dictionary lookup.]
            tags: [attention]
            source: Vaswani et al., 2017
        """
    )
    assert deck.slug == "attention"
    assert deck.title == "Attention and Transformers"
    assert deck.tags == ("nlp",)
    (card,) = deck.cards
    assert card.id == "qkv"
    assert card.answer == "Markdown answer, code blocks allowed."
    assert card.points == (Point("query-key similarity"), Point("weighted sum of values"))
    assert card.hints == ("Think of a dictionary lookup.",)
    assert card.source == "Vaswani et al., 2017"
    assert not card.id_generated
    assert deck.warnings == ()


def test_slug_defaults_to_file_stem() -> None:
    deck = parse_deck(b"cards:\n  - {id: a, q: x, a: y}\n", "dir/my-deck.yaml", "my-deck")
    assert deck.slug == "my-deck"
    assert deck.title == "my-deck"


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("3:30:15", "3:30:15"),
        ("0755", "0755"),
        ("2024-02-30", "2024-02-30"),
        ("1e3", "1e3"),
        ("null", "null"),
        ("~", "~"),
        (".inf", ".inf"),
    ],
)
def test_yaml_11_scalars_stay_the_text_the_author_wrote(written: str, kept: str) -> None:
    deck = parse(
        f"""
        cards:
          - id: card
            q: {written}
            a: {written}
            points: [{written}]
        """
    )
    (card,) = deck.cards
    assert card.question == kept
    assert card.answer == kept
    assert card.points == (Point(kept),)


@pytest.mark.parametrize("written", ["no", "0755", "2024-02-30", "1e3", "null"])
def test_ids_keep_their_text(written: str) -> None:
    deck = parse(f"cards:\n  - id: {written}\n    q: x\n    a: y\n")
    assert deck.cards[0].id == written


def test_korean_ids_and_text_are_fine() -> None:
    deck = parse(
        """
        deck: 어텐션
        cards:
          - id: 스케일링-이유
            q: 왜 sqrt(d_k)로 나누나요?
            a: 내적의 분산이 커지기 때문입니다.
        """
    )
    assert deck.slug == "어텐션"
    assert deck.cards[0].id == "스케일링-이유"


def test_missing_id_is_derived_from_the_question_and_warned() -> None:
    deck = parse(
        """
        cards:
          - q: "  What   is attention?  "
            a: x
        """
    )
    (card,) = deck.cards
    assert card.id == derive_card_id("What is attention?")
    assert card.id.startswith("q-")
    assert len(card.id) == 14
    assert card.id_generated
    (warning,) = deck.warnings
    assert warning.level == "warning"
    assert str(warning).startswith("deck.yaml:2:5: card 1 has no id")
    assert "editing the question will make it a new card" in warning.message


def test_derived_id_is_stable_and_normalised() -> None:
    assert derive_card_id("What is x?") == derive_card_id("What  is\nx? ")
    assert derive_card_id("What is x?") != derive_card_id("What is y?")
    # NFC: a precomposed and a decomposed é give the same id.
    assert derive_card_id("caf\u00e9") == derive_card_id("cafe\u0301")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("question", "q"),
        ("anwser", "a"),
        ("answer", "a"),
        ("hint", "hints"),
        ("tag", "tags"),
        ("point", "points"),
        ("sorce", "source"),
        ("idd", "id"),
        ("zzzzzz", None),
        ("desc", "description"),
    ],
)
def test_unknown_key_suggestions(key: str, expected: str | None) -> None:
    from quizcards.core.deck.model import CARD_KEYS

    assert suggest_key(key, CARD_KEYS) == expected


def test_unknown_keys_are_errors_with_suggestions_and_location() -> None:
    assert problems_of(
        """
        cards:
          - id: a
            question: What?
            anwser: That.
        """
    ) == [
        "deck.yaml:2:5: card 'a' has no question ('q').",
        "deck.yaml:2:5: card 'a' has no answer ('a').",
        "deck.yaml:3:5: unknown key 'question' in card 'a'; did you mean 'q'? "
        "(valid keys: id, q, a, points, hints, tags, source).",
        "deck.yaml:4:5: unknown key 'anwser' in card 'a'; did you mean 'a'? "
        "(valid keys: id, q, a, points, hints, tags, source).",
    ]


def test_unknown_deck_key() -> None:
    (message,) = problems_of(
        """
        titel: x
        cards:
          - {id: a, q: x, a: y}
        """
    )
    assert message.startswith("deck.yaml:1:1: unknown key 'titel' in the deck; did you mean 'title'?")


def test_empty_and_missing_required_fields() -> None:
    assert problems_of(
        """
        cards:
          - id: a
            q: ""
            a:
        """
    ) == [
        "deck.yaml:3:8: the question of card 'a' must not be empty.",
        "deck.yaml:4:7: the answer of card 'a' must not be empty.",
    ]


def test_lists_must_be_lists_of_text() -> None:
    assert problems_of(
        """
        cards:
          - id: a
            q: x
            a: y
            points: just one string
            hints: [{nested: map}]
            tags: [ok, [nested]]
        """
    ) == [
        "deck.yaml:5:13: the points of card 'a' must be a list (write [item, item] or one '- item' per "
        "line), not text.",
        "deck.yaml:6:13: each item of the hints of card 'a' must be text, not a mapping.",
        "deck.yaml:7:16: each item of the tags of card 'a' must be text, not a list.",
    ]


def test_duplicate_ids_are_errors() -> None:
    assert problems_of(
        """
        cards:
          - id: a
            q: x
            a: y
          - id: a
            q: z
            a: w
        """
    ) == ["deck.yaml:5:5: duplicate card id 'a' (first on line 2)."]


def test_duplicate_questions_without_ids_are_errors() -> None:
    assert problems_of(
        """
        cards:
          - q: same
            a: y
          - q: same
            a: w
        """
    ) == ["deck.yaml:4:5: the same question appears twice (first on line 2)."]


def test_duplicate_mapping_keys_are_detected() -> None:
    assert problems_of(
        """
        cards:
          - id: a
            q: first
            q: second
            a: y
        """
    ) == ["deck.yaml:4:5: duplicate key 'q' in card 'a' (first set on line 3)."]


@pytest.mark.parametrize(
    "bad", ["../etc", "a/b", "a b", ".hidden", "-rf", "x;y", "it's", "a" * (MAX_ID_LENGTH + 1), "_x"]
)
def test_invalid_ids(bad: str) -> None:
    (message,) = problems_of(
        f"""
        cards:
          - id: "{bad}"
            q: x
            a: y
        """
    )
    assert message.startswith("deck.yaml:2:9: the id of card 1 ")


def test_invalid_deck_name_from_file_stem_says_to_set_deck() -> None:
    with pytest.raises(DeckError) as caught:
        parse_deck(b"cards:\n  - {id: a, q: x, a: y}\n", "my deck.yaml", "my deck")
    assert "set 'deck:' in the file" in str(caught.value)


def test_python_tags_are_rejected() -> None:
    (message,) = problems_of(
        """
        cards:
          - id: a
            q: !!python/object/apply:os.system ["echo hi"]
            a: y
        """
    )
    assert message == (
        "deck.yaml:3:8: the YAML tag !!python/object/apply:os.system is not allowed; "
        "a deck holds only text, lists and mappings."
    )


def test_explicit_str_tag_is_fine_other_tags_are_not() -> None:
    deck = parse("cards:\n  - {id: a, q: !!str 12, a: y}\n")
    assert deck.cards[0].question == "12"
    (message,) = problems_of("cards:\n  - {id: a, q: !!int 12, a: y}\n")
    assert "the YAML tag !!int is not allowed" in message


def test_syntax_error_has_line_and_column() -> None:
    (message,) = problems_of(
        """
        cards:
          - id: a
            q: [unclosed
            a: y
        """
    )
    assert message.startswith("deck.yaml:3:8:")
    assert "YAML syntax error" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "deck.yaml:1:1: the file is empty; a deck needs a 'cards' list."),
        ("- a\n- b\n", "deck.yaml:1:1: the deck must be a mapping of keys to values, not a list."),
        ("title: x\n", "deck.yaml:1:1: the deck has no 'cards' list."),
        ("cards: []\n", "deck.yaml:1:8: 'cards' is empty; a deck needs at least one card."),
        ("cards: {a: b}\n", "deck.yaml:1:8: 'cards' must be a list of cards, not a mapping."),
        ("cards:\n  - just text\n", "deck.yaml:2:5: card 1 must be a mapping of keys to values, not text."),
    ],
)
def test_structural_problems(content: str, expected: str) -> None:
    assert problems_of(content) == [expected]


def test_bom_and_crlf_load() -> None:
    data = (
        b"\xef\xbb\xbfdeck: crlf\r\ncards:\r\n  - id: a\r\n    q: x\r\n"
        b"    a: |\r\n      line one\r\n      line two\r\n"
    )
    deck = parse_deck(data, "crlf.yaml", "crlf")
    assert deck.cards[0].answer == "line one\nline two"


def test_non_utf8_is_a_located_error() -> None:
    with pytest.raises(DeckError) as caught:
        parse_deck(b"cards:\n  - id: a\n    q: caf\xe9\n    a: y\n", "latin1.yaml", "latin1")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 11)
    assert "not valid UTF-8" in problem.message


def test_utf16_is_refused_clearly() -> None:
    with pytest.raises(DeckError, match="UTF-16"):
        parse_deck("cards: []".encode("utf-16"), "u16.yaml", "u16")


def test_all_problems_of_a_file_are_reported_in_line_order() -> None:
    messages = problems_of(
        """
        cards:
          - id: a
            q: x
          - id: "b/c"
            q: y
            a: z
          - id: d
            a: w
            extra: 1
        """
    )
    lines = [int(m.split(":")[1]) for m in messages]
    assert lines == sorted(lines)
    assert len(messages) == 4


def test_problem_formats() -> None:
    assert str(Problem("f.yaml", 3, 7, "msg")) == "f.yaml:3:7: msg"
    assert str(Problem("f.yaml", None, None, "msg")) == "f.yaml: msg"
    assert Problem("f.yaml", 2, None, "msg", "warning").with_level() == "f.yaml:2: warning: msg"


# ---- files and folders ---------------------------------------------------


def test_load_paths_collects_every_problem_of_every_file(
    write_deck: Callable[..., Path], tmp_path: Path
) -> None:
    good = write_deck("good.yaml", "cards:\n  - {id: a, q: x, a: y}\n")
    write_deck("sub/bad1.yml", "cards:\n  - {id: a, q: x}\n")
    write_deck("sub/bad2.yaml", "cards: [\n")
    write_deck("sub/notes.txt", "ignored")
    write_deck(".hidden/skip.yaml", "not: a deck")
    result = load_deck_paths([tmp_path / "decks", good, tmp_path / "missing.yaml"])
    assert [d.slug for d in result.decks] == ["good"]
    paths = sorted({Path(p.path).name for p in result.errors})
    assert paths == ["bad1.yml", "bad2.yaml", "missing.yaml"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = load_deck_paths([tmp_path / "empty"])
    assert [p.message for p in result.errors] == ["the folder holds no .yaml or .yml deck files."]


def test_same_deck_name_in_two_files_is_an_error(write_deck: Callable[..., Path]) -> None:
    one = write_deck("one.yaml", "deck: same\ncards:\n  - {id: a, q: x, a: y}\n")
    two = write_deck("two.yaml", "deck: same\ncards:\n  - {id: a, q: x, a: y}\n")
    result = load_deck_paths([one, two])
    (error,) = result.errors
    assert error.path == str(two)
    assert "already used by" in error.message


@pytest.mark.parametrize("package", ["quizcards.core.deck", "quizcards.core.authoring"])
def test_each_public_name_is_defined_in_one_submodule_and_re_exported(package: str) -> None:
    import importlib
    import inspect

    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            home = value.__module__
            assert home.startswith(package + "."), (name, home)
            assert getattr(importlib.import_module(home), name) is value


# ---- points with other wordings ----------------------------------------------------


def test_a_point_may_list_other_wordings_the_first_shown() -> None:
    deck = parse(
        """
        cards:
          - id: vanishing
            q: Why do plain RNNs forget?
            a: The vanishing gradient (기울기 소실).
            points:
              - [vanishing gradient, 기울기 소실, gradients shrink]
              - exploding
              - [only one]
        """
    )
    (card,) = deck.cards
    assert card.points == (
        Point("vanishing gradient", ("기울기 소실", "gradients shrink")),
        Point("exploding"),
        Point("only one"),
    )
    assert card.points[0].wordings == ("vanishing gradient", "기울기 소실", "gradients shrink")
    assert card.points[0].stored() == ["vanishing gradient", "기울기 소실", "gradients shrink"]
    assert card.points[1].stored() == "exploding"
    assert deck.warnings == ()


def test_a_deck_without_alternatives_keeps_its_content_hash() -> None:
    # The hash this card had before points could be lists (computed with the code of f751766).
    card = Card(
        id="x",
        question="Why divide by sqrt(d_k)?",
        answer="The variance grows.",
        points=(Point("variance"), Point("기울기 소실")),
        hints=("h",),
        tags=("t",),
        source="s",
    )
    assert card.content_hash() == "6663c23ffb76c01228059bf2a4817563"
    with_alternative = Card(
        **{**_fields(card), "points": (Point("variance", ("spread",)), Point("기울기 소실"))}
    )
    assert with_alternative.content_hash() != card.content_hash()


def _fields(card: Card) -> dict[str, object]:
    return {name: getattr(card, name) for name in Card.__slots__}


EACH_WORDING = "each wording of a point in the points of card 'c'"


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (
            "[[]]",
            "deck.yaml:5:14: a point in the points of card 'c' is an empty list; write its wording, or "
            "the wording shown first and then the others that also count: [shown, other].",
        ),
        (
            "[[a, [b]]]",
            "deck.yaml:5:18: each wording of a point in the points of card 'c' must be text, not a list.",
        ),
        (
            "[[a, {b: c}]]",
            "deck.yaml:5:18: each wording of a point in the points of card 'c' must be text, not a mapping.",
        ),
        ("[[a, '']]", "deck.yaml:5:18: each wording of a point in the points of card 'c' must not be empty."),
        (
            f"[[a, {'x' * 1001}]]",
            "deck.yaml:5:18: each wording of a point in the points of card 'c' is 1,001 characters long; "
            "the limit is 1,000.",
        ),
        (
            "[[" + ", ".join(f"w{n}" for n in range(51)) + "]]",
            "deck.yaml:5:14: a point in the points of card 'c' has 51 items; the limit is 50.",
        ),
        ("[{a: b}]", "deck.yaml:5:14: each item of the points of card 'c' must be text, not a mapping."),
    ],
)
def test_a_bad_point_list_is_located(points: str, message: str) -> None:
    assert problems_of(
        f"""
        cards:
          - id: c
            q: Q
            a: A
            points: {points}
        """
    ) == [message]


def test_a_wording_given_twice_in_a_point_is_a_located_warning() -> None:
    deck = parse(
        """
        cards:
          - id: c
            q: Q
            a: A
            points:
              - [softmax, soft max, softmax]
        """
    )
    assert deck.cards[0].points == (Point("softmax", ("soft max",)),)
    assert [problem.with_level() for problem in deck.warnings] == [
        "deck.yaml:6:29: warning: the wording 'softmax' appears twice in a point in the points of card 'c'."
    ]


def test_stored_points_read_back_as_written() -> None:
    from quizcards.core.points import point_of, points_of

    assert points_of(["a", ["b", "c"]]) == (Point("a"), Point("b", ("c",)))
    assert point_of(["only"]) == Point("only")
    for bad in ([], [1], 3, None):
        with pytest.raises(ValueError, match="stored point"):
            point_of(bad)
    assert Point("b", ("c", "d")).with_alternatives() == "b (also: c, d)"
    assert Point("b").with_alternatives() == "b"
