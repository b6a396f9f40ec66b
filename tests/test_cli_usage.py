"""The command line itself: ``--help``, ``--version``, usage errors (exit 2) and the mistakes
a user makes typing it (a mistyped command or option, an option of another command, an
option before the command, a file where the command goes, an empty name), the exit statuses
each command's help gives, and every help example run.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import storykit

from .cli_helpers import HANG, STRAY, cli, files_under, run, run_real, seeded
from .collection_helpers import BAD_DATE, dump, make_story, write
from .conftest import SEED


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
    status, out, err = run_real(*argv, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == "storykit: error: " + said.format(names=names)
    way = said.split(": storykit ")[1].rstrip(")").split()
    assert run_real(*way, cwd=tmp_path)[0] == 0


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
        (["convert", "a.txt", "--to", "json", "--zzz"], "--zzz"),
        # the Caps Lock: -O was "unrecognized arguments: -O x.json" and nothing more
        (["convert", "a.txt", "-O", "x.json"], "-O x.json (did you mean -o?)"),
        (["convert", "a.txt", "--TO", "json"], "--TO json (did you mean --to?)"),
        (["convert", "a.txt", "-J", "2", "--to", "json"], "-J 2 (did you mean -j?)"),
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


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["show", "in/a.txt", "in/b.txt"],
            "show takes one file, not 2: name one, or show the stories of several with --all and "
            "a folder or a quoted pattern: storykit show --all 'in/*.txt'",
        ),
        (
            ["show", "--width", "50", "a.txt", "in/b.txt"],
            "show takes one file, not 2: name one, or show the stories of several with --all and "
            "a folder or a quoted pattern: storykit show --width 50 --all 'dumps/*.txt'",
        ),
        (
            ["search", "stories.db", "xiaomi", "AND", "chips", "-n", "2"],
            "the QUERY is one argument, and AND came after it: quote it: "
            "storykit search -n 2 stories.db 'xiaomi AND chips'",
        ),
        (
            ["schema", "story.schema.json"],
            "schema takes no arguments; it prints the schema: storykit schema > story.schema.json",
        ),
    ],
)
def test_words_past_the_last_input_get_the_command_that_works(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    """Found trying the command as a new user: a shell expands ``show in/*.txt`` into many
    files and splits an unquoted query, and each said only "unrecognized arguments: in/b.txt"
    ("AND chips"), as if the words were mistyped options."""
    (tmp_path / "in").mkdir()
    seeded(tmp_path, "a.txt", "in/a.txt", "in/b.txt")
    assert cli("convert", "in", "-o", "stories.db", "-q", cwd=tmp_path).returncode == 0
    status, out, err = run_real(*argv, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == f"storykit {argv[0]}: error: {said}"
    if "dumps/" not in said and ">" not in said:  # the way out, followed as written, works
        way = shlex.split(said.split(": storykit ")[1])
        assert run_real(*way, cwd=tmp_path)[0] == 0


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
    assert run_real(*argv, cwd=tmp_path) == (2, "", f"storykit {argv[0]}: error: {message}\n")


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
    status, out, err = run_real(*argv, cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1] == f"storykit {argv[0]}: error: unrecognized arguments: {said}"


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
        (  # -j run together with its value said "-j2 is not an option of storykit"
            ["-j2", "validate", "a.txt"],
            "-j is an option of validate: give it after the command: storykit validate -j2 a.txt",
            ["validate", "-j2", "a.txt"],
        ),
        (  # and so did short options run together, and a long one cut short
            ["-qj2", "validate", "a.txt"],
            "-q is an option of validate: give it after the command: storykit validate -qj2 a.txt",
            ["validate", "-qj2", "a.txt"],
        ),
        (
            ["--jo", "1", "validate", "a.txt"],
            "--jobs is an option of validate: give it after the command: "
            "storykit validate --jo 1 a.txt",
            ["validate", "--jo", "1", "a.txt"],
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
        (  # it said only "'version' is not a command"
            ["version"],
            "'version' is not a command (storykit --version prints the version); "
            "the commands are convert, validate, show, schema, search",
            ["--version"],
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


def help_examples() -> list[tuple[str, str]]:
    """Each command's ``--help`` examples: (the command, one example's command line)."""
    found = []
    for command in ("", "convert", "validate", "show", "schema", "search"):
        text = cli(*([command] if command else []), "--help", cwd=SEED.parent).stdout
        section = text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0]
        for line in section.splitlines():
            example = re.split(r" {2,}", line.strip())[0]  # what follows is what it does
            found.append((command or "storykit", example))
    return found


def test_every_help_example_runs(tmp_path: Path) -> None:
    # convert --help showed "storykit convert story.txt --to md --no-front-matter Markdown
    # without front matter": copied, it read 'Markdown', 'without'… as input files
    seed = SEED.read_bytes()
    other = storykit.dumps(storykit.Story("Another story"), "text").encode("utf-8")
    for name in ("story.txt", "archive/2026/a.txt", "archive/b.txt", "a/b.txt", "c/d.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(seed)
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "x.txt").write_bytes(other)
    (tmp_path / "several.txt").write_bytes(seed + b"\n\n" + other)
    for archive in ("archive.zip", "dumps.zip"):
        with zipfile.ZipFile(tmp_path / archive, "w") as made:
            made.writestr("2026/a.txt", seed)
    with tarfile.open(tmp_path / "archive.tar.gz", "w:gz") as made:
        made.add(tmp_path / "archive" / "b.txt", "b.txt")
    storykit.dump(storykit.load(SEED), tmp_path / "story.json")
    tariffs = storykit.Story("Tariffs and the trade war: Xiaomi chips")  # (search's examples)
    storykit.to_sqlite([storykit.load(SEED), tariffs], tmp_path / "stories.db")
    prelude = f'storykit() {{ "{sys.executable}" -m storykit "$@"; }}\nless() {{ cat; }}\n'
    examples = help_examples()
    assert len(examples) >= 20
    for command, example in examples:
        done = subprocess.run(
            ["bash", "-c", prelude + "set -o pipefail\n" + example],
            capture_output=True,
            encoding="utf-8",
            cwd=tmp_path,
            timeout=HANG,
            check=False,
        )
        assert done.returncode == 0, f"storykit {command} --help: {example}: {done.stderr}"
        for made in ("out", "site", "out.jsonl", "all.jsonl", "story.html"):  # (made afresh)
            path = tmp_path / made
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
