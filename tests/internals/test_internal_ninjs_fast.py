"""The ninjs writer's direct layout writes what the dict path writes, byte for byte.

These tests reach in because the direct layout and the dict path are two private roads to one public
answer (``dumps(story, "ninjs")``): only driving each directly shows they agree.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, _json_layout
from storykit.formats import ninjs
from tests.conftest import CORPUS_STORIES, SEED
from tests.strategies import any_text, stories

_DAY_TIMES = st.sampled_from(
    [
        None,
        dt.time(0, tzinfo=dt.UTC),
        dt.time(9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ]
)
_INDENTS = st.sampled_from([2, None, 0, 4])


def _slow(story: Story, indent: int | None, day_time: dt.time | None) -> str:
    text = _json_layout.dumps(ninjs.to_dict(story, day_time=day_time), indent=indent)
    return text if indent is None else text + "\n"


@given(stories(), _INDENTS, _DAY_TIMES)
def test_any_story(story: Story, indent: int | None, day_time: dt.time | None) -> None:
    assert ninjs.dumps(story, indent=indent, day_time=day_time) == _slow(story, indent, day_time)


def test_the_seed_and_the_corpus() -> None:
    for path in [SEED, *CORPUS_STORIES]:
        story = storykit.load(path)
        for indent in (2, None):
            assert ninjs.dumps(story, indent=indent) == _slow(story, indent, None)


@given(any_text(200))
@example("a  b")
@example(" a")
@example("a ")
@example("")
@example("a\u00a0b c")
@example("a\u2028b")
@example("x\tz")
def test_the_word_count_is_that_of_split(text: str) -> None:
    assert ninjs._word_count(text, text.isprintable()) == len(text.split())


# what str.isprintable() accepts: every character but the "Other" and separator categories,
# and the space; built so, rather than filtered out of any text (most of which is not)
_PRINTABLE = st.text(
    st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"))
    | st.sampled_from(' "\\/'),
)


@given(_PRINTABLE)
@example('a "quoted" \\ back\\slash')
@example("caf\u00e9 \u2014 \U0001f600")
def test_printable_text_is_quoted_as_json_does(text: str) -> None:
    assert text.isprintable()
    assert ninjs._quoted(text) == json.dumps(text, ensure_ascii=False)


@pytest.mark.parametrize(
    "text",
    [
        'He said "no" \\ twice',
        "tab\there",
        "line\nbreak",
        "carriage\rreturn",
        "nbsp\u00a0and\u2028line separator",
        "next line\x85",
        "bell\x07 and DEL\x7f",
        "A & B < C > D",
        'tab\t and a "quote" & <b>',
    ],
)
@pytest.mark.parametrize("indent", [2, None])
def test_bodies_with_escapes_and_odd_white_space(text: str, indent: int | None) -> None:
    story = Story(
        "Title",
        sections=[Section(None, [text, "Plain."]), Section(text, ["After " + text])],
    )
    assert ninjs.dumps(story, indent=indent) == _slow(story, indent, None)


def test_a_subclass_takes_the_dict_path() -> None:
    @attrs.frozen
    class Mine(Story):
        pass

    story = Mine("Title", sections=[Section(None, ["A & B."])])
    with pytest.raises(ninjs._NotPlainError):
        ninjs._layout(story, ninjs._pieces(2), None)
    assert ninjs.dumps(story) == _slow(story, 2, None)


def test_a_day_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="day_time"):
        ninjs.dumps(Story("Title"), day_time=dt.time(0))
