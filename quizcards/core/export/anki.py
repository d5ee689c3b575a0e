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
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from quizcards.core.export.records import CardRow, DeckRow
from quizcards.core.scheduler import PRACTICE_KINDS

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


# genanki's collection says it was created at this moment (its col.crt, 2014-09-19 11:00 UTC): a review
# card's due day is a count of days from it, and Anki's importer moves it by the difference between the
# package's "today" and the learner's collection's, so "due in N days" survives the import.
ANKI_COLLECTION_CREATED = 1_411_124_400
_SECONDS_A_DAY = 86_400
# Anki's card and review-log codes (its cards.type, cards.queue and revlog.type columns).
ANKI_NEW, ANKI_REVIEW = 0, 2
# Anki's cards.queue for a suspended card, whatever its type: CardQueue::Suspended = -1 in Anki's
# rslib/src/card/mod.rs (ankitects/anki), beside the buried queues -2 and -3; its type stays.
ANKI_SUSPENDED = -1
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN = 0, 1, 2
# Anki's revlog type 3, "Filtered" (called "Cram" or "Early" by older versions): a review outside the
# schedule, "now only used for filtered decks with rescheduling disabled" (ankitects/anki,
# rslib/src/revlog/mod.rs, RevlogReviewKind). quizcards' cram and mock answers are exactly that.
REVLOG_FILTERED = 3


def anki_day(timestamp: float) -> int:
    """Anki's day number at ``timestamp`` in genanki's collection: whole days since its creation.

    This is how Anki counts days in a collection of the first scheduler version,
    which genanki's is.
    """
    return int((timestamp - ANKI_COLLECTION_CREATED) // _SECONDS_A_DAY)


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    """The learner's local day at the export, and Anki's day number at the same moment."""

    today: date
    anki_today: int


@dataclass(frozen=True, slots=True)
class AnkiSchedule:
    """A reviewed card as an Anki review card: the columns of Anki's cards table that carry progress."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int


def anki_schedule(card: CardRow, day: ScheduleDay) -> AnkiSchedule | None:
    """A reviewed card's progress in Anki's terms; None for a new card (Anki's default new card).

    Learning and mature cards alike become review cards (type and queue 2): SM-2
    has no minute-long steps. The due day keeps its distance from today (overdue
    stays overdue), EF becomes Anki's factor in thousandths (2.5 -> 2500), and
    the scheduled reviews and lapses are Anki's reps and lapses.
    """
    if card.reviews == 0 or card.due_on is None:
        return None
    due_in = (date.fromisoformat(card.due_on) - day.today).days
    return AnkiSchedule(
        type=ANKI_REVIEW,
        queue=ANKI_REVIEW,
        due=day.anki_today + due_in,
        ivl=max(card.interval_days, 1),
        factor=card.easiness_hundredths * 10,
        reps=card.reviews,
        lapses=card.lapses,
    )


@dataclass(frozen=True, slots=True)
class AnkiReview:
    """One scheduled review as a row of Anki's review log (revlog), keyed to its note by GUID."""

    guid: str
    millisecond: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time_ms: int
    type: int


def anki_ease(grade: int) -> int:
    """SM-2's grade 0-5 as Anki's answer button: 0-2 Again (1), 3 Hard (2), 4 Good (3), 5 Easy (4)."""
    return max(grade - 1, 1)


def anki_reviews(rows: Iterable[Sequence[Any]], guids: Iterable[str]) -> Iterator[AnkiReview]:
    """The reviews of the exported notes (rows in REVIEW_FIELDS' order) as Anki review-log rows.

    Same-day re-drills are left out: they moved no schedule, and Anki's reps count
    scheduled reviews only here. Cram and mock answers are logged as Anki's reviews
    outside the schedule (``REVLOG_FILTERED``), with the interval and ease they left
    unchanged; they count towards nothing else (learned, lapses, reps). A review's id is
    its time in milliseconds, made unique by counting up where two share one.
    """
    from quizcards.core.export.records import REVIEW_FIELDS

    index = {name: position for position, name in enumerate(REVIEW_FIELDS)}
    wanted = set(guids)
    taken: set[int] = set()
    learned: set[str] = set()  # cards with a successful review so far: later failures are lapses
    for row in rows:
        practice = row[index["kind"]] in PRACTICE_KINDS
        if row[index["kind"]] != "scheduled" and not practice:
            continue
        guid = note_guid(row[index["deck"]], row[index["card_id"]])
        if guid not in wanted:
            continue
        millisecond = int(datetime.fromisoformat(row[index["reviewed_at"]]).timestamp() * 1000)
        while millisecond in taken:
            millisecond += 1
        taken.add(millisecond)
        if practice:
            kind = REVLOG_FILTERED
        elif guid not in learned:
            kind = REVLOG_LEARN
        elif row[index["repetitions_before"]] == 0:
            kind = REVLOG_RELEARN  # the first success after a lapse
        else:
            kind = REVLOG_REVIEW
        if row[index["repetitions_after"]] > 0 and not practice:
            learned.add(guid)
        yield AnkiReview(
            guid=guid,
            millisecond=millisecond,
            ease=anki_ease(int(row[index["grade"]])),
            ivl=int(row[index["interval_days_after"]]),
            last_ivl=int(row[index["interval_days_before"]]),
            factor=int(row[index["easiness_after"]]) * 10,
            time_ms=int(row[index["duration_ms"]]),
            type=kind,
        )


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note of the package: the Anki deck it goes in (by slug), its identity, fields and tags.

    ``schedule`` is the card's progress when the export carries it (None: a new card);
    a ``suspended`` card goes into Anki's suspended queue, with or without it.
    """

    deck: str
    guid: str
    fields: list[str]
    tags: list[str]
    schedule: AnkiSchedule | None = None
    suspended: bool = False


def anki_notes(
    decks: Sequence[DeckRow], cards: Iterable[CardRow], *, schedule_day: ScheduleDay | None = None
) -> Iterator[AnkiNote]:
    """A note for each active card of the given decks; retired cards and other decks' cards are left out.

    With ``schedule_day``, each reviewed card's note carries its progress (``anki_schedule``).
    """
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
            schedule=None if schedule_day is None else anki_schedule(card, schedule_day),
            suspended=card.suspended_on is not None,
        )
