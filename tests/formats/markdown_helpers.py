"""Helpers shared by the Markdown tests: rendering with markdown-it, the blocks expected."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from hypothesis import strategies as st
from markdown_it import MarkdownIt

from storykit import Story
from tests.conftest import ROOT
from tests.strategies import stories

GOLDEN = ROOT / "tests" / "golden"
UTC = dt.UTC

# ----------------------------------------------------------------------------- helpers


class _Blocks(HTMLParser):
    """The top-level blocks of rendered HTML as ``(tag, text content)``, links collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag in ("hr", "br", "img"):  # void elements
            if self.depth == 0:
                self.blocks.append((tag, ""))
            return
        if self.depth == 0:
            self.blocks.append((tag, ""))
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("hr", "br", "img"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth > 0:
            tag, content = self.blocks[-1]
            self.blocks[-1] = (tag, content + data)


def rendered(md: str, preset: str = "commonmark") -> _Blocks:
    """Render with a stock markdown-it-py and read the HTML back as blocks of text."""
    parser = _Blocks()
    parser.feed(MarkdownIt(preset).render(md))
    parser.close()
    return parser


def blocks(md: str, preset: str = "commonmark") -> list[tuple[str, str]]:
    return rendered(md, preset).blocks


def date_text(value: dt.date) -> str:
    if isinstance(value, dt.datetime) and value.tzinfo is not None and not value.utcoffset():
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def expected_blocks(
    story: Story,
    *,
    heading_offset: int = 0,
    image: bool = True,
    tags: bool = True,
    footer: bool = True,
) -> list[tuple[str, str]]:
    """What a reader of the rendered page must see, built from the raw story fields."""
    out = [(f"h{1 + heading_offset}", story.title)]
    source = story.source
    if source is not None and (source.name is not None or source.published is not None):
        parts = [source.name] if source.name is not None else []
        if source.published is not None:
            parts.append(date_text(source.published))
        out.append(("p", " · ".join(parts)))
    if image and story.image is not None:
        alt, credit = story.image.alt, story.image.credit
        shown = " — ".join(
            [*([alt] if alt is not None else []), *([str(credit)] if credit else [])]
        )
        out.append(("p", "Image: " + shown))
    if story.credits:
        out.append(("p", "Credits: " + " · ".join(str(c) for c in story.credits)))
    for section in story.sections:
        if section.heading is not None:
            out.append((f"h{2 + heading_offset}", section.heading))
        out.extend(("p", p) for p in section.paragraphs)
    if tags and story.tags:
        out.append(("p", "Tags: " + " · ".join(story.tags)))
    if footer and story.url is not None:
        linked = story.url.lower().startswith(("http://", "https://"))
        linked = linked and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in story.url)
        out.append(("p", "View original source →" if linked else "Original source: " + story.url))
    return out


_UNKEEPABLE = "\x0b\x1c\x1d\x1e\x1f\x85"


def writable(text: str) -> bool:
    """What Markdown can carry: no NUL, and no stripped control character at either end."""
    if "\0" in text:
        return False
    core = text.strip().strip("\ufeff").strip()
    lead, trail = text[: text.find(core)] if core else text, text[text.find(core) + len(core) :]
    return not any(c in _UNKEEPABLE for c in lead + trail)


def texts(story: Story) -> list[str]:
    out = [story.title, *story.headings, *story.paragraphs, *story.tags]
    if story.source is not None:
        out += [v for v in (story.source.name, story.source.url) if v is not None]
    credits = list(story.credits)
    if story.image is not None:
        out += [story.image.alt] if story.image.alt is not None else []
        credits += [story.image.credit] if story.image.credit is not None else []
    for credit in credits:
        out += [v for v in (credit.role, credit.name, credit.provider) if v is not None]
    return out


def markdown_stories() -> st.SearchStrategy[Story]:
    """The shared story strategy, less the rare stories Markdown cannot carry (NUL …)."""
    return stories().filter(lambda s: all(writable(t) for t in texts(s)))


_FRAGMENTS = st.sampled_from(
    [
        "# ",
        "## ",
        "- ",
        "+ ",
        "* ",
        "1. ",
        "2) ",
        "> ",
        "    ",
        "\t",
        "```",
        "~~~",
        "---",
        "===",
        "*",
        "_",
        "`",
        "~",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "&",
        "&amp;",
        "&#35;",
        "&lt;",
        "\\",
        "#",
        "|",
        "\n",
        "\r\n",
        "\r",
        " ",
        "  \n",
        "\\\n",
        "<b>",
        "<!--",
        "-->",
        "http://x.y",
        "😀",
    ]
)
_ANY_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",))
