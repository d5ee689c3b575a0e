"""The sync journal on disk: new lines after a fingerprinted offset, atomic appends, names, device.json."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.adapters import journal as journal_module
from quizcards.adapters.journal import ForeignLines, Journal, JournalError, JournalFile
from quizcards.core.sync.reading import (
    START,
    TAIL_BYTES,
    FilePosition,
    NewLines,
    lines_after,
    new_lines,
    read_from,
    tail_of,
)
from tests.helpers import examples

LAPTOP = "8addbbd9006144b08f4f5f973da1879e"
DESKTOP = "91b5e0f38626429b8448989280a2a780"


def entry(number: int, size: int = 40) -> bytes:
    return (f'{{"n":{number},"pad":"' + "x" * size + '"}\n').encode()


def position_of(data: bytes) -> FilePosition:
    """Where a reader stands after reading all of data (which ends in a newline)."""
    return FilePosition(len(data), tail_of(data), data.count(b"\n"))


def texts(found: NewLines) -> list[tuple[int, bytes]]:
    return list(found.lines)


# ---- core/sync/reading.py ---------------------------------------------------------------------


def test_a_torn_tail_is_a_line_still_arriving() -> None:
    data = entry(1) + entry(2) + b'{"n":3,"pa'
    found = new_lines(data, START, base=0)
    assert [number for number, _ in found.lines] == [1, 2]
    assert found.position == position_of(entry(1) + entry(2))
    assert not found.restarted


def test_a_growing_file_is_read_past_its_offset_only() -> None:
    first = entry(1) + entry(2) + entry(3)
    seen = new_lines(first + b'{"n":4', START, base=0)
    grown = first + entry(4) + entry(5)
    base = read_from(seen.position)
    assert base == len(first) - TAIL_BYTES
    more = new_lines(grown[base:], seen.position, base=base)
    assert texts(more) == [(4, entry(4)[:-1]), (5, entry(5)[:-1])]
    assert more.position == position_of(grown)
    assert not more.restarted


def test_short_lines_take_the_tail_from_before_the_offset() -> None:
    data = b"a\nb\n"
    seen = new_lines(data, START, base=0)
    assert seen.position == FilePosition(4, b"a\nb\n".hex(), 2)
    grown = data + b"c\n"
    more = new_lines(grown[read_from(seen.position) :], seen.position, base=read_from(seen.position))
    assert more.position == position_of(grown)
    long = b"y" * 100 + b"\n"
    at = position_of(long)
    again = new_lines((long + b"z\n")[read_from(at) :], at, base=read_from(at))
    assert again.position == position_of(long + b"z\n")


def test_nothing_new_keeps_the_position() -> None:
    data = entry(1)
    found = new_lines(data, position_of(data), base=0)
    assert found.lines == ()
    assert found.position == position_of(data)


def test_a_rewritten_file_is_read_again_from_the_start() -> None:
    data = entry(1) + entry(2)
    seen = position_of(data)
    rewritten = b"damaged\n" + data + entry(3)
    assert lines_after(rewritten, seen, base=0) is None
    found = new_lines(rewritten, seen, base=0)
    assert found.restarted
    assert [number for number, _ in found.lines] == [1, 2, 3, 4]
    assert found.position == position_of(rewritten)
    with pytest.raises(ValueError, match="read it from 0"):
        new_lines(rewritten[read_from(seen) :], seen, base=read_from(seen))


def test_a_shrunk_file_is_read_again_from_the_start() -> None:
    seen = position_of(entry(1) + entry(2))
    found = new_lines(entry(1), seen, base=0)
    assert found.restarted
    assert texts(found) == [(1, entry(1)[:-1])]


def test_a_position_without_its_tail_does_not_match() -> None:
    assert lines_after(entry(1) + entry(2), FilePosition(len(entry(1)), "", 1), base=0) is None
    assert lines_after(entry(1), FilePosition(len(entry(1)), "zz", 1), base=0) is None


def test_line_numbers_count_from_the_position_and_keep_crlf_and_empty_lines() -> None:
    data = b"one\r\n\ntwo\n"
    found = new_lines(data, START, base=0)
    assert texts(found) == [(1, b"one\r"), (2, b""), (3, b"two")]
    later = new_lines(data + b"three\n", found.position, base=0)
    assert texts(later) == [(4, b"three")]


def test_position_before_a_line_is_where_a_reader_stopping_there_stands() -> None:
    data = entry(1, 5) + entry(2, 90) + b"x\n" + entry(4, 3)
    first = position_of(entry(1, 5))
    found = new_lines(data, first, base=0)
    for number in range(2, 6):
        cut = b"".join(data.splitlines(keepends=True)[: number - 1])
        assert found.position_before(number) == position_of(cut)
    with pytest.raises(ValueError, match="not among"):
        found.position_before(1)


# ---- adapters/journal.py: reading -------------------------------------------------------------


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    folder = tmp_path / "sync"
    folder.mkdir()
    made = Journal(folder)
    made.prepare()
    return made


def test_append_then_read_and_nothing_new_reads_nothing(journal: Journal) -> None:
    written = journal.append(LAPTOP, "2026-03", [entry(1), entry(2)], START)
    path = journal.folder / LAPTOP / "2026-03.jsonl"
    assert path.read_bytes() == entry(1) + entry(2)
    assert written == position_of(entry(1) + entry(2))
    assert journal.files() == [JournalFile(f"{LAPTOP}/2026-03.jsonl", LAPTOP, len(entry(1) + entry(2)))]
    found = journal.read(f"{LAPTOP}/2026-03.jsonl", START)
    assert [number for number, _ in found.lines] == [1, 2]
    assert found.position == written
    assert journal.read(f"{LAPTOP}/2026-03.jsonl", written).lines == ()
    after = journal.append(LAPTOP, "2026-03", [entry(3)], written)
    assert texts(journal.read(f"{LAPTOP}/2026-03.jsonl", written)) == [(3, entry(3)[:-1])]
    assert after.lines == 3
    assert journal.append(LAPTOP, "2026-03", [], after) == after


def test_nothing_new_is_one_look_without_opening_the_file(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = journal.append(LAPTOP, "2026-03", [entry(1)], START)

    def refuse(path: Path) -> None:
        raise AssertionError(f"opened {path}")

    monkeypatch.setattr(journal_module, "open_regular_file", refuse)
    assert journal.read(f"{LAPTOP}/2026-03.jsonl", written).position == written


def test_read_of_a_rewritten_or_shrunk_file_restarts(journal: Journal) -> None:
    seen = journal.append(DESKTOP, "2026-02", [entry(1), entry(2)], START)
    path = journal.folder / DESKTOP / "2026-02.jsonl"
    path.write_bytes(b"{}\n" + entry(1) + entry(2) + entry(3))
    found = journal.read(f"{DESKTOP}/2026-02.jsonl", seen)
    assert found.restarted
    assert len(found.lines) == 4
    path.write_bytes(entry(9))
    shrunk = journal.read(f"{DESKTOP}/2026-02.jsonl", seen)
    assert shrunk.restarted
    assert texts(shrunk) == [(1, entry(9)[:-1])]


def test_read_of_a_vanished_file_names_it(journal: Journal) -> None:
    with pytest.raises(JournalError, match=r"2026-01\.jsonl: it was removed"):
        journal.read(f"{LAPTOP}/2026-01.jsonl", START)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_place_of_a_month_file_is_refused_without_waiting(journal: Journal) -> None:
    (journal.folder / LAPTOP).mkdir()
    os.mkfifo(journal.folder / LAPTOP / "2026-03.jsonl")
    assert journal.files() == []
    assert journal.stray() == [f"{LAPTOP}/2026-03.jsonl"]
    with pytest.raises(JournalError, match=r"cannot read .*2026-03\.jsonl: it is a FIFO"):
        journal.read(f"{LAPTOP}/2026-03.jsonl", START)
    with pytest.raises(JournalError, match=r"cannot write .*2026-03\.jsonl: it is not a regular file"):
        journal.append(LAPTOP, "2026-03", [entry(1)], START)


def test_prepare_refuses_a_missing_folder_or_a_file(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="does not exist"):
        Journal(tmp_path / "nowhere").prepare()
    (tmp_path / "file").write_text("x")
    with pytest.raises(JournalError, match="is not a folder"):
        Journal(tmp_path / "file").prepare()


def test_prepare_writes_gitignore_once_and_keeps_a_users(tmp_path: Path) -> None:
    Journal(tmp_path).prepare()
    assert (tmp_path / ".gitignore").read_text() == ".*.tmp\n"
    (tmp_path / ".gitignore").write_text("mine\n")
    Journal(tmp_path).prepare()
    assert (tmp_path / ".gitignore").read_text() == "mine\n"


# ---- adapters/journal.py: appending -----------------------------------------------------------


def test_a_crashed_write_leaves_a_temporary_that_is_ignored_then_removed(journal: Journal) -> None:
    journal.append(LAPTOP, "2026-03", [entry(1)], START)
    crashed = journal.folder / LAPTOP / f".2026-03.jsonl.{os.getpid() + 1}.tmp"
    crashed.write_bytes(entry(1) + b'{"n":2')
    (journal.folder / LAPTOP / ".device.json.abc.part").write_bytes(b"{")
    assert [file.relative for file in journal.files()] == [f"{LAPTOP}/2026-03.jsonl"]
    assert journal.stray() == []
    assert journal.remove_temporaries(LAPTOP) == 2
    assert not crashed.exists()
    assert journal.remove_temporaries(LAPTOP) == 0
    assert journal.remove_temporaries(DESKTOP) == 0
    assert (journal.folder / LAPTOP / "2026-03.jsonl").read_bytes() == entry(1)


def test_a_failed_write_leaves_the_file_and_no_temporary(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = journal.append(LAPTOP, "2026-03", [entry(1)], START)

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(JournalError, match=r"cannot write .*2026-03\.jsonl: No space left on device\.$"):
        journal.append(LAPTOP, "2026-03", [entry(2)], written)
    assert sorted(os.listdir(journal.folder / LAPTOP)) == ["2026-03.jsonl"]
    assert (journal.folder / LAPTOP / "2026-03.jsonl").read_bytes() == entry(1)


def test_a_line_added_by_someone_else_is_foreign(journal: Journal) -> None:
    written = journal.append(LAPTOP, "2026-03", [entry(1)], START)
    path = journal.folder / LAPTOP / "2026-03.jsonl"
    with path.open("ab") as handle:
        handle.write(entry(7))
    with pytest.raises(ForeignLines, match=r"2026-03\.jsonl is not as this device last wrote it"):
        journal.append(LAPTOP, "2026-03", [entry(2)], written)
    assert path.read_bytes() == entry(1) + entry(7)


def test_a_replaced_file_of_the_same_size_is_foreign(journal: Journal) -> None:
    written = journal.append(LAPTOP, "2026-03", [entry(1)], START)
    (journal.folder / LAPTOP / "2026-03.jsonl").write_bytes(entry(8))
    with pytest.raises(ForeignLines):
        journal.append(LAPTOP, "2026-03", [entry(2)], written)


def test_start_with_an_existing_file_is_foreign_but_an_empty_one_is_fine(journal: Journal) -> None:
    (journal.folder / LAPTOP).mkdir()
    path = journal.folder / LAPTOP / "2026-03.jsonl"
    path.write_bytes(b"")
    journal.append(LAPTOP, "2026-03", [entry(1)], START)
    with pytest.raises(ForeignLines):
        journal.append(LAPTOP, "2026-03", [entry(2)], START)
    path.unlink()
    with pytest.raises(ForeignLines):
        journal.append(LAPTOP, "2026-03", [entry(2)], position_of(entry(1)))


def test_append_refuses_lines_without_their_newline(journal: Journal) -> None:
    with pytest.raises(ValueError, match="ending in a newline"):
        journal.append(LAPTOP, "2026-03", [b"{}"], START)


# ---- names --------------------------------------------------------------------------------------


def test_names_that_are_not_journal_files_are_stray(journal: Journal) -> None:
    journal.append(LAPTOP, "2026-03", [entry(1)], START)
    own = journal.folder / LAPTOP
    for name in (
        "2026-03.sync-conflict-20260310-101500-ABCDEFG.jsonl",
        "2026-03 (conflicted copy).jsonl",
        "2026-3.jsonl",
        "notes.txt",
    ):
        (own / name).write_bytes(entry(1))
    (own / "2026-04.jsonl").symlink_to(own / "2026-03.jsonl")
    (own / "2026-05.jsonl").mkdir()
    upper = journal.folder / LAPTOP.upper()
    upper.mkdir()
    (upper / "2026-03.jsonl").write_bytes(entry(1))
    (journal.folder / "README").write_text("mine")
    (journal.folder / ".stfolder").mkdir()
    (journal.folder / ".git").mkdir()
    journal.write_device(LAPTOP, "laptop")
    assert [file.relative for file in journal.files()] == [f"{LAPTOP}/2026-03.jsonl"]
    assert journal.stray() == sorted(
        [
            LAPTOP.upper(),
            "README",
            f"{LAPTOP}/2026-03 (conflicted copy).jsonl",
            f"{LAPTOP}/2026-03.sync-conflict-20260310-101500-ABCDEFG.jsonl",
            f"{LAPTOP}/2026-3.jsonl",
            f"{LAPTOP}/2026-04.jsonl",
            f"{LAPTOP}/2026-05.jsonl",
            f"{LAPTOP}/notes.txt",
        ]
    )


def test_an_unreadable_folder_is_a_journal_error(journal: Journal) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    own = journal.folder / LAPTOP
    own.mkdir()
    own.chmod(0)
    try:
        with pytest.raises(JournalError, match=f"cannot read .*{LAPTOP}: Permission denied"):
            journal.files()
    finally:
        own.chmod(0o755)


# ---- device.json ------------------------------------------------------------------------------


def test_device_names_skip_damaged_huge_and_foreign_files(journal: Journal) -> None:
    journal.write_device(LAPTOP, "laptop " + "é" * 200)
    for device, content in (
        (DESKTOP, b'{"v":1,"device":"' + DESKTOP.encode() + b'","name":'),
        ("a" * 32, json.dumps({"v": 1, "device": "b" * 32, "name": "liar"}).encode()),
        ("c" * 32, json.dumps({"v": 1, "device": "c" * 32, "name": "x" * 70_000}).encode()),
        ("d" * 32, json.dumps({"v": 1, "device": "d" * 32, "name": 7}).encode()),
        ("e" * 32, b"[1]"),
        ("f" * 32, b"[" * 60_000),
    ):
        (journal.folder / device).mkdir()
        (journal.folder / device / "device.json").write_bytes(content)
    names = journal.device_names()
    assert list(names) == [LAPTOP]
    assert names[LAPTOP] == ("laptop " + "é" * 200)[:100]


def test_write_device_replaces_only_a_changed_name(journal: Journal) -> None:
    journal.write_device(LAPTOP, "laptop")
    path = journal.folder / LAPTOP / "device.json"
    assert json.loads(path.read_bytes()) == {"v": 1, "device": LAPTOP, "name": "laptop"}
    before = path.stat().st_ino
    journal.write_device(LAPTOP, "laptop")
    assert path.stat().st_ino == before
    journal.write_device(LAPTOP, "desk")
    assert journal.device_names() == {LAPTOP: "desk"}


# ---- every line exactly once ------------------------------------------------------------------

LINES = st.binary(max_size=150).map(lambda raw: raw.replace(b"\n", b"."))


@settings(max_examples=examples(40), deadline=None)
@given(
    batches=st.lists(st.lists(LINES, min_size=0, max_size=5), min_size=1, max_size=6),
    cuts=st.lists(st.floats(min_value=0, max_value=1), min_size=6, max_size=6),
)
def test_appends_and_partial_reads_yield_every_line_once(
    batches: list[list[bytes]], cuts: list[float]
) -> None:
    with tempfile.TemporaryDirectory() as place:
        writer = Journal(Path(place) / "writer")
        reader = Journal(Path(place) / "reader")
        writer.folder.mkdir()
        (reader.folder / LAPTOP).mkdir(parents=True)
        written, read, seen, shown = START, [], START, 0
        relative = f"{LAPTOP}/2026-03.jsonl"
        for batch, cut in zip(batches, cuts, strict=False):
            written = writer.append(LAPTOP, "2026-03", [line + b"\n" for line in batch], written)
            whole = (writer.folder / relative).read_bytes() if written.offset else b""
            # the reader sees a prefix of the file that does not shrink, as a scan mid-write can show
            shown = shown + round((len(whole) - shown) * cut)
            (reader.folder / relative).write_bytes(whole[:shown])
            found = reader.read(relative, seen)
            assert not found.restarted
            read += found.lines
            seen = found.position
        (reader.folder / relative).write_bytes(whole)
        final = reader.read(relative, seen)
        read += final.lines
        expected = [line for batch in batches for line in batch]
        assert read == list(enumerate(expected, start=1))
        assert final.position == written
