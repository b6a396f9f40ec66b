"""Round 21's attack on the command line: each test a reproducer that failed before its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .cli_helpers import shell, storykit_cmd

HELP = [["--help"], ["--version"], ["convert", "--help"], ["search", "-h"]]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("argv", HELP)
def test_help_into_a_full_standard_output_is_an_error(
    tmp_path: Path, argv: list[str], buffered: bool
) -> None:
    # argparse drops the write's OSError (unbuffered), the interpreter the flush's at exit
    # (buffered): the help was lost and the command said nothing and exited 0.
    unbuffered = "unset PYTHONUNBUFFERED; " if buffered else "export PYTHONUNBUFFERED=1; "
    done = shell(f"{unbuffered}storykit {' '.join(argv)} > /dev/full", tmp_path)
    assert (done.returncode, done.stderr) == (
        1,
        "storykit: error: standard output: No space left on device\n",
    )


@pytest.mark.parametrize("argv", HELP)
def test_help_into_a_closed_standard_output_is_an_error(tmp_path: Path, argv: list[str]) -> None:
    done = shell(f"storykit {' '.join(argv)} >&-", tmp_path)
    assert (done.returncode, done.stderr) == (1, "storykit: error: standard output is closed\n")


@pytest.mark.parametrize("argv", HELP)
def test_help_into_a_pipe_closed_unread_ends_as_for_any_output(
    tmp_path: Path, argv: list[str]
) -> None:
    # `| true`: 141, as `storykit schema | true` (a pipe whose reader is gone before)
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            storykit_cmd(*argv),
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


@pytest.mark.parametrize("argv", HELP)
def test_help_is_still_written(tmp_path: Path, argv: list[str]) -> None:
    done = shell(f"storykit {' '.join(argv)}", tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: storykit" if argv != ["--version"] else "storykit ")
    assert done.stderr == ""
    assert os.listdir(tmp_path) == []
