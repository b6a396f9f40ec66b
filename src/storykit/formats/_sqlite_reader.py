"""Reading a storykit SQLite database back (:mod:`storykit.formats.sqlite`).

Also what the writer shares with the reader: the schema version, the names of the layout
and :func:`_layout_problem`, which refuses a database whose storykit names are not plain
tables before anything is run on it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from storykit._dates import parse_iso
from storykit._records import Failure, Origin, Piece, read_error, too_large
from storykit.errors import StoryParseError
from storykit.formats._layout_version import version_refused, whole_number
from storykit.model import Credit, Image, Section, Source, Story

SCHEMA_VERSION = 1
"""The version of the table layout; kept in the ``storykit_meta`` table."""

BUSY_TIMEOUT = 60.0
"""Seconds a write waits for readers (Datasette, say) to let go before a commit."""

_CHILDREN = ("sections", "paragraphs", "tags", "credits", "extras")
_LAYOUT_NAMES = ("storykit_meta", "stories", *_CHILDREN, "stories_fts")
_NOT_TABLES = (
    "SELECT type, name FROM sqlite_master WHERE type != 'table'"  # noqa: S608 - marks only
    f" AND name IN ({', '.join('?' * len(_LAYOUT_NAMES))})"
)


def _layout_problem(connection: sqlite3.Connection) -> str | None:
    """Why a database's storykit names cannot be read safely, or ``None``.

    Reading a table takes time in proportion to its rows; a view or a generated column of
    the same name runs what the file's author wrote, which may never end (a recursive view
    sorted by ``pk``) and cannot be interrupted (no signal handler runs until SQLite
    returns). Only tables of plain columns are read; a name not there is left to the
    queries (``no such table``).

    Raises:
        sqlite3.DatabaseError: The file is no SQLite database, or a damaged one (its first
            statement is where SQLite reads its schema).
    """
    try:
        found = connection.execute(_NOT_TABLES, _LAYOUT_NAMES).fetchone()
    except UnicodeDecodeError as exc:
        raise sqlite3.DatabaseError(problem_of(exc)) from None
    if found is not None:
        return f"not a storykit database ({found[1]!r} is a {found[0]}, not a table)"
    for name in _LAYOUT_NAMES[:-1]:  # the index is a virtual table: no generated columns
        generated = connection.execute(
            "SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)", (name,)
        ).fetchone()
        if generated is not None:
            return f"not a storykit database ({name}.{generated[0]} is a generated column)"
    return None


def problem_of(exc: sqlite3.DatabaseError | UnicodeDecodeError) -> str:
    r"""What went wrong in a database, as SQLite says it, for a message.

    A text in it that is not UTF-8 is said as such: Python's message names the column as
    storykit's query computes it (``CASE WHEN length(CAST(title AS BLOB)) > …``). A
    :class:`UnicodeDecodeError` is SQLite's message that CPython could not decode, in place
    of SQLite's error: it quotes a damaged file's bytes (``malformed database schema
    (sections) - near "TA\xc3LE": syntax error``).
    """
    if isinstance(exc, UnicodeDecodeError):
        return bytes(exc.object).decode("utf-8", "backslashreplace")
    text = str(exc)
    bad = _NOT_UTF_8.fullmatch(text)
    if bad is not None:
        return f"a text in it is not UTF-8: {bad[1]} (a damaged file, or not storykit's)"
    return text


_NOT_UTF_8 = re.compile(r"Could not decode to UTF-8 column .* with text (.*)", re.DOTALL)


def _version(connection: sqlite3.Connection) -> object:
    """The layout version the database holds (None: none), its text read as a number."""
    row = connection.execute(
        "SELECT value FROM storykit_meta WHERE key = 'schema_version'"
    ).fetchone()
    if row is None:
        return None
    return whole_number(row[0]) if isinstance(row[0], str) else row[0]


def _open_read(path: str) -> sqlite3.Connection:
    if not os.path.isfile(path):  # a folder was "no such database file": it is there
        from storykit._sources import not_a_file  # noqa: PLC0415 - for this error only

        raise StoryParseError(not_a_file(path, "database file"), filename=path)
    try:
        try:
            connection = connect_read_only(path)
            problem = _layout_problem(connection)
        except sqlite3.OperationalError as exc:
            if not _hot_journal(exc):
                raise
            _roll_back(path)
            connection = connect_read_only(path)
            problem = _layout_problem(connection)
        version = None if problem is not None else _version(connection)
    except sqlite3.DatabaseError as exc:
        raise StoryParseError(unreadable(exc), filename=path) from None
    _refuse_layout(connection, problem, version, path)
    return connection


_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def unreadable(exc: sqlite3.DatabaseError) -> str:
    """Why SQLite could not read a database's layout: the reader's and the writer's words.

    A database another program holds locked (a write in progress, for longer than SQLite
    waits: 5 s to read, :data:`BUSY_TIMEOUT` to write) is busy, not wrong: it was said to be
    "not a storykit database (database is locked)", which sent the user to look for fault
    with a good file.
    """
    if (getattr(exc, "sqlite_errorname", None) or "").startswith(_BUSY):
        return f"{exc}: another program is writing to it; try again when it is done"
    return f"not a storykit database ({exc})"


def _refuse_layout(
    connection: sqlite3.Connection, problem: str | None, version: object, name: str
) -> None:
    """Close ``connection`` and refuse it, unless it holds this version of the layout.

    The reader's and the writer's (:func:`storykit.formats.sqlite.connect`) one check.

    Args:
        connection: The database ``name``, opened.
        problem: What :func:`_layout_problem` found wrong with it, if anything.
        version: Its layout version (:func:`_version`; None: it holds none, or the
            ``problem`` stopped the look).
        name: The file, for the error.

    Raises:
        StoryParseError: ``problem``, or a layout version that is missing or not this one.
    """
    if problem is None:
        problem = (
            "not a storykit database (no layout version)"
            if version is None
            else version_refused(version, SCHEMA_VERSION, "a storykit database of layout version")
        )
    if problem is None:
        return
    connection.close()
    raise StoryParseError(problem, filename=name)


_READONLY_ROLLBACK = getattr(sqlite3, "SQLITE_READONLY_ROLLBACK", 776)


def _hot_journal(exc: sqlite3.OperationalError) -> bool:
    """Whether a read-only connection failed on the journal of a write cut short."""
    return bool(exc.sqlite_errorcode == _READONLY_ROLLBACK)


def _roll_back(path: str) -> None:
    """Roll back what a write cut short (a crash, kill -9) left in the database's journal.

    A connection that may write does so as it opens; a read-only one cannot.

    Raises:
        StoryParseError: The file cannot be written to.
    """
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT)) as writer:
            writer.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        msg = f"a write to this database was cut short and cannot be rolled back here ({exc})"
        raise StoryParseError(msg, filename=path) from None


def connect_read_only(path: str) -> sqlite3.Connection:
    """A read-only connection to the database file ``path``, whatever bytes its name holds.

    SQLite opens read-only only through a ``file:`` URI: the path goes into it as the
    percent-encoded bytes of its name (a name that is not UTF-8 could not be encoded as
    text).
    """
    from urllib.parse import quote  # noqa: PLC0415

    name = os.fsencode(os.path.abspath(path)).replace(os.fsencode(os.sep), b"/")
    return sqlite3.connect(f"file:{quote(name)}?mode=ro", uri=True)


def _grouped(cursor: sqlite3.Cursor) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    for pk, rows in groupby(cursor, key=lambda row: row[0]):
        yield pk, list(rows)


class _Children:
    """Rows of one child table, ordered by story, handed out story by story.

    Rows of a story that is not there (a key no story has, or not a number) are passed
    over and counted in :attr:`stray`, never let to hold back the rows of the next stories.
    """

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._groups = _grouped(cursor)
        self._next: tuple[int, list[tuple[Any, ...]]] | None = next(self._groups, None)
        self.stray = 0

    def take(self, pk: object) -> list[tuple[Any, ...]]:
        if not isinstance(pk, int):  # a table not made by storykit: a text or NULL key
            return []  # nothing can be its rows; they are counted as stray by rest()
        found = self._next
        while found is not None and not (isinstance(found[0], int) and found[0] >= pk):
            self.stray += len(found[1])  # a story before this one that was not there
            found = self._next = next(self._groups, None)
        if found is None or found[0] != pk:
            return []
        self._next = next(self._groups, None)
        return found[1]

    def rest(self) -> int:
        """How many rows belong to no story: :attr:`stray` and the rows not taken."""
        while self._next is not None:
            self.stray += len(self._next[1])
            self._next = next(self._groups, None)
        return self.stray


# What a story is read from: each table's key, then its text columns.
_STORY_TEXTS = (
    "title", "source", "published", "url", "image_alt", "credit_role", "credit_name",
    "credit_provider",
)  # fmt: skip
_CHILD_QUERIES = {
    "sections": ("story, position", ("heading",), "story, position"),
    "paragraphs": ("story, section", ("text",), "story, section, position"),
    "tags": ("story", ("tag",), "story, position"),
    "credits": ("story", ("role", "name", "provider"), "story, position"),
    "extras": ("story", ("text",), "story, position"),
}


def _columns(texts: tuple[str, ...], limit: int | None) -> str:
    """The select list of ``texts``; with a ``limit``, then the row's size in bytes.

    A text over the limit is read as NULL: SQLite measures it (``length``), and Python never
    gets it (a story of such a row is refused by its size).
    """
    if limit is None:
        return ", ".join(texts)
    sizes = [f"length(CAST({name} AS BLOB))" for name in texts]
    capped = [
        f"CASE WHEN {size} > {limit:d} THEN NULL ELSE {name} END"
        for name, size in zip(texts, sizes, strict=True)
    ]
    return ", ".join([*capped, " + ".join(f"coalesce({size}, 0)" for size in sizes)])


def read(path: str | os.PathLike[str]) -> Iterator[tuple[Origin, Story]]:
    """Every story in a storykit database, in the order they were written.

    Each comes with an :class:`~storykit.Origin` naming the database and, as its "line",
    the story's number in it (1 for the first). The tables are scanned once each, in step,
    so memory stays flat.

    Raises:
        StoryParseError: The file is not a storykit database, a row is not a story, or rows
            belong to no story.
    """
    name = os.fspath(path)
    for origin, story in _read(name, None):
        if isinstance(story, str):
            raise StoryParseError(story, filename=name)
        yield origin, story


def _read(name: str, limit: int | None) -> Iterator[tuple[Origin, Story | str]]:
    """The stories of :func:`read`, or what is wrong with one (or with rows of none).

    With a ``limit``, a story whose text is larger is refused: its size is the UTF-8 bytes
    of its text (title, source, paragraphs, tags, credits, extras…), counted by SQLite
    before any of it is read into Python.
    """
    connection = _open_read(name)
    cursors: list[sqlite3.Cursor] = []
    try:
        children = {}
        for table, (key, texts, order) in _CHILD_QUERIES.items():
            cursors.append(connection.cursor())
            children[table] = _Children(
                cursors[-1].execute(
                    f"SELECT {key}, {_columns(texts, limit)} FROM {table} ORDER BY {order}"  # noqa: S608 - fixed names
                )
            )
        cursors.append(connection.cursor())
        stories = cursors[-1].execute(
            f"SELECT pk, id, {_columns(_STORY_TEXTS, limit)} FROM stories ORDER BY pk"  # noqa: S608
        )
        for number, row in enumerate(stories, 1):
            origin = Origin(name, None, number)
            taken = {table: rows.take(row[0]) for table, rows in children.items()}
            if limit is not None:
                size = row[-1] + sum(r[-1] for rows in taken.values() for r in rows)
                if size > limit:
                    yield origin, too_large(limit, "story")
                    continue
                taken = {table: [r[:-1] for r in rows] for table, rows in taken.items()}
                row = row[:-1]  # noqa: PLW2901 - the row without its size
            try:
                yield origin, _story(row, taken)
            except (TypeError, ValueError) as exc:
                yield origin, f"story {row[1]}: {exc}"
        for table, rows in children.items():
            stray = rows.rest()
            if stray:
                said = "1 row of {} belongs" if stray == 1 else f"{stray:,} rows of {{}} belong"
                yield Origin(name), said.format(table) + " to no story; not read"
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise StoryParseError(
            f"cannot read the database: {problem_of(exc)}", filename=name
        ) from None
    finally:
        # A cursor part-way through its rows keeps the file open and read-locked even after
        # the connection is closed, until the garbage collector finds it (an error leaves
        # it in a reference cycle): writers would wait on a read that is over.
        for cursor in cursors:
            cursor.close()
        connection.close()


def _story(row: tuple[Any, ...], children: dict[str, list[tuple[Any, ...]]]) -> Story:
    _, _, title, source_name, published, url, alt, role, credit_name, provider = row
    paragraphs: dict[int, list[str]] = {}
    for _, section, text in children["paragraphs"]:
        paragraphs.setdefault(section, []).append(text)
    sections = [
        Section(heading, paragraphs.pop(position, ()))
        for _, position, heading in children["sections"]
    ]
    if paragraphs:  # paragraphs of a section that is not there: said, never dropped
        msg = f"paragraphs of section {next(iter(paragraphs))!r}, which is not in sections"
        raise ValueError(msg)
    source = None
    if source_name is not None or published is not None or url is not None:
        source = Source(source_name, None if published is None else parse_iso(published), url)
    credit = None if role is None else Credit(role, credit_name, provider)
    image = Image(alt, credit) if alt is not None or credit is not None else None
    return Story(
        title,
        source=source,
        image=image,
        credits=[Credit(r, n, p) for _, r, n, p in children["credits"]],
        sections=sections,
        tags=[tag for _, tag in children["tags"]],
        extras=[text for _, text in children["extras"]],
    )


def read_pieces(path: str, *, max_member_size: int | None = None) -> Iterator[Piece | Failure]:
    """Every story of the database as a piece of storykit JSON, for the batch readers.

    A story whose text is larger than ``max_member_size`` (in UTF-8 bytes) is a failure, as
    an archive member of that size is, and its text is never read into Python; so is a row
    that is not a story, and the stories after it are still read.

    Raises:
        StoryParseError: The file is not a storykit database.
    """
    from storykit.formats.json import dumps  # noqa: PLC0415

    for origin, story in _read(path, max_member_size):
        if isinstance(story, str):
            yield read_error(origin, story, origin.line)
        else:
            yield Piece(origin, dumps(story, indent=None), "json")
