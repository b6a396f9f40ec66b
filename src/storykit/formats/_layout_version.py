"""The layout version a storykit file holds: the SQLite and Parquet readers' one rule.

Each writes the version of its layout into the file (a database's ``storykit_meta`` table,
a Parquet file's metadata) and reads only that version back. :func:`version_refused` is
the one judgement of what a file holds and the one way of naming it when it is refused;
:func:`whole_number` reads a version kept as text (SQLite's ``value`` column is ``TEXT``).
"""

from __future__ import annotations

__all__ = ["version_refused", "whole_number"]


def whole_number(text: str) -> int | str:
    """``text`` as the whole number it is written as (``"2"``, ``"-1"``), else ``text`` itself.

    Written as storykit writes one (``str()`` of it): ``"01"``, ``" 1"``, ``"+1"``,
    ``"1.0"`` stay text, and so do digits past what :func:`int` reads (4,300 by default).
    """
    try:
        number = int(text)
    except ValueError:  # no whole number, or more digits than int() reads
        return text
    return number if str(number) == text else text


def version_refused(found: object, current: int, what: str) -> str | None:
    """Why a file that holds layout version ``found`` is not read; ``None``: it is ``current``.

    Only the ``int`` ``current`` is: not ``True`` (1 to Python), ``1.0`` or ``"1"``. The
    message names the version bare when it is a whole number and by its ``repr`` otherwise,
    so that a text, a space or a type shows (``' 1'`` was "version  1; this is version 1").

    Args:
        found: What the file holds as its version (a JSON value, or :func:`whole_number`
            of a text).
        current: The version this storykit reads and writes.
        what: The message's start, naming the file's kind (``a storykit database of
            layout version``).
    """
    if type(found) is int and found == current:
        return None
    shown = str(found) if type(found) is int else repr(found)
    return f"{what} {shown}; this is version {current}"
