"""`quiz config`: list, read and set the collection's settings (scheduler, desired_retention, new_per_day)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.adapters.sanitize import clean_line
from quizcards.cli.common import clock, config_path, handle_errors, local_day, new_cards_per_day, open_store
from quizcards.core.errors import QuizError, StoreError

if TYPE_CHECKING:
    from quizcards.core.session import SessionFilter
    from quizcards.core.settings import CollectionSettings, SettingName, SettingValue
    from quizcards.store import Store

CONFIG_JSON_VERSION = 1


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""

    @app.command("config")
    @handle_errors
    def config(
        ctx: typer.Context,
        name: Annotated[
            str | None,
            typer.Argument(
                help="A setting: scheduler, desired_retention or new_per_day. Alone, it prints the value.",
                show_default=False,
            ),
        ] = None,
        value: Annotated[
            str | None, typer.Argument(help="The value to store for the setting.", show_default=False)
        ] = None,
        unset: Annotated[
            bool, typer.Option("--unset", help="Remove the setting, so its default applies again.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="List the settings as JSON.")] = False,
    ) -> None:
        """Show or change the collection's settings, which are kept in its database.

        With no argument, every setting is listed with where its value comes from.

        `quiz config scheduler fsrs` makes FSRS decide what is due, from the whole review log.

        SM-2 keeps its own schedule underneath, so `quiz config scheduler sm2` gives it back exactly.

        `desired_retention` (0.70-0.99, default 0.9) is the recall FSRS aims for.

        `new_per_day` is the daily new-card limit; unset, the config file's new_per_day applies, else 10.
        """
        from quizcards.core.settings import parse_setting, setting_name

        if name is None:
            if unset or value is not None:
                raise QuizError("Name a setting to change: quiz config NAME VALUE (or NAME --unset).")
            with open_store(ctx, mode="read") as store:
                _list(store, as_json=as_json)
            return
        known = setting_name(name)
        if as_json:
            raise QuizError("--json lists every setting; use it without a name.")
        if unset and value is not None:
            raise QuizError(f"Give a value for {known}, or --unset, not both.")
        if value is None and not unset:
            with open_store(ctx, mode="read") as store:
                typer.echo(_shown_value(known, store.collection_settings()))
            return
        new_value = None if unset else parse_setting(known, value or "")
        with open_store(ctx, mode="write") as store:
            _set(store, known, new_value)


def _shown_value(name: SettingName, settings: CollectionSettings) -> str:
    from quizcards.core.settings import shown

    value = settings.value(name)
    return shown(name, value) if value is not None else str(new_cards_per_day())


def _list(store: Store, *, as_json: bool) -> None:
    import textwrap

    from quizcards.core.settings import DESCRIPTIONS, SETTING_NAMES
    from quizcards.render import make_console

    settings = store.collection_settings()
    stored = store.stored_setting_names()
    damaged: str | None = None
    try:
        fitted = store.fsrs_parameters()
    except StoreError as error:
        if as_json:
            raise
        fitted, damaged = None, str(error)  # the settings are still worth listing
    rows = []
    for name in SETTING_NAMES:
        if name in stored:
            source = "set"
        elif name == "new_per_day" and config_path().is_file():
            source = "config file"
        else:
            source = "default"
        rows.append((name, _shown_value(name, settings), source))
    if as_json:
        values: dict[str, object] = {
            "scheduler": settings.scheduler,
            "desired_retention": settings.desired_retention,
            "new_per_day": settings.new_per_day if settings.new_per_day is not None else new_cards_per_day(),
        }
        document = {
            "version": CONFIG_JSON_VERSION,
            "settings": [
                {"name": name, "value": values[name], "source": source} for name, _shown, source in rows
            ],
            "fsrs_parameters": None
            if fitted is None
            else {"fitted_on": fitted.fitted_on.isoformat(), "parameters": list(fitted.parameters)},
        }
        from quizcards.adapters.sanitize import json_text

        typer.echo(json_text(document))
        return
    width = max(len(name) for name in SETTING_NAMES)
    columns = make_console().width
    for name, shown_value, source in rows:
        start = f"{name:<{width}}  {shown_value:<6}  {source:<11}  "
        # Wrapped here, between words, with the rest hanging under the first line's description.
        described = textwrap.wrap(DESCRIPTIONS[name], width=max(columns - len(start), 20))
        typer.echo(start + f"\n{' ' * len(start)}".join(described))
    if any(source == "config file" for _name, _value, source in rows):
        typer.echo(f"The config file is {config_path()}.")
    if damaged is not None:
        typer.echo(f"FSRS parameters: {clean_line(damaged)}")
    elif fitted is None:
        typer.echo("FSRS parameters: FSRS's defaults (quiz optimize fits them to your reviews).")
    else:
        typer.echo(
            f"FSRS parameters: fitted on {fitted.fitted_on.isoformat()} to {fitted.reviews:,} reviews "
            "(quiz optimize)."
        )


def _set(store: Store, name: SettingName, value: SettingValue | None) -> None:
    from quizcards.core.settings import shown
    from quizcards.render import make_console

    console = make_console()
    say = console.print  # wrapped between words at the terminal's width
    try:
        before: CollectionSettings | None = store.collection_settings()
    except StoreError:
        before = None  # a damaged setting: storing a value, or --unset, is how it is mended
    if (
        before is not None
        and value is not None
        and before.value(name) == value
        and name in store.stored_setting_names()
    ):
        say(f"{name} is already {shown(name, value)}; nothing changed.")
        return
    if name == "scheduler" and value == "fsrs":
        from quizcards.core.fsrs import require_fsrs

        require_fsrs()  # before anything is written, with the install command
    today = local_day(clock())
    replays = name != "new_per_day" and "fsrs" in (value, before and before.scheduler)
    # A transient line on a terminal (nothing elsewhere): a large log takes a while to replay.
    with console.status("Replaying the review log under FSRS…") if replays else contextlib.nullcontext():
        rebuilt = store.set_setting(name, value)
    after = store.collection_settings()
    if value is None:
        say(f"Removed {name}; it is {_shown_value(name, after)} again ({_default_source(name)}).")
    else:
        say(f"{name} is now {shown(name, value)}.")
    if name == "new_per_day":
        if store.study_plan() is not None:
            say("An applied study plan (quiz plan) sets the limit until it ends.")
        return
    due = len(store.due_card_ids(today, _everything()))
    if after.scheduler == "fsrs" and rebuilt is not None:
        say(
            f"FSRS replayed the review log of {rebuilt:,} {'card' if rebuilt == 1 else 'cards'} "
            f"(desired retention {after.desired_retention:g}, {_parameters_name(store)}); "
            f"{due:,} {'card is' if due == 1 else 'cards are'} due today."
        )
    elif name == "scheduler":
        say(
            f"SM-2 schedules again, exactly as the review log implies; {due:,} "
            f"{'card is' if due == 1 else 'cards are'} due today."
        )
    else:
        say("FSRS aims for it once it is the scheduler (quiz config scheduler fsrs).")


def _default_source(name: SettingName) -> str:
    if name == "new_per_day" and config_path().is_file():
        return f"from {config_path()}"
    return "the default"


def _parameters_name(store: Store) -> str:
    fitted = store.fsrs_parameters()
    return "default parameters" if fitted is None else f"parameters fitted on {fitted.fitted_on.isoformat()}"


def _everything() -> SessionFilter:
    from quizcards.core.session import SessionFilter

    return SessionFilter()
