"""The records that reading many stories passes around.

Where a story came from (:class:`Origin`), its raw text (:class:`Piece`), a file or archive
member not yet split (:class:`Blob`), and what could not be read (:class:`Failure`) or was
skipped (:class:`Skipped`).

These are public through :mod:`storykit.collection` (and ``storykit.Origin``); they live here
so that the modules that walk sources, open archives and split files can share them. So
does the one check of the stories a function that writes many is given
(:func:`checked_stories`, :func:`checked_pairs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import attrs

from storykit._guards import JsonLinesError, lines_message
from storykit.errors import StoryParseError
from storykit.model import Story

__all__ = [
    "Blob",
    "Event",
    "Failure",
    "Origin",
    "Piece",
    "Skipped",
    "as_options",
    "byte_size",
    "bytes_over",
    "checked_pairs",
    "checked_stories",
    "error_as_options",
    "read_error",
    "size_text",
    "too_large",
    "where_of",
]


@attrs.frozen
class Origin:
    """Where a story was read from.

    Renders as ``path:line``, or ``path:member:line`` for an archive member, the way
    compilers name a place in a file.
    """

    path: str
    """The file as it was named (joined to the directory it was found in), or ``<stdin>``."""
    member: str | None = None
    """The member's name inside an archive, or ``None`` for a plain file."""
    line: int | None = None
    """The 1-based line the story starts on (in the member, if any), or ``None``."""

    @property
    def where(self) -> str:
        """The file without the line: ``path`` or ``path:member`` (:func:`where_of`)."""
        return where_of(self.path, self.member)

    def __str__(self) -> str:
        return self.where if self.line is None else f"{self.where}:{self.line}"


def where_of(path: str, member: str | None) -> str:
    """How a file or an archive's member is named in messages: ``path`` or ``path:member``.

    The one rule for it: :attr:`Origin.where` says it so, and the worker (which makes no
    :class:`Origin` for a story that goes well) asks it here.
    """
    return path if member is None else f"{path}:{member}"


@attrs.frozen
class Piece:
    """The raw text of one story, not yet read."""

    origin: Origin
    """Where the text starts."""
    text: str
    """The story's text."""
    format: str
    """The registered format to read it with (``"text"``, ``"json"``, …)."""


@attrs.frozen
class Blob:
    """One file or archive member, not yet split into stories (see :func:`iter_blobs`)."""

    origin: Origin
    """The file, or the archive and member; ``line`` is ``None``."""
    format: str
    """``"jsonl"``, a registered format's name, or ``""`` to tell from the content."""
    data: bytes | None = attrs.field(default=None, repr=False)
    """A member's bytes; ``None`` for a plain file, read when it is split."""


@attrs.frozen
class Failure:
    """A file, member or story that could not be read at all."""

    origin: Origin
    """What could not be read."""
    error: StoryParseError
    """Why, as an error that names the file (and line, when there is one)."""
    os_error: OSError | None = attrs.field(default=None, eq=False)
    """The operating system's error, when that was the cause (a missing file…)."""
    _passed_over: bool = attrs.field(default=False, eq=False, repr=False, kw_only=True)
    # a named pipe, device or socket found in a folder or by a pattern (never opened):
    # :func:`storykit._sources.iter_paths` hands out no path for it, whatever it is called


@attrs.frozen
class Skipped:
    """An archive member that is not a story file (its suffix is not a story format's)."""

    origin: Origin
    """The member."""
    reason: str
    """Why it was skipped."""


Event = Piece | Failure | Skipped
"""What :func:`iter_pieces` yields."""


def read_error(origin: Origin, message: str, line: int | None = None) -> Failure:
    """A failure whose error names ``origin``'s file (or member) and ``line``."""
    return Failure(origin, StoryParseError(message, filename=origin.where, line=line))


def size_text(n: int) -> str:
    """``16 MiB`` for whole units, else ``2,000 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n:,} bytes"


def bytes_over(text: str, limit: int) -> bool:
    """Whether ``text`` (decoded with ``surrogateescape``) was more than ``limit`` bytes.

    The limit (``max_member_size``) counts bytes everywhere; a story split out of a dump is
    text by then. It is encoded again only when its length cannot tell: a character is one
    to four bytes.
    """
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit or text.isascii():
        return False
    return len(text.encode("utf-8", "surrogateescape")) > limit


def byte_size(text: str) -> int:
    """How many bytes ``text`` (decoded with ``surrogateescape``) was read from.

    For a dump's blocks as they arrive, counted against the limit: ASCII text (most blocks)
    is as long in bytes as in characters, told at once (``isascii``); only other text is
    encoded again.
    """
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogateescape"))


def too_large(limit: int, what: str | None = None) -> str:
    """What is said of ``what`` (an archive member, a database's story) over the limit.

    ``member larger than the 16 MiB limit (max_member_size); not read``: one wording for
    every input the limit applies to.
    """
    said = f"larger than the {size_text(limit)} limit (max_member_size); not read"
    return said if what is None else f"{what} {said}"


_LIMIT_KEYWORD = re.compile(r"limit \((max_member_size|max_total_size|max_members)\)")


def as_options(message: str) -> str:
    """``message`` with each limit named as the command's option, not the keyword argument.

    The readers name a limit as a library user sets it (``the 16 MiB limit
    (max_member_size)``); the ``storykit`` command, which reads through them, says it as its
    user sets it: ``the 16 MiB limit (--max-member-size)``.
    """
    return _LIMIT_KEYWORD.sub(lambda m: f"limit (--{m[1].replace('_', '-')})", message)


def error_as_options(error: StoryParseError) -> StoryParseError:
    """``error`` as the command says it (the same error if that is unchanged).

    Its message worded by :func:`as_options`; JSON Lines in a ``.json`` file (a
    :class:`~storykit._guards.JsonLinesError`) with the way the command reads them
    (``--from jsonl``, not ``storykit.iter_stories()``).
    """
    command = isinstance(error, JsonLinesError)
    message = as_options(lines_message(command=True) if command else error.message)
    if message == error.message:
        return error
    return type(error)(message, filename=error.filename, line=error.line, path=error.path)


# --------------------------------------------------------------------------- stories given

_ONE_STORY = "expected an iterable of stories, got one Story (wrap it in a list)"


def checked_stories(stories: Iterable[object]) -> Iterator[Story]:
    """Each story of ``stories``, the argument of a function that takes many, checked.

    The one check of ``to_records``, ``to_dataframe``, ``feed`` and ``dump_many``: one
    story given alone is refused at once, an item that is no story when it comes.

    Raises:
        TypeError: ``stories`` is a :class:`~storykit.Story` (``expected an iterable of
            stories, got one Story (wrap it in a list)``), or an item is none
            (``stories[1]: expected a Story, got str``).
    """
    if isinstance(stories, Story):
        raise TypeError(_ONE_STORY)
    return _each_story(stories)


def _each_story(stories: Iterable[object]) -> Iterator[Story]:
    for i, story in enumerate(stories):
        if not isinstance(story, Story):
            msg = f"stories[{i}]: expected a Story, got {type(story).__name__}"
            raise TypeError(msg)
        yield story


def checked_pairs(items: Iterable[object]) -> Iterator[tuple[Origin | None, Story]]:
    """Each item of ``items`` as an ``(origin, story)`` pair: a story, or a pair of them.

    :func:`checked_stories` for the writers that take what ``iter_records`` gives too
    (``to_sqlite``, which keeps the origin, and ``to_parquet``); a story's origin is None.

    Raises:
        TypeError: ``items`` is a :class:`~storykit.Story`, or an item is neither a story
            nor an ``(Origin, Story)`` pair (the message quotes its start).
    """
    if isinstance(items, Story):
        raise TypeError(_ONE_STORY)
    return _each_pair(items)


def _each_pair(items: Iterable[object]) -> Iterator[tuple[Origin | None, Story]]:
    for i, item in enumerate(items):
        if isinstance(item, Story):
            yield None, item
        elif (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[1], Story)
            and isinstance(item[0], (Origin, type(None)))
        ):
            yield item[0], item[1]
        else:
            msg = f"stories[{i}]: expected a Story or an (Origin, Story) pair, got {item!r:.60}"
            raise TypeError(msg)
