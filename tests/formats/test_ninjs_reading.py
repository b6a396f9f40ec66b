"""ninjs: reading agency documents (3.x, 2.x, 1.x) and bad documents, any JSON object."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError
from storykit.formats import ninjs
from tests.conftest import ROOT
from tests.formats.ninjs_helpers import FIXTURES, UTC

# ----------------------------------------------------------------------------- agency documents


def test_agency_3x_text_with_picture() -> None:
    # tests/fixtures/ninjs/*.ninjs are hand-written in the shape of agency feeds; the
    # expected values below were read off the fixture by hand.
    doc = ninjs.read((FIXTURES / "nna-3.1-text-picture.ninjs").read_text(encoding="utf-8"))
    story = doc.story
    assert story.title == "Harbour ferry returns after winter repairs"
    assert story.source == Source(
        "NNA",
        dt.datetime(2024, 3, 12, 6, 58, tzinfo=UTC),  # firstCreated 07:58+01:00
        "https://media.nna.example/text/20240312-harbour-ferry-7c1e",
    )
    # the HTML body is used: the repeated <h1> headline, the dateline <div> and the
    # <figure> are left out of the sections (the dateline, text in no paragraph, is kept in
    # the extras); links and entities are resolved, white space collapsed
    assert story.sections == (
        Section(
            None,
            [
                "The harbour ferry resumes service on Monday after three months in dry "
                "dock, the city transport office said.",
                "We have replaced both engines, said fleet manager Ola Berg.",
            ],
        ),
        Section(
            "Timetable",
            ["Tickets bought for the old timetable remain valid & can be used until 31 March."],
        ),
    )
    assert story.image == Image(
        "The ferry in dry dock in January.", Credit("photo", "Kari Lund", "NNA")
    )
    assert story.tags == ("Transport", "Ferries")  # the subject without a name is skipped
    assert story.credits == ()
    assert story.extras == (
        "Commuters get their 12-minute crossing back on Monday",
        "The harbour ferry resumes service on Monday after three months in dry dock, the "
        "city transport office said.",
        "Transport NNA",
    )
    # nothing is lost: the whole document, and what was not used at all
    assert doc.data["associations"][0]["renditions"][0]["width"] == 4500
    assert doc.rest["urgency"] == 4
    assert doc.rest["versionCreated"] == "2024-03-12T09:14:27+01:00"
    assert {"people", "places", "genres", "altIds", "slugline", "expires"} <= set(doc.rest)
    assert not {"headlines", "bodies", "uri", "subjects", "associations"} & set(doc.rest)


def test_agency_2x_html_only_with_urn_and_byline() -> None:
    doc = ninjs.read((FIXTURES / "agency-2.x-html-only.ninjs").read_text(encoding="utf-8"))
    story = doc.story
    assert story.title == "Faktencheck: Hat die Stadt beim Radweg recht?"
    berlin = dt.timezone(dt.timedelta(hours=2))
    assert story.source == Source("agency", dt.datetime(2024, 5, 1, 16, 2, 28, tzinfo=berlin))
    assert story.credits == (Credit("byline", "Von Anna Beispiel, agency"),)
    assert story.sections == (
        Section(
            None,
            [
                "Die Stadt sagt, der neue Radweg sei «der sicherste im Land».",
                "BEHAUPTUNG: Der Weg sei überall zwei Meter breit.",
            ],
        ),
        # <br/> is a line break, collapsed like all HTML white space; the blank <p> is dropped
        Section("BEWERTUNG", ["Das stimmt nur zum Teil.", "An zwei Stellen ist er schmaler."]),
    )
    assert story.image is None
    assert doc.rest["uri"] == "urn:newsml:agency.example:20240501:240501-99-123456"


def test_ninjs_1x_lowercase_keys() -> None:
    story = storykit.load(FIXTURES / "wire-1.x-lowercase.ninjs")
    assert story.title == "City council votes to extend night buses"
    assert story.source == Source(None, dt.date(2019, 11, 15), "http://wire.example/items/5e2d9a7c")
    assert story.sections == (
        Section(
            None,
            [
                "Night buses will run until 3 a.m. from January, the council decided.",
                "The vote was 31 to 12.",
            ],
        ),
    )
    assert story.tags == ("Politics", "Transport", "City council")  # duplicates dropped
    assert story.image == Image(
        "A night bus at the central station.", Credit("photo", "Lee Example")
    )
    assert story.credits == (Credit("byline", "By Sam Example"),)
    assert story.extras == ("Night buses will run until 3 a.m. from January.",)


def test_agency_story_converts_to_other_formats() -> None:
    story = storykit.load(FIXTURES / "nna-3.1-text-picture.ninjs")
    assert storykit.loads(storykit.dumps(story, "json"), "json") == story
    assert storykit.loads(storykit.dumps(story, "ninjs"), "ninjs") == story


def test_plain_body_when_there_is_no_html() -> None:
    doc = {
        "uri": "urn:x:1",
        "headlines": [{"value": "Title"}],
        "bodies": [{"contentType": "text/plain", "value": "Title\nFirst line.\r\nSecond line."}],
    }
    story = ninjs.from_dict(doc).story
    assert story.sections == (Section(None, ["First line.", "Second line."]),)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("doc", "path", "message"),
    [
        ({"uri": "urn:x:1", "headlines": [{"value": 5}]}, "headlines[0].value", "a string"),
        ({"uri": "urn:x:1", "headlines": "T"}, "headlines", "an array"),
        ({"uri": "urn:x:1", "headlines": [{"value": " "}]}, "headlines", "no headline"),
        ({"uri": "urn:x:1"}, "headlines", "no headline"),
        (
            {"headline": "T", "bodies": [{"contentType": "text/html", "value": None}]},
            "bodies[0].value",
            "got null",
        ),
        ({"headline": "T", "firstCreated": "yesterday"}, "firstCreated", "ISO 8601"),
        ({"headline": "T", "firstCreated": 20240101}, "firstCreated", "a string"),
        ({"headline": "T", "subjects": [{"name": ["x"]}]}, "subjects[0].name", "a string"),
        ({"headline": "T", "keywords": "a, b"}, "keywords", "an array"),
        ({"headline": "T", "associations": [7]}, "associations[0]", "an object"),
        (
            {
                "headline": "T",
                "profile": "storykit/1",
                "associations": [
                    {"name": "photo", "rel": "credit", "infoSources": [{"name": "A", "role": "x"}]}
                ],
            },
            "associations[0].infoSources[0].role",
            "creator",
        ),
        (  # an image with neither alt text nor a credit
            {"headline": "T", "profile": "storykit/1", "associations": [{"rel": "image"}]},
            "associations[0]",
            "needs alt text or a credit",
        ),
        (  # a credit that names no one
            {
                "headline": "T",
                "profile": "storykit/1",
                "associations": [{"name": "photo", "rel": "credit", "infoSources": []}],
            },
            "associations[0].infoSources",
            "needs a name or a provider",
        ),
    ],
)
def test_bad_documents_name_the_path(doc: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(StoryParseError, match=r"item\.ninjs") as info:
        storykit.loads(json.dumps(doc), "ninjs", filename="item.ninjs")
    assert info.value.path == path
    assert message in info.value.message


_KEYS = st.sampled_from(
    ["uri", "profile", "headlines", "headline", "bodies", "body_html", "firstCreated",
     "copyrightHolder", "subjects", "keywords", "associations", "descriptions", "altIds", "by",
     "value", "role", "contentType", "name", "rel", "type", "infoSources"]
)  # fmt: skip
_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.sampled_from(
    ["storykit/1", "text/html", "main", "image", "credit", "picture", "creator", "alt",
     "storykit:published", "storykit:url", "<h2>x</h2><p>y</p>", "2024-01-01", "urn:x"]
)  # fmt: skip
_JSON = st.recursive(
    _LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=5)
)


_ITEMS = st.lists(st.dictionaries(_KEYS, _JSON, max_size=4), max_size=3)  # like headlines


@given(st.dictionaries(_KEYS, _JSON | _ITEMS, max_size=8), st.booleans())
def test_any_json_object_gives_a_story_or_a_parse_error(
    doc: dict[str, Any], with_headline: bool
) -> None:
    if with_headline:  # get past the headline, to the rest of the reader
        doc = {**doc, "headline": "T"}
    text = json.dumps(doc)
    try:
        story = storykit.loads(text, "ninjs")
    except StoryParseError as exc:  # the only error allowed, and it says where
        error: StoryParseError | None = exc
    else:
        error = None
        assert isinstance(story, Story)
    assert error is None or error.path is not None


@pytest.mark.parametrize(
    "association",
    [{"type": ["picture"]}, {"type": "picture", "descriptions": [{"role": ["alt"], "value": "x"}]}],
)
def test_odd_values_where_words_are_expected_are_not_words(association: dict[str, Any]) -> None:
    story = ninjs.from_dict({"headline": "T", "associations": [association]}).story
    assert story.image is None or story.image.alt == "x"


def test_not_json_or_not_an_object() -> None:
    with pytest.raises(StoryParseError) as info:
        storykit.loads('{"uri": ', "ninjs")
    assert info.value.line == 1
    with pytest.raises(StoryParseError, match="expected a ninjs JSON object, got an array"):
        storykit.loads("[]", "ninjs")


def test_docs_examples_run_and_show_the_real_output() -> None:
    page = (ROOT / "docs" / "formats" / "ninjs.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    namespace: dict[str, Any] = {}
    for block in blocks:  # run from the repository root, as a reader would
        exec(compile(block, "docs/formats/ninjs.md", "exec"), namespace)
    shown = re.findall(r"```json\n(.*?)```", page, re.S)[0]
    assert shown == storykit.dumps(namespace["story"], "ninjs")


def test_the_reader_is_loaded_when_a_document_is_first_read() -> None:
    code = (
        "import sys, storykit\n"
        "text = storykit.dumps(storykit.Story('T'), 'ninjs')\n"
        "print('storykit.formats._ninjs_reader' in sys.modules)\n"
        "story = storykit.loads(text, 'ninjs')\n"
        "print('storykit.formats._ninjs_reader' in sys.modules, story.title)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.splitlines() == ["False", "True T"]


@pytest.mark.parametrize(
    ("body", "paragraphs", "extras"),
    [
        # text in no paragraph element was dropped without a word
        ("bare text", ["bare text"], []),
        ("one<br>still one<br><br>two<br/>\n<br>three", ["one still one", "two", "three"], []),
        ("<div>in a div</div>", ["in a div"], []),
        ("<table><tr><td>cell a</td><td>cell b</td></tr></table>", ["cell a", "cell b"], []),
        ("<h1>T</h1>after the headline", ["after the headline"], []),
        # beside paragraphs, it is kept in the extras
        ("<p>a</p>tail text", ["a"], ["tail text"]),
        ("<div>Dateline</div><p>a</p><div>x <b>y</b></div>", ["a"], ["Dateline", "x y"]),
        ("<blockquote><p>a</p>b</blockquote>", ["a"], ["b"]),
        # what was read before is read as before
        ("<p>a<br><br>b</p> &nbsp; <figure><figcaption>c</figcaption></figure>", ["a b"], []),
    ],
)
def test_body_text_outside_paragraphs_is_not_lost(
    body: str, paragraphs: list[str], extras: list[str]
) -> None:
    story = storykit.loads(json.dumps({"uri": "x", "headline": "T", "body_html": body}), "ninjs")
    assert [p for section in story.sections for p in section.paragraphs] == paragraphs
    assert list(story.extras) == extras


@pytest.mark.parametrize("profile", [None, "storykit/1"])
@pytest.mark.parametrize(
    ("body", "paragraph"),
    [
        # html.unescape drops references to controls and noncharacters: the text was lost
        ("<p>a&#x1b;b</p>", "a\x1bb"),
        ("<p>a&#27;b</p>", "a\x1bb"),
        ("<p>a&#x7F;b&#1;c</p>", "a\x7fb\x01c"),
        ("<p>a&#x81;b&#xFFFE;c</p>", "a\x81b\ufffec"),
        # what the HTML standard maps is mapped as before (Windows-1252, NUL, surrogates)
        ("<p>&#x80;&#x85; &#0;&#xD800; &#x110000;</p>", "\u20ac\u2026 \ufffd\ufffd \ufffd"),
        ("<p>&amp;#27; &notit; &#65</p>", "&#27; \u00acit; A"),
        # a reference of thousands of digits raised ValueError ("Exceeds the limit")
        (f"<p>a&#{'9' * 5000};b&#x{'f' * 5000};c&#{'0' * 5000}66;</p>", "a\ufffdb\ufffdcB"),
    ],
)
def test_character_references_read_as_the_html_standard_says(
    body: str, paragraph: str, profile: str | None
) -> None:
    doc = {"uri": "x", "headline": "T", "body_html": body}
    if profile:
        doc["profile"] = profile
    story = storykit.loads(json.dumps(doc), "ninjs")
    assert story.paragraphs == (paragraph,)
