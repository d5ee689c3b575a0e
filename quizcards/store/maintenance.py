"""Queries behind `quiz check` and `quiz backup`: integrity and rebuilt schedules."""

from __future__ import annotations

from quizcards.store.base import BaseStore


class MaintenanceQueries(BaseStore):
    """Queries behind `quiz check` and `quiz backup`."""
