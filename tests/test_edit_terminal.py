"""`e` at the reveal of `quiz review`, in a real pseudo-terminal: edit, a broken file, edit again, grade."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pexpect
import pytest

from tests.helpers import FIXED_NOW, quiz_env, rows
from tests.helpers import spawn as spawn_quiz
from tests.test_review_e2e import prompt

pytestmark = pytest.mark.slow

# Named `vim`, so quizcards opens it at the card's line (+N FILE). Its first run breaks the YAML,
# its second mends it and rewrites the answer; each run logs its argv and the terminal's modes.
EDITOR = """
import json, os, pathlib, sys, termios
log = pathlib.Path(os.environ["EDITOR_LOG"])
runs = json.loads(log.read_text()) if log.exists() else []
lflag = termios.tcgetattr(0)[3]
modes = {"canonical": bool(lflag & termios.ICANON), "echo": bool(lflag & termios.ECHO)}
runs.append({"argv": sys.argv[1:], **modes})
log.write_text(json.dumps(runs))
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
if len(runs) == 1:
    text = text.replace("    q: What do Query", "    q: [What do Query")
else:
    text = text.replace("    q: [What do Query", "    q: What do Query")
    text = text.replace("and the\\n      output is their weighted sum.", "and the output is EDITED SUM.")
path.write_text(text, encoding="utf-8")
"""


def test_edit_a_broken_file_edit_again_then_grade_the_updated_card(
    deck_db: Path, tmp_path: Path, children: list[pexpect.spawn]
) -> None:
    editor = tmp_path / "bin" / "vim"
    editor.parent.mkdir()
    editor.write_text(f"#!{sys.executable}\n{EDITOR}", encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "editor.json"
    deck = (deck_db.parent / "decks" / "attention.yaml").resolve()
    line = deck.read_text(encoding="utf-8").split("\n").index("  - id: qkv") + 1
    env = quiz_env(FIXED_NOW, term="xterm-256color", VISUAL=str(editor), EDITOR_LOG=str(log))
    child = spawn_quiz("--db", deck_db, "review", env=env, dimensions=(50, 110))
    children.append(child)

    child.expect_exact("What do Query, Key and Value mean")
    prompt(child)
    child.send("the query and a weighted sum\r\r")
    child.expect_exact("e edit · q quit")
    child.send("e")
    child.expect_exact("unclosed bracket")
    child.expect_exact("The database is unchanged.")
    child.expect_exact("e edit again")
    child.send("e")
    child.expect_exact("1 card updated.")
    child.expect_exact("EDITED SUM.")
    child.expect_exact("2 of 2 mentioned")  # the checklist, against the explanation typed before
    child.expect_exact("e edit · q quit")
    child.send("4")
    child.expect_exact("next review in 1 day")
    child.expect_exact("Why divide by the square root")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)

    runs = json.loads(log.read_text())
    # The first time at the card's line; the second at the line of the YAML error (its question's).
    assert [run["argv"] for run in runs] == [[f"+{line}", str(deck)], [f"+{line + 1}", str(deck)]]
    assert all(run["canonical"] and run["echo"] for run in runs)  # a normal terminal, not single keys
    assert rows(
        deck_db, "SELECT c.card_id, r.grade, r.explanation FROM reviews r JOIN cards c ON c.id = r.card"
    ) == [("qkv", 4, "the query and a weighted sum")]
    answer = rows(deck_db, "SELECT answer FROM cards WHERE card_id = 'qkv'")[0][0]
    assert answer.endswith("EDITED SUM.")
