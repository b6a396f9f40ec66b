from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from rfc3339_validator import validate_rfc3339

import storykit
from storykit import Credit, Image, Section, Source, Story, UnknownFormatError
from storykit.errors import UnrepresentableError
from storykit.export import body_html, story_id
from tests.conftest import ROOT, SEED
from tests.strategies import dump_stories, stories

A = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
UTC = dt.UTC

DAY = Story(
    'Tricky <title> & "quotes" ]]> </title>',
    source=Source("Harbour & Co", dt.date(2024, 3, 12), "https://x.example/a?b=1&c=2"),
    image=Image("alt", Credit("photo", "Kari Lund")),
    sections=[Section(None, ["<script>alert(1)</script> & more"]), Section("Next", ["Two."])],
    tags=["Transport", "A&B"],
)
TIMED = Story(
    "Timed",
    source=Source(
        "Wire", dt.datetime(2024, 3, 13, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ),
    sections=[Section(None, ["Body."])],
)
UNDATED = Story("No source at all")


def _atom(stories_: list[Story], **options: Any) -> ET.Element:
    text = storykit.feed(stories_, "atom", title=options.pop("title", "Feed <&>"), **options)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(text)  # well-formed, or this raises


def _one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(tag)
    assert len(found) == 1, (tag, found)
    return found[0]


# ----------------------------------------------------------------------------- Atom


def test_atom_required_elements_and_namespaces() -> None:
    feed = _atom(
        [DAY, TIMED, UNDATED],
        home_page_url="https://x.example/",
        feed_url="https://x.example/feed.atom",
    )
    assert feed.tag == f"{A}feed"
    assert _one(feed, f"{A}id").text == "https://x.example/feed.atom"
    assert _one(feed, f"{A}title").text == "Feed <&>"
    # the latest story date: 08:30+02:00 on the 13th
    assert _one(feed, f"{A}updated").text == "2024-03-13T08:30:00+02:00"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links == {"self": "https://x.example/feed.atom", "alternate": "https://x.example/"}
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 3
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert (_one(entry, f"{A}{tag}").text or "").strip(), tag
        assert validate_rfc3339(_one(entry, f"{A}updated").text)
        assert _one(entry, f"{A}content").get("type") == "html"
    # UNDATED has no author, so the feed needs one (RFC 4287 4.1.1): the title stands in
    assert _one(_one(feed, f"{A}author"), f"{A}name").text == "Feed <&>"
    # ...and takes the feed's updated
    assert _one(entries[2], f"{A}updated").text == "2024-03-13T08:30:00+02:00"
    assert entries[2].find(f"{A}published") is None


def test_atom_text_is_escaped_by_the_xml_library() -> None:
    entry = _one(_atom([DAY]), f"{A}entry")
    assert _one(entry, f"{A}title").text == DAY.title
    assert _one(entry, f"{A}id").text == "https://x.example/a?b=1&c=2"
    link = _one(entry, f"{A}link")
    assert (link.get("rel"), link.get("href")) == ("alternate", "https://x.example/a?b=1&c=2")
    assert [c.get("term") for c in entry.findall(f"{A}category")] == ["Transport", "A&B"]
    assert _one(entry, f"{A}summary").text == "<script>alert(1)</script> & more"
    content = _one(entry, f"{A}content").text
    assert content == body_html(DAY)  # the HTML, as text: escaped once more by the XML
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>" in content
    assert entry.find(f"{A}script") is None and entry.find("script") is None
    assert _one(_one(entry, f"{A}author"), f"{A}name").text == "Harbour & Co"


def test_atom_day_alone_is_placed_at_day_time_and_the_day_is_kept() -> None:
    entry = _one(_atom([DAY]), f"{A}entry")
    assert _one(entry, f"{A}updated").text == "2024-03-12T00:00:00Z"
    assert _one(entry, f"{DC}date").text == "2024-03-12"
    noon = dt.time(12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    entry = _one(_atom([DAY], day_time=noon), f"{A}entry")
    assert _one(entry, f"{A}published").text == "2024-03-12T12:00:00+01:00"
    timed = _one(_atom([TIMED]), f"{A}entry")
    assert _one(timed, f"{A}published").text == "2024-03-13T08:30:00+02:00"
    assert timed.find(f"{DC}date") is None  # a real time: nothing to add


def test_atom_feed_author_only_when_needed_or_given() -> None:
    assert _atom([DAY, TIMED]).find(f"{A}author") is None  # every entry has one
    feed = _atom([DAY], author="Desk")
    assert _one(_one(feed, f"{A}author"), f"{A}name").text == "Desk"


def test_atom_ids_and_updated() -> None:
    feed = _atom(
        [UNDATED], id="tag:x.example,2024:feed", updated=dt.datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert _one(feed, f"{A}id").text == "tag:x.example,2024:feed"
    assert _one(feed, f"{A}updated").text == "2024-01-01T00:00:00Z"
    entry = _one(feed, f"{A}entry")
    assert _one(entry, f"{A}id").text == f"urn:storykit:{story_id(UNDATED)}"
    assert entry.find(f"{A}link") is None  # no URL: the content carries the entry
    default = _atom([DAY], title="T")
    assert (_one(default, f"{A}id").text or "").startswith("urn:storykit:feed:")


def test_atom_refuses_characters_xml_cannot_hold() -> None:
    bad = Story("T", sections=[Section(None, ["ok", "bell \x07"])])
    with pytest.raises(UnrepresentableError, match=r"stories\[1\]\.sections\[0\]\.paragraphs\[1\]"):
        storykit.feed([DAY, bad], "atom", title="T")
    assert json.loads(storykit.feed([bad], "jsonfeed", title="T"))["items"][0]["content_text"]


def test_atom_of_the_seed_and_corpus(corpus_story: Path) -> None:
    stories_ = [storykit.load(SEED), storykit.load(corpus_story)]
    feed = _atom(stories_)
    for entry, story in zip(feed.findall(f"{A}entry"), stories_, strict=True):
        assert _one(entry, f"{A}title").text == story.title
        assert _one(entry, f"{A}content").text == body_html(story)


@given(stories())
def test_atom_any_story_is_well_formed_or_refused(story: Story) -> None:
    try:
        text = storykit.feed([story], "atom", title="T")
    except UnrepresentableError:
        return
    entry = _one(ET.fromstring(text), f"{A}entry")
    # XML reads every line end as LF; everything else comes back as it was
    title = story.title.replace("\r\n", "\n").replace("\r", "\n")
    assert _one(entry, f"{A}title").text == title


@given(dump_stories())
def test_atom_printable_stories_come_back_exactly(story: Story) -> None:
    entry = _one(ET.fromstring(storykit.feed([story], "atom", title="T")), f"{A}entry")
    assert _one(entry, f"{A}title").text == story.title
    assert (_one(entry, f"{A}content").text or "") == body_html(story)  # empty: no text
    assert [c.get("term") for c in entry.findall(f"{A}category")] == list(story.tags)


# ----------------------------------------------------------------------------- JSON Feed


def _jsonfeed(stories_: list[Story], **options: Any) -> dict[str, Any]:
    return json.loads(storykit.feed(stories_, title="Feed", **options))  # jsonfeed by default


def test_jsonfeed_required_fields() -> None:
    doc = _jsonfeed(
        [DAY, TIMED, UNDATED],
        home_page_url="https://x.example/",
        feed_url="https://x.example/feed.json",
    )
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "Feed"
    assert doc["home_page_url"] == "https://x.example/"
    assert doc["feed_url"] == "https://x.example/feed.json"
    assert isinstance(doc["items"], list) and len(doc["items"]) == 3
    ids = [item["id"] for item in doc["items"]]
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == 3
    for item in doc["items"]:
        assert isinstance(item.get("content_html", item.get("content_text")), str)
        if "date_published" in item:
            assert validate_rfc3339(item["date_published"])
    # extensions start with an underscore and a letter (JSON Feed 1.1)
    assert all(k[0] != "_" or k[1].isalpha() for item in doc["items"] for k in item)


def test_jsonfeed_item_mapping() -> None:
    day, timed, undated = _jsonfeed([DAY, TIMED, UNDATED])["items"]
    assert day == {
        "id": "https://x.example/a?b=1&c=2",
        "url": "https://x.example/a?b=1&c=2",
        "title": DAY.title,
        "content_html": body_html(DAY),
        "content_text": "<script>alert(1)</script> & more\n\nNext\n\nTwo.",
        "summary": "<script>alert(1)</script> & more",
        "date_published": "2024-03-12T00:00:00Z",
        "authors": [{"name": "Harbour & Co"}],
        "tags": ["Transport", "A&B"],
        "_storykit": {"published": "2024-03-12"},  # the day, as the story has it
    }
    assert timed["date_published"] == "2024-03-13T08:30:00+02:00"
    assert "_storykit" not in timed
    assert undated == {
        "id": f"urn:storykit:{story_id(UNDATED)}",
        "title": "No source at all",
        "content_html": "",
        "content_text": "",
    }


def test_jsonfeed_time_without_offset_is_read_as_utc() -> None:
    naive = Story("T", source=Source(published=dt.datetime(2020, 2, 24, 1, 50)))
    (item,) = _jsonfeed([naive])["items"]
    assert item["date_published"] == "2020-02-24T01:50:00Z"
    assert item["_storykit"] == {"published": "2020-02-24T01:50:00"}


def test_a_moment_before_utcs_first_instant_is_written_as_that_instant() -> None:
    """RFC 3339 offsets are whole minutes, so an offset with seconds is converted to UTC; in
    the year 1 that conversion overflowed (``OverflowError`` from ``storykit.feed``)."""
    seconds = dt.timezone(dt.timedelta(seconds=30))
    early = Story("T", source=Source(published=dt.datetime(1, 1, 1, 0, 0, 10, tzinfo=seconds)))
    (item,) = _jsonfeed([early])["items"]
    assert item["date_published"] == "0001-01-01T00:00:00Z"
    entry = _atom([early]).find(f"{{{storykit.feeds.ATOM_NS}}}entry")
    assert entry is not None
    assert entry.findtext(f"{{{storykit.feeds.ATOM_NS}}}published") == "0001-01-01T00:00:00Z"


@given(stories())
def test_jsonfeed_any_story(story: Story) -> None:
    (item,) = _jsonfeed([story])["items"]
    assert item["title"] == story.title
    for paragraph in story.paragraphs:
        assert paragraph in item["content_text"]
    assert ("date_published" in item) == (story.published is not None)


# ----------------------------------------------------------------------------- arguments


def test_bad_arguments() -> None:
    with pytest.raises(UnknownFormatError, match="rss"):
        storykit.feed([DAY], "rss", title="T")
    with pytest.raises(ValueError, match="title"):
        storykit.feed([DAY], "atom", title=" ")
    with pytest.raises(ValueError, match="day_time"):
        storykit.feed([DAY], "atom", title="T", day_time=dt.time(0))
    with pytest.raises(ValueError, match="updated"):
        storykit.feed([DAY], "atom", title="T", updated=dt.datetime(2024, 1, 1))
    with pytest.raises(TypeError, match="wrap it in a list"):
        storykit.feed(DAY, title="T")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"stories\[0\]"):
        storykit.feed(["x"], title="T")  # type: ignore[list-item]


def test_feed_accepts_a_generator_and_keeps_order() -> None:
    doc = json.loads(storykit.feed((s for s in (TIMED, DAY)), title="T"))
    assert [item["title"] for item in doc["items"]] == [TIMED.title, DAY.title]
    assert _jsonfeed([])["items"] == []


def test_docs_examples_run_and_show_the_real_output() -> None:
    page = (ROOT / "docs" / "feeds.md").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    for block in re.findall(r"```python\n(.*?)```", page, re.S):
        exec(compile(block, "docs/feeds.md", "exec"), namespace)
    atom = storykit.feed(namespace["stories"], "atom", title="Harbour news",
                         home_page_url="https://harbour.example/",
                         feed_url="https://harbour.example/feed.atom")  # fmt: skip
    assert atom == namespace["atom"]
    shown_atom = re.findall(r"```xml\n(.*?)```", page, re.S)[0]
    shown_json = re.findall(r"```json\n(.*?)```", page, re.S)[0]
    assert shown_atom.replace(f'version="{storykit.__version__}"', 'version="0.1.0"') == (
        namespace["atom"].replace(f'version="{storykit.__version__}"', 'version="0.1.0"')
    )
    assert shown_json == namespace["jsonfeed"]
