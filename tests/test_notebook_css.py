"""Notebook display under the notebook front ends' own CSS (issue 9, item 9).

JupyterLab styles rendered HTML with selectors such as ``.jp-RenderedHTMLCommon ul``
(bullets) and ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` (right-aligned cells),
which outranked storykit's own rules: the tag pills got bullets and every table cell was
right-aligned. These tests put a story and a table into a notebook, export it with nbconvert's
real ``lab`` and ``classic`` templates (the front ends' stylesheets, inlined), and work out the
CSS cascade for the elements that matter: which declaration wins, by importance, specificity
and order, as a browser does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import bs4
import nbconvert
import nbformat
import pytest
import soupsieve
import tinycss2

import storykit
from storykit import Section, Source, Story
from storykit.notebook import scoped_css

STORY = Story(
    "Xiaomi bets on AI",
    source=Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a"),
    sections=[Section(None, ["A lead."]), Section("The play", ["Text."])],
    tags=["AI", "EVs", "Semiconductors"],
)
OTHER = Story("Chip exports tighten", source=Source("Nikkei Asia"), tags=["Japan"])


def _export(template: str) -> str:
    """A two-cell notebook holding the outputs, as nbconvert's ``template`` renders it."""
    v4 = nbformat.v4
    notebook = v4.new_notebook()
    for number, shown in enumerate((STORY, storykit.table([STORY, OTHER, STORY])), start=1):
        output = v4.new_output(
            "execute_result",
            data={"text/html": shown._repr_html_(), "text/plain": repr(shown)},
            execution_count=number,
        )
        notebook.cells.append(v4.new_code_cell("x", execution_count=number, outputs=[output]))
    exporter = nbconvert.HTMLExporter(template_name=template)
    body, _ = exporter.from_notebook_node(notebook)
    return str(body)


# --- a small CSS cascade ------------------------------------------------------------------


def _split(selectors: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(selectors):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            parts.append(selectors[start:i])
            start = i + 1
    parts.append(selectors[start:])
    return [p.strip() for p in parts if p.strip()]


_FUNCTIONAL = re.compile(r":(not|is|has|where|matches|nth-child|nth-last-child)\(")
_SIMPLE = re.compile(
    r"(?P<id>#[-\w]+)|(?P<cls>\.[-\w]+|\[[^\]]*\]|:[-\w]+)|(?P<el>::[-\w]+|[a-zA-Z][-\w]*|\*)"
)


def specificity(selector: str) -> tuple[int, int, int]:
    """CSS Selectors 4 specificity, for the selectors the notebook stylesheets use."""
    a = b = c = 0
    rest = selector
    while (m := _FUNCTIONAL.search(rest)) is not None:
        depth, end = 1, m.end()
        while depth:
            depth += (rest[end] == "(") - (rest[end] == ")")
            end += 1
        inner = rest[m.end() : end - 1]
        name = m.group(1)
        if name in {"not", "is", "has", "matches"}:
            best = max(specificity(s) for s in _split(inner))
            a, b, c = a + best[0], b + best[1], c + best[2]
        elif name.startswith("nth"):
            b += 1
        rest = rest[: m.start()] + " " + rest[end:]
    for m in _SIMPLE.finditer(rest):
        if m.group("id"):
            a += 1
        elif m.group("cls"):
            b += 1
        elif m.group("el") and m.group("el") != "*":
            c += 1
    return a, b, c


@dataclass
class Declaration:
    value: str
    important: bool
    specificity: tuple[int, int, int]
    order: int
    selector: str

    def key(self) -> tuple[bool, tuple[int, int, int], int]:
        return self.important, self.specificity, self.order


def _rules(nodes: list[Any]) -> list[Any]:
    out = []
    for node in nodes:
        if node.type == "qualified-rule":
            out.append(node)
        elif (
            node.type == "at-rule"
            and node.lower_at_keyword == "media"
            and node.content
            and "print" not in tinycss2.serialize(node.prelude)
        ):
            out.extend(_rules(tinycss2.parse_rule_list(node.content)))
    return out


class Cascade:
    """Every rule of every ``<style>`` of a page, in order, matched against its elements."""

    def __init__(self, page: str) -> None:
        self.soup = bs4.BeautifulSoup(page, "html.parser")
        self.rules: list[tuple[str, list[Any]]] = []
        for style in self.soup.find_all("style"):
            sheet = tinycss2.parse_stylesheet(style.get_text(), skip_comments=True)
            for rule in _rules(sheet):
                prelude = tinycss2.serialize(rule.prelude).strip()
                decls = tinycss2.parse_blocks_contents(rule.content)
                self.rules.append((prelude, [d for d in decls if d.type == "declaration"]))

    def winner(self, element: Any, properties: set[str]) -> Declaration | None:
        """The declaration of one of ``properties`` that applies to ``element``, if any."""
        found: list[Declaration] = []
        for order, (prelude, decls) in enumerate(self.rules):
            wanted = [d for d in decls if d.lower_name in properties]
            if not wanted:
                continue
            for selector in _split(prelude):
                if "::" in selector or re.search(r":(hover|focus|active|visited)\b", selector):
                    continue  # a state or pseudo-element the element is not in
                try:
                    matches = soupsieve.match(selector, element)
                except (soupsieve.SelectorSyntaxError, NotImplementedError):
                    continue
                if matches:
                    for d in wanted:
                        value = tinycss2.serialize(d.value).strip()
                        found.append(
                            Declaration(value, d.important, specificity(selector), order, selector)
                        )
        inline = element.get("style")
        if inline:
            for d in tinycss2.parse_blocks_contents(inline):
                if d.type == "declaration" and d.lower_name in properties:
                    value = tinycss2.serialize(d.value).strip()
                    found.append(Declaration(value, d.important, (9, 9, 9), 10**9, "style="))
        return max(found, key=Declaration.key, default=None)


@pytest.fixture(scope="module", params=["lab", "classic"])
def cascade(request: pytest.FixtureRequest) -> Cascade:
    return Cascade(_export(request.param))


def test_specificity_helper() -> None:
    assert specificity(".jp-RenderedHTMLCommon ul") == (0, 1, 1)
    assert specificity(":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td") == (0, 2, 1)
    assert specificity(".a :is(h1, .b h2)") == (0, 2, 1)
    assert specificity("#x > p::before") == (1, 0, 2)
    assert specificity("tbody tr:nth-child(even)") == (0, 1, 2)
    assert specificity(":where(.a) p") == (0, 0, 1)


def test_tag_pills_have_no_bullets(cascade: Cascade) -> None:
    (pills,) = cascade.soup.select("ul.storykit-tags")
    style = cascade.winner(pills, {"list-style", "list-style-type"})
    assert style is not None
    assert "none" in style.value.split(), style
    padding = cascade.winner(pills, {"padding", "padding-left"})
    assert padding is not None
    assert padding.value == "0", padding
    for li in pills.find_all("li"):
        own = cascade.winner(li, {"list-style", "list-style-type"})
        assert own is None or "none" in own.value.split(), own  # else inherits none


def test_table_cells_are_left_aligned(cascade: Cascade) -> None:
    (table,) = cascade.soup.select("div.storykit-table table")
    rows = table.select("tr")
    assert len(rows) == 4  # the header and three stories
    for row in rows:
        number, *cells = row.find_all(["th", "td"])
        align = cascade.winner(number, {"text-align"})
        assert align is not None
        assert align.value == "right", align  # the row number, as in a spreadsheet
        for cell in cells:
            align = cascade.winner(cell, {"text-align"})
            assert align is not None
            assert align.value == "left", (cell.get_text(), align)
    caption = cascade.winner(table.caption, {"text-align"})
    assert caption is not None
    assert caption.value == "left"


def test_story_title_keeps_its_own_size(cascade: Cascade) -> None:
    (title,) = cascade.soup.select("article.storykit h1")
    size = cascade.winner(title, {"font-size"})
    assert size is not None
    assert ".storykit" in size.selector, size  # not the front end's h1 size


def test_scoped_css_confines_and_outranks() -> None:
    css = scoped_css(".a :is(h1, h2), p { margin: 1rem 0 .5rem; }\nli{x:y}", "box")
    assert css == (
        ".box.box.box .a :is(h1, h2), .box.box.box p { margin: 1em 0 .5em; }\n"
        ".box.box.box li { x:y }\n"
    )
    for line in css.splitlines():
        selectors = _split(line.partition("{")[0])
        assert all(specificity(s) > (0, 2, 1) for s in selectors)


# --- right-to-left text and long words (h13user, looked at in headless Chromium) ------------

RTL = Story(
    "الذكاء الاصطناعي يغير صناعة الهواتف",
    source=Source("الجزيرة", dt.date(2026, 5, 1)),
    image=storykit.Image("صورة لهاتف ذكي", storykit.Credit("photo", "أحمد", "وكالة")),
    sections=[Section("السياق", ["هذا نص عربي طويل."])],
    tags=["تقنية"],
)


def _takes_its_own_direction(cascade: Cascade, element: Any) -> None:
    bidi = cascade.winner(element, {"unicode-bidi"})
    assert bidi is not None, element
    assert bidi.value == "plaintext", (element.name, bidi)
    align = cascade.winner(element, {"text-align"})
    assert align is not None, element
    assert align.value == "start", (element.name, align)


def test_story_text_takes_its_direction_from_itself(cascade: Cascade) -> None:
    # An Arabic story was laid out left to right: its title and paragraphs ranged left, and
    # its source line showed the date 2026-05-01 as "01-05-2026" (digits after Arabic letters
    # are ordered right to left). Each block now takes its direction from its own first
    # letter, and the date is isolated from the outlet's name.
    (article,) = cascade.soup.select(".storykit-notebook article.storykit")
    for element in (
        article.h1,
        article.select_one("p.storykit-source"),
        article.select_one("section h2"),
        article.select_one("section p"),
        article.select_one("ul.storykit-tags li"),
    ):
        _takes_its_own_direction(cascade, element)
    date = cascade.winner(article.time, {"unicode-bidi"})
    assert date is not None
    assert date.value == "isolate", date


def test_page_image_caption_takes_its_direction_from_itself() -> None:
    page = Cascade(storykit.dumps(RTL, "html", standalone=True))
    alt, credit = page.soup.select("figcaption > span")
    for span in (alt, credit):
        _takes_its_own_direction(page, span)
        display = page.winner(span, {"display"})
        assert display is not None
        assert display.value == "block", (span, display)  # a paragraph each: aligned on its own
    _takes_its_own_direction(page, page.soup.select_one("section p"))
    date = page.winner(page.soup.time, {"unicode-bidi"})
    assert date is not None
    assert date.value == "isolate", date


def test_table_cells_break_long_words(cascade: Cascade) -> None:
    # A title (or source, or tag) with no space in it, a long URL say, made the whole table
    # as wide as that word: the notebook output scrolled sideways.
    (table,) = cascade.soup.select("div.storykit-table table")
    for cell in table.select("tbody td"):
        wrap = cascade.winner(cell, {"overflow-wrap", "word-wrap"})
        assert wrap is not None
        assert wrap.value == "anywhere", (cell.get_text(), wrap)
        bidi = cascade.winner(cell, {"unicode-bidi"})
        assert bidi is not None
        assert bidi.value == "plaintext", (cell.get_text(), bidi)
    title = table.select("tbody tr")[0].find_all("td")[1]
    width = cascade.winner(title, {"min-width"})
    assert width is not None, "titles would be squeezed to a letter a line"
    assert width.value == "16em", width


def test_site_index_entries_take_their_direction_and_break_long_words() -> None:
    # The index.html of `convert -s` showed an Arabic story's date as 01-05-2026 and let a
    # title of one long word run off the page (a sideways scrollbar), as the story did.
    from storykit.formats import html

    entries = html.index_entry(RTL, "rtl.html") + html.index_entry(STORY, "a.html")
    page = Cascade(html.index_page(entries, count=2))
    (index,) = page.soup.select(".storykit-index")
    wrap = page.winner(index, {"overflow-wrap", "word-wrap"})
    assert wrap is not None
    assert wrap.value == "break-word", wrap
    for entry in index.select("ol > li"):
        for element in (entry.h2, entry.select_one("p.storykit-source"), entry.select_one("ul li")):
            _takes_its_own_direction(page, element)
        date = page.winner(entry.time, {"unicode-bidi"})
        assert date is not None
        assert date.value == "isolate", date
