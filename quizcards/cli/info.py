"""`quiz info`: where the database, config, backups and bundled decks are, and what the database holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.cli.common import handle_errors
from quizcards.core.errors import QuizError

INFO_VERSION = 1
_LABEL = 14


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("info")
    @handle_errors
    def info(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    ) -> None:
        """Show where quizcards keeps things, its version, the database's schema version and counts.

        Only reads: a missing database is reported, never created, and an older one
        is never upgraded. Exit code 1 when the database or the config file cannot be read.
        """
        report = gather(ctx)
        if as_json:
            from quizcards.adapters.sanitize import json_text

            typer.echo(json_text(report))
        else:
            for line in _fitted(text_lines(report)):
                typer.echo(line)
        if report["database"]["problem"] is not None or report["config"]["problem"] is not None:
            raise typer.Exit(code=1)


def gather(ctx: typer.Context) -> dict[str, Any]:
    """Every fact `quiz info` shows, as its JSON (version 1)."""
    from quizcards import __version__
    from quizcards.adapters.sources import bundled_decks_dir
    from quizcards.cli.common import settings_of
    from quizcards.store.backups import backup_files, backups_folder

    settings = settings_of(ctx)
    path = settings.db_path
    database: dict[str, Any] = {
        "path": str(path),
        "exists": path.exists(),
        "default": settings.db_is_default,
        "size_bytes": None,
        "problem": None,
    }
    schema: dict[str, Any] | None = None
    counts: dict[str, int] | None = None
    collection: dict[str, Any] | None = None
    if database["exists"]:
        try:
            database["size_bytes"] = path.stat().st_size
            schema, counts, collection = _read_database(path)
        except QuizError as error:
            database["problem"] = str(error)
        except OSError as error:
            database["problem"] = f"cannot read {path}: {error.strerror or error}."
    copies = [copy for copy, _ in backup_files(path)]
    bundled = bundled_decks_dir()
    return {
        "version": INFO_VERSION,
        "quizcards": __version__,
        "database": database,
        "schema": schema,
        "counts": counts,
        "settings": collection,
        "config": _config(),
        "backups": {
            "path": str(backups_folder(path)),
            "count": len(copies),
            "newest": str(copies[-1]) if copies else None,
        },
        "bundled_decks": {"path": str(bundled), "files": _deck_files(bundled)},
    }


def _read_database(
    path: Path,
) -> tuple[dict[str, Any], dict[str, int] | None, dict[str, Any] | None]:
    """Schema version, counts and the collection's settings, read-only: opened the way `quiz backup`
    opens it, an older schema too (which has only the default settings)."""
    from quizcards.cli.common import busy_timeout_seconds
    from quizcards.store.info import InfoQueries

    with InfoQueries.open(path, mode="copy", busy_timeout=busy_timeout_seconds()) as store:
        version = store.schema_version()
        counts = store.counts() if version.applied else None
        collection = store.collection_settings() if version.applied else None
    schema = {
        "applied": len(version.applied),
        "known": version.known,
        "latest": version.applied[-1] if version.applied else None,
        "pending": list(version.pending),
    }
    if counts is None or collection is None:
        return schema, None, None
    settings = {
        "scheduler": collection.scheduler,
        "desired_retention": collection.desired_retention,
        "new_per_day": collection.new_per_day,
    }
    return (
        schema,
        {
            "decks": counts.decks,
            "cards": counts.cards,
            "retired_cards": counts.retired_cards,
            "reviews": counts.reviews,
        },
        settings,
    )


def _config() -> dict[str, Any]:
    from quizcards.cli.common import config_path, new_cards_per_day

    path = config_path()
    found: dict[str, Any] = {
        "path": str(path),
        "exists": path.is_file(),
        "new_per_day": None,
        "problem": None,
    }
    try:
        found["new_per_day"] = new_cards_per_day()
    except QuizError as error:
        found["problem"] = str(error)
    return found


def _deck_files(folder: Path) -> int:
    try:
        return sum(1 for entry in folder.rglob("*") if entry.suffix.lower() in {".yaml", ".yml"})
    except OSError:
        return 0


def _fitted(lines: list[str]) -> list[str]:
    """On a terminal, long lines wrapped under their value; a pipe gets one line per fact, for grep."""
    import shutil
    import sys
    import textwrap

    if not sys.stdout.isatty():
        return lines
    width = max(shutil.get_terminal_size().columns, _LABEL + 20)
    indent = " " * _LABEL
    return [
        wrapped
        for line in lines
        for wrapped in textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
        or [""]
    ]


def text_lines(report: dict[str, Any]) -> list[str]:
    """The report as aligned `label  value` lines; paths and messages made inert for the terminal."""
    from quizcards.render.words import plural

    database, config, backups, bundled = (
        report["database"],
        report["config"],
        report["backups"],
        report["bundled_decks"],
    )
    lines = [f"quizcards {report['quizcards']}"]

    def add(label: str, value: str) -> None:
        lines.append(f"{label:<{_LABEL}}{clean_line(value)}")

    if not database["exists"]:
        where = "not created yet; quiz review or quiz import creates it"
        add("database", f"{database['path']} ({where})")
    elif database["size_bytes"] is not None:
        add("database", f"{database['path']} ({database['size_bytes']:,} bytes)")
    else:
        add("database", database["path"])
    if database["problem"] is not None:
        add("problem", database["problem"])
    schema, counts = report["schema"], report["counts"]
    if schema is not None:
        applied = f"{schema['applied']} of {schema['known']} migrations applied"
        if schema["pending"]:
            applied += "; quiz review or quiz import upgrades it (a backup is taken first)"
        elif schema["latest"] is not None:
            applied += f" (latest {schema['latest']})"
        add("schema", applied)
    if counts is not None:
        held = f"{plural(counts['decks'], 'deck')}, {plural(counts['cards'], 'card')}"
        if counts["retired_cards"]:
            held += f" (and {counts['retired_cards']:,} retired)"
        add("contents", f"{held}, {plural(counts['reviews'], 'review')}")
    collection = report.get("settings")
    if collection is not None:
        scheduler = "SM-2" if collection["scheduler"] == "sm2" else "FSRS"
        if collection["scheduler"] == "fsrs":
            scheduler += f", desired retention {collection['desired_retention']:g}"
        if collection["new_per_day"] is not None:
            scheduler += f"; new_per_day = {collection['new_per_day']} in the database"
        add("scheduler", f"{scheduler} (quiz config)")
    if not config["exists"]:
        add("config", f"{config['path']} (not there; the defaults apply)")
    else:
        add("config", config["path"])
    if config["problem"] is not None:
        add("problem", config["problem"])
    elif config["new_per_day"] is not None:
        add("", f"new_per_day = {config['new_per_day']}")
    if backups["count"]:
        newest = Path(backups["newest"]).name
        copies = "1 copy" if backups["count"] == 1 else f"{backups['count']} copies"
        add("backups", f"{backups['path']}: {copies}, newest {newest}")
    else:
        add("backups", f"{backups['path']} (none yet)")
    add("bundled decks", f"{bundled['path']} ({plural(bundled['files'], 'deck file')})")
    return lines
