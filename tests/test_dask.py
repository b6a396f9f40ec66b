"""storykit.dask: a bag on Dask's synchronous scheduler gives what the serial path gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import storykit
from storykit.errors import MissingExtraError
from storykit.formats import json as story_json

from .collection_helpers import BAD_DATE, dump, make_story, make_zip, write

pytest.importorskip("dask.bag", reason="dask is in the test dependency group: install it")
import storykit.dask as skd


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    for i in range(7):
        write(tmp_path / "a" / f"{i}.txt", dump(i))
    write(tmp_path / "a" / "many.txt", dump(10) + "\n\n" + dump(11))
    make_zip(tmp_path / "a" / "z.zip", {"x.txt": dump(20), "y.txt": dump(21)})
    write(tmp_path / "a" / "s.jsonl", storykit.dumps(make_story(30), "json", indent=None) + "\n")
    return tmp_path / "a"


def test_bag_of_stories_equals_the_serial_path(archive: Path) -> None:
    bag = skd.read_stories(archive, files_per_partition=3)
    assert bag.npartitions == 4  # 10 files, 3 a partition
    stories = bag.compute(scheduler="synchronous")
    assert stories == list(storykit.iter_stories(archive))
    assert len(stories) == 12


def test_bag_of_dicts_and_json_lines_with_origins(archive: Path) -> None:
    serial = list(storykit.iter_records(archive))
    dicts = skd.read_stories(archive, to="dict").compute(scheduler="synchronous")
    assert dicts == [story_json.to_dict(story) for _, story in serial]
    pairs = skd.read_stories([archive], to="json", with_origin=True).compute(
        scheduler="synchronous"
    )
    assert [origin for origin, _ in pairs] == [origin for origin, _ in serial]
    assert [storykit.loads(line, "json") for _, line in pairs] == [s for _, s in serial]


def test_bad_stories_raise_or_warn_as_asked(tmp_path: Path) -> None:
    write(tmp_path / "1.txt", dump(1))
    write(tmp_path / "2.txt", BAD_DATE)
    with pytest.raises(storykit.StoryParseError, match=r"2\.txt:2: invalid date"):
        skd.read_stories(tmp_path).compute(scheduler="synchronous")
    with pytest.warns(storykit.StoryWarning, match=r"2\.txt:2"):
        bag = skd.read_stories(tmp_path, errors="warn").compute(scheduler="synchronous")
    assert bag == [make_story(1)]
    with pytest.raises(ValueError, match="errors must be"):
        skd.read_stories(tmp_path, errors="collect")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        skd.read_stories(tmp_path / "missing")


def test_urls_are_opened_with_fsspec(archive: Path) -> None:
    bag = skd.read_stories([f"file://{archive}/*.txt", f"file://{archive}/z.zip"])
    expected = list(storykit.iter_stories([f"{archive}/*.txt", archive / "z.zip"]))
    assert bag.compute(scheduler="synchronous") == expected
    [(origin, _)] = skd.read_stories(f"file://{archive}/5.txt", with_origin=True).compute(
        scheduler="synchronous"
    )
    assert (origin.path, origin.line) == (f"{archive}/5.txt", 1)


def test_missing_dask_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(
        MissingExtraError, match=r"the dask extra: pip install 'dask\[bag\]>=2024.1'"
    ):
        skd.read_stories(tmp_path)


def test_flat_records_are_to_records(archive: Path) -> None:
    records = skd.read_stories(archive, to="record").compute(scheduler="synchronous")
    assert records == storykit.to_records(storykit.iter_stories(archive))
    assert all(not isinstance(v, dict) for record in records for v in record.values())
    with pytest.raises(ValueError, match="'record'"):
        skd.read_stories(archive, to="records")  # type: ignore[arg-type]


def test_records_make_a_flat_dask_data_frame(archive: Path) -> None:
    pytest.importorskip("pandas", reason="pandas is in the test group from Python 3.11")
    pytest.importorskip("pyarrow", reason="pyarrow is in the test group from Python 3.11")
    import dask.dataframe as dd

    from storykit.export import RECORD_COLUMNS

    frame = skd.read_stories(archive, to="record", files_per_partition=3).to_dataframe()
    frame["published"] = dd.to_datetime(frame["published"], utc=True)
    local = frame.compute(scheduler="synchronous")
    assert tuple(local.columns) == RECORD_COLUMNS
    assert len(local) == 12
    assert str(local["published"].dtype).startswith("datetime64")
    assert local["title"].tolist() == [s.title for s in storykit.iter_stories(archive)]
    nested = skd.read_stories(archive, to="dict").to_dataframe().compute(scheduler="synchronous")
    assert isinstance(nested["source"].iloc[0], dict)  # why the docs point to to="record"


def test_the_documented_script_runs_on_the_process_scheduler(archive: Path, tmp_path: Path) -> None:
    # docs/scaling.md's script, as a user saves and runs it: the process scheduler's workers
    # import it again, which its `if __name__ == "__main__":` guard makes safe
    pytest.importorskip("pandas", reason="pandas is in the test group from Python 3.11")
    pytest.importorskip("pyarrow", reason="pyarrow is in the test group from Python 3.11")
    page = (Path(__file__).parent.parent / "docs" / "scaling.md").read_text(encoding="utf-8")
    (script,) = [
        block.split("\n", 1)[1]
        for block in page.split("```")[1::2]
        if block.startswith("python") and 'if __name__ == "__main__":' in block
    ]
    work = tmp_path / "work"
    work.mkdir()
    (work / "script.py").write_text(script, encoding="utf-8")
    shutil.copytree(archive, work / "archive")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "script.py"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "word_count" in done.stdout
    total = sum(s.word_count for s in storykit.iter_stories(archive))
    numbers = [line.split()[-1] for line in done.stdout.splitlines()[1:]]  # Name: …, dtype
    assert sum(int(n) for n in numbers if n.isdigit()) == total, done.stdout
