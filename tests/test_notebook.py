from __future__ import annotations

import datetime as dt

import pytest
from markdown_it import MarkdownIt

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryTable
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, SEED
from tests.htmltools import elements, find_all, parse_fragment, signature, text

UTC = dt.UTC

TRICKY = "<script>alert(1)</script> *a* _b_ `c` [x](y) | d $e$ & f \\"

STORIES = [
    Story(
        "Xiaomi is pouring billions into AI",
        source=Source("SCMP", dt.date(2026, 5, 25)),
        sections=[Section(None, ["Text."])],
        tags=["AI", "EVs"],
    ),
    Story(
        "外国专家：合作共赢",
        source=Source(
            "China Daily", dt.datetime(2023, 11, 17, 8, 30, tzinfo=UTC), "https://x.example/a"
        ),
    ),
    Story(TRICKY, source=Source(None, None, "javascript:alert(1)"), tags=[TRICKY]),
]


def test_story_repr_html_is_the_styled_fragment() -> None:
    story = storykit.load(SEED)
    shown = story._repr_html_()
    root, errors = parse_fragment(shown)
    assert errors == []
    (wrapper,) = list(root)
    assert wrapper.tag == "div"
    style, article = list(wrapper)
    assert style.tag == "style"  # first child: valid HTML, and scoped to .storykit
    assert all(rule.startswith(".storykit") for rule in text(style).strip().splitlines())
    assert article.get("class") == "storykit"
    assert storykit.dumps(story, "html").strip() in shown


def test_table_is_one_step_from_iter_stories() -> None:
    if not CORPUS_STORIES:
        pytest.skip(NO_CORPUS)
    table = storykit.table(storykit.iter_stories(CORPUS / "stories"))
    assert isinstance(table, StoryTable)
    assert len(table) == len(CORPUS_STORIES)
    root, errors = parse_fragment(table._repr_html_())
    assert errors == []
    assert text(root.find(".//caption")) == f"{len(CORPUS_STORIES)} stories"
    assert len(root.findall(".//tbody/tr")) == len(CORPUS_STORIES)


def test_table_behaves_like_a_sequence() -> None:
    table = storykit.table(iter(STORIES))
    assert len(table) == 3
    assert list(table) == STORIES
    assert table[1] is STORIES[1]


def test_table_html() -> None:
    root, errors = parse_fragment(storykit.table(STORIES)._repr_html_())
    assert errors == []
    assert text(root.find(".//caption")) == "3 stories"
    assert [text(th) for th in root.findall(".//thead/tr/th")] == [
        "#",
        "Title",
        "Source",
        "Date",
        "Tags",
    ]
    rows = [[text(td) for td in tr] for tr in root.findall(".//tbody/tr")]
    assert rows == [
        ["1", "Xiaomi is pouring billions into AI", "SCMP", "2026-05-25", "AI, EVs"],
        ["2", "外国专家：合作共赢", "China Daily", "2023-11-17 08:30 UTC", ""],
        ["3", TRICKY, "", "", TRICKY],
    ]
    # Only the http(s) original is linked; the content adds no element of its own.
    assert [a.get("href") for a in find_all(root, "a")] == ["https://x.example/a"]
    assert [t.get("datetime") for t in find_all(root, "time")] == [
        "2026-05-25",
        "2023-11-17T08:30Z",
    ]
    assert find_all(root, "script") == []
    benign = storykit.table(
        [*STORIES[:2], Story("x", source=Source(url="javascript:"), tags=["y"])]
    )
    assert signature(root) == signature(parse_fragment(benign._repr_html_())[0])


def test_table_max_rows() -> None:
    table = storykit.table(STORIES, max_rows=2)
    root, _ = parse_fragment(table._repr_html_())
    rows = root.findall(".//tbody/tr")
    assert len(rows) == 3
    assert text(rows[-1]) == "… and 1 more story"
    assert text(root.find(".//caption")) == "3 stories"
    assert str(table).splitlines()[-1] == "… and 1 more story"
    assert table._repr_markdown_().rstrip().endswith("… and 1 more story")
    assert len(storykit.table(STORIES * 30, max_rows=None).rows()) == 90
    assert len(storykit.table(STORIES * 30).rows()) == 60


def _rendered_cells(markdown: str) -> list[list[str]]:
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    root, errors = parse_fragment(rendered)
    assert errors == []
    return [[text(cell) for cell in tr] for tr in root.findall(".//tr")]


def test_table_markdown_shows_every_value_literally() -> None:
    markdown = storykit.table(STORIES)._repr_markdown_()
    assert _rendered_cells(markdown) == [
        ["#", "Title", "Source", "Date", "Tags"],
        ["1", "Xiaomi is pouring billions into AI", "SCMP", "2026-05-25", "AI, EVs"],
        ["2", "外国专家：合作共赢", "China Daily", "2023-11-17 08:30 UTC", ""],
        ["3", TRICKY, "", "", TRICKY],
    ]
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    root, _ = parse_fragment(rendered)
    assert [a.get("href") for a in find_all(root, "a")] == ["https://x.example/a"]
    assert {e.tag for e in elements(root)} == {"table", "thead", "tbody", "tr", "th", "td", "a"}


def test_table_plain_text() -> None:
    stories = [
        Story("Short", source=Source("SCMP", dt.date(2026, 5, 25)), tags=["AI", "EVs"]),
        Story("小米\nnews", source=Source("CNN")),
        Story("x" * 80, tags=["Tag"] * 20),
    ]
    table = storykit.table(stories)
    # Wide characters take two columns; line breaks become spaces; long cells are clipped.
    # Columns: "#" 1 wide, titles clipped to 60, "Source" 6, dates 10, tags clipped to 40.
    assert str(table).splitlines() == [
        "#  " + "Title".ljust(60) + "  Source  Date        Tags",
        "1  " + "Short".ljust(60) + "  SCMP    2026-05-25  AI, EVs",
        "2  小米 news" + " " * (60 - 9) + "  CNN",
        "3  " + "x" * 59 + "…" + " " * 22 + "Tag, Tag, Tag, Tag, Tag, Tag, Tag, Tag,…",
    ]
    assert repr(table) == str(table)


def test_table_plain_text_neutralises_control_characters() -> None:
    out = str(storykit.table([Story("a\x1b[31mred\x07", source=Source("b\tc"))]))
    assert "\x1b" not in out and "\x07" not in out
    assert "a\ufffd[31mred\ufffd" in out
    assert "b c" in out


def test_table_rejects_what_is_not_stories() -> None:
    with pytest.raises(TypeError, match=r"stories\[1\]: expected Story, got str"):
        storykit.table([STORIES[0], "not a story"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="one Story"):
        storykit.table(STORIES[0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_rows"):
        storykit.table(STORIES, max_rows=0)


def test_empty_table() -> None:
    table = storykit.table([])
    assert str(table) == "#  Title  Source  Date  Tags"
    root, errors = parse_fragment(table._repr_html_())
    assert errors == []
    assert text(root.find(".//caption")) == "0 stories"


def test_image_and_credits_do_not_matter_to_the_table() -> None:
    story = Story("T", image=Image("alt", Credit("photo", "A")), credits=[Credit("photo", "B")])
    assert storykit.table([story]).rows() == [("T", "", "", "")]
