"""`quiz sync --git`: commit this device's folder, pull --rebase, push (the git command, never a prompt)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from quizcards.core.errors import QuizError

GitProblemKind = Literal[
    "missing", "not_repository", "no_remote", "unreachable", "credentials",
    "remote_missing", "rebase_in_progress", "kept_changing", "timeout", "failed",
]  # fmt: skip
PUSH_ROUNDS = 3
# measured with git 2.39 under LC_ALL=C (the design's section 4); the first list that matches wins
HOST_KEY = ("Host key verification failed",)
CREDENTIALS = (
    "terminal prompts disabled", "could not read Username", "could not read Password",
    "Authentication failed", "Permission denied (publickey", "unable to read askpass response",
    "The requested URL returned error: 401", "The requested URL returned error: 403",
)  # fmt: skip
UNREACHABLE = (
    "Could not resolve host", "Could not resolve hostname", "Connection refused", "Connection timed out",
    "Failed to connect", "unable to access", "Network is unreachable", "Operation timed out",
)  # fmt: skip
REMOTE_MISSING = ("does not appear to be a git repository", "Repository not found", "fatal: repository '")
NO_REMOTE = ("No such remote", "No configured push destination", "There is no tracking information")
REJECTED = ("[rejected]", "fetch first", "non-fast-forward")
URL_CREDENTIALS = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s'\"]*@")
SAVED = "this device's reviews are saved in {folder} and the next `quiz sync` sends them"


class GitProblem(QuizError):
    """The git step of `quiz sync --git` could not finish; ``kind`` says why, the message what to do.

    ``str(error)`` is our sentence, then git's own last stderr line ("git said: ...") as
    git printed it: the CLI sanitises it before showing it.
    """

    def __init__(self, kind: GitProblemKind, sentence: str, said: str = "") -> None:
        super().__init__(f"{sentence} git said: {said}" if said else sentence)
        self.kind: GitProblemKind = kind
        self.sentence = sentence
        self.said = said


@dataclass(frozen=True, slots=True)
class GitOutcome:
    """What the git step did: committed this device's files, commits received by the pull, pushed."""

    committed: bool
    pulled: int
    pushed: bool
    remote: str
    branch: str


# The lines of git's (and ssh's) output that say what went wrong; git often ends with advice instead
# ("Please make sure you have the correct access rights\nand the repository exists.").
_TELLING = ("fatal:", "error:", "ssh:", "Permission denied", "Host key verification failed", "! [rejected]")


def last_line(stderr: str) -> str:
    """git's most telling line of output, stripped: the first "fatal:", "error:" or ssh line, else its last
    non-empty line; with any URL in it cut of its credentials."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    line = next((line for line in lines if line.startswith(_TELLING)), lines[-1] if lines else "")
    return URL_CREDENTIALS.sub(r"\1", line)


def without_credentials(url: str) -> str:
    """A remote's URL without a user or token written into it (``https://user:token@host/``)."""
    return URL_CREDENTIALS.sub(r"\1", url)


def classify(stderr: str) -> GitProblemKind | Literal["host_key"] | None:
    """The kind of a network command's failure, from git's messages; None when none is known."""
    for kind, needles in (
        ("host_key", HOST_KEY),
        ("credentials", CREDENTIALS),
        ("unreachable", UNREACHABLE),
        ("remote_missing", REMOTE_MISSING),
        ("no_remote", NO_REMOTE),
    ):
        if any(needle in stderr for needle in needles):
            return kind  # type: ignore[return-value]
    return None


class _Git:
    """The git command in one folder: the environment that never prompts, stdin closed, a timeout."""

    def __init__(self, executable: str, folder: Path, environ: Mapping[str, str], timeout: float) -> None:
        self.executable = executable
        self.folder = folder
        self.timeout = timeout
        self.identity: list[str] = []  # -c options naming quiz as the author when the user set no identity
        self.env = {
            **environ,
            "GIT_TERMINAL_PROMPT": "0",
            "GCM_INTERACTIVE": "never",
            "LC_ALL": "C",
        }

    def run(self, *args: str, network: bool = False) -> subprocess.CompletedProcess[str]:
        options = ["-c", "credential.interactive=false"] if network else []
        command = [self.executable, *options, *args]
        try:
            return subprocess.run(
                command,
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                env=self.env,
                check=False,
            )
        except FileNotFoundError:
            raise _missing(self.folder) from None
        except subprocess.TimeoutExpired:
            stopped = f"git {_step(args)} took longer than {self.timeout:g} seconds in {self.folder}"
            raise GitProblem(
                "timeout", f"{stopped} and was stopped; {SAVED.format(folder=self.folder)}."
            ) from None
        except OSError as error:
            raise GitProblem(
                "failed", f"cannot run git in {self.folder}: {error.strerror or error}."
            ) from None

    def output(self, *args: str) -> str | None:
        """What git prints for a query, stripped, or None when it exits non-zero."""
        result = self.run(*args)
        return result.stdout.strip() if result.returncode == 0 else None


def _step(args: tuple[str, ...]) -> str:
    """The git subcommand among a call's arguments (after any ``-c name=value`` options)."""
    return next((arg for arg in args if not arg.startswith("-") and "=" not in arg), "")


def _missing(folder: Path) -> GitProblem:
    return GitProblem(
        "missing",
        "quiz sync --git needs the git command, which is not installed (or not on PATH); "
        + SAVED.format(folder=folder)
        + ".",
    )


def exchange(
    folder: Path,
    device: str,
    message: str,
    *,
    timeout: float = 60.0,
    environ: Mapping[str, str] | None = None,
) -> GitOutcome:
    """Commit ``<device>/`` (and an untracked ``.gitignore``), pull --rebase, push; the design's section 4.

    Only this device's paths are committed, never what the user staged elsewhere. A
    commit needs an identity: when ``user.name`` or ``user.email`` is unset, the commit
    (and the pull, whose rebase re-commits it and whose autostash commits the user's
    edits for a moment) is made as ``quiz <quiz@DEVICE.invalid>`` through ``-c``
    options on those two commands only; nothing is configured. Nothing prompts: see
    ``_Git``; ssh gets BatchMode unless the user configured their own ssh command. A
    rebase in progress is reported, never continued or aborted. Raises GitProblem.
    """
    base = dict(os.environ if environ is None else environ)
    executable = shutil.which("git", path=base.get("PATH", os.defpath))
    if executable is None:
        raise _missing(folder)
    if not folder.is_dir():
        raise GitProblem("not_repository", f"the sync folder {folder} does not exist.")
    git = _Git(executable, folder, base, timeout)
    inside = git.run("rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise GitProblem(
            "not_repository",
            f"{folder} is not a git work tree; run `git init` or `git clone` there first.",
            last_line(inside.stderr),
        )
    _refuse_rebase(git)
    if not ({"GIT_SSH_COMMAND", "GIT_SSH"} & base.keys()) and git.output("config", "core.sshCommand") is None:
        git.env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o ConnectTimeout=15"
    branch = git.output("symbolic-ref", "--quiet", "--short", "HEAD")
    if not branch:
        raise GitProblem(
            "failed",
            f"the repository in {folder} is not on a branch (a detached HEAD); check out a branch, then "
            f"sync again: {SAVED.format(folder=folder)}.",
        )
    remote, remote_branch = _remote(git, branch)
    if git.output("config", "user.name") is None or git.output("config", "user.email") is None:
        git.identity = ["-c", "user.name=quiz", "-c", f"user.email=quiz@{device}.invalid"]
    committed = _commit(git, device, message)
    exists = git.run("ls-remote", "--exit-code", remote, f"refs/heads/{remote_branch}", network=True)
    if exists.returncode not in (0, 2):
        raise _network_problem(git, remote, exists, "ls-remote")
    empty = exists.returncode == 2  # the remote has no such branch yet: nothing to pull, push with -u
    pulled = 0 if empty else _pull(git, remote, remote_branch)
    for _ in range(PUSH_ROUNDS):
        if git.output("rev-parse", "--verify", "--quiet", "HEAD") is None:
            return GitOutcome(committed, pulled, pushed=False, remote=remote, branch=branch)
        if not empty and git.output("rev-list", "--count", f"{remote}/{remote_branch}..HEAD") == "0":
            # Nothing of this device's is missing from the remote: no push (and no round trip).
            return GitOutcome(committed, pulled, pushed=False, remote=remote, branch=branch)
        upstream = ["-u"] if empty else []
        pushed = git.run("push", "--porcelain", *upstream, remote, f"HEAD:{remote_branch}", network=True)
        if pushed.returncode == 0:
            sent = any(line[:1] in (" ", "+", "*") and "\t" in line for line in pushed.stdout.splitlines())
            return GitOutcome(committed, pulled, pushed=sent, remote=remote, branch=branch)
        if not any(needle in pushed.stdout + pushed.stderr for needle in REJECTED):
            raise _network_problem(git, remote, pushed, "push")
        pulled += _pull(git, remote, remote_branch)
        empty = False
    raise GitProblem(
        "kept_changing",
        f"the remote '{remote}' kept changing while quiz pushed ({PUSH_ROUNDS} tries); this device's reviews "
        f"are committed in {folder} and the next `quiz sync` sends them.",
    )


def uncommitted(folder: Path, device: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Whether this device's files (or an untracked .gitignore) hold changes git has not committed: then a
    sync's second git step commits and pushes them. False when git cannot say (the next step will)."""
    base = dict(os.environ if environ is None else environ)
    executable = shutil.which("git", path=base.get("PATH", os.defpath))
    if executable is None or not folder.is_dir():
        return False
    try:
        status = _Git(executable, folder, base, 60.0).run(
            "status", "--porcelain", "--untracked-files=all", "--", f"{device}/", ".gitignore"
        )
    except GitProblem:
        return False
    if status.returncode != 0:
        return False
    # A tracked .gitignore the user edited is theirs to commit; only an untracked one is quiz's.
    changed = [line for line in status.stdout.splitlines() if line.strip()]
    return any(not line[3:].startswith(".gitignore") or line.startswith("??") for line in changed)


def _refuse_rebase(git: _Git) -> None:
    for name in ("rebase-merge", "rebase-apply"):
        found = git.output("rev-parse", "--git-path", name)
        if found and (git.folder / found).exists():
            folder = git.folder
            raise GitProblem(
                "rebase_in_progress",
                f"a previous git step in {folder} was interrupted and a rebase is in progress; run `git -C "
                f"{folder} rebase --continue` or `git -C {folder} rebase --abort`, then sync again "
                "(this device's reviews are saved in the folder).",
            )


def _remote(git: _Git, branch: str) -> tuple[str, str]:
    """The remote to sync with (the branch's upstream remote, else origin, else the only one) and the
    branch there (the upstream's, else the same name)."""
    remotes = (git.output("remote") or "").split()
    upstream = git.output("config", f"branch.{branch}.remote")
    if upstream in remotes:
        merge = git.output("config", f"branch.{branch}.merge") or ""
        return upstream, merge.removeprefix("refs/heads/") or branch
    if "origin" in remotes:
        return "origin", branch
    if len(remotes) == 1:
        return remotes[0], branch
    folder = git.folder
    if not remotes:
        sentence = f"the repository in {folder} has no remote; add one with `git remote add origin URL`"
    else:
        sentence = (
            f"the repository in {folder} has several remotes and none is 'origin' or the branch's "
            f"upstream; set one with `git -C {folder} branch --set-upstream-to REMOTE/{branch}`"
        )
    saved = SAVED.format(folder=folder)
    raise GitProblem("no_remote", f"{sentence}. {saved[0].upper()}{saved[1:]}.")


def _commit(git: _Git, device: str, message: str) -> bool:
    """Stage and commit this device's folder (and .gitignore while git does not track it); whether a commit
    was made."""
    paths = [f"{device}/"] if (git.folder / device).is_dir() else []
    if (git.folder / ".gitignore").is_file() and git.run(
        "ls-files", "--error-unmatch", "--", ".gitignore"
    ).returncode:
        paths.append(".gitignore")
    if not paths:
        return False
    _checked(git, git.run("add", "--", *paths), "add")
    staged = git.run("diff", "--cached", "--quiet", "--", *paths)
    if staged.returncode == 0:
        return False
    _checked(git, git.run(*git.identity, "commit", "--quiet", "-m", message, "--", *paths), "commit")
    return True


def _pull(git: _Git, remote: str, branch: str) -> int:
    """pull --rebase --autostash; how many commits it received."""
    before = git.output("rev-parse", "--verify", "--quiet", "HEAD")
    result = git.run(
        *git.identity, "pull", "--quiet", "--rebase", "--autostash", remote, branch, network=True
    )
    if result.returncode != 0:
        _refuse_rebase(git)
        raise _network_problem(git, remote, result, "pull --rebase")
    span = f"{before}..FETCH_HEAD" if before else "FETCH_HEAD"
    count = git.output("rev-list", "--count", span)
    return int(count) if count and count.isdigit() else 0


def _checked(git: _Git, result: subprocess.CompletedProcess[str], step: str) -> None:
    if result.returncode != 0:
        raise GitProblem(
            "failed",
            f"git {step} failed in {git.folder}; {SAVED.format(folder=git.folder)}.",
            last_line(result.stderr),
        )


def _network_problem(
    git: _Git, remote: str, result: subprocess.CompletedProcess[str], step: str
) -> GitProblem:
    folder = git.folder
    # A push refused by the remote (a hook, a protected branch) says why on "remote:" lines and in
    # --porcelain's "[remote rejected]" line, on stdout; git's own stderr then only says "failed to push".
    refused = [
        line.strip()
        for line in (result.stderr + "\n" + result.stdout).splitlines()
        if line.strip().startswith(("remote: error", "remote: GH", "!\t", "! [remote rejected]"))
        or "[remote rejected]" in line
    ]
    said = refused[0] if refused else last_line(result.stderr) or last_line(result.stdout)
    said = URL_CREDENTIALS.sub(r"\1", said)
    url = without_credentials(git.output("remote", "get-url", remote) or "")
    where = f"the remote '{remote}'" + (f" ({url})" if url else "")
    kind = classify(result.stderr)
    saved = SAVED.format(folder=folder)
    if kind == "host_key":
        return GitProblem(
            "credentials",
            f"{where} is an ssh host this machine has not accepted yet: connect once by hand (`git -C "
            f"{folder} fetch`) to accept its host key, then sync again; {saved}.",
            said,
        )
    if kind == "credentials":
        return GitProblem(
            "credentials",
            f"{where} needs your credentials, and quiz never asks for them: run `git -C {folder} push` once "
            f"yourself (or set up a credential helper or an ssh key), then sync again; {saved}.",
            said,
        )
    if kind == "unreachable":
        return GitProblem("unreachable", f"git could not reach {where}: {saved}.", said)
    if kind == "remote_missing":
        return GitProblem(
            "remote_missing",
            f"{where} has no repository there; check it with `git -C {folder} remote -v`: {saved}.",
            said,
        )
    if kind == "no_remote":
        return GitProblem("no_remote", f"git found no remote to use in {folder}: {saved}.", said)
    return GitProblem("failed", f"git {step} with {where} failed: {saved}.", said)
