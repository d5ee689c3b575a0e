"""The steps of `quiz sync` between the folder and the store: own files checked, entries sent, lines read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizcards.adapters.git import GitOutcome, GitProblem
    from quizcards.adapters.journal import Journal
    from quizcards.core.sync.reading import NewLines
    from quizcards.store import Store
    from quizcards.store.sync import SyncSetup

# For tests only: QUIZCARDS_TEST_SYNC_PAUSE=<point> stops a sync there for a minute, so a test can kill it
# at a known step ("sent": a month file renamed into place, its flags not yet committed; "received":
# every new line applied, the transaction not yet committed).
PAUSE_VARIABLE = "QUIZCARDS_TEST_SYNC_PAUSE"


def pause(point: str) -> None:
    if os.environ.get(PAUSE_VARIABLE) == point:
        import sys
        import time

        sys.stderr.write(f"paused at {point}\n")
        sys.stderr.flush()
        time.sleep(60)


@dataclass(slots=True)
class Sent:
    """What this device wrote: lines per file, the cards of its reviews, the (deck, card id) of its events."""

    lines: dict[str, int] = field(default_factory=dict)
    cards: set[int] = field(default_factory=set)
    events: set[tuple[str, str]] = field(default_factory=set)

    @property
    def count(self) -> int:
        return sum(self.lines.values())


def send(store: Store, journal: Journal, device: str) -> Sent:
    """Write this device's new entries month by month, each month's flags committed after its file."""
    from quizcards.adapters.journal import ForeignLines
    from quizcards.core.sync.reading import START

    check_own_files(store, journal, device)
    positions = store.sync_positions()
    sent = Sent()
    for month in store.outbox_months():
        path = f"{device}/{month}.jsonl"
        try:
            outbox = store.outbox(month, device)
            position = journal.append(device, month, outbox.lines, positions.get(path, START))
        except ForeignLines:
            # Another `quiz sync` of this same database may have written first: take its lines back
            # (anything else is still refused), then write what is left of the month.
            check_own_files(store, journal, device)
            positions = store.sync_positions()
            outbox = store.outbox(month, device)
            position = journal.append(device, month, outbox.lines, positions.get(path, START))
        pause("sent")
        store.mark_journaled(outbox, path, position)
        sent.lines[path] = len(outbox.lines)
        sent.cards |= outbox.cards
        sent.events |= outbox.event_cards
    return sent


def check_own_files(store: Store, journal: Journal, device: str) -> None:
    """Before writing: each of this device's files must be as it left it, or be made so.

    Its own lines past the remembered end (a sync killed before committing its flags) are taken
    back; a file gone or cut short (a sync tool lost it) has its month sent again. A line this
    database does not hold means another database writes under the same id: ForeignLines.
    """
    from quizcards.adapters.journal import ForeignLines
    from quizcards.core.sync.reading import START

    positions = store.sync_positions()
    present = {file.relative: file for file in journal.files() if file.device == device}
    for path in sorted(path for path in positions if path.startswith(f"{device}/") and path not in present):
        store.forget_own_file(path)
    for path, file in sorted(present.items()):
        since = positions.get(path, START)
        if file.size == since.offset and path in positions:
            continue
        new = journal.read(path, since)
        torn = new.position.offset < file.size  # cut in the middle of a line: read it whole again
        if torn and not new.restarted:
            new = journal.read(path, START)
        if not store.adopt_own_lines(path, device, new, whole=torn):
            raise ForeignLines(journal.folder / path)
        if torn:
            journal.cut(device, path.rsplit("/", 1)[-1][:7], new.position)


def reads(
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
    pause("received")


def exchange(folder: Path, setup: SyncSetup) -> GitOutcome | GitProblem:
    """The git step (commit this device's files, pull --rebase, push), or why it stopped."""
    from quizcards.adapters.git import GitProblem, exchange

    assert setup.device_id is not None
    try:
        return exchange(
            folder, setup.device_id, f"quiz sync: {setup.name or setup.device_id}", environ=os.environ
        )
    except GitProblem as problem:
        return problem


def changed(folder: Path, device: str) -> bool:
    """Whether this device's files hold changes git has not committed yet."""
    from quizcards.adapters.git import uncommitted

    return uncommitted(folder, device, environ=os.environ)


def combined(
    first: GitOutcome | GitProblem | None, second: GitOutcome | GitProblem
) -> GitOutcome | GitProblem:
    """Two git steps of one sync (before writing, and after) as one outcome."""
    from quizcards.adapters.git import GitOutcome

    if not isinstance(first, GitOutcome) or not isinstance(second, GitOutcome):
        return second
    return GitOutcome(
        first.committed or second.committed,
        first.pulled + second.pulled,
        first.pushed or second.pushed,
        second.remote,
        second.branch,
    )
