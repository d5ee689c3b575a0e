"""`quiz check` and `quiz backup`: integrity checks, repairs and copies of the database."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
