"""`quiz optimize`: fit FSRS's parameters to the learner's own log, judged on cards held out of the fit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from quizcards.cli.common import clock, handle_errors, local_day, open_store
from quizcards.core.errors import NotATerminalError, QuizError, StoreError

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.core.fsrs_fitting import FitQuality, FitResult
    from quizcards.store import Store
    from quizcards.store.scheduling import StoredParameters

OPTIMIZE_JSON_VERSION = 1
# The held-out fifth is drawn from this seed unless told: the same log gives the same fit and verdict.
DEFAULT_SEED = 17
OPTIMIZER_PACKAGE = "fsrs-rs-python"

Verdict = Literal["better", "same", "worse", "mixed", "unjudged"]


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""

    @app.command("optimize")
    @handle_errors
    def optimize(
        ctx: typer.Context,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Save without asking.")] = False,
        as_json: Annotated[
            bool,
            typer.Option("--json", help="Print the fit as JSON; it is saved only with --yes."),
        ] = False,
        seed: Annotated[
            int,
            typer.Option(
                "--seed",
                min=0,
                help="Which cards are held out of the fit to judge it (default 17).",
                show_default=False,
            ),
        ] = DEFAULT_SEED,
        reset: Annotated[bool, typer.Option("--reset", help="Go back to FSRS's default parameters.")] = False,
    ) -> None:
        """Fit FSRS's parameters to your own review log, and show how well they predict.

        A fifth of your cards is held out of the fit and judges it: log loss and RMSE(bins), lower is better.

        The new fit is shown beside FSRS's defaults and the fit in force, and saved only if you say yes.

        Under FSRS, saving reschedules every card at once; under SM-2 the parameters wait for FSRS.

        Fitting needs 600 reviews made a day or more after the card's previous one; below that, it says why.
        """
        from quizcards.adapters.terminal import is_interactive

        if reset and as_json:
            raise QuizError("--reset prints no JSON; use --reset alone, or with --yes.")
        if not reset:
            from quizcards.core.fsrs import require_fsrs
            from quizcards.core.fsrs_fitting import require_optimizer

            require_fsrs()  # a missing extra first: a terminal would not help
            require_optimizer()
        if not yes and not as_json and not is_interactive():
            raise NotATerminalError(
                "quiz optimize asks before saving and needs a terminal; give --yes to save without "
                "asking, or --json to see the fit without saving."
            )
        from quizcards.render import make_console

        console = make_console()
        if reset:
            with open_store(ctx, mode="write") as store:
                _reset(store, console, yes=yes)
            return
        with open_store(ctx, mode="write") as store:
            _optimize(store, console, seed=seed, yes=yes, as_json=as_json)


def _optimize(store: Store, console: Console, *, seed: int, yes: bool, as_json: bool) -> None:
    import random

    from quizcards.core.fsrs_fitting import fit_parameters, held_out_cards, long_term_reviews

    in_force = store.fsrs_parameters()
    # A transient line on a terminal (nothing elsewhere): a large log takes seconds to read and fit.
    with console.status("Fitting FSRS to your review log…"):
        named = store.fsrs_histories()
        histories = [history for _name, history in named]
        result = fit_parameters(
            histories,
            random.Random(seed),
            baseline=None if in_force is None else in_force.parameters,
            held_out=held_out_cards([name for name, _history in named], seed),
        )
    today = local_day(clock())
    reference = result.before if in_force is None else result.baseline
    verdict = _verdict(reference, result.after) if result.fitted else None
    if as_json:
        saved: tuple[int | None, int] | None = None
        if yes and result.fitted:
            saved = _save(store, result, reference, today, seed)
        document = _document(
            store, result, in_force=in_force, verdict=verdict, saved=saved, seed=seed, today=today
        )
        document["all_reviews"] = long_term_reviews(histories)
        from quizcards.adapters.sanitize import json_text

        typer.echo(json_text(document))
        return
    if not result.fitted:
        _explain_refusal(console, result, long_term_reviews(histories), in_force)
        return
    for line in _fit_table(result, in_force, seed):
        console.print(line)
    assert verdict is not None
    console.print(_verdict_sentence(verdict, in_force, reference, result.after))
    if in_force is not None:
        made = f"The fit in force was made on {in_force.fitted_on.isoformat()}"
        if in_force.seed == seed:
            console.print(f"({made} with the same --seed, so it never saw these held-out cards.)")
        else:
            console.print(
                f"({made} with another --seed, so it may have been fitted on some of these held-out "
                "cards, which flatters it; run with --seed "
                f"{in_force.seed} for a fair comparison.)"
                if in_force.seed is not None
                else f"({made} with another --seed, so it may have been fitted on some of these held-out "
                "cards, which flatters it.)"
            )
    question = f"Save the new fit (fitted {today.isoformat()})?"
    if yes:
        if verdict != "better":
            console.print("Saving it all the same, as --yes says.")
    elif not _ask(console, question, default=verdict == "better"):
        console.print("Nothing saved; the parameters in force stay.")
        return
    with console.status("Saving, and replaying the review log under FSRS if it is in force…"):
        rebuilt, due = _save(store, result, reference, today, seed)
    console.print(f"Saved the new fit's parameters. {_in_force_sentence(rebuilt, due)}")


def _reset(store: Store, console: Console, *, yes: bool) -> None:
    try:
        stored = store.fsrs_parameters()
        damaged = False
    except StoreError:
        stored, damaged = None, True  # the reset is the cure the error names
    if not damaged and stored is None:
        console.print("FSRS's default parameters are already in force; nothing changed.")
        return
    what = "the damaged row" if stored is None else f"the fit of {stored.fitted_on.isoformat()}"
    question = f"Go back to FSRS's default parameters? ({what} stays in the database's history)"
    if not yes and not _ask(console, question, default=False):
        console.print("Nothing changed.")
        return
    today = local_day(clock())
    with console.status("Saving, and replaying the review log under FSRS if it is in force…"):
        rebuilt = store.reset_fsrs_parameters(today, fitted_at=clock())
    due = _due_today(store, today)
    console.print(f"FSRS's default parameters are in force again. {_in_force_sentence(rebuilt, due)}")


def _save(
    store: Store, result: FitResult, reference: FitQuality | None, today: date, seed: int
) -> tuple[int | None, int]:
    """Save the fit (rebuilding every card's state under FSRS): (cards rebuilt or None, cards due today)."""
    from quizcards.store.scheduling import StoredParameters

    after = result.after
    record = StoredParameters(
        result.parameters,
        today,
        result.fitted_cards,
        result.fitted_reviews,
        0 if after is None else after.reviews,
        None if reference is None else reference.log_loss,
        None if after is None else after.log_loss,
        None if reference is None else reference.rmse_bins,
        None if after is None else after.rmse_bins,
        _optimizer_name(),
        held_out_cards=result.held_out_cards,
        seed=seed,
    )
    rebuilt = store.save_fsrs_parameters(record, fitted_at=clock())
    return rebuilt, _due_today(store, today)


def _verdict(reference: FitQuality | None, after: FitQuality | None) -> Verdict:
    """The new fit against what it would replace, on the same held-out reviews (lower is better;
    figures equal to the printed three decimals count as equal). Better or worse means by both."""
    if reference is None or after is None:
        return "unjudged"
    log_loss = _compared(after.log_loss, reference.log_loss)
    rmse = _compared(after.rmse_bins, reference.rmse_bins)
    if log_loss == rmse == 0:
        return "same"
    if log_loss < 0 and rmse < 0:
        return "better"
    if log_loss > 0 and rmse > 0:
        return "worse"
    return "mixed"


def _compared(new: float, old: float) -> int:
    """-1, 0 or 1 as new is lower than, equal to or higher than old, to the three decimals shown."""
    difference = round(new, 3) - round(old, 3)
    return 0 if abs(difference) < 5e-4 else (1 if difference > 0 else -1)


def _verdict_sentence(
    verdict: Verdict,
    in_force: StoredParameters | None,
    reference: FitQuality | None,
    after: FitQuality | None,
) -> str:
    replaced = "FSRS's defaults" if in_force is None else "the parameters in force"
    if verdict == "better":
        return f"The new fit predicts the held-out reviews better than {replaced}, by both measures."
    if verdict == "same":
        return f"The new fit predicts the held-out reviews as well as {replaced}: no difference."
    if verdict == "worse":
        return f"The new fit predicts the held-out reviews WORSE than {replaced}, by both measures."
    if verdict == "mixed" and reference is not None and after is not None:
        words = {-1: "better", 0: "no different", 1: "worse"}
        log_loss = words[_compared(after.log_loss, reference.log_loss)]
        rmse = words[_compared(after.rmse_bins, reference.rmse_bins)]
        return (
            f"Against {replaced}, the new fit is {log_loss} by log loss and {rmse} by RMSE(bins): "
            "no clear gain."
        )
    return "No held-out card has a review to judge the fit by, so nothing shows it is better."


def _fit_table(result: FitResult, in_force: StoredParameters | None, seed: int) -> list[str]:
    after = result.after
    judged = 0 if after is None else after.reviews
    lines = [
        f"Fitted FSRS parameters to {result.fitted_reviews:,} reviews of {result.fitted_cards:,} cards; "
        f"judged them on {judged:,} reviews of {result.held_out_cards:,} other cards "
        f"(held out of the fit, chosen by --seed {seed}; lower is better):",
        f"  {'':<24} {'log loss':>9}   {'RMSE(bins)':>10}",
    ]
    rows: list[tuple[str, FitQuality | None]] = [("FSRS defaults", result.before)]
    if in_force is not None:
        rows.append((f"in force ({in_force.fitted_on.isoformat()})", result.baseline))
    rows.append(("new fit", after))
    for name, quality in rows:
        if quality is None:
            lines.append(f"  {name:<24} {'-':>9}   {'-':>10}")
        else:
            lines.append(f"  {name:<24} {quality.log_loss:>9.3f}   {quality.rmse_bins:>10.3f}")
    return lines


def _explain_refusal(
    console: Console, result: FitResult, all_reviews: int, in_force: StoredParameters | None
) -> None:
    console.print(result.reason or "Nothing was fitted.")
    cards = result.fitted_cards + result.held_out_cards
    if cards:
        console.print(
            f"The fit learns from {result.fitted_cards:,} of your {cards:,} reviewed cards (about one in "
            f"five is held out to judge it); in all, your log has {all_reviews:,} such reviews."
        )
    kept = "FSRS's defaults" if in_force is None else f"the fit of {in_force.fitted_on.isoformat()}"
    console.print(f"Nothing saved; {kept} stay in force. Review more, then run quiz optimize again.")


def _document(
    store: Store,
    result: FitResult,
    *,
    in_force: StoredParameters | None,
    verdict: Verdict | None,
    saved: tuple[int | None, int] | None,
    seed: int,
    today: date,
) -> dict[str, object]:
    from quizcards.core.fsrs_fitting import MIN_FIT_REVIEWS

    def quality(value: FitQuality | None) -> dict[str, float | int] | None:
        if value is None:
            return None
        return {"log_loss": value.log_loss, "rmse_bins": value.rmse_bins, "reviews": value.reviews}

    return {
        "version": OPTIMIZE_JSON_VERSION,
        "seed": seed,
        "fitted": result.fitted,
        "reason": result.reason,
        "minimum_reviews": MIN_FIT_REVIEWS,
        "cards": result.fitted_cards,
        "reviews": result.fitted_reviews,
        "held_out_cards": result.held_out_cards,
        "judged": {
            "defaults": quality(result.before),
            "in_force": quality(result.baseline),
            "fitted": quality(result.after),
        },
        "parameters_in_force": None
        if in_force is None
        else {"fitted_on": in_force.fitted_on.isoformat(), "parameters": list(in_force.parameters)},
        "verdict": verdict,
        "parameters": list(result.parameters) if result.fitted else None,
        "fitted_on": today.isoformat() if result.fitted else None,
        "saved": saved is not None,
        "scheduler": store.collection_settings().scheduler,
        "rescheduled_cards": None if saved is None else saved[0],
        "due_today": None if saved is None else saved[1],
    }


def _in_force_sentence(rebuilt: int | None, due: int) -> str:
    if rebuilt is None:
        return (
            "SM-2 is the scheduler in force; FSRS uses these parameters once you run "
            "quiz config scheduler fsrs."
        )
    return (
        f"FSRS schedules with them now: it replayed the review logs of {rebuilt:,} "
        f"{'card' if rebuilt == 1 else 'cards'}; {due:,} {'card is' if due == 1 else 'cards are'} due today."
    )


def _due_today(store: Store, today: date) -> int:
    from quizcards.core.session import SessionFilter

    return len(store.due_card_ids(today, SessionFilter()))


def _optimizer_name() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{OPTIMIZER_PACKAGE} {version(OPTIMIZER_PACKAGE)}"
    except PackageNotFoundError:
        return OPTIMIZER_PACKAGE


def _ask(console: Console, question: str, *, default: bool) -> bool:
    """A yes-or-no answer typed at the terminal; Enter takes the default, end of input is no."""
    import textwrap

    choices = "[Y/n]" if default else "[y/N]"
    # input() cannot wrap: all but the last line go through the console, between words.
    *before, last = textwrap.wrap(f"{question} {choices}", width=console.width) or [choices]
    while True:
        for line in before:
            console.print(line, soft_wrap=True)
        try:
            answer = input(f"{last} ").strip().lower()
        except EOFError:
            console.print()
            return False
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        console.print("Answer y or n.")
