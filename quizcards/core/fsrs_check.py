"""What `quiz check` finds of the FSRS states: rows that differ from their replay, rows missing, rows astray.

Under FSRS each reviewed card's state row is derived from its log (its scheduled reviews and
re-drills, the parameters in force and the desired retention), so the check replays every card and
compares; the store reads the rows, this module decides what they mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from quizcards.core.checks import LoggedReview
from quizcards.core.errors import FsrsReplayError, FsrsUnavailableError, InvalidFsrsParametersError
from quizcards.core.fsrs import History, Parameters, card_states, replayed_rows


@dataclass(frozen=True, slots=True)
class FsrsStateCheck:
    """Under FSRS, every card's stored FSRS state compared with its replay, by kind of problem.

    ``differ``: a state row that is not its replay; ``missing``: a card whose replay gives a state
    but has no row; ``stray``: a row for a card with no scheduled review or re-drill to replay.
    ``not_checked`` says why nothing could be replayed (no fsrs extra, parameters out of bounds).
    Each list holds (deck, card id) in report order.
    """

    states: int
    differ: tuple[tuple[str, str], ...] = ()
    missing: tuple[tuple[str, str], ...] = ()
    stray: tuple[tuple[str, str], ...] = ()
    not_checked: str | None = None
    pks: tuple[int, ...] = ()  # every card with a problem, for the repair

    @property
    def problems(self) -> int:
        return len(self.pks)


# A stored FSRS state as fsrs_states holds it: stability, difficulty, last review day, due day.
StoredFsrsState = tuple[object, object, object, object]


def check_fsrs_states(
    names: Mapping[int, tuple[str, str]],
    logs: Mapping[int, Sequence[LoggedReview]],
    stored: Mapping[int, StoredFsrsState],
    parameters: Parameters,
    retention: float,
) -> FsrsStateCheck:
    """Each card's stored FSRS state against the replay of its scheduled reviews and re-drills.

    ``names`` is every card to judge (in report order; a card whose log is unreadable is left
    out, it is reported as such), ``logs`` their rows. Cram and mock answers are never replayed.
    """
    differ: list[int] = []
    missing: list[int] = []
    stray: list[int] = []
    states = 0
    try:
        # One replay of every card, with one scheduler (as a rebuild does); empty histories give none.
        histories = ((pk, fsrs_history(logs.get(pk, ()))) for pk in names)
        replayed = dict(card_states(histories, parameters, retention))
    except FsrsReplayError as error:
        deck, card_id = names.get(error.subject, ("?", "?"))  # type: ignore[call-overload]
        return FsrsStateCheck(
            0, not_checked=f"the review log of {deck}/{card_id} cannot be replayed: {error}"
        )
    except (FsrsUnavailableError, InvalidFsrsParametersError) as error:
        return FsrsStateCheck(0, not_checked=str(error))
    for pk in names:
        state = replayed.get(pk)
        row = stored.get(pk)
        if state is None:
            if row is not None:
                stray.append(pk)
            continue
        states += 1
        as_stored = (
            state.stability,
            state.difficulty,
            state.last_reviewed_on.isoformat(),
            state.due_on.isoformat(),
        )
        if row is None:
            missing.append(pk)
        elif tuple(row) != as_stored:
            # A REAL column gives back the very double it was given, and the replay is deterministic.
            differ.append(pk)

    def named(pks: list[int]) -> tuple[tuple[str, str], ...]:
        return tuple(names[pk] for pk in pks)

    return FsrsStateCheck(
        states, named(differ), named(missing), named(stray), pks=tuple(sorted({*differ, *missing, *stray}))
    )


def fsrs_history(log: Sequence[LoggedReview]) -> History:
    """The (day, grade) rows FSRS replays (``core.fsrs.replayed_rows``), in the order they were written.

    The rows are known to be readable (``check_card`` found no impossible value).
    """
    return replayed_rows(
        (date.fromisoformat(str(entry.reviewed_on)), int(str(entry.grade)), str(entry.kind))
        for entry in sorted(log, key=lambda entry: entry.review_id)
    )
