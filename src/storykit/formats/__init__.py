"""The format registry: names and suffixes mapped to format modules, imported lazily.

Every format module has the same small surface: ``NAME``, ``SUFFIXES``, ``detect(text)``,
``loads(text, **options)`` (if it can read) and ``dumps(story, **options)``. A module whose
optional dependency is missing raises :class:`~storykit.errors.MissingExtraError` naming the
extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from storykit.errors import UnknownFormatError

__all__ = ["FILE_FORMATS", "FORMATS", "by_name", "by_suffix", "names", "sniff"]

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


def names() -> list[str]:
    """The registered format names, sorted."""
    return sorted(FORMATS)


def by_name(name: str) -> ModuleType:
    """The module of the format called ``name``.

    Raises:
        UnknownFormatError: No format has that name (the message lists the known ones).
    """
    module = _loaded.get(name)
    if module is not None:
        return module
    try:
        path, _ = FORMATS[name]
    except (KeyError, TypeError):
        msg = f"unknown format {name!r}; known formats: {', '.join(names())}"
        raise UnknownFormatError(msg) from None
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
