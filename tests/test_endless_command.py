"""The command on inputs that never end: ``/dev/zero`` under any name, endless standard input.

The ``timeout=`` of each command is a hang detector, not a speed assertion.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

import storykit

from .cli_helpers import cli
from .collection_helpers import dump, make_story, write
from .endless_helpers import (
    BINARY,
    BLANK,
    ENDLESS,
    HANG,
    LIMIT,
    LINE_TOO_LONG,
    STORY_TOO_LONG,
    command,
    options,
    tail,
)

DEVZERO = Path("/dev/zero")
NO_DEVZERO = pytest.mark.skipif(
    not (DEVZERO.exists() and stat.S_ISCHR(DEVZERO.stat().st_mode)), reason="no /dev/zero"
)


@NO_DEVZERO
def test_convert_and_validate_of_dev_zero_stop_at_the_limit() -> None:
    said = tail(f"{BINARY}, {ENDLESS}", "/dev/zero")
    status, out, err = command("convert", "/dev/zero", "--to", "json", "--max-member-size", "64K")
    assert (status, out, err) == (1, "", f"{said}\n0 converted, 1 failed\n")
    # the default limit, 16 MiB: read in well under the hang detector's time
    status, out, err = command("validate", "/dev/zero")
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {BINARY}, {ENDLESS}", "/dev/zero")


@NO_DEVZERO
def test_dev_zero_says_what_a_regular_file_of_nul_says(tmp_path: Path) -> None:
    """A file of NUL bytes over the limit is binary data; /dev/zero is that, endless.

    (Both were "a story longer than the limit", which sends the user to raise the limit.)"""
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\0" * (3 * LIMIT))
    status, _, err = command("convert", str(nul), "--to", "json", "--max-member-size", "64K")
    assert (status, err) == (1, f"{tail(BINARY, str(nul))}\n0 converted, 1 failed\n")
    link = tmp_path / "zero.txt"
    link.symlink_to(DEVZERO)
    status, _, err = command("convert", str(link), "--to", "json", "--max-member-size", "64K")
    said = tail(f"{BINARY}, {ENDLESS}", str(link))
    assert (status, err) == (1, f"{said}\n0 converted, 1 failed\n")


@NO_DEVZERO
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("z.jsonl", f"z.jsonl:1: {options(LINE_TOO_LONG)}, {ENDLESS}"),
        ("z.json", "z.json: larger than the 64 KiB limit (--max-member-size); not read"),
        (
            "z.zip",
            "z.zip: not a readable zip archive: not a regular file (a named pipe or a "
            "device); a zip is read from its end, which this may never reach",
        ),
    ],
)
def test_dev_zero_under_a_suffix_stops(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / name).symlink_to(DEVZERO)
    argv = ("convert", name, "--to", "json", "--max-member-size", "64K")
    proc = cli(*argv, cwd=tmp_path)  # (command() would not set the folder)
    assert (proc.returncode, proc.stderr) == (1, f"{message}\n0 converted, 1 failed\n")


@pytest.mark.parametrize(
    ("pattern", "message", "line"),
    [(b"y\n", f"{STORY_TOO_LONG}, {ENDLESS}", 1), (b"\n", f"{BLANK}, {ENDLESS}", LIMIT + 1)],
)
def test_endless_standard_input_stops(pattern: bytes, message: str, line: int) -> None:
    """``yes | storykit convert -``, ``yes '' | storykit validate -``."""
    status, out, err = command(
        "convert", "-", "--to", "json", "--max-member-size", "64K", feed=pattern
    )
    assert (status, out, err) == (
        1,
        "",
        f"{tail(message, '<stdin>', line)}\n0 converted, 1 failed\n",
    )
    status, out, _ = command("validate", "-", "--max-member-size", "64K", feed=pattern)
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {message}", "<stdin>", line)


@NO_DEVZERO
def test_standard_input_from_dev_zero_stops() -> None:
    """``cat /dev/zero | storykit validate -`` (here: ``< /dev/zero``)."""
    with DEVZERO.open("rb") as zero:
        status, out, _ = command("validate", "-", "--max-member-size", "64K", stdin=zero)
    assert status == 1
    assert out.splitlines()[0] == tail(f"error: {BINARY}, {ENDLESS}", "<stdin>")


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell's pipe")
def test_standard_input_from_a_file_reads_on_from_a_pipe_stops(tmp_path: Path) -> None:
    """``storykit convert - < file`` is a regular file: read on past a story over the limit
    to the next, as the file named is; ``cat file | storykit convert -`` stops there."""
    long = dump(1).replace("Body 1.", "Body\n\n" + ("y" * 70 + ".\n\n") * 1000 + "End.")
    path = write(tmp_path / "a.txt", long + "\n" + dump(2))
    argv = ("convert", "-", "--to", "json", "--max-member-size", "64K")
    with path.open("rb") as file:
        status, out, err = command(*argv, stdin=file)
    assert (status, err) == (1, f"<stdin>:1: {options(STORY_TOO_LONG)}\n1 converted, 1 failed\n")
    assert storykit.loads(out, "json") == make_story(2)
    done = subprocess.run(
        f'cat "{path}" | "{sys.executable}" -m storykit {" ".join(argv)}',
        shell=True,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    said = f"<stdin>:1: {options(STORY_TOO_LONG)}, {ENDLESS}"
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"{said}\n0 converted, 1 failed\n",
    )
