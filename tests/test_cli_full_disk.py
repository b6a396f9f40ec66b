"""``convert -o DIR`` on a disk that fills up (or is read-only): the run stops at the first story.

A full disk (or quota) is no story's fault, and no other story could be written either: the
command said ``cannot write …: No space left on device`` for every story left (275 lines for
300 stories on a 200 KiB disk) and went on reading them all. The disk is made full here by a
``write_atomic`` that refuses once the folder holds ``ROOM`` files, as a small disk would
(the check is on the folder, so the forked workers of ``--jobs 2`` see it too).
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path

import pytest

from storykit import _worker

from .cli_helpers import files_under, many_stories, run, temp_files

ROOM = 12  # the files the "disk" holds


def _filling(real: object, folder: Path, code: int) -> object:
    def write_atomic(dest: str, *args: object, **kwargs: object) -> None:
        if len(os.listdir(folder)) >= ROOM:
            raise OSError(code, os.strerror(code), dest)
        real(dest, *args, **kwargs)  # type: ignore[operator]

    return write_atomic


def _in_and_out(tmp_path: Path, count: int) -> tuple[Path, Path]:
    """An input folder of ``count`` stories, and an empty output folder beside it."""
    out = tmp_path / "out"
    out.mkdir()
    return many_stories(tmp_path / "in", count), out


def _summary(err: str) -> tuple[int, int]:
    match = re.search(r"^(\d+) converted, (\d+) failed$", err, re.MULTILINE)
    assert match is not None, err
    return int(match[1]), int(match[2])


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_stops_the_run_at_the_first_story_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    archive, out = _in_and_out(tmp_path, 40)
    monkeypatch.setattr(_worker, "write_atomic", _filling(_worker.write_atomic, out, code))
    status, _, err = run(capsys, "convert", str(archive), "-o", f"{out}/", "--to", "json")
    assert status == 1
    assert len(files_under(out)) == ROOM
    assert _summary(err) == (ROOM, 1)  # one failure, not 28: the run stopped there
    assert err.count("cannot write") == 1 and os.strerror(code) in err
    assert "stopped: the output's disk is full" in err
    assert temp_files(tmp_path) == []


def _filling_each(real: object, *, others: bool = True) -> object:
    """A disk that each process can write ``ROOM`` files to: both workers of ``--jobs 2``
    write some, as two chunks in flight do when the disk fills.

    ``others``: the disk is full for a process only once another one has written a file too
    (within 30 s), so that the other worker's chunk is surely in flight: a worker slow to
    start (under coverage, on a busy machine) had written nothing when the first one stopped
    the run, and a test of what the other wrote found nothing to test.
    """
    written: dict[int, int] = {}

    def write_atomic(dest: str, *args: object, **kwargs: object) -> None:
        pid = os.getpid()
        if written.get(pid, 0) >= ROOM:
            folder = os.path.dirname(dest)
            deadline = time.monotonic() + 30
            while others and time.monotonic() < deadline:
                if sum(not name.startswith(".") for name in os.listdir(folder)) > ROOM:
                    break  # (another process wrote one)
                time.sleep(0.01)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), dest)
        time.sleep(0.005)  # (a slow disk: the other worker starts its chunk meanwhile)
        real(dest, *args, **kwargs)  # type: ignore[operator]
        written[pid] = written.get(pid, 0) + 1

    return write_atomic


def test_a_full_disk_stops_the_workers_too_and_counts_what_they_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # enough stories for the pool: the chunks in flight finish, and their files are counted
    archive, out = _in_and_out(tmp_path, 600)
    monkeypatch.setattr(_worker, "write_atomic", _filling_each(_worker.write_atomic))
    status, _, err = run(
        capsys, "convert", str(archive), "-o", f"{out}/", "--to", "json", "--jobs", "2"
    )
    assert status == 1
    written = len(files_under(out))
    done, failed = _summary(err)
    assert written > ROOM and done == written  # the other worker's files are counted too
    assert failed == 1  # the story it stopped at, not one per story left
    assert "stopped: the output's disk is full" in err
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_read_only_output_stops_the_run_at_the_first_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # -o into an existing folder on a read-only file system (a mount): every story failed
    # with the same 'cannot write …: Read-only file system', 1,000 lines of it and a count
    # for an archive of 20,000, each story read and converted for nothing
    archive, out = _in_and_out(tmp_path, 40)

    def write_atomic(dest: str, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), dest)

    monkeypatch.setattr(_worker, "write_atomic", write_atomic)
    status, _, err = run(
        capsys, "convert", str(archive), "-o", f"{out}/", "--to", "json", "--jobs", jobs
    )
    assert status == 1
    assert _summary(err) == (0, 1)
    assert err.count("cannot write") == 1 and os.strerror(errno.EROFS) in err
    assert "stopped: the output is on a read-only file system" in err
    assert "disk is full" not in err
    assert files_under(out) == []


def test_another_error_writing_one_story_does_not_stop_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, out = _in_and_out(tmp_path, 10)
    real = _worker.write_atomic

    def write_atomic(dest: str, *args: object, **kwargs: object) -> None:
        if dest.endswith("00003.json"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), dest)
        real(dest, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_worker, "write_atomic", write_atomic)
    status, _, err = run(capsys, "convert", str(archive), "-o", f"{out}/", "--to", "json")
    assert status == 1
    assert _summary(err) == (9, 1)
    assert "stopped" not in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_with_a_site_lists_every_page_written_in_its_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # With --jobs 2, the chunks still in flight when the disk fills finish and write their
    # pages: their index entries (their output) must reach index.html, as their count
    # reaches the summary (they did not: the index missed the other worker's pages).
    archive, out = _in_and_out(tmp_path, 600)
    filling = _filling_each(_worker.write_atomic, others=jobs == "2")
    monkeypatch.setattr(_worker, "write_atomic", filling)
    status, _, err = run(
        capsys, "convert", str(archive), "-o", f"{out}/", "--to", "html", "-s", "--jobs", jobs
    )
    assert status == 1
    pages = [name for name in files_under(out) if name != "index.html"]
    index = (out / "index.html").read_text("utf-8")
    listed = re.findall(r'<li><h2><a href="([^"]+)"', index)
    assert sorted(listed) == pages  # every page written is listed, and only those
    done, failed = _summary(err)
    assert done == len(pages) and (len(pages) > ROOM if jobs == "2" else len(pages) == ROOM)
    assert failed == 1
    assert "stopped: the output's disk is full" in err
    assert temp_files(tmp_path) == []
