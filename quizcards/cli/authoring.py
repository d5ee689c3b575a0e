"""`quiz new`, `quiz add`, `quiz lint` and `quiz schema`: writing decks."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
