"""Markdown: reading (sniffing, files, hand-written Markdown, front matter) and its errors."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Image, MissingExtraError, Section, Source, Story, StoryParseError
from storykit.formats import by_suffix, markdown, sniff
from tests.conftest import SEED
from tests.formats.markdown_helpers import _ANY_CHAR, _FRAGMENTS, GOLDEN

# ----------------------------------------------------------------------------- reading


def test_sniffing_and_suffixes(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    assert sniff(md) == "markdown"
    assert sniff(storykit.dumps(seed, "markdown", front_matter=False)) == "markdown"
    assert sniff(SEED.read_text(encoding="utf-8")) == "text"
    assert by_suffix(".md") == by_suffix(".MARKDOWN") == "markdown"
    assert storykit.loads(md) == seed


def test_load_and_dump_files(tmp_path: Path, seed: Story) -> None:
    path = tmp_path / "story.md"
    storykit.dump(seed, path)
    assert path.read_text(encoding="utf-8") == (GOLDEN / "seed.md").read_text(encoding="utf-8")
    assert storykit.load(path) == seed


def test_bom_and_crlf(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    assert markdown.loads("\ufeff" + md.replace("\n", "\r\n")) == seed
    assert storykit.loads(b"\xef\xbb\xbf" + md.encode(), "markdown") == seed


HAND_WRITTEN = """\
A Title *with* `code`
=====================

The lead, written
over two lines.

## First section ##

A paragraph with a [link](https://example.com), **bold** and an ![image](x.png).
Line two after a hard break\\
ends here.

<!-- an editor's note -->

---

## Second section

Last words.
"""


def test_hand_written() -> None:
    story = storykit.loads(HAND_WRITTEN, "markdown")
    assert story == Story(
        "A Title with code",
        sections=[
            Section(None, ["The lead, written over two lines."]),
            Section(
                "First section",
                [
                    "A paragraph with a link, bold and an image. Line two after a hard "
                    "break\nends here."
                ],
            ),
            Section("Second section", ["Last words."]),
        ],
    )


def test_hand_written_front_matter() -> None:
    md = """\
---
# plain YAML, nothing quoted
title: Plain title
source:
  name: Reuters
  published: 2024-01-02
  url: https://example.com/x
image: {alt: A photo}
tags: [AI, yes, 5G, null]
---

Only a paragraph.

## Then a section

With text.
"""
    with pytest.raises(StoryParseError, match=r"^<string>:9: tags\[3\]: expected text"):
        storykit.loads(md, "markdown")
    story = storykit.loads(md.replace(", null]", "]"), "markdown")
    assert story == Story(
        "Plain title",
        source=Source("Reuters", dt.date(2024, 1, 2), "https://example.com/x"),
        image=Image("A photo"),
        sections=[Section(None, ["Only a paragraph."]), Section("Then a section", ["With text."])],
        tags=["AI", "yes", "5G"],  # not True: every value is read as text
    )


def test_body_fills_in_what_front_matter_leaves_out(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    head, body = md.split("\n---\n", 1)
    only_title = "---\ntitle: " + head.split("title: ", 1)[1].split("\n", 1)[0] + "\n---\n"
    assert storykit.loads(only_title + body) == seed


def test_title_mismatch_is_an_error(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown").replace("\n# Xiaomi", "\n# Not Xiaomi")
    with pytest.raises(StoryParseError, match=r"^seed\.md:19: the title heading 'Not Xiaomi"):
        storykit.loads(md, "markdown", filename="seed.md")


@pytest.mark.parametrize(
    ("md", "line", "message"),
    [
        ("# T\n\nPara.\n\n- a\n- b\n", 5, "cannot place a bulleted list"),
        ("# T\n\n1. a\n", 3, "cannot place a numbered list"),
        ("# T\n\n## S\n\n> quoted\n", 5, "cannot place a block quote"),
        ("# T\n\n```\ncode\n```\n", 3, "cannot place a code block"),
        ("# T\n\n    code\n", 3, "cannot place an indented code block"),
        ("# T\n\n<div>\nx\n</div>\n", 3, "cannot place raw HTML"),
        ("# T\n\n## S\n\n### Sub\n\ntext\n", 5, "level-3 heading \\(a sub-section heading\\)"),
        ("# T\n\n## S\n\n# T2\n", 5, "level-1 heading \\(a second title\\)"),
        ("## T\n\n## S\n", 3, "level-2 heading \\(a second title\\)"),
        ("Just a paragraph.\n", 1, "expected a '# title' heading"),
        ("\n\n\nText first.\n\n# Title\n", 4, "expected a '# title' heading"),
        ("#\n\ntext\n", 1, "the title heading is empty"),
        ("# T\n\n## \n\ntext\n", 3, "heading: must not be empty"),
        ("# T\n\n&#32;\n", 3, "must not be empty or blank"),
        ("---\ntitle: T\n", 1, "no closing '---'"),
        ("---\ntitle: [unclosed\n---\n", 3, "invalid YAML front matter: while parsing a flow"),
        ("---\ntitle: T\n  bad: indent\n---\n", 3, "YAML front matter: mapping values are not"),
        ('---\ntitle: "a\x01"\n---\n', 2, "YAML front matter: unacceptable character #x0001"),
        ("---\ntitle: T\nlayout: post\n---\n", 3, "unknown key 'layout'"),
        ("---\ntitle: T\ntitle: U\n---\n", 3, "key 'title' given twice"),
        ("---\n- a list\n---\n", 2, "the front matter: expected a mapping"),
        ("---\ntitle: [T]\n---\n", 2, "title: expected text"),
        ("---\ntitle: T\nsource:\n  published: 25 May 2026\n---\n", 4, "source.published"),
        ("---\ntitle: T\nimage:\n  credit: {role: photo}\n---\n", 4, "needs a name or a provider"),
        ("---\ntitle: T\nimage:\n  credit: {role: photo, by: x}\n---\n", 4, "unknown key 'by'"),
        ("---\ntitle: T\ntags: AI\n---\n", 3, "tags: expected a list"),
        ("---\ntitle: T\ncredits: [null]\n---\n", 3, r"credits\[0\]: expected a mapping"),
        ("---\ntitle: ' '\n---\n", 2, "title: must not be empty"),
        ("---\n---\n\nNo title.\n", 4, "expected a '# title' heading"),
        ("# T\n\n**Image:** alt — *Not a credit line*\n\n## S\n", 3, "as a credit"),
    ],
)
def test_errors_name_file_and_line(md: str, line: int, message: str) -> None:
    with pytest.raises(StoryParseError, match=message) as caught:
        storykit.loads(md, "markdown", filename="story.md")
    assert caught.value.line == line
    assert caught.value.filename == "story.md"
    assert str(caught.value).startswith(f"story.md:{line}: ")


def test_yaml_errors_give_no_second_line_count() -> None:
    # PyYAML counts lines from the front matter; the message must not contradict the line.
    with pytest.raises(StoryParseError) as caught:
        storykit.loads("---\ntitle: T\n  bad: indent\n---\n", "markdown")
    assert "line" not in caught.value.message and "\n" not in caught.value.message


def test_edge_space_is_all_white_space() -> None:
    # Any character str.isspace() calls white space, and U+FEFF, is stripped by some
    # renderer from the ends of a text: the escape must know every one of them.
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} | {"\ufeff"}
    assert set(markdown._EDGE_SPACE) == spaces


def test_empty_input() -> None:
    with pytest.raises(StoryParseError, match="expected a '# title' heading") as caught:
        markdown.loads("")
    assert caught.value.line is None


@given(st.lists(st.one_of(_FRAGMENTS, _ANY_CHAR, st.just("\n---\n")), max_size=40).map("".join))
def test_any_input_reads_or_fails_cleanly(text: str) -> None:
    for candidate in (text, "# T\n\n" + text, "---\n" + text + "\n---\n# T\n"):
        try:
            result = markdown.loads(candidate)
        except StoryParseError:
            continue
        assert isinstance(result, Story)


def test_deep_nesting_fails_cleanly() -> None:
    with pytest.raises(StoryParseError):
        storykit.loads("---\ntitle: " + "[" * 5000 + "\n---\n", "markdown")
    with pytest.raises(StoryParseError, match="block quote"):
        storykit.loads("# T\n\n" + ">" * 5000 + " x\n", "markdown")


@pytest.mark.parametrize("module", ["markdown_it", "yaml"])
def test_missing_extra(monkeypatch: pytest.MonkeyPatch, module: str, seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    hint = r"the markdown extra: pip install 'markdown-it-py>=3' 'pyyaml>=6'"  # its packages
    with pytest.raises(MissingExtraError, match=hint) as caught:
        storykit.loads(md, "markdown")
    assert module in str(caught.value)
    assert isinstance(caught.value, ImportError)
