"""HTML: the text of any story and of the corpus reads back exactly; any page parses cleanly."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

import storykit
from storykit import Story
from storykit.formats import html, jsonld
from tests.conftest import CORPUS_STORIES, NO_CORPUS
from tests.htmltools import find_all, html_normalized, parse_document, parse_fragment, text
from tests.strategies import stories

# ----------------------------------------------------------------------------- corpus, any story


def _check_text_round_trip(story: Story, out: str) -> None:
    root, errors = parse_fragment(out)
    assert errors == []
    n = html_normalized
    article = root.find("article")
    header = article.find("header")
    assert text(header.find("h1")) == n(story.title)
    lead = (
        story.sections[0].paragraphs if story.sections and story.sections[0].heading is None else ()
    )
    assert [text(p) for p in article.findall("p")] == [n(p) for p in lead]
    headed = [s for s in story.sections if s.heading is not None]
    assert [
        (text(s.find("h2")), [text(p) for p in s.findall("p")]) for s in article.findall("section")
    ] == [(n(s.heading or ""), [n(p) for p in s.paragraphs]) for s in headed]
    assert [text(li) for li in article.findall("footer/ul/li")] == [n(t) for t in story.tags]
    image = story.image
    alt = header.find("figure/figcaption/span[@class='storykit-alt']")
    credit = header.find("figure/figcaption/span[@class='storykit-credit']")
    assert (alt is None) == (image is None or image.alt is None)
    assert (credit is None) == (image is None or image.credit is None)
    if image is not None and image.alt is not None:
        assert text(alt) == n(image.alt)
    if image is not None and image.credit is not None:
        assert text(credit) == n(str(image.credit))
    outlet = header.find("p/span[@class='storykit-outlet']")
    name = story.source.name if story.source else None
    assert (text(outlet) if outlet is not None else None) == (n(name) if name else None)
    links = find_all(root, "a")
    href = html.link_href(story.url) if story.url else None
    assert [a.get("href") for a in links] == ([href] if href else [])


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_stories_read_back_exactly() -> None:
    for path in CORPUS_STORIES:
        story = storykit.load(path)
        _check_text_round_trip(story, storykit.dumps(story, "html"))
        page = storykit.dumps(story, "html", standalone=True)
        root, errors = parse_document(page)
        assert errors == [], path.name
        (script,) = find_all(root, "script")
        assert json.loads(text(script)) == jsonld.to_dict(story, lang="en", body=False), path.name


@given(stories())
def test_any_story_reads_back_exactly(story: Story) -> None:
    _check_text_round_trip(story, storykit.dumps(story, "html"))


@given(stories())
def test_any_story_page_parses_cleanly(story: Story) -> None:
    root, errors = parse_document(storykit.dumps(story, "html", standalone=True))
    assert errors == []
    assert text(root.find("head/title")) == html_normalized(story.title)
    (script,) = find_all(root, "script")
    assert json.loads(text(script)) == jsonld.to_dict(story, lang="en", body=False)
