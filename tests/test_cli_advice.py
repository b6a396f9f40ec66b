"""Every way out that a ``storykit convert`` error offers works when followed as written.

``convert a.txt b.txt -o x.json --to html`` said "name the file x.html", and ``-o x.html``
then failed ("many stories cannot go into one html output: give -o DIR"); ``-o DIR`` for one
file of several stories wrote a file named ``DIR`` and failed again. Here every format of the
registry (and every alias, and no ``--to``) is crossed with ``-o`` to a file of every
registered suffix, to a folder, to ``-`` and to nothing, for one story, a file of several,
several files and standard input; each refusal must offer a way out, and each way out it
offers, followed literally (the file renamed, ``--to`` dropped, a folder given, a format
named), must succeed. The command runs in this process (the cross product is about 1,200
commands); the reproducers run the real command in a subprocess, among them names in the
advice quoted as a shell takes them back (a name a shell splits, a name that is not UTF-8).
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import storykit
from storykit import formats
from storykit.cli import EXIT_MISSING_EXTRA, main

from .cli_helpers import ERR, FF, HANG, run_real, seeded
from .collection_helpers import make_story
from .conftest import SEED

ONE = SEED.read_bytes()
SEVERAL = ONE + b"\n\n" + storykit.dumps(make_story(2), "text").encode("utf-8")

# the inputs: (files on the command line, the files made for them, standard input)
INPUTS: dict[str, tuple[list[str], dict[str, bytes], bytes]] = {
    "one story": (["one.txt"], {"one.txt": ONE}, b""),
    "a file of several": (["several.txt"], {"several.txt": SEVERAL}, b""),
    "two files": (["one.txt", "two.txt"], {"one.txt": ONE, "two.txt": ONE}, b""),
    "stdin, one story": (["-"], {}, ONE),
    "stdin, several": (["-"], {}, SEVERAL),
}
TOS = [None, *formats.names(), *formats.ALIASES]
SUFFIXES = sorted({s for _, owned in formats.FORMATS.values() for s in owned} | {".jsonl"})
OUTS = [None, "-", "x/", "x", "x.out", *(f"x{suffix}" for suffix in SUFFIXES)]


def with_option(argv: list[str], option: str, value: str | None) -> list[str]:
    """``argv`` with ``option`` set to ``value`` (``None``: dropped)."""
    out: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == option:
            next(rest)
        else:
            out.append(arg)
    return out if value is None else [*out, option, value]


def ways_out(message: str, argv: list[str], *, one_story: bool) -> Iterator[list[str]]:
    """The command lines that ``message`` tells the user to run instead of ``argv``."""
    for name in re.findall(r"name the file (\S+?)(?:,|$|\n)", message):
        yield with_option(argv, "-o", name)
    for folder, to in re.findall(
        r"give a folder, -o (\S+)(?: --to (\S+))? \(one file each\)", message
    ):
        changed = with_option(argv, "-o", folder)
        yield with_option(changed, "--to", to) if to else changed
    if "drop --to to write" in message:
        yield with_option(argv, "--to", None)
    for name in re.findall(r"-o (FILE\.\w+)", message):
        yield with_option(argv, "-o", name)
    listed = re.search(
        r"say which format to write with --to \(([^;)]*)(?:; for one story also ([^)]*))?\)",
        message,
    )
    if listed is not None:
        names = listed[1].split(", ") + (listed[2].split(", ") if listed[2] and one_story else [])
        for name in names:
            yield with_option(argv, "--to", name)


@pytest.mark.parametrize("to", TOS, ids=str)
@pytest.mark.parametrize("kind", INPUTS)
def test_every_way_out_of_a_refusal_works(tmp_path: Path, kind: str, to: str | None) -> None:
    inputs, files, stdin = INPUTS[kind]
    one_story = SEVERAL not in (stdin, *files.values()) and len(inputs) == 1
    followed = 0
    for number, out in enumerate(OUTS):
        argv = [*inputs, "-j", "1", *(["--to", to] if to else []), *(["-o", out] if out else [])]
        status, err = _run(tmp_path / f"{number}", argv, files, stdin)
        if status == 0:
            continue
        assert "Traceback" not in err
        ways = list(ways_out(err, argv, one_story=one_story))
        assert ways, f"convert {' '.join(argv)}: no way out offered: {err}"
        for way_number, way in enumerate(ways):
            again, again_err = _run(tmp_path / f"{number}-{way_number}", way, files, stdin)
            if again == EXIT_MISSING_EXTRA:  # (Parquet without pyarrow): it says what to install
                assert "pip install" in again_err
                continue
            assert again == 0, (
                f"convert {' '.join(argv)} said:\n{err}followed as "
                f"convert {' '.join(way)}, it said:\n{again_err}"
            )
            followed += 1
    assert followed or to is None or kind == "one story"


def _run(folder: Path, argv: list[str], files: dict[str, bytes], stdin: bytes) -> tuple[int, str]:
    """``convert ARGV`` in a fresh ``folder`` holding ``files``."""
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        patch.setattr(sys, "stdout", io.StringIO())
        err = io.StringIO()
        patch.setattr(sys, "stderr", err)
        status = main(["convert", *argv])
    return status, err.getvalue()


@pytest.mark.parametrize("to", [None, "json", "jsonl"], ids=str)
@pytest.mark.parametrize("kind", ["a file of several", "two files", "stdin, several"])
def test_several_stories_into_a_json_file_are_refused_and_both_ways_out_work(
    tmp_path: Path, kind: str, to: str | None
) -> None:
    # several stories into x.json were written as JSON Lines, which a .json file is not
    inputs, files, stdin = INPUTS[kind]
    argv = [*inputs, "-j", "1", *(["--to", to] if to else []), "-o", "x.json"]
    status, err = _run(tmp_path / "refused", argv, files, stdin)
    assert status == 2
    assert err.startswith("storykit convert: error: -o x.json: a .json file holds one JSON")
    assert not (tmp_path / "refused" / "x.json").exists()
    ways = list(ways_out(err, argv, one_story=False))
    assert [way[-2:] for way in ways if "x.jsonl" in way] == [["-o", "x.jsonl"]]
    assert len(ways) == 2  # the .jsonl name and a folder
    for number, way in enumerate(ways):
        assert _run(tmp_path / f"way-{number}", way, files, stdin)[0] == 0, way


def several(path: Path) -> Path:
    """A file of two stories."""
    path.write_bytes(SEED.read_bytes() + b"\n\n" + SEED.read_bytes())
    return path


@pytest.mark.parametrize(
    ("argv", "stdin", "why", "folder"),
    [
        (["a.txt", "b.txt"], b"", "several inputs give several", "-o x/ --to json"),
        (["in"], b"", "in can give several", "-o x/ --to json"),
        (["two.txt"], b"", "two.txt holds several", "-o x/ --to json"),
        (["two.txt", "--to", "json"], b"", "two.txt holds several", "-o x/"),
        (["two.txt", "--to", "jsonl"], b"", "two.txt holds several", "-o x/"),
        (["-"], b"two", "<stdin> holds several", "-o x/ --to json"),
    ],
)
def test_several_stories_into_a_json_file_are_refused_before_writing(
    tmp_path: Path, argv: list[str], stdin: bytes, why: str, folder: str
) -> None:
    # it wrote JSON Lines into x.json (exit 0), which no JSON reader takes as JSON
    seeded(tmp_path, "a.txt", "b.txt")
    two = several(tmp_path / "two.txt").read_bytes()
    (tmp_path / "in").mkdir()
    seeded(tmp_path / "in", "a.txt", "b.txt")  # (a folder is not walked to find out)
    status, out, err = run_real("convert", *argv, "-o", "x.json", cwd=tmp_path, stdin=stdin and two)
    assert (status, out) == (2, "")
    assert err == (
        f"{ERR}-o x.json: a .json file holds one JSON document, but {why} "
        f"stories; for JSON Lines (one story a line) name the file x.jsonl, or give a folder, "
        f"{folder} (one file each)\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt", "in", "two.txt"]
    # each way out works as written
    for way in (["-o", "x.jsonl"], folder.split()):
        assert run_real("convert", *argv, *way, cwd=tmp_path, stdin=stdin and two)[0] == 0
    stories = list(storykit.iter_stories(tmp_path / "x.jsonl"))
    assert len(stories) == 2
    assert stories == [storykit.load(path) for path in sorted((tmp_path / "x").iterdir())]


def test_one_story_into_a_json_file_is_still_written(tmp_path: Path) -> None:
    seeded(tmp_path, "a.txt")
    assert run_real("convert", "a.txt", "-o", "x.json", cwd=tmp_path)[:2] == (0, "")
    assert storykit.load(tmp_path / "x.json") == storykit.load(SEED)
    status, _, _ = run_real("convert", "-", "-o", "y.json", cwd=tmp_path, stdin=SEED.read_bytes())
    assert status == 0
    assert storykit.load(tmp_path / "y.json") == storykit.load(SEED)


# --------------------------------------------------------------------------- names quoted


def bash(line: str, cwd: Path) -> int:
    """Run a command line that a message offers, as a bash user would paste it."""
    storykit_cmd = shlex.join([sys.executable, "-m", "storykit"])
    assert line.startswith("storykit ")
    done = subprocess.run(
        ["bash", "-c", storykit_cmd + line[len("storykit") :] + " >/dev/null"],
        cwd=cwd,
        capture_output=True,
        timeout=HANG,
        check=False,
    )
    return done.returncode


@pytest.mark.skipif(shutil.which("bash") is None, reason="the advice is pasted into bash")
def test_a_name_that_is_not_utf8_is_shown_as_a_shell_takes_it(tmp_path: Path) -> None:
    # it was shown as o\udcff.json, which no shell turns back into the name
    seeded(tmp_path, f"{FF}.txt", f"-{FF}.txt", f"o{FF}.json")
    (tmp_path / f"bad{FF}.txt").write_bytes(b"garbage\n\x00")
    said = {
        ("convert", f"{FF}.txt", "-o", f"o{FF}.json"): (
            1,
            "$'o\\xff.json' exists; use --force to overwrite it",
        ),
        ("convert", f"{FF}.txt", "--to", "json", "-o", f"o{FF}.html"): (
            2,
            f"{ERR}-o $'o\\xff.html': the suffix .html is html's, but --to json writes json; "
            "name the file $'o\\xff.json', or drop --to to write html",
        ),
        ("convert", f"bad{FF}.txt", "--to", "json"): (
            1,
            "$'bad\\xff.txt':2: binary data, not a text story\n0 converted, 1 failed",
        ),
        ("show", f"bad{FF}.txt"): (1, "$'bad\\xff.txt':2: binary data, not a text story"),
        ("convert", f"-{FF}.txt", "--to", "json"): (
            2,
            f"{ERR}$'-\\xff.txt' is read as an option; to read the file, write "
            "$'./-\\xff.txt': storykit convert $'./-\\xff.txt' --to json",
        ),
    }
    for argv, (status, message) in said.items():
        assert run_real(*argv, cwd=tmp_path) == (status, "", message + "\n"), argv
    status, out, _ = run_real("validate", f"bad{FF}.txt", cwd=tmp_path)
    assert (status, out) == (1, "$'bad\\xff.txt':2: error: binary data, not a text story\n")
    # what it says, pasted into bash, names the file
    assert bash("storykit convert $'./-\\xff.txt' --to json", tmp_path) == 0
    assert bash("storykit convert $'\\xff.txt' -o $'o\\xff.json' --force", tmp_path) == 0
    assert storykit.load(tmp_path / f"o{FF}.json") == storykit.load(SEED)


def test_a_name_a_shell_splits_is_quoted_in_advice(tmp_path: Path) -> None:
    seeded(tmp_path, "my story.txt", "it's.txt")
    status, _, err = run_real(
        "convert", "my story.txt", "it's.txt", "-o", "my out.json", cwd=tmp_path
    )
    assert (status, err) == (
        2,
        f"{ERR}-o 'my out.json': a .json file holds one JSON document, but several inputs give "
        "several stories; for JSON Lines (one story a line) name the file 'my out.jsonl', or "
        "give a folder, -o 'my out/' --to json (one file each)\n",
    )
    status, _, err = run_real("convert", "my story.txt", "-o", "it's.txt", cwd=tmp_path)
    assert (status, err) == (1, "'it'\\''s.txt' exists; use --force to overwrite it\n")


# --------------------------------------------------------------------------- Windows' \


@pytest.mark.skipif(os.sep != "/", reason="a backslash separates folders on Windows")
@pytest.mark.parametrize(
    ("given", "meant"),
    [("out\\a.html", "out/a.html"), ("out\\sub\\a.html", "out/sub/a.html"), ("out\\", "out/")],
)
def test_a_windows_path_given_as_output_is_refused_with_the_slashed_one(
    tmp_path: Path, given: str, meant: str
) -> None:
    # found as a new user: -o 'out\a.html', with a folder out/ there, wrote a file named
    # 'out\a.html' beside it (status 0); the inputs already say "folders are separated by /"
    seeded(tmp_path, "a.txt")
    (tmp_path / "out" / "sub").mkdir(parents=True)
    status, out, err = run_real("convert", "a.txt", "--to", "html", "-o", given, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err == (
        f"{ERR}-o {shlex.quote(given)}: folders are separated by / here (a \\ is part of a "
        f"file's name); write -o {meant}\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "out"]
    # the way out works as written
    assert run_real("convert", "a.txt", "--to", "html", "-o", meant, cwd=tmp_path)[0] == 0
    written = tmp_path / meant / "a.html" if meant.endswith("/") else tmp_path / meant
    assert written.is_file()


@pytest.mark.skipif(os.sep != "/", reason="a backslash separates folders on Windows")
def test_a_backslash_in_an_output_name_with_no_such_folder_is_a_name(tmp_path: Path) -> None:
    seeded(tmp_path, "a.txt")
    assert run_real("convert", "a.txt", "-o", "no\\a.json", cwd=tmp_path)[:2] == (0, "")
    assert storykit.load(tmp_path / "no\\a.json") == storykit.load(SEED)
