"""Splitting the text of dumps into stories: a stream a block of lines at a time.

:func:`_dump_pieces` reads a stream of dumps (one file, or many joined as ``cat`` joins
them) a block of lines at a time and hands out the raw text of each story, with the line it
starts on: the same pieces as :func:`storykit.formats.text.split_stories` gives for the whole
text, in memory bounded by the block size and one story, in time linear in the input. The
last story of a block is carried to the next; a story longer than ``max_member_size`` is
reported and skipped; bytes that are not UTF-8 are reported with the line they are on. A
line of text run into the next story's nav line at a block's end, which the lines after it
decide (``_glued_start``), is held back until the next blocks do (:class:`_Pending`); the
rules that find it and tell a story's end are :mod:`storykit.formats._text_stories`'s.
Each block is split by :func:`storykit._dump_split.split_dump`, as a whole small file is.

:mod:`storykit._pieces` decides how a file, member or stream is read (whole or streamed,
dump, JSON Lines or one document) and sends a streamed dump here; it imports this module,
never the other way round. ``_BLOCK`` is the one block size both read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from storykit._decoding import BINARY_HEAD, binary_what, decode
from storykit._dump_split import _BLANK, split_dump
from storykit._records import (
    Failure,
    Origin,
    Piece,
    byte_size,
    bytes_over,
    read_error,
    size_text,
)
from storykit.errors import StoryParseError

if TYPE_CHECKING:
    from storykit.formats._text_stories import _StoryStart

__all__ = ["ENDLESS"]

_BLOCK = 64 * 1024  # bytes of lines read at a time from a dump (under malloc's mmap size)
_SURROGATE_RE = re.compile("[\udc80-\udcff]")


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


def _boundary(text: str, final: bool = False) -> tuple[bool, int, int, int] | None:
    """The first line of ``text`` that starts or ends a story, as split_stories tells them.

    Returns ``(is_nav, start, end, rest)``: whether it is a nav line (a story starts on it)
    rather than a footer (a story ends with it), where the line starts and ends, and where
    the text after the story that ends there starts. For a nav line that is ``start``; for a
    footer, the next line. A footer run into the next story's nav line (two dumps joined) is
    a footer that ends (``end``) at its URL, and ``rest`` is the nav line's ``←`` on the
    same line; so is a line of text run into it, when it starts a story (``_glued_start``:
    the lines after it in ``text`` say). Each line is looked at a few times at most:
    finding it costs one pass over the text. ``final``: ``text`` ends where the input does;
    else a glued nav line that the lines after it in ``text`` leave undecided is not cut
    (the stream holds it back: :meth:`_DumpSplitter.hold`).
    """
    from storykit.formats._text_lines import _FOOTER_RE, _NAV_RE, _glued_cut  # noqa: PLC0415
    from storykit.formats._text_stories import _glued_start, _lines_after  # noqa: PLC0415

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
        if "←" in line:  # text run into the next story's nav line, perhaps
            glued = _glued_start(line, _lines_after(text, end + 1), final)
            if glued is not None and glued[2]:  # the text ends a story, as a footer does
                lead = start + len(raw.rstrip()) - len(line)
                return False, start, lead + glued[0], lead + glued[1]
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

    The stand-in is what was read of the line (``limit + 1`` bytes: its story is over the
    limit, and refused); a line that goes on with another word gets one more (`` x``), so
    that it reads as a footer only when the whole line does. The rest of the line is read
    through, not kept; of a stream that may never end (``endless``: ``/dev/zero``), it is
    not read at all: the stand-in then always reads as going on (`` x``, no line break), so
    that its story is unfinished and over the limit, which stops the reading
    (:meth:`_DumpSplitter.too_long`).
    """
    more = reader.readline(limit + 1)
    if len(more) <= limit or more.endswith(b"\n"):
        return more
    if endless:
        return more + b" x"
    tail, words = more[-1:], False
    while True:
        rest = reader.readline(_BLOCK)
        words = words or _NEXT_WORD_RE.search(tail + rest) is not None
        tail = rest[-1:]
        if not rest or rest.endswith(b"\n"):
            break
    return more + (b" x" if words else b"") + (b"\n" if rest else b"")


class _Pending:
    """A glued nav line that the lines still to come decide, and its story so far.

    If it starts a story, the story's text is ``parts`` (from its ``←`` on, by blocks:
    ``dropped`` once over the limit, when only their size in bytes and their first KiB, for
    the refusal, are kept); if not, ``gap`` (what stood between the text and the ``←``)
    and ``parts`` go on the story it is in.
    """

    __slots__ = ("clean", "dropped", "gap", "line", "lines", "newlines", "parts", "size")

    def __init__(self, lines: _StoryStart, line: int, gap: str, tail: str, limit: int) -> None:
        self.lines, self.line, self.gap = lines, line, gap
        self.parts: list[str] = []
        self.size = self.newlines = 0
        self.clean, self.dropped = True, False
        self.add(tail, _SURROGATE_RE.search(tail) is None, limit)

    def add(self, text: str, clean: bool, limit: int) -> None:
        self.newlines += text.count("\n")
        self.size += byte_size(text)
        self.clean = self.clean and clean
        if self.dropped:
            return
        self.parts.append(text)
        if _over(self.size, text, limit):  # whichever story it is in is too long
            self.dropped, self.parts = True, [_head(self.parts)]


class _DumpSplitter:
    """The state of :func:`_dump_pieces` between blocks: the unfinished story, if any."""

    def __init__(self, path: str, member: str | None, limit: int, endless: bool = False) -> None:
        self.path, self.member, self.limit = path, member, limit
        self.endless = endless  # a stream that may never end: stop at the first story too long
        self.stopped = False  # the rest of the stream is not to be read (see too_long)
        self.blank = 0  # bytes of blank lines read since the last story (or since the start)
        self.parts: list[str] = []  # an unfinished story going on past its block, by blocks
        self.size = 0  # bytes ``parts`` were read from (as the limit counts them)
        self.newlines = 0  # line breaks in ``parts`` (or in the lines of a story skipped)
        self.base = 1  # the line on which ``parts`` (if any, else the next block) starts
        self.skipping = False  # the unfinished story is over the limit: its lines are dropped
        self.clean = True  # ``parts`` are valid UTF-8
        self.pending: _Pending | None = None  # the unfinished story ends with a glued nav line

    def finished(self, first: int, piece: str, clean: bool) -> Piece | Failure:
        origin = Origin(self.path, self.member, first)
        if bytes_over(piece, self.limit):
            return read_error(origin, self.refusal([piece]), first)
        return Piece(origin, piece, "text") if clean else _decode_piece(piece, origin)

    def refusal(self, parts: list[str]) -> str:
        """Why a story too long is refused: binary data if its first KiB holds NUL.

        As a story within the limit is (:func:`storykit._pieces.parse_text`): a binary file
        (a library named ``.txt``, ``/dev/urandom``) was "a story longer than the 16 MiB
        limit", which sends the user to raise the limit.
        """
        head = _head(parts)
        if "\0" in head:
            return binary_what(head)
        return _story_too_long(self.limit)

    def refused(self, parts: list[str], line: int) -> Failure:
        """The failure for a story over the limit; in a stream that may never end, the last.

        ``parts``: the story's (its first KiB at least); ``line``: where it starts. A
        stream that may never end (a device, a pipe: ``/dev/zero``, ``yes |``) is not read
        past it: the story's end may never come, and skipping to it would read for ever.
        (A regular file's end is known to come: it is read on, to the next story.)
        """
        message = self.refusal(parts)
        if self.endless:
            message = f"{message}, {ENDLESS}"
            self.stopped = True
        return read_error(Origin(self.path, self.member, line), message, line)

    def too_long(self, over: bool = False) -> Iterator[Failure]:
        """Refuse the unfinished story once it is over the limit, and skip what is left.

        ``over``: it is (its text was dropped, all but its first KiB, when it was held
        back after a glued nav line).
        """
        if not over and not _over(self.size, self.parts[-1] if self.parts else "", self.limit):
            return
        yield self.refused(self.parts, self.base)
        # a story that ends with its footer line is handed out whole (and refused there),
        # so this one goes on: its lines are dropped up to the line that ends it
        self.skipping = True
        self.parts, self.size = [], 0

    def go_on(self, text: str, clean: bool, eof: bool) -> Iterator[Piece | Failure]:
        """Add a block to the unfinished story; stop there unless the story ends in it.

        Leaves the text after the story's end in :attr:`rest`, ``None`` if it goes on.
        """
        self.rest: str | None = None
        found = _boundary(text, eof)  # only this block is searched: the story so far never
        if found is None:
            self.newlines += text.count("\n")
            if not self.skipping:
                self.parts.append(text)
                self.size += byte_size(text)
                self.clean = self.clean and clean
                if eof:
                    yield self.finished(self.base, "".join(self.parts), self.clean)
                    return
            if not eof:
                self.hold(text)
            if not self.skipping:
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
        pieces = split_dump(text, eof)[0]
        for first, piece in pieces if eof else pieces[:-1]:
            yield self.finished(self.base + first - 1, piece, clean)
        if eof:
            return
        if not pieces:  # only blank lines so far
            self.blank += byte_size(text)
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
        self.parts, self.size, self.newlines = [carry], byte_size(carry), carry.count("\n")
        self.clean = clean or _SURROGATE_RE.search(carry) is None
        self.hold(carry)
        yield from self.too_long()

    def hold(self, text: str) -> None:
        """Hold a glued nav line at the end of ``text`` back, if the next blocks decide it.

        ``text``: the block just added to the unfinished story (its last part, unless the
        story is skipped). The story is cut there for now: the text from the ``←`` on waits
        in :attr:`pending` for :meth:`resolve`.
        """
        from storykit.formats._text_stories import _undecided  # noqa: PLC0415

        found = _undecided(text)
        if found is None:
            return
        end, start, lines = found
        after = text.count("\n", end)  # line breaks from the cut on
        line = self.base + self.newlines - after
        self.pending = _Pending(lines, line, text[end:start], text[start:], self.limit)
        self.newlines -= after
        if not self.skipping:
            self.parts[-1] = text[:end]
            self.size -= byte_size(text[end:])

    def resolve(self, text: str, clean: bool, eof: bool) -> Iterator[Piece | Failure]:
        """Decide the glued nav line held back (:meth:`hold`) with the lines of a new block.

        It starts a story: the story it is in ends there, the story it starts is the
        unfinished one. It does not (or the input ends first): what was held back goes back
        on the story it is in. Undecided still at the block's end: the block is held back
        too (a story over the limit either way, in a stream that may not end, stops it).
        """
        from storykit.formats._text_stories import _lines_after  # noqa: PLC0415

        pending = self.pending
        assert pending is not None  # (the caller looked)
        decided = pending.lines.read(_lines_after(text, 0))
        if decided is None and eof:
            decided = pending.lines.at_end()
        if decided is None:
            pending.add(text, clean, self.limit)
            if pending.dropped and self.endless:  # the story from the ``←`` on, at least
                yield self.refused(pending.parts, pending.line)
            return
        self.pending = None
        if decided:
            if not self.skipping:
                yield self.finished(self.base, "".join(self.parts), self.clean)
            self.base, self.skipping = pending.line, False
            self.parts, self.size = pending.parts, pending.size
            self.newlines, self.clean = pending.newlines, pending.clean
        else:
            self.newlines += pending.newlines
            if not self.skipping:
                self.parts += [pending.gap, *pending.parts]
                self.size += byte_size(pending.gap) + pending.size
                self.clean = self.clean and pending.clean
        yield from self.too_long(over=pending.dropped and not self.skipping)


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
    from storykit.formats._text_stories import _needs_a_line  # noqa: PLC0415

    state = _DumpSplitter(path, member, limit, endless)
    while not state.stopped:
        data = reader.read(_BLOCK)
        eof = len(data) < _BLOCK
        if not eof and not data.endswith(b"\n"):
            # end a block at the end of a line, so UTF-8 is never cut and a line never
            # split in two
            data += _line_end(reader, limit, endless=endless)
        text, clean = _decoded(data)
        held = state.pending.lines if state.pending is not None else None
        if not eof and _needs_a_line(text, held):  # a title at the block's end: is it one?
            data = _line_end(reader, limit, endless=endless)
            eof = not data
            more, more_clean = _decoded(data)
            text, clean = text + more, clean and more_clean
        if state.pending is not None:  # a glued nav line waits for these lines
            yield from state.resolve(text, clean, eof)
            if state.pending is not None:  # and for more
                continue
            if state.stopped:
                return
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


def _decoded(data: bytes) -> tuple[str, bool]:
    """``data`` decoded, and whether it is valid UTF-8 (else its bad bytes are surrogates)."""
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), False


ENDLESS = "in a stream that may not end (a pipe, a device): the rest of it is not read"
"""Why a stream of unknown size is not read past a story (or a line) over the limit."""


def _head(parts: list[str]) -> str:
    """The first KiB (:data:`BINARY_HEAD` characters) of a story's ``parts``."""
    head = ""
    for part in parts:
        head += part[: BINARY_HEAD - len(head)]
        if len(head) >= BINARY_HEAD:
            break
    return head


def _over(size: int, last: str, limit: int) -> bool:
    """Whether a story not yet ended, ``size`` bytes so far, is over the limit already.

    ``last``: its last part. Its last line break is not counted: if a nav line comes next,
    the story ends before it (as ``split_stories`` cuts it), and a story of as many bytes
    as the limit is read.
    """
    return size - last.endswith("\n") > limit


def _story_too_long(limit: int) -> str:
    return f"a story longer than the {size_text(limit)} limit (max_member_size)"
