"""`quiz sync`: exchange review journals with the learner's other machines through a folder or git."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli import sync_steps as steps
from quizcards.cli.common import clock, handle_errors, open_store
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from quizcards.adapters.git import GitOutcome, GitProblem
    from quizcards.adapters.journal import Journal
    from quizcards.core.sync.report import SyncReport
    from quizcards.store import Store
    from quizcards.store.sync import Received, SyncSetup

SYNC_JSON_VERSION = 1
NAME_LIMIT = 100


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""

    @app.command("sync")
    @handle_errors
    def sync(
        ctx: typer.Context,
        folder: Annotated[
            Path | None,
            typer.Argument(
                metavar="FOLDER",
                help="The sync folder (remembered): one kept in step by Syncthing, Dropbox or a network "
                "drive, or a git clone (with --git).",
                show_default=False,
            ),
        ] = None,
        *,
        name: Annotated[
            str | None,
            typer.Option(
                "--name",
                help="This machine's name in the folder (default: its host name).",
                show_default=False,
            ),
        ] = None,
        git: Annotated[
            bool | None,
            typer.Option(
                "--git/--no-git",
                help="Also commit this machine's journal, pull --rebase and push (remembered).",
                show_default=False,
            ),
        ] = None,
        rebuild: Annotated[
            bool,
            typer.Option(
                "--rebuild", help="Read every journal file again from its start, this machine's too."
            ),
        ] = False,
        new_device: Annotated[
            bool,
            typer.Option(
                "--new-device",
                help="Give this database its own identity (copied from another machine's, or restored).",
            ),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Report what was done as JSON.")] = False,
    ) -> None:
        """Send this machine's reviews to the sync folder and take in every other machine's.

        Each machine writes only its own files, FOLDER/<device-id>/<yyyy-mm>.jsonl.

        Every card the reviews touch is rescheduled from its whole merged log: sync in any order.

        The folder is remembered: after the first time, quiz sync is enough.
        """
        from datetime import timedelta

        from quizcards.adapters.journal import ForeignLines, Journal
        from quizcards.store import utc_timestamp

        with open_store(ctx, mode="write") as store:
            setup, moved = _set_up(store, folder, name, git, new_device)
            assert setup.device_id is not None
            assert setup.folder is not None
            journal = Journal(Path(setup.folder))
            outcome: GitOutcome | GitProblem | None = None
            if setup.git:
                # Pull first: another database writing under this id shows before anything is written.
                outcome = steps.exchange(journal.folder, setup)
            journal.prepare()
            journal.remove_temporaries(setup.device_id)
            try:
                sent = steps.send(store, journal, setup.device_id)
            except ForeignLines as error:
                raise QuizError(
                    f"{error} If this database was copied from another machine's, or restored from a "
                    "backup, give it its own identity with `quiz sync --new-device`."
                ) from None
            journal.write_device(setup.device_id, setup.name or setup.device_id[:8])
            if (
                setup.git
                and not isinstance(outcome, QuizError)
                and steps.changed(journal.folder, setup.device_id)
            ):
                outcome = steps.combined(outcome, steps.exchange(journal.folder, setup))
            if rebuild:
                store.forget_positions()
            lines = steps.reads(store, journal, setup.device_id, include_own=rebuild)
            tomorrow = utc_timestamp(clock() + timedelta(days=1))
            received = store.receive(lines, sent=sent.cards, sent_events=sent.events, ahead_of=tomorrow)
            names = journal.device_names()
            store.note_devices(names)
            in_folder = {file.device for file in journal.files()} | set(names)
            report = _report(store, setup, sent.count, received, outcome, in_folder=in_folder)
            notes = _notes(setup, journal, moved=moved)
        _print(report, notes, as_json=as_json)
        if isinstance(outcome, QuizError):
            raise QuizError(
                "the git step stopped (see above); this machine's reviews are saved in the folder, and the "
                "next quiz sync sends them."
            )


def _notes(setup: SyncSetup, journal: Journal, *, moved: bool) -> list[str]:
    """Plain remarks for the learner: a new folder, a git clone synced without --git."""
    notes = []
    if moved:
        notes.append("A new sync folder: this machine's whole history was written to it.")
    if not setup.git and (journal.folder / ".git").exists():
        notes.append("This folder is a git work tree: add --git to commit, pull and push it (remembered).")
    return notes


def _set_up(
    store: Store, folder: Path | None, name: str | None, git: bool | None, new_device: bool
) -> tuple[SyncSetup, bool]:
    """This device's identity and the folder, as given now or remembered from the last sync; and whether
    the folder is another than the one remembered (then everything is sent to it again)."""
    setup = store.sync_setup()
    if folder is None and setup.folder is None:
        raise QuizError(
            "quiz sync needs a folder the first time: quiz sync FOLDER (a folder kept in step by Syncthing, "
            "Dropbox or a network drive, or a git clone with --git). It is remembered afterwards."
        )
    chosen = (folder if folder is not None else Path(str(setup.folder))).expanduser().resolve()
    if not chosen.is_dir() and folder is None:
        raise QuizError(
            f"the sync folder {chosen} (remembered from the last sync) is not there: is its drive mounted, "
            "or Syncthing or Dropbox running? To sync through another folder: quiz sync FOLDER."
        )
    if not chosen.is_dir():
        raise QuizError(f"the sync folder {chosen} does not exist (or is not a folder); create it first.")
    moved = setup.folder is not None and Path(setup.folder).expanduser().resolve() != chosen
    if moved:
        store.forget_folder()
    if name is not None:
        from quizcards.adapters.sanitize import clean_line

        name = " ".join(clean_line(name).split())[:NAME_LIMIT]
        if not name:
            raise QuizError("--name needs a name for this machine, such as laptop.")
    elif setup.name is None:
        import socket

        name = " ".join(socket.gethostname().split())[:NAME_LIMIT] or "this machine"
    if new_device and setup.device_id is not None:
        store.new_device_identity(os.urandom(16).hex())
    chosen_setup = store.set_up_sync(
        device_id=os.urandom(16).hex(),
        name=name,
        folder=str(chosen),
        git=setup.git if git is None else git,
    )
    return chosen_setup, moved


def _report(
    store: Store,
    setup: SyncSetup,
    sent: int,
    received: Received,
    outcome: GitOutcome | GitProblem | None,
    *,
    in_folder: set[str],
) -> SyncReport:
    from quizcards.adapters.git import GitProblem
    from quizcards.adapters.sanitize import clean_line
    from quizcards.core.sync.report import SKIPPED_LISTED, GitStep, SkippedLine, SyncReport

    applied = received.applied
    git: GitStep | None = None
    if isinstance(outcome, GitProblem):
        git = GitStep(problem=outcome.kind, message=clean_line(str(outcome)))
    elif outcome is not None:
        git = GitStep(outcome.committed, outcome.pulled, outcome.pushed, outcome.remote, outcome.branch)
    return SyncReport(
        folder=str(setup.folder),
        device_id=str(setup.device_id),
        name=setup.name or "",
        sent=sent,
        files_read=received.files,
        received=applied.new,
        reviews=applied.reviews,
        undone=applied.undone,
        undos=applied.undos,
        events=applied.events,
        waiting=applied.pending,
        ahead=applied.ahead,
        duplicates=applied.duplicates,
        cards_updated=len(applied.cards),
        reclassified=applied.reclassified,
        rewritten=applied.rewritten,
        pending=tuple(store.pending_entries()),
        skipped=tuple(
            SkippedLine(line.path, line.line, line.reason) for line in received.skipped[:SKIPPED_LISTED]
        ),
        skipped_count=len(received.skipped),
        newer=received.newer,
        restarted=tuple(received.restarted),
        devices=tuple(device for device in store.devices_seen() if device[0] in in_folder),
        git=git,
    )


def _print(report: SyncReport, notes: list[str], *, as_json: bool) -> None:
    if as_json:
        from quizcards.adapters.sanitize import json_text

        typer.echo(json_text({**report.as_json(SYNC_JSON_VERSION), "notes": notes}))
        return
    from quizcards.render import make_console
    from quizcards.render.sync import sync_report

    console = make_console()
    console.print(sync_report(report))
    for note in notes:
        console.print(note, style="dim")
