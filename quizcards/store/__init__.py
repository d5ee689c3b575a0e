"""The only package that speaks SQL: the SQLite store, rows <-> core values.

``Store`` is one class assembled from query families, one module each, so that
every SQL statement of quizcards lives under ``quizcards.store`` and nowhere else.
Each module here imports only the standard library and the core types at load
time (sqlite-utils is loaded on demand), so opening a store stays cheap. The
store reads no clock and no environment: today, now, backup stamps and the busy
timeout are passed in.

- ``connection``: one live connection, transactions, SQLite errors as sentences
- ``opening``: open a file (header check, configure, migrate), or a memory store
- ``migrations``: the schema's history, one named function per change
- ``rows``: rows <-> core values (days, UTC times, schedules, study cards)
- ``backups``: the online backup, automatic backups and every backup's name
- ``queue``: what today's session draws; ``reviews``: the review log's writes
- ``suspension``: suspending and unsuspending cards (the session never draws them)
- ``imports``: stored decks and cards, and an import written in one transaction
- ``base``: ``BaseStore``, all that `quiz review` needs
- ``cards``, ``stats``, ``export``, ``maintenance``: the other commands' queries
- ``events``: new UUIDs and card events for the sync journal; ``sync``, ``sync_apply``, ``sync_merge``,
  ``sync_own``, ``sync_check``: `quiz sync` (the outbox, entries applied, a card's rows merged in log
  order, this device's own files, and what `quiz check` compares)
- ``assembly``: ``Store``, every family in one class

``Store`` is loaded on first use (PEP 562), so `quiz review`, which needs only
``BaseStore``, starts without importing the families and what they import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.store.backups import BACKUPS_KEPT
from quizcards.store.base import BaseStore
from quizcards.store.connection import BUSY_TIMEOUT_SECONDS
from quizcards.store.opening import Mode
from quizcards.store.rows import utc_timestamp

if TYPE_CHECKING:
    from quizcards.store.assembly import Store


def __getattr__(name: str) -> object:
    if name == "Store":
        from quizcards.store.assembly import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BACKUPS_KEPT",
    "BUSY_TIMEOUT_SECONDS",
    "BaseStore",
    "Mode",
    "Store",
    "utc_timestamp",
]
