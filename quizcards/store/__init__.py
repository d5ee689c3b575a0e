"""The only package that speaks SQL: the SQLite store, rows <-> dataclasses.

``Store`` is one class assembled from query families, one module each, so that
every SQL statement of quizcards lives under ``quizcards.store`` and nowhere else.
Each module here imports only the standard library and the core types at load
time (sqlite-utils is loaded on demand), so opening a store stays cheap.

``BaseStore`` alone opens, migrates and writes a database and runs the review
session; ``Store`` adds the families behind the other commands. ``Store`` is
loaded on first use (PEP 562), so `quiz review`, which needs only
``BaseStore``, starts without importing the families and what they import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizcards.core.listings import DeckSummary
from quizcards.store.base import (
    BACKUPS_KEPT,
    BUSY_TIMEOUT_SECONDS,
    BaseStore,
    Mode,
    Outlook,
    RecordedReview,
    utc_timestamp,
)

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
    "DeckSummary",
    "Mode",
    "Outlook",
    "RecordedReview",
    "Store",
    "utc_timestamp",
]
