"""Reading any readable as bytes: what every road that splits a stream into stories reads.

A file object may be binary or text, buffered or raw, blocking or not, and a stream may end
(or seem to) in ways a plain ``read`` does not say. :class:`RawReader` turns any readable
(after bytes already read from it) into a binary stream; :func:`waiting` makes a stream on a
non-blocking descriptor wait for data; :func:`at_end` says when a read means the stream's
end, :func:`may_not_end` whether it may never come; :func:`binary_read` reads at most ``n``
bytes of any open file. :mod:`storykit._pieces` (splitting a stream into stories),
:mod:`storykit._walk` and :mod:`storykit._api` (``load`` of a pipe) read through these.
"""

from __future__ import annotations

import io
import os
import select
import stat
from typing import IO, Any

__all__ = ["RawReader", "at_end", "binary_read", "may_not_end", "waiting"]


def may_not_end(stream: IO[Any]) -> bool:
    """Whether ``stream`` may never end: it is no regular file, nor bytes or text in memory.

    A pipe, a device (``/dev/zero``), a socket, standard input from one of these, or a file
    object of another kind (a decompressing one may expand for ever) may; a regular file
    (standard input redirected from one included), a :class:`io.BytesIO` or a
    :class:`io.StringIO` will end.
    """
    if isinstance(stream, (io.BytesIO, io.StringIO)):
        return False
    raw: Any = stream
    if isinstance(raw, io.TextIOWrapper):
        raw = raw.buffer
    if isinstance(raw, (io.BufferedReader, io.BufferedRandom)):
        raw = raw.raw
    if not isinstance(raw, io.FileIO):
        return True
    try:
        return not stat.S_ISREG(os.fstat(raw.fileno()).st_mode)
    except (OSError, ValueError):  # closed, or a descriptor that cannot be looked at
        return True


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


class _Waiting(io.RawIOBase):
    """A stream on a non-blocking descriptor, read as a blocking one: a read waits for data.

    A read of a pipe or socket in non-blocking mode (``O_NONBLOCK``, which whatever shares
    the descriptor may have set) gives ``None`` (a binary stream) or ``""`` (a text stream,
    as if at its end) when no data has come yet: a ``TypeError`` in every reader, or a
    story cut short. The mode is the descriptor's, shared with other processes: left as is.
    """

    def __init__(self, stream: IO[bytes], fd: int) -> None:
        super().__init__()
        self._stream, self._fd = stream, fd

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while (data := self._stream.read(len(view))) is None:
            select.select([self._fd], [], [])
        view[: len(data)] = data
        return len(data)


def waiting(stream: IO[Any]) -> IO[Any]:
    """``stream``, or a stream that waits for data if it reads a non-blocking descriptor.

    A text stream's bytes are read then (:func:`storykit._pieces.stream_pieces` decodes them
    as it does any).
    """
    try:
        fd = stream.fileno()
        if os.get_blocking(fd) or stat.S_ISREG(os.fstat(fd).st_mode):
            return stream  # (a regular file never makes a read wait)
    except (AttributeError, OSError, ValueError):  # no descriptor, or a closed one
        return stream
    binary = stream.buffer if isinstance(stream, io.TextIOWrapper) else stream
    return io.BufferedReader(_Waiting(binary, fd))


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
