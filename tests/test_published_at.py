"""Sorting and filtering by date across an archive (issue 9, item 8).

``sorted(stories, key=lambda s: s.source.published)`` raised ``TypeError: can't compare
datetime.datetime to datetime.date`` on the development corpus, where some stories carry a
time. ``published`` keeps the precision the dump gave; ``published_at`` (an aware UTC
date-time) and the ``storykit.by_date`` sort key compare any mix.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Source, Story, by_date
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS

UTC = dt.UTC
TOKYO = dt.timezone(dt.timedelta(hours=9))


def story(published: dt.date | None, title: str = "T") -> Story:
    return Story(title, source=Source("S", published) if published is not None else None)


def test_a_date_is_midnight_utc_and_keeps_its_precision() -> None:
    source = Source("SCMP", dt.date(2026, 5, 25))
    assert source.published == dt.date(2026, 5, 25)  # a day stays a day
    assert type(source.published) is dt.date
    assert source.published_at == dt.datetime(2026, 5, 25, 0, 0, tzinfo=UTC)
    assert source.published_at.tzinfo is UTC


def test_a_naive_date_time_is_taken_as_utc() -> None:
    source = Source("S", dt.datetime(2026, 5, 25, 8, 30))
    assert source.published == dt.datetime(2026, 5, 25, 8, 30)  # still naive
    assert source.published_at == dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)


def test_an_aware_date_time_is_converted_to_utc() -> None:
    source = Source("S", dt.datetime(2026, 5, 25, 8, 30, tzinfo=TOKYO))
    assert source.published_at == dt.datetime(2026, 5, 24, 23, 30, tzinfo=UTC)
    assert source.published_at.tzinfo is UTC
    assert source.published.tzinfo is TOKYO  # kept as given


def test_no_date() -> None:
    assert Source("S").published_at is None
    assert story(None).published_at is None
    assert Story("T", source=Source("S")).published_at is None


def test_story_shortcut() -> None:
    s = story(dt.date(2026, 5, 25))
    assert s.published_at == s.source.published_at == dt.datetime(2026, 5, 25, tzinfo=UTC)


def test_the_reproducer_fails_and_by_date_sorts() -> None:
    # a date, a date-time on the same day and the day before, a naive one, and no date
    stories = [
        story(dt.date(2026, 5, 25), "day"),
        story(None, "undated 1"),
        story(dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC), "morning"),
        story(
            dt.datetime(2026, 5, 25, 8, 30, tzinfo=TOKYO),
            "tokyo morning = 23:30 UTC the day before",
        ),
        story(dt.datetime(2026, 5, 24, 12, 0), "naive noon the day before"),
        story(None, "undated 2"),
    ]
    with pytest.raises(TypeError):
        sorted(stories, key=lambda s: s.published)
    assert [s.title for s in sorted(stories, key=by_date)] == [
        "naive noon the day before",
        "tokyo morning = 23:30 UTC the day before",
        "day",
        "morning",
        "undated 1",
        "undated 2",
    ]


def test_filter_by_date_range() -> None:
    may = [story(dt.date(2026, 5, d)) for d in (1, 15, 31)]
    june = [story(dt.date(2026, 6, 1)), story(dt.datetime(2026, 6, 1, 0, 30, tzinfo=UTC))]
    start, end = dt.datetime(2026, 5, 1, tzinfo=UTC), dt.datetime(2026, 6, 1, tzinfo=UTC)
    picked = [
        s for s in [*may, *june, story(None)] if s.published_at and start <= s.published_at < end
    ]
    assert picked == may  # half-open ranges hold whole days


def test_by_date_is_the_public_name() -> None:
    assert storykit.by_date is by_date
    assert "by_date" in storykit.__all__


def test_every_corpus_story_sorts_and_filters() -> None:
    if not CORPUS_STORIES:
        pytest.skip(NO_CORPUS)
    stories = list(storykit.iter_stories(CORPUS / "stories"))
    assert len(stories) >= len(CORPUS_STORIES)
    kinds = {type(s.published) for s in stories}
    assert {dt.date, dt.datetime, type(None)} <= kinds  # the mix that made sorted() fail
    with pytest.raises(TypeError, match="can't compare"):  # even among the dated ones
        sorted(s.published for s in stories if s.published is not None)
    ordered = sorted(stories, key=by_date)
    dated = [s for s in ordered if s.published_at is not None]
    assert [s.published_at for s in dated] == sorted(s.published_at for s in dated)
    assert all(s.published_at is None for s in ordered[len(dated) :])
    for s in dated:
        assert s.published_at is not None
        assert s.published_at.utcoffset() == dt.timedelta(0)
        if type(s.published) is dt.date:
            assert s.published_at.date() == s.published
    since_2022 = [s for s in stories if s.published_at and s.published_at.year >= 2022]
    assert all(s.published is not None and s.published.year >= 2022 for s in since_2022)


OFFSETS = [UTC, TOKYO, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(seconds=30))]
naive_or_aware = st.one_of(
    st.dates(),
    st.datetimes(),  # the whole range: the year 1 at +09:00 is before UTC's first instant
    st.datetimes(timezones=st.sampled_from(OFFSETS)),
)


@given(st.lists(st.one_of(st.none(), naive_or_aware), max_size=12))
def test_by_date_orders_any_mix(dates: list[dt.date | None]) -> None:
    stories = [story(d, f"s{i}") for i, d in enumerate(dates)]
    keys = [by_date(s) for s in sorted(stories, key=by_date)]
    assert keys == sorted(keys)
    at = [s.published_at for s in stories]
    for a in at:
        assert a is None or a.tzinfo is UTC


@given(
    st.datetimes(timezones=st.sampled_from(OFFSETS)),
    st.datetimes(timezones=st.sampled_from(OFFSETS)),
)
@example(dt.datetime(1, 1, 1, 8, 59, tzinfo=TOKYO), dt.datetime(1, 1, 1, tzinfo=UTC))
@example(dt.datetime(9999, 12, 31, 23, tzinfo=OFFSETS[2]), dt.datetime(9999, 12, 31, tzinfo=UTC))
def test_published_at_keeps_the_order_of_instants(a: dt.datetime, b: dt.datetime) -> None:
    """Any two aware moments, the first and last days included, keep their order (or tie)."""
    early, late = sorted((a, b))
    assert story(early).published_at <= story(late).published_at  # type: ignore[operator]


def test_moments_utc_cannot_hold_are_its_first_and_last() -> None:
    """``0001-01-01T01:00+05:00`` is before UTC's first instant: ``published_at`` raised
    ``OverflowError``, and so did ``sorted(stories, key=by_date)``."""
    first = story(dt.datetime(1, 1, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))), "first")
    last = story(dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "last")
    assert first.published_at == dt.datetime.min.replace(tzinfo=UTC)
    assert last.published_at == dt.datetime.max.replace(tzinfo=UTC)
    middle = story(dt.date(2026, 5, 25), "middle")
    assert [s.title for s in sorted([last, middle, first], key=by_date)] == [
        "first",
        "middle",
        "last",
    ]


def test_a_dump_dated_before_utcs_first_instant_sorts_first() -> None:
    dump = (
        "← Back to stories Alt text\nPhoto by A on B\nThe Outlet 0001-01-01T01:00+05:00\n\n"
        "Title\n\nA paragraph.\n"
    )
    read = storykit.loads(dump, format="text")
    assert read.published == dt.datetime(1, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert sorted([story(dt.date(1, 1, 2)), read], key=by_date)[0] is read
