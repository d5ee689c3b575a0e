"""STYLE.md's layering, checked: imports point one way, the core is pure, modules are small and say their job.

Each rule is a function over a project root (the folder holding ``quizcards/`` and
``tests/``) that returns its violations as sentences. The real tree must have none;
a small fake tree shows that every rule catches a deliberate violation of it.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import typer

from quizcards.cli import app

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "quizcards"
MAX_LINES = 400

CORE = f"{PACKAGE}.core"
ADAPTERS = f"{PACKAGE}.adapters"
STORE = f"{PACKAGE}.store"
RENDER = f"{PACKAGE}.render"
CLI = f"{PACKAGE}.cli"
ENTRY_POINT = f"{PACKAGE}.__main__"  # `python -m quizcards` runs the CLI: its one job

DATABASES = ("sqlite3", "sqlite_utils")
FRAMEWORKS = ("rich", "typer", "click")
FORBIDDEN_IN_CORE = (*DATABASES, *FRAMEWORKS, "tempfile", "shutil", "glob", "time")
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
CLOCK_CALLS = {"now", "utcnow", "today"}
# Calls that touch the file system. str and list methods share some names (replace, remove), so those
# count only when called on `os` (OS_FILE_CALLS); `os.path.exists()` is caught through FILE_CALLS.
FILE_CALLS = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "makedirs", "unlink",
    "rmdir", "rename", "touch", "iterdir", "glob", "rglob", "stat", "lstat", "exists", "is_file",
    "is_dir", "chmod", "samefile", "expanduser", "readlink", "symlink_to", "hardlink_to",
}  # fmt: skip
OS_FILE_CALLS = {
    "open", "fdopen", "fsync", "replace", "remove", "unlink", "rename", "renames", "makedirs", "mkdir",
    "listdir", "scandir", "walk", "stat", "lstat", "chmod", "rmdir", "removedirs", "truncate",
}  # fmt: skip
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA)\b")


# ---- reading a tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    source: str
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


@cache
def modules(root: Path) -> dict[str, Module]:
    """Every module of the package under root, by dotted name."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        source = path.read_text(encoding="utf-8")
        found[name] = Module(name, path, source, ast.parse(source, filename=str(path)))
    return found


def resolve(module: Module, level: int, target: str | None) -> str:
    """The absolute name a relative `from ... import` means inside module."""
    parts = module.name.split(".")
    if not module.is_package:
        parts = parts[:-1]
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, target] if target else base)


def imports_of(module: Module) -> set[str]:
    """Every module name imported anywhere in module (inside functions and TYPE_CHECKING too).

    ``from a import b`` yields both ``a`` and ``a.b``, since b may be a submodule.
    """
    found: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, node.level, node.module) if node.level else (node.module or "")
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def within(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


def layer(root: Path, package: str) -> Iterator[Module]:
    return (module for name, module in modules(root).items() if within(name, package))


def outermost(names: set[str]) -> list[str]:
    """`from click.testing import Result` is one problem, not two (click.testing and click.testing.Result)."""
    return sorted(name for name in names if not any(name.startswith(f"{other}.") for other in names))


def bad_imports(module: Module, *forbidden: str) -> list[str]:
    hits = {name for name in imports_of(module) if within(name, *forbidden)}
    return [f"{module.name} imports {hit}" for hit in outermost(hits)]


def call_name(node: ast.Call) -> tuple[str | None, str]:
    """(receiver, attribute) of a call: `os.getenv()` -> ("os", "getenv"), `open()` -> (None, "open")."""
    function = node.func
    if isinstance(function, ast.Name):
        return None, function.id
    if isinstance(function, ast.Attribute):
        receiver = function.value
        return (receiver.id if isinstance(receiver, ast.Name) else ""), function.attr
    return "", ""


# ---- the rules ---------------------------------------------------------------------------------


def render_draws_core_values_only(root: Path) -> list[str]:
    """render imports core (and the sanitiser), never the store, other adapters or the CLI."""
    allowed = (CORE, RENDER, f"{ADAPTERS}.sanitize")
    problems = []
    for module in layer(root, RENDER):
        hits = {
            name
            for name in imports_of(module)
            if within(name, PACKAGE)
            and not within(name, *allowed)
            # a parent package (`from quizcards.adapters import sanitize` names quizcards.adapters) is fine
            and not any(target.startswith(f"{name}.") for target in allowed)
        }
        problems += [f"{module.name} imports {hit}" for hit in outermost(hits)]
    return problems


def store_speaks_to_no_screen(root: Path) -> list[str]:
    """The store imports no render, no CLI, no typer and no rich."""
    problems = []
    for module in layer(root, STORE):
        problems += bad_imports(module, RENDER, CLI, "typer", "rich", "click")
    return problems


def core_imports_nothing_above_it(root: Path) -> list[str]:
    """The core imports no adapter, store, render or CLI, no database, no framework, no clock module."""
    problems = []
    for module in layer(root, CORE):
        problems += bad_imports(module, ADAPTERS, STORE, RENDER, CLI, *FORBIDDEN_IN_CORE)
    return problems


def core_reads_no_environment(root: Path) -> list[str]:
    """No `os.environ`, `os.getenv` (or `from os import environ`) in the core."""
    problems = []
    for module in layer(root, CORE):
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ENVIRONMENT
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                problems.append(f"{module.name}:{node.lineno} reads os.{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                problems += [
                    f"{module.name}:{node.lineno} imports os.{alias.name}"
                    for alias in node.names
                    if alias.name in ENVIRONMENT
                ]
    return problems


def core_reads_no_clock(root: Path) -> list[str]:
    """No `datetime.now()`, `date.today()`, `datetime.utcnow()` in the core (`time` is refused above)."""
    problems = []
    for module in layer(root, CORE):
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Call)
                and call_name(node)[1] in CLOCK_CALLS
                and call_name(node)[0] is not None
            ):
                problems.append(f"{module.name}:{node.lineno} reads the clock ({call_name(node)[1]}())")
    return problems


def core_does_no_file_io(root: Path) -> list[str]:
    """No `open()`, no Path reads, writes or folder changes, no `os` file calls in the core."""
    problems = []
    for module in layer(root, CORE):
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            receiver, name = call_name(node)
            if (
                (receiver is None and name == "open")
                or (receiver == "os" and name in OS_FILE_CALLS)
                or (receiver not in (None, "os") and name in FILE_CALLS)
            ):
                problems.append(f"{module.name}:{node.lineno} does file I/O ({name}())")
    return problems


def adapters_stay_at_the_edge(root: Path) -> list[str]:
    """Adapters import no render, store or CLI."""
    problems = []
    for module in layer(root, ADAPTERS):
        problems += bad_imports(module, RENDER, STORE, CLI)
    return problems


def nothing_imports_the_cli(root: Path) -> list[str]:
    problems = []
    for name, module in modules(root).items():
        if not within(name, CLI) and name != ENTRY_POINT:
            problems += bad_imports(module, CLI)
    return problems


# An Anki package is a zip around an SQLite collection that genanki fills: the adapter opens that
# file for genanki and writes no SQL of its own.
SQLITE_FOR_A_FOREIGN_FORMAT = {f"{ADAPTERS}.anki"}


def only_the_store_touches_sqlite(root: Path) -> list[str]:
    problems = []
    for name, module in modules(root).items():
        if not within(name, STORE) and name not in SQLITE_FOR_A_FOREIGN_FORMAT:
            problems += bad_imports(module, *DATABASES)
    return problems


def rich_only_in_render_and_cli(root: Path) -> list[str]:
    problems = []
    for name, module in modules(root).items():
        if not within(name, RENDER, CLI):
            problems += bad_imports(module, "rich")
    return problems


def typer_vendors_click(root: Path) -> list[str]:
    """Nothing imports click, neither the package nor the tests: typer is the one CLI library."""
    problems = []
    for module in modules(root).values():
        problems += bad_imports(module, "click")
    for path in sorted((root / "tests").rglob("*.py")):
        source = path.read_bytes()
        if b"click" not in source:  # no import of click without its name: parsing would find nothing
            continue
        test = Module(f"tests/{path.relative_to(root / 'tests')}", path, "", ast.parse(source))
        problems += bad_imports(test, "click")
    return problems


def sql_only_in_the_store(root: Path) -> list[str]:
    return [
        f"{name} holds SQL ({match.group(0)!r})"
        for name, module in modules(root).items()
        if not within(name, STORE) and (match := SQL.search(module.source))
    ]


def modules_stay_small(root: Path) -> list[str]:
    return [
        f"{name} has {lines} lines (more than {MAX_LINES})"
        for name, module in modules(root).items()
        if (lines := len(module.source.splitlines())) > MAX_LINES
    ]


def every_module_says_its_job(root: Path) -> list[str]:
    return [
        f"{name} has no module docstring"
        for name, m in modules(root).items()
        if not ast.get_docstring(m.tree)
    ]


RULES: dict[str, Callable[[Path], list[str]]] = {
    rule.__name__: rule
    for rule in (
        render_draws_core_values_only,
        store_speaks_to_no_screen,
        core_imports_nothing_above_it,
        core_reads_no_environment,
        core_reads_no_clock,
        core_does_no_file_io,
        adapters_stay_at_the_edge,
        nothing_imports_the_cli,
        only_the_store_touches_sqlite,
        rich_only_in_render_and_cli,
        typer_vendors_click,
        sql_only_in_the_store,
        modules_stay_small,
        every_module_says_its_job,
    )
}


# ---- the real tree -----------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_the_tree_keeps_the_rule(rule: str) -> None:
    problems = RULES[rule](ROOT)
    assert not problems, "\n".join(problems)


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


# ---- the rules can fail ------------------------------------------------------------------------

CLEAN_TREE = {
    "quizcards/__init__.py": '"""The package."""\n',
    "quizcards/__main__.py": '"""python -m quizcards."""\nfrom quizcards.cli import main\n',
    "quizcards/core/__init__.py": '"""Pure rules."""\n',
    "quizcards/core/scheduler.py": '''
        """Scheduling."""
        import os
        from datetime import date, timedelta

        from .errors import QuizError


        def due(today: date, days: int, words: list[str]) -> date:
            words.remove("x")
            os.path.commonprefix(words)
            return today.replace(day=1) + timedelta(days=days)
        ''',
    "quizcards/core/errors.py": '"""Errors."""\nclass QuizError(Exception):\n    """A domain error."""\n',
    "quizcards/core/deck/__init__.py": '"""Decks."""\nfrom ..scheduler import due\nfrom . import model\n',
    "quizcards/core/deck/model.py": '"""The deck model."""\n',
    "quizcards/adapters/__init__.py": '"""Edges."""\n',
    "quizcards/adapters/sanitize.py": '"""Inert text."""\nimport os\nfrom quizcards.core import errors\n'
    "TERM = os.environ.get('TERM')\n",
    "quizcards/adapters/files.py": '"""Atomic writes."""\nimport tempfile\nfrom pathlib import Path\n'
    "def write(path: Path) -> None:\n    path.write_text('x')\n",
    "quizcards/store/__init__.py": '"""The store."""\nimport sqlite3\nfrom ..core.scheduler import due\n'
    "QUERY = 'SELECT * FROM cards'\n",
    "quizcards/render/__init__.py": '"""Renderables."""\nfrom rich.text import Text\n'
    "from quizcards.core import errors\nfrom quizcards.adapters.sanitize import TERM\nfrom . import cards\n",
    "quizcards/render/cards.py": '"""Card tables."""\nfrom ..adapters import sanitize\n',
    "quizcards/cli/__init__.py": '"""The CLI."""\nimport typer\nimport time\n'
    "from quizcards import store, render\nfrom quizcards.adapters import files\n",
    "tests/test_x.py": '"""A test."""\nfrom typer.testing import CliRunner, Result\n',
}

# One deliberate violation of each rule (several spellings for some): path -> source.
VIOLATIONS: dict[str, dict[str, str]] = {
    "render_draws_core_values_only": {
        "quizcards/render/decks.py": '"""Decks."""\nfrom quizcards.store import DeckSummary\n',
        "quizcards/render/review.py": '"""Review."""\nfrom .. import store\n',
        "quizcards/render/words.py": '"""Words."""\nfrom ..adapters.files import write\n',
    },
    "store_speaks_to_no_screen": {
        "quizcards/store/cards.py": '"""Cards."""\nfrom rich.table import Table\n',
        "quizcards/store/stats.py": '"""Stats."""\nfrom ..render import cards\n',
    },
    "core_imports_nothing_above_it": {
        "quizcards/core/session.py": '"""Session."""\nimport sqlite3\n',
        "quizcards/core/stats.py": '"""Stats."""\nfrom ..store import QUERY\n',
        "quizcards/core/export.py": '"""Export."""\nimport tempfile\n',
        "quizcards/core/clock.py": '"""Clock."""\nfrom time import monotonic\n',
    },
    "core_reads_no_environment": {
        "quizcards/core/settings.py": '"""Settings."""\nimport os\nLIMIT = os.getenv("LIMIT")\n',
        "quizcards/core/config.py": '"""Config."""\nimport os\nLIMIT = os.environ["LIMIT"]\n',
        "quizcards/core/more.py": '"""More."""\nfrom os import environ\n',
    },
    "core_reads_no_clock": {
        "quizcards/core/today.py": '"""Today."""\nfrom datetime import date\nTODAY = date.today()\n',
        "quizcards/core/now.py": '"""Now."""\nimport datetime\nNOW = datetime.datetime.now()\n',
        "quizcards/core/utc.py": '"""UTC."""\nfrom datetime import datetime\nNOW = datetime.utcnow()\n',
    },
    "core_does_no_file_io": {
        "quizcards/core/reading.py": '"""Reading."""\n'
        "def read(name: str) -> str:\n    return open(name).read()\n",
        "quizcards/core/writing.py": '"""Writing."""\nfrom pathlib import Path\n'
        "def write(path: Path) -> None:\n    path.write_text('x')\n",
        "quizcards/core/folders.py": '"""Folders."""\nfrom pathlib import Path\n'
        "def make(path: Path) -> None:\n    path.parent.mkdir()\n",
        "quizcards/core/osfiles.py": '"""OS files."""\nimport os\n'
        "def gone(name: str) -> None:\n    os.remove(name)\n",
    },
    "adapters_stay_at_the_edge": {
        "quizcards/adapters/sources.py": '"""Sources."""\nfrom quizcards.store import QUERY\n',
        "quizcards/adapters/terminal.py": '"""Terminal."""\nfrom ..render import cards\n',
    },
    "nothing_imports_the_cli": {
        "quizcards/render/help.py": '"""Help."""\nfrom quizcards.cli import main\n',
        "quizcards/store/hooks.py": '"""Hooks."""\nfrom .. import cli\n',
    },
    "only_the_store_touches_sqlite": {
        "quizcards/adapters/db.py": '"""A database."""\nimport sqlite_utils\n',
    },
    "rich_only_in_render_and_cli": {
        "quizcards/adapters/colour.py": '"""Colour."""\nimport rich\n',
    },
    "typer_vendors_click": {
        "tests/test_click.py": '"""A test."""\nfrom click.testing import Result\n',
        "quizcards/cli/options.py": '"""Options."""\nimport click\n',
    },
    "sql_only_in_the_store": {
        "quizcards/core/query.py": '"""Queries."""\nQUERY = "DELETE FROM cards"\n',
    },
    "modules_stay_small": {
        "quizcards/core/big.py": '"""Big."""\n' + "X = 1\n" * MAX_LINES,
    },
    "every_module_says_its_job": {
        "quizcards/core/silent.py": "X = 1\n",
    },
}


def build(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return root


def test_every_rule_passes_a_clean_tree_and_catches_its_violation(tmp_path: Path) -> None:
    clean = build(tmp_path / "clean", CLEAN_TREE)
    for rule, check in RULES.items():
        assert check(clean) == [], rule
    assert set(VIOLATIONS) == set(RULES), "every rule needs a deliberate violation"
    broken = build(
        tmp_path / "broken", {**CLEAN_TREE, **{k: v for f in VIOLATIONS.values() for k, v in f.items()}}
    )
    for rule, check in RULES.items():
        problems = check(broken)
        for path in VIOLATIONS[rule]:
            where = path.removesuffix(".py").replace("/", ".") if path.startswith(PACKAGE) else f"{path}"
            assert any(problem.startswith((f"{where} ", f"{where}:")) for problem in problems), (
                rule,
                path,
                problems,
            )
    # A relative import is resolved to the module it names, from a module and from a package.
    imports = imports_of(modules(broken)[f"{PACKAGE}.core.deck"])
    assert {f"{CORE}.scheduler", f"{CORE}.scheduler.due", f"{CORE}.deck.model"} <= imports
