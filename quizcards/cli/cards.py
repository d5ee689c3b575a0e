"""`quiz cards` and `quiz show`: browsing cards and their histories."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
