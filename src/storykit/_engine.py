"""The batch engine behind ``storykit convert`` and ``validate``.

The main process walks the inputs into units of work (a file, an archive member's bytes, or
one story of standard input or of a large file, split here) and sends them in chunks to
``--jobs`` worker processes, keeping only a bounded number of chunks in flight and handing
results over in input order, so memory stays flat however many stories there are. Each chunk
comes back as its output, joined and encoded, with the few results worth reporting
(failures, diagnostics) as plain tuples: little crosses between processes per story, which
is what lets a second process pay off. What a worker does with a chunk is in
``storykit._worker``; with ``--jobs 1`` this process does it.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from storykit import formats
from storykit._archives import archive_blobs
from storykit._pieces import file_pieces
from storykit._records import Blob, Event, Failure, Origin, Skipped
from storykit._sources import (
    ARCHIVE_SUFFIXES,
    DEFAULT_MAX_MEMBERS,
    check_format,
    expand,
    lower_suffix,
    suffix_format,
)
from storykit._worker import (
    Done,
    Job,
    Result,
    Unit,
    annotate,
    failed,
    share_outputs,
    shared_output,
    skipped,
    unshare_outputs,
    work,
)
from storykit._writing import Namer, OutsideError, TakenError, input_base, signals_held
from storykit.collection import iter_pieces

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["CHUNK", "Handler", "annotate", "run", "tasks", "units"]

CHUNK = 64  # files or pieces sent to a worker at a time
_DELEGATE = 4 * 1024 * 1024  # with a pool, a file over this size is split here, not by a worker
_IN_FLIGHT = 4  # chunks in flight per worker


class Handler:
    """What the main process does with the results, in input order."""

    def output(self, data: bytes) -> None:
        """Write a chunk's joined output."""

    def tally(self, ok: int, files: int, extras: int = 0) -> None:
        """Count stories that went well (and said nothing), files done, lines in extras.

        ``extras``: lines the stories keep in ``story.extras`` (not placed by the reader).
        """

    def handle(self, result: Result) -> bool:
        """Take any other result; False stops the run (``--fail-fast``)."""
        raise NotImplementedError


# --------------------------------------------------------------------------- units


def units(
    inputs: list[str],
    namer: Namer | None,
    *,
    format: str | None,
    max_member_size: int,
    max_total_size: int,
    split_large: bool = False,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[Unit | Result]:
    """The work for the inputs, in order.

    Files and archive members go to the workers whole, to be split there; standard input,
    and with ``split_large`` files over 4 MiB (which may hold any number of stories, and
    would keep one worker busy), are split here, a story at a time. What cannot be read
    comes as a failed result.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
    """
    check_format(format)
    for name in inputs:
        base = input_base(name)
        if name == "-":
            events = iter_pieces(
                sys.stdin.buffer,
                format=format,
                max_member_size=max_member_size,
                max_total_size=max_total_size,
                max_members=max_members,
            )
            yield from tasks(annotate(events), namer, base)
            continue
        for item in expand(name):
            if isinstance(item, Failure):
                yield failed(item.origin, item.error)
                continue
            path: str = item[1]
            suffix = lower_suffix(path)
            if format is None and suffix in ARCHIVE_SUFFIXES:
                limits = (max_member_size, max_total_size, max_members)
                members = archive_blobs(path, path, None, *limits)
                yield from _members(members, namer, base)
                continue
            fmt = (format if format is not None else suffix_format(suffix)) or ""
            if split_large and _file_size(path) > _DELEGATE:
                yield from tasks(annotate(file_pieces(path, fmt, max_member_size)), namer, base)
                continue
            try:
                stem = None if namer is None else namer.stem(path, None, base)
            except (OutsideError, TakenError) as exc:
                yield failed(Origin(path), str(exc))
                continue
            yield ("f", path, None, fmt, stem)


def _members(
    blobs: Iterator[Blob | Failure | Skipped], namer: Namer | None, base: str
) -> Iterator[Unit | Result]:
    for blob in blobs:
        origin = blob.origin
        if isinstance(blob, Blob):
            try:
                stem = None if namer is None else namer.stem(origin.path, origin.member, base)
            except (OutsideError, TakenError) as exc:
                yield failed(origin, str(exc))
                continue
            yield ("m", origin.path, origin.member, blob.format, blob.data, stem)
        elif isinstance(blob, Failure):
            yield failed(origin, blob.error)
        else:
            yield skipped(origin, blob.reason)


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports it


def tasks(
    annotated: Iterator[tuple[Event, int, bool]], namer: Namer | None, base: str = ""
) -> Iterator[Unit | Result]:
    """Units of one story each (split here), or the results of what could not be read.

    ``base``: the folder the output names count from (see :func:`input_base`).
    """
    stem: str | None = None
    refused: str | None = None  # why the file's stories are not written
    for event, index, multi in annotated:
        origin = event.origin
        if isinstance(event, Failure):
            yield failed(origin, event.error)
        elif isinstance(event, Skipped):
            yield skipped(origin, event.reason)
        else:
            if namer is not None and index == 1:
                try:
                    stem, refused = namer.stem(origin.path, origin.member, base), None
                except (OutsideError, TakenError) as exc:
                    stem, refused = None, str(exc)
            if refused is not None:
                yield failed(origin, refused)
                continue
            dest = None if namer is None or stem is None else namer.dest(stem, index, multi)
            text, fmt = event.text, event.format
            yield ("p", origin.path, origin.member, origin.line, text, fmt, dest, index == 1)


# --------------------------------------------------------------------------- running


class _StopError(Exception):
    pass


def _chunks(items: Iterator[Unit | Result], size: int) -> Iterator[list[Unit] | Result]:
    chunk: list[Unit] = []
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
    Each worker leaves Ctrl-C to this process, which lets the chunks in hand finish and
    stops, and exits when this process is gone (see :func:`_worker_started`).
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
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )


_ORPHAN_POLL = 0.2  # seconds between a worker's looks at whether its parent is alive
_ORPHAN_GRACE = 1.5  # seconds a worker left alone has to stop before it is ended


def _worker_started(parent: int) -> None:
    """Set a worker process up: signals, and an end when the main process is gone.

    Ctrl-C goes to the whole process group: the worker ignores it, and the main process
    decides (it lets the chunks in hand finish). SIGTERM and SIGHUP end the worker once
    the file in hand is written or removed (:func:`storykit._writing.signals_held`). A
    thread watches the parent: when it has died (even by SIGKILL), the worker ends
    itself, within a second or two, rather than wait forever for work.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, _worker_signalled)
    try:
        # started while the signals are held (as they were when this process was forked):
        # the thread keeps them held, so that they go to the main thread, which holds them
        # while it writes a file
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_SETMASK, set())
    except SystemExit as exc:  # a termination signal held since the fork: end quietly
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def _worker_signalled(signum: int, _frame: object) -> None:
    """End the worker at once: it runs only outside a held block, where it has no file open.

    A worker makes each temporary file, writes it and renames it (or removes it) inside
    one :func:`storykit._writing.signals_held` block, so when the signal gets through,
    nothing of it is left to remove. Raising ``SystemExit`` instead could land in a
    finalizer or an import's callback, where Python prints it as ignored and goes on.
    """
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL)
    os.kill(os.getpid(), signal.SIGTERM)  # stop cleanly (a file being written is removed)
    time.sleep(_ORPHAN_GRACE)
    os._exit(1)  # blocked somewhere a signal does not reach


def _pool_work(chunk: list[Unit], job: Job, slot: int | None = None) -> Done:
    """:func:`work` in a worker process: a termination signal ends the process there."""
    try:
        return work(chunk, job, slot)
    except SystemExit as exc:  # SIGTERM: not a result to send back
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def run(
    items: Iterator[Unit | Result],
    job: Job,
    jobs: int,
    handler: Handler,
    *,
    chunk_size: int = CHUNK,
) -> None:
    """Do every unit, serially or in ``jobs`` processes, and hand results over in order.

    At most ``jobs * 4`` chunks are in flight, so memory does not grow with the input.
    ``--fail-fast`` sends one unit at a time, so that nothing past the failure is done.
    A worker that dies takes only the input it was on down (reported as failed).
    """
    chunks = _chunks(items, chunk_size)
    head = list(itertools.islice(chunks, 2))
    stream = itertools.chain(head, chunks)
    if jobs > 1 and len(head) == 2:  # one chunk is not worth a pool
        _run_pool(stream, job, jobs, handler)
        return
    for chunk in stream:
        if isinstance(chunk, Result):
            going = handler.handle(chunk)
        else:
            going = _take(handler, work(chunk, job))
        if not going:
            return


def _take(handler: Handler, done: Done, slot: int = 0) -> bool:
    """Hand a chunk's output and results over; False stops the run."""
    data, ok, files, rest, extras = done
    if isinstance(data, int):  # left in the chunk's slot of the shared buffer
        data = shared_output(slot, data)
    if data:
        handler.output(data)
    handler.tally(ok, files, extras)
    return all(handler.handle(Result._make(result)) for result in rest)


_Pending = tuple["Future[Done]", int, list[Unit]] | Result

WORKER_DIED = (
    "the worker process converting this died (a crash, or killed); the other inputs went on"
)


class _Pool:
    """The worker processes, replaced by new ones when one dies."""

    def __init__(self, jobs: int, job: Job) -> None:
        self.jobs = jobs
        self.job = job
        self.executor: Any = None

    def submit(self, chunk: list[Unit], job: Job, slot: int) -> Future[Done]:
        with signals_held():  # forked here: a worker starts with Ctrl-C held, then ignores it
            if self.executor is None:
                self.executor = _pool(self.jobs, self.job)
            future: Future[Done] = self.executor.submit(_pool_work, chunk, job, slot)
        return future

    def renew(self) -> None:
        """Let the broken processes go; the next :meth:`submit` starts new ones."""
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None

    def close(self) -> None:
        """Let the chunks running finish, cancel the others, and end the processes."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def _run_pool(  # noqa: PLR0915 - one loop and its helpers, read top to bottom
    stream: Iterator[list[Unit] | Result], job: Job, jobs: int, handler: Handler
) -> None:
    """Run the chunks in ``jobs`` worker processes, and take their results in order.

    When a worker dies (a crash on some input, killed), each chunk it took down is done
    again alone in new workers, and the one that kills a worker again, a unit at a time,
    so that only the input that kills a worker is reported as failed, and every other is
    done. Files written before the death are not then "existing" outputs (``Job.redo``).
    """
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    in_flight = jobs * _IN_FLIGHT
    free = list(range(in_flight + 1))  # slots of the shared buffer, one per chunk in flight
    pending: deque[_Pending] = deque()
    # forked workers inherit the shared buffer; spawned ones do not, and send their output
    # through the pipes
    if sys.platform == "linux":
        share_outputs(len(free))
    pool = _Pool(jobs, job)
    redo = job._replace(redo=True)

    def take(done: Done, slot: int) -> None:
        if not _take(handler, done, slot):
            raise _StopError

    def alone(chunk: list[Unit], slot: int) -> Done | None:
        """Do a chunk with nothing else in flight: None if it takes a worker down."""
        pool.renew()  # what is in flight finishes (or is broken) first
        try:
            return pool.submit(chunk, redo, slot).result()
        except BrokenProcessPool:
            return None

    def again(chunk: list[Unit], slot: int) -> None:
        """Do again a chunk that a dead worker took down.

        If it takes a worker down again, a unit at a time, to find the input that does.
        """
        done = alone(chunk, slot)
        if done is not None:
            take(done, slot)
            return
        for unit in chunk:
            done = alone([unit], slot)
            if done is not None:
                take(done, slot)
            elif not handler.handle(failed(Origin(unit[1], unit[2], _line(unit)), WORKER_DIED)):
                raise _StopError

    def drain_one() -> None:
        entry = pending.popleft()
        if isinstance(entry, Result):
            if not handler.handle(entry):
                raise _StopError
            return
        future, slot, chunk = entry
        try:
            done = future.result()
        except BrokenProcessPool:  # this chunk's worker died, or another one did
            again(chunk, slot)
        else:
            take(done, slot)
        free.append(slot)

    def ready(entry: _Pending) -> bool:
        return isinstance(entry, Result) or entry[0].done()

    try:
        for chunk in stream:
            if isinstance(chunk, Result):
                pending.append(chunk)
            else:
                slot = free.pop()
                pending.append((pool.submit(chunk, job, slot), slot, chunk))
            while len(pending) > in_flight or (pending and ready(pending[0])):
                drain_one()
        while pending:
            drain_one()
    except _StopError:
        pass
    finally:  # also on Ctrl-C: the chunks in hand finish (no file half written), the rest go
        # The chunks not started are cancelled by the executor's own thread (shutdown with
        # cancel_futures), never from here: a future cancelled here while a killed worker
        # breaks the pool would be failed by that thread too, which then dies of
        # InvalidStateError (a traceback on Ctrl-C/SIGTERM, Python 3.11).
        pool.close()
        unshare_outputs()


def _line(unit: Unit) -> int | None:
    line: int | None = unit[3] if unit[0] == "p" else None
    return line
