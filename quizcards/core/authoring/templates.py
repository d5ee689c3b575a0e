"""A new deck's text, its name and title from a file name, and the editor's template for an answer."""

from __future__ import annotations

import re

from quizcards.core.authoring.cards import check_unicode
from quizcards.core.authoring.words import slug, words_of
from quizcards.core.authoring.yaml_text import id_scalar, quoted
from quizcards.core.deck.model import MAX_ID_LENGTH, MAX_TITLE_LENGTH, is_valid_name
from quizcards.core.errors import QuizError

# The schema beside the deck, by relative path: portable when a folder of decks
# is shared or moved, unlike a file:// URI (see the README's authoring section).
SCHEMA_FILENAME = "quizcards.schema.json"
_EDITOR_MARK = "<!-- quiz add:"


def deck_name_for(stem: str) -> str:
    """A valid deck name for a file name: the stem itself if valid, else a slug of it."""
    if is_valid_name(stem):
        return stem
    return slug(words_of(stem), MAX_ID_LENGTH) or "deck"


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
    check_unicode(value, "the title")
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
deck: {id_scalar(name)}  # the deck's name: letters, digits, '-', '_' and '.'
title: {quoted(title)}
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
      # A point may be a list: the first wording is shown, the others also count.
      - ["points", "key points", "ideas to mention"]
    hints:
      - "Look at the keys of this card."
    tags:
      - "example"
    source: "optional: where the answer comes from (a paper, a book, a link)"
"""


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
