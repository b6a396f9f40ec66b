"""One writer per target, one escaper per target language, a model that knows no format.

Issue 11, items 3 and 4: the body HTML that ninjs and the feeds carry is written by the HTML
format with its one escape function; GFM table cells are escaped by the Markdown format's
escape; a credit's words are the dump format's ``credit_line``, which the readers parse back;
``storykit.model`` imports no format, and notebooks still find its reprs.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import html as stdlib_html
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from markdown_it import MarkdownIt

import storykit
from storykit import Credit, Image, Section, Source, Story, export, feeds, notebook
from storykit._show import render
from storykit.formats import _html_reader, _html_text, html, jsonld, markdown, ninjs, text
from tests.htmltools import parse_fragment
from tests.htmltools import text as element_text
from tests.strategies import credits_any, stories

SRC = Path(storykit.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    """Every module an ``import`` anywhere in ``path`` names (function bodies included)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


# --------------------------------------------------------------------------- item 4: the model


def test_model_imports_no_storykit_module() -> None:
    imported = _imported_modules(SRC / "model.py")
    assert "attrs" in imported  # the walk sees the imports
    assert [name for name in imported if name.startswith(("storykit", "."))] == []


def test_importing_the_model_loads_no_writer() -> None:
    # (the registry's own part, its options' TypedDicts, comes with it: no format module)
    code = (
        "import sys, storykit.model; "
        "print(sorted(m for m in sys.modules if m.startswith("
        "('storykit.formats.', 'storykit.notebook', 'storykit.export'))"
        " and m != 'storykit.formats._options'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_story_shows_itself_in_a_fresh_interpreter() -> None:
    # Only storykit.model is imported by the user's code: the display it delegates to comes
    # in on first use.
    code = (
        "from storykit.model import Credit, Image, Story; "
        "s = Story('T & U', image=Image('alt', Credit('photo', 'Ann', 'AFP'))); "
        "print(s._repr_html_().count('<article class=\"storykit\">'), "
        "s._repr_markdown_().splitlines()[0], str(s.image.credit), sep='|')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1|# T & U|Photo by Ann on AFP"


def test_the_notebook_reprs_are_the_notebook_display() -> None:
    story = Story("T", sections=[Section(None, ["one *two*"])])
    assert story._repr_html_() == notebook.story_html(story)
    assert story._repr_markdown_() == notebook.story_markdown(story)
    assert notebook.story_markdown(story) == markdown.dumps(story, front_matter=False)
    # the fragment the HTML writer writes, whole, after its scoped stylesheet
    shown = notebook.story_html(story)
    assert shown.startswith('<div class="storykit-notebook"><style>\n')
    assert shown.endswith("</style>\n" + html.dumps(story) + "</div>\n")


def test_jupyter_finds_the_reprs_on_the_class() -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    assert {"_repr_html_", "_repr_markdown_"} <= set(vars(Story))
    story = Story("T", source=Source("SCMP"), sections=[Section(None, ["p"])])
    data, _ = formatters.DisplayFormatter().format(story)
    assert data["text/html"] == notebook.story_html(story)
    assert data["text/markdown"] == notebook.story_markdown(story)


def test_a_story_markdown_cannot_carry_shows_as_html_in_jupyter() -> None:
    """A paragraph holding U+0000: ``_repr_markdown_`` raised ``UnrepresentableError``,
    which Jupyter shows as a traceback in the cell's output. It now says "no Markdown"
    (``None``), and the notebook shows the HTML display."""
    formatters = pytest.importorskip("IPython.core.formatters")
    story = Story("T", sections=[Section(None, ["a\0b"])])
    assert story._repr_markdown_() is None
    assert notebook.story_markdown(story) is None
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
        data, _ = formatters.DisplayFormatter().format(story)
    assert shown.getvalue() == ""  # no traceback printed
    assert "text/markdown" not in data
    assert data["text/html"] == notebook.story_html(story)
    assert "<p>a\ufffdb</p>" in data["text/html"]


@pytest.mark.parametrize(
    ("credit", "line"),
    [
        (Credit("photo", "Pavel Danilyuk", "Pexels"), "Photo by Pavel Danilyuk on Pexels"),
        (Credit("photo", None, "AFP"), "Photo: AFP"),
        (Credit("illustration", "Kofi Boateng"), "Illustration by Kofi Boateng"),
        (Credit("photograph", "Aiko Nakamura", "Kyodo"), "Photograph by Aiko Nakamura/Kyodo"),
        (Credit("byline", "Jane Doe"), "By Jane Doe"),
        (Credit("byline", "Jane Doe", "AP"), "By Jane Doe/AP"),
        (Credit("byline", None, "AP"), "By AP"),  # (read back as a name: see below)
    ],
)
def test_credit_line_is_the_dump_wording_and_reads_back(credit: Credit, line: str) -> None:
    assert str(credit) == text.credit_line(credit) == line
    if credit.name is not None or credit.role != "byline":
        assert text.parse_credit(line, byline=credit.role == "byline") == credit


def test_a_byline_of_an_agency_alone_reads_back_as_a_name() -> None:
    # "By AP": the dump cannot tell an agency from a person, so the text writer refuses it.
    credit = Credit("byline", None, "AP")
    assert text.credit_line(credit) == "By AP"
    assert text.parse_credit("By AP", byline=True) == Credit("byline", "AP")
    story = Story("T", source=Source("S"), credits=[credit])
    with pytest.raises(storykit.UnrepresentableError, match="read back differently"):
        text.dumps(story)


@given(credits_any())
def test_str_of_a_credit_is_credit_line(credit: Credit) -> None:
    assert str(credit) == text.credit_line(credit)


def test_writers_word_credits_with_credit_line_not_str(monkeypatch: pytest.MonkeyPatch) -> None:
    # str(credit) is the user's; the formats take the wording from the dump format.
    credit, byline = Credit("photo", "Ann Lee", "AFP"), Credit("byline", "Bo Chen")
    story = Story(
        "T",
        source=Source("SCMP"),
        image=Image("alt", credit),
        credits=[byline],
        sections=[Section(None, ["p"])],
    )
    before = {
        "text": text.dumps(story),
        "markdown": markdown.dumps(story),
        "html": html.dumps(story),
        "jsonld": jsonld.dumps(story),
        "records": repr(export.to_records([story])),
    }
    monkeypatch.setattr(Credit, "__str__", lambda _self: "WRONG")
    assert str(credit) == "WRONG"
    after = {
        "text": text.dumps(story),
        "markdown": markdown.dumps(story),
        "html": html.dumps(story),
        "jsonld": jsonld.dumps(story),
        "records": repr(export.to_records([story])),
    }
    assert after == before
    assert all("Photo by Ann Lee on AFP" in out for out in after.values())
    assert all("By Bo Chen" in after[k] for k in ("text", "markdown", "html"))


def test_show_words_a_byline_as_a_byline() -> None:
    # `storykit show` words credits for a terminal (the provider in brackets); a byline
    # was shown as "Byline by Jane Doe (AP)".
    story = Story(
        "T",
        source=Source("S"),
        image=Image(credit=Credit("photo", "Ann Lee", "AFP")),
        credits=[Credit("byline", "Jane Doe", "AP"), Credit("byline", None, "AP")],
        sections=[Section(None, ["p"])],
    )
    lines = render(story).splitlines()
    assert lines[2:6] == ["S", "Photo by Ann Lee (AFP)", "By Jane Doe (AP)", "By AP"]


# --------------------------------------------------------------------------- item 3: body HTML


def test_body_html_is_written_by_the_html_format() -> None:
    assert export.body_html is html.body_html  # still importable where it used to be
    assert ninjs.body_html is html.body_html
    assert feeds.body_html is html.body_html


def test_body_html_escapes_element_text_and_keeps_the_rest() -> None:
    story = Story(
        "T",
        sections=[Section(None, ["a \x07 b\nc"]), Section("A & B", ["x < y > z", "\"q\" 'r'"])],
    )
    assert html.body_html(story) == (
        "<p>a \x07 b\nc</p>\n<h2>A &amp; B</h2>\n<p>x &lt; y &gt; z</p>\n<p>\"q\" 'r'</p>"
    )
    assert html.body_html(Story("T")) == ""


@given(stories())
def test_body_html_is_the_standard_librarys_element_escape(story: Story) -> None:
    parts = []
    for section in story.sections:
        if section.heading is not None:
            parts.append(f"<h2>{stdlib_html.escape(section.heading, quote=False)}</h2>")
        parts += [f"<p>{stdlib_html.escape(p, quote=False)}</p>" for p in section.paragraphs]
    assert html.body_html(story) == "\n".join(parts)


@given(stories())
def test_the_html_body_reader_reads_the_body_writer_back(story: Story) -> None:
    # formats/_html_reader.py is the reading side of body_html: every heading and paragraph
    # comes back, in order, exactly (ninjs reads its text/html body with it)
    expected = []
    for section in story.sections:
        if section.heading is not None:
            expected.append(("h2", section.heading))
        expected += [("p", paragraph) for paragraph in section.paragraphs]
    assert _html_reader.body_blocks(html.body_html(story), exact=True) == expected


def test_the_html_body_reader_folds_a_foreign_body() -> None:
    body = (
        "<h1>T</h1><div>Dateline</div><p>One &amp;\n  two</p>"
        "<script>x</script><ul><li>Item&#x1b;</li></ul>"
    )
    assert _html_reader.body_blocks(body, exact=False) == [
        ("h1", "T"),
        ("stray", "Dateline"),
        ("p", "One & two"),
        ("p", "Item\x1b"),
    ]


def test_html_escape_exact_keeps_quotes_and_every_code_point() -> None:
    raw = "a&b<c>d\"e'f\x00\x07\x85\ufdd0\U0010ffff"
    assert html.escape(raw, exact=True) == "a&amp;b&lt;c&gt;d\"e'f\x00\x07\x85\ufdd0\U0010ffff"
    assert html.escape(raw) == "a&amp;b&lt;c&gt;d&quot;e&#x27;f" + "\ufffd" * 5


def test_no_module_escapes_html_with_the_standard_library() -> None:
    # storykit.formats.html.escape (written in formats/_html_text.py) is the one HTML escaper;
    # html.unescape (a reader) is fine.
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
            if alias.name == "html"
        }
        found += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr == "escape"
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ]
        found += [
            f"{path.name}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module in {"html", "xml.sax.saxutils"}
            and any(alias.name in {"escape", "quoteattr"} for alias in node.names)
        ]
    assert found == []


def _code_strings(tree: ast.Module) -> list[ast.Constant]:
    """The string constants of a module that are not docstrings."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_one_module_writes_html_character_references() -> None:
    # The one HTML escaper (and its many-texts form) lives in formats/_html_text.py, which
    # storykit.formats.html re-exports: no other module spells out a reference to escape with.
    references = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;", "&#34;")
    found = {
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        for node in _code_strings(ast.parse(path.read_text(encoding="utf-8")))
        if any(reference in node.value for reference in references)
    }
    assert found == {"formats/_html_text.py"}
    assert html.escape is _html_text.escape


# --------------------------------------------------------------------------- Markdown cells


def test_markdown_cell_escape_escapes_every_cell_special() -> None:
    assert markdown.escape("a|b $1 & c > d", cell=True) == "a\\|b \\$1 \\& c \\> d"
    assert markdown.escape("*x* _y_ `z` [l] <h> ~s~ \\", cell=True) == (
        "\\*x\\* \\_y\\_ \\`z\\` \\[l\\] \\<h\\> \\~s\\~ \\\\"
    )
    assert markdown.escape("# 1. - plain", cell=True) == "# 1. - plain"  # no block in a cell


def test_markdown_cell_escape_shows_the_text_in_a_table() -> None:
    cells = ["a|b", "*x* & y", "<b>$1</b>", "[l](u) `c`", "AT&T &amp; ~s~ \\"]
    table = "| " + " | ".join("h" for _ in cells) + " |\n"
    table += "|" + " --- |" * len(cells) + "\n"
    table += "| " + " | ".join(markdown.escape(c, cell=True) for c in cells) + " |\n"
    root, errors = parse_fragment(MarkdownIt("commonmark").enable("table").render(table))
    assert errors == []
    assert [element_text(td) for td in root.iter("td")] == cells


def test_notebook_table_links_to_the_exact_url() -> None:
    # The table's Markdown links through the Markdown format's link_destination: "&amp;" in
    # a URL stays "&amp;" (it linked to "&" before).
    url = "https://x.example/?a=1&amp;b=2&#38;c"
    shown = storykit.table([Story("T", source=Source("S", url=url))])._repr_markdown_()
    root, errors = parse_fragment(MarkdownIt("commonmark").enable("table").render(shown))
    assert errors == []
    assert [a.get("href") for a in root.iter("a")] == [url]
    assert markdown.link_destination("https://x.example/a\\b<c>&amp;d&e") == (
        "<https://x.example/a\\\\b\\<c\\>\\&amp;d&e>"
    )


# --------------------------------------------------------------------------- heading_offset


@pytest.mark.parametrize("to", ["markdown", "html"])
@pytest.mark.parametrize(
    ("offset", "error", "got"),
    [
        (5, ValueError, "5"),
        (-1, ValueError, "-1"),
        ("2", TypeError, "'2' (a str)"),  # Markdown said ValueError, and the same as for 5
        (True, TypeError, "True (a bool)"),
        (2.0, TypeError, "2.0 (a float)"),
        (None, TypeError, "None"),
    ],
)
def test_markdown_and_html_refuse_a_heading_offset_alike(
    to: str, offset: object, error: type[Exception], got: str
) -> None:
    """Found by a hostile user: Markdown raised ValueError for a str, HTML TypeError, and
    HTML worded its ValueError otherwise; both now call one check, with one wording."""
    with pytest.raises(error) as caught:
        storykit.dumps(Story("T"), to, heading_offset=offset)
    assert type(caught.value) is error
    assert str(caught.value) == f"heading_offset: expected an integer from 0 to 4, got {got}"


def test_the_heading_offset_range_is_where_both_formats_run_out_of_levels() -> None:
    """0 to 4 in both: sections are level 2 + offset (``##``, ``<h2>``), and 6 is the last."""
    story = Story("T", sections=(Section(heading="H", paragraphs=("P.",)),))
    md = storykit.dumps(story, "markdown", front_matter=False, heading_offset=4)
    assert md.splitlines()[:3] == ["##### T", "", "###### H"]
    assert "<h5>T</h5>" in storykit.dumps(story, "html", heading_offset=4)
    assert "<h6>H</h6>" in storykit.dumps(story, "html", heading_offset=4)
    # a Markdown heading of 7 '#' would read back as a paragraph, and there is no <h7>
    assert MarkdownIt("commonmark").render("####### H") == "<p>####### H</p>\n"


def test_an_int_enum_is_an_integer_heading_offset() -> None:
    class Level(enum.IntEnum):
        UNDER_H1 = 1
        TOO_DEEP = 5

    story = Story("T")
    assert storykit.dumps(story, "markdown", front_matter=False, heading_offset=Level.UNDER_H1) == (
        "## T\n"
    )
    assert "<h2>T</h2>" in storykit.dumps(story, "html", heading_offset=Level.UNDER_H1)
    for to in ("markdown", "html"):
        with pytest.raises(ValueError, match=r"^heading_offset: .* from 0 to 4, got 5$"):
            storykit.dumps(story, to, heading_offset=Level.TOO_DEEP)
