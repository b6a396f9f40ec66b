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
from storykit import Credit, Image, Section, Source, Story, _json_layout
from storykit.export import body_text, story_uri
from storykit.formats import _ninjs_layout, ninjs
from storykit.formats.html import body_html
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


# what str.isprintable() accepts: every character but the "Other" and separator categories,
# and the space; built so, rather than filtered out of any text (most of which is not)
_PRINTABLE_CHARS = st.characters(
    exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")
)
_PRINTABLE = st.text(_PRINTABLE_CHARS | st.sampled_from(' "\\/'))

# Body text in the shapes the fast paths tell apart: words of printable characters between
# single spaces, and now and then a run of spaces (at the ends too), a character that JSON
# or HTML escapes, or any white space, control or format character at all.
_WHITE_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]
_CLEAN = st.text(_PRINTABLE_CHARS, min_size=1, max_size=6) | st.just(" ")
_ESCAPED = st.sampled_from(["  ", "   ", '"', "\\", "&", "<", ">", "&amp;", "\\n", "</p>"])
_ODD = st.sampled_from(
    [*_WHITE_SPACE, "\x00", "\x07", "\x1b", "\x7f", "\u00ad", "\u200b", "\u2060", "\ufeff"]
) | st.characters(exclude_categories=("Cs",))
_TEXT_KINDS = [
    st.lists(tokens, max_size=12).map("".join)
    for tokens in (_CLEAN, _CLEAN | _ESCAPED, _CLEAN | _ESCAPED | _ODD)
]
_BODY_TEXT = st.one_of(_TEXT_KINDS)


# Text with white space of every kind, control characters and lone surrogates (which no
# validated story holds) drawn on purpose, between words and at the ends: not filtered
_SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
_ANY_CHAR = st.characters(codec=None, exclude_categories=())
_SPACED_TEXT = st.lists(
    st.one_of(_CLEAN, _ESCAPED, st.sampled_from(_WHITE_SPACE), _SURROGATES, _ANY_CHAR),
    max_size=16,
).map("".join)


@given(any_text(200) | _BODY_TEXT | _SPACED_TEXT)
@example("a  b")
@example(" a")
@example("a ")
@example("")
@example(" ")
@example("   ")
@example("a\u00a0b c")
@example("a\u2028b")
@example("x\tz")
@example("\u3000a b")
@example("a\u2000b")
@example("\x1fa\x1cb")
@example("é a")  # odd and even numbers of UTF-8 bytes, spaces on either side of a byte pair
@example("é  a")
@example("a  é ")
@example(" é")  # an odd number of bytes that starts with a space: padded, not cut
@example("é")
@example(" →  x")
@example("a \ud800 b")
@example("\U0001f600 \U0001f600  b")
@example(" " * 17 + "a" + " " * 33 + "b c" + " " * 16)  # long runs: the digit sums carry nothing
@example("a\x7fb")  # DEL: ASCII, not printable
@example("a\x00b")
@example("plain words and then\u2028")  # mostly ASCII: the bytes left over are asked
@example("plain words, \u00ad soft hyphen")
@example("plain words, \u3000 ideographic space")
@example("\u2028" + "a" * 12)  # the same, mostly not ASCII: the whole text is asked
@example("\u00e9\u00e9\u00e9 a")
@example("\u00e9\u00e9\u00e9\u00a0a")
@example("ab\u00e9")  # one extra byte in three characters: just over a quarter
@example("abc\u00e9")  # just a quarter
def test_the_word_count_is_that_of_split(text: str) -> None:
    try:
        utf8 = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: _bodies asks no further
        return
    printable = text.isprintable()
    assert _ninjs_layout._printable(text, utf8) is printable
    if printable:
        assert _ninjs_layout._word_count(text, utf8) == len(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "a b",
        "a\tb",
        "a\x7f",
        "\x1f",
        " \u2014 \u201cquoted\u201d \u2026",
        "word \u0085 word",
        "word\u00a0word and more words",
        "\u2029",
        "\U0001f600 \U000e0001 tag",
        "\U0010ffff unassigned and private",
        "\u0416\u0416\u0416 \u0416",
        "\u0416\u0416\u0416\u2028\u0416",
    ],
)
def test_both_ways_to_ask_if_text_is_printable(text: str) -> None:
    # mostly ASCII text is asked by its bytes left over, other text whole; either way it is
    # what str.isprintable says, for the text alone and among much ASCII
    for whole in (text, text + " ascii" * 100, "\u0416" * 100 + text):
        assert _ninjs_layout._printable(whole, whole.encode()) is whole.isprintable()


def test_printable_text_has_no_white_space_but_the_space_whose_byte_is_its_own() -> None:
    # what _word_count stands on: in printable text the only white space is U+0020, and
    # the byte 0x20 is in no other character's UTF-8
    for code in range(0x110000):
        char = chr(code)
        if char.isspace() and char.isprintable():
            assert char == " "
        if 0xD800 <= code < 0xE000:  # surrogates: not printable, never encoded
            assert not char.isprintable()
        elif code != 0x20:
            assert 0x20 not in char.encode()


@st.composite
def body_stories(draw: st.DrawFn) -> Story:
    """Stories whose sections' text is news-like, with the odd characters of one kind."""
    text = draw(st.sampled_from(_TEXT_KINDS)).filter(str.strip)  # one kind a story
    lead = draw(st.lists(text, max_size=3))
    sections = [Section(None, lead)] if lead else []
    sections += draw(st.lists(st.builds(Section, text, st.lists(text, max_size=3)), max_size=3))
    return Story(draw(text), sections=sections)


@given(body_stories(), st.sampled_from([2, None]))
def test_stories_of_news_like_text(story: Story, indent: int | None) -> None:
    assert ninjs.dumps(story, indent=indent) == _slow(story, indent, None)


@given(body_stories() | stories())
def test_the_bodies_are_what_the_dict_path_encodes(story: Story) -> None:
    bodies = _ninjs_layout._bodies(story)
    if not story.sections:
        assert bodies is None
        return
    assert bodies is not None
    summary, html, plain, words = bodies
    if story.paragraphs:
        assert f'"{summary}"' == json.dumps(story.paragraphs[0], ensure_ascii=False)
    else:
        assert summary is None
    assert f'"{"".join(html)}"' == json.dumps(body_html(story), ensure_ascii=False)
    assert f'"{plain}"' == json.dumps(body_text(story), ensure_ascii=False)
    assert words == str(len(body_text(story).split()))


def _unchecked(kind: type, **values: object) -> object:
    """A model object built without its validators or checks (as no user should)."""
    made = object.__new__(kind)
    for name, value in values.items():
        object.__setattr__(made, name, value)
    return made


@pytest.mark.parametrize(
    "sections",
    [
        [("", ("",))],
        [(None, ())],
        [(None, ()), ("H", ())],
        [(" ", (" ", "  a", "b  "))],
        [(None, ("",)), ("", ("", "x"))],
        [("a", ()), (None, (" x y ",))],
    ],
)
@pytest.mark.parametrize("indent", [2, None])
def test_sections_no_validator_would_pass(
    sections: list[tuple[str | None, tuple[str, ...]]], indent: int | None
) -> None:
    built = [_unchecked(Section, heading=h, paragraphs=p) for h, p in sections]
    story = _unchecked(
        Story, title="T", source=None, image=None, credits=(), sections=tuple(built),
        tags=(), extras=(),
    )  # fmt: skip
    assert isinstance(story, Story)
    assert ninjs.dumps(story, indent=indent) == _slow(story, indent, None)


@given(_PRINTABLE)
@example('a "quoted" \\ back\\slash')
@example("caf\u00e9 \u2014 \U0001f600")
def test_printable_text_is_quoted_as_json_does(text: str) -> None:
    assert text.isprintable()
    assert f'"{_ninjs_layout._escaped(text)}"' == json.dumps(text, ensure_ascii=False)


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
        "\u0416\u0416\u0416\u00a0\u0416\u0416 \u0416",  # mostly not ASCII: asked whole
        "\u0416\u0416\u0416  \u0416\u0416\u2028\u0416 ",
        "\u0416\u0416\u0416  \u0416\u0416 \u0416 ",
    ],
)
@pytest.mark.parametrize("indent", [2, None])
def test_bodies_with_escapes_and_odd_white_space(text: str, indent: int | None) -> None:
    story = Story(
        "Title",
        sections=[Section(None, [text, "Plain."]), Section(text, ["After " + text])],
    )
    assert ninjs.dumps(story, indent=indent) == _slow(story, indent, None)


# URLs whose identifier story_uri takes or refuses: the layout writes the identifier, the
# story id in the URNs made from it and a day's ISO date between quotes without escaping
_URL_CHARS = st.sampled_from(list("aZ09:/?#[]@!$&'()*+,;=%-._~") + list('"\\ <>{}|^`\t\né→'))
_URLS = st.builds(
    "{}:{}".format,
    st.sampled_from(["http", "https", "urn", "URN", "javascript", "mailto", "x-y.z+w", "1a"]),
    st.text(_URL_CHARS, min_size=1, max_size=20),
)


@given(_URLS, st.none() | st.dates(), st.sampled_from([2, None]), _DAY_TIMES)
def test_identifiers_and_days_need_no_escaping(
    url: str, day: dt.date | None, indent: int | None, day_time: dt.time | None
) -> None:
    story = Story(
        "Title",
        source=Source(url=url, published=day),
        image=Image(alt="Alt", credit=Credit("photo", "Ann", "Pix")),
        credits=[Credit("byline", "Bo")],
    )
    uri = story_uri(story)
    assert json.dumps(uri) == f'"{uri}"'
    assert ninjs.dumps(story, indent=indent, day_time=day_time) == _slow(story, indent, day_time)


def test_a_subclass_takes_the_dict_path() -> None:
    @attrs.frozen
    class Mine(Story):
        pass

    story = Mine("Title", sections=[Section(None, ["A & B."])])
    with pytest.raises(_ninjs_layout._NotPlainError):
        _ninjs_layout._layout(story, _ninjs_layout._pieces(2), None)
    assert ninjs.dumps(story) == _slow(story, 2, None)


def test_a_day_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="day_time"):
        ninjs.dumps(Story("Title"), day_time=dt.time(0))
