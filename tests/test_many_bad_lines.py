"""A file of very many bad lines: what is held for its failures stays bounded.

Two million bad JSON lines held a gigabyte: the worker kept a result for every line of a
file until it was done (``validate -j1``, or a file under 4 MiB), and an ``ErrorLog`` kept
every error (the library, ``convert -o x.db``). The bounds are made small here, so that a
few lines prove them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storykit
from storykit import _engine, _worker
from storykit._work_records import FileUnit, Job
from storykit.cli import main
from storykit.collection import ERRORS_KEPT, ErrorLog

from .collection_helpers import make_zip


def _story_line(n: int) -> str:
    story = storykit.Story(title=f"Story {n}", sections=(storykit.Section(None, ("Body.",)),))
    return storykit.dumps(story, "json", indent=None)


def _lines(count: int, good_every: int = 0) -> str:
    """``count`` lines, bad (``{}``, ``[1]``, garbage) but every ``good_every``-th."""
    bad = ["{}", "[1]", "garbage"]
    lines = [
        _story_line(n) if good_every and n % good_every == 0 else bad[n % 3]
        for n in range(1, count + 1)
    ]
    return "\n".join(lines) + "\n"


def test_a_worker_hands_a_file_back_part_way_past_the_results_it_may_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_worker, "RESULTS_HELD", 4)
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(10), encoding="utf-8")
    done = _worker.work([FileUnit(str(path), "jsonl", None)], Job("validate"))
    assert [r.line for r in done.results] == [1, 2, 3, 4]
    assert (done.handed, done.skip, done.files) == (0, 4, 1)


def test_validate_lists_every_bad_line_once_in_order_however_the_file_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(25, good_every=4), encoding="utf-8")
    zipped = tmp_path / "z.zip"
    make_zip(zipped, {"m.jsonl": _lines(25, good_every=4)})
    outputs = []
    for held in (1000, 3):
        monkeypatch.setattr(_worker, "RESULTS_HELD", held)
        assert main(["validate", "-j1", str(path), str(zipped)]) == 1
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]
    lines = outputs[1].out.splitlines()
    bad = [n for n in range(1, 26) if n % 4]
    assert [int(line.split(":")[1]) for line in lines if line.startswith(str(path))] == bad
    assert [int(line.split(":")[2]) for line in lines if line.startswith(str(zipped))] == bad
    assert outputs[1].err == "50 stories checked: 38 errors, 0 warnings\n"


def test_a_file_cut_part_way_is_written_to_a_folder_with_the_same_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(12, good_every=3), encoding="utf-8")
    written = []
    for held, out in ((1000, tmp_path / "one"), (2, tmp_path / "two")):
        monkeypatch.setattr(_worker, "RESULTS_HELD", held)
        assert main(["convert", "-j1", str(path), "-o", f"{out}/", "--to", "json"]) == 1
        capsys.readouterr()
        written.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert written[0] == written[1]
    assert sorted(written[1]) == sorted(["a-3.json", "a-6.json", "a-9.json", "a-12.json"])
    assert json.loads(written[1]["a-9.json"])["title"] == "Story 9"


def test_the_serial_run_takes_a_chunk_handed_back_before_the_files_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chunk stopped before a file (the results held already) sends that file again."""
    monkeypatch.setattr(_worker, "RESULTS_HELD", 2)
    monkeypatch.setattr(_engine, "CHUNK", 64)
    for name in "abc":
        (tmp_path / f"{name}.jsonl").write_text("{}\n[1]\n", encoding="utf-8")
    assert main(["validate", "-j1", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] for line in out] == [
        f"{tmp_path / name}.jsonl:{n}" for name in "abc" for n in (1, 2)
    ]


def test_an_error_log_keeps_the_first_errors_and_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(10), encoding="utf-8")
    log = ErrorLog(keep=3)
    assert list(storykit.iter_stories(path, errors="collect", log=log)) == []
    assert [e.line for e in log] == [1, 2, 3]
    assert (log.more, log.total) == (7, 10)
    assert log.report().splitlines()[3:] == [
        "… and 7 more (not kept: ErrorLog(keep=None) keeps all)",
        "10 errors",
    ]
    every = ErrorLog(keep=None)
    list(storykit.iter_stories(path, errors="collect", log=every))
    assert ([e.line for e in every], every.more) == (list(range(1, 11)), 0)
    stream = storykit.iter_stories(path, errors="collect")
    list(stream)
    assert (stream.errors.keep, ERRORS_KEPT) == (1000, 1000)


def test_convert_to_a_database_counts_the_failures_it_does_not_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storykit import _tables

    logs: list[ErrorLog] = []

    class Kept(ErrorLog):
        def __init__(self, *, keep: int | None) -> None:
            super().__init__(keep=keep)
            logs.append(self)

    monkeypatch.setattr(_tables, "_MAX_LISTED", 3)
    monkeypatch.setattr(_tables, "ErrorLog", Kept)
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(10, good_every=5), encoding="utf-8")
    assert main(["convert", str(path), "-o", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0] for line in err[:3]] == [f"{path}:{n}" for n in (1, 2, 3)]
    assert err[3:] == ["… and 5 more failures", "2 converted, 8 failed"]
    assert [(len(log), log.more) for log in logs] == [(3, 5)]  # the rest counted, not kept
