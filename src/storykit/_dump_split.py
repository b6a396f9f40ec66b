"""Splitting a text of dumps held whole into stories, with a short road for one story.

:func:`split_dump` gives the ``(first_line, text)`` of each story in a text, the pieces of
:func:`storykit.formats.text.split_stories`; when the text can hold one story at most
(:func:`_one_story` tells, at C speed), without that function's line-by-line scan. The one
splitter of dumps into stories: of a whole small file or member (:mod:`storykit._pieces`,
the worker's short road) and of each block of a stream (:mod:`storykit._dump_stream`, which
follows the stories from block to block).
"""

from __future__ import annotations

__all__ = ["split_dump"]

_BLANK = " \t\r\ufeff"  # what split_stories strips to tell a blank line
_FOOTER_TEXT = "View original source"


def split_dump(text: str, final: bool = True) -> tuple[list[tuple[int, str]], bool]:
    """The ``(first_line, text)`` of each story in ``text``; whether it holds one at most.

    The pieces are those of :func:`storykit.formats.text.split_stories` (``final``: ``text``
    ends where the input does; False for a block of a stream, see
    :func:`storykit.formats._text_stories._split_stories`). True: the text was seen to hold
    one story at most, without its line-by-line scan (:func:`_one_story`), so a piece of it
    holds no glued nav line, and its reader need not look for one
    (``glued=False`` of :func:`storykit._pieces.parse_text`). The one splitter of dumps
    into stories: of a whole small file or member (:mod:`storykit._pieces`, the worker's
    short road) and of each block of a stream (:meth:`_DumpSplitter.split`).
    """
    one = _one_story(text)
    if one is not None:
        return one, True
    from storykit.formats._text_stories import _split_stories  # noqa: PLC0415

    return list(_split_stories(text, final)), False


def _one_story(text: str) -> list[tuple[int, str]] | None:
    """What ``split_stories`` gives for a text that holds one story at most, or ``None``.

    ``None``: the text may hold more (``split_stories`` decides). A piece given here holds
    a ``←`` only at the start of its first line, if at all: no glued nav line (the
    reader need not look for one, :func:`storykit.formats._text_stories._may_hold_glued`).

    A text whose only ``←`` (if any) starts its first non-blank line, and whose only
    ``View original source`` (if any) is on its last non-blank line and after that ``←``,
    holds one story at most: no line in it can start another (nor, as a footer or text run
    into a nav line does, ``View original source →← Back to stories``, inside it). The piece then
    runs to the end of the text (blank lines after the footer included, which the reader
    ignores).

    The footer is looked for from the end (``rfind``): where it is, at the end, that is
    found at once, where looking from the start went through the whole story (4 µs of a
    small file's 100 in ``convert``). Two footers cannot overlap, so any other lies wholly
    before the last.
    """
    nav = text.find("←")
    footer = text.rfind(_FOOTER_TEXT)
    if text.find("←", nav + 1) != -1 or (
        footer != -1 and text.rfind(_FOOTER_TEXT, 0, footer) != -1
    ):
        return None
    if nav == -1 and footer == -1 and not text.strip(_BLANK + "\n"):
        return []  # only blank lines (``yes '' |``): seen at C speed (a ← or footer is none)
    start = 0
    line = 1
    while True:  # skip blank lines, as split_stories does
        end = text.find("\n", start)
        if text[start : len(text) if end == -1 else end].strip(_BLANK):
            break
        if end == -1:
            return []
        start = end + 1
        line += 1
    first_end = text.find("\n", start)
    if (
        nav != -1
        and (
            (first_end != -1 and nav > first_end)  # a ← further down
            or text[start:nav].strip(_BLANK)  # text before it: perhaps a nav line run into it
        )
    ):
        return None
    if footer != -1:
        if nav > footer:  # a ← after the footer: perhaps the next story's, on the same line
            return None
        after = text.find("\n", footer)
        if after != -1 and text[after:].strip(_BLANK + "\n"):  # text after the footer
            return None
    return [(line, text[start:])]
