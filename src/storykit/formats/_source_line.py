"""The dump's source line: the outlet's name and the date it ends with.

``SCMP 2026-05-25``, ``Reuters May 25, 2026 3:04 PM EDT``, ``Le Monde 25 mai 2026``: the
forms ``docs/format.md`` lists. :mod:`storykit.formats._text_reader` reads the source line
with :func:`_source_line`; the text writer asks :func:`_ends_in_date` whether a name would
read back with a date at its end.

Each form is read with regular expressions that are anchored at the line's end and free of
nested repetition; the common spellings are read without them first, which the tests in
``tests/internals/test_internal_text_fast.py`` hold to what the expressions find.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache

from storykit._dates import MONTHS, WEEKDAYS, ZONES, make_moment, offset, parse_iso
from storykit.errors import StoryParseError

_MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = (
    rf"(?:^|[ \t])({_ISO}|\d{{1,2}} (?:{_MONTHS})\.? \d{{4}}"
    rf"|(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}})$"
)


@cache
def _date_re() -> re.Pattern[str]:
    """``_DATE`` compiled, when a line first needs it (see :func:`_more_date_re`)."""
    return re.compile(_DATE, re.IGNORECASE)


_DATE_MAX_LENGTH = 40  # the longest date the source line can end with, and a space

# The other forms of date a source line may end with (``docs/format.md``), read when
# ``_DATE`` finds none: the day or the month first in words of seven languages (``25 mai
# 2026``, ``25. Mai 2026``, ``25 de mayo de 2026``, ``1er mai 2026``, ``May 25th 2026``), in
# digits day first (``25.05.2026``, ``25/05/2026``, ``25-05-2026``) or year first
# (``2026/05/25``); any of them, or an ISO day, with a time after it (``3:04 PM EDT``,
# ``15:04 Uhr``, ``15h04``, ``8:30 +02:00``). A month or zone is any run of letters here:
# the tables of :mod:`storykit._dates` say whether it is one (:func:`_more_date`).
# Anchored at the line's end and free of nested repetition, it is tried from each of the
# last ``_MORE_DATE_MAX_LENGTH`` characters only: a constant cost per line.
_WORD_DAY = (
    r"(?P<wd>[0-9]{1,2})(?:\.|st|nd|rd|th|er|º|°)?␣(?:de␣)?(?P<wm>[^\W\d_]{3,10})\.?,?␣(?:de␣)?"
)
_WORD_MONTH = r"(?P<mm>[^\W\d_]{3,10})\.?␣(?P<md>[0-9]{1,2})(?:st|nd|rd|th)?,?␣"
_DOTTED = r"(?P<dd>[0-9]{1,2})\.␣?(?P<dm>[0-9]{1,2})\.␣?"
_SLASHED = r"(?P<sa>[0-9]{1,2})(?P<ss>[/-])(?P<sb>[0-9]{1,2})(?P=ss)"
_YEAR_FIRST = r"(?P<yy>[0-9]{4})(?P<ys>[-/.])(?P<ym>[0-9]{1,2})(?P=ys)(?P<yd>[0-9]{1,2})"
_TIME = (
    r"(?:,?␣(?:(?:at|um|à|a␣las|às|alle|om|[-–—·|]),?␣)?|,)"  # before the time
    r"(?:(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?|h(?P<hm>[0-9]{2}))"
    r"(?:␣?(?P<ap>[ap]\.?m\.?))?(?:␣Uhr)?"  # 15:04, 3:04 PM, 15:04 Uhr, 15h04
    r"|(?P<h12>[0-9]{1,2})␣?(?P<ap12>[ap]\.?m\.?))"  # 3 PM
    r"(?:␣?(?P<z>[a-z]{1,5}|(?:UTC|GMT)?[+-][0-9]{1,2}(?::?[0-9]{2})?))?"  # EDT, +02:00
)
# "␣" above is a space: an ordinary one, or a no-break one (U+00A0; U+202F, as between a
# time and its PM in the text of many pages)
_MORE_DATE = (
    rf"(?:^|[ \t\u00a0\u202f])((?:(?:{_WORD_DAY}|{_WORD_MONTH}|{_DOTTED}|{_SLASHED})"
    rf"(?P<y>[0-9]{{4}})|{_YEAR_FIRST})(?:{_TIME})?)$"
).replace("␣", "[ \u00a0\u202f]")


@cache
def _more_date_re() -> re.Pattern[str]:
    """``_MORE_DATE`` compiled, when a line first needs it.

    Most source lines end in a date of the common forms, read without it (or in no digit);
    compiling it costs 3.4 ms, a good part of what ``storykit convert`` costs to start.
    """
    return re.compile(_MORE_DATE, re.IGNORECASE)


_MORE_DATE_MAX_LENGTH = 72  # the longest of those, and a space
_MONTHS_IN_A_YEAR = 12


def _more_date(match: re.Match[str]) -> _dt.date | None:
    """The date (or date-time) ``_MORE_DATE`` found at the end of a line.

    ``None`` when it only looks like one: a word that is no month or no time zone (the
    tables of :mod:`storykit._dates`), or digits that may be read two ways (``05/06/2026``:
    the 5th of June or May the 6th). A date in dots is read day first, always
    (``05.06.2026``: the 5th of June); in slashes or hyphens, only when one of its first two
    numbers is greater than 12 (it is the day), or both are the same.

    Raises:
        ValueError: a date or time that does not exist (``31.02.2026``, ``25:00``).
    """
    group = match.group
    if group("wd") is not None:
        day, month = int(group("wd")), MONTHS.get(group("wm").casefold())
    elif group("mm") is not None:
        day, month = int(group("md")), MONTHS.get(group("mm").casefold())
    elif group("dd") is not None:
        day, month = int(group("dd")), int(group("dm"))
    elif group("sa") is not None:
        first, second = int(group("sa")), int(group("sb"))
        if first <= _MONTHS_IN_A_YEAR and second <= _MONTHS_IN_A_YEAR and first != second:
            return None  # either way a date: said which by neither
        day, month = (second, first) if first <= _MONTHS_IN_A_YEAR else (first, second)
    else:
        day, month = int(group("yd")), int(group("ym"))
    if month is None:
        return None
    year = int(group("y") or group("yy"))
    clock, meridiem, zone = None, None, None
    if group("h") is not None or group("h12") is not None:
        meridiem = group("ap") or group("ap12")
        hour = int(group("h") or group("h12"))
        clock = (hour, int(group("mi") or group("hm") or 0), int(group("s") or 0))
        if group("z") is not None:
            try:
                zone = offset(group("z"))
            except KeyError:
                return None  # no zone: the line does not end in a date
    return make_moment(year, month, day, clock, meridiem=meridiem, zone=zone)


_WEEKDAY_SPELLINGS = {
    spelled + mark: weekday
    for word, weekday in WEEKDAYS.items()
    for spelled in {word, word.capitalize(), word.title(), word.upper()}
    for mark in ("", ",", ".", ".,")
    if mark or (len(word) > 2 and word != "sun")
}
"""The weekday words :func:`_name_before` takes into a date: in lower case, capitalised or in
capitals, with a ``,``, ``.`` or ``.,`` after them or none, and the weekday of each."""


def _name_before(line: str, start: int, published: _dt.date) -> str | None:
    """The source name: ``line`` before the date at ``start``, less the date's weekday.

    A weekday word right before a date that starts with its day or month (not
    ``2026-05-25``) is the date's (``Mon, 25 May 2026``, ``Montag, 25. Mai 2026``) when it
    names the date's weekday and is one of ``_WEEKDAY_SPELLINGS``: with a ``,`` or ``.``
    after it, or a word of three letters or more without one — except ``Sun``, a name of
    newspapers: ``Toronto Sun 24 May 2026`` keeps it. Any other word stays in the name,
    as written.
    """
    name = line[:start].rstrip()
    if name:
        word = name.rsplit(None, 1)[-1]
        weekday = _WEEKDAY_SPELLINGS.get(word)
        if (
            weekday is not None
            and weekday == published.weekday()
            and not line[start : start + 4].isdigit()
        ):
            name = name[: len(name) - len(word)]
    return name.strip() or None


_MONTH_NUMBERS = {
    word: MONTHS[word]
    for word in (
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun",
        "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
        "nov", "november", "dec", "december",
    )
}  # fmt: skip
"""The English month words ``_MONTHS`` reads (the words of :data:`storykit._dates.MONTHS`
it matches: a test holds the two to it), with their numbers there, for :func:`_parse_date`.
Listed, not found with ``_MONTHS`` at import: that takes 0.2 ms."""
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})")
_MONTH_DAY_YEAR_RE = re.compile(r"([A-Za-z]+)\.? (\d{1,2}), (\d{4})")


def _parse_date(value: str) -> _dt.date:
    """Parse a date from the source line: the common forms fast, the rest with dateutil."""
    if value[4:5] == "-":
        return parse_iso(value)
    match = _DAY_MONTH_YEAR_RE.fullmatch(value)
    if match is not None:
        day, month, year = match[1], match[2], match[3]
    else:
        match = _MONTH_DAY_YEAR_RE.fullmatch(value)
        month, day, year = (match[1], match[2], match[3]) if match else ("", "", "")
    number = _MONTH_NUMBERS.get(month.lower())
    if number is not None:
        return _dt.date(int(year), number, int(day))
    from dateutil import parser  # noqa: PLC0415 - imported lazily: it is slow to import

    return parser.parse(value.replace(".", ""), default=_dt.datetime(2000, 1, 1)).date()


def _iso_day_at_end(line: str) -> int | None:
    """Where ``_DATE`` finds a date in ``line`` when it ends in `` YYYY-MM-DD`` (ASCII).

    No other form of date ends in two digits after a hyphen, so that is the match; ``None``
    when the line ends otherwise (the regex then decides).
    """
    start = len(line) - _ISO_DAY_LENGTH
    if _ISO_DAY_RE.fullmatch(line, start) is not None and (not start or line[start - 1] in " \t"):
        return start
    return None


_ISO_DAY_LENGTH = 10
_ISO_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits, as _DATE's \d here


def _month_date_at_end(line: str) -> tuple[int, int, int, int] | None:
    """Where ``line`` ends in ``25 May 2026`` or ``May 25, 2026`` (ASCII), and that date.

    ``(start, day, month, year)``: what ``_DATE`` finds there, and :func:`_parse_date`
    makes of it. ``None`` when the line ends otherwise (the regex then decides).
    """
    words = line.rsplit(" ", 3)  # [name,] day or month, month or "day,", year
    if len(words) < 3:
        return None
    year = words[-1]
    if len(year) != 4 or not (year.isascii() and year.isdigit()):
        return None
    word, other = words[-2], words[-3]
    if word[-1:] == ",":  # May 25, 2026
        day, month = word[:-1], other
    else:  # 25 May 2026
        day, month = other, word
    number = _MONTH_WORDS.get(month)
    if number is None and month.isascii():  # another case: MAY, mAy
        number = _MONTH_NUMBERS.get((month[:-1] if month[-1:] == "." else month).lower())
    if number is None:
        return None
    day_number = _DAY_NUMBERS.get(day)  # one or two ASCII digits
    if day_number is None:
        return None
    start = len(line) - len(word) - len(other) - 6  # the year, and the two spaces between
    return start, day_number, number, int(year)


_MONTH_WORDS = {
    spelled + dot: number
    for name, number in _MONTH_NUMBERS.items()
    for spelled in (name, name.title(), name.upper())
    for dot in ("", ".")
}
"""The usual spellings of the month words :func:`_month_date_at_end` reads (``May``,
``Sept.``, ``JUNE``): what it makes of them without lower-casing."""
_DAY_NUMBERS = {str(day): day for day in range(100)} | {f"{day:02}": day for day in range(10)}
"""Every day of one or two ASCII digits (``5``, ``05``, ``25``, ``99``), as a number."""


def _source_line(line: str, index: int, filename: str | None) -> tuple[str | None, _dt.date | None]:
    """The source line's name and date (the URL comes from the footer)."""
    last = line[-1]
    if not (last.isdigit() or last in "Zz"):  # every date ends in a digit or Z, or a time in
        if not _may_end_in_time(line):  # a word of its own
            return line, None
        return _source_line_in_full(line, index, filename)
    # the common forms, SCMP 2026-05-25, SCMP May 25, 2026 and SCMP 2026-05-25T08:30:00Z, at
    # once (the first ends in "-" and two digits, the second in a space and four digits);
    # a character is looked at by its index (cheaper than a slice), the length checked first
    n = len(line)
    if n > 2 and line[-3] == "-":
        # " YYYY-MM-DD", perhaps: what _DATE takes before a date is the line's start or a blank
        if n > 5 and line[-6] == "-" and (n <= _ISO_DAY_LENGTH or line[-11] in " \t"):
            try:  # what _iso_day_at_end finds, read as date.fromisoformat reads it
                published = _dt.date.fromisoformat(line[-_ISO_DAY_LENGTH:])
            except ValueError:
                pass  # not that, or no such day: the general way says which
            else:  # (the blank before the date, if any, is cut with it: one copy less)
                return line[: -_ISO_DAY_LENGTH - 1].strip() or None, published
    elif n > 4 and line[-5] == " ":  # a year after a space: SCMP May 25, 2026, perhaps
        found = _month_date_at_end(line)  # (which finds none in other lines)
        if found is not None:
            start, day, month, year = found
            try:
                published = _dt.date(year, month, day)  # as _parse_date makes it
            except ValueError:
                pass  # no such day: the general way says so
            else:
                return _name_before(line, start, published), published
    else:  # SCMP 2026-05-25T08:30:00Z, perhaps
        start = line.rfind(" ") + 1
        if n - start > _ISO_DAY_LENGTH and line[start + _ISO_DAY_LENGTH] == "T":
            moment = _iso_time_at(line, start)
            if moment is not None:
                return line[:start].strip() or None, moment
    return _source_line_in_full(line, index, filename)


_ISO_TIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
)
"""``_ISO`` with a time after a ``T``, in ASCII digits, ``T`` and ``Z`` as written: a part of
what ``_DATE`` reads, for :func:`_iso_time_at`."""


def _iso_time_at(line: str, start: int) -> _dt.date | None:
    """The date-time ``line`` ends in from ``start`` (after a space, or the line's start).

    What ``_DATE`` finds there and :func:`_parse_date` makes of it, when ``line[start:]``
    is an ISO date-time ``_ISO_TIME_RE`` reads: no other form of date holds a ``T``, nor a
    space in such a word, so the regex's match starts there. ``None`` for other lines, and
    for a date-time that does not exist (the general way says why).
    """
    if _ISO_TIME_RE.fullmatch(line, start) is None:
        return None
    try:
        return parse_iso(line[start:])  # (a datetime)
    except (ValueError, OverflowError):
        return None


def _source_line_in_full(
    line: str, index: int, filename: str | None
) -> tuple[str | None, _dt.date | None]:
    """:func:`_source_line` of any line, each form tried in turn, errors said."""
    # the common forms without the regex
    start = _iso_day_at_end(line) if line[-3:-2] == "-" else None
    value = line[start:] if start is not None else ""
    try:
        if start is not None:
            published = _dt.date.fromisoformat(value)  # as _parse_date reads it
        else:
            found = _month_date_at_end(line)
            if found is not None:
                start, day, month, year = found
                value = line[start:]
                published = _dt.date(year, month, day)  # as _parse_date makes it
            else:
                match = _date_re().search(line, max(0, len(line) - _DATE_MAX_LENGTH))
                if match is not None:
                    start = match.start(1)
                    value = line[start:]
                    published = _parse_date(value)
                else:
                    match = _more_date_re().search(line, max(0, len(line) - _MORE_DATE_MAX_LENGTH))
                    if match is None:
                        return line, None
                    start = match.start(1)
                    value = line[start:]
                    more = _more_date(match)
                    if more is None:
                        return line, None
                    published = more
    except (ValueError, OverflowError) as exc:
        msg = f"invalid date {value!r} on the source line: {exc}"
        raise StoryParseError(msg, filename=filename, line=index + 1) from None
    return _name_before(line, start, published), published


_MERIDIEMS = frozenset(("am", "pm"))
_TIME_LAST = frozenset(
    "".join(name[-1] for name in ZONES).upper()
    + "".join(name[-1] for name in ZONES).lower()
    + "MmRr."
)
"""The last character of a line that ends in a time and a word (a zone, PM, p.m., Uhr)."""


def _may_end_in_time(line: str) -> bool:
    """Whether a line that ends in neither a digit nor Z may end in a date and a time.

    Such a time ends in a word of its own (after any blank): a zone (``EDT``), ``PM``,
    ``p.m.``, ``Uhr``, or a word with a digit in it (``3pm``, ``UTC+2``): what the last
    word ``_MORE_DATE`` reads can be, looked at as :func:`_more_date` looks at it.
    """
    if line[-1] not in _TIME_LAST:
        return False
    word = line.rsplit(None, 1)[-1]
    if word.isalpha():
        return word.upper() in ZONES or word.lower() in _MERIDIEMS or word.lower() == "uhr"
    return word.lower().replace(".", "") in _MERIDIEMS or any(map(str.isdigit, word))


def _ends_in_date(name: str) -> bool:
    """Whether a source name, alone on the source line, would read with a date at its end.

    So it would when the reader finds a date there, or one that does not exist (it
    refuses the line then): the text writer refuses such a name without a date after it.
    """
    if not name:
        return False
    try:
        return _source_line(name, 0, None)[1] is not None
    except StoryParseError:
        return True
