"""The JSON reader's fast path agrees with the converter on every input, valid or not.

These tests reach in because the fast path and the converter are two private roads to one public
answer (``loads(text, "json")``): only driving each directly shows they agree.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from storykit import Section, Story, StoryParseError
from storykit.formats import json as json_format
from tests.conftest import CORPUS_STORIES, SEED
from tests.strategies import stories


def _slow(data: object) -> Story:
    return json_format.from_dict(data)


def _outcome(read: Any, arg: object) -> object:
    try:
        return read(arg)
    except StoryParseError as exc:
        return ("error", str(exc), exc.path)


def _fast_or_slow(data: dict[str, Any]) -> Story:
    try:
        return json_format._fast_story(data)
    except (json_format._SlowPathError, TypeError):
        return _slow(data)


@given(stories())
def test_fast_path_reads_what_the_converter_reads(story: Story) -> None:
    data = json.loads(json_format.dumps(story))
    assert json_format._fast_story(data) == story == _slow(data)


def test_fast_path_reads_the_corpus() -> None:
    from storykit.formats import text

    for path in [SEED, *CORPUS_STORIES]:
        story = text.read(path.read_text(encoding="utf-8"))[0]
        data = json.loads(json_format.dumps(story))
        assert json_format._fast_story(data) == story


_BAD_VALUES = st.sampled_from(
    [None, "", " ", "x", 0, 1, True, 1.5, [], [""], ["x"], [1], {}, {"x": 1}, "2026-05-25"]
)
_PATHS = [
    ("title",),
    ("source",),
    ("source", "name"),
    ("source", "published"),
    ("source", "url"),
    ("image",),
    ("image", "alt"),
    ("image", "credit"),
    ("image", "credit", "role"),
    ("image", "credit", "name"),
    ("image", "credit", "provider"),
    ("credits",),
    ("credits", 0),
    ("credits", 0, "role"),
    ("sections",),
    ("sections", 0),
    ("sections", 0, "heading"),
    ("sections", 0, "paragraphs"),
    ("sections", 0, "paragraphs", 0),
    ("sections", 1, "heading"),
    ("sections", 1, "paragraphs"),
    ("tags",),
    ("tags", 0),
    ("extras",),
    ("storykit",),
    ("unknown",),
]
_FULL = {
    "storykit": 1,
    "title": "Title",
    "source": {"name": "SCMP", "published": "2026-05-25", "url": "https://example.com/a"},
    "image": {"alt": "A robot", "credit": {"role": "photo", "name": "A B", "provider": "P"}},
    "credits": [{"role": "byline", "name": "C D", "provider": None}],
    "sections": [
        {"heading": None, "paragraphs": ["Lead."]},
        {"heading": "The play", "paragraphs": ["One.", "Two."]},
    ],
    "tags": ["AI", "EVs"],
    "extras": ["kept"],
}


def _mutate(data: dict[str, Any], path: tuple[str | int, ...], value: object, drop: bool) -> None:
    node: Any = data
    for key in path[:-1]:
        if (
            isinstance(node, dict)
            and isinstance(key, str)
            and isinstance(node.get(key), dict | list)
        ) or (isinstance(node, list) and isinstance(key, int) and key < len(node)):
            node = node[key]
        else:
            return
    last = path[-1]
    value = copy.deepcopy(value)  # sampled_from gives the same [] or {} each time: a value
    # set twice, once inside itself, made a document that refers to itself
    if isinstance(node, dict) and isinstance(last, str):
        if drop:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value


_SHARED: dict[str, Any] = {}


@given(st.lists(st.tuples(st.sampled_from(_PATHS), _BAD_VALUES, st.booleans()), max_size=3))
@example([(("image",), _SHARED, False), (("image", "credit"), _SHARED, False)])  # one {} twice
def test_fast_path_agrees_with_the_converter_on_changed_documents(
    changes: list[tuple[tuple[str | int, ...], object, bool]],
) -> None:
    data = copy.deepcopy(_FULL)
    for path, value, drop in changes:
        _mutate(data, path, value, drop)
    text = json.dumps(data)
    assert _outcome(json_format.loads, text) == _outcome(_slow, json.loads(text))
    assert _outcome(_fast_or_slow, data) == _outcome(_slow, data)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"storykit": 1, "title": " "}', "title"),
        ('{"storykit": 1, "title": "T", "sections": [{"heading": null}]}', "sections[0]"),
        (
            '{"storykit": 1, "title": "T", "sections": [{"heading": "H", "paragraphs": '
            '["a"]}, {"heading": "H", "paragraphs": ["ok", 5]}]}',
            "sections[1].paragraphs[1]",
        ),
        ('{"storykit": 1, "title": "T", "tags": ["AI", ""]}', "tags[1]"),
        ('{"storykit": 1, "title": "T", "source": {"name": "S", "published": "May"}}', None),
    ],
)
def test_errors_keep_their_paths(text: str, path: str | None) -> None:
    with pytest.raises(StoryParseError) as info:
        json_format.loads(text)
    assert (str(info.value), info.value.path) == _outcome(_slow, json.loads(text))[1:]
    if path is not None:
        assert f"{path}:" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        '{"storykit": 1, "title": "T\\ud800"}',  # an escaped lone surrogate
        '{"storykit": 1, "title": "T\\uDC00x"}',
        '{"storykit": 1, "title": "T\ud800"}',  # a raw one
    ],
)
def test_lone_surrogates_are_left_to_the_validators(text: str) -> None:
    # Whatever the model's validators say about lone surrogates, the JSON reader says the
    # same: such text never takes the fast path.
    assert not json_format._plain_text(text)
    assert _outcome(json_format.loads, text) == _outcome(_slow, json.loads(text))


def test_escaped_pairs_and_other_escapes_read_the_same() -> None:
    text = '{"storykit": 1, "title": "T \\ud83d\\ude00 \\"q\\" \\u00e9"}'
    assert json_format.loads(text).title == 'T \U0001f600 "q" é'


def test_a_hook_registered_on_the_converter_turns_the_fast_path_off() -> None:
    text = '{"storykit": 1, "title": "T", "sections": [{"heading": "H", "paragraphs": ["p"]}]}'
    conv = json_format.converter()
    conv.register_structure_hook(Section, lambda value, _type: Section("Replaced", ["x"]))
    try:
        assert json_format.loads(text).sections == (Section("Replaced", ("x",)),)
    finally:
        json_format.converter.cache_clear()
    assert json_format.loads(text).sections == (Section("H", ("p",)),)
