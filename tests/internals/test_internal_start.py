"""What ``storykit convert -o out.jsonl`` leaves out at start: what it never uses.

A command pays for every module and regular expression it loads, once per run: cattrs (a
quarter of the start) is for reading JSON, difflib for a misspelt name, sqlite3 for a
database (the ``search`` command's parser is built by every command), the source line's
uncommon date forms for lines that end in one; secrets (hashlib, OpenSSL: 4 ms and 4 MiB;
``search``'s marks take their token from ``os.urandom``), shutil (zlib, bz2, lzma: argparse
asks it for the terminal's width) and importlib.resources (pathlib, tempfile, zipfile…: the
tags vocabulary is read by the package's loader) for nothing. These tests check each is left
until used, and still there when it is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storykit import _progress
from storykit.formats import _source_line
from tests.cli_helpers import cli
from tests.conftest import SEED, run_python


def _run(code: str, *, measured: bool = True) -> list[str]:
    """Run ``code`` in a new process (:func:`tests.conftest.run_python`); its last line of
    output, read as JSON. ``measured=False`` where coverage (CI) would load modules of its
    own (sqlite3, for its data)."""
    done = run_python(code, measured=measured)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_writing_json_leaves_cattrs_unimported_and_reading_it_imports_it() -> None:
    code = f"""
import json, sys
import storykit
from storykit.formats import json as fmt
story = storykit.load({str(SEED)!r})
pretty, line = storykit.dumps(story, "json"), fmt.dumps(story, indent=None)
before = "cattrs" in sys.modules
again = storykit.loads(pretty, format="json") == story == fmt.loads(line)
print(json.dumps([before, again, "cattrs" in sys.modules]))
"""
    assert _run(code) == [False, True, True]


def test_json_errors_are_said_as_before_once_cattrs_comes_in_late() -> None:
    code = """
import json, sys
import storykit
said = []
for text in ('{"storykit": 1, "title": 5}', '{"storykit": 1, "title": "T", "tags": [1]}',
             '{"storykit": 1, "title": "T", "odd": 1}'):
    try:
        storykit.loads(text, format="json")
    except storykit.StoryParseError as exc:
        said.append(exc.message)
print(json.dumps([said, "cattrs" in sys.modules]))
"""
    said = [
        "title: expected a string, got a number",
        "tags[0]: expected a string, got a number",
        "unknown key(s): odd",
    ]
    assert _run(code) == [said, True]


def test_convert_to_json_lines_starts_without_what_it_does_not_use(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code = f"""
import json, sys
from storykit import cli
from storykit.formats import _source_line
try:
    cli.main(["convert", {str(SEED)!r}, "-o", {str(out)!r}, "--jobs", "1"])
except SystemExit as exc:
    assert exc.code == 0, exc.code
compiled = [f.cache_info().currsize for f in (_source_line._date_re, _source_line._more_date_re)]
unused = ("cattrs", "difflib", "sqlite3", "shutil", "zipfile", "tempfile", "importlib.resources",
          "secrets", "_hashlib")
loaded = sorted(m for m in unused if m in sys.modules)
print(json.dumps([loaded, compiled]))
"""
    assert _run(code, measured=False) == [[], [0, 0]]
    assert out.read_text("utf-8").count("\n") == 1


def test_the_date_expressions_compiled_late_are_those_written() -> None:
    assert _source_line._date_re() is _source_line._date_re()
    assert _source_line._date_re().pattern == _source_line._DATE
    assert _source_line._more_date_re().pattern == _source_line._MORE_DATE
    line = "Le Monde 25 mai 2026 à 15h04"
    assert _source_line._source_line(line, 0, None)[0] == "Le Monde"


def test_the_command_freezes_what_its_start_made() -> None:
    # the collector does not look through the modules' objects again in a batch run
    code = """
import gc, json
from storykit import cli
before = gc.get_freeze_count()
cli.main = lambda: print(json.dumps([before, gc.get_freeze_count() > 1000])) or 0
cli.console()
"""
    assert _run(code) == [0, True]


@pytest.mark.parametrize("value", [None, "120", "0", "-5", "wide", "33"])
def test_the_terminal_width_is_what_shutil_says(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """The width the help and the progress line use, asked without importing shutil."""
    import shutil

    if value is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", value)
    assert _progress.columns() == shutil.get_terminal_size((80, 24)).columns
    expected = {"120": 120, "33": 33}.get(value or "")
    if expected is not None:
        assert _progress.columns() == expected


def test_help_is_laid_out_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    usages = []
    for width in (50, 120):
        monkeypatch.setenv("COLUMNS", str(width))
        done = cli("convert", "--help")
        assert done.returncode == 0, done.stderr
        out = done.stdout
        usage = out.split("\n\n")[0].splitlines()  # (the epilog is laid out by hand)
        assert max(map(len, usage)) <= width - 2  # argparse wraps two short of the width
        usages.append(len(usage))
    assert usages[0] > usages[1]


def test_forking_a_pool_leaves_frozen_what_was_frozen_before() -> None:
    code = """
import gc, json
from storykit import _pool
counts = []
for before in (False, True):
    gc.unfreeze()
    if before:
        gc.freeze()
    with _pool._frozen():
        during = gc.get_freeze_count()
    counts.append([during > 0, gc.get_freeze_count() > 0])
print(json.dumps(counts))
"""
    assert _run(code) == [[True, False], [True, True]]
