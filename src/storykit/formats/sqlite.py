"""SQLite: many stories in one database file, with a full-text index (stdlib ``sqlite3``).

:func:`to_sqlite` (and ``storykit convert … -o stories.db``) writes; :func:`read` (behind
``storykit.iter_stories("stories.db")``) reads every story back equal, and :func:`search`
queries the full-text index. The writer is here (opening the database, the stories cut
into chunks; the thread that writes each chunk in a transaction of its own is
:mod:`storykit.formats._sqlite_writer`); the reader, with what it shares with the writer
(the layout's names and its check), is :mod:`storykit.formats._sqlite_reader`; the tables
and a story's rows are :mod:`storykit.formats._sqlite_layout`, and the search
:mod:`storykit.formats._sqlite_search`; each is re-exported here.

The layout is meant to be queried without reading these docs:

``stories``
    One row per story: ``pk`` (an integer key, used by the other tables), ``id`` (the stable
    id, see :func:`content_id`), ``title``, ``source``, ``published`` (ISO 8601 as the story
    gives it: a date, or a date-time with its offset), ``published_utc`` (sortable UTC text,
    ``2026-05-25T00:00:00Z`` for a day; a time without an offset counts as UTC), ``url``,
    ``image_alt``, ``credit`` (the image credit as one line) with ``credit_role``,
    ``credit_name`` and ``credit_provider``, ``word_count``, the text the search index reads
    (``headings``, one a line; ``body``, the paragraphs separated by blank lines; ``tags``,
    separated by ``", "``), and where the story was read from (``origin_file``,
    ``origin_member``, ``origin_line``).
``sections``, ``paragraphs``
    ``(story, position, heading)`` and ``(story, section, position, text)``, in order;
    ``story`` is ``stories.pk``, positions count from 0.
``tags``, ``credits``, ``extras``
    One row per tag ``(story, position, tag)``, other credit ``(story, position, role, name,
    provider)`` and unplaced line ``(story, position, text)``.
``stories_fts``
    An FTS5 index of ``title``, ``headings``, ``body`` and ``tags`` (``unicode61`` with
    diacritics removed), with ``content="stories"``, kept in step by triggers: the layout
    sqlite-utils' ``enable_fts`` makes, which Datasette finds and offers as a search box.

Indexes cover ``stories.published_utc``, ``stories.source`` and ``tags.tag``. Writing is
done a chunk of stories per transaction (:data:`CHUNK`), with SQLite's rollback journal and
``synchronous = FULL``, so a crash or Ctrl-C leaves whole stories only: the next connection
rolls back a transaction cut short (a read-only reader has one that may write do it first).

The text is kept twice, in ``paragraphs`` and in ``stories.body``: an FTS5 index with
``content="stories"`` reads its columns from ``stories`` (for ``snippet()``, ``highlight()``
and rebuilds), and that ``content=`` is what Datasette and sqlite-utils look for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterable
from typing import Any

import attrs

from storykit._records import Origin, checked_pairs
from storykit._refusals import missing_folder, refuse_folder, refuse_special
from storykit.errors import StoryParseError
from storykit.formats._sqlite_layout import (  # the tables, and a story's rows
    _FTS_SETTINGS,
    _INDEXES,
    _SCHEMA,
    PAGE_SIZE,
    _rows,
    content_id,
)
from storykit.formats._sqlite_reader import (  # the reader, and what the writer shares
    _CHILDREN,
    BUSY_TIMEOUT,
    SCHEMA_VERSION,
    _layout_problem,
    _refuse_layout,
    _version,
    read,
    read_pieces,
    unreadable,
)
from storykit.formats._sqlite_search import Hit, search
from storykit.formats._sqlite_writer import _Chunk, _Writer  # the thread that writes chunks
from storykit.model import Story

__all__ = [
    "NAME",
    "SCHEMA_VERSION",
    "SUFFIXES",
    "Hit",
    "WriteCounts",
    "content_id",
    "detect",
    "read",
    "read_pieces",
    "search",
    "to_sqlite",
    "write",
]

NAME = "sqlite"
SUFFIXES = (".db", ".sqlite", ".sqlite3")


CHUNK = 2000
"""Stories written per transaction (fewer, larger ones: the full-text index is flushed once
per transaction, as one more segment for it to merge)."""


def detect(text: str) -> bool:
    """Whether ``text`` starts like an SQLite database file (it never does as UTF-8 text)."""
    return text.startswith("SQLite format 3\0")


# --------------------------------------------------------------------------- writing


@attrs.frozen
class WriteCounts:
    """What one write did."""

    added: int
    """Stories written (replaced ones included)."""
    skipped: int
    """Stories already in the database (by :func:`content_id`), left as they were."""


def connect(path: str | os.PathLike[str], *, threads: bool = False) -> sqlite3.Connection:
    """Open (or create) a database for writing, with the storykit tables in it.

    With ``threads``, the connection may be used from another thread (one at a time).

    Raises:
        StoryParseError: The file is not an SQLite database (a device or a FIFO included), or
            holds another layout version.
        OSError: The file cannot be opened or written (no such folder, a full disk); a
            file made here is removed again (as it is when Ctrl-C comes before its tables
            are made: ``sqlite3.connect`` makes an empty file at once).
    """
    name = os.fspath(path)
    refuse_special(name, "an SQLite database")
    existed = os.path.lexists(name)
    try:
        connection = sqlite3.connect(
            name, isolation_level=None, check_same_thread=not threads, timeout=BUSY_TIMEOUT
        )
    except sqlite3.DatabaseError as exc:  # no such folder, no permission
        raise _write_error(exc, name) from None
    try:
        problem = _layout_problem(connection)  # before its tables are written or read
        version = _made_ready(connection) if problem is None else None
    except BaseException as exc:  # an SQLite error, or Ctrl-C before the tables were made
        connection.close()
        if not existed:  # what SQLite began of a new file: none of it is a database
            for made in (name, name + "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(made)
        if not isinstance(exc, sqlite3.DatabaseError):
            raise
        if _io_failure(exc):
            raise _write_error(exc, name) from None
        raise StoryParseError(unreadable(exc), filename=name) from None
    _refuse_layout(connection, problem, version, name)
    return connection


def _made_ready(connection: sqlite3.Connection) -> object:
    """Make the storykit tables (where missing) and set the connection up: the layout version."""
    # A rollback journal (SQLite's default) rather than WAL: each page is written once,
    # not to the WAL and then again into the file (a tenth of the whole write), and a
    # database is one file. With synchronous FULL (the default) each commit is durable,
    # and a write cut short is rolled back by the next connection, whole transactions
    # only. A database an earlier version wrote in WAL mode is switched back here.
    connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new database only
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = FULL")
    connection.executescript(  # one transaction: a second writer waits, then finds it all
        f"BEGIN IMMEDIATE;{_SCHEMA}"  # noqa: S608 - constant text
        "INSERT OR IGNORE INTO storykit_meta (key, value)"
        f" VALUES ('schema_version', '{SCHEMA_VERSION}');"
        f"{_FTS_SETTINGS}COMMIT;"
    )
    return _version(connection)


_IO_FAILURES = ("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")


def _io_failure(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite failed on the file system (full, a size limit, no access), not the data."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return name.startswith(_IO_FAILURES)


def _failed_write(exc: sqlite3.DatabaseError, name: str) -> OSError | StoryParseError:
    """What to raise when a write to a database failed: the disk's fault, or the file's."""
    if _io_failure(exc):
        return _write_error(exc, name)
    return StoryParseError(f"cannot write the database: {exc}", filename=name)


def _write_error(exc: sqlite3.DatabaseError, name: str) -> OSError:
    """An :class:`OSError` for a database that cannot be written: the disk, not the data.

    SQLite gives no ``errno``; its message (``disk I/O error`` for a file size limit,
    ``database or disk is full``) is the error's ``strerror``, the file its ``filename``.
    A file it could not open is said as every writer says it, when the folder tells why
    (``Permission denied``, ``the folder … does not exist``: SQLite says ``unable to open
    database file`` of both), and a path too long for SQLite is said to be.
    """
    if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_CANTOPEN"):
        folder = os.path.dirname(name) or "."
        if not os.path.isdir(folder):
            return missing_folder(folder, name)
        if not os.access(folder, os.W_OK | os.X_OK) or (
            os.path.exists(name) and not os.access(name, os.W_OK)
        ):
            return PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
        size = len(os.fsencode(os.path.abspath(name)))
        if size > _SQLITE_MAX_PATH:
            msg = (
                f"{exc}: its full path is {size:,} bytes, and SQLite opens none over "
                f"{_SQLITE_MAX_PATH}; write the database in a folder nearer the root"
            )
            return OSError(errno.ENAMETOOLONG, msg, name)
    return OSError(errno.EIO, str(exc), name)


_SQLITE_MAX_PATH = 512
"""The longest full path (bytes) SQLite's Unix file layer opens (its ``MAX_PATHNAME``): a
longer one is "unable to open database file", where the system would open it."""


def write(
    items: Iterable[Story | tuple[Origin, Story]],
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    chunk_size: int = CHUNK,
) -> WriteCounts:
    """Add stories to the database at ``path`` (made if missing), a chunk per transaction.

    See :func:`to_sqlite`; this returns how many were added and how many skipped.

    Raises:
        StoryParseError: ``path`` is not a storykit database.
        IsADirectoryError: ``path`` is a folder (the message says to name a file in it).
        OSError: ``path`` cannot be written (no such folder, a full disk, a size limit).
        TypeError: An item is not a story (nor an ``(origin, story)`` pair).
    """
    # before a story is read: SQLite said only "unable to open database file"
    refuse_folder(os.fspath(path), "sqlite", ".db")
    connection = connect(path, threads=True)
    try:
        row = connection.execute("SELECT max(pk) FROM stories").fetchone()
        first = (row[0] or 0) + 1
        writer = _Writer(connection, force=force, first=first)
        writer.start()
        pk = first
        total = 0
        try:
            rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in ("stories", *_CHILDREN)}
            ids: list[tuple[str, int]] = []
            seen: set[str] = set()  # this chunk's ids
            repeated = 0
            for origin, story in checked_pairs(items):
                total += 1
                sid = content_id(story)
                if sid in seen:
                    repeated += 1
                    continue
                seen.add(sid)
                _rows(pk, sid, story, origin, rows)
                ids.append((sid, pk))
                pk += 1
                if len(ids) + repeated >= chunk_size:
                    writer.put(_Chunk(ids, rows, repeated))
                    rows = {t: [] for t in ("stories", *_CHILDREN)}
                    ids, seen, repeated = [], set(), 0
            if ids or repeated:
                writer.put(_Chunk(ids, rows, repeated))
            writer.finish()
        except Exception:  # a story that cannot be read: what was read before it is written
            try:
                with contextlib.suppress(Exception):
                    writer.finish()
            except BaseException:  # Ctrl-C meanwhile
                writer.abandon()
                raise
            raise
        except BaseException:  # Ctrl-C: stop soon, after the chunk being written
            writer.abandon()
            raise
        connection.executescript(_INDEXES)
    except sqlite3.DatabaseError as exc:  # a full disk, a file size limit; whole chunks stay
        raise _failed_write(exc, os.fspath(path)) from None
    finally:
        connection.close()
    skipped = writer.skipped
    return WriteCounts(total - skipped, skipped)


def to_sqlite(
    stories: Iterable[Story | tuple[Origin, Story]],
    path: str | os.PathLike[str],
    *,
    force: bool = False,
) -> int:
    """Write stories to an SQLite database with a full-text index (made if missing).

    A story already in the database (same :func:`content_id`) is skipped, so running
    again over the same archive adds only what is new; ``force=True`` replaces it instead.
    Stories are written a chunk per transaction: an error, a crash or Ctrl-C leaves the
    database with whole stories only. The tables are described in
    :mod:`storykit.formats.sqlite`.

    Examples:
        >>> storykit.to_sqlite(storykit.iter_records("archive/"), "stories.db")  # doctest: +SKIP
        20000

    Args:
        stories: Stories, or ``(origin, story)`` pairs from :func:`storykit.iter_records`
            (their file, member and line go into the ``origin_*`` columns).
        path: The database file.
        force: Replace stories that are already there instead of skipping them.

    Returns:
        How many stories were added.

    Raises:
        StoryParseError: ``path`` is a file but not a storykit database.
        IsADirectoryError: ``path`` is a folder (the message says to name a file in it);
            said before any story is read.
        OSError: ``path`` cannot be written (no such folder, a full disk, a size limit);
            the stories written before stay, whole chunks only.
        TypeError: An item is neither a story nor an ``(origin, story)`` pair.
    """
    return write(stories, path, force=force).added
