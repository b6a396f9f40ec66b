"""The format registry: names and suffixes mapped to format modules, imported lazily.

Every format module has the same small surface, written down as the protocols below:
``NAME``, ``SUFFIXES`` and ``detect(text)`` (:class:`Format`); a format written as text has
``dumps(story, **options)`` (:class:`TextWriter`), and one read from text ``loads(text)`` too
(:class:`TextFormat`); a file format (SQLite, Parquet) has ``write(stories, path)`` and
``read_pieces(path)`` instead (:class:`FileFormat`). :func:`writer`, :func:`reader` and
:func:`file_format` give a format's module typed as what it is asked to do, and refuse (with
a message that says what to use) a format that cannot do it. A module whose optional
dependency is missing raises :class:`~storykit.errors.MissingExtraError` naming the extra to
install.

The names a user may pass are :data:`FormatName`, :data:`ReadFormat` and
:data:`WriteFormat` (``Literal`` types, so that a type checker catches ``"jsonn"``); the
keyword options of each writer are the ``TypedDict`` s :class:`JsonOptions`,
:class:`TextOptions`, :class:`MarkdownOptions`, :class:`HtmlOptions`,
:class:`JsonldOptions` and :class:`NinjsOptions` (and the text reader's,
:class:`TextReadOptions`). Those, and the check that refuses an option a format does not
take (:func:`check_options`, with :func:`did_you_mean`'s hint), are
:mod:`storykit.formats._options`'s, re-exported here; this module is the registry and the
look-ups in it.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast, runtime_checkable

from storykit.errors import UnknownFormatError
from storykit.formats._options import (  # the writers' and readers' options, checked
    READER_OPTIONS,
    WRITER_OPTIONS,
    AnyWriterOptions,
    HtmlOptions,
    JsonldOptions,
    JsonOptions,
    MarkdownOptions,
    NinjsOptions,
    TextOptions,
    TextReadOptions,
    check_options,
    did_you_mean,
)

if TYPE_CHECKING:
    from storykit._records import Failure, Origin, Piece
    from storykit.formats.sqlite import WriteCounts
    from storykit.model import Story

__all__ = [
    "ALIASES",
    "FILE_FORMATS",
    "FORMATS",
    "READER_OPTIONS",
    "WRITER_OPTIONS",
    "AnyWriterOptions",
    "FileFormat",
    "Format",
    "FormatName",
    "HtmlOptions",
    "JsonOptions",
    "JsonldOptions",
    "MarkdownOptions",
    "NinjsOptions",
    "ReadFormat",
    "TextFormat",
    "TextOptions",
    "TextReadOptions",
    "TextWriter",
    "WriteFormat",
    "by_name",
    "by_suffix",
    "check_options",
    "did_you_mean",
    "file_format",
    "names",
    "reader",
    "resolve",
    "sniff",
    "writer",
    "written_only",
]

# --------------------------------------------------------------------------- names

FormatName = Literal["json", "text", "markdown", "html", "jsonld", "ninjs", "sqlite", "parquet"]
"""The registered formats' names (the keys of :data:`FORMATS`)."""

ReadFormat = Literal["json", "text", "markdown", "ninjs", "jsonl", "md", "txt"]
"""The names (and aliases) :func:`storykit.loads` and :func:`storykit.load` take."""

WriteFormat = Literal[
    "json", "text", "markdown", "html", "jsonld", "ninjs", "jsonl", "md", "htm", "txt"
]
"""The names (and aliases) :func:`storykit.dumps` and :func:`storykit.dump` take."""

# --------------------------------------------------------------------------- protocols


@runtime_checkable
class Format(Protocol):
    """What every format module has."""

    @property
    def NAME(self) -> str:  # noqa: N802 - a module constant, read-only here
        """The format's name in the registry."""
        ...

    @property
    def SUFFIXES(self) -> tuple[str, ...]:  # noqa: N802
        """The file suffixes it owns, as in the registry."""
        ...

    def detect(self, text: str, /) -> bool:
        """Whether ``text`` looks like this format."""
        ...


@runtime_checkable
class TextWriter(Format, Protocol):
    """A format a story is written in as text (HTML and JSON-LD are only written)."""

    def dumps(self, story: Story, /, *args: Any, **options: Any) -> str:
        """The story in this format; the options are the writer's own (see ``*Options``)."""
        ...


@runtime_checkable
class TextFormat(TextWriter, Protocol):
    """A format read from text and written as text (storykit JSON, the dump, Markdown, ninjs)."""

    def loads(self, text: str, /, *, filename: str | None = None) -> Story:
        """Read one story; errors name ``filename``.

        Raises:
            StoryParseError: ``text`` is not a story in this format.
        """
        ...


@runtime_checkable
class FileFormat(Format, Protocol):
    """A binary file of many stories, written and read by path (SQLite, Parquet)."""

    def write(
        self,
        items: Iterable[Story | tuple[Origin, Story]],
        path: str | os.PathLike[str],
        /,
        *,
        force: bool = ...,
    ) -> WriteCounts | int:
        """Write the stories to ``path``; what was written (a count, or counts)."""
        ...

    def read_pieces(
        self, path: str, /, *, max_member_size: int | None = ...
    ) -> Iterator[Piece | Failure]:
        """The stories of the file, as pieces of storykit JSON (for the batch readers).

        A story larger than ``max_member_size`` bytes is a :class:`Failure` instead.
        """
        ...


# --------------------------------------------------------------------------- the registry

FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (module, suffixes); formats are sniffed in this order, JSON and text last.
    "json": ("storykit.formats.json", (".json",)),
    "text": ("storykit.formats.text", (".txt",)),
    "markdown": ("storykit.formats.markdown", (".md", ".markdown")),
    "html": ("storykit.formats.html", (".html", ".htm")),  # write-only
    "jsonld": ("storykit.formats.jsonld", (".jsonld",)),  # write-only
    "ninjs": ("storykit.formats.ninjs", (".ninjs", ".ninjs.json")),  # .json stays storykit JSON
    "sqlite": ("storykit.formats.sqlite", (".db", ".sqlite", ".sqlite3")),  # a file format
    "parquet": ("storykit.formats.parquet", (".parquet",)),  # a file format; storykit[parquet]
}
"""The registered formats. Data, not code: a module is imported the first time it is used."""

FILE_FORMATS = frozenset({"sqlite", "parquet"})
"""Formats that hold many stories in one binary file, written and read by path, not as text.

Their modules have ``read_pieces(path)`` (the stories as pieces of storykit JSON, for the
batch readers) instead of ``loads``, and a ``to_*`` writer instead of ``dumps``. They are
read when named (``iter_stories("stories.db")``), not when found walking a folder.
"""


ALIASES: dict[str, tuple[str, dict[str, Any]]] = {
    # alias: (format, the writer's options it stands for)
    "md": ("markdown", {}),
    "htm": ("html", {}),
    "txt": ("text", {}),
    "jsonl": ("json", {"indent": None}),  # JSON Lines: one story per line
}
"""Other names people type for a format (a file's suffix, mostly), accepted everywhere a
format is named."""


def resolve(name: str) -> tuple[str, dict[str, Any]]:
    """The format a name or alias stands for, and the writer's options the alias implies.

    Raises:
        UnknownFormatError: No format has that name (the message suggests the nearest).
    """
    if isinstance(name, str):
        if name in FORMATS:
            return name, {}
        alias = ALIASES.get(name.lower())
        if alias is not None:
            return alias[0], dict(alias[1])
        if name.lower() in FORMATS:
            return name.lower(), {}
    raise UnknownFormatError(_unknown(name))


def _unknown(name: object) -> str:
    msg = f"unknown format {name!r}; known formats: {', '.join(names())}"
    if isinstance(name, str):
        msg += did_you_mean(name.lower(), [*FORMATS, *ALIASES], shown=lambda c: resolve(c)[0])
    return msg


def names() -> list[str]:
    """The registered format names, sorted."""
    return sorted(FORMATS)


def by_name(name: str) -> Format:
    """The module of the format called ``name`` (or an alias of it: ``md``, ``htm``…).

    To call its reader or writer, ask :func:`reader`, :func:`writer` or :func:`file_format`
    for it: they say what the module can do (and refuse a format that cannot).

    Raises:
        UnknownFormatError: No format has that name (the message lists the known ones and
            suggests the nearest).
        MissingExtraError: The format needs an optional extra that is not installed.
    """
    return cast("Format", _module(name))


def writer(name: str) -> TextWriter:
    """The module of a format written as text: it has ``dumps(story, **options)``.

    Raises:
        UnknownFormatError: No such format, or a file format (SQLite, Parquet: the message
            names the function that writes it).
    """
    module = _module(name)
    name = module.NAME
    if name in FILE_FORMATS:
        msg = f"a {name} file holds many stories: write it with storykit.to_{name}(stories, path)"
        raise UnknownFormatError(msg)
    return cast("TextWriter", module)


def reader(name: str) -> TextFormat:
    """The module of a format read from text: it has ``loads(text)`` (and ``dumps``).

    Raises:
        UnknownFormatError: No such format, one storykit only writes (HTML, JSON-LD), or a
            file format (the message names the function that reads it).
    """
    module = _module(name)
    name = module.NAME
    if name in FILE_FORMATS:
        msg = f"a {name} file holds many stories: read it with storykit.iter_stories(path)"
        raise UnknownFormatError(msg)
    if not hasattr(module, "loads"):
        msg = f"format {name!r} can be written but not read"
        raise UnknownFormatError(msg)
    return cast("TextFormat", module)


def file_format(name: str) -> FileFormat:
    """The module of a file format (:data:`FILE_FORMATS`): ``write`` and ``read_pieces``.

    Raises:
        UnknownFormatError: No such format, or one that is not a file format.
    """
    module = _module(name)
    if module.NAME not in FILE_FORMATS:
        msg = f"format {module.NAME!r} is not a file format ({', '.join(sorted(FILE_FORMATS))})"
        raise UnknownFormatError(msg)
    return cast("FileFormat", module)


def _module(name: str) -> Any:
    module = _loaded.get(name)
    if module is not None:
        return module
    name = resolve(name)[0]
    path, _ = FORMATS[name]
    module = importlib.import_module(path)
    _loaded[name] = module
    return module


_loaded: dict[str, ModuleType] = {}

if TYPE_CHECKING:  # mypy checks here that each module is what the registry says it is
    from storykit.formats import html, jsonld, markdown, ninjs, parquet, sqlite, text
    from storykit.formats import json as json_format

    _TEXT_FORMATS: tuple[TextFormat, ...] = (json_format, text, markdown, ninjs)
    _WRITE_ONLY: tuple[TextWriter, ...] = (html, jsonld)
    _FILE_FORMATS: tuple[FileFormat, ...] = (sqlite, parquet)


def by_suffix(suffix: str) -> str | None:
    """The name of the format that owns a file suffix (``".md"``), or ``None``."""
    suffix = suffix.lower()
    for name, (_, suffixes) in FORMATS.items():
        if suffix in suffixes:
            return name
    return None


def sniff(text: str) -> str:
    """Guess the format of ``text`` from its content.

    Every readable format but storykit JSON and the dump is asked first (their ``detect``
    is specific: a ninjs item is JSON too); then anything that starts like JSON is storykit
    JSON; the story dump is the fallback.
    """
    for name in FORMATS:
        if name in _NOT_SNIFFED:
            continue
        try:
            module = by_name(name)
        except ImportError:  # an optional extra that is not installed cannot be sniffed
            continue
        if hasattr(module, "loads") and module.detect(text):
            return name
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return "json" if head and head in "{[" else "text"


_WRITTEN_ONLY = {
    "html": "storykit HTML",
    "jsonld": "schema.org JSON-LD",
}


_NOT_SNIFFED = frozenset({"json", "text", *FILE_FORMATS, *_WRITTEN_ONLY})
"""What :func:`sniff` asks no ``detect``: storykit JSON and the dump (decided last), files
(never text), and the formats storykit only writes (no reader to sniff for)."""

_WRITTEN_ONLY_STARTS = ("<", "{")
"""How every format of :func:`written_only` starts (after white space and a BOM): HTML and
Atom with ``<``, JSON-LD and JSON Feed with ``{`` (a test holds each ``detect`` to it)."""


def written_only(text: str) -> str | None:
    """What ``text`` is, when it is a format storykit writes but does not read, else None.

    Storykit's HTML and JSON-LD, and its Atom and JSON Feed feeds (:mod:`storykit.feeds`).
    """
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if head[:1] not in _WRITTEN_ONLY_STARTS:  # a story dump, Markdown: at once
        return None
    for name, what in _WRITTEN_ONLY.items():
        if by_name(name).detect(head):
            return what
    if head.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head:
        return "an Atom feed"
    if _JSON_FEED_RE.match(head):
        return "a JSON Feed"
    return None


# a JSON Feed's first key, as storykit writes it (a story may hold that URL anywhere else)
_JSON_FEED_RE = re.compile(r'\{\s*"version"\s*:\s*"https://jsonfeed\.org/version/')
