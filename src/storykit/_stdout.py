"""Writing to standard output: all of it, or an error that names it.

A write to standard output can fail as a file's can (``> /dev/full``, a full disk, a file
size limit, ``| head`` closing the pipe): :func:`write_stdout` writes all the bytes or raises
(``sys.stdout.write`` drops what a partial write left), and every ``OSError`` raised inside
:func:`naming_stdout` names standard output as its file, so that the command's error says
which output failed. Files are :mod:`storykit._writing`'s.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

__all__ = ["STDOUT", "naming_stdout", "print_stdout", "write_stdout", "write_text_stdout"]


STDOUT = "standard output"
"""How an error writing to standard output names it (as a file's name names the file)."""


@contextlib.contextmanager
def naming_stdout() -> Iterator[None]:
    """Have an ``OSError`` raised inside name standard output as its file.

    ``storykit convert: error: standard output: No space left on device`` (``> /dev/full``,
    a full disk) says which output failed, where the system's message alone does not.
    """
    try:
        yield
    except OSError as exc:
        if exc.filename is None and STDOUT not in str(exc.strerror):
            exc.filename = STDOUT
        raise


def print_stdout(text: str) -> None:
    """``sys.stdout.write(text)``; an error names standard output (:func:`naming_stdout`)."""
    with naming_stdout():
        sys.stdout.write(text)


def write_stdout(data: bytes | memoryview) -> None:
    """Write encoded output to standard output (its binary buffer when it has one).

    All of it, or an ``OSError``: a write into a full disk or past a file size limit
    (``> file``) or into a pipe being closed (``| head``) can write part of the bytes and
    return the count, which :class:`io.BufferedWriter` passes on, and ``sys.stdout.write``
    drops: the rest was lost without a word.
    """
    buffer = getattr(sys.stdout, "buffer", None)
    with naming_stdout():
        if buffer is None:
            sys.stdout.write(bytes(data).decode("utf-8"))
            return
        sys.stdout.flush()
        view = memoryview(data)
        while view:
            written = buffer.write(view)
            view = view[written or 0 :]  # the next write says why the rest did not go
        buffer.flush()


def write_text_stdout(text: str) -> None:
    """Write text to standard output, all of it or an ``OSError`` (see :func:`write_stdout`).

    For text that may be larger than the stream's buffer (a report, a story shown): what fits
    in the buffer is written whole by ``sys.stdout.write``.
    """
    if getattr(sys.stdout, "buffer", None) is None:
        print_stdout(text)
        return
    write_stdout(text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
