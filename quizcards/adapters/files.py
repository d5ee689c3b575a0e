"""The one atomic write: a file appears whole, in its final place, or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from quizcards.core.errors import QuizError


def check_target(target: Path) -> None:
    """Refuse a target that cannot become a file: a folder, or a path in a missing folder."""
    if target.is_dir():
        raise QuizError(f"cannot write {target}: it is a folder.")
    if not target.parent.is_dir():
        raise QuizError(f"cannot write {target}: the folder {target.parent} does not exist.")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; on success it is synced and renamed into place.

    A symlink is followed, so the link stays a link; an existing file keeps its
    permissions and a new one gets the ordinary mode (0666 less the umask), not
    the private mode of a temporary file. If the block fails, the temporary file
    is removed and ``path`` is left as it was.
    """
    check_target(path)
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
    except OSError as error:
        raise QuizError(f"cannot write {path}: {error.strerror or error}; it was left as it was.") from None
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (newlines as written) that replaces ``path`` when the block succeeds."""
    with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
