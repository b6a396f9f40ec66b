from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given

import storykit
from storykit import Section, Source, Story, StoryParseError
from storykit.formats.json import converter
from tests.conftest import ROOT, SEED
from tests.strategies import stories

GOLDEN = ROOT / "tests" / "golden" / "seed.json"


def test_seed_golden() -> None:
    # tests/golden/seed.json was checked by eye against the seed dump.
    assert storykit.dumps(storykit.load(SEED), "json") == GOLDEN.read_text(encoding="utf-8")


def test_layout() -> None:
    text = storykit.dumps(storykit.load(SEED), "json")
    data = json.loads(text)
    assert list(data) == [
        "storykit",
        "title",
        "source",
        "image",
        "credits",
        "sections",
        "tags",
        "extras",
    ]
    assert data["storykit"] == 1
    assert data["source"] == {"name": "SCMP", "published": "2026-05-25", "url": None}
    assert "小米" in text and "\\u" not in text  # UTF-8 left unescaped
    assert text.endswith("}\n")


def test_compact_line() -> None:
    line = storykit.dumps(storykit.load(SEED), "json", indent=None)
    assert "\n" not in line and line.startswith('{"storykit":1,"title":')


def test_datetimes() -> None:
    when = dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.UTC)
    story = Story("T", source=Source("AP", when))
    data = json.loads(storykit.dumps(story, "json"))
    assert data["source"]["published"] == "2026-05-25T08:30:00Z"
    assert storykit.loads(storykit.dumps(story, "json")) == story
    offset = dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    data = json.loads(storykit.dumps(Story("T", source=Source("AP", offset)), "json"))
    assert data["source"]["published"] == "2026-05-25T08:30:00-04:00"


@given(stories())
def test_round_trip(story: Story) -> None:
    assert storykit.loads(storykit.dumps(story, "json"), "json") == story


def good() -> dict[str, object]:
    return json.loads(storykit.dumps(storykit.load(SEED), "json"))


def bad(path: str, value: object) -> str:
    data = good()
    keys = path.replace("[", ".").replace("]", "").split(".")
    target: object = data
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]  # type: ignore[index]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value  # type: ignore[index]
    return json.dumps(data)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("title", 5, r"title: expected a string, got a number"),
        (
            "sections[2].paragraphs[0]",
            1,
            r"sections\[2\]\.paragraphs\[0\]: expected a string, got a number",
        ),
        ("sections[1].heading", ["x"], r"sections\[1\]\.heading: expected a string, got an array"),
        ("tags", "AI", r"tags: expected an array, got a string"),
        ("source.published", "25/05/2026", r"source\.published: expected an ISO 8601 date"),
        ("source.published", 20260525, r"source\.published: expected an ISO 8601 date string"),
        ("image.credit.role", None, r"image\.credit\.role: expected a string, got null"),
        ("title", "   ", r"title: must not be empty"),
        ("sections[1].heading", None, r"sections\[1\]\.heading: only the first section"),
    ],
)
def test_bad_values_name_their_path(path: str, value: object, message: str) -> None:
    with pytest.raises(StoryParseError, match=message):
        storykit.loads(bad(path, value), "json")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("source", [], "source: expected an object, got an array"),
        ("source", "SCMP", "source: expected an object, got a string"),
        ("image", 5, "image: expected an object, got a number"),
        ("image.credit", [], "image.credit: expected an object, got an array"),
        ("sections[1]", ["x"], "sections[1]: expected an object, got an array"),
        ("credits", [True], "credits[0]: expected an object, got a boolean"),
    ],
)
def test_a_value_where_an_object_belongs_is_said_in_json_words(
    path: str, value: object, message: str
) -> None:
    """Found by an attack in hX: ``"source": []`` said ``source: 'list' object has no
    attribute 'keys'`` and ``"image": 5`` ``argument of type 'int' is not iterable``,
    Python's words about storykit's own code."""
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(bad(path, value), "json")
    assert caught.value.message == message


def test_any_model_class_takes_only_an_object() -> None:
    """The check is the converter's for every attrs class, not a list of today's classes: a
    class nested in a later version (here one made up) gets it without being named."""

    @attrs.frozen
    class Byline:
        name: str

    conv = converter()
    assert conv.structure({"name": "Ana"}, Byline) == Byline("Ana")
    with pytest.raises(TypeError, match=r"^expected an object, got an array$"):
        conv.structure([], Byline)
    with pytest.raises(TypeError, match=r"^expected an object, got a string$"):
        conv.structure("Ana", Byline)


def test_a_key_given_twice_keeps_its_last_value_as_the_docs_say() -> None:
    """docs/formats/json.md: as ``json.loads`` reads it (a choice, not an accident)."""
    text = json.dumps(good()).replace('"title": ', '"title": "First", "title": ', 1)
    assert text.count('"title"') == 2
    assert storykit.loads(text, "json").title == good()["title"]


def test_no_coercion() -> None:
    with pytest.raises(StoryParseError, match="title: expected a string"):
        storykit.loads(bad("title", True), "json")


def test_unknown_and_missing_keys() -> None:
    data = good()
    data["subtitle"] = "x"
    with pytest.raises(StoryParseError, match=r"unknown key\(s\): subtitle"):
        storykit.loads(json.dumps(data), "json")
    data = good()
    del data["title"]
    with pytest.raises(StoryParseError, match="title: missing"):
        storykit.loads(json.dumps(data), "json")


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (2, "found version 2"),
        ("1", "found version '1'"),
        (None, "found version None"),
        (1.0, "found version 1.0"),  # 1.0 == 1 in Python: refused, as SQLite and Parquet do
    ],
)
def test_version_mismatch_fails_loudly(version: object, message: str) -> None:
    data = good()
    data["storykit"] = version
    with pytest.raises(StoryParseError, match=message):
        storykit.loads(json.dumps(data), "json")
    del data["storykit"]
    with pytest.raises(StoryParseError, match="found no version"):
        storykit.loads(json.dumps(data), "json")


@pytest.mark.parametrize("fmt", ["json", None])
def test_a_boolean_version_is_no_storykit_json(fmt: str | None) -> None:
    # {"storykit": true} was read as version 1 (True == 1 in Python); the JSON Schema's
    # "const": 1 refuses it.
    document = json.loads(storykit.dumps(storykit.load(SEED), "json"))
    text = json.dumps({**document, "storykit": True})
    with pytest.raises(StoryParseError, match="expected storykit JSON version 1 in key"):
        storykit.loads(text, fmt)
    stream = storykit.iter_stories([io.BytesIO(text.encode())], format="jsonl", errors="collect")
    assert (list(stream), len(stream.errors)) == ([], 1)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_text('{\n  "storykit": 1,\n  "title": oops\n}', encoding="utf-8")
    with pytest.raises(StoryParseError, match=r"story.json:3: invalid JSON: Expecting value"):
        storykit.load(path)
    with pytest.raises(StoryParseError, match=r"expected a JSON object, got an array"):
        storykit.loads("[1, 2]", "json")
    with pytest.raises(
        StoryParseError, match=r"<string>:1: invalid JSON: nested more than 100 levels deep"
    ):
        storykit.loads("[" * 100_000, "json")


def test_schema_is_valid_draft_2020_12() -> None:
    schema = storykit.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_accepts_the_corpus(corpus_story: Path) -> None:
    validator = jsonschema.Draft202012Validator(
        storykit.json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(json.loads(storykit.dumps(storykit.load(corpus_story), "json")))


@given(stories())
def test_schema_accepts_every_story(story: Story) -> None:
    jsonschema.Draft202012Validator(storykit.json_schema()).validate(
        json.loads(storykit.dumps(story, "json"))
    )


def test_schema_rejects_what_the_reader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(storykit.json_schema())
    for path, value in [("title", 5), ("tags", "AI"), ("sections[0].paragraphs[0]", "")]:
        assert not validator.is_valid(json.loads(bad(path, value)))


def test_section_round_trip_keeps_lead() -> None:
    story = Story("T", sections=[Section(None, ["a"]), Section("H", [])])
    assert storykit.loads(storykit.dumps(story, "json"), "json") == story


# --------------------------------------------------------------------------- many wrong items


def _document(**fields: object) -> str:
    return json.dumps({"storykit": 1, "title": "T", **fields})


def test_an_array_of_many_wrong_items_is_counted_not_kept() -> None:
    """Every wrong item was kept as an error: an array of 160,000 numbers where strings
    belong took 3 s to refuse and 640,000 over 20 s (the collector walked the kept errors
    again and again). The first _KEPT are kept; the others are counted for the message."""
    from cattrs.errors import ClassValidationError, IterableValidationError

    from storykit.formats import _json_converter
    from storykit.formats import json as json_format

    n = 5000
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(_document(tags=[1] * n), format="json")
    assert str(caught.value) == (
        f"<string>: tags[0]: expected a string, got a number (and {n - 1} more)"
    )
    with pytest.raises(ClassValidationError) as raw:
        json_format.converter().structure({"title": "T", "tags": [1] * n}, Story)
    (group,) = raw.value.exceptions
    assert isinstance(group, IterableValidationError)
    assert len(group.exceptions) == _json_converter._KEPT
    assert group.more == n - _json_converter._KEPT  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # 300 sections, each with 3 wrong paragraphs: 200 sections past the kept 100
        (
            {"sections": [{"heading": "h", "paragraphs": [1, "ok", 2, 3]}] * 300},
            "sections[0].paragraphs[0]: expected a string, got a number (and 899 more)",
        ),
        # under the limit: every problem kept, the same count as ever
        (
            {"tags": [1] * 99, "extras": [None]},
            "tags[0]: expected a string, got a number (and 99 more)",
        ),
        # past it in two arrays at once
        (
            {"tags": [1] * 150, "extras": [2] * 120},
            "tags[0]: expected a string, got a number (and 269 more)",
        ),
    ],
)
def test_the_count_of_problems_includes_those_not_kept(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(_document(**fields), format="json")
    assert str(caught.value) == f"<string>: {message}"
