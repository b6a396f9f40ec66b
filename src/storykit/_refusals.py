"""What storykit says of a path it will not write (a missing folder, a folder, a socket), or read.

The library's writers (:func:`storykit.dump`, ``dump_many``, ``to_sqlite``,
``to_parquet``) and the command's word each refusal here, once, so that the same path is
said the same way whichever wrote it; a socket is said here when it is read too
(:func:`socket_error`). The module imports nothing of storykit's but its errors: it is
asked once opening a file has failed, when that may be because no file can be opened.
"""

from __future__ import annotations

import errno
import os
import stat

from storykit.errors import StoryParseError

__all__ = [
    "SOCKET",
    "SOCKET_WRITTEN",
    "SocketError",
    "folder_given",
    "missing_folder",
    "refuse_folder",
    "refuse_special",
    "socket_error",
    "socket_given",
]


def missing_folder(folder: str, name: str) -> FileNotFoundError:
    """The error for a file ``name`` not written because its ``folder`` does not exist.

    Every library writer says it so (:func:`storykit.dump`, ``dump_many``, ``to_parquet``,
    ``to_sqlite``), in words, where the system says ``No such file or directory`` of the
    file: the folder is what is missing.
    """
    return FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", name)


def folder_given(
    path: str, function: str, first: str, name: str, *, to: str | None = None
) -> IsADirectoryError | None:
    """The error for a library writer of one file given ``path``, a folder; None if it is not.

    ``storykit.dump(story, "d.json")``, ``d.json`` a folder, raised a bare ``[Errno 21] Is a
    directory: 'd.json'``. Every library writer of one file (:func:`storykit.dump`,
    ``dump_many``) says it so: that ``path`` is a folder, the call that writes a file
    ``name`` in it (``storykit.{function}({first}, 'd.json/{name}')``), and the command that
    writes many stories into a folder. It stays an ``IsADirectoryError`` (errno ``EISDIR``),
    as :func:`storykit.load` says a folder. ``dump`` asks once writing has failed, so a file
    costs nothing more (Windows refuses to open a folder with ``PermissionError``: the folder
    is looked at, not the error's type). A writer of the file format ``to`` (``to_sqlite``,
    ``to_parquet``) asks before any story is read, and names the command's ``--to {to}``,
    which writes one such file too (its words: ``a {to} output is one file``).
    """
    if not os.path.isdir(path):
        return None
    from storykit._cli_names import shown  # noqa: PLC0415 - for this error only

    inside = os.path.join(path, name)
    folder = shown(os.path.join(path, ""))
    msg = f"{path} is a folder: name a file in it, as storykit.{function}({first}, {inside!r}) "
    if to is None:
        msg += (
            f"({function}() writes one file; storykit convert … -o {folder} writes stories "
            "into a folder, a file each)"
        )
    else:
        suffix = os.path.splitext(name)[1]
        msg += f"(a {to} output is one file, as with storykit convert … --to {to} -o FILE{suffix})"
    return IsADirectoryError(errno.EISDIR, msg)


def refuse_folder(path: str, to: str, suffix: str) -> None:
    """Refuse ``path``, a folder, for ``storykit.to_{to}`` (:func:`folder_given`'s words).

    Raises:
        IsADirectoryError: ``path`` is a folder.
    """
    if error := folder_given(path, f"to_{to}", "stories", f"stories{suffix}", to=to):
        raise error


def refuse_special(name: str, what: str) -> None:
    """Refuse an output path that exists but is not a regular file (a device, a FIFO).

    Such a file is never replaced (``/dev/null`` stays a device), and SQLite would fail on it
    after making a ``-journal`` file beside it.

    Raises:
        StoryParseError: ``name`` is a device, a FIFO or a socket (a symbolic link to one too;
            a socket is said to be one, in :data:`SOCKET_WRITTEN`'s words).
    """
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return  # missing (made then), or an error the write itself reports
    if stat.S_ISSOCK(mode):  # a StoryParseError still, as a device is; in the same words
        raise StoryParseError(SOCKET_WRITTEN, filename=name)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        msg = f"not a regular file; {what} cannot be written into a device or FIFO"
        raise StoryParseError(msg, filename=name)


SOCKET_WRITTEN = (
    "a socket, which storykit does not write to (files, named pipes, devices and standard "
    "output are written)"
)
"""What a socket named as an output is: ``open()`` said only ``No such device or address``
(the words of :data:`SOCKET`, which says it of an input)."""


SOCKET = (
    "a socket, which storykit does not read (files, folders, archives, standard input and "
    "named pipes are read)"
)
"""What a socket named as an input is: ``open()`` said only ``No such device or address``."""


class SocketError(OSError):
    """A socket named as an input or an output (errno ``ENXIO``, as ``open()`` said it).

    Its ``strerror`` says what storykit does not do with it (:data:`SOCKET`,
    :data:`SOCKET_WRITTEN`) and its ``filename`` is the socket, for the command's ``cannot
    write sock: a socket, …``; ``str()`` says ``sock is a socket, …``.
    """

    def __str__(self) -> str:
        return f"[Errno {self.errno}] {self.filename} is {self.strerror}"


def socket_error(path: str) -> SocketError:
    """The error for reading ``path``, a socket, which is never opened.

    ``storykit.load(sock)`` said ``[Errno 6] No such device or address``, as ``open()`` does:
    this says what ``sock`` is, and what storykit reads. The one wording of it, for
    :func:`storykit.load` (which looks once ``open()`` has failed) and for
    :func:`storykit._sources.expand` (every reader of many stories and the command's
    inputs), whose failure it is.
    """
    return SocketError(errno.ENXIO, SOCKET, path)


def socket_given(path: str) -> SocketError | None:
    """The error for writing to ``path``, a socket; None if it is not one.

    Asked once opening ``path`` has failed (one ``stat``, nothing imported: the failure
    may be that no file can be opened), by :class:`storykit._writing.AtomicFile`, which
    every writer of text goes through: :func:`storykit.dump`, ``dump_many`` and
    ``storykit convert``.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if not stat.S_ISSOCK(mode):
        return None
    return SocketError(errno.ENXIO, SOCKET_WRITTEN, path)
