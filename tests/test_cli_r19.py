"""The command line's rough edges met in a new user's first minutes (round 19).

Each test runs the real command in a subprocess with the reproducer found by trying it, and
checks the whole message: one line that names the file and says what to do, advice that works
when followed as written, never a usage dump that hides the problem or a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import storykit

from .conftest import SEED

HANG = 120  # seconds: a hang detector
ERR = "storykit convert: error: "


def cli(*argv: str | bytes, cwd: Path, stdin: bytes = b"") -> tuple[int, str, str]:
    """``storykit ARGV`` run in ``cwd``: its exit status, standard output and error."""
    done = subprocess.run(
        [sys.executable, "-m", "storykit", *argv],
        capture_output=True,
        input=stdin,
        cwd=cwd,
        timeout=HANG,
        check=False,
    )
    out, err = (s.decode("utf-8", "surrogateescape") for s in (done.stdout, done.stderr))
    assert "Traceback" not in err
    return done.returncode, out, err


def seeded(folder: Path, *names: str | bytes) -> Path:
    """``folder`` with the seed story under each name (a name may be bytes, not UTF-8)."""
    for name in names:
        path = os.path.join(os.fsencode(folder), os.fsencode(name))
        with open(path, "wb") as file:
            file.write(SEED.read_bytes())
    return folder


def several(path: Path) -> Path:
    """A file of two stories."""
    path.write_bytes(SEED.read_bytes() + b"\n\n" + SEED.read_bytes())
    return path


# --------------------------------------------------------------------------- -o x.json


@pytest.mark.parametrize(
    ("argv", "stdin", "folder"),
    [
        (["a.txt", "b.txt"], b"", "-o x/ --to json"),
        (["two.txt"], b"", "-o x/ --to json"),
        (["two.txt", "--to", "json"], b"", "-o x/"),
        (["two.txt", "--to", "jsonl"], b"", "-o x/"),
        (["-"], b"two", "-o x/ --to json"),
    ],
)
def test_several_stories_into_a_json_file_are_refused_before_writing(
    tmp_path: Path, argv: list[str], stdin: bytes, folder: str
) -> None:
    # it wrote JSON Lines into x.json (exit 0), which no JSON reader takes as JSON
    seeded(tmp_path, "a.txt", "b.txt")
    two = several(tmp_path / "two.txt").read_bytes()
    status, out, err = cli("convert", *argv, "-o", "x.json", cwd=tmp_path, stdin=stdin and two)
    assert (status, out) == (2, "")
    assert err == (
        f"{ERR}-o x.json: a .json file holds one JSON document, but these inputs give several "
        f"stories; for JSON Lines (one story a line) name the file x.jsonl, or give a folder, "
        f"{folder} (one file each)\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt", "two.txt"]
    # each way out works as written
    for way in (["-o", "x.jsonl"], folder.split()):
        assert cli("convert", *argv, *way, cwd=tmp_path, stdin=stdin and two)[0] == 0
    stories = list(storykit.iter_stories(tmp_path / "x.jsonl"))
    assert len(stories) == 2
    assert stories == [storykit.load(path) for path in sorted((tmp_path / "x").iterdir())]


def test_one_story_into_a_json_file_is_still_written(tmp_path: Path) -> None:
    seeded(tmp_path, "a.txt")
    assert cli("convert", "a.txt", "-o", "x.json", cwd=tmp_path)[:2] == (0, "")
    assert storykit.load(tmp_path / "x.json") == storykit.load(SEED)
    status, _, _ = cli("convert", "-", "-o", "y.json", cwd=tmp_path, stdin=SEED.read_bytes())
    assert status == 0
    assert storykit.load(tmp_path / "y.json") == storykit.load(SEED)


# --------------------------------------------------------------------------- left out as output


def test_a_pattern_whose_files_all_lie_in_the_output_folder_says_so_first(
    tmp_path: Path,
) -> None:
    # the first line said "no story found in i?/*.txt"; two stories were found, and left out
    (tmp_path / "in").mkdir()
    seeded(tmp_path / "in", "a.txt", "b.txt")
    status, out, err = cli("convert", "i?/*.txt", "-o", "in", "--to", "json", cwd=tmp_path)
    assert (status, out) == (0, "")
    assert err == (
        "2 files of the inputs not read (in/a.txt, in/b.txt): in is the output folder, and "
        "what is in it is not read as input; to convert them too, give a folder that holds no "
        "input, such as -o out/\n0 converted, 0 failed\n"
    )
    assert cli("convert", "i?/*.txt", "-o", "out/", "--to", "json", cwd=tmp_path)[2] == (
        "2 converted, 0 failed\n"
    )
    assert sorted(os.listdir(tmp_path / "out" / "in")) == ["a.json", "b.json"]
    assert cli("convert", "i?/*.txt", "-o", "in", "--to", "json", "-q", cwd=tmp_path)[2] == ""
