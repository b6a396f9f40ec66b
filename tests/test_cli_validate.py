"""``storykit validate``: ``file:line: level: message`` lines, the summary, ``--strict``, the
JSON report, and the example of docs/cli.md.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from .cli_helpers import STRAY, cli, run
from .collection_helpers import BAD_DATE, dump, make_zip, write
from .conftest import ROOT, SEED


def test_the_validate_example_of_the_docs_is_what_validate_prints(tmp_path: Path) -> None:
    """docs/cli.md shows validate's output for an archive; tests/test_docs.py runs no such block."""
    page = (ROOT / "docs" / "cli.md").read_text("utf-8")
    found = re.search(r"```text\n(\$ storykit validate archive\.zip\n.*?)```", page, re.S)
    assert found is not None
    block = found[1]
    # "an archive whose 2026/b.txt has a date that does not exist on its line 2"
    bad = "Photo by Kari Lund on Pexels\nSCMP 2026-13-45\n\nA title\n\nA paragraph.\n"
    make_zip(tmp_path / "archive.zip", {"2026/a.txt": SEED.read_bytes(), "2026/b.txt": bad})
    shown = []
    for line in block.splitlines():
        if line.startswith("$ storykit "):
            done = cli(*shlex.split(line)[2:], cwd=tmp_path)
            assert done.returncode == 1  # an error
            assert done.stderr == "2 stories checked: 1 error, 0 warnings\n"
            shown.append(f"{line}\n{done.stdout}")
    assert len(shown) == 2
    assert "".join(shown) == block


def test_validate_prints_file_line_level_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good.txt", dump(1))
    stray = write(tmp_path / "stray.txt", STRAY)
    status, out, err = run(capsys, "validate", str(good), str(stray), "-j", "1")
    assert status == 0
    assert out == (
        f"{stray}:3: warning: could not place header line 'Stray header line'; "
        "kept in story.extras\n"
    )
    assert err == "2 stories checked: 0 errors, 1 warning\n"
    status, out, _ = run(capsys, "validate", "--strict", str(stray), "-j", "1")
    assert status == 1
    assert out.startswith(f"{stray}:3: error: could not place header line")


def test_validate_errors_exit_1_with_lines_counted_in_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = dump(1) + "\n\n" + BAD_DATE
    path = make_zip(tmp_path / "a.zip", {"m.txt": text})
    status, out, _ = run(capsys, "validate", str(path), "-j", "1")
    line = text.split("\n").index("SCMP 2026-13-45") + 1
    assert status == 1
    assert out.startswith(f"{path}:m.txt:{line}: error: invalid date '2026-13-45'")


def test_validate_json_for_machines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stray = write(tmp_path / "stray.txt", STRAY)
    bad = write(tmp_path / "bad.txt", BAD_DATE)
    status, out, _ = run(capsys, "validate", "--format", "json", str(bad), str(stray), "-j", "1")
    assert status == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert (report["stories"], report["errors"], report["warnings"]) == (2, 1, 1)
    assert [(d["file"], d["line"], d["level"]) for d in report["diagnostics"]] == [
        (str(bad), 2, "error"),
        (str(stray), 3, "warning"),
    ]


def test_validate_counts_stories_not_missing_paths(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    done = cli("validate", "a.txt", "nothere.txt", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == "nothere.txt: error: no such file or directory\n"
    assert done.stderr == ("1 story checked: 1 error, 0 warnings; 1 file could not be read\n")


def test_a_header_of_many_unplaced_lines_is_reported_in_a_few_lines_by_each_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the reproducer: 200,000 such lines were 200,000 lines of validate's report (3.8 s) and
    # of show's standard error; convert counted them (and still does)
    stray = "".join(f"Stray header line {i}\n" for i in range(5_000))
    path = write(tmp_path / "big.txt", f"SCMP 2026-05-02\n{stray}\nA title\n\nBody.\n")
    more = (
        f"{path}:12: warning: could not place 4,990 more header lines, from this one on; "
        "kept in story.extras\n"
    )
    status, out, err = run(capsys, "validate", str(path))
    assert status == 0
    assert len(out.splitlines()) == 11 and out.endswith(more)
    assert err == "1 story checked: 0 errors, 11 warnings\n"
    status, out, _ = run(capsys, "validate", str(path), "--format", "json")
    assert len(json.loads(out)["diagnostics"]) == 11
    status, out, err = run(capsys, "show", str(path))
    assert status == 0 and len(err.splitlines()) == 11 and err.endswith(more)
    status, _, err = run(
        capsys, "convert", str(path), "--to", "json", "-o", str(tmp_path / "o.json")
    )
    assert status == 0
    assert "5,000 lines not placed, kept in story.extras" in err
    assert len(json.loads((tmp_path / "o.json").read_text("utf-8"))["extras"]) == 5_000
