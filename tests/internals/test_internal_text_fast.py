"""The dump reader's and writer's shortcuts find exactly what the general code finds.

Each shortcut handles the common line (a nav line, a footer, a date in words, a body of
plain lines) without a regular expression or line by line; anything else goes the general
way. These tests hold every shortcut to the general code on lines made to be hard.

These tests reach in because each shortcut and its general code are two private roads to one public
answer: only driving each directly shows they agree.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Credit, Section, Story, UnrepresentableError, formats
from storykit.formats import _text_lines, _text_memory, _text_reader, markdown, text
from storykit.model import _SCAN, _no_surrogates
from tests.conftest import CORPUS_STORIES, SEED
from tests.strategies import dump_stories, stories


def _read(dump: str) -> Story:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return text.loads(dump)


# --------------------------------------------------------------------------- reading

_DATE_PIECES = st.sampled_from(
    ["25", "5", "05", "123", "May", "may", "MAY", "May.", "Sept", "Sep.", "September",
     "Sepember", "Auguſt", "Jan", "Febr", "2026", "0000", "20٢6", "٢5", ",", ".", " ", "  ",
     "\t", "x", "SCMP", "31", "30", "Feb", "29"]
)  # fmt: skip


@given(st.lists(_DATE_PIECES, max_size=7))
@example(["SCMP", " ", "May", " ", "25", ",", " ", "2026"])
@example(["SCMP", " ", "25", " ", "May.", " ", "2026"])
@example(["25", " ", "May", " ", "2026"])
@example(["May", " ", "25", ",", " ", "2026"])
@example(["SCMP", "\t", "25", " ", "May", " ", "2026"])
@example(["SCMP", " ", "31", " ", "Feb", " ", "2026"])  # no such day: an error either way
@example(["x", "25", " ", "May", " ", "2026"])  # the day must start a word
@example(["SCMP", " ", "Auguſt", " ", "25", ",", " ", "2026"])  # ſ matches s, ignoring case
@example(["SCMP", " ", "Sepember", " ", "5", ",", " ", "2026"])  # the regex's, not a month
def test_the_month_date_shortcut_finds_what_the_date_regex_finds(pieces: list[str]) -> None:
    line = "".join(pieces)
    found = _text_lines._month_date_at_end(line)
    if found is None:
        return
    start, day, month, year = found
    match = _text_lines._DATE_RE.search(line, max(0, len(line) - _text_lines._DATE_MAX_LENGTH))
    assert match is not None and match.start(1) == start and match[1] == line[start:]
    try:
        expected: object = _text_lines._parse_date(line[start:])
    except ValueError as exc:
        expected = str(exc)
    try:
        made: object = _text_lines._dt.date(year, month, day)
    except ValueError as exc:
        made = str(exc)
    assert made == expected


def test_every_usual_month_spelling_is_read_as_the_date_regex_reads_it() -> None:
    # _month_date_at_end looks these up as they are; each must give what lower-casing gives
    for spelled, number in _text_lines._MONTH_WORDS.items():
        for line in (f"SCMP 5 {spelled} 2026", f"SCMP {spelled} 25, 2026"):
            found = _text_lines._month_date_at_end(line)
            assert found is not None and found[2] == number
            start = found[0]
            assert _text_lines._parse_date(line[start:]) == _text_lines._dt.date(
                found[3], number, found[1]
            )
    for day, number in _text_lines._DAY_NUMBERS.items():
        assert day.isascii() and day.isdigit() and len(day) <= 2 and int(day) == number
    assert len(_text_lines._DAY_NUMBERS) == 110  # every string of one or two digits


_SOURCE_PIECES = st.sampled_from(
    ["SCMP", " ", "\t", "2026", "-", "05", "5", "25", "13", "31", "02-29", "2025", "0000", "T",
     "08:30", ":00", "Z", "+02:00", "May", "May.", "MAY", "Feb", "Sept", ",", "٢", "x",
     "2026-05-25", "20260525", "W01", "2026-W01-1", "1"]
)  # fmt: skip


@given(st.lists(_SOURCE_PIECES, min_size=1, max_size=8))
@example(["SCMP", " ", "2026-05-25"])
@example(["2026-05-25"])
@example(["SCMP", "\t", "2026-05-25"])
@example(["SCMP", "2026-05-25"])  # no blank before the date: no date
@example(["SCMP", " ", "2026", "-", "02-29"])  # no such day: the error, as before
@example(["SCMP", " ", "2026", "-", "13", "-", "25"])
@example(["SCMP", " ", "2026", "-", "W01", "-", "1"])  # ISO week dates are not read
@example(["SCMP", " ", "2026-05-25", "T", "08:30", "Z"])
@example(["SCMP", " ", "May", " ", "25", ",", " ", "2026"])
@example(["SCMP", " ", "31", " ", "Feb", " ", "2026"])
@example(["SCMP", " ", "2026", "-", "05", "-", "2", "٢"])
@example(["5"])  # shorter than any date: the characters looked at by index are not there
@example(["-", "05"])
@example(["1", "-", "05", "-", "25"])  # "-" where an ISO day has them, too short for one
@example(["1", "2026-05-25"])  # eleven characters, no blank before the date
@example(["x", " ", "2026"])  # a year after a space, no month before it
@example(["SCMP", " ", "2026-05-25", "T", "08:30", ":00", "Z"])  # a date-time, read at once
@example(["2026-05-25", "T", "08:30", "+02:00"])  # a date-time alone on the line
@example(["SCMP", "\t", "2026-05-25", "T", "08:30", "Z"])  # after a tab: the general way
@example(["SCMP", " ", "2025", "-", "02-29", "T", "08:30", "Z"])  # no such day: the error
@example(["SCMP", " ", "2026-05-25", "T", "08:30", "T", "08:30"])
def test_the_source_line_shortcuts_read_what_the_general_way_reads(pieces: list[str]) -> None:
    line = "".join(pieces).strip()
    if not line:
        return
    shortcut, general = _both_ways(line)
    assert shortcut == general
    assert type(shortcut) is type(general)


def _both_ways(line: str) -> tuple[object, object]:
    """What the source line's shortcuts and the general way make of ``line`` (or say)."""
    outcomes: list[object] = []
    for read in (_text_lines._source_line, _text_lines._source_line_in_full):
        try:
            outcomes.append(read(line, 0, None))
        except storykit.StoryParseError as exc:
            outcomes.append(str(exc))
    return outcomes[0], outcomes[1]


@st.composite
def _date_times(draw: st.DrawFn) -> str:
    """A date-time the way a source line may end in one, now and then a little wrong."""
    wrong = draw(st.integers(0, 11))  # which piece is wrong (none, half the time)
    choices = [
        (["2026-05-25", "2024-02-29"], ["2025-02-29", "2026-13-01", "202٦-05-25", "2026-5-25"]),
        (["T"], ["t", " ", "TT"]),
        (["08:30", "23:59", "00:00"], ["25:00", "8:30", "08:3٠", "0830"]),
        (["", ":00", ":59"], [":7", ":60"]),
        (["", "", ".5", ".123456"], [".1234567", "."]),
        (["", "Z", "+02:00", "-0530", "+00:00"], ["z", "+2", "+24:00", "Z+02:00"]),
    ]
    return "".join(
        draw(st.sampled_from(bad if k == wrong else good)) for k, (good, bad) in enumerate(choices)
    )


@given(
    st.sampled_from(["SCMP ", "SCMP ", "", "SCMP\t", "SCMP  ", "AP 2026 ", "x"]),
    _date_times(),
    st.sampled_from(["", "", "", "x", " 08:30"]),
)
@example("SCMP ", "2026-05-25T08:30:00Z", "")
@example("SCMP ", "2026-05-25T08:30:00.1234567", "")  # seven digits: not a date-time
@example("SCMP ", "2026-05-25t08:30", "")  # a small t: the regex's (it ignores case)
@example("SCMP ", "2026-05-25T25:00", "")  # no such hour: the error, the general way's
@example("", "2026-05-25T08:30+02:00", "")
def test_the_date_time_shortcut_finds_what_the_date_regex_finds(
    head: str, value: str, tail: str
) -> None:
    line = head + value + tail
    start = line.rfind(" ") + 1
    published = _text_lines._iso_time_at(line, start)
    if published is None:
        return
    match = _text_lines._DATE_RE.search(line, max(0, len(line) - _text_lines._DATE_MAX_LENGTH))
    assert match is not None and match.start(1) == start and match[1] == line[start:]
    made = _text_lines._parse_date(line[start:])
    assert published == made and type(published) is type(made) is _text_lines._dt.datetime
    assert published.tzinfo == made.tzinfo
    # and the source line reads as the general way reads it
    assert _text_lines._source_line(line, 0, None) == _text_lines._source_line_in_full(
        line, 0, None
    )


@given(
    st.sampled_from(["", "SCMP ", "SCMP\t", "x"]),
    _date_times(),
    st.sampled_from(["", "x", " 08:30"]),
)
def test_source_lines_ending_in_a_date_time_read_as_the_general_way_reads(
    head: str, value: str, tail: str
) -> None:
    shortcut, general = _both_ways((head + value + tail).strip())
    assert shortcut == general


@pytest.mark.parametrize(
    ("line", "name", "published"),
    [
        ("SCMP 2026-05-25", "SCMP", "2026-05-25"),
        ("The Japan Times February 18, 2020", "The Japan Times", "2020-02-18"),
        ("China Daily 17 November 2023", "China Daily", "2023-11-17"),
        ("CBS News 2020-02-24T01:50:00Z", "CBS News", "2020-02-24T01:50:00+00:00"),
        ("2020-02-24T01:50:00.5+05:30", None, "2020-02-24T01:50:00.500000+05:30"),
    ],
)
def test_the_usual_source_lines_are_read_without_the_general_way(
    monkeypatch: pytest.MonkeyPatch, line: str, name: str | None, published: str
) -> None:
    # the shortcuts read these at once: the general way (and its regex) is not asked
    def general(*_: object) -> object:
        raise AssertionError("read the general way")

    monkeypatch.setattr(_text_lines, "_source_line_in_full", general)
    found = _text_lines._source_line(line, 0, None)
    assert found[0] == name
    assert found[1] is not None and found[1].isoformat() == published


def test_a_last_line_that_is_no_footer_is_not_matched_against_the_footer_regex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Refuse:
        def fullmatch(self, line: str) -> None:
            raise AssertionError(f"asked the footer regex about {line!r}")

    monkeypatch.setattr(_text_lines, "_FOOTER_RE", Refuse())
    assert _text_lines._footer_url("The last paragraph, no footer after it.") is False
    assert _read("SCMP\n\nTitle\n\nThe last paragraph.").paragraphs == ("The last paragraph.",)


@pytest.mark.parametrize(
    ("line", "name", "published"),
    [
        ("SCMP May 25, 2026", "SCMP", (2026, 5, 25)),
        ("The Japan Times February 18, 2020", "The Japan Times", (2020, 2, 18)),
        ("Nikkei Asia 5 Jan. 2026", "Nikkei Asia", (2026, 1, 5)),
        ("Reuters Sept. 3, 2025", "Reuters", (2025, 9, 3)),
        ("May 25, 2026", None, (2026, 5, 25)),
        ("Channel 4 25 MAY 2026", "Channel 4", (2026, 5, 25)),
    ],
)
def test_dates_in_words_on_the_source_line(
    line: str, name: str | None, published: tuple[int, int, int]
) -> None:
    story = _read(f"{line}\n\nTitle\n\nPara.")
    assert story.source is not None
    assert story.source.published == _text_lines._dt.date(*published)
    assert story.source.name == name


def test_a_day_that_does_not_exist_names_the_line_as_before() -> None:
    with pytest.raises(storykit.StoryParseError) as info:
        _read("← Back to stories\nSCMP Feb 30, 2026\n\nTitle\n\nPara.")
    assert info.value.line == 2
    assert "invalid date 'Feb 30, 2026' on the source line: day is out of range" in str(info.value)


@given(st.text(st.sampled_from(" \t\nxAé/on:\u3000"), max_size=12))
@example("Jane Doe on Pexels")
@example("A/B")
@example("  ")
@example(" \n x")
@example(" on ")
def test_the_photo_credit_shortcut_reads_what_the_credit_regex_reads(tail: str) -> None:
    # "PHOTO by …" is read by the regex (which ignores case): the same credit
    for byline in (False, True):
        fast = _text_lines._parse_credit("Photo by " + tail, byline, Credit)
        assert fast == _text_lines._parse_credit("PHOTO by " + tail, byline, Credit)


def _credit_or_error(line: str) -> object:
    try:
        return _text_lines._parse_credit(line, False, Credit)
    except ValueError as exc:  # "Photo: " names a blank provider: refused alike
        return str(exc)


@given(
    st.sampled_from(sorted(_text_lines._ROLE_WORDS)),
    st.sampled_from([" by ", ":", " by", " : ", " by\t", "s by ", ": by "]),
    st.text(st.sampled_from(" \t\nxAé/on:by\u3000"), max_size=12),
)
@example("Photograph", " by ", "Aiko Nakamura/Kyodo")
@example("Illustration", " by ", "Kofi Boateng")
@example("Image", ":", " Shutterstock")
@example("photos", ":", "")
@example("Photo", ":", " ")
@example("Video", ":", "\n x")
@example("Graphics", " by ", " on ")
def test_the_role_word_shortcut_reads_what_the_credit_regexes_read(
    word: str, joint: str, tail: str
) -> None:
    # In capitals the role word is no usual spelling: the regexes (which ignore case) read it
    assert word.upper() not in _text_lines._ROLE_WORDS
    fast = _credit_or_error(word + joint + tail)
    assert fast == _credit_or_error(word.upper() + joint + tail)


_FOOTER_PIECES = st.sampled_from(
    ["View original source", "View original sources", " ", "\t", "→", "→→", "x", "https://e.com/a",
     "\u3000", "\u00a0", "a b", "_"]
)  # fmt: skip


@given(st.lists(_FOOTER_PIECES, max_size=5))
@example(["View original source", " ", "→", " ", "https://e.com/a"])
@example(["View original source", " ", "→", "→", "x"])
@example(["View original source", " ", "→", " ", "a b"])
@example(["View original source", " ", "→", " ", "\u3000", "x"])
@example(["View original source", "→", "x"])
@example(["View original sources"])
def test_the_footer_shortcut_finds_what_the_footer_regex_finds(pieces: list[str]) -> None:
    line = "".join(pieces).strip()  # the reader's lines are stripped
    footer = _text_lines._FOOTER_RE.fullmatch(line)
    assert _text_lines._footer_url(line) == (False if footer is None else footer[1] or None)
    assert _text_lines._footer_url(_text_lines.FOOTER) is None  # the reader's shortcut


_NAV_PIECES = st.sampled_from(
    ["← Back to stories", "←", " ", "\t", "Back to stories", "s", "_", "1", "é", "-", "A robot",
     "\u3000", "storiesX"]
)  # fmt: skip


@given(st.lists(_NAV_PIECES, max_size=5))
@example(["← Back to stories", " ", "A robot"])
@example(["← Back to stories", "_"])
@example(["← Back to stories", "é"])
@example(["← Back to stories", "-", "x"])
@example(["←", " ", " ", "Back to stories"])
def test_the_nav_shortcut_finds_what_the_nav_regex_finds(pieces: list[str]) -> None:
    line = "".join(pieces).strip()
    nav = _text_lines._NAV_RE.fullmatch(line)
    assert _text_lines._nav_alt(line) == (False if nav is None else nav[1].strip() or None)
    # the header reads "← Back to stories ALT" at once: the same alt text
    if line.startswith(_text_lines._NAV_SPACE):
        alt_at_once = line[_text_lines._NAV_LENGTH :].strip() or None
        assert alt_at_once == _text_lines._nav_alt(line)
    if not line:
        return
    header = _text_reader._header([line, "SCMP"], 0, 2, None, _text_reader._VALIDATING, [])
    image, is_nav = header[0], header[1]
    assert is_nav == (nav is not None)
    if nav is not None:
        alt = nav[1].strip() or None
        assert (image.alt if image is not None else None) == alt


@given(st.text(st.sampled_from("a\0\n←\ud800😀"), max_size=12))
@example("abc")
@example("←\0")
@example("←\ud800\0")
@example("\0\ud800")
def test_one_scan_finds_nul_and_lone_surrogates(value: str) -> None:
    nul, clean = _text_reader._scan(value)
    assert nul == value.find("\0")
    if nul < 0:
        assert clean == _no_surrogates(value)


_ANY_CHARACTER = st.one_of(
    st.characters(max_codepoint=0xFF),  # ASCII and Latin-1: a str of one byte a character
    st.characters(),  # the BMP and beyond (astral characters: four bytes a character)
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),  # lone
    st.sampled_from("\0é←😀\ud800\udfff"),
)


@given(st.text(_ANY_CHARACTER, max_size=40))
@example("é")  # Latin-1: no surrogate can be in it
@example("é\0")
@example("\udfff")
@example("😀\ud83d")  # half a pair after a whole character
@example("\ud83d\ude00")  # a pair written as two lone surrogates: still two lone ones
def test_the_scan_finds_nul_and_lone_surrogates_in_every_kind_of_string(value: str) -> None:
    nul, clean = _text_reader._scan(value)
    assert nul == value.find("\0")
    assert clean == _no_surrogates(value) == (not any(0xD800 <= ord(c) <= 0xDFFF for c in value))


def test_the_scan_reads_long_text_in_slices() -> None:
    long = "←" * (_SCAN + 5)
    assert _text_reader._scan(long) == (-1, True)
    assert _text_reader._scan(long + "\0")[0] == len(long)
    assert _text_reader._scan(long + "\ud800") == (-1, False)
    assert _text_reader._scan(long + "\ud800\0") == (len(long) + 1, False)
    # one slice exactly: read at once
    assert _text_reader._scan("←" * _SCAN) == (-1, True)
    assert _text_reader._scan("←" * (_SCAN - 2) + "\0\ud800") == (_SCAN - 2, False)


# --------------------------------------------------------------------------- the body's rule


def _headings_read(items: list[str]) -> list[int]:
    """Where the reader puts the headings of a body of these lines."""
    dump = "SCMP\n\nTitle\n\n" + "\n\n".join(items)
    story = _read(dump)
    lines = [*story.paragraphs]
    found, k = [], 0
    for section in story.sections:
        if section.heading is not None:
            found.append(k)
            k += 1
        k += len(section.paragraphs)
    assert k == len(items) and len(lines) + len(found) == len(items)
    return found


_BODY_LINES = st.sampled_from(["Heading", "What next?", "A sentence.", "Short", "x" * 101])


@given(st.lists(_BODY_LINES, min_size=1, max_size=8))
def test_the_writers_rule_for_headings_is_the_readers(items: list[str]) -> None:
    assert text._headings(items) == _headings_read(items)


_SECOND_STORY_LINES = st.sampled_from(
    ["Para one.", "Heading", "← Back to stories", "←  Back to stories A robot", "← not a nav line",
     "View original source", "View original source → https://e.com/a", "View original sources",
     "Vietnam rises.", "View", "x ← Back to stories",
     "View original source →← Back to stories A robot",  # two dumps joined (cat a b)
     "View original source → https://e.com/a← Back to stories", "View original source ←",
     "View original source → https://e.com/a \u00a0← Back to stories"]  # the first ends in blanks
)  # fmt: skip


@given(st.lists(_SECOND_STORY_LINES, min_size=1, max_size=6))
@example(["Para one.", "← Back to stories", "View original source"])
@example(["View original source → https://e.com/a", "Para one."])
@example(["Vietnam rises.", "Para one."])
@example(["Para one.", "View original source →← Back to stories A robot"])
def test_another_storys_line_in_the_body_is_found_as_line_by_line(body: list[str]) -> None:
    # The reader looks closer only when a body line starts as a nav line or a footer does:
    # what it finds must be what a look at every line finds (the first nav line, else the
    # first footer run into a nav line, else the first footer), on the line where it is.
    dump = "SCMP\n\nTitle\n\n" + "\n\n".join(body) + "\n\nAIEVs\nView original source →"
    navs = [k for k, line in enumerate(body) if _text_lines._NAV_RE.fullmatch(line)]
    glued = [
        k
        for k, line in enumerate(body)
        if line.startswith("View original source") and "← Back to stories" in line
    ]
    footers = [k for k, line in enumerate(body) if _text_lines._FOOTER_RE.fullmatch(line)]
    if not navs and not glued and not footers:
        assert _read(dump).paragraphs  # read, the lines in the body
        return
    with pytest.raises(storykit.StoryParseError) as info:
        _read(dump)
    k, starts = (
        (navs[0], "a second story starts here")
        if navs
        else (glued[0], "a second story starts inside this line")
        if glued
        else (footers[0], "text follows")
    )
    assert info.value.line == 5 + 2 * k
    assert info.value.message.startswith(starts)


@given(stories())
def test_the_body_checked_at_once_or_line_by_line_alike(story: Story) -> None:
    outcomes: list[str] = []
    for check in (text._check_body, text._check_body_lines):
        try:
            check(story)
            outcomes.append("ok")
        except UnrepresentableError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    "sections",
    [
        (Section(None, ("Short",)), Section("Heading", ("Para.",))),  # a lead like a heading
        (Section("Heading", ("Para.", "View original source")),),
        (Section("Heading", ("← Back to stories",)),),
        (Section("Heading", ("Two\nlines.",)),),
    ],
)  # fmt: skip
def test_a_body_that_would_not_read_back_is_refused_line_by_line(
    sections: tuple[Section, ...],
) -> None:
    story = Story("Title", sections=sections)
    with pytest.raises(UnrepresentableError) as fast:
        text._check_body(story)
    with pytest.raises(UnrepresentableError) as slow:
        text._check_body_lines(story)
    assert str(fast.value) == str(slow.value)


# --------------------------------------------------------------------------- the writer's check

_SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_a_footer_the_writer_adds_leaves_the_rest_read_back() -> None:
    # No footer in the dump: the writer adds one, the title and body lines are the same.
    dump = _SEED_TEXT.rstrip("\n").rsplit("\n", 2)[0]  # no tags line, no footer
    story = _read(dump)
    assert not story.tags and story.url is None
    out = text.dumps(story, check=False).split("\n")
    assert text._read_back(story, out) == (True, True)
    assert _read(text.dumps(story)) == story


def test_a_footer_without_its_arrow_leaves_the_rest_read_back() -> None:
    dump = _SEED_TEXT.rstrip("\n").replace("View original source →", "View original source")
    story = _read(dump)
    assert story.tags
    out = text.dumps(story, check=False).split("\n")
    assert text._read_back(story, out) == (True, True)


def test_tags_read_with_other_lines_above_them_are_split_again() -> None:
    # Two blank lines above the tags line: the splitter saw other text, so its split is not
    # taken as read back; the check splits the written line again (and it agrees).
    head, tags, footer = _SEED_TEXT.rstrip("\n").rsplit("\n", 2)
    story = _read(f"{head}\n\n{tags}\n{footer}")
    out = text.dumps(story, check=False).split("\n")
    assert text._read_back(story, out) == (True, False)
    assert _read(text.dumps(story)) == story


def test_the_url_alone_is_checked_when_the_header_reads_back() -> None:
    # (the reader never makes a URL with white space or NUL in it: this guards the rule)
    text._check_url("https://e.com/a")
    with pytest.raises(UnrepresentableError, match=r"source\.url contains white space"):
        text._check_url("https://e.com/a b")
    with pytest.raises(UnrepresentableError, match=r"source\.url contains U\+0000"):
        text._check_url("https://e.com/\0")


@pytest.mark.parametrize("path", [SEED, *CORPUS_STORIES], ids=lambda p: p.stem)
def test_every_corpus_story_is_checked_the_cheap_way_and_agrees(path: Path) -> None:
    story = _read(path.read_text(encoding="utf-8"))
    ref = _text_memory._made_from(story)
    assert ref is not None
    out = text.dumps(story, check=False).split("\n")
    assert text._read_back(story, out)[1]  # the title, body and tags lines read back
    text._check(story)  # and the full check agrees that they do
    assert _read(text.dumps(story)) == story


@given(dump_stories())
def test_a_story_read_from_a_dump_with_other_spacing_is_checked_alike(story: Story) -> None:
    # Extra blank lines and a footer without its arrow: the reader's lines differ from the
    # writer's, and the outcome is the full check's.
    written = text.dumps(story)
    spaced = written.replace("\n\n", "\n\n\n").replace(
        "View original source →", "View original source"
    )
    again = _read(spaced)
    assert again == story
    assert text.dumps(again) == written


# --------------------------------------------------------------------------- storykit.loads


def test_storykit_loads_scans_a_dump_for_lone_surrogates_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scans: list[str] = []
    scan = _text_reader._scan
    monkeypatch.setattr(_text_reader, "_scan", lambda value: scans.append(value) or scan(value))
    story = storykit.loads(_SEED_TEXT, "text")  # checked by storykit.loads: not again
    assert story == storykit.loads(_SEED_TEXT.encode(), "text") == text.loads(_SEED_TEXT)
    assert len(scans) == 1  # text.loads, on its own, looks
    with pytest.raises(storykit.StoryParseError, match=r"^<string>:1: a lone surrogate U\+D800"):
        storykit.loads("\ud800" + _SEED_TEXT, "text")


def test_storykit_loads_finds_where_a_nul_is_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # storykit.loads knows where the first NUL is (from the bytes, or from its one scan of a
    # str) and tells the dump reader, which does not look again.
    told: list[object] = []
    checked = text._loads_checked  # (storykit.loads finds it in the format's module)

    def spy(value: str, **options: object) -> Story:
        told.append(options["nul"])
        return checked(value, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(text, "_loads_checked", spy)
    utf16 = b"\xff\xfe" + _SEED_TEXT.encode("utf-16-le")
    for data in (_SEED_TEXT, _SEED_TEXT.encode(), "\ufeff" + _SEED_TEXT, utf16):
        assert storykit.loads(data, "text") == text.loads(_SEED_TEXT)
    assert told == [-1, -1, -1, -1]


@given(st.text(st.characters(codec="utf-8", min_codepoint=0)))
@example("\0")
@example("小米")
def test_bytes_without_a_zero_byte_hold_no_nul(value: str) -> None:
    # what storykit.loads takes for granted: U+0000 is zero bytes in every encoding it reads
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        if b"\0" not in value.encode(codec):
            assert "\0" not in value


@pytest.mark.parametrize(
    "encode",
    [
        lambda value: value,
        lambda value: value.encode(),
        lambda value: b"\xef\xbb\xbf" + value.encode(),
        lambda value: b"\xff\xfe" + value.encode("utf-16-le"),
        lambda value: b"\x00\x00\xfe\xff" + value.encode("utf-32-be"),
    ],
    ids=["str", "utf-8", "utf-8 bom", "utf-16", "utf-32"],
)
def test_a_nul_far_into_a_dump_is_refused_as_before(encode: Callable[[str], str | bytes]) -> None:
    dump = "SCMP\n\nTitle\n\n" + "Paragraph.\n\n" * 100 + "Last \0 one."
    with pytest.raises(storykit.StoryParseError) as info:
        storykit.loads(encode(dump), "text")
    assert info.value.line == 205
    assert info.value.message == "binary data, not a text story (U+0000)"
    early = r"^<string>:1: binary data, not a text story$"  # within the first 1,024 characters
    with pytest.raises(storykit.StoryParseError, match=early):
        storykit.loads(encode("SC\0" + dump), "text")
    # a lone surrogate as well: the surrogate is named, as it was
    with pytest.raises(storykit.StoryParseError, match=r"lone surrogate U\+D800"):
        storykit.loads("\ud800" + dump, "text")


def test_a_warning_of_storykit_loads_names_its_callers_line() -> None:
    with pytest.warns(storykit.StoryWarning) as caught:
        storykit.loads("SCMP\nan extra\n\nTitle\n\nPara.", "text")
    assert caught[0].filename == __file__


def test_a_warning_of_storykit_load_names_its_callers_line(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("SCMP\nan extra\n\nTitle\n\nPara.", encoding="utf-8")
    with pytest.warns(storykit.StoryWarning) as caught:
        storykit.load(path)
    assert caught[0].filename == __file__


# --------------------------------------------------------------------------- sniffing

_HEAD_PIECES = st.sampled_from(
    ["\ufeff", " ", "\t", "\n", "\r\n", "<", "{", "-", "---", "#", "##", "#######", "# T", "#\t",
     "<!DOCTYPE html>", "<html", '<article class="storykit">', '"@context"', "<feed",
     "http://www.w3.org/2005/Atom", '"https://jsonfeed.org/version/1.1"', "← Back to stories",
     "x", "é", "\u3000"]
)  # fmt: skip


def _written_only_in_full(text: str) -> str | None:
    """:func:`storykit.formats.written_only` without its first-character shortcut."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    for name, what in formats._WRITTEN_ONLY.items():
        if formats.by_name(name).detect(head):
            return what
    if head.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head:
        return "an Atom feed"
    if formats._JSON_FEED_RE.match(head):
        return "a JSON Feed"
    return None


@given(st.lists(_HEAD_PIECES, max_size=6))
@example(["<!DOCTYPE html>"])
@example(["\ufeff", " ", '<article class="storykit">'])
@example(["{", '"@context"'])
@example(["<", "<feed", "http://www.w3.org/2005/Atom"])
@example(["{", '"https://jsonfeed.org/version/1.1"'])
def test_what_is_only_written_is_told_at_its_first_character(pieces: list[str]) -> None:
    # Every written-only format starts with "<" or "{": anything else is none of them at once.
    text_ = "".join(pieces)
    assert formats.written_only(text_) == _written_only_in_full(text_)
    for name in formats._WRITTEN_ONLY:
        if formats.by_name(name).detect(text_):
            assert text_.lstrip("\ufeff \t\r\n")[:1] in formats._WRITTEN_ONLY_STARTS


@given(st.lists(_HEAD_PIECES, max_size=6))
@example(["---"])
@example(["\n", "#", " ", "x"])
@example(["#######"])
@example(["#\t"])
@example(["-", "x"])
def test_markdown_is_told_at_its_first_character(pieces: list[str]) -> None:
    text_ = "".join(pieces)
    first = text_.lstrip("\ufeff \t\r\n")[:300].split("\n", 1)[0].rstrip()
    in_full = first == "---" or re.match(r"#{1,6}(?:[ \t]|$)", first) is not None
    assert markdown.detect(text_) == in_full


def test_sniffing_asks_no_written_only_format(monkeypatch: pytest.MonkeyPatch) -> None:
    # HTML and JSON-LD have no reader (so sniffing could never answer them): it skips them
    # without looking them up, nor asking whether they have a reader (a failing hasattr each).
    for name in formats._WRITTEN_ONLY:
        assert not hasattr(formats.by_name(name), "loads")
    looked_up: list[str] = []
    module = formats._module
    monkeypatch.setattr(formats, "_module", lambda name: looked_up.append(name) or module(name))
    assert formats.sniff(_SEED_TEXT) == "text"
    assert formats.sniff("# Title\n\nPara.") == "markdown"
    assert formats.sniff('<!doctype html><article class="storykit">') == "text"
    assert looked_up and not set(looked_up) & set(formats._WRITTEN_ONLY)
