"""HTML: the module, golden files, structure, the standalone page, dates, W3C validation."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import storykit
from storykit import Credit, Section, Source, Story
from storykit.formats import _html_text, html, jsonld
from tests import vnu
from tests.conftest import CORPUS_STORIES, ROOT
from tests.formats.html_helpers import PAYLOADS, full_story
from tests.htmltools import elements, find_all, parse_document, parse_fragment, text

GOLDEN = ROOT / "tests" / "golden"
UTC = dt.UTC


# ----------------------------------------------------------------------------- the module

HTML_NAMES = [
    "INDEX_CSS", "NAME", "PAGE_CSS", "STORY_CSS", "SUFFIXES", "body_html", "description",
    "detect", "dumps", "escape", "file_href", "human_date", "index_entry", "index_head",
    "index_page", "index_tail", "link_href", "machine_date", "preview_meta", "sections_html",
    "sections_html_pieces",
]  # fmt: skip


def test_the_html_formats_names_are_pinned() -> None:
    # storykit.formats.html is the format's one module: its helpers (_html_text, _html_page)
    # write most of these, and every name is imported from here.
    assert sorted(html.__all__) == HTML_NAMES
    helpers = {
        "storykit.formats.html",
        "storykit.formats._html_text",
        "storykit.formats._html_page",
    }
    for name in HTML_NAMES:
        value = getattr(html, name)
        assert value is not None, name
        if callable(value):
            assert value.__module__ in helpers, name
    assert html.escape is _html_text.escape  # one escaper, whichever way it is imported


# ----------------------------------------------------------------------------- golden files


def test_seed_fragment_golden(seed: Story) -> None:
    # tests/golden/seed.html was read line by line against the seed dump.
    assert storykit.dumps(seed, "html") == (GOLDEN / "seed.html").read_text(encoding="utf-8")


def test_seed_standalone_golden(seed: Story) -> None:
    # Reviewed by eye in Chromium (light, dark) and its print preview.
    expected = (GOLDEN / "seed.standalone.html").read_text(encoding="utf-8")
    assert storykit.dumps(seed, "html", standalone=True) == expected


def test_registry_and_suffixes(seed: Story, tmp_path: Path) -> None:
    for name in ("page.html", "page.HTM"):  # a file is opened in a browser: a whole page
        storykit.dump(seed, tmp_path / name)
        page = storykit.dumps(seed, "html", standalone=True)
        assert (tmp_path / name).read_text(encoding="utf-8") == page
    with pytest.raises(storykit.UnknownFormatError, match="written but not read"):
        storykit.loads("<article></article>", "html")


# ----------------------------------------------------------------------------- structure


def test_fragment_structure_of_the_seed(seed: Story) -> None:
    root, errors = parse_fragment(storykit.dumps(seed, "html"))
    assert errors == []
    (article,) = list(root)
    assert article.tag == "article"
    assert article.get("class") == "storykit"
    header = article.find("header")
    assert text(header.find("h1")) == (
        "Xiaomi is pouring billions into AI to future\u2011proof its hardware empire"
    )
    time = header.find(".//time")
    assert time.get("datetime") == "2026-05-25"
    assert text(time) == "2026-05-25"
    assert text(header.find("p[@class='storykit-source']")) == "SCMP · 2026-05-25"
    caption = header.find("figure/figcaption")
    assert text(caption.find("span[@class='storykit-alt']")) == (
        "Close-up of a futuristic robotic toy against a gradient background, "
        "symbolizing innovation and technology."
    )
    assert text(caption.find("span[@class='storykit-credit']")) == (
        "Photo by Pavel Danilyuk on Pexels"
    )
    assert find_all(root, "img") == []  # no picture is invented
    sections = article.findall("section")
    assert [text(s.find("h2")) for s in sections] == [
        "The play",
        "The evidence",
        "Geopolitical context and why it matters",
    ]
    assert [len(s.findall("p")) for s in sections] == [1, 1, 1]
    assert text(sections[0].find("p")).startswith("Xiaomi (小米) is betting big")
    tags = article.find("footer/ul")
    assert tags.get("class") == "storykit-tags"
    assert [text(li) for li in tags] == ["AI", "EVs", "Semiconductors", "Smartphones"]
    assert find_all(root, "a") == []  # the seed has no URL after "View original source →"


def test_lead_paragraphs_credits_and_link() -> None:
    story = Story(
        "Title",
        source=Source("Nikkei Asia", None, "https://asia.nikkei.com/x"),
        credits=[Credit("illustration", "Ana Lúcia Prado"), Credit("image", None, "AFP")],
        sections=[Section(None, ["Lead one.", "Lead two."]), Section("Next", ["Body."])],
    )
    root, errors = parse_fragment(storykit.dumps(story, "html"))
    assert errors == []
    article = root.find("article")
    # Lead paragraphs sit in the article itself, not in a section without a heading.
    assert [text(p) for p in article.findall("p")] == ["Lead one.", "Lead two."]
    assert text(article.find("section/p")) == "Body."
    assert text(article.find("header/p[@class='storykit-source']")) == "Nikkei Asia"
    assert article.find(".//time") is None
    assert text(article.find("header/p[@class='storykit-credits']")) == (
        "Illustration by Ana Lúcia Prado · Image: AFP"
    )
    (link,) = find_all(root, "a")
    assert link.get("href") == "https://asia.nikkei.com/x"
    assert link.get("rel") == "noopener noreferrer"
    assert text(link) == "View original source"


def test_minimal_story_has_no_empty_parts() -> None:
    root, errors = parse_fragment(storykit.dumps(Story("Only a title"), "html"))
    assert errors == []
    assert [e.tag for e in elements(root)] == ["article", "header", "h1"]


@pytest.mark.parametrize(
    ("options", "absent", "present"),
    [
        ({"image": False}, {"figure", "figcaption"}, {"ul", "a"}),
        ({"tags": False}, {"ul", "li"}, {"figure", "a", "footer"}),
        ({"footer": False}, {"a"}, {"ul", "footer", "figure"}),
        ({"tags": False, "footer": False}, {"ul", "a", "footer"}, {"figure"}),
    ],
)
def test_leaving_parts_out(options: dict[str, bool], absent: set[str], present: set[str]) -> None:
    root, _ = parse_fragment(storykit.dumps(full_story(), "html", **options))
    tags = {e.tag for e in elements(root)}
    assert not tags & absent
    assert present <= tags


@pytest.mark.parametrize(
    ("offset", "title", "section"), [(0, "h1", "h2"), (1, "h2", "h3"), (4, "h5", "h6")]
)
def test_heading_offset(offset: int, title: str, section: str) -> None:
    root, _ = parse_fragment(storykit.dumps(full_story(), "html", heading_offset=offset))
    headings = [e.tag for e in elements(root) if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert headings == [title, section, section]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"heading_offset": 5}, ValueError),
        ({"heading_offset": -1}, ValueError),
        ({"heading_offset": True}, TypeError),
        ({"heading_offset": "1"}, TypeError),
        ({"lang": "english please"}, ValueError),
        ({"lang": '"><script>'}, ValueError),
        ({"lang": None}, TypeError),
    ],
)
def test_bad_options(options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error, match=next(iter(options))):
        storykit.dumps(full_story(), "html", **options)


# ----------------------------------------------------------------------------- standalone page


def test_standalone_page(seed: Story) -> None:
    page = storykit.dumps(seed, "html", standalone=True, lang="en-GB")
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.index('<meta charset="utf-8">') < 1024  # the encoding must be declared early
    root, errors = parse_document(page)
    assert errors == []
    assert root.get("lang") == "en-GB"
    head, body = root.find("head"), root.find("body")
    assert head.find("meta[@name='viewport']").get("content") == (
        "width=device-width, initial-scale=1"
    )
    assert text(head.find("title")) == seed.title
    css = text(head.find("style"))
    for rule in ("color-scheme: light dark", "@media (prefers-color-scheme: dark)", "@media print"):
        assert rule in css
    (script,) = find_all(root, "script")
    assert script.get("type") == "application/ld+json"
    assert json.loads(text(script)) == jsonld.to_dict(seed, lang="en-GB", body=False)
    # The page holds the text: its JSON-LD leaves out the articleBody the format writes.
    assert "articleBody" not in json.loads(text(script))
    assert "articleBody" in jsonld.to_dict(seed)
    assert [e.tag for e in body] == ["main"]
    assert body.find("main/article/header/h1") is not None


def test_standalone_title_and_lang_are_escaped() -> None:
    story = Story("</title><script>alert(1)</script> & more")
    root, errors = parse_document(storykit.dumps(story, "html", standalone=True, lang="de"))
    assert errors == []
    assert root.get("lang") == "de"
    assert text(root.find("head/title")) == story.title
    assert len(find_all(root, "script")) == 1


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "machine", "human"),
    [
        (dt.date(2026, 5, 25), "2026-05-25", "2026-05-25"),
        (dt.date(987, 1, 2), "0987-01-02", "0987-01-02"),
        (dt.datetime(2020, 2, 24, 1, 50, tzinfo=UTC), "2020-02-24T01:50Z", "2020-02-24 01:50 UTC"),
        (
            dt.datetime(2020, 2, 24, 1, 50, 30, tzinfo=UTC),
            "2020-02-24T01:50:30Z",
            "2020-02-24 01:50:30 UTC",
        ),
        (
            dt.datetime(2020, 2, 24, 1, 50, 30, 123456),
            "2020-02-24T01:50:30.123",
            "2020-02-24 01:50:30",
        ),
        (
            dt.datetime(2021, 11, 3, 7, 55, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            "2021-11-03T07:55+05:30",
            "2021-11-03 07:55 +05:30",
        ),
        (
            dt.datetime(2021, 11, 3, 7, 55, tzinfo=dt.timezone(-dt.timedelta(hours=3))),
            "2021-11-03T07:55-03:00",
            "2021-11-03 07:55 -03:00",
        ),
        (
            # HTML cannot write an offset with seconds: the time is given in UTC instead.
            dt.datetime(2021, 1, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1, seconds=30))),
            "2021-01-01T10:59:30Z",
            "2021-01-01 12:00 +01:00",
        ),
    ],
)
def test_dates(value: dt.date, machine: str, human: str) -> None:
    assert html.machine_date(value) == machine
    assert html.human_date(value) == human


# ----------------------------------------------------------------------------- W3C validation

WRAPPER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>storykit fragment</title>
</head>
<body>
{}</body>
</html>
"""


def _skip_or_fail(reason: str) -> None:
    if vnu.required():
        pytest.fail(f"{reason} (STORYKIT_REQUIRE_VNU=1: CI expects the W3C check to run)")
    pytest.skip(f"W3C CHECK NOT RUN: {reason}")


def test_w3c_nu_html_checker(tmp_path: Path, seed: Story) -> None:
    java = shutil.which("java")
    if java is None:
        _skip_or_fail("Java is not installed: the W3C Nu HTML Checker (vnu.jar) needs it")
    jar = vnu.jar()
    if jar is None:
        _skip_or_fail(f"vnu.jar not found: run `python -m tests.vnu` to fetch it to {vnu.JAR}")
    assert jar is not None
    assert java is not None
    assert jar.is_file(), f"{jar} is not a file (STORYKIT_VNU_JAR?)"
    pages: dict[str, str] = {}

    def add(name: str, story: Story) -> None:
        pages[f"{name}.fragment.html"] = WRAPPER.format(storykit.dumps(story, "html"))
        pages[f"{name}.standalone.html"] = storykit.dumps(story, "html", standalone=True)

    add("seed", seed)
    for path in CORPUS_STORIES:
        add(path.stem, storykit.load(path))
    add("payloads", full_story("".join(PAYLOADS), url='https://example.com/" <x>%zz#a#b'))
    add("forbidden", full_story("a\x00\x01\x0b\x7f\x85\ufdd0\uffff\U0010fffe\r\n\f z"))
    add(
        "datetime", Story("T", source=Source("S", dt.datetime(2020, 2, 24, 1, 50, 30, 123456, UTC)))
    )
    pages["offset.fragment.html"] = WRAPPER.format(
        "<h1>Page</h1>\n" + storykit.dumps(full_story(), "html", heading_offset=1)
    )
    pages["notebook.html"] = WRAPPER.format(seed._repr_html_())
    pages["table.html"] = WRAPPER.format(
        storykit.table([seed, full_story(PAYLOADS[0])], max_rows=1)._repr_html_()
    )
    files = []
    for name, page in pages.items():
        file = tmp_path / name
        file.write_text(page, encoding="utf-8")
        files.append(str(file))
    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--no-langdetect",
            "--stdout",
            "--format",
            "gnu",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, report
    assert report == ""
