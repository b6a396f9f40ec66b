"""The batch engine behind ``storykit convert`` and ``validate``.

The main process walks the inputs (files, archive members, stories of standard input and of
large files) into units of work and sends them in chunks to ``--jobs`` worker processes,
keeping only a bounded number of chunks in flight and handing results over in input order,
so memory stays flat however many stories there are. Workers split, read and write each
story and send back the chunk's output joined and encoded, with the few results worth
reporting (failures, diagnostics) as plain tuples: little crosses back per story, which is
what lets a second process pay off.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any, Literal, NamedTuple

import attrs

from storykit import formats
from storykit._api import dumps
from storykit._pieces import blob_pieces, parse_piece
from storykit._records import Blob, Event, Failure, Origin, Piece, Skipped
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit._writing import Namer, OutsideError, write_atomic
from storykit.collection import iter_blobs, iter_pieces
from storykit.errors import StoryParseError, UnrepresentableError

__all__ = [
    "CHUNK",
    "Handler",
    "Job",
    "Result",
    "annotate",
    "failed",
    "result",
    "run",
    "tasks",
    "units",
]

CHUNK = 64  # files or pieces sent to a worker at a time
_DELEGATE = 4 * 1024 * 1024  # a plain file up to this size is split by a worker, not here
_IN_FLIGHT = 4  # chunks in flight per worker


@attrs.frozen
class Job:
    """What the workers do with each piece (sent along with every chunk; it is small)."""

    mode: Literal["convert", "validate"]
    to: str = "json"
    compact: bool = False
    force: bool = False
    namer: Namer | None = None  # directory output: where each story goes
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
    fail_fast: bool = False  # stop a file at its first failure


@attrs.frozen
class _Task:
    """One story, split by the main process."""

    piece: Piece
    dest: str | None = None  # write the output here (directory output) instead of returning it


class Result(NamedTuple):
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


def result(
    origin: Origin,
    kind: Literal["ok", "failed", "skipped"],
    *,
    text: str | None = None,
    error: str | None = None,
    messages: tuple[tuple[int | None, str, str], ...] = (),
) -> Result:
    return Result(origin.path, origin.member, origin.line, kind, text, error, messages)


def failed(origin: Origin, error: StoryParseError) -> Result:
    messages = ((error.line, "error", error.message),)
    return result(origin, "failed", error=str(error), messages=messages)


def _internal(origin: Origin, exc: BaseException) -> Result:
    message = f"internal error: {type(exc).__name__}: {exc} (please report this)"
    return failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))


def _do(task: _Task, job: Job) -> Result:
    piece = task.piece
    origin = piece.origin
    try:
        story, diagnostics = parse_piece(piece)
    except StoryParseError as exc:
        return failed(origin, exc)
    except Exception as exc:  # a reader bug must not stop a batch
        return _internal(origin, exc)
    messages = tuple((d.line, d.level, d.message) for d in diagnostics)
    if job.mode == "validate":
        return result(origin, "ok", messages=messages)
    try:
        if job.to == "json":
            out = dumps(story, "json", indent=None if job.compact else 2)
        else:
            out = dumps(story, job.to)
    except UnrepresentableError as exc:
        message = f"cannot write as {job.to}: {exc}"
        return failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    except Exception as exc:  # a writer bug must not stop a batch
        return _internal(origin, exc)
    if task.dest is None:
        return result(origin, "ok", text=out, messages=messages)
    try:
        write_atomic(task.dest, out, force=job.force)
    except FileExistsError:
        message = f"{task.dest} exists; use --force to overwrite it"
        return failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    except OSError as exc:
        message = f"cannot write {task.dest}: {exc.strerror or exc}"
        return failed(origin, StoryParseError(message, filename=origin.where, line=origin.line))
    return result(origin, "ok", messages=messages)


def _do_blob(blob: Blob, job: Job) -> list[Result]:
    """Split one file or member into stories and do each (in a worker)."""
    results: list[Result] = []
    try:
        _do_pieces(blob, job, results)
    except Exception as exc:  # a bug in splitting must not stop a batch either
        results.append(_internal(blob.origin, exc))
    return results


def _do_pieces(blob: Blob, job: Job, results: list[Result]) -> None:
    events = blob_pieces(blob, max_member_size=job.max_member_size)
    for event, index, multi in annotate(events):
        if isinstance(event, Failure):
            results.append(failed(event.origin, event.error))
            if job.fail_fast:
                break
            continue
        assert isinstance(event, Piece)
        try:
            dest = None if job.namer is None else job.namer(event.origin, index, multi)
        except OutsideError as exc:
            results.append(failed(event.origin, _error_at(event.origin, str(exc))))
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


def _work(chunk: list[_Wire], job: Job) -> _Done:
    """Run in a worker process: one chunk of files and pieces.

    Returns the chunk's output, joined and encoded (what goes to a stream or JSON Lines
    file, in order); how many stories went well, quietly; how many files the chunk
    touched; and the other results (failures, findings) as plain tuples, without text.
    Little crosses back per story: that is what lets a second process pay off.
    """
    results: list[Result] = []
    for unit in chunk:
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


def _joined(texts: list[str], job: Job) -> str:
    """Stories' outputs as they go into a stream of several."""
    if not texts:
        return ""
    if job.to == "text":  # dumps one after another, a blank line before each
        return "\n\n" + "\n\n".join(texts)
    if job.to == "json" and job.compact:  # JSON Lines
        return "\n".join(texts) + "\n"
    return "".join(texts)


def annotate(events: Iterator[Event]) -> Iterator[tuple[Event, int, bool]]:
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


class _StopError(Exception):
    pass


_Unit = _Task | Blob


def _chunks(items: Iterator[_Unit | Result], size: int) -> Iterator[list[_Unit] | Result]:
    chunk: list[_Unit] = []
    for item in items:
        if isinstance(item, Result):
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


def _pool(jobs: int, job: Job) -> Any:
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


class Handler:
    """What the main process does with the results, in input order."""

    def output(self, data: bytes) -> None:
        """Write a chunk's joined output."""

    def tally(self, ok: int, files: int) -> None:
        """Count stories that went well (and said nothing) and files done."""

    def handle(self, result: Result) -> bool:
        """Take any other result; False stops the run (``--fail-fast``)."""
        raise NotImplementedError


def run(
    items: Iterator[_Unit | Result],
    job: Job,
    jobs: int,
    handler: Handler,
    *,
    chunk_size: int = CHUNK,
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
        return all(handler.handle(Result._make(result)) for result in rest)

    chunks = _chunks(items, chunk_size)
    head = list(itertools.islice(chunks, 2))
    stream = itertools.chain(head, chunks)
    if jobs <= 1 or len(head) < 2:  # one chunk is not worth a pool
        for chunk in stream:
            if isinstance(chunk, Result):
                if not handler.handle(chunk):
                    return
            elif not take(_work([_wire(unit) for unit in chunk], job)):
                return
        return

    pending: deque[Future[_Done] | Result] = deque()

    def drain_one() -> None:
        entry = pending.popleft()
        going = handler.handle(entry) if isinstance(entry, Result) else take(entry.result())
        if not going:
            raise _StopError

    with _pool(jobs, job) as pool:
        try:
            for chunk in stream:
                if isinstance(chunk, Result):
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


def _ready(entry: Future[_Done] | Result) -> bool:
    return isinstance(entry, Result) or entry.done()


def units(
    inputs: list[str],
    namer: Namer | None,
    *,
    format: str | None,
    max_member_size: int,
    max_total_size: int,
) -> Iterator[_Unit | Result]:
    """The work for the inputs, in order.

    Files and archive members go to the workers whole, to be split there; standard input
    and files over 4 MiB (which may hold any number of stories) are split here, a story at
    a time. What cannot be read comes as a failed result.
    """
    reading: dict[str, Any] = {
        "format": format,
        "max_member_size": max_member_size,
        "max_total_size": max_total_size,
    }
    for name in inputs:
        if name == "-":
            yield from _split_here(iter_pieces(sys.stdin.buffer, **reading), namer)
            continue
        for blob in iter_blobs(name, **reading):
            if isinstance(blob, Failure):
                yield failed(blob.origin, blob.error)
            elif isinstance(blob, Skipped):
                yield result(blob.origin, "skipped", error=f"{blob.origin}: {blob.reason}")
            elif blob.data is None and _file_size(blob.origin.path) > _DELEGATE:
                pieces = blob_pieces(blob, max_member_size=max_member_size)
                yield from _split_here(pieces, namer)
            else:
                yield blob


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports it


def _split_here(events: Iterator[Event], namer: Namer | None) -> Iterator[_Unit | Result]:
    return tasks(annotate(events), namer)


def tasks(
    annotated: Iterator[tuple[Event, int, bool]], namer: Namer | None
) -> Iterator[_Unit | Result]:
    for event, index, multi in annotated:
        if isinstance(event, Failure):
            yield failed(event.origin, event.error)
        elif isinstance(event, Skipped):
            yield result(event.origin, "skipped", error=f"{event.origin}: {event.reason}")
        else:
            try:
                dest = None if namer is None else namer(event.origin, index, multi)
            except OutsideError as exc:
                yield failed(event.origin, _error_at(event.origin, str(exc)))
                continue
            yield _Task(event, dest)
