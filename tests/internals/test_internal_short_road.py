"""A small clean dump's short road through the worker gives what the long road gives.

The short road (read whole, split at once) spares the look for binary data (a NUL in the
first 1,024 characters) when the file's bytes hold no zero byte, and makes no ``Origin``
for a story that goes well; the long road (``_pieces._WHOLE = 0``: every file streamed)
does neither. Both must give the same output and the same results, wherever a NUL is:
before the 1,024th character or after it, behind letters of one, two or three bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storykit import _pieces, _work_records, _worker

from ..collection_helpers import dump

JOB = _work_records.Job("convert", compact=True)


def _both_roads(path: Path, monkeypatch: pytest.MonkeyPatch) -> _work_records.Done:
    unit = _work_records.FileUnit(str(path), "text", None)
    short = _worker.work([unit], JOB)
    with monkeypatch.context() as patched:
        patched.setattr(_pieces, "_WHOLE", 0)
        assert _worker.work([unit], JOB) == short
    return short


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    letter=st.sampled_from(["a", "é", "中", "\U0001f600"]),
    before=st.integers(0, 1100),
    nul=st.booleans(),
    stories=st.integers(1, 2),
)
def test_a_nul_anywhere_is_found_as_the_long_road_finds_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    letter: str,
    before: int,
    nul: bool,
    stories: int,
) -> None:
    text = "".join(dump(i) for i in range(stories))
    head, _, rest = text.partition("\n\n")  # in the first story, after its nav line
    text = f"{head}\n\n{letter * before}{chr(0) if nul else ''}\n\n{rest}"
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    done = _both_roads(path, monkeypatch)
    errors = [result.error or "" for result in done.results]
    # the look for NUL in the first KiB says "binary data", the reader then "(U+0000)"
    early = any("binary data" in error and "U+0000" not in error for error in errors)
    assert early == (chr(0) in text[:1024])  # (the story starts where the text does)


def test_a_story_with_findings_or_a_failure_is_placed_by_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results name the file and the line each story starts on, as the long road does."""
    bad = dump(2).replace("2026-", "20x6-", 1)  # an invalid date: the story fails
    path = tmp_path / "three.txt"
    path.write_text("\n\n" + dump(1) + "\n" + bad + "\nstray line\n" + dump(3), encoding="utf-8")
    done = _both_roads(path, monkeypatch)
    assert {result.kind for result in done.results} >= {"failed"}
    assert all(result.path == str(path) and result.line for result in done.results)
