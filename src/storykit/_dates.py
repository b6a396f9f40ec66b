"""ISO 8601 for the dates storykit keeps: one writer and one reader for every format."""

from __future__ import annotations

import datetime as _dt

__all__ = ["format_iso", "parse_iso"]

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
