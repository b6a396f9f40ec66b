r"""A text checked at once for lone surrogates and NUL, for readers that trust what they build.

A ``str`` can hold a lone surrogate (``"\ud800"``, from ``surrogateescape`` or a JSON
escape), which no UTF-8 file can hold: the model's validators refuse it in any field
(:func:`storykit.model.unencodable`), and a reader that builds the model without them
(the trusted builders of :mod:`storykit.model`) first makes sure the text holds none
(:func:`_scan_text`).
"""

from __future__ import annotations

from storykit.model import _SCAN

__all__ = ["_scan_text"]


def _scan_text(text: str) -> tuple[int, bool]:
    """Where ``text`` holds its first NUL (``-1``: nowhere), and whether it is Unicode text.

    The second is ``unencodable(text) is None``: text other than ASCII is encoded as UTF-16
    (a slice at a time, when long), which refuses a lone surrogate as UTF-8 does, more
    cheaply (two bytes a character, reserved exactly, where UTF-8 reserves three and then
    shrinks the result); NUL is then searched for in the text. A slice with a NUL ends the
    scan (the caller refuses the text for it), as a lone surrogate does.
    """
    if text.isascii():
        return text.find("\0"), True
    if len(text) <= _SCAN:  # one slice, the whole text: a story, typically
        try:
            text.encode("utf-16")  # (the codec is not looked up by name)
        except UnicodeEncodeError:
            return text.find("\0"), False
        return text.find("\0"), True
    for start in range(0, len(text), _SCAN):
        stop = start + _SCAN
        try:
            text[start:stop].encode("utf-16")
        except UnicodeEncodeError:
            return text.find("\0"), False
        nul = text.find("\0", start, stop)
        if nul != -1:
            return nul, True  # the first one is in this slice
    return -1, True
