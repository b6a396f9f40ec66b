"""storykit: typed news stories, read from plain-text story dumps and converted losslessly.

>>> import storykit
>>> story = storykit.load("seeds/000_1f0ab7ed21f31e00.txt")  # doctest: +SKIP
>>> print(storykit.dumps(story, "json"))  # doctest: +SKIP
"""

from storykit._api import dump, dumps, json_schema, load, loads
from storykit._version import __version__
from storykit.errors import (
    Diagnostic,
    MissingExtraError,
    StoryParseError,
    StoryWarning,
    UnknownFormatError,
    UnrepresentableError,
)
from storykit.model import Credit, Image, Section, Source, Story
from storykit.notebook import StoryTable, table

__all__ = [
    "Credit",
    "Diagnostic",
    "Image",
    "MissingExtraError",
    "Section",
    "Source",
    "Story",
    "StoryParseError",
    "StoryTable",
    "StoryWarning",
    "UnknownFormatError",
    "UnrepresentableError",
    "__version__",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "table",
]
