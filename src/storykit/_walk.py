"""The one walk over the sources of many stories: folders, globs, open files and archives.

Everything that reads many stories starts here: :func:`storykit.collection.iter_pieces`
(and so ``iter_stories``, ``storykit show``, a single input of ``storykit convert``),
:func:`storykit.collection.iter_blobs` and the batch engine behind ``storykit convert`` and
``validate`` (:func:`storykit._units.units`). :func:`walk` yields, in order:

- each plain file, named but not read (a :class:`Named`);
- each member of an archive, read within the limits (a :class:`Blob` with its bytes), or
  the member's refusal (a :class:`Failure`) or skip (a :class:`Skipped`): the limits and
  the refusals live in :mod:`storykit._archives`, and nowhere else;
- each open file that is not an archive (an :class:`Opened`), for the caller to stream or
  to read whole;
- a :class:`Failure` for a path that is missing, or a pattern that matches nothing.

Splitting what it yields into stories is :mod:`storykit._pieces`'s work.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, NamedTuple

from storykit import formats
from storykit._archives import archive_blobs
from storykit._raw_stream import binary_read
from storykit._records import Blob, Failure, Origin, Skipped, read_error, size_text
from storykit._sources import Limits, expand, stream_name
from storykit._suffixes import (
    _ARCHIVES,
    check_format,
    format_of,
    is_archive,
    lower_suffix,
    suffix_format,
)

__all__ = ["Found", "Named", "Opened", "read_whole", "walk"]


class Named(NamedTuple):
    """A plain file, named but not read (it may hold any number of stories)."""

    path: str
    """The file as it was named (joined to the folder it was found in)."""
    format: str
    """``"jsonl"``, a registered format's name, or ``""`` to tell from the content."""

    @property
    def origin(self) -> Origin:
        """The file."""
        return Origin(self.path)


class Opened(NamedTuple):
    """An open file that is not an archive (standard input, say), not yet read."""

    origin: Origin
    """Its name (``<stdin>``, ``<stream>`` or the file's own)."""
    format: str
    """``"jsonl"``, a registered format's name, or ``""`` to tell from the first bytes."""
    stream: IO[Any]
    """The file, binary or text, read from where it is."""


Found = Named | Blob | Opened | Failure | Skipped
"""What :func:`walk` yields."""


def walk(source: object, *, format: str | None, limits: Limits) -> Iterator[Found]:
    """Every file, archive member and open file in ``source``, in order (see the module).

    ``format`` reads every file as that format (an archive is then a file like any other);
    ``None`` tells each from its suffix.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
        TypeError: ``source`` is of a type that names no stories.
    """
    check_format(format)
    for item in expand(source):
        if isinstance(item, str):  # a path
            suffix = lower_suffix(item)
            if format is None and suffix in _ARCHIVES:
                yield from archive_blobs(item, item, limits)
            else:
                fmt = format if format is not None else suffix_format(suffix)
                refused = None if fmt is not None else _written_only(suffix)
                if refused is not None:  # x.html: it was read as a dump, and failed as one
                    yield read_error(Origin(item), refused)
                else:
                    yield Named(item, fmt or "")
        elif isinstance(item, Failure):
            yield item
        else:  # an open file
            name = stream_name(item)
            if format is None and is_archive(name):
                yield from archive_blobs(name, item, limits)
            else:
                fmt = format if name.startswith("<") else format_of(name, format)
                yield Opened(Origin(name), fmt or "", item)


def _written_only(suffix: str) -> str | None:
    """Why a file of ``suffix`` is not read, when a format storykit only writes owns it.

    ``storykit validate story.html`` read the page as a story dump and said "expected a
    blank line and then the title after the header"; ``--from`` still reads it as another
    format.
    """
    owner = formats.by_suffix(suffix)
    if owner not in formats._WRITTEN_ONLY:  # (the registry's table: no format is imported)
        return None
    return (
        f"a {suffix} file is {owner}, which storykit writes but does not read; read the story "
        "from what it was made from (storykit JSON, a text dump, Markdown or ninjs)"
    )


def read_whole(opened: Opened, limit: int) -> Blob | Failure:
    """An open file's bytes, as a :class:`Blob`; refused when over ``limit`` bytes."""
    data = binary_read(opened.stream, limit + 1)
    if len(data) > limit:
        return read_error(opened.origin, f"larger than the {size_text(limit)} limit")
    return Blob(opened.origin, opened.format, data)
