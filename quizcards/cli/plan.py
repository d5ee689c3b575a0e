"""`quiz plan`: plan back from an interview date; --apply sets the daily new-card limit until then."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import (
    DecksOption,
    TagsOption,
    clock,
    handle_errors,
    local_day,
    open_store,
    require_selection,
)
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.core.session import SessionFilter
    from quizcards.store import Store


def parse_by(value: str, today: date) -> date:
    """--by as a date after today, or a one-line error."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise QuizError(f"--by must be a date like {today.isoformat()}, not {value!r}.") from None
    if day <= today:
        raise QuizError(
            f"--by {day.isoformat()} is not after today ({today.isoformat()}); "
            "a plan needs at least one day before the date."
        )
    from quizcards.core.planning import HORIZON_DAYS, horizon_message

    if (day - today).days > HORIZON_DAYS:
        raise QuizError(f"--by {horizon_message(day, today)}")
    return day


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""

    @app.command("plan")
    @handle_errors
    def plan(
        ctx: typer.Context,
        *,
        by: Annotated[
            str | None,
            typer.Option(
                "--by",
                metavar="DATE",
                help=(
                    "The interview date (YYYY-MM-DD), after today and at most 366 days away. Every card is "
                    "to be seen twice, the last time graded 3 or more, BEFORE it: by the day before at the "
                    "latest."
                ),
                show_default=False,
            ),
        ] = None,
        deck: DecksOption = None,
        tag: TagsOption = None,
        max_new: Annotated[
            int,
            typer.Option(
                "--max-new",
                min=1,
                metavar="N",
                help="The most new cards a day the plan may ask for; past it the date is too close.",
            ),
        ] = 30,
        apply: Annotated[
            bool,
            typer.Option(
                "--apply",
                help=(
                    "Store the plan: quiz review then starts this many new cards a day from these cards "
                    "until the date (replaces any earlier plan)."
                ),
            ),
        ] = False,
        clear: Annotated[bool, typer.Option("--clear", help="Remove the stored plan.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="The plan as versioned JSON.")] = False,
    ) -> None:
        """Plan back from an interview date: new cards a day, reviews a day, what fits; --apply follows it."""
        from quizcards.core.session import SessionFilter

        today = local_day(clock())
        if clear:
            if by is not None or apply or deck or tag:
                raise QuizError("--clear takes no other option: it removes the stored plan.")
            _clear(ctx)
            return
        if by is None:
            if apply or deck or tag:
                raise QuizError("give the interview date with --by DATE (YYYY-MM-DD).")
            _show_stored(ctx, today, as_json=as_json)
            return
        until = parse_by(by, today)
        selection = SessionFilter(decks=tuple(deck or ()), tags=tuple(tag or ()))
        with open_store(ctx, mode="write" if apply else "read") as store:
            _run(store, selection, today, until, max_new=max_new, apply=apply, as_json=as_json)


def _check_selection(store: Store, selection: SessionFilter) -> None:
    require_selection(store, selection.decks, selection.tags)


def _run(
    store: Store,
    selection: SessionFilter,
    today: date,
    until: date,
    *,
    max_new: int,
    apply: bool,
    as_json: bool,
) -> None:
    from quizcards.core.planning import StoredPlan, plan_study

    _check_selection(store, selection)
    cards = store.plan_cards(selection)
    if not cards:
        raise QuizError("there are no cards to plan for; quiz import PATH adds a deck.")
    plan = plan_study(
        cards, today, until, introduced_today=store.introduced_count(today), max_new_per_day=max_new
    )
    stored, replaced = None, None
    if apply:
        stored = StoredPlan(selection.decks, selection.tags, plan.new_per_day, today, until)
        replaced = store.save_study_plan(stored, clock())
    else:
        stored = store.study_plan()
    if as_json:
        from quizcards.adapters.sanitize import json_text
        from quizcards.core.planning import plan_json

        typer.echo(json_text(plan_json(plan, selection, applied=apply, stored=stored)))
        return
    from rich.text import Text

    from quizcards.render import make_console
    from quizcards.render.plan import last_days_text, plan_view, selection_text, stored_plan_line

    console = make_console()
    console.print(plan_view(plan, selection))
    if store.collection_settings().scheduler == "fsrs":
        # The plan's rules (ready = two reviews, the forecast at grade 4) are SM-2's, which keeps
        # running underneath; FSRS spaces the same cards its own way.
        console.print(
            "The forecast follows SM-2's intervals at grade 4; FSRS, the scheduler in force, spaces "
            "reviews its own way, so take the review counts as a guide.",
            style="dim",
        )
    console.print()
    if apply:
        applied = Text("Applied: ", style="bold green")
        applied.append(f"quiz review starts up to {plan.new_per_day} new cards a day from ")
        applied.append_text(selection_text(selection))
        applied.append(
            f", until {until.isoformat()} ({last_days_text(today, until)}); "
            "an explicit --new wins for one session. quiz plan --clear removes it."
        )
        console.print(applied)
        if replaced is not None:
            console.print(
                stored_plan_line(replaced, today, label="It replaced the earlier plan: "), style="dim"
            )
    else:
        if stored is not None:
            console.print(stored_plan_line(stored, today, label="The stored plan (unchanged): "))
        console.print(Text("quiz plan ... --apply stores this plan for quiz review.", style="dim"))


def _clear(ctx: typer.Context) -> None:
    with open_store(ctx, mode="write") as store:
        removed = store.clear_study_plan()
    if removed is None:
        typer.echo("There was no stored plan; nothing changed.")
    else:
        typer.echo(f"Removed the plan until {removed.until.isoformat()}; quiz review uses new_per_day again.")


def _show_stored(ctx: typer.Context, today: date, *, as_json: bool) -> None:
    with open_store(ctx, mode="read") as store:
        stored = store.study_plan()
    if as_json:
        from quizcards.adapters.sanitize import json_text
        from quizcards.core.planning import PLAN_FORMAT, PLAN_VERSION, stored_plan_json

        document = {
            "format": PLAN_FORMAT,
            "version": PLAN_VERSION,
            "today": today.isoformat(),
            "plan": stored_plan_json(stored, today) if stored is not None else None,
        }
        typer.echo(json_text(document))
        return
    if stored is None:
        typer.echo("No plan is stored. quiz plan --by DATE makes one; --apply stores it.")
        return
    from quizcards.render import make_console
    from quizcards.render.plan import stored_plan_line

    make_console().print(stored_plan_line(stored, today))
