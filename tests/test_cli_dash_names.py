"""Names that start with a dash on the command line, and the double dash.

A file, an output or a search query whose name starts with ``-`` is read as an option: the
command says so, and how to give it (``./-x.txt``, ``-o ./-x.json``, after ``--``), in one line
that works when followed as written, never a usage dump that hides the problem. Inputs may come
after options, and after ``--``. Each test runs the real command in a subprocess and checks the
whole message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import storykit

from .cli_helpers import ERR, run_real, seeded
from .conftest import SEED


@pytest.mark.parametrize(
    ("argv", "fixed"),
    [
        (["convert", "-x.txt", "--to", "json"], "storykit convert ./-x.txt --to json"),
        (
            ["convert", "a.txt", "-x.txt", "--to", "json"],
            "storykit convert a.txt ./-x.txt --to json",
        ),
        (["validate", "-x.txt"], "storykit validate ./-x.txt"),
        (["show", "-x.txt"], "storykit show ./-x.txt"),
        (["convert", "-o.txt", "--to", "json"], "storykit convert ./-o.txt --to json"),
    ],
)
def test_an_input_whose_name_starts_with_a_dash_is_said_and_how_to_give_it(
    tmp_path: Path, argv: list[str], fixed: str
) -> None:
    # it said "the following arguments are required: INPUT" under the usage (-o.txt was
    # read as -o .txt), not what the file is or how to name it
    seeded(tmp_path, "a.txt", "-x.txt", "-o.txt")
    status, out, err = run_real(*argv, cwd=tmp_path)
    name = next(word for word in argv if word.startswith("-") and word.endswith(".txt"))
    assert (status, out) == (2, "")
    assert err == (
        f"storykit {argv[0]}: error: {name} is read as an option; to read the file, write "
        f"./{name}: {fixed}\n"
    )
    assert run_real(*fixed.split()[1:], cwd=tmp_path)[0] == 0  # as it says


@pytest.mark.parametrize(
    ("out", "fixed"),
    [
        (
            "-x.json",
            "for the file -x.json, write -o ./-x.json: storykit convert a.txt -o ./-x.json",
        ),
        ("-/", "for the folder -/, write -o ./-/: storykit convert a.txt -o ./-/ --to json"),
    ],
)
def test_an_output_whose_name_starts_with_a_dash_is_said(
    tmp_path: Path, out: str, fixed: str
) -> None:
    # it said "argument -o/--output: expected one argument" under the usage
    seeded(tmp_path, "a.txt")
    argv = ["convert", "a.txt", "-o", out, *(["--to", "json"] if out == "-/" else [])]
    status, _, err = run_real(*argv, cwd=tmp_path)
    assert status == 2
    assert err == (
        f"{ERR}-o {out}: a name that starts with - is read as an option (- alone is standard "
        f"output); {fixed}\n"
    )
    assert run_real(*fixed.split(": storykit ")[1].split(), cwd=tmp_path)[0] == 0
    written = tmp_path / "-x.json" if out == "-x.json" else tmp_path / "-" / "a.json"
    assert storykit.load(written) == storykit.load(SEED)


def test_options_after_a_double_dash_are_said_to_be_misplaced(tmp_path: Path) -> None:
    # after --, --to json were read as two more inputs: "say which format to write with --to"
    seeded(tmp_path, "-x.txt")
    status, _, err = run_real("convert", "--", "-x.txt", "--to", "json", cwd=tmp_path)
    assert status == 2
    assert err == (
        f"{ERR}--to comes after --, which makes every word after it an input's name; give "
        "options before --: storykit convert --to json -- -x.txt\n"
    )
    status, out, _ = run_real("convert", "--to", "json", "--", "-x.txt", cwd=tmp_path)
    assert status == 0
    assert storykit.loads(out, "json") == storykit.load(SEED)


def test_inputs_may_come_after_options_and_after_a_double_dash(tmp_path: Path) -> None:
    # "unrecognized arguments: b.txt", and "unrecognized arguments: -- -x.txt (did you
    # mean --to?)": argparse took the inputs only where they first were
    seeded(tmp_path, "a.txt", "b.txt", "-x.txt")
    for argv in (
        ["a.txt", "--to", "json", "b.txt"],
        ["a.txt", "--to", "json", "--", "-x.txt"],
        ["-j", "1", "a.txt", "-q", "b.txt", "--to=json"],
    ):
        status, out, err = run_real("convert", *argv, cwd=tmp_path)
        assert (status, err) == (0, "" if "-q" in argv else "2 converted, 0 failed\n")
        assert len(out.splitlines()) == 2


def test_a_query_that_starts_with_a_dash_is_said_to_go_after_a_double_dash(
    tmp_path: Path,
) -> None:
    # "the following arguments are required: QUERY", under the usage: it was given
    seeded(tmp_path, "a.txt")
    assert run_real("convert", "a.txt", "-o", "a.db", cwd=tmp_path)[0] == 0
    assert run_real("search", "a.db", "-xiaomi", cwd=tmp_path) == (
        2,
        "",
        "storykit search: error: unrecognized arguments: -xiaomi; a QUERY that starts with - "
        "goes after --: storykit search a.db -- -xiaomi\n",
    )
    status, _, err = run_real("search", "a.db", "--", "-xiaomi", cwd=tmp_path)  # as it says: SQLite
    assert (status, err.endswith("put NOT before it (trade NOT war), not a -\n")) == (2, True)
    assert run_real("convert", "-y", "--to", "json", cwd=tmp_path)[2] == (
        f"{ERR}unrecognized arguments: -y; an INPUT that starts with - goes after --: "
        "storykit convert --to json -- -y\n"
    )
