"""The learner's own text editor: run on a draft in a temporary file, or on a deck file at a card's line."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path

from quizcards.core.errors import QuizError


def edit_text(editor: str, draft: str) -> str:
    """The draft as the author saved it in the editor (a command that may carry arguments).

    ``editor`` is the value of $VISUAL or $EDITOR, read by the command; the draft is
    an answer in Markdown, so the messages speak of the answer.
    """
    try:
        command = shlex.split(editor)
    except ValueError as error:
        raise QuizError(f"the editor command '{editor}' cannot be parsed: {error}.") from None
    with tempfile.TemporaryDirectory(prefix="quiz-add-") as folder:
        path = Path(folder) / "answer.md"
        path.write_text(draft, encoding="utf-8")
        try:
            completed = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise QuizError(
                f"cannot start the editor '{editor}': {error.strerror}; nothing was written."
            ) from None
        if completed.returncode != 0:
            raise QuizError(
                f"the editor '{editor}' exited with status {completed.returncode}; nothing was written."
            )
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise QuizError("the answer file is not valid UTF-8; nothing was written.") from None


# How each editor is told the line to open at; an editor not named here gets the file alone.
_PLUS_LINE = frozenset(
    {"vi", "vim", "nvim", "gvim", "mvim", "view", "nano", "pico", "emacs", "emacsclient", "micro", "kak"}
)
_FILE_COLON_LINE = frozenset({"hx", "helix", "subl", "sublime_text"})  # FILE:N as the argument
_GOTO_FLAG = frozenset({"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"})  # -g FILE:N
# Editors that open a window and return at once unless told to wait for it to close.
_WAIT_FLAG = frozenset({*_GOTO_FLAG, "subl", "sublime_text"})


def editor_name(command: list[str]) -> str:
    """The editor's program name as the line rules know it: `/usr/bin/nvim` and `NVIM.EXE` are `nvim`."""
    name = Path(command[0]).name.lower() if command else ""
    return name.removesuffix(".exe")


def split_editor(editor: str) -> list[str]:
    """$VISUAL or $EDITOR as a command and its arguments (`code --wait`), split as a shell would."""
    try:
        command = shlex.split(editor)
    except ValueError as error:
        raise QuizError(f"the editor command '{editor}' cannot be parsed: {error}.") from None
    if not command:
        raise QuizError("the editor command is empty; set $VISUAL or $EDITOR to an editor.")
    return command


def editor_argv(command: list[str], path: str, line: int | None) -> list[str]:
    """The command that opens path at line in this editor (at the file's start when line is None)."""
    name = editor_name(command)
    argv = list(command)
    if name in _WAIT_FLAG and not {"-w", "--wait"} & set(argv):
        argv.append("--wait")  # or the editor returns at once and the file is re-read unedited
    if line is None:
        return [*argv, path]
    if name in _PLUS_LINE:
        return [*argv, f"+{line}", path]
    if name in _GOTO_FLAG:
        return [*argv, "-g", f"{path}:{line}"]
    if name in _FILE_COLON_LINE:
        return [*argv, f"{path}:{line}"]
    return [*argv, path]


def default_editor() -> list[str] | None:
    """An editor to use when neither $VISUAL nor $EDITOR is set: nano, else vi (Notepad on Windows)."""
    import shutil
    import sys

    candidates = ("notepad",) if sys.platform == "win32" else ("nano", "vi")
    for candidate in candidates:
        found = shutil.which(candidate)
        if found is not None:
            return [found]
    return None


def run_editor(argv: list[str]) -> None:
    """Run the editor on the terminal as it is and wait for it; a QuizError if it cannot start or fails."""
    import sys

    sys.stdout.flush()
    try:
        completed = subprocess.run(argv, check=False)
    except OSError as error:
        raise QuizError(f"cannot start the editor '{argv[0]}': {error.strerror or error}.") from None
    if completed.returncode != 0:
        raise QuizError(f"the editor '{argv[0]}' exited with status {completed.returncode}.")
