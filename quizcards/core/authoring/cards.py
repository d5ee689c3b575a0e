"""One new card: checked the way the loader would read it, with a readable id of its own."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from quizcards.core.authoring.words import FILLER, slug, words_of
from quizcards.core.deck.model import (
    MAX_ANSWER_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_QUESTION_LENGTH,
    Card,
    derive_card_id,
    is_valid_name,
)
from quizcards.core.errors import QuizError
from quizcards.core.points import Point

SLUG_WORDS = 6
SLUG_LENGTH = 40
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class NewCard:
    """A card to append, already normalised the way the loader will read it back."""

    id: str
    question: str
    answer: str
    points: tuple[Point, ...] = ()
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
    points: Iterable[str | Point] = (),
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
    check_unicode(question, "the question")
    check_unicode(answer, "the answer")
    lists: dict[str, tuple[str, ...]] = {}
    for what, items in (("hints", hints), ("tags", tags)):
        lists[what] = _checked_items(items, what)
    cleaned_points = _checked_points(points)
    card_id = card_id_for(question, taken) if card_id is None else check_card_id(card_id, taken)
    return NewCard(card_id, question, answer, cleaned_points, lists["hints"], lists["tags"])


def _checked_items(items: Iterable[str], what: str) -> tuple[str, ...]:
    """The items stripped, blanks and repeats dropped, each within the loader's limits."""
    cleaned = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    if len(cleaned) > MAX_ITEMS:
        raise QuizError(f"a card may have at most {MAX_ITEMS} {what}, not {len(cleaned)}.")
    for item in cleaned:
        if len(item) > MAX_ITEM_LENGTH:
            raise QuizError(
                f"one of the {what} is {len(item):,} characters long; the limit is {MAX_ITEM_LENGTH:,}."
            )
        check_unicode(item, f"one of the {what}")
    return cleaned


def _checked_points(points: Iterable[str | Point]) -> tuple[Point, ...]:
    """Points with their wordings checked like any item; a point shown twice is kept once."""
    checked: dict[str, Point] = {}
    for point in points:
        if isinstance(point, str):
            wordings = _checked_items([point], "points")
        else:
            wordings = _checked_items(point.wordings, "wordings of a point")
        if wordings and wordings[0] not in checked:
            checked[wordings[0]] = Point(wordings[0], wordings[1:])
    if len(checked) > MAX_ITEMS:
        raise QuizError(f"a card may have at most {MAX_ITEMS} points, not {len(checked)}.")
    return tuple(checked.values())


def split_point(line: str) -> Point | None:
    """A point typed on one line: its wordings separated by '|', the first the one shown."""
    wordings = tuple(dict.fromkeys(wording.strip() for wording in line.split("|") if wording.strip()))
    return Point(wordings[0], wordings[1:]) if wordings else None


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
    words = words_of(question)
    topical = [word for word in words if word not in FILLER] or words
    base = slug(topical[:SLUG_WORDS], SLUG_LENGTH)
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


def check_unicode(value: str, what: str) -> None:
    """Refuse text with a lone surrogate: it cannot be written to a UTF-8 file."""
    if _SURROGATE.search(value):
        raise QuizError(f"{what} contains text that is not valid Unicode (a lone surrogate).")
