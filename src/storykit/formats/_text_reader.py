"""Reading the plain-text story dump: :func:`storykit.formats.text.read` and its kin.

Lines are classified in one pass, with regular expressions that are anchored and free of
nested repetition, so the time taken is linear in the size of the input. The reader also
remembers, for as long as a story it made lives, the lines it made it from: the text
writer's round-trip check reads those back cheaply (:func:`_made_from`).

The layout and the writer are in :mod:`storykit.formats.text`, which re-exports the public
names here.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Literal

from storykit._dates import parse_iso
from storykit._guards import check_text, not_text
from storykit.errors import (
    Diagnostic,
    StoryParseError,
    StoryWarning,
    _quoted,
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
from storykit.model import _scan_text as _scan
from storykit.tags import TagSplitter, _default_splitter

NAV = "← Back to stories"
FOOTER = "View original source →"
_NAV_RE = re.compile(r"←\s*Back to stories\b[ \t]*(.*)")
# Possessive (*+): three runs of blanks side by side, each free to give some back to the
# next, made 2,000 blanks and "x y" take 5 s to refuse (cubic: 8,000, 6 min); none helps another.
_FOOTER_RE = re.compile(r"View original source\b[ \t]*+(?:→)?[ \t]*+(\S*+)[ \t]*+")
_CREDIT_ROLES = "Photo|Photograph|Image|Illustration|Picture|Graphic|Video|Artwork|Drawing"
_CREDIT_BY_RE = re.compile(rf"({_CREDIT_ROLES})s? by[ \t]+(.+)", re.IGNORECASE)
_CREDIT_COLON_RE = re.compile(rf"({_CREDIT_ROLES})s?[ \t]*:[ \t]*(.+)", re.IGNORECASE)
_MONTHS = (
    "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    "|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_RE = re.compile(
    rf"(?:^|[ \t])({_ISO}|\d{{1,2}} (?:{_MONTHS})\.? \d{{4}}|(?:{_MONTHS})\.? \d{{1,2}}, \d{{4}})$",
    re.IGNORECASE,
)
_FINAL_PUNCTUATION = frozenset(".!,;:…\"'”’»)]。！，；：」』）")
_HEADING_MAX_LENGTH = 100
_DATE_MAX_LENGTH = 40  # the longest date the source line can end with, and a space
_TAGS_MAX_LENGTH = 400


def _lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return list(map(str.strip, text.split("\n")))


_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})")
_MONTH_DAY_YEAR_RE = re.compile(r"([A-Za-z]+)\.? (\d{1,2}), (\d{4})")


def _parse_date(value: str) -> _dt.date:
    """Parse a date from the source line: the common forms fast, the rest with dateutil."""
    if value[4:5] == "-":
        return parse_iso(value)
    match = _DAY_MONTH_YEAR_RE.fullmatch(value)
    if match is not None:
        day, month, year = match[1], match[2], match[3]
    else:
        match = _MONTH_DAY_YEAR_RE.fullmatch(value)
        month, day, year = (match[1], match[2], match[3]) if match else ("", "", "")
    number = _MONTH_NUMBERS.get(month.lower())
    if number is not None:
        return _dt.date(int(year), number, int(day))
    from dateutil import parser  # noqa: PLC0415 - imported lazily: it is slow to import

    return parser.parse(value.replace(".", ""), default=_dt.datetime(2000, 1, 1)).date()


def _iso_day_at_end(line: str) -> int | None:
    """Where ``_DATE_RE`` finds a date in ``line`` when it ends in `` YYYY-MM-DD`` (ASCII).

    No other form of date ends in two digits after a hyphen, so that is the match; ``None``
    when the line ends otherwise (the regex then decides).
    """
    start = len(line) - _ISO_DAY_LENGTH
    if _ISO_DAY_RE.fullmatch(line, start) is not None and (not start or line[start - 1] in " \t"):
        return start
    return None


_ISO_DAY_LENGTH = 10
_BEFORE_ISO_DAY = ("", " ", "\t")  # what _DATE_RE takes before a date: the line's start, a blank
_ISO_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits, as _DATE_RE's \d here


def _month_date_at_end(line: str) -> tuple[int, int, int, int] | None:
    """Where ``line`` ends in ``25 May 2026`` or ``May 25, 2026`` (ASCII), and that date.

    ``(start, day, month, year)``: what ``_DATE_RE`` finds there, and :func:`_parse_date`
    makes of it. ``None`` when the line ends otherwise (the regex then decides).
    """
    words = line.rsplit(" ", 3)  # [name,] day or month, month or "day,", year
    if len(words) < 3:
        return None
    year = words[-1]
    if len(year) != 4 or not (year.isascii() and year.isdigit()):
        return None
    word, other = words[-2], words[-3]
    if word[-1:] == ",":  # May 25, 2026
        day, month = word[:-1], other
    else:  # 25 May 2026
        day, month = other, word
    number = _MONTH_WORDS.get(month)
    if number is None and month.isascii():  # another case: MAY, mAy
        number = _MONTH_NUMBERS.get((month[:-1] if month[-1:] == "." else month).lower())
    if number is None:
        return None
    day_number = _DAY_NUMBERS.get(day)  # one or two ASCII digits
    if day_number is None:
        return None
    start = len(line) - len(word) - len(other) - 6  # the year, and the two spaces between
    return start, day_number, number, int(year)


_MONTH_WORDS = {
    spelled + dot: number
    for name, number in _MONTH_NUMBERS.items()
    for spelled in (name, name.title(), name.upper())
    for dot in ("", ".")
}
"""The usual spellings of the month words :func:`_month_date_at_end` reads (``May``,
``Sept.``, ``JUNE``): what it makes of them without lower-casing."""
_DAY_NUMBERS = {str(day): day for day in range(100)} | {f"{day:02}": day for day in range(10)}
"""Every day of one or two ASCII digits (``5``, ``05``, ``25``, ``99``), as a number."""


_FOOTER_LENGTH = len(FOOTER)
_NAV_LENGTH = len(NAV)
_NAV_SPACE = NAV + " "  # a nav line with its alt text starts so: see _nav_alt


def _nav_alt(line: str) -> str | Literal[False] | None:
    """The alt text of a nav line (``None`` when it gives none); ``False`` for other lines.

    What ``_NAV_RE`` finds; the common ``← Back to stories ALT`` without it.
    """
    if line.startswith(NAV):
        after = line[_NAV_LENGTH : _NAV_LENGTH + 1]  # "Back to stories" ends a word: \b
        if not after or not (after.isalnum() or after == "_"):
            return line[_NAV_LENGTH:].strip() or None
    nav = _NAV_RE.fullmatch(line)
    if nav is None:
        return False
    return nav[1].strip() or None


def _footer_url(line: str) -> str | Literal[False] | None:
    """The URL of a footer line (``None`` when it gives none); ``False`` for other lines.

    What ``_FOOTER_RE`` finds; the common ``View original source → URL`` without it.
    """
    if line.startswith(FOOTER):
        url = line[_FOOTER_LENGTH:].lstrip(" \t")
        if not url:
            return None
        return url if url.split() == [url] else False  # no white space in it
    footer = _FOOTER_RE.fullmatch(line)
    if footer is None:
        return False
    return footer[1] or None


def _reads_as_nav_or_footer(line: str) -> bool:
    """Whether a line reads as a nav or footer line (each starts in the same way)."""
    return (line.startswith("←") and _NAV_RE.fullmatch(line) is not None) or (
        line.startswith("View") and _FOOTER_RE.fullmatch(line) is not None
    )


_CREDIT_STARTS = frozenset(("pho", "ima", "ill", "pic", "gra", "vid", "art", "dra"))
# The first letters of those and of "By": a line whose first three letters, lower-cased,
# are one of them starts with one of these (no other character lower-cases to p, i, g, v,
# a or d; İ lower-cases to two characters).
_CREDIT_INITIALS = frozenset("PpIiGgVvAaDdB")


_BYLINE_RE = re.compile(r"By[ \t]+(.+)")
_ROLE_WORDS = {
    spelled: role.lower()
    for role in _CREDIT_ROLES.split("|")
    for word in (role, role.lower())
    for spelled in (word, word + "s")
}
"""The usual spellings of a credit's role word (``Photo``, ``photos``…) and the role.

A line ``WORD by REST`` or ``WORD:REST`` (one line) with ``WORD`` one of these is what
``_CREDIT_BY_RE`` or ``_CREDIT_COLON_RE`` finds: :func:`_parse_credit` reads it without them.
(``WORD by`` cannot match the colon's regex, nor ``WORD:`` the other: the regexes' role word
must be followed by `` by`` or by blanks and ``:``.)
"""


def _parse_credit(line: str, byline: bool, make: Callable[..., Credit]) -> Credit | None:
    """:func:`parse_credit`, building the credit with ``make`` (trusted or validating)."""
    if "\n" in line:  # no credit: the regexes' "." stops there, after quadratic backtracking
        return None  # over the blanks before it (5 s for "By", 30,000 blanks, "x\ny")
    if byline and line[:2] == "By":
        match = _BYLINE_RE.fullmatch(line)
        if match is not None:
            name, _, provider = match[1].strip().rpartition("/")
            if not name:
                name, provider = provider, ""
            name, provider = name.strip() or None, provider.strip() or None
            if name is None and provider is None:
                make = Credit  # ``By /``: the validators say what is wrong
            return make("byline", name, provider)
    role = None
    if "\n" not in line:  # the usual spellings, what the regexes find there, at once
        head, by, rest = line.partition(" by ")
        role = _ROLE_WORDS.get(head) if by else None
        if role is None:
            head, colon, rest = line.partition(":")
            if colon and head in _ROLE_WORDS:
                return make(_ROLE_WORDS[head], None, rest.strip()) if rest else None
    if role is None:
        if line[:3].lower() not in _CREDIT_STARTS:
            return None
        match = _CREDIT_BY_RE.fullmatch(line)
        if match is None:
            match = _CREDIT_COLON_RE.fullmatch(line)
            if match is not None:
                return make(match[1].lower(), None, match[2].strip())
            return None
        role, rest = match[1].lower(), match[2]
    rest = rest.strip()
    name, provider = rest, None
    if " on " in rest:
        name, _, provider = rest.rpartition(" on ")
    elif "/" in rest:
        name, _, provider = rest.rpartition("/")
    name, provider = name.strip() or None, (provider or "").strip() or None
    if name is None and provider is None:
        return None
    return make(role, name, provider)


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


def _parse(
    lines: list[str], filename: str | None, splitter: TagSplitter | None, trusted: bool
) -> tuple[Story, list[Diagnostic], _Spans]:
    """Read one story from its lines (split and stripped): the story, diagnostics, spans.

    The reader builds the model from lines it has split and stripped itself, so every text
    it passes is a non-blank string and every object meets its class's rules: with
    ``trusted`` the validators are not run again (:mod:`storykit.model`'s trusted
    builders); without it (the text holds lone surrogates, which only the validators
    judge) the validating constructors build every object, in the same order.

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
        alt, nav = line[_NAV_LENGTH:].strip() or None, True
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


def _source_line(line: str, index: int, filename: str | None) -> tuple[str | None, _dt.date | None]:
    """The source line's name and date (the URL comes from the footer)."""
    last = line[-1]
    if not (last.isdigit() or last in "Zz"):  # every date form ends in a digit or Z
        return line, None
    # the common forms, SCMP 2026-05-25 and SCMP May 25, 2026, at once
    if line[-3:-2] == "-":
        if line[-6:-5] == "-" and line[-11:-10] in _BEFORE_ISO_DAY:  # " YYYY-MM-DD", perhaps
            try:  # what _iso_day_at_end finds, read as date.fromisoformat reads it
                published = _dt.date.fromisoformat(line[-_ISO_DAY_LENGTH:])
            except ValueError:
                pass  # not that, or no such day: the general way says which
            else:
                return line[:-_ISO_DAY_LENGTH].strip() or None, published
    else:  # no date in words ends in "-" and two digits
        found = _month_date_at_end(line)
        if found is not None:
            start, day, month, year = found
            try:
                published = _dt.date(year, month, day)  # as _parse_date makes it
            except ValueError:
                pass  # no such day: the general way says so
            else:
                return line[:start].strip() or None, published
    return _source_line_in_full(line, index, filename)


def _source_line_in_full(
    line: str, index: int, filename: str | None
) -> tuple[str | None, _dt.date | None]:
    """:func:`_source_line` of any line, each form tried in turn, errors said."""
    # the common forms without the regex
    start = _iso_day_at_end(line) if line[-3:-2] == "-" else None
    value = line[start:] if start is not None else ""
    try:
        if start is not None:
            published = _dt.date.fromisoformat(value)  # as _parse_date reads it
        else:
            found = _month_date_at_end(line)
            if found is not None:
                start, day, month, year = found
                value = line[start:]
                published = _dt.date(year, month, day)  # as _parse_date makes it
            else:
                match = _DATE_RE.search(line, max(0, len(line) - _DATE_MAX_LENGTH))
                if match is None:
                    return line, None
                start = match.start(1)
                value = line[start:]
                published = _parse_date(value)
    except (ValueError, OverflowError) as exc:
        msg = f"invalid date {value!r} on the source line: {exc}"
        raise StoryParseError(msg, filename=filename, line=index + 1) from None
    return line[:start].strip() or None, published


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
    last = len(items) - 1
    final = _FINAL_PUNCTUATION
    for k, line in enumerate(items):  # the rule of _headings, inlined
        if (
            not after_heading
            and k < last
            and len(line) <= _HEADING_MAX_LENGTH
            and line[-1] not in final
        ):
            if heading is not None or paragraphs:
                sections.append(make(heading, tuple(paragraphs)))
            heading, paragraphs, after_heading = line, [], True
        else:
            paragraphs.append(line)
            after_heading = False
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
        _FOOTER_RE,
        "text follows the 'View original source' line; if this file holds "
        "several stories, read them with storykit.iter_stories()",
    ),
)
"""What of another story a body must not hold, first anywhere in it: its nav line, then a
footer (with text after it); each with how it starts, as a quick look before the regex."""


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
        story, diagnostics, spans = _parse(lines, filename, splitter, trusted)
    except StoryParseError:
        raise
    except ValueError as exc:  # the model refused a field: a lone surrogate in a str, say
        check_text(text, filename)  # names its line and column, as storykit.loads does
        raise StoryParseError(str(exc), filename=filename) from None
    if trusted and splitter is None:
        _remember(story, lines, spans)
    return story, diagnostics


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
    each ``View original source`` line. ``first_line`` is the 1-based number of the piece's
    first non-blank line in ``text``.
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
        elif line.startswith("View") and _FOOTER_RE.fullmatch(line):
            found = piece(index + 1)
            if found is not None:
                yield found
            start = index + 1
    found = piece(len(lines))
    if found is not None:
        yield found
