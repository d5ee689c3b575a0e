"""Streaming writers: records or rows to CSV and JSON Lines, on standard output or into a file.

Each writer takes an iterator and writes as it goes, returning how many it
wrote, so an export of millions of reviews holds one batch of rows at a time.
A file is replaced only when the export is complete (``output_stream``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from quizcards.adapters.sanitize import json_line


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


def write_csv_batches(batches: Iterable[Sequence[Sequence[Any]]], fields: Sequence[str], out: TextIO) -> int:
    """A header, then every row of every batch, cells in fields' order; returns the rows written.

    The fast path for plain values (numbers, text, None): each batch goes to the
    csv module's C writer whole, so the bytes are those ``write_csv`` writes for
    the same values as records, without a Python step per cell.
    """
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for batch in batches:
        writer.writerows(batch)
        count += len(batch)
    return count


def write_jsonl(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """One JSON object a line, escaped as ``json_line`` escapes it; returns the lines written."""
    count = 0
    for record in records:
        out.write(json_line(record))
        out.write("\n")
        count += 1
    return count


# ---- where the bytes go ----------------------------------------------------------------------


@contextlib.contextmanager
def output_stream(output: Path | None) -> Iterator[tuple[TextIO, bool]]:
    """UTF-8 text to standard output or to a file; yields (stream, whether it is a terminal)."""
    if output is None:
        sys.stdout.flush()
        import io

        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream, sys.stdout.isatty()
            stream.flush()
        finally:
            stream.detach()
        return
    from quizcards.adapters.files import atomic_text_file

    with atomic_text_file(output) as handle:
        yield handle, False


def silence_stdout() -> None:
    """After a closed pipe (`quiz export reviews | head`), let the interpreter exit quietly."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
