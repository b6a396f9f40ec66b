"""``--jobs`` and the worker processes: the same output as one process, a reader's bug or a
worker's crash taking only its input down, no worker or temporary file left by a kill or a
signal, the number of workers brought down to what the machine can use; and the progress line.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import _batch, _engine, _progress
from storykit.cli import main

from .cli_helpers import (
    _alive,
    _children,
    _children_cpu,
    _start,
    _wait_for,
    files_under,
    jsonl_stories,
    main_is_running,
    many_stories,
    run,
    temp_files,
)
from .collection_helpers import BAD_DATE, dump, make_story, write
from .conftest import SEED


def test_two_jobs_give_the_same_output_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = 150  # more than two chunks, so a pool is started
    for i in range(count):
        write(tmp_path / "in" / f"{i:03d}.txt", dump(i) if i != 7 else BAD_DATE)
    write(tmp_path / "in" / "many.txt", dump(500) + "\n\n" + dump(501))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    before = _children_cpu()
    status1, _, err1 = run(capsys, "convert", str(tmp_path / "in"), "-o", str(one), "-j", "1")
    assert _children_cpu() == before  # one job: no worker process
    status2, _, err2 = run(capsys, "convert", str(tmp_path / "in"), "-o", str(two), "-j", "2")
    assert _children_cpu() > before  # two jobs: the stories were read in worker processes
    assert (status1, status2) == (1, 1)
    assert err1 == err2
    assert err2.splitlines()[-1] == f"{count + 1} converted, 1 failed"
    assert one.read_bytes() == two.read_bytes()
    expected = [make_story(i) for i in range(count) if i != 7]
    # "many.txt" sorts after the numbered files
    assert jsonl_stories(two) == [*expected, make_story(500), make_story(501)]
    argv = ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "d/"), "--to", "json"]
    before = _children_cpu()
    assert run(capsys, *argv, "-j", "2")[0] == 1
    assert _children_cpu() > before
    written = files_under(tmp_path / "d")
    assert len(written) == count + 1
    assert "many-2.json" in written


def test_progress_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        write(tmp_path / "in" / f"{i}.txt", dump(i))
    _, _, err = run(capsys, "convert", str(tmp_path / "in"), "-o", str(tmp_path / "a.jsonl"))
    assert err == "3 converted, 0 failed\n"  # not a terminal: no progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["convert", str(tmp_path / "in"), "-o", str(tmp_path / "b.jsonl"), "-j", "1"]) == 0
    shown = terminal.getvalue()
    assert "\r[" in shown
    assert "3/3 files" in shown
    assert shown.endswith("\r\x1b[K3 converted, 0 failed\n")


def test_progress_without_a_total_counts_files_in_words() -> None:
    """It said '1 files' (standard input, an archive: no total known beforehand)."""
    stream = io.StringIO()
    progress = _progress._Progress(stream, None, enabled=True)
    progress.update(1, 1, 0)
    assert "\r1 file  1 done, 0 failed, " in stream.getvalue()
    progress.last = 0.0  # (redrawn at most ten times a second)
    progress.update(1, 2, 0)
    assert "\r2 files  2 done, 0 failed, " in stream.getvalue()


_BUGGY_FORMAT = '''
"""A format whose reader has a bug (a test's stand-in for one: every known one is fixed)."""
from storykit.formats import text

NAME = "buggy"
SUFFIXES = (".buggy",)
detect = text.detect
dumps = text.dumps

def loads(data, **options):
    return [][0]
'''


def run_with_format(
    tmp_path: Path, name: str, source: str, suffixes: str, argv: list[str]
) -> subprocess.CompletedProcess[str]:
    """Run ``storykit ARGV`` in ``tmp_path`` with format module ``name`` (from ``source``)
    registered for ``suffixes`` (a Python expression)."""
    (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
    script = (
        "import sys\n"
        "from storykit import formats\n"
        "from storykit.cli import main\n"
        f"formats.FORMATS[{name!r}] = ({name!r}, {suffixes})\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        check=False,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])},
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_in_a_reader_is_a_failure_not_a_traceback(tmp_path: Path, jobs: str) -> None:
    many_stories(tmp_path / "in", 130)  # more than two chunks: with -j 2, a pool
    argv = ["convert", "in", "--from", "buggy", "--to", "json", "-j", jobs]
    done = run_with_format(tmp_path, "buggy", _BUGGY_FORMAT, "('.buggy',)", argv)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "in/00000.txt:1: internal error: IndexError: list index out of range (please report this)"
    )
    assert len(lines) == 131
    assert lines[-1] == "0 converted, 130 failed"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
def test_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    many_stories(tmp_path / "in", 3000)
    process = _start(["convert", "in", "--to", "json", "-o", "OUT/", "-j", "2"], tmp_path)
    workers: list[int] = []
    try:
        assert _wait_for(lambda: len(_children(process.pid)) == 2, 30)
        workers = _children(process.pid)
        process.kill()  # SIGKILL: the parent has no say
        process.wait(10)
        assert _wait_for(lambda: not any(map(_alive, workers)), 5), "orphaned workers"
    finally:
        for pid in workers + _children(process.pid):  # none left behind by a failure
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.communicate()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(
    ("jobs", "when"), [("1", "files"), ("2", "files"), ("2", "workers"), ("2", "early")]
)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_leaves_no_temporary_file(
    tmp_path: Path, jobs: str, when: str, sig: int
) -> None:
    many_stories(tmp_path / "in", 1500)
    for attempt in range(3):
        out = tmp_path / f"OUT{attempt}"
        process = _start(["convert", "in", "--to", "html", "-o", f"{out}/", "-j", jobs], tmp_path)
        if when == "files":
            _wait_for(lambda: out.is_dir() and any(out.iterdir()), 30)  # noqa: B023
            time.sleep(0.05 * attempt)
        elif when == "workers":
            _wait_for(lambda: len(_children(process.pid)) == 2, 30)  # noqa: B023
        else:  # about when the workers are being started
            _wait_for(lambda: main_is_running(process.pid), 30)  # noqa: B023
            time.sleep(0.05 * attempt)
        os.killpg(process.pid, sig)  # to the process group, as Ctrl-C in a terminal
        _, err = process.communicate(timeout=60)
        if process.returncode == 0:  # it ended before the signal came: nothing to see
            continue
        assert process.returncode in (128 + sig, -sig), err
        assert "Traceback" not in err
        assert "Exception ignored" not in err
        assert "worker process died" not in err
        assert temp_files(tmp_path) == []
        for path in out.rglob("*.html"):  # whole files only
            assert path.read_text("utf-8").rstrip().endswith("</html>")


_CRASHING_FORMAT = '''
"""A format whose reader crashes the process on a story titled CRASH (a test's stand-in
for a reader that segfaults on some input)."""
import os, signal
from storykit.formats import text

NAME = "crashing"
SUFFIXES = (".crash",)
detect = text.detect
dumps = text.dumps

def loads(data, **options):
    if "CRASH" in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    return text.loads(data, **options)
'''


@pytest.mark.parametrize("out", ["OUT/", "all.jsonl", "-"])
def test_a_worker_that_dies_takes_only_its_input_down(tmp_path: Path, out: str) -> None:
    many_stories(tmp_path / "in", 300)
    crash = dump(0).replace("Story number 0 about chips", "CRASH")
    write(tmp_path / "in" / "00150.txt", crash)
    argv = ["convert", "in", "--from", "crashing", "--to", "json", "-o", out, "-j", "2"]
    done = run_with_format(
        tmp_path, "crashing", _CRASHING_FORMAT, "formats.FORMATS['text'][1]", argv
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"in/00150.txt: {_engine.WORKER_DIED}",
        "299 converted, 1 failed",
    ]
    if out == "OUT/":
        written = files_under(tmp_path / "OUT")
        assert written == [f"{i:05}.json" for i in range(300) if i != 150]
    else:
        text = done.stdout if out == "-" else (tmp_path / out).read_text("utf-8")
        titles = [storykit.loads(line, "json").title for line in text.splitlines()]
        assert titles == [make_story(i).title for i in range(300) if i != 150]  # in order


def _jobs_asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``--jobs`` each run of the command asks for (the work done in this process)."""
    seen: list[int] = []
    real = _batch.run

    def spy(work: Any, job: Any, jobs: int, *rest: Any, **options: Any) -> Any:
        seen.append(jobs)
        return real(work, job, 1, *rest, **options)

    monkeypatch.setattr(_batch, "run", spy)
    return seen


def _on_the_seed(tmp_path: Path, command: str) -> list[str]:
    """``command`` over a folder holding the seed (to ``out/`` as JSON, for ``convert``)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    argv = [command, str(tmp_path / "in")]
    if command == "convert":
        argv += ["--to", "json", "-o", str(tmp_path / "out")]
    return argv


@pytest.mark.parametrize("command", ["convert", "validate"])
def test_jobs_beyond_what_the_machine_can_use_are_brought_down(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    """Found trying the command as a new user: ``--jobs 1000`` on two cores forked a
    thousand workers for 400 files and took 10 s (212 s on the busy machine) where
    ``--jobs 2`` took 0.8 s; on Windows a process pool refuses more than 61 workers."""
    from storykit import cli as cli_module

    seen = _jobs_asked(monkeypatch)
    most = cli_module.JOBS_PER_CORE * len(os.sched_getaffinity(0))
    argv = _on_the_seed(tmp_path, command)
    assert main([*argv, "--jobs", "1000", "--quiet"]) == 0
    assert seen == [most]
    assert capsys.readouterr().err == (
        f"storykit {command}: --jobs 1000 is more workers than this machine can use; "
        f"using {most} (4 per core)\n"
    )
    if command == "convert":
        argv[-1] = str(tmp_path / "out2")
    assert main([*argv, "--jobs", str(most), "--quiet"]) == 0  # as many as it can use: as asked
    assert seen == [most, most]
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="a CPU set, as on Linux")
@pytest.mark.parametrize("command", ["convert", "validate"])
def test_the_default_jobs_are_the_cores_the_command_may_use(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    """Found attacking the --jobs cap: the default was os.cpu_count(), every core of the
    machine; run on one of 16 (``taskset -c 0``, a container's CPU set) with no --jobs, the
    command said '--jobs 16 is more workers than this machine can use', of a --jobs never
    given. The default is now one worker per core the command may use."""
    seen = _jobs_asked(monkeypatch)
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    argv = [*_on_the_seed(tmp_path, command), "--quiet"]
    assert main(argv) == 0
    assert seen == [1]
    assert capsys.readouterr().err == ""
