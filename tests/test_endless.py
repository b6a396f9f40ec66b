"""Inputs that never end: ``/dev/zero``, a named pipe fed for ever, endless standard input.

Each used to be read for ever (``storykit convert /dev/zero`` never returned; a zip that
was a device was read until memory ran out). A stream of unknown size is now read no
further than ``max_member_size`` (and a block or two) past its last story: a story, a line
or a run of blank lines over the limit ends its reading, with an error that says so. A
regular file's end is known to come, and it is read on past such a story, as before.

The ``timeout=`` of each command is a hang detector, not a speed assertion.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

import storykit
from storykit.collection import Failure, iter_blobs, iter_pieces
from storykit.errors import StoryParseError

from .cli_helpers import _wait_for
from .conftest import SEED
from .test_collection import dump, make_story, write

HANG = 120  # seconds: a command still running then hangs
LIMIT = 64 * 1024  # --max-member-size in these tests: the reading stops soon
ENDLESS = "in a stream that may not end (a pipe, a device): the rest of it is not read"
STORY_TOO_LONG = "a story longer than the 64 KiB limit (max_member_size)"
LINE_TOO_LONG = "a line longer than the 64 KiB limit (max_member_size)"
BLANK = "blank lines past the 64 KiB limit (max_member_size)"


def options(message: str) -> str:
    """``message`` as the command words it: the limit named as its option."""
    return message.replace("(max_member_size)", "(--max-member-size)")


# --------------------------------------------------------------------------- the library


class Endless:
    """A file object whose ``read(n)`` gives ``n`` more bytes (or characters) for ever.

    ``read()`` of everything would never return: it fails the test instead. ``given``
    counts what was handed out, to bound what a reader took.
    """

    def __init__(self, pattern: bytes | str, name: str | None = None) -> None:
        self.pattern = pattern
        self.given = 0
        if name is not None:
            self.name = name

    def read(self, n: int = -1) -> bytes | str:
        assert n >= 0, "read() to the end of a stream that never ends"
        out = (self.pattern * (n // len(self.pattern) + 1))[:n]
        self.given += len(out)
        return out


class Trickle:
    """A finite file object of unknown size whose ``read(n)`` gives at most 100 bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, n: int = -1) -> bytes:
        n = 100 if n < 0 else min(n, 100)
        out, self.data = self.data[:n], self.data[n:]
        return out


def read_all(source: object, limit: int = LIMIT) -> tuple[list[storykit.Story], list[str]]:
    stream = storykit.iter_stories(source, errors="collect", max_member_size=limit)  # type: ignore[call-overload]
    stories = list(stream)
    return stories, [str(e) for e in stream.errors]


@pytest.mark.parametrize(
    ("pattern", "name", "message"),
    [
        (b"\0", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),  # /dev/zero
        (b"y\n", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),  # yes |
        ("y\n", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),  # a text stream
        (b"\x80\xfe\xff", "a.txt", f"a.txt:1: {STORY_TOO_LONG}, {ENDLESS}"),  # /dev/urandom
        (b"View original source ", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),
        # the blank line that passes the limit: 65,536 blank lines before it
        (b"\n", None, f"<stream>:{LIMIT + 1}: {BLANK}, {ENDLESS}"),  # yes '' |
        (b"x", "a.jsonl", f"a.jsonl:1: {LINE_TOO_LONG}, {ENDLESS}"),
        (b"\n", "a.jsonl", f"a.jsonl:{LIMIT + 1}: {BLANK}, {ENDLESS}"),
        (b"\0", "a.json", "a.json: larger than the 64 KiB limit (max_member_size); not read"),
    ],
)
def test_an_endless_stream_is_read_to_the_limit_and_no_further(
    pattern: bytes | str, name: str | None, message: str
) -> None:
    stream = Endless(pattern, name)
    assert read_all(stream) == ([], [message])
    assert stream.given <= 2 * LIMIT + 3 * 64 * 1024  # the limit, a stand-in, a block or two


def test_an_endless_stream_after_stories_gives_them_first() -> None:
    class After(Endless):
        def __init__(self, head: bytes) -> None:
            super().__init__(b"y\n", "a.txt")
            self.head = head

        def read(self, n: int = -1) -> bytes | str:
            if self.head:
                out, self.head = self.head[:n], self.head[n:]
                return out
            return super().read(n)

    head = (dump(1) + "\n\n" + dump(2) + "\n\n").encode()
    stories, errors = read_all(After(head))
    assert stories == [make_story(1), make_story(2)]
    line = head.count(b"\n") + 1
    assert errors == [f"a.txt:{line}: {STORY_TOO_LONG}, {ENDLESS}"]


def test_pieces_and_blobs_of_an_endless_stream_stop() -> None:
    [failure] = iter_pieces(Endless(b"\0"), max_member_size=LIMIT)
    assert isinstance(failure, Failure)
    assert failure.error.message == f"{STORY_TOO_LONG}, {ENDLESS}"
    stream = Endless(b"\0")
    [blob] = iter_blobs(stream, max_member_size=LIMIT)
    assert isinstance(blob, Failure)
    assert blob.error.message == "larger than the 64 KiB limit"
    assert stream.given <= LIMIT + 64 * 1024


def test_a_regular_file_or_bytes_is_read_on_past_a_story_over_the_limit(
    tmp_path: Path,
) -> None:
    """Their end is known to come: the next story is read, as it always was."""
    long = dump(1).replace("Body 1.", "Body\n\n" + ("y" * 70 + ".\n\n") * 1000 + "End.")
    data = (long + "\n" + dump(2)).encode()
    path = write(tmp_path / "a.txt", data)
    expected = ([make_story(2)], [f"{path}:1: {STORY_TOO_LONG}"])
    assert read_all(path) == expected
    with path.open("rb") as file:
        assert read_all(file) == expected
    assert read_all(io.BytesIO(data)) == ([make_story(2)], [f"<stream>:1: {STORY_TOO_LONG}"])
    # of a stream whose end is not known, the rest is not read: it may never come
    assert read_all(Trickle(data)) == ([], [f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"])


def test_a_trickling_stream_of_stories_is_read_whole() -> None:
    data = "\n\n".join(dump(i) for i in range(30)).encode()
    assert read_all(Trickle(data)) == ([make_story(i) for i in range(30)], [])
    assert storykit.load(Trickle(SEED.read_bytes())) == storykit.load(SEED)  # type: ignore[arg-type]


@pytest.mark.parametrize("pattern", [b"y\n", "y\n", b"\0"], ids=["bytes", "text", "nul"])
def test_load_of_an_endless_file_object_is_refused_at_the_limit(pattern: bytes | str) -> None:
    stream = Endless(pattern)
    with pytest.raises(StoryParseError) as info:
        storykit.load(stream)  # type: ignore[arg-type]
    assert info.value.message == (
        "more than 16 MiB to read from a device, a pipe or a stream; not read as one story"
    )
    assert stream.given == 16 * 1024 * 1024 + 1


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


def tail(message: str, name: str, line: int | None = 1) -> str:
    where = f"{name}:{line}" if line is not None else name
    return f"{where}: {options(message)}"


DEVZERO = Path("/dev/zero")
NO_DEVZERO = pytest.mark.skipif(
    not (DEVZERO.exists() and stat.S_ISCHR(DEVZERO.stat().st_mode)), reason="no /dev/zero"
)


@NO_DEVZERO
def test_convert_and_validate_of_dev_zero_stop_at_the_limit() -> None:
    said = tail(f"{STORY_TOO_LONG}, {ENDLESS}", "/dev/zero")
    status, out, err = command("convert", "/dev/zero", "--to", "json", "--max-member-size", "64K")
    assert (status, out, err) == (1, "", f"{said}\n0 converted, 1 failed\n")
    # the default limit, 16 MiB: read in well under the hang detector's time
    status, out, err = command("validate", "/dev/zero")
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {STORY_TOO_LONG}, {ENDLESS}", "/dev/zero").replace(
        "64 KiB", "16 MiB"
    )


@NO_DEVZERO
def test_dev_zero_says_what_a_regular_file_of_nul_says(tmp_path: Path) -> None:
    """A file of NUL bytes over the limit is a story too long; /dev/zero is that, endless."""
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\0" * (3 * LIMIT))
    status, _, err = command("convert", str(nul), "--to", "json", "--max-member-size", "64K")
    assert (status, err) == (1, f"{tail(STORY_TOO_LONG, str(nul))}\n0 converted, 1 failed\n")
    link = tmp_path / "zero.txt"
    link.symlink_to(DEVZERO)
    status, _, err = command("convert", str(link), "--to", "json", "--max-member-size", "64K")
    said = tail(f"{STORY_TOO_LONG}, {ENDLESS}", str(link))
    assert (status, err) == (1, f"{said}\n0 converted, 1 failed\n")


@NO_DEVZERO
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("z.jsonl", f"z.jsonl:1: {options(LINE_TOO_LONG)}, {ENDLESS}"),
        ("z.json", "z.json: larger than the 64 KiB limit (--max-member-size); not read"),
        (
            "z.zip",
            "z.zip: not a readable zip archive: not a regular file (a named pipe or a "
            "device); a zip is read from its end, which this may never reach",
        ),
    ],
)
def test_dev_zero_under_a_suffix_stops(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / name).symlink_to(DEVZERO)
    argv = ("convert", name, "--to", "json", "--max-member-size", "64K")
    proc = subprocess.run(  # (command() would not set the folder)
        [sys.executable, "-m", "storykit", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=HANG,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (1, f"{message}\n0 converted, 1 failed\n")


@pytest.mark.parametrize(
    ("pattern", "message", "line"),
    [
        (b"\0", f"{STORY_TOO_LONG}, {ENDLESS}", 1),
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


@pytest.mark.parametrize(
    ("pattern", "message", "line"),
    [(b"y\n", f"{STORY_TOO_LONG}, {ENDLESS}", 1), (b"\n", f"{BLANK}, {ENDLESS}", LIMIT + 1)],
)
def test_endless_standard_input_stops(pattern: bytes, message: str, line: int) -> None:
    """``yes | storykit convert -``, ``yes '' | storykit validate -``."""
    status, out, err = command(
        "convert", "-", "--to", "json", "--max-member-size", "64K", feed=pattern
    )
    assert (status, out, err) == (
        1,
        "",
        f"{tail(message, '<stdin>', line)}\n0 converted, 1 failed\n",
    )
    status, out, _ = command("validate", "-", "--max-member-size", "64K", feed=pattern)
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {message}", "<stdin>", line)


@NO_DEVZERO
def test_standard_input_from_dev_zero_stops() -> None:
    """``cat /dev/zero | storykit validate -`` (here: ``< /dev/zero``)."""
    with DEVZERO.open("rb") as zero:
        status, out, _ = command("validate", "-", "--max-member-size", "64K", stdin=zero)
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {STORY_TOO_LONG}, {ENDLESS}", "<stdin>")


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


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell's pipe")
def test_standard_input_from_a_file_reads_on_from_a_pipe_stops(tmp_path: Path) -> None:
    """``storykit convert - < file`` is a regular file: read on past a story over the limit
    to the next, as the file named is; ``cat file | storykit convert -`` stops there."""
    long = dump(1).replace("Body 1.", "Body\n\n" + ("y" * 70 + ".\n\n") * 1000 + "End.")
    path = write(tmp_path / "a.txt", long + "\n" + dump(2))
    argv = ("convert", "-", "--to", "json", "--max-member-size", "64K")
    with path.open("rb") as file:
        status, out, err = command(*argv, stdin=file)
    assert (status, err) == (1, f"<stdin>:1: {options(STORY_TOO_LONG)}\n1 converted, 1 failed\n")
    assert storykit.loads(out, "json") == make_story(2)
    done = subprocess.run(
        f'cat "{path}" | "{sys.executable}" -m storykit {" ".join(argv)}',
        shell=True,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    said = f"<stdin>:1: {options(STORY_TOO_LONG)}, {ENDLESS}"
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"{said}\n0 converted, 1 failed\n",
    )


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
    said = f"not a regular file (a named pipe, a device or a socket); not {what}"
    assert (status, out, err) == (1, "", f"{fifo}: {said}\n0 converted, 1 failed\n")
