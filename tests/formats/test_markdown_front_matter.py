"""The Markdown front matter: where site generators look, and safe as Markdown text.

Site generators (Hugo, Jekyll, Quarto, MkDocs' blog plugin) and pandoc read ``title``,
``date`` and ``tags`` at the top level; a renderer that knows no front matter (a plain
CommonMark renderer, many viewers) shows it as Markdown, so it must hold no markup.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from markdown_it import MarkdownIt

import storykit
from storykit import (
    Credit,
    Image,
    Section,
    Source,
    Story,
    StoryParseError,
    UnrepresentableError,
)
from storykit._dates import format_iso
from storykit.formats.markdown import CREDITS_LABEL, IMAGE_LABEL, LINK_TEXT, TAGS_LABEL, URL_LABEL
from tests.htmltools import elements, parse_fragment
from tests.strategies import stories

UTC = dt.UTC


def _head(md: str) -> dict[str, object]:
    head = yaml.safe_load(md.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert isinstance(head, dict)
    return head


def _read(path: Path) -> Story:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return storykit.load(path)


# ----------------------------------------------------------------------------- layout


def test_title_date_tags_come_first_at_the_top_level() -> None:
    story = Story(
        "T",
        source=Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a"),
        sections=[Section(None, ["Body."])],
        tags=["AI", "EVs"],
    )
    md = storykit.dumps(story, "markdown")
    assert md.startswith(
        "---\n"
        'title: "T"\n'
        "date: 2026-05-25\n"
        "tags:\n"
        '  - "AI"\n'
        '  - "EVs"\n'
        "source:\n"
        '  name: "SCMP"\n'
        '  url: "https://example.com/a"\n'
        "---\n"
    )
    assert _head(md) == {
        "title": "T",
        "date": dt.date(2026, 5, 25),  # a YAML date, as Hugo and Jekyll read it
        "tags": ["AI", "EVs"],
        "source": {"name": "SCMP", "url": "https://example.com/a"},
    }
    assert storykit.loads(md, "markdown") == story


@pytest.mark.parametrize(
    ("published", "written"),
    [
        (dt.datetime(2020, 2, 24, 1, 50, tzinfo=UTC), "2020-02-24T01:50:00Z"),
        (
            dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            "2026-05-25T08:30:00+05:30",
        ),
        (dt.datetime(2026, 5, 25, 8, 30), "2026-05-25T08:30:00"),
    ],
)
def test_date_times_are_iso(published: dt.datetime, written: str) -> None:
    story = Story("T", source=Source(published=published))
    md = storykit.dumps(story, "markdown")
    assert f"\ndate: {written}\n" in md
    assert _head(md)["date"] == published  # PyYAML reads the same instant
    assert storykit.loads(md, "markdown") == story


def test_todays_layout_still_reads() -> None:
    # What storykit wrote before the date moved to the top level (source.published).
    md = (
        "---\n"
        'title: "Xiaomi is pouring billions into AI"\n'
        "source:\n"
        '  name: "SCMP"\n'
        '  published: "2026-05-25"\n'
        '  url: "https://example.com/a"\n'
        "image:\n"
        '  alt: "A toy"\n'
        "  credit:\n"
        '    role: "photo"\n'
        '    name: "Pavel Danilyuk"\n'
        '    provider: "Pexels"\n'
        "tags:\n"
        '  - "AI"\n'
        '  - "EVs"\n'
        "---\n\n"
        "# Xiaomi is pouring billions into AI\n\n"
        "*SCMP · 2026-05-25*\n\n"
        "## The play\n\n"
        "Xiaomi is betting big.\n\n"
        "**Tags:** AI · EVs\n\n"
        "[View original source →](<https://example.com/a>)\n"
    )
    assert storykit.loads(md, "markdown") == Story(
        "Xiaomi is pouring billions into AI",
        source=Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a"),
        image=Image("A toy", Credit("photo", "Pavel Danilyuk", "Pexels")),
        sections=[Section("The play", ["Xiaomi is betting big."])],
        tags=("AI", "EVs"),
    )


def test_date_and_source_published_must_agree() -> None:
    md = '---\ntitle: "T"\ndate: 2026-05-25\nsource:\n  published: "2026-05-26"\n---\n'
    with pytest.raises(StoryParseError, match=r":3: date: differs from source\.published"):
        storykit.loads(md, "markdown")
    same = '---\ntitle: "T"\ndate: 2026-05-25\nsource:\n  published: "2026-05-25"\n---\n'
    assert storykit.loads(same, "markdown").published == dt.date(2026, 5, 25)


def test_a_bad_date_names_the_line() -> None:
    with pytest.raises(StoryParseError, match=r":3: date: not an ISO 8601 date"):
        storykit.loads('---\ntitle: "T"\ndate: yesterday\n---\n', "markdown")


@pytest.mark.parametrize(("key", "kind"), [("[a, b]", "a list"), ("{a: b}", "a mapping")])
def test_a_key_that_is_no_text_is_said_plainly(key: str, kind: str) -> None:
    """Found by an attack in hX: a key that is a list said ``the front matter: unknown key
    a non-text key (expected one of: …)``."""
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(f'---\ntitle: "T"\n? {key}\n: c\n---\n', "markdown")
    assert (caught.value.line, caught.value.message) == (
        3,
        f"the front matter: a key that is {kind}, not text (expected one of: title, date,"
        " tags, source, image, credits, extras)",
    )


def test_a_source_name_that_looks_like_a_date_invents_no_date() -> None:
    # The issue's reproducer: the body's source line "*2026-05-25*" was read as a date.
    story = Story("T", source=Source(name="2026-05-25"), sections=[Section(None, ["Body."])])
    back = storykit.loads(storykit.dumps(story, "markdown"), "markdown")
    assert back == story
    assert back.published is None


def test_a_hand_written_page_without_front_matter_still_reads_its_source_line() -> None:
    back = storykit.loads("# T\n\n*SCMP · 2026-05-25*\n\nBody.\n", "markdown")
    assert back.source == Source("SCMP", dt.date(2026, 5, 25))


# ----------------------------------------------------------------------------- safety

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<https://evil.example/>",
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)",
    "[a]",
    "`code` and ``more``",
    "*em* _em_ **strong** __strong__ ~~del~~",
    "&lt;script&gt; &#60;script&#62; &#x3C;b&#x3E; &amp;",
    "<!-- comment --> <?php x ?> <![CDATA[x]]> <!DOCTYPE html>",
    "\\<script>alert(1)\\</script>",
    "\n---\n<script>alert(1)</script>",
    '"\n---\n\n<script>alert(1)</script>\n',
    "\u2028<script>alert(1)</script>\u0085x",
    "x\\",
    "# heading\n- item\n> quote\n    code",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "http://example.com/<script>",
)

# Every element the writer's layout makes, rendered by CommonMark: the front matter shown
# as text makes a thematic break, a paragraph, a list (of tags…) and a setext heading.
_LAYOUT_TAGS = {"hr", "h1", "h2", "p", "ul", "li", "em", "strong", "a"}


def _story_texts(story: Story) -> set[str]:
    """What the writer puts in emphasis: the source line and credits."""
    texts = set()
    if story.image is not None and story.image.credit is not None:
        texts.add(str(story.image.credit))
    source = story.source
    if source is not None and (source.name is not None or source.published is not None):
        parts = [source.name] if source.name is not None else []
        if source.published is not None:
            parts.append(format_iso(source.published))
        texts.add(" · ".join(parts))
    # An HTML parser reads CR and CRLF as LF (the text stays the story's otherwise).
    return {t.replace("\r\n", "\n").replace("\r", "\n") for t in texts}


def assert_no_markup_from_text(story: Story) -> None:
    """Render the whole document (front matter included) and find only the layout's markup."""
    md = storykit.dumps(story, "markdown")
    html = MarkdownIt("commonmark").render(md)
    root, _ = parse_fragment(html)
    emphasized = _story_texts(story)
    labels = {IMAGE_LABEL, CREDITS_LABEL, TAGS_LABEL, URL_LABEL}
    links = 0
    for element in elements(root):
        text = "".join(element.itertext())
        assert element.tag in _LAYOUT_TAGS, (element.tag, html)
        if element.tag == "a":
            links += 1
            assert set(element.attrib) == {"href"}, html
            assert text == LINK_TEXT, html
            assert story.url is not None
            assert re.match(r"https?://", story.url, re.IGNORECASE), html
            assert re.match(r"https?://", element.attrib["href"]), html
        else:
            assert not element.attrib, (element.tag, element.attrib, html)
        if element.tag == "strong":
            assert text in labels, html
        if element.tag == "em":
            assert text in emphasized, html
    assert links <= 1, html


def _everywhere(payload: str) -> list[Story]:
    """``payload`` in each field of a story with every field set, one field at a time."""
    base = {
        "title": "Title",
        "source": Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a"),
        "image": Image("Alt", Credit("photo", "Name", "Agency")),
        "credits": [Credit("byline", "Jane Doe", None)],
        "sections": [Section(None, ["Lead."]), Section("Heading", ["Paragraph."])],
        "tags": ["AI", "EVs"],
        "extras": ["Extra"],
    }
    p = payload
    variants: list[dict[str, object]] = [
        {"title": p},
        {"source": Source(p, dt.date(2026, 5, 25), "https://example.com/a")},
        {"source": Source("SCMP", None, p)},
        {"source": Source(p, None, p)},
        {"image": Image(p, Credit(p, p, p))},
        {"credits": [Credit(p, p, p), Credit("byline", p, None)]},
        {"sections": [Section(None, [p]), Section(p, [p, p])]},
        {"tags": [p, "AI", p]},
        {"extras": [p]},
    ]
    return [Story(**(base | v)) for v in variants]  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_render_as_text(payload: str) -> None:
    for story in _everywhere(payload):
        assert_no_markup_from_text(story)
        assert storykit.loads(storykit.dumps(story, "markdown"), "markdown") == story


def test_the_title_payload_of_the_issue() -> None:
    story = Story("<script>alert(1)</script>", source=Source("<b>x</b>", None, "<i>u</i>"))
    md = storykit.dumps(story, "markdown")
    front_matter = md.split("\n---\n", 1)[0]
    assert "<" not in front_matter
    assert 'title: "\\x3Cscript>alert(1)\\x3C/script>"' in front_matter
    assert _head(md)["title"] == "<script>alert(1)</script>"  # still the same text to YAML
    assert "<script" not in MarkdownIt("commonmark").render(md)


def test_front_matter_has_no_markup_characters() -> None:
    story = Story("a<b&c;`d`*e*_f_[g]~h\\i &#1; AT&T", tags=["<", "&amp;", "`"])
    front_matter = storykit.dumps(story, "markdown").split("\n---\n", 1)[0]
    assert not re.search(r"[<`*_\[\]~]|&(?=#|[A-Za-z0-9]+;)", front_matter)
    assert "AT&T" in front_matter  # an "&" that starts no character reference stays


def test_corpus_story_renders_only_layout_markup(corpus_story: Path) -> None:
    assert_no_markup_from_text(_read(corpus_story))


# ----------------------------------------------------------------------------- pandoc


def _pandoc() -> str:
    pypandoc = pytest.importorskip(
        "pypandoc",
        reason="pypandoc-binary (a test dependency) is not installed: pip install pypandoc-binary",
    )
    try:
        path: str = pypandoc.get_pandoc_path()
    except OSError as exc:  # pragma: no cover - only without the binary wheel
        pytest.skip(f"pandoc is not available: {exc}")
    return path


def _inline_text(inlines: list[dict[str, object]]) -> str:
    """The text of pandoc inlines made of words and spaces (anything else fails the test)."""
    out = []
    for inline in inlines:
        kind = inline["t"]
        if kind == "Str":
            out.append(str(inline["c"]))
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        else:
            pytest.fail(f"pandoc read markup in a front matter value: {inline}")
    return "".join(out)


def _meta_text(value: dict[str, object]) -> str:
    kind, content = value["t"], value["c"]
    if kind == "MetaInlines":
        assert isinstance(content, list)
        return _inline_text(content)
    if kind == "MetaString":
        return str(content)
    pytest.fail(f"unexpected pandoc metadata value {value}")


def pandoc_metadata(md: str) -> dict[str, object]:
    """What pandoc's Markdown reader (smart quotes off) takes from the front matter."""
    result = subprocess.run(
        [_pandoc(), "--from", "markdown-smart", "--to", "json"],
        input=md,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=60,
    )
    meta = json.loads(result.stdout)["meta"]
    out: dict[str, object] = {}
    if "title" in meta:
        out["title"] = _meta_text(meta["title"])
    if "date" in meta:
        out["date"] = _meta_text(meta["date"])
    if "tags" in meta:
        assert meta["tags"]["t"] == "MetaList"
        out["tags"] = [_meta_text(tag) for tag in meta["tags"]["c"]]
    return out


def _expected(story: Story) -> dict[str, object]:
    # pandoc reads the values as Markdown, so a run of spaces is one space to it.
    out: dict[str, object] = {"title": re.sub(" +", " ", story.title)}
    if story.published is not None:
        out["date"] = format_iso(story.published)
    if story.tags:
        out["tags"] = [re.sub(" +", " ", tag) for tag in story.tags]
    return out


def test_pandoc_reads_title_date_and_tags_of_the_seed(seed_path: Path) -> None:
    story = storykit.load(seed_path)
    assert pandoc_metadata(storykit.dumps(story, "markdown")) == {
        "title": "Xiaomi is pouring billions into AI to future‑proof its hardware empire",
        "date": "2026-05-25",
        "tags": ["AI", "EVs", "Semiconductors", "Smartphones"],
    }


def test_pandoc_reads_title_date_and_tags_of_corpus_story(corpus_story: Path) -> None:
    story = _read(corpus_story)
    assert pandoc_metadata(storykit.dumps(story, "markdown")) == _expected(story)


@given(stories())
def test_any_story_renders_only_layout_markup(story: Story) -> None:
    try:
        storykit.dumps(story, "markdown")
    except UnrepresentableError:
        return
    assert_no_markup_from_text(story)


def test_two_long_titles_that_differ_are_both_quoted_in_part() -> None:
    text = "---\ntitle: " + "a" * 5000 + "\n---\n\n# " + "b" * 5000
    with pytest.raises(storykit.StoryParseError) as info:
        storykit.loads(text, "markdown")
    assert str(info.value) == (
        f"<string>:5: the title heading '{'b' * 200}'… (4,800 more characters) differs from "
        f"the front matter's title '{'a' * 200}'… (4,800 more characters) (line 2)"
    )
