"""What the dump reader remembers of the stories it made: the lines it made each one from.

The text writer's round-trip check (:mod:`storykit.formats.text`) reads a story's lines back
to prove the dump holds the story. For a story the dump reader (:mod:`._text_reader`) made,
with the default tag splitter, lines the writer would write that are exactly the lines the
story was read from need no reading back: they are the same parts of the same story. So the
reader keeps those lines, for as long as the story lives, and the writer asks for them.
"""

from __future__ import annotations

import weakref

from storykit.model import Story

_Spans = tuple[int, int, int, int, int | None, int, bool]
"""Where the reader found a story's parts in its lines: the header's first line and its
end, the title, the end of the body, the tags line (or ``None``), the end of the story
(the footer, when there is one, is the line before it), and whether the header starts
with a nav line."""


class _Lines(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a story the reader made, with the lines it made it from."""

    __slots__ = ("key", "lines", "spans")
    key: int
    lines: list[str]
    spans: _Spans


_read_lines: dict[int, _Lines] = {}
"""The stories the reader made that are still alive (by id), with their lines."""


def _forget(ref: _Lines) -> None:
    if _read_lines.get(ref.key) is ref:
        del _read_lines[ref.key]


def _remember(story: Story, lines: list[str], spans: _Spans) -> None:
    """Keep the lines ``story`` was read from (stripped) for as long as it lives.

    The text writer uses them to make its round-trip check cheap: lines it would write that
    are exactly these are read back, by the same reader with the default tag splitter, as
    the same parts of this story. The lines hold the story's own strings: this costs little.
    """
    ref = _Lines(story, _forget)
    ref.key, ref.lines, ref.spans = id(story), lines, spans
    _read_lines[ref.key] = ref


def _made_from(story: Story) -> _Lines | None:
    """The lines the reader made ``story`` from, if it did (and with the default splitter)."""
    ref = _read_lines.get(id(story))
    if ref is None or ref() is not story:
        return None
    return ref
