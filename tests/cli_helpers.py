"""Helpers shared by the command line's tests (tests/test_cli_*.py) and a few others.

The command run in this process (``run``) or as a real process (``cli``, and ``run_real``
through it; ``shell``, ``_start``), inputs made for it, what it leaves behind, and its
worker processes.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import Story
from storykit.cli import main

from .collection_helpers import BAD_DATE, dump, write
from .conftest import SEED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def jsonl_stories(path: Path) -> list[Story]:
    return [storykit.loads(line, "json") for line in path.read_text("utf-8").splitlines()]


STRAY = "← Back to stories\nSCMP 2026-05-02\nStray header line\n\nA title\n\nBody text."
"""A dump with a header line the reader cannot place: a warning about line 3."""


HANG = 120  # seconds: a hang detector


def unmeasured() -> dict[str, str]:
    """The environment, without what makes coverage measure a subprocess (see pyproject)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}


def storykit_cmd(*argv: str) -> list[str]:
    return [sys.executable, "-m", "storykit", *argv]


def cli(*argv: str, cwd: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run the real command (as a user would) and wait for it."""
    return subprocess.run(
        storykit_cmd(*argv),
        capture_output=True,
        check=False,
        encoding="utf-8",
        cwd=cwd,
        timeout=HANG,
        **kwargs,
    )


def shell(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a bash script in which ``storykit`` is the real command."""
    prelude = f'storykit() {{ "{sys.executable}" -m storykit "$@"; }}\n'
    return subprocess.run(
        ["bash", "-c", prelude + script],
        capture_output=True,
        check=False,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def run_real(*argv: str, cwd: Path, stdin: bytes = b"") -> tuple[int, str, str]:
    """``storykit ARGV`` run in ``cwd`` by :func:`cli`, reading ``stdin``: its exit status,
    standard output and error (``run``'s three, with bytes that are not UTF-8, in names,
    kept as Python holds them), and no traceback."""
    as_held = "surrogateescape"  # (the bytes given are the bytes the command reads)
    done = cli(*argv, cwd=cwd, input=stdin.decode("utf-8", as_held), errors=as_held)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


ERR = "storykit convert: error: "
"""How a usage error of ``convert`` begins."""

FF = os.fsdecode(b"\xff")  # a byte that is not UTF-8, as Python holds it


def seeded(folder: Path, *names: str | bytes) -> Path:
    """``folder`` with the seed story under each name (a name may be bytes, not UTF-8)."""
    for name in names:
        path = os.path.join(os.fsencode(folder), os.fsencode(name))
        with open(path, "wb") as file:
            file.write(SEED.read_bytes())
    return folder


def many_stories(folder: Path, n: int, *, bad: int = 0) -> Path:
    for i in range(n):
        write(folder / f"{i:05}.txt", BAD_DATE if i < bad else dump(i))
    return folder


def temp_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob(".storykit-*")]


def _fsize_limit(limit: int) -> Callable[[], None]:
    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG

    return limit_file_size


def run_limited(*argv: str, cwd: Path, limit: int) -> subprocess.CompletedProcess[str]:
    """``storykit ARGV`` run in ``cwd`` with no file written past ``limit`` bytes (EFBIG).

    Not measured by coverage, which could not write its data under the limit.
    """
    return cli(*argv, cwd=cwd, preexec_fn=_fsize_limit(limit), env=unmeasured())


def run_limited_into(
    *argv: str, cwd: Path, limit: int, out: Path
) -> subprocess.CompletedProcess[str]:
    """:func:`run_limited` with standard output into the file ``out`` (``> out``): a file
    size limit is met there (a pipe has none). Standard error is captured."""
    with out.open("wb") as stdout:
        return subprocess.run(
            storykit_cmd(*argv),
            cwd=cwd,
            stdout=stdout,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            check=False,
            preexec_fn=_fsize_limit(limit),
            env=unmeasured(),
            timeout=HANG,
        )


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (and been waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in path.read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def main_is_running(pid: int) -> bool:
    """Whether ``storykit`` in process ``pid`` has started (it catches SIGTERM from then on).

    Before that the interpreter is still importing, and a Ctrl-C is Python's, not storykit's:
    a test that signals "early" waits for this rather than for a time that depends on the
    machine (and on whether coverage measures the process).
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) >> (signal.SIGTERM - 1) & 1)


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        storykit_cmd(*argv),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        start_new_session=True,  # a process group of its own, as a shell gives a job
    )


def _wait_for(test: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if test():
            return True
        time.sleep(0.02)
    return test()
