"""Files the walk opened to read ahead, kept open for their reading: one open a file, not two.

A folder's walk asks the kernel to read the next files before they are reached
(:func:`storykit._sources._read_ahead`), which takes opening each one; the reading then opened
it again. With ``convert --jobs 1`` both are in one process, the reading a chunk behind the
walk: the walk keeps each file it opened here (:meth:`Held.keep`) and the reading takes it
(:meth:`Held.take`, in :func:`storykit._pieces.open_file`): an ``open`` and a ``close`` less
per file, about 3 µs of the command's 100 on a small dump.

What keeps this from changing what is read, or leaving a descriptor open:

- Only a regular file that is no link (by its folder entry, or ``lstat`` for a file named
  on its own) is kept: a link may be pointed elsewhere before the reading.
- The reading takes a kept file only while it is a regular file that still has a name
  (``fstat``, which it makes anyway: ``st_nlink``); a file replaced meanwhile (renamed over,
  or deleted and made again) is opened again by its path, and read as it is then.
- At most :data:`MOST` are kept, the oldest closed first: a file kept and never read (left
  out as the output, say) is closed so.
- :meth:`Held.close` closes every one and keeps no more: the engine calls it when the run
  ends, however it ends (a failure, Ctrl-C, a full disk), and before it forks workers, which
  open their files themselves.
"""

from __future__ import annotations

import contextlib
import os
import stat

__all__ = ["MOST", "Held"]

_AHEAD_BYTES = 1 << 20  # of each file (a larger one is streamed: the kernel reads ahead then)
_O_AHEAD = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_WILLNEED: int | None = getattr(os, "POSIX_FADV_WILLNEED", None)

MOST = 384
"""Files kept at most: the walk's window (twice ``_AHEAD``, 128) and two chunks of 64 that
the engine takes before it starts, with room to spare; under 1,024, the usual limit of open
files a process (a lower limit keeps a quarter of it)."""


def _most() -> int:
    try:
        import resource  # noqa: PLC0415 - POSIX only

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return MOST
    return MOST if soft == resource.RLIM_INFINITY else min(MOST, soft // 4)


class Held:
    """Open files by path, each kept until it is taken or closed (see the module)."""

    __slots__ = ("fds", "most")

    def __init__(self) -> None:
        self.fds: dict[str, int] = {}
        self.most = _most()
        """How many are kept at most; 0 once closed."""

    def keep(self, path: str, fd: int) -> None:
        """Keep ``fd``, open on ``path``, unless closed or ``path`` is kept already.

        The caller closes ``fd`` if it is not kept (``fds.get(path) != fd``): whatever stops
        this (Ctrl-C), the file is then closed once, by one of them.
        """
        fds = self.fds
        if not self.most or path in fds:
            return
        fds[path] = fd
        if len(fds) > self.most:
            _close(fds.pop(next(iter(fds))))

    def take(self, path: str) -> int:
        """The descriptor kept for ``path``, now the caller's to close; -1 if none is."""
        return self.fds.pop(path, -1)

    def close(self) -> None:
        """Close every descriptor kept, and keep none from now on."""
        self.most = 0
        fds = self.fds
        while fds:
            _close(fds.popitem()[1])


def _close(fd: int) -> None:
    """Close a file only read from: nothing is lost if that fails (the next are closed)."""
    with contextlib.suppress(OSError):
        os.close(fd)


# --------------------------------------------------------------------------- asking ahead


_PLAIN, _LINKED = 1, 2  # a regular file, and a link to one (or one not looked at as a link)


def _regular(path: str | os.PathLike[str], *, keep: bool = False) -> int:
    """``_PLAIN`` or ``_LINKED`` for a regular file (or a link to one), else 0.

    ``keep``: tell a regular file (``os.lstat``) from a link to one, which is followed
    (``os.stat``); else every regular file is ``_LINKED``. 0 if it cannot tell.
    """
    try:
        if keep:
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                return _PLAIN
            if not stat.S_ISLNK(mode):
                return 0
        return _LINKED if stat.S_ISREG(os.stat(path).st_mode) else 0
    except (OSError, TypeError, ValueError):
        return 0


def _advise(path: str | os.PathLike[str], held: Held | None = None) -> None:
    """Ask the kernel to read the first ``_AHEAD_BYTES`` of the regular file ``path`` now.

    Opened without waiting (``O_NONBLOCK``) and closed at once, or kept in ``held`` for the
    reading (a string path); anything that fails is left for the reading to report.
    """
    try:
        fd = os.open(path, _O_AHEAD)
    except (OSError, TypeError, ValueError):
        return
    try:
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, _AHEAD_BYTES, _WILLNEED or 0)
        if held is not None and isinstance(path, str):
            held.keep(path, fd)
    finally:  # (also on Ctrl-C) closed, unless ``held`` has it
        if held is None or not isinstance(path, str) or held.fds.get(path) != fd:
            os.close(fd)
