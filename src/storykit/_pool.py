"""The worker processes of the batch engine (:mod:`storykit._engine`): their care.

Starting them (forked on Linux, sharing what the main process has imported and a buffer
for their output, :class:`~storykit._slots.SharedSlots`), their signals (Ctrl-C is the
main process's; SIGTERM ends a worker once the file in hand is written or removed, and not
while it sends a result back), their end when the main process is gone, and seeing a death
the executor cannot see: one halfway through sending a result back (:meth:`_Pool.watch`).
What a dead worker took down is done again by the engine (``_PoolRun.again``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple

from storykit import formats
from storykit._slots import SharedSlots
from storykit._work_records import Done, Job, Unit
from storykit._worker import work
from storykit._writing import remove_stale, signals_held

if TYPE_CHECKING:
    from concurrent.futures import Future

IN_FLIGHT = 4  # chunks in flight per worker


_POLL = 0.05
"""How long, in seconds, a wait for a worker's chunk holds Ctrl-C and SIGTERM back."""


_NOTICE = 0.5
"""Seconds a dead worker may go unseen by the executor before :meth:`_Pool.watch` acts."""

_STOP_GRACE = 1.0
"""Seconds the chunks in hand have to finish, after Ctrl-C or SIGTERM, before they are ended."""


class _Insides(NamedTuple):
    """The parts of a ``ProcessPoolExecutor`` that :class:`_Pool` watches and shuts down.

    Taken once its thread and processes have started: its shutdown lets go of them.
    """

    executor: Any
    processes: dict[int, Any]
    """Its worker processes (``multiprocessing.Process``), by process id."""
    results: Any
    """The queue (a ``multiprocessing.SimpleQueue``) of the results, in one pipe."""
    thread: threading.Thread
    """Its thread, which reads the results and sees the workers die."""
    calls: Any
    """The queue (a ``multiprocessing.Queue``) of the work sent to the workers."""


def _insides(executor: Any) -> _Insides | None:
    """The parts of ``executor`` :class:`_Pool` uses (None: a Python without them)."""
    try:
        executor._broken  # noqa: B018 - looked at, not kept
        insides = _Insides(
            executor,
            executor._processes,
            executor._result_queue,
            executor._executor_manager_thread,
            executor._call_queue,
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
            self.slots = SharedSlots(jobs * IN_FLIGHT + 2)

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

    def close(self, *, stopping: bool = False) -> None:
        """Let the chunks running finish, cancel the others, and end the processes.

        ``stopping`` (Ctrl-C, SIGTERM, an error): the chunks running have ``_STOP_GRACE``
        seconds to finish, then their workers are ended (SIGTERM: the file in hand is
        written or removed). A worker reading a named pipe that trickles, or that no one
        writes to, would otherwise keep the command waiting for ever after Ctrl-C.
        """
        self.end(stopping=stopping)
        if self.slots is not None:
            self.slots.close()
            self.slots = None

    def end(self, *, stopping: bool = False) -> None:
        """:meth:`close`, but the shared buffer stays: the chunks that finished are read yet."""
        self._shutdown(cancel=True, grace=_STOP_GRACE if stopping else None)

    def _shutdown(self, *, cancel: bool, grace: float | None = None) -> None:
        """Shut the executor down (its thread watched, see :meth:`watch`) and let it go.

        A second Ctrl-C landing inside the shutdown left the workers waiting for work and
        the command waiting for them, for ever: it is let in once they are gone. With
        ``grace``, the workers still busy after that many seconds are ended.
        """
        if self.executor is None:
            return
        with signals_held():
            insides = self.insides
            if insides is None:  # pragma: no cover - a Python whose executor is not known
                self.executor.shutdown(wait=True, cancel_futures=cancel)
            else:  # as shutdown(wait=True) does, watched
                self.executor.shutdown(wait=False, cancel_futures=cancel)
                end = None if grace is None else time.monotonic() + grace
                fed = True  # the executor's queue of work may still be written to
                while insides.thread.is_alive():
                    insides.thread.join(_POLL)
                    self.watch()
                    if end is not None and time.monotonic() > end:
                        end = None  # once: the executor sees them die, and ends
                        for process in list(insides.processes.values()):
                            if process.is_alive():
                                process.terminate()
                    if fed and _all_ended(insides):
                        _unblock_feeder(insides.calls)
                        fed = False  # (once)
                insides.results.close()
                self._remove_left(insides)
            self.executor = self.insides = self.unseen = None

    def _remove_left(self, insides: _Insides) -> None:
        """Remove the temporary files that workers which died left in the output folders.

        A worker killed (``kill -9``) while it wrote a file left it under its temporary
        name; the chunk is done again, and the command ended well (exit 0) with a
        ``.storykit-*.tmp`` in OUT. Its process is gone once the executor's thread has
        ended, so its files are known to be left over (:func:`remove_stale`).
        """
        namer = self.job.namer
        if namer is None:
            return
        dead = [pid for pid, process in insides.processes.items() if _died(process)]
        if dead:
            for folder in sorted(namer.swept):
                remove_stale(folder, dead)


def _all_ended(insides: _Insides) -> bool:
    """Whether every worker process of the executor has ended."""
    processes = list(insides.processes.values())
    return len(_ended(processes)) == len(processes)


def _unblock_feeder(calls: Any) -> None:
    """Let the executor's thread end once its workers are gone.

    That thread waits for the thread that writes work into the workers' pipe (``calls``);
    with the workers gone, that one can wait for ever to write into a full pipe: this
    process holds its other end, so it is not broken. ``convert --jobs 2`` fed by a named
    pipe then never ended after SIGTERM or Ctrl-C on Python before 3.11.5 (Debian 12's
    3.11.2), whose executor does not close that end itself (CPython gh-94777). Closed
    here, the write fails with a broken pipe, which the executor's queue takes in silence.
    """
    calls._reader.close()


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
    page faults a worker. What was frozen before (the command freezes its start-up objects:
    :func:`storykit.cli.console`) stays frozen after, with what was frozen here.
    """
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
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
