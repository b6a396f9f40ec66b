"""Many stories: directories, globs, zip and tar archives, JSON Lines and multi-story dumps.

:func:`iter_stories` yields stories one at a time from any of these; :func:`iter_records`
yields ``(origin, story)`` pairs, where :class:`Origin` says where each story came from (the
file, the archive member and the line), so stories stay equal by value whatever file they
were read from. :func:`dump_many` writes many stories as JSON Lines.

Everything is streamed: a directory is walked one folder at a time, archive members are read
one at a time (tar archives as a stream), and a dump file holding many stories or a JSON Lines
file is read in blocks of lines, so memory does not grow with the number of stories.

Hostile input is bounded: an archive member (or any one story) larger than
``max_member_size`` is refused after reading at most that many bytes plus one, whatever its
header claims, and an archive stops being read once its members add up to more than
``max_total_size``. Members whose names would escape a directory (``../x``, ``/etc/x``) and
links are refused, not read.

The building blocks are public for tools that want to parallelise (the ``storykit`` command
and :mod:`storykit.dask` use them): :func:`iter_pieces` splits sources into the raw text of
each story (a :class:`Piece`) or a :class:`Failure`, and :func:`parse_piece` reads one piece.
"""

from __future__ import annotations

import glob
import io
import json as _json
import os
import re
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Generic, Literal, TypeVar, cast

import attrs

from storykit import formats
from storykit._api import decode, dumps, loads
from storykit.errors import (
    Diagnostic,
    MissingExtraError,
    StoryParseError,
    StoryWarning,
    UnknownFormatError,
)
from storykit.model import Story
from storykit.tags import TagSplitter

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_MAX_MEMBER_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
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

DEFAULT_MAX_MEMBER_SIZE = 16 * 1024 * 1024
"""The largest archive member, whole-file story or single story read: 16 MiB."""
DEFAULT_MAX_TOTAL_SIZE = 4 * 1024 * 1024 * 1024
"""The most bytes read out of one archive: 4 GiB."""
JSONL_SUFFIX = ".jsonl"
"""Files with this suffix hold one JSON story per line."""
ARCHIVE_SUFFIXES = (
    ".zip",
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tar.xz",
    ".txz",
)
"""Files with these suffixes are read as archives."""

ErrorPolicy = Literal["raise", "warn", "collect"]
_POLICIES = ("raise", "warn", "collect")
_BLOCK = 64 * 1024  # bytes of lines read at a time from a dump (under malloc's mmap size)
_HEAD = 64 * 1024  # bytes looked at to tell the format of a stream with no known suffix
_SURROGATE_RE = re.compile("[\udc80-\udcff]")
_T = TypeVar("_T")


# --------------------------------------------------------------------------- records


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
        """The file without the line: ``path`` or ``path:member``."""
        return self.path if self.member is None else f"{self.path}:{self.member}"

    def __str__(self) -> str:
        return self.where if self.line is None else f"{self.where}:{self.line}"


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


@attrs.frozen
class Skipped:
    """An archive member that is not a story file (its suffix is not a story format's)."""

    origin: Origin
    """The member."""
    reason: str
    """Why it was skipped."""


Event = Piece | Failure | Skipped
"""What :func:`iter_pieces` yields."""


class ErrorLog(list[StoryParseError]):
    """The errors met while reading many stories, in order (a list).

    Filled under ``errors="collect"`` and ``errors="warn"``. Each error's ``str()`` is
    ``file:line: message`` (``file`` is ``archive:member`` inside an archive).
    """

    def report(self) -> str:
        """One line per error, then a count; empty when there were none."""
        if not self:
            return ""
        lines = [str(error) for error in self]
        lines.append(f"{len(self)} error{'s' if len(self) != 1 else ''}")
        return "\n".join(lines)


class StoryStream(Generic[_T]):
    """An iterator over stories (or records) that keeps the errors it met in ``.errors``.

    Examples:
        >>> stream = iter_stories("archive/", errors="collect")  # doctest: +SKIP
        >>> stories = list(stream)  # doctest: +SKIP
        >>> print(stream.errors.report())  # doctest: +SKIP
    """

    def __init__(self, items: Iterator[_T], errors: ErrorLog) -> None:
        self._items = items
        self.errors = errors
        """The :class:`ErrorLog` filled while iterating (empty under ``errors="raise"``)."""

    def __iter__(self) -> StoryStream[_T]:
        return self

    def __next__(self) -> _T:
        return next(self._items)

    def close(self) -> None:
        """Stop early and close the files and archives still open."""
        close: Callable[[], None] | None = getattr(self._items, "close", None)
        if close is not None:
            close()


# --------------------------------------------------------------------------- size limits


class _TotalExceededError(Exception):
    """More bytes than the total limit were read out of one archive."""


class _Budget:
    """Bytes still allowed out of one archive."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise _TotalExceededError


class _Raw(io.RawIOBase):
    """A binary stream over any readable (bytes or text), after some bytes already read."""

    def __init__(self, stream: IO[Any], head: bytes = b"") -> None:
        super().__init__()
        self._stream = stream
        self._head = head
        self._pending = b""  # encoded text not yet handed out (text streams)

    def readable(self) -> bool:
        return True

    def _read(self, n: int) -> bytes:
        if self._head:
            data, self._head = self._head[:n], self._head[n:]
            return data
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        chunk = self._stream.read(n)
        if isinstance(chunk, str):
            encoded = chunk.encode("utf-8", "surrogateescape")
            data, self._pending = encoded[:n], encoded[n:]
            return data
        return bytes(chunk)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._read(len(view))
        n = len(data)
        view[:n] = data
        return n


def _size(n: int) -> str:
    """``16 MiB`` for whole units, else ``2,000 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n:,} bytes"


# --------------------------------------------------------------------------- sources


def _lower_suffix(name: str) -> str:
    """``".txt"``, ``".tar.gz"``… in lower case, or ``""``."""
    base = name[max(name.rfind("/"), name.rfind("\\")) + 1 :]
    dot = base.rfind(".")
    if dot <= 0:
        return ""
    suffix = base[dot:].lower()
    if suffix in (".gz", ".bz2", ".xz") and base[:dot].lower().endswith(".tar"):
        return ".tar" + suffix
    return suffix


def _is_archive(name: str) -> bool:
    return _lower_suffix(name) in ARCHIVE_SUFFIXES


_readable: dict[str, str] | None = None


def _readable_suffixes() -> dict[str, str]:
    """Suffix → name of every registered format that can read (and is installed)."""
    global _readable  # noqa: PLW0603 - computed once: it imports the format modules
    if _readable is None:
        found: dict[str, str] = {}
        for name, (_, suffixes) in formats.FORMATS.items():
            try:
                module = formats.by_name(name)
            except ImportError:
                continue
            if hasattr(module, "loads"):
                for suffix in suffixes:
                    found.setdefault(suffix, name)
        _readable = found
    return _readable


def _format_of(name: str, forced: str | None) -> str | None:
    """``"jsonl"``, a format name, ``""`` (sniff: unknown suffix) or ``None`` (not a story)."""
    return forced if forced is not None else _suffix_format(_lower_suffix(name))


def _suffix_format(suffix: str) -> str | None:
    if suffix == JSONL_SUFFIX:
        return "jsonl"
    return _readable_suffixes().get(suffix)


def _is_story_name(name: str) -> bool:
    suffix = _lower_suffix(name)
    return suffix in ARCHIVE_SUFFIXES or suffix == JSONL_SUFFIX or suffix in _readable_suffixes()


def _walk(top: str) -> Iterator[str]:
    """Story files under ``top``, depth first, sorted by name; hidden entries skipped.

    Only one directory's names are held at a time. Links to directories are not followed
    (as in :func:`os.walk`), so a link loop cannot trap the walk.
    """
    files: list[str] = []
    folders: set[str] = set()
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.add(entry.name)
            elif _is_story_name(entry.name):
                files.append(entry.name)
    files.extend(folders)
    files.sort()
    for name in files:
        path = os.path.join(top, name)
        if name in folders:
            yield from _walk(path)
        else:
            yield path


_Source = str | os.PathLike[str] | IO[str] | IO[bytes]


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def _expand(source: object) -> Iterator[tuple[str, Any] | Failure]:
    """``("file", path)``, ``("stream", file)`` or a :class:`Failure` for each source."""
    if hasattr(source, "read"):
        yield ("stream", source)
        return
    if isinstance(source, Iterable) and not isinstance(source, (str, bytes, os.PathLike)):
        for item in source:  # a list, a tuple, a generator of sources
            yield from _expand(item)
        return
    if not isinstance(source, (str, os.PathLike)):
        msg = f"cannot read stories from an object of type {type(source).__name__}"
        raise TypeError(msg)
    path = os.fspath(source)
    if not isinstance(path, str):
        msg = "paths must be str, not bytes"
        raise TypeError(msg)
    if os.path.isdir(path):
        for found in _walk(path):
            yield ("file", found)
    elif os.path.exists(path):
        yield ("file", path)
    elif _has_magic(path):
        matches = sorted(glob.iglob(path, recursive=True))
        if not matches:
            error = StoryParseError("no file matches this pattern", filename=path)
            yield Failure(Origin(path), error)
        for match in matches:
            if os.path.isdir(match):
                for found in _walk(match):
                    yield ("file", found)
            elif _is_story_name(match):
                yield ("file", match)
    else:
        os_error = FileNotFoundError(2, "No such file or directory", path)
        yield Failure(
            Origin(path), StoryParseError("no such file or directory", filename=path), os_error
        )


def iter_paths(source: object) -> Iterator[str]:
    """The files a source names: a path, a directory (walked), a glob or a list of these.

    Archives are not opened. Used to spread work over processes or machines, one file each.

    Raises:
        FileNotFoundError: A path does not exist, or a pattern matches nothing.
    """
    for item in _expand(source):
        if isinstance(item, Failure):
            raise item.os_error or FileNotFoundError(2, item.error.message, item.origin.path)
        kind, value = item
        if kind != "file":
            msg = "iter_paths() takes paths, not open files"
            raise TypeError(msg)
        yield value


# --------------------------------------------------------------------------- pieces


def _read_error(origin: Origin, message: str, line: int | None = None) -> Failure:
    return Failure(origin, StoryParseError(message, filename=origin.where, line=line))


def _decode_piece(text: str, origin: Origin) -> Piece | Failure:
    """Turn text decoded with ``surrogateescape`` into a piece, or a UTF-8 failure."""
    if _SURROGATE_RE.search(text) is None:
        return Piece(origin, text, "text")
    first = origin.line or 1
    try:
        decode(text.encode("utf-8", "surrogateescape"), origin.where)
    except StoryParseError as exc:
        line = first + exc.line - 1 if exc.line is not None else first
        return Failure(origin, StoryParseError(exc.message, filename=origin.where, line=line))
    return Piece(origin, text, "text")  # pragma: no cover - surrogates always fail to decode


def _dump_pieces(
    reader: io.BufferedIOBase, path: str, member: str | None, limit: int
) -> Iterator[Piece | Failure]:
    """Split a stream of dumps into pieces, a block of lines at a time.

    The last piece of each block is carried over to the next one (it may go on there), so
    the pieces are the same as :func:`storykit.formats.text.split_stories` gives for the
    whole text, in memory bounded by the block size and the size of one story. A story
    longer than ``limit`` is reported and skipped, and reading goes on with the next one.
    """
    from storykit.formats.text import split_stories  # noqa: PLC0415

    carry = ""
    base = 1  # the line of the file on which ``carry`` (then the block) starts
    skipping = False  # ``carry`` is a stand-in line for an over-long story being skipped
    clean = True  # ``carry`` is valid UTF-8
    while True:
        data = reader.read(_BLOCK)
        eof = len(data) < _BLOCK
        if not eof and not data.endswith(b"\n"):
            # end a block at the end of a line, so UTF-8 is never cut (unless a line is
            # itself longer than a story may be: that story is refused anyway)
            data += reader.readline(limit + 1)
        try:
            text = carry + data.decode("utf-8")
        except UnicodeDecodeError:
            text = carry + data.decode("utf-8", "surrogateescape")
            clean = False
        pieces = _split(text, split_stories)
        if skipping and pieces:
            if len(pieces) == 1 and not eof:  # the over-long story goes on
                base += text.count("\n") - 1
                carry = _SKIPPED + "\n"
                continue
            pieces = pieces[1:]
            skipping = False
        for first, piece in pieces if eof else pieces[:-1]:
            origin = Origin(path, member, base + first - 1)
            if len(piece) > limit:
                yield _read_error(origin, _story_too_long(limit), origin.line)
            elif clean:
                yield Piece(origin, piece, "text")
            else:
                yield _decode_piece(piece, origin)
        if eof:
            return
        if not pieces:  # only blank lines so far
            base += text.count("\n")
            carry = ""
            continue
        last_first = pieces[-1][0]
        carry = "\n".join(text.split("\n")[last_first - 1 :])
        base += last_first - 1
        clean = clean or _SURROGATE_RE.search(carry) is None
        if len(carry) > limit:
            yield _read_error(Origin(path, member, base), _story_too_long(limit), base)
            ends = carry.rstrip().rsplit("\n", 1)[-1].strip().startswith("View original source")
            if ends:  # the story is complete: the next block starts afresh
                base += carry.count("\n")
                carry = ""
            else:  # skip the rest of it: a stand-in line keeps the splitting right
                base += carry.count("\n") - 1
                carry = _SKIPPED + "\n"
                skipping = True


_SKIPPED = "\u2026"
_BLANK = " \t\r\ufeff"  # what split_stories strips to tell a blank line
_FOOTER_TEXT = "View original source"


def _split(
    text: str, split_stories: Callable[[str], Iterator[tuple[int, str]]]
) -> list[tuple[int, str]]:
    """``list(split_stories(text))``, without its line-by-line scan for one story.

    A text whose only ``←`` (if any) is on its first non-blank line, and whose only
    ``View original source`` (if any) is on its last non-blank line, holds one story at
    most: no line in it can start another. The piece then runs to the end of the text
    (blank lines after the footer included, which the reader ignores).
    """
    nav = text.find("←")
    footer = text.find(_FOOTER_TEXT)
    if text.find("←", nav + 1) != -1 or (
        footer != -1 and text.find(_FOOTER_TEXT, footer + 1) != -1
    ):
        return list(split_stories(text))
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
    if nav != -1 and first_end != -1 and nav > first_end:  # a ← further down
        return list(split_stories(text))
    if footer != -1:
        after = text.find("\n", footer)
        if after != -1 and text[after:].strip(_BLANK + "\n"):  # text after the footer
            return list(split_stories(text))
    return [(line, text[start:])]


def _story_too_long(limit: int) -> str:
    return f"a story longer than the {_size(limit)} limit (max_member_size)"


def _jsonl_pieces(
    reader: io.BufferedIOBase, path: str, member: str | None, limit: int
) -> Iterator[Piece | Failure]:
    """One piece per non-blank line; a line over the limit is reported and skipped."""
    number = 0
    while True:
        raw = reader.readline(limit + 1)
        if not raw:
            return
        number += 1
        origin = Origin(path, member, number)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = reader.readline(_BLOCK)
            yield _read_error(
                origin, f"a line longer than the {_size(limit)} limit (max_member_size)", number
            )
            continue
        if not raw.strip():
            continue
        try:
            text = decode(raw.rstrip(b"\r\n"), origin.where)
        except StoryParseError as exc:
            yield _read_error(origin, exc.message, number)
            continue
        yield Piece(origin, text, "json")


def _whole_piece(
    reader: io.BufferedIOBase, path: str, member: str | None, fmt: str, limit: int
) -> Piece | Failure:
    origin = Origin(path, member, 1)
    data = reader.read(limit + 1)
    if len(data) > limit:
        return _read_error(
            Origin(path, member),
            f"larger than the {_size(limit)} limit (max_member_size); not read",
        )
    try:
        text = decode(data, origin.where)
    except StoryParseError as exc:
        return Failure(origin, exc)
    return Piece(origin, text, fmt)


def _sniff(head: bytes) -> str:
    """``"jsonl"``, ``"json"``, ``"text"`` or another format, from a stream's first bytes."""
    start = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    start = start.lstrip(b" \t\r\n")
    if start[:1] == b"{":
        first, newline, rest = start.partition(b"\n")
        if newline and rest.strip():
            try:
                value = _json.loads(first)
            except ValueError:
                return "json"
            return "jsonl" if isinstance(value, dict) else "json"
        return "json"
    return formats.sniff(start.decode("utf-8", "replace"))


def _stream_pieces(
    stream: IO[Any], path: str, member: str | None, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of one file or member; ``fmt`` as :func:`_format_of` gives it."""
    head = b""
    if fmt == "":
        chunk = stream.read(_HEAD)
        head = chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk
        fmt = _sniff(head)
    reader: io.BufferedIOBase
    if not head and isinstance(stream, (io.BufferedReader, io.BytesIO)):
        reader = stream  # a plain file or bytes: read as they are
    else:
        reader = io.BufferedReader(_Raw(stream, head), buffer_size=_BLOCK)
    if fmt == "jsonl":
        yield from _jsonl_pieces(reader, path, member, limit)
    elif fmt == "text":
        yield from _dump_pieces(reader, path, member, limit)
    else:
        yield _whole_piece(reader, path, member, fmt, limit)


def _unsafe_name(name: str) -> str | None:
    """Why an archive member's name is unsafe to use as a path, or ``None``."""
    if not name or "\0" in name:
        return "an empty name"
    normal = name.replace("\\", "/")
    if normal.startswith("/"):
        return "an absolute path"
    if re.match(r"[A-Za-z]:", normal):
        return "a path with a drive letter"
    if ".." in normal.split("/"):
        return "a path that climbs out of its folder ('..')"
    return None


def _member_failure(origin: Origin, problem: str) -> Failure:
    return _read_error(origin, f"unsafe archive member ({problem}); not read")


def _too_large(origin: Origin, limit: int) -> Failure:
    return _read_error(
        origin,
        f"member larger than the {_size(limit)} limit (max_member_size); not read (a zip bomb?)",
    )


def _total_exceeded(path: str, limit: int) -> Failure:
    return _read_error(
        Origin(path),
        f"archive holds more than the {_size(limit)} limit (max_total_size); "
        "the rest of it is not read",
    )


def _zip_blobs(
    path: str, file: str | IO[bytes], forced: str | None, member_limit: int, total: int
) -> Iterator[Blob | Failure | Skipped]:
    import zipfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield _read_error(Origin(path), f"not a readable zip archive: {exc}")
        return
    budget = _Budget(total)
    with archive:
        for info in archive.infolist():
            name = info.filename
            origin = Origin(path, name)
            problem = _unsafe_name(name)
            mode = info.external_attr >> 16
            if problem is None and stat.S_ISLNK(mode):
                problem = "a symbolic link"
            if problem is not None:
                yield _member_failure(origin, problem)
                continue
            if info.is_dir():
                continue
            fmt = _format_of(name, forced)
            if fmt is None:
                yield Skipped(origin, "not a story file (unknown suffix)")
                continue
            if info.file_size > member_limit:
                yield _too_large(origin, member_limit)
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(member_limit + 1)  # never more, whatever the header
                budget.take(len(data))
            except _TotalExceededError:
                yield _total_exceeded(path, total)
                return
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
                yield _read_error(origin, f"cannot read this member: {exc}")
                continue
            except NotImplementedError as exc:  # an unsupported compression method
                yield _read_error(origin, f"cannot read this member: {exc}")
                continue
            if len(data) > member_limit:
                yield _too_large(origin, member_limit)
            else:
                yield Blob(origin, fmt, data)


def _tar_problem(info: Any) -> str | None:
    """Why a tar member must not be read, or ``None``."""
    problem = _unsafe_name(info.name)
    if problem is None and info.issym():
        problem = "a symbolic link"
    elif problem is None and info.islnk():
        problem = "a hard link"
    elif problem is None and info.issparse():
        problem = "a sparse file"
    elif problem is None and not info.isreg() and not info.isdir():
        problem = "not a regular file"
    return problem


def _tar_blobs(
    path: str, file: str | IO[bytes], forced: str | None, member_limit: int, total: int
) -> Iterator[Blob | Failure | Skipped]:
    import lzma  # noqa: PLC0415
    import tarfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    errors = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError)
    try:
        # a stream: members are read in order, and a pipe will do
        if isinstance(file, str):
            archive = tarfile.open(file, mode="r|*")  # noqa: SIM115 - closed below
        else:
            archive = tarfile.open(fileobj=file, mode="r|*")  # noqa: SIM115
    except errors as exc:
        yield _read_error(Origin(path), f"not a readable tar archive: {exc}")
        return
    budget = _Budget(total)
    with archive:
        while True:
            try:
                info = archive.next()
            except errors as exc:
                yield _read_error(Origin(path), f"cannot read the archive past here: {exc}")
                return
            if info is None:
                return
            cast(Any, archive).members.clear()  # tarfile keeps every header seen: drop them
            name = info.name
            origin = Origin(path, name)
            try:
                budget.take(info.size)  # a tar stream must be read through, member or not
            except _TotalExceededError:
                yield _total_exceeded(path, total)
                return
            problem = _tar_problem(info)
            if problem is not None:
                yield _member_failure(origin, problem)
                continue
            if info.isdir():
                continue
            fmt = _format_of(name, forced)
            if fmt is None:
                yield Skipped(origin, "not a story file (unknown suffix)")
                continue
            if info.size > member_limit:
                yield _too_large(origin, member_limit)
                continue
            member = archive.extractfile(info)
            if member is None:  # pragma: no cover - only for non-regular members
                continue
            try:
                data = member.read(member_limit + 1)
            except errors as exc:
                yield _read_error(origin, f"cannot read this member: {exc}")
                return
            if len(data) > member_limit:  # pragma: no cover - the header size is checked
                yield _too_large(origin, member_limit)
            else:
                yield Blob(origin, fmt, data)


def _archive_blobs(
    path: str, file: str | IO[bytes], forced: str | None, member_limit: int, total: int
) -> Iterator[Blob | Failure | Skipped]:
    if _lower_suffix(path) == ".zip":
        yield from _zip_blobs(path, file, forced, member_limit, total)
    else:
        yield from _tar_blobs(path, file, forced, member_limit, total)


def _file_blobs(
    path: str, forced: str | None, member_limit: int, total: int
) -> Iterator[Blob | Failure | Skipped]:
    suffix = _lower_suffix(path)
    if forced is None and suffix in ARCHIVE_SUFFIXES:
        yield from _archive_blobs(path, path, None, member_limit, total)
    else:
        fmt = forced if forced is not None else _suffix_format(suffix)
        yield Blob(Origin(path), fmt or "")


def blob_pieces(
    blob: Blob, *, max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
) -> Iterator[Piece | Failure]:
    """Split one file or member into the raw text of its stories.

    A plain file is streamed: it may hold any number of stories, each at most
    ``max_member_size`` long.
    """
    path, member = blob.origin.path, blob.origin.member
    if blob.data is not None:
        yield from _stream_pieces(io.BytesIO(blob.data), path, member, blob.format, max_member_size)
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after a generator
    except OSError as exc:
        yield _os_failure(path, exc)
        return
    with stream:
        try:
            yield from _stream_pieces(stream, path, None, blob.format, max_member_size)
        except OSError as exc:
            yield _os_failure(path, exc)


def _os_failure(path: str, exc: OSError) -> Failure:
    message = f"cannot read: {exc.strerror or exc}"
    return Failure(Origin(path), StoryParseError(message, filename=path), exc)


def _stream_name(stream: object) -> str:
    """The name an open file is reported under: its own, ``<stdin>`` or ``<stream>``."""
    name = getattr(stream, "name", None)
    stdin = sys.stdin
    if name in ("<stdin>", "-", 0) or stream in (stdin, getattr(stdin, "buffer", None)):
        return "<stdin>"
    if isinstance(name, str):
        return name
    return "<stream>"


def _check_options(errors: str, format: str | None) -> None:
    if errors not in _POLICIES:
        msg = f"errors must be one of {', '.join(map(repr, _POLICIES))}, not {errors!r}"
        raise ValueError(msg)
    if format is not None and format != "jsonl":
        module = formats.by_name(format)  # raises UnknownFormatError
        if not hasattr(module, "loads"):
            msg = f"format {format!r} can be written but not read"
            raise UnknownFormatError(msg)


def iter_blobs(
    source: object,
    *,
    format: str | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
) -> Iterator[Blob | Failure | Skipped]:
    """Every file and archive member in ``source``, not yet split into stories.

    A plain file is named, not read (:func:`blob_pieces` reads it); an archive member is
    read, within the size limits. An open file that is not an archive is read whole, up to
    ``max_member_size``. For spreading work over processes: :func:`blob_pieces` of each
    blob, in order, gives what :func:`iter_pieces` gives. Arguments as for
    :func:`iter_stories`.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
        TypeError: ``source`` is of a type that names no stories.
    """
    _check_options("raise", format)
    for item in _expand(source):
        if isinstance(item, Failure):
            yield item
            continue
        kind, value = item
        if kind == "file":
            suffix = _lower_suffix(value)
            if format is not None or suffix not in ARCHIVE_SUFFIXES:  # no generator per file
                fmt = format if format is not None else _suffix_format(suffix)
                yield Blob(Origin(value), fmt or "")
            else:
                yield from _archive_blobs(value, value, None, max_member_size, max_total_size)
            continue
        name = _stream_name(value)
        if format is None and _is_archive(name):
            yield from _archive_blobs(name, value, None, max_member_size, max_total_size)
            continue
        data = _binary_read(value, max_member_size + 1)
        fmt = format if name.startswith("<") else _format_of(name, format)
        if len(data) > max_member_size:
            yield _read_error(Origin(name), f"larger than the {_size(max_member_size)} limit")
        else:
            yield Blob(Origin(name), fmt or "", data)


def _binary_read(stream: IO[Any], n: int) -> bytes:
    return io.BufferedReader(_Raw(stream)).read(n)


def iter_pieces(
    source: object,
    *,
    format: str | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
) -> Iterator[Event]:
    """The raw text of every story in ``source``, unread, as :class:`Piece` objects.

    Anything that cannot be read (a missing file, a member over a size limit, an unsafe
    member name, bytes that are not UTF-8) comes as a :class:`Failure`; an archive member
    that is not a story file as :class:`Skipped`. Arguments as for :func:`iter_stories`.
    Plain files and open files are streamed, whatever their size.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
        TypeError: ``source`` is of a type that names no stories.
    """
    _check_options("raise", format)
    limits = (max_member_size, max_total_size)
    for item in _expand(source):
        if isinstance(item, Failure):
            yield item
            continue
        kind, value = item
        if kind == "file":
            blobs = _file_blobs(value, format, *limits)
        else:
            name = _stream_name(value)
            if format is not None or not _is_archive(name):
                fmt = format if name.startswith("<") else _format_of(name, format)
                yield from _stream_pieces(value, name, None, fmt or "", max_member_size)
                continue
            blobs = _archive_blobs(name, value, None, *limits)
        for blob in blobs:
            if isinstance(blob, Blob):
                yield from blob_pieces(blob, max_member_size=max_member_size)
            else:
                yield blob


def _shift(exc: StoryParseError, origin: Origin) -> StoryParseError:
    first = origin.line or 1
    line = first + exc.line - 1 if exc.line is not None else origin.line
    return StoryParseError(exc.message, filename=origin.where, line=line, path=exc.path)


def _check_not_binary(text: str, where: str) -> None:
    if "\0" in text[:1024]:
        raise StoryParseError("binary data, not a text story", filename=where, line=1)


def parse_piece(
    piece: Piece, *, splitter: TagSplitter | None = None
) -> tuple[Story, list[Diagnostic]]:
    """Read one piece; lines in errors and diagnostics count from the start of its file.

    Args:
        piece: What :func:`iter_pieces` yielded.
        splitter: The tag splitter for dumps (default: the built-in vocabulary).

    Returns:
        The story and the reader's diagnostics (warnings about lines it could not place).

    Raises:
        StoryParseError: The piece is not a story (names file, member and line).
    """
    where = piece.origin.where
    try:
        if piece.format == "text":
            from storykit.formats import text  # noqa: PLC0415

            _check_not_binary(piece.text, where)
            story, diagnostics = text.read(piece.text, filename=where, splitter=splitter)
        else:
            story, diagnostics = loads(piece.text, piece.format, filename=where), []
    except StoryParseError as exc:
        raise _shift(exc, piece.origin) from None
    except MissingExtraError as exc:
        raise StoryParseError(str(exc), filename=where, line=piece.origin.line) from None
    first = piece.origin.line or 1
    if first != 1:
        diagnostics = [
            Diagnostic(d.line + first - 1 if d.line is not None else first, d.level, d.message)
            for d in diagnostics
        ]
    return story, diagnostics


# --------------------------------------------------------------------------- stories


def _records(
    source: object,
    *,
    errors: str,
    format: str | None,
    splitter: TagSplitter | None,
    max_member_size: int,
    max_total_size: int,
    log: ErrorLog,
) -> Iterator[tuple[Origin, Story]]:
    def handle(error: StoryParseError, os_error: OSError | None = None) -> None:
        if errors == "raise":
            raise os_error if os_error is not None else error
        log.append(error)
        if errors == "warn":
            warnings.warn(str(error), StoryWarning, stacklevel=4)

    events = iter_pieces(
        source, format=format, max_member_size=max_member_size, max_total_size=max_total_size
    )
    for event in events:
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
    source: _Source | Iterable[_Source],
    *,
    errors: ErrorPolicy = "raise",
    format: str | None = None,
    splitter: TagSplitter | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
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
        ValueError: ``errors`` is not one of the three policies.
    """
    _check_options(errors, format)
    log = ErrorLog() if log is None else log
    items = _records(
        source,
        errors=errors,
        format=format,
        splitter=splitter,
        max_member_size=max_member_size,
        max_total_size=max_total_size,
        log=log,
    )
    return StoryStream(items, log)


def iter_stories(
    source: _Source | Iterable[_Source],
    *,
    errors: ErrorPolicy = "raise",
    format: str | None = None,
    splitter: TagSplitter | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
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
            archive is refused.
        log: An :class:`ErrorLog` to append errors to (shared across calls, say).

    Returns:
        An iterator of stories with an ``errors`` attribute (an :class:`ErrorLog`).

    Raises:
        StoryParseError: Under ``errors="raise"``, at the first story that cannot be read.
        OSError: Under ``errors="raise"``, when a named file is missing or unreadable.
        UnknownFormatError: ``format`` names no format that can be read.
        ValueError: ``errors`` is not one of the three policies.
    """
    records = iter_records(
        source,
        errors=errors,
        format=format,
        splitter=splitter,
        max_member_size=max_member_size,
        max_total_size=max_total_size,
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
    )


def learn_tags(
    source: _Source | Iterable[_Source],
    splitter: TagSplitter | None = None,
    *,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
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
        source, max_member_size=max_member_size, max_total_size=max_total_size
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


def _atomic_path_writer(path: str) -> tuple[IO[str], str]:
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".storykit-", suffix=".tmp")
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(temp, 0o666 & ~mask)
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n"), temp


def dump_many(
    stories: Iterable[Story], target: str | os.PathLike[str] | IO[str] | IO[bytes]
) -> int:
    """Write stories as JSON Lines: one compact storykit JSON document a line.

    A path is written atomically (a temporary file in the same folder, then renamed over
    the target), so readers never see half a file; an open file is written as it goes.

    Args:
        stories: Any iterable of stories (a generator is consumed lazily).
        target: A path, or an open text or binary file.

    Returns:
        How many stories were written.

    Raises:
        TypeError: An item is not a :class:`~storykit.Story`.
        OSError: The target cannot be written (a path is then left untouched).
    """
    count = 0
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        out, temp = _atomic_path_writer(path)
        try:
            with out:
                for story in stories:
                    out.write(dumps(story, "json", indent=None) + "\n")
                    count += 1
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        return count
    binary = isinstance(target, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(
        target, "mode", ""
    )
    for story in stories:
        line = dumps(story, "json", indent=None) + "\n"
        if binary:
            cast(IO[bytes], target).write(line.encode("utf-8"))
        else:
            cast(IO[str], target).write(line)
        count += 1
    return count
