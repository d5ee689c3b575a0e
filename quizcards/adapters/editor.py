"""The author's own text editor, run on a draft in a temporary file: text in, edited text out."""

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
