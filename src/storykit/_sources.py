"""Finding the files that hold stories: folders, globs and open files.

A folder is walked one folder at a time, in sorted order, taking the files whose suffix is a
readable format's, ``.jsonl`` or an archive's (:func:`storykit._suffixes.is_story_name`,
where the suffixes' rules live); a glob is expanded in sorted order; an open
file is named by its ``name`` (or ``<stdin>``). The size limits that bound reading live here
too, as the defaults of every reading function.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, NamedTuple, cast

from storykit._ahead import AHEAD, read_ahead, read_folder_ahead
from storykit._records import Failure, Origin
from storykit._refusals import SOCKET, socket_error
from storykit._suffixes import is_story_name
from storykit.errors import StoryParseError

__all__ = [
    "DEFAULT_MAX_MEMBERS",
    "DEFAULT_MAX_MEMBER_SIZE",
    "DEFAULT_MAX_TOTAL_SIZE",
    "Limits",
    "Source",
    "checked_limits",
    "expand",
    "input_name",
    "is_stream",
    "iter_paths",
    "not_found",
    "not_regular",
    "read_ahead",
    "stream_name",
]

DEFAULT_MAX_MEMBER_SIZE = 16 * 1024 * 1024
"""The largest archive member, whole-file story or single story read: 16 MiB."""
DEFAULT_MAX_TOTAL_SIZE = 4 * 1024 * 1024 * 1024
"""The most bytes read out of one archive: 4 GiB."""
DEFAULT_MAX_MEMBERS = 1_000_000
"""The most members one archive may hold: 1,000,000."""


class Limits(NamedTuple):
    """The bounds on reading many stories, as every reading function's options give them.

    What is refused past them is refused in :mod:`storykit._archives` (members, totals)
    and :mod:`storykit._pieces` (a line or a whole file too long; a dump's story too long
    in :mod:`storykit._dump_stream`, which it streams dumps through).
    """

    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
    """The most bytes of an archive member, whole-file story, dump story or JSON line read."""
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE
    """The most bytes read out of one archive."""
    max_members: int = DEFAULT_MAX_MEMBERS
    """The most members one archive may hold."""


def checked_limits(max_member_size: int, max_total_size: int, max_members: int) -> Limits:
    """The limits a reading function was given, checked as the command checks its options.

    Raises:
        TypeError: A limit is no whole number (``"16M"``, ``None``, ``1.5``, ``True``).
        ValueError: A limit is less than 1.
    """
    limits = Limits(max_member_size, max_total_size, max_members)
    for name, value in zip(Limits._fields, limits, strict=True):
        unit = "members" if name == "max_members" else "bytes"
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name}: expected a whole number of {unit}, got {value!r}")
        if value < 1:
            raise ValueError(f"{name}: must be 1 or more, got {value}")
    return limits


Source = str | os.PathLike[str] | IO[str] | IO[bytes]
"""One source of stories: a path (file, folder or glob) or an open file."""


# --------------------------------------------------------------------------- finding files


def not_regular(mode: int, what: str = "read") -> str:
    """Why a file of ``mode`` that is no regular file is not ``what``: it says which it is.

    ``not a regular file (a socket); not read``: a folder's (or a pattern's) file, whose
    mode is looked at anyway, was said to be ``a named pipe, a device or a socket``.
    """
    kind = "a device"  # a character or block device (/dev/null, through a link)
    if stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISFIFO(mode):
        kind = "a named pipe"
    return f"not a regular file ({kind}); not {what}"


def not_a_file(path: str, what: str) -> str:
    """Why ``path``, which is no regular file, cannot be read as ``what`` (``database file``).

    The one wording of the readers of a file format (SQLite, Parquet): not there, a folder,
    or which other kind of file it is (:func:`not_regular`), from one look at it.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return f"no such {what}"
    if stat.S_ISDIR(mode):
        return f"a folder, not a {what}"
    return not_regular(mode, f"a {what}")


def _special(path: str) -> Failure | None:
    """A failure for a named pipe, device or socket found in a folder or by a pattern.

    Opening a named pipe waits for a writer, and a device (``/dev/zero``, through a link)
    never ends; only a file named on its own (``<(cat a.txt)``, ``/dev/stdin``) is read
    as a stream. A path that cannot be looked at is left to the reading, which reports it.
    The failure is marked passed over: :func:`iter_paths` hands out no path for it.
    """
    mode = _mode(path)
    if mode is None or stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    error = StoryParseError(not_regular(mode), filename=path)
    return Failure(Origin(path), error, passed_over=True)


def is_stream(path: str) -> bool:
    """Whether ``path`` is a named pipe, a device or a socket: a file that may never end.

    Neither a regular file nor a folder (links followed); ``False`` for a path that cannot
    be looked at, which is left to the reading to report.
    """
    mode = _mode(path)
    return mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


class _Folder(str):
    """A folder met in a listing (:func:`_listing`): :func:`_walk` goes into it there."""

    __slots__ = ()


def _walk(top: str) -> Iterator[str | Failure]:
    """Story files under ``top``, depth first, sorted by name; hidden entries skipped.

    The sorted listing of each folder on the way down is held (one a level). Links to
    directories are not followed (as in :func:`os.walk`), so a link loop cannot trap the
    walk. A named pipe, device or socket is a :class:`Failure`, not read, and so is a
    folder that cannot be listed (no permission): the walk goes on past both, as ``find``
    and ``grep -r`` do. A stack of listings, not a call per folder: folders 1,000 deep
    (the recursion limit) ended the command with a ``RecursionError``.
    """
    listings = [_listing(top)]
    while listings:
        found = next(listings[-1], None)
        if found is None:
            listings.pop()
        elif isinstance(found, _Folder):
            listings.append(_listing(found))
        else:
            yield found


def _listing(top: str) -> Iterator[str | Failure]:
    """The story files and folders (as :class:`_Folder`) in folder ``top``, sorted."""
    files: list[str] = []
    folders: set[str] = set()
    odd: set[str] = set()  # not a regular file by its entry (or a link): looked at closer
    try:
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.add(entry.name)
                elif is_story_name(entry.name):
                    files.append(entry.name)
                    if not entry.is_file():  # (the entry's type: no system call for a file)
                        odd.add(entry.name)
    except OSError as exc:
        message = f"cannot read the folder: {exc.strerror or exc}"
        yield Failure(Origin(top), StoryParseError(message, filename=top), exc)
        return
    files.extend(folders)
    files.sort()
    ahead = 0  # files[:ahead] have been asked for (see read_folder_ahead)
    for k, name in enumerate(files):
        path = os.path.join(top, name)
        if name in folders:
            yield _Folder(path)
            continue
        if k + AHEAD > ahead:  # keep between AHEAD and twice that asked for
            ahead = read_folder_ahead(top, files, max(k, ahead), folders, odd)
        yield (_special(path) if name in odd else None) or path


def _has_magic(path: str) -> bool:
    return any(c in path for c in "*?[")


def _glob(pattern: str) -> Iterator[str]:
    """``glob.iglob(pattern, recursive=True)``, where ``**`` follows no link to a folder.

    :mod:`glob` follows them (before Python 3.13 there is no way to say not to): a link to
    a folder above (``a/up -> ..``) made ``dumps/**/*.txt`` recurse until the path was too
    long, a branch per link at each level, and the command never ended. Folders are walked
    as :func:`_walk` walks them: links to folders are not followed, hidden ones are skipped.
    """
    parts = pattern.replace(os.altsep, os.sep).split(os.sep) if os.altsep else pattern.split(os.sep)
    if "**" not in parts:
        yield from glob.iglob(pattern)
        return
    at = parts.index("**")
    head = os.sep.join(parts[:at]) or (os.sep if at else "")
    rest = parts[at + 1 :]
    for base in glob.iglob(head) if _has_magic(head) else [head]:
        top = base or os.curdir
        if not os.path.isdir(top):
            continue
        for folder, folders, files in _os_walk(top):  # (links to folders are not followed)
            folders[:] = [name for name in folders if not name.startswith(".")]
            here = folder if base else os.path.relpath(folder)  # "**/x": no "./" in front
            here = "" if here == os.curdir and not base else here
            if rest:
                yield from _glob(os.path.join(glob.escape(here), *rest))
                continue
            # "dir/**": dir/ itself, the folders in it and every file
            if folder != top:
                yield here
            elif base:
                yield os.path.join(base, "")
            yield from (os.path.join(here, f) for f in files if not f.startswith("."))


def _os_walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)``, with a list of folders to go into, not a call per folder.

    Before Python 3.12 ``os.walk`` calls itself a folder: ``'dumps/**/*.txt'`` over folders
    1,000 deep was a ``RecursionError``. As it: top down (``folders`` may be changed in
    place to prune), links to folders listed but not followed, unreadable folders skipped.
    """
    waiting = [top]
    while waiting:
        folder = waiting.pop()
        folders: list[str] = []
        files: list[str] = []
        into: set[str] = set()  # the folders that are no links
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (folders if is_dir else files).append(entry.name)
                    if is_dir and not entry.is_symlink():
                        into.add(entry.name)
        except OSError:
            continue
        yield folder, folders, files
        waiting += [os.path.join(folder, name) for name in reversed(folders) if name in into]


def expand(source: object) -> Iterator[str | IO[Any] | Failure]:
    """Each file a source names (its path), each open file, or a :class:`Failure`.

    Archives are not opened here (see :func:`storykit._walk.walk`).

    Raises:
        TypeError: ``source`` is of a type that names no stories.
    """
    if hasattr(source, "read"):
        yield cast("IO[Any]", source)
        return
    if isinstance(source, Iterable) and not isinstance(source, (str, bytes, os.PathLike)):
        # a list, a tuple (whose next files are read ahead), a generator of sources
        for item in read_ahead(source) if isinstance(source, (list, tuple)) else source:
            yield from expand(item)
        return
    if not isinstance(source, (str, os.PathLike)):
        msg = f"cannot read stories from an object of type {type(source).__name__}"
        raise TypeError(msg)
    path = os.fspath(source)
    if not isinstance(path, str):
        msg = "paths must be str, not bytes"
        raise TypeError(msg)
    mode = _mode(path)  # (one look for the two questions, is it a folder, is it there)
    if mode is not None and stat.S_ISDIR(mode):
        yield from _walk(path)
    elif mode is not None and stat.S_ISSOCK(mode):  # never opened: see socket_error
        yield Failure(Origin(path), StoryParseError(SOCKET, filename=path), socket_error(path))
    elif mode is not None:
        yield path
    elif _has_magic(path):
        matches = sorted(dict.fromkeys(_glob(path)))
        if not matches:
            yield _no_match(path)
        walked: set[str] = set()  # the folders matched, walked whole
        for match in read_ahead(matches):
            if _under(match, walked):  # in/** matches in/, in/sub and in/sub/a.txt: read once
                continue
            if os.path.isdir(match):
                walked.add(os.path.abspath(match))
                yield from _walk(match)
            elif is_story_name(match):
                yield _special(match) or match
    else:
        yield _not_there(path)


def _mode(path: str) -> int | None:
    """``path``'s mode (links followed), or None where ``os.path.exists`` is False."""
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def not_found(path: str) -> Failure | None:
    """What reading says of a path that names nothing to read, else ``None``.

    A path that is not there, or a pattern that matches nothing, reported as :func:`expand`
    reports it; only looked up (a folder is not walked, a pattern's first match ends the
    look), so that a command can say it before a usage error (``storykit convert
    nothere.txt`` asked for ``--to`` and never said the file was not there).
    """
    if os.path.exists(path):
        return None
    if _has_magic(path):
        return None if next(_glob(path), None) is not None else _no_match(path)
    return _not_there(path)


def _no_match(pattern: str) -> Failure:
    """The failure of a pattern that matches no file."""
    message = "no file matches this pattern" + _slash_hint(pattern)
    return Failure(Origin(pattern), StoryParseError(message, filename=pattern))


def _not_there(path: str) -> Failure:
    """The failure of a path that is neither a folder, a file nor a pattern that matches.

    ``os.path.exists`` is False for any error: a name too long, a link that leads to
    itself or a path through a file said "no such file or directory" too, so the error
    is asked of the system.
    """
    try:
        os.stat(path)
    except OSError as exc:
        os_error = exc
    else:  # there after all (made since): as a missing one, which a second run reads
        os_error = FileNotFoundError(errno.ENOENT, "No such file or directory", path)
    if os_error.errno in (errno.ENOENT, None) or not os_error.strerror:
        said = "no such file or directory" + _slash_hint(path)
    else:
        said = os_error.strerror[:1].lower() + os_error.strerror[1:]
    return Failure(Origin(path), StoryParseError(said, filename=path), os_error)


def _slash_hint(path: str) -> str:
    r"""What to write instead of a path not found, whose ``\`` (Windows') should be ``/``.

    ``convert in\sub`` on Linux said only "no such file or directory": a backslash is a
    letter of a name here, and ``in/sub`` was there.
    """
    if os.sep != "/" or "\\" not in path:
        return ""
    slashed = path.replace("\\", "/")
    if not (os.path.lexists(slashed) or (_has_magic(slashed) and any(_glob(slashed)))):
        return ""
    return f"; folders are separated by / here: {slashed}"


def _under(path: str, folders: set[str]) -> bool:
    """Whether ``path`` lies in one of ``folders`` (absolute paths)."""
    if not folders:
        return False
    parent, path = os.path.dirname(os.path.abspath(path)), ""
    while parent != path:
        if parent in folders:
            return True
        parent, path = os.path.dirname(parent), parent
    return False


def iter_paths(source: object) -> Iterator[str]:
    """The files a source names: a path, a directory (walked), a glob or a list of these.

    Archives are not opened. Used to spread work over processes or machines, one file each.

    Raises:
        FileNotFoundError: A path does not exist, or a pattern matches nothing.
        OSError: A path named is a socket (errno ``ENXIO``; the message says what is read).
    """
    for item in expand(source):
        if isinstance(item, Failure) and item._passed_over:
            continue  # a named pipe or a device in a folder: no file to hand out
        if isinstance(item, Failure):
            raise item.os_error or FileNotFoundError(2, item.error.message, item.origin.path)
        if not isinstance(item, str):
            msg = "iter_paths() takes paths, not open files"
            raise TypeError(msg)
        yield item


def input_name(name: str) -> str:
    """How an input named on the command line is reported: ``-`` as ``<stdin>``.

    As a story read from it is (``<stdin>:3: …``), and as :func:`stream_name` names it.
    """
    return "<stdin>" if name == "-" else name


def stream_name(stream: object) -> str:
    """The name an open file is reported under: its own, ``<stdin>`` or ``<stream>``."""
    name = getattr(stream, "name", None)
    stdin = sys.stdin
    if name in ("<stdin>", "-", 0) or stream in (stdin, getattr(stdin, "buffer", None)):
        return "<stdin>"
    if isinstance(name, str):
        return name
    return "<stream>"
