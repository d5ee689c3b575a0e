"""The terminal's edges: is it interactive, single keys read without loss, and pastes kept apart from keys.

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
# What KeyReader.read returns for a bracketed paste (ESC [ 200 ~ ... ESC [ 201 ~), read whole.
PASTE = "\x1b[200~"
PASTE_END = b"\x1b[201~"
# Bytes readable this soon after a key came with it (a paste, a burst of text), not from a later key
# press: a person's next key is tens of milliseconds away, a pasted paragraph's next byte is already here.
BURST_SECONDS = 0.01
# A paste is over when its bytes stop coming for this long.
PASTE_GAP_SECONDS = 0.2


class KeyReader:
    """Reads single keys from a terminal in non-canonical mode."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self) -> str:
        """One key as text ('' at end of input).

        A multi-byte UTF-8 key is read whole, and an escape sequence (an arrow, Delete,
        PageUp, F5: ESC [ 5 ~) is read whole and returned as ``ESCAPE_KEY``, so that
        its digits are never taken for a grade nor left for the next prompt. A bracketed
        paste is read whole, through its end marker, and returned as ``PASTE``.
        """
        first = os.read(self.fd, 1)
        if not first:
            return ""
        if first == b"\x1b":
            if self._drain_escape_sequence() == b"[200~":
                self._drain_paste()
                return PASTE
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

    def burst(self) -> bool:
        """Did more bytes arrive together with the key just read (text, not a key press of its own)?"""
        return self._ready(BURST_SECONDS)

    def drain(self) -> None:
        """Throw away everything that arrives without a pause: the rest of a burst of text."""
        while self._ready(0.05):
            if not os.read(self.fd, 4096):
                return

    def _ready(self, seconds: float) -> bool:
        import select

        return bool(select.select([self.fd], [], [], seconds)[0])

    def _drain_escape_sequence(self) -> bytes:
        """The bytes after ESC of a sequence that arrived with it, read whole."""
        # CSI (ESC [ ... final) and SS3 (ESC O x) sequences arrive together; a lone ESC does not.
        if not self._ready(0.05):
            return b""
        sequence = os.read(self.fd, 1)
        if sequence == b"O":
            if self._ready(0.05):
                sequence += os.read(self.fd, 1)
            return sequence
        if sequence != b"[":
            return sequence
        while self._ready(0.05):
            byte = os.read(self.fd, 1)
            sequence += byte
            if not byte or 0x40 <= byte[0] <= 0x7E:
                break
        return sequence

    def _drain_paste(self) -> None:
        # Byte by byte, to stop at the end marker and leave a key typed after it for the next read;
        # a terminal that never sends the marker ends the paste with a pause.
        tail = b""
        while self._ready(PASTE_GAP_SECONDS):
            byte = os.read(self.fd, 1)
            if not byte:
                return
            tail = (tail + byte)[-len(PASTE_END) :]
            if tail == PASTE_END:
                return


@contextlib.contextmanager
def single_keys() -> Iterator[KeyReader]:
    """Stop echo and line buffering for the block, without discarding keys already typed.

    click's raw mode (behind ``typer.getchar``) switches the terminal with
    ``TCSAFLUSH``, which throws away input that is waiting: a grade typed while
    the answer is still being drawn would vanish. ``TCSANOW`` keeps it. Entering
    this mode *before* drawing also keeps early keys from being echoed. The terminal
    marks pastes meanwhile, so that a pasted "2" is never a grade.
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
        with bracketed_paste():
            yield KeyReader(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


@contextlib.contextmanager
def bracketed_paste(wanted: bool = True) -> Iterator[None]:
    """Have the terminal mark what is pasted (ESC [ 200 ~ ... ESC [ 201 ~) for the block, on every exit.

    Not on a dumb terminal, which has no such mode and must get no escape sequence at all,
    nor when output is not a terminal.
    """
    switch = wanted and sys.stdout.isatty() and os.environ.get("TERM", "dumb") not in ("", "dumb")
    if switch:
        _write_mode("\x1b[?2004h")
    try:
        yield
    finally:
        if switch:
            _write_mode("\x1b[?2004l")


def _write_mode(sequence: str) -> None:
    sys.stdout.flush()  # after whatever is already buffered, in order
    sys.stdout.write(sequence)
    sys.stdout.flush()


def enable_line_editing() -> None:
    """Load readline so input() edits by whole characters (a Korean syllable, one backspace)."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):  # Windows without pyreadline
            import readline  # noqa: F401


def line_editing_takes_pastes() -> bool:
    """Does input() read a bracketed paste whole, blank lines and all, as one line with its newlines?

    GNU readline does from 7.0: its bracketed-paste-begin is bound whatever enable-bracketed-paste
    says. Python's readline module turns that setting off (bpo-42819, for its own prompt), so the
    terminal must be asked for the markers by us. libedit and a plain input() would take them for
    keys or text.
    """
    readline = sys.modules.get("readline")
    if readline is None or "libedit" in (readline.__doc__ or ""):
        return False
    return int(getattr(readline, "_READLINE_VERSION", 0)) >= 0x0700


# The Korean two-set (dubeolsik) layout: the jamo each key types while the input method is in Hangul
# mode. A learner who has just typed an explanation in Korean presses `u` and the terminal may send
# `ㅕ`; it is the same key, so it means the same command.
_DUBEOLSIK = dict(
    zip(
        "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡㅃㅉㄸㄲㅆㅒㅖ",
        "qwertyuiopasdfghjklzxcvbnmqwertop",
        strict=True,
    )
)


def latin_key(key: str) -> str:
    """The Latin letter of the key that typed ``key`` on a Korean two-set keyboard, else ``key`` itself."""
    return _DUBEOLSIK.get(key, key)
