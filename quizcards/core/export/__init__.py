"""The shapes of `quiz export`: review and card records, CSV and JSON Lines writers, and the Anki package.

Writers take an iterator and write as they go, so an export of millions of
reviews holds one batch of rows at a time. Field lists are fixed and documented: a
column is never renamed or removed without saying so in the README.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from quizcards.core.scheduler import MATURE_INTERVAL_DAYS

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

REVIEW_FIELDS: tuple[str, ...] = (
    "review_id",
    "reviewed_at",
    "reviewed_on",
    "deck",
    "card_id",
    "question",
    "grade",
    "kind",
    "explanation",
    "duration_ms",
    "repetitions_before",
    "interval_before",
    "easiness_before",
    "due_before",
    "repetitions_after",
    "interval_after",
    "easiness_after",
    "due_after",
)

CARD_FIELDS: tuple[str, ...] = (
    "deck",
    "card_id",
    "position",
    "state",
    "question",
    "answer",
    "points",
    "hints",
    "tags",
    "source",
    "repetitions",
    "interval_days",
    "easiness",
    "due_on",
    "lapses",
    "reviews",
    "last_reviewed_on",
    "introduced_on",
    "added_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class CardRow:
    """A card's text and current schedule, as the store reads it."""

    deck: str
    card_id: str
    position: int
    question: str
    answer: str
    points: tuple[str, ...]
    hints: tuple[str, ...]
    tags: tuple[str, ...]
    source: str | None
    retired: bool
    repetitions: int
    interval_days: int
    easiness_hundredths: int
    due_on: str | None
    lapses: int
    reviews: int
    last_reviewed_on: str | None
    introduced_on: str | None
    added_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class DeckRow:
    """A deck's own fields, for the Anki package."""

    slug: str
    title: str
    description: str
    tags: tuple[str, ...]


def easiness(hundredths: int) -> float:
    """EF as a number (250 -> 2.5); hundredths / 100 prints exactly as written."""
    return hundredths / 100


def card_state(retired: bool, due_on: str | None, interval_days: int) -> str:
    """new, learning, mature or retired: the same rule as `quiz stats`."""
    if retired:
        return "retired"
    if due_on is None:
        return "new"
    return "mature" if interval_days >= MATURE_INTERVAL_DAYS else "learning"


_EASINESS_BEFORE = REVIEW_FIELDS.index("easiness_before")
_EASINESS_AFTER = REVIEW_FIELDS.index("easiness_after")


def review_record(row: Sequence[Any]) -> dict[str, Any]:
    """A review as an export record keyed by REVIEW_FIELDS, from a store row in that order."""
    record = dict(zip(REVIEW_FIELDS, row, strict=True))
    record["easiness_before"] = easiness(row[_EASINESS_BEFORE])
    record["easiness_after"] = easiness(row[_EASINESS_AFTER])
    return record


def card_record(row: CardRow) -> dict[str, Any]:
    """A card as an export record, keyed by CARD_FIELDS."""
    return {
        "deck": row.deck,
        "card_id": row.card_id,
        "position": row.position,
        "state": card_state(row.retired, row.due_on, row.interval_days),
        "question": row.question,
        "answer": row.answer,
        "points": list(row.points),
        "hints": list(row.hints),
        "tags": list(row.tags),
        "source": row.source,
        "repetitions": row.repetitions,
        "interval_days": row.interval_days,
        "easiness": easiness(row.easiness_hundredths),
        "due_on": row.due_on,
        "lapses": row.lapses,
        "reviews": row.reviews,
        "last_reviewed_on": row.last_reviewed_on,
        "introduced_on": row.introduced_on,
        "added_at": row.added_at,
        "updated_at": row.updated_at,
    }


# ---- writers -----------------------------------------------------------------------

# JSON leaves these raw with ensure_ascii=False; escaped, a line is safe to print in a terminal.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_unsafe(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def jsonl_line(record: Mapping[str, Any]) -> str:
    """One record as one line of JSON, readable in any script but free of raw control characters."""
    encoded = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE.sub(_escape_unsafe, encoded)


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value


# The csv module writes None as an empty cell and numbers and text as they are; only these need help.
_NEEDS_CONVERSION = frozenset({bool, list, tuple})


def write_csv(
    records: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    out: TextIO,
    *,
    clean: Callable[[str], str] | None = None,
) -> int:
    """A header, then one CSV row per record (lists as JSON arrays, None as empty); returns the rows written.

    ``clean``, when given, is applied to every text cell (for a terminal, which
    must not receive control characters).
    """
    writer = csv.writer(out)
    writer.writerow(fields)
    special = _NEEDS_CONVERSION
    count = 0
    for record in records:
        cells = [record[name] for name in fields]
        cells = [_csv_cell(cell) if type(cell) in special else cell for cell in cells]
        if clean is not None:
            cells = [clean(cell) if isinstance(cell, str) else cell for cell in cells]
        writer.writerow(cells)
        count += 1
    return count


def write_csv_text(chunks: Iterable[tuple[int, str]], fields: Sequence[str], out: TextIO) -> int:
    """A header, then CSV lines already formatted (by the store) as (rows, text) chunks; returns the rows.

    The header is written by the csv module, as write_csv writes it, so both give the same file.
    """
    csv.writer(out).writerow(fields)
    count = 0
    for rows, text in chunks:
        out.write(text)
        count += rows
    return count


def write_jsonl(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """One JSON object a line; returns the lines written."""
    count = 0
    for record in records:
        out.write(jsonl_line(record))
        out.write("\n")
        count += 1
    return count


# ---- the Anki package ---------------------------------------------------------------

# Anki recognises a note type and a deck by these numbers across imports: never change them.
ANKI_MODEL_ID = 1_607_392_319
ANKI_MODEL_NAME = "quizcards: question, answer, key points"
ANKI_FIELDS = ("Question", "Answer", "Key points", "Source", "Card")
ANKI_CSS = """\
.card { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 18px;
        line-height: 1.45; text-align: left; color: black; background-color: white; max-width: 46em;
        margin: 0 auto; }
.question { font-weight: 600; }
.points h4, .source h4 { margin-bottom: .2em; }
.source, .card-id { color: #666; font-size: 85%; }
pre, code { font-family: "SF Mono", Menlo, Consolas, monospace; font-size: 90%; }
pre { background: #f4f4f4; padding: .6em; overflow-x: auto; }
"""
ANKI_FRONT = '<div class="question">{{Question}}</div>'
ANKI_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Key points}}<div class="points"><h4>Key points</h4>{{Key points}}</div>{{/Key points}}
{{#Source}}<div class="source"><h4>Source</h4>{{Source}}</div>{{/Source}}
<div class="card-id">{{Card}}</div>
"""


@dataclass(frozen=True, slots=True)
class ApkgSummary:
    """What went into a package."""

    decks: int
    notes: int


def _id_from(text: str) -> int:
    # Within genanki's recommended range for deck and model ids: [2**30, 2**31).
    digest = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def anki_deck_id(slug: str) -> int:
    """A deck's Anki id, the same at every export (derived from the quizcards slug)."""
    return _id_from(f"quizcards deck {slug}")


def note_guid(deck: str, card_id: str) -> str:
    """A note's Anki GUID from its deck and card id: re-importing updates the note, never duplicates it."""
    import genanki

    return str(genanki.guid_for("quizcards", deck, card_id))


_TAG_BREAK = re.compile(r"\s+")


def anki_tags(*tag_lists: Iterable[str]) -> list[str]:
    """Tags as Anki takes them: no spaces (they become underscores), no duplicates ignoring case."""
    seen: set[str] = set()
    tags: list[str] = []
    for tag in (t for tags_ in tag_lists for t in tags_):
        cleaned = _TAG_BREAK.sub("_", tag.strip())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            tags.append(cleaned)
    return tags


def _markdown_renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Raw HTML in a deck is shown as text, never passed through: a deck file is untrusted input.
    return MarkdownIt("commonmark", {"html": False})


def plain_html(value: str) -> str:
    """Literal text as HTML: escaped, line breaks kept."""
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def note_fields(card: CardRow, markdown: MarkdownIt) -> list[str]:
    """A card's Anki fields: the question as text, the answer rendered from Markdown, the points as a list."""
    points = "".join(f"<li>{html.escape(point)}</li>" for point in card.points)
    return [
        plain_html(card.question),
        markdown.render(card.answer).strip(),
        f"<ul>{points}</ul>" if points else "",
        plain_html(card.source or ""),
        html.escape(f"{card.deck}/{card.card_id}"),
    ]


def _deck_names(decks: Sequence[DeckRow]) -> dict[str, str]:
    """Each deck's Anki name: its title, made unique with the slug where two titles are alike."""
    counts: dict[str, int] = {}
    for deck in decks:
        key = deck.title.strip().casefold()
        counts[key] = counts.get(key, 0) + 1
    names = {}
    for deck in decks:
        title = " ".join(deck.title.split()) or deck.slug
        names[deck.slug] = title if counts[deck.title.strip().casefold()] == 1 else f"{title} ({deck.slug})"
    return names


@contextlib.contextmanager
def _private_tempdir() -> Iterator[None]:
    """Point the tempfile module at a folder of ours for the block.

    genanki's ``write_to_file`` builds the collection in ``tempfile.mkstemp()``
    and never deletes it; inside this block that file lands in a folder that is
    removed afterwards.
    """
    saved = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="quizcards-apkg-") as folder:
        tempfile.tempdir = folder
        try:
            yield
        finally:
            tempfile.tempdir = saved


def build_apkg(
    decks: Sequence[DeckRow],
    cards: Iterable[CardRow],
    path: Path,
    *,
    timestamp: float,
) -> ApkgSummary:
    """Write an Anki package: one Anki deck per quizcards deck, one note per active card.

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
    names = _deck_names(decks)
    by_slug = {deck.slug: deck for deck in decks}
    anki_decks = {
        deck.slug: genanki.Deck(
            anki_deck_id(deck.slug), names[deck.slug], description=plain_html(deck.description)
        )
        for deck in decks
    }
    markdown = _markdown_renderer()
    notes = 0
    for card in cards:
        if card.retired or card.deck not in anki_decks:
            continue
        note = genanki.Note(
            model=model,
            fields=note_fields(card, markdown),
            tags=anki_tags(card.tags, by_slug[card.deck].tags),
            guid=note_guid(card.deck, card.card_id),
        )
        anki_decks[card.deck].add_note(note)
        notes += 1
    package = genanki.Package(list(anki_decks.values()))
    with _private_tempdir():
        package.write_to_file(str(path), timestamp=timestamp)
    return ApkgSummary(decks=len(anki_decks), notes=notes)
