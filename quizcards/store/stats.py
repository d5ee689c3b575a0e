"""Queries behind `quiz stats`: SQL aggregates over cards and the review log."""

from __future__ import annotations

from quizcards.store.base import BaseStore


class StatsQueries(BaseStore):
    """Queries behind `quiz stats`."""
