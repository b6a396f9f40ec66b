from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given

import storykit
from storykit import Credit, Image, Section, Source, Story
from storykit.formats import jsonld
from tests.conftest import CORPUS_STORIES, NO_CORPUS, SEED
from tests.strategies import stories

UTC = dt.UTC


def test_seed() -> None:
    # Checked by hand against seeds/000_1f0ab7ed21f31e00.txt.
    doc = jsonld.to_dict(storykit.load(SEED))
    body = doc.pop("articleBody")
    assert doc == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Xiaomi is pouring billions into AI to future\u2011proof its hardware empire",
        "datePublished": "2026-05-25",
        "publisher": {"@type": "Organization", "name": "SCMP"},
        "sourceOrganization": {"@type": "Organization", "name": "SCMP"},
        "image": {
            "@type": "ImageObject",
            "caption": "Close-up of a futuristic robotic toy against a gradient background, "
            "symbolizing innovation and technology.",
            "creditText": "Photo by Pavel Danilyuk on Pexels",
            "creator": {"@type": "Person", "name": "Pavel Danilyuk"},
            "provider": {"@type": "Organization", "name": "Pexels"},
        },
        "keywords": ["AI", "EVs", "Semiconductors", "Smartphones"],
        "articleSection": ["The play", "The evidence", "Geopolitical context and why it matters"],
    }
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Xiaomi (小米) is betting big")
    assert paragraphs[2].endswith("vertically integrated contender.")


def test_a_day_stays_a_day() -> None:
    # A story dated by day alone gets the date only: no midnight is invented.
    day = Story("T", source=Source("S", dt.date(2026, 5, 25)))
    assert jsonld.to_dict(day)["datePublished"] == "2026-05-25"
    moment = Story("T", source=Source("S", dt.datetime(2020, 2, 24, 1, 50, tzinfo=UTC)))
    assert jsonld.to_dict(moment)["datePublished"] == "2020-02-24T01:50:00Z"
    offset = dt.timezone(dt.timedelta(hours=5, minutes=30))
    local = Story("T", source=Source("S", dt.datetime(2021, 11, 3, 7, 55, tzinfo=offset)))
    assert jsonld.to_dict(local)["datePublished"] == "2021-11-03T07:55:00+05:30"


def test_missing_values_are_left_out() -> None:
    assert jsonld.to_dict(Story("Only a title")) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Only a title",
    }
    story = Story(
        "T",
        source=Source(url="https://example.com/a"),
        image=Image(credit=Credit("image", None, "AFP")),
        sections=[Section(None, ["Lead."]), Section("H", ["One.", "Two."])],
    )
    assert jsonld.to_dict(story, lang="fr") == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "T",
        "url": "https://example.com/a",
        "isBasedOn": "https://example.com/a",
        "image": {
            "@type": "ImageObject",
            "creditText": "Image: AFP",
            "provider": {"@type": "Organization", "name": "AFP"},
        },
        "articleSection": ["H"],
        "articleBody": "Lead.\n\nOne.\n\nTwo.",
        "inLanguage": "fr",
    }


@pytest.mark.parametrize(
    ("credit", "shown"),
    [
        (Credit("photo", "Pavel Danilyuk", "Pexels"), "Photo by Pavel Danilyuk on Pexels"),
        (Credit("photo", "Priya Raman"), "Photo by Priya Raman"),
        (Credit("photo", None, "Shutterstock"), "Photo: Shutterstock"),
        (Credit("photograph", "Aiko Nakamura", "Kyodo"), "Photograph by Aiko Nakamura/Kyodo"),
        (Credit("illustration", "Hannah Schmidt"), "Illustration by Hannah Schmidt"),
    ],
)
def test_credit_text(credit: Credit, shown: str) -> None:
    assert str(credit) == shown
    story = Story("T", image=Image(credit=credit))
    assert jsonld.to_dict(story)["image"]["creditText"] == shown


def test_dumps_and_registry(tmp_path: Path) -> None:
    story = storykit.load(SEED)
    text = storykit.dumps(story, "jsonld")
    assert text.endswith("}\n")
    assert "小米" in text  # UTF-8, not escapes, in a .jsonld file
    assert json.loads(text) == jsonld.to_dict(story)
    storykit.dump(story, tmp_path / "story.jsonld")
    assert (tmp_path / "story.jsonld").read_text(encoding="utf-8") == text
    assert json.loads(storykit.dumps(story, "jsonld", indent=None, lang="en"))["inLanguage"] == "en"
    with pytest.raises(storykit.UnknownFormatError, match="written but not read"):
        storykit.loads(text, "jsonld")
    assert jsonld.detect(text)
    assert not jsonld.detect(storykit.dumps(story, "json"))


def test_html_safe_cannot_end_a_script() -> None:
    nasty = "</script><script>alert(1)</script><!-- & \x7f\x85\U0010fffe 小米"
    story = Story(nasty, tags=[nasty], source=Source(nasty, None, nasty))
    text = jsonld.dumps(story, html_safe=True)
    assert text.isascii()
    assert not set(text) & set("<>&\x7f")
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == jsonld.to_dict(story)  # same values, read back exactly


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus() -> None:
    for path in CORPUS_STORIES:
        story = storykit.load(path)
        doc = json.loads(jsonld.dumps(story, html_safe=True))
        assert doc["headline"] == story.title
        assert doc.get("keywords", []) == list(story.tags)
        assert doc.get("articleBody") == ("\n\n".join(story.paragraphs) or None)
        assert doc.get("articleSection", []) == list(story.headings)
        published = story.published
        if published is not None:
            assert ("T" in doc["datePublished"]) == isinstance(published, dt.datetime)


@given(stories())
def test_any_story_round_trips_through_html_safe_json(story: Story) -> None:
    text = jsonld.dumps(story, indent=None, html_safe=True)
    assert text.isascii() and "<" not in text
    assert json.loads(text) == jsonld.to_dict(story)
