"""`quiz review` as a person uses it: the installed command in a real pseudo-terminal."""

from __future__ import annotations

import io
import re
import signal
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from typer.testing import Result

from quizcards.store import Store
from tests.helpers import quiz_env, rows
from tests.helpers import spawn as spawn_quiz

pytestmark = pytest.mark.slow

LEGEND = "u undo · s bury"


def prompt(child: pexpect.spawn) -> None:
    """Wait for the explanation prompt, and for readline to have taken the terminal.

    Keys sent while the terminal is still in canonical mode can be swallowed by the
    switch (a person cannot type that fast); the pty master tells us the line mode.
    """
    child.expect_exact("> ")
    deadline = time.monotonic() + 5
    while termios.tcgetattr(child.child_fd)[3] & termios.ICANON and time.monotonic() < deadline:
        time.sleep(0.01)


def styled(*parts: str) -> str:
    """A regex for text whose parts may be separated by terminal style codes."""
    return r"(?:\x1b\[[0-9;]*m)*".join(re.escape(part) for part in parts)


def spawn(db: Path | None, now: str, *args: str, home: Path | None = None) -> pexpect.spawn:
    folders: dict[str, str] = {}
    if home is not None:
        folders = {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "cfg"),
        }
    argv = (["--db", str(db)] if db else []) + ["review", *args]
    return spawn_quiz(*argv, env=quiz_env(now, term="xterm-256color", **folders), dimensions=(50, 110))


def log(db: Path) -> list[tuple[str, int, str, str]]:
    return rows(
        db,
        "SELECT c.card_id, r.grade, r.kind, r.explanation FROM reviews r JOIN cards c ON c.id = r.card "
        "ORDER BY r.id",
    )


def answer(child: pexpect.spawn, question: str, typed: str, key: str) -> None:
    child.expect_exact(question)
    prompt(child)
    for line in typed.splitlines():
        child.send(line + "\r")
    # The grade goes with the empty line, before the answer is drawn: it must not be lost.
    child.send("\r" + key)
    child.expect_exact(LEGEND)


def test_answer_grade_undo_quit_and_come_back(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    child.expect_exact("card 1 of 3")
    answer(
        child, "What do Query, Key and Value mean", "the query is matched to keys\nand a weighted sum", "5"
    )
    child.expect_exact("next review in 1 day (2026-03-11)")
    answer(child, "Why divide by the square root", "", "3")
    child.expect_exact("next review in 1 day")
    child.expect_exact("card 3 of 4")  # a re-drill of the card graded 3 is owed
    child.expect_exact("What did attention fix")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("u")  # undo the 3: that card comes back now
    child.expect_exact("undid the last grade")
    answer(child, "Why divide by the square root", "variance grows", "4")
    child.expect_exact("What did attention fix")
    prompt(child)
    child.send("q\r\r")  # a "q" typed as text is text; q quits at the grade prompt
    child.expect_exact(LEGEND)
    child.send("q")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert log(deck_db) == [
        ("qkv", 5, "scheduled", "the query is matched to keys\nand a weighted sum"),
        ("scale", 4, "scheduled", "variance grows"),
    ]

    # Later the same day: nothing is due, one new card left within today's limit.
    child = spawn(deck_db, "2026-03-10T18:00:00+00:00")
    children.append(child)
    child.expect_exact("card 1 of 1")
    child.expect_exact("What did attention fix")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("q")
    child.expect(pexpect.EOF)

    # The next day: both reviewed cards are due (deck order breaks the tie), then the new one.
    child = spawn(deck_db, "2026-03-11T09:00:00+00:00")
    children.append(child)
    child.expect_exact("card 1 of 3")
    child.expect_exact("What do Query, Key and Value mean")
    prompt(child)
    child.send("\r")
    child.expect_exact("Your last explanation (2026-03-10, graded 5)")
    child.expect_exact(LEGEND)
    child.send("\x03")  # Ctrl-C quits cleanly
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")


def test_hints_and_key_points(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    prompt(child)
    child.send("h\r")
    child.expect(styled("Hint 1: ", "Think of a dictionary lookup."))
    child.send("h\r")
    child.expect_exact("(no more hints)")
    child.send("a WEIGHTED SUM of values\r\r")
    child.expect_exact("Key points, a check of your words (you decide the grade): ")
    child.expect_exact("1 of 2 mentioned")
    child.expect(styled("✗ ", "query"))
    child.expect(styled("✓ ", "weighted sum"))
    child.send("s")  # bury: not graded
    child.expect_exact("buried until tomorrow")
    child.expect_exact("Why divide by the square root")
    prompt(child)
    child.sendcontrol("d")  # Ctrl-D while typing quits cleanly
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    assert log(deck_db) == []


def test_sigkill_mid_session_keeps_every_grade_given(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    answer(child, "What do Query, Key and Value mean", "", "4")
    answer(child, "Why divide by the square root", "typed text", "2")
    child.expect_exact("next review in 1 day")
    child.expect_exact("What did attention fix")
    prompt(child)
    child.send("half an explana")
    child.kill(signal.SIGKILL)
    child.close()
    assert log(deck_db) == [("qkv", 4, "scheduled", ""), ("scale", 2, "scheduled", "typed text")]
    assert rows(deck_db, "PRAGMA integrity_check") == [("ok",)]
    with Store.open(deck_db) as store:
        for pk in (1, 2, 3):
            assert store.study_card(pk).schedule == store.rebuilt_schedule(pk)


def test_nothing_due_says_when_the_next_card_is(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--new", "0")
    children.append(child)
    child.expect_exact("Nothing is due today.")
    child.expect_exact("3 new cards waiting")
    child.expect(pexpect.EOF)


def test_first_run_creates_the_default_database_and_imports_the_bundled_decks(
    tmp_path: Path, children: list[pexpect.spawn]
) -> None:
    home = tmp_path / "home"
    child = spawn(None, "2026-03-10T09:00:00+00:00", home=home)
    children.append(child)
    child.expect_exact("First run: created")
    gap = r"(?:\s|\x1b\[[0-9;]*m)+"  # a line may wrap, with style codes around the break
    child.expect(gap.join(["imported", "the", r"(\d+)", "bundled", "decks", r"\((\d+)", "cards"]))
    assert int(child.match.group(1)) == len(list(Path(__file__).parents[1].joinpath("decks").rglob("*.yaml")))
    child.expect_exact("card 1 of 10")  # the default daily limit of new cards
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("q")
    child.expect(pexpect.EOF)
    assert list((home / "data" / "quizcards").glob("quizcards.db"))


def test_review_without_a_terminal_exits_with_a_message(quiz: Callable[..., Result], deck_db: Path) -> None:
    result = quiz("review", input="")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: quiz review is interactive and needs a terminal")


def test_backspace_over_korean_deletes_one_whole_character(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    prompt(child)
    child.send("쿼리와 키의 유사도")
    child.send("\x7f\x7f")  # two backspaces: "유사도" loses "사도"
    child.send("\r\r5")
    child.expect_exact("next review in 1 day")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    assert log(deck_db) == [("qkv", 5, "scheduled", "쿼리와 키의 유")]


def test_limit_deck_and_tag_narrow_the_session(
    quiz: Callable[..., Result], write_deck: Callable[..., Path], deck_db: Path, children: list[pexpect.spawn]
) -> None:
    quiz("import", write_deck("other.yaml", "cards:\n  - {id: o1, q: Other question?, a: y, tags: [rare]}\n"))
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--limit", "2")
    children.append(child)
    child.expect_exact("card 1 of 2")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--tag", "rare")
    children.append(child)
    child.expect_exact("card 1 of 1")
    child.expect_exact("Other question?")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--deck", "nope")
    children.append(child)
    child.expect_exact("Error: there is no deck named 'nope'")
    child.expect(pexpect.EOF)


def test_a_buried_new_card_leaves_its_place_to_the_next(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--new", "2")
    children.append(child)
    child.expect_exact("card 1 of 2")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("s")  # the first new card is buried: the third one takes its place today
    child.expect_exact("buried until tomorrow")
    answer(child, "Why divide by the square root", "", "5")
    answer(child, "What did attention fix", "", "2")
    child.expect_exact("again later today")
    answer(child, "What did attention fix", "", "5")  # the re-drill
    child.expect_exact("That was the last card")
    child.send("u")  # take the last grade back, and give it again
    child.expect_exact("undid the last grade")
    answer(child, "What did attention fix", "", "4")
    child.expect_exact("That was the last card")
    child.send("\r")
    child.expect_exact("Session summary")
    child.expect(pexpect.EOF)
    assert [(row[0], row[1], row[2]) for row in log(deck_db)] == [
        ("scale", 5, "scheduled"),
        ("bottleneck", 2, "scheduled"),
        ("bottleneck", 4, "redrill"),
    ]


def test_an_unknown_tag_is_an_error(deck_db: Path, children: list[pexpect.spawn]) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00", "--tag", "nosuchtag")
    children.append(child)
    child.expect_exact("Error: no card or deck has the tag 'nosuchtag'")
    child.expect(pexpect.EOF)


PASTED = "text, not a key; nothing was done"


def paste_modes(transcript: io.StringIO) -> list[str]:
    """The bracketed-paste switches the session sent the terminal, in order ('h' on, 'l' off)."""
    return re.findall(r"\x1b\[\?2004([hl])", transcript.getvalue())


def test_a_bracketed_paste_with_blank_lines_is_one_explanation(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    child.logfile_read = transcript = io.StringIO()
    child.expect_exact("What do Query, Key and Value mean")
    prompt(child)
    child.send("my answer: ")
    # Two paragraphs; the second begins with a grade and holds "s" and "u": all of it is text.
    child.send("\x1b[200~the query is matched to keys\r\r2 then a weighted sum\rso use it\x1b[201~")
    child.send("\r\r4")  # end the line, end the explanation, grade at once
    child.expect_exact(LEGEND)
    child.expect_exact("next review in 1 day")
    child.expect_exact("Why divide by the square root")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("\x1b[200~5\x1b[201~")  # a pasted "5" at the grade prompt is not a grade
    child.expect_exact(PASTED)
    child.send("3")
    child.expect_exact("next review in 1 day")
    prompt(child)
    child.sendcontrol("d")  # quitting while typing leaves the terminal as it was
    child.expect(pexpect.EOF)
    assert paste_modes(transcript)[-1:] == ["l"]
    assert log(deck_db) == [
        (
            "qkv",
            4,
            "scheduled",
            "my answer: the query is matched to keys\n\n2 then a weighted sum\nso use it",
        ),
        ("scale", 3, "scheduled", ""),
    ]


def test_a_burst_of_text_after_the_empty_line_grades_nothing(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    child.logfile_read = transcript = io.StringIO()
    child.expect_exact("What do Query, Key and Value mean")
    prompt(child)
    child.send("first paragraph")
    # A paste the terminal did not mark: the second paragraph arrives at the grade prompt at once.
    child.send("\r\r2 and more text, so bury it")
    child.expect_exact(LEGEND)
    child.expect_exact(PASTED)
    child.expect_exact("Press a grade key.")
    child.send("s")  # one key on its own still counts
    child.expect_exact("buried until tomorrow")
    child.expect_exact("Why divide by the square root")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("u then more")  # an undo that came with text is text too
    child.expect_exact(PASTED)
    child.send("5")
    child.expect_exact("next review in 1 day")
    prompt(child)
    child.send("\r")
    child.expect_exact(LEGEND)
    child.send("q")  # quitting at the grade prompt leaves the terminal as it was
    child.expect(pexpect.EOF)
    assert paste_modes(transcript)[-1:] == ["l"]
    # Nothing of the burst was graded, and none of it spilled into the next card's explanation.
    assert log(deck_db) == [("scale", 5, "scheduled", "")]


def test_a_grade_pressed_straight_after_the_empty_line_counts(
    deck_db: Path, children: list[pexpect.spawn]
) -> None:
    child = spawn(deck_db, "2026-03-10T09:00:00+00:00")
    children.append(child)
    child.delaybeforesend = None
    answer(child, "What do Query, Key and Value mean", "a weighted sum", "4")  # "\r4" in one write
    child.expect_exact("next review in 1 day")
    child.expect_exact("Why divide by the square root")
    prompt(child)
    child.send("variance grows\r")
    child.send("\r")
    child.send("5")  # a separate key, right after the Enter
    child.expect_exact("next review in 1 day")
    prompt(child)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    assert PASTED not in (child.before or "")
    assert log(deck_db) == [
        ("qkv", 4, "scheduled", "a weighted sum"),
        ("scale", 5, "scheduled", "variance grows"),
    ]
