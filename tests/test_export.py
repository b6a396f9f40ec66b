from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given

import storykit
from storykit import Credit, Image, MissingExtraError, Section, Source, Story
from storykit.export import (
    LONG_COLUMNS,
    RECORD_COLUMNS,
    body_html,
    story_id,
    story_uri,
)
from storykit.formats.html import sections_html
from tests.conftest import ROOT, SEED
from tests.strategies import stories

UTC = dt.UTC

A = Story(
    "Ferries are back",
    source=Source("Harbour Times", dt.date(2024, 3, 12), "https://x.example/ferry"),
    image=Image("A ferry", Credit("photo", "Kari Lund", "Pexels")),
    sections=[
        Section(None, ["Lead paragraph here."]),
        Section("Timetable", ["One.", "Two words."]),
        Section("No paragraphs"),
    ],
    tags=["Transport", "Ferries"],
)
B = Story(
    "Undated, no source",
    sections=[Section("Only heading", ["Text."])],
)
C = Story(
    "With a time",
    source=Source(
        published=dt.datetime(2024, 3, 12, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    ),
)


# ----------------------------------------------------------------------------- helpers


def test_story_id_is_stable_and_short() -> None:
    # sha256("url\nhttps://x.example/ferry"), first 16 hex digits, computed independently
    import hashlib

    expected = hashlib.sha256(b"url\nhttps://x.example/ferry").hexdigest()[:16]
    assert story_id(A) == expected
    assert len(story_id(B)) == 16
    assert story_id(B) == story_id(Story("Undated, no source"))  # title + date, not the body
    assert story_id(B) != story_id(Story("Another title"))
    dated = Story("Undated, no source", source=Source(published=dt.date(2024, 1, 1)))
    assert story_id(dated) != story_id(B)


def test_story_uri() -> None:
    assert story_uri(A) == "https://x.example/ferry"
    assert story_uri(B) == f"urn:storykit:{story_id(B)}"
    spaced = Story("T", source=Source(url="https://x.example/a b"))
    assert story_uri(spaced) == f"urn:storykit:{story_id(spaced)}"
    urn = Story("T", source=Source(url="urn:isbn:0451450523"))
    assert story_uri(urn).startswith("urn:storykit:")
    for scheme in ("URN", "Urn", "uRN"):  # a URN in any case
        upper = Story("T", source=Source(url=f"{scheme}:isbn:0451450523"))
        assert story_uri(upper) == f"urn:storykit:{story_id(upper)}"


@given(stories())
@example(A)
@example(B)
@example(C)
def test_story_id_is_the_sha256_of_its_key(story: Story) -> None:
    # the key as the docs say, hashed by SHA-256
    import hashlib

    source = story.source
    if source is not None and source.url is not None:
        key = f"url\n{source.url}"
    else:
        name = (source.name if source is not None else None) or ""
        day = "" if story.published is None else story.published.isoformat()
        key = f"story\n{name}\n{story.title}\n{day}"
    expected = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    assert story_id(story) == expected


def test_a_subclass_has_its_id_and_uri_from_its_own_url_and_date() -> None:
    import attrs

    @attrs.frozen
    class Elsewhere(Story):
        @property
        def url(self) -> str | None:
            return "https://elsewhere.example/story"

        @property
        def published(self) -> dt.date | None:
            return dt.date(2001, 2, 3)

    story = Elsewhere("T", source=Source("Outlet", dt.date(2024, 1, 1), "https://x.example/a"))
    assert story_uri(story) == "https://elsewhere.example/story"
    assert story_id(story) == story_id(Story("T", source=Source(url=story.url)))

    @attrs.frozen
    class Undated(Story):
        @property
        def url(self) -> str | None:
            return None

        @property
        def published(self) -> dt.date | None:
            return dt.date(2001, 2, 3)

    undated = Undated("T", source=Source("Outlet", dt.date(2024, 1, 1), "https://x.example/a"))
    same = Story("T", source=Source("Outlet", dt.date(2001, 2, 3)))
    assert story_id(undated) == story_id(same)
    assert story_uri(undated) == f"urn:storykit:{story_id(same)}"


@pytest.mark.parametrize(
    ("credit", "line"),
    [
        (Credit("photo", "Pavel Danilyuk", "Pexels"), "Photo by Pavel Danilyuk on Pexels"),
        (Credit("photo", "Pavel Danilyuk"), "Photo by Pavel Danilyuk"),
        (Credit("image", None, "Getty"), "Image: Getty"),
        (Credit("photograph", "Aiko Nakamura", "Kyodo"), "Photograph by Aiko Nakamura/Kyodo"),
    ],
)
def test_credit_line_words_it_as_the_dump(credit: Credit, line: str) -> None:
    assert str(credit) == line
    story = Story("T", source=Source("S"), image=Image(credit=credit), sections=[])
    assert storykit.dumps(story, "text").splitlines()[1] == line  # after the nav line


def test_body_html_escapes_once() -> None:
    story = Story("T", sections=[Section("A & B", ["x < y > z", "\"quoted\" 'too'"])])
    assert body_html(story) == (
        "<h2>A &amp; B</h2>\n<p>x &lt; y &gt; z</p>\n<p>\"quoted\" 'too'</p>"
    )


def _body_html_block_by_block(story: Story, line_break: str = "\n") -> str:
    blocks = []
    for section in story.sections:
        if section.heading is not None:
            blocks.append(f"<h2>{html.escape(section.heading, quote=False)}</h2>")
        blocks += [f"<p>{html.escape(p, quote=False)}</p>" for p in section.paragraphs]
    return line_break.join(blocks)


@given(stories())
@example(Story("T", sections=[Section(None, ["plain"]), Section("H", ["a < b", "c"])]))
@example(Story("T", sections=[Section(None, ["plain"]), Section("A & B", ["c"])]))
@example(Story("T", sections=[Section(None, ["x >"]), Section("H")]))
def test_body_html_is_each_block_escaped(story: Story) -> None:
    assert body_html(story) == _body_html_block_by_block(story)


@given(stories())
@example(Story("T", sections=[Section(None, ["a < b", "c"]), Section("H & I", ["d"])]))
def test_sections_html_is_body_html_with_another_line_break(story: Story) -> None:
    # what the ninjs writer asks of it: the same fragment, its line breaks as written
    marked = any(c in story.text for c in "&<>")
    for line_break in ("\n", "\\n", "|"):
        laid_out = sections_html(story.sections, line_break=line_break)
        assert laid_out == _body_html_block_by_block(story, line_break)
        if not marked:  # (no markup to escape: it may say so)
            assert sections_html(story.sections, markup=False, line_break=line_break) == laid_out


# ----------------------------------------------------------------------------- records


def test_records() -> None:
    a, b, c = storykit.to_records([A, B, C])
    assert list(a) == list(RECORD_COLUMNS)
    assert a == {
        "id": story_id(A),
        "title": "Ferries are back",
        "source": "Harbour Times",
        "published": dt.date(2024, 3, 12),
        "url": "https://x.example/ferry",
        "image_alt": "A ferry",
        "credit": "Photo by Kari Lund on Pexels",
        "tags": ["Transport", "Ferries"],
        "sections": 3,
        "word_count": 12,  # counted by hand: 3 + 3 + 1 + 1 + 2 + 2
        "text": "Ferries are back\n\nLead paragraph here.\n\nTimetable\n\nOne.\n\nTwo words."
        "\n\nNo paragraphs",
    }
    assert b["source"] is None and b["published"] is None and b["url"] is None
    assert b["image_alt"] is None and b["credit"] is None and b["tags"] == []
    assert c["published"] == C.published


def test_records_take_any_iterable_but_not_a_story() -> None:
    assert [r["title"] for r in storykit.to_records(s for s in (A, B))] == [A.title, B.title]
    assert storykit.to_records([]) == []
    with pytest.raises(TypeError, match="wrap it in a list"):
        storykit.to_records(A)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"stories\[1\]: expected a Story, got str"):
        storykit.to_records([A, "B"])  # type: ignore[list-item]


@given(stories())
def test_records_are_flat(story: Story) -> None:
    (record,) = storykit.to_records([story])
    assert record["word_count"] == story.word_count
    assert record["sections"] == len(story.sections)
    for key, value in record.items():
        if key == "tags":
            assert value == list(story.tags)
        else:
            assert value is None or isinstance(value, (str, int, dt.date)), key


# ----------------------------------------------------------------------------- data frames


@pytest.fixture
def pd() -> Any:
    return pytest.importorskip("pandas", reason="pandas is in the test group (Python 3.11+)")


def test_wide_frame_dtypes_and_values(pd: Any) -> None:
    df = storykit.to_dataframe([A, B, C])
    assert list(df.columns) == list(RECORD_COLUMNS)
    assert str(df["published"].dtype) == "datetime64[us]"
    assert df["published"][0] == pd.Timestamp("2024-03-12")  # a day alone: midnight
    assert pd.isna(df["published"][1])
    assert df["published"][2] == pd.Timestamp("2024-03-13 01:30")  # 23:30-02:00 in UTC
    assert df["word_count"].dtype == "int64" and df["sections"].dtype == "int64"
    assert df["word_count"].tolist() == [A.word_count, B.word_count, C.word_count]
    assert df["tags"][0] == ["Transport", "Ferries"] and df["tags"][1] == []
    assert df["title"].dtype == "string"
    assert pd.isna(df["source"][1])
    assert df["id"].tolist() == [story_id(A), story_id(B), story_id(C)]


def test_naive_time_is_kept_as_written(pd: Any) -> None:
    story = Story("T", source=Source(published=dt.datetime(2020, 2, 24, 1, 50)))
    assert storykit.to_dataframe([story])["published"][0] == pd.Timestamp("2020-02-24 01:50")


def test_a_moment_utc_cannot_hold_is_its_first_instant(pd: Any) -> None:
    """``0001-01-01T01:00+05:00`` is before UTC's first instant: converting it overflowed."""
    early = dt.datetime(1, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    story = Story("T", source=Source(published=early))
    assert storykit.to_dataframe([story])["published"][0] == pd.Timestamp("0001-01-01 00:00")


def test_long_frame(pd: Any) -> None:
    df = storykit.to_dataframe([A, B], long=True)
    assert list(df.columns) == list(LONG_COLUMNS)
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in df.itertuples(index=False)]
    assert rows == [
        (story_id(A), 0, None, 0, "Lead paragraph here."),
        (story_id(A), 1, "Timetable", 0, "One."),
        (story_id(A), 1, "Timetable", 1, "Two words."),
        (story_id(B), 0, "Only heading", 0, "Text."),
    ]  # "No paragraphs" has no paragraph, so no row
    assert df["section"].dtype == "int64" and df["paragraph"].dtype == "int64"
    assert df["text"].dtype == "string"


def test_empty_frames_keep_their_columns(pd: Any) -> None:
    wide = storykit.to_dataframe([])
    assert list(wide.columns) == list(RECORD_COLUMNS) and len(wide) == 0
    assert str(wide["published"].dtype) == "datetime64[us]"
    long = storykit.to_dataframe([], long=True)
    assert list(long.columns) == list(LONG_COLUMNS) and len(long) == 0


def test_seed_frames_join_on_id(pd: Any) -> None:
    story = storykit.load(SEED)
    wide = storykit.to_dataframe([story])
    long = storykit.to_dataframe([story], long=True)
    assert len(long) == len(story.paragraphs)
    joined = long.merge(wide[["id", "title"]], left_on="story_id", right_on="id")
    assert set(joined["title"]) == {story.title}


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(MissingExtraError, match=r"the pandas extra: pip install 'pandas>=2'"):
        storykit.to_dataframe([A])
    assert storykit.to_records([A])[0]["title"] == A.title  # records need no extra


def test_import_storykit_stays_light(tmp_path: Path) -> None:
    code = (
        "import sys, storykit\n"
        "heavy = {'pandas', 'storykit.export', 'storykit.feeds', 'storykit.formats.ninjs'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "storykit.to_records\n"
        "print('storykit.export' in sys.modules, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    assert out.splitlines() == ["[]", "True False"]


def test_docs_examples_run(pd: Any) -> None:
    page = (ROOT / "docs" / "dataframes.md").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    blocks = re.findall(r"```python\n(.*?)```", page, re.S)
    assert len(blocks) == 3
    for block in blocks:
        exec(compile(block, "docs/dataframes.md", "exec"), namespace)
