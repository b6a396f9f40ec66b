"""Reading Markdown back into a story: the block walker behind :func:`markdown.loads`.

Kept apart from :mod:`storykit.formats.markdown` (the format's module: its surface, the
writer and :func:`~storykit.formats.markdown.escape`) because it is most of the format's
code and is imported only when Markdown is read, with the extra ``storykit[markdown]``. The
page's YAML front matter is read by :mod:`._markdown_front`; the body's plain blocks are
:mod:`._markdown_blocks`'.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from storykit._dates import parse_iso
from storykit.errors import MissingExtraError, _extra_hint, _quoted
from storykit.formats import text as _dump
from storykit.formats._markdown_blocks import _Block, _merged, _plain, _plain_blocks
from storykit.formats._markdown_front import FrontMatter
from storykit.formats.markdown import (
    CREDITS_LABEL,
    DASH,
    IMAGE_LABEL,
    SEPARATOR,
    TAGS_LABEL,
    URL_LABEL,
)
from storykit.model import (
    Credit,
    Image,
    Section,
    Source,
    Story,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


def imports() -> tuple[Any, Any]:
    """Import the reader's optional dependencies, or say which extra to install.

    Raises:
        MissingExtraError: markdown-it-py or PyYAML is not installed.
    """
    try:
        import markdown_it  # noqa: PLC0415 - optional extra, imported when first needed
        import yaml  # noqa: PLC0415
    except ImportError as exc:
        missing = exc.name or "a dependency"
        hint = _extra_hint("markdown")
        msg = f"reading Markdown needs {missing}, part of the markdown extra: {hint}"
        raise MissingExtraError(msg) from exc
    return markdown_it, yaml


def _build_parser() -> MarkdownIt:
    """A CommonMark parser that keeps link destinations exactly as written."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    class _Parser(MarkdownIt):
        # Reading, not rendering: keep every link, and its URL as written (no
        # percent-encoding, no scheme filter; the writer decides what to link).
        def normalizeLink(self, url: str) -> str:  # noqa: N802 - markdown-it's name
            return url

        def validateLink(self, url: str) -> bool:  # noqa: N802
            return True

    return _Parser("commonmark")


@cache
def _parser() -> MarkdownIt:
    """The parser of :func:`_build_parser`, built once."""
    return _build_parser()


@cache
def _linkless_parser() -> MarkdownIt:
    """The parser without its link and image rules, for a chunk where no link can form.

    See :func:`_linkless`: it gives the same tokens as :func:`_parser`, without
    markdown-it's look for the closing ``]`` of every ``[`` (some 20 µs each: 10 MB of
    ``[`` took minutes).
    """
    return _build_parser().disable(["link", "image"])


# where a link or image closes (``](`` inline, ``][`` by reference) or a definition does
# (``]:``); CommonMark allows nothing between, not even a line break
_LINK_CLOSE_RE = re.compile(r"\][(\[:]")


def _linkless(chunk: str, env: dict[str, Any]) -> bool:
    """Whether no link, image or link reference definition can form in ``chunk``.

    True when no definition is known (so ``[label]`` alone links nowhere) and the chunk
    holds no ``](``, ``][`` or ``]:``: then every ``[``, ``]`` and ``!`` is plain text, as
    markdown-it reads them after looking for a link in vain. A definition found later
    makes :meth:`Reader.blocks` read the body again, with it known.
    """
    return "references" not in env and _LINK_CLOSE_RE.search(chunk) is None


_BLOCK_NAMES = {
    "bullet_list_open": "a bulleted list",
    "ordered_list_open": "a numbered list",
    "blockquote_open": "a block quote",
    "fence": "a code block",
    "code_block": "an indented code block",
    "html_block": "raw HTML",
    "table_open": "a table",
}
_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
_CHUNK = 64 * 1024  # characters of the body parsed at a time (then cut at a block's start)
_FIRST_CHUNK = 1024  # the size of the first chunk, and of one after a chunk with markup
# where a chunk may end: after a blank line, before a line that starts in the first column;
# no CommonMark block but a fence or an HTML block goes on across such a place
_CUT_RE = re.compile(r"\n[ \t]*\n(?=[^ \t\n])")
_KEEP_HEAD, _KEEP_TAIL = 4, 2  # blocks that may be the writer's lines, at each end
_FAST = True  # read chunks of plain headings and paragraphs without markdown-it
MAX_MARKUP = 1 << 18
r"""The most markup characters (``* _ ` [ ] ! < &``) and line breaks, and the most
backslashes, read in one run of text with no blank line to cut it at (a story's paragraph
holds a few dozen): markdown-it makes a token of each, 300–400 bytes of memory at its peak,
so the 16 MiB a batch command allows a story would take several gigabytes and minutes; this
many take at most some 200 MB. A paragraph or heading the writer escaped throughout is read
without markdown-it and not counted (see :func:`._markdown_blocks._plain_blocks`)."""
_MARKUP_CHARACTERS = "*_`[]!<&\n"


class Reader(FrontMatter):
    """A Markdown page read back into a story.

    Its front matter is read by :class:`FrontMatter`, then its body a chunk of blocks at a time.
    """

    def __init__(self, text: str, filename: str | None, yaml: Any) -> None:
        self.filename = filename
        self.yaml = yaml
        text = text.removeprefix("\ufeff")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = text.split("\n")
        self.text = text

    # ----------------------------------------------------------------- body

    def chunks(
        self, start: int, line: int, env: dict[str, Any]
    ) -> Iterator[tuple[int, list[Token], list[_Block] | None]]:
        """The body parsed a chunk at a time: ``(line index of its start, tokens, blocks)``.

        A chunk of plain headings and paragraphs comes as its blocks (no tokens): see
        :func:`_plain_blocks`.

        One parse of the whole body holds every token at once (hundreds of bytes each, a
        dozen per short section); chunks of about 64 KiB cut where no block can go on (a
        blank line, then a line in the first column) give the same blocks in memory
        bounded by the chunk. A fence or an HTML block can go on across such a cut: a
        fence or HTML block left open at a chunk's end is refused by :meth:`blocks`
        wherever it ends, except an HTML comment, which is parsed again on its own up to
        its line holding ``-->``. ``env`` carries link reference definitions. A chunk over
        :data:`MAX_MARKUP` characters that is not plain is read again a block at a time (a
        block the writer escaped throughout is plain), and refused as a block that holds
        more markup than that.
        """
        text, parser = self.text, _parser()
        size = min(_FIRST_CHUNK, _CHUNK)  # small while there is markup about, else growing
        blockwise = -1  # up to here, a block at a time (see MAX_MARKUP below)
        while start < len(text):
            reach = 0 if start < blockwise else size
            cut = _CUT_RE.search(text, start + reach) if len(text) - start > reach else None
            end = len(text) if cut is None else cut.start() + 1  # after the blank line
            chunk = text[start:end]
            linkless = _FAST and _linkless(chunk, env)
            plain = _plain_blocks(chunk, line, linkless=linkless) if _FAST else None
            if plain is not None:
                yield line, [], plain
                line += chunk.count("\n")
                start = end
                size = min(size * 4, _CHUNK)
                continue
            size = min(_FIRST_CHUNK, _CHUNK)
            if len(chunk) > MAX_MARKUP:  # (a shorter chunk cannot hold more)
                if reach:  # read it again a block at a time: a long block the writer
                    blockwise = end  # escaped is read plain, apart from its neighbours
                    continue
                self.check_markup(chunk, line)
            env.pop("duplicateRefs", None)
            tokens = (_linkless_parser() if linkless else parser).parse(chunk, env)
            last = next((t for t in reversed(tokens) if t.level == 0), None)
            chunk_lines = chunk.count("\n") + (0 if chunk.endswith("\n") else 1)
            if (
                cut is not None
                and last is not None
                and last.type == "html_block"
                and last.map is not None
                and last.map[1] >= chunk_lines
                and last.content.lstrip(" ").startswith("<!--")
            ):  # a comment going on past the cut: parse it whole, then go on after it
                before = tokens[: tokens.index(last)]
                yield line, before, None
                comment_start = start + sum(
                    len(row) + 1 for row in chunk.split("\n")[: last.map[0]]
                )
                close = text.find("-->", end)
                stop = len(text) if close == -1 else text.find("\n", close) + 1 or len(text)
                comment_line = line + last.map[0]
                yield comment_line, parser.parse(text[comment_start:stop], env), None
                line = comment_line + text.count("\n", comment_start, stop)
                start = stop
                continue
            yield line, tokens, None
            line += chunk.count("\n")
            start = end

    def check_markup(self, chunk: str, line: int) -> None:
        """Refuse ``chunk`` (from line index ``line``) if it holds over :data:`MAX_MARKUP`."""
        markup = sum(map(chunk.count, _MARKUP_CHARACTERS))
        backslashes = chunk.count("\\")
        if markup > MAX_MARKUP or backslashes > MAX_MARKUP:
            blank = len(chunk) - len(chunk.lstrip(" \t\n"))  # (the blank lines before a block)
            raise self.error(
                line + chunk.count("\n", 0, blank) + 1,
                f"the text that starts here holds {markup:,} markup characters "
                f"(* _ ` [ ] ! < &) and line breaks and {backslashes:,} backslashes in "
                f"{len(chunk) - blank:,} characters; storykit reads at most {MAX_MARKUP:,} of "
                "either at a time (a story's paragraph holds a few dozen)",
            )

    def blocks(self, offset: int) -> list[_Block]:
        """The body's headings and paragraphs, in order; anything else is refused.

        Only the blocks at either end keep their tokens (the writer's lines are looked for
        there); the others keep their text, so memory grows with the text, not the tokens.
        A link reference definition counts wherever it is, before or after its link: the
        body is read again, with every definition known, only if one was found after a
        block that could hold a link to it (one with a ``]``), as markdown-it reads a whole
        text (10 MB of ``[``, no definition among them, used to be parsed twice).
        """
        start = sum(len(row) + 1 for row in self.lines[:offset])
        del self.lines[offset:]  # the body's lines are not needed: the text is cut in chunks
        env: dict[str, Any] = {}
        blocks, known = self.walk(start, offset, env)
        if known is not None and len(env.get("references", ())) > known:
            blocks, _ = self.walk(start, offset, env)  # (the same blocks, read as before)
        return blocks

    def walk(self, start: int, line: int, env: dict[str, Any]) -> tuple[list[_Block], int | None]:
        """The blocks of :meth:`blocks`, read with the definitions in ``env`` and found so far.

        Also the count of definitions known when the first block with a ``]`` (a link to a
        definition has one) was read, or ``None`` when none has one: a definition found
        after it may change it.
        """
        blocks: list[_Block] = []
        known: int | None = None
        for first, tokens, plain in self.chunks(start, line, env):
            for block in plain or ():
                if known is None and "]" in block.text:
                    known = len(env.get("references", ()))  # (none: the chunk was linkless)
                blocks.append(block)
                if len(blocks) > _KEEP_HEAD + _KEEP_TAIL:
                    blocks[-1 - _KEEP_TAIL].compact()
            for i, token in enumerate(tokens):
                if token.level != 0 or token.nesting == -1:
                    continue
                number = first + (token.map[0] if token.map else 0) + 1
                if token.type in ("heading_open", "paragraph_open"):
                    inline = tokens[i + 1]
                    if known is None and "]" in inline.content:
                        known = len(env.get("references", ()))  # as this chunk was parsed
                    kind = "heading" if token.type == "heading_open" else "paragraph"
                    level = int(token.tag[1:]) if kind == "heading" else 0
                    blocks.append(_Block(kind, level, number, _merged(inline.children or [])))
                    if len(blocks) > _KEEP_HEAD + _KEEP_TAIL:
                        blocks[-1 - _KEEP_TAIL].compact()
                elif token.type == "hr" or (
                    token.type == "html_block" and _COMMENT.fullmatch(token.content)
                ):
                    continue
                else:
                    what = _BLOCK_NAMES.get(token.type, f"a {token.type.replace('_open', '')}")
                    msg = (
                        f"cannot place {what} in a story (a story holds a title, section "
                        "headings and paragraphs)"
                    )
                    raise self.error(number, msg)
        return blocks, known

    def read(self) -> Story:
        front, offset = self.read_front()
        fm = front or {}
        blocks = self.blocks(offset)

        # The title: the first block when it is a heading, else the front matter's.
        section_level: int | None = None
        if blocks and blocks[0].kind == "heading":
            heading = blocks.pop(0)
            title, section_level = heading.text, heading.level + 1
            if not title.strip():
                raise self.error(heading.line, "the title heading is empty")
            if "title" in fm and fm["title"][0] != title:
                msg = (
                    f"the title heading {_quoted(title)} differs from the front matter's title "
                    f"{_quoted(fm['title'][0])} (line {fm['title'][1]})"
                )
                raise self.error(heading.line, msg)
        elif "title" in fm:
            title = fm["title"][0]
        else:
            line = blocks[0].line if blocks else (1 if front is not None else None)
            raise self.error(line, "expected a '# title' heading (or a title in the front matter)")

        # The writer's lines under the title and at the end; parsed only if needed.
        meta = _Meta()
        if blocks and (text := blocks[0].emphasized()) is not None:
            meta.source = (text, blocks.pop(0).line)
        if blocks and (text := blocks[0].labelled(IMAGE_LABEL)) is not None:
            meta.image = blocks.pop(0)
        if blocks and (text := blocks[0].labelled(CREDITS_LABEL)) is not None:
            meta.credits = (text, blocks.pop(0).line)
        if blocks and (url := blocks[-1].link() or blocks[-1].labelled(URL_LABEL)) is not None:
            meta.url = url
            blocks.pop()
        if blocks and (text := blocks[-1].labelled(TAGS_LABEL)) is not None:
            meta.tags = text
            blocks.pop()

        sections = self.sections(blocks, section_level)
        return self.build(
            1,
            "story",
            Story,
            title=title,
            source=self.source(fm, meta),
            image=self.image(fm, meta),
            credits=fm["credits"][0] if "credits" in fm else self.body_credits(meta),
            sections=sections,
            tags=fm["tags"][0] if "tags" in fm else meta.tag_list(),
            extras=fm["extras"][0] if "extras" in fm else (),
        )

    # The front matter wins, field by field; the body fills in only what it leaves out.

    def source(self, fm: dict[str, Any], meta: _Meta) -> Source | None:
        fields: dict[str, Any] = dict(fm["source"][0]) if "source" in fm else {}
        if "date" in fm:
            date, date_line = fm["date"]
            if fields.get("published", date) != date:
                msg = "date: differs from source.published (give the date once, as date)"
                raise self.error(date_line, msg)
            fields["published"] = date
        # The body's source line is read only when the front matter has neither a date nor
        # a source: "*2026-05-25*" may be a name or a date, and only the front matter knows.
        if "source" not in fm and "date" not in fm and meta.source is not None:
            name, published = _source_line(meta.source[0])
            fields = {"name": name, "published": published}
        if "url" not in fields:
            fields["url"] = meta.url
        if all(value is None for value in fields.values()):
            return None
        line = (
            fm["source"][1]
            if "source" in fm
            else fm["date"][1]
            if "date" in fm
            else (meta.source[1] if meta.source else None)
        )
        return self.build(line, "source", Source, **fields)

    def image(self, fm: dict[str, Any], meta: _Meta) -> Image | None:
        fields: dict[str, Any] = dict(fm["image"][0]) if "image" in fm else {}
        block = meta.image
        if not {"alt", "credit"} <= fields.keys() and block is not None:
            alt, credit_text = _read_image_line(block)
            fields.setdefault("alt", alt)
            if "credit" not in fields:
                fields["credit"] = (
                    None if credit_text is None else self.credit_text(credit_text, block.line)
                )
        if all(value is None for value in fields.values()):
            return None
        line = fm["image"][1] if "image" in fm else (block.line if block else None)
        return self.build(line, "image", Image, **fields)

    def body_credits(self, meta: _Meta) -> tuple[Credit, ...]:
        if meta.credits is None:
            return ()
        text, line = meta.credits
        return tuple(self.credit_text(part, line) for part in text.split(SEPARATOR))

    def credit_text(self, text: str, line: int) -> Credit:
        credit = _dump.parse_credit(text, byline=True)
        if credit is None:
            msg = f"cannot read {_quoted(text)} as a credit (like 'Photo by NAME on PROVIDER')"
            raise self.error(line, msg)
        return credit

    def sections(self, blocks: list[_Block], level: int | None) -> list[Section]:
        sections: list[Section] = []
        heading: _Block | None = None
        paragraphs: list[str] = []
        first_line: int | None = None

        def close() -> None:
            if heading is not None or paragraphs:
                section = self.build(
                    heading.line if heading is not None else first_line,
                    "section",
                    Section,
                    heading=heading.text if heading is not None else None,
                    paragraphs=paragraphs,
                )
                sections.append(section)

        for block in blocks:
            if block.kind == "paragraph":
                if first_line is None:
                    first_line = block.line
                paragraphs.append(block.text)
                continue
            if level is None:
                level = block.level
            if block.level != level:
                what = "a second title" if block.level < level else "a sub-section heading"
                msg = (
                    f"cannot place a level-{block.level} heading ({what}): section "
                    f"headings here are level {level} ({'#' * level})"
                )
                raise self.error(block.line, msg)
            close()
            heading, paragraphs = block, []
        close()
        return sections


@attrs.define
class _Meta:
    """The writer's lines found in the body, as text: parsed only where needed."""

    source: tuple[str, int] | None = None
    image: _Block | None = None
    credits: tuple[str, int] | None = None
    url: str | None = None
    tags: str | None = None

    def tag_list(self) -> tuple[str, ...]:
        return () if self.tags is None else tuple(self.tags.split(SEPARATOR))


def _source_line(text: str) -> tuple[str | None, _dt.date | None]:
    """``NAME · DATE``, ``NAME`` or ``DATE``, as the writer's source line gives them."""
    name, _, date = text.rpartition(SEPARATOR)
    for candidate_name, candidate_date in ((name, date), (None, text)):
        if candidate_name == "" or not candidate_date[:4].isdigit():
            continue
        try:
            return candidate_name, parse_iso(candidate_date)
        except ValueError:
            continue
    return text, None


def _read_image_line(block: _Block) -> tuple[str | None, str | None]:
    """``**Image:** ALT — *CREDIT*`` (either part may be missing) as ``(alt, credit)``."""
    children = block.children
    rest = _plain(children[3:])
    if (
        len(children) >= 6
        and children[-3].type == "em_open"
        and children[-2].type == "text"
        and children[-1].type == "em_close"
    ):
        before = _plain(children[3:-3])
        if before == " ":
            return None, children[-2].content
        if before.startswith(" ") and before.endswith(DASH) and len(before) > 1 + len(DASH):
            return before[1 : -len(DASH)], children[-2].content
    return rest.removeprefix(" "), None
