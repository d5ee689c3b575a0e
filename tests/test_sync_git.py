"""quiz sync --git's git step: a fake git for each failure git can report, and real git with a bare remote."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from quizcards.adapters import git as git_module
from quizcards.adapters.git import GitProblem, classify, exchange, without_credentials
from quizcards.adapters.journal import Journal
from quizcards.core.sync.reading import START, FilePosition

LAPTOP = "8addbbd9006144b08f4f5f973da1879e"
DESKTOP = "91b5e0f38626429b8448989280a2a780"
BATCH_SSH = "ssh -o BatchMode=yes -o ConnectTimeout=15"

# A git that answers each query the way a clone with an upstream does, records every call (arguments,
# where its stdin leads, the prompt switches) and fails the one subcommand named in FAKE_GIT_FAIL.
FAKE_GIT = r"""#!/bin/sh
{
  printf 'stdin=%s\037prompt=%s\037gcm=%s\037lc=%s\037ssh=%s' "$(readlink /proc/self/fd/0)" \
    "$GIT_TERMINAL_PROMPT" "$GCM_INTERACTIVE" "$LC_ALL" "$GIT_SSH_COMMAND"
  for arg in "$@"; do printf '\037%s' "$arg"; done
  printf '\n'
} >> "$FAKE_GIT_LOG"
while [ "$1" = "-c" ]; do shift 2; done
if [ "$1" = "$FAKE_GIT_SLEEP" ]; then exec sleep 5; fi
if [ "$1" = "$FAKE_GIT_FAIL" ]; then printf '%s\n' "$FAKE_GIT_STDERR" >&2; exit "${FAKE_GIT_EXIT:-128}"; fi
case "$1" in
  rev-parse)
    case "$2" in
      --is-inside-work-tree) echo true ;;
      --git-path) echo ".git/$3" ;;
      *) echo 1111111111111111111111111111111111111111 ;;
    esac ;;
  symbolic-ref) echo main ;;
  remote)
    [ "$2" = get-url ] && echo "https://learner:s3cret@example.invalid/cards.git" && exit 0
    printf '%s\n' $FAKE_GIT_REMOTES ;;
  config)
    case "$2" in
      branch.main.remote) [ -n "$FAKE_GIT_UPSTREAM" ] && echo "$FAKE_GIT_UPSTREAM" || exit 1 ;;
      branch.main.merge) echo refs/heads/main ;;
      user.name|user.email) [ -n "$FAKE_GIT_NO_IDENTITY" ] && exit 1; echo quiz ;;
      core.sshCommand) [ -n "$FAKE_GIT_CORE_SSH" ] && echo "$FAKE_GIT_CORE_SSH" || exit 1 ;;
      *) exit 1 ;;
    esac ;;
  diff) [ -n "$FAKE_GIT_STAGED" ] && exit 1; exit 0 ;;
  rev-list) echo 2 ;;
  push) printf ' \tHEAD:refs/heads/main\t1111111..2222222\nDone\n' ;;
esac
exit 0
"""


class FakeGit:
    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        (self.bin / "git").write_text(FAKE_GIT)
        (self.bin / "git").chmod(0o755)
        self.log = tmp_path / "git.log"
        self.folder = tmp_path / "sync"
        (self.folder / LAPTOP).mkdir(parents=True)
        self.env = {
            "PATH": f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "FAKE_GIT_LOG": str(self.log),
            "FAKE_GIT_REMOTES": "origin",
            "FAKE_GIT_UPSTREAM": "origin",
        }

    def exchange(self, timeout: float = 10.0, **settings: str) -> Any:
        return exchange(
            self.folder, LAPTOP, "quiz sync: laptop", timeout=timeout, environ={**self.env, **settings}
        )

    def calls(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text().splitlines():
            (*switches,) = line.split("\x1f")
            fields = dict(item.split("=", 1) for item in switches[:5])
            args = switches[5:]
            while args[:1] == ["-c"]:
                fields.setdefault("options", []).append(args[1])
                args = args[2:]
            fields["args"] = args
            found.append(fields)
        return found

    def commands(self) -> list[str]:
        return [call["args"][0] for call in self.calls()]


@pytest.fixture
def fake(tmp_path: Path) -> FakeGit:
    if os.name == "nt":
        pytest.skip("the fake git is a shell script")
    return FakeGit(tmp_path)


def test_a_clean_exchange_never_lets_git_prompt(fake: FakeGit) -> None:
    outcome = fake.exchange(FAKE_GIT_STAGED="1")
    assert outcome == git_module.GitOutcome(
        committed=True, pulled=2, pushed=True, remote="origin", branch="main"
    )
    calls = fake.calls()
    if Path("/proc/self/fd/0").exists():  # where a call's stdin leads is seen through /proc (Linux)
        assert {call["stdin"] for call in calls} == {"/dev/null"}
    assert {(call["prompt"], call["gcm"], call["lc"]) for call in calls} == {("0", "never", "C")}
    network = [call for call in calls if call["args"][0] in ("ls-remote", "pull", "push")]
    assert [call["args"][0] for call in network] == ["ls-remote", "pull", "push"]
    assert all(call["options"] == ["credential.interactive=false"] for call in network)
    assert all(call["ssh"] == BATCH_SSH for call in network)
    commit = next(call for call in calls if call["args"][0] == "commit")
    assert commit["args"][-2:] == ["--", f"{LAPTOP}/"]
    assert "options" not in commit  # the user's identity is configured
    pull = next(call for call in calls if call["args"][0] == "pull")
    assert pull["args"] == ["pull", "--quiet", "--rebase", "--autostash", "origin", "main"]


def test_the_users_ssh_command_is_kept(fake: FakeGit) -> None:
    fake.exchange(GIT_SSH_COMMAND="ssh -i mykey")
    assert {call["ssh"] for call in fake.calls()} == {"ssh -i mykey"}
    fake.log.unlink()
    fake.exchange(FAKE_GIT_CORE_SSH="ssh -i other")
    assert {call["ssh"] for call in fake.calls()} == {""}


def test_a_commit_without_an_identity_gets_quiz_for_that_commit_only(fake: FakeGit) -> None:
    fake.exchange(FAKE_GIT_STAGED="1", FAKE_GIT_NO_IDENTITY="1")
    commit = next(call for call in fake.calls() if call["args"][0] == "commit")
    assert commit["options"] == ["user.name=quiz", f"user.email=quiz@{LAPTOP}.invalid"]
    assert all("options" not in call for call in fake.calls() if call["args"][0] == "config")


CASES = [
    ("credentials", "fatal: could not read Username for 'http://127.0.0.1:18431': terminal prompts disabled"),
    ("credentials", "error: unable to read askpass response from 'false'"),
    ("credentials", "fatal: could not read Username for 'https://x': No such device or address"),
    ("credentials", "git@example.invalid: Permission denied (publickey)."),
    ("credentials", "Host key verification failed."),
    ("unreachable", "ssh: connect to host 127.0.0.1 port 1: Connection refused"),
    ("unreachable", "ssh: Could not resolve hostname nonexistent.invalid: Name or service not known"),
    ("unreachable", "fatal: unable to access 'https://127.0.0.1:1/x.git/': Failed to connect to 127.0.0.1"),
    ("remote_missing", "fatal: '/tmp/sync/git/nothere' does not appear to be a git repository"),
    ("remote_missing", "remote: Repository not found."),
    ("failed", "fatal: the remote end hung up unexpectedly"),
]


@pytest.mark.parametrize(("kind", "stderr"), CASES)
def test_each_message_of_the_design_is_classified(kind: str, stderr: str) -> None:
    found = classify(f"some noise\n{stderr}\n")
    assert ({"host_key": "credentials"}.get(found or "", found) or "failed") == kind


@pytest.mark.parametrize(
    ("kind", "stderr", "step"),
    [(*CASES[0], "ls-remote"), (*CASES[5], "pull"), (*CASES[8], "push"), (*CASES[-1], "ls-remote")],
)
def test_a_failed_network_step_says_what_happened(fake: FakeGit, kind: str, stderr: str, step: str) -> None:
    with pytest.raises(GitProblem) as caught:
        fake.exchange(FAKE_GIT_FAIL=step, FAKE_GIT_STDERR=f"some noise\n{stderr}\n")
    assert caught.value.kind == kind
    message = str(caught.value)
    assert message.endswith(f" git said: {stderr}")
    assert "s3cret" not in message
    assert "the remote 'origin' (https://example.invalid/cards.git)" in message
    assert f"saved in {fake.folder}" in message
    assert "\n" not in message


def test_the_messages_say_what_to_do(fake: FakeGit) -> None:
    with pytest.raises(
        GitProblem, match=r"needs your credentials, and quiz never asks for them: run `git -C "
    ):
        fake.exchange(FAKE_GIT_FAIL="push", FAKE_GIT_STDERR="fatal: Authentication failed for 'https://x/'")
    with pytest.raises(GitProblem, match=r"connect once by hand .* to accept its host key"):
        fake.exchange(FAKE_GIT_FAIL="ls-remote", FAKE_GIT_STDERR="Host key verification failed.")
    with pytest.raises(GitProblem, match=r"^git could not reach the remote 'origin'"):
        fake.exchange(FAKE_GIT_FAIL="pull", FAKE_GIT_STDERR="ssh: connect to host x: Connection timed out")


def test_not_a_work_tree(fake: FakeGit) -> None:
    said = "fatal: not a git repository (or any of the parent directories): .git"
    with pytest.raises(GitProblem) as caught:
        fake.exchange(FAKE_GIT_FAIL="rev-parse", FAKE_GIT_STDERR=said)
    assert caught.value.kind == "not_repository"
    assert str(caught.value) == (
        f"{fake.folder} is not a git work tree; run `git init` or `git clone` there first. git said: {said}"
    )


@pytest.mark.parametrize("remotes", ["", "upstream mirror"])
def test_no_remote_to_use(fake: FakeGit, remotes: str) -> None:
    fake.folder = fake.folder.rename(fake.folder.with_name("Sync Folder"))
    with pytest.raises(GitProblem) as caught:
        fake.exchange(FAKE_GIT_REMOTES=remotes, FAKE_GIT_UPSTREAM="")
    assert caught.value.kind == "no_remote"
    assert f"This device's reviews are saved in {fake.folder} and the next" in str(caught.value)
    assert ("git remote add origin URL" in str(caught.value)) == (not remotes)
    assert "ls-remote" not in fake.commands()


def test_the_only_remote_or_origin_is_used(fake: FakeGit) -> None:
    assert fake.exchange(FAKE_GIT_REMOTES="backup", FAKE_GIT_UPSTREAM="").remote == "backup"
    assert fake.exchange(FAKE_GIT_REMOTES="backup origin", FAKE_GIT_UPSTREAM="").remote == "origin"
    assert fake.exchange(FAKE_GIT_REMOTES="backup origin", FAKE_GIT_UPSTREAM="backup").remote == "backup"


def test_a_rebase_in_progress_is_reported_and_left_alone(fake: FakeGit) -> None:
    (fake.folder / ".git" / "rebase-merge").mkdir(parents=True)
    with pytest.raises(GitProblem) as caught:
        fake.exchange()
    assert caught.value.kind == "rebase_in_progress"
    assert f"`git -C {fake.folder} rebase --continue`" in str(caught.value)
    assert set(fake.commands()) == {"rev-parse"}


def test_a_remote_that_keeps_changing(fake: FakeGit) -> None:
    rejected = " ! [rejected]        HEAD -> main (fetch first)"
    with pytest.raises(GitProblem) as caught:
        fake.exchange(FAKE_GIT_FAIL="push", FAKE_GIT_STDERR=rejected, FAKE_GIT_EXIT="1")
    assert caught.value.kind == "kept_changing"
    commands = fake.commands()
    assert commands.count("push") == 3
    assert commands.count("pull") == 4  # the first, then one after each refused push


def test_git_missing(fake: FakeGit, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GitProblem) as caught:
        exchange(fake.folder, LAPTOP, "m", environ={"PATH": str(empty)})
    assert caught.value.kind == "missing"
    assert str(caught.value).startswith("quiz sync --git needs the git command, which is not installed")


def test_git_vanishing_after_the_look_is_missing_too(fake: FakeGit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, path=None: "/nonexistent/git")
    with pytest.raises(GitProblem) as caught:
        fake.exchange()
    assert caught.value.kind == "missing"


def test_a_git_that_hangs_is_stopped(fake: FakeGit) -> None:
    with pytest.raises(GitProblem) as caught:
        fake.exchange(timeout=0.1, FAKE_GIT_SLEEP="ls-remote")
    assert caught.value.kind == "timeout"
    assert "git ls-remote took longer than 0.1 seconds" in str(caught.value)


def test_a_sync_folder_that_does_not_exist(fake: FakeGit) -> None:
    with pytest.raises(GitProblem, match="does not exist") as caught:
        exchange(fake.folder / "gone", LAPTOP, "m", environ=fake.env)
    assert caught.value.kind == "not_repository"


def test_credentials_are_cut_from_a_remote_url() -> None:
    assert without_credentials("https://me:tok@host/x.git") == "https://host/x.git"
    assert without_credentials("git@host:x.git") == "git@host:x.git"
    assert without_credentials("ssh://git@host/x.git") == "ssh://host/x.git"
    said = "fatal: unable to access 'https://me:tok@host/x.git/': The requested URL returned error: 403"
    assert git_module.last_line(f"{said}\n\n") == said.replace("me:tok@", "")


# ---- real git: a bare remote and two clones (slow) --------------------------------------------


def isolated(home: Path) -> dict[str, str]:
    """An environment in which the user's and the system's git configuration cannot take part."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "init.defaultBranch",
        "GIT_CONFIG_VALUE_0": "main",
    }


class Clones:
    def __init__(self, tmp_path: Path) -> None:
        self.env = isolated(tmp_path)
        self.remote = tmp_path / "remote.git"
        self.git(tmp_path, "init", "--quiet", "--bare", str(self.remote))
        self.positions: dict[Path, FilePosition] = {}

    def git(self, where: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=where, env=self.env, capture_output=True, text=True, check=check,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    def clone(self, name: str) -> Path:
        folder = self.remote.parent / name
        self.git(self.remote.parent, "clone", "--quiet", str(self.remote), name)
        Journal(folder).prepare()
        return folder

    def review(self, folder: Path, device: str, *lines: str) -> None:
        journal = Journal(folder)
        at = self.positions.get(folder, START)
        self.positions[folder] = journal.append(
            device, "2026-03", [f"{line}\n".encode() for line in lines], at
        )

    def sync(self, folder: Path, device: str) -> git_module.GitOutcome:
        return exchange(folder, device, f"quiz sync: {device[:4]}", environ=self.env)

    def tree(self, folder: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and ".git" not in path.relative_to(folder).parts[:1]
        }


@pytest.mark.slow
def test_two_clones_both_pushing_before_either_pulls_converge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clones = Clones(tmp_path)
    laptop, desktop = clones.clone("laptop"), clones.clone("desktop")
    clones.review(laptop, LAPTOP, '{"n":"l1"}')
    first = clones.sync(laptop, LAPTOP)  # an empty remote: no pull, a first push with -u
    assert first == git_module.GitOutcome(True, 0, True, "origin", "main")
    assert clones.git(laptop, "config", "branch.main.remote").stdout.strip() == "origin"
    clones.review(desktop, DESKTOP, '{"n":"d1"}')
    assert clones.sync(desktop, DESKTOP).pulled == 1
    clones.review(laptop, LAPTOP, '{"n":"l2"}')
    clones.review(desktop, DESKTOP, '{"n":"d2"}')

    # the laptop pushes between the desktop's pull and its push: the desktop's push is refused
    real_run = subprocess.run
    raced: list[git_module.GitOutcome] = []

    def racing(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        if "push" in command and options.get("cwd") == desktop and not raced:
            raced.append(clones.sync(laptop, LAPTOP))
        return real_run(command, **options)

    monkeypatch.setattr(subprocess, "run", racing)
    outcome = clones.sync(desktop, DESKTOP)
    monkeypatch.setattr(subprocess, "run", real_run)
    assert raced[0].pushed
    assert outcome == git_module.GitOutcome(True, 1, True, "origin", "main")
    last = clones.sync(laptop, LAPTOP)
    assert last == git_module.GitOutcome(False, 1, False, "origin", "main")
    assert clones.tree(laptop) == clones.tree(desktop)
    assert clones.tree(laptop)[f"{DESKTOP}/2026-03.jsonl"] == b'{"n":"d1"}\n{"n":"d2"}\n'
    assert clones.tree(laptop)[".gitignore"] == b".*.tmp\n"
    history = clones.git(laptop, "log", "--format=%s %an <%ae>", "--first-parent").stdout.splitlines()
    assert len(history) == 4
    assert history[-1] == f"quiz sync: 8add quiz <quiz@{LAPTOP}.invalid>"
    assert clones.git(laptop, "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "0"
    assert clones.sync(desktop, DESKTOP) == git_module.GitOutcome(False, 0, False, "origin", "main")


@pytest.mark.slow
def test_no_remote(tmp_path: Path) -> None:
    clones = Clones(tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    clones.git(alone, "init", "--quiet")
    clones.review(alone, LAPTOP, "{}")
    with pytest.raises(GitProblem) as caught:
        clones.sync(alone, LAPTOP)
    assert caught.value.kind == "no_remote"
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitProblem) as caught:
        clones.sync(plain, LAPTOP)
    assert caught.value.kind == "not_repository"


@pytest.mark.slow
def test_a_users_unstaged_edit_and_staged_file_are_left_as_they_were(tmp_path: Path) -> None:
    clones = Clones(tmp_path)
    laptop, desktop = clones.clone("laptop"), clones.clone("desktop")
    (laptop / "notes.txt").write_text("mine\n")
    clones.git(laptop, "add", "notes.txt")
    clones.git(laptop, "-c", "user.name=u", "-c", "user.email=u@x", "commit", "--quiet", "-m", "notes")
    clones.review(laptop, LAPTOP, "{}")
    clones.sync(laptop, LAPTOP)
    (desktop / ".gitignore").unlink()  # the laptop's is on the remote, as it would be after a first sync
    clones.git(desktop, "pull", "--quiet", "origin", "main")
    (desktop / "notes.txt").write_text("mine, edited\n")  # unstaged
    (desktop / "staged.txt").write_text("staged\n")
    clones.git(desktop, "add", "staged.txt")
    clones.review(laptop, LAPTOP, "{}")
    clones.sync(laptop, LAPTOP)
    clones.review(desktop, DESKTOP, "{}")
    outcome = clones.sync(desktop, DESKTOP)
    assert outcome.committed
    assert outcome.pushed
    assert outcome.pulled == 1
    assert (desktop / "notes.txt").read_text() == "mine, edited\n"
    status = clones.git(desktop, "status", "--porcelain").stdout.splitlines()
    assert sorted(status) == [" M notes.txt", "A  staged.txt"]
    committed = clones.git(desktop, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert committed == [f"{DESKTOP}/2026-03.jsonl"]


@pytest.mark.slow
def test_a_rebase_in_progress_is_reported_never_forced(tmp_path: Path) -> None:
    clones = Clones(tmp_path)
    laptop, desktop = clones.clone("laptop"), clones.clone("desktop")
    identity = ("-c", "user.name=u", "-c", "user.email=u@x")
    (laptop / "notes.txt").write_text("laptop\n")
    clones.git(laptop, "add", "notes.txt")
    clones.git(laptop, *identity, "commit", "--quiet", "-m", "laptop notes")
    clones.sync(laptop, LAPTOP)
    (desktop / "notes.txt").write_text("desktop\n")
    clones.git(desktop, "add", "notes.txt")
    clones.git(desktop, *identity, "commit", "--quiet", "-m", "desktop notes")
    assert clones.git(desktop, *identity, "pull", "--rebase", "origin", "main", check=False).returncode != 0
    clones.review(desktop, DESKTOP, "{}")
    with pytest.raises(GitProblem) as caught:
        clones.sync(desktop, DESKTOP)
    assert caught.value.kind == "rebase_in_progress"
    assert clones.git(desktop, "rev-parse", "--git-path", "rebase-merge").stdout.strip()
    assert (desktop / clones.git(desktop, "rev-parse", "--git-path", "rebase-merge").stdout.strip()).is_dir()


def test_a_push_the_remote_refuses_quotes_the_remotes_reason_not_gits_advice(fake: FakeGit) -> None:
    """Reviewer R3: a hook or a protected branch says why on "remote:" lines; git's last line only says
    it failed to push."""
    said = (
        "remote: error: GH006: Protected branch update failed for refs/heads/main.\n"
        "To https://example.invalid/x.git\n"
        " ! [remote rejected] HEAD -> main (protected branch hook declined)\n"
        "error: failed to push some refs to 'https://example.invalid/x.git'"
    )
    with pytest.raises(GitProblem) as caught:
        fake.exchange(FAKE_GIT_FAIL="push", FAKE_GIT_STDERR=said, FAKE_GIT_EXIT="1")
    assert "git said: remote: error: GH006: Protected branch update failed" in str(caught.value)
