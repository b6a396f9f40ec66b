"""ISO 8601 for the dates storykit keeps: one writer and one reader for every format."""

from __future__ import annotations

import datetime as _dt

__all__ = ["MONTHS", "WEEKDAYS", "ZONES", "format_iso", "make_moment", "offset", "parse_iso"]

_DATE_LENGTH = 10  # YYYY-MM-DD


def format_iso(value: _dt.date) -> str:
    """``2026-05-25`` for a date; ``2026-05-25T08:30:00Z`` for a UTC date-time.

    A date stays a date: no time of day is made up. Other offsets are written as given
    (``+02:00``); a naive date-time has none.
    """
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None and value.utcoffset() == _dt.timedelta(0):
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    return value.isoformat()


def parse_iso(value: str) -> _dt.date:
    """Read what :func:`format_iso` writes: a ``date``, or a ``datetime`` when there is a time.

    A ``Z`` suffix and a space instead of ``T`` are accepted.

    Raises:
        ValueError: ``value`` is no ISO 8601 date or date-time.
    """
    if len(value) == _DATE_LENGTH:
        return _dt.date.fromisoformat(value)
    if len(value) <= _DATE_LENGTH or value[4:5] != "-" or value[_DATE_LENGTH] not in "Tt ":
        msg = f"not an ISO 8601 date: {value!r}"
        raise ValueError(msg)
    iso = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    return _dt.datetime.fromisoformat(iso.replace(" ", "T", 1))


# --------------------------------------------------------------------------- dates in words
#
# The tables the dump reader's source line is read with (see ``docs/format.md``): month and
# weekday words in English, French, German, Spanish, Italian, Portuguese and Dutch, full and
# in their common abbreviations (each looked up case-folded, without a final dot), and the
# time-zone words a time may end with.


def _table(rows: list[str]) -> dict[str, int]:
    """``{word: number}``: the words of row ``k`` (apart by spaces) have the number ``k + 1``."""
    table: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        for word in row.split():
            key = word.casefold()
            if table.setdefault(key, number) != number:  # pragma: no cover - the tables' own check
                msg = f"{word!r} stands for two numbers"
                raise AssertionError(msg)
    return table


MONTHS = _table(
    [
        # English, French, German, Spanish, Italian, Portuguese, Dutch (full, then abbreviated)
        "january jan janvier janv jänner januar jän enero ene gennaio gen janeiro januari",
        "february feb février fevrier févr fevr februar feber febrero febbraio fevereiro fev"
        " februari",
        "march mar mars märz maerz mär mrz marzo março marco maart mrt",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag maio mei",
        "june jun juin juni junio giugno giu junho",
        "july jul juillet juil juli julio luglio lug julho",
        "august aug août aout agosto ago augustus",
        "september sep sept septembre september septiembre setiembre settembre set setembro",
        "october oct octobre oktober okt octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec décembre decembre déc dezember dez diciembre dic dicembre dezembro",
    ]
)
"""Month words (case-folded) and their numbers, 1 to 12."""

WEEKDAYS = {
    word: number - 1  # date.weekday(): Monday is 0
    for word, number in _table(
        [
            "monday mon lundi lun montag mo lunes lunedì lunedi segunda-feira segunda seg"
            " maandag ma",
            "tuesday tue tues mardi mar dienstag di martes martedì martedi terça-feira"
            " terca-feira terça terca ter dinsdag",
            "wednesday wed mercredi mer mittwoch mi miércoles miercoles mié mie mercoledì"
            " mercoledi quarta-feira quarta qua woensdag wo",
            "thursday thu thur thurs jeudi jeu donnerstag do jueves jue giovedì giovedi gio"
            " quinta-feira quinta qui donderdag",
            "friday fri vendredi ven freitag fr viernes vie venerdì venerdi sexta-feira sexta"
            " sex vrijdag vr",
            "saturday sat samedi sam samstag sonnabend sa sábado sabado sáb sab sabato zaterdag za",
            "sunday sun dimanche dim sonntag so domingo dom domenica zondag zo",
        ]
    ).items()
}
"""Weekday words (case-folded) and their ``date.weekday()``, Monday 0 to Sunday 6."""

_NAIVE: None = None
ZONES: dict[str, _dt.tzinfo | None] = {
    name: _NAIVE if hours is None else _dt.timezone(_dt.timedelta(hours=hours))
    for name, hours in {
        # the universal ones
        "Z": 0, "UTC": 0, "GMT": 0, "UT": 0,
        # North America (standard, daylight)
        "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AKST": -9, "AKDT": -8, "HST": -10,
        # Europe (the German MEZ/MESZ too)
        "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3,
        "MSK": 3,
        # a few of Asia and the Pacific that name one zone only
        "HKT": 8, "SGT": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12,
        "NZDT": 13,
        # several zones each: the time is read, its offset left unknown (a naive datetime)
        "CST": None,  # US Central, China, Cuba
        "IST": None,  # India, Ireland, Israel
        "BST": None,  # British Summer, Bangladesh
        "AST": None,  # Atlantic, Arabia
        "ET": None, "CT": None, "MT": None, "PT": None,  # US: standard or daylight by date
    }.items()
}  # fmt: skip
"""Time-zone words (upper case) and the offset each stands for; ``None``: a word for several.

A fixed table, not the system's time-zone data: an abbreviation names an offset, not a
place. Only words that name one offset have one here; a word that names several (``CST``,
``IST``…) is read as a zone, but its time is kept naive (no offset is made up). A word
not in the table is no zone: the source line does not end in a date then (see
``docs/format.md``).
"""


def offset(zone: str) -> _dt.tzinfo | None:
    """The offset a time-zone word or number after a time stands for.

    ``UTC``, ``GMT`` and ``Z`` are UTC; a number (``+02:00``, ``+0200``, ``-05``, also
    after ``UTC`` or ``GMT``: ``UTC+2``, ``GMT-05:30``) is that offset; a word of
    :data:`ZONES` is its offset, or ``None`` for a word that names several.

    Raises:
        KeyError: ``zone`` is no time zone this knows.
        ValueError: a number that is no offset (``+25:00``, ``+02:75``).
    """
    word = zone.upper()
    if word in ZONES:
        return ZONES[word]
    sign_at = max(word.find("+"), word.find("-"))
    hours, colon, minutes = word[sign_at + 1 :].partition(":")
    if not colon and len(hours) > 2:
        hours, minutes = hours[:-2], hours[-2:]
    if (
        sign_at < 0
        or word[:sign_at] not in ("", "UTC", "GMT")
        or not (1 <= len(hours) <= 2 and (len(minutes) == 2 or not (colon or minutes)))
        or not (hours + minutes).isascii()
        or not (hours + minutes).isdigit()
    ):
        raise KeyError(zone)
    delta = _dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    if int(minutes or 0) >= 60 or delta >= _dt.timedelta(days=1):
        msg = f"no such offset: {zone!r}"
        raise ValueError(msg)
    return _dt.timezone(-delta if word[sign_at] == "-" else delta)


def make_moment(
    year: int,
    month: int,
    day: int,
    clock: tuple[int, int, int] | None = None,
    *,
    meridiem: str | None = None,
    zone: _dt.tzinfo | None = None,
) -> _dt.date:
    """The date, or the date-time when a ``clock`` (hour, minute, second) is given.

    ``meridiem`` (``am``, ``pm``, ``a.m.``…): the hour is one of a 12-hour clock, or a
    24-hour clock's that agrees with it (``13:04 PM``, ``0:30 AM``, as pages write them
    now and then). ``zone``: the offset; none makes a naive date-time.

    Raises:
        ValueError: no such day or time (``15:04 AM``, ``0:30 PM`` too).
    """
    if clock is None:
        return _dt.date(year, month, day)
    hour, minute, second = clock
    if meridiem is not None:
        afternoon = meridiem[:1].lower() == "p"
        if 1 <= hour <= 12:
            hour = hour % 12 + (12 if afternoon else 0)
        elif not (hour == 0 and not afternoon) and not (13 <= hour <= 23 and afternoon):
            msg = f"hour {hour} with {meridiem!r}: not on a 12-hour clock"
            raise ValueError(msg)
    return _dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)
