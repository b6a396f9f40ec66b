"""Reading the plain-text story dump: :func:`storykit.formats.text.read` and its kin.

Lines are classified in one pass, with regular expressions that are anchored and free of
nested repetition, so the time taken is linear in the size of the input. The reader also
remembers, for as long as a story it made lives, the lines it made it from: the text
writer's round-trip check reads those back cheaply (:mod:`._text_memory`).

The layout and the writer are in :mod:`storykit.formats.text`, which re-exports the public
names here. Where one story in a text ends and the next starts (``split_stories``, and
the checks that refuse a story holding another's start) is :mod:`._text_stories`.
"""

from __future__ import annotations

import datetime as _dt
import operator
import warnings
from collections.abc import Callable

from storykit._guards import check_text, not_text
from storykit._surrogates import _scan_text as _scan
from storykit.errors import (
    Diagnostic,
    StoryParseError,
    StoryWarning,
    _quoted,
)
from storykit.formats._source_line import _source_line
from storykit.formats._text_lines import (
    _CREDIT_INITIALS,
    _FINAL_PUNCTUATION,
    _NAV_RE,
    _NAV_SPACE,
    _TAGS_MAX_LENGTH,
    FOOTER,
    _footer_url,
    _nav_alt,
    _parse_credit,
    _reads_as_nav_or_footer,
)
from storykit.formats._text_memory import _remember, _Spans
from storykit.formats._text_stories import (  # where a story ends: what a story must not hold
    _LONE_CR,
    _LONE_CR_RE,
    _SECOND_STORY_FIRSTS,
    _SECOND_STORY_MESSAGES,
    _check_no_glued_nav,
    _check_no_second_story,
    _may_hold_glued,
)
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
from storykit.tags import TagSplitter, _default_splitter

_HEADING_MAX_LENGTH = 100
_UNPLACED_LISTED = 10
"""The header lines a story's diagnostics name one by one; the rest are counted in one
(200,000 such lines were 200,000 lines of ``validate``'s report, or of warnings)."""
_NAV_SPACE_LENGTH = len(_NAV_SPACE)


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


def _parse(
    lines: list[str],
    filename: str | None,
    splitter: TagSplitter | None,
    trusted: bool,
    glued: bool = False,
) -> tuple[Story, list[Diagnostic], _Spans]:
    """Read one story from its lines (split and stripped): the story, diagnostics, spans.

    The reader builds the model from lines it has split and stripped itself, so every text
    it passes is a non-blank string and every object meets its class's rules: with
    ``trusted`` the validators are not run again (:mod:`storykit.model`'s trusted
    builders); without it (the text holds lone surrogates, which only the validators
    judge) the validating constructors build every object, in the same order.

    ``glued``: the text may hold a glued nav line (:func:`_may_hold_glued`): the lines are
    looked at for one.

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
    if glued:  # after another story's nav line or footer (_body): a text run into a nav line
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
    other credits, and the lines it could not place (the first ten each with a diagnostic
    in ``diagnostics``, the rest counted in one: however many lines a header holds, its
    warnings are few, and so is what an error after it throws away).
    """
    alt: str | None = None
    nav = False
    image_credit: Credit | None = None
    source: tuple[str | None, _dt.date | None] | None = None
    credits: list[Credit] = []
    extras: list[str] = []
    more_from = -1  # the first unplaced line not listed one by one
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
        if len(extras) <= _UNPLACED_LISTED:
            diagnostics.append(_unplaced(index, line))
        elif more_from < 0:
            more_from = index  # the rest are counted, in one diagnostic
    if more_from >= 0:
        diagnostics.append(_unplaced_more(more_from, extras))
    image = builders[1](alt, image_credit) if alt is not None or image_credit is not None else None
    return image, nav, source, tuple(credits), tuple(extras)


def _unplaced(index: int, line: str) -> Diagnostic:
    """The warning for a header line the reader could not place, at ``index``."""
    message = f"could not place header line {_quoted(line)}; kept in story.extras"
    return Diagnostic(index + 1, "warning", message)


def _unplaced_more(index: int, extras: list[str]) -> Diagnostic:
    """The warning for the unplaced header lines past the first ten, from ``index`` on."""
    more = len(extras) - _UNPLACED_LISTED
    if more == 1:  # "1 more header line" would say less than the line
        return _unplaced(index, extras[-1])
    message = f"could not place {more:,} more header lines, from this one on; kept in story.extras"
    return Diagnostic(index + 1, "warning", message)


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
        TypeError: ``text`` is no ``str`` (``storykit.loads`` takes bytes), or ``splitter``
            is no :class:`~storykit.tags.TagSplitter`.
    """
    return _read(text, filename, splitter, False)


def _read(
    text: str,
    filename: str | None,
    splitter: TagSplitter | None,
    checked: bool,
    nul: int | None = None,
    *,
    remember: bool = True,
    glued: bool | None = None,
) -> tuple[Story, list[Diagnostic]]:
    """:func:`read`; ``checked``: ``text`` is known to hold no lone surrogate.

    That is so of text decoded from bytes and of a ``str`` that :func:`storykit.loads`
    scanned: the text is then not scanned again. ``nul``: where ``text`` holds its first NUL
    (``-1``: nowhere), when the caller knows it (for checked text only): the batch commands'
    clean dump (:func:`storykit._pieces.parse_text`), decoded from UTF-8 bytes that hold no
    zero byte, is scanned for neither (2 µs a story of a few KiB). ``remember``:
    keep the lines of a story read with the default splitter for the text writer's check
    (:mod:`._text_memory`); a caller that writes no text spares it. ``glued``: whether
    ``text`` may hold a glued nav line, when the caller knows (``None``: it is looked at).
    """
    if splitter is not None and not isinstance(splitter, TagSplitter):
        # (a wrong one failed inside the splitting: "'int' object has no attribute 'split'")
        msg = f"splitter: expected a storykit.tags.TagSplitter, got {type(splitter).__name__}"
        raise TypeError(msg)
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
        if glued is None:
            glued = _may_hold_glued(text)
        story, diagnostics, spans = _parse(lines, filename, splitter, trusted, glued)
    except StoryParseError as exc:
        if exc.message in _SECOND_STORY_MESSAGES and _LONE_CR_RE.search(text):
            raise StoryParseError(_LONE_CR, filename=filename, line=exc.line) from None
        raise
    except ValueError as exc:  # the model refused a field: a lone surrogate in a str, say
        check_text(text, filename)  # names its line and column, as storykit.loads does
        raise StoryParseError(str(exc), filename=filename) from None
    if trusted and splitter is None and remember:
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
