"""The schema's history, append-only: one named function per change, each in its own module.

Migrations are registered with sqlite-utils' own ``Migrations`` (each runs in
its own transaction together with the record that it ran). sqlite-utils is
imported only when a migration has to run, so opening an up-to-date database
stays cheap; ``NAMES`` lets the store check that without importing it. A new
migration is a new module here (``mNNN_what.py``) and one line in ``MIGRATIONS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from quizcards.store.migrations.m001_m003 import (
    m001_initial,
    m002_stats_indexes,
    m003_large_collection_indexes,
)
from quizcards.store.migrations.m004_checked import (
    CARD_CHECKS,
    damaged_references,
    damaged_rows,
    m004_checked_values,
)
from quizcards.store.migrations.m005_practice_kinds import REVIEW_CHECKS, m005_practice_kinds
from quizcards.store.migrations.m006_suspended import m006_suspended
from quizcards.store.migrations.m007_study_plans import m007_study_plans
from quizcards.store.migrations.m008_fsrs import m008_fsrs
from quizcards.store.migrations.m009_sync import m009_sync

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

__all__ = [
    "CARD_CHECKS",
    "MIGRATIONS",
    "MIGRATION_SET",
    "NAMES",
    "REVIEW_CHECKS",
    "damaged_references",
    "damaged_rows",
    "migration_set",
]

MIGRATION_SET = "quizcards"

MIGRATIONS: tuple[tuple[str, Callable[[Database], None]], ...] = (
    ("m001_initial", m001_initial),
    ("m002_stats_indexes", m002_stats_indexes),
    ("m003_large_collection_indexes", m003_large_collection_indexes),
    ("m004_checked_values", m004_checked_values),
    ("m005_practice_kinds", m005_practice_kinds),
    ("m006_suspended", m006_suspended),
    ("m007_study_plans", m007_study_plans),
    ("m008_fsrs", m008_fsrs),
    ("m009_sync", m009_sync),
)
NAMES: tuple[str, ...] = tuple(name for name, _ in MIGRATIONS)


def migration_set() -> Migrations:
    """The registered sqlite-utils migration set (imports sqlite-utils)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    return migrations
