"""The sync folder on disk: each device's month files, read from an offset and added to by atomic replace."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# files.py's pieces of its one atomic write; the month file needs a streamed copy under a fixed name
from quizcards.adapters.files import _sync_folder, open_regular_file, replace_atomically
from quizcards.core.errors import QuizError
from quizcards.core.sync.reading import FilePosition, NewLines, lines_after, new_lines, read_from, tail_of

DEVICE_FOLDER = re.compile(r"[0-9a-f]{32}")
MONTH_FILE = re.compile(r"[0-9]{4}-[0-9]{2}\.jsonl")
# a live or crashed write of this module (".2026-03.jsonl.4711.tmp") or of files.py's (".device.json.x.part")
TEMPORARY = re.compile(r"\..+\.(tmp|part)")
IGNORED = ".*.tmp\n"
DEVICE_FILE = "device.json"
DEVICE_FILE_LIMIT = 64 * 1024
NAME_LIMIT = 100
CHUNK = 1024 * 1024
# names that belong in a sync folder although the reader does not read them
KNOWN = {".gitignore", ".git", DEVICE_FILE}
# what the programs that keep a folder in sync (Syncthing, Dropbox) or a desktop put there themselves
SYNC_TOOLS = {".stfolder", ".stignore", ".stversions", ".dropbox", ".DS_Store"}


class JournalError(QuizError):
    """The sync folder or one of its files cannot be read or written (one sentence naming the path)."""


class ForeignLines(JournalError):
    """This device's own month file is not as it last wrote it: another writer shares its device id."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is not as this device last wrote it: another database (a copy of this one, or a "
            "restored backup) writes under the same device id; nothing was written."
        )
        self.path = path


def _failed(path: Path, error: OSError, verb: str = "read") -> JournalError:
    return JournalError(f"cannot {verb} {path}: {error.strerror or error}.")


@dataclass(frozen=True, slots=True)
class JournalFile:
    """One month file of one device: its name relative to the folder ("/" on every OS) and its size."""

    relative: str
    device: str
    size: int


class Journal:
    """The sync folder: ``<device-id>/<yyyy-mm>.jsonl`` files, each written by its device alone."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, relative: str) -> Path:
        return self.folder.joinpath(*relative.split("/"))

    def prepare(self) -> None:
        """Check that the folder is a folder and give it a ``.gitignore`` for our temporary files (a user's
        own ``.gitignore`` is never rewritten)."""
        try:
            info = self.folder.stat()
        except FileNotFoundError:
            raise JournalError(f"the sync folder {self.folder} does not exist.") from None
        except OSError as error:
            raise _failed(self.folder, error) from None
        if not stat.S_ISDIR(info.st_mode):
            raise JournalError(f"the sync folder {self.folder} is not a folder.")
        ignore = self.folder / ".gitignore"
        if not os.path.lexists(ignore):
            try:
                replace_atomically(ignore, IGNORED.encode())
            except QuizError as error:
                raise JournalError(str(error)) from None

    def _entries(self, folder: Path) -> Iterator[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as listing:
                yield from sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            raise _failed(folder, error) from None

    def _devices(self) -> Iterator[os.DirEntry[str]]:
        for entry in self._entries(self.folder):
            if DEVICE_FOLDER.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                yield entry

    def files(self) -> list[JournalFile]:
        """Every month file of every device folder, sorted by name; links and other kinds are not read."""
        found = []
        for device in self._devices():
            for entry in self._entries(Path(device.path)):
                if not MONTH_FILE.fullmatch(entry.name):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # replaced between the listing and the look: its next listing shows it
                except OSError as error:
                    raise _failed(Path(entry.path), error) from None
                if stat.S_ISREG(info.st_mode):
                    found.append(JournalFile(f"{device.name}/{entry.name}", device.name, info.st_size))
        return sorted(found, key=lambda file: file.relative)

    def stray(self) -> list[str]:
        """Names in the folder the reader ignores (conflict copies, links, other files), for `quiz check`."""
        found = []
        for top in self._entries(self.folder):
            if top.name in KNOWN or top.name in SYNC_TOOLS:
                continue
            if not (DEVICE_FOLDER.fullmatch(top.name) and top.is_dir(follow_symlinks=False)):
                found.append(top.name)
                continue
            for entry in self._entries(Path(top.path)):
                if entry.name in KNOWN or TEMPORARY.fullmatch(entry.name):
                    continue
                if not (MONTH_FILE.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)):
                    found.append(f"{top.name}/{entry.name}")
        return sorted(found)

    def read(self, relative: str, since: FilePosition) -> NewLines:
        """The complete lines of a month file after ``since``: one ``stat`` when nothing is new; otherwise a
        read from the fingerprint on, or of the whole file when it is not an extension of what was read."""
        path = self._path(relative)
        try:
            info = path.stat()
            if stat.S_ISREG(info.st_mode) and info.st_size == since.offset:
                return NewLines((), since, restarted=False, first=since)
            with open_regular_file(path) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > since.offset:
                    base = read_from(since)
                    handle.seek(base)
                    found = lines_after(handle.read(), since, base=base)
                    if found is not None:
                        return found
                handle.seek(0)
                return new_lines(handle.read(), since, base=0)
        except FileNotFoundError:
            raise JournalError(f"cannot read {path}: it was removed during the sync.") from None
        except OSError as error:
            raise _failed(path, error) from None
        except QuizError as error:
            raise JournalError(str(error)) from None

    def device_names(self) -> dict[str, str]:
        """Each device's name from its ``device.json``; a missing, damaged or huge file or a wrong id is
        skipped (the file is untrusted: names are cut to 100 characters, the caller sanitises them)."""
        names = {}
        for device in self._devices():
            name = _device_name(Path(device.path) / DEVICE_FILE, device.name)
            if name is not None:
                names[device.name] = name
        return names

    def write_device(self, device: str, name: str) -> None:
        """Write ``<device>/device.json`` atomically, only when its content would change."""
        folder = self.folder / device
        path = folder / DEVICE_FILE
        content = (json.dumps({"v": 1, "device": device, "name": name}, ensure_ascii=False) + "\n").encode()
        try:
            folder.mkdir(exist_ok=True)
            info = path.lstat() if os.path.lexists(path) else None
            same_size = info is not None and stat.S_ISREG(info.st_mode) and info.st_size == len(content)
            if same_size and path.read_bytes() == content:
                return
        except OSError as error:
            raise _failed(path, error, "write") from None
        try:
            replace_atomically(path, content)
        except QuizError as error:
            raise JournalError(str(error)) from None

    def append(self, device: str, month: str, lines: Sequence[bytes], expected: FilePosition) -> FilePosition:
        """Add this device's ``lines`` (each ending in ``b"\\n"``) to its month file, atomically.

        The file on disk must still be exactly what this device last wrote (``expected``:
        its size and tail; ``START``: no file, or an empty one), else ForeignLines. The
        old bytes and the new lines go to ``.<month>.jsonl.<pid>.tmp`` beside it, which is
        flushed, synced and renamed over the file; then the folder is synced.
        """
        if not lines:
            return expected
        folder = self.folder / device
        path = folder / f"{month}.jsonl"
        if not MONTH_FILE.fullmatch(path.name) or not DEVICE_FOLDER.fullmatch(device):
            raise ValueError(f"not a journal file: {device}/{path.name}")
        if any(not line.endswith(b"\n") or b"\n" in line[:-1] for line in lines):
            raise ValueError("each line must be one line ending in a newline")
        added = b"".join(lines)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise _failed(path, error, "write") from None
        with _opened_own(path) as old:
            try:
                _check_own(path, old, expected)
            except OSError as error:
                raise _failed(path, error) from None

            def fill(written: BinaryIO) -> None:
                if old is not None:
                    old.seek(0)
                    while chunk := old.read(CHUNK):
                        written.write(chunk)
                written.write(added)

            _swap(path, fill, old)
        new_tail = tail_of(bytes.fromhex(expected.tail) + added)
        return FilePosition(expected.offset + len(added), new_tail, expected.lines + len(lines))

    def cut(self, device: str, month: str, position: FilePosition) -> None:
        """Drop a partial last line from this device's own month file (a sync tool or a copy cut it in the
        middle of a line): the complete lines before ``position`` are kept, atomically. No reader ever
        took that partial line, and its entries are sent again; ForeignLines if the kept bytes are not
        what ``position`` says."""
        folder = self.folder / device
        path = folder / f"{month}.jsonl"
        if not MONTH_FILE.fullmatch(path.name) or not DEVICE_FOLDER.fullmatch(device):
            raise ValueError(f"not a journal file: {device}/{path.name}")
        with _opened_own(path) as old:
            if old is None:
                raise ForeignLines(path)
            try:
                kept = old.read(position.offset)
            except OSError as error:
                raise _failed(path, error) from None
            if len(kept) != position.offset or tail_of(kept) != position.tail:
                raise ForeignLines(path)
            _swap(path, lambda written: written.write(kept), old)

    def remove_temporaries(self, device: str) -> int:
        """Remove this device's temporary files left by a crash during a write; how many there were."""
        folder = self.folder / device
        if not folder.is_dir():
            return 0
        removed = 0
        for entry in self._entries(folder):
            if TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    continue
                except OSError as error:
                    raise _failed(Path(entry.path), error, "remove") from None
                removed += 1
        return removed


@contextlib.contextmanager
def _opened_own(path: Path) -> Iterator[BinaryIO | None]:
    """This device's month file open for reading while the caller replaces it (None: there is none)."""
    try:
        old = _open_own(path)
    except OSError as error:
        raise _failed(path, error, "write") from None
    try:
        yield old
    finally:
        if old is not None:
            old.close()


def _swap(path: Path, fill: Callable[[BinaryIO], object], old: BinaryIO | None) -> None:
    """The one atomic replace of a month file: ``fill`` writes the new content to a dot-named temporary
    file beside it (with the old file's mode), which is flushed, synced and renamed over the file; then
    the folder is synced. A failure removes the temporary file and is a JournalError naming the file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.unlink(missing_ok=True)
        with open(temporary, "xb") as written:
            if old is not None:
                os.chmod(temporary, stat.S_IMODE(os.fstat(old.fileno()).st_mode))
            fill(written)
            written.flush()
            os.fsync(written.fileno())
        os.replace(temporary, path)
        _sync_folder(path.parent)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _failed(path, error, "write") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _open_own(path: Path) -> BinaryIO | None:
    """This device's month file opened for reading, or None when there is none yet."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise JournalError(f"cannot write {path}: it is not a regular file.")
    return open_regular_file(path)


def _check_own(path: Path, old: BinaryIO | None, expected: FilePosition) -> None:
    """ForeignLines unless the file holds exactly ``expected.offset`` bytes ending in ``expected.tail``."""
    if old is None:
        if expected.offset:
            raise ForeignLines(path)
        return
    size = os.fstat(old.fileno()).st_size
    if size != expected.offset:
        raise ForeignLines(path)
    old.seek(read_from(expected))
    if tail_of(old.read()) != expected.tail:
        raise ForeignLines(path)


def _device_name(path: Path, device: str) -> str | None:
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > DEVICE_FILE_LIMIT:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("device") != device or not isinstance(data.get("name"), str):
        return None
    name: str = data["name"]
    return name[:NAME_LIMIT]
