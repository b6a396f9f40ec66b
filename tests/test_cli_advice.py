"""Every way out that a ``storykit convert`` error offers works when followed as written.

``convert a.txt b.txt -o x.json --to html`` said "name the file x.html", and ``-o x.html``
then failed ("many stories cannot go into one html output: give -o DIR"); ``-o DIR`` for one
file of several stories wrote a file named ``DIR`` and failed again. Here every format of the
registry (and every alias, and no ``--to``) is crossed with ``-o`` to a file of every
registered suffix, to a folder, to ``-`` and to nothing, for one story, a file of several,
several files and standard input; each refusal must offer a way out, and each way out it
offers, followed literally (the file renamed, ``--to`` dropped, a folder given, a format
named), must succeed. The command runs in this process (the cross product is about 1,200
commands); the reproducers run the real command in a subprocess.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import storykit
from storykit import formats
from storykit.cli import EXIT_MISSING_EXTRA, main

from .collection_helpers import make_story
from .conftest import SEED

HANG = 120  # seconds: a hang detector

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
