"""``storykit convert -o FILE --to FORMAT``: the file's suffix must not say another format.

``-o x.html --to json`` silently wrote JSON into ``x.html``. Now it is a usage error (exit
2, nothing written) naming both and saying how to fix it. A suffix agrees with a format when
the registry (``storykit.formats.FORMATS``) gives it to that format, or when one of the
format's suffixes ends with it: ninjs owns ``.ninjs.json``, so an ``x.json`` of ninjs is
fine. A suffix no format owns says nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import storykit

from .cli_helpers import HANG
from .conftest import SEED


def convert(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storykit", "convert", *argv],
        capture_output=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=HANG,
        check=False,
    )


@pytest.mark.parametrize(
    ("out", "to", "message"),
    [
        # the reproducer
        (
            "x.html",
            "json",
            "-o x.html: the suffix .html is html's, but --to json writes json; "
            "name the file x.json, or drop --to to write html",
        ),
        (
            "X.HTM",
            "JSON",
            "-o X.HTM: the suffix .HTM is html's, but --to JSON writes json; "
            "name the file X.json, or drop --to to write html",
        ),
        (  # an alias is named as it was given
            "notes.md",
            "txt",
            "-o notes.md: the suffix .md is markdown's, but --to txt writes text; "
            "name the file notes.txt, or drop --to to write markdown",
        ),
        (  # the longest suffix says: ninjs, not storykit JSON
            "item.ninjs.json",
            "json",
            "-o item.ninjs.json: the suffix .ninjs.json is ninjs's, but --to json writes json; "
            "name the file item.json, or drop --to to write ninjs",
        ),
        (
            "x.json",
            "jsonld",
            "-o x.json: the suffix .json is json's, but --to jsonld writes jsonld; "
            "name the file x.jsonld, or drop --to to write json",
        ),
        (  # a database's suffix, text written into it
            "stories.db",
            "json",
            "-o stories.db: the suffix .db is sqlite's, but --to json writes json; "
            "name the file stories.json, or drop --to to write sqlite",
        ),
        (  # and the other way
            "stories.json",
            "sqlite",
            "-o stories.json: the suffix .json is json's, but --to sqlite writes sqlite; "
            "name the file stories.db, or drop --to to write json",
        ),
        (  # one file of JSON Lines
            "all.jsonl",
            "html",
            "-o all.jsonl: a .jsonl file holds JSON Lines, but --to html writes html; "
            "name the file all.html, or drop --to to write JSON Lines",
        ),
        (  # a database was written into all.jsonl
            "all.jsonl",
            "sqlite",
            "-o all.jsonl: a .jsonl file holds JSON Lines, but --to sqlite writes sqlite; "
            "name the file all.db, or drop --to to write JSON Lines",
        ),
        (  # JSON Lines in a .jsonl file, as the user asked for them
            "all.md",
            "jsonl",
            "-o all.md: the suffix .md is markdown's, but --to jsonl writes json; "
            "name the file all.jsonl, or drop --to to write markdown",
        ),
    ],
)
def test_a_suffix_that_says_another_format_is_a_usage_error(
    tmp_path: Path, out: str, to: str, message: str
) -> None:
    done = convert(str(SEED), "-o", out, "--to", to, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"storykit convert: error: {message}\n"
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_many_inputs_into_one_file_of_another_suffix_are_refused(tmp_path: Path) -> None:
    done = convert(str(SEED), str(SEED), "-o", "all.html", "--to", "json", cwd=tmp_path)
    assert done.returncode == 2
    assert "-o all.html: the suffix .html is html's, but --to json writes json" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("out", "to", "read_as"),
    [
        ("item.json", "ninjs", "ninjs"),  # ninjs is JSON: its .ninjs.json ends with .json
        ("item.ninjs.json", "ninjs", "ninjs"),
        ("item.ninjs.json", None, "ninjs"),  # the suffix alone says ninjs
        ("item.ninjs", "ninjs", "ninjs"),
        ("story.htm", "html", "html"),
        ("story.HTML", "htm", "html"),
        ("story.markdown", "md", "markdown"),
        ("story.json", "jsonl", "json"),  # JSON on one line: still storykit JSON
        ("story.out", "json", "json"),  # no format owns .out: the name says nothing
        ("story", "txt", "text"),
    ],
)
def test_a_suffix_that_agrees_is_written(
    tmp_path: Path, out: str, to: str | None, read_as: str
) -> None:
    done = convert(str(SEED), "-o", out, *(("--to", to) if to else ()), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [out]
    text = (tmp_path / out).read_text("utf-8")
    seed = storykit.load(SEED)
    if read_as == "html":  # written, not read: a whole page of the story
        assert text == storykit.dumps(seed, "html", standalone=True)
    else:
        assert storykit.loads(text, read_as) == seed


def test_a_folder_named_with_a_suffix_is_a_folder(tmp_path: Path) -> None:
    done = convert(str(SEED), "-o", "pages.html/", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "pages.html").iterdir()] == [SEED.stem + ".json"]
    (tmp_path / "site.md").mkdir()  # an existing folder, no trailing slash
    done = convert(str(SEED), "-o", "site.md", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "site.md").iterdir()] == [SEED.stem + ".json"]


def two_stories(tmp_path: Path) -> str:
    """A file of two stories, ``several.txt``: the seed and another."""
    other = storykit.dumps(storykit.Story("Another story"), "text")
    (tmp_path / "several.txt").write_text(SEED.read_text("utf-8") + "\n\n" + other, "utf-8")
    return "several.txt"


@pytest.mark.parametrize(
    ("argv", "message", "way_out", "written"),
    [
        (  # the reproducer: it said "name the file x.html", which failed again
            ["a.txt", "b.txt", "-o", "x.json", "--to", "html"],
            "-o x.json: the suffix .json is json's, but --to html writes html; "
            "give a folder, -o x/ (one file each)",
            ["a.txt", "b.txt", "-o", "x/", "--to", "html"],
            ["x/a.html", "x/b.html"],
        ),
        (  # it said "give -o DIR", which wrote a file DIR (one input) and failed again
            ["several.txt", "--to", "html"],
            "several.txt holds several stories; to write them as html, "
            "give a folder, -o out/ (one file each)",
            ["several.txt", "--to", "html", "-o", "out/"],
            ["out/several-1.html", "out/several-2.html"],
        ),
        (  # the format came from the name: a folder's name does not say it
            ["a.txt", "b.txt", "-o", "pages.md"],
            "storykit convert: error: many stories cannot go into one markdown output: "
            "give a folder, -o pages/ --to markdown (one file each)",
            ["a.txt", "b.txt", "-o", "pages/", "--to", "markdown"],
            ["pages/a.md", "pages/b.md"],
        ),
        (  # JSON Lines go into a .jsonl file (several in a .json file: not read back)
            ["a.txt", "b.txt", "--to", "jsonl", "-o", "all.html"],
            "storykit convert: error: -o all.html: the suffix .html is html's, but --to jsonl "
            "writes json; name the file all.jsonl",
            ["a.txt", "b.txt", "--to", "jsonl", "-o", "all.jsonl"],
            ["all.jsonl"],
        ),
        (  # it listed html, markdown…, which cannot write several stories to stdout
            ["a.txt", "b.txt"],
            "storykit convert: error: say which format to write with --to (json, text)",
            ["a.txt", "b.txt", "--to", "text"],
            [],
        ),
        (  # x is taken by a file: the folder offered is another
            ["several.txt", "--to", "md", "-o", "x.txt", "--force"],
            "-o x.txt: the suffix .txt is text's, but --to md writes markdown; "
            "give a folder, -o x-2/ (one file each), or drop --to to write text",
            ["several.txt", "--to", "md", "-o", "x-2/", "--force"],
            ["x-2/several-1.md", "x-2/several-2.md"],
        ),
    ],
)
def test_the_way_out_a_refusal_offers_works(
    tmp_path: Path, argv: list[str], message: str, way_out: list[str], written: list[str]
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(SEED.read_bytes())
    two_stories(tmp_path)
    if "x-2/" in way_out:
        (tmp_path / "x").write_text("a file, not a folder")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = convert(*argv, cwd=tmp_path)
    assert done.returncode in (1, 2)
    assert message in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    done = convert(*way_out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    made = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted([*before, *written])
