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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from quizcards.core.checks import is_day
from quizcards.core.errors import InvalidFsrsParametersError, QuizError, StoreError
from quizcards.core.fsrs import (
    DEFAULT_PARAMETERS,
    FsrsState,
    History,
    Parameters,
    card_state,
    card_states,
    check_parameters,
)
from quizcards.core.settings import CollectionSettings, SettingName, SettingValue, settings_of
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


def settings_in(conn: sqlite3.Connection, path: Path | None) -> CollectionSettings:
    """The settings as this connection (or transaction) reads them (a database from before m008 has none)."""
    try:
        rows = conn.execute("SELECT name, value FROM settings ORDER BY name").fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
        return CollectionSettings()
    try:
        return settings_of(dict(rows))
    except QuizError as error:
        where = str(path) if path else "the database"
        raise StoreError(
            f"{where} holds a damaged setting ({error}); set it again with `quiz config NAME VALUE`."
        ) from None


def due_source(conn: sqlite3.Connection, path: Path | None) -> DueSource:
    return FSRS_DUE if settings_in(conn, path).scheduler == "fsrs" else SM2_DUE


def parameters_in(conn: sqlite3.Connection, path: Path | None) -> StoredParameters | None:
    """The newest saved fit, or None when FSRS's defaults are in force."""
    cursor = conn.execute("SELECT * FROM fsrs_parameters ORDER BY id DESC LIMIT 1")
    cursor.row_factory = sqlite3.Row
    row = cursor.fetchone()
    if row is None:
        return None
    try:
        values = json.loads(row["parameters"])
    except (TypeError, ValueError):
        values = None
    # The forgetting curve's decay (w20) divides: checked here, so stats need not import py-fsrs to trust it.
    if (
        not isinstance(values, list)
        or len(values) != len(DEFAULT_PARAMETERS)
        or not all(type(value) in (int, float) and math.isfinite(value) for value in values)
        or not 0 < _number(values[20]) <= 1
        or not is_day(row["fitted_on"])
    ):
        where = str(path) if path else "the database"
        raise StoreError(
            f"{where} holds damaged FSRS parameters; `quiz optimize --reset` goes back to the defaults."
        )
    return StoredParameters(
        tuple(float(value) for value in values),
        date.fromisoformat(row["fitted_on"]),
        row["cards"],
        row["reviews"],
        row["held_out_reviews"],
        row["log_loss_before"],
        row["log_loss_after"],
        row["rmse_bins_before"],
        row["rmse_bins_after"],
        row["optimizer"],
    )


def _number(value: object) -> float:
    return float(value) if type(value) in (int, float) else math.nan  # type: ignore[arg-type]


def parameters_in_force(conn: sqlite3.Connection, path: Path | None) -> Parameters:
    """The parameters FSRS replays with: the newest saved fit, checked against py-fsrs's bounds, or the
    defaults (a database is untrusted input: out-of-bounds values are a sentence, not a traceback)."""
    stored = parameters_in(conn, path)
    if stored is None:
        return DEFAULT_PARAMETERS
    try:
        check_parameters(stored.parameters)
    except InvalidFsrsParametersError as error:
        where = str(path) if path else "the database"
        raise StoreError(
            f"{where} holds FSRS parameters FSRS cannot use ({error}); "
            "`quiz optimize --reset` goes back to the defaults."
        ) from None
    return stored.parameters


def card_histories(conn: sqlite3.Connection, pk: int | None = None) -> Iterator[tuple[int, History]]:
    """(card row id, its (day, grade) history) for one card, or for every card with one, in log order."""
    where = "" if pk is None else "AND card = :pk"
    rows = conn.execute(
        f"SELECT card, reviewed_on, grade FROM reviews WHERE kind IN {_FSRS_KINDS} {where} ORDER BY card, id",
        {"pk": pk},
    )
    current: int | None = None
    history: list[tuple[date, int]] = []
    for card, day, grade in rows:
        if card != current:
            if current is not None:
                yield current, history
            current, history = card, []
        if not is_day(day) or type(grade) is not int or not 0 <= grade <= 5:
            raise StoreError(
                f"the review log of card {card} holds a damaged grade or day, so its FSRS state cannot be "
                "rebuilt; `quiz check` lists every such row."
            )
        history.append((date.fromisoformat(day), grade))
    if current is not None:
        yield current, history


def replayed_states(
    conn: sqlite3.Connection, settings: CollectionSettings, path: Path | None
) -> Iterator[tuple[int, FsrsState]]:
    """Every reviewed card's FSRS state, replayed from the log with the parameters and retention in force."""
    yield from card_states(card_histories(conn), parameters_in_force(conn, path), settings.desired_retention)


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
    state = None
    for _pk, history in card_histories(conn, pk):
        state = card_state(history, parameters, settings.desired_retention)
    conn.execute("DELETE FROM fsrs_states WHERE card = ?", [pk])
    if state is not None:
        conn.execute(_STATE_INSERT, _state_values(pk, state))
    return state


def stored_state(row: tuple[object, ...], owner: str) -> FsrsState:
    """A (stability, difficulty, last_reviewed_on, due_on) row read back as a state, once it holds what
    quizcards writes (m008's checks, which a database edited with them off may break)."""
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
        f"the FSRS state of {owner} is damaged in the database; "
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
        return settings_in(self.conn, self.path)

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
        return parameters_in(self.conn, self.path)

    def fsrs_state(self, pk: int) -> FsrsState | None:
        """Card pk's stored FSRS state; None when it has none (a new card, or SM-2 is in force)."""
        rows = self._query(
            "SELECT stability, difficulty, last_reviewed_on, due_on FROM fsrs_states WHERE card = ?", [pk]
        )
        if not rows:
            return None
        return stored_state(tuple(rows[0]), f"card {pk}")

    def fsrs_histories(self) -> list[History]:
        """Every card's scheduled reviews and re-drills as (day, grade), for fitting (retired cards too:
        they are the learner's memory all the same)."""
        try:
            return [history for _pk, history in card_histories(self.conn)]
        except sqlite3.Error as error:
            raise self._describe(error) from None
