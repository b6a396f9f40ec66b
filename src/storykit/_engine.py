"""The batch engine behind ``storykit convert`` and ``validate``.

One story's way, from the command line to the bytes written. :func:`storykit._batch.convert`
decides the target format and where the output goes (a :class:`~storykit._worker.Job`),
then:

1. :func:`units` walks the inputs (:func:`storykit._walk.walk`: folders, globs, archives,
   standard input) into units of work, small typed records (:mod:`storykit._worker`): a
   :class:`FileUnit` for a plain file, a :class:`MemberUnit` for an archive member's bytes,
   or a :class:`StoryUnit` for one story split here (standard input). What cannot be read
   comes as a failed :class:`Result` in its place. The walk asks nothing of the files but
   their names: with a pool, a worker that opens a file over 4 MiB (which may hold any
   number of stories, and would keep one worker busy) hands it back, and it is split here
   and its stories sent out a chunk at a time, in its place in the output.
2. :func:`run` cuts the units into chunks and does each chunk (:func:`storykit._worker.work`:
   split each file into stories, read each story, write it in the target format), here
   with ``--jobs 1`` or in ``--jobs`` worker processes, keeping only a bounded number of
   chunks in flight, so memory stays flat however many stories there are.
3. Each chunk comes back as a :class:`Done`: its output (the stories written, encoded and
   joined) and the few results worth reporting (failures, diagnostics). :func:`run` hands
   them to the :class:`Handler` in input order, and the command's handler writes the bytes
   (``_Converting.output`` in :mod:`storykit._batch`: to standard output, or to the output
   file, made atomically). With ``-o DIR`` each story's file is written by the worker
   instead (:func:`storykit._writing.write_atomic`). Little crosses between processes per
   story, which is what lets a second process pay off.

The rest of this module is the worker processes' care: starting them, their signals,
seeing a death the executor cannot see (one halfway through sending a result back), and
doing again what a dead worker took down.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from storykit import formats
from storykit._naming import Namer, OutsideError, input_base
from storykit._pieces import file_pieces, stream_pieces
from storykit._records import Blob, Failure, Origin, Piece
from storykit._sources import Limits, read_ahead
from storykit._walk import Named, Opened, walk
from storykit._worker import (
    Done,
    FileUnit,
    Job,
    MemberUnit,
    Numbered,
    Result,
    SharedSlots,
    StoryUnit,
    Unit,
    annotate,
    failed,
    no_story,
    skipped,
    work,
)
from storykit._writing import signals_held

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["CHUNK", "WORKER_DIED", "Handler", "run", "story_units", "units"]

CHUNK = 64  # files or stories sent to a worker at a time
_POOL_CHUNK = 128  # … with a pool, after the first two chunks
_DELEGATE = 4 * 1024 * 1024  # with a pool, a file over this size is split here, not by a worker
_IN_FLIGHT = 4  # chunks in flight per worker


class Handler:
    """What the main process does with the results, in input order."""

    def output(self, data: bytes | memoryview) -> None:
        """Write a chunk's joined output (a view of it is valid only during the call)."""

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
    limits: Limits,
) -> Iterator[Unit | Result]:
    """The work for the inputs (paths, or ``-`` for standard input), in order.

    Files and archive members go to the workers whole, to be split there (a file over 4 MiB
    is handed back, see :func:`run`); standard input is split here, a story at a time.
    With ``namer`` (folder output), each file's output name is chosen here, in input order.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
    """
    for name in read_ahead(inputs):  # the next files named are asked for ahead
        base = input_base(name)  # the folder the output names count from
        source = sys.stdin.buffer if name == "-" else name
        for found in walk(source, format=format, limits=limits):
            if isinstance(found, Named):  # a plain file
                stem = _stem(namer, found.path, None, base)
                if isinstance(stem, Result):
                    yield stem
                else:
                    yield FileUnit(found.path, found.format, stem)
            elif isinstance(found, Blob):  # an archive member
                origin = found.origin
                assert origin.member is not None
                assert found.data is not None
                stem = _stem(namer, origin.path, origin.member, base)
                if isinstance(stem, Result):
                    yield stem
                else:
                    yield MemberUnit(origin.path, origin.member, found.format, found.data, stem)
            elif isinstance(found, Opened):  # standard input
                pieces = stream_pieces(
                    found.stream, found.origin.path, None, found.format, limits.max_member_size
                )
                origin = Origin(name) if name == "-" else found.origin  # as on its own: "-"
                yield from _or_no_story(story_units(annotate(pieces), namer, base), origin)
            elif isinstance(found, Failure):
                yield failed(found.origin, found.error)
            else:
                yield skipped(found.origin, found.reason)


def _or_no_story(
    items: Iterator[StoryUnit | Result], origin: Origin
) -> Iterator[StoryUnit | Result]:
    """``items``, or the failure of a file that holds no story, as a worker reports one."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield no_story(origin)


def _stem(namer: Namer | None, path: str, member: str | None, base: str) -> str | Result | None:
    """Where a file's stories go in the output folder (``None``: no folder), or why not."""
    if namer is None:
        return None
    try:
        return namer.stem(path, member, base)
    except OutsideError as exc:
        return failed(Origin(path, member), str(exc))


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports it


def story_units(
    numbered: Iterator[Numbered], namer: Namer | None, base: str = "", stem: str | None = None
) -> Iterator[StoryUnit | Result]:
    """A unit for each story split here, or the result of what could not be read.

    ``base``: the folder the output names count from (see :func:`input_base`). ``stem``:
    the output name chosen already for the one file of ``numbered`` (a file handed back).
    """
    chosen = stem is not None
    refused: str | None = None  # why the file's stories are not written
    for event, index, multi in numbered:
        origin = event.origin
        if isinstance(event, Failure):
            yield failed(origin, event.error)
        elif not isinstance(event, Piece):
            yield skipped(origin, event.reason)
        else:
            if namer is not None and index == 1 and not chosen:
                try:
                    stem, refused = namer.stem(origin.path, origin.member, base), None
                except OutsideError as exc:
                    stem, refused = None, str(exc)
            if refused is not None:
                yield failed(origin, refused)
                continue
            dest = None if namer is None or stem is None else namer.dest(stem, index, multi)
            yield StoryUnit(
                origin.path, origin.member, origin.line, event.text, event.format, dest, index == 1
            )


# --------------------------------------------------------------------------- running


def run(
    items: Iterator[Unit | Result],
    job: Job,
    jobs: int,
    handler: Handler,
    *,
    chunk_size: int = CHUNK,
) -> None:
    """Do every unit, here or in ``jobs`` processes, and hand results over in input order.

    At most ``jobs * 4 + 1`` chunks are in flight, so memory does not grow with the input.
    ``--fail-fast`` does one unit at a time, here, so that nothing past the failure is done.
    A worker that dies takes only the input it was on down (reported as failed).

    With a pool, the chunks after the first two are of 128 units: each chunk costs the
    main process and a worker most of a millisecond between them (the executor's threads,
    pickling, waking up), 0.2 s of CPU in 313 chunks of 64 for 20,000 stories. The first
    two are small, so that the workers start soon and a pool is used for as few files.
    """
    later = _POOL_CHUNK if jobs > 1 and chunk_size == CHUNK else chunk_size
    chunks = _chunks(items, chunk_size, later)
    head = list(itertools.islice(chunks, 2))
    stream = itertools.chain(head, chunks)
    # one chunk is not worth a pool, unless a large file in it is; --fail-fast has none:
    # the units in flight behind a failure would be done (their files written) all the same
    if jobs > 1 and not job.fail_fast and (len(head) == 2 or any(map(_large, head))):
        _run_pool(stream, job, jobs, handler, chunk_size)
        return
    for chunk in stream:
        if isinstance(chunk, Result):
            going = handler.handle(chunk)
        else:
            going = _take(handler, work(chunk, job))
        if not going:
            return


def _large(chunk: list[Unit] | Result) -> bool:
    """Whether a chunk holds a plain file over 4 MiB (its stories are worth a pool)."""
    if isinstance(chunk, Result):
        return False
    return any(isinstance(u, FileUnit) and _file_size(u.path) > _DELEGATE for u in chunk)


def _chunks(
    items: Iterator[Unit | Result], size: int, later: int | None = None
) -> Iterator[list[Unit] | Result]:
    """Units in lists of ``size``, of ``later`` after two; a result on its own.

    A result is a failure found while walking.
    """
    chunk: list[Unit] = []
    made = 0
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
            made += 1
            if made == 2 and later is not None:
                size = later
    if chunk:
        yield chunk


def _take(handler: Handler, done: Done) -> bool:
    """Hand a chunk's output and results over; False stops the run."""
    if done.output:
        handler.output(done.output)
    handler.tally(done.ok, done.files, done.extras)
    return all(handler.handle(result) for result in done.results)


# --------------------------------------------------------------------------- the pool


WORKER_DIED = (
    "the worker process converting this died (a crash, or killed); the other inputs went on"
)


class _StopError(Exception):
    pass


class _InFlight(NamedTuple):
    """A chunk sent to a worker, and its future result."""

    future: Future[Done]
    chunk: list[Unit]
    slot: int = -1
    """The chunk's slot in the shared buffer (:class:`~storykit._worker.SharedSlots`)."""


class _Handed(NamedTuple):
    """The rest of a chunk whose worker handed a large file back, to be done in its place.

    The file's stories (split here) and the chunk's units after it, in chunks; what is in
    flight behind it in the queue comes after them in the output.
    """

    chunks: Iterator[list[Unit] | Result]


def _run_pool(
    stream: Iterator[list[Unit] | Result],
    job: Job,
    jobs: int,
    handler: Handler,
    chunk_size: int = CHUNK,
) -> None:
    """Run the chunks in ``jobs`` worker processes, and take their results in order.

    A worker hands a file over 4 MiB back (``Job.delegate``): it is split here, and its
    stories, then the rest of its chunk, are sent out before anything else, up to ``jobs *
    4 + 1`` chunks of them in flight (besides those in flight already, which wait their turn).

    When a worker dies (a crash on some input, killed), each chunk it took down is done
    again alone in new workers, and the one that kills a worker again, a unit at a time,
    so that only the input that kills a worker is reported as failed, and every other is
    done. Files written before the death are not then "existing" outputs (``Job.redo``);
    a chunk done again does its large files itself.
    """
    pool = _Pool(jobs, job)
    try:
        _PoolRun(pool, job, jobs * _IN_FLIGHT, handler, chunk_size).run(stream)
    except _StopError:
        pass
    finally:  # also on Ctrl-C: the chunks in hand finish (no file half written), the rest go
        # The chunks not started are cancelled by the executor's own thread (shutdown with
        # cancel_futures), never from here: a future cancelled here while a killed worker
        # breaks the pool would be failed by that thread too, which then dies of
        # InvalidStateError (a traceback on Ctrl-C/SIGTERM, Python 3.11).
        pool.close()


class _PoolRun:
    """The queue of one run of the pool, in input order (see :func:`_run_pool`)."""

    def __init__(
        self, pool: _Pool, job: Job, in_flight: int, handler: Handler, chunk_size: int
    ) -> None:
        self.pool = pool
        self.redo = job._replace(redo=True)
        self.job = job._replace(delegate=_DELEGATE)
        self.in_flight = in_flight
        self.handler = handler
        self.chunk_size = chunk_size
        # chunks in flight, results found while walking, and handed-back work to send
        self.pending: deque[_InFlight | Result | _Handed] = deque()
        self.stream: Iterator[list[Unit] | Result] = iter(())

    def run(self, stream: Iterator[list[Unit] | Result]) -> None:
        """Send every chunk of ``stream`` out and take every result, in order."""
        self.stream = stream
        pending = self.pending
        more = True
        while True:
            while more and self.queued() <= self.in_flight:
                more = self.send()
                while pending and _ready(pending[0]):
                    self.drain_one()
            if pending and isinstance(pending[0], _Handed):  # work handed back: send it
                more = self.send() or more
                continue
            if not pending:
                return
            self.drain_one()
            more = True  # room for more, or handed-back work

    def queued(self) -> int:
        """Entries queued before the first handed-back work (or in all, if there is none)."""
        count = 0
        for entry in self.pending:
            if isinstance(entry, _Handed):
                break
            count += 1
        return count

    def send(self) -> bool:
        """Send the next chunk out (or queue the next result): False if there is none.

        The first handed-back work in the queue goes first: everything before it is in
        flight already, and everything after it comes after it in the output.
        """
        pending = self.pending
        at = 0
        while at < len(pending):
            entry = pending[at]
            if isinstance(entry, _Handed):
                item = next(entry.chunks, None)
                if item is not None:
                    pending.insert(at, self.entry(item))
                    return True
                del pending[at]  # all of it sent
            else:
                at += 1
        item = next(self.stream, None)
        if item is None:
            return False
        pending.append(self.entry(item))
        return True

    def entry(self, item: list[Unit] | Result) -> _InFlight | Result:
        if isinstance(item, Result):
            return item
        slot = self.pool.slots.take() if self.pool.slots is not None else -1
        return _InFlight(self.pool.submit(item, self.job, slot), item, slot)

    def drain_one(self) -> None:
        """Take the first entry's result (waiting for it)."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        entry = self.pending.popleft()
        if isinstance(entry, Result):
            if not self.handler.handle(entry):
                raise _StopError
            return
        assert isinstance(entry, _InFlight)
        slots = self.pool.slots
        try:
            done = self.pool.wait(entry.future)
        except BrokenProcessPool:  # this chunk's worker died, or another one did
            if slots is not None:
                slots.give(entry.slot)
            self.again(entry.chunk)
        else:
            if done.shared >= 0 and slots is not None:  # the output is in the chunk's slot
                output = slots.slot(entry.slot)[: done.shared]
                try:
                    self.handler.output(output)
                finally:
                    output.release()
            if slots is not None:
                slots.give(entry.slot)
            self.take(done, entry.chunk)

    def take(self, done: Done, chunk: list[Unit]) -> None:
        if not _take(self.handler, done):
            raise _StopError
        if done.handed >= 0:  # the rest of the chunk, from the large file on, comes next
            rest = _handed_back(chunk[done.handed :], self.job, self.chunk_size)
            self.pending.appendleft(_Handed(rest))

    def alone(self, chunk: list[Unit]) -> Done | None:
        """Do a chunk with nothing else in flight: None if it takes a worker down."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        self.pool.renew()  # what is in flight finishes (or is broken) first
        try:
            return self.pool.wait(self.pool.submit(chunk, self.redo))
        except BrokenProcessPool:
            return None

    def again(self, chunk: list[Unit]) -> None:
        """Do again a chunk that a dead worker took down.

        If it takes a worker down again, each half of it, and so on, to find the input that
        does: a few tries (each in new workers) for a chunk of 128, not one per unit.
        """
        done = self.alone(chunk)
        if done is not None:
            self.take(done, chunk)
        elif len(chunk) > 1:
            half = len(chunk) // 2
            self.again(chunk[:half])
            self.again(chunk[half:])
        elif not self.handler.handle(failed(chunk[0].origin, WORKER_DIED)):
            raise _StopError


def _handed_back(rest: list[Unit], job: Job, chunk_size: int) -> Iterator[list[Unit] | Result]:
    """A large file a worker handed back, split here, then the units after it, in chunks."""
    unit = rest[0]
    assert isinstance(unit, FileUnit)
    pieces = file_pieces(unit.path, unit.format, job.max_member_size)
    stories = _or_no_story(story_units(annotate(pieces), job.namer, stem=unit.stem), unit.origin)
    return _chunks(itertools.chain(stories, rest[1:]), chunk_size)


_POLL = 0.05
"""How long, in seconds, a wait for a worker's chunk holds Ctrl-C and SIGTERM back."""


def _ready(entry: _InFlight | Result | _Handed) -> bool:
    """Whether ``entry`` can be taken without waiting (Ctrl-C held back, see :meth:`_Pool.wait`)."""
    if isinstance(entry, Result):
        return True
    if isinstance(entry, _Handed):
        return False  # its work is still to be sent
    with signals_held():
        return entry.future.done()


_NOTICE = 0.5
"""Seconds a dead worker may go unseen by the executor before :meth:`_Pool.watch` acts."""


class _Insides(NamedTuple):
    """The parts of a ``ProcessPoolExecutor`` that :meth:`_Pool.watch` looks at.

    Taken once its thread and processes have started: its shutdown lets go of them.
    """

    executor: Any
    processes: dict[int, Any]
    """Its worker processes (``multiprocessing.Process``), by process id."""
    results: Any
    """The queue (a ``multiprocessing.SimpleQueue``) of the results, in one pipe."""
    thread: threading.Thread
    """Its thread, which reads the results and sees the workers die."""


def _insides(executor: Any) -> _Insides | None:
    """The parts of ``executor`` :meth:`_Pool.watch` looks at (None: a Python without them)."""
    try:
        executor._broken  # noqa: B018 - looked at, not kept
        insides = _Insides(
            executor,
            executor._processes,
            executor._result_queue,
            executor._executor_manager_thread,
        )
    except AttributeError:  # pragma: no cover - CPython 3.11 to 3.13 have them all
        return None
    return insides if isinstance(insides.thread, threading.Thread) else None


class _Pool:
    """The worker processes, replaced by new ones when one dies."""

    def __init__(self, jobs: int, job: Job) -> None:
        self.jobs = jobs
        self.job = job
        self.executor: Any = None
        self.insides: _Insides | None = None
        self.unseen: float | None = None  # when a death was first seen here, not there
        self.slots: SharedSlots | None = None
        if sys.platform == "linux" and job.mode == "convert":  # forked workers share it
            self.slots = SharedSlots(jobs * _IN_FLIGHT + 2)

    def submit(self, chunk: list[Unit], job: Job, slot: int = -1) -> Future[Done]:
        """Send a chunk out; a pool broken already gives a future failed as its chunks are.

        A worker killed between two sends breaks the executor, which then refuses the next
        (a traceback, with ``kill -9`` of a worker): the chunk is done again as those in
        flight are (:meth:`_PoolRun.again`).
        """
        from concurrent.futures import Future  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            return self._submit(chunk, job, slot)
        except BrokenProcessPool as exc:
            broken: Future[Done] = Future()
            broken.set_exception(exc)
            return broken

    def _submit(self, chunk: list[Unit], job: Job, slot: int = -1) -> Future[Done]:
        with signals_held():  # forked here: a worker starts with Ctrl-C held, then ignores it
            if self.executor is None:
                global _slots  # noqa: PLW0603 - inherited by the workers forked now
                _slots = self.slots
                self.executor = executor = _pool(self.jobs, self.job)
                with _frozen():  # the workers are forked at the first submit
                    future: Future[Done] = executor.submit(_pool_work, chunk, job, slot)
                self.insides = _insides(executor)
                return future
            future = self.executor.submit(_pool_work, chunk, job, slot)
        return future

    def wait(self, future: Future[Done]) -> Done:
        """``future.result()``, with Ctrl-C and SIGTERM held back while inside the future.

        A signal that lands inside a future's lock can leave it held by this thread (Python's
        ``with`` is not safe from signals: the handler may run as the lock's ``__exit__``
        starts), and the executor's thread then waits for that lock for ever when the pool
        shuts down: the command hung after Ctrl-C (seen once in a test run). So the wait is
        made in short steps with the signals held, and they are let in between; between
        them, too, :meth:`watch` looks after the workers.
        """
        while True:
            with signals_held():
                try:
                    return future.result(timeout=_POLL)
                except TimeoutError:
                    pass
            self.watch()

    def watch(self) -> None:
        """Break the pool when a worker died halfway through sending a result back.

        The executor's thread reads each result whole, from one pipe that every worker
        writes into (one at a time, under a lock). A worker killed (``kill -9``) halfway
        through writing a result over 4 KiB (an output that does not fit its slot, or many
        failures) left that thread waiting for the rest for ever, the lock held, and the
        command with them: the death, which breaks the pool, was never seen, and Ctrl-C or
        SIGTERM did not end the command either (the shutdown waits for that thread).

        A death is seen there at once, unless the thread is stuck so: one it has not seen
        for half a second here is taken for that. The other workers are then stopped
        (SIGTERM: the file in hand is finished or removed), as the executor stops them once
        it sees a death. Once none is left, nothing else can write into the pipe, and zeros
        are written into it until the thread has the message whole. Zeros are no result:
        the thread breaks the pool, and each chunk in flight is done again
        (:meth:`_PoolRun.again`), as after any other death. Cheap: it runs only while a
        chunk is awaited, every 50 ms.
        """
        insides = self.insides
        if insides is None or insides.executor._broken or not insides.thread.is_alive():
            self.unseen = None
            return
        processes = list(insides.processes.values())
        ended = _ended(processes)
        if not any(map(_died, ended)):
            self.unseen = None
            return
        now = time.monotonic()
        if self.unseen is None:
            self.unseen = now
        elif now - self.unseen >= _NOTICE:
            if len(ended) < len(processes):
                for process in processes:
                    if process not in ended:
                        process.terminate()
            else:
                _complete(insides)

    def renew(self) -> None:
        """Let the broken processes go; the next :meth:`submit` starts new ones."""
        self._shutdown(cancel=False)

    def close(self) -> None:
        """Let the chunks running finish, cancel the others, and end the processes."""
        self._shutdown(cancel=True)
        if self.slots is not None:
            self.slots.close()
            self.slots = None

    def _shutdown(self, *, cancel: bool) -> None:
        """Shut the executor down (its thread watched, see :meth:`watch`) and let it go.

        A second Ctrl-C landing inside the shutdown left the workers waiting for work and
        the command waiting for them, for ever: it is let in once they are gone.
        """
        if self.executor is None:
            return
        with signals_held():
            insides = self.insides
            if insides is None:  # pragma: no cover - a Python whose executor is not known
                self.executor.shutdown(wait=True, cancel_futures=cancel)
            else:  # as shutdown(wait=True) does, watched
                self.executor.shutdown(wait=False, cancel_futures=cancel)
                while insides.thread.is_alive():
                    insides.thread.join(_POLL)
                    self.watch()
                insides.results.close()
            self.executor = self.insides = self.unseen = None


def _ended(processes: list[Any]) -> list[Any]:
    """The worker processes (``multiprocessing.Process``) that have ended."""
    import multiprocessing.connection  # noqa: PLC0415

    ended = set(multiprocessing.connection.wait([p.sentinel for p in processes], timeout=0))
    return [process for process in processes if process.sentinel in ended]


def _died(process: Any) -> bool:
    """Whether a worker process that has ended died (not sent away by the shutdown: 0).

    Its status is collected here if the executor's thread has not done it yet (which it
    then finds done); None: the process is not quite gone (asked again in 50 ms).
    """
    code = process.exitcode
    return code is not None and code != 0


def _complete(insides: _Insides) -> None:
    """Write zeros into the results' pipe while the executor's thread reads a message.

    Only once no worker is left: then no result can be in the pipe but the one cut short.
    A block of ``PIPE_BUF`` bytes is written whole or not at all, and only when there is
    room for it: this process never waits on the pipe.
    """
    import select  # noqa: PLC0415

    poll = getattr(select, "poll", None)
    if poll is None:  # pragma: no cover - Windows: a pipe's messages are whole there
        return
    fd = insides.results._writer.fileno()
    block = bytes(select.PIPE_BUF)
    room = poll()
    room.register(fd, select.POLLOUT)
    while not insides.executor._broken and insides.thread.is_alive() and room.poll(_POLL * 1000):
        os.write(fd, block)


# --------------------------------------------------------------------------- worker processes


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


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The garbage collector's objects frozen while workers are forked.

    A collection in a worker would otherwise write to every object it inherited (the
    collector's counts in their headers), and each page written is copied: a few thousand
    page faults a worker.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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


def _worker_signalled(signum: int, frame: FrameType | None) -> None:
    """End the worker at once: it runs only outside a held block, where it has no file open.

    A worker makes each temporary file, writes it and renames it (or removes it) inside
    one :func:`storykit._writing.signals_held` block, so when the signal gets through,
    nothing of it is left to remove. Raising ``SystemExit`` instead could land in a
    finalizer or an import's callback, where Python prints it as ignored and goes on.

    Not while it sends a chunk's result back, though: a result cut short in the pipe
    leaves the executor's thread in the main process waiting for the rest (the main
    process holds the pipe's other end), and the command hung on SIGTERM (``-j 2`` into
    one file, whose chunks send their output back); now it would see that only after
    seconds (:meth:`_Pool.watch`, for ``kill -9``). Then it ends once the result is sent.
    """
    if _sending(frame):
        _end_after_sending(signum)
        return
    os._exit(128 + signum)


_SENDING = {"_sendback_result", "put", "send", "send_bytes", "_send_bytes", "_send"}


def _sending(frame: FrameType | None) -> bool:
    """Whether ``frame`` is in the sending of a result to the main process."""
    while frame is not None:
        code = frame.f_code
        if code.co_name in _SENDING and "multiprocessing" in code.co_filename.replace("\\", "/"):
            return True
        if code.co_name == "_sendback_result":  # concurrent.futures.process
            return True
        frame = frame.f_back
    return False


_SENT_POLL = 0.01  # seconds between looks at whether the result is sent
_SENT_GRACE = 2.0  # seconds a result has to be sent before the worker ends anyway


def _end_after_sending(signum: int) -> None:
    """Send ``signum`` again once the main thread is done sending (see _worker_signalled).

    A send that does not end (the main process reads no more: it is stopping the pool
    after a worker died) does not keep the worker: it ends after ``_SENT_GRACE``.
    """
    main = threading.get_ident()

    def again() -> None:
        end = time.monotonic() + _SENT_GRACE
        while _sending(sys._current_frames().get(main)):  # the main thread, where it is
            if time.monotonic() > end:
                os._exit(128 + signum)  # no one reads the rest: nothing waits for it
            time.sleep(_SENT_POLL)
        os.kill(os.getpid(), signum)  # to the main thread: this one holds it

    with signals_held():  # the thread starts with them held, as _watch_parent's does
        threading.Thread(target=again, daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL)
    os.kill(os.getpid(), signal.SIGTERM)  # stop cleanly (a file being written is removed)
    time.sleep(_ORPHAN_GRACE)
    os._exit(1)  # blocked somewhere a signal does not reach


_slots: SharedSlots | None = None
"""The shared buffer, as the workers inherit it (set as they are forked)."""


def _pool_work(chunk: list[Unit], job: Job, slot: int = -1) -> Done:
    """:func:`work` in a worker process: a termination signal ends the process there.

    ``slot``: the chunk's slot in the shared buffer, for its output (-1: none).
    """
    try:
        if slot >= 0 and _slots is not None:
            with _slots.slot(slot) as view:
                return work(chunk, job, view)
        return work(chunk, job)
    except SystemExit as exc:  # SIGTERM: not a result to send back
        os._exit(exc.code if isinstance(exc.code, int) else 1)
