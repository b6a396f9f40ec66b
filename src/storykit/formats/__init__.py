"""The format registry: names and suffixes mapped to format modules, imported lazily.

Every format module has the same small surface: ``NAME``, ``SUFFIXES``, ``detect(text)``,
``loads(text, **options)`` (if it can read) and ``dumps(story, **options)``. A module whose
optional dependency is missing raises :class:`~storykit.errors.MissingExtraError` naming the
extra to install.
"""

from __future__ import annotations

import difflib
import importlib
from types import ModuleType
from typing import Any

from storykit.errors import UnknownFormatError

__all__ = [
    "ALIASES",
    "FILE_FORMATS",
    "FORMATS",
    "by_name",
    "by_suffix",
    "names",
    "resolve",
    "sniff",
    "written_only",
]

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
        close = difflib.get_close_matches(name.lower(), [*FORMATS, *ALIASES], n=1, cutoff=0.6)
        if close:
            msg += f" (did you mean {resolve(close[0])[0]}?)"
    return msg


def names() -> list[str]:
    """The registered format names, sorted."""
    return sorted(FORMATS)


def by_name(name: str) -> ModuleType:
    """The module of the format called ``name`` (or an alias of it: ``md``, ``htm``…).

    Raises:
        UnknownFormatError: No format has that name (the message lists the known ones and
            suggests the nearest).
    """
    module = _loaded.get(name)
    if module is not None:
        return module
    name = resolve(name)[0]
    path, _ = FORMATS[name]
    module = importlib.import_module(path)
    _loaded[name] = module
    return module


_loaded: dict[str, ModuleType] = {}


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
        if name in ("json", "text") or name in FILE_FORMATS:  # files, never text
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


def written_only(text: str) -> str | None:
    """What ``text`` is, when it is a format storykit writes but does not read, else None.

    Storykit's HTML and JSON-LD, and its Atom and JSON Feed feeds (:mod:`storykit.feeds`).
    """
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    for name, what in _WRITTEN_ONLY.items():
        if by_name(name).detect(head):
            return what
    if head.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head:
        return "an Atom feed"
    if head.startswith("{") and '"https://jsonfeed.org/version/' in head:
        return "a JSON Feed"
    return None
