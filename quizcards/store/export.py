"""Queries behind `quiz export`: rows streamed from the review log and the cards."""

from __future__ import annotations

from quizcards.store.base import BaseStore


class ExportQueries(BaseStore):
    """Queries behind `quiz export`."""
