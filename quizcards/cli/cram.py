"""`quiz cram`: study ahead, outside the schedule; each answer logged as a cram, no schedule moved."""

from __future__ import annotations

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
from quizcards.core.errors import NotATerminalError
from quizcards.core.practice.cram import DEFAULT_CRAM_LIMIT, CramAnswer, CramOptions
from quizcards.core.session import SessionFilter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from quizcards.cli.daily_backup import DailyBackup
    from quizcards.core.practice import PracticeCard
    from quizcards.core.session import Session
    from quizcards.store import Store

# After the reveal: undo and quit; nothing to bury, since a cram schedules nothing.
CRAM_KEYS = frozenset("uq")


def register(app: typer.Typer) -> None:
    @app.command("cram")
    @handle_errors
    def cram(
        ctx: typer.Context,
        *,
        deck: DecksOption = None,
        tag: TagsOption = None,
        weak: Annotated[
            bool,
            typer.Option(
                "--weak",
                help="Weakest first: lowest easiness, then most lapses, then worst recent grades.",
            ),
        ] = False,
        due_within: Annotated[
            int | None,
            typer.Option(
                "--due-within",
                min=0,
                metavar="DAYS",
                help="Only cards due within this many days from today (overdue ones included).",
                show_default=False,
            ),
        ] = None,
        new: Annotated[
            bool,
            typer.Option("--new", help="Include never-reviewed cards (left out by default)."),
        ] = False,
        limit: Annotated[
            int,
            typer.Option(
                "--limit",
                min=1,
                help=f"At most this many cards (default {DEFAULT_CRAM_LIMIT}).",
                show_default=False,
            ),
        ] = DEFAULT_CRAM_LIMIT,
    ) -> None:
        """Study ahead of the schedule, e.g. the night before an interview: answers never move it.

        Asked as in quiz review, soonest due first; a grade below 4 brings the card back later.
        """
        from quizcards.adapters.terminal import is_interactive

        if not is_interactive():
            raise NotATerminalError(
                "quiz cram is interactive and needs a terminal; standard input or output is not one."
            )
        options = CramOptions(weak=weak, due_within=due_within, include_new=new, limit=limit)
        run_cram(ctx, SessionFilter(decks=tuple(deck or ()), tags=tuple(tag or ())), options)


def run_cram(ctx: typer.Context, selection: SessionFilter, options: CramOptions) -> None:
    from quizcards.cli.asking import Quit
    from quizcards.cli.daily_backup import DailyBackup, report_backup
    from quizcards.core.practice.cram import choose_cram, summarize_cram
    from quizcards.render import make_console
    from quizcards.render import practice as render

    console = make_console()
    with open_store(ctx, mode="write") as store:
        require_selection(store, selection.decks, selection.tags)
        today = local_day(clock())
        choice = choose_cram(store.practice_cards(selection), today, options)
        if not choice.cards:
            console.print(render.nothing_to_cram(choice, options))
            return
        # A cram writes to the log as a review does, so the day's backup is taken as a review takes it.
        backup: DailyBackup | None = None
        if store.path is not None and not store.has_daily_backup(today):
            backup = DailyBackup(store.path, today, busy_timeout=store.busy_timeout)
        answers: list[CramAnswer] = []
        try:
            try:
                drive_cram(choice.cards, store, console, answers, backup=backup)
            except Quit:
                console.print()
            if backup is not None:
                report_backup(console, backup.wait())
        finally:
            if backup is not None:
                backup.finish_quietly()
        if answers:  # stopped before the first answer: nothing to sum up
            console.print(render.cram_summary(summarize_cram(answers)))
            console.print(render.schedule_unchanged("cram"))


def drive_cram(
    cards: Sequence[PracticeCard],
    store: Store,
    console: Console,
    answers: list[CramAnswer],
    *,
    backup: DailyBackup | None = None,
) -> None:
    """Ask the cards in order until none is left (re-asking those graded below 4); Quit stops early.

    The queue is ``core.session.Session``'s, so a card graded below 4 comes back where a
    review's re-drill would (``redrill_position``) and undo takes back the last answer.
    """
    from quizcards.cli.asking import Quit, ask
    from quizcards.cli.daily_backup import report_backup
    from quizcards.cli.review_loop import offer_last_undo
    from quizcards.core.scheduler import parse_grade
    from quizcards.core.session import QueueEntry, Session
    from quizcards.render import practice as render

    by_pk = {card.pk: card for card in cards}
    session = Session(QueueEntry(card.pk, "due") for card in cards)
    while True:
        entry = session.current
        if entry is None:
            if session.position > 0 and offer_last_undo(console):
                _undo(session, store, console, answers)
                continue
            return
        card = store.study_card(entry.pk)
        remaining = session.remaining()
        # The cards still to come back after this one: the one on screen is not "to ask again".
        again = remaining.redrill - (entry.reason == "redrill")
        answer = ask(
            console,
            store,
            card,
            header=render.practice_header(
                "Cram",
                card,
                session.position + 1,
                session.position + remaining.total,
                again=again,
                width=console.width,
            ),
            reason="cram, again" if entry.reason == "redrill" else "cram",
            can_undo=session.position > 0,
            keys=CRAM_KEYS,
            keys_legend=render.PRACTICE_KEYS_LEGEND,
            backup=backup,
        )
        if answer.action == "q":
            raise Quit
        if backup is not None:
            report_backup(console, backup.wait())  # before the cram's first write
        if answer.action == "u":
            _undo(session, store, console, answers)
            continue
        grade = parse_grade(int(answer.action))
        reviewed_at = clock()
        recorded = store.record_practice(
            entry.pk,
            grade,
            "cram",
            reviewed_on=local_day(reviewed_at),
            reviewed_at=reviewed_at,
            explanation=answer.explanation,
            duration_ms=answer.elapsed_ms,
        )
        ahead = session.record(grade, "cram", recorded.uuid, answer.elapsed_ms)
        answers.append(CramAnswer(by_pk[entry.pk], int(grade)))
        console.print(render.practice_graded("cram", grade))
        if ahead is not None:
            console.print(render.again_notice(ahead, "cram"))


def _undo(session: Session, store: Store, console: Console, answers: list[CramAnswer]) -> None:
    from quizcards.render import practice as render

    review_id = session.undo()
    if review_id is None:
        return
    store.undo_review(review_id, undone_at=clock())  # a cram answer: its row goes, no schedule is written
    answers.pop()
    console.print(render.undone("cram"))
