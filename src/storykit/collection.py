"""Many stories: directories, globs, zip and tar archives, JSON Lines and multi-story dumps.

:func:`iter_stories` yields stories one at a time from any of these; :func:`iter_records`
yields ``(origin, story)`` pairs, where :class:`Origin` says where each story came from (the
file, the archive member and the line), so stories stay equal by value whatever file they
were read from. :func:`dump_many` writes many stories as JSON Lines.

Everything is streamed: a directory is walked one folder at a time, archive members are read
one at a time (tar archives as a stream), and a dump file holding many stories or a JSON Lines
file is read in blocks of lines (one of up to 1 MiB at once), so memory does not grow with
the number of stories.

Hostile input is bounded: an archive member (or any one story) larger than
``max_member_size`` is refused after reading at most that many bytes plus one, whatever its
header claims, and an archive stops being read once its members add up to more than
``max_total_size``. Members whose names would escape a directory (``../x``, ``/etc/x``) and
links are refused, not read.

The building blocks are public for tools that want to parallelise (the ``storykit`` command
and :mod:`storykit.dask` use them): :func:`iter_pieces` splits sources into the raw text of
each story (a :class:`Piece`) or a :class:`Failure`, and :func:`parse_piece` reads one piece.

This module holds the public iterators and :func:`dump_many`; the parts
behind them live in private modules: ``_walk`` (the one walk over folders, globs, open
files and archives, which every reader of many stories, the ``storykit`` command's included,
goes through), ``_sources`` (suffixes, folders, globs, the limits), ``_archives`` (zip and
tar members within the limits), ``_pieces`` (splitting files into stories, reading one),
``_dump_stream`` (splitting a stream of dumps into stories, a block at a time),
``_records`` (:class:`Origin` and the other records) and ``_error_log`` (the error policy,
:class:`ErrorLog` and :class:`StoryStream`), re-exported here.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Iterator
from typing import IO, cast

from storykit._api import dumps
from storykit._error_log import _POLICIES, ERRORS_KEPT, ErrorLog, ErrorPolicy, StoryStream
from storykit._pieces import blob_pieces, file_pieces, parse_piece, stream_pieces
from storykit._records import (
    Blob,
    Event,
    Failure,
    Origin,
    Piece,
    Skipped,
    checked_stories,
    read_error,
)
from storykit._refusals import folder_given
from storykit._sources import (
    DEFAULT_MAX_MEMBER_SIZE,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_TOTAL_SIZE,
    Limits,
    Source,
    checked_limits,
    iter_paths,
)
from storykit._suffixes import ARCHIVE_SUFFIXES, JSONL_SUFFIX, check_format
from storykit._walk import Named, Opened, read_whole, walk
from storykit._writing import AtomicFile
from storykit.errors import StoryParseError, StoryWarning
from storykit.model import Story
from storykit.tags import TagSplitter

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_MAX_MEMBER_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "ERRORS_KEPT",
    "JSONL_SUFFIX",
    "Blob",
    "ErrorLog",
    "Event",
    "Failure",
    "Origin",
    "Piece",
    "Skipped",
    "StoryStream",
    "blob_pieces",
    "dump_many",
    "iter_blobs",
    "iter_paths",
    "iter_pieces",
    "iter_records",
    "iter_stories",
    "learn_tags",
    "parse_piece",
    "records_from_bytes",
]


def _check_options(errors: str, format: str | None) -> None:
    if errors not in _POLICIES:
        msg = f"errors must be one of {', '.join(map(repr, _POLICIES))}, not {errors!r}"
        raise ValueError(msg)
    check_format(format)


# --------------------------------------------------------------------------- pieces


def iter_blobs(
    source: object,
    *,
    format: str | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[Blob | Failure | Skipped]:
    """Every file and archive member in ``source``, not yet split into stories.

    A plain file is named, not read (:func:`blob_pieces` reads it); an archive member is
    read, within the size limits. An open file that is not an archive is read whole, up to
    ``max_member_size``. For spreading work over processes: :func:`blob_pieces` of each
    blob, in order, gives what :func:`iter_pieces` gives. Arguments as for
    :func:`iter_stories`.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
        TypeError: ``source`` is of a type that names no stories, or a limit is no whole
            number (at the first item: this is a generator).
        ValueError: A limit is less than 1 (at the first item).
    """
    limits = checked_limits(max_member_size, max_total_size, max_members)
    for found in walk(source, format=format, limits=limits):
        if isinstance(found, Named):
            yield Blob(Origin(found.path), found.format)
        elif isinstance(found, Opened):
            yield read_whole(found, max_member_size)
        else:
            yield found


def iter_pieces(
    source: object,
    *,
    format: str | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[Event]:
    """The raw text of every story in ``source``, unread, as :class:`Piece` objects.

    Anything that cannot be read (a missing file, a member over a size limit, an unsafe
    member name, bytes that are not UTF-8) comes as a :class:`Failure`; an archive member
    that is not a story file as :class:`Skipped`. Arguments as for :func:`iter_stories`.
    Small plain files are read whole; larger ones and open files are streamed, whatever
    their size.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
        TypeError: ``source`` is of a type that names no stories, or a limit is no whole
            number.
        ValueError: A limit is less than 1.
    """
    limits = checked_limits(max_member_size, max_total_size, max_members)
    return _pieces(source, format, limits, empty=False)


def _pieces(source: object, format: str | None, limits: Limits, *, empty: bool) -> Iterator[Event]:
    """:func:`iter_pieces`; with ``empty``, a file or member that holds no story is a failure.

    (``FILE: no story here``, as the command says it; a library caller gets no story from
    such a file, and no error.)
    """
    max_member_size = limits.max_member_size
    for found in walk(source, format=format, limits=limits):
        if isinstance(found, Named):
            pieces = file_pieces(found.path, found.format, max_member_size)
        elif isinstance(found, Blob):
            pieces = blob_pieces(found, max_member_size=max_member_size)
        elif isinstance(found, Opened):
            origin = found.origin
            pieces = stream_pieces(found.stream, origin.path, None, found.format, max_member_size)
        else:
            yield found
            continue
        if not empty:
            yield from pieces
            continue
        told = False
        for event in pieces:
            told = True
            yield event
        if not told:
            yield read_error(found.origin, "no story here")


# --------------------------------------------------------------------------- stories


def _records(
    source: object,
    *,
    errors: str,
    format: str | None,
    splitter: TagSplitter | None,
    limits: Limits,
    log: ErrorLog,
    empty: bool = False,
) -> Iterator[tuple[Origin, Story]]:
    def handle(error: StoryParseError, os_error: OSError | None = None) -> None:
        if errors == "raise":
            raise os_error if os_error is not None else error
        # kept without what it was raised through: its traceback and the error it was raised
        # from held the reader's frames and the story's text, so that a log of 2,000 errors
        # from 44 MB of JSON Lines held 118 MB (the stream reads a story at a time)
        error.__traceback__ = error.__context__ = error.__cause__ = None
        log.add(error)
        if errors == "warn":
            warnings.warn(str(error), StoryWarning, stacklevel=4)

    for event in _pieces(source, format, limits, empty=empty):
        if isinstance(event, Skipped):
            continue
        if isinstance(event, Failure):
            handle(event.error, event.os_error)
            continue
        try:
            story, diagnostics = parse_piece(event, splitter=splitter)
        except StoryParseError as exc:
            handle(exc)
            continue
        for diagnostic in diagnostics:
            warnings.warn(diagnostic.format(event.origin.where), StoryWarning, stacklevel=3)
        yield event.origin, story


def iter_records(
    source: Source | Iterable[Source],
    *,
    errors: ErrorPolicy = "raise",
    format: str | None = None,
    splitter: TagSplitter | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
    log: ErrorLog | None = None,
) -> StoryStream[tuple[Origin, Story]]:
    """Like :func:`iter_stories`, but yields ``(origin, story)`` pairs.

    Examples:
        >>> for origin, story in iter_records("archive.zip"):  # doctest: +SKIP
        ...     print(origin, story.title)  # archive.zip:2026/a.txt:1 Xiaomi is pouring …

    Raises:
        StoryParseError: Under ``errors="raise"``, at the first story that cannot be read.
        OSError: Under ``errors="raise"``, when a named file is missing or unreadable.
        UnknownFormatError: ``format`` names no format that can be read.
        ValueError: ``errors`` is not one of the three policies, or a limit is below 1.
        TypeError: A limit is no whole number (``max_member_size="16M"``).
    """
    _check_options(errors, format)
    limits = checked_limits(max_member_size, max_total_size, max_members)  # (now, not later)
    log = ErrorLog() if log is None else log
    items = _records(
        source, errors=errors, format=format, splitter=splitter, limits=limits, log=log
    )
    return StoryStream(items, log)


def iter_stories(
    source: Source | Iterable[Source],
    *,
    errors: ErrorPolicy = "raise",
    format: str | None = None,
    splitter: TagSplitter | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
    log: ErrorLog | None = None,
) -> StoryStream[Story]:
    """Every story in ``source``, one at a time.

    ``source`` is a path to a story file (a dump may hold several stories), a ``.jsonl``
    file (one JSON story a line), a directory (walked recursively in sorted order, taking
    files whose suffix is a readable format's, ``.jsonl`` or an archive's; hidden entries
    skipped), a glob pattern (``"dumps/**/*.txt"``), a ``.zip`` or ``.tar``/``.tar.gz``/
    ``.tgz``/``.tar.bz2``/``.tar.xz`` archive, an open (binary or text) file, or a list
    of any of these.

    Args:
        source: Where to read from (see above).
        errors: ``"raise"`` stops at the first story that cannot be read with a
            :class:`~storykit.StoryParseError` naming file, member and line; ``"warn"``
            skips it with a :class:`~storykit.StoryWarning`; ``"collect"`` skips it
            silently. Under both of these the error is appended to ``.errors`` of the
            returned stream (and to ``log`` when given).
        format: Read every file as this format (``"text"``, ``"json"``, ``"jsonl"``…)
            instead of telling it from the suffix (or, with no known suffix, the content).
        splitter: The tag splitter for dumps; see :func:`learn_tags`.
        max_member_size: The largest archive member, whole-file story, dump story or JSON
            line read, in bytes; larger ones are refused after reading at most one byte
            more, whatever their header says.
        max_total_size: The most bytes read out of one archive; past it the rest of the
            archive is refused. A zip's central directory (read whole to list it) counts.
        max_members: The most members one archive may hold; a zip holding more is refused
            before its listing is read, a tar once the count is passed.
        log: An :class:`ErrorLog` to append errors to (shared across calls, say).

    Returns:
        An iterator of stories with an ``errors`` attribute (an :class:`ErrorLog`).

    Raises:
        StoryParseError: Under ``errors="raise"``, at the first story that cannot be read.
        OSError: Under ``errors="raise"``, when a named file is missing or unreadable.
        UnknownFormatError: ``format`` names no format that can be read.
        ValueError: ``errors`` is not one of the three policies, or a limit is below 1.
        TypeError: A limit is no whole number (``max_member_size="16M"``).
    """
    records = iter_records(
        source,
        errors=errors,
        format=format,
        splitter=splitter,
        max_member_size=max_member_size,
        max_total_size=max_total_size,
        max_members=max_members,
        log=log,
    )
    return StoryStream((story for _, story in records), records.errors)


def records_from_bytes(
    data: bytes,
    name: str,
    *,
    errors: ErrorPolicy = "raise",
    format: str | None = None,
    splitter: TagSplitter | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Iterator[tuple[Origin, Story]]:
    """The ``(origin, story)`` pairs in the bytes of one file called ``name``.

    For engines that hand over whole files as bytes (Spark's ``binaryFiles``); the suffix
    of ``name`` picks the format, archives included.

    Raises:
        StoryParseError: Under ``errors="raise"``, at the first story that cannot be read.
    """
    stream = io.BytesIO(data)
    stream.name = name
    yield from iter_records(
        stream,
        errors=errors,
        format=format,
        splitter=splitter,
        max_member_size=max_member_size,
        max_total_size=max_total_size,
        max_members=max_members,
    )


def learn_tags(
    source: Source | Iterable[Source],
    splitter: TagSplitter | None = None,
    *,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> TagSplitter:
    """A first pass over ``source`` that teaches a splitter the tags that stand alone.

    Each dump's tags line (the line above ``View original source``) that reads as a single
    tag is added to the vocabulary (see :meth:`TagSplitter.learn`); pass the result to
    :func:`iter_stories` as ``splitter=`` so other stories split those tags right. It costs
    about as much as reading the tags of every story once more.

    Raises:
        OSError: A named file is missing or unreadable.
    """
    from storykit.formats.text import is_tags_line  # noqa: PLC0415

    splitter = TagSplitter() if splitter is None else splitter
    for event in iter_pieces(
        source,
        max_member_size=max_member_size,
        max_total_size=max_total_size,
        max_members=max_members,
    ):
        if isinstance(event, Failure) and event.os_error is not None:
            raise event.os_error
        if not isinstance(event, Piece) or event.format != "text":
            continue
        lines = [line.strip() for line in event.text.rstrip().split("\n")]
        if len(lines) >= 3 and lines[-1].startswith("View original source"):
            candidate = lines[-2]
            if candidate and is_tags_line(candidate):
                splitter.learn(candidate)
    return splitter


# --------------------------------------------------------------------------- writing


def dump_many(
    stories: Iterable[Story], target: str | os.PathLike[str] | IO[str] | IO[bytes]
) -> int:
    """Write stories as JSON Lines: one compact storykit JSON document a line.

    A path is written atomically (a temporary file in the same folder, then renamed over
    the target), so readers never see half a file; its folder must exist (it is not
    made, as with :func:`open`). An open file is written as it goes.

    Args:
        stories: Any iterable of stories (a generator is consumed lazily).
        target: A path, or an open text or binary file.

    Returns:
        How many stories were written.

    Raises:
        TypeError: ``stories`` is one story, or an item is not a :class:`~storykit.Story`.
        FileNotFoundError: The path's folder does not exist (the message names it).
        IsADirectoryError: The path is a folder (the message says to name a file in it).
        OSError: The target cannot be written (a path is then left untouched).
    """
    stories = checked_stories(stories)  # (one story given alone is refused at once)
    count = 0
    if isinstance(target, (str, os.PathLike)):
        # as dump() writes a path: a FIFO or a device is written into, never replaced, and
        # the temporary file is one a later run sweeps if this one is killed (kill -9)
        path = os.fspath(target)
        try:
            out = AtomicFile(path, force=True, into_special=True, make_folder=False)
        except OSError:
            folder = folder_given(path, "dump_many", "stories", "stories" + JSONL_SUFFIX)
            if folder is None:
                raise
            raise folder from None
        try:
            for story in stories:
                out.write(_json_line(story).encode("utf-8"))
                count += 1
            out.commit()
        finally:
            out.discard()
        return count
    binary = isinstance(target, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(
        target, "mode", ""
    )
    for story in stories:
        line = _json_line(story)
        count += 1
        if binary:
            cast(IO[bytes], target).write(line.encode("utf-8"))
        else:
            cast(IO[str], target).write(line)
    return count


def _json_line(story: Story) -> str:
    """``story`` as a line of JSON Lines."""
    return dumps(story, "json", indent=None) + "\n"
