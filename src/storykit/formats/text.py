"""The plain-text story dump, both ways.

The layout (see ``docs/format.md``)::

    ← Back to stories ALT TEXT            nav line, optional; alt text optional
    Photo by NAME on PROVIDER             credit, optional (several forms)
    SOURCE NAME 2026-05-25                source and date, optional; date optional
                                          blank line: the header ends
    Title
                                          blank
    Lead paragraph (optional)
                                          blank
    Heading
                                          blank
    Paragraph
    …
    TagsRunTogether                       optional, right above the link line
    View original source → URL            optional; URL optional

The writer is here, with the round-trip check that keeps it honest; the reader, with the
names it shares with the writer (the nav and footer lines, the date and credit forms), is
:mod:`storykit.formats._text_reader`, and where one story in a text ends and the next
starts is :mod:`storykit.formats._text_stories`: their public functions are re-exported here.
"""

from __future__ import annotations

from itertools import repeat
from typing import NoReturn

from storykit._dates import format_iso
from storykit.errors import UnrepresentableError
from storykit.formats._source_line import _ends_in_date
from storykit.formats._text_lines import (  # what the writer shares of the reader's rules
    _FINAL_PUNCTUATION,
    _NAV_RE,
    _TAGS_MAX_LENGTH,
    FOOTER,
    NAV,
    _parse_credit,
    _reads_as_nav_or_footer,
)
from storykit.formats._text_memory import _Lines, _made_from, _read_back
from storykit.formats._text_reader import (  # the reader
    _HEADING_MAX_LENGTH,
    _loads_checked,  # noqa: F401 - storykit.loads looks for it in the format's module
    _read,  # noqa: F401 - the batch commands' reader (storykit._pieces.parse_text)
    loads,
    read,
)
from storykit.formats._text_stories import _glued_start, split_stories  # where stories end
from storykit.model import (
    Credit,
    Source,
    Story,
    _trusted_credit,
)
from storykit.tags import _default_splitter

__all__ = [
    "NAME",
    "SUFFIXES",
    "credit_line",
    "detect",
    "dumps",
    "is_heading_like",
    "loads",
    "parse_credit",
    "read",
    "split_stories",
]

NAME = "text"
SUFFIXES = (".txt",)


def is_heading_like(line: str) -> bool:
    """A short line without final punctuation (a heading may end in ``?``)."""
    return len(line) <= _HEADING_MAX_LENGTH and line[-1] not in _FINAL_PUNCTUATION


def detect(text: str) -> bool:
    """True when ``text`` looks like a story dump (it is the fallback format anyway)."""
    head = text.lstrip("\ufeff \t\r\n")[:200]
    return head.startswith("←") or "View original source" in text[-400:]


def credit_line(credit: Credit) -> str:
    """The credit as the dump words it, on one line; :func:`parse_credit` reads it back.

    ``Photo by Pavel Danilyuk on Pexels``, ``Photo: AFP``, ``Illustration by Kofi Boateng``,
    ``Photograph by Aiko Nakamura/Kyodo``, ``By Jane Doe`` (a byline). Every format that
    shows a credit as words (Markdown, HTML, JSON-LD's ``creditText``, ninjs's ``by``, the
    ``credit`` column of records, SQLite and Parquet) uses this wording, and so does
    ``str(credit)``.
    """
    if credit.role == "byline":
        if credit.name is None:
            return f"By {credit.provider}"
        return f"By {credit.name}" + (f"/{credit.provider}" if credit.provider else "")
    role = credit.role[:1].upper() + credit.role[1:]
    if credit.name is None:
        return f"{role}: {credit.provider}"
    if credit.provider is None:
        return f"{role} by {credit.name}"
    joiner = "/" if credit.role == "photograph" else " on "
    return f"{role} by {credit.name}{joiner}{credit.provider}"


def parse_credit(line: str, *, byline: bool = False) -> Credit | None:
    """Read a credit line as :func:`credit_line` words it.

    Args:
        line: ``Photo by NAME on PROVIDER``, ``Photo: PROVIDER``, ``Photograph by NAME/AGENCY``…
        byline: Also read ``By NAME`` (or ``By NAME/AGENCY``) as a ``"byline"`` credit; the
            reader does so only after the source line, where no source name can stand.

    Returns:
        The credit, or ``None`` when ``line`` is no credit line.
    """
    return _parse_credit(line, byline, Credit)


def _headings(items: list[str]) -> list[int]:
    """Which of the body's lines (blank lines left out) the reader reads as headings.

    A heading is a heading-like line (:func:`is_heading_like`) that does not follow a
    heading and is not the last line: a heading always has a paragraph. (The reader applies
    the same rule, looking closer only at the short lines: ``_text_reader._body``.)
    """
    final = _FINAL_PUNCTUATION
    headings: list[int] = []
    after = -1  # the line after the last heading
    for k, line in enumerate(items[:-1]):
        if k != after and len(line) <= _HEADING_MAX_LENGTH and line[-1] not in final:
            headings.append(k)
            after = k + 1
    return headings


def _fail(where: str, why: str) -> NoReturn:
    msg = f"cannot write this story as a dump without changing it: {where} {why}"
    raise UnrepresentableError(msg)


def _no_nul(where: str, value: str) -> None:
    if "\0" in value:
        _fail(where, "contains U+0000 (NUL), which makes the dump read as binary data")


def _single_line(where: str, value: str) -> None:
    _no_nul(where, value)
    if "\n" in value or "\r" in value:
        _fail(where, "contains a line break")
    if value != value.strip():
        _fail(where, "has surrounding white space")


def _check(
    story: Story,
    *,
    header_read_back: bool = False,
    rest_read_back: bool = False,
    header_lines: list[bool] | None = None,
) -> None:
    """Raise :class:`UnrepresentableError` when the dump could not give ``story`` back.

    Args:
        story: The story.
        header_read_back: The reader made the header from the lines the writer writes:
            they read back the same, and need no check.
        rest_read_back: The same for the title, body and tags lines
            (:func:`._text_memory._read_back`).
        header_lines: For each header line, whether the reader made its part from it
            (:func:`._text_memory._read_back`); those parts need no check.
    """
    title, tags = story.title, story.tags
    # The title and the tags, each a single line (so they are when they read back), checked
    # at once; one by one, in the same order, to say which is not.
    plain = rest_read_back or _single_lines(title, tags)
    if not plain:
        _single_line("title", title)
    if _reads_as_nav_or_footer(title):
        _fail("title", "reads as a nav or footer line")
    if not plain:
        for i, tag in enumerate(tags):
            _single_line(f"tags[{i}]", tag)
    if not header_read_back:
        _check_header(story, header_lines)
    else:  # what is not judged line by line: the footer's URL, the order of the parts
        source = story.source
        if source is not None and source.url is not None:
            _check_url(source.url)
        _check_source_line_first(story)
    if rest_read_back:
        return
    _check_body(story)
    if tags:
        line = "".join(tags)
        if (
            not story.sections
            or not is_tags_line(line)
            # the story's text, made only if the splitter asks for it
            or _default_splitter()._split_line(
                line, lambda: "\n".join([title, *story.headings, *story.paragraphs])
            )
            != tags
        ):
            _fail("tags", f"would not split back into the same tags ({line!r})")


def _check_made(story: Story, ref: _Lines, out: list[str], blank: int) -> None:
    """:func:`_check` for a story the reader made from ``ref``'s lines.

    What the reader made from exactly the lines the writer writes (``out``, its header
    ``out[:blank]``) reads back the same, and needs no check (:func:`._text_memory._read_back`).
    """
    header, rest, same = _read_back(story, ref, out, blank)
    if not rest:
        _check(story, header_read_back=header, header_lines=same)
        return
    # The common case, at once: what _check still judges when the rest reads back.
    title = story.title
    if title.startswith(("←", "View")) and _reads_as_nav_or_footer(title):
        _fail("title", "reads as a nav or footer line")
    if not header:
        _check_header(story, same)
    elif story.credits or story.extras:
        _check_source_line_first(story)
    # (nor the URL: the reader took it from the footer, so it holds no white space)


def _single_lines(title: str, tags: tuple[str, ...]) -> bool:
    """Whether :func:`_single_line` accepts the title and every tag (one pass for all)."""
    text = title + "".join(tags)
    return (
        "\0" not in text
        and "\n" not in text
        and "\r" not in text
        and title == title.strip()
        and tuple(map(str.strip, tags)) == tags
    )


def _check_url(url: str) -> None:
    _no_nul("source.url", url)
    if url and url.split() != [url]:  # any white space in it
        _fail("source.url", "contains white space")
    if url.endswith("\ufeff"):  # the reader drops those: another file's (_footer_url)
        _fail("source.url", "ends with a byte order mark (U+FEFF)")


def _check_source_line_first(story: Story) -> None:
    source = story.source
    if (story.credits or story.extras) and (source is None or not _has_line(source)):
        _fail("credits/extras", "need a source line to follow")


def _check_header(story: Story, same: list[bool] | None = None) -> None:
    """Check the header's parts; ``same[k]``: the writer's header line ``k`` read back.

    A line the reader made its part from needs no check (see
    :func:`._text_memory._header_lines`). ``same`` is given only for a story the reader
    made: its source name, read from a line that was neither a credit nor a nav line, is
    none either (a credit or a nav line with text added is still one), and is a single line
    of text without surrounding space.
    """
    k = 0  # the writer's header line of the part checked: the nav line first
    credits: list[tuple[str, Credit]] = []  # those whose line did not read back
    image = story.image
    if image is not None:
        if image.alt is not None and not (same is not None and same[k]):
            _single_line("image.alt", image.alt)
        if image.credit is not None:
            k += 1
            if not (same is not None and same[k]):
                credits.append(("image.credit", image.credit))
    source = story.source
    if source is not None:
        if _has_line(source):
            k += 1
        name = source.name
        if name is not None and not (same is not None and same[k]):
            if same is None:
                _single_line("source.name", name)
                if parse_credit(name) is not None or _NAV_RE.fullmatch(name):
                    _fail("source.name", "reads as a credit or nav line")
            if _ends_in_date(name):
                _fail("source.name", "ends in something that reads as a date")
        if source.url is not None:
            _check_url(source.url)
    _check_source_line_first(story)
    for i, credit in enumerate(story.credits):
        k += 1
        if not (same is not None and same[k]):
            credits.append((f"credits[{i}]", credit))
    for where, credit in credits:
        line = credit_line(credit)
        _single_line(where, line)
        if _parse_credit(line, where != "image.credit", _trusted_credit) != credit:
            _fail(where, f"would read back differently ({line!r})")
    for i, extra in enumerate(story.extras):
        k += 1
        if same is not None and same[k]:
            continue
        _single_line(f"extras[{i}]", extra)
        if parse_credit(extra, byline=True) is not None or _NAV_RE.fullmatch(extra):
            _fail(f"extras[{i}]", "reads as a credit or nav line")


def _check_body(story: Story) -> None:
    """The body's lines read back as the same headings and paragraphs.

    Checked at once for the common body (each line a single line of text, none like a nav
    or footer line, the headings where the reader finds them); line by line otherwise, to
    say which line is not.
    """
    items: list[str] = []
    headings: list[int] = []
    for section in story.sections:
        if section.heading is not None:
            if not section.paragraphs:
                break  # refused below
            headings.append(len(items))
            items.append(section.heading)
        items += section.paragraphs
    else:
        text = "".join(items)
        if (
            "\0" not in text
            and "\n" not in text
            and "\r" not in text
            and list(map(str.strip, items)) == items
            and not any(map(str.startswith, items, repeat(("←", "View"))))
            and _headings(items) == headings
        ):
            return
    _check_body_lines(story)


def _check_body_lines(story: Story) -> None:
    items: list[tuple[str, str, bool]] = []
    for i, section in enumerate(story.sections):
        if section.heading is not None:
            items.append((f"sections[{i}].heading", section.heading, True))
            if not section.paragraphs:
                _fail(f"sections[{i}]", "has a heading but no paragraphs")
        items.extend(
            (f"sections[{i}].paragraphs[{j}]", paragraph, False)
            for j, paragraph in enumerate(section.paragraphs)
        )
    previous_heading = False
    for k, (where, value, heading) in enumerate(items):
        _single_line(where, value)
        if _reads_as_nav_or_footer(value):
            _fail(where, "reads as a nav or footer line")
        reads_as_heading = not previous_heading and k + 1 < len(items) and is_heading_like(value)
        if heading != reads_as_heading:
            kind = "heading" if heading else "paragraph"
            _fail(where, f"would not read back as a {kind} ({value!r})")
        previous_heading = heading


def _has_line(source: Source) -> bool:
    return source.name is not None or source.published is not None


def is_tags_line(line: str) -> bool:
    """Whether ``line``, right above the footer, is read as the tags line."""
    return (
        bool(line)
        and len(line) <= _TAGS_MAX_LENGTH
        and line[-1] not in _FINAL_PUNCTUATION
        and not _reads_as_nav_or_footer(line)
    )


def dumps(story: Story, *, check: bool = True) -> str:
    """Write ``story`` as a dump, LF line ends, no final newline.

    Args:
        story: The story.
        check: Verify first that reading the dump back gives the same story.

    Raises:
        UnrepresentableError: ``check`` is on and the dump layout cannot hold the story
            as it is (a paragraph that would read as a heading, a line break in a title…).
    """
    out: list[str] = []
    alt = story.image.alt if story.image is not None else None
    out.append(f"{NAV} {alt}" if alt else NAV)
    if story.image is not None and story.image.credit is not None:
        out.append(credit_line(story.image.credit))
    source = story.source
    if source is not None and _has_line(source):
        parts = [p for p in (source.name, source.published and format_iso(source.published)) if p]
        out.append(" ".join(parts))
    out.extend(map(credit_line, story.credits))
    out.extend(story.extras)
    blank = len(out)  # the end of the header
    out += ["", story.title]
    for section in story.sections:
        if section.heading is not None:
            out += ["", section.heading]
        for paragraph in section.paragraphs:
            out += ["", paragraph]
    out.append("")
    if story.tags:
        out.append("".join(story.tags))
    url = source.url if source is not None else None
    out.append(f"{FOOTER} {url}" if url else FOOTER)
    if check:
        ref = _made_from(story)
        if ref is not None:
            _check_made(story, ref, out, blank)
        else:
            _check(story)
    text = "\n".join(out)
    if check and text.find("←", len(out[0])) != -1:  # rare: a '←' after the nav line
        _check_no_glued_nav(story, out)
    return text


def _check_no_glued_nav(story: Story, out: list[str]) -> None:
    """No line the writer writes holds a glued nav line that would start another story.

    A line of text with ``← Back to stories`` in it, followed by what reads as a header and
    a title, reads back as two stories (or as one the reader cannot tell from two, which it
    refuses): the reader's own rule (``_glued_start``) judges each written line in place.
    Where the lines after it say it starts no story (the last paragraph, say, with only
    the footer after it), the line reads back as it is.
    """
    for index in range(1, len(out)):
        line = out[index]
        if "←" in line and _glued_start(line, map(out.__getitem__, range(index + 1, len(out)))):
            _fail(
                _written_names(story)[index],
                f"holds '← Back to stories' after text ({line!r}), and what follows reads as "
                "a story's header and title: it would read back as another story's start "
                "(or, after blanks, as a line the reader cannot tell from one)",
            )


def _written_names(story: Story) -> list[str]:
    """The field each line :func:`dumps` writes holds, line for line (``""``: a blank)."""
    names = ["image.alt"]
    if story.image is not None and story.image.credit is not None:
        names.append("image.credit")
    if story.source is not None and _has_line(story.source):
        names.append("source.name")
    names += [f"credits[{i}]" for i in range(len(story.credits))]
    names += [f"extras[{i}]" for i in range(len(story.extras))]
    names += ["", "title"]
    for i, section in enumerate(story.sections):
        if section.heading is not None:
            names += ["", f"sections[{i}].heading"]
        for j in range(len(section.paragraphs)):
            names += ["", f"sections[{i}].paragraphs[{j}]"]
    return [*names, "", *(["tags"] if story.tags else []), "source.url"]
