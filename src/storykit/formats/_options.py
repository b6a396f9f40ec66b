"""The writers' and readers' keyword options, and refusing the ones they do not take.

Each text writer's options are a ``TypedDict`` (:class:`JsonOptions`, :class:`TextOptions`,
:class:`MarkdownOptions`, :class:`HtmlOptions`, :class:`JsonldOptions`,
:class:`NinjsOptions`; the text reader's :class:`TextReadOptions`), for a type checker and an
editor, and the tables :data:`WRITER_OPTIONS` and :data:`READER_OPTIONS` map each format to
its own. :func:`check_options` refuses, in public terms, an option a format does not take,
and :func:`did_you_mean` is every refused word's one hint (format names, options, the
command's flags and commands). All are re-exported by :mod:`storykit.formats`, where users
import them. :func:`check_heading_offset` is the Markdown and HTML writers' one check of
their ``heading_offset`` (private: the writers' own errors are the public part).
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from storykit.tags import TagSplitter

__all__ = [
    "READER_OPTIONS",
    "WRITER_OPTIONS",
    "AnyWriterOptions",
    "HtmlOptions",
    "JsonOptions",
    "JsonldOptions",
    "MarkdownOptions",
    "NinjsOptions",
    "TextOptions",
    "TextReadOptions",
    "check_heading_offset",
    "check_options",
    "did_you_mean",
]


class JsonOptions(TypedDict, total=False):
    """The keyword options of the ``json`` writer (:func:`storykit.formats.json.dumps`)."""

    indent: int | None


class TextOptions(TypedDict, total=False):
    """The keyword options of the ``text`` writer (:func:`storykit.formats.text.dumps`)."""

    check: bool


class MarkdownOptions(TypedDict, total=False):
    """The keyword options of the ``markdown`` writer (:func:`storykit.formats.markdown.dumps`)."""

    front_matter: bool
    heading_offset: int
    image: bool
    tags: bool
    footer: bool


class HtmlOptions(TypedDict, total=False):
    """The keyword options of the ``html`` writer (:func:`storykit.formats.html.dumps`)."""

    heading_offset: int
    image: bool
    tags: bool
    footer: bool
    standalone: bool
    lang: str
    index: str | None


class JsonldOptions(TypedDict, total=False):
    """The keyword options of the ``jsonld`` writer (:func:`storykit.formats.jsonld.dumps`)."""

    indent: int | None
    lang: str | None
    html_safe: bool
    body: bool


class NinjsOptions(TypedDict, total=False):
    """The keyword options of the ``ninjs`` writer (:func:`storykit.formats.ninjs.dumps`)."""

    indent: int | None
    day_time: _dt.time | None


class TextReadOptions(TypedDict, total=False):
    """The keyword options of the ``text`` reader (:func:`storykit.formats.text.loads`)."""

    splitter: TagSplitter | None


class AnyWriterOptions(TypedDict, total=False):
    """The keyword options of every text writer, for :func:`storykit.dump` without a format.

    The format comes from the file's name then, and its writer refuses (``TypeError``) an
    option it does not take.
    """

    indent: int | None
    check: bool
    front_matter: bool
    heading_offset: int
    image: bool
    tags: bool
    footer: bool
    standalone: bool
    lang: str | None
    index: str | None
    html_safe: bool
    body: bool
    day_time: _dt.time | None


WRITER_OPTIONS: dict[str, type] = {
    "json": JsonOptions,
    "text": TextOptions,
    "markdown": MarkdownOptions,
    "html": HtmlOptions,
    "jsonld": JsonldOptions,
    "ninjs": NinjsOptions,
}
"""Each text writer's options ``TypedDict`` (a test checks they match the writers)."""

READER_OPTIONS: dict[str, type] = {"text": TextReadOptions}
"""Each reader's options ``TypedDict``; a reader not here takes none (but ``filename``)."""


def check_options(function: str, name: str, options: Iterable[str], *, read: bool) -> None:
    """Refuse the options that the format's reader (or writer) does not take, in public terms.

    Args:
        function: The public function they were given to (``"loads"``), named in the error.
        name: The format (not an alias).
        options: The names of the options given.
        read: Whether they are for the format's reader, else for its writer.

    Raises:
        TypeError: An option the reader or writer does not take: the message names the
            function, the format, the options refused and those it takes.
    """
    takes = _takes(name, read)
    refused = [option for option in options if option not in takes]
    if not refused:
        return
    role = "reader" if read else "writer"
    what = ", ".join(f"{option!r}{did_you_mean(option, takes, cutoff=0.75)}" for option in refused)
    plural = "s" if len(refused) > 1 else ""
    msg = f"storykit.{function}(): the {name} {role} takes no option{plural} {what}"
    raise TypeError(f"{msg}; it takes {', '.join(takes) or 'none'}")


MAX_HEADING_OFFSET = 4
"""The most ``heading_offset`` the Markdown and HTML writers take: both write section
headings at level 2 + offset (``##``, ``<h2>``), and level 6 is the deepest both have."""


def check_heading_offset(offset: object) -> None:
    """Refuse a ``heading_offset`` that is not an integer from 0 to :data:`MAX_HEADING_OFFSET`.

    The Markdown and HTML writers' one check, so both say the same (and so does
    ``convert --heading-offset``, which names its flag in the message instead).

    Raises:
        TypeError: ``offset`` is not an ``int`` (a ``bool`` is not one either):
            ``heading_offset: expected an integer from 0 to 4, got '2' (a str)``.
        ValueError: It is out of range: ``heading_offset: expected an integer from 0 to 4,
            got 9``.
    """
    if type(offset) is int and 0 <= offset <= MAX_HEADING_OFFSET:
        return  # the common case, in one test
    expected = f"heading_offset: expected an integer from 0 to {MAX_HEADING_OFFSET}"
    if isinstance(offset, int) and not isinstance(offset, bool):  # an IntEnum is one too
        if 0 <= offset <= MAX_HEADING_OFFSET:
            return
        msg = f"{expected}, got {int(offset)}"
        raise ValueError(msg)
    from reprlib import repr as short  # noqa: PLC0415 - only for a wrong type

    kind = "" if offset is None else f" (a {type(offset).__name__})"
    msg = f"{expected}, got {short(offset)}{kind}"
    raise TypeError(msg)


@functools.cache
def _takes(name: str, read: bool) -> dict[str, None]:
    """The options the format's reader (or writer) takes, in their order: built once each.

    (A dict: a look-up, in the order its ``TypedDict`` declares them, for the message.)
    """
    typed = (READER_OPTIONS if read else WRITER_OPTIONS).get(name)
    return {} if typed is None else dict.fromkeys(typed.__annotations__)


def did_you_mean(
    word: str,
    choices: Iterable[str],
    *,
    cutoff: float = 0.6,
    shown: Callable[[str], str] | None = None,
) -> str:
    """The hint for a misspelt ``word``: `` (did you mean X?)`` with the closest choice; or "".

    Every such hint's one look-up and one wording (format names, options, the command's
    flags and commands); difflib is imported for a refused word only.

    Args:
        word: The word refused.
        choices: The words it may have meant.
        cutoff: How close a choice must be (difflib's ratio, 0 to 1).
        shown: How to show the choice found (an alias as its format's name), if not as is.
    """
    from difflib import get_close_matches  # noqa: PLC0415 - only for a misspelt word

    choices = list(choices)
    # the same word in another case first: difflib finds nothing for -O (-o) or -J (-j)
    close = [c for c in choices if c.lower() == word.lower()][:1]
    close = close or get_close_matches(word, choices, n=1, cutoff=cutoff)
    if not close:
        return ""
    return f" (did you mean {close[0] if shown is None else shown(close[0])}?)"
