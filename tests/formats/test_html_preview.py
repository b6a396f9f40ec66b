"""The standalone page's preview tags: description, canonical link, Open Graph, Twitter card."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given

import storykit
from storykit import Image, Section, Source, Story
from storykit.formats import html
from tests.conftest import CORPUS_STORIES, NO_CORPUS, SEED
from tests.formats.html_helpers import PAYLOADS, full_story
from tests.htmltools import find_all, html_normalized, parse_document
from tests.strategies import stories


def head_meta(page: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The ``(property or name, content)`` of each ``<meta>`` in order, and canonical hrefs."""
    root, errors = parse_document(page)
    assert errors == []
    head = root.find("head")
    assert head is not None
    pairs = [
        (m.get("property") or m.get("name") or "", m.get("content") or "")
        for m in head.iter("meta")
        if m.get("content") is not None
    ]
    canonical = [
        link.get("href") or "" for link in head.iter("link") if link.get("rel") == "canonical"
    ]
    return pairs, canonical


def values(pairs: list[tuple[str, str]], key: str) -> list[str]:
    return [value for name, value in pairs if name == key]


def test_seed_page_carries_the_preview_tags() -> None:
    # Checked by hand against the seed dump: its first paragraph, tags, date and image alt.
    seed = storykit.load(SEED)
    pairs, canonical = head_meta(storykit.dumps(seed, "html", standalone=True))
    first = (
        "Xiaomi (小米) is betting big on artificial intelligence to keep its sprawling hardware"
        " business relevant as phones and cars become smarter. How does a mass‑market device"
        " maker survive in an AI‑first…"
    )
    assert pairs == [
        ("viewport", "width=device-width, initial-scale=1"),
        ("description", first),
        ("og:type", "article"),
        ("og:title", seed.title),
        ("og:description", first),
        ("og:site_name", "SCMP"),
        ("og:image:alt", seed.image.alt),  # type: ignore[union-attr]
        ("article:published_time", "2026-05-25"),
        ("article:tag", "AI"),
        ("article:tag", "EVs"),
        ("article:tag", "Semiconductors"),
        ("article:tag", "Smartphones"),
        ("twitter:card", "summary"),
        ("twitter:title", seed.title),
        ("twitter:description", first),
        ("twitter:image:alt", seed.image.alt),  # type: ignore[union-attr]
    ]
    assert canonical == []  # the seed has no URL


def test_url_gives_canonical_link_and_og_url() -> None:
    story = full_story(url='https://example.com/a b?x=1&y="2"')
    pairs, canonical = head_meta(storykit.dumps(story, "html", standalone=True))
    href = "https://example.com/a%20b?x=1&y=%222%22"
    assert html.link_href(story.url or "") == href
    assert canonical == [href]
    assert values(pairs, "og:url") == [href]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "/relative"])
def test_url_the_url_rule_refuses_is_left_out(url: str) -> None:
    page = storykit.dumps(full_story(url=url), "html", standalone=True)
    pairs, canonical = head_meta(page)
    assert canonical == []
    assert values(pairs, "og:url") == []
    assert not [value for _, value in pairs if url in value]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_every_preview_tag(payload: str) -> None:
    story = full_story(payload)
    page = storykit.dumps(story, "html", standalone=True)
    root, errors = parse_document(page)
    assert errors == []
    head = root.find("head")
    assert head is not None
    assert {e.tag for e in head.iter()} <= {"head", "meta", "title", "link", "style", "script"}
    assert len(find_all(root, "script")) == 1
    pairs, _ = head_meta(page)
    expected = html_normalized(payload)
    assert values(pairs, "og:title") == [expected]
    assert values(pairs, "article:tag") == [expected, expected]
    assert values(pairs, "og:image:alt") == [expected]


def test_description_is_the_first_paragraph_cut_at_a_word() -> None:
    long = "word " * 100
    story = Story("T", sections=[Section(None, [long.strip(), "second"])])
    cut = html.description(story)
    assert cut is not None
    assert len(cut) <= 200
    assert cut.endswith("word…")
    assert ("word " * 100).startswith(cut[:-1])
    spaced = Story("T", sections=[Section("H", ["  a\n\tparagraph  on\nlines "])])
    assert html.description(spaced) == "a paragraph on lines"
    bare = Story("T", source=Source("S"), image=Image("alt"))
    assert html.description(bare) is None
    pairs, _ = head_meta(storykit.dumps(bare, "html", standalone=True))
    assert values(pairs, "description") == values(pairs, "og:description") == []
    assert values(pairs, "og:title") == ["T"]
    assert values(pairs, "twitter:card") == ["summary"]


def test_published_time_is_the_html_date() -> None:
    offset = dt.timezone(dt.timedelta(hours=8))
    story = Story("T", source=Source("S", dt.datetime(2026, 5, 25, 8, 30, tzinfo=offset)))
    pairs, _ = head_meta(storykit.dumps(story, "html", standalone=True))
    assert values(pairs, "article:published_time") == ["2026-05-25T08:30+08:00"]


@given(stories())
def test_any_story_preview_tags_hold_its_text(story: Story) -> None:
    pairs, canonical = head_meta(storykit.dumps(story, "html", standalone=True))
    assert values(pairs, "og:title") == [html_normalized(story.title)]
    assert values(pairs, "article:tag") == [html_normalized(t) for t in story.tags]
    href = html.link_href(story.url) if story.url is not None else None
    assert canonical == ([href] if href else [])


# --------------------------------------------------------------------------- extruct


def _extruct_og(page: str) -> list[tuple[str, str]]:
    extruct = pytest.importorskip("extruct")
    found = extruct.extract(page, syntaxes=["opengraph"], uniform=False)["opengraph"]
    assert len(found) == 1
    return [tuple(pair) for pair in found[0]["properties"]]  # type: ignore[misc]


def _check_with_extruct(story: Story) -> None:
    page = storykit.dumps(story, "html", standalone=True)
    og = _extruct_og(page)
    assert values(og, "og:type") == ["article"]
    assert values(og, "og:title") == [story.title]
    summary = html.description(story)
    if story.paragraphs:
        first = " ".join(story.paragraphs[0].split())
        assert summary is not None
        assert values(og, "og:description") == [summary]
        assert first.startswith(summary.removesuffix("…"))
    else:
        assert values(og, "og:description") == []
    href = html.link_href(story.url) if story.url else None
    assert values(og, "og:url") == ([href] if href else [])
    alt = story.image.alt if story.image else None
    assert values(og, "og:image:alt") == ([alt] if alt else [])
    published = story.published
    assert values(og, "article:published_time") == (
        [html.machine_date(published)] if published else []
    )
    assert values(og, "article:tag") == list(story.tags)


def test_extruct_reads_the_seed_page() -> None:
    _check_with_extruct(storykit.load(SEED))
    _check_with_extruct(full_story(url="https://example.com/x?a=1&b=2"))


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_extruct_reads_every_corpus_page() -> None:
    with_url = 0
    for path in CORPUS_STORIES:
        for story in storykit.iter_stories(path):
            _check_with_extruct(story)
            with_url += story.url is not None
    assert with_url > 0  # og:url was checked on some
