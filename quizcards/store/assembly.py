"""``Store``: the base store and every query family, assembled into one class.

Importing this loads every family module (and the core modules they use);
``quizcards.store`` imports it on first use of ``Store``, so a command that
needs only ``BaseStore`` (the review session) never pays for the others.
"""

from __future__ import annotations

from quizcards.store.base import BaseStore
from quizcards.store.cards import CardQueries
from quizcards.store.export import ExportQueries
from quizcards.store.fitting import FsrsFits
from quizcards.store.maintenance import MaintenanceQueries
from quizcards.store.practice import PracticeQueries
from quizcards.store.stats import StatsQueries
from quizcards.store.sync_check import SyncChecks
from quizcards.store.sync_own import OwnJournal


class Store(
    CardQueries,
    StatsQueries,
    ExportQueries,
    MaintenanceQueries,
    PracticeQueries,
    FsrsFits,
    SyncChecks,  # with Syncing, the rest of `quiz sync`'s queries
    OwnJournal,
    BaseStore,
):
    """A quizcards database; use ``Store.open`` (or ``Store.memory`` in tests)."""
