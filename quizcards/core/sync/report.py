"""What `quiz sync` did, as values: the figures its report and its JSON show."""

from __future__ import annotations

from dataclasses import dataclass, field

# A sync can meet a whole folder of damaged lines; the first ones tell the story.
SKIPPED_LISTED = 5


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line of the folder that is not an entry: where, and why (untrusted text: the reason quotes it)."""

    path: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class GitStep:
    """What the git step did, or why it stopped (problem: its kind; message: the sentence)."""

    committed: bool = False
    pulled: int = 0
    pushed: bool = False
    remote: str = ""
    branch: str = ""
    problem: str | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class SyncReport:
    """One `quiz sync`: this device, what it sent, what it took in, and what waits."""

    folder: str
    device_id: str
    name: str
    sent: int
    files_read: int
    received: int  # entries not held before
    reviews: int
    undone: int  # reviews held here that another machine's undo removed
    undos: int  # undo entries received
    events: int
    waiting: int  # reviews received for cards not held (they wait for an import)
    ahead: int  # reviews received dated more than a day ahead of this machine's clock
    duplicates: int
    cards_updated: int
    reclassified: int
    rewritten: int
    pending: tuple[tuple[str, int], ...] = ()  # (deck, reviews waiting for its cards)
    skipped: tuple[SkippedLine, ...] = ()
    skipped_count: int = 0
    newer: int = 0
    restarted: tuple[str, ...] = ()
    devices: tuple[tuple[str, str | None], ...] = ()
    git: GitStep | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self, version: int) -> dict[str, object]:
        """The report as `quiz sync --json` prints it."""
        return {
            "version": version,
            "folder": self.folder,
            "device": {"id": self.device_id, "name": self.name},
            "sent": self.sent,
            "files_read": self.files_read,
            "received": self.received,
            "reviews": self.reviews,
            "undone": self.undone,
            "undos": self.undos,
            "card_events": self.events,
            "waiting": self.waiting,
            "ahead_of_clock": self.ahead,
            "duplicates": self.duplicates,
            "cards_updated": self.cards_updated,
            "reclassified": self.reclassified,
            "rewritten": self.rewritten,
            "pending": [{"deck": deck, "reviews": count} for deck, count in self.pending],
            "skipped": self.skipped_count,
            "skipped_lines": [
                {"path": line.path, "line": line.line, "reason": line.reason} for line in self.skipped
            ],
            "newer_format": self.newer,
            "read_again": list(self.restarted),
            "devices": [{"id": device, "name": name} for device, name in self.devices],
            "git": None
            if self.git is None
            else {
                "committed": self.git.committed,
                "pulled": self.git.pulled,
                "pushed": self.git.pushed,
                "remote": self.git.remote,
                "branch": self.git.branch,
                "problem": self.git.problem,
                "message": self.git.message,
            },
        }


@dataclass(slots=True)
class JournalCheck:
    """What `quiz check` found comparing the sync folder with the database."""

    files: int = 0
    entries: int = 0
    missing: int = 0  # entries of the folder the database holds nowhere
    missing_named: list[str] = field(default_factory=list)  # "PATH line N"
    missing_own: int = 0  # of those, lines of this device's own files (a restored backup, or a copy)
    unread: int = 0  # entries past where the last sync read: the next one takes them in
    stray: list[str] = field(default_factory=list)  # files the reader ignores (conflict copies, others)
    unsent: list[str] = field(default_factory=list)  # UUIDs of this device's entries marked journaled that
    # its own files do not hold
    damaged: int = 0  # lines that are not entries (never applied)
    unmerged: list[tuple[int, str]] = field(
        default_factory=list
    )  # cards whose log is not the merge of its rows

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unsent or self.unmerged)
