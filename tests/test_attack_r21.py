"""Round 21's attack on the readers: each test a reproducer that failed before its fix."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import tracemalloc

import pytest

import storykit
from storykit import StoryParseError

from .conftest import SEED

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


def test_a_header_of_many_lines_and_no_title_is_refused_in_bounded_memory() -> None:
    # 14 MB of "x\n" (a 13 KB .tar.gz member, under the 16 MiB member limit) took 11 s
    # and 1.7 GB to be refused: 240 bytes of warning for each line, then thrown away.
    # A story of 100,000 paragraphs peaks at 10 times its size.
    data = b"x\n" * 200_000
    gc.collect()
    tracemalloc.start()
    try:
        with pytest.raises(StoryParseError, match="expected a blank line and then the title"):
            storykit.loads(data, "text")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(data)  # it was 116 times
