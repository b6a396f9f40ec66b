"""What a new user meets in the first minutes with ``storykit``: messages that say what to do.

Each test runs the real command in a subprocess, with the reproducer found trying the
command line as a user who has not read the code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import storykit

from .conftest import SEED

HANG = 120  # seconds: a hang detector


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storykit", *argv],
        capture_output=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=HANG,
        check=False,
    )


def test_several_stories_written_to_a_json_file_say_how_to_read_them_back(
    tmp_path: Path,
) -> None:
    # convert wrote JSON Lines into all.json, and reading it back said only
    # "all.json:2: invalid JSON: Extra data (column 1)"
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    done = cli("convert", "a.txt", "b.txt", "--to", "json", "-o", "all.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    advice = (
        "a second JSON document starts here: this is JSON Lines (one story a line), not one "
        "JSON document; name the file .jsonl, or read it as jsonl (--from jsonl)"
    )
    done = cli("validate", "all.json", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == f"all.json:2: error: {advice}\n"
    done = cli("show", "all.json", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, f"all.json:2: {advice}\n")
    # both ways out work
    done = cli("validate", "all.json", "--from", "jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "2 stories checked: 0 errors, 0 warnings\n"
    (tmp_path / "all.json").rename(tmp_path / "all.jsonl")
    done = cli("validate", "all.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(storykit.iter_stories(tmp_path / "all.jsonl")) == [storykit.load(SEED)] * 2


@pytest.mark.parametrize(
    "text",
    [
        '{"storykit": 1} {"storykit": 1}\n',  # on one line: not JSON Lines
        '{"storykit": 1}\nx\n',  # not a document after it
    ],
)
def test_other_extra_data_is_still_invalid_json(tmp_path: Path, text: str) -> None:
    (tmp_path / "x.json").write_text(text, "utf-8")
    done = cli("validate", "x.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "invalid JSON: Extra data" in done.stdout
    assert "JSON Lines" not in done.stdout


@pytest.mark.parametrize(
    ("argv", "message", "fixed"),
    [
        (  # it said "'json' is not a command"
            ["--to", "json", "convert", "a.txt"],
            "--to is an option of convert: give it after the command: "
            "storykit convert --to json a.txt",
            ["convert", "--to", "json", "a.txt"],
        ),
        (
            ["-j", "1", "validate", "a.txt"],
            "-j is an option of validate: give it after the command: storykit validate -j 1 a.txt",
            ["validate", "-j", "1", "a.txt"],
        ),
        (  # an option of another command
            ["--strict", "convert", "a.txt"],
            "--strict is an option of validate, given after the command: "
            "storykit validate … --strict",
            None,
        ),
        (  # it said "the following arguments are required: COMMAND"
            ["-v"],
            "-v is not an option of storykit (it takes --help and --version; "
            "storykit COMMAND --help shows a command's options)",
            ["--version"],
        ),
        (
            ["help"],
            "'help' is not a command (storykit --help lists them; storykit COMMAND --help "
            "shows one); the commands are convert, validate, show, schema, search",
            ["--help"],
        ),
    ],
)
def test_an_option_before_the_command_says_where_it_goes(
    tmp_path: Path, argv: list[str], message: str, fixed: list[str] | None
) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    done = cli(*argv, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == f"storykit: error: {message}"
    if fixed is not None:  # the command line it gives works
        done = cli(*fixed, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
