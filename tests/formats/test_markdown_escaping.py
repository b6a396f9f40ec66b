"""Markdown: escaping, so that any text renders as itself; text no Markdown can hold is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, UnrepresentableError
from storykit.formats.markdown import escape
from tests.formats.markdown_helpers import _ANY_CHAR, _FRAGMENTS, blocks, rendered, writable

# ----------------------------------------------------------------------------- escaping

# Each of these would be markup, or be changed by a renderer, if written as it is.
MARKUP = [
    "# not a heading",
    "## not a heading either",
    "###### six",
    "#",
    "#hashtag at the start",
    "- not a list item",
    "+ not a list item",
    "* not a list item",
    "1. not a numbered list",
    "1) not a numbered list",
    "123456789. long number",
    "2024.",
    "> not a quote",
    ">",
    "    four spaces: not code",
    "\tA tab: not code",
    "```python",
    "~~~",
    "```",
    "---",
    "***",
    "___",
    "- - -",
    "===",
    "| a | b |",
    "*emphasis*",
    "**strong**",
    "_emphasis_",
    "__strong__",
    "snake_case_name and *stars*",
    "2 * 3 * 4",
    "`code`",
    "``double``",
    "~~strike~~",
    "[x](y)",
    "[link](https://example.com 'title')",
    "![image](https://example.com/a.png)",
    "[ref]: https://example.com",
    "[ref]",
    "<script>alert(1)</script>",
    "<div>block html</div>",
    "<!-- comment -->",
    "<https://example.com>",
    "<me@example.com>",
    "&amp;",
    "&#42; and &#x2A;",
    "&copy; 2026",
    "&nbsp;",
    "trailing backslash\\",
    "\\",
    "a \\* escaped star",
    "back\\slash",
    "Ends with hashes ##",
    "Top #",
    "C#",
    "Price: $5 (about £4)!",
    "  two leading spaces",
    "two trailing spaces  ",
    " ",
    "\u00a0no-break space at the start",
    "ends with an ideographic space\u3000",
    "\ufeffa byte order mark",
    "a line\nbreak",
    "two\n\nparagraphs",
    "a\n# heading line",
    "a\n- list line",
    "a\n===",
    "a\n    indented",
    "cr\r\nlf and lone\rcr",
    "line ends with two spaces  \nthen more",
    "line ends with a backslash\\\nthen more",
    "a\x0bb\x0cc\x1cd\x85e",
    "\x0cform feed first",
    "emoji 😀 and 小米 and עברית",
    "https://example.com/a_b_c?x=1&y=2",
]


@pytest.mark.parametrize("text", MARKUP)
@pytest.mark.parametrize("preset", ["commonmark", "default"])  # "default" adds GFM bits
def test_escaped_text_renders_as_itself(text: str, preset: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert blocks(escaped, preset) == [("p", text)]
    assert blocks("## " + escaped, preset) == [("h2", text)]
    assert blocks(f"*{escaped}*", preset) == [("p", text)]  # as in the source line
    assert rendered(escaped, preset).hrefs == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Plain prose stays readable: nothing escaped that needs no escape.
        ("Hello, world. (Yes!) 50% off: “quotes” — and AT&T, S&P 500.", None),
        ("Hong Kong's 5G roll-out - a view", None),
        ("# Title", r"\# Title"),
        ("- item", r"\- item"),
        ("1. one", r"1\. one"),
        ("> quote", r"\> quote"),
        ("a *b* _c_ `d` [e](f) <g>", r"a \*b\* \_c\_ \`d\` \[e\](f) \<g>"),
        ("&amp; &#42;", r"\&amp; \&#42;"),
        ("Top #", r"Top \#"),
        ("#", r"\#"),
        ("ends\\", "ends\\\\"),
        ("    code", "&#32;&#32;&#32;&#32;code"),
        ("a\nb", "a&#10;b"),
    ],
)
def test_escape_output(text: str, expected: str | None) -> None:
    assert escape(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    "text", ["a\0b", "\x0bstarts with a vertical tab", "ends with one\x0b", " \x1cx", "x\x85"]
)
def test_unwritable_text_is_refused(text: str) -> None:
    with pytest.raises(UnrepresentableError, match=r"sections\[0\]\.paragraphs\[0\]"):
        storykit.dumps(Story("T", sections=[Section(None, [text])]), "markdown")


@given(st.lists(st.one_of(_FRAGMENTS, _ANY_CHAR), min_size=1, max_size=30).map("".join))
def test_any_text_renders_as_itself(text: str) -> None:
    if not writable(text):
        with pytest.raises(UnrepresentableError):
            escape(text)
        return
    escaped = escape(text)
    assert blocks(escaped) == [("p", text)]
    assert blocks("# " + escaped) == [("h1", text)]
