"""`quiz mock`: a mock interview of N questions, timed, graded, logged beside the schedule, then a report."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import (
    DecksOption,
    TagsOption,
    clock,
    handle_errors,
    local_day,
    open_store,
    require_selection,
)
from quizcards.core.errors import NotATerminalError, QuizError

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.core.practice.mock import MockDraw, MockQuestion, MockResult
    from quizcards.core.session import StudyCard
    from quizcards.store import Store

DEFAULT_MINUTES = 3.0
# For tests only: with QUIZCARDS_NOW fixing the clock, each reading of an answer's stopwatch
# moves it on by this many seconds, so a test sees the time pass the limit without waiting.
CLOCK_STEP_VARIABLE = "QUIZCARDS_TEST_CLOCK_STEP"


def register(app: typer.Typer) -> None:
    @app.command("mock")
    @handle_errors
    def mock(
        ctx: typer.Context,
        *,
        questions: Annotated[
            int, typer.Argument(min=1, max=100, metavar="N", help="How many questions.", show_default=True)
        ] = 8,
        deck: DecksOption = None,
        tag: TagsOption = None,
        minutes: Annotated[
            float,
            typer.Option(
                "--minutes", min=0.5, max=60, help="The soft time limit of each question, in minutes."
            ),
        ] = DEFAULT_MINUTES,
        reveal_at_end: Annotated[
            bool,
            typer.Option(
                "--reveal-at-end", help="Ask every question first; then reveal and grade each answer in turn."
            ),
        ] = False,
        seed: Annotated[
            int | None,
            typer.Option(
                "--seed",
                min=0,
                help="Draw the questions with this seed: the same seed on the same database asks the same "
                "questions in the same order (default: a new one, shown).",
                show_default=False,
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="REPORT.md",
                help="Also write the report to this Markdown file (an existing file is replaced).",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """A mock interview: N timed questions across decks and tags, graded, then a report."""
        from quizcards.adapters.terminal import is_interactive

        if not is_interactive():
            raise NotATerminalError(
                "quiz mock is interactive and needs a terminal; standard input or output is not one."
            )
        if output is not None:
            _check_output(ctx, output)
        run_mock(
            ctx,
            MockOptions(
                questions=questions,
                decks=tuple(deck or ()),
                tags=tuple(tag or ()),
                limit_ms=round(minutes * 60_000),
                reveal_at_end=reveal_at_end,
                seed=seed,
                output=output,
            ),
        )


def _check_output(ctx: typer.Context, output: Path) -> None:
    """Refuse a report file that cannot be written, or is the database, before the interview starts."""
    from quizcards.adapters.files import check_target
    from quizcards.cli.common import settings_of

    check_target(output)
    database = settings_of(ctx).db_path
    if output.resolve() == database.resolve():
        raise QuizError(f"{output} is the quizcards database itself; choose another file for the report.")


@dataclass(frozen=True, slots=True)
class MockOptions:
    questions: int
    decks: tuple[str, ...]
    tags: tuple[str, ...]
    limit_ms: int
    reveal_at_end: bool
    seed: int | None
    output: Path | None


def run_mock(ctx: typer.Context, options: MockOptions) -> None:
    import random

    from quizcards.core.practice.mock import build_report, draw_mock
    from quizcards.core.session import SessionFilter
    from quizcards.render import make_console
    from quizcards.render import mock as render

    console = make_console()
    seed = options.seed if options.seed is not None else random.randrange(1_000_000)
    with open_store(ctx, mode="write") as store:
        require_selection(store, options.decks, options.tags)
        cards = store.practice_cards(SessionFilter(decks=options.decks, tags=options.tags))
        if not cards:
            raise QuizError("no active card matches; quiz decks lists the decks and quiz import adds some.")
        draw = draw_mock(cards, options.questions, local_day(clock()), random.Random(seed))
        console.print(
            render.intro(draw, limit_ms=options.limit_ms, seed=seed, reveal_at_end=options.reveal_at_end)
        )
        results = _interview(console, store, draw, options)
    console.print()
    if not results:
        console.print("No question was answered, so there is no report.", style="dim")
        return
    report = build_report(
        draw,
        results,
        taken_on=local_day(clock()),
        selection=SessionFilter(decks=options.decks, tags=options.tags),
        seed=seed,
        limit_ms=options.limit_ms,
    )
    console.print(render.report(report))
    if options.output is not None:
        from quizcards.adapters.files import replace_atomically

        replaced = options.output.exists()
        replace_atomically(options.output, render.report_markdown(report).encode("utf-8"))
        console.print(render.report_written(str(options.output), replaced), soft_wrap=True)


@dataclass(frozen=True, slots=True)
class _Answered:
    number: int
    question: MockQuestion
    card: StudyCard
    explanation: str
    elapsed_ms: int


def _interview(console: Console, store: Store, draw: MockDraw, options: MockOptions) -> list[MockResult]:
    """Ask the questions; with --reveal-at-end, go over the answers after the last (or after a quit).

    Ctrl-C between prompts (while a panel is drawn) ends the interview as it does at a prompt,
    so the report still covers what was answered.
    """
    from quizcards.cli.asking import Quit

    total, limit_ms = len(draw.questions), options.limit_ms
    results: list[MockResult] = []
    waiting: list[_Answered] = []
    try:
        for number, question in enumerate(draw.questions, 1):
            try:
                answered = _ask(console, store, question, number=number, total=total, limit_ms=limit_ms)
            except Quit:
                break
            if options.reveal_at_end:
                waiting.append(answered)
                continue
            results.append(_grade(console, store, answered, limit_ms))
            if results[-1].grade is None:
                return results
    except KeyboardInterrupt:
        if not options.reveal_at_end:
            return results
    with contextlib.suppress(KeyboardInterrupt):
        _go_over(console, store, waiting, limit_ms, results)
    return results


def _go_over(
    console: Console, store: Store, waiting: list[_Answered], limit_ms: int, results: list[MockResult]
) -> None:
    """--reveal-at-end: each answer shown again, revealed and graded, until the last or a quit."""
    from quizcards.render import mock as render

    for position, answered in enumerate(waiting, 1):
        console.print()
        console.rule(render.review_header(position, len(waiting)))
        _show_question(console, answered.card, answered.question)
        console.print(render.your_answer(answered.explanation))
        console.print(render.answer_time(answered.elapsed_ms, limit_ms))
        results.append(_grade(console, store, answered, limit_ms))
        if results[-1].grade is None:
            return


def _show_question(console: Console, card: StudyCard, question: MockQuestion) -> None:
    from quizcards.render import mock as render
    from quizcards.render.review import question_panel

    console.print(question_panel(card, render.REASON_LABELS[question.reason]))


def _ask(
    console: Console, store: Store, question: MockQuestion, *, number: int, total: int, limit_ms: int
) -> _Answered:
    """One question, its answer typed against the clock; raises Quit on Ctrl-C or Ctrl-D."""
    from quizcards.cli.asking import read_explanation
    from quizcards.render import mock as render

    card = store.study_card(question.card.pk)
    console.print()
    console.rule(render.question_header(card, number, total, question.reason, width=console.width))
    _show_question(console, card, question)
    stopwatch = Stopwatch()
    told = False

    def prompt(lines_before: int) -> str:
        nonlocal told
        elapsed = stopwatch.elapsed_ms()
        if elapsed > limit_ms and not told:
            console.print(render.limit_passed(limit_ms))
            told = True
        return render.timer_prompt(elapsed, limit_ms, first_line=lines_before == 0)

    explanation = read_explanation(console, card, prompt=prompt)
    elapsed_ms = stopwatch.elapsed_ms()
    console.print(render.answer_time(elapsed_ms, limit_ms))
    return _Answered(number, question, card, explanation, elapsed_ms)


def _grade(console: Console, store: Store, answered: _Answered, limit_ms: int) -> MockResult:
    """Reveal, read the grade and log it (kind 'mock'); an ungraded result when the learner quits."""
    from quizcards.cli.asking import reveal_and_grade
    from quizcards.core.practice.mock import MockResult, PointResult
    from quizcards.core.scheduler import parse_grade
    from quizcards.render import mock as render

    # Only this answer is "yours" in an interview: an older explanation (a cram's, a review's) beside
    # it would read as a second answer to the same question.
    matches, action = reveal_and_grade(
        console,
        store,
        answered.card,
        answered.explanation,
        keys_legend=render.MOCK_KEYS_LEGEND,
        show_previous=False,
    )
    grade: int | None = None
    if action != "q":
        grade = int(action)
        reviewed_at = clock()
        store.record_practice(
            answered.card.pk,
            parse_grade(grade),
            "mock",
            reviewed_on=local_day(reviewed_at),
            reviewed_at=reviewed_at,
            explanation=answered.explanation,
            duration_ms=answered.elapsed_ms,
        )
        console.print(render.graded(grade))
    card = answered.card
    return MockResult(
        number=answered.number,
        deck=card.deck,
        card_id=card.card_id,
        reason=answered.question.reason,
        tags=answered.question.card.tags,
        question=card.question,
        model_answer=card.answer,
        explanation=answered.explanation,
        elapsed_ms=answered.elapsed_ms,
        limit_ms=limit_ms,
        points=tuple(PointResult(match.point, match.status) for match in matches),
        grade=grade,
    )


class Stopwatch:
    """An answer's time: the monotonic clock, or, with QUIZCARDS_NOW fixing the clock, a stopped one.

    With QUIZCARDS_NOW set, QUIZCARDS_TEST_CLOCK_STEP (seconds; for tests only) moves the
    stopped clock on at each reading: the start, each line's prompt, the end of the answer.
    """

    def __init__(self) -> None:
        self._step = _test_clock_step()
        self._readings = 0
        self._started = self._read()

    def _read(self) -> float:
        if self._step is None:
            return time.monotonic()
        self._readings += 1
        return self._readings * self._step

    def elapsed_ms(self) -> int:
        return int((self._read() - self._started) * 1000)


def _test_clock_step() -> float | None:
    if not os.environ.get("QUIZCARDS_NOW"):
        return None
    clock()  # a bad QUIZCARDS_NOW is refused here as everywhere
    from quizcards.cli.common import seconds_setting

    return seconds_setting(CLOCK_STEP_VARIABLE, 0.0)
