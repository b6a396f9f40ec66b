"""The text dump writer: its layout, what it refuses, round trips of any story and the corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given

import storykit
from storykit import Credit, Image, Section, Source, Story, UnrepresentableError
from tests.formats.text_helpers import read
from tests.strategies import dump_stories

# ----------------------------------------------------------------------------- the writer


def test_writer_layout() -> None:
    story = Story(
        "Title",
        source=Source("AP", dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.UTC), "https://x.example/a"),
        image=Image(None, Credit("photograph", "Ann Lee", "Kyodo")),
        sections=[Section(None, ["Lead."]), Section("Heading", ["Text."])],
        tags=["AI", "Road safety"],
    )
    assert storykit.dumps(story, "text") == (
        "← Back to stories\nPhotograph by Ann Lee/Kyodo\nAP 2026-05-25T08:30:00Z\n\nTitle\n\n"
        "Lead.\n\nHeading\n\nText.\n\nAIRoad safety\nView original source → https://x.example/a"
    )


@pytest.mark.parametrize(
    ("story", "where"),
    [
        (Story("Two\nlines"), "title contains a line break"),
        (Story(" padded "), "title has surrounding white space"),
        (
            Story("T", sections=[Section(None, ["Looks like a heading", "Text."])]),
            r"sections\[0\]\.paragraphs\[0\]",
        ),
        (Story("T", sections=[Section("Ends with a dot.", ["Text."])]), r"sections\[0\]\.heading"),
        (Story("T", sections=[Section("Empty")]), "has a heading but no paragraphs"),
        (
            Story("T", sections=[Section(None, ["Text."])], tags=["US", "EU", "Game", "Stop"]),
            "tags",
        ),
        (Story("T", tags=["AI"]), "tags"),
        (Story("T", source=Source("Photo: AP")), "source.name reads as a credit"),
        (Story("T", source=Source("Radio 2026-05-25")), "source.name ends in something"),
        (Story("T", credits=[Credit("photo", "A")]), "need a source line"),
        (
            Story("T", image=Image(None, Credit("photo", "Ann on Sea"))),
            "image.credit would read back",
        ),
        (Story("← Back to stories"), "title reads as a nav"),
        (
            Story("T", sections=[Section(None, ["Text."])], tags=["View original source → x"]),
            "tags",
        ),
    ],
)
def test_writer_refuses_what_would_not_read_back(story: Story, where: str) -> None:
    with pytest.raises(UnrepresentableError, match=where):
        storykit.dumps(story, "text")


def test_writer_check_can_be_turned_off() -> None:
    assert storykit.dumps(Story("T", tags=["AI"]), "text", check=False).endswith(
        "AI\nView original source →"
    )


@given(dump_stories())
def test_round_trip(story: Story) -> None:
    assert read(storykit.dumps(story, "text")) == story


def test_corpus_round_trip(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert read(storykit.dumps(story, "text")) == story
