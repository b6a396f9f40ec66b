"""Temporary files: their names, their locks, and the sweep of those a killed run left.

Every output file is written under a temporary name in its target folder
(:mod:`storykit._writing`); a process killed with ``kill -9`` leaves that file behind, and
the next run removes it only when everything shows it was left (:func:`remove_stale`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import stat
import time
from collections.abc import Collection, Iterator

__all__ = ["TEMP_NAME", "lock", "remove_stale", "temp_name"]

_TEMP_PREFIX = ".storykit-"
_TEMP_SUFFIX = ".tmp"
_names: tuple[int, str, Iterator[int]] | None = None  # per process: pid, token, counter


def temp_name(folder: str) -> str:
    """A fresh name for a temporary file in ``folder``: ``.storykit-PID-TOKEN-N.tmp``.

    Cheaper than :func:`tempfile.mkstemp` (which draws eight random letters, looks up the
    process id and the working folder each time): the process id and a random token per
    process (a forked worker draws its own) and a counter. The file is made with
    ``O_EXCL``, so a clash (a file left by another program) only costs another name. The
    process id tells a file left by a process that was killed (:func:`remove_stale`).
    """
    global _names  # noqa: PLW0603 - one token and counter per process
    pid = os.getpid()
    if _names is None or _names[0] != pid:
        _names = (pid, f"{pid}-{os.urandom(4).hex()}", itertools.count())  # (not secrets: +3 MiB)
    return os.path.join(folder, f"{_TEMP_PREFIX}{_names[1]}-{next(_names[2])}{_TEMP_SUFFIX}")


try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _flock = None
    _LOCK_FLAGS = 0
else:
    _flock = _fcntl.flock
    _LOCK_FLAGS = _fcntl.LOCK_EX | _fcntl.LOCK_NB


TEMP_NAME = re.compile(r"\.storykit-([1-9][0-9]{0,9})-[0-9a-f]{8}-[0-9]+\.tmp")
"""The name of a temporary file :func:`temp_name` gives, with its process id."""
_STALE_AGE = 10.0
"""Seconds since a temporary file was last written before it can be taken for left over."""


def remove_stale(folder: str, dead: Collection[int] = ()) -> list[str]:
    """Remove the temporary files a killed ``storykit`` left in ``folder``; say which.

    ``kill -9`` (or a machine that stops) leaves the file being written under its temporary
    name. One is removed only when all of these show it was left: its name is one that
    :func:`temp_name` gives (``.storykit-PID-TOKEN-N.tmp``, and no other file); no process
    with that id runs; it is a regular file of this user's that no process holds locked
    (each writer locks its own, which covers a writer in another container or on another
    machine, where the id means nothing); and it was not written in the last 10 seconds.
    Anything else, and any doubt, leaves it. POSIX only: elsewhere nothing is removed.

    ``dead``: ids of this run's worker processes seen dead (``kill -9`` in the middle of a
    file): their files are removed however lately they were written, once no process has
    that id (the others' file under the same id would be locked while written).
    """
    if os.name != "posix":
        return []
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.name.startswith(_TEMP_PREFIX)]
    except OSError:
        return []
    removed = []
    for name in names:
        match = TEMP_NAME.fullmatch(name)
        if match is None or _running(pid := int(match[1])):
            continue
        path = os.path.join(folder, name)
        if _left(path, lately=pid in dead):
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    """Whether a process ``pid`` runs (or may: any doubt says yes)."""
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent (POSIX only: it ends a process on Windows)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True


def _left(path: str, *, lately: bool = False) -> bool:
    """Remove ``path`` if it is a regular file of ours, unlocked and not written lately.

    ``lately``: even if it was written lately (its writer is known to be dead).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if (
            _flock is None
            or not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or (not lately and time.time() - info.st_mtime < _STALE_AGE)
        ):
            return False
        _flock(fd, _LOCK_FLAGS)  # an OSError if a writer holds it: it is being written
        os.unlink(path)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def lock(fd: int) -> None:
    """Lock a new temporary file for as long as it is open: it is being written.

    :func:`remove_stale` leaves a locked file alone. Where locks cannot be had (Windows, a
    file system without them), nothing is locked.
    """
    if _flock is None:
        return
    with contextlib.suppress(OSError):
        _flock(fd, _LOCK_FLAGS)
