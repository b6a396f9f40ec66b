"""The one URL rule (storykit._urls): http, https, mailto and relative URLs only.

Every writer that puts the story's URL where a program follows it (an HTML link, a feed's
link, url and id, JSON-LD's url, ninjs' uri) asks the same function; the formats that only
store the URL (dump, JSON, Markdown front matter, ninjs altIds) keep it as text.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

import storykit
from storykit import Section, Source, Story
from storykit._urls import is_safe_url
from storykit.formats import _html_text, html, markdown
from tests.htmltools import elements, parse_document

UNSAFE = (
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/svg+xml;base64,PHN2Zz4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/x",
)
SAFE = (
    "https://example.com/a?b=1&c=2",
    "HTTP://example.com/",
    "mailto:desk@example.com",
    "/stories/1",
    "stories/1",
    "//example.com/x",
    "?page=2",
    "#top",
    "no-scheme:here/",  # "-" may be in a scheme: this is one, and unknown
)


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize("url", SAFE[:-1])
def test_safe(url: str) -> None:
    assert is_safe_url(url)


def test_an_unknown_scheme_is_unsafe() -> None:
    assert not is_safe_url(SAFE[-1])
    assert is_safe_url("a/b:c")  # a ":" after a "/" is no scheme: a relative path


def _story(url: str) -> Story:
    return Story("T", source=Source("Desk", None, url), sections=[Section(None, ["Body."])])


def _json_feed_item(story: Story) -> dict[str, object]:
    item: dict[str, object] = json.loads(storykit.feed([story], "jsonfeed", title="F"))["items"][0]
    return item


def _atom_entry(story: Story) -> ET.Element:
    root = ET.fromstring(storykit.feed([story], "atom", title="F"))
    entry = root.find("{http://www.w3.org/2005/Atom}entry")
    assert entry is not None
    return entry


@pytest.mark.parametrize("url", [u for u in UNSAFE if "\n" not in u and "\x01" not in u])
def test_every_writer_that_links_drops_an_unsafe_url(url: str) -> None:
    story = _story(url)
    # JSON Feed: no url, and an id that is no link.
    item = _json_feed_item(story)
    assert "url" not in item
    assert str(item["id"]).startswith("urn:storykit:")
    # Atom: no link, a urn id.
    entry = _atom_entry(story)
    assert entry.find("{http://www.w3.org/2005/Atom}link") is None
    assert entry.findtext("{http://www.w3.org/2005/Atom}id", "").startswith("urn:storykit:")
    # JSON-LD, alone and inside the page.
    assert "url" not in json.loads(storykit.dumps(story, "jsonld"))
    page = storykit.dumps(story, "html", standalone=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert script is not None
    assert "url" not in json.loads(script[1])
    # HTML: the URL is shown as text, never as an href or a src.
    root, _ = parse_document(page)
    for element in elements(root):
        for name in ("href", "src", "action", "content"):
            assert not element.get(name, "").strip().lower().startswith(url.strip()[:4].lower())
    # ninjs: uri is a urn; the URL is kept as data in altIds, so it reads back.
    doc = json.loads(storykit.dumps(story, "ninjs"))
    assert doc["uri"].startswith("urn:storykit:")
    assert doc["altIds"] == [{"role": "storykit:url", "value": url}]
    assert storykit.loads(storykit.dumps(story, "ninjs"), "ninjs") == story


@pytest.mark.parametrize("url", ["https://example.com/a?b=1&c=2", "mailto:desk@example.com"])
def test_every_writer_keeps_a_safe_absolute_url(url: str) -> None:
    story = _story(url)
    assert _json_feed_item(story)["url"] == url
    assert _json_feed_item(story)["id"] == url
    link = _atom_entry(story).find("{http://www.w3.org/2005/Atom}link")
    assert link is not None
    assert link.get("href") == url
    assert json.loads(storykit.dumps(story, "jsonld"))["url"] == url
    assert json.loads(storykit.dumps(story, "ninjs"))["uri"] == url


def test_a_relative_url_is_kept_where_a_relative_url_can_stand() -> None:
    story = _story("/stories/1")
    assert _json_feed_item(story)["url"] == "/stories/1"
    assert json.loads(storykit.dumps(story, "jsonld"))["url"] == "/stories/1"
    doc = json.loads(storykit.dumps(story, "ninjs"))  # ninjs' uri must be absolute
    assert doc["uri"].startswith("urn:storykit:")
    assert doc["altIds"] == [{"role": "storykit:url", "value": "/stories/1"}]


def test_the_html_writer_asks_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # One function: forbidding https there makes the page link nothing (link_href lives in
    # the HTML format's _html_text, and storykit.formats.html re-exports it).
    assert html.link_href("https://example.com/") == "https://example.com/"
    monkeypatch.setattr(_html_text, "is_safe_url", lambda url: False)
    assert html.link_href("https://example.com/") is None


def test_the_markdown_writer_asks_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Markdown link to the original goes through the one rule too: forbidding https
    # there shows the URL as text.
    story = _story("https://example.com/a")
    assert "[View original source →](<https://example.com/a>)" in markdown.dumps(story)
    monkeypatch.setattr(markdown, "is_safe_url", lambda url: False)
    assert "[View original source" not in markdown.dumps(story)
    assert "https://example.com/a" in markdown.dumps(story)
