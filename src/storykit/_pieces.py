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
from storykit._api import binary_error, bom_encoding, decode, may_not_end, read_story
from storykit._records import Blob, Failure, Origin, Piece, read_error, size_text, too_large
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit.errors import Diagnostic, StoryParseError
from storykit.model import Story
from storykit.tags import TagSplitter

__all__ = [
    "ENDLESS",
    "RawReader",
    "binary_read",
    "blob_pieces",
    "bytes_pieces",
    "file_format_pieces",
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

    def __init__(self, stream: IO[Any], head: bytes = b"", *, ended: bool = False) -> None:
        """Read ``stream`` after ``head``; ``ended``: it is at its end already (:func:`at_end`)."""
        super().__init__()
        self._stream = stream
        self._head = head
        self._pending = b""  # encoded text not yet handed out (text streams)
        self._ended = ended  # the stream has said it is at its end: see at_end()

    def readable(self) -> bool:
        return True

    def _read(self, n: int) -> bytes:
        if self._head:
            data, self._head = self._head[:n], self._head[n:]
            return data
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        if self._ended:
            return b""
        chunk = self._stream.read(n)
        if at_end(self._stream, n, chunk):
            self._ended = True
            if not chunk:
                return b""
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


_WHOLE_READS = (io.BufferedReader, io.TextIOWrapper)
"""Streams whose ``read(n)`` reads until it has ``n`` or the stream is at its end."""


def at_end(stream: IO[Any], asked: int, got: bytes | str) -> bool:
    """Whether ``stream.read(asked)``, which gave ``got``, says the stream is at its end.

    So it is when the read gave nothing, or, from a stream that reads until it has all it was
    asked for (standard input's buffered and text streams), less. A stream at its end is not
    read again: a terminal would wait for one more Ctrl-D each time.
    """
    return not got or (len(got) < asked and isinstance(stream, _WHOLE_READS))


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


_CANDIDATE_RE = re.compile("←|View")  # how a line that starts or ends a story begins


def _boundary(text: str) -> tuple[bool, int, int, int] | None:
    """The first line of ``text`` that starts or ends a story, as split_stories tells them.

    Returns ``(is_nav, start, end, rest)``: whether it is a nav line (a story starts on it)
    rather than a footer (a story ends with it), where the line starts and ends, and where
    the text after the story that ends there starts. For a nav line that is ``start``; for a
    footer, the next line. A footer run into the next story's nav line (two dumps joined) is
    a footer that ends (``end``) at its URL, and ``rest`` is the nav line's ``←`` on the
    same line. Each line is looked at once at most: finding it costs one pass over the text.
    """
    from storykit.formats._text_lines import _FOOTER_RE, _NAV_RE, _glued_cut  # noqa: PLC0415

    pos = 0
    while True:
        found = _CANDIDATE_RE.search(text, pos)
        if found is None:
            return None
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.end())
        end = len(text) if end == -1 else end
        raw = text[start:end]
        line = raw.strip().lstrip("\ufeff")
        if line.startswith("←") and _NAV_RE.fullmatch(line):
            return True, start, end, start
        if line.startswith("View"):
            if _FOOTER_RE.fullmatch(line):
                return False, start, end, min(end + 1, len(text))
            cut = _glued_cut(line)
            if cut is not None:
                lead = start + len(raw.rstrip()) - len(line)  # where ``line`` starts in text
                return False, start, lead + cut[0], lead + cut[1]
        pos = end


def _ends_with_footer(piece: str) -> bool:
    """Whether a piece's last non-blank line is a footer: no line can be added to it.

    (Not a footer run into a nav line: split_stories has cut that in two.)
    """
    found = _boundary(piece.rstrip(_BLANK + "\n").rsplit("\n", 1)[-1])
    return found is not None and not found[0]


_NEXT_WORD_RE = re.compile(rb"[ \t][^\s]")


def _line_end(reader: io.BufferedIOBase, limit: int, *, endless: bool = False) -> bytes:
    """The rest of a line, or a stand-in for it when it is longer than a story may be.

    The stand-in is what was read of the line (``limit + 1`` bytes), then spaces that keep
    it longer than the limit in characters too, so that its story is refused; a line that
    goes on with another word gets one more (`` x``), so that it reads as a footer only
    when the whole line does. The rest of the line is read through, not kept; of a stream
    that may never end (``endless``: ``/dev/zero``), it is not read at all: the stand-in
    then always reads as going on (`` x``, no line break), so that its story is unfinished
    and over the limit, which stops the reading (:meth:`_DumpSplitter.too_long`).
    """
    more = reader.readline(limit + 1)
    if len(more) <= limit or more.endswith(b"\n"):
        return more
    if endless:
        return more + b" x" + b" " * (limit + 1)
    tail, words = more[-1:], False
    while True:
        rest = reader.readline(_BLOCK)
        words = words or _NEXT_WORD_RE.search(tail + rest) is not None
        tail = rest[-1:]
        if not rest or rest.endswith(b"\n"):
            break
    return more + (b" x" if words else b"") + b" " * (limit + 1) + (b"\n" if rest else b"")


class _DumpSplitter:
    """The state of :func:`_dump_pieces` between blocks: the unfinished story, if any."""

    def __init__(self, path: str, member: str | None, limit: int, endless: bool = False) -> None:
        self.path, self.member, self.limit = path, member, limit
        self.endless = endless  # a stream that may never end: stop at the first story too long
        self.stopped = False  # the rest of the stream is not to be read (see too_long)
        self.blank = 0  # bytes of blank lines read since the last story (or since the start)
        self.parts: list[str] = []  # an unfinished story going on past its block, by blocks
        self.size = 0  # characters in ``parts``
        self.newlines = 0  # line breaks in ``parts`` (or in the lines of a story skipped)
        self.base = 1  # the line on which ``parts`` (if any, else the next block) starts
        self.skipping = False  # the unfinished story is over the limit: its lines are dropped
        self.clean = True  # ``parts`` are valid UTF-8

    def finished(self, first: int, piece: str, clean: bool) -> Piece | Failure:
        origin = Origin(self.path, self.member, first)
        if len(piece) > self.limit:
            return read_error(origin, _story_too_long(self.limit), first)
        return Piece(origin, piece, "text") if clean else _decode_piece(piece, origin)

    def too_long(self) -> Iterator[Failure]:
        """Refuse the unfinished story once it is over the limit, and skip what is left.

        A stream that may never end (a device, a pipe: ``/dev/zero``, ``yes |``) is not
        read past it: the story's end may never come, and skipping to it would read for
        ever. (A regular file's end is known to come: it is read on, to the next story.)
        """
        if self.size <= self.limit:
            return
        message = _story_too_long(self.limit)
        if self.endless:
            message = f"{message}, {ENDLESS}"
            self.stopped = True
        yield read_error(Origin(self.path, self.member, self.base), message, self.base)
        # a story that ends with its footer line is handed out whole (and refused there),
        # so this one goes on: its lines are dropped up to the line that ends it
        self.skipping = True
        self.parts, self.size = [], 0

    def go_on(self, text: str, clean: bool, eof: bool) -> Iterator[Piece | Failure]:
        """Add a block to the unfinished story; stop there unless the story ends in it.

        Leaves the text after the story's end in :attr:`rest`, ``None`` if it goes on.
        """
        self.rest: str | None = None
        found = _boundary(text)  # only this block is searched: the story so far never again
        if found is None:
            self.newlines += text.count("\n")
            if not self.skipping:
                self.parts.append(text)
                self.size += len(text)
                self.clean = self.clean and clean
                if eof:
                    yield self.finished(self.base, "".join(self.parts), self.clean)
                else:
                    yield from self.too_long()
            return
        is_nav, start, end, rest = found
        if not self.skipping:
            piece = "".join(self.parts) + text[:start]
            piece = piece[:-1] if is_nav else piece + text[start:end]
            yield self.finished(self.base, piece, self.clean and clean)
        self.base += self.newlines + text.count("\n", 0, rest)
        self.parts, self.size, self.newlines, self.skipping = [], 0, 0, False
        self.rest = text[rest:]

    def split(self, text: str, clean: bool, eof: bool) -> Iterator[Piece | Failure]:
        """Split a block of whole lines that starts with no story unfinished."""
        from storykit.formats.text import split_stories  # noqa: PLC0415

        pieces = _split(text, split_stories)
        for first, piece in pieces if eof else pieces[:-1]:
            yield self.finished(self.base + first - 1, piece, clean)
        if eof:
            return
        if not pieces:  # only blank lines so far
            self.blank += len(text)
            if self.endless and self.blank > self.limit:  # ``yes '' |``: no story may come
                message = f"blank lines past the {size_text(self.limit)} limit "
                message += f"(max_member_size), {ENDLESS}"
                yield read_error(Origin(self.path, self.member, self.base), message, self.base)
                self.stopped = True
            self.base += text.count("\n")
            return
        self.blank = 0
        last_first, last = pieces[-1]
        if _ends_with_footer(last):  # a finished story: no need to wait for the next block
            yield self.finished(self.base + last_first - 1, last, clean)
            self.base += text.count("\n")
            return
        carry = last  # the block from the last story's first line (or its ``←``) on
        self.base += last_first - 1
        self.parts, self.size, self.newlines = [carry], len(carry), carry.count("\n")
        self.clean = clean or _SURROGATE_RE.search(carry) is None
        yield from self.too_long()


def _dump_pieces(
    reader: io.BufferedIOBase, path: str, member: str | None, limit: int, endless: bool = False
) -> Iterator[Piece | Failure]:
    """Split a stream of dumps into pieces, a block of lines at a time.

    The pieces are the same as :func:`storykit.formats.text.split_stories` gives for the
    whole text, in memory bounded by the block size and the size of one story, and in time
    linear in the input: a story that goes on past its block is kept as a list of blocks
    and each later block is searched only for the line that ends it (the story is never
    split or copied again until it is whole). A story longer than ``limit`` is reported and
    skipped, and reading goes on with the next one; in a stream that may never end
    (``endless``), reading stops there instead, and after more than ``limit`` bytes of
    blank lines: no more than ``limit`` and a block or two is read past the last story.
    """
    state = _DumpSplitter(path, member, limit, endless)
    while not state.stopped:
        data = reader.read(_BLOCK)
        eof = len(data) < _BLOCK
        if not eof and not data.endswith(b"\n"):
            # end a block at the end of a line, so UTF-8 is never cut and a line never
            # split in two
            data += _line_end(reader, limit, endless=endless)
        try:
            text, clean = data.decode("utf-8"), True
        except UnicodeDecodeError:
            text, clean = data.decode("utf-8", "surrogateescape"), False
        if state.parts or state.skipping:  # a story is unfinished
            yield from state.go_on(text, clean, eof)
            if state.rest is None:
                if eof:
                    return
                continue
            text = state.rest
        yield from state.split(text, clean, eof)
        if eof:
            return


_BLANK = " \t\r\ufeff"  # what split_stories strips to tell a blank line
_FOOTER_TEXT = "View original source"


def _split(
    text: str, split_stories: Callable[[str], Iterator[tuple[int, str]]]
) -> list[tuple[int, str]]:
    """``list(split_stories(text))``, without its line-by-line scan for one story.

    A text whose only ``←`` (if any) is on its first non-blank line, and whose only
    ``View original source`` (if any) is on its last non-blank line and after that ``←``,
    holds one story at most: no line in it can start another (nor, as a footer run into a
    nav line does, ``View original source →← Back to stories``, inside it). The piece then
    runs to the end of the text (blank lines after the footer included, which the reader
    ignores).
    """
    nav = text.find("←")
    footer = text.find(_FOOTER_TEXT)
    if text.find("←", nav + 1) != -1 or (
        footer != -1 and text.find(_FOOTER_TEXT, footer + 1) != -1
    ):
        return list(split_stories(text))
    if not text.strip(_BLANK + "\n"):  # only blank lines (``yes '' |``): at C speed
        return []
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
        if nav > footer:  # a ← after the footer: perhaps the next story's, on the same line
            return list(split_stories(text))
        after = text.find("\n", footer)
        if after != -1 and text[after:].strip(_BLANK + "\n"):  # text after the footer
            return list(split_stories(text))
    return [(line, text[start:])]


ENDLESS = "in a stream that may not end (a pipe, a device): the rest of it is not read"
"""Why a stream of unknown size is not read past a story (or a line) over the limit."""


def _story_too_long(limit: int) -> str:
    return f"a story longer than the {size_text(limit)} limit (max_member_size)"


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
                raw = reader.readline(_BLOCK)
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


def stream_pieces(
    stream: IO[Any], path: str, member: str | None, fmt: str, limit: int
) -> Iterator[Piece | Failure]:
    """The pieces of one file, member or stream.

    ``fmt`` is ``"jsonl"``, a format's name, or ``""`` to tell it from the first bytes.
    Text in UTF-16 or UTF-32 that starts with a byte order mark is read whole (at most
    ``limit`` bytes) and decoded by :func:`storykit._api.decode`. A stream that may never
    end (a pipe, a device: :func:`storykit._api.may_not_end`) is read no further than
    ``limit`` (and a block or two) past its last story.
    """
    if fmt in formats.FILE_FORMATS:
        origin = Origin(path, member)
        yield read_error(origin, f"a {fmt} file is read from a path, not from an archive or stream")
        return
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
        try:
            text = decode(data, Origin(path, member).where)
        except StoryParseError as exc:
            yield Failure(Origin(path, member, exc.line), exc)
            return
        yield from stream_pieces(io.BytesIO(text.encode("utf-8")), path, member, fmt, limit)
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
        reader = io.BufferedReader(RawReader(stream, head, ended=ended), buffer_size=_BLOCK)
    if fmt == "jsonl":
        yield from _jsonl_pieces(reader, path, member, limit, endless)
    elif fmt == "text":
        yield from _dump_pieces(reader, path, member, limit, endless)
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
) -> tuple[Story, list[Diagnostic]]:
    """Read the text of one story that starts on line ``first`` of ``where``.

    Lines in errors and diagnostics count from the start of the file (or member).

    Raises:
        StoryParseError: The text is not a story (names ``where`` and the line).
        MissingExtraError: The format needs an extra that is not installed: not the
            input's fault, so not a parse error (the batch commands stop on it).
    """
    if fmt == "text" and "\0" in text[:1024]:
        raise binary_error(text, where, first or 1)
    try:
        if fmt == "text":
            story, diagnostics = _text_reader().read(text, filename=where, splitter=splitter)
        else:
            story, diagnostics = read_story(text, fmt, filename=where), []
    except StoryParseError as exc:
        start = first or 1
        line = start + exc.line - 1 if exc.line is not None else first
        raise StoryParseError(exc.message, filename=where, line=line, path=exc.path) from None
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
