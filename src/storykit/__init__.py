"""storykit: typed news stories, read from plain-text story dumps and converted.

Read one story with :func:`load` (a path or an open file) or :func:`loads` (a string); write
one with :func:`dumps` (a string) or :func:`dump` (a file, the format from its suffix); read
many, lazily, with :func:`iter_stories` (folders, globs, zip and tar archives, JSON Lines).
Formats: ``"text"`` (the dump), ``"json"``, ``"markdown"``, ``"html"``, ``"jsonld"``,
``"ninjs"``. A :class:`Story` is a frozen attrs class (change one with ``attrs.evolve``);
input that is not a story raises :class:`StoryParseError`, which names the file and line.
The ``storykit`` command does the same from a shell (``storykit --help``).

>>> import storykit
>>> story = storykit.load("seeds/000_1f0ab7ed21f31e00.txt")
>>> story.tags
('AI', 'EVs', 'Semiconductors', 'Smartphones')
>>> storykit.loads(storykit.dumps(story, "json")) == story
True
"""

import importlib
from typing import TYPE_CHECKING, Any

from storykit import _display
from storykit._api import dump, dumps, json_schema, load, loads
from storykit._version import __version__
from storykit.errors import (
    Diagnostic,
    MissingExtraError,
    StoryError,
    StoryParseError,
    StoryWarning,
    UnknownFormatError,
    UnrepresentableError,
)
from storykit.model import Credit, Image, Section, Source, Story, by_date

_display.register()  # the model's notebook reprs and str(credit): see storykit._display

if TYPE_CHECKING:  # imported on first use by __getattr__, so `import storykit` stays light
    from storykit.collection import ErrorLog, Origin, dump_many, iter_records, iter_stories
    from storykit.export import to_dataframe, to_records
    from storykit.feeds import feed
    from storykit.formats.parquet import to_parquet
    from storykit.formats.sqlite import search, to_sqlite
    from storykit.notebook import StoryTable, table

_LAZY = {
    "feed": "storykit.feeds",
    "ErrorLog": "storykit.collection",
    "Origin": "storykit.collection",
    "dump_many": "storykit.collection",
    "iter_records": "storykit.collection",
    "iter_stories": "storykit.collection",
    "to_dataframe": "storykit.export",
    "to_records": "storykit.export",
    "StoryTable": "storykit.notebook",
    "table": "storykit.notebook",
    "search": "storykit.formats.sqlite",
    "to_sqlite": "storykit.formats.sqlite",
    "to_parquet": "storykit.formats.parquet",
}

__all__ = [
    "Credit",
    "Diagnostic",
    "ErrorLog",
    "Image",
    "MissingExtraError",
    "Origin",
    "Section",
    "Source",
    "Story",
    "StoryError",
    "StoryParseError",
    "StoryTable",
    "StoryWarning",
    "UnknownFormatError",
    "UnrepresentableError",
    "__version__",
    "by_date",
    "dump",
    "dump_many",
    "dumps",
    "feed",
    "iter_records",
    "iter_stories",
    "json_schema",
    "load",
    "loads",
    "search",
    "table",
    "to_dataframe",
    "to_parquet",
    "to_records",
    "to_sqlite",
]


def __getattr__(name: str) -> Any:
    """Import the names of ``_LAZY`` when first used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'storykit' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, the submodules and the dunders: not what this file imports for itself."""
    own = {n for n, v in globals().items() if getattr(v, "__name__", None) == f"storykit.{n}"}
    return sorted({*__all__, *_LAZY, *own} | {n for n in globals() if n.startswith("_")})
