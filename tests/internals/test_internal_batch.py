"""The batch engine's two roads for a file, driven directly.

These tests must reach in, each for a reason of its own:

- a small file is read whole and split at once, a larger one streamed: both roads must give
  the same output, and only the private threshold (``_pieces._WHOLE``) picks the road for
  files small enough to test with;
- with a pool, a file over 4 MiB (``_engine._DELEGATE``) is handed back by its worker and
  split in the main process, in its place in the output, at a linear cost counted by
  wrapping the private splitting functions.

The pool's stops, signals and dying workers are in ``test_internal_batch_pool.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import _engine, _pieces, _units, _work_records
from storykit._sources import Limits
from storykit._work_records import StoryUnit

from ..cli_helpers import _children_cpu, files_under, jsonl_stories, run
from ..collection_helpers import dump, make_story, write
from ..test_cost import big_story
from .batch_helpers import _Collecting
from .test_internal_pieces import TRICKY, count_scanning


def test_small_dumps_read_whole_convert_as_streamed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in TRICKY.items():
        write(tmp_path / "in" / f"{name}.txt", text)
    inputs = str(tmp_path / "in")
    seen = []
    for road in ("whole", "streamed"):
        if road == "streamed":
            monkeypatch.setattr(_pieces, "_WHOLE", 0)  # every file streamed, in blocks
        jsonl = run(capsys, "convert", inputs, "--to", "json", "-j", "1")
        checked = run(capsys, "validate", inputs, "-j", "1")
        folder = tmp_path / road
        dumps = run(capsys, "convert", inputs, "--to", "text", "-o", f"{folder}/", "-j", "1")
        written = {name: (folder / name).read_text("utf-8") for name in files_under(folder)}
        seen.append((jsonl, checked, dumps, written))
    assert seen[0] == seen[1]
    (status, out, err), (_, findings, _), _, written = seen[0]
    assert status == 1
    assert len(out.splitlines()) == 11  # the stories of TRICKY
    assert "invalid date" in err
    assert "invalid UTF-8" in err
    assert "binary data" in err
    assert "could not place header line" in findings
    assert "two-2.txt" in " ".join(written)


def test_the_cli_splits_a_large_file_as_iter_stories_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large file handed back by a worker is split here: with the same streaming.

    The dump of a million sections cost ten times more through ``storykit convert`` than
    through ``load()``: the main process re-split the story at every block.
    """
    text = big_story(400)
    path = write(tmp_path / "big.txt", text)
    scanned = count_scanning(monkeypatch)
    job = _work_records.Job("convert", compact=True)
    units = list(_engine._handed_back([_work_records.FileUnit(str(path), "", None)], job, 64))
    assert len(units) == 1
    assert [type(unit) for unit in units[0]] == [StoryUnit]  # one story, split here
    assert units[0][0].text == text.rstrip("\n")  # type: ignore[union-attr]
    assert scanned[0] <= 2 * len(text) + 10 * 1024


def _large_files(folder: Path) -> list[str]:
    """Small files, and three large ones (two in a row) among them."""
    for i in range(40):
        write(folder / f"{i:02}.txt", dump(i))
    for name, first in (("04x", 100), ("04y", 200), ("29x", 300)):
        write(folder / f"{name}.txt", "\n\n".join(dump(first + i) for i in range(9)))
    return [str(p) for p in sorted(folder.glob("*.txt"))]


def test_large_files_are_handed_back_and_done_in_their_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The main process no longer asks the size of each file as it walks (a system call per
    # file, on the main process's share of the cores): a worker that opens a large file
    # hands it back, and its stories, then the rest of its chunk, are done before the
    # chunks already in flight behind it are taken.
    inputs = _large_files(tmp_path)
    monkeypatch.setattr(_engine, "_DELEGATE", 1000)  # each big file is 1.6 KB, the others 175 B
    split_here: list[str] = []
    real = _engine.file_pieces

    def recording(path: str, fmt: str, limit: int) -> Any:
        split_here.append(os.path.basename(path))
        return real(path, fmt, limit)

    monkeypatch.setattr(_engine, "file_pieces", recording)
    limits = Limits(max_member_size=1 << 20, max_total_size=1 << 30)
    job = _work_records.Job("convert", compact=True)
    runs = []
    for jobs, size in ((1, 64), (2, 4), (2, 64)):
        handler = _Collecting()
        _engine.run(
            _units.units(inputs, None, format=None, limits=limits),
            job,
            jobs,
            handler,
            chunk_size=size,
        )
        out = b"".join(x for x in handler.seen if isinstance(x, bytes))
        counted = [x for x in handler.seen if isinstance(x, tuple)]
        runs.append((out, sum(ok for ok, _ in counted), sum(files for _, files in counted)))
    # one job: no worker to hand anything back; two: each big file split here, once
    assert split_here == ["04x.txt", "04y.txt", "29x.txt"] * 2
    assert runs[0] == runs[1] == runs[2]
    out, ok, files = runs[0]
    assert (ok, files) == (40 + 27, 43)
    titles = [storykit.loads(line, "json").title for line in out.decode().splitlines()]
    numbers = [*range(5), *range(100, 109), *range(200, 209), *range(5, 30)]
    numbers += [*range(300, 309), *range(30, 40)]
    assert titles == [make_story(i).title for i in numbers]


def test_a_large_file_handed_back_that_holds_no_story_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A blank file is "no story here" wherever it is found; one large enough to be handed
    # back by its worker was split in the main process, which said nothing of it.
    for i in range(12):
        write(tmp_path / "in" / f"{i:02}.txt", dump(i))
    write(tmp_path / "in" / "05x.txt", " \n" * 1000)  # 2 KB of blank lines
    monkeypatch.setattr(_engine, "_DELEGATE", 1000)
    for jobs in ("1", "2"):
        out = tmp_path / f"all{jobs}.jsonl"
        status, _, err = run(capsys, "convert", str(tmp_path / "in"), "-o", str(out), "-j", jobs)
        assert status == 1
        assert err == f"{tmp_path / 'in' / '05x.txt'}: no story here\n12 converted, 1 failed\n"
        assert len(jsonl_stories(out)) == 12


def test_large_files_handed_back_keep_their_output_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _large_files(tmp_path / "in")
    monkeypatch.setattr(_engine, "_DELEGATE", 1000)
    seen = []
    for jobs in ("1", "2"):
        out = tmp_path / f"OUT{jobs}"
        status, _, err = run(
            capsys, "convert", str(tmp_path / "in"), "-o", f"{out}/", "--to", "json", "-j", jobs
        )
        assert (status, err) == (0, "67 converted, 0 failed\n")
        seen.append({name: (out / name).read_bytes() for name in files_under(out)})
    assert seen[0] == seen[1]
    assert "04x-9.json" in seen[1]
    assert storykit.loads(seen[1]["04y-1.json"], "json") == make_story(200)


def test_a_large_file_handed_back_keeps_the_numbered_names_chosen_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # b-1.txt took b-1.json: the stories of b.txt, split in the main process when its
    # worker hands it back, are b~2-N.json there as in a worker
    write(tmp_path / "in" / "b-1.txt", dump(1))
    write(tmp_path / "in" / "b.txt", "\n\n".join(dump(i) for i in range(100, 112)))
    monkeypatch.setattr(_engine, "_DELEGATE", 1000)
    seen = []
    for jobs in ("1", "2"):
        out = tmp_path / f"OUT{jobs}"
        argv = ["convert", str(tmp_path / "in"), "-o", f"{out}/", "--to", "json", "-j", jobs]
        assert run(capsys, *argv)[:3:2] == (0, "13 converted, 0 failed\n")
        seen.append({name: (out / name).read_bytes() for name in files_under(out)})
    assert seen[0] == seen[1]
    assert sorted(seen[1]) == sorted(["b-1.json", *(f"b~2-{i}.json" for i in range(1, 13))])
    assert storykit.loads(seen[1]["b~2-12.json"], "json") == make_story(111)


def test_one_chunk_with_a_large_file_is_worth_a_pool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the walk no longer splits a large file into many chunks: the one chunk is looked at
    write(tmp_path / "in" / "big.txt", "\n\n".join(dump(i) for i in range(9)))
    argv = ["convert", str(tmp_path / "in"), "-o", str(tmp_path / "all.jsonl"), "-j", "2"]
    before = _children_cpu()
    assert run(capsys, *argv)[0] == 0
    assert _children_cpu() == before  # small: done here
    monkeypatch.setattr(_engine, "_DELEGATE", 1000)
    assert run(capsys, *argv, "--force")[0] == 0
    assert _children_cpu() > before  # large: its stories went to the workers
    assert len(jsonl_stories(tmp_path / "all.jsonl")) == 9
