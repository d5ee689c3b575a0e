"""The Anki package writer: the notes ``quizcards.core.export.anki`` decides, written as an .apkg file.

An .apkg is a zip holding an SQLite collection (``collection.anki2``) and a
media index. genanki fills the collection; this module gives it a database in
a temporary folder of its own and zips the result, so nothing global (such as
``tempfile.tempdir``) is touched and nothing stays behind.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizcards.core.export.anki import (
    ANKI_BACK,
    ANKI_CSS,
    ANKI_FIELDS,
    ANKI_FRONT,
    ANKI_MODEL_ID,
    ANKI_MODEL_NAME,
    anki_deck_id,
    anki_notes,
    deck_names,
    plain_html,
)
from quizcards.core.export.records import CardRow, DeckRow


@dataclass(frozen=True, slots=True)
class ApkgSummary:
    """What went into a package."""

    decks: int
    notes: int


def write_apkg(
    decks: Sequence[DeckRow],
    cards: Iterable[CardRow],
    path: Path,
    *,
    timestamp: float,
) -> ApkgSummary:
    """Write an Anki package to path: one Anki deck per quizcards deck, one note per active card.

    ``timestamp`` (seconds since the epoch) stamps the notes; with the same
    input and timestamp the package's collection is the same.
    """
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        ANKI_MODEL_NAME,
        fields=[{"name": name} for name in ANKI_FIELDS],
        templates=[{"name": "Card 1", "qfmt": ANKI_FRONT, "afmt": ANKI_BACK}],
        css=ANKI_CSS,
    )
    names = deck_names(decks)
    anki_decks = {
        deck.slug: genanki.Deck(
            anki_deck_id(deck.slug), names[deck.slug], description=plain_html(deck.description)
        )
        for deck in decks
    }
    notes = 0
    for note in anki_notes(decks, cards):
        anki_decks[note.deck].add_note(
            genanki.Note(model=model, fields=note.fields, tags=note.tags, guid=note.guid)
        )
        notes += 1
    _write_package(genanki.Package(list(anki_decks.values())), path, timestamp)
    return ApkgSummary(decks=len(anki_decks), notes=notes)


def _write_package(package: Any, path: Path, timestamp: float) -> None:
    """What genanki's ``Package.write_to_file`` does, with the collection in a folder of ours.

    genanki's own method builds the collection in ``tempfile.mkstemp()`` and never
    deletes it; redirecting it meant rewriting the process-wide ``tempfile.tempdir``.
    """
    with tempfile.TemporaryDirectory(prefix="quizcards-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            # Note and card ids count up from the timestamp in milliseconds, as genanki numbers them.
            package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(collection, "collection.anki2")
            # The media index: this package has no media files.
            archive.writestr("media", json.dumps({}))
