"""Splitting a file, archive member or stream into the raw text of each story, and reading one.

A dump file is streamed a block of lines at a time (the last story of a block is carried to
the next), so a file holding a million stories takes the memory of one; a story longer than
``max_member_size`` is reported and skipped. A JSON Lines file gives one piece per line; any
other format one piece per file. A stream with no known suffix is sniffed from its first
bytes. Bytes that are not UTF-8 are reported with the line they are on.

A small plain file (most dumps are a few KiB) is read in one go instead, and a clean UTF-8
dump split at once, most often into one piece without a look at each line: the same pieces
as streaming gives, for less work per file.
"""

from __future__ import annotations

import io
import json as _json
import os
import re
import stat
from collections.abc import Callable, Iterator
from typing import IO, Any

from storykit import formats
from storykit._api import decode, loads
from storykit._records import Blob, Failure, Origin, Piece, read_error, size_text
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit.errors import Diagnostic, MissingExtraError, StoryParseError
from storykit.model import Story
from storykit.tags import TagSplitter

__all__ = [
    "RawReader",
    "binary_read",
    "blob_pieces",
    "bytes_pieces",
    "file_pieces",
    "open_file",
    "opened_pieces",
    "os_failure",
    "parse_piece",
    "parse_text",
    "split_dump",
    "stream_pieces",
]

_BLOCK = 64 * 1024  # bytes of lines read at a time from a dump (under malloc's mmap size)
_HEAD = 64 * 1024  # bytes looked at to tell the format of a stream with no known suffix
_WHOLE = 1024 * 1024  # a plain file up to this size (and max_member_size) is read whole
_SURROGATE_RE = re.compile("[\udc80-\udcff]")


class RawReader(io.RawIOBase):
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


def binary_read(stream: IO[Any], n: int) -> bytes:
    """At most ``n`` bytes of an open (binary or text) file."""
    return io.BufferedReader(RawReader(stream)).read(n)


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
                yield read_error(origin, _story_too_long(limit), origin.line)
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
            yield read_error(Origin(path, member, base), _story_too_long(limit), base)
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
    return f"a story longer than the {size_text(limit)} limit (max_member_size)"


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
            yield read_error(
                origin, f"a line longer than the {size_text(limit)} limit (max_member_size)", number
            )
            continue
        if not raw.strip():
            continue
        try:
            text = decode(raw.rstrip(b"\r\n"), origin.where)
        except StoryParseError as exc:
            yield read_error(origin, exc.message, number)
            continue
        yield Piece(origin, text, "json")


def _whole_piece(
    reader: io.BufferedIOBase, path: str, member: str | None, fmt: str, limit: int
) -> Piece | Failure:
    origin = Origin(path, member, 1)
    data = reader.read(limit + 1)
    if len(data) > limit:
        return read_error(
            Origin(path, member),
            f"larger than the {size_text(limit)} limit (max_member_size); not read",
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
            except (ValueError, RecursionError):  # the reader reports it
                return "json"
            return "jsonl" if isinstance(value, dict) else "json"
        return "json"
    return formats.sniff(start.decode("utf-8", "replace"))


def stream_pieces(
    stream: IO[Any], path: str, member: str | None, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of one file, member or stream.

    ``fmt`` is ``"jsonl"``, a format's name, or ``""`` to tell it from the first bytes.
    """
    head = b""
    if fmt == "":
        chunk = stream.read(_HEAD)
        head = chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk
        fmt = _sniff(head)
    reader: io.BufferedIOBase
    if not head and isinstance(stream, (io.BufferedReader, io.BytesIO)):
        reader = stream  # a plain file or bytes: read as they are
    else:
        reader = io.BufferedReader(RawReader(stream, head), buffer_size=_BLOCK)
    if fmt == "jsonl":
        yield from _jsonl_pieces(reader, path, member, limit)
    elif fmt == "text":
        yield from _dump_pieces(reader, path, member, limit)
    else:
        yield _whole_piece(reader, path, member, fmt, limit)


# --------------------------------------------------------------------------- whole files


_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def open_file(path: str, limit: int) -> bytes | io.BufferedReader:
    """A plain file: its bytes when it is small, else the file, open to be streamed.

    A regular file of at most ``limit`` bytes (and 1 MiB) is read in one go; anything else
    (a larger file, a pipe, a device, a file that changed while it was read) comes back
    open, at its start, to be read a block at a time. The file is opened once either way,
    so a named pipe reads as well as a file.

    Raises:
        OSError: The file cannot be opened or read.
    """
    fd = os.open(path, _O_READ)
    handed_over = False
    try:
        info = os.fstat(fd)
        size = info.st_size
        if size <= min(limit, _WHOLE) and stat.S_ISREG(info.st_mode):
            data = os.read(fd, size + 1)
            if len(data) == size:  # a read of a regular file is whole
                return data
            os.lseek(fd, 0, os.SEEK_SET)  # the file changed meanwhile: stream it
        stream = open(fd, "rb")  # noqa: SIM115 - the caller closes it
        handed_over = True
        return stream
    finally:
        if not handed_over:
            os.close(fd)


def split_dump(text: str) -> list[tuple[int, str]]:
    """The ``(first_line, text)`` of each story in a whole dump (one story: one piece)."""
    return _split(text, _text_reader().split_stories)


def bytes_pieces(
    data: bytes, path: str, member: str | None, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of a whole file or member, already read (and at most ``limit`` bytes).

    The same pieces as streaming it gives: a clean UTF-8 dump is split at once, anything
    else goes through :func:`stream_pieces`.
    """
    if fmt == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # streamed, to tell which story (and line) the bad bytes are in
        else:
            for line, piece in split_dump(text):
                yield Piece(Origin(path, member, line), piece, "text")
            return
    yield from stream_pieces(io.BytesIO(data), path, member, fmt, limit)


def file_pieces(path: str, fmt: str, limit: int) -> Iterator[Piece | Failure]:
    """The pieces of a plain file: read whole when it is small, else streamed."""
    try:
        opened = open_file(path, limit)
    except OSError as exc:
        yield os_failure(path, exc)
        return
    yield from opened_pieces(opened, path, fmt, limit)


def opened_pieces(
    opened: bytes | io.BufferedReader, path: str, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of a plain file as :func:`open_file` gave it (a stream is closed after)."""
    if isinstance(opened, bytes):
        yield from bytes_pieces(opened, path, None, fmt, limit)
        return
    with opened:
        try:
            yield from stream_pieces(opened, path, None, fmt, limit)
        except OSError as exc:
            yield os_failure(path, exc)


def blob_pieces(
    blob: Blob, *, max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
) -> Iterator[Piece | Failure]:
    """Split one file or member into the raw text of its stories.

    A plain file is read whole when it is small, else streamed: it may hold any number of
    stories, each at most ``max_member_size`` long.
    """
    path, member = blob.origin.path, blob.origin.member
    if blob.data is not None:
        yield from bytes_pieces(blob.data, path, member, blob.format, max_member_size)
    else:
        yield from file_pieces(path, blob.format, max_member_size)


def os_failure(path: str, exc: OSError) -> Failure:
    """The failure for a file the operating system would not let us read."""
    message = f"cannot read: {exc.strerror or exc}"
    return Failure(Origin(path), StoryParseError(message, filename=path), exc)


# --------------------------------------------------------------------------- reading


_text: Any = None  # storykit.formats.text, imported on first use


def _text_reader() -> Any:
    global _text  # noqa: PLW0603 - imported once, on first use
    if _text is None:
        from storykit.formats import text  # noqa: PLC0415

        _text = text
    return _text


def parse_text(
    text: str,
    fmt: str,
    where: str,
    first: int | None,
    splitter: TagSplitter | None = None,
) -> tuple[Story, list[Diagnostic]]:
    """Read the text of one story that starts on line ``first`` of ``where``.

    Lines in errors and diagnostics count from the start of the file (or member).

    Raises:
        StoryParseError: The text is not a story (names ``where`` and the line).
    """
    if fmt == "text" and "\0" in text[:1024]:
        raise StoryParseError("binary data, not a text story", filename=where, line=first or 1)
    try:
        if fmt == "text":
            story, diagnostics = _text_reader().read(text, filename=where, splitter=splitter)
        else:
            story, diagnostics = loads(text, fmt, filename=where), []
    except StoryParseError as exc:
        start = first or 1
        line = start + exc.line - 1 if exc.line is not None else first
        raise StoryParseError(exc.message, filename=where, line=line, path=exc.path) from None
    except MissingExtraError as exc:
        raise StoryParseError(str(exc), filename=where, line=first) from None
    if first is not None and first != 1:
        diagnostics = [
            Diagnostic(d.line + first - 1 if d.line is not None else first, d.level, d.message)
            for d in diagnostics
        ]
    return story, diagnostics


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
    origin = piece.origin
    return parse_text(piece.text, piece.format, origin.where, origin.line, splitter)
