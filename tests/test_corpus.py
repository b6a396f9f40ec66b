"""Every story of the development corpus reads into exactly its expected fields."""

from __future__ import annotations

import json
from pathlib import Path

import storykit
from storykit import Story


def fields(story: Story) -> dict[str, object]:
    image, source = story.image, story.source
    credit = image.credit if image is not None else None
    published = source.published if source is not None else None
    return {
        "title": story.title,
        "image_alt": image.alt if image is not None else None,
        "credit": None
        if credit is None
        else {"role": credit.role, "name": credit.name, "provider": credit.provider},
        "source_name": source.name if source is not None else None,
        "published": published.isoformat()[:10] if published is not None else None,
        "sections": [
            {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in story.sections
        ],
        "tags": list(story.tags),
        "original_url": story.url,
    }


def test_expected_fields(corpus_story: Path) -> None:
    expected = json.loads(
        (corpus_story.parent.parent / "expected" / f"{corpus_story.stem}.json").read_text("utf-8")
    )
    got = fields(storykit.load(corpus_story))
    assert got == {key: expected[key] for key in got}


def test_no_diagnostics(corpus_story: Path) -> None:
    from storykit.formats import text

    _, diagnostics = text.read(corpus_story.read_text(encoding="utf-8-sig"))
    assert diagnostics == []
