"""Linear cost and bounded memory on hostile input (issue 8): no timings, only counts.

Each test would catch the quadratic or memory-hungry version of what it guards by counting
work (characters handed to a splitter, calls) or by measuring memory with tracemalloc at a
moderate size against a generous bound, never by timing.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import storykit
from storykit import _pieces
from storykit.formats.text import split_stories

from .test_collection import write
from .test_pieces import LINES

PARAGRAPH = "Analysts say the push is strategic, and the robots agree with them. " * 4


def big_story(sections: int) -> str:
    """One dump story with ``sections`` short sections and no tags line."""
    body = "\n\n".join(f"Heading {i}\n\n{PARAGRAPH}" for i in range(sections))
    return (
        "← Back to stories A robot\nSCMP 2026-05-25\n\nTitle\n\n"
        + body
        + "\n\nView original source →\n"
    )


# --------------------------------------------------------------------------- one large story


def test_streaming_one_large_story_splits_each_block_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = big_story(400)  # about 120 KB, streamed in 1 KB blocks: 120 blocks
    path = write(tmp_path / "big.txt", text)
    monkeypatch.setattr(_pieces, "_WHOLE", 0)
    monkeypatch.setattr(_pieces, "_BLOCK", 1024)
    split_chars = 0
    real_split = _pieces._split
    scanned = 0
    real_boundary = _pieces._boundary

    def counting_split(text: str, split: object) -> list[tuple[int, str]]:
        nonlocal split_chars
        split_chars += len(text)
        return real_split(text, split)  # type: ignore[arg-type]

    def counting_boundary(text: str) -> tuple[bool, int, int] | None:
        nonlocal scanned
        scanned += len(text)
        return real_boundary(text)

    monkeypatch.setattr(_pieces, "_split", counting_split)
    monkeypatch.setattr(_pieces, "_boundary", counting_boundary)
    [story] = storykit.iter_stories(path)
    assert len(story.sections) == 400
    # every character is split or searched about once (a quadratic reader re-splits the
    # story so far at every block: 60 times the text here)
    assert split_chars + scanned <= 2 * len(text) + 10 * 1024


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*LINES, "x" * 40, "Body text."]), max_size=40),
    st.integers(min_value=8, max_value=120),
)
def test_streamed_in_any_block_size_gives_split_stories(lines: list[str], block: int) -> None:
    text = "\n".join(lines)
    whole = [(n, t.rstrip(" \t\r\n\ufeff")) for n, t in split_stories(text)]
    old_block = _pieces._BLOCK
    _pieces._BLOCK = block
    try:
        reader = io.BytesIO(text.encode())
        events = list(_pieces._dump_pieces(reader, "a.txt", None, 1 << 20))
    finally:
        _pieces._BLOCK = old_block
    streamed = [
        (e.origin.line, e.text.rstrip(" \t\r\n\ufeff"))
        for e in events
        if isinstance(e, storykit.collection.Piece)
    ]
    assert streamed == whole


# --------------------------------------------------------------------------- Markdown


MD_BLOCKS = [
    "## A heading",
    "A paragraph.",
    "Another paragraph\nover two lines.",
    "<!-- a comment -->",
    "<!-- a comment\n\nthat goes on",
    "and ends here -->",
    "```\ncode",
    "```",
    "[ref]: https://example.com/r",
    "A [link][ref] here.",
    "- a list",
    "> a quote",
    "---",
    "    indented",
    "",
]


def read_markdown(text: str) -> object:
    """The story, or the error as (message, line)."""
    from storykit.formats import markdown

    try:
        return markdown.loads(text)
    except storykit.StoryParseError as exc:
        return (exc.message, exc.line)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(MD_BLOCKS), max_size=16), st.integers(min_value=1, max_value=60))
@example(["A [link][ref] here.", "A paragraph.", "[ref]: https://example.com/r"], 10)
@example(["<!-- a comment\n\nthat goes on", "A paragraph.", "and ends here -->", "Text."], 10)
def test_markdown_read_in_chunks_reads_as_whole(blocks: list[str], chunk: int) -> None:
    from storykit.formats import _markdown_reader

    text = "# Title\n\n" + "\n\n".join(blocks) + "\n"
    old = _markdown_reader._CHUNK
    try:
        _markdown_reader._CHUNK = 1 << 30
        whole = read_markdown(text)
        _markdown_reader._CHUNK = chunk
        chunked = read_markdown(text)
    finally:
        _markdown_reader._CHUNK = old
    assert chunked == whole


def test_markdown_of_many_sections_is_parsed_in_chunks_in_bounded_memory() -> None:
    import tracemalloc

    from storykit.formats import _markdown_reader, markdown

    pytest.importorskip("markdown_it")
    text = "# Title\n\n" + "".join(f"## H{i}\n\nP {i}.\n\n" for i in range(20_000))
    markdown.loads("# Warm\n\nup.")  # the parser, built once
    parses = 0
    real_parser = _markdown_reader._parser()
    real_parse = real_parser.parse

    def counting_parse(src: str, env: object = None) -> object:
        nonlocal parses
        parses += 1
        return real_parse(src, env)

    real_parser.parse = counting_parse  # type: ignore[method-assign]
    try:
        tracemalloc.start()
        story = markdown.loads(text)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        del real_parser.parse
    assert len(story.sections) == 20_000
    assert parses >= len(text) // _markdown_reader._CHUNK  # in chunks, not in one go
    # all tokens at once took 180 times the input here; the story itself takes 11 times
    assert peak < 70 * len(text)
