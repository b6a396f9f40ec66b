"""The dump reader's shortcuts for dates and source lines find exactly what the general code finds.

Each shortcut handles the common line (a date in words, a usual source line) without a regular
expression; anything else goes the general way. These tests hold every shortcut to the general
code on lines made to be hard.

These tests reach in because each shortcut and its general code are two private roads to one public
answer: only driving each directly shows they agree.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit._dates import MONTHS
from storykit.formats import _source_line, _text_lines
from tests.internals.text_fast_helpers import _read

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
    found = _source_line._month_date_at_end(line)
    if found is None:
        return
    start, day, month, year = found
    match = _source_line._date_re().search(line, max(0, len(line) - _source_line._DATE_MAX_LENGTH))
    assert match is not None and match.start(1) == start and match[1] == line[start:]
    try:
        expected: object = _source_line._parse_date(line[start:])
    except ValueError as exc:
        expected = str(exc)
    try:
        made: object = _source_line._dt.date(year, month, day)
    except ValueError as exc:
        made = str(exc)
    assert made == expected


def test_every_usual_month_spelling_is_read_as_the_date_regex_reads_it() -> None:
    # _month_date_at_end looks these up as they are; each must give what lower-casing gives
    for spelled, number in _source_line._MONTH_WORDS.items():
        for line in (f"SCMP 5 {spelled} 2026", f"SCMP {spelled} 25, 2026"):
            found = _source_line._month_date_at_end(line)
            assert found is not None and found[2] == number
            start = found[0]
            assert _source_line._parse_date(line[start:]) == _source_line._dt.date(
                found[3], number, found[1]
            )
    for day, number in _source_line._DAY_NUMBERS.items():
        assert day.isascii() and day.isdigit() and len(day) <= 2 and int(day) == number
    assert len(_source_line._DAY_NUMBERS) == 110  # every string of one or two digits


def test_the_english_month_words_are_those_of_the_tables_the_date_regex_reads() -> None:
    # one source for the months: _MONTH_NUMBERS is storykit._dates.MONTHS, where _MONTHS
    # matches (a word it matches that is no month, "Sepember", goes to dateutil)
    months = re.compile(_source_line._MONTHS, re.IGNORECASE)
    read = {word: number for word, number in MONTHS.items() if months.fullmatch(word)}
    assert read == _source_line._MONTH_NUMBERS


_SOURCE_PIECES = st.sampled_from(
    ["SCMP", " ", "\t", "2026", "-", "05", "5", "25", "13", "31", "02-29", "2025", "0000", "T",
     "08:30", ":00", "Z", "+02:00", "May", "May.", "MAY", "Feb", "Sept", ",", "٢", "x",
     "2026-05-25", "20260525", "W01", "2026-W01-1", "1",
     # the forms beyond DESIGN §1's: weekdays, times, zones, other languages, digits
     "Mon,", "Mon", "Sun", "Tue,", "mai", "Mai", "de", "25.", ".", "/", "3:04", "PM", "p.m.",
     "EDT", "CST", "XYZ", "Uhr", "25.05.2026", "05/06/2026", "a.m", "pm.", "edt", "\u202f",
     "\u00a0"]
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
@example(["SCMP", " ", "Mon,", " ", "25", " ", "May", " ", "2026"])  # the weekday, at once
@example(["SCMP", " ", "Mon,", " ", "May", " ", "25", ",", " ", "2026"])
@example(["SCMP", " ", "Tue,", " ", "25", " ", "May", " ", "2026"])  # not the date's: name
@example(["Sun", " ", "25", " ", "May", " ", "2026"])
@example(["SCMP", " ", "25", " ", "mai", " ", "2026"])
@example(["SCMP", " ", "25.", " ", "Mai", " ", "2026"])
@example(["SCMP", " ", "25", " ", "de", " ", "mai", " ", "de", " ", "2026"])
@example(["SCMP", " ", "May", " ", "25", ",", " ", "2026", " ", "3:04", " ", "PM", " ", "EDT"])
@example(["SCMP", " ", "25.05.2026", " ", "3:04", " ", "PM", " ", "XYZ"])  # no zone: no date
@example(["SCMP", " ", "05/06/2026"])  # either way a date: no date
@example(["SCMP", " ", "2026-05-25", " ", "3:04", " ", "p.m.", " ", "CST"])
@example(["SCMP", " ", "25.05.2026", " ", "3:04", "\u202f", "a.m"])  # a word after a no-break space
@example(["SCMP", " ", "25.05.2026", " ", "3:04", " ", "PM", "\u00a0", "edt"])
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
    for read in (_source_line._source_line, _source_line._source_line_in_full):
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
    published = _source_line._iso_time_at(line, start)
    if published is None:
        return
    match = _source_line._date_re().search(line, max(0, len(line) - _source_line._DATE_MAX_LENGTH))
    assert match is not None and match.start(1) == start and match[1] == line[start:]
    made = _source_line._parse_date(line[start:])
    assert published == made and type(published) is type(made) is _source_line._dt.datetime
    assert published.tzinfo == made.tzinfo
    # and the source line reads as the general way reads it
    assert _source_line._source_line(line, 0, None) == _source_line._source_line_in_full(
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

    monkeypatch.setattr(_source_line, "_source_line_in_full", general)
    found = _source_line._source_line(line, 0, None)
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
    assert story.source.published == _source_line._dt.date(*published)
    assert story.source.name == name


def test_a_day_that_does_not_exist_names_the_line_as_before() -> None:
    with pytest.raises(storykit.StoryParseError) as info:
        _read("← Back to stories\nSCMP Feb 30, 2026\n\nTitle\n\nPara.")
    assert info.value.line == 2
    assert "invalid date 'Feb 30, 2026' on the source line: day is out of range" in str(info.value)
