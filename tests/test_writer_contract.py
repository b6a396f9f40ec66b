"""The writer contract (issue 8): every story the model accepts writes in each format or
raises UnrepresentableError naming the field; what a format with a reader writes reads
back equal — never another exception, never a silent change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError, UnrepresentableError
from tests.strategies import dump_stories, stories

READ_BACK = ("text", "json", "ninjs", "markdown")
WRITE_ONLY = ("html", "jsonld")

# Characters that break layouts: every C0 control, DEL, C1 controls that are line breaks
# somewhere, Unicode line and paragraph separators, BOM and noncharacters, spaces of
# several kinds, and the characters that mean something to one of the formats.
SPECIAL = (
    *(chr(c) for c in range(0x20)),
    *"\x7f\x85\x9f\u2028\u2029\ufeff\ufffe\uffff\xa0\u200b\u3000 ",
    *"<>&`*_[]\\\"'#-:→←|~!",
)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


@st.composite
def edited_stories(draw: st.DrawFn) -> Story:
    """A story the dump can hold, with special characters put into one to three fields.

    Most of these the text writer must refuse; the others must read back unchanged.
    """
    story = draw(dump_stories())
    doc = json.loads(storykit.dumps(story, "json"))
    paths = [p for p in _string_paths(doc) if p[-1] != "published" and len(p) > 1]
    paths += [("title",)]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        value: str = parent[path[-1]]
        at = draw(st.integers(0, len(value)))
        parent[path[-1]] = value[:at] + draw(st.sampled_from(SPECIAL)) + value[at:]
    try:
        return storykit.loads(json.dumps(doc), "json")
    except StoryParseError:  # blank now, say: not a story the model accepts
        assume(False)
        raise


def assert_contract(story: Story, fmt: str) -> None:
    refused: str | None = None
    try:
        written = storykit.dumps(story, fmt)
    except UnrepresentableError as exc:
        refused = str(exc)
    if refused is not None:  # the message names the field
        assert re.search(r"\b(title|source|image|credits|sections|tags|extras)\b", refused)
        return
    if fmt in READ_BACK:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert storykit.loads(written, fmt) == story, written


@pytest.mark.parametrize("fmt", READ_BACK + WRITE_ONLY)
@given(story=stories())
def test_any_story_writes_and_reads_back_or_is_refused(fmt: str, story: Story) -> None:
    assert_contract(story, fmt)


@pytest.mark.parametrize("fmt", READ_BACK + WRITE_ONLY)
@given(story=edited_stories())
def test_special_characters_write_and_read_back_or_are_refused(fmt: str, story: Story) -> None:
    assert_contract(story, fmt)


# ----------------------------------------------------------------------------- reproducers


def test_a_line_break_in_a_tag_is_refused_by_the_text_writer() -> None:
    # Written, this read back as another paragraph ("Crime") and the tag "Miami".
    story = Story("T", sections=[Section(None, ["Body."])], tags=("Crime\nMiami",))
    with pytest.raises(UnrepresentableError, match=r"tags\[0\] contains a line break"):
        storykit.dumps(story, "text", check=True)


@pytest.mark.parametrize("tag", ["Crime\rMiami", "Crime\r\nMiami", "Crime\u2028Miami"])
def test_other_line_breaks_in_a_tag(tag: str) -> None:
    story = Story("T", sections=[Section(None, ["Body."])], tags=(tag, "AI"))
    assert_contract(story, "text")
    if "\u2028" not in tag:  # the dump splits lines at CR and LF only
        with pytest.raises(UnrepresentableError, match=r"tags\[0\]"):
            storykit.dumps(story, "text")


def _with_nul(where: str) -> Story:
    n = "a\0b"
    body = [Section(None, ["Body."]), Section("Heading", ["Paragraph."])]
    fields: dict[str, Any] = {
        "title": Story(n, sections=body),
        "image.alt": Story("T", image=Image(n), sections=body),
        "image.credit": Story("T", image=Image(None, Credit("photo", n)), sections=body),
        "source.name": Story("T", source=Source(n), sections=body),
        "source.url": Story("T", source=Source(url="https://x.example/" + n), sections=body),
        "credits[0]": Story("T", source=Source("S"), credits=[Credit("byline", n)], sections=body),
        "extras[0]": Story("T", source=Source("S"), extras=[n], sections=body),
        "sections[0].paragraphs[0]": Story("T", sections=[Section(None, [n + "."])]),
        "sections[1].heading": Story(
            "T", sections=[Section(None, ["Lead."]), Section(n, ["Paragraph."])]
        ),
        "tags[0]": Story("T", sections=body, tags=[n]),
    }
    story: Story = fields[where]
    return story


@pytest.mark.parametrize(
    "where",
    [
        "title",
        "image.alt",
        "image.credit",
        "source.name",
        "source.url",
        "credits[0]",
        "extras[0]",
        "sections[0].paragraphs[0]",
        "sections[1].heading",
        "tags[0]",
    ],
)
def test_a_nul_in_any_field_is_refused_by_the_text_writer(where: str) -> None:
    # Written, the dump was refused by the text reader as "binary data".
    story = _with_nul(where)
    with pytest.raises(UnrepresentableError, match=rf"{re.escape(where)} .*NUL"):
        storykit.dumps(story, "text")


def test_a_nul_written_unchecked_makes_a_dump_the_reader_refuses() -> None:
    # Why the check refuses it: this is what check=False writes.
    dump = storykit.dumps(_with_nul("title"), "text", check=False)
    with pytest.raises(StoryParseError, match="binary data"):
        storykit.loads(dump, "text")


def test_a_nul_is_kept_by_the_formats_that_can_hold_it() -> None:
    story = Story("a\0b", source=Source("S", dt.date(2026, 5, 25)), tags=["x\0y"])
    for fmt in ("json", "ninjs"):
        assert storykit.loads(storykit.dumps(story, fmt), fmt) == story
    with pytest.raises(UnrepresentableError, match="title contains U\\+0000"):
        storykit.dumps(story, "markdown")  # CommonMark turns NUL into U+FFFD
