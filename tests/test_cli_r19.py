"""The command line's rough edges met in a new user's first minutes (round 19).

Each test runs the real command in a subprocess with the reproducer found by trying it, and
checks the whole message: one line that names the file and says what to do, advice that works
when followed as written, never a usage dump that hides the problem or a traceback.
"""

from __future__ import annotations

import os
import shlex
import shutil
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
    status, out, err = cli("convert", *argv, "-o", "x.json", cwd=tmp_path, stdin=stdin and two)
    assert (status, out) == (2, "")
    assert err == (
        f"{ERR}-o x.json: a .json file holds one JSON document, but {why} "
        f"stories; for JSON Lines (one story a line) name the file x.jsonl, or give a folder, "
        f"{folder} (one file each)\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt", "in", "two.txt"]
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


# --------------------------------------------------------------------------- names with a -


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
    status, out, err = cli(*argv, cwd=tmp_path)
    name = next(word for word in argv if word.startswith("-") and word.endswith(".txt"))
    assert (status, out) == (2, "")
    assert err == (
        f"storykit {argv[0]}: error: {name} is read as an option; to read the file, write "
        f"./{name}: {fixed}\n"
    )
    assert cli(*fixed.split()[1:], cwd=tmp_path)[0] == 0  # as it says


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
    status, _, err = cli(*argv, cwd=tmp_path)
    assert status == 2
    assert err == (
        f"{ERR}-o {out}: a name that starts with - is read as an option (- alone is standard "
        f"output); {fixed}\n"
    )
    assert cli(*fixed.split(": storykit ")[1].split(), cwd=tmp_path)[0] == 0
    written = tmp_path / "-x.json" if out == "-x.json" else tmp_path / "-" / "a.json"
    assert storykit.load(written) == storykit.load(SEED)


def test_options_after_a_double_dash_are_said_to_be_misplaced(tmp_path: Path) -> None:
    # after --, --to json were read as two more inputs: "say which format to write with --to"
    seeded(tmp_path, "-x.txt")
    status, _, err = cli("convert", "--", "-x.txt", "--to", "json", cwd=tmp_path)
    assert status == 2
    assert err == (
        f"{ERR}--to comes after --, which makes every word after it an input's name; give "
        "options before --: storykit convert --to json -- -x.txt\n"
    )
    status, out, _ = cli("convert", "--to", "json", "--", "-x.txt", cwd=tmp_path)
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
        status, out, err = cli("convert", *argv, cwd=tmp_path)
        assert (status, err) == (0, "" if "-q" in argv else "2 converted, 0 failed\n")
        assert len(out.splitlines()) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["convert", "-y.txt", "--to", "json"],
            "unrecognized arguments: -y.txt; a file whose name starts with - is given as ./-y.txt",
        ),
        (["validate", "--stict"], "unrecognized arguments: --stict (did you mean --strict?)"),
        (
            ["validate", "--json"],
            "unrecognized arguments: --json (--json is an option of search, not of validate; "
            "validate takes --format json)",
        ),
    ],
)
def test_an_unknown_option_and_no_input_is_not_said_to_lack_an_input(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    # "the following arguments are required: INPUT", under the usage
    assert cli(*argv, cwd=tmp_path) == (2, "", f"storykit {argv[0]}: error: {message}\n")


# --------------------------------------------------------------------------- names not UTF-8

FF = os.fsdecode(b"\xff")  # a byte that is not UTF-8, as Python holds it


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
        assert cli(*argv, cwd=tmp_path) == (status, "", message + "\n"), argv
    status, out, _ = cli("validate", f"bad{FF}.txt", cwd=tmp_path)
    assert (status, out) == (1, "$'bad\\xff.txt':2: error: binary data, not a text story\n")
    # what it says, pasted into bash, names the file
    assert bash("storykit convert $'./-\\xff.txt' --to json", tmp_path) == 0
    assert bash("storykit convert $'\\xff.txt' -o $'o\\xff.json' --force", tmp_path) == 0
    assert storykit.load(tmp_path / f"o{FF}.json") == storykit.load(SEED)


def test_a_name_a_shell_splits_is_quoted_in_advice(tmp_path: Path) -> None:
    seeded(tmp_path, "my story.txt", "it's.txt")
    status, _, err = cli("convert", "my story.txt", "it's.txt", "-o", "my out.json", cwd=tmp_path)
    assert (status, err) == (
        2,
        f"{ERR}-o 'my out.json': a .json file holds one JSON document, but several inputs give "
        "several stories; for JSON Lines (one story a line) name the file 'my out.jsonl', or "
        "give a folder, -o 'my out/' --to json (one file each)\n",
    )
    status, _, err = cli("convert", "my story.txt", "-o", "it's.txt", cwd=tmp_path)
    assert (status, err) == (1, "'it'\\''s.txt' exists; use --force to overwrite it\n")


def test_a_query_that_starts_with_a_dash_is_said_to_go_after_a_double_dash(
    tmp_path: Path,
) -> None:
    # "the following arguments are required: QUERY", under the usage: it was given
    seeded(tmp_path, "a.txt")
    assert cli("convert", "a.txt", "-o", "a.db", cwd=tmp_path)[0] == 0
    assert cli("search", "a.db", "-xiaomi", cwd=tmp_path) == (
        2,
        "",
        "storykit search: error: unrecognized arguments: -xiaomi; a QUERY that starts with - "
        "goes after --: storykit search a.db -- -xiaomi\n",
    )
    status, _, err = cli("search", "a.db", "--", "-xiaomi", cwd=tmp_path)  # as it says: SQLite
    assert (status, err.endswith("put NOT before it (trade NOT war), not a -\n")) == (2, True)
    assert cli("convert", "-y", "--to", "json", cwd=tmp_path)[2] == (
        f"{ERR}unrecognized arguments: -y; an INPUT that starts with - goes after --: "
        "storykit convert --to json -- -y\n"
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["show", "a.txt", "--to", "json"],
            "--to json (--to is an option of convert, not of show)",
        ),
        (
            ["convert", "a.txt", "--format", "json"],
            "--format json (--format is an option of validate, not of convert; convert takes --to)",
        ),
        (
            ["validate", "a.txt", "--json"],
            "--json (--json is an option of search, not of validate; validate takes --format json)",
        ),
        (
            ["convert", "a.txt", "--strict"],
            "--strict (--strict is an option of validate, not of convert)",
        ),
    ],
)
def test_another_commands_option_is_named_as_such(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    # show a.txt --to json: "did you mean --from?"; validate --json: "did you mean --jobs?"
    seeded(tmp_path, "a.txt")
    status, out, err = cli(*argv, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == f"storykit {argv[0]}: error: unrecognized arguments: {said}"


def test_a_database_whose_name_is_not_utf8_is_written(tmp_path: Path) -> None:
    # a traceback: the check that the run's new database holds a story quoted the name as text
    seeded(tmp_path, "a.txt")
    assert cli("convert", "a.txt", "-o", f"o{FF}.db", cwd=tmp_path) == (
        0,
        "",
        "1 converted, 0 failed\n",
    )
    assert os.path.getsize(os.path.join(os.fsencode(tmp_path), b"o\xff.db")) > 0
    assert cli("convert", "a.txt", "-o", f"o{FF}.db", cwd=tmp_path)[2] == (
        "0 converted, 0 failed, 1 skipped (already in $'o\\xff.db')\n"
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["a.txt"], "a.txt is a file, not a command; {names} (to read it: storykit show a.txt)"),
        (
            ["-x.txt", "--to", "json"],
            "-x.txt is a file, not a command; {names} (to read it: storykit show ./-x.txt)",
        ),
        (
            ["in"],
            "in is a folder, not a command; {names} (to check its stories: storykit validate in)",
        ),
    ],
)
def test_a_file_where_the_command_goes_is_said_to_be_one(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    # "'a.txt' is not a command", and storykit -x.txt: "-x is an option of convert, given
    # after the command: storykit convert … -x"
    (tmp_path / "in").mkdir()
    seeded(tmp_path, "a.txt", "-x.txt", "in/b.txt")
    names = "the commands are convert, validate, show, schema, search"
    status, out, err = cli(*argv, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == "storykit: error: " + said.format(names=names)
    way = said.split(": storykit ")[1].rstrip(")").split()
    assert cli(*way, cwd=tmp_path)[0] == 0
