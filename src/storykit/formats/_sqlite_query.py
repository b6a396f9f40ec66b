"""A search query as SQLite's full-text index (FTS5) reads it, and what is wrong with one.

:func:`_query_problem` says why a query is not searched for: empty, not UTF-8, one SQLite
cannot read (asked of an empty copy of the index, with advice on how a query is written),
or more terms than the limit (counted as the index splits words). :func:`_phrases` gives
the words and quoted strings a query looks for, read as SQLite's lexer reads them
(:func:`_lex`). :mod:`storykit.formats._sqlite_search` runs the query.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

# (sqlite3 is imported by the functions that use it: see _sqlite_search's _imported)

_CHECKED_TERMS = 1000
"""Up to this many terms, a query over the limit is first read by SQLite, so that one it
cannot read says why; reading one costs SQLite time in the square of its terms too."""

_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
"""The tokenizer of ``stories_fts``."""

_QUERY_SCHEMA = (
    f"CREATE VIRTUAL TABLE q USING fts5 (title, headings, body, tags, {_TOKENIZE});"
    f"CREATE VIRTUAL TABLE words USING fts5 (text, {_TOKENIZE});"
    "CREATE VIRTUAL TABLE tokens USING fts5vocab (words, 'instance');"
)
"""An empty copy of the index, for SQLite to read a query on, and a table for counting
words as the index splits them (the same columns and tokenizer as ``stories_fts``)."""

_SPACE = " \t\n\r"
_PUNCTUATION = "(){}:,+*-^"
_BAREWORD = re.compile("[^\x00-\x19\x1b-/:-@[-^`{-\x7f]+")
"""A word outside quotes, as FTS5 reads one: ASCII letters, digits, ``_``, ``^Z``, or any
character beyond ASCII. Written as what it is not (the other ASCII characters): the same set,
which ``re`` compiles 40 times faster than the range U+0080 to U+10FFFF (2.5 ms, a good
part of a ``storykit convert``'s start, which builds the ``search`` command's parser)."""


def _too_many(terms: int, limit: int, how: tuple[str, str], *, exact: bool = True) -> str:
    said = f"{terms:,}" if exact else f"over {terms - 1:,}"
    return (
        f"too many terms in the search query: {said}; the most is {limit:,}"
        f" (each word counts; {how[0]} sets the limit, {how[1]} for none)"
    )


def _lex(query: str) -> Iterator[str]:
    """The tokens of an FTS5 query as SQLite's lexer reads them, up to one it refuses.

    A word comes as ``w`` and its text, a quoted string as ``"`` and its text (``""``
    undone), ``OR``/``AND``/``NOT`` and punctuation as themselves. Never raises: where
    SQLite would stop (an unterminated string, a character no query has), this stops.
    """
    end = query.find("\x00")  # FTS5 reads the query as a C string
    if end >= 0:
        query = query[:end]
    i, size = 0, len(query)
    while True:
        while i < size and query[i] in _SPACE:
            i += 1
        if i >= size:
            return
        char = query[i]
        if char in _PUNCTUATION:
            yield char
            i += 1
        elif char == '"':
            parts = []
            start = i + 1
            while True:
                close = query.find('"', start)
                if close < 0:
                    return  # unterminated string
                parts.append(query[start:close])
                if not query.startswith('"', close + 1):
                    break
                parts.append('"')
                start = close + 2
            yield '"' + "".join(parts)
            i = close + 1
        else:
            word = _BAREWORD.match(query, i)
            if word is None:
                return  # a character no query has
            i = word.end()
            text = word.group()
            yield text if text in ("OR", "AND", "NOT") else "w" + text


def _phrases(query: str, most: int) -> list[str]:
    """The text of each word or quoted string of ``query`` looked for (``most`` + 1 at most).

    Column names (``title:``, ``{title body}:``), ``NEAR`` and its distance are not.
    """
    found: list[str] = []
    braces = False
    before = ""
    lexed = _lex(query)
    item = next(lexed, "")
    while item and len(found) <= most:
        after = next(lexed, "")
        if item in "{}":
            braces = item == "{"
        elif item[0] in 'w"' and not braces and after not in (":", "(") and before != ",":
            found.append(item[1:])
        before, item = item, after
    return found


_SHOWN = 100
"""The most characters of a query a message shows (a query of 200,000 was shown whole)."""

_MINUS_WORD = re.compile(r"(?:^|[\s(])-[^\s\-]")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")


def _shown(query: str) -> str:
    """``query`` as a message shows it: quoted, escaped, cut short when it is long."""
    if len(query) <= _SHOWN:
        return repr(query)
    return f"{query[:_SHOWN]!r}… ({len(query):,} characters)"


def _not_understood(query: str, reason: str) -> str:
    """Say that SQLite cannot read ``query`` (its ``reason``), and how a query is written."""
    text = (
        f"not a search query SQLite understands: {_shown(query)} ({reason}); words match as "
        'they are, a phrase goes in double quotes ("trade war"), and AND, OR, NOT, NEAR, '
        "parentheses, a final * and a colon after a column name are FTS5 syntax"
    )
    unquoted = re.sub(r'"[^"]*"', " ", query)
    if _MINUS_WORD.search(unquoted):  # trade -war, as a web search leaves a word out
        text += "; to leave a word out, put NOT before it (trade NOT war), not a -"
    hyphenated = _HYPHENATED.search(unquoted)
    if hyphenated is not None:  # ("no such column: b" for a-b)
        text += f'; a word with a hyphen goes in double quotes ("{hyphenated.group()}")'
    return text


def _query_problem(
    query: str, max_terms: int | None, how: tuple[str, str] = ("max_terms=N", "None")
) -> str | None:
    """Why ``query`` is not searched for, or ``None``.

    It is not if SQLite cannot read it, or if it has more than ``max_terms`` terms (the
    message names ``how`` the limit is set, and its value for none). A term
    is a word as the index splits text into words, in or out of quotes (``chips``,
    ``elect*``, each word of ``"trade war"``); a quoted string without any counts as one.
    SQLite reads the query first, on an empty index, unless it has more than
    :data:`_CHECKED_TERMS` terms and a limit (SQLite's time to read one grows with the
    square of its terms too).
    """
    import sqlite3  # noqa: PLC0415 - see _imported

    read = query.split("\x00", 1)[0]  # FTS5 reads the query as a C string
    if not read.strip():  # no text, or only space (U+3000 too, which matched nothing)
        where = "" if read == query else " up to its NUL character, where SQLite stops reading"
        return f'the query is empty{where}: give the words to look for (chips, "trade war", elect*)'
    try:
        query.encode()
    except UnicodeEncodeError as exc:
        odd = query[exc.start]
        return (
            f"not a search query SQLite understands: {_shown(query)} ({odd!r} is no "
            "character: a byte that is not UTF-8, of text in another encoding); give the "
            "query as UTF-8 text"
        )
    most = max(_CHECKED_TERMS, max_terms or 0)
    phrases = _phrases(query, most)
    if max_terms is not None and len(phrases) > most:
        return _too_many(most + 1, max_terms, how, exact=False)
    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        memory.executescript(_QUERY_SCHEMA)
        memory.executemany("INSERT INTO words (rowid, text) VALUES (?, ?)", enumerate(phrases))
        words, with_words = memory.execute(
            "SELECT count(*), count(DISTINCT doc) FROM tokens"
        ).fetchone()
        terms = words + len(phrases) - with_words
        too_many = max_terms is not None and terms > max_terms
        if too_many and terms > _CHECKED_TERMS:
            return _too_many(terms, max_terms or 0, how)
        if terms <= _CHECKED_TERMS:
            error = _match_error(memory, query)
            if error is not None:
                return _not_understood(query, error)
    return _too_many(terms, max_terms or 0, how) if too_many else None


def _match_error(memory: sqlite3.Connection, query: str) -> str | None:
    """What SQLite says of ``query`` on ``memory``'s empty copy of the index (``None``: read)."""
    import sqlite3  # noqa: PLC0415 - see _imported

    try:
        memory.execute("SELECT rowid FROM q WHERE q MATCH ?", (query,)).fetchall()
    except sqlite3.OperationalError as exc:
        return str(exc)
    return None


def _understood(query: str) -> bool:
    """Whether SQLite reads ``query`` on an empty copy of the index."""
    import sqlite3  # noqa: PLC0415 - see _imported

    with contextlib.closing(sqlite3.connect(":memory:")) as memory:
        memory.executescript(_QUERY_SCHEMA)
        return _match_error(memory, query) is None
