"""FSRS parameters saved by `quiz optimize`: appended, never overwritten, and put in force at once.

``fsrs_parameters`` is append-only: its newest row is in force (none: FSRS's defaults), so every fit
saved stays in the database's history. Saving a fit, or going back to the defaults, rebuilds every
card's FSRS state in the same transaction when FSRS is the scheduler, so the queue never reads a
state derived from parameters that are no longer in force.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

from quizcards.core.errors import InvalidFsrsParametersError
from quizcards.core.fsrs import DEFAULT_PARAMETERS
from quizcards.store.connection import Connection
from quizcards.store.rows import utc_timestamp
from quizcards.store.scheduling import DEFAULTS_OPTIMIZER, StoredParameters, rebuild_fsrs_states, settings_in

_INSERT = """
    INSERT INTO fsrs_parameters (parameters, fitted_on, fitted_at, cards, reviews, held_out_reviews,
        log_loss_before, log_loss_after, rmse_bins_before, rmse_bins_after, optimizer, held_out_cards, seed)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def defaults_record(on: date) -> StoredParameters:
    """The row `quiz optimize --reset` appends: FSRS's defaults, fitted to nothing."""
    return StoredParameters(DEFAULT_PARAMETERS, on, 0, 0, 0, None, None, None, None, DEFAULTS_OPTIMIZER)


class FsrsFits(Connection):
    """FSRS parameters saved, with the held-out evidence for them, and every card's state rebuilt."""

    def save_fsrs_parameters(self, record: StoredParameters, *, fitted_at: datetime) -> int | None:
        """Append ``record`` as the parameters in force, in one transaction.

        Under FSRS every card's state is rebuilt from the log with them, in the same transaction,
        and the count of cards rebuilt is returned; under SM-2 nothing else changes (None).
        """
        values = record.parameters
        if len(values) != len(DEFAULT_PARAMETERS) or not all(
            type(value) in (int, float) and math.isfinite(value) for value in values
        ):
            raise InvalidFsrsParametersError(
                f"FSRS needs {len(DEFAULT_PARAMETERS)} finite numbers as parameters, not {list(values)!r}."
            )
        with self._transaction() as conn:
            conn.execute(
                _INSERT,
                [
                    json.dumps([float(value) for value in values]),
                    record.fitted_on.isoformat(),
                    utc_timestamp(fitted_at),
                    record.cards,
                    record.reviews,
                    record.held_out_reviews,
                    record.log_loss_before,
                    record.log_loss_after,
                    record.rmse_bins_before,
                    record.rmse_bins_after,
                    record.optimizer,
                    record.held_out_cards,
                    record.seed,
                ],
            )
            settings = settings_in(conn, self.path)
            if settings.scheduler != "fsrs":
                return None
            return rebuild_fsrs_states(conn, settings, self.path)

    def reset_fsrs_parameters(self, on: date, *, fitted_at: datetime) -> int | None:
        """Put FSRS's defaults back in force in a row of its own (earlier fits stay); as saving does."""
        return self.save_fsrs_parameters(defaults_record(on), fitted_at=fitted_at)
