"""Searching a storykit SQLite database (:func:`storykit.search`, :mod:`storykit.formats.sqlite`).

The query goes to SQLite's full-text index (FTS5) as the user wrote it, within bounds that
keep its cost near linear in the database: at most :data:`MAX_TERMS` words, each counted by
SQLite's own tokenizer, and a plain snippet for a story whose matches would make SQLite's
``snippet()`` take time in their square. What a query says, and what is wrong with one, is
:mod:`storykit.formats._sqlite_query`'s.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from storykit.errors import StoryParseError
from storykit.formats._sqlite_query import (
    _CHECKED_TERMS,
    _TOKENIZE,
    _not_understood,
    _phrases,
    _query_problem,
    _understood,
)

if TYPE_CHECKING:
    import sqlite3

# _imported: sqlite3 (and the reader) are imported by the functions that use them, not
# here: every ``storykit`` command builds the ``search`` command's parser, which asks this
# module for MAX_TERMS, and a ``convert`` to JSON has no other use for SQLite (1.6 ms of
# its start).


@attrs.frozen
class Hit:
    """One story found by :func:`search`."""

    id: str
    """The story's id (``stories.id``)."""
    title: str
    """Its title."""
    source: str | None
    """The source's name."""
    published: str | None
    """The date (or date-time) as ISO 8601 text."""
    url: str | None
    """The link to the original article."""
    snippet: str
    """A few words around the match, matched terms between ``[`` and ``]``."""


_QUERY_ERRORS = (
    "fts5", "syntax", "no such column", "unterminated string", "unknown special query",
    "expected integer",
)  # fmt: skip
"""What SQLite's messages for an FTS5 query it cannot read hold (``"``: unterminated string)."""

MAX_TERMS = 32
"""The most terms a :func:`search` query may hold unless told otherwise (``max_terms=``).

Ranking a match costs SQLite time in proportion to the square of the query's terms (bm25
and ``snippet()`` pair every match of every term with the others), times the stories
that match: 250 repetitions of ``the`` took over a minute on 5,000 stories.
"""


def _own_marks() -> tuple[str, str]:
    """The marks of :func:`search`'s own ``highlight()``: no story holds them.

    A noncharacter (U+FDD0, U+FDD1) and a random token, new at each search: a story may
    hold any character, so a fixed mark (U+E000 once) let a story's own copy of it pass
    for a match (a highlight where nothing matched, its text lost to the marks). Not the
    private-use characters that ``storykit search`` starts its marks with.
    """
    token = os.urandom(8).hex()  # (as secrets.token_hex: see _tables' search)
    return f"\ufdd0{token}", f"\ufdd1{token}"


_SNIPPET_MATCHES = 2000
"""The most matches of a query's phrases in a story (counted as the marked words, times
the phrases) for which SQLite makes the snippet: its time grows with their square (a
story of 1,000 words ``the``, searched for ``the`` 32 times, took 6 seconds)."""

_SNIPPET_TEXT = 100_000
"""The characters of a story (title, headings, body and tags) its snippet is made from, at
most: ``highlight()`` too takes time in the square of a long story's matches (160,000
words ``the``: 2 seconds)."""

_TEXTS = ("title", "headings", "body", "tags")
_SIZE = " + ".join(f"coalesce(length(s.{name}), 0)" for name in _TEXTS)


def _marked(table: str, close: str = "''") -> list[str]:
    """The ``highlight()`` of each column of ``table``, marked by :func:`_own_marks`.

    Each takes the open mark as a parameter, and the close one too when ``close`` is ``?``.
    """
    return [f"highlight({table}, {column}, ?, {close})" for column in range(len(_TEXTS))]


def _snippet_or_null(table: str) -> str:
    """SQLite's snippet, or NULL for a story with too many matches.

    Its parameters: the open mark of :func:`_own_marks` once a column, the phrases of the
    query, then the two marks of the snippet.
    """
    count = " || ".join(f"coalesce({marked}, '')" for marked in _marked(table))
    return (
        f"CASE WHEN storykit_marks(CAST({count} AS BLOB)) * ? <= {_SNIPPET_MATCHES}"
        f" THEN snippet({table}, -1, ?, ?, '…', 12) END"
    )


_SEARCH = (
    "SELECT s.pk, s.id, s.title, s.source, s.published, s.url,"  # noqa: S608 - fixed names
    f" CASE WHEN {_SIZE} > {_SNIPPET_TEXT} THEN NULL ELSE {_snippet_or_null('stories_fts')} END"
    " FROM stories_fts JOIN stories AS s ON s.pk = stories_fts.rowid"
    " WHERE stories_fts MATCH ? ORDER BY rank, s.pk LIMIT ?"
)
"""The hits, best first, with SQLite's snippet unless the story is too long or has too
many matches."""


def _counter(own: tuple[str, str]) -> Callable[[bytes | None], int]:
    """``storykit_marks``: how many of the ``own`` open marks a text holds.

    The text comes as UTF-8 bytes (``CAST(… AS BLOB)``): a damaged database's text that is
    not UTF-8 would fail to be made a ``str`` ("user-defined function raised exception").
    """
    mark = own[0].encode()

    def marks(text: bytes | None) -> int:
        return 0 if text is None else text.count(mark)

    return marks


def _plain_snippet(
    connection: sqlite3.Connection,
    query: str,
    pk: int,
    mark: tuple[str, str],
    phrases: int,
    *,
    own: tuple[str, str],
) -> str:
    """The snippet of a story too long or with too many matches for SQLite's in good time.

    It is made on a copy of the story's first :data:`_SNIPPET_TEXT` characters (of each
    column) in an index of its own: SQLite's, unless they have too many matches; if they
    do, the 12 words around the first match, in the column with most (the longest if none
    has one), marked where ``highlight()`` marks them (with ``own`` marks, then ``mark``).
    (The query is not run again on the database: a prefix such as ``a*`` costs time in
    proportion to the whole index.)
    """
    import sqlite3  # noqa: PLC0415 - see _imported

    texts = connection.execute(
        "SELECT "  # noqa: S608 - fixed names
        + ", ".join(f"substr(s.{name}, 1, {_SNIPPET_TEXT})" for name in _TEXTS)
        + " FROM stories AS s WHERE s.pk = ?",
        (pk,),
    ).fetchone()
    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        memory.execute(f"CREATE VIRTUAL TABLE q USING fts5 ({', '.join(_TEXTS)}, {_TOKENIZE})")
        memory.create_function("storykit_marks", 1, _counter(own), deterministic=True)
        memory.execute("INSERT INTO q VALUES (?, ?, ?, ?)", texts)
        columns = len(_TEXTS)
        found = memory.execute(
            f"SELECT {_snippet_or_null('q')}, {', '.join(_marked('q', '?'))}"  # noqa: S608
            " FROM q WHERE q MATCH ?",
            ((own[0],) * columns + (phrases, *mark) + own * columns + (query,)),
        ).fetchone()
    if found is not None and found[0] is not None:
        return str(found[0])
    columns = found[1:] if found is not None else texts
    found_texts = [text for text in columns or () if isinstance(text, str) and text]
    if not found_texts:
        return ""
    words = max(found_texts, key=lambda text: (text.count(own[0]), len(text))).split()
    first = next((i for i, word in enumerate(words) if own[0] in word), 0)
    start = max(0, first - 3)
    text = " ".join(words[start : start + 12])
    if text.count(own[0]) > text.count(own[1]):
        text += own[1]  # the window ends inside a marked phrase
    # in one pass: a mark given may hold the other's text (mark=("]", "[") once swapped)
    text = re.sub(
        f"{re.escape(own[0])}|{re.escape(own[1])}",
        lambda found: mark[0] if found[0] == own[0] else mark[1],
        text,
    )
    return ("…" if start else "") + text + ("…" if start + 12 < len(words) else "")


def search(
    path: str | os.PathLike[str],
    query: str,
    *,
    limit: int | None = 20,
    mark: tuple[str, str] = ("[", "]"),
    max_terms: int | None = MAX_TERMS,
) -> list[Hit]:
    """The stories of a storykit database that match an FTS5 query, best first.

    The query uses SQLite's FTS5 syntax: words (all must match), ``OR``, ``NOT``,
    ``"a phrase"``, ``prefix*``, ``title: word``. Diacritics and case do not matter.

    A query may hold at most ``max_terms`` terms (32 unless told otherwise): each word
    counts, in or out of quotes (``chips``, ``elect*``, each word of ``"trade war"``); a
    quoted string without any word counts as one; operators, parentheses, ``NEAR`` and
    its distance and column names do not. A longer one is refused before it is run:
    ranking costs SQLite time in proportion to the square of the terms, times the stories
    that match, so a query passed through from users could otherwise keep it busy for
    minutes. Every query within the limit costs time in proportion to the database's size.

    Examples:
        >>> for hit in storykit.search("stories.db", "xiaomi AND chips"):  # doctest: +SKIP
        ...     print(hit.published, hit.source, hit.title)

    Args:
        path: The database.
        query: What to look for.
        limit: The most hits returned, 0 or more (``None``: all).
        mark: What goes before and after each matched term in the snippet.
        max_terms: The most terms the query may hold (``None``: no limit).

    Raises:
        StoryParseError: The file is not a storykit database.
        TypeError: The query is not a ``str``.
        ValueError: The query is not valid FTS5 syntax, or has more than ``max_terms``
            terms (the message says how many it has, and the limit); ``limit`` or
            ``max_terms`` is not a whole number in range.
    """
    import sqlite3  # noqa: PLC0415 - see _imported

    from storykit.formats._sqlite_reader import _open_read, problem_of  # noqa: PLC0415

    if not isinstance(query, str):
        msg = f"the query is text (str), not {type(query).__name__}"
        raise TypeError(msg)
    if max_terms is not None and (type(max_terms) is not int or max_terms < 1):
        msg = f"max_terms takes a whole number of 1 or more, or None; not {max_terms!r}"
        raise ValueError(msg)
    if limit is not None and (type(limit) is not int or limit < 0):
        msg = f"limit takes a whole number of 0 or more, or None; not {limit!r}"
        raise ValueError(msg)
    problem = _query_problem(query, max_terms)
    if problem is not None:
        raise ValueError(problem)
    name = os.fspath(path)
    connection = _open_read(name)
    phrases = max(1, len(_phrases(query, _CHECKED_TERMS)))
    own = _own_marks()
    try:
        connection.create_function("storykit_marks", 1, _counter(own), deterministic=True)
        rows = connection.execute(
            _SEARCH,
            ((own[0],) * len(_TEXTS) + (phrases, *mark, query, _sql_limit(limit))),
        ).fetchall()
        rows = [
            row
            if row[-1] is not None
            else (*row[:-1], _plain_snippet(connection, query, row[0], mark, phrases, own=own))
            for row in rows
        ]
        bad = next((row for row in rows if _not_text(row) is not None), None)
        if bad is not None:  # its number, as the reader gives it, in place of a line
            (number,) = connection.execute(
                "SELECT count(*) FROM stories WHERE pk <= ?", (bad[0],)
            ).fetchone()
    except sqlite3.OperationalError as exc:
        # (a damaged index says "invalid fts5 file format": the database's fault, which an
        # empty index that reads the query shows)
        if any(what in str(exc) for what in _QUERY_ERRORS) and not _understood(query):
            raise ValueError(_not_understood(query, str(exc))) from None
        raise StoryParseError(
            f"cannot search the database: {problem_of(exc)}", filename=name
        ) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise StoryParseError(
            f"cannot search the database: {problem_of(exc)}", filename=name
        ) from None
    finally:
        connection.close()
    if bad is not None:
        named = f"story {bad[1]}: " if isinstance(bad[1], str) else ""
        msg = f"cannot search the database: {named}{_not_text(bad)}"
        raise StoryParseError(msg, filename=name, line=number)
    return [Hit(*row[1:]) for row in rows]


def _sql_limit(limit: int | None) -> int:
    """``limit`` as SQLite's ``LIMIT`` takes it: -1 for none, and never past its integers.

    2**63 was an ``OverflowError`` out of ``storykit search -n``; no database holds as
    many stories as the largest.
    """
    return -1 if limit is None else min(limit, 2**63 - 1)


_HIT_TEXTS = (("id", False), ("title", False), ("source", True), ("published", True), ("url", True))
"""The columns of a hit after its ``pk``, and whether each may be NULL."""


def _not_text(row: tuple[object, ...]) -> str | None:
    """What in a hit's row is not the text a :class:`Hit` holds, or None.

    A database made or damaged by another program may hold any type in any column (SQLite
    checks none in a ``TEXT`` column but NOT NULL): a BLOB title was a ``Hit`` of ``bytes``,
    and ``storykit search`` ended in a traceback printing it.
    """
    for (column, optional), value in zip(_HIT_TEXTS, row[1:], strict=False):
        if isinstance(value, str) or (value is None and optional):
            continue
        kind = {bytes: "a BLOB", type(None): "NULL"}.get(type(value), "a number")
        return f"{column}: expected text, got {kind}"
    return None
