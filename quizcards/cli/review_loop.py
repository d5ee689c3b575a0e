"""The review's loop: each card asked, explained, revealed and graded, undone, buried or suspended."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from quizcards.adapters.sanitize import clean_line
from quizcards.cli.asking import EDITED_AWAY, Quit
from quizcards.cli.common import clock, local_day
from quizcards.cli.daily_backup import DailyBackup, report_backup

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.core.scheduler import Grade
    from quizcards.core.session import NewCardPlan, QueueEntry, Session, StudyCard
    from quizcards.store import BaseStore


def drive(
    session: Session,
    store: BaseStore,
    console: Console,
    today: date,
    *,
    backup: DailyBackup | None,
    plan: NewCardPlan,
) -> None:
    """Work through the session until it is done; raises Quit when the learner stops early."""
    from quizcards.cli.asking import ask
    from quizcards.core.scheduler import parse_grade
    from quizcards.render import review as render

    while True:
        entry = session.current
        if entry is None:
            if session.position > 0 and offer_last_undo(console):
                _undo(session, store, console, today)
                continue
            return
        card = store.study_card(entry.pk)
        if not _may_ask(session, store, console, card, plan):
            continue
        answer = ask(
            console,
            store,
            card,
            header=render.session_header(card, session.position + 1, session.remaining()),
            reason=entry.reason,
            can_undo=session.position > 0,
            backup=backup,
        )
        action = answer.action
        if action == "q":
            raise Quit
        if backup is not None:
            report_backup(console, backup.wait())  # before the session's first write
        if action == "u":
            _undo(session, store, console, today)
            continue
        if action == "s":
            _bury(session, store, entry, today, plan)
            console.print("  buried until tomorrow.", style="dim")
            continue
        if action == EDITED_AWAY:  # no longer in its deck: it leaves the session ungraded
            _bury(session, store, entry, today, plan, in_store=False)
            continue
        if action == "!":
            _bury(session, store, entry, today, plan, suspend=True)
            console.print(render.suspended_notice(card))
            continue
        grade = parse_grade(int(action))
        _record_grade(
            session,
            store,
            console,
            entry,
            grade,
            explanation=answer.explanation,
            elapsed_ms=answer.elapsed_ms,
            plan=plan,
        )


def _may_ask(
    session: Session, store: BaseStore, console: Console, card: StudyCard, plan: NewCardPlan
) -> bool:
    """Whether to ask this card: not one retired or suspended since the session drew it, and not a new
    one once today's allowance is spent (by another session).

    This session drew only the allowance left when it started; another session started at
    the same time drew from the same allowance. Its new cards then leave the session here,
    before the learner answers one in vain (``_record_grade`` catches the rest of the race).
    """
    from quizcards.core.session import may_introduce

    withdrawn_state = store.withdrawn_state(card.pk)
    if withdrawn_state is not None:
        # Retired by a re-import (an edit from this review, `quiz import` elsewhere) or suspended in
        # another terminal since the session drew it: the learner asked not to see it.
        entry = session.current
        if entry is not None:
            _bury(session, store, entry, local_day(clock()), plan, in_store=False)
        reason = "is no longer in its deck file" if withdrawn_state == "retired" else "was suspended"
        console.print(
            f"  {clean_line(card.deck)}/{clean_line(card.card_id)} {reason} since this session began; "
            "it leaves the session.",
            style="yellow",
        )
        return False
    if not card.schedule.is_new or may_introduce(plan.daily_new, store.introduced_count(local_day(clock()))):
        return True
    withdrawn = session.withdraw_new()
    left = f"the {_new_cards(withdrawn)} left in this session"
    console.print(
        f"  Today's limit of {_new_cards(plan.daily_new)} was reached by another session; "
        f"{left} {'waits' if withdrawn == 1 else 'wait'} for another day.",
        style="yellow",
    )
    return False


def _record_grade(
    session: Session,
    store: BaseStore,
    console: Console,
    entry: QueueEntry,
    grade: Grade,
    *,
    explanation: str,
    elapsed_ms: int,
    plan: NewCardPlan,
) -> None:
    """Log the grade (claiming a new card's place in today's allowance), or say why it was not."""
    from quizcards.core.session import NewCardLimitReached, grading
    from quizcards.render import review as render

    reviewed_at = clock()
    try:
        recorded = store.record_review(
            entry.pk,
            # A session that runs past midnight grades on the new day: due = that day + interval.
            grading(grade, local_day(reviewed_at)),
            reviewed_at=reviewed_at,
            explanation=explanation,
            duration_ms=elapsed_ms,
            new_limit=plan.daily_new,
        )
    except NewCardLimitReached:
        # The allowance holds even against an answer already given: the learner is told, and the
        # card (which has no history yet, so loses none) is simply new again another day.
        from quizcards.render.words import plural

        others = session.withdraw_new() - 1
        then = f"it and the {plural(others, 'other new card')} left wait" if others else "it waits"
        console.print(
            f"  Not recorded: today's limit of {_new_cards(plan.daily_new)} was reached by another "
            f"session while you answered. This card stays new; {then} for another day.",
            style="yellow",
        )
        return
    ahead = session.record(grade, recorded.kind, recorded.uuid, elapsed_ms)
    console.print(render.graded(recorded, grade))
    if ahead is not None:
        console.print(render.redrill_notice(ahead, fsrs=recorded.fsrs is not None))


def _new_cards(count: int) -> str:
    from quizcards.render.words import plural

    return plural(count, "new card")


def _undo(session: Session, store: BaseStore, console: Console, today: date) -> None:
    steps = session.position
    review_id = session.undo()
    undone = session.current
    if review_id is None:
        if undone is not None and session.position < steps:  # a suspension, which logged no review
            store.unsuspend_cards([undone.pk], today, at=clock())
            console.print("  ↶ unsuspended that card; it comes back now.", style="yellow")
        return
    store.undo_review(review_id, undone_at=clock())
    if undone is not None:
        store.unbury(undone.pk, today, at=clock())  # buried after that grade: the undo brings it back
    console.print("  ↶ undid the last grade; that card comes back now.", style="yellow")


def offer_last_undo(console: Console) -> bool:
    """After the last card: one chance to take back its grade (or its suspension) before the summary."""
    from rich.text import Text

    from quizcards.adapters.terminal import single_keys
    from quizcards.cli.asking import key_alone

    offer = "That was the last card. u undo the last step · any other key to finish."
    console.print(Text(offer, style="dim"))
    with single_keys() as keys:
        try:
            while (key := key_alone(keys, console, "Press u to undo or any other key to finish.")) is None:
                pass
            return key.lower() == "u"
        except KeyboardInterrupt:
            return False


def _bury(
    session: Session,
    store: BaseStore,
    entry: QueueEntry,
    today: date,
    plan: NewCardPlan,
    *,
    in_store: bool = True,
    suspend: bool = False,
) -> None:
    """Bury the card until tomorrow, or suspend it (undoable); a new card's place goes to the next one.

    ``in_store=False``: the card left the session only (edited out of its deck), nothing is written.
    """
    from quizcards.core.session import new_cards_owed

    session.bury(suspend=suspend)
    if in_store and suspend:
        store.suspend_cards([entry.pk], today, at=clock())
    elif in_store:
        store.bury(entry.pk, today, at=clock())
    owed = new_cards_owed(session, entry, plan, store.introduced_count(today))
    if owed:
        # The cards still queued come first in deck order: read past them to the next owed ones.
        waiting = store.new_card_ids(today, plan.selection, owed + session.remaining().new)
        session.top_up(waiting, owed)
