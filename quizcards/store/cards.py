"""Queries behind `quiz cards` and `quiz show`: card states and review histories."""

from __future__ import annotations

from quizcards.store.base import BaseStore


class CardQueries(BaseStore):
    """Queries behind `quiz cards` and `quiz show`."""
