"""A small clean dump's short road through the worker gives what the long road gives.

A file's and an archive member's alike.

The short road (read whole, split at once) spares the look for binary data (a NUL in the
first 1,024 characters) when the file's bytes hold no zero byte (a file whose bytes hold
one takes the long road), and makes no ``Origin`` for a story that goes well; the long road
(``_pieces._WHOLE = 0``: every file streamed) does neither. Both must give the same output
and the same results, wherever a NUL is: before the 1,024th character or after it, behind
letters of one, two or three bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storykit import _pieces, _work_records, _worker
from storykit._records import Origin

from ..collection_helpers import dump

JOB = _work_records.Job("convert", compact=True)


def _both_roads(
    path: Path, monkeypatch: pytest.MonkeyPatch, job: _work_records.Job = JOB
) -> _work_records.Done:
    """What ``job`` does with the file ``path``, the same on the short and the long road.

    So does an archive's member of the same bytes, on each road.
    """
    units: list[_work_records.Unit] = [
        _work_records.FileUnit(str(path), "text", None),
        _work_records.MemberUnit("in.zip", "x/story.txt", "text", path.read_bytes(), None),
    ]
    short = [_worker.work([unit], job) for unit in units]
    with monkeypatch.context() as patched:
        patched.setattr(_pieces, "_WHOLE", 0)
        assert [_worker.work([unit], job) for unit in units] == short
    return short[0]


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


def test_a_failure_is_named_as_its_origin_names_the_file_or_member(tmp_path: Path) -> None:
    """The worker names where a story failed by the one rule, :attr:`Origin.where`.

    On each road: a file read whole, an archive's member, a story the main process split.
    """
    bad = dump(2).partition("\n\n")[0]  # a header and no title: the story fails
    path = tmp_path / "two.txt"
    path.write_text(dump(1) + "\n" + bad, encoding="utf-8")
    data = path.read_bytes()
    units: list[_work_records.Unit] = [
        _work_records.FileUnit(str(path), "text", None),
        _work_records.MemberUnit("in.zip", "x/two.txt", "text", data, None),
        _work_records.StoryUnit("in.zip", "x/two.txt", 9, bad, "text", None, True),
        _work_records.StoryUnit("-", None, 9, bad, "text", None, True),
    ]
    for unit in units:
        (result,) = _worker.work([unit], JOB).results
        where = Origin(result.path, result.member).where
        assert (result.path, result.member) == (unit.origin.path, unit.origin.member)
        assert re.fullmatch(rf"{re.escape(where)}:\d+: .*title.*", result.error or ""), result


# The short road reads a dump decoded from UTF-8 without the scan for lone surrogates
# (a decoder refuses one) and, unless it writes text, without keeping the dump's lines for
# the text writer's check: the same stories, findings and errors as the long road, which
# does both.

TEXT_JOB = _work_records.Job("convert", to="text")


def test_each_corpus_dump_takes_the_short_road_to_what_the_long_one_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_story: Path
) -> None:
    for job in (JOB, TEXT_JOB):
        done = _both_roads(corpus_story, monkeypatch, job)
        assert done.ok == 1, done.results


_LETTERS = st.sampled_from(
    ["a", "Z", " ", "\t", "\r", "\n", "\n\n", "←", "→", "é", "中", "\U0001f600", "\ufeff",
     "\ufffe", "\uffff", "\u2028", "\x85", "\x00", "1", "-", ":", "View original source →",
     "← Back to stories ", "Photo by A on B\n", "SCMP 2026-05-25\n", "AIEVs\n"]
)  # fmt: skip


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_LETTERS, max_size=40), story=st.integers(0, 3))
def test_any_utf8_text_takes_the_short_road_to_what_the_long_one_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: list[str], story: int
) -> None:
    head, _, rest = dump(story).partition("\n\n")
    path = tmp_path / "story.txt"
    path.write_text(f"{head}\n\n{''.join(pieces)}\n\n{rest}", encoding="utf-8")
    for job in (JOB, TEXT_JOB):
        _both_roads(path, monkeypatch, job)


@given(
    text=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\0"), max_size=300)
)
def test_the_reader_of_clean_text_reads_as_the_reader(text: str) -> None:
    from storykit.formats import _text_reader

    def outcome(read: Callable[..., object], *args: object, **options: object) -> object:
        try:
            return read(*args, **options)
        except Exception as exc:  # the same error, said the same way
            return type(exc), str(exc)

    full = outcome(lambda: _text_reader.read(text, filename="f.txt"))
    may_hold = _text_reader._may_hold_glued(text)
    for glued in (None, may_hold, True):  # told, it is not looked at; told true, the lines are
        for remember in (True, False):
            got = outcome(  # (checked, no NUL: what parse_text passes for a clean dump)
                _text_reader._read, text, "f.txt", None, True, -1, remember=remember, glued=glued
            )
            assert got == full


def test_only_a_command_writing_text_keeps_the_lines_for_its_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storykit.formats import _text_reader

    kept: list[object] = []
    monkeypatch.setattr(_text_reader, "_remember", lambda story, *_: kept.append(story))
    path = tmp_path / "story.txt"
    path.write_text(dump(1), encoding="utf-8")
    member = _work_records.MemberUnit("in.zip", "x.txt", "text", path.read_bytes(), None)
    for unit, whole in (
        (_work_records.FileUnit(str(path), "text", None), _pieces._WHOLE),  # the short road
        (member, _pieces._WHOLE),  # a member's
        (member, 0),  # the long road (every file and member streamed)
    ):
        monkeypatch.setattr(_pieces, "_WHOLE", whole)
        kept.clear()
        assert _worker.work([unit], JOB).ok == 1
        assert kept == []
        assert _worker.work([unit], _work_records.Job("validate")).ok == 1
        assert kept == []
        assert _worker.work([unit], TEXT_JOB).ok == 1
        assert len(kept) == 1


def test_a_small_clean_member_takes_the_short_road(monkeypatch: pytest.MonkeyPatch) -> None:
    # Archive members took the long road whatever they held (split line by line, scanned
    # for NUL and lone surrogates), where a file of the same bytes took the short one.
    long_road: list[str] = []
    real = _worker.bytes_pieces

    def spied(data: bytes, path: str, member: str | None, fmt: str, limit: int) -> object:
        long_road.append(member or path)
        return real(data, path, member, fmt, limit)

    monkeypatch.setattr(_worker, "bytes_pieces", spied)
    data = (dump(1) + "\n" + dump(2)).encode("utf-8")
    units = [
        _work_records.MemberUnit("in.zip", "clean.txt", "text", data, None),
        _work_records.MemberUnit("in.zip", "nul.txt", "text", data + b"\0", None),
        _work_records.MemberUnit("in.zip", "latin1.txt", "text", data + b"\xe9", None),
        _work_records.MemberUnit("in.zip", "a.json", "json", b"{}", None),
    ]
    _worker.work(units, JOB)
    assert long_road == ["nul.txt", "latin1.txt", "a.json"]
