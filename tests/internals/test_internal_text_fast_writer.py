"""The writer's shortcuts: the body's rule for headings and the check that a dump reads back.

Checked at once or line by line, a body is found alike; the cheap check of a written story agrees
with reading it back.

These tests reach in because each shortcut and its general code are two private roads to one public
answer: only driving each directly shows they agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, UnrepresentableError
from storykit.formats import _text_lines, text
from tests.conftest import CORPUS_STORIES, SEED
from tests.internals.text_fast_helpers import _SEED_TEXT, _read, _read_back
from tests.strategies import dump_stories, stories

# --------------------------------------------------------------------------- the body's rule


def _headings_read(items: list[str]) -> list[int]:
    """Where the reader puts the headings of a body of these lines."""
    dump = "SCMP\n\nTitle\n\n" + "\n\n".join(items)
    story = _read(dump)
    lines = [*story.paragraphs]
    found, k = [], 0
    for section in story.sections:
        if section.heading is not None:
            found.append(k)
            k += 1
        k += len(section.paragraphs)
    assert k == len(items) and len(lines) + len(found) == len(items)
    return found


_BODY_LINES = st.sampled_from(["Heading", "What next?", "A sentence.", "Short", "x" * 101])


@given(st.lists(_BODY_LINES, min_size=1, max_size=8))
def test_the_writers_rule_for_headings_is_the_readers(items: list[str]) -> None:
    assert text._headings(items) == _headings_read(items)


_SECOND_STORY_LINES = st.sampled_from(
    ["Para one.", "Heading", "← Back to stories", "←  Back to stories A robot", "← not a nav line",
     "View original source", "View original source → https://e.com/a", "View original sources",
     "Vietnam rises.", "View", "x ← Back to stories",
     "View original source →← Back to stories A robot",  # two dumps joined (cat a b)
     "View original source → https://e.com/a← Back to stories", "View original source ←",
     "View original source → https://e.com/a \u00a0← Back to stories"]  # the first ends in blanks
)  # fmt: skip


@given(st.lists(_SECOND_STORY_LINES, min_size=1, max_size=6))
@example(["Para one.", "← Back to stories", "View original source"])
@example(["View original source → https://e.com/a", "Para one."])
@example(["Vietnam rises.", "Para one."])
@example(["Para one.", "View original source →← Back to stories A robot"])
@example(["x ← Back to stories", "Para one."])
@example(["x ← Back to stories"])
def test_another_storys_line_in_the_body_is_found_as_line_by_line(body: list[str]) -> None:
    # The reader looks closer only when a body line starts as a nav line or a footer does
    # (or the text holds a '←' past its first line's start): what it finds must be what a
    # look at every line finds (the first nav line, else the first footer run into a nav
    # line, else the first footer, else the first text run into a nav line that starts a
    # story), on the line where it is.
    dump = "SCMP\n\nTitle\n\n" + "\n\n".join(body) + "\n\nAIEVs\nView original source →"
    navs = [k for k, line in enumerate(body) if _text_lines._NAV_RE.fullmatch(line)]
    glued = [
        k
        for k, line in enumerate(body)
        if line.startswith("View original source") and "← Back to stories" in line
    ]
    footers = [k for k, line in enumerate(body) if _text_lines._FOOTER_RE.fullmatch(line)]
    # then text, blanks and a nav line run together, followed by what reads as a header and a
    # title (here: a blank line and the next line, unless that is a nav or footer line; after
    # the last, the tags line is no title: the footer follows it at once)
    ends = {*navs, *glued, *footers}
    texts = [
        k
        for k, line in enumerate(body)
        if line == "x ← Back to stories" and k + 1 < len(body) and k + 1 not in ends
    ]
    if not navs and not glued and not footers and not texts:
        assert _read(dump).paragraphs  # read, the lines in the body
        return
    with pytest.raises(storykit.StoryParseError) as info:
        _read(dump)
    k, starts = (
        (navs[0], "a second story starts here")
        if navs
        else (glued[0], "a second story starts inside this line")
        if glued
        else (footers[0], "text follows")
        if footers
        else (texts[0], "'← Back to stories' after blanks inside this line")
    )
    assert info.value.line == 5 + 2 * k
    assert info.value.message.startswith(starts)


@given(stories())
def test_the_body_checked_at_once_or_line_by_line_alike(story: Story) -> None:
    outcomes: list[str] = []
    for check in (text._check_body, text._check_body_lines):
        try:
            check(story)
            outcomes.append("ok")
        except UnrepresentableError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    "sections",
    [
        (Section(None, ("Short",)), Section("Heading", ("Para.",))),  # a lead like a heading
        (Section("Heading", ("Para.", "View original source")),),
        (Section("Heading", ("← Back to stories",)),),
        (Section("Heading", ("Two\nlines.",)),),
    ],
)  # fmt: skip
def test_a_body_that_would_not_read_back_is_refused_line_by_line(
    sections: tuple[Section, ...],
) -> None:
    story = Story("Title", sections=sections)
    with pytest.raises(UnrepresentableError) as fast:
        text._check_body(story)
    with pytest.raises(UnrepresentableError) as slow:
        text._check_body_lines(story)
    assert str(fast.value) == str(slow.value)


# --------------------------------------------------------------------------- the writer's check


def test_a_footer_the_writer_adds_leaves_the_rest_read_back() -> None:
    # No footer in the dump: the writer adds one, the title and body lines are the same.
    dump = _SEED_TEXT.rstrip("\n").rsplit("\n", 2)[0]  # no tags line, no footer
    story = _read(dump)
    assert not story.tags and story.url is None
    out = text.dumps(story, check=False).split("\n")
    assert _read_back(story, out) == (True, True, None)
    assert _read(text.dumps(story)) == story


def test_a_footer_without_its_arrow_leaves_the_rest_read_back() -> None:
    dump = _SEED_TEXT.rstrip("\n").replace("View original source →", "View original source")
    story = _read(dump)
    assert story.tags
    out = text.dumps(story, check=False).split("\n")
    assert _read_back(story, out) == (True, True, None)


def test_tags_read_with_other_lines_above_them_are_split_again() -> None:
    # Two blank lines above the tags line: the splitter saw other text, so its split is not
    # taken as read back; the check splits the written line again (and it agrees).
    head, tags, footer = _SEED_TEXT.rstrip("\n").rsplit("\n", 2)
    story = _read(f"{head}\n\n{tags}\n{footer}")
    out = text.dumps(story, check=False).split("\n")
    assert _read_back(story, out) == (True, False, None)
    assert _read(text.dumps(story)) == story


def test_the_url_alone_is_checked_when_the_header_reads_back() -> None:
    # (the reader never makes a URL with white space or NUL in it: this guards the rule)
    text._check_url("https://e.com/a")
    with pytest.raises(UnrepresentableError, match=r"source\.url contains white space"):
        text._check_url("https://e.com/a b")
    with pytest.raises(UnrepresentableError, match=r"source\.url contains U\+0000"):
        text._check_url("https://e.com/\0")


@pytest.mark.parametrize("path", [SEED, *CORPUS_STORIES], ids=lambda p: p.stem)
def test_every_corpus_story_is_checked_the_cheap_way_and_agrees(path: Path) -> None:
    story = _read(path.read_text(encoding="utf-8"))
    out = text.dumps(story, check=False).split("\n")
    found = _read_back(story, out)
    assert found is not None  # the reader made it
    assert found[1]  # the title, body and tags lines read back
    text._check(story)  # and the full check agrees that they do
    assert _read(text.dumps(story)) == story


@given(dump_stories())
def test_a_story_read_from_a_dump_with_other_spacing_is_checked_alike(story: Story) -> None:
    # Extra blank lines and a footer without its arrow: the reader's lines differ from the
    # writer's, and the outcome is the full check's.
    written = text.dumps(story)
    spaced = written.replace("\n\n", "\n\n\n").replace(
        "View original source →", "View original source"
    )
    again = _read(spaced)
    assert again == story
    assert text.dumps(again) == written
