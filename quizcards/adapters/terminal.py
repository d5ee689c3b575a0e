"""The terminal's edges: is it interactive, and single keys read without loss.

Kept free of rich and typer so that error paths and start-up stay cheap.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


ESCAPE_KEY = "\x1b"


class KeyReader:
    """Reads single keys from a terminal in non-canonical mode."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self) -> str:
        """One key as text ('' at end of input).

        A multi-byte UTF-8 key is read whole, and an escape sequence (an arrow, Delete,
        PageUp, F5: ESC [ 5 ~) is read whole and returned as ``ESCAPE_KEY``, so that
        its digits are never taken for a grade nor left for the next prompt.
        """
        first = os.read(self.fd, 1)
        if not first:
            return ""
        if first == b"\x1b":
            self._drain_escape_sequence()
            return ESCAPE_KEY
        lead = first[0]
        extra = 3 if lead >= 0xF0 else 2 if lead >= 0xE0 else 1 if lead >= 0xC0 else 0
        data = first
        while extra and self._ready(0.05):
            more = os.read(self.fd, 1)
            if not more or not 0x80 <= more[0] <= 0xBF:
                break  # not a continuation byte: a broken sequence is one unknown key
            data += more
            extra -= 1
        return data.decode("utf-8", errors="replace")

    def _ready(self, seconds: float) -> bool:
        import select

        return bool(select.select([self.fd], [], [], seconds)[0])

    def _drain_escape_sequence(self) -> None:
        # CSI (ESC [ ... final) and SS3 (ESC O x) sequences arrive together; a lone ESC does not.
        if not self._ready(0.05):
            return
        introducer = os.read(self.fd, 1)
        if introducer == b"O":
            if self._ready(0.05):
                os.read(self.fd, 1)
            return
        if introducer != b"[":
            return
        while self._ready(0.05):
            byte = os.read(self.fd, 1)
            if not byte or 0x40 <= byte[0] <= 0x7E:
                return


@contextlib.contextmanager
def single_keys() -> Iterator[KeyReader]:
    """Stop echo and line buffering for the block, without discarding keys already typed.

    click's raw mode (behind ``typer.getchar``) switches the terminal with
    ``TCSAFLUSH``, which throws away input that is waiting: a grade typed while
    the answer is still being drawn would vanish. ``TCSANOW`` keeps it. Entering
    this mode *before* drawing also keeps early keys from being echoed.
    """
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~(termios.ICANON | termios.ECHO)
    quiet[6][termios.VMIN] = 1
    quiet[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield KeyReader(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def enable_line_editing() -> None:
    """Load readline so input() edits by whole characters (a Korean syllable, one backspace)."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):  # Windows without pyreadline
            import readline  # noqa: F401
