"""The command on named pipes fed for ever: it stops, converts what comes, and a signal ends it.

The ``timeout=`` of each command is a hang detector, not a speed assertion.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import storykit

from .cli_helpers import _wait_for
from .collection_helpers import dump, make_story, write
from .endless_helpers import (
    BINARY,
    BLANK,
    ENDLESS,
    HANG,
    LIMIT,
    LINE_TOO_LONG,
    STORY_TOO_LONG,
    command,
    feed_for_ever,
    in_session,
    tail,
)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe, ``feed/f.txt``."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    folder = tmp_path / "feed"
    folder.mkdir()
    path = folder / "f.txt"
    os.mkfifo(path)
    return path


def fed(path: Path, pattern: bytes) -> threading.Thread:
    """A thread writing ``pattern`` to the named pipe ``path`` until its reader closes it."""

    def write_for_ever() -> None:
        with contextlib.suppress(OSError):
            feed_for_ever(path.open("wb"), pattern)  # (waits for a reader)

    writer = threading.Thread(target=write_for_ever, daemon=True)
    writer.start()
    return writer


def unblock(path: Path, writer: threading.Thread) -> None:
    """End a writer still waiting for a reader (the command did not open the pipe)."""
    if writer.is_alive():
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.close(fd)
    writer.join(HANG)
    assert not writer.is_alive()


@pytest.mark.parametrize(
    ("pattern", "message", "line"),
    [
        (b"\0", f"{BINARY}, {ENDLESS}", 1),
        (b"y\n", f"{STORY_TOO_LONG}, {ENDLESS}", 1),
        (b"\n", f"{BLANK}, {ENDLESS}", LIMIT + 1),
    ],
)
@pytest.mark.parametrize("verb", ["convert", "validate"])
def test_a_named_pipe_fed_for_ever_stops(
    fifo: Path, pattern: bytes, message: str, line: int, verb: str
) -> None:
    path = fifo
    writer = fed(path, pattern)
    try:
        argv = [verb, str(path), "--max-member-size", "64K"]
        status, out, err = command(*argv, *(["--to", "json"] if verb == "convert" else []))
    finally:
        unblock(path, writer)
    assert status == 1
    if verb == "convert":
        assert (out, err) == ("", f"{tail(message, str(path), line)}\n0 converted, 1 failed\n")
    else:
        said = tail(f"error: {message}", str(path), line)
        assert out.splitlines()[0] == said


def test_a_jsonl_pipe_fed_for_ever_stops(fifo: Path) -> None:
    path = fifo.with_suffix(".jsonl")
    os.mkfifo(path)
    writer = fed(path, b'{"storykit": 1, "title": "')  # one line that never ends
    try:
        status, _, err = command("convert", str(path), "--to", "json", "--max-member-size", "64K")
    finally:
        unblock(path, writer)
    said = tail(f"{LINE_TOO_LONG}, {ENDLESS}", str(path))
    assert (status, err) == (1, f"{said}\n0 converted, 1 failed\n")


def test_a_named_pipe_among_files_with_two_jobs(tmp_path: Path, fifo: Path) -> None:
    """The files are converted, the pipe is refused at the limit; no worker is left."""
    path = fifo
    folder = path.parent
    write(folder / "a.txt", dump(1))
    write(folder / "b.txt", dump(2))
    inputs = [str(folder / "a.txt"), str(path), str(folder / "b.txt")]
    out = tmp_path / "out"
    writer = fed(path, b"y\n")
    try:
        argv = ("convert", *inputs, "--jobs", "2", "--to", "json", "-o", str(out))
        status, _, err = command(*argv, "--max-member-size", "64K")
    finally:
        unblock(path, writer)
    said = tail(f"{STORY_TOO_LONG}, {ENDLESS}", str(path))
    assert (status, err) == (1, f"{said}\n2 converted, 1 failed\n")
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json"]  # no temporary file
    assert storykit.load(out / "a.json") == make_story(1)
    assert storykit.load(out / "b.json") == make_story(2)


# --------------------------------------------------------------------------- stopping it


def trickle(path: Path) -> threading.Thread:
    """A thread writing a never-ending story slowly to the named pipe ``path`` (200 KB/s).

    At that pace reading 16 MiB takes over a minute: the command is stopped while reading.
    """

    def write_slowly() -> None:
        with contextlib.suppress(OSError), path.open("wb") as out:
            while True:
                out.write(b"y\n" * 1000)
                out.flush()
                time.sleep(0.01)

    writer = threading.Thread(target=write_slowly, daemon=True)
    writer.start()
    return writer


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("writer", ["trickles", "none"])
@pytest.mark.parametrize(
    ("sig", "to_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "term"]
)
def test_a_signal_during_an_endless_read_ends_the_command(
    fifo: Path, jobs: str, writer: str, sig: int, to_group: bool
) -> None:
    """Ctrl-C (to the process group, as a terminal sends it) or SIGTERM (to storykit alone)
    while a pipe that trickles, or that no one writes to, is read (or opened): with two jobs
    a worker reads it, and the command waited for it to finish its chunk, for ever. Now the
    chunks in hand have a second to finish; then their workers are ended."""
    folder = fifo.parent
    count = 200  # more than two chunks: the pool is started
    inputs = [str(write(folder / f"{i:03d}.txt", dump(i))) for i in range(count)]
    out = folder.parent / "out"
    feeding = trickle(fifo) if writer == "trickles" else None
    argv = [sys.executable, "-m", "storykit", "convert", *inputs, str(fifo)]
    proc = subprocess.Popen(
        [*argv, "--jobs", jobs, "--to", "json", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        start_new_session=True,
    )
    try:
        # every file before the pipe converted: the pipe is being read (or opened)
        assert _wait_for(lambda: out.is_dir() and len(list(out.glob("*.json"))) == count, HANG)
        time.sleep(0.3)
        assert proc.poll() is None
        if to_group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"still running {HANG} s after signal {sig}")
    finally:
        if feeding is not None:
            unblock(fifo, feeding)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert in_session(proc.pid) == []  # no worker left
    assert [p.name for p in out.iterdir() if not p.name.endswith(".json")] == []  # no temp file
    assert len(list(out.iterdir())) == count


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("suffix", "story"), [(".txt", dump(1)), (".jsonl", None)])
def test_a_named_pipe_fed_stories_for_ever_is_converted_as_it_comes(
    fifo: Path, jobs: str, suffix: str, story: str | None
) -> None:
    """A named pipe fed good stories for ever (``convert <(while :; do cat a.txt; done)``)
    was one file to a worker, which held every story it read until the pipe ended: memory
    grew without end and nothing came out. It is now split as standard input is, and its
    stories come out as they are read."""
    path = fifo.with_suffix(suffix)
    if path != fifo:
        os.mkfifo(path)
    line = storykit.dumps(make_story(1), "json", indent=None) + "\n"
    writer = fed(path, (story if story is not None else line).encode())
    proc = subprocess.Popen(
        [sys.executable, "-m", "storykit", "convert", str(path), "--jobs", jobs, "--to", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    lines: list[bytes] = []

    def read_three() -> None:
        assert proc.stdout is not None
        lines.extend(proc.stdout.readline() for _ in range(3))

    reader = threading.Thread(target=read_three, daemon=True)
    reader.start()
    reader.join(HANG)
    os.killpg(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=HANG)
    unblock(path, writer)
    assert not reader.is_alive(), "no story came out of a pipe fed stories for ever"
    assert [storykit.loads(x, "json") for x in lines] == [make_story(1)] * 3
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert in_session(proc.pid) == []


@pytest.mark.parametrize(
    ("fmt", "what"), [("sqlite", "a database file"), ("parquet", "a Parquet file")]
)
def test_a_named_pipe_read_as_a_database_is_refused_unopened(
    fifo: Path, fmt: str, what: str
) -> None:
    """``--from sqlite`` of a named pipe no one writes to: a worker opened it (and waited
    for ever) before the database reader, which refuses it unopened, saw it. The message
    said ``no such database file`` of a file that is there."""
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    status, out, err = command("convert", "--from", fmt, str(fifo), "--to", "json")
    said = f"not a regular file (a named pipe); not {what}"
    assert (status, out, err) == (1, "", f"{fifo}: {said}\n0 converted, 1 failed\n")
    # each said "(a named pipe, a device or a socket)": the mode looked at tells which
    with pytest.raises(storykit.StoryParseError) as caught:
        list(storykit.iter_stories(os.devnull, format=fmt))
    assert str(caught.value) == f"{os.devnull}: not a regular file (a device); not {what}"
