"""What a new user meets in the first minutes with ``storykit``: messages that say what to do.

Each test runs the real command in a subprocess, with the reproducer found trying the
command line as a user who has not read the code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import storykit
import storykit.feeds

from .conftest import SEED

HANG = 120  # seconds: a hang detector


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storykit", *argv],
        capture_output=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=HANG,
        check=False,
    )


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


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
