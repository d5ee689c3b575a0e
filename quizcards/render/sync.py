"""Renderables of `quiz sync`: what was sent, received and left waiting, in plain sentences."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from quizcards.core.sync.report import JournalCheck, SyncReport
from quizcards.render import line
from quizcards.render.words import plural


def entries(count: int) -> str:
    """``1 entry``, ``2 entries``, ``2,000 entries``."""
    return "1 entry" if count == 1 else f"{count:,} entries"


def sync_report(report: SyncReport) -> Group:
    """The report of one `quiz sync`: a heading, then one row per part, wrapped under its own column."""
    from rich.table import Table

    rows = Table.grid(padding=(0, 1))
    rows.add_column(style="bold", no_wrap=True)
    rows.add_column()

    def add(label: str, *parts: str | Text, style: str = "") -> None:
        rows.add_row(Text(f" {label}"), Text.assemble(*parts, style=style))

    add("sent", entries(report.sent))
    if report.git is not None:
        add("git", *_git(report))
    add("received", _received(report))
    if report.reclassified:
        add(
            "",
            f"{plural(report.reclassified, 'review')} held here changed kind (scheduled or re-drill): "
            "another machine had reviewed the same card earlier that day.",
            style="dim",
        )
    if report.ahead:
        add(
            "clock",
            f"{plural(report.ahead, 'review')} from elsewhere {'is' if report.ahead == 1 else 'are'} "
            "dated more than a day ahead of this machine's clock: check the clocks of your machines.",
            style="yellow",
        )
    for deck, count in report.pending:
        add(
            "waiting",
            f"{plural(count, 'review')} of cards of the deck ",
            line(deck),
            " that this database does not hold; they are applied when you import it.",
        )
    if report.skipped_count:
        add("skipped", f"{plural(report.skipped_count, 'damaged line')}, never applied:")
        for skipped in report.skipped:
            add("", line(f"{skipped.path} line {skipped.line} {skipped.reason}"))
    if report.newer:
        add("newer", f"{entries(report.newer)} written by a newer quizcards: update quizcards to read them.")
    if report.restarted:
        count = len(report.restarted)
        add(
            "",
            f"{plural(count, 'file')} had changed where already read, so "
            f"{'it was' if count == 1 else 'they were'} read again from the start.",
            style="dim",
        )
    shown = [name or device[:8] for device, name in report.devices]
    # Two machines of one name (a machine set up again) are told apart by their ids.
    names = [
        line(name if shown.count(name) == 1 else f"{name} ({device[:8]})")
        for name, (device, _) in zip(shown, report.devices, strict=True)
    ]
    others = (
        Text.assemble("Other machines: ", *_joined(names), ".")
        if names
        else Text("No other machine has synced through this folder yet.", style="dim")
    )
    heading = Text.assemble(
        "Synced through ",
        line(report.folder),
        " as ",
        line(report.name),
        Text(f" (device {report.device_id[:8]})", style="dim"),
        ".",
    )
    return Group(heading, rows, others)


def _joined(names: list[Text]) -> list[Text | str]:
    joined: list[Text | str] = []
    for index, name in enumerate(names):
        if index:
            joined.append(", ")
        joined.append(name)
    return joined


def _received(report: SyncReport) -> str:
    if not report.received:
        return "nothing new"
    pieces = []
    if report.reviews:
        pieces.append(plural(report.reviews, "review"))
    if report.undos:
        pieces.append(plural(report.undos, "undo"))
    if report.events:
        pieces.append(plural(report.events, "suspend or bury change"))
    if report.waiting:
        pieces.append(f"{report.waiting:,} waiting")
    detail = f" ({', '.join(pieces)})" if pieces else ""
    return f"{entries(report.received)}{detail}; {plural(report.cards_updated, 'card')} updated"


def _git(report: SyncReport) -> list[str | Text]:
    git = report.git
    assert git is not None
    if git.problem is not None:
        return [Text("stopped: ", style="red"), line(git.message)]
    done = ["committed" if git.committed else "nothing new to commit"]
    done.append(f"pulled {plural(git.pulled, 'commit')}" if git.pulled else "nothing to pull")
    done.append(f"pushed to {git.remote}/{git.branch}" if git.pushed else "nothing to push")
    return [", ".join(done)]


def journal_lines(check: JournalCheck, folder: str, *, repaired: bool) -> Group:
    """`quiz check`'s lines about the sync folder."""
    mark_ok, mark_bad = Text("  ✓ ", style="green bold"), Text("  ✗ ", style="red bold")
    parts: list[Text] = []
    summary = f"{entries(check.entries)} in {plural(check.files, 'file')}"
    if not check.missing:
        parts.append(Text.assemble(mark_ok, "Sync folder ", line(folder), f": {summary}, all held"))
    else:
        # Lines of this machine's own files that it does not hold: a backup restored over it, or a copy
        # writing under its id; a new identity reads them back as another machine's.
        advice = (
            "quiz sync --new-device brings them back (this database was restored or copied)"
            if check.missing_own
            else "quiz sync --rebuild reads them again"
        )
        parts.append(
            Text.assemble(
                mark_bad,
                "Sync folder ",
                line(folder),
                f": {summary}; {entries(check.missing)} not in the database (",
                line(", ".join(check.missing_named)),
                f"): {advice}",
            )
        )
    if check.unsent:
        done = (
            "will be sent again by the next quiz sync" if repaired else "quiz check --repair sends them again"
        )
        parts.append(
            Text.assemble(
                mark_ok if repaired else mark_bad,
                f"{entries(len(check.unsent))} of this machine "
                f"{'is' if len(check.unsent) == 1 else 'are'} missing from its own files: {done}",
            )
        )
    if check.unmerged:
        count = len(check.unmerged)
        names = ", ".join(name for _pk, name in check.unmerged[:3]) + (", ..." if count > 3 else "")
        has = "1 card has a log that differs" if count == 1 else f"{count:,} cards have logs that differ"
        done = "rewritten in merged order" if repaired else "quiz check --repair rewrites them"
        parts.append(
            Text.assemble(
                mark_ok if repaired else mark_bad,
                f"{has} from the merge of their reviews (",
                line(names),
                f"): {done}",
            )
        )
    if check.unread:
        parts.append(
            Text(
                f"    {entries(check.unread)} written since this machine's last sync: quiz sync takes "
                f"{'it' if check.unread == 1 else 'them'} in",
                style="dim",
            )
        )
    if check.stray:
        shown = ", ".join(check.stray[:3]) + (", ..." if len(check.stray) > 3 else "")
        parts.append(
            Text.assemble(
                f"    {plural(len(check.stray), 'file')} in the folder that quiz ignores (conflict copies or "
                "others; their entries are not read): ",
                line(shown),
                style="dim",
            )
        )
    if check.damaged:
        parts.append(
            Text(f"    {plural(check.damaged, 'damaged line')} in the folder, never applied", style="dim")
        )
    return Group(*parts)
