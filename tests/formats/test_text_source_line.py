"""The source line in the forms dumps use beyond DESIGN §1's (``docs/format.md``).

A weekday before the date, a time and a zone after it, month names in seven languages,
dates in digits; what is not a date stays in the source name as written. Names and dates
here are made up.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given

import storykit
from storykit import Credit, Source, Story, StoryParseError, UnrepresentableError
from storykit._dates import format_iso
from storykit.formats import text as text_format
from tests.formats.text_helpers import read
from tests.strategies import source_lines

BODY = "\n\nTitle of the story\n\nFirst paragraph.\n\nAIEVs\nView original source → https://e.example/a"
UTC = dt.UTC


def _tz(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


def _source(line: str) -> Source | None:
    """The source read from a dump with ``line`` for its source line, without the footer's URL."""
    source = read(f"← Back to stories\n{line}{BODY}").source
    assert source is not None and source.url == "https://e.example/a"
    return Source(source.name, source.published)


# ----------------------------------------------------------------------------- the lines


@pytest.mark.parametrize(
    ("line", "name", "published"),
    [
        ("Daily Lantern Mon, 25 May 2026", "Daily Lantern", dt.date(2026, 5, 25)),
        (
            "Kestrel Wire May 25, 2026 3:04 PM EDT",
            "Kestrel Wire",
            dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-4)),
        ),
        ("Gazette du Nord 25 mai 2026", "Gazette du Nord", dt.date(2026, 5, 25)),
        ("Der Bergbote 25. Mai 2026", "Der Bergbote", dt.date(2026, 5, 25)),
        ("El Faro Azul 25 de mayo de 2026", "El Faro Azul", dt.date(2026, 5, 25)),
        ("KBN 25.05.2026", "KBN", dt.date(2026, 5, 25)),
    ],
)
def test_the_forms_once_misread(line: str, name: str, published: dt.date) -> None:
    source = _source(line)
    assert source == Source(name, published)
    assert source is not None and type(source.published) is type(published)


# ----------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("line", "source"),
    [
        # a weekday that names the date's own, in any of the forms: the date's
        ("Lantern Monday, 25 May 2026", Source("Lantern", dt.date(2026, 5, 25))),
        ("Lantern Mon 25 May 2026", Source("Lantern", dt.date(2026, 5, 25))),
        ("Lantern Fri., March 14, 2025", Source("Lantern", dt.date(2025, 3, 14))),
        ("Lantern THU 7 NOV 2024", Source("Lantern", dt.date(2024, 11, 7))),
        ("Monday, May 25, 2026", Source(None, dt.date(2026, 5, 25))),
        ("Gazette samedi 2 septembre 2023", Source("Gazette", dt.date(2023, 9, 2))),
        ("Bote Mittwoch, 31. Dezember 2025", Source("Bote", dt.date(2025, 12, 31))),
        ("Bote Mi., 31.12.2025", Source("Bote", dt.date(2025, 12, 31))),
        ("Faro jueves, 7 de noviembre de 2024", Source("Faro", dt.date(2024, 11, 7))),
        ("Corriere venerdì 14 marzo 2025", Source("Corriere", dt.date(2025, 3, 14))),
        ("Folha segunda-feira, 6 de janeiro de 2025", Source("Folha", dt.date(2025, 1, 6))),
        ("Dagblad donderdag 29 februari 2024", Source("Dagblad", dt.date(2024, 2, 29))),
        ("Dagblad do. 29 februari 2024", Source("Dagblad", dt.date(2024, 2, 29))),
        # a weekday that is not the date's: kept in the name, as written
        ("Lantern Tue, 25 May 2026", Source("Lantern Tue,", dt.date(2026, 5, 25))),
        ("Sun 25 May 2026", Source("Sun", dt.date(2026, 5, 25))),  # a Monday: a paper's name
        # an unmarked Sun is a name even on a Sunday: there are papers called so
        ("Toronto Sun 24 May 2026", Source("Toronto Sun", dt.date(2026, 5, 24))),
        ("Sun 24 May 2026", Source("Sun", dt.date(2026, 5, 24))),
        ("Lantern Sun, 24 May 2026", Source("Lantern", dt.date(2026, 5, 24))),
        ("Lantern Sunday 24 May 2026", Source("Lantern", dt.date(2026, 5, 24))),
        # two letters unmarked: too short to tell from a name's last word
        ("Dagblad do 29 februari 2024", Source("Dagblad do", dt.date(2024, 2, 29))),
        # before an ISO date, which is the writer's: no weekday is looked for
        ("Lantern Mon, 2026-05-25", Source("Lantern Mon,", dt.date(2026, 5, 25))),
        (
            "Lantern Mon 2026-05-25T08:30:00Z",
            Source("Lantern Mon", dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)),
        ),
    ],
)
def test_weekdays(line: str, source: Source) -> None:
    assert _source(line) == source


# ----------------------------------------------------------------------------- times and zones


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Wire May 25, 2026 3:04 PM", dt.datetime(2026, 5, 25, 15, 4)),
        ("Wire May 25, 2026, 3:04 p.m.", dt.datetime(2026, 5, 25, 15, 4)),
        ("Wire May 25, 2026 at 12:30 am", dt.datetime(2026, 5, 25, 0, 30)),
        ("Wire May 25, 2026 12:30 PM", dt.datetime(2026, 5, 25, 12, 30)),
        ("Wire May 25, 2026 3pm", dt.datetime(2026, 5, 25, 15, 0)),
        ("Wire May 25, 2026 13:04 PM", dt.datetime(2026, 5, 25, 13, 4)),  # agrees: as written
        ("Wire May 25, 2026 0:04 AM", dt.datetime(2026, 5, 25, 0, 4)),
        ("Wire 25 May 2026 15:04", dt.datetime(2026, 5, 25, 15, 4)),
        ("Wire 25 May 2026 15:04:59", dt.datetime(2026, 5, 25, 15, 4, 59)),
        ("Bote 25.05.2026, 15:04 Uhr", dt.datetime(2026, 5, 25, 15, 4)),
        ("Bote 25. Mai 2026 um 15:04 Uhr MESZ", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(2))),
        ("Gazette 25 mai 2026 à 15h04", dt.datetime(2026, 5, 25, 15, 4)),
        # zones: UTC, GMT, Z and numbers are certain; the table's words stand for one offset
        ("Wire May 25, 2026 3:04 PM EDT", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-4))),
        ("Wire May 25, 2026 3:04 PM PST", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-8))),
        ("Wire 25 May 2026 15:04 GMT", dt.datetime(2026, 5, 25, 15, 4, tzinfo=UTC)),
        ("Wire 25 May 2026 15:04 UTC", dt.datetime(2026, 5, 25, 15, 4, tzinfo=UTC)),
        ("Wire 25 May 2026 15:04Z", dt.datetime(2026, 5, 25, 15, 4, tzinfo=UTC)),
        ("Wire 25 May 2026 15:04 CET", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(1))),
        ("Wire 25 May 2026 15:04 +02:00", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(2))),
        ("Wire 25 May 2026 15:04 -0530", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-5.5))),
        ("Wire 25 May 2026 15:04 UTC+5:30", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(5.5))),
        ("Wire 25 May 2026 15:04 GMT-3", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-3))),
        (
            "Wire Mon, 25 May 2026 15:04:05 +0200",  # RFC 2822's form
            dt.datetime(2026, 5, 25, 15, 4, 5, tzinfo=_tz(2)),
        ),
        ("Wire 2026-05-25 3:04 PM EDT", dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-4))),
        ("Wire 2026-05-25 15:04 UTC", dt.datetime(2026, 5, 25, 15, 4, tzinfo=UTC)),
        # a word for several zones: the time is read, no offset is made up
        ("Wire May 25, 2026 3:04 PM CST", dt.datetime(2026, 5, 25, 15, 4)),
        ("Wire May 25, 2026 3:04 PM IST", dt.datetime(2026, 5, 25, 15, 4)),
        ("Wire May 25, 2026 3:04 PM ET", dt.datetime(2026, 5, 25, 15, 4)),
    ],
)
def test_times_and_zones(line: str, published: dt.datetime) -> None:
    source = _source(line)
    assert source is not None and source.published == published
    assert isinstance(source.published, dt.datetime)
    assert source.published.utcoffset() == published.utcoffset()  # naive stays naive
    assert source.name in ("Wire", "Bote", "Gazette")


@pytest.mark.parametrize(
    "line",
    [
        "Wire May 25, 2026 3:04 PM XYZ",  # a word that is no zone: nothing read, nothing lost
        "Wire May 25, 2026 3:04 PM Sports",
        "Wire 25 May 2026 15",  # an hour alone is no time
        "Wire 3:04 PM EDT",  # a time without a date
        "Wire 25 May 2026 15:04 +2:0",
    ],
)
def test_what_only_looks_like_a_time_is_kept_in_the_name(line: str) -> None:
    assert _source(line) == Source(line)


# ----------------------------------------------------------------------------- months in words


@pytest.mark.parametrize(
    ("words", "month"),
    [
        # French
        ("janvier", 1), ("janv.", 1), ("février", 2), ("févr.", 2), ("mars", 3), ("avril", 4),
        ("avr.", 4), ("juin", 6), ("juillet", 7), ("juil.", 7), ("août", 8), ("aout", 8),
        ("septembre", 9), ("octobre", 10), ("novembre", 11), ("décembre", 12), ("déc.", 12),
        # German
        ("Januar", 1), ("Jänner", 1), ("Februar", 2), ("März", 3), ("Mrz.", 3), ("Mai", 5),
        ("Juni", 6), ("Juli", 7), ("Oktober", 10), ("Okt.", 10), ("Dezember", 12), ("Dez.", 12),
        # Spanish
        ("enero", 1), ("ene.", 1), ("febrero", 2), ("marzo", 3), ("abril", 4), ("mayo", 5),
        ("junio", 6), ("julio", 7), ("agosto", 8), ("ago.", 8), ("septiembre", 9),
        ("setiembre", 9), ("octubre", 10), ("noviembre", 11), ("diciembre", 12), ("dic.", 12),
        # Italian
        ("gennaio", 1), ("gen", 1), ("febbraio", 2), ("aprile", 4), ("maggio", 5), ("mag", 5),
        ("giugno", 6), ("giu", 6), ("luglio", 7), ("lug", 7), ("settembre", 9), ("set", 9),
        ("ottobre", 10), ("ott", 10), ("dicembre", 12),
        # Portuguese
        ("janeiro", 1), ("fevereiro", 2), ("fev", 2), ("março", 3), ("maio", 5), ("junho", 6),
        ("julho", 7), ("setembro", 9), ("outubro", 10), ("out", 10), ("novembro", 11),
        ("dezembro", 12),
        # Dutch
        ("januari", 1), ("februari", 2), ("maart", 3), ("mrt", 3), ("mei", 5),
        ("augustus", 8), ("oktober", 10), ("okt", 10), ("december", 12),
        # English, and any case
        ("Sept.", 9), ("MAI", 5), ("MÄRZ", 3), ("Août", 8),
    ],
)  # fmt: skip
def test_month_names(words: str, month: int) -> None:
    day = dt.date(2025, month, 3)
    for line in (f"Blad 3 {words} 2025", f"Blad 3. {words} 2025", f"Blad 3 de {words} de 2025"):
        assert _source(line) == Source("Blad", day), line
    assert _source(f"Blad {words} 3, 2025") == Source("Blad", day)


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Gazette 1er mai 2026", Source("Gazette", dt.date(2026, 5, 1))),
        ("Wire May 25th 2026", Source("Wire", dt.date(2026, 5, 25))),
        ("Wire 21st May, 2026", Source("Wire", dt.date(2026, 5, 21))),
        ("Faro 1º de mayo de 2026", Source("Faro", dt.date(2026, 5, 1))),
        ("Faro 25 de mayo, 2026", Source("Faro", dt.date(2026, 5, 25))),
        # a word that is no month: no date
        ("Blad 25 Foo 2026", Source("Blad 25 Foo 2026")),
        ("Blad 25 de de 2026", Source("Blad 25 de de 2026")),
    ],
)
def test_more_word_forms(line: str, source: Source) -> None:
    assert _source(line) == source


# ----------------------------------------------------------------------------- dates in digits


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("KBN 25.05.2026", Source("KBN", dt.date(2026, 5, 25))),
        ("KBN 5.6.2026", Source("KBN", dt.date(2026, 6, 5))),  # dots: day first, always
        ("KBN 05.06.2026", Source("KBN", dt.date(2026, 6, 5))),
        ("KBN 25. 05. 2026", Source("KBN", dt.date(2026, 5, 25))),
        ("KBN 25/05/2026", Source("KBN", dt.date(2026, 5, 25))),  # 25 is no month
        ("KBN 05/25/2026", Source("KBN", dt.date(2026, 5, 25))),
        ("KBN 25-05-2026", Source("KBN", dt.date(2026, 5, 25))),
        ("KBN 07/07/2026", Source("KBN", dt.date(2026, 7, 7))),  # the same either way
        ("KBN 2026/05/25", Source("KBN", dt.date(2026, 5, 25))),  # year first: then month
        ("KBN 2026.05.25", Source("KBN", dt.date(2026, 5, 25))),
        # either the 5th of June or May the 6th: kept in the name, not guessed
        ("KBN 05/06/2026", Source("KBN 05/06/2026")),
        ("KBN 5-6-2026", Source("KBN 5-6-2026")),
        # no blank before: a word, no date
        ("KBN25.05.2026", Source("KBN25.05.2026")),
    ],
)
def test_dates_in_digits(line: str, source: Source) -> None:
    assert _source(line) == source


@pytest.mark.parametrize(
    "value",
    [
        "31.02.2026",
        "13/13/2026",
        "31 juin 2026",
        "30. Februar 2026",
        "May 25, 2026 15:04 AM",
        "May 25, 2026 0:04 PM",
        "25 May 2026 24:00",
        "25 May 2026 15:04 +25:00",
        "2026/02/30",
    ],
)
def test_a_date_or_time_that_does_not_exist_names_the_line(value: str) -> None:
    with pytest.raises(StoryParseError, match=r"<string>:2: invalid date") as info:
        _source(f"KBN {value}")
    assert value in str(info.value)


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Channel 4 News", Source("Channel 4 News")),
        ("Channel 4 25 May 2026", Source("Channel 4", dt.date(2026, 5, 25))),
        ("May Media 2026-05-25", Source("May Media", dt.date(2026, 5, 25))),
        ("May Media 25 May 2026", Source("May Media", dt.date(2026, 5, 25))),
        ("The Week", Source("The Week")),
        ("Radio 1 FM", Source("Radio 1 FM")),
        ("Mars Daily 3 mars 2025", Source("Mars Daily", dt.date(2025, 3, 3))),
        ("24/7 Wall St.", Source("24/7 Wall St.")),
        ("Studio 54 PM", Source("Studio 54 PM")),
        ("Zeit 2026", Source("Zeit 2026")),
    ],
)
def test_names_with_digits_and_month_words(line: str, source: Source) -> None:
    assert _source(line) == source


# ----------------------------------------------------------------------------- round trips

READ_BACK = ("text", "json", "ninjs", "markdown")


def _every_writer(story: Story) -> None:
    """Every writer writes ``story``; what a format with a reader writes reads back equal."""
    for fmt in READ_BACK:
        assert storykit.loads(storykit.dumps(story, fmt), fmt) == story, fmt
    assert story.source is not None
    published = story.source.published
    page = storykit.dumps(story, "html")
    doc = json.loads(storykit.dumps(story, "jsonld"))
    if published is not None:
        assert 'datetime="' in page
        assert doc["datePublished"] == format_iso(published)
    if story.source.name is not None:
        assert doc["publisher"]["name"] == story.source.name


@given(source_lines())
def test_source_lines_read_as_written_and_round_trip(case: tuple[str, Source]) -> None:
    line, source = case
    story = read(f"← Back to stories\n{line}{BODY}")
    assert story.source == Source(source.name, source.published, "https://e.example/a")
    _every_writer(story)


@pytest.mark.parametrize(
    "line",
    [
        "Daily Lantern Mon, 25 May 2026",
        "Kestrel Wire May 25, 2026 3:04 PM EDT",
        "Kestrel Wire May 25, 2026 3:04 PM CST",
        "Der Bergbote Montag, 25. Mai 2026, 15:04 Uhr",
        "El Faro Azul 25 de mayo de 2026",
        "KBN 25.05.2026",
        "KBN 05/06/2026",
        "Lantern Tue, 25 May 2026",
        "Toronto Sun 24 May 2026",
        "Lantern Mon, 2026-05-25",
    ],
)
def test_stories_of_these_lines_round_trip_through_every_writer(line: str) -> None:
    story = read(f"← Back to stories\n{line}{BODY}")
    _every_writer(story)
    # the text writer writes the date as ISO 8601, which reads back the same
    written = storykit.dumps(story, "text").splitlines()[1]
    assert story.source is not None
    if story.source.published is not None:
        assert written.endswith(" " + format_iso(story.source.published))


@pytest.mark.parametrize(
    "name",
    [
        "Bote 25. Mai 2026",
        "Wire May 25, 2026 3:04 PM EDT",
        "KBN 25.05.2026",
        "Lantern Mon, 25 May 2026",
        "KBN 31.02.2026",  # a date that does not exist: the reader would refuse the line
    ],
)
def test_the_writer_refuses_a_name_that_would_read_as_a_date(name: str) -> None:
    with pytest.raises(UnrepresentableError, match=r"source\.name"):
        storykit.dumps(Story("T", source=Source(name)), "text")


@pytest.mark.parametrize(
    "name", ["KBN 05/06/2026", "Wire May 25, 2026 3:04 PM XYZ", "Lantern Mon,", "Sun", "Channel 4"]
)
def test_a_name_that_reads_back_as_a_name_is_written(name: str) -> None:
    for published in (None, dt.date(2026, 5, 25), dt.datetime(2026, 5, 25, 15, 4, tzinfo=_tz(-4))):
        story = Story("T", source=Source(name, published))
        assert read(storykit.dumps(story, "text")) == story


# ----------------------------------------------------------------------------- credits


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo by Jane Roe via Pixabay", Credit("photo", "Jane Roe", "Pixabay")),
        ("Photo by Jane Roe on Pixabay", Credit("photo", "Jane Roe", "Pixabay")),
        # the agency after the slash, the distributor after it: as before
        (
            "Photo by Jane Roe/Agence X via Stockhaus",
            Credit("photo", "Jane Roe", "Agence X via Stockhaus"),
        ),
        (
            "Illustration by Kim Lee via Studio Nine",
            Credit("illustration", "Kim Lee", "Studio Nine"),
        ),
    ],
)
def test_credit_via(line: str, credit: Credit) -> None:
    assert text_format.parse_credit(line) == credit
    story = read(f"← Back to stories Alt\n{line}\nWire 2026-05-25{BODY}")
    assert story.image is not None and story.image.credit == credit
    _every_writer(story)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo credit: Jane Roe/Agence X", Credit("photo", None, "Jane Roe/Agence X")),
        ("Photo Credit: Stockhaus", Credit("photo", None, "Stockhaus")),
        ("Image credits: Space Agency", Credit("image", None, "Space Agency")),
        ("Photo courtesy of the Roe family", Credit("photo", None, "the Roe family")),
        ("Photo courtesy: Stockhaus", Credit("photo", None, "Stockhaus")),
        ("Illustration courtesy Studio Nine", Credit("illustration", None, "Studio Nine")),
        ("PHOTO COURTESY OF STOCKHAUS", Credit("photo", None, "STOCKHAUS")),
    ],
)
def test_credit_and_courtesy_lines_are_credits_not_the_source(line: str, credit: Credit) -> None:
    # before, such a line was taken for the source line, and the source line was an extra
    story = read(f"← Back to stories Alt\n{line}\nWire 2026-05-25{BODY}")
    assert story.image is not None and story.image.credit == credit
    assert story.source == Source("Wire", dt.date(2026, 5, 25), "https://e.example/a")
    assert story.extras == ()
    _every_writer(story)


@pytest.mark.parametrize("line", ["Photo courtesy of", "Photo credit:", "Photography Weekly"])
def test_what_is_no_credit_stays_the_source_line(line: str) -> None:
    assert _source(line) == Source(line)


def test_a_credit_name_with_via_in_it_is_refused_by_the_text_writer() -> None:
    story = Story("T", source=Source("Wire"), credits=[Credit("photo", "Jane via Roe", None)])
    with pytest.raises(UnrepresentableError, match="credits"):
        storykit.dumps(story, "text")


# ----------------------------------------------------------------------------- linear time


_PUMPED = [
    ("x" * 1_000_000 + " 25 May 2026 3:04 PM EDT", "x" * 1_000_000, _tz(-4)),
    ("Mon, " * 200_000 + "25 May 2026", ("Mon, " * 199_999).rstrip(), None),
    ("x" + "\u00a0" * 1_000_000 + "25.05.2026", "x", None),
    ("5 " * 500_000 + "PM", None, None),
    ("1." * 500_000 + "2026", None, None),
    ("de " * 300_000 + "2026", None, None),
    ("x 25 May 2026" + " EDT" * 200_000, None, None),
    ("x" + " 1" * 500_000, None, None),
]


@pytest.mark.parametrize(("line", "name", "zone"), _PUMPED)
def test_a_long_source_line_is_read_in_linear_time(
    line: str, name: str | None, zone: dt.timezone | None
) -> None:
    """A source line of a million characters is read in milliseconds, like a short one.

    The date forms' regex is tried from the line's last 72 characters only; the rest (the
    weekday before the date, the last word) is one scan from the end. ``name``: the name
    when the line ends in a date (25 May 2026, at 15:04 in ``zone`` if there is one).
    """
    source = _source(line)
    if name is None:  # no date: the line is the name, which the writer writes as it is
        assert source == Source(line)
        story = Story("T", source=source)
        assert read(storykit.dumps(story, "text")) == story
    elif zone is None:
        assert source == Source(name, dt.date(2026, 5, 25))
    else:
        assert source == Source(name, dt.datetime(2026, 5, 25, 15, 4, tzinfo=zone))
