"""Writing decks: `quiz new`, `quiz add`, `quiz lint` (and --fix-ids), and the pure core behind them."""

from __future__ import annotations

import os
import re
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.authoring.cards import NewCard, card_id_for, new_card, split_point
from quizcards.core.authoring.edits import append_card, insert_generated_ids
from quizcards.core.authoring.lint import (
    LONG_ANSWER_CHARACTERS,
    answer_repeats_question,
    lint_deck,
    near_duplicate_questions,
)
from quizcards.core.authoring.point_lint import point_problem
from quizcards.core.authoring.templates import (
    SCHEMA_FILENAME,
    answer_from_editor,
    deck_name_for,
    editor_template,
    new_deck_text,
    title_for,
)
from quizcards.core.authoring.yaml_text import card_text, quoted
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import MAX_ID_LENGTH, Deck, DeckError, derive_card_id
from quizcards.core.deck.reading import decode_deck_bytes
from quizcards.core.deck.schema import schema_text
from quizcards.core.errors import QuizError
from quizcards.core.points import Point
from tests.conftest import SMALL_DECK
from tests.helpers import Quiz, WriteDeck, examples


def load(data: bytes | str, path: str = "deck.yaml") -> Deck:
    raw = data.encode() if isinstance(data, str) else data
    return parse_deck(raw, path, Path(path).stem)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def only_insertions(before: bytes, after: bytes) -> list[bytes]:
    """The runs of bytes inserted into before to make after; fails if any byte was changed or removed."""
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    runs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), f"bytes {i1}-{i2} of the original were changed: {before[i1:i2]!r}"
        if tag == "insert":
            runs.append(after[j1:j2])
    return runs


CARD = NewCard(
    id="softmax",
    question="What does softmax do?",
    answer="It turns scores into probabilities.\n\n```python\nexp(x) / exp(x).sum()\n```",
    points=(Point("exponentiate"), Point("normalise")),
    hints=("Think of probabilities.",),
    tags=("nlp",),
)


# ---- the new-deck template ---------------------------------------------------


def test_the_template_is_a_valid_deck_without_warnings() -> None:
    text = new_deck_text("my-deck", "My deck")
    deck = load(text, "my-deck.yaml")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILENAME}"
    assert deck.slug == "my-deck"
    assert deck.title == "My deck"
    assert [card.id for card in deck.cards] == ["example-card"]
    assert deck.warnings == ()
    assert lint_deck(deck, text) == []


def test_the_template_quotes_a_hostile_title() -> None:
    title = 'Attention: "yes" # not a comment \\ [x]'
    deck = load(new_deck_text("d", title), "d.yaml")
    assert deck.title == title


@pytest.mark.parametrize(
    ("stem", "name", "title"),
    [
        ("attention", "attention", "Attention"),
        ("self-attention", "self-attention", "Self attention"),
        ("My Deck!", "my-deck", "My deck"),
        ("_hidden", "hidden", "Hidden"),
        ("!!!", "deck", "Deck"),
    ],
)
def test_deck_names_and_titles_from_file_names(stem: str, name: str, title: str) -> None:
    assert deck_name_for(stem) == name
    assert title_for(deck_name_for(stem)) == title


# ---- one card as YAML ----------------------------------------------------------


def test_card_ids_come_from_the_questions_words_and_never_collide() -> None:
    question = "What does the softmax function do?"
    assert card_id_for(question, set()) == "softmax-function"
    assert card_id_for(question, {"softmax-function"}) == "softmax-function-2"
    assert card_id_for(question, {"softmax-function", "softmax-function-2"}) == "softmax-function-3"
    assert card_id_for("어텐션이란 무엇인가?", set()) == "어텐션이란-무엇인가"
    assert card_id_for("∑ → ∫?", set()) == derive_card_id("∑ → ∫?")
    assert len(card_id_for("word " * 100, set())) <= MAX_ID_LENGTH


def test_new_card_checks_what_the_loader_would_refuse() -> None:
    with pytest.raises(QuizError, match="the question is empty"):
        new_card("  ", "answer")
    with pytest.raises(QuizError, match="the answer is empty"):
        new_card("question?", "\n \n")
    with pytest.raises(QuizError, match="the card id 'bad id' may contain only"):
        new_card("question?", "answer", card_id="bad id")
    with pytest.raises(QuizError, match="already has a card with the id 'qkv'"):
        new_card("question?", "answer", card_id="qkv", taken={"qkv"})
    with pytest.raises(QuizError, match="at most 50 points"):
        new_card("question?", "answer", points=[f"p{n}" for n in range(51)])
    card = new_card("  Why?  ", "\n\nBecause.\n\n", [" a ", "", "a", "b"], taken=set())
    assert (card.question, card.answer, card.points) == ("Why?", "Because.", (Point("a"), Point("b")))


def test_card_text_quotes_scalars_and_writes_blocks() -> None:
    assert card_text(CARD).splitlines() == [
        "  - id: softmax",
        '    q: "What does softmax do?"',
        "    a: |",
        "      It turns scores into probabilities.",
        "",
        "      ```python",
        "      exp(x) / exp(x).sum()",
        "      ```",
        "    points:",
        '      - "exponentiate"',
        '      - "normalise"',
        "    hints:",
        '      - "Think of probabilities."',
        "    tags:",
        '      - "nlp"',
    ]
    tricky = NewCard("true", 'Say "hi"\tthen\x07 ring\u2028', "  indented\nlines")
    assert card_text(tricky, dash_column=0, key_column=2, newline="\r\n") == (
        '- id: "true"\r\n'
        '  q: "Say \\"hi\\"\\tthen\\x07 ring\\u2028"\r\n'
        "  a: |2\r\n      indented\r\n    lines\r\n"
    )


def test_a_point_with_other_wordings_is_written_as_a_flow_list() -> None:
    card = new_card(
        "Why do RNNs forget?",
        "Vanishing gradients.",
        [Point("vanishing gradient", ("기울기 소실", 'say "shrink"', "vanishing gradient")), "plain"],
        card_id="rnn",
    )
    assert card.points == (Point("vanishing gradient", ("기울기 소실", 'say "shrink"')), Point("plain"))
    assert card_text(card).splitlines()[3:6] == [
        "    points:",
        '      - ["vanishing gradient", "기울기 소실", "say \\"shrink\\""]',
        '      - "plain"',
    ]
    assert card.matches(load("cards:\n" + card_text(card)).cards[0])


def test_split_point_reads_wordings_separated_by_bars() -> None:
    assert split_point("vanishing gradient | 기울기 소실 |gradients shrink") == Point(
        "vanishing gradient", ("기울기 소실", "gradients shrink")
    )
    assert split_point("  softmax  ") == Point("softmax")
    assert split_point("a | a | | b") == Point("a", ("b",))
    assert split_point(" | ") is None


_ESCAPE_OR_CHARACTER = re.compile(r"\\(?:x[0-9A-F]{2}|u[0-9A-F]{4}|U[0-9A-F]{8}|.)|.", re.DOTALL)


def _escaped(scalar: str) -> list[bool]:
    """For each character of a double-quoted scalar's value: whether it was written as an escape."""
    assert scalar.startswith('"'), scalar[:40]
    assert scalar.endswith('"'), scalar[-40:]
    return [token.startswith("\\") for token in _ESCAPE_OR_CHARACTER.findall(scalar[1:-1])]


def test_quoting_escapes_what_pyyaml_escapes_and_keeps_wide_characters() -> None:
    # yaml_text.quoted is written by hand, not by PyYAML's emitter, for two reasons pinned here:
    # PyYAML escapes every character above U+FFFD, and names some escapes differently.
    import yaml

    def pyyaml(value: str) -> str:
        return yaml.dump(value, default_style='"', width=sys.maxsize, allow_unicode=True).rstrip("\n")

    bmp = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF)
    ours = quoted(bmp)
    assert yaml.safe_load(ours) == bmp
    assert _escaped(ours) == _escaped(pyyaml(bmp))
    assert len(_escaped(ours)) == len(bmp)
    assert quoted('\x07\x1b\x00\x85\u2028\u2029"\\') == '"\\x07\\x1B\\x00\\x85\\u2028\\u2029\\"\\\\"'
    assert pyyaml("\x07\u2028") == '"\\a\\L"'

    wide = "".join(chr(code) for code in [*range(0x10000, 0x110000, 97), 0x10FFFF])
    assert quoted(wide) == f'"{wide}"'
    assert yaml.safe_load(quoted(wide)) == wide
    assert quoted("Why 😀? 𠀀 𝑥") == '"Why 😀? 𠀀 𝑥"'
    assert pyyaml("😀") == '"\\U0001F600"'


# Text that YAML could misread in every way: indicators, comments, quotes,
# control and line-break characters, leading spaces and tabs, wide characters.
TRICKY = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *"-:#>|&*!%@`'\"\\{}[],? \t\n",
                *(
                    "\r",
                    "\x00",
                    "\x07",
                    "\x1b",
                    "\x7f",
                    "\x85",
                    "\x9b",
                    "\u2028",
                    "\u2029",
                    "\ufeff",
                    "\ufffe",
                ),
                *("yes", "null", "~", "---", "...", "- ", ": ", " #", "어", "😀", "é", "\u200b"),
            ]
        ),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=20,
).map("".join)
NOT_BLANK = TRICKY.filter(lambda text: text.strip() != "")
WORDINGS = st.lists(NOT_BLANK, min_size=1, max_size=3).map(lambda w: Point(w[0], tuple(w[1:])))


@settings(max_examples=examples(150), deadline=None)
@given(
    question=NOT_BLANK,
    answer=NOT_BLANK,
    points=st.lists(
        st.one_of(
            NOT_BLANK, st.lists(NOT_BLANK, min_size=1, max_size=3).map(lambda w: Point(w[0], tuple(w[1:])))
        ),
        max_size=3,
    ),
    hints=st.lists(NOT_BLANK, max_size=2),
    tags=st.lists(NOT_BLANK, max_size=2),
    layout=st.sampled_from([(2, 4), (0, 2), (4, 8), (2, 6)]),
)
def test_any_card_reads_back_exactly_as_entered(
    question: str,
    answer: str,
    points: list[str | Point],
    hints: list[str],
    tags: list[str],
    layout: tuple[int, int],
) -> None:
    dash, key = layout
    base = "cards:\n" + " " * dash + "-" + " " * (key - dash - 1) + "q: first\n" + " " * key + "a: one\n"
    card = new_card(question, answer, points, hints, tags, taken={"q-x"}, card_id="new-card")
    text = base + card_text(card, dash_column=dash, key_column=key)
    deck = load(text)
    assert card.matches(deck.cards[-1])
    assert append_card(base.encode(), "deck.yaml", "deck", card).data.decode() == base + "\n" + card_text(
        card, dash_column=dash, key_column=key
    )


# ---- appending -------------------------------------------------------------------


def test_append_to_a_deck_keeps_every_byte_and_matches_its_layout() -> None:
    before = dedent(
        """
        # my deck
        deck: d   # trailing comment
        cards:
            -   id: one
                q: 'First?'   # quoted differently
                a: >
                  folded
                  text

            -   id: two
                q: Second?
                a: two
        # the end
        """
    ).encode()
    result = append_card(before, "d.yaml", "d", CARD)
    assert result.data.startswith(before)
    added = result.data[len(before) :].decode()
    assert added.startswith("\n    -   id: softmax\n        q: ")
    assert '\n            - "exponentiate"\n' in added
    deck = load(result.data)
    assert [card.id for card in deck.cards] == ["one", "two", "softmax"]
    assert result.line == deck.cards[-1].line == before.count(b"\n") + 2


@pytest.mark.parametrize(
    ("before", "expected_insert"),
    [
        # No newline at the end of the file.
        (b"cards:\n- q: a\n  a: b", b"\n\n- id: softmax\n"),
        # CRLF line ends and a byte-order mark.
        (b"\xef\xbb\xbfcards:\r\n  - q: a\r\n    a: b\r\n", b"\r\n  - id: softmax\r\n"),
        # A block scalar answer at the end of the file.
        (b"cards:\n  - q: a\n    a: |\n      line\n", b"\n  - id: softmax\n"),
        # Cards set apart by blank lines: so is the new one; without: neither.
        (b"cards:\n  - q: a\n    a: b\n\n  - q: c\n    a: d\n", b"\n  - id: softmax\n"),
        (b"cards:\n  - q: a\n    a: b\n  - q: c\n    a: d\n", b"  - id: softmax\n"),
    ],
)
def test_append_handles_line_ends_and_file_ends(before: bytes, expected_insert: bytes) -> None:
    after = append_card(before, "d.yaml", "d", CARD).data
    assert after.startswith(before)
    assert after[len(before) :].startswith(expected_insert)
    assert CARD.matches(load(after).cards[-1])


def test_append_when_other_keys_follow_the_cards() -> None:
    before = dedent(
        """
        cards:
          - id: one
            q: First?
            a: one

        # about the title
        title: After the cards
        """
    ).encode()
    after = append_card(before, "d.yaml", "d", CARD).data
    at = before.index(b"\n# about")
    assert after[:at] == before[:at]
    assert after.endswith(before[at:])
    assert after[at:].startswith(b"\n  - id: softmax\n")
    deck = load(after)
    assert deck.title == "After the cards"
    assert CARD.matches(deck.cards[-1])


def test_append_refuses_a_flow_list_a_taken_id_an_asked_question_and_a_broken_deck() -> None:
    with pytest.raises(QuizError, match="written as a flow list"):
        append_card(b"cards: [{q: a, a: b}]\n", "d.yaml", "d", CARD)
    with pytest.raises(QuizError, match="already has a card with the id 'softmax'"):
        append_card(b"cards:\n  - id: softmax\n    q: a\n    a: b\n", "d.yaml", "d", CARD)
    with pytest.raises(QuizError, match=r"d.yaml:2: the deck already asks this question"):
        append_card(b"cards:\n  - q: what does SOFTMAX do\n    a: b\n", "d.yaml", "d", CARD)
    with pytest.raises(DeckError):
        append_card(b"cards:\n  - q: a\n", "d.yaml", "d", CARD)


def test_append_goes_before_a_document_end_marker() -> None:
    before = b"cards:\n  - q: a\n    a: b\n...\n# after the document\n"
    after = append_card(before, "d.yaml", "d", CARD).data
    assert after.endswith(b"\n...\n# after the document\n")
    assert after.startswith(b"cards:\n  - q: a\n    a: b\n\n  - id: softmax\n")
    assert CARD.matches(load(after).cards[-1])


def test_append_refuses_when_the_result_would_not_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import quizcards.core.authoring.edits

    before = b"cards:\n  - q: a\n    a: b\n"
    monkeypatch.setattr(
        quizcards.core.authoring.edits, "card_text", lambda *args, **kwargs: "  - q: [unclosed\n"
    )
    with pytest.raises(QuizError, match="does not let quiz add append a card safely; nothing was written"):
        append_card(before, "d.yaml", "d", CARD)


# ---- fixing ids ------------------------------------------------------------------


def test_fix_ids_inserts_the_loaders_ids_and_nothing_else() -> None:
    before = dedent(
        """
        deck: d
        cards:
          - q: What is attention?   # a comment
            a: A weighted average.
          - id: kept
            q: Kept?
            a: yes
          -
            q: 'Quoted, on its own line?'
            a: |
              block
          - {q: Flow style?, a: fine}
        """
    ).encode()
    old = load(before)
    fixed = insert_generated_ids(before, "d.yaml", "d")
    generated = [card.id for card in old.cards if card.id_generated]
    assert len(generated) == 3
    expected = (
        before.replace(b"  - q: What", f"  - id: {generated[0]}\n    q: What".encode())
        .replace(b"    q: 'Quoted", f"    id: {generated[1]}\n    q: 'Quoted".encode())
        .replace(b"{q: Flow", f"{{id: {generated[2]}, q: Flow".encode())
    )
    assert fixed.data == expected
    new = load(fixed.data)
    assert [(card.id, card.content_hash()) for card in new.cards] == [
        (card.id, card.content_hash()) for card in old.cards
    ]
    assert not any(card.id_generated for card in new.cards)
    assert new.warnings == ()
    assert [card_id for _, card_id in fixed.written] == generated


def test_fix_ids_keeps_crlf_and_bom_and_leaves_a_deck_with_ids_alone() -> None:
    before = b"\xef\xbb\xbfcards:\r\n- q: one\r\n  a: two\r\n"
    after = insert_generated_ids(before, "d.yaml", "d").data
    assert (
        after
        == b"\xef\xbb\xbfcards:\r\n- id: " + derive_card_id("one").encode() + b"\r\n  q: one\r\n  a: two\r\n"
    )
    assert insert_generated_ids(after, "d.yaml", "d").data == after


# ---- lint checks ------------------------------------------------------------------

LINT_DECK = """
deck: lint
cards:
  - id: ok
    q: Why divide attention scores by the square root of d_k?
    a: The dot products' variance grows with d_k and saturates the softmax.
    points: [variance]
    hints: [Look at the variance.]
  - id: bare
    q: What is layer normalisation?
    a: Normalising each token's features to zero mean and unit variance.
  - id: no-hints
    q: What is a residual connection?
    a: Adding a layer's input to its output, along an identity path.
    points: [identity path]
  - id: parrot
    q: Explain dropout.
    a: Dropout.
    points: [dropout]
    hints: [y]
  - id: long
    q: Describe everything about transformers.
    a: LONG
    points: [xxxx]
    hints: [y]
  - id: twin
    q: Why divide attention scores by the square root of d_k ?
    a: Same question, other words.
    points: [other words]
    hints: [Look at the variance.]
"""


def lint_text() -> str:
    # Words, so that the card's point (xxxx) is in its answer: the matcher reads whole words.
    long_answer = ("xxxx " * LONG_ANSWER_CHARACTERS)[: LONG_ANSWER_CHARACTERS + 1]
    assert not long_answer.endswith(" ")
    return dedent(LINT_DECK).replace("LONG", long_answer)


def test_lint_points_at_the_line_of_each_problem() -> None:
    text = lint_text()
    problems = lint_deck(load(text, "lint.yaml"), text)
    assert [problem.with_level() for problem in problems] == [
        "lint.yaml:8:5: warning: card 'bare' has no points and no hints; add 'points' (the ideas an "
        "explanation should mention) and 'hints' (clues to ask for during a review).",
        "lint.yaml:11:5: warning: card 'no-hints' has no hints; add 'hints', clues to ask for during a "
        "review.",
        "lint.yaml:17:8: warning: the answer of card 'parrot' only repeats its question; write what it "
        "should explain.",
        f"lint.yaml:22:8: warning: the answer of card 'long' is {LONG_ANSWER_CHARACTERS + 1:,} characters "
        f"long; answers over {LONG_ANSWER_CHARACTERS:,} are hard to recall in one go, so consider splitting "
        "the card.",
        "lint.yaml:26:8: warning: card 'twin' asks nearly the same question as card 'ok' on line 3; merge "
        "them or make the difference clear.",
    ]


POINTS_LINT_DECK = """
cards:
  - id: softmax
    q: What does softmax do?
    a: It exponentiates the scores and divides by their sum, so they sum to one.
    points:
      - max
      - [sum, divides by their sum]
      - value
      - 곱
      - It turns the scores into a probability distribution over the keys.
      - exponentiates.
      - [QKV, NaN, L1, 지수]
      - scores
"""


def test_lint_warns_about_points_that_mean_little_when_matched() -> None:
    text = dedent(POINTS_LINT_DECK)
    problems = lint_deck(load(text, "p.yaml"), text)
    short = (
        "is too short to mean anything when matched (it is found in many explanations); name the idea "
        "in a few words, or write an acronym in capitals."
    )
    assert [problem.with_level() for problem in problems] == [
        "p.yaml:2:5: warning: card 'softmax' has no hints; add 'hints', clues to ask for during a review.",
        f"p.yaml:6:9: warning: the point 'max' of card 'softmax' {short}",
        "p.yaml:6:9: warning: the answer of card 'softmax' does not mention the point 'max', so an "
        "explanation in the answer's own words would miss it; use the answer's words, or add them as "
        "another wording: [shown, other].",
        f"p.yaml:7:10: warning: the point 'sum' of card 'softmax' {short}",
        "p.yaml:8:9: warning: the point 'value' of card 'softmax' is a common word, found in explanations "
        "of almost anything; name the idea in a few words.",
        "p.yaml:8:9: warning: the answer of card 'softmax' does not mention the point 'value', so an "
        "explanation in the answer's own words would miss it; use the answer's words, or add them as "
        "another wording: [shown, other].",
        "p.yaml:9:9: warning: the point '곱' of card 'softmax' is a single syllable, found inside many "
        "other words; name the idea in a word or two.",
        "p.yaml:9:9: warning: the answer of card 'softmax' does not mention the point '곱', so an "
        "explanation in the answer's own words would miss it; use the answer's words, or add them as "
        "another wording: [shown, other].",
        "p.yaml:10:9: warning: the point 'It turns the scores into a probability distribution over ...' "
        "of card 'softmax' reads like a sentence (11 words); a point is matched word for word, so keep "
        "it to the few words that carry the idea.",
        "p.yaml:10:9: warning: the answer of card 'softmax' does not mention the point 'It turns the "
        "scores into a probability distribution over ...', so an explanation in the answer's own "
        "words would miss it; use the answer's words, or add them as another wording: [shown, other].",
        "p.yaml:11:9: warning: the point 'exponentiates.' of card 'softmax' reads like a sentence (it "
        "ends with a period); a point is matched word for word, so keep it to the few words that carry "
        "the idea.",
        "p.yaml:12:9: warning: the answer of card 'softmax' does not mention the point 'QKV', so an "
        "explanation in the answer's own words would miss it; use the answer's words, or add them as "
        "another wording: [shown, other].",
    ]


@pytest.mark.parametrize(
    ("wording", "fine"),
    [
        ("max", False),
        ("Max", False),
        ("key", False),
        ("keys", False),
        ("one", False),
        ("1x1", False),
        ("셀", False),
        ("all keys", False),
        ("QKV", True),
        ("NaN", True),
        ("L1", True),
        ("[CLS]", True),
        ("50", True),
        ("heap", True),
        ("셀 상태", True),
        ("기울기", True),
        ("max pooling", True),
        ("one two three four five six", True),
        ("one two three four five six seven", False),
        ("a point.", False),
    ],
)
def test_point_problems(wording: str, fine: bool) -> None:
    assert (point_problem(wording) is None) == fine


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("What is batch normalization?", "What is bacth normalization?", True),
        ("What is attention?", "what is ATTENTION", True),
        ("Why divide by sqrt(d_k) in attention?", "Why divide by sqrt(d_k) in self-attention?", True),
        ("What is ReLU?", "What is GELU?", False),
        ("What is a GAN?", "What is a CNN?", False),
        ("Explain the vanishing gradient problem.", "Explain the exploding gradient problem.", False),
    ],
)
def test_near_duplicate_questions(first: str, second: str, alike: bool) -> None:
    result = near_duplicate_questions(["Unrelated question?", first, second])
    assert result.complete
    assert result.pairs == (((1, 2),) if alike else ())


@pytest.mark.parametrize(
    ("question", "answer", "repeats"),
    [
        ("Explain dropout.", "Dropout.", True),
        ("What is attention?", "What is attention?", True),
        ("Why divide by sqrt(d_k)?", "Divide by sqrt(d_k).", True),
        ("Which is larger, X or Y?", "Y", False),
        ("What is the capital of France?", "The capital of France is Paris.", False),
        ("What is 6 times 7?", "42", False),
    ],
)
def test_answer_repeats_question(question: str, answer: str, repeats: bool) -> None:
    assert answer_repeats_question(question, answer) is repeats


def test_editor_template_round_trip() -> None:
    template = editor_template("What is --> attention?")
    assert template.count("-->") == 1
    assert answer_from_editor(template + "# Heading\n\nBody.\n\n") == "# Heading\n\nBody."
    assert answer_from_editor("no template\n") == "no template"


# ---- quiz new ----------------------------------------------------------------------


@pytest.mark.slow  # whole processes or the schema written and read back: the full suite runs it
def test_quiz_new_creates_a_deck_and_the_schema_beside_it(quiz: Quiz, tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "self-attention.yaml"
    result = quiz("new", path, "--title", "Self-attention")
    assert result.exit_code == 0, result.output
    deck = load(path.read_bytes(), str(path))
    assert (deck.slug, deck.title) == ("self-attention", "Self-attention")
    assert path.read_text().startswith("# yaml-language-server: $schema=quizcards.schema.json\n")
    assert (tmp_path / SCHEMA_FILENAME).read_text() == schema_text()
    assert f"Created {path}" in result.stdout
    assert not db_path.exists()


def test_quiz_new_never_overwrites(quiz: Quiz, tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_bytes(b"precious")
    result = quiz("new", path)
    assert result.exit_code == 1
    assert f"{path} already exists; quiz new never overwrites a file." in result.stderr
    assert path.read_bytes() == b"precious"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("deck.txt", (), "a deck file's name must end in .yaml or .yml."),
        ("missing/deck.yaml", (), "the folder"),
        ("deck.yaml", ("--title", "   "), "the title must not be empty."),
        ("deck.yaml", ("--title", "x" * 201), "the limit is 200"),
    ],
)
def test_quiz_new_refuses_bad_input(
    quiz: Quiz, tmp_path: Path, name: str, args: tuple[str, ...], message: str
) -> None:
    result = quiz("new", tmp_path / name, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (tmp_path / name).exists()


def test_quiz_new_keeps_an_existing_schema_file(quiz: Quiz, tmp_path: Path) -> None:
    (tmp_path / SCHEMA_FILENAME).write_text("{}")
    result = quiz("new", tmp_path / "deck.yaml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / SCHEMA_FILENAME).read_text() == "{}"
    assert "differs from this version's schema" in result.stderr


# ---- quiz add ------------------------------------------------------------------------

TYPED_CARD = (
    "What does softmax do?\n"  # question
    "It turns scores into probabilities.\n"
    "\n"
    "- exponentiate\n"
    "- normalise\n"
    ".\n"  # end of the answer
    "exponentiate\nnormalise\n\n"  # points
    "Think of probabilities.\n\n"  # hints
    "nlp, basics\n"  # tags
)


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def test_quiz_add_appends_a_typed_card(quiz: Quiz, write_deck: WriteDeck, db_path: Path) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, input=TYPED_CARD)
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before)
    assert only_insertions(before, after) == [after[len(before) :]]
    card = load(after, str(path)).cards[-1]
    assert card.id == "softmax"
    assert card.answer == "It turns scores into probabilities.\n\n- exponentiate\n- normalise"
    assert (card.points, card.hints, card.tags) == (
        (Point("exponentiate"), Point("normalise")),
        ("Think of probabilities.",),
        ("nlp", "basics"),
    )
    assert f"Added card 'softmax' to {path} (line {card.line})." in result.stdout
    assert not db_path.exists()


def test_quiz_add_takes_other_wordings_after_a_bar(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    typed = TYPED_CARD.replace("exponentiate\nnormalise\n\n", "exponentiate | exp | 지수\nnormalise\n\n")
    result = quiz("add", path, input=typed)
    assert result.exit_code == 0, result.output
    assert "other wordings that also count follow a '|'" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert '      - ["exponentiate", "exp", "지수"]\n      - "normalise"\n' in text
    card = load(text, str(path)).cards[-1]
    assert card.points == (Point("exponentiate", ("exp", "지수")), Point("normalise"))


def test_quiz_add_opens_the_editor_for_the_answer(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "fake-editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "assert 'What is attention?' in text\n"
        "open(path, 'a', encoding='utf-8').write('# Heading\\n\\nA *weighted* average.\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, "--id", "attention", input="What is attention?\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(before)
    card = load(path.read_bytes(), str(path)).cards[-1]
    assert (card.id, card.answer, card.points, card.tags) == (
        "attention",
        "# Heading\n\nA *weighted* average.",
        (),
        (),
    )


def test_quiz_add_writes_nothing_when_the_editor_fails(
    quiz: Quiz, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c 'raise SystemExit(3)'")
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, input="What is attention?\n")
    assert result.exit_code == 1
    assert "exited with status 3; nothing was written." in result.stderr
    assert path.read_bytes() == before


def test_quiz_add_writes_nothing_when_input_ends_early(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    before = path.read_bytes()
    result = quiz("add", path, input="")
    assert result.exit_code == 1
    assert "the input ended before the card was complete; nothing was written." in result.stderr
    assert path.read_bytes() == before


def test_quiz_add_refuses_a_taken_id_before_asking(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    result = quiz("add", path, "--id", "qkv", input=TYPED_CARD)
    assert result.exit_code == 1
    assert "already has a card with the id 'qkv'" in result.stderr
    assert "Question" not in result.stdout


def test_quiz_add_refuses_an_invalid_deck(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("broken.yaml", "cards:\n  - q: no answer\n")
    result = quiz("add", path, input=TYPED_CARD)
    assert result.exit_code == 1
    assert f"{path}:2:5: card 1 has no answer ('a')." in result.stderr
    assert path.read_text() == "cards:\n  - q: no answer\n"


def test_quiz_add_then_lint_is_clean_on_a_new_deck(quiz: Quiz, tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    assert quiz("new", path).exit_code == 0
    assert quiz("add", path, input=TYPED_CARD).exit_code == 0
    result = quiz("lint", "--strict", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_quiz_add_through_a_symlink_keeps_the_link(quiz: Quiz, write_deck: WriteDeck, tmp_path: Path) -> None:
    target = write_deck("attention.yaml", SMALL_DECK)
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert quiz("add", link, input=TYPED_CARD).exit_code == 0
    assert link.is_symlink()
    assert load(target.read_bytes()).cards[-1].id == "softmax"
    assert target.stat().st_mode & 0o777 == 0o640


# ---- quiz lint -------------------------------------------------------------------------


def test_quiz_lint_is_quiet_and_zero_on_a_clean_deck(
    quiz: Quiz, write_deck: WriteDeck, db_path: Path
) -> None:
    path = write_deck("attention.yaml", SMALL_DECK)
    result = quiz("lint", path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "1 deck checked: no problems." in result.stderr
    assert not db_path.exists()


def test_quiz_lint_prints_warnings_and_fails_only_when_strict(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("lint.yaml", lint_text())
    result = quiz("lint", path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"{path}:") and ": warning: " in line for line in lines)
    assert lines[0].startswith(f"{path}:8:5: warning: card 'bare' has no points and no hints")
    assert "0 errors and 5 warnings in 1 file." in result.stderr
    assert quiz("lint", "--strict", path).exit_code == 1


def test_quiz_lint_reports_errors_with_their_lines(quiz: Quiz, write_deck: WriteDeck) -> None:
    bad = write_deck(
        "bad.yaml",
        """
        cards:
          - q: Fine?
            a: yes
            points: [p]
            hints: [h]
          - qestion: Typo?
            a: yes
          - id: bad id
            q: Bad id?
            a: yes
        """,
    )
    good = write_deck("good.yaml", SMALL_DECK)
    result = quiz("lint", bad.parent)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}:6:5: error: unknown key 'qestion' in card 2; did you mean 'q'? (valid keys: id, q, a, "
        "points, hints, tags, source).",
        f"{bad}:6:5: error: card 2 has no question ('q').",
        f"{bad}:8:9: error: the id of card 3 'bad id' may contain only letters (with their accents "
        "and marks), digits, '-', '_' and '.', and must start with a letter or digit.",
    ]
    assert str(good) not in result.stdout


def test_quiz_lint_reports_missing_files_and_syntax_errors(
    quiz: Quiz, write_deck: WriteDeck, tmp_path: Path
) -> None:
    broken = write_deck("broken.yaml", "cards:\n  - q: [unclosed\n")
    result = quiz("lint", broken, tmp_path / "nope.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{tmp_path / 'nope.yaml'}: error: no such file or folder." in lines
    assert any(line.startswith(f"{broken}:2:8: error: YAML syntax error") for line in lines)


def test_quiz_lint_fix_ids_writes_ids_and_changes_nothing_else(quiz: Quiz, write_deck: WriteDeck) -> None:
    text = SMALL_DECK.replace("  - id: qkv\n    q:", "  - q:").replace("  - id: scale\n    q:", "  -\n    q:")
    path = write_deck("attention.yaml", text)
    before = path.read_bytes()
    old = load(before, str(path))
    result = quiz("lint", "--fix-ids", "--strict", path)
    assert result.exit_code == 0, result.output
    assert f"{path}: wrote 2 ids (deck 'attention')." in result.stderr
    after = path.read_bytes()
    assert len(only_insertions(before, after)) == 2
    assert after == before.replace(
        b"  - q: What do", f"  - id: {old.cards[0].id}\n    q: What do".encode()
    ).replace(b"  -\n    q: Why", f"  -\n    id: {old.cards[1].id}\n    q: Why".encode())
    assert [card.id for card in load(after, str(path)).cards] == [card.id for card in old.cards]
    again = quiz("lint", "--fix-ids", path)
    assert again.exit_code == 0
    assert path.read_bytes() == after


def test_quiz_lint_fix_ids_leaves_a_deck_with_errors_alone(quiz: Quiz, write_deck: WriteDeck) -> None:
    path = write_deck("bad.yaml", "cards:\n  - q: no id\n    a: yes\n  - q: no answer\n")
    before = path.read_bytes()
    result = quiz("lint", "--fix-ids", path)
    assert result.exit_code == 1
    assert path.read_bytes() == before


def test_lint_text_decoding_matches_the_loader() -> None:
    # lint reads the file through the loader's decoder, so CRLF files get the same lines.
    text = decode_deck_bytes(lint_text().replace("\n", "\r\n").encode(), "lint.yaml")
    assert [p.line for p in lint_deck(load(text, "lint.yaml"), text)] == [8, 11, 17, 22, 26]


def test_quiz_lint_fix_ids_reports_a_file_it_cannot_fix_and_goes_on(
    quiz: Quiz, write_deck: WriteDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizcards.core.authoring.edits

    first = write_deck("a.yaml", "cards:\n  - q: First?\n    a: alpha\n    points: [alpha]\n    hints: [h]\n")
    second = write_deck("b.yaml", "cards:\n  - q: Second?\n    a: beta\n    points: [beta]\n    hints: [h]\n")
    real = quizcards.core.authoring.edits.insert_generated_ids

    def refuse_a(data: bytes, path: str, default_slug: str) -> quizcards.core.authoring.edits.FixedIds:
        if path.endswith("a.yaml"):
            raise QuizError(f"{path}: the file's layout does not let quiz lint write the ids safely.")
        return real(data, path, default_slug)

    monkeypatch.setattr(quizcards.core.authoring.edits, "insert_generated_ids", refuse_a)
    before = first.read_bytes()
    result = quiz("lint", "--fix-ids", first.parent)
    assert result.exit_code == 1
    assert f"Error: {first}: the file's layout does not let quiz lint write the ids safely." in result.stderr
    assert first.read_bytes() == before
    assert b"id: " + derive_card_id("Second?").encode() in second.read_bytes()
    assert result.stdout.splitlines() == [
        f"{first}:2:5: warning: card 1 has no id; it gets '{derive_card_id('First?')}' from its question, so "
        "editing the question will make it a new card (add 'id:' to keep its history)."
    ]


def test_quiz_new_copes_with_a_schema_path_that_is_a_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizcards.cli import app

    (tmp_path / "quizcards.schema.json").mkdir()
    result = CliRunner().invoke(app, ["new", str(tmp_path / "fresh.yaml")])
    assert result.exit_code == 0, result.output
    assert "Could not read" in result.stderr
    assert (tmp_path / "fresh.yaml").is_file()


def test_quiz_new_writes_an_ordinary_schema_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizcards.cli import app

    old = os.umask(0o022)
    try:
        assert CliRunner().invoke(app, ["new", str(tmp_path / "fresh.yaml")]).exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "quizcards.schema.json").stat().st_mode & 0o777 == 0o644


def test_fix_ids_never_prints_a_file_names_control_characters(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizcards.cli import app

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "bad\x1b]0;T\x07name.yaml").write_text(
        "deck: bad\ncards:\n  - q: What?\n    a: That.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["lint", "--fix-ids", str(folder)])
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "wrote 1 id" in result.output


def test_lint_warns_about_a_point_the_answer_only_negates() -> None:
    text = dedent(
        """
        cards:
          - id: gelu
            q: How does GELU differ from ReLU?
            a: GELU is smooth and it is not monotonic; it dips below zero.
            hints: [think of the dip]
            points:
              - monotonic
              - [non-monotonic, not monotonic]
        """
    )
    problems = lint_deck(load(text, "g.yaml"), text)
    assert [problem.with_level() for problem in problems] == [
        "g.yaml:7:9: warning: the answer of card 'gelu' mentions the point 'monotonic' only with a negation "
        "near it, so a right explanation would be marked doubtful; if the idea is the negated one, write the "
        "point with its negation ('non-monotonic', '레이블 없이')."
    ]
