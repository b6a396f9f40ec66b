"""The ``storykit`` command: ``convert``, ``validate``, ``show`` and ``schema``.

``main(argv)`` returns the exit status, so tests call it directly: ``assert main([...]) == 0``.
Exit statuses: 0 all went well, 1 some input failed (or an output exists and ``--force`` was
not given), 2 the command line was wrong.

Conversion streams: the main process reads the inputs (files, archive members, lines of
JSON Lines) into pieces of raw text and sends them in chunks to ``--jobs`` worker processes,
keeping only a bounded number of chunks in flight and writing results in input order, so
memory stays flat however many stories there are.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any, Literal, NamedTuple, TextIO

import attrs

from storykit import formats
from storykit._api import dumps, json_schema
from storykit._version import __version__
from storykit.collection import (
    ARCHIVE_SUFFIXES,
    DEFAULT_MAX_MEMBER_SIZE,
    DEFAULT_MAX_TOTAL_SIZE,
    JSONL_SUFFIX,
    Blob,
    Event,
    Failure,
    Origin,
    Piece,
    Skipped,
    blob_pieces,
    iter_blobs,
    iter_paths,
    iter_pieces,
    parse_piece,
)
from storykit.errors import StoryParseError, UnknownFormatError, UnrepresentableError
from storykit.model import Credit, Story

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
"""Every input was converted or valid."""
EXIT_FAILED = 1
"""Some input failed (the summary on stderr lists each)."""
EXIT_USAGE = 2
"""The command line was wrong."""

_CHUNK = 64  # files or pieces sent to a worker at a time
_DELEGATE = 4 * 1024 * 1024  # a plain file up to this size is split by a worker, not here
_IN_FLIGHT = 4  # chunks in flight per worker
_MAX_LISTED = 1000  # failures kept for the summary; the rest are only counted


class _UsageError(Exception):
    """A command line that cannot work; reported as ``storykit CMD: error: …``, status 2."""


# --------------------------------------------------------------------------- work units


@attrs.frozen
class _Namer:
    """Output paths under ``root``, checked to stay inside it even through existing links."""

    root: str
    suffix: str
    real_root: str = attrs.field()

    @real_root.default
    def _real(self) -> str:
        return os.path.realpath(self.root)

    def __call__(self, origin: Origin, index: int, multi: bool) -> str:
        """The output path of a story.

        Raises:
            _OutsideError: An existing link would take the file out of ``root``.
        """
        parts = _relative_name(origin, index, multi)
        folder = os.path.join(self.root, *parts[:-1])
        if (self.real_root, folder) not in _CHECKED:
            real = os.path.realpath(folder)
            if os.path.commonpath([real, self.real_root]) != self.real_root:
                message = f"{folder} leads outside {self.root} (a link?); not written"
                raise _OutsideError(message)
            _CHECKED.add((self.real_root, folder))
        return os.path.join(folder, parts[-1] + self.suffix)


_CHECKED: set[tuple[str, str]] = set()  # folders known to be inside OUT, per process


class _OutsideError(Exception):
    pass


@attrs.frozen
class _Job:
    """What the workers do with each piece (sent along with every chunk; it is small)."""

    mode: Literal["convert", "validate"]
    to: str = "json"
    compact: bool = False
    force: bool = False
    namer: _Namer | None = None  # directory output: where each story goes
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
    fail_fast: bool = False  # stop a file at its first failure


@attrs.frozen
class _Task:
    """One story, split by the main process."""

    piece: Piece
    dest: str | None = None  # write the output here (directory output) instead of returning it


class _Result(NamedTuple):
    """What became of one story (or of a file that could not be read).

    Crosses process boundaries as a plain tuple: pickling attrs objects or named tuples
    costs several times as much, for each story.
    """

    path: str
    member: str | None
    line: int | None
    kind: Literal["ok", "failed", "skipped"]
    text: str | None = None
    error: str | None = None  # ``file:line: message``
    messages: tuple[tuple[int | None, str, str], ...] = ()  # (line, level, message)

    @property
    def origin(self) -> Origin:
        return Origin(self.path, self.member, self.line)


def _result(
    origin: Origin,
    kind: Literal["ok", "failed", "skipped"],
    *,
    text: str | None = None,
    error: str | None = None,
    messages: tuple[tuple[int | None, str, str], ...] = (),
) -> _Result:
    return _Result(origin.path, origin.member, origin.line, kind, text, error, messages)


def _failed(origin: Origin, error: StoryParseError) -> _Result:
    messages = ((error.line, "error", error.message),)
    return _result(origin, "failed", error=str(error), messages=messages)


def _internal(origin: Origin, exc: BaseException) -> _Result:
    message = f"internal error: {type(exc).__name__}: {exc} (please report this)"
    return _failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))


def _do(task: _Task, job: _Job) -> _Result:
    piece = task.piece
    origin = piece.origin
    try:
        story, diagnostics = parse_piece(piece)
    except StoryParseError as exc:
        return _failed(origin, exc)
    except Exception as exc:  # a reader bug must not stop a batch
        return _internal(origin, exc)
    messages = tuple((d.line, d.level, d.message) for d in diagnostics)
    if job.mode == "validate":
        return _result(origin, "ok", messages=messages)
    try:
        if job.to == "json":
            out = dumps(story, "json", indent=None if job.compact else 2)
        else:
            out = dumps(story, job.to)
    except UnrepresentableError as exc:
        message = f"cannot write as {job.to}: {exc}"
        return _failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    except Exception as exc:  # a writer bug must not stop a batch
        return _internal(origin, exc)
    if task.dest is None:
        return _result(origin, "ok", text=out, messages=messages)
    try:
        _write_atomic(task.dest, out, force=job.force)
    except FileExistsError:
        message = f"{task.dest} exists; use --force to overwrite it"
        return _failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    except OSError as exc:
        message = f"cannot write {task.dest}: {exc.strerror or exc}"
        return _failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    return _result(origin, "ok", messages=messages)


def _do_blob(blob: Blob, job: _Job) -> list[_Result]:
    """Split one file or member into stories and do each (in a worker)."""
    results: list[_Result] = []
    try:
        _do_pieces(blob, job, results)
    except Exception as exc:  # a bug in splitting must not stop a batch either
        results.append(_internal(blob.origin, exc))
    return results


def _do_pieces(blob: Blob, job: _Job, results: list[_Result]) -> None:
    events = blob_pieces(blob, max_member_size=job.max_member_size)
    for event, index, multi in _annotate(events):
        if isinstance(event, Failure):
            results.append(_failed(event.origin, event.error))
            if job.fail_fast:
                break
            continue
        assert isinstance(event, Piece)
        try:
            dest = None if job.namer is None else job.namer(event.origin, index, multi)
        except _OutsideError as exc:
            results.append(_failed(event.origin, _error_at(event.origin, str(exc))))
            continue
        results.append(_do(_Task(event, dest), job))
        if job.fail_fast and results[-1].kind == "failed":
            break


def _error_at(origin: Origin, message: str) -> StoryParseError:
    return StoryParseError(message, filename=origin.where, line=origin.line)


_Wire = tuple[Any, ...]


def _wire(unit: _Task | Blob) -> _Wire:
    """A unit of work as a plain tuple, which pickles several times faster."""
    if isinstance(unit, Blob):
        return ("b", unit.origin.path, unit.origin.member, unit.format, unit.data)
    piece, origin = unit.piece, unit.piece.origin
    return ("p", origin.path, origin.member, origin.line, piece.text, piece.format, unit.dest)


_Done = tuple[bytes, int, int, list[_Wire]]


def _work(units: list[_Wire], job: _Job) -> _Done:
    """Run in a worker process: one chunk of files and pieces.

    Returns the chunk's output, joined and encoded (what goes to a stream or JSON Lines
    file, in order); how many stories went well, quietly; how many files the chunk
    touched; and the other results (failures, findings) as plain tuples, without text.
    Little crosses back per story: that is what lets a second process pay off.
    """
    results: list[_Result] = []
    for unit in units:
        if unit[0] == "b":
            _, path, member, fmt, data = unit
            results.extend(_do_blob(Blob(Origin(path, member), fmt, data), job))
        else:
            _, path, member, line, text, fmt, dest = unit
            results.append(_do(_Task(Piece(Origin(path, member, line), text, fmt), dest), job))
    out = _joined([r.text for r in results if r.text is not None], job).encode("utf-8")
    rest = [
        (r.path, r.member, r.line, r.kind, None, r.error, r.messages)
        for r in results
        if r.kind != "ok" or r.messages
    ]
    files = len({(r.path, r.member) for r in results})
    return out, len(results) - len(rest), files, rest


def _joined(texts: list[str], job: _Job) -> str:
    """Stories' outputs as they go into a stream of several."""
    if not texts:
        return ""
    if job.to == "text":  # dumps one after another, a blank line before each
        return "\n\n" + "\n\n".join(texts)
    if job.to == "json" and job.compact:  # JSON Lines
        return "\n".join(texts) + "\n"
    return "".join(texts)


# --------------------------------------------------------------------------- writing files


_UMASK: int | None = None


def _file_mode() -> int:
    global _UMASK  # noqa: PLW0603 - read once per process
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def _commit(temp: str, dest: str, *, force: bool) -> None:
    """Move a finished temporary file to ``dest``; without ``force``, never over a file.

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
    """
    if force:
        os.replace(temp, dest)
        return
    try:
        os.link(temp, dest)  # atomic, and fails if dest exists (even as a dangling link)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(temp, dest)
        return
    os.unlink(temp)


class _AtomicFile:
    """A text file written to a temporary name in the target folder, renamed when done."""

    def __init__(self, dest: str, *, force: bool) -> None:
        self.dest = dest
        self.force = force
        folder = os.path.dirname(os.path.abspath(dest))
        os.makedirs(folder, exist_ok=True)
        fd, self.temp = tempfile.mkstemp(dir=folder, prefix=".storykit-", suffix=".tmp")
        os.chmod(self.temp, _file_mode())
        self.file: IO[bytes] = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def commit(self) -> None:
        """Rename into place.

        Raises:
            FileExistsError: The target appeared meanwhile and ``force`` is false.
        """
        self.file.close()
        try:
            _commit(self.temp, self.dest, force=self.force)
        finally:
            self.discard()

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if os.path.lexists(self.temp):
            os.unlink(self.temp)


def _write_atomic(dest: str, text: str, *, force: bool) -> None:
    """Write ``text`` to ``dest`` through a temporary file in the same folder.

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
        OSError: The folder cannot be made or written.
    """
    out = _AtomicFile(dest, force=force)
    try:
        out.write(text.encode("utf-8"))
    except BaseException:
        out.discard()
        raise
    out.commit()


def _write_stdout(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


# --------------------------------------------------------------------------- output names


def _parts(path: str) -> list[str]:
    """A path as relative parts: no root, no drive, no ``.`` or ``..``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    return parts


def _strip_suffix(name: str, suffixes: Iterable[str] = ()) -> str:
    lower = name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def _out_suffix(fmt: str) -> str:
    suffixes = formats.FORMATS[fmt][1]
    return suffixes[0] if suffixes else f".{fmt}"


def _from_here(path: str) -> str:
    """An absolute path under the working folder, made relative to it."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # pragma: no cover - another drive (Windows)
            return path
        if not relative.startswith(".."):
            return relative
    return path


def _relative_name(origin: Origin, index: int, multi: bool) -> list[str]:
    """The output path of a story under OUT, as parts, before the format's suffix.

    ``a/b.txt`` → ``a/b``; member ``x/y.txt`` of ``c/d.zip`` → ``c/d/x/y``; the stories of a
    file that holds several get ``-1``, ``-2``… after the name. An absolute path under the
    working folder counts from there; any other loses its root (``/data/a.txt`` →
    ``data/a``), and ``..`` parts are dropped.
    """
    parts = ["stdin"] if origin.path == "<stdin>" else _parts(_from_here(origin.path))
    if origin.member is not None:
        if parts:
            parts[-1] = _strip_suffix(parts[-1], ARCHIVE_SUFFIXES)
        parts += _parts(origin.member)
    if not parts:
        parts = ["story"]
    parts[-1] = _strip_suffix(parts[-1])
    if multi:
        parts[-1] += f"-{index}"
    return parts


def _annotate(events: Iterator[Event]) -> Iterator[tuple[Event, int, bool]]:
    """Each event with its story number in its file and whether the file holds several.

    Looks one event ahead, so the first story of a file knows whether a second follows.
    """
    index = 0
    key: tuple[str, str | None] | None = None
    previous: Event | None = None
    for event in events:
        this_key = (event.origin.path, event.origin.member)
        if previous is not None:
            yield previous, index, index > 1 or this_key == key
        index = index + 1 if this_key == key else 1
        key = this_key
        previous = event
    if previous is not None:
        yield previous, index, index > 1


# --------------------------------------------------------------------------- the engine


class _StopError(Exception):
    pass


_Unit = _Task | Blob


def _chunks(items: Iterator[_Unit | _Result], size: int) -> Iterator[list[_Unit] | _Result]:
    chunk: list[_Unit] = []
    for item in items:
        if isinstance(item, _Result):
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pool(jobs: int, job: _Job) -> Any:
    """The worker processes.

    On Linux they are forked: they start at once, sharing what this process has imported
    (the reader and the writer are imported first, for that), and this process holds
    little by then (one folder's names). No thread runs here yet when they are forked:
    the executor starts its own threads after its processes. Elsewhere they are spawned.
    """
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    if sys.platform == "linux":
        formats.by_name("text")
        formats.by_name(job.to)
        if job.to == "json":
            from storykit.formats import json as json_format  # noqa: PLC0415

            json_format.converter()
        context = multiprocessing.get_context("fork")
    else:  # pragma: no cover - macOS and Windows cannot fork safely
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context)


class _Handler:
    """What the main process does with the results, in input order."""

    def output(self, data: bytes) -> None:
        """Write a chunk's joined output."""

    def tally(self, ok: int, files: int) -> None:
        """Count stories that went well (and said nothing) and files done."""

    def handle(self, result: _Result) -> bool:
        """Take any other result; False stops the run (``--fail-fast``)."""
        raise NotImplementedError


def _run(
    items: Iterator[_Unit | _Result],
    job: _Job,
    jobs: int,
    handler: _Handler,
    *,
    chunk_size: int = _CHUNK,
) -> None:
    """Do every task, serially or in ``jobs`` processes, and hand results over in order.

    At most ``jobs * 4`` chunks are in flight, so memory does not grow with the input.
    ``--fail-fast`` sends one unit at a time, so that nothing past the failure is done.
    """

    def take(done: _Done) -> bool:
        data, ok, files, rest = done
        if data:
            handler.output(data)
        handler.tally(ok, files)
        return all(handler.handle(_Result._make(result)) for result in rest)

    chunks = _chunks(items, chunk_size)
    head = list(itertools.islice(chunks, 2))
    stream = itertools.chain(head, chunks)
    if jobs <= 1 or len(head) < 2:  # one chunk is not worth a pool
        for chunk in stream:
            if isinstance(chunk, _Result):
                if not handler.handle(chunk):
                    return
            elif not take(_work([_wire(unit) for unit in chunk], job)):
                return
        return

    pending: deque[Future[_Done] | _Result] = deque()

    def drain_one() -> None:
        entry = pending.popleft()
        going = handler.handle(entry) if isinstance(entry, _Result) else take(entry.result())
        if not going:
            raise _StopError

    with _pool(jobs, job) as pool:
        try:
            for chunk in stream:
                if isinstance(chunk, _Result):
                    pending.append(chunk)
                else:
                    pending.append(pool.submit(_work, [_wire(unit) for unit in chunk], job))
                while len(pending) > jobs * _IN_FLIGHT or (pending and _ready(pending[0])):
                    drain_one()
            while pending:
                drain_one()
        except _StopError:
            for entry in pending:
                if isinstance(entry, Future):
                    entry.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _ready(entry: Future[_Done] | _Result) -> bool:
    return isinstance(entry, _Result) or entry.done()


def _units(
    inputs: list[str], args: argparse.Namespace, namer: _Namer | None
) -> Iterator[_Unit | _Result]:
    """The work for the inputs, in order.

    Files and archive members go to the workers whole, to be split there; standard input
    and files over 4 MiB (which may hold any number of stories) are split here, a story at
    a time. What cannot be read comes as a failed result.
    """
    reading = {
        "format": args.input_format,
        "max_member_size": args.max_member_size,
        "max_total_size": args.max_total_size,
    }
    for name in inputs:
        if name == "-":
            yield from _split_here(iter_pieces(sys.stdin.buffer, **reading), namer)
            continue
        for blob in iter_blobs(name, **reading):
            if isinstance(blob, Failure):
                yield _failed(blob.origin, blob.error)
            elif isinstance(blob, Skipped):
                yield _result(blob.origin, "skipped", error=f"{blob.origin}: {blob.reason}")
            elif blob.data is None and _file_size(blob.origin.path) > _DELEGATE:
                pieces = blob_pieces(blob, max_member_size=args.max_member_size)
                yield from _split_here(pieces, namer)
            else:
                yield blob


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports it


def _split_here(events: Iterator[Event], namer: _Namer | None) -> Iterator[_Unit | _Result]:
    return _tasks(_annotate(events), namer)


def _tasks(
    annotated: Iterator[tuple[Event, int, bool]], namer: _Namer | None
) -> Iterator[_Unit | _Result]:
    for event, index, multi in annotated:
        if isinstance(event, Failure):
            yield _failed(event.origin, event.error)
        elif isinstance(event, Skipped):
            yield _result(event.origin, "skipped", error=f"{event.origin}: {event.reason}")
        else:
            try:
                dest = None if namer is None else namer(event.origin, index, multi)
            except _OutsideError as exc:
                yield _failed(event.origin, _error_at(event.origin, str(exc)))
                continue
            yield _Task(event, dest)


# --------------------------------------------------------------------------- progress


class _Progress:
    """A one-line progress display on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream: TextIO, total: int | None, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.files = 0
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, files: int, done: int, failed: int) -> None:
        self.files += files
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1:  # ten redraws a second at most
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        status = f"{done:,} done, {failed:,} failed, {rate:,.0f}/s"
        if self.total:
            share = min(self.files / self.total, 1.0)
            width = 24
            filled = int(share * width)
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {share:4.0%} {self.files:,}/{self.total:,} files  {status}"
        else:
            line = f"{self.files:,} files  {status}"
        self.stream.write("\r" + line[: _columns() - 1] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _columns() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def _count_files(inputs: list[str]) -> int | None:
    """How many files the inputs name, when that is cheap to know (no archive, no stdin)."""
    total = 0
    for name in inputs:
        if name == "-":
            return None
        try:
            for path in iter_paths(name):
                if _is_container(path):
                    return None
                total += 1
        except OSError:
            total += 1
    return total


def _is_container(path: str) -> bool:
    lower = path.lower()
    return lower.endswith(JSONL_SUFFIX) or any(lower.endswith(s) for s in ARCHIVE_SUFFIXES)


# --------------------------------------------------------------------------- convert


def _size_arg(value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([kmgt]?)(i?b?)\s*", value, re.IGNORECASE)
    if match is None:
        msg = f"not a size: {value!r} (use bytes or a suffix: 512K, 16M, 4G)"
        raise argparse.ArgumentTypeError(msg)
    scale: int = 1 << (10 * " kmgt".index(match[2].lower() or " "))
    size = int(match[1]) * scale
    if size <= 0:
        msg = "a size must be more than 0"
        raise argparse.ArgumentTypeError(msg)
    return size


def _jobs_arg(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        msg = f"--jobs takes a whole number of processes, 1 or more, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return jobs


def _sources(inputs: list[str]) -> list[Any]:
    return [sys.stdin.buffer if name == "-" else name for name in inputs]


def _is_single(inputs: list[str]) -> bool:
    """One input that is one file (or stdin), not a directory, pattern, archive or JSONL."""
    if len(inputs) != 1:
        return False
    name = inputs[0]
    return name == "-" or (os.path.isfile(name) and not _is_container(name))


def _names_folder(out: str, *, single: bool) -> bool:
    """-o names a folder: it is one, ends in a slash, or has no suffix and inputs are many."""
    if os.path.isdir(out) or out.endswith(("/", os.sep)):
        return True
    return not single and not os.path.splitext(out)[1]


def _target_format(args: argparse.Namespace) -> str:
    if args.to is not None:
        if args.to not in formats.FORMATS:
            msg = f"unknown format {args.to!r}; known formats: {', '.join(formats.names())}"
            raise _UsageError(msg)
        return str(args.to)
    out = args.output
    if out is not None and out != "-":
        if out.lower().endswith(JSONL_SUFFIX):
            return "json"
        found = formats.by_suffix(os.path.splitext(out)[1])
        if found is not None:
            return found
    msg = f"say which format to write with --to ({', '.join(formats.names())})"
    raise _UsageError(msg)


class _Summary:
    def __init__(self, *, fail_fast: bool) -> None:
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.failures: list[str] = []
        self.fail_fast = fail_fast

    def fail(self, line: str) -> bool:
        self.failed += 1
        if len(self.failures) < _MAX_LISTED:
            self.failures.append(line)
        return not self.fail_fast

    def print(self, stream: TextIO, *, quiet: bool, verb: str) -> None:
        for line in self.failures:
            stream.write(line + "\n")
        if self.failed > len(self.failures):
            stream.write(f"… and {self.failed - len(self.failures):,} more failures\n")
        if quiet and not self.failed:
            return
        text = f"{self.done:,} {verb}, {self.failed:,} failed"
        if self.skipped:
            text += f", {self.skipped:,} skipped (not story files)"
        stream.write(text + "\n")


class _Converting(_Handler):
    def __init__(
        self, to: str, sink: _AtomicFile | None, summary: _Summary, progress: _Progress
    ) -> None:
        self.to = to
        self.sink = sink
        self.summary = summary
        self.progress = progress
        self.written = 0
        self.last = b""

    def output(self, data: bytes) -> None:
        if not self.written and self.to == "text":
            data = data[2:]  # no blank line before the first story
        self.written += len(data)
        self.last = data[-1:]
        if self.sink is not None:
            self.sink.write(data)
        else:
            _write_stdout(data)

    def tally(self, ok: int, files: int) -> None:
        self.summary.done += ok
        self.progress.update(files, self.summary.done, self.summary.failed)

    def handle(self, result: _Result) -> bool:
        summary = self.summary
        keep_going = True
        if result.kind == "ok":
            summary.done += 1
        elif result.kind == "skipped":
            summary.skipped += 1
        else:
            keep_going = summary.fail(result.error or str(result.origin))
        self.progress.update(1 if result.kind != "ok" else 0, summary.done, summary.failed)
        return keep_going


def _convert(args: argparse.Namespace) -> int:  # noqa: PLR0915 - one flow, read top to bottom
    to = _target_format(args)
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise _UsageError("'-' (standard input) can be given once")
    out: str | None = None if args.output in (None, "-") else args.output
    single = _is_single(inputs)
    if out is not None and out.lower().endswith(JSONL_SUFFIX):
        if to != "json":
            raise _UsageError(f"a .jsonl output holds JSON; drop --to {to} or use -o DIR")
        mode = "jsonl"
    elif out is not None and _names_folder(out, single=single):
        mode = "dir"
    else:
        mode = "stream"
    if mode == "dir" and os.path.exists(out or "") and not os.path.isdir(out or ""):
        raise _UsageError(f"{out} is a file, not a folder")
    if mode == "stream" and not single and to not in ("json", "text"):
        raise _UsageError(
            f"many stories cannot go into one {to} output: give -o DIR (one file each)"
        )

    summary = _Summary(fail_fast=args.fail_fast)
    sink: _AtomicFile | None = None
    if out is not None and mode in ("jsonl", "stream"):
        if os.path.lexists(out) and not args.force:
            sys.stderr.write(f"{out} exists; use --force to overwrite it\n")
            return EXIT_FAILED
        if os.path.isdir(out):
            raise _UsageError(f"{out} is a folder; name a file, or drop the suffix")

    namer = _Namer(out or ".", _out_suffix(to)) if mode == "dir" else None
    only_one = False
    units: Iterator[_Unit | _Result]
    if single:  # one file: split here, to know first whether it holds one story or more
        annotated = _annotate(
            iter_pieces(
                _sources(inputs),
                format=args.input_format,
                max_member_size=args.max_member_size,
                max_total_size=args.max_total_size,
            )
        )
        first = next(annotated, None)
        if first is None:
            sys.stderr.write(f"{inputs[0]}: no story here\n")
            return EXIT_FAILED
        only_one = isinstance(first[0], Piece) and not first[2]
        several = isinstance(first[0], Piece) and not only_one
        if mode == "stream" and several and to not in ("json", "text"):
            sys.stderr.write(
                f"{first[0].origin.where} holds several stories; to write them as {to} "
                "give -o DIR (one file each)\n"
            )
            return EXIT_FAILED
        units = _tasks(itertools.chain([first], annotated), namer)
    else:
        units = _units(inputs, args, namer)
    job = _Job(
        "convert",
        to,
        compact=mode != "dir" and not only_one,
        force=args.force,
        namer=namer,
        max_member_size=args.max_member_size,
        fail_fast=args.fail_fast,
    )
    if mode == "dir":
        os.makedirs(out or ".", exist_ok=True)
    elif out is not None:
        sink = _AtomicFile(out, force=args.force)

    progress = _Progress(
        sys.stderr,
        _count_files(inputs) if sys.stderr.isatty() else None,
        enabled=sys.stderr.isatty(),
    )
    handler = _Converting(to, sink, summary, progress)
    try:
        _run(units, job, args.jobs, handler, chunk_size=1 if args.fail_fast else _CHUNK)
        if sink is not None and (summary.failed == 0 or not args.fail_fast):
            if to == "text" and summary.done > 1:
                sink.write(b"\n")  # a file of several dumps ends its last line
            sink.commit()
        elif sink is None and handler.written and handler.last != b"\n":
            _write_stdout(b"\n")  # a terminal wants the last line ended
    except FileExistsError:
        summary.fail(f"{out} exists; use --force to overwrite it")
    finally:
        progress.clear()
        if sink is not None:
            sink.discard()
    summary.print(sys.stderr, quiet=args.quiet, verb="converted")
    return EXIT_FAILED if summary.failed else EXIT_OK


# --------------------------------------------------------------------------- validate


def _validate(args: argparse.Namespace) -> int:
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise _UsageError("'-' (standard input) can be given once")
    counts = {"stories": 0, "errors": 0, "warnings": 0, "skipped": 0}
    found: list[dict[str, Any]] = []
    as_json = args.output_format == "json"

    def report(origin: Origin, line: int | None, level: str, message: str) -> None:
        if level == "warning" and args.strict:
            level = "error"
        counts["errors" if level == "error" else "warnings"] += 1
        if as_json:
            found.append(
                {
                    "file": origin.path,
                    "member": origin.member,
                    "line": line,
                    "level": level,
                    "message": message,
                }
            )
        else:
            where = origin.where if line is None else f"{origin.where}:{line}"
            sys.stdout.write(f"{where}: {level}: {message}\n")

    class Validating(_Handler):
        def tally(self, ok: int, files: int) -> None:
            counts["stories"] += ok

        def handle(self, result: _Result) -> bool:
            if result.kind == "skipped":
                counts["skipped"] += 1
                return True
            counts["stories"] += 1
            for line, level, message in result.messages:
                report(result.origin, line, level, message)
            return True

    job = _Job("validate", max_member_size=args.max_member_size)
    _run(_units(inputs, args, None), job, args.jobs, Validating())
    failed = counts["errors"] > 0
    if as_json:
        document = {"valid": not failed, **counts, "diagnostics": found}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    if not args.quiet or failed:
        text = (
            f"{counts['stories']:,} stories checked: {counts['errors']:,} errors, "
            f"{counts['warnings']:,} warnings"
        )
        if counts["skipped"]:
            text += f", {counts['skipped']:,} skipped (not story files)"
        sys.stderr.write(text + "\n")
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------- show


def _credit_line(credit: Credit) -> str:
    role = credit.role[:1].upper() + credit.role[1:]
    if credit.name is None:
        return f"{role}: {credit.provider}"
    if credit.provider is None:
        return f"{role} by {credit.name}"
    return f"{role} by {credit.name} ({credit.provider})"


def render(story: Story, width: int = 80) -> str:
    """A story as plain text for a terminal: title, source, credits, wrapped sections, tags.

    Args:
        story: The story.
        width: The line width to wrap paragraphs to.
    """
    width = max(width, 20)

    def fill(text: str, indent: str = "") -> str:
        return textwrap.fill(
            text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )

    out = [fill(story.title), "=" * min(width, max(len(story.title), 3))]
    source = story.source
    if source is not None:
        bits = [source.name, source.published.isoformat() if source.published else None]
        line = " · ".join(b for b in bits if b)
        if line:
            out.append(line)
        if source.url:
            out.append(source.url)
    if story.image is not None:
        if story.image.alt:
            out.append(fill(f"Image: {story.image.alt}"))
        if story.image.credit is not None:
            out.append(_credit_line(story.image.credit))
    out.extend(_credit_line(credit) for credit in story.credits)
    for section in story.sections:
        out.append("")
        if section.heading is not None:
            out += [fill(section.heading), "-" * min(width, max(len(section.heading), 3)), ""]
        for k, paragraph in enumerate(section.paragraphs):
            if k:
                out.append("")
            out.append(fill(paragraph))
    if story.tags:
        out += ["", fill("Tags: " + ", ".join(story.tags))]
    if story.extras:
        out += ["", "Lines not placed:"] + [fill(extra, "  ") for extra in story.extras]
    return "\n".join(out) + "\n"


def _show(args: argparse.Namespace) -> int:
    source = sys.stdin.buffer if args.file == "-" else args.file
    if args.file != "-" and os.path.isdir(args.file):
        raise _UsageError(f"{args.file} is a folder; show takes one file")
    width = args.width or min(_columns(), 100)
    shown = 0
    events = iter_pieces(
        [source],
        format=args.input_format,
        max_member_size=args.max_member_size,
        max_total_size=args.max_total_size,
    )
    for event in events:
        if isinstance(event, Skipped):
            continue
        if shown and not args.all:
            sys.stderr.write(
                f"{event.origin.where} holds more stories; showing the first (use --all)\n"
            )
            break
        if isinstance(event, Failure):
            sys.stderr.write(f"{event.error}\n")
            return EXIT_FAILED
        try:
            story, diagnostics = parse_piece(event)
        except StoryParseError as exc:
            sys.stderr.write(f"{exc}\n")
            return EXIT_FAILED
        for diagnostic in diagnostics:
            sys.stderr.write(diagnostic.format(event.origin.where) + "\n")
        if shown:
            sys.stdout.write("\n" + "─" * min(width, 40) + "\n\n")
        sys.stdout.write(render(story, width))
        shown += 1
    if not shown:
        sys.stderr.write(f"no story in {args.file}\n")
        return EXIT_FAILED
    return EXIT_OK


# --------------------------------------------------------------------------- schema


def _schema(_args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


# --------------------------------------------------------------------------- parser

_MAIN_EPILOG = """\
examples:
  storykit convert story.txt --to html                 one story to standard output
  storykit convert archive.zip -o out.jsonl --jobs 4   an archive to JSON Lines
  storykit validate dumps/ --strict                    check a folder of dumps
  storykit show story.txt                              read a story in the terminal
  storykit schema > story.schema.json                  the JSON Schema

exit status: 0 all went well, 1 some input failed, 2 the command line was wrong.
"""

_CONVERT_EPILOG = """\
examples:
  storykit convert story.txt --to html                 to standard output
  storykit convert story.txt -o story.md               format from the suffix
  storykit convert a/b.txt c/d.txt --to html -o out/   writes out/a/b.html, out/c/d.html
  storykit convert dumps.zip -o all.jsonl --jobs 4     an archive to one JSON Lines file
  storykit convert 'dumps/**/*.txt' -o out/ --to json  a glob (quoted), mirrored under out/
  cat story.txt | storykit convert - --to json         standard input to standard output

Several stories to standard output (or to one file) are written as JSON Lines (--to json)
or as one multi-story dump (--to text). Members of an archive go under a folder named after
it (dumps.zip:2026/a.txt -> out/dumps/2026/a.html); a file holding several stories gives
name-1, name-2, ... Nothing is overwritten without --force; each file is written to a
temporary name and renamed into place. Members named ../x, /x or that are links are refused.
"""

_VALIDATE_EPILOG = """\
examples:
  storykit validate story.txt                  file:line: level: message for each finding
  storykit validate dumps/ archive.tar.gz      folders and archives
  storykit validate --strict dumps/            warnings count as errors
  storykit validate --format json dumps/ > report.json
"""

_SHOW_EPILOG = """\
examples:
  storykit show story.txt
  storykit show --width 72 story.json
  storykit show --all several.txt | less
"""

_SCHEMA_EPILOG = """\
examples:
  storykit schema > story.schema.json
"""


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="input_format",
        metavar="FORMAT",
        help="read every input as this format (default: from the suffix, else the content)",
    )
    parser.add_argument(
        "--max-member-size",
        type=_size_arg,
        default=DEFAULT_MAX_MEMBER_SIZE,
        metavar="SIZE",
        help="refuse an archive member or a story larger than this (default: 16M)",
    )
    parser.add_argument(
        "--max-total-size",
        type=_size_arg,
        default=DEFAULT_MAX_TOTAL_SIZE,
        metavar="SIZE",
        help="stop reading an archive after this many bytes (default: 4G)",
    )


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="storykit",
        description="Read, check and convert news story dumps.",
        epilog=_MAIN_EPILOG,
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"storykit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    convert = commands.add_parser(
        "convert",
        help="convert stories to another format",
        description="Convert stories (files, folders, globs, archives, JSON Lines, -).",
        epilog=_CONVERT_EPILOG,
        formatter_class=raw,
    )
    convert.add_argument("inputs", nargs="+", metavar="INPUT", help="what to read; - for stdin")
    convert.add_argument(
        "--to", metavar="FORMAT", help=f"the format to write: {', '.join(formats.names())}"
    )
    convert.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="a file, a folder (several inputs, or a trailing /), FILE.jsonl, or - (stdout)",
    )
    convert.add_argument(
        "-j",
        "--jobs",
        type=_jobs_arg,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    convert.add_argument("-f", "--force", action="store_true", help="overwrite existing files")
    convert.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    convert.add_argument(
        "-q", "--quiet", action="store_true", help="no summary when nothing failed"
    )
    _add_reading_options(convert)
    convert.set_defaults(run=_convert)

    validate = commands.add_parser(
        "validate",
        help="check stories and report what the reader found",
        description="Check stories; print file:line: level: message for each finding.",
        epilog=_VALIDATE_EPILOG,
        formatter_class=raw,
    )
    validate.add_argument("inputs", nargs="+", metavar="INPUT", help="what to read; - for stdin")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--format",
        dest="output_format",
        choices=("text", "json"),
        default="text",
        help="text lines (default) or one JSON report",
    )
    validate.add_argument(
        "-j",
        "--jobs",
        type=_jobs_arg,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    validate.add_argument(
        "-q", "--quiet", action="store_true", help="no summary when nothing is wrong"
    )
    _add_reading_options(validate)
    validate.set_defaults(run=_validate)

    show = commands.add_parser(
        "show",
        help="print a story readably",
        description="Print a story for reading in a terminal.",
        epilog=_SHOW_EPILOG,
        formatter_class=raw,
    )
    show.add_argument("file", metavar="FILE", help="the story file; - for stdin")
    show.add_argument("--width", type=int, metavar="N", help="wrap to N columns")
    show.add_argument("--all", action="store_true", help="show every story the file holds")
    _add_reading_options(show)
    show.set_defaults(run=_show)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of storykit JSON",
        description="Print the JSON Schema (draft 2020-12) of one story in storykit JSON.",
        epilog=_SCHEMA_EPILOG,
        formatter_class=raw,
    )
    schema.set_defaults(run=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``storykit`` command and return its exit status.

    Args:
        argv: The arguments, without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 when all went well, 1 when some input failed, 2 for a wrong command line.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        run: Callable[[argparse.Namespace], int] = args.run
        status = run(args)
    except (_UsageError, UnknownFormatError) as exc:
        sys.stderr.write(f"storykit {args.command}: error: {exc}\n")
        return EXIT_USAGE
    except BrokenProcessPool:
        sys.stderr.write(f"storykit {args.command}: error: a worker process died\n")
        return EXIT_FAILED
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        sys.stderr.write(f"storykit {args.command}: error: {exc}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    return status
