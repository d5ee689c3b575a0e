"""`quiz export`: the review and card records (records.py) and the Anki package's content (anki.py).

The writers that turn these into bytes are adapters: ``quizcards.adapters.writers``
(CSV, JSON Lines) and ``quizcards.adapters.anki`` (the .apkg file).
"""

from __future__ import annotations

from quizcards.core.export.anki import (
    ANKI_BACK,
    ANKI_CSS,
    ANKI_FIELDS,
    ANKI_FRONT,
    ANKI_MODEL_ID,
    ANKI_MODEL_NAME,
    AnkiNote,
    anki_deck_id,
    anki_notes,
    anki_tags,
    deck_names,
    markdown_renderer,
    note_fields,
    note_guid,
    plain_html,
)
from quizcards.core.export.records import (
    CARD_FIELDS,
    REVIEW_FIELDS,
    CardRow,
    DeckRow,
    card_record,
    review_record,
    review_value_rows,
)

__all__ = [
    "ANKI_BACK",
    "ANKI_CSS",
    "ANKI_FIELDS",
    "ANKI_FRONT",
    "ANKI_MODEL_ID",
    "ANKI_MODEL_NAME",
    "CARD_FIELDS",
    "REVIEW_FIELDS",
    "AnkiNote",
    "CardRow",
    "DeckRow",
    "anki_deck_id",
    "anki_notes",
    "anki_tags",
    "card_record",
    "deck_names",
    "markdown_renderer",
    "note_fields",
    "note_guid",
    "plain_html",
    "review_record",
    "review_value_rows",
]
