"""What `quiz info` reads of a database, without changing it: schema version, counts, backup copies."""

from __future__ import annotations

from dataclasses import dataclass

from quizcards.store import migrations
from quizcards.store.base import BaseStore


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """The migrations a database has had, of those this version knows."""

    applied: tuple[str, ...]
    pending: tuple[str, ...]

    @property
    def known(self) -> int:
        return len(migrations.NAMES)


@dataclass(frozen=True, slots=True)
class Counts:
    decks: int
    cards: int
    retired_cards: int
    reviews: int


class InfoQueries(BaseStore):
    """A database opened as `quiz backup` opens it (read-only, an older schema allowed), for `quiz info`."""

    def schema_version(self) -> SchemaVersion:
        # Opening has already refused a newer or a foreign database, so every name here is known.
        if not self._query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ):
            return SchemaVersion((), migrations.NAMES)  # an empty SQLite file
        applied = tuple(
            row[0]
            for row in self._query(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [migrations.MIGRATION_SET],
            )
        )
        return SchemaVersion(applied, tuple(name for name in migrations.NAMES if name not in applied))

    def counts(self) -> Counts:
        """Decks, cards in use, retired cards and logged reviews (these tables date from m001)."""
        row = self._query(
            "SELECT (SELECT count(*) FROM decks), (SELECT count(*) FROM cards WHERE NOT retired), "
            "(SELECT count(*) FROM cards WHERE retired), (SELECT count(*) FROM reviews)"
        )[0]
        return Counts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
