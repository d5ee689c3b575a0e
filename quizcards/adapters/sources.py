"""Deck files on disk: found, read and created; paths in, parsed decks, bytes or problems out."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from quizcards.adapters.files import NotARegularFile, kind_of, open_regular_file, read_regular_file
from quizcards.core.deck.loader import parse_deck
from quizcards.core.deck.model import MAX_FILE_BYTES, Deck, DeckError, Problem
from quizcards.core.errors import QuizError

DECK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Every deck that loaded, and every problem found, across all files."""

    decks: tuple[Deck, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")


def bundled_decks_dir() -> Path:
    """The decks shipped with quizcards (in the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "decks"
    if installed.is_dir():
        return installed
    return package.parent / "decks"


def find_deck_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively) into deck files, sorted per folder."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for path in paths:
        try:
            candidates = _deck_files_at(path, problems)
        except OSError as error:  # a name too long, a folder we may not read
            problems.append(Problem(str(path), None, None, f"cannot read it: {error.strerror or error}."))
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, problems


def _deck_files_at(path: Path, problems: list[Problem]) -> list[Path]:
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in DECK_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            problems.append(Problem(str(path), None, None, "the folder holds no .yaml or .yml deck files."))
        return found
    if path.is_file():
        return [path]
    if path.exists():
        kind = kind_of(path.stat().st_mode)
        problems.append(Problem(str(path), None, None, f"it is {kind}, not a regular file or folder."))
    else:
        problems.append(Problem(str(path), None, None, "no such file or folder."))
    return []


def read_deck_file(path: Path) -> Deck:
    """Read and parse one deck file; raise DeckError with every problem in it."""
    try:
        with open_regular_file(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise DeckError(
                    [
                        Problem(
                            str(path),
                            None,
                            None,
                            f"the file is {size:,} bytes; a deck may be at most {MAX_FILE_BYTES:,} bytes.",
                        )
                    ]
                )
            data = handle.read(MAX_FILE_BYTES + 1)
    except NotARegularFile as error:
        raise DeckError([Problem(str(path), None, None, f"{error.reason}.")]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise DeckError([Problem(str(path), None, None, f"cannot read the file: {reason}.")]) from None
    return parse_deck(data, str(path), default_slug=path.stem)


def load_deck_paths(paths: list[Path]) -> LoadResult:
    """Load every deck under the given paths; all problems of all files are collected."""
    files, problems = find_deck_files(paths)
    decks: list[Deck] = []
    first_file: dict[str, str] = {}
    for path in files:
        try:
            deck = read_deck_file(path)
        except DeckError as error:
            problems.extend(error.problems)
            continue
        problems.extend(deck.warnings)
        if deck.slug in first_file:
            problems.append(
                Problem(
                    str(path),
                    deck.name_line,
                    deck.name_column,
                    f"the deck name '{deck.slug}' is already used by {first_file[deck.slug]}; "
                    "set a different 'deck:' in one of them.",
                )
            )
            continue
        first_file[deck.slug] = str(path)
        decks.append(replace(deck, file=str(path.resolve())))
    return LoadResult(tuple(decks), tuple(problems))


def read_deck_bytes(path: Path) -> bytes:
    """A deck file's bytes as they are now, to edit them; a QuizError naming it if it cannot be read."""
    return read_regular_file(path)


def deck_file_text(deck: Deck) -> str | None:
    """The text a loaded deck came from, decoded as the loader decodes it; None if it no longer reads."""
    from quizcards.core.deck.reading import decode_deck_bytes

    try:
        return decode_deck_bytes(read_regular_file(Path(deck.path)), deck.path)
    except QuizError:  # DeckError is one
        return None


def create_deck_file(path: Path, data: bytes) -> None:
    """Write a new deck file, never over an existing one; a QuizError says why nothing was written."""
    from quizcards.adapters.files import check_target

    check_target(path)
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise QuizError(
            f"{path} already exists; quiz new never overwrites a file. Add cards to it with "
            f"quiz add {path}, or choose another name."
        ) from None
    except OSError as error:
        raise QuizError(f"cannot create {path}: {error.strerror}.") from None
