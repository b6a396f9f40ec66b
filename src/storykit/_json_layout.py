"""Indented JSON at the speed of the C encoder, byte for byte what :func:`json.dumps` writes.

In Python 3.11 ``json.dumps`` runs its C encoder only when ``indent`` is ``None``; with an
indent it falls back to a generator in pure Python. The writers here lay the document out
themselves and leave the costly part, escaping the text, to the C string encoders that
``json.dumps`` uses in both cases, so the bytes are the same: each string is quoted by
``json.encoder.encode_basestring`` (or ``encode_basestring_ascii``), a list of strings is
joined in one C call, and only the nesting is walked in Python.

:func:`dumps` takes any tree of ``dict`` (``str`` keys), ``list``, ``str``, ``int``,
``bool`` and ``None``; anything else (floats, tuples, other keys…) is handed to
:func:`json.dumps` whole, so the result is always what it would write.
"""

from __future__ import annotations

import json as _json
from collections.abc import Callable
from functools import cache
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

__all__ = ["Pads", "dumps", "encoder", "pads"]

Pads = tuple[str, ...]


def encoder(ensure_ascii: bool) -> Callable[[str], str]:
    """The string encoder ``json.dumps`` uses (C when available): quotes and escapes."""
    return encode_basestring_ascii if ensure_ascii else encode_basestring


@cache
def pads(indent: int | None, depth: int = 8) -> Pads:
    """``pads[level]``: the line break and indentation before an item at ``level``.

    Empty strings for ``indent=None`` (one compact line).
    """
    if indent is None:
        return ("",) * depth
    return tuple("\n" + " " * (indent * level) for level in range(depth))


class _UnsupportedError(Exception):
    """A value :func:`dumps` leaves to :func:`json.dumps`."""


def _write(value: Any, level: int, out: list[str], enc: Callable[[str], str], nl: Pads) -> None:
    """Append the pieces of ``value``'s JSON at ``level`` to ``out`` (joined once, at the end).

    Raises:
        _UnsupportedError: ``value`` holds something left to :func:`json.dumps`.
    """
    kind = type(value)
    if kind is str:
        out.append(enc(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        if level + 1 >= len(nl):
            raise _UnsupportedError
        inner = nl[level + 1]
        opening = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _UnsupportedError
            out.append(opening)
            out.append(enc(key))
            out.append(": ")
            _write(item, level + 1, out, enc, nl)
            opening = "," + inner
        out.append(nl[level] + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        if level + 1 >= len(nl):
            raise _UnsupportedError
        inner = nl[level + 1]
        try:
            body = ("," + inner).join(map(enc, value))  # a list of strings, in one C call
        except TypeError:
            opening = "[" + inner
            for item in value:
                out.append(opening)
                _write(item, level + 1, out, enc, nl)
                opening = "," + inner
        else:
            out.append("[" + inner)
            out.append(body)
        out.append(nl[level] + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    else:
        raise _UnsupportedError


def dumps(value: Any, *, indent: int | None, ensure_ascii: bool = False) -> str:
    """``json.dumps(value, ensure_ascii=…, indent=indent, separators=…)``, the same bytes.

    The separators are ``(",", ": ")`` with an indent and ``(",", ":")`` without, as every
    storykit JSON writer uses them.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    if indent is None or type(indent) is not int:  # the C encoder already does it all
        return _json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators)
    out: list[str] = []
    try:
        _write(value, 0, out, encoder(ensure_ascii), pads(indent, 16))
    except _UnsupportedError:
        return _json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators)
    return "".join(out)
