"""Writing decks, pure: the new-deck template, one card as YAML text, lint checks, the id fixer.

Files are never re-dumped. ``append_card`` and ``insert_generated_ids`` take a
deck file's bytes and return them with text inserted at positions taken from
the loader's own node tree; every other byte stays as it was (comments, blank
lines, quoting, a byte-order mark, CRLF line ends). Each result is parsed again
before it is returned, and refused unless it reads as the old deck plus exactly
the intended change.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.core.deck import (
    MAX_ANSWER_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_QUESTION_LENGTH,
    MAX_TITLE_LENGTH,
    Card,
    Deck,
    DeckError,
    Problem,
    compose_nodes,
    derive_card_id,
    is_valid_name,
    parse_deck,
)
from quizcards.core.errors import QuizError

# The schema beside the deck, by relative path: portable when a folder of decks
# is shared or moved, unlike a file:// URI (see the README's authoring section).
SCHEMA_FILENAME = "quizcards.schema.json"
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
SLUG_WORDS = 6
SLUG_LENGTH = 40

_BOM = b"\xef\xbb\xbf"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_WORD = re.compile(r"[^\W_]+")
# Outside these a double-quoted scalar needs an escape: the C0 and C1 controls,
# DEL, YAML's extra line breaks (NEL, LS, PS), the byte-order mark, surrogates
# and the two non-characters; '"' and '\' always.
_UNSAFE_QUOTED = re.compile(
    '["\\\\]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
)
# A literal block scalar can hold tabs and newlines, but nothing that needs an escape.
_UNSAFE_BLOCK = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# An id that YAML 1.1 or 1.2 could read as anything but a string is quoted.
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"])
# Words that carry no topic, for slugs and for "the answer repeats the question".
_FILLER = frozenset(
    (
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "define", "describe", "did", "do",
        "does", "explain", "for", "from", "give", "how", "in", "is", "it", "its", "of", "on", "or",
        "the", "their", "this", "to", "was", "what", "whats", "when", "where", "which", "who", "why",
        "with", "would", "you", "your",
    )
)  # fmt: skip
_EDITOR_MARK = "<!-- quiz add:"


# ---- new decks -----------------------------------------------------------


def deck_name_for(stem: str) -> str:
    """A valid deck name for a file name: the stem itself if valid, else a slug of it."""
    if is_valid_name(stem):
        return stem
    return _slug(_WORD.findall(_fold(stem)), MAX_ID_LENGTH) or "deck"


def title_for(name: str) -> str:
    """A readable default title for a deck name: `self-attention` -> `Self attention`."""
    words = re.sub(r"[-_.]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else name


def check_title(title: str) -> str:
    """The title stripped, or a QuizError saying why the loader would refuse it."""
    value = title.strip()
    if not value:
        raise QuizError("the title must not be empty.")
    if "\n" in value or "\r" in value:
        raise QuizError("the title must be a single line.")
    if len(value) > MAX_TITLE_LENGTH:
        raise QuizError(f"the title is {len(value):,} characters long; the limit is {MAX_TITLE_LENGTH:,}.")
    _check_unicode(value, "the title")
    return value


def new_deck_text(name: str, title: str, schema_ref: str = SCHEMA_FILENAME) -> str:
    """A new deck file: a schema pointer for editors, then one example card, explained."""
    return f"""\
# yaml-language-server: $schema={schema_ref}
#
# A quizcards deck. Each card asks a question you explain in your own words
# before the model answer is shown. Check this file with `quiz lint FILE`, add
# a card with `quiz add FILE`, and load it (again after every edit) with
# `quiz import FILE`.
deck: {_id_scalar(name)}  # the deck's name: letters, digits, '-', '_' and '.'
title: {_quoted(title)}
description: ""
tags: []
cards:
  # An example card; replace it with your own. Keys: id, q, a, points, hints,
  # tags, source. Keep ids stable: a card's review history follows its id.
  - id: example-card
    q: "What does a card in this deck hold?"
    a: |
      A **question** (`q`) and its model **answer** (`a`), written in Markdown:
      lists, tables and fenced code render in the terminal.

      - `points` are the ideas a good explanation mentions; after you type an
        explanation, quizcards shows which of them it covered.
      - `hints` are shown one at a time when you ask for one.
    points:
      - "question and model answer"
      - "Markdown"
      - "key points"
    hints:
      - "Look at the keys of this card."
    tags:
      - "example"
    source: "optional: where the answer comes from (a paper, a book, a link)"
"""


# ---- one new card ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewCard:
    """A card to append, already normalised the way the loader will read it back."""

    id: str
    question: str
    answer: str
    points: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def matches(self, card: Card) -> bool:
        """True when the loader read this card back exactly as intended."""
        return not card.id_generated and (
            card.id,
            card.question,
            card.answer,
            card.points,
            card.hints,
            card.tags,
        ) == (self.id, self.question, self.answer, self.points, self.hints, self.tags)


def new_card(
    question: str,
    answer: str,
    points: Iterable[str] = (),
    hints: Iterable[str] = (),
    tags: Iterable[str] = (),
    *,
    taken: Collection[str] = (),
    card_id: str | None = None,
) -> NewCard:
    """A checked card with a fresh id (the given one, or one made from the question)."""
    question = question.strip()
    answer = answer.strip("\n").rstrip()
    if not question:
        raise QuizError("the question is empty; no card was added.")
    if not answer.strip():
        raise QuizError("the answer is empty; no card was added.")
    if len(question) > MAX_QUESTION_LENGTH:
        raise QuizError(
            f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_LENGTH:,}."
        )
    if len(answer) >= MAX_ANSWER_LENGTH:
        raise QuizError(
            f"the answer is {len(answer):,} characters long; the limit is {MAX_ANSWER_LENGTH - 1:,}."
        )
    _check_unicode(question, "the question")
    _check_unicode(answer, "the answer")
    lists: dict[str, tuple[str, ...]] = {}
    for what, items in (("points", points), ("hints", hints), ("tags", tags)):
        cleaned = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
        if len(cleaned) > MAX_ITEMS:
            raise QuizError(f"a card may have at most {MAX_ITEMS} {what}, not {len(cleaned)}.")
        for item in cleaned:
            if len(item) > MAX_ITEM_LENGTH:
                raise QuizError(
                    f"one of the {what} is {len(item):,} characters long; the limit is {MAX_ITEM_LENGTH:,}."
                )
            _check_unicode(item, f"one of the {what}")
        lists[what] = cleaned
    card_id = card_id_for(question, taken) if card_id is None else check_card_id(card_id, taken)
    return NewCard(card_id, question, answer, lists["points"], lists["hints"], lists["tags"])


def check_card_id(card_id: str, taken: Collection[str]) -> str:
    """The id, if it is a valid name that no card of the deck has yet."""
    if not is_valid_name(card_id):
        raise QuizError(
            f"the card id '{card_id[:80]}' may contain only letters, digits, '-', '_' and '.', must "
            f"start with a letter or digit, and may be at most {MAX_ID_LENGTH} characters long."
        )
    if card_id in taken:
        raise QuizError(f"the deck already has a card with the id '{card_id}'; choose another with --id.")
    return card_id


def card_id_for(question: str, taken: Collection[str]) -> str:
    """A readable id from the question's words, numbered past any id already taken.

    A question without a single letter or digit gets the loader's hash id instead.
    """
    words = _WORD.findall(_fold(question))
    topical = [word for word in words if word not in _FILLER] or words
    base = _slug(topical[:SLUG_WORDS], SLUG_LENGTH)
    if not base or not is_valid_name(base):
        base = derive_card_id(question)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base[: MAX_ID_LENGTH - len(str(number)) - 1]}-{number}"
    return candidate


def split_tags(line: str) -> list[str]:
    """Tags typed on one line, separated by commas or spaces."""
    return [tag for tag in re.split(r"[,\s]+", line) if tag]


def editor_template(question: str) -> str:
    """The text an editor opens with: one removable comment naming the question."""
    shown = " ".join(question.split()).replace("--", "- -")[:200]
    return (
        f"{_EDITOR_MARK} write the model answer (Markdown) below this line, then save and quit. "
        f"Question: {shown} -->\n"
    )


def answer_from_editor(text: str) -> str:
    """What the author wrote in the editor, without the template's comment line."""
    first, _, rest = text.partition("\n")
    if first.startswith(_EDITOR_MARK) and first.rstrip().endswith("-->"):
        text = rest
    return text.strip("\n").rstrip()


def card_text(card: NewCard, *, dash_column: int = 2, key_column: int = 4, newline: str = "\n") -> str:
    """One card as a YAML block-sequence item, every scalar quoted or a literal block."""
    if key_column <= dash_column:
        raise ValueError("the keys must sit right of the dash")
    keys = " " * key_column
    step = key_column - dash_column
    item_column = key_column + step
    lines = [" " * dash_column + "-" + " " * (step - 1) + "id: " + _id_scalar(card.id)]
    lines.append(f"{keys}q: {_scalar(card.question, key_column)}")
    lines.append(f"{keys}a: {_scalar(card.answer, key_column)}")
    for key, items in (("points", card.points), ("hints", card.hints), ("tags", card.tags)):
        if items:
            lines.append(f"{keys}{key}:")
            lines.extend(" " * item_column + "- " + _scalar(item, item_column) for item in items)
    return "\n".join(lines).replace("\n", newline) + newline


# ---- appending -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Appended:
    """A deck file's new bytes and the line the new card starts on."""

    data: bytes
    line: int


def append_card(data: bytes, path: str, default_slug: str, card: NewCard) -> Appended:
    """The file with the card inserted after its last card; all other bytes unchanged."""
    deck = parse_deck(data, path, default_slug)
    if card.id in {existing.id for existing in deck.cards}:
        raise QuizError(f"{path} already has a card with the id '{card.id}'; nothing was written.")
    same = _same_question(card.question, deck.cards)
    if same is not None:
        raise QuizError(f"{path}:{same.line}: the deck already asks this question; nothing was written.")
    bom, text = _text_of(data)
    cards = _cards_node(compose_nodes(text))
    if cards is None or not isinstance(cards, SequenceNode) or cards.flow_style:
        raise QuizError(
            f"{path}: 'cards' is written as a flow list ([...]); quiz add can only append to a "
            "list written with one '- ' per card. Nothing was written."
        )
    last = cards.value[-1]
    newline = _newline_of(text)
    after_last = _line_start_at_or_after(text, _content_end(last))
    # Nothing but comments after the cards: a plain append. Otherwise another key
    # or a document end follows, and the card goes right after the last one.
    trailing = all(_is_blank_or_comment(line) for line in _lines(text[after_last:]))
    at = len(text) if trailing else after_last
    before = text[:at]
    prefix = ""
    if before and not _YAML_BREAK.match(before[-1]):
        prefix = newline
    dash_line, dash_column = _dash_position(text, cards)
    if _blank_separated(text, cards, dash_line) and not (before + prefix).endswith(newline * 2):
        prefix += newline
    key_column = max(int(last.start_mark.column), dash_column + 2)
    insert = prefix + card_text(card, dash_column=dash_column, key_column=key_column, newline=newline)
    offset = len(bom) + len(before.encode("utf-8"))
    result = data[:offset] + insert.encode("utf-8") + data[offset:]
    reread = _reparse(result, path, default_slug)
    if (
        reread is None
        or len(reread.cards) != len(deck.cards) + 1
        or replace(reread, cards=reread.cards[:-1]) != deck
        or not card.matches(reread.cards[-1])
    ):
        raise QuizError(
            f"{path}: the file's layout does not let quiz add append a card safely; nothing was "
            "written. Add the card by hand."
        )
    return Appended(result, reread.cards[-1].line or 0)


# ---- fixing ids ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedIds:
    """A deck file's new bytes and each id written, with the card's new line."""

    data: bytes
    written: tuple[tuple[int, str], ...]


def insert_generated_ids(data: bytes, path: str, default_slug: str) -> FixedIds:
    """Write each generated id into its card as `id: ...`, changing no other byte.

    The ids are the loader's own (``derive_card_id`` of the question), so every
    card keeps the id, and the history, it had.
    """
    deck = parse_deck(data, path, default_slug)
    if not any(card.id_generated for card in deck.cards):
        return FixedIds(data, ())
    bom, text = _text_of(data)
    cards = _cards_node(compose_nodes(text))
    nodes = cards.value if isinstance(cards, SequenceNode) else []
    if len(nodes) != len(deck.cards):
        raise QuizError(f"{path}: the cards could not be matched with the file; no ids were written.")
    newline = _newline_of(text)
    edits: list[tuple[int, str]] = []
    for node, card in zip(nodes, deck.cards, strict=True):
        if not card.id_generated or not isinstance(node, MappingNode) or not node.value:
            continue
        if node.flow_style:
            brace = text.index("{", node.start_mark.index)
            edits.append((brace + 1, f"id: {card.id}, "))
        else:
            first_key = node.value[0][0]
            edits.append(
                (first_key.start_mark.index, f"id: {card.id}{newline}{' ' * first_key.start_mark.column}")
            )
    result = data
    for index, insert in sorted(edits, reverse=True):
        offset = len(bom) + len(text[:index].encode("utf-8"))
        result = result[:offset] + insert.encode("utf-8") + result[offset:]
    reread = _reparse(result, path, default_slug)
    if (
        reread is None
        or [(c.id, c.content_hash()) for c in reread.cards] != [(c.id, c.content_hash()) for c in deck.cards]
        or any(c.id_generated for c in reread.cards)
        or replace(reread, cards=()) != replace(deck, cards=())
    ):
        raise QuizError(
            f"{path}: the file's layout does not let quiz lint write the ids safely; nothing was "
            "written. Add 'id:' to each card by hand."
        )
    written = tuple(
        (after.line or 0, after.id)
        for before, after in zip(deck.cards, reread.cards, strict=True)
        if before.id_generated
    )
    return FixedIds(result, written)


# ---- lint ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NearDuplicates:
    """Pairs of look-alike questions, and whether every candidate pair was compared."""

    pairs: tuple[tuple[int, int], ...]
    complete: bool


def lint_deck(deck: Deck, text: str) -> list[Problem]:
    """Warnings beyond the loader's: near-duplicate questions, cards without points or
    hints, answers that only repeat the question, very long answers.

    ``text`` is the file the deck was loaded from; it gives each warning its line.
    """
    try:
        cards = _cards_node(compose_nodes(text))
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
    values = [_values_of(node) for node in nodes]
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
        if answer_repeats_question(card.question, card.answer):
            warn(
                answer_node,
                f"the answer of {name} only repeats its question; write what it should explain.",
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
    normals = [_normal(question) for question in questions]
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
    q, a = _normal(question), _normal(answer)
    if not a:
        return False
    if a == q or difflib.SequenceMatcher(None, q, a, autojunk=False).ratio() >= REPEAT_RATIO:
        return True
    q_words, a_words = set(q.split()), set(a.split())
    if not a_words <= q_words:
        return False
    topical = q_words - _FILLER
    return len(a_words) >= 3 or (bool(topical) and topical <= a_words)


# ---- helpers ---------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _normal(text: str) -> str:
    """Text reduced to its words: case, punctuation and spacing do not make questions differ."""
    return " ".join(_WORD.findall(_fold(text)))


def _slug(words: Iterable[str], limit: int) -> str:
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            if not slug:
                slug = word[:limit]
            break
        slug = candidate
    return slug


def _check_unicode(value: str, what: str) -> None:
    if _SURROGATE.search(value):
        raise QuizError(f"{what} contains text that is not valid Unicode (a lone surrogate).")


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar; every character YAML could misread is escaped."""
    return '"' + _UNSAFE_QUOTED.sub(lambda match: _escape(match.group()), value) + '"'


def _escape(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02X}"
    if code < 0x10000:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _id_scalar(value: str) -> str:
    if _PLAIN_ID.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return _quoted(value)


def _scalar(value: str, parent_column: int) -> str:
    """The value after `key: ` or `- `: a literal block for multi-line text, else quoted.

    Block lines sit two columns right of the parent; the indentation indicator
    is written when the first line starts with white space, which YAML would
    otherwise take for indentation.
    """
    if "\n" not in value or value.startswith("\n") or value.endswith("\n") or _UNSAFE_BLOCK.search(value):
        return _quoted(value)
    indent = " " * (parent_column + 2)
    header = "|2" if value[0] in " \t" else "|"
    return header + "".join(f"\n{indent}{line}" if line else "\n" for line in value.split("\n"))


def _text_of(data: bytes) -> tuple[bytes, str]:
    bom = _BOM if data.startswith(_BOM) else b""
    return bom, data[len(bom) :].decode("utf-8")


def _newline_of(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return match.group() if match else "\n"


def _cards_node(root: Node | None) -> Node | None:
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "cards":
            cards: Node = value
            return cards
    return None


def _values_of(node: Node) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}


def _content_end(node: Node) -> int:
    """Where the node's own text ends: its last scalar or closing bracket, not the
    comments and blank lines a block collection's end mark runs on into."""
    if isinstance(node, ScalarNode) or (isinstance(node, MappingNode | SequenceNode) and node.flow_style):
        return int(node.end_mark.index)
    ends = [node.start_mark.index]
    if isinstance(node, MappingNode):
        for key, value in node.value:
            ends += [_content_end(key), _content_end(value)]
    elif isinstance(node, SequenceNode):
        ends += [_content_end(item) for item in node.value]
    return int(max(ends))


def _line_start_at_or_after(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    if index == 0 or (_YAML_BREAK.match(text, index - 1) and not text.startswith("\r\n", index - 1)):
        return index
    match = _YAML_BREAK.search(text, index)
    return match.end() if match else len(text)


def _lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (it also breaks lines at NEL, LS and PS)."""
    return _YAML_BREAK.split(text)


def _dash_position(text: str, cards: SequenceNode) -> tuple[int, int]:
    """The line and column of the '-' before the last card: on its line or the line above."""
    lines = _lines(text)
    start = int(cards.value[-1].start_mark.line)
    for number in range(start, -1, -1):
        line = lines[number]
        if number < start and _is_blank_or_comment(line):
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("-"):
            return number, len(line) - len(stripped)
        if number < start:
            break
    return start, int(cards.start_mark.column)


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _blank_separated(text: str, cards: SequenceNode, dash_line: int) -> bool:
    """Whether the cards are set apart by blank lines (the default for a single card)."""
    if len(cards.value) < 2:
        return True
    lines = _lines(text)
    return dash_line > 0 and not lines[dash_line - 1].strip()


def _reparse(data: bytes, path: str, default_slug: str) -> Deck | None:
    try:
        return parse_deck(data, path, default_slug)
    except DeckError:
        return None


def _same_question(question: str, cards: Iterable[Card]) -> Card | None:
    normal = _normal(question)
    return next((card for card in cards if normal and _normal(card.question) == normal), None)


def _card_name(card: Card, number: int) -> str:
    return f"card {number}" if card.id_generated else f"card '{card.id}'"
