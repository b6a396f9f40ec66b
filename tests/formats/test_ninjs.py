"""ninjs: the writer's mapping of a story, and its output against the official schema."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given

import storykit
from storykit import Credit, Image, Section, Source, Story
from storykit.export import story_id
from storykit.formats import ninjs
from tests.conftest import SEED, SHARED
from tests.formats.ninjs_helpers import FIXTURES, UTC
from tests.strategies import stories

SCHEMA_PATH = SHARED / "schemas" / "ninjs-schema_3.1.json"


@cache
def _schema_validator() -> jsonschema.Draft202012Validator | None:
    """The official IPTC ninjs 3.1 schema, checking formats (date-time, uri) too."""
    if not SCHEMA_PATH.is_file():
        return None
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def validator() -> jsonschema.Draft202012Validator:
    checker = _schema_validator()
    if checker is None:
        pytest.skip(f"the ninjs 3.1 schema is not at {SCHEMA_PATH} (set STORYKIT_SHARED)")
    return checker


def _errors(validator: jsonschema.Draft202012Validator, doc: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]


FULL = Story(
    "Ferry <returns> & more",
    source=Source(
        "Harbour Times", dt.datetime(2024, 3, 12, 7, 58, tzinfo=UTC), "https://x.example/a"
    ),
    image=Image("A ferry in dock", Credit("photo", "Kari Lund", "Pexels")),
    credits=[Credit("illustration", None, "Studio X")],
    sections=[
        Section(None, ["Lead with a <b>tag</b> & an ampersand."]),
        Section("What next", ["  Spaces kept,\nline break too  ", "Second."]),
        Section("Empty heading"),
    ],
    tags=["Transport", "Ferries"],
    extras=["an unplaced line"],
)


# ----------------------------------------------------------------------------- writing


def test_mapping_of_a_full_story() -> None:
    doc = ninjs.to_dict(FULL)
    assert doc["uri"] == "https://x.example/a"
    assert doc["profile"] == ninjs.PROFILE
    assert doc["standard"]["version"] == "3.1"
    assert doc["type"] == "text"
    assert doc["firstCreated"] == "2024-03-12T07:58:00Z"
    assert doc["copyrightHolder"] == "Harbour Times"
    assert doc["headlines"] == [
        {"role": "main", "contentType": "text/plain", "value": "Ferry <returns> & more"}
    ]
    html, plain = doc["bodies"]
    assert html["contentType"] == "text/html"
    assert html["value"] == (
        "<p>Lead with a &lt;b&gt;tag&lt;/b&gt; &amp; an ampersand.</p>\n"
        "<h2>What next</h2>\n<p>  Spaces kept,\nline break too  </p>\n<p>Second.</p>\n"
        "<h2>Empty heading</h2>"
    )
    assert plain["contentType"] == "text/plain"
    assert plain["value"].startswith("Lead with a <b>tag</b> & an ampersand.\n\nWhat next\n\n")
    # counted by hand: 7 + 2 + 5 + 1 + 2 words
    assert html["wordCount"] == plain["wordCount"] == 17
    assert doc["subjects"] == [{"name": "Transport"}, {"name": "Ferries"}]
    descriptions = {d["role"]: d["value"] for d in doc["descriptions"]}
    assert descriptions == {
        "summary": "Lead with a <b>tag</b> & an ampersand.",
        "storykit:extra": "an unplaced line",
    }  # an aware date-time fits firstCreated: no storykit:published
    picture, credit = doc["associations"]
    sid = story_id(FULL)
    assert picture == {
        "name": "photo",
        "rel": "image",
        "uri": f"urn:storykit:{sid}:image",
        "type": "picture",
        "representationType": "partial",
        "by": "Photo by Kari Lund on Pexels",
        "infoSources": [
            {"name": "Kari Lund", "role": "creator"},
            {"name": "Pexels", "role": "provider"},
        ],
        "descriptions": [{"role": "alt", "contentType": "text/plain", "value": "A ferry in dock"}],
    }
    assert credit == {
        "name": "illustration",
        "rel": "credit",
        "uri": f"urn:storykit:{sid}:credit:1",
        "by": "Illustration: Studio X",
        "infoSources": [{"name": "Studio X", "role": "provider"}],
    }
    assert "altIds" not in doc


def test_a_day_alone_gets_no_invented_time() -> None:
    story = Story("T", source=Source("S", dt.date(2026, 5, 25)))
    doc = ninjs.to_dict(story)
    assert "firstCreated" not in doc
    assert {"role": "storykit:published", "value": "2026-05-25"} in doc["descriptions"]
    assert ninjs.loads(ninjs.dumps(story)).published == dt.date(2026, 5, 25)


def test_day_time_fills_first_created_when_asked() -> None:
    story = Story("T", source=Source("S", dt.date(2026, 5, 25)))
    doc = ninjs.to_dict(story, day_time=dt.time(12, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert doc["firstCreated"] == "2026-05-25T12:00:00+02:00"
    back = ninjs.from_dict(doc).story
    assert back.published == dt.date(2026, 5, 25)  # still the day, not the invented time
    assert type(back.published) is dt.date
    with pytest.raises(ValueError, match="day_time"):
        ninjs.to_dict(story, day_time=dt.time(12))


def test_a_time_without_offset_is_not_given_one() -> None:
    naive = dt.datetime(2020, 2, 24, 1, 50)
    doc = ninjs.to_dict(Story("T", source=Source(published=naive)))
    assert "firstCreated" not in doc
    assert {"role": "storykit:published", "value": "2020-02-24T01:50:00"} in doc["descriptions"]


def test_url_that_is_no_plain_uri_goes_to_alt_ids() -> None:
    story = Story("T", source=Source(url="https://x.example/a b"))
    doc = ninjs.to_dict(story)
    assert doc["uri"] == f"urn:storykit:{story_id(story)}"
    assert doc["altIds"] == [{"role": "storykit:url", "value": "https://x.example/a b"}]
    assert ninjs.from_dict(doc).story == story


def test_minimal_story() -> None:
    doc = ninjs.to_dict(Story("Just a title"))
    assert doc["uri"].startswith("urn:storykit:")
    assert set(doc) == {"uri", "standard", "profile", "type", "representationType", "headlines"}


def test_registered_with_suffix_but_json_stays_storykit_json(tmp_path: Path) -> None:
    from storykit import formats

    assert formats.by_suffix(".ninjs") == "ninjs"
    assert formats.by_suffix(".json") == "json"
    target = tmp_path / "story.ninjs"
    storykit.dump(FULL, target)
    assert json.loads(target.read_text(encoding="utf-8"))["profile"] == ninjs.PROFILE
    assert storykit.load(target) == FULL


def test_detect() -> None:
    assert ninjs.detect(ninjs.dumps(FULL))
    assert ninjs.detect((FIXTURES / "wire-1.x-lowercase.ninjs").read_text(encoding="utf-8"))
    assert not ninjs.detect(storykit.dumps(FULL, "json"))
    assert not ninjs.detect("Title\n\nA paragraph.")


# ----------------------------------------------------------------------------- schema


def test_output_validates_against_the_official_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    assert _errors(validator, ninjs.to_dict(FULL)) == []
    assert _errors(validator, ninjs.to_dict(storykit.load(SEED))) == []
    # the validator does check formats: a date without a time is no date-time
    bad = ninjs.to_dict(FULL) | {"firstCreated": "2026-05-25"}
    assert _errors(validator, bad) == ["$.firstCreated: '2026-05-25' is not a 'date-time'"]
    assert _errors(validator, ninjs.to_dict(FULL) | {"keywords": ["x"]})  # not in ninjs 3.1


def test_corpus_validates_and_round_trips(
    validator: jsonschema.Draft202012Validator, corpus_story: Path
) -> None:
    story = storykit.load(corpus_story)
    for day_time in (None, dt.time(0, tzinfo=UTC)):
        text = storykit.dumps(story, "ninjs", day_time=day_time)
        assert _errors(validator, json.loads(text)) == []
        assert storykit.loads(text, "ninjs") == story


@given(stories())
def test_any_story_round_trips_and_validates(story: Story) -> None:
    text = storykit.dumps(story, "ninjs")
    assert storykit.loads(text, "ninjs") == story
    checker = _schema_validator()  # None without ../shared: the round trip still runs
    if checker is not None:
        assert _errors(checker, json.loads(text)) == []
