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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    AnkiReview,
    AnkiSchedule,
    ScheduleDay,
    anki_deck_id,
    anki_notes,
    anki_reviews,
    deck_names,
    plain_html,
)
from quizcards.core.export.records import CardRow, DeckRow

# Gives the reviewed cards (by note GUID) their progress, fills the review log and suspends the suspended
# notes' cards, in the collection the cursor is on: quizcards.store.export.write_anki_progress, as the SQL
# stays in the store.
ProgressWriter = Callable[
    [sqlite3.Cursor, Mapping[str, AnkiSchedule], Iterable[AnkiReview], Iterable[str]], None
]


@dataclass(frozen=True, slots=True)
class ApkgSummary:
    """What went into a package."""

    decks: int
    notes: int
    scheduled: int = 0
    suspended: int = 0


def write_apkg(
    decks: Sequence[DeckRow],
    cards: Iterable[CardRow],
    path: Path,
    *,
    timestamp: float,
    schedule_day: ScheduleDay | None = None,
    reviews: Iterable[Sequence[Any]] = (),
    write_progress: ProgressWriter | None = None,
) -> ApkgSummary:
    """Write an Anki package to path: one Anki deck per quizcards deck, one note per active card.

    ``timestamp`` (seconds since the epoch) stamps the notes; with the same
    input and timestamp the package's collection is the same. With
    ``schedule_day``, ``write_progress`` gives the reviewed cards their progress
    and fills Anki's review log from ``reviews`` (stored review rows, oldest first).
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
    # Progress is carried only when it can be written: the count in the summary is what the package holds.
    carried = schedule_day if write_progress is not None else None
    notes = 0
    schedules: dict[str, AnkiSchedule] = {}
    suspended: list[str] = []
    for note in anki_notes(decks, cards, schedule_day=carried):
        anki_decks[note.deck].add_note(
            genanki.Note(model=model, fields=note.fields, tags=note.tags, guid=note.guid)
        )
        notes += 1
        if note.schedule is not None:
            schedules[note.guid] = note.schedule
        if note.suspended:
            suspended.append(note.guid)

    def progress(cursor: sqlite3.Cursor) -> None:
        if write_progress is not None and (carried is not None or suspended):
            write_progress(cursor, schedules, anki_reviews(reviews, schedules) if carried else (), suspended)

    _write_package(genanki.Package(list(anki_decks.values())), path, timestamp, progress)
    return ApkgSummary(decks=len(anki_decks), notes=notes, scheduled=len(schedules), suspended=len(suspended))


def _write_package(
    package: Any,
    path: Path,
    timestamp: float,
    progress: Callable[[sqlite3.Cursor], None],
) -> None:
    """What genanki's ``Package.write_to_file`` does, with the collection in a folder of ours.

    genanki's own method builds the collection in ``tempfile.mkstemp()`` and never
    deletes it; redirecting it meant rewriting the process-wide ``tempfile.tempdir``.
    """
    with tempfile.TemporaryDirectory(prefix="quizcards-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            # Note and card ids count up from the timestamp in milliseconds, as genanki numbers them.
            cursor = connection.cursor()
            package.write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
            progress(cursor)
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(collection, "collection.anki2")
            # The media index: this package has no media files.
            archive.writestr("media", json.dumps({}))
