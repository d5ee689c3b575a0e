"""The sync journal's entries as values, and each one as a line of JSON (format 1) and back.

A journal line comes from another machine, so :func:`entry_of` trusts nothing: it never
raises, checks every field, and says what is wrong with a line as a fragment the caller puts
after "FILE line N " (the value quoted with ``checks.describe_value``, to be sanitised before
it reaches a terminal). Unknown extra keys are ignored, so a later format-1 writer may add
fields; a line whose ``v`` is above :data:`FORMAT_VERSION` is marked ``newer`` and left for
an updated quizcards to read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from quizcards.core.checks import describe_value, is_day, is_moment
from quizcards.core.scheduler import REVIEW_KINDS, ReviewKind

__all__ = [
    "CARD_EVENT_TYPES", "FORMAT_VERSION", "MAX_LINE_BYTES", "CardEvent", "CardEventType",
    "Entry", "LineProblem", "ReviewEntry", "UndoEntry", "entry_month", "entry_of", "is_device_id", "is_uuid",
    "line_of", "month_of",
]  # fmt: skip

FORMAT_VERSION = 1
MAX_LINE_BYTES = 1_000_000
MAX_NAME_CHARACTERS = 1_000
MAX_EXPLANATION_CHARACTERS = 200_000
MAX_DURATION_MS = 2**62

CardEventType = Literal["suspend", "unsuspend", "bury", "unbury"]
CARD_EVENT_TYPES: tuple[CardEventType, ...] = ("suspend", "unsuspend", "bury", "unbury")

# m009 names the reviews that existed before sync by this namespace; changing it would give two
# copies of one database different UUIDs for their shared history, so it is fixed forever.

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DEVICE_ID = re.compile(r"[0-9a-f]{32}")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One graded answer of any kind (scheduled, redrill, cram, mock), as the grading device recorded it."""

    uuid: str
    device: str
    deck: str
    card_id: str
    reviewed_at: str
    reviewed_on: str
    grade: int
    kind: ReviewKind
    duration_ms: int
    explanation: str


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """A tombstone: the review whose UUID is ``review`` was undone."""

    uuid: str
    device: str
    review: str
    undone_at: str


@dataclass(frozen=True, slots=True)
class CardEvent:
    """A card suspended, unsuspended, buried or unburied at ``at`` (UTC), on the device's day ``on``."""

    uuid: str
    device: str
    deck: str
    card_id: str
    type: CardEventType
    at: str
    on: str


Entry = ReviewEntry | UndoEntry | CardEvent


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why a line is not an entry, as a lowercase fragment that follows "FILE line N "."""

    reason: str
    # The line's "v" is a whole number above FORMAT_VERSION: a newer quizcards wrote it.
    newer: bool = False


# ---- writing -----------------------------------------------------------------------------------

# One encoder for every line (a first sync writes a million of them), and each string encoded by
# itself into a line laid out here: three times faster than encoding a dict of the fields.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_quoted = _ENCODER.encode


def line_of(entry: Entry) -> bytes:
    """The entry as one line of compact JSON in UTF-8, ending in exactly one newline (JSON escapes
    every newline and control character inside strings, so the line holds no other)."""
    q = _quoted
    if isinstance(entry, ReviewEntry):
        text = (
            f'{{"v":{FORMAT_VERSION},"type":"review","uuid":{q(entry.uuid)},"device":{q(entry.device)},'
            f'"deck":{q(entry.deck)},"card":{q(entry.card_id)},"at":{q(entry.reviewed_at)},'
            f'"on":{q(entry.reviewed_on)},"grade":{int(entry.grade)},"kind":{q(entry.kind)},'
            f'"duration_ms":{int(entry.duration_ms)},"explanation":{q(entry.explanation)}}}\n'
        )
    elif isinstance(entry, UndoEntry):
        text = (
            f'{{"v":{FORMAT_VERSION},"type":"undo","uuid":{q(entry.uuid)},"device":{q(entry.device)},'
            f'"review":{q(entry.review)},"at":{q(entry.undone_at)}}}\n'
        )
    else:
        text = (
            f'{{"v":{FORMAT_VERSION},"type":{q(entry.type)},"uuid":{q(entry.uuid)},"device":{q(entry.device)},'
            f'"deck":{q(entry.deck)},"card":{q(entry.card_id)},"at":{q(entry.at)},"on":{q(entry.on)}}}\n'
        )
    return text.encode("utf-8")


# ---- reading -----------------------------------------------------------------------------------


class _Refused(Exception):
    """A line's problem, raised from inside the checks and turned into a LineProblem once."""

    def __init__(self, reason: str, *, newer: bool = False) -> None:
        super().__init__(reason)
        self.problem = LineProblem(reason, newer)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # Two values for one key would make the line mean whatever a parser keeps: refuse it.
    fields = dict(pairs)
    if len(fields) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return fields


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)

# The field names a problem uses for each key.
_NAMES = {"at": "time", "on": "day", "v": "format version"}


def entry_of(line: bytes) -> Entry | LineProblem:
    """The entry a journal line (without its newline) holds, or why it holds none. Never raises."""
    if len(line) > MAX_LINE_BYTES:
        return LineProblem(f"is {len(line):,} bytes long, over the limit of {MAX_LINE_BYTES:,}")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return LineProblem("is not UTF-8 text")
    if not text.strip():
        return LineProblem("is empty")
    try:
        value = _DECODER.decode(text)
    except _DuplicateKey as duplicate:
        return LineProblem(f"has the key {_shown(duplicate.key)} more than once")
    except (ValueError, RecursionError):
        # RecursionError: arrays nested thousands deep; ValueError: also numbers too long to read.
        return LineProblem("is not JSON")
    if not isinstance(value, dict):
        return LineProblem(f"is not one entry ({_what(value)})")
    try:
        return _entry(value)
    except _Refused as refused:
        return refused.problem


def _entry(fields: dict[str, object]) -> Entry:
    version = _get(fields, "v")
    if type(version) is not int:
        raise _Refused(f"has the format version {_shown(version)}, which is not a whole number")
    if version > FORMAT_VERSION:
        raise _Refused(f"was written by a newer quizcards (format {_shown(version)})", newer=True)
    if version < FORMAT_VERSION:
        raise _Refused(f"has the format version {version}, which no quizcards wrote")
    kind = _get(fields, "type")
    if kind == "review":
        review = _quick_review(fields) or ReviewEntry(
            uuid=_checked(fields, "uuid", is_uuid, _UUID_WANTED),
            device=_checked(fields, "device", is_device_id, _DEVICE_WANTED),
            deck=_name(fields, "deck"),
            card_id=_name(fields, "card"),
            reviewed_at=_checked(fields, "at", is_moment, _MOMENT_WANTED),
            reviewed_on=_checked(fields, "on", is_day, _DAY_WANTED),
            grade=_whole(fields, "grade", 5, "0-5"),
            kind=_review_kind(fields),
            duration_ms=_whole(fields, "duration_ms", MAX_DURATION_MS, _DURATION_WANTED),
            explanation=_text(fields, "explanation", MAX_EXPLANATION_CHARACTERS),
        )
        _check_dated(review.reviewed_at, review.reviewed_on)
        return review
    if kind == "undo":
        return UndoEntry(
            uuid=_checked(fields, "uuid", is_uuid, _UUID_WANTED),
            device=_checked(fields, "device", is_device_id, _DEVICE_WANTED),
            review=_checked(fields, "review", is_uuid, _UUID_WANTED),
            undone_at=_checked(fields, "at", is_moment, _MOMENT_WANTED),
        )
    for event in CARD_EVENT_TYPES:
        if kind == event:
            card_event = CardEvent(
                uuid=_checked(fields, "uuid", is_uuid, _UUID_WANTED),
                device=_checked(fields, "device", is_device_id, _DEVICE_WANTED),
                deck=_name(fields, "deck"),
                card_id=_name(fields, "card"),
                type=event,
                at=_checked(fields, "at", is_moment, _MOMENT_WANTED),
                on=_checked(fields, "on", is_day, _DAY_WANTED),
            )
            _check_dated(card_event.at, card_event.on)
            return card_event
    raise _Refused(
        f"has the type {_shown(kind)}, which is not review, undo, suspend, unsuspend, bury or unbury"
    )


# Beyond this year a schedule's arithmetic (FSRS's above all) runs off the calendar: no real review is there.
LAST_YEAR = 9000


def _check_dated(moment: str, day: str) -> None:
    """A local day is its UTC time's date give or take a day (time zones run from UTC-12 to UTC+14)."""
    on = date.fromisoformat(day)
    if on.year > LAST_YEAR or int(moment[:4]) > LAST_YEAR:
        raise _Refused(f"is dated after the year {LAST_YEAR}")
    if abs((on - date.fromisoformat(moment[:10])).days) > 1:
        raise _Refused(f"has the day {day}, more than a day away from its time {moment}")


_UUID_WANTED = "a lowercase UUID"
_DEVICE_WANTED = "a device id (32 lowercase hex digits)"
_MOMENT_WANTED = "a UTC time like 2026-03-10T09:00:00.000Z"
_DAY_WANTED = "a date like 2026-03-10"
_DURATION_WANTED = "a whole number of milliseconds from 0 to 2**62"
_REVIEW_KINDS: dict[str, ReviewKind] = {kind: kind for kind in REVIEW_KINDS}


def _quick_review(fields: dict[str, object]) -> ReviewEntry | None:
    """A valid review line's entry in under half the time of the checks that name a problem (a
    first sync reads a million lines), else None. The same rules as theirs, inlined."""
    try:
        uuid, device, deck, card_id = fields["uuid"], fields["device"], fields["deck"], fields["card"]
        reviewed_at, reviewed_on, grade = fields["at"], fields["on"], fields["grade"]
        kind, duration_ms, explanation = fields["kind"], fields["duration_ms"], fields["explanation"]
    except KeyError:
        return None
    review_kind = _REVIEW_KINDS.get(kind) if type(kind) is str else None
    if (
        type(uuid) is str and _UUID.fullmatch(uuid) and type(device) is str and _DEVICE_ID.fullmatch(device)
        and type(deck) is str and deck and _fits(deck, MAX_NAME_CHARACTERS)
        and type(card_id) is str and card_id and _fits(card_id, MAX_NAME_CHARACTERS)
        and type(reviewed_at) is str and is_moment(reviewed_at)
        and type(reviewed_on) is str and is_day(reviewed_on)
        and type(grade) is int and 0 <= grade <= 5 and review_kind is not None
        and type(duration_ms) is int and 0 <= duration_ms <= MAX_DURATION_MS
        and type(explanation) is str and _fits(explanation, MAX_EXPLANATION_CHARACTERS)
    ):  # fmt: skip
        return ReviewEntry(
            uuid, device, deck, card_id, reviewed_at, reviewed_on, grade, review_kind, duration_ms,
            explanation,
        )  # fmt: skip
    return None


def _fits(text: str, limit: int) -> bool:
    # A lone surrogate (written as an escape, "\ud800") is no character: UTF-8 and SQLite cannot hold it.
    return len(text) <= limit and (text.isascii() or _SURROGATE.search(text) is None)


def _get(fields: dict[str, object], key: str) -> object:
    if key not in fields:
        raise _Refused(f"has no {key!r}")
    return fields[key]


def _bad(key: str, value: object, wanted: str) -> _Refused:
    return _Refused(f"has the {_NAMES.get(key, key)} {_shown(value)}, which is not {wanted}")


def _checked(fields: dict[str, object], key: str, holds: Callable[[object], bool], wanted: str) -> str:
    value = _get(fields, key)
    if not isinstance(value, str) or not holds(value):
        raise _bad(key, value, wanted)
    return value


def _whole(fields: dict[str, object], key: str, most: int, wanted: str) -> int:
    value = _get(fields, key)
    if type(value) is not int or not 0 <= value <= most:
        raise _bad(key, value, wanted)
    return value


def _review_kind(fields: dict[str, object]) -> ReviewKind:
    value = _get(fields, "kind")
    kind = _REVIEW_KINDS.get(value) if isinstance(value, str) else None
    if kind is None:
        raise _bad("kind", value, "scheduled, redrill, cram or mock")
    return kind


def _text(fields: dict[str, object], key: str, limit: int) -> str:
    value = _get(fields, key)
    if not isinstance(value, str):
        raise _bad(key, value, "text")
    if len(value) > limit:
        article = "an" if key[0] in "aeiou" else "a"
        raise _Refused(f"has {article} {key} of {len(value):,} characters, over the limit of {limit:,}")
    if not _fits(value, limit):
        raise _bad(key, value, "Unicode text (it holds a lone surrogate)")
    return value


def _name(fields: dict[str, object], key: str) -> str:
    value = _text(fields, key, MAX_NAME_CHARACTERS)
    if not value:
        raise _Refused(f"has an empty {key}")
    return value


_SHOWN_CHARACTERS = 80


def _shown(value: object) -> str:
    """A value as a problem quotes it: short, and never a whole nested structure."""
    if isinstance(value, list | dict):
        return _what(value)
    if type(value) is int and value.bit_length() > 200:
        return "a number of more than 60 digits"
    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        return describe_value(value[:_SHOWN_CHARACTERS]) + "..."
    return describe_value(value)


_WHAT = {list: "a list", dict: "an object", str: "text", bool: "true or false", type(None): "null"}


def _what(value: object) -> str:
    return _WHAT.get(type(value), "a number")


# ---- names -------------------------------------------------------------------------------------


def is_uuid(text: object) -> bool:
    """A UUID in its canonical lowercase text form, 36 characters (8-4-4-4-12 hex digits)."""
    return isinstance(text, str) and _UUID.fullmatch(text) is not None


def is_device_id(text: object) -> bool:
    """A device id: 32 lowercase hex digits."""
    return isinstance(text, str) and _DEVICE_ID.fullmatch(text) is not None


def month_of(moment: str) -> str:
    """The journal month ("2026-03") of a UTC moment ("2026-03-10T09:00:00.000Z")."""
    if not is_moment(moment):
        raise ValueError(f"{moment!r} is not a UTC time like 2026-03-10T09:00:00.000Z")
    return moment[:7]


def entry_month(entry: Entry) -> str:
    """The month whose journal file holds the entry: of its review's, undo's or event's time."""
    if isinstance(entry, ReviewEntry):
        return month_of(entry.reviewed_at)
    if isinstance(entry, UndoEntry):
        return month_of(entry.undone_at)
    return month_of(entry.at)
