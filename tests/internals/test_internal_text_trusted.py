"""The dump reader builds its objects without re-validating them, and gets the same story.

These tests reach in because the trusted builders skip the validators on purpose: only building
with each directly shows the result is what the validated classes give.
"""

from __future__ import annotations

import copy
import pickle
import warnings
import weakref
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from storykit import Story, StoryParseError, UnrepresentableError
from storykit.formats import _source_line, _text_memory, _text_reader, text
from storykit.model import unencodable
from storykit.tags import TagSplitter
from tests.conftest import CORPUS_STORIES, SEED
from tests.internals.text_fast_helpers import _read, _read_back
from tests.strategies import dump_stories


def _both(dump: str) -> tuple[Story, Story]:
    lines = _text_reader._lines(dump)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trusted = _text_reader._parse(lines, None, None, True)[0]
        checked = _text_reader._parse(lines, None, None, False)[0]
    return trusted, checked


def _same(trusted: Story, checked: Story) -> None:
    assert trusted == checked
    assert hash(trusted) == hash(checked)
    assert repr(trusted) == repr(checked)
    for built, valid in zip(trusted.sections, checked.sections, strict=True):
        assert type(built.paragraphs) is tuple and built == valid


def test_the_seed_and_the_corpus() -> None:
    for path in [SEED, *CORPUS_STORIES]:
        _same(*_both(path.read_text(encoding="utf-8")))


@given(dump_stories())
def test_any_dump(story: Story) -> None:
    trusted, checked = _both(text.dumps(story))
    _same(trusted, checked)
    assert trusted == story


@pytest.mark.parametrize(
    "header",
    [
        "← Back to stories A robot\nPhoto by A B on Pexels\nSCMP 2026-05-25",
        "← Back to stories\nPhoto: AFP\nSCMP\nBy Jane Doe/Reuters\nan unplaced line",
        "Nikkei Asia 25 May 2026",
        "← Back to stories Alt only",
    ],
)
def test_headers(header: str) -> None:
    dump = f"{header}\n\nTitle\n\nLead.\n\nHeading\n\nPara.\n\nAIEVs\nView original source → https://e.com"
    _same(*_both(dump))


def test_text_with_a_lone_surrogate_is_built_by_the_validating_constructors() -> None:
    # The validators alone judge lone surrogates, so such text is never trusted.
    dump = "← Back to stories\nSCMP 2026-05-25\n\nTitle \ud800\n\nPara."
    assert unencodable(dump) is not None
    assert unencodable("plain ASCII") is None
    assert unencodable("小米 ‑ and 😀") is None
    # ...and they refuse it: no writer could encode it (issue 8).
    with pytest.raises(ValueError, match=r"^title: holds a lone surrogate U\+D800"):
        _text_reader._parse(_text_reader._lines(dump), None, None, False)[0]
    # text.loads says where, as storykit.loads does: the line and column, not the field
    with pytest.raises(StoryParseError, match=r"^<string>:4: a lone surrogate U\+D800 at column 7"):
        text.loads(dump)


def test_a_byline_naming_no_one_is_judged_as_the_validators_judge_it() -> None:
    # "By /" names no one: the credit is built by the validating constructor either way.
    lines = _text_reader._lines("← Back to stories\nSCMP 2026-05-25\nBy /\n\nTitle\n\nPara.")
    outcomes: list[object] = []
    for trusted in (True, False):
        try:
            outcomes.append(_text_reader._parse(lines, None, None, trusted)[0])
        except ValueError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


# --------------------------------------------------------------------------- the writer's check


def test_the_check_is_cheap_for_what_the_reader_made_from_the_same_lines() -> None:
    story = _read(text.dumps(_read(SEED.read_text(encoding="utf-8"))))  # canonical lines
    out = text.dumps(story, check=False).split("\n")
    assert _read_back(story, out) == (True, True, None)
    twin = text.loads(text.dumps(story), splitter=TagSplitter())  # another splitter
    assert twin == story
    assert _read_back(twin, out) is None  # not remembered: checked in full


def test_a_story_the_reader_did_not_make_is_checked_in_full() -> None:
    story = _read(SEED.read_text(encoding="utf-8"))
    rebuilt = Story(
        story.title,
        source=story.source,
        image=story.image,
        credits=story.credits,
        sections=story.sections,
        tags=story.tags,
        extras=story.extras,
    )
    assert rebuilt == story
    out = text.dumps(rebuilt, check=False).split("\n")
    assert _read_back(rebuilt, out) is None


def test_the_memory_goes_with_the_story() -> None:
    story = _read(SEED.read_text(encoding="utf-8"))
    assert _text_memory._made_from(story) is not None
    alive = weakref.ref(story)
    del story
    assert alive() is None  # the memory keeps no story alive


def test_the_memory_is_no_field() -> None:
    # A copy, a pickled story and an evolved one are equal to the story, but were not read
    # from its lines: their check is done in full. The memory changes no comparison.
    story = _read(SEED.read_text(encoding="utf-8"))
    for twin in [copy.copy(story), copy.deepcopy(story), pickle.loads(pickle.dumps(story))]:
        assert twin == story
        assert hash(twin) == hash(story)
        assert _text_memory._made_from(twin) is None
    assert _text_memory._made_from(attrs.evolve(story)) is None
    assert "_storykit_read_from" not in attrs.asdict(story)
    assert "_storykit_read_from" not in repr(story)


def test_the_title_is_still_checked_when_the_rest_reads_back() -> None:
    # The title reads as a nav line: the reader takes it (it comes after the header), the
    # writer refuses it, as before.
    story = _read("SCMP 2026-05-25\n\n← Back to stories\n\nPara one.\n\nView original source")
    assert story.title == "← Back to stories"
    with pytest.raises(UnrepresentableError, match="title"):
        text.dumps(story)


@pytest.mark.parametrize("path", [SEED, *CORPUS_STORIES], ids=lambda p: p.stem)
def test_cheap_and_full_checks_agree_on_the_corpus(path: Path) -> None:
    story = _read(path.read_text(encoding="utf-8"))
    outcomes = []
    for check in (lambda: text.dumps(story), lambda: text._check(story)):
        try:
            outcomes.append(("ok", check() is None))
        except UnrepresentableError as exc:
            outcomes.append(("refused", str(exc)))
    assert outcomes[0][0] == outcomes[1][0]


@given(dump_stories())
def test_cheap_and_full_checks_agree(story: Story) -> None:
    again = _read(text.dumps(story))
    assert text.dumps(again) == text.dumps(story, check=False)
    text._check(again)  # the full check passes too


def test_tags_from_a_splitter_are_still_judged_by_the_validators(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The reader trusts its own lines, not what a splitter makes of the tags line.
    monkeypatch.setattr(_text_reader, "_split_tags", lambda *args: ("AI", " "))
    dump = "← Back to stories\nSCMP 2026-05-25\n\nTitle\n\nPara.\n\nAIEVs\nView original source"
    with pytest.raises(ValueError, match=r"tags\[1\]"):
        text.loads(dump)


def test_a_callers_splitter_is_asked_and_judged() -> None:
    class Blank(TagSplitter):
        def split(self, line: str, context: str = "", *, end: int | None = None) -> tuple[str, ...]:
            assert context == "Title\n\nPara.\n"  # the lines from the title to the tags
            return ("AI", " ")

    dump = "← Back to stories\nSCMP 2026-05-25\n\nTitle\n\nPara.\n\nAIEVs\nView original source"
    with pytest.raises(ValueError, match=r"tags\[1\]"):
        text.loads(dump, splitter=Blank())


# Headers the writer words otherwise (another date form, no nav line, a byline): some lines
# read back, others are checked. The outcome must be the full check's, line for line.
_SOURCE_LINES = st.sampled_from(
    [
        "SCMP 25 May 2026",
        "SCMP May 25, 2026",
        "SCMP 2026-05-25",
        "Nikkei Asia 2026-05-25T08:30:00Z",
        "The Wall Street Journal",
        "2026 2026-05-25",
        "AP 1 2026-05-25",
        "Photo by X 25 May 2026",
    ]
)
_OTHER_LINES = st.sampled_from(
    [
        "Photo by A B on Pexels",
        "Photo: AFP",
        "Image: AFP ",
        "By Jane Doe/Reuters",
        "an extra",
        "By /",
    ]
)


@given(
    st.sampled_from(["← Back to stories A robot", "← Back to stories", None]),
    st.sampled_from([None, "Photo by A B on Pexels", "Photograph by Aiko/Kyodo", "Photo: X Y"]),
    _SOURCE_LINES,
    st.lists(_OTHER_LINES, max_size=3),
)
def test_cheap_and_full_checks_agree_on_other_headers(
    nav: str | None, credit: str | None, source: str, others: list[str]
) -> None:
    header = "\n".join(line for line in [nav, credit, source, *others] if line is not None)
    dump = f"{header}\n\nTitle\n\nLead.\n\nHeading\n\nPara.\n\nAIEVs\nView original source"
    try:
        story = _read(dump)
    except ValueError:
        return
    outcomes: list[str] = []
    for check in (lambda: text.dumps(story), lambda: text._check(story)):
        try:
            check()
            outcomes.append("ok")
        except UnrepresentableError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_header_lines_read_back_line_by_line() -> None:
    story = _read(
        "← Back to stories A robot\nPhoto by A B on Pexels\nSCMP 25 May 2026\n\nTitle\n\nPara."
        "\n\nView original source →"
    )
    out = text.dumps(story, check=False).split("\n")
    assert _read_back(story, out) == (False, True, [True, True, False])  # the date is reworded
    story = _read("SCMP 25 May 2026\nBy Jane Doe\n\nTitle\n\nPara.")  # no nav line
    out = text.dumps(story, check=False).split("\n")
    found = _read_back(story, out)
    assert found is not None
    assert found[2] == [False, False, True]


@given(
    st.text(st.sampled_from(" \t0123456789-:TZ+Sa٢"), max_size=24),
    st.sampled_from(["", "SCMP ", "SCMP\t", "x", "Nikkei Asia 2020 "]),
)
@example("2026-05-25", "")
@example("2026-05-25", "SCMP ")
@example("2026-05-2٥", "SCMP ")
@example("20260-05-25", "SCMP ")
@example(" 2026-05-25", "A" * 50)
@example("1 2026-05-25", "AP ")
@example("2026-05-25 2026-05-25", "")
def test_the_iso_day_shortcut_finds_what_the_date_regex_finds(tail: str, head: str) -> None:
    line = head + tail
    found = _source_line._iso_day_at_end(line)
    if line.endswith("2026-05-25") and line[-11:-10] in ("", " ", "\t"):
        assert found is not None
    if found is not None:
        start = max(0, len(line) - _source_line._DATE_MAX_LENGTH)
        match = _source_line._date_re().search(line, start)
        assert match is not None and match.start(1) == found and match[1] == line[found:]
