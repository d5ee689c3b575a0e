"""The only package that speaks SQL: the SQLite store, rows <-> dataclasses.

``Store`` is one class assembled from query families, one module each, so that
every SQL statement of quizcards lives under ``quizcards.store`` and nowhere else.
Each module here imports only the standard library and the core types at load
time (sqlite-utils is loaded on demand), so opening a store stays cheap.
"""

from __future__ import annotations

from quizcards.store.base import (
    BACKUPS_KEPT,
    BUSY_TIMEOUT_SECONDS,
    BaseStore,
    DeckSummary,
    Mode,
    Outlook,
    RecordedReview,
    utc_timestamp,
)
from quizcards.store.cards import CardQueries
from quizcards.store.export import ExportQueries
from quizcards.store.maintenance import MaintenanceQueries
from quizcards.store.stats import StatsQueries


class Store(CardQueries, StatsQueries, ExportQueries, MaintenanceQueries, BaseStore):
    """A quizcards database; use ``Store.open`` (or ``Store.memory`` in tests)."""


__all__ = [
    "BACKUPS_KEPT",
    "BUSY_TIMEOUT_SECONDS",
    "DeckSummary",
    "Mode",
    "Outlook",
    "RecordedReview",
    "Store",
    "utc_timestamp",
]
