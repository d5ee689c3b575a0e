"""Writing decks, pure: new decks and cards, their YAML text, byte-exact edits of a file, and lint.

Where each rule lives: ``templates`` (a new deck's text, names and titles, the
editor's template), ``cards`` (a new card, checked, and its id), ``words``
(questions read as words), ``yaml_text`` (how a value is written as YAML),
``edits`` (appending a card and writing ids into a file's bytes) and ``lint``
(warnings beyond the loader's). The names below are re-exported so that
``from quizcards.core.authoring import new_card`` keeps working.
"""

from __future__ import annotations

from quizcards.core.authoring.cards import (
    SLUG_LENGTH,
    SLUG_WORDS,
    NewCard,
    card_id_for,
    check_card_id,
    new_card,
    split_tags,
)
from quizcards.core.authoring.edits import Appended, FixedIds, append_card, insert_generated_ids
from quizcards.core.authoring.lint import (
    LONG_ANSWER_CHARACTERS,
    NEAR_DUPLICATE_CANDIDATES,
    NEAR_DUPLICATE_COMPARISONS,
    NEAR_DUPLICATE_RATIO,
    NEAR_DUPLICATE_WORD_RATIO,
    REPEAT_RATIO,
    NearDuplicates,
    answer_repeats_question,
    in_file_order,
    lint_deck,
    near_duplicate_questions,
)
from quizcards.core.authoring.templates import (
    SCHEMA_FILENAME,
    answer_from_editor,
    check_title,
    deck_name_for,
    editor_template,
    new_deck_text,
    title_for,
)
from quizcards.core.authoring.yaml_text import card_text

__all__ = [
    "LONG_ANSWER_CHARACTERS",
    "NEAR_DUPLICATE_CANDIDATES",
    "NEAR_DUPLICATE_COMPARISONS",
    "NEAR_DUPLICATE_RATIO",
    "NEAR_DUPLICATE_WORD_RATIO",
    "REPEAT_RATIO",
    "SCHEMA_FILENAME",
    "SLUG_LENGTH",
    "SLUG_WORDS",
    "Appended",
    "FixedIds",
    "NearDuplicates",
    "NewCard",
    "answer_from_editor",
    "answer_repeats_question",
    "append_card",
    "card_id_for",
    "card_text",
    "check_card_id",
    "check_title",
    "deck_name_for",
    "editor_template",
    "in_file_order",
    "insert_generated_ids",
    "lint_deck",
    "near_duplicate_questions",
    "new_card",
    "new_deck_text",
    "split_tags",
    "title_for",
]
