"""The blocks of a Markdown body: headings and paragraphs with their inline tokens.

What :mod:`storykit.formats._markdown_reader` walks: :class:`_Block` (a heading or paragraph,
its markdown-it inline tokens, the text a reader sees) and :func:`_plain_blocks`, which
reads a chunk of plain headings and paragraphs without markdown-it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from storykit.formats.markdown import _EDGE_SPACE, _UNKEEPABLE_AT_EDGE, LINK_TEXT

if TYPE_CHECKING:
    from markdown_it.token import Token

_NO_TOKENS: list[Token] = []  # the tokens of a compacted block (never changed)
# where inline markup (or a block's) may start; not ">", which inline only closes what an
# unescaped "<" opened, and the writer leaves unescaped in a story's text
_MARKUP_RE = re.compile(r"[\\`*_\[\]!<&\x00]")
_LINKLESS_MARKUP_RE = re.compile(r"[\\`*_<&\x00]")  # the same where no link can form
_ATX_RE = re.compile(r"(#{1,6}) (.*)")  # a heading line (see _plain_blocks for its end)
_ORDERED_RE = re.compile(r"[0-9]+[.)]")  # a numbered list item's start
# besides letters, digits and what is not ASCII, what a plain line may start with
_PLAIN_STARTS = frozenset("\"'(")
_LINKLESS_STARTS = _PLAIN_STARTS | frozenset("[]!")  # the same where no link can form
# the character references the writer writes (markdown.escape: white space at either end
# of a text, line breaks): each stands for its character, as markdown-it decodes it
_WRITTEN_REFERENCES = sorted(
    {ord(c) for c in _EDGE_SPACE + "\r\n"} - set(map(ord, _UNKEEPABLE_AT_EDGE))
)
# a backslash escape (a backslash and the ASCII punctuation it makes plain text, as in
# CommonMark), or one of those references
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])|&#(" + "|".join(map(str, _WRITTEN_REFERENCES)) + ");")


def _unescaped(text: str) -> str:
    """``text`` with its escapes and the writer's character references decoded."""
    return _ESCAPE_RE.sub(lambda m: m[1] or chr(int(m[2])), text)


def _plain_blocks(chunk: str, line: int, *, linkless: bool = False) -> list[_Block] | None:
    r"""The blocks of a chunk of plain headings and paragraphs, read without markdown-it.

    ``None`` unless every line is empty, a heading ``#… text`` or a paragraph line that
    starts with a letter, a digit (not a list item's ``1.``), a quote or any other character
    outside ASCII (``„`` ``«`` ``—``: every block marker is ASCII), and none starts or
    ends with white space or holds a character that can start markup (``\ ` * _ [ ] ! <
    &``): such a chunk reads as its lines say (a paragraph's lines joined by spaces), as
    markdown-it reads it, at a fraction of the cost. Anything else is parsed.

    ``linkless``: no link, image or link reference definition can form in the chunk (see
    ``_markdown_reader._linkless``), so ``[ ] !`` are plain text, within a line or first.

    Markup characters that are all backslash-escaped (``\*``, ``\\``, as the writer escapes
    a story's text) are plain text too, and a line may start with one: markdown-it makes a
    token of each escape, some 190 bytes of memory a character of such a paragraph (a
    16 MiB page the writer wrote of a story full of ``*`` took 3 GB to read). So are the
    escaped ``#`` that ends a heading and the character references the writer writes
    (``&#32;``, ``&#10;``: white space at an end, line breaks).
    """
    markup = _LINKLESS_MARKUP_RE if linkless else _MARKUP_RE
    escaped = "\\" in chunk or "&#" in chunk
    if markup.search(_ESCAPE_RE.sub("", chunk) if escaped else chunk):
        return None  # (a backslash left is no escape: a line break, or plain text before a letter)
    starts = _LINKLESS_STARTS if linkless else _PLAIN_STARTS
    if escaped:
        starts |= {"\\", "&"}
    blocks: list[_Block] = []
    paragraph: list[str] = []
    first = 0
    for number, row in enumerate(chunk.split("\n"), line + 1):
        if not row:
            if paragraph:
                blocks.append(_Block("paragraph", 0, first, _NO_TOKENS, " ".join(paragraph)))
                paragraph = []
            continue
        start = row[0]
        if row[-1].isspace() or start.isspace():
            return None
        if start == "#":
            match = _ATX_RE.fullmatch(row)
            if (
                match is None
                or not match[2]
                or match[2][0].isspace()
                or (match[2][-1] == "#" and match[2][-2:] != "\\#")  # (closing #s, maybe)
            ):
                return None  # (a "#" inside is text; so is one after a backslash, as written)
            if paragraph:
                blocks.append(_Block("paragraph", 0, first, _NO_TOKENS, " ".join(paragraph)))
                paragraph = []
            heading = _unescaped(match[2]) if escaped else match[2]
            blocks.append(_Block("heading", len(match[1]), number, _NO_TOKENS, heading))
            continue
        if not (start.isalnum() or start in starts or not start.isascii()) or (
            "0" <= start <= "9" and _ORDERED_RE.match(row)
        ):
            return None  # (every block marker is ASCII: „ « ¿ — start no block)
        if not paragraph:
            first = number
        paragraph.append(_unescaped(row) if escaped else row)
    if paragraph:
        blocks.append(_Block("paragraph", 0, first, _NO_TOKENS, " ".join(paragraph)))
    return blocks


@attrs.define
class _Block:
    """A heading or paragraph of the body, with its inline tokens."""

    kind: str  # "heading" or "paragraph"
    level: int  # 1-6 for headings, 0 for paragraphs
    line: int  # 1-based, in the whole input
    children: list[Token]
    plain: str | None = None  # the text, once the tokens are dropped (see compact)

    @property
    def text(self) -> str:
        return _plain(self.children) if self.plain is None else self.plain

    def compact(self) -> None:
        """Keep the text only, not the tokens (the writer's lines are not looked for here)."""
        if self.plain is None:
            self.plain = _plain(self.children)
            self.children = _NO_TOKENS

    def labelled(self, label: str) -> str | None:
        """The text after a leading ``**label**``, without the one space, else ``None``."""
        c = self.children
        if (
            self.kind == "paragraph"
            and len(c) >= 3
            and c[0].type == "strong_open"
            and c[1].type == "text"
            and c[1].content == label
            and c[2].type == "strong_close"
        ):
            rest = _plain(c[3:])
            return rest[1:] if rest.startswith(" ") else rest
        return None

    def emphasized(self) -> str | None:
        """The text of a paragraph that is one emphasis span and nothing else."""
        c = self.children
        if (
            self.kind == "paragraph"
            and len(c) >= 3
            and c[0].type == "em_open"
            and c[-1].type == "em_close"
            and all(t.type == "text" for t in c[1:-1])
        ):
            return "".join(t.content for t in c[1:-1])
        return None

    def link(self) -> str | None:
        """The URL of a paragraph that is the writer's link to the original, else ``None``."""
        c = self.children
        if (
            self.kind == "paragraph"
            and len(c) == 3
            and c[0].type == "link_open"
            and c[1].type == "text"
            and c[1].content == LINK_TEXT
        ):
            href = c[0].attrGet("href")
            return href if isinstance(href, str) else None
        return None


def _merged(tokens: list[Token]) -> list[Token]:
    """The inline tokens with runs of text joined into one and empty text dropped."""
    out: list[Token] = []
    for token in tokens:
        if token.type == "text":
            if not token.content:
                continue
            if out and out[-1].type == "text":
                out[-1] = out[-1].copy(content=out[-1].content + token.content)
                continue
        out.append(token)
    return out


def _plain(tokens: Iterable[Token]) -> str:
    """The text a reader sees: markup dropped, soft line breaks read as spaces."""
    out: list[str] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "image":
            out.append(_plain(token.children or ()))
    return "".join(out)
