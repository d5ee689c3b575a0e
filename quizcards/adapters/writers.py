"""Streaming writers: records or rows to CSV and JSON Lines, on standard output or into a file.

Each writer takes an iterator and writes as it goes, returning how many it
wrote, so an export of millions of reviews holds one batch of rows at a time.
A file is replaced only when the export is complete (``output_stream``). The
end of the module is standard output's side: an encoding that lacks characters,
a full disk and a closed pipe, as the entry point handles them.
"""

from __future__ import annotations

import contextlib
import csv
import errno
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
        import json  # here, not above: the entry point imports this module for every command

        return json.dumps(list(value), ensure_ascii=False)
    return value


# The csv module writes None as an empty cell and numbers and text as they are; only these need help.
_NEEDS_CONVERSION = frozenset({bool, list, tuple})

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list:
# tab and carriage return too, since some programs skip them and read the formula after them).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with ' so it shows as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(
    records: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    out: TextIO,
    *,
    clean: Callable[[str], str] | None = None,
    spreadsheet_safe: bool = False,
) -> int:
    """A header, then one CSV row per record (lists as JSON arrays, None as empty); returns the rows written.

    ``clean``, when given, is applied to every text cell (for a terminal, which
    must not receive control characters); ``spreadsheet_safe`` applies
    ``spreadsheet_cell`` to every cell.
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
        if spreadsheet_safe:
            cells = [spreadsheet_cell(cell) for cell in cells]
        writer.writerow(cells)
        count += 1
    return count


def write_csv_batches(
    batches: Iterable[Sequence[Sequence[Any]]],
    fields: Sequence[str],
    out: TextIO,
    *,
    spreadsheet_safe: bool = False,
) -> int:
    """A header, then every row of every batch, cells in fields' order; returns the rows written.

    The fast path for plain values (numbers, text, None): each batch goes to the
    csv module's C writer whole, so the bytes are those ``write_csv`` writes for
    the same values as records, without a Python step per cell (unless
    ``spreadsheet_safe`` asks for one).
    """
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for batch in batches:
        if spreadsheet_safe:
            writer.writerows([spreadsheet_cell(cell) for cell in row] for row in batch)
        else:
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
        except OSError as error:
            if is_output_error(error):
                # The rest cannot be delivered: let it go nowhere, so letting go of the stream succeeds.
                silence_stdout()
            raise
        finally:
            stream.detach()
        return
    from quizcards.adapters.files import atomic_text_file

    with atomic_text_file(output) as handle:
        yield handle, False


def silence_stdout() -> None:
    """After a closed pipe or a full disk, send what is still buffered nowhere, so the exit is quiet."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


# ---- standard output's failures ---------------------------------------------------------------

# What a write to standard output meets: a closed pipe, a full disk or quota, a file too large, a
# terminal that went away. A file quizcards opens itself reports its errors with the file's name.
_OUTPUT_ERRORS = frozenset(
    code
    for name in ("EPIPE", "ENOSPC", "EDQUOT", "EFBIG", "EIO", "ENXIO")
    if (code := getattr(errno, name, None))
)


def is_output_error(error: OSError) -> bool:
    """Whether ``error`` is standard output failing (it names no file), not a bug."""
    return error.filename is None and error.errno in _OUTPUT_ERRORS


def output_error_line(error: OSError) -> str | None:
    """The one line to show for a failed output; None for a closed pipe, whose reader has gone."""
    if error.errno == errno.EPIPE:
        return None
    return f"Error: cannot write the output: {error.strerror or error}."


_ESCAPE_ERRORS = "quizcards-json-escape"


def _json_escapes(error: UnicodeError) -> tuple[str, int]:
    """What an encoding lacks, as JSON's \\uXXXX escapes (a surrogate pair above U+FFFF)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start : error.end].encode("utf-16-be", "surrogatepass")
    escaped = "".join(f"\\u{units[i] << 8 | units[i + 1]:04x}" for i in range(0, len(units), 2))
    return escaped, error.end


def degrade_unencodable_output() -> None:
    """Standard output and error show what their encoding lacks as escapes (\\uc5b4) instead of failing.

    The escapes are JSON's, so a `--json` output read through such an encoding is
    still valid JSON with the same text; people see a code they can look up.
    """
    import codecs

    codecs.register_error(_ESCAPE_ERRORS, _json_escapes)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors=_ESCAPE_ERRORS)  # type: ignore[union-attr]


def flush_standard_output() -> None:
    """Deliver what is still buffered for standard output; an OSError if it cannot be delivered."""
    for stream in (sys.stdout, sys.__stdout__):
        if stream is not None and not stream.closed:
            stream.flush()
