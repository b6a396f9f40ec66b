from __future__ import annotations

import datetime as dt
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import storykit
from storykit import (
    Credit,
    Image,
    MissingExtraError,
    Section,
    Source,
    Story,
    StoryParseError,
    UnrepresentableError,
)
from storykit.formats import by_suffix, markdown, sniff
from storykit.formats.markdown import escape
from tests.conftest import ROOT, SEED
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


@pytest.fixture(scope="module")
def seed() -> Story:
    return storykit.load(SEED)


# ----------------------------------------------------------------------------- escaping

# Each of these would be markup, or be changed by a renderer, if written as it is.
MARKUP = [
    "# not a heading",
    "## not a heading either",
    "###### six",
    "#",
    "#hashtag at the start",
    "- not a list item",
    "+ not a list item",
    "* not a list item",
    "1. not a numbered list",
    "1) not a numbered list",
    "123456789. long number",
    "2024.",
    "> not a quote",
    ">",
    "    four spaces: not code",
    "\tA tab: not code",
    "```python",
    "~~~",
    "```",
    "---",
    "***",
    "___",
    "- - -",
    "===",
    "| a | b |",
    "*emphasis*",
    "**strong**",
    "_emphasis_",
    "__strong__",
    "snake_case_name and *stars*",
    "2 * 3 * 4",
    "`code`",
    "``double``",
    "~~strike~~",
    "[x](y)",
    "[link](https://example.com 'title')",
    "![image](https://example.com/a.png)",
    "[ref]: https://example.com",
    "[ref]",
    "<script>alert(1)</script>",
    "<div>block html</div>",
    "<!-- comment -->",
    "<https://example.com>",
    "<me@example.com>",
    "&amp;",
    "&#42; and &#x2A;",
    "&copy; 2026",
    "&nbsp;",
    "trailing backslash\\",
    "\\",
    "a \\* escaped star",
    "back\\slash",
    "Ends with hashes ##",
    "Top #",
    "C#",
    "Price: $5 (about £4)!",
    "  two leading spaces",
    "two trailing spaces  ",
    " ",
    "\u00a0no-break space at the start",
    "ends with an ideographic space\u3000",
    "\ufeffa byte order mark",
    "a line\nbreak",
    "two\n\nparagraphs",
    "a\n# heading line",
    "a\n- list line",
    "a\n===",
    "a\n    indented",
    "cr\r\nlf and lone\rcr",
    "line ends with two spaces  \nthen more",
    "line ends with a backslash\\\nthen more",
    "a\x0bb\x0cc\x1cd\x85e",
    "\x0cform feed first",
    "emoji 😀 and 小米 and עברית",
    "https://example.com/a_b_c?x=1&y=2",
]


@pytest.mark.parametrize("text", MARKUP)
@pytest.mark.parametrize("preset", ["commonmark", "default"])  # "default" adds GFM bits
def test_escaped_text_renders_as_itself(text: str, preset: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert blocks(escaped, preset) == [("p", text)]
    assert blocks("## " + escaped, preset) == [("h2", text)]
    assert blocks(f"*{escaped}*", preset) == [("p", text)]  # as in the source line
    assert rendered(escaped, preset).hrefs == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Plain prose stays readable: nothing escaped that needs no escape.
        ("Hello, world. (Yes!) 50% off: “quotes” — and AT&T, S&P 500.", None),
        ("Hong Kong's 5G roll-out - a view", None),
        ("# Title", r"\# Title"),
        ("- item", r"\- item"),
        ("1. one", r"1\. one"),
        ("> quote", r"\> quote"),
        ("a *b* _c_ `d` [e](f) <g>", r"a \*b\* \_c\_ \`d\` \[e\](f) \<g>"),
        ("&amp; &#42;", r"\&amp; \&#42;"),
        ("Top #", r"Top \#"),
        ("#", r"\#"),
        ("ends\\", "ends\\\\"),
        ("    code", "&#32;&#32;&#32;&#32;code"),
        ("a\nb", "a&#10;b"),
    ],
)
def test_escape_output(text: str, expected: str | None) -> None:
    assert escape(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    "text", ["a\0b", "\x0bstarts with a vertical tab", "ends with one\x0b", " \x1cx", "x\x85"]
)
def test_unwritable_text_is_refused(text: str) -> None:
    with pytest.raises(UnrepresentableError, match=r"sections\[0\]\.paragraphs\[0\]"):
        storykit.dumps(Story("T", sections=[Section(None, [text])]), "markdown")


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


@given(st.lists(st.one_of(_FRAGMENTS, _ANY_CHAR), min_size=1, max_size=30).map("".join))
def test_any_text_renders_as_itself(text: str) -> None:
    if not writable(text):
        with pytest.raises(UnrepresentableError):
            escape(text)
        return
    escaped = escape(text)
    assert blocks(escaped) == [("p", text)]
    assert blocks("# " + escaped) == [("h1", text)]


# ----------------------------------------------------------------------------- the writer


def test_seed_golden(seed: Story) -> None:
    # tests/golden/seed.md was read by eye against the seed dump: front matter with every
    # field, title, dateline, image alt + credit, the three sections, the tags line.
    assert storykit.dumps(seed, "markdown") == (GOLDEN / "seed.md").read_text(encoding="utf-8")


def test_seed_body_golden(seed: Story) -> None:
    # tests/golden/seed.body.md: the same page without front matter, under an h1 of its own.
    md = storykit.dumps(seed, "markdown", front_matter=False, heading_offset=1)
    assert md == (GOLDEN / "seed.body.md").read_text(encoding="utf-8")


def test_seed_renders_every_text(seed: Story) -> None:
    assert blocks(storykit.dumps(seed, "markdown", front_matter=False)) == expected_blocks(seed)


def test_front_matter_is_yaml_with_every_field() -> None:
    when = dt.datetime(2026, 5, 25, 8, 30, tzinfo=UTC)
    story = Story(
        "yes",  # a YAML 1.1 boolean if it were not quoted
        source=Source("null", when, "https://example.com/a?b=1&c=2"),
        image=Image('He said: "no" # not a comment', Credit("photo", "- Dash", "{Agency}")),
        credits=[Credit("illustration", "A: B", None)],
        sections=[Section("H", ["p"])],
        tags=["2026-05-25", "on", "~", "a\u2028b", "tab\there", "back\\slash", "é😀\ufeffx"],
        extras=["line\nbreak", "\x00\x7f\x9f\x85"],
    )
    md = storykit.dumps(story, "markdown")
    assert md.startswith("---\n")
    head = md.split("\n---\n", 1)[0].removeprefix("---\n")
    assert yaml.safe_load(head) == {
        "title": "yes",
        "date": when,  # plain, so a YAML timestamp: what site generators want
        "source": {"name": "null", "url": "https://example.com/a?b=1&c=2"},
        "image": {
            "alt": 'He said: "no" # not a comment',
            "credit": {"role": "photo", "name": "- Dash", "provider": "{Agency}"},
        },
        "credits": [{"role": "illustration", "name": "A: B"}],
        "tags": ["2026-05-25", "on", "~", "a\u2028b", "tab\there", "back\\slash", "é😀\ufeffx"],
        "extras": ["line\nbreak", "\x00\x7f\x9f\x85"],
    }
    assert list(yaml.safe_load(head))[:3] == ["title", "date", "tags"]  # site generators' keys
    for line in head.split("\n"):  # every scalar but the date is double-quoted
        assert line.endswith(":") or line.rstrip().endswith('"') or line.startswith("date: ")


@given(markdown_stories())
def test_front_matter_holds_any_text(story: Story) -> None:
    md = storykit.dumps(story, "markdown")
    head = yaml.safe_load(md.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert head["title"] == story.title
    assert head.get("tags", []) == list(story.tags)
    assert head.get("extras", []) == list(story.extras)


@given(markdown_stories(), st.integers(0, 4), st.booleans(), st.booleans(), st.booleans())
def test_rendered_text_is_the_story_text(
    story: Story, offset: int, image: bool, tags: bool, footer: bool
) -> None:
    options = {"heading_offset": offset, "image": image, "tags": tags, "footer": footer}
    md = storykit.dumps(story, "markdown", front_matter=False, **options)
    assert blocks(md) == expected_blocks(story, **options)


def test_options() -> None:
    story = Story(
        "Title",
        source=Source("AP", dt.date(2026, 5, 25), "https://example.com/x"),
        image=Image("Alt", Credit("photo", "Ann", "Pexels")),
        sections=[Section(None, ["Lead."]), Section("Head", ["Body."])],
        tags=["AI", "EU"],
    )
    full = storykit.dumps(story, "markdown", front_matter=False)
    assert full.startswith("# Title\n\n*AP · 2026-05-25*\n\n**Image:** Alt — *Photo by Ann on")
    assert "\n## Head\n" in full
    assert full.endswith("**Tags:** AI · EU\n\n[View original source →](<https://example.com/x>)\n")

    nested = storykit.dumps(story, "markdown", front_matter=False, heading_offset=1)
    assert nested.startswith("## Title\n") and "\n### Head\n" in nested
    deepest = storykit.dumps(story, "markdown", front_matter=False, heading_offset=4)
    assert deepest.startswith("##### Title\n") and "\n###### Head\n" in deepest

    bare = storykit.dumps(
        story, "markdown", front_matter=False, image=False, tags=False, footer=False
    )
    assert "Image:" not in bare and "Tags:" not in bare and "View original" not in bare
    assert bare.endswith("## Head\n\nBody.\n")

    # The options shape the body only: the front matter still holds everything.
    for options in ({"heading_offset": 2}, {"image": False, "tags": False, "footer": False}):
        assert storykit.loads(storykit.dumps(story, "markdown", **options)) == story


@pytest.mark.parametrize("offset", [-1, 5, True, 1.0, "1"])
def test_bad_heading_offset(offset: object) -> None:
    with pytest.raises(ValueError, match="heading_offset"):
        storykit.dumps(Story("T"), "markdown", heading_offset=offset)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://x.y/z"]
)
def test_only_http_links(url: str) -> None:
    story = Story("T", source=Source(url=url), sections=[Section(None, ["p"])])
    body = storykit.dumps(story, "markdown", front_matter=False)
    page = rendered(body)
    assert page.hrefs == []
    assert page.blocks == [("h1", "T"), ("p", "p"), ("p", "Original source: " + url)]
    assert storykit.loads(body) == story
    assert storykit.loads(storykit.dumps(story, "markdown")) == story


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1&c=2",
        "http://example.com/(paren)/<angle>/back\\slash",
        "https://example.com/&amp;/%20/ümlaut",
    ],
)
def test_http_links(url: str) -> None:
    story = Story("T", source=Source(url=url))
    body = storykit.dumps(story, "markdown", front_matter=False)
    page = rendered(body)
    assert page.blocks == [("h1", "T"), ("p", "View original source →")]
    assert [unquote(h) for h in page.hrefs] == [unquote(url)]  # renderers percent-encode
    assert storykit.loads(body) == story
    assert storykit.loads(storykit.dumps(story, "markdown")) == story


def test_repr_markdown(seed: Story) -> None:
    md = seed._repr_markdown_()
    assert md == storykit.dumps(seed, "markdown", front_matter=False)
    assert md.startswith("# Xiaomi is pouring billions")


def test_writer_needs_no_extra(monkeypatch: pytest.MonkeyPatch, seed: Story) -> None:
    monkeypatch.setitem(sys.modules, "markdown_it", None)
    monkeypatch.setitem(sys.modules, "yaml", None)
    assert storykit.dumps(seed, "markdown") == (GOLDEN / "seed.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- round trips


def test_corpus_round_trip(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert storykit.loads(storykit.dumps(story, "markdown"), "markdown") == story
    # Without front matter too: the body alone carries everything a dump has.
    body = storykit.dumps(story, "markdown", front_matter=False)
    assert storykit.loads(body, "markdown") == story


def test_corpus_renders_every_text(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert blocks(storykit.dumps(story, "markdown", front_matter=False)) == expected_blocks(story)


@given(markdown_stories(), st.integers(0, 4), st.booleans(), st.booleans(), st.booleans())
def test_round_trip(story: Story, offset: int, image: bool, tags: bool, footer: bool) -> None:
    md = storykit.dumps(
        story, "markdown", heading_offset=offset, image=image, tags=tags, footer=footer
    )
    assert storykit.loads(md, "markdown") == story
    assert storykit.loads(md.replace("\n", "\r\n"), "markdown") == story


@given(markdown_stories())
def test_round_trip_without_front_matter(story: Story) -> None:
    # The body alone holds no extras, spells credits and dates as words (read back by the
    # dump's rules, tested with the corpus) and cannot tell a " · " inside a tag from one
    # between tags; short of that, it reads back the same story.
    url = story.url if story.url is not None and story.url.strip() == story.url else None
    plain = attrs.evolve(
        story,
        source=Source(url=url) if url is not None else None,
        image=None,
        credits=(),
        tags=() if any(" · " in t for t in story.tags) else story.tags,
        extras=(),
    )
    md = storykit.dumps(plain, "markdown", front_matter=False)
    assert storykit.loads(md, "markdown") == plain


# ----------------------------------------------------------------------------- reading


def test_sniffing_and_suffixes(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    assert sniff(md) == "markdown"
    assert sniff(storykit.dumps(seed, "markdown", front_matter=False)) == "markdown"
    assert sniff(SEED.read_text(encoding="utf-8")) == "text"
    assert by_suffix(".md") == by_suffix(".MARKDOWN") == "markdown"
    assert storykit.loads(md) == seed


def test_load_and_dump_files(tmp_path: Path, seed: Story) -> None:
    path = tmp_path / "story.md"
    storykit.dump(seed, path)
    assert path.read_text(encoding="utf-8") == (GOLDEN / "seed.md").read_text(encoding="utf-8")
    assert storykit.load(path) == seed


def test_bom_and_crlf(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    assert markdown.loads("\ufeff" + md.replace("\n", "\r\n")) == seed
    assert storykit.loads(b"\xef\xbb\xbf" + md.encode(), "markdown") == seed


HAND_WRITTEN = """\
A Title *with* `code`
=====================

The lead, written
over two lines.

## First section ##

A paragraph with a [link](https://example.com), **bold** and an ![image](x.png).
Line two after a hard break\\
ends here.

<!-- an editor's note -->

---

## Second section

Last words.
"""


def test_hand_written() -> None:
    story = storykit.loads(HAND_WRITTEN, "markdown")
    assert story == Story(
        "A Title with code",
        sections=[
            Section(None, ["The lead, written over two lines."]),
            Section(
                "First section",
                [
                    "A paragraph with a link, bold and an image. Line two after a hard "
                    "break\nends here."
                ],
            ),
            Section("Second section", ["Last words."]),
        ],
    )


def test_hand_written_front_matter() -> None:
    md = """\
---
# plain YAML, nothing quoted
title: Plain title
source:
  name: Reuters
  published: 2024-01-02
  url: https://example.com/x
image: {alt: A photo}
tags: [AI, yes, 5G, null]
---

Only a paragraph.

## Then a section

With text.
"""
    with pytest.raises(StoryParseError, match=r"^<string>:9: tags\[3\]: expected text"):
        storykit.loads(md, "markdown")
    story = storykit.loads(md.replace(", null]", "]"), "markdown")
    assert story == Story(
        "Plain title",
        source=Source("Reuters", dt.date(2024, 1, 2), "https://example.com/x"),
        image=Image("A photo"),
        sections=[Section(None, ["Only a paragraph."]), Section("Then a section", ["With text."])],
        tags=["AI", "yes", "5G"],  # not True: every value is read as text
    )


def test_body_fills_in_what_front_matter_leaves_out(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    head, body = md.split("\n---\n", 1)
    only_title = "---\ntitle: " + head.split("title: ", 1)[1].split("\n", 1)[0] + "\n---\n"
    assert storykit.loads(only_title + body) == seed


def test_title_mismatch_is_an_error(seed: Story) -> None:
    md = storykit.dumps(seed, "markdown").replace("\n# Xiaomi", "\n# Not Xiaomi")
    with pytest.raises(StoryParseError, match=r"^seed\.md:19: the title heading 'Not Xiaomi"):
        storykit.loads(md, "markdown", filename="seed.md")


@pytest.mark.parametrize(
    ("md", "line", "message"),
    [
        ("# T\n\nPara.\n\n- a\n- b\n", 5, "cannot place a bulleted list"),
        ("# T\n\n1. a\n", 3, "cannot place a numbered list"),
        ("# T\n\n## S\n\n> quoted\n", 5, "cannot place a block quote"),
        ("# T\n\n```\ncode\n```\n", 3, "cannot place a code block"),
        ("# T\n\n    code\n", 3, "cannot place an indented code block"),
        ("# T\n\n<div>\nx\n</div>\n", 3, "cannot place raw HTML"),
        ("# T\n\n## S\n\n### Sub\n\ntext\n", 5, "level-3 heading \\(a sub-section heading\\)"),
        ("# T\n\n## S\n\n# T2\n", 5, "level-1 heading \\(a second title\\)"),
        ("## T\n\n## S\n", 3, "level-2 heading \\(a second title\\)"),
        ("Just a paragraph.\n", 1, "expected a '# title' heading"),
        ("\n\n\nText first.\n\n# Title\n", 4, "expected a '# title' heading"),
        ("#\n\ntext\n", 1, "the title heading is empty"),
        ("# T\n\n## \n\ntext\n", 3, "heading: must not be empty"),
        ("# T\n\n&#32;\n", 3, "must not be empty or blank"),
        ("---\ntitle: T\n", 1, "no closing '---'"),
        ("---\ntitle: [unclosed\n---\n", 3, "invalid YAML front matter: while parsing a flow"),
        ("---\ntitle: T\n  bad: indent\n---\n", 3, "YAML front matter: mapping values are not"),
        ('---\ntitle: "a\x01"\n---\n', 2, "YAML front matter: unacceptable character #x0001"),
        ("---\ntitle: T\nlayout: post\n---\n", 3, "unknown key 'layout'"),
        ("---\ntitle: T\ntitle: U\n---\n", 3, "key 'title' given twice"),
        ("---\n- a list\n---\n", 2, "the front matter: expected a mapping"),
        ("---\ntitle: [T]\n---\n", 2, "title: expected text"),
        ("---\ntitle: T\nsource:\n  published: 25 May 2026\n---\n", 4, "source.published"),
        ("---\ntitle: T\nimage:\n  credit: {role: photo}\n---\n", 4, "needs a name or a provider"),
        ("---\ntitle: T\nimage:\n  credit: {role: photo, by: x}\n---\n", 4, "unknown key 'by'"),
        ("---\ntitle: T\ntags: AI\n---\n", 3, "tags: expected a list"),
        ("---\ntitle: T\ncredits: [null]\n---\n", 3, r"credits\[0\]: expected a mapping"),
        ("---\ntitle: ' '\n---\n", 2, "title: must not be empty"),
        ("---\n---\n\nNo title.\n", 4, "expected a '# title' heading"),
        ("# T\n\n**Image:** alt — *Not a credit line*\n\n## S\n", 3, "as a credit"),
    ],
)
def test_errors_name_file_and_line(md: str, line: int, message: str) -> None:
    with pytest.raises(StoryParseError, match=message) as caught:
        storykit.loads(md, "markdown", filename="story.md")
    assert caught.value.line == line
    assert caught.value.filename == "story.md"
    assert str(caught.value).startswith(f"story.md:{line}: ")


def test_yaml_errors_give_no_second_line_count() -> None:
    # PyYAML counts lines from the front matter; the message must not contradict the line.
    with pytest.raises(StoryParseError) as caught:
        storykit.loads("---\ntitle: T\n  bad: indent\n---\n", "markdown")
    assert "line" not in caught.value.message and "\n" not in caught.value.message


def test_edge_space_is_all_white_space() -> None:
    # Any character str.isspace() calls white space, and U+FEFF, is stripped by some
    # renderer from the ends of a text: the escape must know every one of them.
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} | {"\ufeff"}
    assert set(markdown._EDGE_SPACE) == spaces


def test_empty_input() -> None:
    with pytest.raises(StoryParseError, match="expected a '# title' heading") as caught:
        markdown.loads("")
    assert caught.value.line is None


@given(st.lists(st.one_of(_FRAGMENTS, _ANY_CHAR, st.just("\n---\n")), max_size=40).map("".join))
def test_any_input_reads_or_fails_cleanly(text: str) -> None:
    for candidate in (text, "# T\n\n" + text, "---\n" + text + "\n---\n# T\n"):
        try:
            result = markdown.loads(candidate)
        except StoryParseError:
            continue
        assert isinstance(result, Story)


def test_deep_nesting_fails_cleanly() -> None:
    with pytest.raises(StoryParseError):
        storykit.loads("---\ntitle: " + "[" * 5000 + "\n---\n", "markdown")
    with pytest.raises(StoryParseError, match="block quote"):
        storykit.loads("# T\n\n" + ">" * 5000 + " x\n", "markdown")


@pytest.mark.parametrize("module", ["markdown_it", "yaml"])
def test_missing_extra(monkeypatch: pytest.MonkeyPatch, module: str, seed: Story) -> None:
    md = storykit.dumps(seed, "markdown")
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    hint = r"the markdown extra: pip install 'markdown-it-py>=3' 'pyyaml>=6'"  # its packages
    with pytest.raises(MissingExtraError, match=hint) as caught:
        storykit.loads(md, "markdown")
    assert module in str(caught.value)
    assert isinstance(caught.value, ImportError)
