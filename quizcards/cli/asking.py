"""Asking one card, the same in every mode: question, typed explanation, reveal with key points, one key.

`quiz review` and the practice modes differ in what a grade does; what the learner sees and
types for a card is this module's, so it feels the same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.text import Text

    from quizcards.adapters.terminal import KeyReader
    from quizcards.cli.daily_backup import DailyBackup
    from quizcards.core.explanation import PointMatch
    from quizcards.core.session import StudyCard
    from quizcards.store import BaseStore

GRADE_KEYS = frozenset("012345")
# The prompt of each line of an explanation, given how many lines were typed before it; it may print
# a notice first (the mock interview's timer does). None: "> ", then "  ".
LinePrompt = Callable[[int], str]
# The keys `quiz review` takes after the reveal besides a grade: undo, bury (s), edit, quit, suspend
# (!: a symbol, so it is the same key whatever the keyboard's input language).
REVIEW_KEYS = frozenset("useq!")
# What ``ask`` returns when the learner edited the card out of its deck ("e"): there is nothing to grade.
EDITED_AWAY = "edited-away"


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or Ctrl-D)."""


@dataclass(frozen=True)
class Answer:
    """What the learner did with one card: a grade key or another action, and what they typed."""

    action: str  # "0".."5", one of the keys the caller allowed ("u", "s", "q", "!", ...), or EDITED_AWAY
    explanation: str
    elapsed_ms: int


def ask(
    console: Console,
    store: BaseStore,
    card: StudyCard,
    *,
    header: Text | str,
    reason: str,
    can_undo: bool,
    keys: frozenset[str] = REVIEW_KEYS,
    keys_legend: str | None = None,
    backup: DailyBackup | None = None,
) -> Answer:
    """Show the card, read the explanation, reveal the answer and its key points, read one key.

    With "e" among ``keys``, ``e`` edits the card in the learner's editor (cli/editing.py) and
    shows it again as edited, or returns EDITED_AWAY when the edit took it out of its deck.
    """
    from quizcards.adapters.terminal import single_keys
    from quizcards.render import review as render

    console.print()
    console.rule(header)
    console.print(render.question_panel(card, reason))
    if backup is not None:
        backup.start()
    started = time.monotonic()
    explanation = _read_explanation(console, list(card.hints))
    elapsed_ms = int((time.monotonic() - started) * 1000)
    with single_keys() as reader:
        _reveal(console, store, card, explanation, keys_legend)
        action = _read_action(reader, console, can_undo=can_undo, keys=keys)
    while action == "e":
        from quizcards.cli.editing import edit_card

        # Out of single-key mode: the editor gets the terminal as the learner's shell left it.
        edited = edit_card(console, store, card, backup=backup)
        if edited.card is None:
            return Answer(EDITED_AWAY, explanation, elapsed_ms)
        with single_keys() as reader:
            if edited.changed:
                if edited.card.question != card.question:
                    console.print(render.question_panel(edited.card, reason))
                card = edited.card
                _reveal(console, store, card, explanation, keys_legend)
            else:
                console.print(
                    render.grade_legend() if keys_legend is None else render.grade_legend(keys_legend)
                )
            action = _read_action(reader, console, can_undo=can_undo, keys=keys)
    return Answer(action, explanation, elapsed_ms)


def _read_explanation(console: Console, hints: list[str], prompt: LinePrompt | None = None) -> str:
    """Lines typed by the learner until an empty line; 'h' alone shows the next hint.

    A bracketed paste comes back from readline as one line with its newlines, blank lines
    included, so a pasted answer of several paragraphs is one piece of the explanation.
    """
    from quizcards.adapters.terminal import bracketed_paste, enable_line_editing, line_editing_takes_pastes
    from quizcards.render import review as render

    enable_line_editing()
    # Where input() would take the paste markers for keys, the terminal is not asked for them. The
    # switch goes out before the instructions, so that the prompt still starts its line.
    with bracketed_paste(line_editing_takes_pastes()):
        console.print(render.input_instructions(len(hints)))
        return _read_lines(console, hints, prompt)


def _read_lines(console: Console, hints: list[str], prompt: LinePrompt | None = None) -> str:
    from quizcards.adapters.terminal import latin_key
    from quizcards.render import review as render

    shown = 0
    lines: list[str] = []
    while True:
        try:
            line = input(prompt(len(lines)) if prompt else "> " if not lines else "  ")
        except (EOFError, KeyboardInterrupt):
            raise Quit from None
        if latin_key(line.strip()).lower() == "h":
            if shown < len(hints):
                console.print(render.hint(shown + 1, hints[shown]))
                shown += 1
            else:
                console.print("  (no more hints)", style="dim")
            continue
        if not line.strip():
            return "\n".join(lines).strip()
        lines.append(line.rstrip())


def _reveal(
    console: Console,
    store: BaseStore,
    card: StudyCard,
    explanation: str,
    keys_legend: str | None,
    *,
    show_previous: bool = True,
) -> Sequence[PointMatch]:
    from quizcards.adapters.glossary import load_glossary
    from quizcards.core.explanation import match_points
    from quizcards.render import review as render

    console.print(render.answer_panel(card))
    matches = match_points([point.wordings for point in card.points], explanation, glossary=load_glossary())
    checklist = render.points_checklist(matches, typed=bool(explanation))
    if checklist is not None:
        console.print(checklist)
    past = store.last_explanation(card.pk) if show_previous else None
    if past is not None:
        console.print(render.previous_explanation(past))
    console.print(render.grade_legend() if keys_legend is None else render.grade_legend(keys_legend))
    return matches


def _read_action(reader: KeyReader, console: Console, *, can_undo: bool, keys: frozenset[str]) -> str:
    """A grade 0-5, or one of ``keys``, each pressed on its own; q, Ctrl-C and Ctrl-D quit."""
    while True:
        try:
            key = key_alone(reader, console, "Press a grade key.")
        except KeyboardInterrupt:
            return "q"
        if key is None:
            continue
        if key in ("", "\x03", "\x04"):
            return "q"
        key = key.lower()
        if key == "u" and "u" in keys and not can_undo:
            console.print("  nothing to undo yet.", style="dim")
            continue
        if key in GRADE_KEYS or key in keys or key == "q":
            return key


def key_alone(keys: KeyReader, console: Console, then: str) -> str | None:
    """One key pressed on its own ('' at end of input); None, having said so, for text arriving at once.

    A paste, or the rest of a paragraph typed on after the empty line, arrives as a burst of
    bytes; taken key by key its "2" would grade and its "s" bury. A person's keys come apart.
    A key typed in Korean input mode is its Latin letter (ㅕ is u, ㄴ is s, ㄷ is e, ㅂ is q), at
    every prompt that takes single keys.
    """
    from quizcards.adapters.terminal import PASTE, latin_key
    from quizcards.render import review as render

    key = keys.read()
    if key and (key == PASTE or keys.burst()):
        keys.drain()
        console.print(render.text_not_a_command(then))
        return None
    return latin_key(key)


# ---- the steps of `ask`, one at a time (the mock interview times the answer and may reveal later) --


def read_explanation(console: Console, card: StudyCard, *, prompt: LinePrompt | None = None) -> str:
    """The learner's typed explanation of a card already shown; raises Quit on Ctrl-C or Ctrl-D."""
    return _read_explanation(console, list(card.hints), prompt)


def reveal_and_grade(
    console: Console,
    store: BaseStore,
    card: StudyCard,
    explanation: str,
    *,
    keys_legend: str,
    show_previous: bool = True,
) -> tuple[Sequence[PointMatch], str]:
    """Reveal the answer and the key points an explanation mentions; then a grade key, or "q".

    ``show_previous=False`` leaves out the learner's last explanation (a mock shows only this answer).
    """
    from quizcards.adapters.terminal import single_keys

    with single_keys() as reader:
        matches = _reveal(console, store, card, explanation, keys_legend, show_previous=show_previous)
        return matches, _read_action(reader, console, can_undo=False, keys=frozenset())
