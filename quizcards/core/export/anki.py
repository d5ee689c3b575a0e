"""The Anki package's content, decided here and written by ``quizcards.adapters.anki``.

Ids, GUIDs, tags and note fields are pure functions of a deck's and a card's
fields, so that re-importing a newer export into Anki updates its notes
instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizcards.core.export.records import CardRow, DeckRow

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

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


def markdown_renderer() -> MarkdownIt:
    """CommonMark for answers, with raw HTML shown as text."""
    from markdown_it import MarkdownIt

    # Raw HTML in a deck is shown as text, never passed through: a deck file is untrusted input.
    return MarkdownIt("commonmark", {"html": False})


def plain_html(value: str) -> str:
    """Literal text as HTML: escaped, line breaks kept."""
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def note_fields(card: CardRow, markdown: MarkdownIt) -> list[str]:
    """A card's Anki fields: the question as text, the answer rendered from Markdown, the points as a list."""
    points = "".join(f"<li>{html.escape(point.with_alternatives())}</li>" for point in card.points)
    return [
        plain_html(card.question),
        markdown.render(card.answer).strip(),
        f"<ul>{points}</ul>" if points else "",
        plain_html(card.source or ""),
        html.escape(f"{card.deck}/{card.card_id}"),
    ]


def deck_names(decks: Sequence[DeckRow]) -> dict[str, str]:
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


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note of the package: the Anki deck it goes in (by slug), its identity, fields and tags."""

    deck: str
    guid: str
    fields: list[str]
    tags: list[str]


def anki_notes(decks: Sequence[DeckRow], cards: Iterable[CardRow]) -> Iterator[AnkiNote]:
    """A note for each active card of the given decks; retired cards and other decks' cards are left out."""
    by_slug = {deck.slug: deck for deck in decks}
    markdown = markdown_renderer()
    for card in cards:
        deck = by_slug.get(card.deck)
        if card.retired or deck is None:
            continue
        yield AnkiNote(
            deck=card.deck,
            guid=note_guid(card.deck, card.card_id),
            fields=note_fields(card, markdown),
            tags=anki_tags(card.tags, deck.tags),
        )
