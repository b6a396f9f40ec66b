"""Helpers for the tests of inputs that never end: the limits, the messages, running a command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import pytest

HANG = 120  # seconds: a command still running then hangs
LIMIT = 64 * 1024  # --max-member-size in these tests: the reading stops soon
ENDLESS = "in a stream that may not end (a pipe, a device): the rest of it is not read"
STORY_TOO_LONG = "a story longer than the 64 KiB limit (max_member_size)"
LINE_TOO_LONG = "a line longer than the 64 KiB limit (max_member_size)"
BLANK = "blank lines past the 64 KiB limit (max_member_size)"
BINARY = "binary data, not a text story"  # a story over the limit with NUL in its first KiB


def options(message: str) -> str:
    """``message`` as the command words it: the limit named as its option."""
    return message.replace("(max_member_size)", "(--max-member-size)")


# --------------------------------------------------------------------------- the command


def in_session(pid: int) -> list[str]:
    """The processes still running in the session ``pid`` leads (none once it is done)."""
    found: list[str] = []
    if not Path("/proc/self/stat").is_file():  # not Linux: not looked at
        return found
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[3]) == pid and fields[0] != "Z":  # the session id; not a zombie
            found.append(entry)
    return found


def command(
    *argv: str, stdin: IO[bytes] | None = None, feed: bytes | None = None
) -> tuple[int, str, str]:
    """Run ``storykit argv`` in a session of its own; feed ``feed`` to it for ever.

    Fails the test when the command hangs, or when a process it started outlives it.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "storykit", *argv],
        stdin=subprocess.PIPE if feed is not None else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    writer = None
    if feed is not None:
        assert proc.stdin is not None
        writer = threading.Thread(target=feed_for_ever, args=(proc.stdin, feed), daemon=True)
        writer.start()
    try:
        out, err = proc.communicate(timeout=HANG) if feed is None else wait(proc)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"storykit {' '.join(argv)} still ran after {HANG} s")
    if writer is not None:
        writer.join(HANG)
    assert in_session(proc.pid) == []  # no worker left behind
    return proc.returncode, out.decode(), err.decode()


def wait(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """Read a command's output while its input is written by another thread."""
    outputs: dict[str, bytes] = {}

    def drain(name: str, pipe: IO[bytes] | None) -> None:
        assert pipe is not None
        outputs[name] = pipe.read()

    threads = [
        threading.Thread(target=drain, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", proc.stderr), daemon=True),
    ]
    for thread in threads:
        thread.start()
    proc.wait(timeout=HANG)
    for thread in threads:
        thread.join(HANG)
    return outputs["out"], outputs["err"]


def feed_for_ever(pipe: IO[bytes], pattern: bytes) -> None:
    """Write ``pattern`` to ``pipe`` until its reader has gone."""
    block = pattern * (65536 // len(pattern) + 1)
    try:
        with pipe:
            while True:
                pipe.write(block)
    except (BrokenPipeError, ValueError, OSError):
        return


def tail(message: str, name: str, line: int | None = 1) -> str:
    where = f"{name}:{line}" if line is not None else name
    return f"{where}: {options(message)}"
