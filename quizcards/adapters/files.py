"""User-named files: the one reader check, the one writer check and the one atomic write."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from quizcards.core.errors import QuizError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is, in words: 'a FIFO (named pipe)'."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


class NotARegularFile(QuizError):
    """A user-named path that is a folder, a FIFO, a device or a socket where a file was wanted."""

    def __init__(self, path: Path, verb: str, reason: str) -> None:
        super().__init__(f"cannot {verb} {path}: {reason}.")
        self.path = path
        self.reason = reason


def _refuse_kind(path: Path, mode: int, verb: str) -> None:
    if stat.S_ISDIR(mode):
        raise NotARegularFile(path, verb, "it is a folder")
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, verb, f"it is {kind_of(mode)}, not a regular file")


# ---- reading ----------------------------------------------------------------------------------


def open_regular_file(path: Path) -> BinaryIO:
    """The one reader check: ``path`` opened for reading if it is a regular file (a link to one is fine).

    A FIFO would block the open (or the read) forever and a device never ends, so
    both are refused by their kind before any read; the file is opened without
    blocking and checked again, so a FIFO swapped in after the first look is refused
    too. Raises NotARegularFile for the wrong kind, OSError when it cannot be opened.
    """
    _refuse_kind(path, path.stat().st_mode, "read")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        _refuse_kind(path, os.fstat(descriptor).st_mode, "read")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular_file(path: Path) -> bytes:
    """A regular file's bytes; a one-line QuizError naming it for anything else or a failed read."""
    try:
        with open_regular_file(path) as handle:
            return handle.read()
    except OSError as error:
        raise QuizError(f"cannot read {path}: {error.strerror or error}.") from None


# ---- writing ----------------------------------------------------------------------------------


def check_target(target: Path, *, follow_link: bool = False) -> None:
    """The one writer check: a new name in an existing folder, or an existing regular file.

    A symbolic link is refused (it could send the write anywhere: a dangling
    ``quizcards.schema.json`` link would create its target), except when
    ``follow_link`` is set for an in-place edit of a file that was read through the
    link, and the link leads to an existing regular file.
    """
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise QuizError(f"cannot write {target}: {error.strerror or error}.") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not follow_link:
            raise QuizError(
                f"cannot write {target}: it is a symbolic link; quizcards never writes through one."
            )
        try:
            info = target.stat()
        except OSError:
            raise QuizError(f"cannot write {target}: it is a symbolic link to nothing.") from None
    if info is not None:
        _refuse_kind(target, info.st_mode, "write")
    if not target.parent.is_dir():
        raise QuizError(f"cannot write {target}: the folder {target.parent} does not exist.")


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable where the system allows a folder to be synced."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems refuse to sync a folder
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_path(path: Path, *, edit: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; on success it is synced and renamed into place.

    ``path`` must pass ``check_target``; ``edit`` (rewriting a file that was read)
    follows a link to a regular file, so the link stays a link. An existing file
    keeps its permissions and a new one gets the ordinary mode (0666 less the
    umask), not the private mode of a temporary file. The file is synced before
    the rename and its folder after it. If the block fails, the temporary file is
    removed and ``path`` is left as it was.
    """
    check_target(path, follow_link=edit)
    target = path.resolve()
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise QuizError(f"cannot write {path}: {error.strerror or error}.") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        if target.exists():
            shutil.copymode(target, temporary)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
        _sync_folder(target.parent)
    except OSError as error:
        raise QuizError(f"cannot write {path}: {error.strerror or error}; it was left as it was.") from None
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (newlines as written) that replaces ``path`` when the block succeeds."""
    with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def replace_atomically(path: Path, data: bytes, *, edit: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all (``edit``: see ``atomic_path``)."""
    with atomic_path(path, edit=edit) as temporary:
        temporary.write_bytes(data)
