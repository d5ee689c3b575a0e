"""`quiz check` and `quiz backup`: integrity checks, repairs and copies of the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import busy_timeout_seconds, clock, handle_errors, open_store, settings_of
from quizcards.core.checks import DamagedValuesError
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from rich.console import Console

    from quizcards.store import Store


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""

    @app.command("check")
    @handle_errors
    def check(
        ctx: typer.Context,
        repair: Annotated[
            bool,
            typer.Option(
                "--repair",
                help="Rewrite each drifted card (and, under FSRS, each wrong FSRS state) from its review log "
                "(a backup is taken first).",
            ),
        ] = False,
    ) -> None:
        """Check the database: SQLite's integrity check, and every card's schedule against its review log.

        Under FSRS, also every card's FSRS state against its replay of the log.

        Exits with 1 when a problem is found and left in place.
        """
        from quizcards.render import make_console
        from quizcards.render.maintenance import (
            checking,
            fsrs_lines,
            fsrs_repaired_line,
            integrity_lines,
            repaired_line,
            schedule_lines,
        )

        console = make_console()
        try:
            store = open_store(ctx, mode="write" if repair else "read")
        except DamagedValuesError:
            if not repair:
                raise
            # Damaged values stop the upgrade (m004) that opening applies: repair them first.
            store = _repair_before_upgrade(ctx, console)
        with store:
            console.print(checking(settings_of(ctx).db_path), soft_wrap=True)
            problems = store.integrity_problems()
            console.print(integrity_lines(problems))
            if problems:
                raise QuizError(
                    f"{store.path} is damaged; restore the latest good copy from {store.backups_dir()} "
                    "(see `quiz backup --help`). Nothing was repaired."
                )
            report = store.check_schedules()
            fsrs = report.fsrs  # None under SM-2: FSRS states are rebuilt when it is switched on
            fsrs_wrong = fsrs.pks if fsrs is not None else ()
            repaired: int | None = None
            rebuilt: int | None = None
            backup: Path | None = None
            if repair and (report.drifts or fsrs_wrong):
                from quizcards.store.backups import stamp

                backup = store.backup_automatically("before-repair", stamp=stamp(clock()))
                if report.drifts:
                    repaired = store.repair_schedules(drift.pk for drift in report.drifts)
                if fsrs_wrong:
                    rebuilt = store.repair_fsrs_states(fsrs_wrong)
            console.print(schedule_lines(report, repaired=repaired))
            if fsrs is not None:
                console.print(fsrs_lines(fsrs, repaired=rebuilt is not None))
            journal_left = _check_journal(store, console, repair=repair, backed_up=backup is not None)
        if repaired is not None:
            console.print(repaired_line(repaired, backup), soft_wrap=True)
        if rebuilt is not None:
            console.print(
                fsrs_repaired_line(rebuilt, None if repaired is not None else backup), soft_wrap=True
            )
        if report.drifts and repaired is None:
            console.print("Run quiz check --repair to rewrite them from the log (a backup is taken first).")
        elif fsrs_wrong and rebuilt is None:
            console.print("Run quiz check --repair to rebuild them from the log (a backup is taken first).")
        if report.unreadable:
            count = len(report.unreadable)
            which = "1 card has a review log" if count == 1 else f"{count} cards have review logs"
            raise QuizError(f"{which} that cannot be replayed; restore the database from a backup.")
        left = (report.drifts and repaired is None) or (fsrs_wrong and rebuilt is None) or journal_left
        if left or (fsrs is not None and fsrs.not_checked is not None):
            raise typer.Exit(code=1)

    @app.command("backup")
    @handle_errors
    def backup(
        ctx: typer.Context,
        where: Annotated[
            str | None,
            typer.Argument(
                metavar="[PATH]",
                help="Where to write the copy: a new file, or a folder to put it in (end it with /) "
                "(default: the backups folder beside the database).",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Copy the database safely, even while it is in use (SQLite's online backup), and verify the copy.

        To restore one: stop quiz, move the database (and any -wal and -shm file) aside, copy the backup in.
        """
        from quizcards.render import make_console
        from quizcards.render.maintenance import backed_up

        settings = settings_of(ctx)
        # A Path forgets a trailing slash, which is how the learner says "a folder".
        path = Path(where).expanduser() if where is not None else None
        if path is not None and where is not None and where.endswith(("/", os.sep)) and not path.is_dir():
            raise QuizError(f"cannot write a backup into {where}: the folder does not exist.")
        from quizcards.store.backups import free_copy_path, stamp

        with open_store(ctx, mode="copy") as store:
            now = stamp(clock())
            if path is None:
                target = free_copy_path(store.made_backups_dir(), settings.db_path.stem, now)
            elif path.is_dir():
                target = free_copy_path(path, settings.db_path.stem, now)
            else:
                from quizcards.adapters.files import check_target

                check_target(path)
                target = path
            if target.resolve() == settings.db_path.resolve():
                raise QuizError(f"{target} is the database itself; choose another name for the backup.")
            store.backup_to(target)
        copy = store.check_copy(target)
        if copy.problems:
            raise QuizError(
                f"the copy {target} failed its integrity check ({copy.problems[0]}); it is not a backup."
            )
        make_console().print(backed_up(settings.db_path, target, copy.cards, copy.reviews), soft_wrap=True)


def _repair_before_upgrade(ctx: typer.Context, console: Console) -> Store:
    """`quiz check --repair` on a database the upgrade refuses: repair it, say so, then open it."""
    from quizcards.render.maintenance import repaired_line
    from quizcards.store import Store
    from quizcards.store.backups import stamp

    repaired, backup = Store.repair_before_upgrade(
        settings_of(ctx).db_path, stamp=stamp(clock()), busy_timeout=busy_timeout_seconds()
    )
    if repaired:
        console.print(repaired_line(repaired, backup), soft_wrap=True)
    return open_store(ctx, mode="write")


def _check_journal(store: Store, console: Console, *, repair: bool, backed_up: bool) -> bool:
    """Once `quiz sync` is set up: compare the sync folder with the database (and repair what can be).

    Returns whether a problem is left in place.
    """
    from quizcards.adapters.journal import Journal, JournalError
    from quizcards.core.sync.reading import START
    from quizcards.render.sync import journal_lines

    setup = store.sync_setup()
    if setup.folder is None or setup.device_id is None:
        return False
    journal = Journal(Path(setup.folder))
    try:
        files = journal.files()
        check = store.check_journal(
            ((file.relative, file.device, journal.read(file.relative, START)) for file in files),
            setup.device_id,
        )
        check.stray = journal.stray()
    except JournalError as error:
        console.print(f"  - Sync folder not checked: {error}", style="yellow", soft_wrap=True)
        return False
    repaired = False
    if repair and (check.unsent or check.unmerged):
        if not backed_up:
            from quizcards.store.backups import stamp

            store.backup_automatically("before-repair", stamp=stamp(clock()))
        store.repair_journal(check)
        repaired = True
    console.print(journal_lines(check, setup.folder, repaired=repaired))
    return bool(check.missing) or (not repaired and bool(check.unsent or check.unmerged))
