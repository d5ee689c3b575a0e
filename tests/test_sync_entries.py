"""The sync journal's lines: exact bytes of each entry type, every way a line is refused, round trips."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.scheduler import REVIEW_KINDS, Grade
from quizcards.core.sync import entries
from quizcards.core.sync.entries import (
    CARD_EVENT_TYPES,
    FORMAT_VERSION,
    MAX_LINE_BYTES,
    CardEvent,
    Entry,
    LineProblem,
    ReviewEntry,
    UndoEntry,
    entry_month,
    entry_of,
    is_device_id,
    is_uuid,
    line_of,
    month_of,
)
from quizcards.core.sync.legacy import LEGACY_NAMESPACE, legacy_review_uuid
from tests.helpers import examples

UUID = "9a371cea-5d7c-51d5-9384-2655e4ba1af8"
OTHER_UUID = "0f8e6d4c-2b1a-4987-8654-3210fedcba98"
DEVICE = "91b5e0f38626429b8448989280a2a780"

REVIEW = ReviewEntry(
    uuid=UUID,
    device=DEVICE,
    deck="bench-01",
    card_id="card-001864",
    reviewed_at="2024-06-01T07:21:31.994Z",
    reviewed_on="2024-06-01",
    grade=5,
    kind="scheduled",
    duration_ms=41828,
    explanation="Scaling stride — parallel softmax",
)
UNDO = UndoEntry(uuid=OTHER_UUID, device=DEVICE, review=UUID, undone_at="2024-06-01T07:22:00.000Z")


def event(kind: Any = "suspend") -> CardEvent:
    return CardEvent(
        OTHER_UUID, DEVICE, "bench-01", "card-001864", kind, "2024-07-01T00:00:00.000Z", "2024-06-30"
    )


# ---- golden lines ------------------------------------------------------------------------------


def test_a_review_is_one_line_with_its_keys_in_order() -> None:
    assert (
        line_of(REVIEW)
        == (
            '{"v":1,"type":"review","uuid":"9a371cea-5d7c-51d5-9384-2655e4ba1af8",'
            '"device":"91b5e0f38626429b8448989280a2a780","deck":"bench-01","card":"card-001864",'
            '"at":"2024-06-01T07:21:31.994Z","on":"2024-06-01","grade":5,"kind":"scheduled",'
            '"duration_ms":41828,"explanation":"Scaling stride — parallel softmax"}\n'
        ).encode()
    )


def test_an_undo_is_one_line_with_its_keys_in_order() -> None:
    assert line_of(UNDO) == (
        b'{"v":1,"type":"undo","uuid":"0f8e6d4c-2b1a-4987-8654-3210fedcba98",'
        b'"device":"91b5e0f38626429b8448989280a2a780","review":"9a371cea-5d7c-51d5-9384-2655e4ba1af8",'
        b'"at":"2024-06-01T07:22:00.000Z"}\n'
    )


@pytest.mark.parametrize("kind", CARD_EVENT_TYPES)
def test_a_card_event_is_one_line_named_by_its_type(kind: str) -> None:
    assert line_of(event(kind)) == (
        b'{"v":1,"type":"' + kind.encode() + b'","uuid":"0f8e6d4c-2b1a-4987-8654-3210fedcba98",'
        b'"device":"91b5e0f38626429b8448989280a2a780","deck":"bench-01","card":"card-001864",'
        b'"at":"2024-07-01T00:00:00.000Z","on":"2024-06-30"}\n'
    )
    assert entry_of(line_of(event(kind))[:-1]) == event(kind)


def test_a_grade_given_as_a_grade_is_written_as_its_number() -> None:
    graded = ReviewEntry(**{**_fields_of(REVIEW), "grade": Grade.HESITANT})
    assert b'"grade":4,' in line_of(graded)


def test_newlines_and_control_characters_in_text_never_break_the_line() -> None:
    text = "first\nsecond\r\nthird\u2028fourth\u2029\x00\x1b[31mred\x7f\u0085\t"
    written = line_of(ReviewEntry(**{**_fields_of(REVIEW), "explanation": text, "deck": "a\nb"}))
    assert written.count(b"\n") == 1
    assert written.endswith(b"}\n")
    assert b"\r" not in written
    assert b"\x00" not in written
    assert b"\x1b" not in written
    assert entry_of(written[:-1]) == ReviewEntry(
        **{**_fields_of(REVIEW), "explanation": text, "deck": "a\nb"}
    )


# ---- refused lines -----------------------------------------------------------------------------


def _fields_of(entry: Entry) -> dict[str, Any]:
    return dataclasses.asdict(entry)


def _line(base: Entry = REVIEW, /, **changes: Any) -> bytes:
    """The entry's line with keys changed (a value) or removed (the value ...)."""
    fields = json.loads(line_of(base))
    for key, value in changes.items():
        if value is ...:
            del fields[key]
        else:
            fields[key] = value
    return json.dumps(fields, ensure_ascii=False).encode()


def _reason(line: bytes) -> str:
    found = entry_of(line)
    assert isinstance(found, LineProblem), found
    assert not found.newer
    return found.reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"x" * (MAX_LINE_BYTES + 1), "is 1,000,001 bytes long, over the limit of 1,000,000"),
        (b'{"v":1,"explanation":"\xff"}', "is not UTF-8 text"),
        (b"", "is empty"),
        (b" \t\r", "is empty"),
        (b"{", "is not JSON"),
        (b'{"v":1} {"v":1}', "is not JSON"),
        (b'{"v":1,"grade":NaN}', "is not JSON"),
        (b'{"v":1,"duration_ms":-Infinity}', "is not JSON"),
        (b'{"v":1,"deck":"a\x00b"}', "is not JSON"),  # a raw control character inside a string
        (b"[" * 100_000 + b"]" * 100_000, "is not JSON"),
        (b'{"v":' + b"9" * 5_000 + b"}", "is not JSON"),
        (b"[1,2]", "is not one entry (a list)"),
        (b"3", "is not one entry (a number)"),
        (b'"review"', "is not one entry (text)"),
        (b"null", "is not one entry (null)"),
        (b"true", "is not one entry (true or false)"),
        (b'{"v":1,"grade":4,"grade":5}', "has the key 'grade' more than once"),
        (b'{"v":1,"x":{"a":1,"a":2}}', "has the key 'a' more than once"),
        (b'{"type":"review"}', "has no 'v'"),
        (b'{"v":"1"}', "has the format version '1', which is not a whole number"),
        (b'{"v":1.0}', "has the format version 1.0, which is not a whole number"),
        (b'{"v":true}', "has the format version True, which is not a whole number"),
        (b'{"v":0}', "has the format version 0, which no quizcards wrote"),
        (b'{"v":-3}', "has the format version -3, which no quizcards wrote"),
        (b'{"v":1}', "has no 'type'"),
        (b'{"v":1,"type":"delete"}', "has the type 'delete', which is not review, undo, suspend, unsuspend, "
         "bury or unbury"),
        (b'{"v":1,"type":["review"]}', "has the type a list, which is not review, undo, suspend, unsuspend, "
         "bury or unbury"),
    ],
)  # fmt: skip
def test_a_line_that_is_not_an_entry_says_why(line: bytes, reason: str) -> None:
    assert _reason(line) == reason


@pytest.mark.parametrize(
    "key", ["uuid", "device", "deck", "card", "at", "on", "grade", "kind", "duration_ms", "explanation"]
)
def test_a_review_without_a_field_names_it(key: str) -> None:
    assert _reason(_line(**{key: ...})) == f"has no {key!r}"


@pytest.mark.parametrize(
    ("base", "key"), [(UNDO, "review"), (UNDO, "at"), (event(), "on"), (event(), "card")]
)
def test_an_undo_or_event_without_a_field_names_it(base: Entry, key: str) -> None:
    assert _reason(_line(base, **{key: ...})) == f"has no {key!r}"


LONG = "x" * 1_001
AT = "which is not a UTC time like 2026-03-10T09:00:00.000Z"
MS = "which is not a whole number of milliseconds from 0 to 2**62"
DEVICE_ID = "which is not a device id (32 lowercase hex digits)"
SURROGATE_LINE = _line(card="CARD").replace(b'"CARD"', b'"card-\\ud800"')


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (_line(uuid=UUID.upper()), f"has the uuid {UUID.upper()!r}, which is not a lowercase UUID"),
        (_line(uuid=UUID + "0"), f"has the uuid '{UUID}0', which is not a lowercase UUID"),
        (_line(uuid="{" + UUID + "}"), "has the uuid '{" + UUID + "}', which is not a lowercase UUID"),
        (_line(uuid=7), "has the uuid 7, which is not a lowercase UUID"),
        (_line(device=DEVICE[:-1]), f"has the device {DEVICE[:-1]!r}, {DEVICE_ID}"),
        (_line(device=None), f"has the device none, {DEVICE_ID}"),
        (_line(deck=""), "has an empty deck"),
        (_line(deck=5), "has the deck 5, which is not text"),
        (_line(deck=LONG), "has a deck of 1,001 characters, over the limit of 1,000"),
        (_line(card=""), "has an empty card"),
        (_line(card=["a"]), "has the card a list, which is not text"),
        (SURROGATE_LINE, "has the card 'card-\\ud800', which is not Unicode text (it holds a lone "
         "surrogate)"),
        (_line(at="2026-03-10T09:00:00Z"), f"has the time '2026-03-10T09:00:00Z', {AT}"),
        (_line(at="2026-02-30T09:00:00.000Z"), f"has the time '2026-02-30T09:00:00.000Z', {AT}"),
        (_line(on="2026-3-10"), "has the day '2026-3-10', which is not a date like 2026-03-10"),
        (_line(on=20260310), "has the day 20260310, which is not a date like 2026-03-10"),
        (_line(grade=7), "has the grade 7, which is not 0-5"),
        (_line(grade=-1), "has the grade -1, which is not 0-5"),
        (_line(grade=True), "has the grade True, which is not 0-5"),
        (_line(grade=4.0), "has the grade 4.0, which is not 0-5"),
        (_line(grade="4"), "has the grade '4', which is not 0-5"),
        (_line(grade=10**80), "has the grade a number of more than 60 digits, which is not 0-5"),
        (_line(grade=4).replace(b'"grade": 4', b'"grade": 1e999'), "has the grade inf, which is not 0-5"),
        (_line(kind="review"), "has the kind 'review', which is not scheduled, redrill, cram or mock"),
        (_line(kind=None), "has the kind none, which is not scheduled, redrill, cram or mock"),
        (_line(duration_ms=-1), f"has the duration_ms -1, {MS}"),
        (_line(duration_ms=2**62 + 1), f"has the duration_ms {2**62 + 1}, {MS}"),
        (_line(duration_ms=1.5), f"has the duration_ms 1.5, {MS}"),
        (_line(explanation=None), "has the explanation none, which is not text"),
        (_line(explanation="e" * 200_001), "has an explanation of 200,001 characters, over the limit of "
         "200,000"),
        (_line(UNDO, review="nope"), "has the review 'nope', which is not a lowercase UUID"),
        (_line(UNDO, at="2024-06-01"), f"has the time '2024-06-01', {AT}"),
        (_line(event(), on="yesterday"), "has the day 'yesterday', which is not a date like 2026-03-10"),
        (_line(event(), deck=""), "has an empty deck"),
    ],
)  # fmt: skip
def test_a_bad_field_is_named_and_quoted(line: bytes, reason: str) -> None:
    assert _reason(line) == reason


def test_a_long_bad_value_is_quoted_shortened() -> None:
    reason = _reason(_line(uuid="u" * 500))
    assert reason == "has the uuid " + repr("u" * 80) + "..., which is not a lowercase UUID"


def test_a_newer_format_is_marked_newer_whatever_the_rest_says() -> None:
    for line in (b'{"v":2}', b'{"v":2,"type":"review","grade":"x"}', b'{"v":99,"type":"something"}'):
        version = json.loads(line)["v"]
        assert entry_of(line) == LineProblem(
            f"was written by a newer quizcards (format {version})", newer=True
        )


def test_unknown_keys_are_ignored_and_nul_in_text_is_kept() -> None:
    line = _line(extra={"nested": [1, None]}, later="field", explanation="a\x00b")
    assert entry_of(line) == ReviewEntry(**{**_fields_of(REVIEW), "explanation": "a\x00b"})


def test_the_quick_path_and_the_named_checks_agree_on_every_field() -> None:
    values: list[Any] = [
        None,
        True,
        False,
        0,
        5,
        6,
        -1,
        1.5,
        2**62,
        2**62 + 1,
        "",
        "x",
        [],
        {},
        "\ud800",
        LONG,
    ]
    values += [UUID, UUID.upper(), DEVICE, "2026-03-10", "2026-03-10T09:00:00.000Z", "mock", "x" * 1_000]
    for key in ("uuid", "device", "deck", "card", "at", "on", "grade", "kind", "duration_ms", "explanation"):
        for value in values:
            line = json.dumps({**json.loads(line_of(REVIEW)), key: value}).encode()
            with mock.patch.object(entries, "_quick_review", return_value=None):
                named = entry_of(line)
            assert entry_of(line) == named, (key, value)


# ---- properties --------------------------------------------------------------------------------

texts = st.text(max_size=40)
names = st.text(min_size=1, max_size=30)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)).map(date.isoformat)
uuids = st.uuids().map(str)
devices = st.uuids().map(lambda value: value.hex)

# A time and its local day: the time's UTC date give or take a day (the rule entry_of keeps).
dated = st.tuples(
    st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30)), st.integers(-1, 1)
).map(
    lambda pair: (
        pair[0].replace(tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        (pair[0].date() + timedelta(days=pair[1])).isoformat(),
    )
)
reviews = st.builds(
    lambda when, **fields: ReviewEntry(reviewed_at=when[0], reviewed_on=when[1], **fields),
    when=dated,
    uuid=uuids,
    device=devices,
    deck=names,
    card_id=names,
    grade=st.integers(0, 5),
    kind=st.sampled_from(REVIEW_KINDS),
    duration_ms=st.integers(0, 2**62),
    explanation=texts,
)
undos = st.builds(UndoEntry, uuid=uuids, device=devices, review=uuids, undone_at=moments)
events = st.builds(
    lambda when, **fields: CardEvent(at=when[0], on=when[1], **fields),
    when=dated,
    uuid=uuids,
    device=devices,
    deck=names,
    card_id=names,
    type=st.sampled_from(CARD_EVENT_TYPES),
)


@settings(max_examples=examples(60), deadline=None)
@given(st.one_of(reviews, undos, events))
def test_every_entry_comes_back_from_its_line(entry: Entry) -> None:
    written = line_of(entry)
    assert written.endswith(b"\n")
    assert written.count(b"\n") == 1
    assert entry_of(written[:-1]) == entry
    assert json.loads(written)["v"] == FORMAT_VERSION


KEYS = {
    ReviewEntry: ("uuid", "device", "deck", "card_id", "reviewed_at", "reviewed_on", "grade", "kind",
                  "duration_ms", "explanation"),
    UndoEntry: ("uuid", "device", "review", "undone_at"),
    CardEvent: ("uuid", "device", "deck", "card_id", "at", "on"),
}  # fmt: skip
RENAMED = {"card_id": "card", "reviewed_at": "at", "reviewed_on": "on", "undone_at": "at"}


@settings(max_examples=examples(60), deadline=None)
@given(st.one_of(reviews, undos, events))
def test_a_line_is_what_json_makes_of_its_fields_in_order(entry: Entry) -> None:
    kind = (
        entry.type if isinstance(entry, CardEvent) else "review" if isinstance(entry, ReviewEntry) else "undo"
    )
    fields = {"v": 1, "type": kind} | {
        RENAMED.get(key, key): getattr(entry, key) for key in KEYS[type(entry)]
    }
    expected = json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert line_of(entry) == expected.encode()


@settings(max_examples=examples(60), deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_an_entry_or_a_problem(line: bytes) -> None:
    assert isinstance(entry_of(line), ReviewEntry | UndoEntry | CardEvent | LineProblem)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
entry_keys = st.sampled_from(
    ["v", "type", "uuid", "device", "deck", "card", "at", "on", "grade", "kind", "duration_ms", "explanation"]
)


@settings(max_examples=examples(60), deadline=None)
@given(st.dictionaries(entry_keys, json_values | uuids | moments | days), st.sampled_from([0, 1, 2]))
def test_any_json_ish_line_gives_an_entry_or_a_problem(fields: dict[str, Any], version: int) -> None:
    base = json.loads(line_of(REVIEW))
    line = json.dumps({**base, "v": version, **fields}, ensure_ascii=version == 1).encode(
        "utf-8", "surrogatepass"
    )
    found = entry_of(line)
    assert isinstance(found, ReviewEntry | UndoEntry | CardEvent | LineProblem)
    if isinstance(found, LineProblem):
        assert found.reason
        assert found.reason[0].islower()


# ---- names -------------------------------------------------------------------------------------


def test_the_legacy_namespace_is_the_fixed_uuid() -> None:
    assert uuid.UUID(bytes=LEGACY_NAMESPACE) == uuid.UUID("6f1c2a9e-3b7d-5c10-9a4e-2d8f0b7c6e51")


def test_a_legacy_uuid_is_fixed_forever() -> None:
    name = ("bench-01", "card-001864", "2024-06-01T07:21:31.994Z", 5, "scheduled")
    assert legacy_review_uuid(*name, 0) == "ee1708c6-97ec-5443-b9b2-9b5a754e40d9"
    assert legacy_review_uuid(*name, 1) == "ae6cb101-5b10-503c-b4fe-f82107c1b9c2"
    assert legacy_review_uuid(name[0], name[1], name[2], Grade.PERFECT, name[4], 0) == legacy_review_uuid(
        *name, 0
    )


@settings(max_examples=examples(60), deadline=None)
@given(names, names, moments, st.integers(0, 5), st.sampled_from(REVIEW_KINDS), st.integers(0, 10**6))
def test_a_legacy_uuid_is_uuid5(
    deck: str, card_id: str, at: str, grade: int, kind: str, occurrence: int
) -> None:
    namespace = uuid.UUID("6f1c2a9e-3b7d-5c10-9a4e-2d8f0b7c6e51")
    name = f"{deck}\x1f{card_id}\x1f{at}\x1f{grade}\x1f{kind}\x1f{occurrence}"
    made = legacy_review_uuid(deck, card_id, at, grade, kind, occurrence)
    assert made == str(uuid.uuid5(namespace, name))
    assert is_uuid(made)


def test_uuids_and_device_ids_have_one_form() -> None:
    assert is_uuid(UUID)
    assert is_uuid(str(uuid.uuid4()))
    for bad in (UUID.upper(), UUID.replace("-", ""), UUID + "\n", " " + UUID, uuid.UUID(UUID), None, 7):
        assert not is_uuid(bad)
    assert is_device_id(DEVICE)
    assert is_device_id(uuid.uuid4().hex)
    for wrong in (DEVICE.upper(), DEVICE + "\n", DEVICE[:-1], UUID, None, b"0" * 32):
        assert not is_device_id(wrong)


def test_an_entry_goes_in_the_month_of_its_time() -> None:
    assert month_of("2026-03-10T09:00:00.000Z") == "2026-03"
    assert entry_month(REVIEW) == "2024-06"
    assert entry_month(UNDO) == "2024-06"
    assert entry_month(event()) == "2024-07"  # its "at", not its day
    late = datetime(2026, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) + timedelta(milliseconds=1)
    assert month_of(late.isoformat(timespec="milliseconds").replace("+00:00", "Z")) == "2027-01"
    with pytest.raises(ValueError, match="not a UTC time"):
        month_of("2026-03")


@pytest.mark.parametrize(
    ("at", "on", "reason"),
    [
        (
            "2024-06-01T07:21:31.994Z",
            "2024-06-03",
            "has the day 2024-06-03, more than a day away",
        ),
        (
            "2024-06-01T07:21:31.994Z",
            "2024-05-30",
            "has the day 2024-05-30, more than a day away",
        ),
        ("9999-12-30T07:21:31.994Z", "9999-12-30", "is dated after the year 9000"),
    ],
)
def test_a_day_far_from_its_time_or_off_the_calendar_is_refused(at: str, on: str, reason: str) -> None:
    """A time zone moves the local day one day at most; a review dated near 9999 would overflow a schedule."""
    from dataclasses import replace

    for entry in (replace(REVIEW, reviewed_at=at, reviewed_on=on), replace(event(), at=at, on=on)):
        problem = entry_of(line_of(entry)[:-1])
        assert isinstance(problem, LineProblem)
        assert problem.reason.startswith(reason)
    for day in ("2024-05-31", "2024-06-01", "2024-06-02"):  # Honolulu to Kiritimati
        assert entry_of(line_of(replace(REVIEW, reviewed_on=day))[:-1]) == replace(REVIEW, reviewed_on=day)
