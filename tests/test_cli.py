"""The storykit command, called as main([...]) and once as a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import storykit
import storykit.feeds

from .cli_helpers import (
    STRAY,
    _fsize_limit,
    _wait_for,
    cli,
    files_under,
    jsonl_stories,
    main_is_running,
    run,
    shell,
    storykit_cmd,
    temp_files,
    unmeasured,
)
from .conftest import SEED
from .test_collection import BAD_DATE, dump, make_story, write

__all__ = [  # (tests/test_cli_faults.py imports these from here)
    "_fsize_limit",
    "_wait_for",
    "cli",
    "files_under",
    "jsonl_stories",
    "main_is_running",
    "shell",
    "storykit_cmd",
    "temp_files",
    "unmeasured",
]


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "a.txt", dump(1))
    assert run(capsys, "convert", str(tmp_path / "a.txt"), "--to", "nope")[0] == 2
    assert run(capsys, "convert", str(tmp_path / "a.txt"))[0] == 2  # no --to, no suffix
    assert run(capsys, "convert", str(tmp_path / "a.txt"), "--to", "json", "-j", "0")[0] == 2
    assert (
        run(
            capsys, "convert", str(tmp_path / "a.txt"), "--to", "json", "--max-member-size", "lots"
        )[0]
        == 2
    )
    assert run(capsys, "convert", str(tmp_path / "a.txt"), "--to", "json", "--from", "nope")[0] == 2
    assert run(capsys)[0] == 2
    assert run(capsys, "frobnicate")[0] == 2
    status, _, err = run(capsys, "convert", str(tmp_path / "a.txt"), "--to", "nope")
    assert status == 2
    assert "unknown format 'nope'; known formats:" in err


def test_an_output_suffix_no_format_writes_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # -o story.pdf said only 'say which format to write with --to', as if -o said nothing
    write(tmp_path / "a.txt", dump(1))
    status, out, err = run(capsys, "convert", str(tmp_path / "a.txt"), "-o", "story.pdf")
    assert (status, out) == (2, "")
    assert err == (
        "storykit convert: error: no format writes .pdf files (story.pdf); say which format to"
        f" write with --to ({', '.join(storykit.formats.names())})\n"
    )
    assert not (tmp_path / "story.pdf").exists()


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"storykit {storykit.__version__}\n")
    for command in ("convert", "validate", "show", "schema"):
        status, out, _ = run(capsys, command, "--help")
        assert status == 0
        assert f"storykit {command}" in out.split("examples:", 1)[1]
    status, out, _ = run(capsys, "--help")
    assert "exit status: 0 all went well, 1 some input failed, 2" in out
    for status_line in ("130 interrupted (Ctrl-C)", "141 standard output", "143 terminated"):
        assert status_line in " ".join(out.split())  # every status the command exits with
    for name in storykit.formats.names():
        assert name in run(capsys, "convert", "--help")[1]


def test_each_batch_command_says_its_exit_statuses(tmp_path: Path) -> None:
    # `storykit validate --help` did not say when validate fails, which a CI job needs
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "stray.txt", STRAY)
    write(tmp_path / "bad.txt", BAD_DATE)
    for command in ("convert", "validate"):
        shown = " ".join(cli(command, "--help").stdout.split())
        assert "exit status: 0 " in shown
        assert "2 the command line was wrong, 3 an optional extra is missing" in shown
    validate = " ".join(cli("validate", "--help").stdout.split())
    assert "0 no errors (warnings allowed, unless --strict), 1 an error was found" in validate
    # and so it is
    assert cli("validate", "a.txt", "stray.txt", cwd=tmp_path).returncode == 0
    assert cli("validate", "--strict", "stray.txt", cwd=tmp_path).returncode == 1
    assert cli("validate", "a.txt", "bad.txt", cwd=tmp_path).returncode == 1
    assert cli("validate", "nothere.txt", cwd=tmp_path).returncode == 1
    convert = " ".join(cli("convert", "--help").stdout.split())
    assert "1 some input failed (each listed as file:line: message) or an output exists" in convert
    assert cli("convert", "a.txt", "-o", "a.json", cwd=tmp_path).returncode == 0
    assert cli("convert", "a.txt", "-o", "a.json", cwd=tmp_path).returncode == 1  # exists
    assert cli("convert", "bad.txt", "--to", "json", cwd=tmp_path).returncode == 1


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", dump(1))
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", str(path), "--to", "json"],
        capture_output=True,
        check=False,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert storykit.loads(done.stdout, "json") == make_story(1)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["convert", "in", "--to", "json", "-o", ""], "argument -o/--output: an empty name"),
        (["convert", "in", "-o", "", "--to", "sqlite"], "argument -o/--output: an empty name"),
        (["convert", "in/a.txt", "--to", "json", "-o", ""], "argument -o/--output: an empty"),
        (["convert", "", "--to", "json"], "argument INPUT: an empty name names no file"),
        (["validate", ""], "argument INPUT: an empty name names no file (for standard input"),
        (["show", ""], "argument FILE: an empty name names no file"),
        (["search", "", "x"], "argument DATABASE: an empty name names no file"),
    ],
)
def test_an_empty_name_is_a_wrong_command_line(tmp_path: Path, argv: list[str], said: str) -> None:
    """Found in a first-ten-minutes pass: ``-o "$OUT"`` with ``$OUT`` unset (``-o ""``)
    wrote a folder's outputs into the working folder, and an SQLite file nowhere (SQLite's
    temporary database), both saying ``5 converted, 0 failed``."""
    write(tmp_path / "in" / "a.txt", dump(1))
    done = cli(*argv, cwd=tmp_path)
    assert done.returncode == 2
    assert f"storykit {argv[0]}: error: {said}" in done.stderr
    assert files_under(tmp_path) == ["in/a.txt"]


def test_no_arguments_show_the_overview(tmp_path: Path) -> None:
    # It said only "the following arguments are required: COMMAND": not which commands exist
    done = cli(cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("usage: storykit ")
    for shown in ("convert", "validate", "show", "schema", "search", "examples:", "exit status:"):
        assert shown in done.stderr


def test_a_mistyped_command_gets_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    commands = "the commands are convert, validate, show, schema, search"
    done = cli("conver", "a.txt", "--to", "json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "usage: storykit [-h] [--version] COMMAND ...",
        f"storykit: error: 'conver' is not a command (did you mean convert?); {commands}",
    ]
    done = cli("frobnicate", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr.splitlines()[-1]
        == f"storykit: error: 'frobnicate' is not a command; {commands}"
    )
    assert cli("--help", "conver", cwd=tmp_path).returncode == 0  # --help still wins


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["convert", "a.txt", "--too", "json"], "--too json (did you mean --to?)"),
        (["convert", "a.txt", "--to", "json", "--forse"], "--forse (did you mean --force?)"),
        (
            ["convert", "a.txt", "--to", "md", "--no-frontmatter"],
            "--no-frontmatter (did you mean --no-front-matter?)",
        ),
        (["validate", "a.txt", "--stict"], "--stict (did you mean --strict?)"),
        (["show", "a.txt", "--widht=40"], "--widht=40 (did you mean --width?)"),
        (["show", "a.txt", "b.txt"], "b.txt"),
        (["convert", "a.txt", "--to", "json", "--zzz"], "--zzz"),
    ],
)
def test_a_mistyped_option_gets_a_suggestion_and_its_commands_usage(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    # It was "storykit: error: unrecognized arguments: --too json" under the usage of
    # storykit itself, which does not show the options of convert
    write(tmp_path / "a.txt", dump(1))
    done = cli(*argv, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"usage: storykit {argv[0]} [-h]")
    last = done.stderr.splitlines()[-1]
    assert last == f"storykit {argv[0]}: error: unrecognized arguments: {message}"
    assert files_under(tmp_path) == ["a.txt"]


def test_every_command_help_gives_the_exit_statuses_it_has(tmp_path: Path) -> None:
    """Found trying the command as a new user: ``show --help`` and ``search --help`` gave no
    exit status, where the other commands' help does; the statuses they give are checked."""
    for command in ("convert", "validate", "show", "search"):
        done = cli(command, "--help")
        assert done.returncode == 0
        assert "\nexit status: 0 " in done.stdout, command
    assert cli("show", str(SEED)).returncode == 0
    assert cli("show", str(tmp_path / "nothere.txt")).returncode == 1
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    assert cli("show", str(tmp_path / "empty.txt")).returncode == 1
    assert cli("show", "--width", "5", str(SEED)).returncode == 2
    database = tmp_path / "s.db"
    assert cli("convert", str(SEED), "-o", str(database)).returncode == 0
    assert cli("search", str(database), "xiaomi AND chips").returncode == 0
    assert cli("search", str(database), "nothingmatchesthis").returncode == 1
    assert cli("search", str(tmp_path / "no.db"), "xiaomi").returncode == 1
    assert cli("search", str(database), "AND").returncode == 2
    assert cli("search", str(database), "a b c", "--max-terms", "2").returncode == 2
