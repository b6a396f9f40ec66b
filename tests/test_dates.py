from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit._dates import MONTHS, WEEKDAYS, ZONES, format_iso, make_moment, offset, parse_iso

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2026, 5, 25), "2026-05-25"),
        (dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC), "2026-05-25T08:30:00Z"),
        (dt.datetime(2026, 5, 25, 8, 30), "2026-05-25T08:30:00"),
        (
            dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2026-05-25T08:30:00+02:00",
        ),
        (dt.datetime(2026, 5, 25, 8, 30, 0, 120000, tzinfo=UTC), "2026-05-25T08:30:00.120000Z"),
    ],
)
def test_format_and_parse(value: dt.date, text: str) -> None:
    assert format_iso(value) == text
    assert parse_iso(text) == value
    assert type(parse_iso(text)) is type(value)


def test_parse_accepts_a_space_and_lower_case_z() -> None:
    assert parse_iso("2026-05-25 08:30:00z") == dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["25/05/2026", "2026-05-2", "20260525", "2026-05-25X08:30", ""])
def test_parse_rejects_what_is_no_iso_date(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message comes from datetime
        parse_iso(text)


@given(st.dates() | st.datetimes(timezones=st.none() | st.just(UTC)))
def test_round_trip(value: dt.date) -> None:
    assert parse_iso(format_iso(value)) == value


# ----------------------------------------------------------------------------- the dump's words


@pytest.mark.parametrize(
    ("zone", "hours"),
    [
        ("Z", 0), ("utc", 0), ("GMT", 0), ("+02:00", 2), ("+0200", 2), ("-05", -5), ("+5", 5),
        ("UTC+5:30", 5.5), ("GMT-3", -3), ("-0530", -5.5), ("EDT", -4), ("est", -5),
        ("CEST", 2), ("MESZ", 2), ("JST", 9),
    ],
)  # fmt: skip
def test_offset(zone: str, hours: float) -> None:
    assert offset(zone) == dt.timezone(dt.timedelta(hours=hours))


@pytest.mark.parametrize("zone", ["CST", "IST", "BST", "AST", "ET", "PT"])
def test_a_word_for_several_zones_has_no_offset(zone: str) -> None:
    assert offset(zone) is None


@pytest.mark.parametrize("zone", ["XYZ", "Uhr", "UTC+", "+", "+123456", "+2:0", "EST+2", "+٢"])
def test_what_is_no_zone(zone: str) -> None:
    with pytest.raises(KeyError):
        offset(zone)


@pytest.mark.parametrize("zone", ["+24:00", "-25", "+02:60"])
def test_an_offset_that_cannot_be(zone: str) -> None:
    with pytest.raises(ValueError, match="no such offset"):
        offset(zone)


def test_the_tables_agree_with_the_calendar() -> None:
    assert len(set(MONTHS.values())) == 12
    for word, number in MONTHS.items():
        assert word == word.casefold() and 1 <= number <= 12
    for english in ("january", "may", "december"):
        assert MONTHS[english] == dt.datetime.strptime(english, "%B").month
    monday = dt.date(2026, 5, 25)
    for k, day in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday")):
        assert WEEKDAYS[day] == (monday + dt.timedelta(days=k)).weekday() == k
    assert WEEKDAYS["sonntag"] == WEEKDAYS["domingo"] == WEEKDAYS["zondag"] == 6
    assert all(name == name.upper() for name in ZONES)


@pytest.mark.parametrize(
    ("clock", "meridiem", "hour"),
    [
        ((12, 30, 0), "am", 0),
        ((12, 30, 0), "PM", 12),
        ((1, 0, 0), "p.m.", 13),
        ((11, 0, 0), "a.m.", 11),
        ((13, 4, 0), "PM", 13),  # a 24-hour time that agrees with its PM
        ((0, 30, 0), "AM", 0),
    ],
)
def test_a_twelve_hour_clock(clock: tuple[int, int, int], meridiem: str, hour: int) -> None:
    moment = make_moment(2026, 5, 25, clock, meridiem=meridiem)
    assert moment == dt.datetime(2026, 5, 25, hour, clock[1])


@pytest.mark.parametrize(("hour", "meridiem"), [(0, "pm"), (13, "am"), (15, "a.m."), (24, "pm")])
def test_an_hour_that_no_twelve_hour_clock_shows(hour: int, meridiem: str) -> None:
    with pytest.raises(ValueError, match="12-hour clock"):
        make_moment(2026, 5, 25, (hour, 0, 0), meridiem=meridiem)


def test_a_date_stays_a_date() -> None:
    assert type(make_moment(2026, 5, 25)) is dt.date
    aware = make_moment(2026, 5, 25, (8, 30, 0), zone=UTC)
    assert aware == dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)
