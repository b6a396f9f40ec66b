"""Writing the command's output files: atomically, through a temporary file.

Every file is written to a temporary name in its target folder and renamed into place when
complete; without ``--force`` the rename never replaces an existing file (a hard link is
the atomic "create if absent"). What the files are named is :mod:`storykit._naming`'s; the
temporary names, and the sweep of files a killed run left, :mod:`storykit._temps`'s;
writing to standard output, :mod:`storykit._stdout`'s.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from typing import IO

from storykit._refusals import missing_folder, socket_given
from storykit._temps import TEMP_NAME as _TEMP_NAME
from storykit._temps import lock, remove_stale, temp_name

__all__ = [
    "AtomicFile",
    "NotRegularError",
    "is_special",
    "look",
    "make_folder",
    "remove_empty",
    "remove_stale",
    "signals_held",
    "write_atomic",
]

# --------------------------------------------------------------------------- writing files


_BUFFER = 64 * 1024  # given, so that opening the temporary file asks no isatty
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_OPEN_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0)


def make_folder(folder: str) -> list[str]:
    """``os.makedirs(folder, exist_ok=True)``, where a file in the way is said to be one.

    ``makedirs`` says "File exists" when a part of the path is a file (``-o afile/x.json``),
    which reads as if the output were there already.

    Returns:
        The folders it made, innermost first: for :func:`remove_empty` to take away again
        when nothing was written into them.

    Raises:
        NotADirectoryError: A part of ``folder`` is a file (named in ``filename``).
        OSError: The folder cannot be made.
    """
    missing: list[str] = []
    path = folder
    while path and not os.path.lexists(path):
        head, tail = os.path.split(path)
        if tail not in ("", os.curdir, os.pardir):
            missing.append(path)
        if head == path:  # pragma: no cover - a root that is not there
            break
        path = head
    try:
        _make_each(folder, missing)
    except (FileExistsError, NotADirectoryError) as exc:  # (a file, or a file above it)
        message = "not a folder (a file is in the way)"
        in_the_way = _file_in_the_way(folder) or exc.filename
        raise NotADirectoryError(errno.ENOTDIR, message, in_the_way) from None
    except BaseException:  # the parts made before a later one failed (File name too long)
        remove_empty([path for path in missing if os.path.isdir(path)])  # (not the rest)
        raise
    return missing


def _make_each(folder: str, missing: list[str]) -> None:
    """``os.makedirs(folder, exist_ok=True)``, given its ``missing`` folders (innermost first).

    One ``mkdir`` after another: ``os.makedirs`` calls itself once a folder, and an output
    folder 1,000 deep (mirroring such an input) was a ``RecursionError``.

    Raises:
        FileExistsError: ``folder``, or a part of it, is a file.
        NotADirectoryError: A part of ``folder`` above a missing one is a file.
    """
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # (made since: another process, a link)
            os.mkdir(path)
    if not os.path.isdir(folder):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), folder)


def _file_in_the_way(folder: str) -> str | None:
    """The first part of the path ``folder`` that exists and is not a folder, if one is."""
    import pathlib  # noqa: PLC0415 - for this error only: slow to import (urllib.parse…)

    path = pathlib.PurePath(folder)
    for part in [*reversed(path.parents), path]:  # from the top down
        if os.path.exists(part) and not os.path.isdir(part):
            return str(part)
    return None


def remove_empty(made: Iterable[str]) -> None:
    """Remove folders :func:`make_folder` made (innermost first), while they are empty.

    A folder something was written into (or another process is writing into) stays, and so
    do the ones around it.
    """
    for folder in made:
        try:
            os.rmdir(folder)
        except OSError:
            return


def _make_temp(folder: str, *, make: bool = True) -> tuple[int, str, list[str]]:
    """Create and open a new temporary file in ``folder`` (made if missing, with ``make``).

    The file gets the mode a new file gets (``0o666`` less the umask), as the output would
    with :func:`open`; the folder is made only when the first try says it is missing (one
    system call per file saved, instead of a ``mkdir`` each time).

    Returns:
        The file's descriptor and name, and the folders made for it (innermost first).

    Raises:
        FileNotFoundError: ``folder`` is missing and ``make`` is false (the message says so).
        OSError: The folder cannot be made or written.
    """
    made: list[str] | None = None
    for _ in range(100):
        name = temp_name(folder)
        try:
            fd = os.open(name, _OPEN_FLAGS, 0o666)
        except FileExistsError:
            continue
        except (FileNotFoundError, NotADirectoryError) as exc:
            if not make:  # as open(): a library call makes no folder
                if isinstance(exc, FileNotFoundError):
                    raise missing_folder(folder, name) from None
                raise
            if made is not None:
                remove_empty(made)
                raise
            made = make_folder(folder)  # raises what it raised before, if it fails
        except BaseException:
            remove_empty(made or [])
            raise
        else:
            lock(fd)  # being written: remove_stale leaves it
            return fd, name, made or []
    raise FileExistsError(errno.EEXIST, "no free temporary name", folder)  # pragma: no cover


def is_special(dest: str) -> bool:
    """Whether ``dest`` is written into rather than replaced.

    True when it exists and is not a regular file (a device, a FIFO, a socket, a folder), or
    is a link under ``/dev`` or ``/proc`` (``/dev/stdout``, ``/dev/fd/1``,
    ``/proc/self/fd/1``). :func:`look` says it with what it found.
    """
    return look(dest)[1]


def look(dest: str) -> tuple[os.stat_result | None, bool]:
    """What is at ``dest``, looked at once: its ``stat``, and whether it is written into.

    The ``stat`` is what :func:`os.stat` finds (None: nothing, or nothing that can be looked
    at); written into is :func:`is_special`'s answer. For a caller that asks more than one
    of these (``convert``: is ``-o`` a folder, a device, the file standard output is): one
    ``stat``, not one for each question.
    """
    try:
        found = os.stat(dest)
    except OSError:
        return None, False
    if re.match(r"/(dev|proc)/", os.path.abspath(dest)) and os.path.islink(dest):
        return found, True  # a standard stream (it leads somewhere)
    return found, not stat.S_ISREG(found.st_mode)


def _check_replaceable(dest: str) -> None:
    """Refuse to replace anything but a regular file (or a link to one).

    Raises:
        NotRegularError: ``dest`` exists and is a folder, a device, a FIFO or a socket.
    """
    try:
        mode = os.stat(dest).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise NotRegularError(dest)


class NotRegularError(OSError):
    """An output path that exists and is not a regular file: never replaced."""

    def __str__(self) -> str:
        return f"{self.args[0]} exists and is not a regular file; not replaced"


class OutsideLinkError(OSError):
    """An output file in OUT that is a link to a file outside OUT: not written through."""


def _commit(temp: str, dest: str, *, force: bool, inside: str | None = None) -> None:
    """Move a finished temporary file to ``dest``; without ``force``, never over a file.

    With ``force``, only a regular file is replaced (through a link, the file it names,
    unless that file is outside the real folder ``inside``).

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
        NotRegularError: ``dest`` exists and is not a regular file.
        OutsideLinkError: ``dest`` is a link to a file outside ``inside``.
    """
    if force:
        try:  # one lstat for the common case, a regular file or nothing (was two calls)
            mode = os.lstat(dest).st_mode
        except FileNotFoundError:
            mode = 0
        if stat.S_ISLNK(mode):
            real = os.path.realpath(dest)
            if inside is not None and os.path.commonpath([real, inside]) != inside:
                message = f"it is a link to {real}, outside {inside}; not written"
                raise OutsideLinkError(errno.EPERM, message, dest)
            dest = real
            _check_replaceable(dest)
        elif mode and not stat.S_ISREG(mode):
            raise NotRegularError(dest)
        os.replace(temp, dest)
        return
    try:
        os.link(temp, dest)  # atomic, and fails if dest exists (even as a dangling link)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(temp, dest)
        return
    os.unlink(temp)


_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and termination signals for a moment.

    While a temporary file is made or renamed, so that no signal lands between making it
    and being able to remove it: they arrive after.
    """
    pid = os.getpid()  # a process forked in a held block (a worker) holds nothing yet
    if getattr(_HELD, "pid", None) == pid or not hasattr(signal, "pthread_sigmask"):
        yield  # held already, by this thread (or Windows, which has no signal mask)
        return
    # the mask as it is, first: a signal that arrives as the next call blocks them is
    # handled as that call returns, and must not leave them held for ever
    old = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        _HELD.pid = pid
        yield
    finally:
        _HELD.pid = None
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


_HELD = threading.local()


class AtomicFile:
    """A file written to a temporary name in the target folder, renamed when done.

    Whatever goes wrong (a full disk, a file size limit, a signal), :meth:`discard` (called
    by :meth:`commit` too) removes the temporary file: only a complete file is ever seen.
    A target that exists and is not a regular file (a device, a FIFO, ``/dev/stdout``) is
    written into directly instead, and never replaced.
    """

    def __init__(
        self,
        dest: str,
        *,
        force: bool,
        into_special: bool = False,
        inside: str | None = None,
        make_folder: bool = True,
        special: bool | None = None,
    ) -> None:
        """Open the temporary file (or, with ``into_special``, a device or FIFO ``dest``).

        ``inside``, a real folder (an output folder), is one that a link at ``dest`` must not
        lead out of. ``dest``'s folder is made when missing (the command's outputs), unless
        ``make_folder`` is false (the library's: :func:`storykit.dump`…). ``special``: what
        :func:`is_special` said of ``dest``, when the caller has looked already (``convert``
        looks at its ``-o`` once); else it is asked here.

        Raises:
            FileNotFoundError: The folder is missing and ``make_folder`` is false.
            SocketError: With ``into_special``, ``dest`` is a socket (the message says so).
            OSError: The folder cannot be made or written.
        """
        self.dest = dest
        self.force = force
        self.inside = inside
        self.temp: str | None = None
        self.made: list[str] = []  # folders made for the file: gone again if it is not kept
        if into_special and (is_special(dest) if special is None else special):
            # appended to: -o /dev/stdout opens again the file standard output is (>> log),
            # and "wb" emptied it, all that was in it before lost
            try:
                self.file: IO[bytes] = open(dest, "ab")  # noqa: SIM115 - closed by commit
            except OSError:
                if socket := socket_given(dest):  # open() said "No such device or address"
                    raise socket from None
                raise
            return
        folder = os.path.dirname(dest) or "."  # relative is fine: no one changes folder
        try:
            with signals_held():
                fd, self.temp, self.made = _make_temp(folder, make=make_folder)
                self.file = os.fdopen(fd, "wb", buffering=_BUFFER)
        except OSError as exc:
            self.discard()
            if _TEMP_NAME.fullmatch(os.path.basename(str(exc.filename))):
                exc.filename = dest  # "x.json: Read-only file system", not its temporary name
            raise
        except BaseException:  # a signal held back above arrives as the block ends
            self.discard()
            raise

    def write(self, data: bytes | memoryview) -> None:
        """Write bytes (to the temporary file); an error names the file being written."""
        try:
            self.file.write(data)
        except OSError as exc:
            if exc.filename is None:
                exc.filename = self.dest
            raise

    def commit(self) -> None:
        """Close and rename into place; the temporary file is gone whatever happens.

        Raises:
            FileExistsError: The target appeared meanwhile and ``force`` is false.
            OSError: The file could not be completed (a full disk…) or renamed.
        """
        try:
            try:
                self.file.close()  # flushes: a full disk shows here
            except OSError as exc:
                if exc.filename is None:  # the system's error alone names no file
                    exc.filename = self.dest
                raise
            if self.temp is not None:
                with signals_held():
                    _commit(self.temp, self.dest, force=self.force, inside=self.inside)
                    self.temp = None  # moved: nothing for discard to remove
        finally:
            self.discard()

    def discard(self) -> None:
        """Close and remove the temporary file (if it is still there)."""
        file: IO[bytes] | None = getattr(self, "file", None)
        try:
            if file is not None and not file.closed:
                file.close()
        except OSError:
            pass  # what could not be flushed is thrown away anyway
        finally:
            temp, self.temp = self.temp, None
            if temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
                remove_empty(self.made)


def write_atomic(
    dest: str,
    text: str,
    *,
    force: bool,
    into_special: bool = False,
    inside: str | None = None,
    make_folder: bool = True,
) -> None:
    """Write ``text`` to ``dest`` through a temporary file in the same folder.

    With ``into_special``, a device or FIFO ``dest`` is written into (see
    :class:`AtomicFile`); with ``inside``, a link at ``dest`` to a file outside that real
    folder is refused (:class:`OutsideLinkError`); without ``make_folder``, a missing folder
    is an error.

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
        FileNotFoundError: The folder is missing and ``make_folder`` is false.
        OSError: The folder cannot be made or written.
    """
    data = text.encode("utf-8")
    with signals_held():  # a few kilobytes: Ctrl-C waits until the file is done or gone
        out = AtomicFile(
            dest, force=force, into_special=into_special, inside=inside, make_folder=make_folder
        )
        try:
            out.write(data)
            out.commit()
        finally:
            out.discard()
