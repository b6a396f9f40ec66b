"""``load``/``loads``/``dump``/``dumps``: find the format, then delegate to its module.

Reading is here; writing (``dump``, ``dumps``) is :mod:`storykit._api_write`'s, exported
from here too.

Path, file and byte handling live here; bytes become text through :mod:`storykit._decoding`
(the one decode point, which this module calls); formats see ``str``. How much of an open
file is read (all of it, or of a stream that may never end, at most a story's limit) is
:func:`storykit._raw_stream.read_whole`'s, with the rest of reading any readable.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from typing import IO, Any, Literal, NoReturn, Unpack, overload

from storykit import formats
from storykit._api_write import dump, dumps, write_story
from storykit._decoding import binary_error, decode
from storykit._guards import check_text
from storykit._refusals import socket_error
from storykit._suffixes import named_format
from storykit._surrogates import _scan_text
from storykit.errors import StoryParseError, UnknownFormatError
from storykit.formats import (
    ReadFormat,
    TextFormat,
    TextReadOptions,
)
from storykit.model import Story

__all__ = [
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "read_story",
    "write_story",
]

Source = str | os.PathLike[str] | IO[str] | IO[bytes]


@overload
def loads(
    data: str | bytes,
    format: Literal["text", "txt"] | None = None,
    *,
    filename: str | None = None,
    **options: Unpack[TextReadOptions],
) -> Story: ...
@overload
def loads(data: str | bytes, format: ReadFormat, *, filename: str | None = None) -> Story: ...
def loads(
    data: str | bytes,
    format: str | None = None,
    *,
    filename: str | None = None,
    **options: Any,
) -> Story:
    """Read one story from a string (or UTF-8 bytes).

    Args:
        data: The story as text or bytes.
        format: ``"text"``, ``"json"``, ``"markdown"``, ``"ninjs"`` (or an alias: ``"txt"``,
            ``"md"``, ``"jsonl"``), or ``None`` to take it from ``filename``'s suffix, else
            to sniff it from the content.
        filename: Named in error messages (and used to pick the format if ``format`` is None).
        **options: Passed to the format's reader (the text reader takes ``splitter``).

    Raises:
        StoryParseError: The input is not a story in that format (names file and line).
        UnknownFormatError: ``format`` names no format storykit reads from text, or
            ``filename`` is a SQLite or Parquet file's (the message names what reads it).
        MissingExtraError: The format needs an optional extra that is not installed.
    """
    # read_story's two steps, called from here: a reader's warning names the line that
    # called loads (its stack level is counted from the reader up, as for load)
    module = _reader_asked(format, filename, "loads", options)
    try:
        return _read(
            data,
            module,
            sniffed=format is None,
            function="loads",
            filename=filename,
            options=options,
        )
    except StoryParseError as exc:
        if not _names_a_file(data):
            raise
        hint = f"; the text given is the name of a file: read the file with storykit.load({data!r})"
        raise StoryParseError(
            exc.message + hint, filename=exc.filename, line=exc.line, path=exc.path
        ) from None


def _names_a_file(data: str | bytes) -> bool:
    """Whether ``data``, which no reader took for a story, is the name of a file there.

    ``loads("a.txt")`` for ``load("a.txt")`` (as ``json.loads`` for ``json.load``) said only
    "expected a blank line and then the title after the header". Looked at on a failure only.
    """
    if not isinstance(data, str) or not 0 < len(data) < 4096 or "\n" in data or "\0" in data:
        return False
    try:
        return os.path.isfile(data)
    except (OSError, ValueError):  # a name too long, a lone surrogate
        return False


def read_story(
    data: str | bytes,
    format: str | None = None,
    function: str = "loads",
    /,
    *,
    filename: str | None = None,
    **options: Any,
) -> Story:
    """:func:`loads` for a format name only known when running (storykit's own callers).

    ``function`` is the public function named when the format's reader refuses an option
    (positional only: an option of that name is the reader's, and refused).
    """
    module = _reader_asked(format, filename, function, options)
    return _read(
        data, module, sniffed=format is None, function=function, filename=filename, options=options
    )


def _reader_asked(
    format: str | None, filename: str | None, function: str, options: dict[str, Any]
) -> TextFormat | None:
    """The reader ``format`` names, else the one ``filename``'s suffix names; None: sniffed.

    Asked before anything is read or decoded (:func:`load` asks before it opens the file),
    so an unknown format, a SQLite or Parquet file's name, or an option the reader does not
    take is refused at once.

    Raises:
        UnknownFormatError: ``format`` names no format storykit reads from text, or
            ``filename`` is a SQLite or Parquet file's.
        TypeError: The reader does not take one of ``options`` (named with ``function``).
    """
    if format is not None:
        module = formats.reader(format)
    elif filename is not None:
        named = named_format(filename)
        if named is None:
            return None
        if named in formats.FILE_FORMATS:
            _refuse_file_format(filename, named)
        try:
            module = formats.reader(named)
        except UnknownFormatError:  # .html: read first, to say what it is if it is HTML
            return None
    else:
        return None
    if options:
        formats.check_options(function, module.NAME, options, read=True)
    return module


def _read(
    data: str | bytes,
    module: TextFormat | None,
    *,
    sniffed: bool,
    function: str,
    filename: str | None,
    options: dict[str, Any],
) -> Story:
    """:func:`read_story` once the reader is known (``module``), or to be found (None).

    ``sniffed``: no format was given, so the text is looked at for one storykit only
    writes (and, with no ``module``, for the one it holds).
    """
    if isinstance(data, (bytes, bytearray)):
        text = decode(data, filename)  # decoded bytes hold no lone surrogate
        # U+0000 is zero bytes in UTF-8, UTF-16 and UTF-32: bytes without one hold no NUL
        clean = b"\0" not in data
    else:
        text, clean = data, False
    if not isinstance(text, str):
        msg = f"loads() takes str or bytes, not {type(data).__name__}"
        raise TypeError(msg)
    if text.startswith("\ufeff"):
        text = text[1:]
    # where the text holds its first NUL (-1: nowhere), and whether it is Unicode text
    if clean:
        nul, unicode = -1, True
    elif isinstance(data, (bytes, bytearray)):
        nul, unicode = text.find("\0"), True
    else:  # a str: scanned once for both
        nul, unicode = _scan_text(text)
    if 0 <= nul < 1024:  # (the decoded text: bytes may be UTF-16 with a BOM)
        raise binary_error(text, filename)
    if sniffed:
        written = formats.written_only(text)
        if written is not None:
            msg = (
                f"this is {written}, which storykit writes but does not read; read the "
                "story from what it was made from (storykit JSON, a text dump, Markdown "
                "or ninjs)"
            )
            raise StoryParseError(msg, filename=filename, line=1)
    if not unicode:
        check_text(text, filename)  # a lone surrogate: refused, saying where
    if module is None:  # sniffed, or named by a suffix storykit only writes (refused here)
        named = None if filename is None else named_format(filename)
        module = _reader_asked(named or formats.sniff(text), None, function, options)
        assert module is not None  # (a format was given)
    # the text holds no lone surrogate (decoded, or scanned above): a format's reader that
    # would look for them (and for NUL) again offers ``_loads_checked`` to skip that
    checked: Callable[..., Story] | None = getattr(module, "_loads_checked", None)
    try:
        if checked is not None:
            return checked(text, filename=filename, nul=nul, **options)
        return module.loads(text, filename=filename, **options)
    except RecursionError:
        raise StoryParseError("input nested too deeply", filename=filename) from None


def _refuse_file_format(filename: str, name: str) -> NoReturn:
    """Refuse a SQLite or Parquet file given to :func:`load`, saying what reads it.

    ``name``: the file format (:data:`storykit.formats.FILE_FORMATS`) its suffix says.

    Raises:
        UnknownFormatError: Always.
    """
    raise UnknownFormatError(_read_with_iter_stories(filename, f"a {name} file of many stories"))


def _read_with_iter_stories(filename: str, what: str) -> str:
    """Why :func:`load` does not read ``filename`` (``what`` it is), and what does."""
    return (
        f"{filename} is {what}: read it with storykit.iter_stories({filename!r}) "
        "(load() reads one story)"
    )


def _open_error(filename: str, exc: OSError) -> OSError:
    """The error to raise for ``filename``, which :func:`open` refused with ``exc``.

    A folder says so and points to :func:`storykit.iter_stories`, which reads one (a bare
    ``IsADirectoryError: [Errno 21] Is a directory: 'seeds'`` did not); it stays an
    ``IsADirectoryError`` with its ``errno``, so that ``except OSError`` (or a look at
    ``errno.EISDIR``) goes on catching it. (Windows refuses to open a folder with
    ``PermissionError``: the folder is looked at, not the error's type.) A socket says
    that it is one, which storykit does not read (:func:`storykit._refusals.socket_error`,
    as every reader of many stories says it). Other errors are ``exc``.
    """
    try:  # (nothing imported before: the error may be that no file can be opened)
        mode = os.stat(filename).st_mode
    except (OSError, ValueError):
        return exc
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, _read_with_iter_stories(filename, "a folder"))
    if stat.S_ISSOCK(mode):
        return socket_error(filename)
    return exc


@overload
def load(
    source: Source,
    format: Literal["text", "txt"] | None = None,
    **options: Unpack[TextReadOptions],
) -> Story: ...
@overload
def load(source: Source, format: ReadFormat) -> Story: ...
def load(
    source: Source,
    format: str | None = None,
    **options: Any,
) -> Story:
    """Read one story from a path or an open (text or binary) file.

    The format comes from ``format``, else from the file's suffix, else from its content.
    A SQLite database, a Parquet file or a folder holds many stories:
    :func:`storykit.iter_stories` reads those. A named pipe or a device is read as a
    stream, up to 16 MiB (``/dev/stdin``, a shell's ``<(cat a.txt)``); opening a named
    pipe waits for a writer, as ``cat`` does.

    Raises:
        StoryParseError: As :func:`loads`, naming the file.
        UnknownFormatError: As :func:`loads`; also for a ``.db``, ``.sqlite`` or
            ``.parquet`` path (the message says to use :func:`storykit.iter_stories`).
        OSError: The file cannot be opened; ``IsADirectoryError`` for a folder (the
            message says to read it with :func:`storykit.iter_stories`); errno ``ENXIO``
            for a socket, which storykit does not read (the message says so).
        TypeError: ``source`` is neither a path nor an open file (the bytes or text of a
            story: :func:`loads` reads those).
    """
    from storykit._raw_stream import read_whole  # noqa: PLC0415 - not at import: load() reads

    filename: str | None
    if not isinstance(source, (str, os.PathLike)) and not hasattr(source, "read"):
        msg = f"load() takes a path or an open file, not {type(source).__name__}"
        if isinstance(source, (bytes, bytearray)):
            msg += "; the bytes of a story are read with storykit.loads()"
        raise TypeError(msg)
    if isinstance(source, (str, os.PathLike)):
        filename = os.fspath(source)
        # before reading (a whole database into memory, or a story to refuse its option)
        module = _reader_asked(format, filename, "load", options)
        try:
            file = open(filename, "rb")  # noqa: SIM115 - closed below; only open() is caught
        except OSError as exc:
            raise _open_error(filename, exc) from None
        with file:
            data: str | bytes = read_whole(file, filename)
    else:
        name: object = getattr(source, "name", None)
        filename = name if isinstance(name, str) else None
        module = _reader_asked(format, filename, "load", options)
        data = read_whole(source, filename)
    return _read(
        data, module, sniffed=format is None, function="load", filename=filename, options=options
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of storykit's JSON for one story."""
    from storykit.formats import json  # noqa: PLC0415 - cattrs is imported lazily

    return json.schema()
