"""`quiz review`: the daily session in the terminal."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import (
    clock,
    handle_errors,
    local_day,
    new_cards_per_day,
    open_session_store,
    settings_of,
)
from quizcards.core.errors import NotATerminalError
from quizcards.core.session import SessionFilter, new_card_allowance

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.adapters.terminal import KeyReader
    from quizcards.core.deck import Deck
    from quizcards.core.session import QueueEntry, Session, StudyCard
    from quizcards.store import BaseStore

GRADE_KEYS = frozenset("012345")


@dataclass(frozen=True, slots=True)
class NewCardPlan:
    """What decides today's new cards, kept to top the session up when a new card is buried."""

    daily_new: int
    selection: SessionFilter
    limit: int | None


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or Ctrl-D)."""


class DailyBackup:
    """The day's automatic backup, copied on a thread of its own while the first card is on screen.

    Copying a large collection takes a second or more, and the first session of
    the day is most sessions: before the copy, the learner would wait for it.
    The copy starts once the first question is drawn (``start``), so it does not
    compete with drawing it either. Nothing is written before it is complete:
    every write of the session first calls ``wait``, which also raises whatever
    went wrong with the copy.
    """

    def __init__(self, path: Path, stamp: str) -> None:
        self._path = path
        self._stamp = stamp
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._copy, name="quizcards-daily-backup", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _copy(self) -> None:
        from quizcards.store import BaseStore

        try:
            # A connection of its own: an sqlite3 connection stays on the thread that opened it.
            # SQLite's backup step runs without the GIL, so the session draws cards meanwhile.
            with BaseStore.open(self._path, mode="read") as store:
                store.backup_automatically("daily", stamp=self._stamp)
        except BaseException as error:  # handed to the session's thread by wait()
            self._error = error

    def wait(self) -> str | None:
        """Block until the backup exists (starting it if need be); say once what stopped it.

        A failed backup (a full disk, a read-only folder) must not cost the learner
        the grade they just gave: it is reported, and the session goes on.
        """
        from quizcards.core.errors import QuizError

        self.start()
        self._thread.join()
        error, self._error = self._error, None
        if error is None:
            return None
        if isinstance(error, QuizError):
            return str(error)
        if isinstance(error, OSError):  # the backups folder or an old backup not writable, say
            return f"{error.filename or 'the backups folder'}: {error.strerror or error}"
        raise error

    def finish_quietly(self) -> None:
        """Let a copy under way complete before the process exits (on the way out of an error)."""
        if self._thread.ident is not None:
            self._thread.join()


def register(app: typer.Typer) -> None:
    @app.command("review")
    @handle_errors
    def review(
        ctx: typer.Context,
        deck: Annotated[str | None, typer.Option("--deck", "-d", help="Only cards of this deck.")] = None,
        tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only cards with this tag.")] = None,
        new: Annotated[
            int | None,
            typer.Option(
                "--new", min=0, help="New cards allowed today (default: config, else 10).", show_default=False
            ),
        ] = None,
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help="At most this many cards.", show_default=False)
        ] = None,
    ) -> None:
        """Review what is due today: explain each card, reveal the answer, grade yourself 0-5."""
        from quizcards.adapters.terminal import is_interactive

        if not is_interactive():
            raise NotATerminalError(
                "quiz review is interactive and needs a terminal; standard input or output is not one."
            )
        run_review(ctx, deck=deck, tag=tag, new=new, limit=limit)


def run_review(
    ctx: typer.Context, *, deck: str | None, tag: str | None, new: int | None, limit: int | None
) -> None:
    from quizcards.core.session import Session
    from quizcards.render import make_console

    console = make_console()
    settings = settings_of(ctx)
    daily_new = new if new is not None else new_cards_per_day()
    first_run = settings.db_is_default and not settings.db_path.exists()
    # Load the bundled decks before creating anything, so a failure leaves no empty database.
    bundled = _load_bundled() if first_run else None
    store = open_session_store(ctx, mode="write", create=first_run)
    backup: DailyBackup | None = None
    try:
        if settings.db_is_default and store.card_count() == 0:
            _import_bundled(store, console, bundled or _load_bundled())
        today = local_day(clock())
        if deck is not None and not store.deck_exists(deck):
            from quizcards.core.errors import QuizError

            raise QuizError(f"there is no deck named '{deck}'; quiz decks lists them.")
        if tag is not None and not store.tag_exists(tag):
            from quizcards.core.errors import QuizError

            raise QuizError(
                f"no card or deck has the tag '{tag}'; quiz cards --json shows every card's tags."
            )
        selection = SessionFilter(deck=deck, tag=tag)
        allowance = new_card_allowance(daily_new, store.introduced_count(today))
        # Card ids only: each card's text is read when it comes up.
        session = Session.from_ids(
            store.due_card_ids(today, selection),
            store.new_card_ids(today, selection, allowance),
            store.redrill_card_ids(today, selection),
            limit,
        )
        if session.done:
            from quizcards.render.review import nothing_due

            console.print(nothing_due(store.outlook(today, selection), today))
            return
        if store.path is not None and not store.has_backup(today.strftime("%Y%m%d")):
            backup = DailyBackup(store.path, today.strftime("%Y%m%d") + "-000000")
        try:
            _drive(
                session, store, console, today, backup=backup, plan=NewCardPlan(daily_new, selection, limit)
            )
        except Quit:
            console.print()
        if backup is not None:
            _report_backup(console, backup.wait())
        _finish(session, store, console, selection)
    finally:
        if backup is not None:
            backup.finish_quietly()
        store.close()


def _load_bundled() -> tuple[Deck, ...]:
    from quizcards.adapters.sources import bundled_decks_dir, load_deck_paths
    from quizcards.core.deck import DeckError

    result = load_deck_paths([bundled_decks_dir()])
    if result.errors:
        raise DeckError(list(result.errors))
    return result.decks


def _import_bundled(store: BaseStore, console: Console, decks: tuple[Deck, ...]) -> None:
    from quizcards.core.importing import plan_deck_import

    plans = [
        plan_deck_import(deck, store.stored_deck(deck.slug), store.stored_cards(deck.slug)) for deck in decks
    ]
    store.apply_import(plans, clock())
    cards = sum(len(plan.added) for plan in plans)
    console.print(
        f"First run: created {store.path} and imported the {len(plans)} bundled decks ({cards} cards).",
        style="dim",
    )


def _finish(session: Session, store: BaseStore, console: Console, selection: SessionFilter) -> None:
    from quizcards.render.review import summary

    today = local_day(clock())
    console.print(summary(session.tally, store.outlook(today, selection), today))


def _drive(
    session: Session,
    store: BaseStore,
    console: Console,
    today: date,
    *,
    backup: DailyBackup | None,
    plan: NewCardPlan,
) -> None:
    from quizcards.adapters.terminal import single_keys
    from quizcards.core.scheduler import parse_grade
    from quizcards.render import review as render

    while True:
        entry = session.current
        if entry is None:
            if session.position > 0 and _offer_last_undo(console):
                _undo(session, store, console, today)
                continue
            return
        card = store.study_card(entry.pk)
        console.print()
        console.rule(render.session_header(card, session.position + 1, session.remaining()))
        console.print(render.question_panel(card, entry.reason))
        if backup is not None:
            backup.start()
        started = time.monotonic()
        explanation = _read_explanation(console, list(card.hints))
        elapsed_ms = int((time.monotonic() - started) * 1000)
        with single_keys() as keys:
            _reveal(console, store, card, explanation)
            action = _read_action(keys, console, can_undo=session.position > 0)
        if action == "q":
            raise Quit
        if backup is not None:
            _report_backup(console, backup.wait())  # before the session's first write
        if action == "u":
            _undo(session, store, console, today)
            continue
        if action == "s":
            _bury(session, store, entry, today, plan)
            console.print("  buried until tomorrow.", style="dim")
            continue
        grade = parse_grade(int(action))
        reviewed_at = clock()
        recorded = store.record_grade(
            entry.pk,
            grade,
            reviewed_at=reviewed_at,
            # A session that runs past midnight grades on the new day: due = that day + interval.
            reviewed_on=local_day(reviewed_at),
            explanation=explanation,
            duration_ms=elapsed_ms,
        )
        session.record(grade, recorded.kind, recorded.review_id, elapsed_ms)
        console.print(render.graded(recorded, grade))


def _undo(session: Session, store: BaseStore, console: Console, today: date) -> None:
    review_id = session.undo()
    if review_id is None:
        return
    store.undo_review(review_id)
    undone = session.current
    if undone is not None:
        store.unbury(undone.pk, today)  # buried after that grade: the undo brings it back
    console.print("  ↶ undid the last grade; that card comes back now.", style="yellow")


def _offer_last_undo(console: Console) -> bool:
    """After the last card: one chance to take its grade back before the summary."""
    from rich.text import Text

    from quizcards.adapters.terminal import single_keys

    console.print(Text("That was the last card. u undo its grade · any other key to finish.", style="dim"))
    with single_keys() as keys:
        try:
            return keys.read().lower() == "u"
        except KeyboardInterrupt:
            return False


def _report_backup(console: Console, problem: str | None) -> None:
    if problem is not None:
        from quizcards.render.review import backup_failed

        console.print(backup_failed(problem))


def _bury(session: Session, store: BaseStore, entry: QueueEntry, today: date, plan: NewCardPlan) -> None:
    session.bury()
    store.bury(entry.pk, today)
    if entry.reason == "new" and plan.limit is None:
        # A buried new card was not introduced: its place in today's allowance goes to the next one.
        left = new_card_allowance(plan.daily_new, store.introduced_count(today)) - session.remaining().new
        if left > 0:
            waiting = store.new_card_ids(today, plan.selection, left + session.remaining().new)
            session.add_new([pk for pk in waiting if not session.holds(pk)][:left])


def _read_explanation(console: Console, hints: list[str]) -> str:
    """Lines typed by the learner until an empty line; 'h' alone shows the next hint."""
    from quizcards.adapters.terminal import enable_line_editing
    from quizcards.render import review as render

    enable_line_editing()
    shown = 0
    console.print(render.input_instructions(len(hints)))
    lines: list[str] = []
    while True:
        try:
            line = input("> " if not lines else "  ")
        except (EOFError, KeyboardInterrupt):
            raise Quit from None
        if line.strip().lower() == "h":
            if shown < len(hints):
                console.print(render.hint(shown + 1, hints[shown]))
                shown += 1
            else:
                console.print("  (no more hints)", style="dim")
            continue
        if not line.strip():
            return "\n".join(lines).strip()
        lines.append(line.rstrip())


def _reveal(console: Console, store: BaseStore, card: StudyCard, explanation: str) -> None:
    from quizcards.core.explanation import covered_points
    from quizcards.render import review as render

    console.print(render.answer_panel(card))
    checklist = render.points_checklist(covered_points(card.points, explanation), typed=bool(explanation))
    if checklist is not None:
        console.print(checklist)
    past = store.last_explanation(card.pk)
    if past is not None:
        console.print(render.previous_explanation(past))
    console.print(render.grade_legend())


def _read_action(keys: KeyReader, console: Console, *, can_undo: bool) -> str:
    """A grade 0-5, or u / s / q; Ctrl-C and Ctrl-D quit."""
    while True:
        try:
            key = keys.read()
        except KeyboardInterrupt:
            return "q"
        if key in ("", "\x03", "\x04"):
            return "q"
        key = key.lower()
        if key in GRADE_KEYS or key in ("s", "q"):
            return key
        if key == "u":
            if can_undo:
                return key
            console.print("  nothing to undo yet.", style="dim")
