"""An optional extra that is not installed: the command ends (exit 3) and says what to
install, and the library raises MissingExtraError whatever its error policy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import storykit
from storykit.cli import EXIT_MISSING_EXTRA

from .cli_helpers import cli
from .collection_helpers import dump, make_story, write


def _hide(tmp_path: Path, *modules: str) -> dict[str, str]:
    """An environment in which ``modules`` cannot be imported (an extra not installed)."""
    (tmp_path / "hide").mkdir(exist_ok=True)
    for module in modules:
        (tmp_path / "hide" / f"{module}.py").write_text(  # as Python says it
            f'raise ModuleNotFoundError("No module named {module!r}", name={module!r})\n'
        )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "hide"), *sys.path])}


MARKDOWN_MISSING = (
    "reading Markdown needs markdown_it, part of the markdown extra: "
    "pip install 'markdown-it-py>=3' 'pyyaml>=6'"  # the extra's packages, from the metadata
)


@pytest.mark.parametrize(("files", "jobs"), [(3, "1"), (140, "2")])
def test_a_missing_extra_ends_the_command_and_says_what_to_install(
    tmp_path: Path, files: int, jobs: str
) -> None:
    # It was reported as bad input, file by file ("0 converted, 3 failed"): a dependency
    # that is not installed is not the input's fault. 140 files with -j 2 are three chunks,
    # so the error crosses from a worker process.
    for i in range(files):
        write(tmp_path / "in" / f"{i:03d}.md", storykit.dumps(make_story(i), "markdown"))
    env = _hide(tmp_path, "markdown_it")
    done = cli("convert", "in", "--to", "json", "-o", "out/", "-j", jobs, cwd=tmp_path, env=env)
    assert done.returncode == 3 == EXIT_MISSING_EXTRA
    assert done.stderr == f"storykit convert: error: {MARKDOWN_MISSING}\n"
    done = cli("validate", "in", "-j", jobs, cwd=tmp_path, env=env)
    assert (done.returncode, done.stderr) == (3, f"storykit validate: error: {MARKDOWN_MISSING}\n")
    done = cli("show", "in/000.md", cwd=tmp_path, env=env)
    assert (done.returncode, done.stderr) == (3, f"storykit show: error: {MARKDOWN_MISSING}\n")


def test_a_missing_extra_for_a_file_format_ends_the_command(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    env = _hide(tmp_path, "pyarrow")
    done = cli("convert", "a.txt", "-o", "a.parquet", cwd=tmp_path, env=env)
    assert done.returncode == 3  # it was 2, as if the command line were wrong
    assert done.stderr == (
        "storykit convert: error: Parquet needs pyarrow, the parquet extra: "
        "pip install 'pyarrow>=14'\n"
    )
    assert not (tmp_path / "a.parquet").exists()


def test_iter_stories_raises_a_missing_extra_whatever_the_error_policy(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.md", storykit.dumps(make_story(1), "markdown"))
    code = (
        "import storykit\n"
        "for errors in ('raise', 'warn', 'collect'):\n"
        "    try:\n"
        "        list(storykit.iter_stories('in', errors=errors))\n"
        "    except storykit.MissingExtraError as exc:\n"
        "        print(errors, exc)\n"
    )
    env = _hide(tmp_path, "markdown_it")
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.stdout.splitlines() == [
        f"{policy} {MARKDOWN_MISSING}" for policy in ("raise", "warn", "collect")
    ], done.stderr
