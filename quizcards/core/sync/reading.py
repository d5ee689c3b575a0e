"""What a journal file's new bytes mean: complete lines, the torn tail, the fingerprint of what was read."""

from __future__ import annotations

from dataclasses import dataclass

TAIL_BYTES = 64


@dataclass(frozen=True, slots=True)
class FilePosition:
    """What a reader has read of one journal file (or a writer wrote of its own).

    ``offset`` is always 0 or just after a ``b"\\n"``; ``tail`` is the hex of the
    up-to-``TAIL_BYTES`` bytes before it ("" at 0), the file's fingerprint; ``lines``
    counts the complete lines before it, so a bad line can be named "FILE line N".
    """

    offset: int
    tail: str
    lines: int


START = FilePosition(0, "", 0)


@dataclass(frozen=True, slots=True)
class NewLines:
    """The complete lines after a position, numbered from 1 in the file, and the position after them.

    ``restarted``: the file was not an extension of what had been read (its
    fingerprint differed, or it had shrunk), so these are all its lines from 0.
    ``first`` is where the lines start (``START`` when restarted).
    """

    lines: tuple[tuple[int, bytes], ...]
    position: FilePosition
    restarted: bool
    first: FilePosition = START

    def position_before(self, number: int) -> FilePosition:
        """The position just before line ``number`` of these lines (for a reader that stops there, such as
        at a line written by a newer format); ``number`` one past the last line is ``position``."""
        index = number - self.first.lines - 1
        if not 0 <= index <= len(self.lines):
            raise ValueError(f"line {number} is not among these lines")
        if index == len(self.lines):
            return self.position
        offset = self.first.offset + sum(len(line) + 1 for _, line in self.lines[:index])
        # the tail is rebuilt from the lines just before, back to the first position's own tail if need be
        pieces: list[bytes] = []
        held = 0
        for _, line in reversed(self.lines[:index]):
            pieces.append(line + b"\n")
            held += len(line) + 1
            if held >= TAIL_BYTES:
                break
        else:
            pieces.append(bytes.fromhex(self.first.tail))
        return FilePosition(offset, tail_of(b"".join(reversed(pieces))), number - 1)


def tail_of(data_before_offset: bytes) -> str:
    """The fingerprint of a position: the hex of the last ``TAIL_BYTES`` bytes before it."""
    return data_before_offset[-TAIL_BYTES:].hex()


def read_from(position: FilePosition) -> int:
    """Where a reader starts reading a file to check ``position``'s fingerprint and continue after it."""
    return max(0, position.offset - TAIL_BYTES)


def lines_after(data: bytes, start: FilePosition, *, base: int) -> NewLines | None:
    """The complete lines of ``data`` (the file's bytes from ``base`` to its end) after ``start``, or None
    when the file is not an extension of what was read: its bytes before ``start.offset`` do not end with
    ``start.tail``, or it is shorter than ``start.offset``; the caller then reads it whole, from 0.

    Bytes after the last ``b"\\n"`` are a line still arriving: not returned, the position stays before
    them. An empty line is returned (the caller counts it as damaged); a ``b"\\r"`` is part of its line.
    """
    if base < 0 or base > start.offset:
        raise ValueError(f"the data must start at or before offset {start.offset}, not at {base}")
    before = start.offset - base
    try:
        tail = bytes.fromhex(start.tail)
    except ValueError:
        return None
    if (
        len(data) < before
        or len(tail) != min(start.offset, TAIL_BYTES)
        or before < len(tail)
        or data[before - len(tail) : before] != tail
    ):
        return None
    end = data.rfind(b"\n", before) + 1
    if end <= before:
        return NewLines((), start, restarted=False, first=start)
    complete = data[before : end - 1].split(b"\n")
    numbered = tuple(enumerate(complete, start=start.lines + 1))
    if end >= TAIL_BYTES or base == 0:
        new_tail = tail_of(data[max(0, end - TAIL_BYTES) : end])
    else:  # fewer than TAIL_BYTES bytes in data before the end: the start's own tail supplies the rest
        new_tail = tail_of(tail + data[before:end])
    position = FilePosition(base + end, new_tail, start.lines + len(complete))
    return NewLines(numbered, position, restarted=False, first=start)


def new_lines(data: bytes, start: FilePosition, *, base: int) -> NewLines:
    """The complete lines after ``start`` (see ``lines_after``); when the file is not an extension of what
    was read, all its lines from 0 with ``restarted=True``, which needs ``data`` from 0 (``base == 0``;
    otherwise ValueError: read the whole file and call again)."""
    found = lines_after(data, start, base=base)
    if found is not None:
        return found
    if base != 0:
        raise ValueError("the file is not an extension of what was read: read it from 0 and call again")
    again = lines_after(data, START, base=0)
    assert again is not None  # the start of a file always matches START
    return NewLines(again.lines, again.position, restarted=True, first=START)
