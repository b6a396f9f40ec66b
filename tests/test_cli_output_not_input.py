"""The file standard output goes into is never read as input, nor written over.

``convert a.txt >> a.txt`` (or standard output opened on an input otherwise) is refused
with a way out; a folder walked leaves out the file standard output, or a device output
such as ``/dev/fd/3``, leads to; ``validate`` leaves out the file its report goes into; and
``-o /dev/stdout`` appends to a file that standard output appends to. (An output folder
among the inputs: tests/test_cli_output_folder.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import storykit

from .cli_helpers import shell
from .conftest import SEED

# A bound on what a run may write (ulimit -f counts 512-byte blocks): were the command to read
# its own output again, the test fails at this size, not when the disk is full.
BOUND = "ulimit -f 20000; "
LOOPS = "is the file the output goes into: the stories written would be read again, without end"


@pytest.mark.parametrize(
    "script",
    [
        "storykit convert a.txt --to text >> a.txt",
        "storykit convert a.txt --to jsonl > a.txt",
        "storykit convert b.txt a.txt --to text 1<> a.txt",
        "storykit convert - --to text < a.txt >> a.txt",
        "storykit convert a.txt -o /dev/stdout --to text >> a.txt",
        "storykit convert ./a.txt --to text >> $PWD/a.txt",
    ],
)
def test_an_input_that_is_the_file_standard_output_goes_into_is_refused(
    tmp_path: Path, script: str
) -> None:
    # `convert big.txt --to text >> big.txt` read back the stories it appended, for ever:
    # 5 GB a minute until the disk was full (cat refuses: input file is output file)
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    done = shell(BOUND + script, tmp_path)
    name = (
        "standard input" if "convert -" in script else "a.txt" if "./" not in script else "./a.txt"
    )
    assert (done.returncode, done.stderr) == (
        2,
        f"storykit convert: error: {name} {LOOPS}; write them into another file (-o FILE)\n",
    )
    if ">>" in script:
        assert (tmp_path / "a.txt").read_bytes() == SEED.read_bytes()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("inputs", ["in", "'in/*'"])
def test_a_walk_leaves_out_the_file_standard_output_goes_into(tmp_path: Path, inputs: str) -> None:
    # `convert in --to jsonl >> in/all.jsonl` read in/all.jsonl while it grew: each run
    # doubled it, and a large one was read and written again without end
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    for _ in range(3):
        done = shell(BOUND + f"storykit convert {inputs} --to jsonl -q >> in/all.jsonl", tmp_path)
        assert (done.returncode, done.stderr) == (0, "")
    lines = (tmp_path / "in" / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3  # one story a run, none read back
    assert {storykit.loads(line, "json") for line in lines} == {storykit.load(SEED)}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
@pytest.mark.parametrize("inputs", ["in", "'in/*'"])
def test_the_file_standard_output_goes_into_and_a_hard_link_to_it_are_left_out_alike(
    tmp_path: Path, inputs: str
) -> None:
    # both in the folder walked: neither is read, and neither is named (the note on files
    # left out is for stories inside an output folder); the summary is that of the stories
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "all.jsonl").write_bytes(b"")
    os.link(tmp_path / "in" / "all.jsonl", tmp_path / "in" / "x.jsonl")
    for _ in range(2):
        done = shell(BOUND + f"storykit convert {inputs} --to jsonl >> in/all.jsonl", tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert (tmp_path / "in" / "x.jsonl").read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_walk_leaves_out_the_file_a_device_output_leads_to(tmp_path: Path) -> None:
    # -o /dev/fd/3 3>>in/all.jsonl: the walk found the file behind standard output only,
    # and read in/all.jsonl as it grew ("no story here" first, then each run more lines)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    for _ in range(3):
        command = "storykit convert in --to jsonl -q -o /dev/fd/3 3>>in/all.jsonl"
        done = shell(BOUND + command, tmp_path)
        assert (done.returncode, done.stderr) == (0, "")
    lines = (tmp_path / "in" / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_validate_leaves_out_the_file_its_report_goes_into(tmp_path: Path) -> None:
    # `validate in > in/report.txt` read its own report, empty or half-written, as a dump:
    # "in/report.txt: error: no story here", exit 1, for a folder of good dumps
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    done = shell("storykit validate in > in/report.txt", tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 story checked: 0 errors, 0 warnings\n")
    assert (tmp_path / "in" / "report.txt").read_text(encoding="utf-8") == ""


def test_a_device_output_that_leads_to_a_file_is_appended_to(tmp_path: Path) -> None:
    # -o /dev/stdout opened again the file standard output was (>> log) with "wb": what
    # the log held before was lost
    (tmp_path / "log").write_text("kept\n", encoding="utf-8")
    done = shell(BOUND + f"storykit convert {SEED} -o /dev/stdout --to jsonl >> log", tmp_path)
    assert done.returncode == 0
    first, story = (tmp_path / "log").read_text(encoding="utf-8").splitlines()
    assert first == "kept"
    assert storykit.loads(story, "json") == storykit.load(SEED)
