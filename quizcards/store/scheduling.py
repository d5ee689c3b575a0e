"""The collection's settings and FSRS's state: read, set, and rebuilt from the review log.

SM-2 keeps running on every grade, whichever scheduler is in force: the cards' SM-2 columns and the
log's before/after values are written as they always were, so switching back to SM-2 is exact by
construction. Under FSRS each reviewed card also has a row in ``fsrs_states``, a pure function of
its scheduled reviews and re-drills, the parameters in force and the desired retention; it is
replayed inside the transaction that logs a grade or an undo, and for every card when the scheduler,
the retention or the parameters change (and by `quiz check --repair`). Cram and mock answers are
never replayed. ``due_source`` is the one place a query learns which due day is in force.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from quizcards.core.checks import is_day
from quizcards.core.errors import FsrsReplayError, InvalidFsrsParametersError, QuizError, StoreError
from quizcards.core.fsrs import (
    DEFAULT_PARAMETERS,
    FsrsState,
    History,
    Parameters,
    card_states,
    check_parameters,
    replayed_rows,
)
from quizcards.core.settings import CollectionSettings, SettingName, SettingValue, collection_settings_of
from quizcards.store.connection import Connection

# The rows FSRS replays: what the session grades, never cram or mock answers.
_FSRS_KINDS = "('scheduled', 'redrill')"


@dataclass(frozen=True, slots=True)
class DueSource:
    """How a query on ``cards c`` reads the due day in force: the column, and the join that brings it.

    ``join`` keeps every card (new ones have no due day under either scheduler). ``due_from`` replaces
    ``cards c`` in a query that asks only about cards with a due day (today's due cards, the forecast,
    the next due day): under FSRS it starts from ``fsrs_states_due`` (CROSS JOIN fixes that order; left
    to itself SQLite reads every card through ``cards_due`` and looks each one up).
    """

    join: str
    due_from: str
    column: str


# The optimizer column of a row that puts FSRS's own defaults back in force (`quiz optimize --reset`).
DEFAULTS_OPTIMIZER = "defaults"

SM2_DUE = DueSource("", "cards c", "c.due_on")
FSRS_DUE = DueSource(
    "LEFT JOIN fsrs_states f ON f.card = c.id",
    "fsrs_states f CROSS JOIN cards c ON c.id = f.card",
    "f.due_on",
)


@dataclass(frozen=True, slots=True)
class StoredParameters:
    """A fit `quiz optimize` saved: the parameters and the held-out evidence printed when it was saved."""

    parameters: Parameters
    fitted_on: date
    cards: int
    reviews: int
    held_out_reviews: int
    log_loss_before: float | None
    log_loss_after: float | None
    rmse_bins_before: float | None
    rmse_bins_after: float | None
    optimizer: str
    held_out_cards: int = 0
    seed: int | None = None  # the --seed that chose the held-out cards; None for a --reset row


def settings_in(conn: sqlite3.Connection, path: Path | None) -> CollectionSettings:
    """The settings as this connection (or transaction) reads them (a database from before m008 has none)."""
    try:
        rows = conn.execute("SELECT name, value FROM settings ORDER BY name").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
        return CollectionSettings()
    try:
        return collection_settings_of(dict(rows))
    except QuizError as error:
        where = str(path) if path else "the database"
        raise StoreError(
            f"{where} holds a damaged setting ({error}); set it again with `quiz config NAME VALUE`."
        ) from None


def due_source(conn: sqlite3.Connection, path: Path | None) -> DueSource:
    return FSRS_DUE if settings_in(conn, path).scheduler == "fsrs" else SM2_DUE


def parameters_in(conn: sqlite3.Connection, path: Path | None) -> StoredParameters | None:
    """The newest saved fit (checked: 21 numbers within py-fsrs's bounds, each column of its type), or
    None when FSRS's defaults are in force (no row, or a `--reset` row). A damaged row is one sentence
    naming the file and the cure."""
    cursor = conn.execute("SELECT * FROM fsrs_parameters ORDER BY id DESC LIMIT 1")
    cursor.row_factory = sqlite3.Row
    row = cursor.fetchone()
    if row is None or row["optimizer"] == DEFAULTS_OPTIMIZER:
        return None  # no fit saved, or `quiz optimize --reset` put the defaults back
    where = str(path) if path else "the database"
    try:
        values = json.loads(row["parameters"])
    except (TypeError, ValueError, RecursionError):
        values = None
    try:
        parameters = check_parameters(values if isinstance(values, list) else [])
    except InvalidFsrsParametersError as error:
        raise StoreError(
            f"{where} holds FSRS parameters FSRS cannot use ({error}); "
            "`quiz optimize --reset` goes back to the defaults."
        ) from None
    counts = (row["cards"], row["reviews"], row["held_out_reviews"], row["held_out_cards"])
    metrics = (row["log_loss_before"], row["log_loss_after"], row["rmse_bins_before"], row["rmse_bins_after"])
    if (
        not is_day(row["fitted_on"])
        or not all(type(count) is int and 0 <= count < 2**62 for count in counts)
        or not all(metric is None or (type(metric) is float and math.isfinite(metric)) for metric in metrics)
        or not isinstance(row["optimizer"], str)
        or not (row["seed"] is None or (type(row["seed"]) is int and abs(row["seed"]) < 2**62))
    ):
        raise StoreError(
            f"{where} holds damaged FSRS parameters; `quiz optimize --reset` goes back to the defaults."
        )
    cards, reviews, held_out_reviews, held_out_cards = counts
    return StoredParameters(
        parameters,
        date.fromisoformat(row["fitted_on"]),
        cards,
        reviews,
        held_out_reviews,
        *metrics,
        row["optimizer"],
        held_out_cards=held_out_cards,
        seed=row["seed"],
    )


def parameters_in_force(conn: sqlite3.Connection, path: Path | None) -> Parameters:
    """The parameters FSRS replays with: the newest saved fit, or FSRS's defaults."""
    stored = parameters_in(conn, path)
    return DEFAULT_PARAMETERS if stored is None else stored.parameters


def card_histories(conn: sqlite3.Connection, pk: int | None = None) -> Iterator[tuple[int, History]]:
    """(card row id, the (day, grade) rows FSRS replays) for one card, or for every card with any, in log
    order (``core.fsrs.replayed_rows`` says which rows count)."""
    where = "" if pk is None else "AND card = :pk"
    rows = conn.execute(
        f"SELECT card, reviewed_on, grade, kind FROM reviews WHERE kind IN {_FSRS_KINDS} {where} "
        "ORDER BY card, id",
        {"pk": pk},
    )
    current: int | None = None
    logged: list[tuple[date, int, str]] = []
    for card, day, grade, kind in rows:
        if card != current:
            if current is not None and (history := replayed_rows(logged)):
                yield current, history
            current, logged = card, []
        if not is_day(day) or type(grade) is not int or not 0 <= grade <= 5:
            raise StoreError(
                f"the review log of {card_name_of(conn, card)} holds a damaged grade or day, so FSRS cannot "
                "replay it; `quiz check` lists every such row."
            )
        logged.append((date.fromisoformat(day), grade, kind))
    if current is not None and (history := replayed_rows(logged)):
        yield current, history


def card_name_of(conn: sqlite3.Connection, pk: object) -> str:
    """A card as `quiz show` takes it (deck/card id), for a message."""
    row = conn.execute("SELECT deck, card_id FROM cards WHERE id = ?", [pk]).fetchone()
    return f"card {pk}" if row is None else f"{row[0]}/{row[1]}"  # made inert where it is printed


def _replayed(
    states: Iterator[tuple[int, FsrsState]], conn: sqlite3.Connection
) -> Iterator[tuple[int, FsrsState]]:
    """States as replayed, a log FSRS cannot replay made a sentence naming its card."""
    try:
        yield from states
    except FsrsReplayError as error:
        raise StoreError(
            f"the review log of {card_name_of(conn, error.subject)} cannot be replayed: {error}."
        ) from None


def replayed_states(
    conn: sqlite3.Connection, settings: CollectionSettings, path: Path | None
) -> Iterator[tuple[int, FsrsState]]:
    """Every reviewed card's FSRS state, replayed from the log with the parameters and retention in force."""
    states = card_states(card_histories(conn), parameters_in_force(conn, path), settings.desired_retention)
    yield from _replayed(states, conn)


def rebuild_fsrs_states(conn: sqlite3.Connection, settings: CollectionSettings, path: Path | None) -> int:
    """Replace every card's FSRS state by its replay (inside the caller's transaction); how many cards."""
    states = list(replayed_states(conn, settings, path))  # replayed before anything is deleted
    conn.execute("DELETE FROM fsrs_states")
    conn.executemany(_STATE_INSERT, (_state_values(pk, state) for pk, state in states))
    return len(states)


def refresh_fsrs_state(conn: sqlite3.Connection, pk: int, path: Path | None) -> FsrsState | None:
    """Under FSRS, replay card pk into its state row (inside the caller's transaction); None under SM-2."""
    settings = settings_in(conn, path)
    if settings.scheduler != "fsrs":
        return None
    parameters = parameters_in_force(conn, path)
    replayed = card_states(card_histories(conn, pk), parameters, settings.desired_retention)
    state = next((state for _pk, state in _replayed(replayed, conn)), None)
    conn.execute("DELETE FROM fsrs_states WHERE card = ?", [pk])
    if state is not None:
        conn.execute(_STATE_INSERT, _state_values(pk, state))
    return state


def stored_state(row: Sequence[object], owner: Callable[[], str]) -> FsrsState:
    """A (stability, difficulty, last_reviewed_on, due_on) row read back as a state, once it holds what
    quizcards writes (m008's checks, which a database edited with them off may break); ``owner`` names
    the card for the message, asked only then."""
    stability, difficulty, last, due = row
    if (
        type(stability) is float
        and math.isfinite(stability)
        and stability > 0
        and type(difficulty) is float
        and 1 <= difficulty <= 10
        and is_day(last)
        and is_day(due)
    ):
        return FsrsState(stability, difficulty, date.fromisoformat(str(last)), date.fromisoformat(str(due)))
    raise StoreError(
        f"the FSRS state of {owner()} is damaged in the database; "
        "`quiz check --repair` replays it from the log."
    )


_STATE_INSERT = (
    "INSERT INTO fsrs_states (card, stability, difficulty, last_reviewed_on, due_on) VALUES (?, ?, ?, ?, ?)"
)


def _state_values(pk: int, state: FsrsState) -> tuple[int, float, float, str, str]:
    return (
        pk,
        state.stability,
        state.difficulty,
        state.last_reviewed_on.isoformat(),
        state.due_on.isoformat(),
    )


class Scheduling(Connection):
    """Settings read and written; FSRS states read, rebuilt and compared with their replay."""

    def collection_settings(self) -> CollectionSettings:
        try:
            return settings_in(self.conn, self.path)
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def set_setting(self, name: SettingName, value: SettingValue | None) -> int | None:
        """Store a setting (None: remove it, back to its default), in one transaction.

        When FSRS is in force afterwards and the scheduler or the retention changed, every card's FSRS
        state is rebuilt in the same transaction: the count of cards rebuilt is returned, else None.
        """
        with self._transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE name = ?", [name])
            else:
                conn.execute("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", [name, value])
            settings = settings_in(conn, self.path)
            if name == "new_per_day" or settings.scheduler != "fsrs":
                return None
            return rebuild_fsrs_states(conn, settings, self.path)

    def stored_setting_names(self) -> set[str]:
        """The settings the collection has a value for (the others are at their defaults)."""
        return {row[0] for row in self._query("SELECT name FROM settings")}

    def fsrs_parameters(self) -> StoredParameters | None:
        """The newest saved fit (checked), or None when FSRS's defaults are in force."""
        try:
            return parameters_in(self.conn, self.path)
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def fsrs_parameters_in_force(self) -> Parameters:
        """The parameters FSRS replays with (``parameters_in_force``), SQLite's errors as sentences."""
        try:
            return parameters_in_force(self.conn, self.path)
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def fsrs_state(self, pk: int) -> FsrsState | None:
        """Card pk's stored FSRS state; None when it has none (a new card, or SM-2 is in force)."""
        rows = self._query(
            "SELECT stability, difficulty, last_reviewed_on, due_on FROM fsrs_states WHERE card = ?", [pk]
        )
        if not rows:
            return None
        return stored_state(tuple(rows[0]), lambda: card_name_of(self.conn, pk))

    def fsrs_histories(self) -> list[tuple[str, History]]:
        """Every card's replayed rows as (day, grade), named deck/card_id, for fitting (retired cards too:
        they are the learner's memory all the same), in deck and card order."""
        try:
            names = {
                pk: f"{deck}/{card_id}"
                for pk, deck, card_id in self.conn.execute("SELECT id, deck, card_id FROM cards")
            }
            return [(names.get(pk, f"card {pk}"), history) for pk, history in card_histories(self.conn)]
        except sqlite3.Error as error:
            raise self._describe(error) from None

    def rebuild_fsrs_states(self) -> int | None:
        """Under FSRS, replay every card's state in one transaction (how many cards); None under SM-2."""
        with self._transaction() as conn:
            settings = settings_in(conn, self.path)
            if settings.scheduler != "fsrs":
                return None
            return rebuild_fsrs_states(conn, settings, self.path)
