"""STYLE.md's layering, checked: imports point one way, SQL stays in the store, commands have help."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import typer

from quizcards.cli import app

PACKAGE = Path(__file__).resolve().parents[1] / "quizcards"
FRAMEWORKS = {"typer", "rich", "sqlite_utils", "sqlite3", "click"}


def modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
        for path in PACKAGE.rglob("*.py")
    }


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def top(name: str) -> str:
    return name.split(".", maxsplit=1)[0]


def test_the_core_imports_no_framework_and_no_database() -> None:
    for name, path in modules().items():
        if name.startswith("quizcards.core"):
            bad = {i for i in imports_of(path) if top(i) in FRAMEWORKS or i.startswith("quizcards.store")}
            bad |= {i for i in imports_of(path) if i.startswith(("quizcards.cli", "quizcards.render"))}
            assert not bad, f"{name} imports {bad}"


# An Anki package is a zip around an SQLite collection that genanki fills: the adapter opens that
# file for genanki and writes no SQL of its own.
SQLITE_FOR_A_FOREIGN_FORMAT = {"quizcards.adapters.anki"}


def test_only_the_store_and_migrations_touch_sqlite() -> None:
    for name, path in modules().items():
        if name.startswith("quizcards.store") or name == "quizcards.store.migrations":
            continue
        if name in SQLITE_FOR_A_FOREIGN_FORMAT:
            continue
        bad = {i for i in imports_of(path) if top(i) in {"sqlite3", "sqlite_utils"}}
        assert not bad, f"{name} imports {bad}"


def test_rich_only_in_render_and_cli_and_nothing_imports_click_or_cli() -> None:
    for name, path in modules().items():
        found = imports_of(path)
        assert not {i for i in found if top(i) == "click"}, f"{name} imports click"
        if not name.startswith(("quizcards.render", "quizcards.cli")):
            assert not {i for i in found if top(i) == "rich"}, f"{name} imports rich"
        if not name.startswith("quizcards.cli") and name != "quizcards.__main__":
            assert not {i for i in found if i.startswith("quizcards.cli")}, f"{name} imports the CLI"


SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA)\b")


def test_no_sql_outside_the_store() -> None:
    for name, path in modules().items():
        if name.startswith("quizcards.store") or name == "quizcards.store.migrations":
            continue
        assert not SQL.search(path.read_text(encoding="utf-8")), f"SQL in {name}"


def test_every_command_has_help() -> None:
    def walk(command: object, prefix: str) -> list[tuple[str, object]]:
        found = [(prefix, command)]
        for sub_name, sub in getattr(command, "commands", {}).items():
            found += walk(sub, f"{prefix} {sub_name}")
        return found

    root = typer.main.get_command(app)
    for name, command in walk(root, "quiz"):
        assert (getattr(command, "help", None) or "").strip(), f"{name} has no help"
        for parameter in getattr(command, "params", []):
            if parameter.param_type_name == "option":
                assert parameter.help, f"{name} {parameter.opts} has no help"


def test_every_module_says_its_job() -> None:
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{name} has no module docstring"
