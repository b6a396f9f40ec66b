"""Splitting a file, archive member or stream into the raw text of each story, and reading one.

A dump file is streamed a block of lines at a time by :mod:`storykit._dump_stream` (the last
story of a block is carried to the next), so a file holding a million stories takes the
memory of one; a story longer than ``max_member_size`` is reported and skipped. This module
picks the road (whole or streamed, dump, JSON Lines or one document) and reads a story; the
stream splitter is that module's one job. A JSON Lines file gives one piece per line; any
other format one piece per file. A stream with no known suffix is sniffed from its first
bytes. Bytes that are not UTF-8 are reported with the line they are on. Any readable
(binary or text, blocking or not) is read as bytes through :mod:`storykit._raw_stream`.

A small plain file (most dumps are a few KiB) is read in one go instead, and a clean UTF-8
dump split at once (:mod:`storykit._dump_split`), most often into one piece without a look
at each line: the same pieces as streaming gives, for less work per file.
"""

from __future__ import annotations

import io
import json as _json
import os
import stat
from collections.abc import Iterator
from typing import IO, Any

from storykit import _dump_stream, formats
from storykit._api import read_story
from storykit._decoding import BINARY_HEAD, binary_error, bom_encoding, decode, decode_wide
from storykit._dump_split import split_dump
from storykit._dump_stream import ENDLESS, _dump_pieces
from storykit._raw_stream import RawReader, at_end, may_not_end, waiting
from storykit._records import Blob, Failure, Origin, Piece, read_error, size_text, too_large
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit.errors import Diagnostic, StoryParseError
from storykit.model import Story
from storykit.tags import TagSplitter

__all__ = [
    "blob_pieces",
    "bytes_pieces",
    "file_format_pieces",
    "file_pieces",
    "open_file",
    "opened_pieces",
    "os_failure",
    "parse_piece",
    "parse_text",
    "reads_whole",
    "split_dump",
    "stream_pieces",
]

_HEAD = 64 * 1024  # bytes looked at to tell the format of a stream with no known suffix
_WHOLE = 1024 * 1024  # the most read whole (reads_whole); tests set it to 0 to stream all


_SPREAD = (
    "one JSON document spread over lines, not JSON Lines (one story a line): name the file "
    ".json, or write it one story a line (--to jsonl)"
)


def _jsonl_pieces(
    reader: io.BufferedIOBase, path: str, member: str | None, limit: int, endless: bool = False
) -> Iterator[Piece | Failure]:
    """One piece per non-blank line; a line over the limit is reported and skipped.

    A file whose first line opens a JSON object or array and ends there is one document
    spread over lines (pretty-printed JSON named ``.jsonl``): that is said once, for the
    file, instead of an error for each of its lines.

    A stream that may never end (``endless``) is not read past a line over the limit (its
    end may never come), nor past more than ``limit`` bytes of blank lines in a row.
    """
    number = 0
    first = True
    blank = 0  # bytes of blank lines in a row
    while True:
        raw = reader.readline(limit + 1)
        if not raw:
            return
        number += 1
        origin = Origin(path, member, number)
        if len(raw) > limit and not raw.endswith(b"\n"):
            message = f"a line longer than the {size_text(limit)} limit (max_member_size)"
            if endless:
                yield read_error(origin, f"{message}, {ENDLESS}", number)
                return
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = reader.readline(_dump_stream._BLOCK)
            yield read_error(origin, message, number)
            continue
        if not raw.strip():
            blank += len(raw)
            if endless and blank > limit:
                message = f"blank lines past the {size_text(limit)} limit (max_member_size)"
                yield read_error(origin, f"{message}, {ENDLESS}", number)
                return
            continue
        blank = 0
        if first and raw.strip().removeprefix(b"\xef\xbb\xbf") in (b"{", b"["):
            yield read_error(origin, _SPREAD, number)
            return
        first = False
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
            too_large(limit),
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


def _up_to_bad_data(
    pieces: Iterator[Piece | Failure],
    error: StoryParseError,
    at_line_start: bool,
    path: str,
    member: str | None,
) -> Iterator[Piece | Failure]:
    """The pieces of the text before bad data (a UTF-16 file cut short), then the error.

    The last piece is cut by the bad data: it fails with the error, unless it is whole (a
    dump story that ends with its footer, a JSON Lines line that ended before the bad
    data: ``at_line_start``); then the error is on its own, on the bad data's line.
    """
    last: Piece | Failure | None = None
    for piece in pieces:
        if last is not None:
            yield last
        last = piece
    whole = isinstance(last, Piece) and (
        _dump_stream._ends_with_footer(last.text) if last.format == "text" else at_line_start
    )
    if isinstance(last, Piece) and not whole:
        yield Failure(last.origin, error)
        return
    if last is not None:
        yield last
    yield Failure(Origin(path, member, error.line), error)


def stream_pieces(
    stream: IO[Any], path: str, member: str | None, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of one file, member or stream.

    ``fmt`` is ``"jsonl"``, a format's name, or ``""`` to tell it from the first bytes.
    Text in UTF-16 or UTF-32 that starts with a byte order mark is read whole (at most
    ``limit`` bytes) and decoded by :func:`storykit._decoding.decode`. A stream that may never
    end (a pipe, a device: :func:`storykit._raw_stream.may_not_end`) is read no further than
    ``limit`` (and a block or two) past its last story.
    """
    if fmt in formats.FILE_FORMATS:
        origin = Origin(path, member)
        yield read_error(origin, f"a {fmt} file is read from a path, not from an archive or stream")
        return
    stream = waiting(stream)
    endless = may_not_end(stream)
    first = stream.read(4)
    if isinstance(first, bytes) and bom_encoding(first) is not None:
        data = first + stream.read(limit + 1 - len(first))
        if len(data) > limit:
            yield read_error(
                Origin(path, member),
                too_large(limit),
            )
            return
        text, error = decode_wide(data, Origin(path, member).where)
        pieces = stream_pieces(io.BytesIO(text.encode("utf-8")), path, member, fmt, limit)
        if error is None:
            yield from pieces
        else:
            yield from _up_to_bad_data(pieces, error, text.endswith("\n"), path, member)
        return
    head = first.encode("utf-8", "surrogateescape") if isinstance(first, str) else first
    ended = at_end(stream, 4, first)
    if fmt == "":
        chunk = "" if ended else stream.read(_HEAD)
        ended = ended or at_end(stream, _HEAD, chunk)
        head += chunk.encode("utf-8", "surrogateescape") if isinstance(chunk, str) else chunk
        fmt = _sniff(head)
    reader: io.BufferedIOBase
    if isinstance(stream, (io.BufferedReader, io.BytesIO)) and stream.seekable():
        stream.seek(-len(head), io.SEEK_CUR)  # a plain file or bytes: read as they are
        reader = stream
    else:
        reader = io.BufferedReader(
            RawReader(stream, head, ended=ended), buffer_size=_dump_stream._BLOCK
        )
    if fmt == "jsonl":
        yield from _jsonl_pieces(reader, path, member, limit, endless)
    elif fmt == "text":
        yield from _dump_pieces(reader, path, member, limit, endless)
    else:
        yield _whole_piece(reader, path, member, fmt, limit)


# --------------------------------------------------------------------------- whole files


_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)


def reads_whole(size: int, limit: int) -> bool:
    """Whether a file or member of ``size`` bytes is read whole rather than streamed.

    So it is when it holds at most ``limit`` (``max_member_size``) bytes and 1 MiB: most
    dumps are a few KiB. :func:`open_file` reads such a file in one go, and the worker's
    short road takes such a file or member (:mod:`storykit._worker`).
    """
    return size <= min(limit, _WHOLE)


def open_file(path: str, limit: int) -> bytes | io.BufferedReader:
    """A plain file: its bytes when it is small, else the file, open to be streamed.

    A regular file small enough (:func:`reads_whole`) is read in one go; anything else
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
        if reads_whole(size, limit) and stat.S_ISREG(info.st_mode):
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
            for line, piece in split_dump(text)[0]:
                yield Piece(Origin(path, member, line), piece, "text")
            return
    yield from stream_pieces(io.BytesIO(data), path, member, fmt, limit)


def file_pieces(path: str, fmt: str, limit: int) -> Iterator[Piece | Failure]:
    """The pieces of a plain file: read whole when it is small, else streamed."""
    if fmt in formats.FILE_FORMATS:
        yield from file_format_pieces(path, fmt, limit)
        return
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
    if fmt in formats.FILE_FORMATS:
        if not isinstance(opened, bytes):
            opened.close()
        yield from file_format_pieces(path, fmt, limit)
        return
    if isinstance(opened, bytes):
        yield from bytes_pieces(opened, path, None, fmt, limit)
        return
    with opened:
        try:
            yield from stream_pieces(opened, path, None, fmt, limit)
        except OSError as exc:
            yield os_failure(path, exc)


def file_format_pieces(path: str, fmt: str, limit: int) -> Iterator[Piece | Failure]:
    """The stories of a database or other file format (``FILE_FORMATS``), as JSON pieces.

    A story larger than ``limit`` is a failure, as an archive member is.
    """
    try:
        yield from formats.file_format(fmt).read_pieces(path, max_member_size=limit)
    except StoryParseError as exc:
        yield Failure(Origin(path), exc)


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
    *,
    clean: bool = False,
    remember: bool = True,
    glued: bool | None = None,
) -> tuple[Story, list[Diagnostic]]:
    """Read the text of one story that starts on line ``first`` of ``where``.

    Lines in errors and diagnostics count from the start of the file (or member). What the
    caller knows of ``text`` spares the reader a look:

    ``clean``: ``text`` was decoded from UTF-8 bytes that hold no zero byte (the worker's
    short road), so it holds no NUL and no lone surrogate, and a dump is read without a
    scan for either (``checked`` and ``nul=-1`` of
    :func:`storykit.formats._text_reader._read`). In a story with a letter beyond Latin-1
    (stored two bytes a letter, each ASCII one then holding a zero byte) the look for NUL
    costs about 2 µs, against 0.05 for the file's bytes. ``glued``: whether ``text`` (a
    clean dump) may hold a glued nav line, when the caller knows: False when the whole dump
    was seen to hold one story at most (:func:`split_dump`); ``None``: the reader
    looks. ``remember``: whether the reader keeps a dump's lines for the text writer's
    check (a command writing another format spares it).

    Raises:
        StoryParseError: The text is not a story (names ``where`` and the line).
        MissingExtraError: The format needs an extra that is not installed: not the
            input's fault, so not a parse error (the batch commands stop on it).
    """
    if fmt == "text" and not clean and "\0" in text[:BINARY_HEAD]:
        raise binary_error(text, where, first or 1)
    try:
        if fmt == "text":  # clean: not scanned for lone surrogates, nor for NUL (-1: none)
            story, diagnostics = _text_reader()._read(
                text, where, splitter, clean, -1 if clean else None, remember=remember, glued=glued
            )
        else:
            story, diagnostics = read_story(text, fmt, filename=where), []
    except StoryParseError as exc:
        start = first or 1
        line = start + exc.line - 1 if exc.line is not None else first
        # (of its own kind: the command says a JsonLinesError with its own option)
        raise type(exc)(exc.message, filename=where, line=line, path=exc.path) from None
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
