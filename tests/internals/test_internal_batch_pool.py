"""The batch pool's stops, signals, shared buffer and dying workers, driven directly.

These tests must reach in, each for a reason of its own:

- a handler that stops at the first result while chunks are still queued (what Ctrl-C and
  ``--fail-fast`` do, at a moment no test can time from outside) is driven through
  :func:`storykit._engine.run` itself;
- that the main thread enters a worker's future only with Ctrl-C held back is a property of
  every wait, which a signal sent from outside would hit only by chance;
- a worker's send cut short by SIGTERM, the road a chunk's output takes back (the shared
  buffer or the pipe) and a worker that dies or is sent away are moments and roads that
  only the private pool and worker (``_pool``, ``_worker``) show.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import _engine, _pool, _slots, _units, _work_records, _worker
from storykit._sources import Limits

from ..cli_helpers import files_under, jsonl_stories, run
from ..collection_helpers import dump, make_story, write
from ..conftest import run_python
from .batch_helpers import _Collecting


def test_a_stopped_pool_leaves_the_cancelling_to_the_executor_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A future cancelled from the main thread while a killed worker breaks the pool is also
    # failed by the executor's thread, which died of InvalidStateError (a traceback seen
    # now and then on SIGTERM with --jobs 2): only shutdown(cancel_futures=True) cancels.

    for i in range(40):
        write(tmp_path / f"{i:02}.txt", b"\xff\xff not utf-8")  # each one a failed result
    cancelled_by: list[str] = []
    cancel = concurrent.futures.Future.cancel

    def recording(self: concurrent.futures.Future[Any]) -> bool:
        cancelled_by.append(threading.current_thread().name)
        return cancel(self)

    monkeypatch.setattr(concurrent.futures.Future, "cancel", recording)
    seen: list[str] = []

    class Stopping(_engine.Handler):
        def handle(self, result: _work_records.Result) -> bool:
            seen.append(result.kind)
            return False  # stop at the first result, with chunks still queued

    inputs = [str(p) for p in sorted(tmp_path.glob("*.txt"))]
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    items = _units.units(inputs, None, format=None, limits=limits)
    _engine.run(items, _work_records.Job("validate"), 2, Stopping(), chunk_size=1)
    assert seen == ["failed"]
    assert "MainThread" not in cancelled_by


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs a signal mask")
def test_the_main_thread_waits_on_a_worker_with_ctrl_c_held_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A signal that lands inside a future's lock (Python's `with` is not safe from signals)
    # could leave the lock held by the main thread; the executor's thread then waited for
    # it for ever as the pool shut down: `convert -j 2` hung after Ctrl-C (seen once in a
    # test run). The main thread now enters a future only with Ctrl-C and SIGTERM held.
    for i in range(12):
        write(tmp_path / f"{i:02}.txt", dump(i))
    masks: list[set[int]] = []
    main = threading.main_thread()

    def watched(name: str) -> Any:
        real = getattr(concurrent.futures.Future, name)

        def call(self: concurrent.futures.Future[Any], *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is main:
                masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
            return real(self, *args, **kwargs)

        return call

    for name in ("result", "done"):
        monkeypatch.setattr(concurrent.futures.Future, name, watched(name))
    seen: list[str] = []

    class Taking(_engine.Handler):
        def handle(self, result: _work_records.Result) -> bool:
            seen.append(result.kind)
            return True

        def tally(self, ok: int, files: int, extras: int = 0) -> None:
            seen.append(f"{ok} of {files}")

    inputs = [str(p) for p in sorted(tmp_path.glob("*.txt"))]
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    items = _units.units(inputs, None, format=None, limits=limits)
    _engine.run(items, _work_records.Job("validate"), 2, Taking(), chunk_size=2)
    assert seen
    assert masks  # the main thread did wait
    assert all({signal.SIGINT, signal.SIGTERM} <= mask for mask in masks), masks


_SEND_THEN_SIGTERM = """\
import os, signal, sys, time
from multiprocessing import Pipe
from storykit import _pool
from storykit._writing import signals_held
reader, writer = Pipe(duplex=False)
# forked with the signals held, as the pool forks its workers: the worker's watcher thread
# then keeps them held, and a signal can only go to its main thread (one that went to the
# watcher left the main thread asleep for its 30 s, now and then, under load)
with signals_held():
    pid = os.fork()
    if pid == 0:  # a worker, sending a result far larger than the pipe holds
        reader.close()
        _pool._worker_started(os.getppid())
        writer.send_bytes(b"x" * 20_000_000)
        for _ in range(300):  # 30 s in short sleeps: a signal is seen within 0.1 s
            time.sleep(0.1)
        os._exit(0)
writer.close()
time.sleep(0.5)  # the worker is blocked in its send: the pipe holds 64 KiB
os.kill(pid, signal.SIGTERM)
time.sleep(0.2)
start = time.monotonic()
try:
    print(len(reader.recv_bytes()))
except (EOFError, OSError) as exc:
    print("cut:", exc)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status), time.monotonic() - start < 10)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_sigterm_lets_a_worker_finish_sending_its_result() -> None:
    """A worker ended by SIGTERM in the middle of sending a chunk's result left the rest of
    the message missing, and the executor's thread in the main process waited for it for
    ever: ``convert -j 2 -o all.jsonl`` hung on SIGTERM, one time in ten at the start."""
    assert _run_script(_SEND_THEN_SIGTERM) == ["20000000", f"{128 + signal.SIGTERM} True"]


def _run_script(script: str) -> list[str]:
    """The lines ``script`` prints, run in a child with this checkout's storykit."""
    # unmeasured: under coverage, the worker's os._exit saves coverage's data, where a
    # SIGTERM then landed, and the worker sometimes took over 10 s to end (CI, under load)
    done = run_python(script, measured=False)
    assert done.stderr == ""
    return done.stdout.splitlines()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_sigterm_ends_a_worker_whose_result_no_one_reads() -> None:
    """… but a send that never ends (the main process stopped reading) keeps no worker."""
    script = _SEND_THEN_SIGTERM.replace("print(len(reader.recv_bytes()))", "pass")
    assert _run_script(script) == [f"{128 + signal.SIGTERM} True"]


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers share the buffer on Linux")
@pytest.mark.parametrize("to", ["json", "text"])
def test_output_left_in_the_shared_buffer_is_the_output_sent_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    # A worker leaves a chunk's output in the chunk's slot of a buffer shared with the main
    # process (no pickling, no pipe, no fresh memory); what does not fit is sent back as
    # before. Both roads, and a mix of them, give the bytes one process writes.
    for i in range(30):
        stories = [dump(i)] if i % 3 else [dump(100 * i + k) for k in range(5)]
        write(tmp_path / f"{i:02}.txt", "\n\n".join(stories))
    inputs = [str(p) for p in sorted(tmp_path.glob("*.txt"))]
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    job = _work_records.Job("convert", to, compact=True)
    seen: dict[str, tuple[bytes, set[str]]] = {}
    for road, slot_size in (("one", 0), ("shared", 1 << 20), ("mixed", 600), ("piped", 10)):
        handler = _Collecting()
        if slot_size:
            monkeypatch.setattr(_slots.SharedSlots, "SIZE", slot_size)
        items = _units.units(inputs, None, format=None, limits=limits)
        _engine.run(items, job, 1 if road == "one" else 2, handler, chunk_size=1)
        out = b"".join(x for x in handler.seen if isinstance(x, bytes))
        seen[road] = (out, handler.roads)
    assert seen["one"][1] == {"bytes"}
    assert seen["shared"][1] == {"memoryview"}  # every chunk's output fits its slot
    assert seen["mixed"][1] == {"memoryview", "bytes"}  # one story fits, five do not
    assert seen["piped"][1] == {"bytes"}
    assert len({out for out, _ in seen.values()}) == 1
    assert seen["one"][0].count(b"Story number") == 70


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_workers_fill_the_shared_buffer_leaves_nothing(
    tmp_path: Path, sig: int
) -> None:
    # -j 2 into one file: the chunks' outputs come through the shared buffer. Ctrl-C or
    # SIGTERM at any moment leaves no temporary file, no part of an output, no traceback.
    from ..cli_helpers import _children, _start, _wait_for, many_stories, temp_files

    many_stories(tmp_path / "in", 3000)
    for attempt in range(3):
        process = _start(["convert", "in", "-o", "all.jsonl", "-j", "2", "--force"], tmp_path)
        _wait_for(lambda: len(_children(process.pid)) == 2, 30)  # noqa: B023
        time.sleep(0.1 * attempt)
        os.killpg(process.pid, sig)
        _, err = process.communicate(timeout=60)
        if process.returncode == 0:  # it ended before the signal came: nothing to see
            continue
        assert process.returncode in (128 + sig, -sig), err
        assert "Traceback" not in err
        assert "Exception ignored" not in err
        assert temp_files(tmp_path) == []
        out = tmp_path / "all.jsonl"
        if out.exists():  # the signal came after it was made: then it is whole
            assert len(jsonl_stories(out)) == 3000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_inputs_that_kill_workers_are_found_by_halves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a pool the chunks grow to 128 units: a chunk a dead worker took down was done
    # again a unit at a time, each in new workers (a pool started per unit). Now each half
    # that fails again is halved: a few tries find the inputs that kill a worker.
    for i in range(300):
        text = dump(i)
        write(tmp_path / f"{i:03}.txt", text.replace("chips", "CRASH") if i in KILLERS else text)
    real = _worker.parse_text

    def killing(text: str, *args: Any, **options: Any) -> Any:
        if "CRASH" in text:
            os.kill(os.getpid(), signal.SIGKILL)  # a worker's death, as a crash in C
        return real(text, *args, **options)

    monkeypatch.setattr(_worker, "parse_text", killing)  # in the workers forked from here
    tries = []
    alone = _engine._PoolRun.alone

    def counting(self: _engine._PoolRun, chunk: list[_work_records.Unit]) -> Any:
        tries.append(len(chunk))
        return alone(self, chunk)

    monkeypatch.setattr(_engine._PoolRun, "alone", counting)
    handler = _Collecting()
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    inputs = [str(p) for p in sorted(tmp_path.glob("*.txt"))]
    items = _units.units(inputs, None, format=None, limits=limits)
    _engine.run(items, _work_records.Job("convert", compact=True), 2, handler)
    out = b"".join(x for x in handler.seen if isinstance(x, bytes)).decode()
    titles = [storykit.loads(line, "json").title for line in out.splitlines()]
    assert titles == [make_story(i).title for i in range(300) if i not in KILLERS]
    assert handler.seen.count("failed") == len(KILLERS)
    assert 128 in tries  # the third chunk (of 64, 64, 128, 44 units) was done again
    assert len(tries) < 40  # by halves: not one try per unit


KILLERS = (130, 131, 250)


def test_a_worker_killed_between_two_sends_is_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kill -9 of a worker with -j 2: the executor, broken by the death, refused the next
    # chunk sent, and BrokenProcessPool came out of the command as a traceback. Each send
    # here waits for the chunks sent before it, so the death is seen at the next send.
    for i in range(12):
        text = dump(i)
        write(tmp_path / f"{i:03}.txt", text.replace("chips", "CRASH") if i == 3 else text)
    real = _worker.parse_text

    def killing(text: str, *args: Any, **options: Any) -> Any:
        if "CRASH" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(text, *args, **options)

    monkeypatch.setattr(_worker, "parse_text", killing)
    sent: list[concurrent.futures.Future[Any]] = []
    submit = _pool._Pool.submit

    def waiting(self: _pool._Pool, *args: Any) -> Any:
        concurrent.futures.wait(sent)
        sent.append(submit(self, *args))
        return sent[-1]

    monkeypatch.setattr(_pool._Pool, "submit", waiting)
    handler = _Collecting()
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    inputs = [str(p) for p in sorted(tmp_path.glob("*.txt"))]
    items = _units.units(inputs, None, format=None, limits=limits)
    _engine.run(items, _work_records.Job("convert", compact=True), 2, handler, chunk_size=1)
    out = b"".join(x for x in handler.seen if isinstance(x, bytes)).decode()
    titles = [storykit.loads(line, "json").title for line in out.splitlines()]
    assert titles == [make_story(i).title for i in range(12) if i != 3]
    assert handler.seen.count("failed") == 1


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs a signal mask")
def test_the_pool_shuts_down_with_ctrl_c_held_back(tmp_path: Path) -> None:
    # Ctrl-C twice with -j 2: the second one, landing inside the executor's shutdown, left
    # the workers waiting for work and the command waiting for them at exit, for ever (about
    # one run in five, `kill -INT -PGID` twice 0-80 ms apart). The shutdown holds it back.
    masks: list[set[signal.Signals]] = []
    pool = _pool._Pool(2, _work_records.Job("validate"))
    write(tmp_path / "a.txt", dump(0))
    unit = _work_records.FileUnit(str(tmp_path / "a.txt"), "text", None)
    assert pool.submit([unit], _work_records.Job("validate")).result().files == 1
    shutdown = pool.executor.shutdown

    def recording(*args: Any, **kwargs: Any) -> None:
        masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        shutdown(*args, **kwargs)

    pool.executor.shutdown = recording
    pool.close()
    assert masks and signal.SIGINT in masks[0]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_fail_fast_with_a_pool_writes_nothing_past_the_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # -j 2 -o DIR --fail-fast: the units in flight behind the failure (up to 9) were done by
    # the workers, and their files written, though the run stopped at the failure and its
    # summary did not count them (-j 1 wrote none of them).
    for i in range(40):
        write(tmp_path / "in" / f"{i:02}.txt", b"\xff\xfe not utf-8" if i == 3 else dump(i))
    argv = ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "out") + "/", "--to", "md"]
    status, _, err = run(capsys, *argv, "--fail-fast", "-j", "2")
    assert status == 1
    assert err.splitlines()[-1] == "3 converted, 1 failed"
    assert files_under(tmp_path / "out") == ["00.md", "01.md", "02.md"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_a_worker_sent_away_is_not_taken_for_dead() -> None:
    # The pool's watch (for a worker killed halfway through sending a result) acts on a
    # worker that died, never on one that the shutdown sent away (it ends with status 0),
    # nor on one still running.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    ends = [(sys.exit, (0,)), (os._exit, (3,)), (_killed, ())]
    processes = [context.Process(target=end, args=args) for end, args in ends]
    running = context.Process(target=time.sleep, args=(30,))
    try:
        for process in [*processes, running]:
            process.start()
        for process in processes:
            process.join()  # (its sentinel is ready a moment before its status)
        assert _pool._ended([*processes, running]) == processes
        assert [_pool._died(p) for p in processes] == [False, True, True]
        assert not _pool._died(running)
    finally:
        running.kill()
        for process in [*processes, running]:
            process.join()


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_feeder_blocked_on_a_pipe_no_worker_reads_is_let_go() -> None:
    # On Python before 3.11.5 (Debian 12's 3.11.2), `convert --jobs 2` fed by a named pipe
    # never ended after SIGTERM: the workers ended, and the executor's thread waited for ever
    # for the thread writing work into their pipe, blocked on it full (this process held its
    # other end). _Pool._shutdown closes that end once every worker has ended, as newer
    # executors do (CPython gh-94777): the write fails, and the thread ends in silence.
    import multiprocessing

    calls: Any = multiprocessing.get_context("fork").Queue()
    calls._ignore_epipe = True  # (as ProcessPoolExecutor sets it for its queue of work)
    calls.put(b"x" * (1 << 20))  # more than a pipe holds: the write blocks, no one reads
    deadline = time.monotonic() + 5
    while calls._thread is None and time.monotonic() < deadline:
        time.sleep(0.01)
    feeder = calls._thread
    try:
        feeder.join(0.2)
        assert feeder.is_alive()  # blocked on the full pipe
        _pool._unblock_feeder(calls)
        feeder.join(5)
        assert not feeder.is_alive()
    finally:
        calls._reader.close()  # (else this process could not end, waiting for the thread)
