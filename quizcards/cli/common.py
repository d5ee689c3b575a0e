"""What every command shares: settings, the clock and environment, the store, errors as exit codes."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.core.settings import CollectionSettings
    from quizcards.store import BaseStore, Mode, Store

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
S = TypeVar("S", bound="BaseStore")

DB_FILENAME = "quizcards.db"
DEFAULT_NEW_PER_DAY = 10
# How long a write waits for another process's transaction (seconds); the fault tests lower it.
BUSY_TIMEOUT_VARIABLE = "QUIZCARDS_BUSY_TIMEOUT"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the database is, and whether that is the default location."""

    db_path: Path
    db_is_default: bool

    @classmethod
    def resolve(cls, db: Path | None) -> Settings:
        if db is not None:
            return cls(db.expanduser(), db_is_default=False)
        from platformdirs import user_data_path

        return cls(user_data_path("quizcards", appauthor=False) / DB_FILENAME, db_is_default=True)


def clock() -> datetime:
    """The one place quizcards reads the clock (QUIZCARDS_NOW fixes it, for tests)."""
    fixed = os.environ.get("QUIZCARDS_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            raise QuizError(f"QUIZCARDS_NOW={fixed!r} is not an ISO 8601 date and time.") from None
        return moment if moment.tzinfo else moment.astimezone()
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The learner's calendar day for a moment."""
    return moment.astimezone().date()


def busy_timeout_seconds() -> float:
    """QUIZCARDS_BUSY_TIMEOUT, checked, or the store's default wait."""
    from quizcards.store.connection import BUSY_TIMEOUT_SECONDS

    return seconds_setting(BUSY_TIMEOUT_VARIABLE, BUSY_TIMEOUT_SECONDS)


def seconds_setting(variable: str, default: float) -> float:
    """An environment variable holding seconds from 0 to 3600, checked; default when it is unset or empty."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise QuizError(f"{variable}={value!r} is not a number of seconds from 0 to 3600.")
    return seconds


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # a command invoked without the app's callback
        settings = Settings.resolve(None)
    return settings


def open_store(ctx: typer.Context, *, mode: Mode, create: bool = False) -> Store:
    """Open the configured database; only the default location gets its folder created."""
    from quizcards.store import Store

    return _open(Store, ctx, mode=mode, create=create)


def open_session_store(ctx: typer.Context, *, mode: Mode, create: bool = False) -> BaseStore:
    """Like open_store, without the query families of the other commands: all `quiz review` needs.

    Importing them (and the core modules they use) would cost the review's start-up
    more than the rest of quizcards does.
    """
    from quizcards.store import BaseStore

    return _open(BaseStore, ctx, mode=mode, create=create)


def _open(store_class: type[S], ctx: typer.Context, *, mode: Mode, create: bool) -> S:
    settings = settings_of(ctx)
    return store_class.open(
        settings.db_path,
        mode=mode,
        create=create,
        create_folder=create and settings.db_is_default,
        busy_timeout=busy_timeout_seconds(),
        now=clock(),  # names the backup taken before an upgrade
    )


def require_deck(store: BaseStore, slug: str | None) -> None:
    """Refuse a --deck that names no deck (None, no --deck, is fine)."""
    if slug is not None and not store.deck_exists(slug):
        raise QuizError(f"there is no deck named '{slug}'; quiz decks lists them.")


def require_selection(store: BaseStore, decks: Sequence[str], tags: Sequence[str]) -> None:
    """Refuse a --deck that names no deck or a --tag that no card or deck carries."""
    for name in decks:
        require_deck(store, name)
    for name in tags:
        if not store.tag_exists(name):
            raise QuizError(
                f"no card or deck has the tag '{name}'; quiz cards --json shows every card's tags."
            )


def find_card(store: Store, reference: str, lookup: Callable[[str, str], T | None]) -> T:
    """The card written DECK/ID, or ID alone when exactly one deck has it, as lookup(deck, id) reads it."""
    deck, slash, card_id = reference.strip().rpartition("/")
    if not card_id:
        raise QuizError(f"'{reference}' names no card; write it as DECK/ID, e.g. attention/qkv.")
    if not slash:
        decks = store.decks_with_card(card_id)
        if not decks:
            raise QuizError(f"there is no card with the id '{card_id}'; quiz cards lists them.")
        if len(decks) > 1:
            choices = ", ".join(f"{name}/{card_id}" for name in decks)
            raise QuizError(f"several decks have a card '{card_id}'; name one of them: {choices}.")
        deck = decks[0]
    else:
        require_deck(store, deck)
    found = lookup(deck, card_id)
    if found is None:
        raise QuizError(
            f"the deck '{deck}' has no card '{card_id}'; quiz cards --deck {deck} lists its cards."
        )
    return found


def report_error(error: QuizError) -> None:
    from quizcards.core.deck import DeckError

    if isinstance(error, DeckError):
        from quizcards.render.words import plural

        for problem in error.problems:
            typer.echo(clean_line(str(problem)), err=True)
        files = len({p.path for p in error.problems})
        count = len(error.problems)
        typer.echo(
            f"{plural(count, 'problem')} in {plural(files, 'file')}; nothing was changed.",
            err=True,
        )
    else:
        typer.echo(f"Error: {clean_line(str(error))}", err=True)


def handle_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Domain errors become a message on stderr and exit code 1; bugs keep their traceback."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except QuizError as error:
            report_error(error)
            raise typer.Exit(code=error.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("", err=True)
            raise typer.Exit(code=130) from None

    return wrapper


def config_path() -> Path:
    explicit = os.environ.get("QUIZCARDS_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_path

    return user_config_path("quizcards", appauthor=False) / "config.toml"


def daily_new_limit(collection: CollectionSettings) -> int:
    """The daily new-card limit: the collection's new_per_day (quiz config), else the config file's, else
    10."""
    return collection.new_per_day if collection.new_per_day is not None else new_cards_per_day()


def new_cards_per_day() -> int:
    """The daily new-card limit: `new_per_day` in the config file, else 10."""
    path = config_path()
    if not path.is_file():
        return DEFAULT_NEW_PER_DAY
    import tomllib

    try:
        with path.open("rb") as handle:
            config = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise QuizError(f"{path}: cannot read the config file: {error}.") from None
    unknown = sorted(set(config) - {"new_per_day"})
    if unknown:
        raise QuizError(f"{path}: unknown setting '{unknown[0]}'; the settings are: new_per_day.")
    value = config.get("new_per_day", DEFAULT_NEW_PER_DAY)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QuizError(f"{path}: new_per_day must be a whole number of 0 or more, not {value!r}.")
    return value


# The one --deck and --tag of every command that filters by them: repeatable, any of the values.
DecksOption = Annotated[
    list[str] | None,
    typer.Option(
        "--deck", "-d", metavar="DECK", help="Only cards of this deck; repeat it for any of several decks."
    ),
]
TagsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Only cards with this tag (or whose deck has it); repeat it for any of several tags.",
    ),
]
