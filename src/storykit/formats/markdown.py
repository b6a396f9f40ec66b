"""CommonMark, both ways: a readable page with YAML front matter, and a reader for it.

The writer needs nothing beyond the standard library; the reader needs the optional extra
``storykit[markdown]`` (markdown-it-py and PyYAML), imported the first time it is used.

What :func:`dumps` writes (see ``docs/formats/markdown.md``)::

    ---
    title: "Xiaomi is pouring billions into AI …"      text double-quoted, markup escaped
    date: 2026-05-25                                   title, date, tags: where site
    tags:                                              generators and pandoc look
      - "AI"
    source:
      name: "SCMP"
    image:
      alt: "Close-up of a futuristic robotic toy …"
      credit:
        role: "photo"
        name: "Pavel Danilyuk"
        provider: "Pexels"
    ---

    # Xiaomi is pouring billions into AI …

    *SCMP · 2026-05-25*                                  the source line

    **Image:** Close-up of … — *Photo by Pavel Danilyuk on Pexels*

    ## The play

    Xiaomi (小米) is betting big on …

    **Tags:** AI · EVs · Semiconductors · Smartphones

    [View original source →](<https://…>)

Every piece of story text goes through one function, :func:`escape`, so that a CommonMark
renderer shows it as exactly that text. The front matter is the authority when reading: the
body's source line, image line, credits, tags and link are read only for what the front
matter leaves out (so a document without front matter still reads back).
"""

from __future__ import annotations

import re

from storykit._dates import format_iso
from storykit._guards import not_text
from storykit._urls import is_safe_url
from storykit.errors import StoryParseError, UnrepresentableError
from storykit.formats._options import check_heading_offset
from storykit.formats.text import credit_line
from storykit.model import Credit, Image, Story

__all__ = ["NAME", "SUFFIXES", "detect", "dumps", "escape", "link_destination", "loads"]

NAME = "markdown"
SUFFIXES = (".md", ".markdown")


SEPARATOR = " · "
"""Between the parts of the source line, and between tags and between credits."""
DASH = " — "
"""Between the image's alt text and its credit."""
LINK_TEXT = "View original source →"
IMAGE_LABEL = "Image:"
CREDITS_LABEL = "Credits:"
TAGS_LABEL = "Tags:"
URL_LABEL = "Original source:"

# --------------------------------------------------------------------------- escaping

# Characters that start inline markup anywhere in a line: code spans, emphasis, links and
# images, autolinks and raw HTML, strikethrough (GFM), and backslash escapes themselves.
# "&" only where it would start a character reference ("AT&T" stays as it is).
_INLINE = re.compile(r"[\\`*_\[\]<~]|&(?=#|[A-Za-z0-9]+;)")
_MAYBE_INLINE = re.compile(r"[\\`*_\[\]<~&]")  # a fast first look: most text has none
# What starts a block at the beginning of a line, once inline markup is escaped: ATX
# headings, list items and thematic breaks, block quotes, setext underlines, table rows.
_BLOCK_START = frozenset("#-+>=|")
_ORDERED = re.compile(r"\d+(?=[.)])")
# Renderers strip these from the ends of a paragraph or heading (CommonMark strips spaces
# and tabs, markdown-it the JavaScript ``trim`` set, markdown-it-py 3 ``str.strip``) and
# have no character reference that survives for them: they cannot be kept at an edge.
_UNKEEPABLE_AT_EDGE = frozenset("\x0b\x1c\x1d\x1e\x1f\x85")
# What a GFM table cell escapes, wherever it stands: inline markup, "|" (which would end the
# cell), every "&" and ">", and "$" (notebook front ends render TeX math between dollars).
_CELL_SPECIAL = frozenset("\\`*_[]<>|&~$")


# What renderers strip from the ends of a paragraph or heading: all that ``str.isspace``
# calls white space (markdown-it-py before 4.3 strips with it) and U+FEFF (JavaScript's
# ``trim``, as in markdown-it, strips it).
_EDGE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _inline(text: str) -> str:
    out = _INLINE.sub(r"\\\g<0>", text) if _MAYBE_INLINE.search(text) else text
    # Line breaks become character references: every piece of text stays on one line,
    # so no line of it can start a block (a heading, a list item, a fence …) of its own.
    if "\n" in out or "\r" in out:
        out = out.replace("\r", "&#13;").replace("\n", "&#10;")
    return out


def escape(text: str, where: str = "text", *, cell: bool = False) -> str:
    r"""Escape ``text`` so that a CommonMark renderer shows exactly ``text``.

    The result is one line, fit for a paragraph, a heading or an emphasis span: markup
    characters are backslash-escaped (``*`` → ``\*``), a block marker at the start
    (``# ``, ``- ``, ``1. ``, ``> ``…) is escaped, white space at either end and line
    breaks become character references (``&#32;``, ``&#10;``) that no renderer strips,
    a trailing ``#`` is escaped so that it cannot close a heading.

    With ``cell=True`` the text is for a cell of a GFM table (the notebook table's
    Markdown): it must already be one line without white space at its ends, and every
    character that could start inline markup, end the cell (``|``) or start TeX math
    (``$``) is backslash-escaped, wherever it stands.

    Args:
        text: Raw story text.
        where: The field it comes from, named in the error.
        cell: Escape for a GFM table cell (see above).

    Raises:
        UnrepresentableError: ``text`` holds U+0000 (CommonMark turns it into U+FFFD), or
            starts or ends with a control character that renderers strip and no
            character reference can stand for (U+000B, U+001C–U+001F, U+0085).
    """
    if "\0" in text:
        msg = f"cannot write this story as Markdown: {where} contains U+0000 (NUL)"
        raise UnrepresentableError(msg)
    if cell:
        return "".join(["\\" + c if c in _CELL_SPECIAL else c for c in text])
    lead = trail = ""
    core = text
    if text[:1] in _EDGE_SPACE or text[-1:] in _EDGE_SPACE:  # rare: white space at an end
        rest = text.lstrip(_EDGE_SPACE)
        core = rest.rstrip(_EDGE_SPACE)
        lead, trail = text[: len(text) - len(rest)], rest[len(core) :]
        bad = next((c for c in lead + trail if c in _UNKEEPABLE_AT_EDGE), None)
        if bad is not None:
            msg = (
                f"cannot write this story as Markdown: {where} starts or ends with "
                f"U+{ord(bad):04X}, which Markdown renderers strip"
            )
            raise UnrepresentableError(msg)
        lead, trail = _references(lead), _references(trail)
    # A final "#" could close an ATX heading ("Top #"): escape it.
    main, last = (core[:-1], "\\#") if core.endswith("#") else (core, "")
    out = _inline(main)
    if main[:1] in _BLOCK_START:
        out = "\\" + out
    elif main[:1].isdigit() and (number := _ORDERED.match(main)) is not None:
        out = f"{out[: number.end()]}\\{out[number.end() :]}"
    return lead + out + last + trail


def _references(chars: str) -> str:
    return "".join(f"&#{ord(c)};" for c in chars)


def link_destination(url: str) -> str:
    r"""A link destination in pointy brackets: ``[text](<…>)`` links to exactly ``url``.

    ``\``, ``<`` and ``>`` are backslash-escaped, and so is an ``&`` that would start a
    character reference (a renderer would decode ``&amp;`` in a destination to ``&``). The
    URL must hold no white space or control character (a linkable URL holds none).
    """
    return "<" + re.sub(r"[\\<>]|&(?=#|[A-Za-z0-9]+;)", lambda m: "\\" + m[0], url) + ">"


# Within the one URL rule (storykit._urls), the Markdown writer links a web URL that a
# destination in pointy brackets can hold: no white space or control character.
_LINKABLE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


# --------------------------------------------------------------------------- YAML


def _yaml_escape(char: str) -> str:
    code = ord(char)
    named = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    if char in named:
        return named[char]
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


# Everything YAML cannot hold literally in a double-quoted scalar on one line: its
# escapes, C0/C1 controls, DEL, the line breaks YAML 1.1 knows (U+0085, U+2028, U+2029),
# surrogates, U+FEFF (a byte order mark inside a document) and U+FFFE/U+FFFF; and the
# characters that start inline Markdown (the body's :data:`_INLINE`), because a renderer
# that does not know front matter shows it as Markdown text: escaped as ``\x3C``, they
# stay text there and are still the same characters to every YAML reader.
_YAML_SPECIAL = re.compile(
    '[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]|' + _INLINE.pattern
)


def _yaml_str(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: valid YAML whatever the string holds.

    No character in it starts Markdown markup (``<``, ``&``, a backtick, ``*``…), so the
    front matter shown as Markdown text is text.
    """
    return '"' + _YAML_SPECIAL.sub(lambda m: _yaml_escape(m[0]), value) + '"'


def _front_matter(story: Story) -> list[str]:
    """Where site generators look first: ``title``, ``date``, ``tags``; then the rest."""
    out = ["---", f"title: {_yaml_str(story.title)}"]
    source = story.source
    if source is not None and source.published is not None:
        # Plain (unquoted): a YAML date or timestamp to Hugo, Jekyll, Quarto, MkDocs; the
        # ISO form holds no character that YAML or Markdown reads as markup.
        out.append(f"date: {format_iso(source.published)}")
    if story.tags:
        out.append("tags:")
        out.extend(f"  - {_yaml_str(tag)}" for tag in story.tags)
    if source is not None and (source.name is not None or source.url is not None):
        out.append("source:")
        if source.name is not None:
            out.append(f"  name: {_yaml_str(source.name)}")
        if source.url is not None:
            out.append(f"  url: {_yaml_str(source.url)}")
    image = story.image
    if image is not None:
        out.append("image:")
        if image.alt is not None:
            out.append(f"  alt: {_yaml_str(image.alt)}")
        if image.credit is not None:
            out.append("  credit:")
            out.extend(_yaml_credit(image.credit, "    "))
    if story.credits:
        out.append("credits:")
        for credit in story.credits:
            lines = _yaml_credit(credit, "    ")
            out.extend(["  - " + lines[0][4:], *lines[1:]])
    if story.extras:
        out.append("extras:")
        out.extend(f"  - {_yaml_str(extra)}" for extra in story.extras)
    out.append("---")
    return out


def _yaml_credit(credit: Credit, indent: str) -> list[str]:
    out = [f"{indent}role: {_yaml_str(credit.role)}"]
    if credit.name is not None:
        out.append(f"{indent}name: {_yaml_str(credit.name)}")
    if credit.provider is not None:
        out.append(f"{indent}provider: {_yaml_str(credit.provider)}")
    return out


# --------------------------------------------------------------------------- writing


def dumps(
    story: Story,
    *,
    front_matter: bool = True,
    heading_offset: int = 0,
    image: bool = True,
    tags: bool = True,
    footer: bool = True,
) -> str:
    """Write ``story`` as CommonMark, ending in a newline.

    Args:
        story: The story.
        front_matter: Start with YAML front matter that holds all the metadata (title,
            source, date, URL, image, credits, tags, extras). Without it the page still
            reads back, except for ``story.extras``.
        heading_offset: Added to every heading level, to embed the story under an
            existing heading: ``1`` makes the title ``##`` and the sections ``###``
            (``0`` to ``4``).
        image: Show the image's alt text and credit under the source line.
        tags: Show the tags line at the end.
        footer: Show the link to the original article at the end.

    The options shape the readable body only: the front matter always holds everything,
    so ``loads(dumps(story, **options)) == story`` with any options while
    ``front_matter`` is on.

    Raises:
        TypeError: ``heading_offset`` is not an integer.
        ValueError: ``heading_offset`` is not from 0 to 4.
        UnrepresentableError: Some text holds a character Markdown cannot carry
            (see :func:`escape`).
    """
    check_heading_offset(heading_offset)
    out: list[str] = []
    if front_matter:
        out += [*_front_matter(story), ""]
    title_mark = "#" * (1 + heading_offset)
    section_mark = "#" * (2 + heading_offset)
    out += [f"{title_mark} {escape(story.title, 'title')}", ""]
    source = story.source
    if source is not None and (source.name is not None or source.published is not None):
        parts = []
        if source.name is not None:
            parts.append(escape(source.name, "source.name"))
        if source.published is not None:
            parts.append(format_iso(source.published))
        out += [f"*{SEPARATOR.join(parts)}*", ""]
    if image and story.image is not None:
        out += [_image_line(story.image), ""]
    if story.credits:
        credits = (escape(credit_line(c), f"credits[{i}]") for i, c in enumerate(story.credits))
        out += [f"**{CREDITS_LABEL}** {SEPARATOR.join(credits)}", ""]
    for i, section in enumerate(story.sections):
        if section.heading is not None:
            out += [f"{section_mark} {escape(section.heading, f'sections[{i}].heading')}", ""]
        for j, paragraph in enumerate(section.paragraphs):
            out += [escape(paragraph, f"sections[{i}].paragraphs[{j}]"), ""]
    if tags and story.tags:
        shown = (escape(tag, f"tags[{i}]") for i, tag in enumerate(story.tags))
        out += [f"**{TAGS_LABEL}** {SEPARATOR.join(shown)}", ""]
    url = source.url if source is not None else None
    if footer and url is not None:
        if is_safe_url(url) and _LINKABLE.fullmatch(url):
            out += [f"[{LINK_TEXT}]({link_destination(url)})", ""]
        else:  # no link for other schemes (javascript:, data: …): shown as text
            out += [f"**{URL_LABEL}** {escape(url, 'source.url')}", ""]
    return "\n".join(out[:-1]) + "\n"


def _image_line(image: Image) -> str:
    line = f"**{IMAGE_LABEL}**"
    if image.alt is not None:
        line += " " + escape(image.alt, "image.alt")
    if image.credit is not None:
        credit = escape(credit_line(image.credit), "image.credit")
        line += f"{DASH}*{credit}*" if image.alt is not None else f" *{credit}*"
    return line


# --------------------------------------------------------------------------- reading


_HEADING_START = re.compile(r"#{1,6}(?:[ \t]|$)")


def detect(text: str) -> bool:
    """True when ``text`` starts with YAML front matter or a Markdown ``#`` heading."""
    head = text.lstrip("\ufeff \t\r\n")[:300]
    if head[:1] not in ("-", "#"):  # neither: a story dump, say, at once
        return False
    first = head.split("\n", 1)[0].rstrip()
    return first == "---" or _HEADING_START.match(first) is not None


def loads(text: str, *, filename: str | None = None) -> Story:
    """Read one story from Markdown: what :func:`dumps` writes, or a hand-written page.

    A hand-written page needs a ``#`` title heading (or a ``title`` in the front matter),
    then paragraphs, with ``##`` headings for sections; paragraphs before the first
    section heading are the lead. Soft line breaks inside a paragraph read as spaces and
    inline markup (emphasis, links, code) is dropped, keeping its text.

    Args:
        text: The Markdown (LF or CRLF line ends, an optional BOM).
        filename: Named in errors.

    Raises:
        StoryParseError: Front matter that is not YAML or has unknown keys, no title, or a
            block the model has no place for (a list, a block quote, a code block, raw
            HTML, a heading at another level); the message names the file and line.
        MissingExtraError: markdown-it-py or PyYAML is not installed
            (the message says what to install).
        TypeError: ``text`` is no ``str`` (``storykit.loads`` takes bytes).
    """
    if not isinstance(text, str):
        raise not_text(text, "markdown")
    from storykit.formats import _markdown_reader  # noqa: PLC0415 - only when reading

    _, yaml = _markdown_reader.imports()
    try:
        return _markdown_reader.Reader(text, filename, yaml).read()
    except RecursionError:
        raise StoryParseError("input nested too deeply", filename=filename) from None
