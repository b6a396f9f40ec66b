from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit._dates import format_iso, parse_iso

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
