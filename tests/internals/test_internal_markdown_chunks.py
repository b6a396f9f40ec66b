"""The Markdown reader's private roads: in chunks, and plain chunks without markdown-it.

These tests reach in because the roads are private switches (``_markdown_reader._CHUNK``,
``_FAST``) and a count of markdown-it's parses: each road must give what one parse of the
whole text gives, which no public call can choose between.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import storykit

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
    "[ref2]: <https://example.com/s> 'a title'",
    "An ![image][ref2] and [ref2], [ref][], [not one].",
    "[[[ [\n[",
    "[sic] and [[x]] but no link!",
    "![alt] [y] ] [\n]! [",
    "[ref] alone, [ref][] and [nowhere](",
    "[a]\n(b) and [c] [d]",
    "]: not a definition, [x]:",
    "`[code](span)` and [e]",
    "- a list",
    "> a quote",
    "---",
    "    indented",
    "",
    "Plain words, “quoted” and 2026's.",
    "2026 was a year\nof two lines",
    "1. a numbered list",
    "2026. Also a list",
    "# Another title",
    "###### Deep heading",
    "####### Not a heading",
    "## Closed heading ##",
    "## Trailing space ",
    "#NoSpace",
    "Two spaces at the end  \nmake a break",
    "Under a line\n===",
    "Under a dash line\n---",
    "A paragraph\n## then a heading",
    "(Bracketed) and \u00a0nbsp inside",
    "\u00a0starts with nbsp",
    " one space first",
    "   ",
    "Escaped \\*stars\\*, \\_lines\\_, \\\\ and \\`ticks\\` \\<b\\> \\&amp; \\[x\\]\\(y\\)",
    "\\# not a heading\n\\- nor a list",
    "1\\. not a numbered list",
    "A \\q backslash before a letter, and one at the end\\",
    "Ends in a backslash\\\nthen a line",
    "## A heading \\*with\\* escapes",
    "\\\\*emphasis after an escaped backslash*",
    "An escaped \\! and [brackets] \\]",
    "a > b, <a> and a\n> quote",
    "## A heading # with a hash inside",
    "## Ends in an escaped hash \\#",
    "## Ends in a hash after an escaped backslash \\\\#",
    "## Closed by one #",
    "## #",
    "## ##",
    "&#32;Edge space and a&#10;line break&#32;",
    "## &#9;A tab-led heading&#160;",
    "&#35; is no reference the writer writes, &amp; no entity, &#10 no reference",
    "&#10;",
    "A &#13; and a &#0; and &#x20; &#0032;",
    "„Low quotes“ first, « guillemets » then",
    "¿Qué? ¡Sí!\n— a dash first\n…and an ellipsis",
    "\u200bzero width first\n\ufeffand a BOM",
    "\u3000ideographic space first",
    "＃ a full-width number sign\n－ and hyphen",
]


def read_markdown(text: str) -> object:
    """The story, or the error as (message, line)."""
    from storykit.formats import markdown

    try:
        return markdown.loads(text)
    except storykit.StoryParseError as exc:
        return (exc.message, exc.line)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MD_BLOCKS), max_size=16), st.integers(min_value=1, max_value=60))
@example(["A [link][ref] here.", "A paragraph.", "[ref]: https://example.com/r"], 10)
@example(["<!-- a comment\n\nthat goes on", "A paragraph.", "and ends here -->", "Text."], 10)
@example(["Plain words, “quoted” and 2026's.", "## Trailing space "], 1000)
@example(["[ref] alone, [ref][] and [nowhere](", "A paragraph.", "[ref]: https://e.com/r"], 10)
@example(["[sic] and [[x]] but no link!", "A paragraph.", "[ref]: https://example.com/r"], 10)
def test_markdown_read_in_chunks_reads_as_whole(blocks: list[str], chunk: int) -> None:
    from storykit.formats import _markdown_reader

    text = "# Title\n\n" + "\n\n".join(blocks) + "\n"
    old = _markdown_reader._CHUNK
    try:
        _markdown_reader._CHUNK = 1 << 30
        _markdown_reader._FAST = False
        whole = read_markdown(text)  # one markdown-it parse of the whole text
        _markdown_reader._CHUNK = chunk
        chunked = read_markdown(text)
        _markdown_reader._FAST = True
        fast = read_markdown(text)  # in chunks, plain ones read without markdown-it
    finally:
        _markdown_reader._CHUNK = old
        _markdown_reader._FAST = True
    assert chunked == whole
    assert fast == whole


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count markdown-it's parses, with or without links (the count is the list's one item)."""
    from storykit.formats import _markdown_reader

    count = [0]
    for parser in (_markdown_reader._parser(), _markdown_reader._linkless_parser()):

        def counting_parse(src: str, env: object = None, real: Any = parser.parse) -> object:
            count[0] += 1
            return real(src, env)

        monkeypatch.setattr(parser, "parse", counting_parse)
    return count


def read_plainly(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[storykit.Story, list[int]]:
    """``text`` read without the fast road and with it: the same story, no parse on it.

    Returns the story and the parse counter (:func:`count_parses`), which goes on counting.
    """
    from storykit.formats import _markdown_reader, markdown

    monkeypatch.setattr(_markdown_reader, "_FAST", False)
    parsed = markdown.loads(text)
    monkeypatch.setattr(_markdown_reader, "_FAST", True)
    parses = count_parses(monkeypatch)
    assert markdown.loads(text) == parsed
    assert parses[0] == 0
    return parsed, parses


def test_markdown_of_many_sections_is_parsed_in_chunks_in_bounded_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tracemalloc

    from storykit.formats import _markdown_reader, markdown

    pytest.importorskip("markdown_it")
    text = "# Title\n\n" + "".join(f"## H{i}\n\nP *{i}*.\n\n" for i in range(6_000))
    markdown.loads("# Warm\n\nup.")  # the parser, built once
    parses = count_parses(monkeypatch)
    tracemalloc.start()
    story = markdown.loads(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert story.sections[-1].paragraphs == ("P 5999.",)
    assert parses[0] >= len(text) // _markdown_reader._CHUNK  # in chunks, not in one go
    # all tokens at once took 180 times the input here; the story itself takes 11 times
    assert peak < 70 * len(text)


def test_plain_markdown_is_read_without_markdown_it(monkeypatch: pytest.MonkeyPatch) -> None:

    pytest.importorskip("markdown_it")
    text = "# Title\n\n" + "".join(
        f"## Heading {i}\n\nParagraph {i}, in two\nlines.\n\nAnd “one” more.\n\n"
        for i in range(10_000)
    )
    parsed, _ = read_plainly(monkeypatch, text)
    assert parsed.sections[1].paragraphs == ("Paragraph 1, in two lines.", "And “one” more.")


def test_markdown_the_writer_escaped_is_read_without_markdown_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """markdown-it makes a token of each backslash escape: a paragraph the writer wrote of
    a story full of markup characters took some 190 bytes of memory a character to read
    (3 GB for a 16 MiB page) and ten times the time of plain text."""
    pytest.importorskip("markdown_it")
    paragraphs = ("*a_b`c<d[e]f!g\\h&#i~" * 2_000, "# #1. - > = + | \\", " edge\nlines\r ")
    story = storykit.Story(
        "T",
        sections=(
            storykit.Section(None, paragraphs),
            storykit.Section("H *1* \\", ("p",)),
            storykit.Section("\u00a0# a # b #", ("q #",)),  # (edge space, "#" inside and last)
        ),
    )
    text = storykit.dumps(story, "markdown", front_matter=False)
    assert text.count("\\") > 20_000
    parsed, _ = read_plainly(monkeypatch, text)
    assert parsed == story


def test_a_body_of_brackets_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by an attack in s14: a line that starts with ``[`` (which may start a link
    reference definition) made the reader parse the whole body twice, once to find the
    definitions, then again with them (10 MB of ``[``: over 2 minutes). It is read again
    only when a definition comes after a block that could link to it, with the same story."""
    from storykit.formats import markdown

    pytest.importorskip("markdown_it")
    markdown.loads("# Warm\n\nup.")  # the parser, built once
    parses = count_parses(monkeypatch)
    story = markdown.loads("# Title\n\n" + "[" * 5_000 + "\n[" * 1_000 + " [a](b)")  # one chunk
    assert parses[0] == 1
    assert story.sections[0].paragraphs == ("[" * 5_000 + " [" * 1_000 + " a",)
    parses[0] = 0
    later = "# Title\n\nA [link][r].\n\n" + "Words.\n\n" * 200 + "[r]: https://e.com/\n"
    story = markdown.loads(later)  # its definition comes after the link, in another chunk
    assert story.sections[0].paragraphs[0] == "A link."
    assert parses[0] == 4  # the two chunks with markup, read again
    parses[0] = 0
    story = markdown.loads("# Title\n\n[r]: https://e.com/\n\nA [link][r].\n\n[s]: x\n")
    assert story.sections[0].paragraphs == ("A link.",)
    assert parses[0] == 1  # (a definition after it, but it was known when it was read)


def test_brackets_where_no_link_can_form_are_read_without_markdown_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by an attack in s15: markdown-it looks for the closing ``]`` of every ``[``
    (some 20 µs each: 10 MB of ``[`` took over three minutes). Where no link can form (no
    ``](``, ``][`` or ``]:`` in a chunk, and no definition known), ``[ ] !`` are plain text:
    the chunk is read without markdown-it, as markdown-it reads it; a definition found later
    still makes the blocks before it links."""
    from storykit.formats import markdown

    pytest.importorskip("markdown_it")
    text = "# Title\n\n" + "[" * 5_000 + "\n]!" * 1_000 + "\n\n## Why [sic]!\n\n![x] [y]\n"
    parsed, parses = read_plainly(monkeypatch, text)
    assert parsed.sections[0].paragraphs == ("[" * 5_000 + " ]!" * 1_000,)
    assert parsed.sections[1].heading == "Why [sic]!"
    later = "# Title\n\nA [link].\n\n" + "Words.\n\n" * 200 + "[link]: https://e.com/\n"
    assert markdown.loads(later).sections[0].paragraphs[0] == "A link."
    assert parses[0] == 3  # the definition's chunk, then the body again with it known
