"""Where one story in a text ends and the next starts: the rules every splitter follows.

A text that holds several dumps is split into stories at each nav line, after each footer,
at a footer run into the next story's nav line, and at a line of text run into it (a glued
nav line: two dumps joined with no line break between them) when the lines after it read
as that story's header and title. :func:`split_stories` splits a whole text so; the stream
splitter (:mod:`storykit._dump_stream`) follows the same rules a block of lines at a time,
and asks the questions here about a glued nav line at a block's end (:func:`_undecided`,
:func:`_needs_a_line`).
The one-story reader (:mod:`storykit.formats._text_reader`) uses the checks here to refuse
a story that holds another story's start, with a message that says how to read them.

The reader imports this module, never the other way round; the public
:func:`split_stories` is re-exported by :mod:`storykit.formats.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from storykit.errors import StoryParseError
from storykit.formats._text_lines import (
    _FINAL_PUNCTUATION,
    _FOOTER_RE,
    _GLUED_RE,
    _NAV_RE,
    _TAGS_MAX_LENGTH,
    _glued_cut,
    _reads_as_nav_or_footer,
)

_SECOND_STORY_FIRSTS = frozenset("←V")  # how another story's nav line or footer starts


# --------------------------------------------------------------------------- glued nav lines

# A nav line run into the end of a line of text: two dumps joined (``cat a.txt b.txt``) where
# the first ends with no footer and no line break. Stricter than _NAV_RE: "Back to stories"
# is followed by the line's end or a blank (the alt text), never by a quote mark or a comma,
# as a nav's name quoted in a sentence is. Linear: the possessive run of blanks after each
# '←' is taken once, and the runs after two '←' do not overlap.
_GLUED_NAV_RE = re.compile(r"←\s*+Back to stories(?!\S)")
_TEXT_RE = re.compile(r"[^\s\ufeff]")  # a character of text: no blank, no byte order mark


def _glued_nav(line: str) -> tuple[int, int, bool] | None:
    """Where a nav line starts inside ``line`` after text: ``(end, start, tight)``.

    ``line`` is stripped, as the splitters look at a line (a nav line, a footer, a footer
    run into a nav line are told apart first: this is for the other lines). The text is
    ``line[:end]`` (without what stands between it and the nav line), the nav line
    ``line[start:]`` (from its ``←``). ``tight``: only byte order marks (the second file's)
    stand between them, as when ``cat`` joins two dumps; not tight, blanks do, as when a
    sentence names the link (or when the first dump's last line ended with blanks: no one
    can tell which). ``None``: no ``← Back to stories`` follows text on this line.
    """
    pos = line.find("←", 1)
    text = _TEXT_RE.search(line)
    if pos == -1 or text is None:
        return None
    first = text.start()
    while pos != -1:
        if pos > first and _GLUED_NAV_RE.match(line, pos):
            end, tight = pos, True
            while line[end - 1] == "\ufeff" or line[end - 1].isspace():  # (text stops it)
                tight = tight and line[end - 1] == "\ufeff"
                end -= 1
            return end, pos, tight
        pos = line.find("←", pos + 1)
    return None


def _ends_a_header(line: str) -> bool:
    """Whether ``line`` (stripped) cannot be a line of the header a glued nav line starts.

    A nav line, a footer (or one run into a nav line), or a line with another glued nav
    line in it (that one, the later, is the one that may start a story).
    """
    line = line.lstrip("\ufeff") or line
    if line[0] in _SECOND_STORY_FIRSTS and _reads_as_nav_or_footer(line):
        return True
    return "←" in line and _glued_nav(line) is not None


class _StoryStart:
    """Whether the lines after a glued nav line make it a story's start, fed line by line.

    They do when they read as the rest of a header and a title, as the reader would read
    the story that starts there: lines up to a blank line (none of them a nav or footer
    line, nor holding another glued nav line), blank lines, then a title: a line that is no
    nav or footer line, nor a tags line (a line that may be one, right above a footer).
    Raw lines or stripped ones: each is stripped here. A stream feeds the lines a block at
    a time (:mod:`storykit._dump_stream`).
    """

    __slots__ = ("phase",)

    def __init__(self) -> None:
        self.phase = 0  # in the header's lines; 1: in the blank lines; 2: after a title

    def read(self, following: Iterable[str]) -> bool | None:
        """Feed ``following``: whether they make it a story's start.

        ``None``: they end before they say (:meth:`at_end` says what the end of a text
        means; a stream reads on). Each line is looked at once at most for one text: the
        lines stop at the next line with a glued nav line in it, which is then judged on
        its own.
        """
        for raw in following:
            line = raw.strip()
            if self.phase == 0:
                if not line:
                    self.phase = 1
                elif _ends_a_header(line):
                    return False
            elif self.phase == 1:
                if line:  # the title, unless it is a nav line, a footer or a tags line
                    line = line.lstrip("\ufeff") or line
                    if line[0] in _SECOND_STORY_FIRSTS and _reads_as_nav_or_footer(line):
                        return False
                    if len(line) > _TAGS_MAX_LENGTH or line[-1] in _FINAL_PUNCTUATION:
                        return True
                    self.phase = 2  # a title, unless a footer follows at once (as _parse reads)
            else:
                return not (line.startswith("View") and _reads_as_nav_or_footer(line))
        return None

    def at_end(self) -> bool:
        """Whether the glued nav line starts a story when the text ends after the lines fed.

        It does when they end with its title (the story's last line: no footer follows).
        """
        return self.phase == 2


def _glued_start(
    line: str, following: Iterator[str], final: bool = True
) -> tuple[int, int, bool] | None:
    """A glued nav line in ``line`` (stripped) that starts a story: :func:`_glued_nav`'s cut.

    ``None`` when the line holds none (a nav or footer line holds none), or when what
    follows it (the lines after it, lazily) makes it no story's start (:class:`_StoryStart`;
    the end of ``following`` is the end of the text when ``final``, else a block's end:
    undecided, no start yet). The one rule every road that splits a text into stories
    follows: a tight one is cut there; one after blanks is ambiguous, and the reader
    refuses it, naming the line.
    """
    if "←" not in line or (line[0] in _SECOND_STORY_FIRSTS and _reads_as_nav_or_footer(line)):
        return None
    found = _glued_nav(line)
    if found is None:
        return None
    lines = _StoryStart()
    starts = lines.read(following)
    if starts is None:
        starts = final and lines.at_end()
    return found if starts else None


def _lines_after(text: str, pos: int) -> Iterator[str]:
    """The lines of ``text`` from ``pos`` (a line's start) on, one at a time."""
    size = len(text)
    while pos < size:
        end = text.find("\n", pos)
        if end == -1:
            yield text[pos:]
            return
        yield text[pos:end]
        pos = end + 1


def _may_hold_glued(text: str) -> bool:
    """Whether ``text`` may hold a glued nav line: a ``←`` other than a first line's first.

    Cheap (at C speed), so that the reader looks at its lines only when it may.
    """
    first = text.find("←")
    return first != -1 and (
        text.find("←", first + 1) != -1 or bool(text[:first].replace("\ufeff", "").strip())
    )


def _check_no_glued_nav(lines: list[str], start: int, stop: int, filename: str | None) -> None:
    """No line from ``start`` to ``stop`` holds a glued nav line that starts a story.

    The lines are one story's, split and stripped: such a line means two stories (or one
    that cannot be told from two), as :func:`split_stories` reads them.

    Raises:
        StoryParseError: Naming the first such line.
    """
    for index in range(start, stop):
        line = lines[index]
        if "←" in line:
            glued = _glued_start(line, map(lines.__getitem__, range(index + 1, stop)))
            if glued is not None:
                msg = _GLUED_NAV_MESSAGES[glued[2]]
                raise StoryParseError(msg, filename=filename, line=index + 1)


_SECOND_STORY = (
    (
        "←",
        _NAV_RE,
        "a second story starts here ('← Back to stories'); this file holds "
        "several stories: read them with storykit.iter_stories()",
    ),
    (
        "View",
        _GLUED_RE,
        "a second story starts inside this line, at '← Back to stories' (two dumps joined "
        "with no line break between them: the first did not end with one); read them with "
        "storykit.iter_stories(), or put a line break before the '←'",
    ),
    (
        "View",
        _FOOTER_RE,
        "text follows the 'View original source' line; if this file holds "
        "several stories, read them with storykit.iter_stories()",
    ),
)
"""What of another story a body must not hold, first anywhere in it: its nav line (on a
line of its own, then run into a footer), then a footer (with text after it); each with how
it starts, as a quick look before the regex."""

_GLUED_NAV_MESSAGES = (
    "'← Back to stories' after blanks inside this line, and what follows reads as a "
    "story's header and title: another story run into this one (two dumps joined with no "
    "line break between them, the first ending with blanks), or text of this line? "
    "storykit cannot tell: put a line break before the '←' if a story starts there",
    _SECOND_STORY[1][2],  # a story starts there: as for a footer run into a nav line
)
"""What the reader says of a glued nav line that starts a story (:func:`_glued_start`),
after blanks (ambiguous) and right after the text."""

_SECOND_STORY_MESSAGES = frozenset(
    [*(message for _, _, message in _SECOND_STORY), *_GLUED_NAV_MESSAGES]
)
_LONE_CR_RE = re.compile("\r(?!\n)")
_LONE_CR = (
    "another story starts here, and this file's lines end with a lone carriage return (CR, "
    "as old Mac files do): storykit reads such lines, but finds where the stories of a file "
    "start only at line feeds, in storykit.iter_stories() too; convert its line ends to LF "
    "(or CRLF)"
)
"""What the reader says of a second story in text whose lines end with a lone CR: the
splitters (:func:`split_stories`, the stream's, a block of lines at a time) cut only at LF,
so reading the stories (the advice the other messages give) would not help."""


def _check_no_second_story(lines: list[str], start: int, stop: int, filename: str | None) -> None:
    """The body must not hold another story's nav line or a footer with text after it."""
    for first, pattern, msg in _SECOND_STORY:
        for index in range(start, stop):
            if lines[index].startswith(first) and pattern.fullmatch(lines[index]):
                raise StoryParseError(msg, filename=filename, line=index + 1)


def split_stories(text: str) -> Iterator[tuple[int, str]]:
    """Split a file that holds several dumps into ``(first_line, text)`` pieces.

    A story starts at each ``← Back to stories`` line and, for stories without one, after
    each ``View original source`` line. A footer run into the next story's nav line (two
    dumps joined with no line break between them: ``cat a.txt b.txt`` where ``a.txt`` does
    not end with one) is cut in two there: one story ends with the footer (up to its URL),
    the next starts at the ``←``, on the same line. So is a line of text run into the next
    story's nav line (the first dump had no footer either) when the lines after it read as
    that story's header and title, and only byte order marks stand between the text and
    the ``←`` (:func:`_glued_start`: after blanks it is ambiguous, and the reader refuses
    the piece, naming the line). ``first_line`` is the 1-based number of the piece's first
    non-blank line in ``text``.
    """
    return _split_stories(text)


def _split_stories(text: str, final: bool = True) -> Iterator[tuple[int, str]]:
    """:func:`split_stories`; ``final``: ``text`` ends where the input does.

    Else (a block of a stream) a glued nav line whose story's title is the block's last
    line is not cut yet: the stream decides it with the next block.
    """
    lines = text.split("\n")
    start = 0

    def piece(stop: int) -> tuple[int, str] | None:
        first = start
        while first < stop and not lines[first].strip(" \t\r\ufeff"):
            first += 1
        return (first + 1, "\n".join(lines[first:stop])) if first < stop else None

    for index, raw in enumerate(lines):
        line = raw.strip().lstrip("\ufeff")
        if line.startswith("←") and index > start and _NAV_RE.fullmatch(line):
            found = piece(index)
            if found is not None:
                yield found
                start = index
            continue
        cut: tuple[int, int] | None = None
        if line.startswith("View"):
            if _FOOTER_RE.fullmatch(line):
                found = piece(index + 1)
                if found is not None:
                    yield found
                start = index + 1
                continue
            cut = _glued_cut(line)  # a footer, then the next story's nav line
        if cut is None and "←" in line:
            following = map(lines.__getitem__, range(index + 1, len(lines)))
            glued = _glued_start(line, following, final)
            if glued is not None and glued[2]:  # text, then the next story's nav line
                cut = glued[0], glued[1]
        if cut is not None:  # what comes before the nav line ends this piece
            lead = len(raw.rstrip()) - len(line)  # where ``line`` starts in ``raw``
            lines[index] = raw[: lead + cut[0]]
            found = piece(index + 1)
            if found is not None:  # (always: a footer or a line of text is no blank line)
                yield found
            lines[index] = raw[lead + cut[1] :]
            start = index
    found = piece(len(lines))
    if found is not None:
        yield found


# --------------------------------------------------------------------------- a block's end


def _undecided(text: str) -> tuple[int, int, _StoryStart] | None:
    """A glued nav line near the end of ``text`` that the lines after it leave undecided.

    A line of text run into the next story's nav line starts that story only if the lines
    after it read as its header and title (``_glued_start``): when ``text`` (a block of
    whole lines) ends before they say, the next blocks will. ``(end, start, lines)``: where
    the text before it ends and its ``←`` is in ``text``, and the lines after it looked at so
    far. Only the last line with a ``←`` after text can be undecided: the lines of each
    other end at the next such line, or at a nav or footer line (the search back stops at
    the last one: most blocks hold one, and are looked at no further).
    """
    glued = _last_glued_nav(text, len(text))
    if glued is None:
        return None
    start, end, raw, line, found = glued
    cut_end, cut_start, tight = found
    lines = _StoryStart()
    if not tight or lines.read(_lines_after(text, end + 1)) is not None:
        return None  # (after blanks it is never cut, whatever follows)
    lead = start + len(raw.rstrip()) - len(line)  # where ``line`` starts in ``text``
    return lead + cut_end, lead + cut_start, lines


def _needs_a_line(text: str, pending: _StoryStart | None) -> bool:
    """Whether ``text`` (a block of whole lines) ends with a glued nav line's title.

    The next line decides whether it is one (a tags line, if a footer follows). The glued
    nav line is the one held back (``pending``: the lines it waits for start this block)
    or one in the block. Reading that line into the block keeps what is held back to one
    glued nav line at most (:func:`_undecided`): the title may hold another.
    """
    probe = _StoryStart()
    if pending is not None:
        probe.phase = pending.phase
        if probe.read(_lines_after(text, 0)) is None:
            return probe.phase == 2
    # the last line (with no line break after it: the input's last, or one over the limit)
    glued = _last_glued_nav(text, text.rfind("\n", 0, len(text) - text.endswith("\n")) + 1)
    if glued is None:
        return False
    probe = _StoryStart()
    return probe.read(_lines_after(text, glued[1] + 1)) is None and probe.phase == 2


def _last_glued_nav(text: str, pos: int) -> tuple[int, int, str, str, tuple[int, int, bool]] | None:
    """The last line before ``pos`` in ``text`` that holds a '←' after text: a glued nav line.

    ``(start, end, raw, line, cut)``: where the line starts and ends in ``text``, the line as
    it is and stripped, and :func:`_glued_nav`'s cut. ``None`` when there is none, or when a
    nav or footer line comes after it (that line decides what is before it; the search back
    stops there: most blocks hold one, and are looked at no further).
    """
    while True:
        pos = text.rfind("←", 0, pos)
        if pos == -1:
            return None
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end  # the input's last line, or one over the limit
        raw = text[start:end]
        line = raw.strip().lstrip("\ufeff")
        if line and _reads_as_nav_or_footer(line):
            return None
        found = _glued_nav(line) if line else None
        if found is not None:
            return start, end, raw, line, found
        pos = start
