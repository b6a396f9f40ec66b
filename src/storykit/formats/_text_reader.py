"""Reading the plain-text story dump: :func:`storykit.formats.text.read` and its kin.

Lines are classified in one pass, with regular expressions that are anchored and free of
nested repetition, so the time taken is linear in the size of the input. The reader also
remembers, for as long as a story it made lives, the lines it made it from: the text
writer's round-trip check reads those back cheaply (:mod:`._text_memory`).

The layout and the writer are in :mod:`storykit.formats.text`, which re-exports the public
names here.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Iterator

from storykit._guards import check_text, not_text
from storykit.errors import (
    Diagnostic,
    StoryParseError,
    StoryWarning,
    _quoted,
)
from storykit.formats._source_line import _source_line
from storykit.formats._text_lines import (
    _CREDIT_INITIALS,
    _FOOTER_RE,
    _GLUED_RE,
    _NAV_RE,
    _NAV_SPACE,
    FOOTER,
    _footer_url,
    _glued_cut,
    _nav_alt,
    _parse_credit,
    _reads_as_nav_or_footer,
)
from storykit.formats._text_memory import _remember, _Spans
from storykit.model import (
    Credit,
    Image,
    Section,
    Source,
    Story,
    _trusted_credit,
    _trusted_image,
    _trusted_section,
    _trusted_source,
    _trusted_story,
)
from storykit.model import _scan_text as _scan
from storykit.tags import TagSplitter, _default_splitter

_FINAL_PUNCTUATION = frozenset(".!,;:…\"'”’»)]。！，；：」』）")
_HEADING_MAX_LENGTH = 100
_NAV_SPACE_LENGTH = len(_NAV_SPACE)
_TAGS_MAX_LENGTH = 400


def _lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(map(str.strip, text.split("\n")))


def _validated_story(  # noqa: PLR0917 - one argument per field, in field order
    title: str,
    source: Source | None,
    image: Image | None,
    credits: tuple[Credit, ...],
    sections: tuple[Section, ...],
    tags: tuple[str, ...],
    extras: tuple[str, ...],
) -> Story:
    return Story(
        title,
        source=source,
        image=image,
        credits=credits,
        sections=sections,
        tags=tags,
        extras=extras,
    )


_Builders = tuple[
    Callable[..., Credit],
    Callable[..., Image],
    Callable[..., Source],
    Callable[..., Section],
    Callable[..., Story],
]
_TRUSTED: _Builders = (
    _trusted_credit,
    _trusted_image,
    _trusted_source,
    _trusted_section,
    _trusted_story,
)
"""How the reader builds the model from text it has checked: :mod:`storykit.model`'s
trusted builders, which do not run the validators again."""
_VALIDATING: _Builders = (Credit, Image, Source, Section, _validated_story)
"""How it builds the model from text that holds lone surrogates: the validators judge it."""

_first = operator.itemgetter(0)
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


def _parse(
    lines: list[str],
    filename: str | None,
    splitter: TagSplitter | None,
    trusted: bool,
    glue: bool = False,
) -> tuple[Story, list[Diagnostic], _Spans]:
    """Read one story from its lines (split and stripped): the story, diagnostics, spans.

    The reader builds the model from lines it has split and stripped itself, so every text
    it passes is a non-blank string and every object meets its class's rules: with
    ``trusted`` the validators are not run again (:mod:`storykit.model`'s trusted
    builders); without it (the text holds lone surrogates, which only the validators
    judge) the validating constructors build every object, in the same order.

    ``glue``: the text may hold a glued nav line (:func:`_may_hold_glued`): the lines are
    looked at for one first.

    Raises:
        StoryParseError: The lines are no story (naming file and line).
        ValueError: The model refused a field (a lone surrogate, say).
    """
    n = len(lines)
    start = 0
    while start < n and not lines[start]:
        start += 1
    if start == n:
        msg = "no story here: the input is empty or only white space"
        raise StoryParseError(msg, filename=filename, line=None)
    end = n
    while not lines[end - 1]:
        end -= 1
    builders = _TRUSTED if trusted else _VALIDATING

    # The header: every line up to the first blank one, unless the first line is the
    # title itself (a dump with no header at all is told apart by what follows).
    try:
        header_end = lines.index("", start, end)
    except ValueError:
        header_end = end
    diagnostics: list[Diagnostic] = []
    image, nav, source_line, credits, extras = _header(
        lines, start, header_end, filename, builders, diagnostics
    )
    if header_end == end:
        msg = "expected a blank line and then the title after the header"
        raise StoryParseError(msg, filename=filename, line=start + 1)

    # The footer: "View original source →" (and the tags line right above it).
    body_end = end
    url: str | None = None
    tags_index: int | None = None
    footer = None if lines[end - 1] == FOOTER else _footer_url(lines[end - 1])
    if footer is not False:
        url = footer
        body_end = end - 1
        above = lines[end - 2]
        if (  # is_tags_line(above), inlined
            end - 2 > header_end
            and above
            and len(above) <= _TAGS_MAX_LENGTH
            and above[-1] not in _FINAL_PUNCTUATION
            # another footer (or a nav line) is no tags line: the body's check refuses it
            and not (above[0] in _SECOND_STORY_FIRSTS and _reads_as_nav_or_footer(above))
        ):
            tags_index = body_end = end - 2

    title_index = header_end + 1
    while not lines[title_index]:
        title_index += 1
    if title_index >= body_end:
        msg = "expected the title after the header"
        raise StoryParseError(msg, filename=filename, line=title_index + 1)
    sections = _body(lines, title_index + 1, body_end, filename, builders[3])
    if glue:  # after another story's nav line or footer (_body): a text run into a nav line
        _check_no_glued_nav(lines, start, end, filename)
    tags: tuple[str, ...] = ()
    if tags_index is not None:
        # the tags come from the splitter: trusted only when they are non-blank strings
        tags = tuple(_split_tags(splitter, lines, tags_index, title_index))
    if source_line is not None or url is not None:
        name, published = source_line if source_line is not None else (None, None)
        source = builders[2](name, published, url)
    else:
        source = None
    make = builders[4] if all(map(str.strip, tags)) else _validated_story
    story = make(lines[title_index], source, image, credits, sections, tags, extras)
    return story, diagnostics, (start, header_end, title_index, body_end, tags_index, end, nav)


def _header(  # noqa: PLR0917 - the reader's state, passed along
    lines: list[str],
    start: int,
    stop: int,
    filename: str | None,
    builders: _Builders,
    diagnostics: list[Diagnostic],
) -> tuple[
    Image | None,
    bool,
    tuple[str | None, _dt.date | None] | None,
    tuple[Credit, ...],
    tuple[str, ...],
]:
    """The header's parts: image, nav line, source line, credits and unplaced lines.

    The image, whether a nav line starts the header, the source line's name and date,
    other credits, and the lines it could not place (each with a diagnostic).
    """
    alt: str | None = None
    nav = False
    image_credit: Credit | None = None
    source: tuple[str | None, _dt.date | None] | None = None
    credits: list[Credit] = []
    extras: list[str] = []
    i = start
    line = lines[i]
    if line.startswith(_NAV_SPACE):  # "← Back to stories ALT", as _nav_alt reads it
        alt, nav = line[_NAV_SPACE_LENGTH:].strip() or None, True  # (the space: one copy less)
        i += 1
    elif line.startswith("←"):
        found = _nav_alt(line)
        if found is not False:
            alt, nav = found, True
            i += 1
    make_credit = builders[0]
    for index in range(i, stop):
        line = lines[index]
        first = line[0]
        if first == "←" and _NAV_RE.fullmatch(line):
            msg = "a second '← Back to stories' line in one header"
            raise StoryParseError(msg, filename=filename, line=index + 1)
        # what can be a credit line starts so (_CREDIT_STARTS, "By"): the rest cannot
        if first in _CREDIT_INITIALS:
            try:
                credit = _parse_credit(line, source is not None, make_credit)
            except ValueError as exc:  # the model refused it ("By /" names no one): say where
                raise StoryParseError(str(exc), filename=filename, line=index + 1) from None
            if credit is not None:
                if image_credit is None and source is None and not credits:
                    image_credit = credit
                else:
                    credits.append(credit)
                continue
        if source is None and not credits and not extras:
            source = _source_line(line, index, filename)
            continue
        extras.append(line)
        diagnostics.append(
            Diagnostic(
                index + 1,
                "warning",
                f"could not place header line {_quoted(line)}; kept in story.extras",
            )
        )
    image = builders[1](alt, image_credit) if alt is not None or image_credit is not None else None
    return image, nav, source, tuple(credits), tuple(extras)


def _body(
    lines: list[str],
    start: int,
    stop: int,
    filename: str | None,
    make: Callable[..., Section],
) -> tuple[Section, ...]:
    """Headings and paragraphs.

    A heading is a heading-like line that does not follow a heading and is not the last
    line: a heading always has a paragraph (:func:`storykit.formats.text._headings`).
    """
    items = list(filter(None, lines[start:stop]))
    if not _SECOND_STORY_FIRSTS.isdisjoint(map(_first, items)):  # rare: look closer, once
        _check_no_second_story(lines, start, stop, filename)
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    after_heading = False
    final = _FINAL_PUNCTUATION
    for line in items[:-1]:  # the rule of _headings, inlined (the last line is no heading)
        if after_heading or len(line) > _HEADING_MAX_LENGTH or line[-1] in final:
            paragraphs.append(line)
            after_heading = False
        else:
            if heading is not None or paragraphs:
                sections.append(make(heading, tuple(paragraphs)))
            heading, paragraphs, after_heading = line, [], True
    if items:
        paragraphs.append(items[-1])
    if heading is not None or paragraphs:
        sections.append(make(heading, tuple(paragraphs)))
    return tuple(sections)


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


def _split_tags(
    splitter: TagSplitter | None, lines: list[str], index: int, title_index: int
) -> tuple[str, ...]:
    """Split the tags line ``lines[index]``; the story's own text is the evidence.

    That text (title, headings, paragraphs) is joined only when the default splitter asks
    for it: most tags lines need none. A caller's splitter gets it as :meth:`TagSplitter.split`
    takes it (it may be a subclass that splits its own way).
    """
    if splitter is None:
        return _default_splitter()._split_line(
            lines[index], lambda: "\n".join(lines[title_index:index])
        )
    return splitter.split(lines[index], "\n".join(lines[title_index:index]))


def read(
    text: str, *, filename: str | None = None, splitter: TagSplitter | None = None
) -> tuple[Story, list[Diagnostic]]:
    """Read one story dump and return the story with the reader's diagnostics.

    Args:
        text: The dump (LF or CRLF line ends, an optional BOM).
        filename: Named in errors and diagnostics.
        splitter: The tag splitter to use (default: the built-in vocabulary).

    Raises:
        StoryParseError: The text is no story dump (the message names file and line).
        TypeError: ``text`` is no ``str`` (``storykit.loads`` takes bytes).
    """
    return _read(text, filename, splitter, False)


def _read(
    text: str,
    filename: str | None,
    splitter: TagSplitter | None,
    checked: bool,
    nul: int | None = None,
) -> tuple[Story, list[Diagnostic]]:
    """:func:`read`; ``checked``: ``text`` is known to hold no lone surrogate.

    That is so of text decoded from bytes and of a ``str`` that :func:`storykit.loads`
    scanned: the text is then not scanned again. ``nul``: where ``text`` holds its first NUL
    (``-1``: nowhere), when the caller knows it (for checked text only).
    """
    if checked:
        nul, trusted = text.find("\0") if nul is None else nul, True
    elif isinstance(text, str):
        nul, trusted = _scan(text)
    else:
        raise not_text(text, "text")
    if nul >= 0:  # the writer refuses NUL in every field; anywhere, it means binary data
        line = text.count("\n", 0, nul) + 1
        raise StoryParseError(
            "binary data, not a text story (U+0000)", filename=filename, line=line
        )
    lines = _lines(text)
    try:
        story, diagnostics, spans = _parse(
            lines, filename, splitter, trusted, _may_hold_glued(text)
        )
    except StoryParseError as exc:
        if exc.message in _SECOND_STORY_MESSAGES and _LONE_CR_RE.search(text):
            raise StoryParseError(_LONE_CR, filename=filename, line=exc.line) from None
        raise
    except ValueError as exc:  # the model refused a field: a lone surrogate in a str, say
        check_text(text, filename)  # names its line and column, as storykit.loads does
        raise StoryParseError(str(exc), filename=filename) from None
    if trusted and splitter is None:
        _remember(story, lines, spans)
    return story, diagnostics


def loads(text: str, *, filename: str | None = None, splitter: TagSplitter | None = None) -> Story:
    """Read one story dump; diagnostics become :class:`~storykit.StoryWarning` warnings."""
    story, diagnostics = _read(text, filename, splitter, False)  # (positional: a quicker call)
    if diagnostics:
        _warn(diagnostics, filename, stacklevel=4)  # loads' caller's caller
    return story


def _loads_checked(
    text: str,
    *,
    filename: str | None = None,
    splitter: TagSplitter | None = None,
    nul: int | None = None,
) -> Story:
    """:func:`loads` of text known to hold no lone surrogate (:func:`storykit.loads` uses it).

    ``storykit.loads`` decodes bytes (which gives no lone surrogate) or refuses a ``str``
    that holds one (:func:`storykit._guards.check_text`): the reader does not look again,
    nor for NUL when ``nul`` says where the first one is (``-1``: nowhere). Warnings name
    the line that called ``storykit.loads`` or ``storykit.load`` (which call it through
    ``storykit._api.read_story``).
    """
    story, diagnostics = _read(text, filename, splitter, True, nul)
    if diagnostics:
        _warn(diagnostics, filename, stacklevel=5)
    return story


def _warn(diagnostics: list[Diagnostic], filename: str | None, stacklevel: int) -> None:
    """Each diagnostic as a :class:`~storykit.StoryWarning`.

    ``stacklevel`` counts from this function (2: the line in ``loads`` that called it).
    """
    for diagnostic in diagnostics:
        warnings.warn(diagnostic.format(filename), StoryWarning, stacklevel=stacklevel)


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
        if line.startswith("View"):
            if _FOOTER_RE.fullmatch(line):
                found = piece(index + 1)
                if found is not None:
                    yield found
                start = index + 1
                continue
            cut = _glued_cut(line)
            if cut is not None:  # the footer ends this piece, the nav line starts the next
                lead = len(raw.rstrip()) - len(line)  # where ``line`` starts in ``raw``
                lines[index] = raw[: lead + cut[0]]
                found = piece(index + 1)
                if found is not None:  # (always: the footer is no blank line)
                    yield found
                lines[index] = raw[lead + cut[1] :]
                start = index
                continue
        if "←" in line:
            following = map(lines.__getitem__, range(index + 1, len(lines)))
            glued = _glued_start(line, following, final)
            if glued is not None and glued[2]:  # text, then the next story's nav line
                lead = len(raw.rstrip()) - len(line)
                lines[index] = raw[: lead + glued[0]]
                found = piece(index + 1)
                if found is not None:  # (always: the text is no blank line)
                    yield found
                lines[index] = raw[lead + glued[1] :]
                start = index
    found = piece(len(lines))
    if found is not None:
        yield found
