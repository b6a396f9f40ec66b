"""The batch engine behind ``storykit convert`` and ``validate``.

One story's way, from the command line to the bytes written. :func:`storykit._batch.convert`
decides the target format and where the output goes (a :class:`~storykit._work_records.Job`),
then:

1. :func:`storykit._units.units` walks the inputs (:func:`storykit._walk.walk`: folders,
   globs, archives, standard input) into units of work, small typed records
   (:mod:`storykit._work_records`): a :class:`FileUnit` for a plain file, a
   :class:`MemberUnit` for an archive member's bytes, or a :class:`StoryUnit` for one story
   split there (standard input, a named pipe or a device named on its own: a stream that may
   never end is not one worker's unit). What cannot be read comes as a failed
   :class:`Result` in its place. The walk asks nothing of the files but their names: with a
   pool, a worker that opens a file over 4 MiB (which may hold any number of stories, and
   would keep one worker busy) hands it back, and it is split here and its stories sent out
   a chunk at a time, in its place in the output.
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

The rest of this module does again what a dead worker took down; the worker processes'
care (starting them, their signals, seeing a death the executor cannot see) is
:mod:`storykit._pool`'s.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from storykit._pieces import bytes_pieces, file_pieces
from storykit._pool import IN_FLIGHT, _Pool
from storykit._units import _or_no_story, story_units
from storykit._work_records import Done, FileUnit, Job, MemberUnit, Result, Unit, failed
from storykit._worker import annotate, work
from storykit._writing import signals_held

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["CHUNK", "WORKER_DIED", "Handler", "run"]

CHUNK = 64  # files or stories sent to a worker at a time
_POOL_CHUNK = 128  # … with a pool, after the first two chunks
_DELEGATE = 4 * 1024 * 1024  # with a pool, a file over this size is split here, not by a worker


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


# --------------------------------------------------------------------------- running


def run(
    items: Iterator[Unit | Result | None],
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
    streams: list[Iterator[list[Unit] | Result]] = [
        stream
    ]  # the rest of a chunk handed back comes before the chunks after it
    while streams:
        chunk = next(streams[-1], None)
        if chunk is None:
            streams.pop()
            continue
        if isinstance(chunk, Result):
            going = handler.handle(chunk)
        else:
            done = work(chunk, job)
            going = _take(handler, done)
            if going and done.handed >= 0:
                streams.append(_handed_back(chunk[done.handed :], job, chunk_size, done.skip))
        if not going:
            return


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the worker reports it


def _large(chunk: list[Unit] | Result) -> bool:
    """Whether a chunk holds a plain file over 4 MiB (its stories are worth a pool)."""
    if isinstance(chunk, Result):
        return False
    return any(isinstance(u, FileUnit) and _file_size(u.path) > _DELEGATE for u in chunk)


def _chunks(
    items: Iterator[Unit | Result | None], size: int, later: int | None = None
) -> Iterator[list[Unit] | Result]:
    """Units in lists of ``size``, of ``later`` after two; a result on its own.

    A result is a failure found while walking; ``None`` ends the chunk (see :func:`units`).
    """
    chunk: list[Unit] = []
    made = 0
    for item in items:
        if item is None:
            if chunk:
                yield chunk
                chunk = []
            continue
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
    """The chunk's slot in the shared buffer (:class:`~storykit._slots.SharedSlots`)."""


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
    stopping = True  # until the run ends well (or a full disk stops it)
    stopped = False
    run = _PoolRun(pool, job, jobs * IN_FLIGHT, handler, chunk_size)
    try:
        try:
            run.run(stream)
            stopping = False
        except _StopError:
            stopping, stopped = False, True
        finally:  # also on Ctrl-C: the chunks in hand finish (no file half written), the rest go
            # The chunks not started are cancelled by the executor's own thread (shutdown with
            # cancel_futures), never from here: a future cancelled here while a killed worker
            # breaks the pool would be failed by that thread too, which then dies of
            # InvalidStateError (a traceback on Ctrl-C/SIGTERM, Python 3.11). On Ctrl-C, a
            # chunk in hand that does not finish soon (a named pipe that trickles) is ended.
            pool.end(stopping=stopping)
        if stopped:
            run.tally_finished()  # their outputs may be in the shared buffer: not let go yet
    finally:
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

    def tally_finished(self) -> None:
        """After a stop, hand over the chunks that were running then and have finished.

        Only a full disk stops a run that uses the pool: the chunks in hand then finish
        (:meth:`_Pool.end`), and the stories they did are counted (their files are
        written), with their output (a site's index entries for those files); what they
        could not do is not handed over, as after any stop.
        """
        for entry in self.pending:
            if not isinstance(entry, _InFlight):
                continue
            future = entry.future
            if future.done() and not future.cancelled() and future.exception() is None:
                done = future.result()
                self.output(done, entry)
                # the stories done, with the reader's diagnostics; no failure past the stop
                done = done._replace(results=[r for r in done.results if r.kind == "ok"])
                _take(self.handler, done)

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
            try:
                self.output(done, entry)
            finally:
                if slots is not None:
                    slots.give(entry.slot)
            self.take(done, entry.chunk)

    def output(self, done: Done, entry: _InFlight) -> None:
        """Hand over a chunk's output left in its slot of the shared buffer, if it is there.

        (An output sent back in ``done.output`` is handed over by :func:`_take`.)
        """
        slots = self.pool.slots
        if done.shared >= 0 and slots is not None:
            view = slots.slot(entry.slot)[: done.shared]
            try:
                self.handler.output(view)
            finally:
                view.release()

    def take(self, done: Done, chunk: list[Unit]) -> None:
        if not _take(self.handler, done):
            raise _StopError
        if done.handed >= 0:  # the rest of the chunk, from the large file on, comes next
            rest = _handed_back(chunk[done.handed :], self.job, self.chunk_size, done.skip)
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


def _handed_back(
    rest: list[Unit], job: Job, chunk_size: int, skip: int = 0
) -> Iterator[list[Unit] | Result]:
    """A file a worker handed back, split here, then the units after it, in chunks.

    ``skip``: how many of the file's stories the worker did (:attr:`Done.skip`); -1: the
    worker did not begin it, and the units are sent again as they are.
    """
    unit = rest[0]
    if skip < 0:
        return _chunks(iter(rest), chunk_size)
    if isinstance(unit, FileUnit):
        pieces = file_pieces(unit.path, unit.format, job.max_member_size)
    else:
        assert isinstance(unit, MemberUnit)
        pieces = bytes_pieces(unit.data, unit.path, unit.member, unit.format, job.max_member_size)
    numbered = itertools.islice(annotate(pieces), skip, None)  # (numbered as the worker did)
    stories = story_units(numbered, job.namer, stem=unit.stem)
    if not skip:  # (a file begun held a story, or a failure)
        stories = _or_no_story(stories, unit.origin)
    return _chunks(itertools.chain(stories, rest[1:]), chunk_size)


def _ready(entry: _InFlight | Result | _Handed) -> bool:
    """Whether ``entry`` can be taken without waiting (Ctrl-C held back, see :meth:`_Pool.wait`)."""
    if isinstance(entry, Result):
        return True
    if isinstance(entry, _Handed):
        return False  # its work is still to be sent
    with signals_held():
        return entry.future.done()
