"""Markdown: the writer (golden files, front matter, options, links) and round trips."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from urllib.parse import unquote

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story
from tests.formats.markdown_helpers import (
    GOLDEN,
    UTC,
    blocks,
    expected_blocks,
    markdown_stories,
    rendered,
)

# ----------------------------------------------------------------------------- the writer


def test_seed_golden(seed: Story) -> None:
    # tests/golden/seed.md was read by eye against the seed dump: front matter with every
    # field, title, dateline, image alt + credit, the three sections, the tags line.
    assert storykit.dumps(seed, "markdown") == (GOLDEN / "seed.md").read_text(encoding="utf-8")


def test_seed_body_golden(seed: Story) -> None:
    # tests/golden/seed.body.md: the same page without front matter, under an h1 of its own.
    md = storykit.dumps(seed, "markdown", front_matter=False, heading_offset=1)
    assert md == (GOLDEN / "seed.body.md").read_text(encoding="utf-8")


def test_seed_renders_every_text(seed: Story) -> None:
    assert blocks(storykit.dumps(seed, "markdown", front_matter=False)) == expected_blocks(seed)


def test_front_matter_is_yaml_with_every_field() -> None:
    when = dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)
    story = Story(
        "yes",  # a YAML 1.1 boolean if it were not quoted
        source=Source("null", when, "https://example.com/a?b=1&c=2"),
        image=Image('He said: "no" # not a comment', Credit("photo", "- Dash", "{Agency}")),
        credits=[Credit("illustration", "A: B", None)],
        sections=[Section("H", ["p"])],
        tags=["2026-05-25", "on", "~", "a\u2028b", "tab\there", "back\\slash", "é😀\ufeffx"],
        extras=["line\nbreak", "\x00\x7f\x9f\x85"],
    )
    md = storykit.dumps(story, "markdown")
    assert md.startswith("---\n")
    head = md.split("\n---\n", 1)[0].removeprefix("---\n")
    assert yaml.safe_load(head) == {
        "title": "yes",
        "date": when,  # plain, so a YAML timestamp: what site generators want
        "source": {"name": "null", "url": "https://example.com/a?b=1&c=2"},
        "image": {
            "alt": 'He said: "no" # not a comment',
            "credit": {"role": "photo", "name": "- Dash", "provider": "{Agency}"},
        },
        "credits": [{"role": "illustration", "name": "A: B"}],
        "tags": ["2026-05-25", "on", "~", "a\u2028b", "tab\there", "back\\slash", "é😀\ufeffx"],
        "extras": ["line\nbreak", "\x00\x7f\x9f\x85"],
    }
    assert list(yaml.safe_load(head))[:3] == ["title", "date", "tags"]  # site generators' keys
    for line in head.split("\n"):  # every scalar but the date is double-quoted
        assert line.endswith(":") or line.rstrip().endswith('"') or line.startswith("date: ")


@given(markdown_stories())
def test_front_matter_holds_any_text(story: Story) -> None:
    md = storykit.dumps(story, "markdown")
    head = yaml.safe_load(md.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert head["title"] == story.title
    assert head.get("tags", []) == list(story.tags)
    assert head.get("extras", []) == list(story.extras)


@given(markdown_stories(), st.integers(0, 4), st.booleans(), st.booleans(), st.booleans())
def test_rendered_text_is_the_story_text(
    story: Story, offset: int, image: bool, tags: bool, footer: bool
) -> None:
    options = {"heading_offset": offset, "image": image, "tags": tags, "footer": footer}
    md = storykit.dumps(story, "markdown", front_matter=False, **options)
    assert blocks(md) == expected_blocks(story, **options)


def test_options() -> None:
    story = Story(
        "Title",
        source=Source("AP", dt.date(2026, 5, 25), "https://example.com/x"),
        image=Image("Alt", Credit("photo", "Ann", "Pexels")),
        sections=[Section(None, ["Lead."]), Section("Head", ["Body."])],
        tags=["AI", "EU"],
    )
    full = storykit.dumps(story, "markdown", front_matter=False)
    assert full.startswith("# Title\n\n*AP · 2026-05-25*\n\n**Image:** Alt — *Photo by Ann on")
    assert "\n## Head\n" in full
    assert full.endswith("**Tags:** AI · EU\n\n[View original source →](<https://example.com/x>)\n")

    nested = storykit.dumps(story, "markdown", front_matter=False, heading_offset=1)
    assert nested.startswith("## Title\n") and "\n### Head\n" in nested
    deepest = storykit.dumps(story, "markdown", front_matter=False, heading_offset=4)
    assert deepest.startswith("##### Title\n") and "\n###### Head\n" in deepest

    bare = storykit.dumps(
        story, "markdown", front_matter=False, image=False, tags=False, footer=False
    )
    assert "Image:" not in bare and "Tags:" not in bare and "View original" not in bare
    assert bare.endswith("## Head\n\nBody.\n")

    # The options shape the body only: the front matter still holds everything.
    for options in ({"heading_offset": 2}, {"image": False, "tags": False, "footer": False}):
        assert storykit.loads(storykit.dumps(story, "markdown", **options)) == story


@pytest.mark.parametrize(
    ("offset", "error"),
    [(-1, ValueError), (5, ValueError), (True, TypeError), (1.0, TypeError), ("1", TypeError)],
)
def test_bad_heading_offset(offset: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="heading_offset"):
        storykit.dumps(Story("T"), "markdown", heading_offset=offset)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.y/z"]
)
def test_only_http_links(url: str) -> None:
    story = Story("T", source=Source(url=url), sections=[Section(None, ["p"])])
    body = storykit.dumps(story, "markdown", front_matter=False)
    page = rendered(body)
    assert page.hrefs == []
    assert page.blocks == [("h1", "T"), ("p", "p"), ("p", "Original source: " + url)]
    assert storykit.loads(body) == story
    assert storykit.loads(storykit.dumps(story, "markdown")) == story


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1&c=2",
        "http://example.com/(paren)/<angle>/back\\slash",
        "https://example.com/&amp;/%20/ümlaut",
    ],
)
def test_http_links(url: str) -> None:
    story = Story("T", source=Source(url=url))
    body = storykit.dumps(story, "markdown", front_matter=False)
    page = rendered(body)
    assert page.blocks == [("h1", "T"), ("p", "View original source →")]
    assert [unquote(h) for h in page.hrefs] == [unquote(url)]  # renderers percent-encode
    assert storykit.loads(body) == story
    assert storykit.loads(storykit.dumps(story, "markdown")) == story


def test_repr_markdown(seed: Story) -> None:
    md = seed._repr_markdown_()
    assert md == storykit.dumps(seed, "markdown", front_matter=False)
    assert md.startswith("# Xiaomi is pouring billions")


def test_writer_needs_no_extra(monkeypatch: pytest.MonkeyPatch, seed: Story) -> None:
    monkeypatch.setitem(sys.modules, "markdown_it", None)
    monkeypatch.setitem(sys.modules, "yaml", None)
    assert storykit.dumps(seed, "markdown") == (GOLDEN / "seed.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- round trips


def test_corpus_round_trip(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert storykit.loads(storykit.dumps(story, "markdown"), "markdown") == story
    # Without front matter too: the body alone carries everything a dump has.
    body = storykit.dumps(story, "markdown", front_matter=False)
    assert storykit.loads(body, "markdown") == story


def test_corpus_renders_every_text(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert blocks(storykit.dumps(story, "markdown", front_matter=False)) == expected_blocks(story)


@given(markdown_stories(), st.integers(0, 4), st.booleans(), st.booleans(), st.booleans())
def test_round_trip(story: Story, offset: int, image: bool, tags: bool, footer: bool) -> None:
    md = storykit.dumps(
        story, "markdown", heading_offset=offset, image=image, tags=tags, footer=footer
    )
    assert storykit.loads(md, "markdown") == story
    assert storykit.loads(md.replace("\n", "\r\n"), "markdown") == story


def _beside_the_separator(tag: str) -> bool:
    return " ·" in tag or "· " in tag or tag.startswith("·") or tag.endswith("·")


@given(markdown_stories())
def test_round_trip_without_front_matter(story: Story) -> None:
    # The body alone holds no extras, spells credits and dates as words (read back by the
    # dump's rules, tested with the corpus) and cannot tell a "·" beside a space or at a
    # tag's edge from the " · " between tags ("0 ·", "0" is written "0 · · 0"); short of
    # that, it reads back the same story.
    url = story.url if story.url is not None and story.url.strip() == story.url else None
    plain = attrs.evolve(
        story,
        source=Source(url=url) if url is not None else None,
        image=None,
        credits=(),
        tags=() if any(_beside_the_separator(t) for t in story.tags) else story.tags,
        extras=(),
    )
    md = storykit.dumps(plain, "markdown", front_matter=False)
    assert storykit.loads(md, "markdown") == plain
