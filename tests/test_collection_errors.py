"""iter_stories on bad input: the error policies (raise, warn, collect) and what their log
keeps, bad bytes, bad options.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import tracemalloc
import warnings
from pathlib import Path

import pytest

import storykit
from storykit import StoryParseError, StoryWarning
from storykit.collection import ErrorLog

from .collection_helpers import BAD_DATE, dump, make_story, make_zip, nav_lines, write
from .conftest import SEED

# --------------------------------------------------------------------------- bad input


def test_raise_names_file_member_and_line(tmp_path: Path) -> None:
    text = dump(1) + "\n\n" + BAD_DATE
    path = make_zip(tmp_path / "a.zip", {"x/many.txt": text})
    stream = storykit.iter_stories(path)
    assert next(stream) == make_story(1)
    with pytest.raises(StoryParseError) as info:
        next(stream)
    bad_line = nav_lines(text)[1] + 1  # the source line of the second story
    assert info.value.filename == f"{path}:x/many.txt"
    assert info.value.line == bad_line
    assert str(info.value).startswith(f"{path}:x/many.txt:{bad_line}: invalid date")


def test_warn_skips_with_a_warning_and_keeps_the_log(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "b.txt", BAD_DATE)
    write(tmp_path / "c.txt", dump(3))
    stream = storykit.iter_stories(tmp_path, errors="warn")
    with pytest.warns(StoryWarning, match=r"b\.txt:2: invalid date"):
        stories = list(stream)
    assert stories == [make_story(1), make_story(3)]
    assert len(stream.errors) == 1


def test_collect_into_a_shared_log_with_a_report(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", BAD_DATE)
    log = ErrorLog()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # collect must not warn
        assert list(storykit.iter_stories(tmp_path, errors="collect", log=log)) == []
        assert list(storykit.iter_stories(tmp_path / "gone", errors="collect", log=log)) == []
    assert log.report().splitlines() == [
        f"{tmp_path / 'b.txt'}:2: invalid date '2026-13-45' on the source line: "
        + log[0].message.split(": ", 1)[1],
        f"{tmp_path / 'gone'}: no such file or directory",
        "2 errors",
    ]


def test_bad_bytes_and_binary_files_are_errors_not_tracebacks(tmp_path: Path) -> None:
    text = dump(1) + "\n\n" + dump(2).replace("Body 2.", "Body \udcff2.")
    write(tmp_path / "a.txt", text.encode("utf-8", "surrogateescape"))
    write(tmp_path / "b.txt", b"\0\1\2binary\n" * 10)
    write(tmp_path / "c.jsonl", b'{"storykit": 1\n\xff\n')
    stream = storykit.iter_records(tmp_path, errors="collect")
    assert [s for _, s in stream] == [make_story(1)]
    where = [(e.filename, e.line) for e in stream.errors]
    bad_line = next(n for n, line in enumerate(text.split("\n"), 1) if "\udcff" in line)
    assert where == [
        (str(tmp_path / "a.txt"), bad_line),
        (str(tmp_path / "b.txt"), 1),
        (str(tmp_path / "c.jsonl"), 1),
        (str(tmp_path / "c.jsonl"), 2),
    ]
    assert "invalid UTF-8" in stream.errors[0].message
    assert "binary" in stream.errors[1].message


def test_bad_options_are_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="errors must be one of"):
        storykit.iter_stories(tmp_path, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(storykit.UnknownFormatError):
        storykit.iter_stories(tmp_path, format="nope")
    with pytest.raises(storykit.UnknownFormatError, match="written but not read"):
        storykit.iter_stories(tmp_path, format="html")


@pytest.mark.parametrize(
    ("limit", "value", "error", "said"),
    [
        ("max_member_size", "16M", TypeError, "max_member_size: expected a whole number of "
         "bytes, got '16M'"),
        ("max_member_size", None, TypeError, "got None"),
        ("max_members", 1.5, TypeError, "max_members: expected a whole number of members"),
        ("max_total_size", True, TypeError, "got True"),
        ("max_member_size", 0, ValueError, "max_member_size: must be 1 or more, got 0"),
        ("max_members", -1, ValueError, "max_members: must be 1 or more, got -1"),
    ],
)  # fmt: skip
def test_bad_limits_are_refused_up_front(
    tmp_path: Path, limit: str, value: object, error: type[Exception], said: str
) -> None:
    """Found by an attacker session: a limit of "16M" or None failed in the walk with
    "'<' not supported between instances of 'int' and 'str'"; -1, 0 or 1.5 refused every
    story or member, as "larger than the -1 bytes limit", where the command refuses them."""
    with pytest.raises(error, match=said):
        storykit.iter_stories(tmp_path, **{limit: value})  # type: ignore[arg-type]
    with pytest.raises(error, match=said):
        storykit.iter_records(tmp_path, **{limit: value})  # type: ignore[arg-type]
    assert list(storykit.iter_stories(tmp_path, max_members=1, max_member_size=1)) == []


# --------------------------------------------------------------------------- the log of errors


BIG = 20_000  # characters of text in each story that fails


def _bad_json_line() -> str:
    story = json.loads(storykit.dumps(storykit.load(SEED), "json"))
    story["sections"][0]["paragraphs"] = ["x" * BIG]
    story["source"]["published"] = "2026-99-99"  # refused, after the whole line is decoded
    return json.dumps(story)


@pytest.mark.parametrize(
    ("fmt", "record"),
    [
        ("jsonl", _bad_json_line() + "\n"),
        ("text", "← Back to stories " + "x" * BIG + "\n"),  # a header and no title
    ],
)
@pytest.mark.parametrize("policy", ["collect", "warn"])
def test_a_log_of_errors_does_not_hold_the_stories_that_failed(
    fmt: str, record: str, policy: str
) -> None:
    # Each error kept its traceback and the error it was raised from: the reader's frames,
    # and in them the story's text. 2,000 bad JSON Lines (44 MB) left 118 MB held by the
    # log of a stream that reads a story at a time.
    count = 200
    data = (record * count).encode()
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.warns(storykit.StoryWarning) if policy == "warn" else contextlib.nullcontext():
            stream = storykit.iter_records(io.BytesIO(data), format=fmt, errors=policy)  # type: ignore[arg-type]
            assert list(stream) == []
        del data
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(stream.errors) == count
    assert all(isinstance(error, StoryParseError) for error in stream.errors)
    assert stream.errors[1].line == 2
    assert held < count * BIG // 4  # the messages, not the stories (it was over count * BIG)


def test_a_logged_error_still_says_where_and_what() -> None:
    stream = storykit.iter_records(io.BytesIO(b"{}\n[]\n"), format="jsonl", errors="collect")
    assert list(stream) == []
    assert [(str(error), error.line) for error in stream.errors] == [
        ("<stream>:1: expected storykit JSON version 1 in key 'storykit', found no version", 1),
        ("<stream>:2: expected a JSON object, got an array", 2),
    ]
