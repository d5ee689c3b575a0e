"""`quiz export`: the review log, the cards, or an Anki package."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
