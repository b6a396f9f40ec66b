"""The command and its standard streams, as a real process: a reader that goes away, a
closed standard output or input, a non-blocking standard input, a terminal typed into, a
Ctrl-C once the work is done, and ``--help`` or ``--version`` written into a standard output
that fails.

(main() called in this process with a stream that breaks, and a closed standard error,
are in tests/test_cli_exits.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storykit

from .cli_helpers import cli, files_under, many_stories, shell, storykit_cmd, unmeasured
from .collection_helpers import BAD_DATE, _fed_later, dump, write
from .conftest import SEED, run_python


@pytest.mark.parametrize(
    "script",
    [
        "storykit convert in --to json -j 1 | head -c 100 >/dev/null; echo ${PIPESTATUS[0]}",
        "storykit convert in --to json -j 2 | head -c 100 >/dev/null; echo ${PIPESTATUS[0]}",
        "storykit convert in --to text -o - | head -3 >/dev/null; echo ${PIPESTATUS[0]}",
        "storykit validate bad -j 1 | head -3 >/dev/null; echo ${PIPESTATUS[0]}",
        "storykit validate bad -j 2 | head -3 >/dev/null; echo ${PIPESTATUS[0]}",
        # the JSON report (written at the end, in one piece, some 100 KB here)
        "storykit validate bad --format json -j 1 | head -c 100 >/dev/null; echo ${PIPESTATUS[0]}",
        "storykit validate bad --format json -j 2 | head -c 100 >/dev/null; echo ${PIPESTATUS[0]}",
    ],
)
def test_a_reader_that_goes_away_is_not_a_traceback(tmp_path: Path, script: str) -> None:
    if " in " in script:
        many_stories(tmp_path / "in", 600)  # far more than a pipe holds
    else:  # 2,000 lines of validate's report (186 KB): 600 (56 KB) fit in a 64 KiB pipe,
        # so a run that wrote them all before head had gone ended with no SIGPIPE (flaky)
        many_stories(tmp_path / "bad", 2000, bad=2000)
    done = shell(script, tmp_path)
    assert done.stderr == ""
    assert done.stdout.strip() == "141"  # 128 + SIGPIPE, as a tool killed by it


@pytest.mark.parametrize(
    "argv", [["convert", "a.txt", "--to", "json"], ["schema"], ["validate", "bad.txt"]]
)
def test_a_closed_stdout_is_an_error_not_a_traceback(tmp_path: Path, argv: list[str]) -> None:
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "bad.txt", BAD_DATE)
    done = shell("storykit " + " ".join(argv) + " >&-", tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "standard output is closed" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "-", "--to", "json"],
        ["convert", "-", "--to", "json", "-j", "2"],
        ["convert", "-", "-o", "s.db"],
        ["validate", "-"],
        ["show", "-"],
    ],
)
def test_a_closed_stdin_is_an_error_not_a_traceback(tmp_path: Path, argv: list[str]) -> None:
    # '-' with standard input closed (<&-) was AttributeError: 'NoneType' object has no
    # attribute 'buffer'; and no output file is left when no story came
    done = shell("storykit " + " ".join(argv) + " <&-", tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"storykit {argv[0]}: error: standard input is closed\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("inputs", ["- in", "in -"])
def test_a_closed_stdin_among_inputs_is_not_called_a_write_failure(
    tmp_path: Path, inputs: str
) -> None:
    """Found in a first-ten-minutes pass: with ``-o FILE``, reading a closed standard input
    was reported as ``cannot write out.jsonl: standard input is closed``."""
    write(tmp_path / "in" / "a.txt", dump(1))
    done = shell(f"storykit convert {inputs} -o out.jsonl <&-", tmp_path)
    assert (done.returncode, done.stderr) == (
        1,
        "storykit convert: error: standard input is closed\n",
    )
    assert files_under(tmp_path) == ["in/a.txt"]  # no output file, no temporary file


@pytest.mark.skipif(os.name != "posix", reason="non-blocking pipes: POSIX")
def test_convert_from_a_non_blocking_standard_input(tmp_path: Path) -> None:
    # Standard input a parent left non-blocking (O_NONBLOCK is the pipe's, shared):
    # a TypeError traceback from stream_pieces.
    read = _fed_later(SEED.read_bytes())
    done = subprocess.run(
        storykit_cmd("convert", "-", "--to", "json"),
        stdin=read,
        capture_output=True,
        check=False,
        encoding="utf-8",
        timeout=60,
    )
    os.close(read)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert storykit.loads(done.stdout, "json") == storykit.load(SEED)


def test_a_ctrl_c_after_the_command_is_done_is_ignored() -> None:
    """Once main() has returned, a Ctrl-C while the interpreter shuts down shows no traceback.

    The atexit hook stands for that moment: it sends SIGINT to the process itself.
    """
    script = (
        "import atexit, os, signal, sys, time\n"
        "from storykit.cli import console\n"
        "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGINT), time.sleep(0.2)))\n"
        "sys.argv = ['storykit', '--version']\n"
        "console()\n"
    )
    done = run_python(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("storykit ")
    assert "KeyboardInterrupt" not in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal as on Linux")
@pytest.mark.parametrize("command", [["convert", "-", "--to", "json"], ["validate", "-"]])
@pytest.mark.parametrize("stories", [0, 1, 2])
def test_one_ctrl_d_ends_what_is_typed_into_a_terminal(command: list[str], stories: int) -> None:
    """Found trying the command as a new user: ``storykit convert -`` reading a terminal
    wanted Ctrl-D two or three times. Standard input was read again after it had said it
    was at its end (an empty read, or a short one from its buffered stream), and each read
    of a terminal waits for one more Ctrl-D."""
    import pty  # (POSIX only)
    import termios

    typed = (SEED.read_text(encoding="utf-8") + "\n") * stories  # each line ended by Enter
    master, slave = pty.openpty()
    echo = termios.tcgetattr(slave)
    echo[3] &= ~termios.ECHO  # (nobody reads the echo back)
    termios.tcsetattr(slave, termios.TCSANOW, echo)
    process = subprocess.Popen(
        storykit_cmd(*command),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        env=unmeasured(),
    )
    os.close(slave)
    try:
        for line in typed.splitlines(keepends=True):
            os.write(master, line.encode("utf-8"))
        os.write(master, b"\x04")  # one Ctrl-D, at the start of a line
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        os.close(master)
    hint = terminal_hint(command[0])
    assert err.startswith(hint)
    err = err.removeprefix(hint)
    if stories:
        assert process.returncode == 0, err
        if command[0] == "convert":
            assert err == f"{stories} converted, 0 failed\n"
            assert out.count('"title"') == stories
    else:  # (convert says so on standard error, validate in its report)
        assert process.returncode == 1
        assert "<stdin>: no story here" in err if command[0] == "convert" else out


def terminal_hint(command: str) -> str:
    return (
        f"storykit {command}: reading a story from the terminal: type or paste it, then "
        "press Ctrl-D at the start of a line (Ctrl-Z, Enter on Windows)\n"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal as on Linux")
@pytest.mark.parametrize(
    "command",
    [["convert", "-", "--to", "json"], ["validate", "-"], ["show", "-"], ["validate", "-", "-q"]],
)
def test_reading_a_terminal_says_what_it_waits_for(command: list[str]) -> None:
    """Found trying the command as a new user: ``storykit convert -`` typed at a prompt, with
    nothing piped in, waited for input and said nothing, as if it had hung. It now says at
    once that it reads the terminal and how to end the input; then Ctrl-D ends it. Under
    ``-q`` too: it drops the summary of a run that went well, not what a person at the
    terminal needs to know (as the note of a --jobs brought down is kept under it)."""
    import pty  # (POSIX only)
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen(
        storykit_cmd(*command),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=unmeasured(),
    )
    os.close(slave)
    try:
        assert process.stderr is not None
        said = b""
        hint = terminal_hint(command[0]).encode("utf-8")
        deadline = time.monotonic() + 30
        while len(said) < len(hint) and time.monotonic() < deadline:  # nothing typed yet
            if select.select([process.stderr], [], [], 0.5)[0]:
                said += os.read(process.stderr.fileno(), 4096)
        assert said == hint
        assert process.poll() is None  # still waiting for the story
        os.write(master, b"\x04")  # Ctrl-D: no story
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
        os.close(master)
    assert process.returncode == 1
    assert b"<stdin>: " in out + err
    assert b"no story here" in out + err


def test_standard_input_that_is_not_a_terminal_gets_no_hint() -> None:
    done = cli("convert", "-", "--to", "json", input=SEED.read_text(encoding="utf-8"))
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    with open(os.devnull, "rb") as null:  # (a character device, as a terminal is)
        done = cli("validate", "-", stdin=null)
    assert done.stderr == "0 stories checked: 1 error, 0 warnings; 1 file held no story\n"
    with SEED.open("rb") as story:  # a file
        done = cli("show", "-", stdin=story)
    assert (done.returncode, done.stderr) == (0, "")


# --------------------------------------------------------------------------- --help and --version
# into a standard output that fails: said and exit 1, as for any output, never lost quietly


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
