"""Asking the kernel for the files a walk will read next, before it reaches them.

A folder's walk (:func:`storykit._sources._walk`) and a list of files named one by one
(:func:`read_ahead`) tell the kernel of the next regular files together
(``posix_fadvise(WILLNEED)``), so that an archive on disk is read at once rather than a file
at a time, while the first files are being converted; but not when the files are in the
page cache already, where asking costs and gains nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from typing import Any

AHEAD = 64  # files a folder's walk asks the kernel to read, at a time, before it reaches them
_AHEAD_BYTES = 1 << 20  # of each file (a larger one is streamed: the kernel reads ahead then)
_O_AHEAD = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_WILLNEED: int | None = getattr(os, "POSIX_FADV_WILLNEED", None)
_NOWAIT: int | None = getattr(os, "RWF_NOWAIT", None)  # (Linux: a read that does not wait)


def read_folder_ahead(
    top: str, names: list[str], start: int, folders: set[str], odd: set[str]
) -> int:
    """Ask the kernel to read the next regular files of a folder now; where that stops.

    Read one after another, files that are not in the page cache (an archive not read since
    the machine started) each wait for the disk in turn; told of the next ones together
    (``posix_fadvise(WILLNEED)``), the kernel reads them at once, while the first are being
    converted. 20,000 small dumps read from a cold cache took 1.9 s one after another and
    0.25 s so. Asking costs a cached file an ``open``, a ``posix_fadvise`` and a ``close``
    (about 3 µs): a window whose last, first and middle files are in the cache already
    (:func:`_cached`) is not asked for.

    Only files whose folder entry says they are regular are asked for (:func:`_advise`).
    The files from ``names[start]`` on are, up to the next folder or ``AHEAD`` files.
    """
    stop = min(len(names), start + AHEAD)
    if _WILLNEED is None:
        return stop
    window: list[str] = []  # the regular files' names (joined to ``top`` only when asked for)
    for k in range(start, stop):
        name = names[k]
        if name in folders:
            stop = k + 1
            break
        if name not in odd:
            window.append(name)
    if window and not all(_cached(os.path.join(top, window[i])) for i in _looks(len(window))):
        for name in window:
            _advise(os.path.join(top, name))
    return stop


def read_ahead(items: list[Any] | tuple[Any, ...]) -> Iterator[Any]:
    """Each of ``items`` (sources named one by one, a pattern's matches), in order.

    (``storykit convert a.txt b.txt …`` walks its inputs through this too.)

    As :func:`storykit._sources._walk` does for a folder's files, the regular files among the next
    ``AHEAD`` to ``2 * AHEAD`` items are asked for before they are reached, unless the
    last, first and middle of them are in the cache already; here each path is looked at
    first, once (``os.stat``: nothing but a regular file is opened, and a path named on its
    own may be a named pipe or a device). Other items pass untouched.
    """
    ahead = 0  # items[:ahead] have been asked for
    for k, item in enumerate(items):
        if k + AHEAD > ahead and _WILLNEED is not None:  # as _sources._walk keeps its window
            start, ahead = max(k, ahead), min(len(items), max(k, ahead) + AHEAD)
            paths = [p for p in items[start:ahead] if isinstance(p, (str, os.PathLike))]
            regular: dict[int, bool] = {}  # of the paths looked at already (each once)
            if paths and not all(_cached_regular(paths, i, regular) for i in _looks(len(paths))):
                for i, path in enumerate(paths):
                    if regular[i] if i in regular else _is_regular(path):
                        _advise(path)
        yield item


def _looks(n: int) -> Iterable[int]:
    """Which of a window's ``n`` files are looked at (:func:`_cached`), each once.

    The last, the first and the middle one: with half an archive in the cache, at random,
    a window is left alone one time in eight rather than one in four.
    """
    return dict.fromkeys((n - 1, 0, n // 2))


def _cached_regular(paths: list[Any], i: int, regular: dict[int, bool]) -> bool:
    """Whether ``paths[i]`` is a regular file whose start is in the page cache (:func:`_cached`).

    Whether it is a regular file is kept in ``regular``, for the window's asking.
    """
    regular[i] = _is_regular(paths[i])
    return regular[i] and _cached(paths[i])


def _is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file (or a link to one); ``False`` if it cannot tell."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, TypeError, ValueError):
        return False


def _advise(path: str | os.PathLike[str]) -> None:
    """Ask the kernel to read the first ``_AHEAD_BYTES`` of the regular file ``path`` now.

    Opened without waiting (``O_NONBLOCK``) and closed at once; anything that fails is left
    for the reading to report.
    """
    try:
        fd = os.open(path, _O_AHEAD)
    except (OSError, TypeError, ValueError):
        return
    try:
        os.posix_fadvise(fd, 0, _AHEAD_BYTES, _WILLNEED or 0)
    except OSError:
        pass
    finally:
        os.close(fd)


def _cached(path: str | os.PathLike[str]) -> bool:
    """Whether the regular file ``path`` starts with a page the kernel holds in its cache.

    Asked by reading one byte with ``RWF_NOWAIT``, which fails at once (``EAGAIN``) rather
    than wait for the disk. ``False`` when it cannot tell (no ``preadv`` or ``RWF_NOWAIT``
    here, a file system that does not support it, a file that cannot be opened, or one that
    is no longer a regular file: replaced by a named pipe or a link to a device since the
    folder was listed, it is not read from): the file is then asked for, as it was before
    this look. An empty file holds nothing to wait for.
    """
    if _NOWAIT is None:
        return False
    try:
        fd = os.open(path, _O_AHEAD)
    except (OSError, TypeError, ValueError):
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        os.preadv(fd, [bytearray(1)], 0, _NOWAIT)
    except OSError:  # BlockingIOError: not in the cache; anything else: cannot tell
        return False
    finally:
        os.close(fd)
    return True
