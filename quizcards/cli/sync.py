"""`quiz sync`: exchange review journals with the learner's other machines through a folder or git."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from quizcards.cli.common import clock, handle_errors, open_store
from quizcards.core.errors import QuizError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from quizcards.adapters.git import GitOutcome, GitProblem
    from quizcards.adapters.journal import Journal
    from quizcards.core.sync.reading import NewLines
    from quizcards.core.sync.report import SyncReport
    from quizcards.store import Store
    from quizcards.store.sync import Received, SyncSetup

SYNC_JSON_VERSION = 1
NAME_LIMIT = 100
# For tests only: QUIZCARDS_TEST_SYNC_PAUSE=<point> stops a sync there for a minute, so a test can kill it
# at a known step ("sent": a month file renamed into place, its flags not yet committed; "received":
# every new line applied, the transaction not yet committed).
PAUSE_VARIABLE = "QUIZCARDS_TEST_SYNC_PAUSE"


def _pause(point: str) -> None:
    if os.environ.get(PAUSE_VARIABLE) == point:
        import sys
        import time

        sys.stderr.write(f"paused at {point}\n")
        sys.stderr.flush()
        time.sleep(60)


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""

    @app.command("sync")
    @handle_errors
    def sync(
        ctx: typer.Context,
        folder: Annotated[
            Path | None,
            typer.Argument(
                help="The sync folder (remembered after the first time): one Syncthing, Dropbox or a "
                "network drive keeps in step, or a git work tree.",
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

        Each machine writes only its own files (FOLDER/<device-id>/<yyyy-mm>.jsonl), so git and
        file-sync tools never meet a conflict. Reviews are merged by their identity, and every card
        they touch is rescheduled from its whole log, so the order of syncs does not matter.
        """
        from datetime import timedelta

        from quizcards.adapters.journal import ForeignLines, Journal
        from quizcards.store import utc_timestamp

        with open_store(ctx, mode="write") as store:
            setup = _set_up(store, folder, name, git, new_device)
            assert setup.device_id is not None
            assert setup.folder is not None
            journal = Journal(Path(setup.folder))
            journal.prepare()
            journal.remove_temporaries(setup.device_id)
            journal.write_device(setup.device_id, setup.name or setup.device_id[:8])
            try:
                sent, sent_cards, sent_events = _send(store, journal, setup.device_id)
            except ForeignLines as error:
                raise QuizError(
                    f"{error} If this database was copied from another machine's, or restored from a "
                    "backup, give it its own identity with `quiz sync --new-device`."
                ) from None
            outcome: GitOutcome | GitProblem | None = None
            if setup.git:
                outcome = _exchange(journal.folder, setup)
            if rebuild:
                store.forget_positions()
            reads = _reads(store, journal, setup.device_id, include_own=rebuild)
            tomorrow = utc_timestamp(clock() + timedelta(days=1))
            received = store.receive(reads, sent=sent_cards, sent_events=sent_events, ahead_of=tomorrow)
            store.note_devices(journal.device_names())
            report = _report(store, setup, sent, received, outcome)
        _print(report, as_json=as_json)
        if isinstance(outcome, QuizError):
            raise outcome


def _set_up(
    store: Store, folder: Path | None, name: str | None, git: bool | None, new_device: bool
) -> SyncSetup:
    """This device's identity and the folder, as given now or remembered from the last sync."""
    setup = store.sync_setup()
    chosen = folder if folder is not None else (Path(setup.folder) if setup.folder else None)
    if chosen is None:
        raise QuizError(
            "quiz sync needs a folder the first time: quiz sync FOLDER (a folder Syncthing, Dropbox or a "
            "network drive keeps in step, or a git work tree with --git). It is remembered afterwards."
        )
    chosen = chosen.expanduser().absolute()
    if not chosen.is_dir():
        raise QuizError(f"the sync folder {chosen} does not exist (or is not a folder); create it first.")
    if name is not None:
        name = " ".join(name.split())[:NAME_LIMIT]
        if not name:
            raise QuizError("--name needs a name for this machine, such as laptop.")
    elif setup.name is None:
        import socket

        name = " ".join(socket.gethostname().split())[:NAME_LIMIT] or "this machine"
    if new_device and setup.device_id is not None:
        store.new_device_identity(os.urandom(16).hex())
    return store.set_up_sync(
        device_id=os.urandom(16).hex(),
        name=name,
        folder=str(chosen),
        git=setup.git if git is None else git,
    )


def _send(
    store: Store, journal: Journal, device: str
) -> tuple[dict[str, int], set[int], set[tuple[str, str]]]:
    """Write this device's new entries month by month: how many lines went into each file, the cards of
    the reviews and the (deck, card id) of the card events."""
    from quizcards.core.sync.reading import START

    _recover_own_files(store, journal, device)
    positions = store.sync_positions()
    sent: dict[str, int] = {}
    cards: set[int] = set()
    events: set[tuple[str, str]] = set()
    for month in store.outbox_months():
        outbox = store.outbox(month, device)
        path = f"{device}/{month}.jsonl"
        position = journal.append(device, month, outbox.lines, positions.get(path, START))
        _pause("sent")
        store.mark_journaled(outbox, path, position)
        sent[path] = len(outbox.lines)
        cards |= outbox.cards
        events |= outbox.event_cards
    return sent, cards, events


def _recover_own_files(store: Store, journal: Journal, device: str) -> None:
    """Take back this device's own lines written past its remembered end (a sync killed between writing a
    file and committing its flags); lines it does not hold mean another database writes under its id."""
    from quizcards.adapters.journal import ForeignLines
    from quizcards.core.sync.reading import START

    positions = store.sync_positions()
    for file in journal.files():
        since = positions.get(file.relative, START)
        if file.device != device or file.size == since.offset:
            continue
        new = journal.read(file.relative, since)
        if new.restarted or not store.adopt_own_lines(file.relative, device, new):
            raise ForeignLines(journal.folder / file.relative)


def _reads(
    store: Store, journal: Journal, device: str, *, include_own: bool
) -> Iterator[tuple[str, str, NewLines]]:
    """The new lines of every journal file (other devices', and this one's with --rebuild)."""
    from quizcards.core.sync.reading import START

    positions = store.sync_positions()
    for file in journal.files():
        if file.device == device and not include_own:
            continue
        since = positions.get(file.relative, START)
        if file.size == since.offset and file.relative in positions:
            continue
        yield file.relative, file.device, journal.read(file.relative, since)
    _pause("received")


def _exchange(folder: Path, setup: SyncSetup) -> GitOutcome | GitProblem:
    from quizcards.adapters.git import GitProblem, exchange

    assert setup.device_id is not None
    try:
        return exchange(
            folder, setup.device_id, f"quiz sync: {setup.name or setup.device_id}", environ=os.environ
        )
    except GitProblem as problem:
        return problem


def _report(
    store: Store,
    setup: SyncSetup,
    sent: dict[str, int],
    received: Received,
    outcome: GitOutcome | GitProblem | None,
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
        sent=sum(sent.values()),
        files_read=received.files,
        received=applied.new,
        reviews=applied.reviews,
        undone=applied.undone,
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
        devices=tuple(store.devices_seen()),
        git=git,
    )


def _print(report: SyncReport, *, as_json: bool) -> None:
    if as_json:
        from quizcards.adapters.sanitize import json_text

        typer.echo(json_text(report.as_json(SYNC_JSON_VERSION)))
        return
    from quizcards.render import make_console
    from quizcards.render.sync import sync_report

    make_console().print(sync_report(report))
