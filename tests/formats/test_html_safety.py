"""HTML: payloads in every field stay text; the one escape; which links are links."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Source, Story
from storykit.formats import _html_text, html, jsonld
from tests.formats.html_helpers import PAYLOADS, full_story
from tests.htmltools import (
    comments,
    elements,
    find_all,
    html_normalized,
    parse_document,
    parse_fragment,
    signature,
    text,
)
from tests.strategies import any_text


def _shapes(**options: bool) -> list[list[tuple[str, tuple[str, ...]]]]:
    """The tree shapes a benign story can have: with the link, or with the URL as text."""
    return [
        signature(parse(storykit.dumps(full_story(url=url), "html", **options))[0])
        for url in ("https://example.com/benign", "not a web link")
        for parse in ([parse_document] if options else [parse_fragment])
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("standalone", [False, True])
def test_payloads_in_every_field_stay_text(payload: str, standalone: bool) -> None:
    options = {"standalone": True} if standalone else {}
    parse = parse_document if standalone else parse_fragment
    story = full_story(payload, url=payload)
    root, errors = parse(storykit.dumps(story, "html", **options))
    assert errors == []
    # No element or attribute comes from content: the tree has a benign story's shape.
    assert signature(root) in _shapes(**options)
    assert comments(root) == []
    for element in elements(root):
        assert not any(name.lower().startswith("on") for name in element.attrib)
        href = element.get("href")
        if href is not None:
            assert href.startswith("https://example.com/")
            assert not set(href) & set(' "<>\t\n')  # ' is a URL character
    # The content shows as the very text it was.
    shown = html_normalized(payload)
    assert text(root.find(".//h1")) == shown
    assert [text(li) for li in find_all(root, "li")] == [shown, shown]
    assert text(root.find(".//span[@class='storykit-alt']")) == shown
    assert all(text(p) == shown for p in root.find(".//article").findall("p"))
    if standalone:
        assert text(root.find("head/title")) == shown
        (script,) = find_all(root, "script")
        assert script.get("type") == "application/ld+json"
        assert "<" not in text(script) and ">" not in text(script) and "&" not in text(script)
        assert json.loads(text(script)) == jsonld.to_dict(story, lang="en", body=False)


def test_escape_is_the_one_boundary() -> None:
    assert html.escape("""<a href="x" title='y'>&amp;</a>""") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;amp;&lt;/a&gt;"
    )
    # Code points HTML forbids become U+FFFD; white space and everything else stays.
    assert html.escape("a\x00b\x07c\x7fd\x85e\ud800f\ufdd0g\uffffh\U0010ffff") == (
        "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffd"
    )
    assert html.escape("tab\tnl\nff\fcr\r nbsp\u00a0 小米 \u2011 🙂") == (
        "tab\tnl\nff\fcr\r nbsp\u00a0 小米 \u2011 🙂"
    )


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.com/", "https://example.com/"),
        ("HTTP://Example.COM/Path?q=1&r=2#top", "http://Example.COM/Path?q=1&r=2#top"),
        ("  https://example.com/a b  ", "https://example.com/a%20b"),
        ('https://example.com/"><svg onload=x>', "https://example.com/%22%3E%3Csvg%20onload=x%3E"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a%20b", "https://example.com/a%20b"),
        ("https://example.com/ü", "https://example.com/%C3%BC"),
        ("https://example.com/#a#b", "https://example.com/#a%23b"),
        ("https://example.com/[x]|{y}^`\\", "https://example.com/%5Bx%5D%7C%7By%7D%5E%60%5C"),
        ("https://example.com:8080", "https://example.com:8080"),
        ("https://bücher.example/", "https://bücher.example/"),
        ("http://192.168.0.1/x", "http://192.168.0.1/x"),
        (
            "https://www.gregoryszorc.com/mercurial%27s-journey",
            "https://www.gregoryszorc.com/mercurial%27s-journey",
        ),
    ],
)
def test_link_href_for_web_links(url: str, href: str) -> None:
    assert html.link_href(url) == href


def test_a_host_character_is_a_letter_or_digit_a_hyphen_or_an_underscore() -> None:
    # the link rule's host labels: [\w-] is [^\W_] (letters and digits), "-" or "_", for
    # every code point
    spelled_out = re.compile(r"(?:[^\W_]|[-_])", re.IGNORECASE | re.DOTALL)
    host_char = re.compile(_html_text._HOST_CHAR, re.IGNORECASE | re.DOTALL)
    for code in range(0x110000):
        char = chr(code)
        assert bool(host_char.fullmatch(char)) == bool(spelled_out.fullmatch(char)), hex(code)


# A URL's rest (path, query, fragment) from the characters the quoting treats apart: the
# ones it keeps, "#" and "%" (with and without hex digits after), and ones it encodes.
_URL_RESTS = st.lists(
    st.sampled_from(
        [*_html_text._AS_IT_IS, "#", "%", "%2", "%2f", "%G1", " ", '"', "<", "é", "[", "\\"]
    )
    | st.text(max_size=3),
    max_size=12,
).map("".join)


@given(_URL_RESTS)
@example("/2022/04/pm-attends-financial-access-roundtable-in-barbados/")
@example("/a%20b?x=1&y='z'")
@example("/a#b#c")
@example("/100%")
def test_link_href_keeps_as_it_is_a_rest_the_quoting_keeps(rest: str) -> None:
    # link_href skips the quoting for a rest made only of _AS_IT_IS: the quoting would
    # leave it as it is
    url = "https://example.com/" + rest.lstrip("/")
    href = html.link_href(url)
    if not url[len("https://example.com") :].rstrip(_html_text._AS_IT_IS):
        assert href == url
        assert quote(rest, safe=_html_text._URL_SAFE) == rest
        assert _html_text._BAD_PERCENT.sub("%25", rest) == rest
    elif href is not None:
        assert href.startswith("https://example.com/")
        assert href[len("https://example.com") :].isascii()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "mailto:someone@example.com",
        "//example.com/path",
        "/relative/path",
        "example.com",
        "https://",
        "https:///path",
        "https://exa mple.com/",
        "https://ex<ample.com/",
        "https://user:pass@example.com/",
        "https://example.com\\@evil.example/",
        "https://example.com:99999/",
        "https://1.2.3.999/",
        "https://[::1]/",
    ],
)
def test_link_href_refuses(url: str) -> None:
    assert html.link_href(url) is None


def test_a_url_that_is_not_a_web_link_is_shown_not_linked() -> None:
    story = Story("T", source=Source("S", None, "javascript:alert(1)"))
    root, _ = parse_fragment(storykit.dumps(story, "html"))
    assert find_all(root, "a") == []
    assert text(root.find(".//p[@class='storykit-original']")) == (
        "Original source: javascript:alert(1)"
    )


@given(st.lists(any_text(), max_size=6))
@example(["a & b", "<i>", "x"])
@example(["\x00", 'it\'s "quoted"'])
@example(["&lt;", "\ufdd0 &"])
def test_escaping_many_texts_at_once_is_escaping_each(texts: list[str]) -> None:
    assert _html_text.escape_many(texts) == [html.escape(text) for text in texts]
