"""`quiz stats`: progress at a glance, or as JSON, CSV or Markdown."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
