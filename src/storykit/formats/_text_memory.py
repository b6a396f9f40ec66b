"""What the dump reader remembers of the stories it made: the lines it made each one from.

The text writer's round-trip check (:mod:`storykit.formats.text`) reads a story's lines back
to prove the dump holds the story. For a story the dump reader (:mod:`._text_reader`) made,
with the default tag splitter, lines the writer would write that are exactly the lines the
story was read from need no reading back: they are the same parts of the same story. So the
reader keeps those lines, for as long as the story lives, and the writer asks for them, and
which of the lines it would write are those (:func:`_read_back`).
"""

from __future__ import annotations

import operator

from storykit.model import Story, _ReadFrom

_Spans = tuple[int, int, int, int, int | None, int, bool]
"""Where the reader found a story's parts in its lines: the header's first line and its
end, the title, the end of the body, the tags line (or ``None``), the end of the story
(the footer, when there is one, is the line before it), and whether the header starts
with a nav line."""


_Lines = tuple[list[str], _Spans]
"""The lines the reader made a story from, and where it found the story's parts."""


_keep = _ReadFrom._storykit_read_from.__set__  # type: ignore[attr-defined]


def _remember(story: Story, lines: list[str], spans: _Spans) -> None:
    """Keep the lines ``story`` was read from (stripped), in the story itself.

    The text writer uses them to make its round-trip check cheap: lines it would write that
    are exactly these are read back, by the same reader with the default tag splitter, as
    the same parts of this story. The lines hold the story's own strings: this costs little.
    They live as long as the story, in a slot that is no field
    (:class:`storykit.model._ReadFrom`): no other story, not even an equal one, has them.
    """
    _keep(story, (lines, spans))


def _made_from(story: Story) -> _Lines | None:
    """The lines the reader made ``story`` from, if it did (and with the default splitter)."""
    return getattr(story, "_storykit_read_from", None)  # (unset: not made by the reader)


def _read_back(
    story: Story, ref: _Lines, out: list[str], blank: int
) -> tuple[bool, bool, list[bool] | None]:
    """What of the lines the writer writes (``out``) the reader made ``story`` from, as they are.

    ``ref``: the lines the reader read (:func:`_made_from`); ``blank``: the end of the
    writer's header in ``out``. Three answers:

    - the header: the writer's header lines are those the reader read, a nav line first;
    - the rest: the title, body and tags lines read back as the reader read them. They do
      when they are the lines the reader read (the blank lines after the last paragraph
      aside), and so are the tags line and the lines from the title to it (the splitter's
      evidence) when the story has tags. The footer line holds the story's URL, which
      :func:`storykit.formats.text._check` judges on its own;
    - when the header is not read back whole, each of its lines, or ``None``
      (:func:`_header_lines`).
    """
    lines, (start, header_end, title_index, body_end, tags_index, _, nav) = ref
    written = out[:blank]
    header = nav and written == lines[start:header_end]
    stop = len(out) - 2  # the writer's tags line, or the blank line above the footer
    if story.tags:
        rest = (
            tags_index is not None
            and out[stop] == lines[tags_index]
            and out[blank + 1 : stop] == lines[title_index:tags_index]
        )
    else:
        while not lines[body_end - 1]:
            body_end -= 1
        rest = out[blank + 1 : stop] == lines[title_index:body_end]
    return header, rest, None if header else _header_lines(ref, written)


def _header_lines(ref: _Lines, written: list[str]) -> list[bool] | None:
    """For each header line the writer writes (``written``), whether the reader read it as it is.

    ``None`` when the reader made the story from a header of other lines. The writer writes
    the nav line, then the parts in the order the reader reads them: when the reader's header
    has the same lines, line for line (after a nav line it may lack), a line written as it
    was read is read back as the same part, provided each line before it is read as its own
    part, which the checks of the other lines make sure of.
    """
    lines, spans = ref
    start, header_end, nav = spans[0], spans[1], spans[6]
    if header_end - start + (not nav) != len(written):
        return None
    if nav:
        return list(map(operator.eq, written, lines[start:header_end]))
    # no nav line: the nav line written holds no alt text
    return [False, *map(operator.eq, written[1:], lines[start:header_end])]
