"""SQLite: many stories in one database file, with a full-text index (stdlib ``sqlite3``).

:func:`to_sqlite` (and ``storykit convert … -o stories.db``) writes; :func:`read` (behind
``storykit.iter_stories("stories.db")``) reads every story back equal, and :func:`search`
queries the full-text index. The writer is here; the reader, with what it shares with the
writer (the layout's names and its check), is :mod:`storykit.formats._sqlite_reader`, and the
search :mod:`storykit.formats._sqlite_search`, both re-exported here.

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
import datetime as _dt
import errno
import hashlib
import json as _json
import os
import queue
import sqlite3
import stat
import threading
from collections.abc import Iterable, Iterator
from itertools import count, repeat
from typing import Any

import attrs

from storykit._dates import format_iso
from storykit._records import Origin
from storykit.errors import StoryParseError, _printable
from storykit.formats._sqlite_reader import (  # the reader, and what the writer shares
    _CHILDREN,
    BUSY_TIMEOUT,
    SCHEMA_VERSION,
    _layout_problem,
    _version,
    read,
    read_pieces,
)
from storykit.formats._sqlite_search import Hit, search
from storykit.formats.text import credit_line
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
FTS_CONFIG = {"automerge": 16, "hashsize": 16 * 1024 * 1024}
"""FTS5 settings made when the index is made (kept in ``stories_fts_config``): ``hashsize``,
the memory the index gathers new terms in before it writes them out as a segment (default
1 MiB), and ``automerge``, how many segments of a size it lets gather before merging them
(default 4). Fewer, larger segments and fewer merges make filling the index a third cheaper,
and the index smaller."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS storykit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    source TEXT,
    published TEXT,
    published_utc TEXT,
    url TEXT,
    image_alt TEXT,
    credit TEXT,
    credit_role TEXT,
    credit_name TEXT,
    credit_provider TEXT,
    word_count INTEGER NOT NULL,
    headings TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    origin_file TEXT,
    origin_member TEXT,
    origin_line INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    heading TEXT,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraphs (
    story INTEGER NOT NULL REFERENCES stories(pk),
    section INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (story, section, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS credits (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    name TEXT,
    provider TEXT,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS extras (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5 (
    [title], [headings], [body], [tags],
    tokenize="unicode61 remove_diacritics 2",
    content="stories"
);
CREATE TRIGGER IF NOT EXISTS stories_ad AFTER DELETE ON stories BEGIN
  INSERT INTO stories_fts (stories_fts, rowid, title, headings, body, tags)
  VALUES ('delete', old.rowid, old.title, old.headings, old.body, old.tags);
END;
CREATE TRIGGER IF NOT EXISTS stories_au AFTER UPDATE ON stories BEGIN
  INSERT INTO stories_fts (stories_fts, rowid, title, headings, body, tags)
  VALUES ('delete', old.rowid, old.title, old.headings, old.body, old.tags);
  INSERT INTO stories_fts (rowid, title, headings, body, tags)
  VALUES (new.rowid, new.title, new.headings, new.body, new.tags);
END;
"""
_INSERT_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS stories_ai AFTER INSERT ON stories BEGIN
  INSERT INTO stories_fts (rowid, title, headings, body, tags)
  VALUES (new.rowid, new.title, new.headings, new.body, new.tags);
END;
"""
_SCHEMA += _INSERT_TRIGGER
PAGE_SIZE = 16384
"""The page size of a new database: with 4 times SQLite's default, a story's row and the
full-text index's segments take fewer pages, and writing costs an eighth less."""


_FTS_SETTINGS = "".join(
    f"INSERT INTO stories_fts (stories_fts, rank) VALUES ('{key}', {value});"  # noqa: S608
    for key, value in FTS_CONFIG.items()
)

# Made after a run's rows (cheaper than keeping them up to date row by row while loading).

_INDEXES = """
CREATE INDEX IF NOT EXISTS stories_published_utc ON stories (published_utc);
CREATE INDEX IF NOT EXISTS stories_source ON stories (source);
CREATE INDEX IF NOT EXISTS tags_tag ON tags (tag);
"""
_STORY_COLUMNS = (
    "pk",
    "id",
    "title",
    "source",
    "published",
    "published_utc",
    "url",
    "image_alt",
    "credit",
    "credit_role",
    "credit_name",
    "credit_provider",
    "word_count",
    "headings",
    "body",
    "tags",
    "origin_file",
    "origin_member",
    "origin_line",
)
_INSERT_STORY = (
    f"INSERT INTO stories ({', '.join(_STORY_COLUMNS)}) "  # noqa: S608 - the names above
    f"VALUES ({', '.join('?' * len(_STORY_COLUMNS))})"
)


def detect(text: str) -> bool:
    """Whether ``text`` starts like an SQLite database file (it never does as UTF-8 text)."""
    return text.startswith("SQLite format 3\0")


# --------------------------------------------------------------------------- ids and values


def _fields(story: Story) -> list[str]:
    """The story's fields in model order, flat: a count before each list, ``""`` for none.

    Every text of a story is non-blank, so ``""`` cannot be a value, and with the counts the
    list reads back one way only: two stories give the same list only if they are equal.
    """
    source = story.source
    image = story.image
    out = [story.title]
    if source is None:
        out += ("", "", "", "")
    else:
        published = source.published
        out += (
            "s",
            source.name or "",
            "" if published is None else format_iso(published),
            source.url or "",
        )
    if image is None:
        out += ("", "", "", "", "", "")
    else:
        credit = image.credit
        out += ("i", image.alt or "")
        if credit is None:
            out += ("", "", "", "")
        else:
            out += ("c", credit.role, credit.name or "", credit.provider or "")
    out.append(str(len(story.credits)))
    for other in story.credits:
        out += (other.role, other.name or "", other.provider or "")
    out.append(str(len(story.sections)))
    for section in story.sections:
        paragraphs = section.paragraphs
        out.append(section.heading or "")
        out.append(str(len(paragraphs)))
        out += paragraphs
    out.append(str(len(story.tags)))
    out += story.tags
    out.append(str(len(story.extras)))
    out += story.extras
    return out


def content_id(story: Story) -> str:
    """The stable id of a story in a database: 16 hex digits of a SHA-256 of its content.

    The hash is of the story's fields in model order (dates in ISO 8601), each list preceded
    by its length, joined by NUL characters and encoded as UTF-8; a story with a NUL in a
    text (which this layout could not tell apart) is hashed as compact ASCII JSON instead.
    So the same story gets the same id in every run and on every machine, and a changed story
    a new one. (:func:`storykit.export.story_id`, the ``id`` of :func:`storykit.to_records`,
    is keyed by the URL instead.)
    """
    fields = _fields(story)
    text = "\0".join(fields)
    if text.count("\0") == len(fields) - 1:
        data = b"storykit-1\0" + text.encode("utf-8", "surrogatepass")
    else:  # a NUL inside a text
        data = b"storykit-1-json\0" + _json.dumps(fields, separators=(",", ":")).encode("ascii")
    return hashlib.sha256(data).hexdigest()[:16]


def utc_text(value: _dt.date | None) -> str | None:
    """``2026-05-25T08:30:00Z``: sortable UTC to the second (a day starts at midnight UTC).

    A date-time without an offset is taken as UTC; one that UTC cannot hold (the year 1
    with a positive offset) is written as it is, without its offset.
    """
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T00:00:00Z"
    if value.tzinfo is not None and value.utcoffset() is not None:
        with contextlib.suppress(OverflowError):
            value = value.astimezone(_dt.UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


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
        if problem is None:
            version = _made_ready(connection)
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
        raise StoryParseError(f"not a storykit database ({exc})", filename=name) from None
    if problem is not None:
        connection.close()
        raise StoryParseError(problem, filename=name)
    if version != str(SCHEMA_VERSION):
        connection.close()
        msg = f"a storykit database of layout version {version}; this is version "
        raise StoryParseError(msg + str(SCHEMA_VERSION), filename=name)
    return connection


def _made_ready(connection: sqlite3.Connection) -> str | None:
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
    A file it could not open is said as the system says it, when the folder tells why
    (``Permission denied``, ``No such file or directory``: SQLite says ``unable to open
    database file`` of both).
    """
    if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_CANTOPEN"):
        folder = os.path.dirname(os.path.abspath(name))
        if not os.path.isdir(folder):
            return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)
        if not os.access(folder, os.W_OK | os.X_OK) or (
            os.path.exists(name) and not os.access(name, os.W_OK)
        ):
            return PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
    return OSError(errno.EIO, str(exc), name)


def refuse_special(name: str, what: str) -> None:
    """Refuse an output path that exists but is not a regular file (a device, a FIFO).

    Such a file is never replaced (``/dev/null`` stays a device), and SQLite would fail on it
    after making a ``-journal`` file beside it.

    Raises:
        StoryParseError: ``name`` is a device, a FIFO or a socket (a symbolic link to one too).
    """
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return  # missing (made then), or an error the write itself reports
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        msg = f"not a regular file; {what} cannot be written into a device or FIFO"
        raise StoryParseError(msg, filename=name)


def _rows(
    pk: int, sid: str, story: Story, origin: Origin | None, out: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Add the rows of one story to ``out`` (one list per table)."""
    source = story.source
    image = story.image
    credit = None if image is None else image.credit
    headings: list[str] = []
    bodies: list[str] = []  # each section's paragraphs, joined
    out_paragraphs = out["paragraphs"]
    out_sections = out["sections"]
    for s, section in enumerate(story.sections):
        heading = section.heading
        paragraphs = section.paragraphs
        out_sections.append((pk, s, heading))
        if heading is not None:
            headings.append(heading)
        if paragraphs:
            out_paragraphs.extend(zip(repeat(pk), repeat(s), count(), paragraphs))
            bodies.append("\n\n".join(paragraphs))
    tags = story.tags
    if tags:
        out["tags"].extend(zip(repeat(pk), count(), tags))
    if story.credits:
        out["credits"].extend(
            (pk, c, other.role, other.name, other.provider) for c, other in enumerate(story.credits)
        )
    if story.extras:
        out["extras"].extend(zip(repeat(pk), count(), story.extras))
    if source is None:
        name = url = iso = utc = None
    else:
        published = source.published
        name, url = source.name, source.url
        iso = None if published is None else format_iso(published)
        utc = utc_text(published)
    out["stories"].append(
        (
            pk,
            sid,
            story.title,
            name,
            iso,
            utc,
            url,
            None if image is None else image.alt,
            None if credit is None else credit_line(credit),
            None if credit is None else credit.role,
            None if credit is None else credit.name,
            None if credit is None else credit.provider,
            story.word_count,
            "\n".join(headings),
            "\n\n".join(bodies),
            ", ".join(tags),
            # a file name that is not UTF-8 holds surrogate escapes, which SQLite text cannot
            None if origin is None else _printable(origin.path),
            None if origin is None or origin.member is None else _printable(origin.member),
            None if origin is None else origin.line,
        )
    )


def _delete(connection: sqlite3.Connection, pks: list[int]) -> None:
    rows = [(pk,) for pk in pks]
    for table in _CHILDREN:
        connection.executemany(f"DELETE FROM {table} WHERE story = ?", rows)  # noqa: S608
    connection.executemany("DELETE FROM stories WHERE pk = ?", rows)


@attrs.define
class _Chunk:
    """The rows of a chunk of stories, made in the reading thread, written in the writer's."""

    ids: list[tuple[str, int]]
    """Each story's id and the ``pk`` given to it (a skipped story's ``pk`` stays unused)."""
    rows: dict[str, list[tuple[Any, ...]]]
    """The rows of each table."""
    repeated: int
    """Stories left out already because they came twice in the chunk."""


def _write_chunk(connection: sqlite3.Connection, chunk: _Chunk, *, force: bool, first: int) -> int:
    """Write one chunk in one transaction; return how many of its stories were skipped.

    A story already in the database is skipped, or under ``force`` replaced; one written by
    this run (``pk`` from ``first`` on) is always skipped.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        ids = [sid for sid, _ in chunk.ids]
        existing: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            query = f"SELECT id, pk FROM stories WHERE id IN ({marks})"  # noqa: S608
            existing.update(connection.execute(query, part).fetchall())
        replaced: list[int] = []
        skip: set[int] = set()
        for sid, pk in chunk.ids:
            old = existing.get(sid)
            if old is None:
                continue
            if force and old < first:
                replaced.append(old)
            else:
                skip.add(pk)
        if replaced:
            _delete(connection, replaced)
        rows = chunk.rows
        if skip:
            rows = {t: [r for r in table if r[0] not in skip] for t, table in rows.items()}
        # The index is filled for the whole chunk at once, three times faster than row by
        # row: the trigger that does it for other writers is set aside meanwhile, in this
        # same transaction, so no one ever sees the table without it.
        connection.execute("DROP TRIGGER IF EXISTS stories_ai")
        connection.executemany(_INSERT_STORY, rows["stories"])
        connection.executemany("INSERT INTO sections VALUES (?, ?, ?)", rows["sections"])
        connection.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?)", rows["paragraphs"])
        connection.executemany("INSERT INTO tags VALUES (?, ?, ?)", rows["tags"])
        connection.executemany("INSERT INTO credits VALUES (?, ?, ?, ?, ?)", rows["credits"])
        connection.executemany("INSERT INTO extras VALUES (?, ?, ?)", rows["extras"])
        if chunk.ids:
            connection.execute(
                "INSERT INTO stories_fts (rowid, title, headings, body, tags)"
                " SELECT pk, title, headings, body, tags FROM stories WHERE pk >= ?",
                (chunk.ids[0][1],),
            )
        connection.execute(_INSERT_TRIGGER)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return len(skip) + chunk.repeated


class _Writer(threading.Thread):
    """Writes chunks as they come, while the caller's thread reads and prepares the next.

    SQLite does its work (the inserts, the full-text index) without holding the GIL, so on
    two cores reading the stories and writing them overlap.
    """

    def __init__(self, connection: sqlite3.Connection, *, force: bool, first: int) -> None:
        super().__init__(name="storykit-sqlite-writer", daemon=True)
        self.connection = connection
        self.force = force
        self.first = first
        self.queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=2)
        self.skipped = 0
        self.error: BaseException | None = None
        self.stopping = False
        # Set when run() is over. Waited for instead of join() alone: in Python 3.11 a join()
        # that Ctrl-C cuts short marks the thread stopped while it still runs, and a second
        # join() returns at once: the connection would be closed under the writer (a crash
        # in SQLite, a journal left behind).
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping:
                chunk = self.queue.get()
                if chunk is None or self.stopping:
                    return
                self.skipped += _write_chunk(
                    self.connection, chunk, force=self.force, first=self.first
                )
        except BaseException as exc:  # handed to the caller's thread by put() and finish()
            self.error = exc
        finally:
            self.done.set()

    def put(self, chunk: _Chunk | None) -> None:
        while self.is_alive():
            try:
                self.queue.put(chunk, timeout=0.05)
            except queue.Full:
                continue
            return
        self._raise()

    def finish(self) -> None:
        """Write what is queued, then stop; re-raise the writer's error, if any."""
        self.put(None)
        self.done.wait()
        self.join()
        self._raise()

    def abandon(self) -> None:
        """Stop now and wait until the writer is done with the connection (Ctrl-C).

        The chunk being written is interrupted and rolled back (or, if it was all but
        done, committed): its transaction ends whole either way. A second Ctrl-C does not
        cut the wait short: the connection must not be closed while the writer uses it.
        """
        self.stopping = True
        with contextlib.suppress(queue.Full):
            self.queue.put_nowait(None)
        with contextlib.suppress(sqlite3.Error):
            self.connection.interrupt()  # ends the statement running in the writer
        while True:
            try:
                self.done.wait()
            except BaseException:  # noqa: S112 - another Ctrl-C: wait on
                continue
            return

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def _pairs(items: Iterable[Story | tuple[Origin, Story]]) -> Iterator[tuple[Origin | None, Story]]:
    if isinstance(items, Story):
        msg = "expected an iterable of stories, got one Story (wrap it in a list)"
        raise TypeError(msg)
    for i, item in enumerate(items):
        if isinstance(item, Story):
            yield None, item
        elif (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[1], Story)
            and isinstance(item[0], (Origin, type(None)))
        ):
            yield item[0], item[1]
        else:
            msg = f"stories[{i}]: expected a Story or an (Origin, Story) pair, got {item!r:.60}"
            raise TypeError(msg)


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
        OSError: ``path`` cannot be written (no such folder, a full disk, a size limit).
        TypeError: An item is not a story (nor an ``(origin, story)`` pair).
    """
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
            for origin, story in _pairs(items):
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
        OSError: ``path`` cannot be written (no such folder, a full disk, a size limit);
            the stories written before stay, whole chunks only.
        TypeError: An item is neither a story nor an ``(origin, story)`` pair.
    """
    return write(stories, path, force=force).added
