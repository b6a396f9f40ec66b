from __future__ import annotations

import datetime as dt
import io
import random
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError, UnrepresentableError
from storykit.formats import text as text_format
from tests.conftest import CORPUS_STORIES, NO_CORPUS, SEED
from tests.strategies import dump_stories

BODY = """
Title of the story

The play

First paragraph of the play.

Second paragraph of the play.

Why now?

It is time.

AIEVs
View original source →"""


def read(dump: str) -> Story:
    return storykit.loads(dump, "text")


# ----------------------------------------------------------------------------- the seed


def test_seed_fields() -> None:
    story = storykit.load(SEED)
    assert story.title == "Xiaomi is pouring billions into AI to future‑proof its hardware empire"
    assert story.source == Source("SCMP", dt.date(2026, 5, 25))
    assert story.image == Image(
        "Close-up of a futuristic robotic toy against a gradient background, symbolizing "
        "innovation and technology.",
        Credit("photo", "Pavel Danilyuk", "Pexels"),
    )
    assert story.headings == ("The play", "The evidence", "Geopolitical context and why it matters")
    assert [len(s.paragraphs) for s in story.sections] == [1, 1, 1]
    assert story.sections[0].paragraphs[0].startswith("Xiaomi (小米) is betting big")
    assert story.tags == ("AI", "EVs", "Semiconductors", "Smartphones")
    assert story.credits == () and story.extras == ()


def test_seed_round_trips_byte_for_byte() -> None:
    assert storykit.dumps(storykit.load(SEED), "text").encode("utf-8") == SEED.read_bytes()


# ----------------------------------------------------------------------------- header


@pytest.mark.parametrize(
    ("nav", "alt"),
    [
        ("← Back to stories A robot on a desk.", "A robot on a desk."),
        ("← Back to stories", None),
        ("←  Back to stories   ", None),
    ],
)
def test_nav_line(nav: str, alt: str | None) -> None:
    story = read(f"{nav}\nSCMP 2026-05-25\n{BODY}")
    assert (story.image.alt if story.image else None) == alt
    assert story.source == Source("SCMP", dt.date(2026, 5, 25))


def test_no_nav_line() -> None:
    story = read(f"Photo: AFP\nSCMP\n{BODY}")
    assert story.image == Image(None, Credit("photo", None, "AFP"))
    assert story.source == Source("SCMP")


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo by Pavel Danilyuk on Pexels", Credit("photo", "Pavel Danilyuk", "Pexels")),
        ("Photo by Elena Rossi", Credit("photo", "Elena Rossi", None)),
        ("Photo: Shutterstock", Credit("photo", None, "Shutterstock")),
        ("Image: Reuters", Credit("image", None, "Reuters")),
        ("Illustration by Kofi Boateng", Credit("illustration", "Kofi Boateng", None)),
        ("Photograph by Aiko Nakamura/Kyodo", Credit("photograph", "Aiko Nakamura", "Kyodo")),
        (
            "Photo by Zoë O’Neill on Wikimedia Commons",
            Credit("photo", "Zoë O’Neill", "Wikimedia Commons"),
        ),
    ],
)
def test_credit_forms(line: str, credit: Credit) -> None:
    story = read(f"← Back to stories Alt\n{line}\nSCMP 2026-05-25\n{BODY}")
    assert story.image == Image("Alt", credit)
    assert story.source is not None and story.source.name == "SCMP"


def test_no_credit() -> None:
    story = read(f"← Back to stories Alt\nSCMP 2026-05-25\n{BODY}")
    assert story.image == Image("Alt", None)


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("SCMP 2026-05-25", Source("SCMP", dt.date(2026, 5, 25))),
        ("Nikkei Asia 25 May 2026", Source("Nikkei Asia", dt.date(2026, 5, 25))),
        (
            "The Wall Street Journal May 25, 2026",
            Source("The Wall Street Journal", dt.date(2026, 5, 25)),
        ),
        ("S&P Global Sept. 3, 2025", Source("S&P Global", dt.date(2025, 9, 3))),
        (
            "AP 2026-05-25T08:30:00Z",
            Source("AP", dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.UTC)),
        ),
        (
            "Le Monde 2026-05-25T08:30:00+02:00",
            Source(
                "Le Monde",
                dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            ),
        ),
        ("Channel 4", Source("Channel 4")),
        ("2026-05-25", Source(None, dt.date(2026, 5, 25))),
        ("Yonhap News Agency", Source("Yonhap News Agency")),
    ],
)
def test_source_line(line: str, source: Source) -> None:
    assert read(f"← Back to stories\n{line}\n{BODY}").source == source


def test_invalid_date_names_the_line() -> None:
    with pytest.raises(StoryParseError, match=r"<string>:2: invalid date '2026-13-45'"):
        read(f"← Back to stories\nSCMP 2026-13-45\n{BODY}")


def test_no_source_line() -> None:
    story = read(f"← Back to stories Alt\nIllustration by Kofi Boateng\n{BODY}")
    assert story.source is None


def test_credits_after_the_source_are_other_credits() -> None:
    story = read(f"← Back to stories\nPhoto: AP\nSCMP 2026-05-25\nIllustration by Ann Lee\n{BODY}")
    assert story.image == Image(None, Credit("photo", None, "AP"))
    assert story.credits == (Credit("illustration", "Ann Lee"),)


def test_unplaceable_header_lines_are_kept_and_reported() -> None:
    dump = f"← Back to stories\nSCMP 2026-05-25\nSomething odd\n{BODY}"
    with pytest.warns(storykit.StoryWarning, match=r"<string>:3: warning: could not place"):
        story = read(dump)
    assert story.extras == ("Something odd",)
    _, diagnostics = text_format.read(dump)
    assert [(d.line, d.level) for d in diagnostics] == [(3, "warning")]
    # ... and they survive a round trip (reported again as they are read again).
    with pytest.warns(storykit.StoryWarning):
        assert read(storykit.dumps(story, "text")) == story


# ----------------------------------------------------------------------------- body


def test_body_sections_and_question_headings() -> None:
    story = read(f"← Back to stories\nSCMP\n{BODY}")
    assert story.title == "Title of the story"
    assert story.sections == (
        Section("The play", ["First paragraph of the play.", "Second paragraph of the play."]),
        Section("Why now?", ["It is time."]),
    )


def test_lead_paragraphs_without_heading() -> None:
    dump = (
        "← Back to stories\nSCMP\n\nTitle\n\nA lead paragraph.\n\nAnother lead.\n\n"
        "Heading\n\nText.\n\nView original source →"
    )
    story = read(dump)
    assert story.sections == (
        Section(None, ["A lead paragraph.", "Another lead."]),
        Section("Heading", ["Text."]),
    )


def test_a_short_line_after_a_heading_is_a_paragraph() -> None:
    # A heading always has a paragraph: the line after it is one, punctuation or not.
    dump = "← Back to stories\nSCMP\n\nTitle\n\nHeading\n\nShort line\n\nView original source →"
    assert read(dump).sections == (Section("Heading", ["Short line"]),)


def test_the_last_line_is_a_paragraph_even_when_short() -> None:
    dump = "← Back to stories\nSCMP\n\nTitle\n\nOne.\n\nThe end\n\nView original source →"
    assert read(dump).sections == (Section(None, ["One.", "The end"]),)


def test_title_only() -> None:
    story = read("← Back to stories\nSCMP\n\nJust a title\n\nView original source →")
    assert story.title == "Just a title" and story.sections == () and story.tags == ()


# ----------------------------------------------------------------------------- footer


def test_footer_with_url() -> None:
    story = read(f"← Back to stories\nSCMP 2026-05-25\n{BODY} https://example.com/a?b=1")
    assert story.source == Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a?b=1")
    assert story.url == "https://example.com/a?b=1"


def test_url_without_source_line() -> None:
    story = read(f"← Back to stories Alt\n{BODY} https://example.com/a")
    assert story.source == Source(None, None, "https://example.com/a")


def test_footer_without_tags() -> None:
    dump = "← Back to stories\nSCMP\n\nTitle\n\nA paragraph.\n\nView original source →"
    assert read(dump).tags == ()


def test_no_footer() -> None:
    dump = "← Back to stories\nSCMP\n\nTitle\n\nA paragraph.\n\nHeading\n\nLast paragraph."
    story = read(dump)
    assert story.tags == () and story.url is None
    assert story.sections[-1] == Section("Heading", ["Last paragraph."])


def test_a_sentence_right_above_the_footer_is_no_tags_line() -> None:
    dump = (
        "← Back to stories\nSCMP\n\nTitle\n\nOne paragraph.\nThe last one.\nView original source →"
    )
    story = read(dump)
    assert story.tags == ()
    assert story.paragraphs == ("One paragraph.", "The last one.")


# ----------------------------------------------------------------------------- whitespace


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: "\ufeff" + s,
        lambda s: s.replace("\n", "  \n"),
        lambda s: s + "\n",
        lambda s: s + "\n\n\n",
        lambda s: "\n\n" + s,
        lambda s: s.replace("\n", "\r"),
    ],
    ids=[
        "crlf",
        "bom",
        "trailing-spaces",
        "final-newline",
        "final-blank-lines",
        "leading-blank-lines",
        "cr",
    ],
)
def test_line_ends_bom_and_spaces(transform: object) -> None:
    seed = SEED.read_text(encoding="utf-8")
    assert read(transform(seed)) == read(seed)  # type: ignore[operator]


def test_bytes_with_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n")
    assert storykit.loads(data, "text") == storykit.load(SEED)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("dump", "message"),
    [
        ("", r"<string>: no story here: the input is empty"),
        ("  \n\t\n ", r"no story here"),
        (
            "← Back to stories\nSCMP 2026-05-25",
            r"<string>:1: expected a blank line and then the title",
        ),
        (
            "← Back to stories\n← Back to stories\n\nTitle",
            r"<string>:2: a second '← Back to stories'",
        ),
        # a byline that names no one: the model refuses it, and the message says where
        (
            "← Back to stories\nSCMP 2026-05-25\nBy /\n\nTitle\n\nPara.",
            r"^<string>:3: Credit: needs a name or a provider",
        ),
        # a second footer (or a nav line) right above the footer is no tags line: it was
        # read as the tags ("View original source → https://a.b/c",)
        (
            "SCMP\n\nTitle\n\nPara.\n\nView original source → https://a.b/c\n"
            "View original source → https://x.org/a",
            r"^<string>:7: text follows the 'View original source' line",
        ),
        (
            "SCMP\n\nTitle\n\nPara.\n\n← Back to stories\nView original source →",
            r"^<string>:7: a second story starts here",
        ),
    ],
)
def test_bad_dumps(dump: str, message: str) -> None:
    with pytest.raises(StoryParseError, match=message):
        read(dump)


def test_several_stories_in_one_file_point_at_the_second() -> None:
    one = SEED.read_text(encoding="utf-8")
    with pytest.raises(StoryParseError, match=r"story.txt:22: a second story starts here") as info:
        storykit.loads(one + "\n\n" + one, "text", filename="story.txt")
    assert "iter_stories" in str(info.value)
    assert info.value.line == 22 and info.value.filename == "story.txt"


def test_two_dumps_joined_without_a_line_break_are_two_stories_not_one(tmp_path: Path) -> None:
    """Found trying it as a user: ``cat a.txt b.txt`` of dumps that do not end with a line
    break (the seed does not) runs the second's nav line into the first's footer; the two
    were read as one story with both bodies, and ``validate`` said nothing. Then they were
    refused where they meet; now a file of stories reads them as the two stories they are,
    and reading one story still refuses them, where they meet."""
    one = SEED.read_text(encoding="utf-8")
    assert not one.endswith("\n")
    joined = tmp_path / "joined.txt"
    joined.write_text(one + one, encoding="utf-8")  # line 20: "View original source →← Back…"
    message = r"joined.txt:20: a second story starts inside this line, at '← Back to stories'"
    with pytest.raises(StoryParseError, match=message) as info:
        storykit.load(joined)
    assert info.value.line == 20
    assert "storykit.iter_stories()" in info.value.message
    assert [(o.line, s) for o, s in storykit.iter_records(joined)] == [
        (1, read(one)),
        (20, read(one)),
    ]
    with_url = one.replace("View original source →", "View original source → https://e.com/a")
    with pytest.raises(StoryParseError, match=r"<string>:20: a second story starts inside"):
        storykit.loads(with_url + one, "text")
    assert list(storykit.iter_stories([io.StringIO(with_url + one)])) == [read(with_url), read(one)]
    # with the line break, two stories, as before
    assert list(storykit.iter_stories([io.StringIO(one + "\n" + one)])) == [read(one)] * 2


@pytest.mark.parametrize(
    "end",
    [" ", "  ", "\t", "\u00a0", " \u00a0\t", "\u3000", " \ufeff", "\t\ufeff ", " \ufeff\ufeff"],
    ids=repr,
)
def test_two_dumps_joined_when_the_first_ends_with_blanks_are_two_stories_not_one(
    end: str, tmp_path: Path
) -> None:
    """Found attacking the check: a first dump whose footer URL ends with blanks (a space,
    a tab, a no-break space), or a second that starts with a byte order mark, ran into the
    second's nav line as one story, both bodies in it: the check wanted the '←' right after
    the URL. One story is refused; a file of stories holds two, the first's URL without
    the blanks."""
    one = SEED.read_text(encoding="utf-8")
    first = one.replace("View original source →", "View original source → https://e.com/a")
    with pytest.raises(StoryParseError, match=r"<string>:20: a second story starts inside"):
        storykit.loads(first + end + one, "text")
    joined = tmp_path / "x.txt"
    joined.write_text(first + end + one, encoding="utf-8")
    stories = list(storykit.iter_records(joined))
    assert [(o.line, s) for o, s in stories] == [(1, read(first)), (20, read(one))]
    assert stories[0][1].source is not None
    assert stories[0][1].source.url == "https://e.com/a"
    glued = "View original source → https://e.com/a" + end + "← Back to stories A robot"
    story = Story("Title", sections=(Section(None, ("Para.", glued)),))
    with pytest.raises(UnrepresentableError, match=r"paragraphs\[1\] reads as a nav or footer"):
        storykit.dumps(story, "text")


_ENDS = st.sampled_from([" ", "\t", "\u00a0", "\ufeff", "\u3000", "\u2007", "\x0b", "\x85"])


@given(
    st.lists(_ENDS, max_size=4).map("".join),
    st.sampled_from(["", " https://e.com/a", "https://e.com/a", " x→"]),
    st.booleans(),
)
def test_two_dumps_joined_are_never_read_as_one_story(end: str, url: str, crlf: bool) -> None:
    """Whatever blanks and marks the first ends with: two stories, or an error, never one."""
    one = SEED.read_text(encoding="utf-8")
    first = one.replace("View original source →", "View original source →" + url)
    text = first + end + one
    if crlf:
        text, first, one = (t.replace("\n", "\r\n") for t in (text, first, one))
    with pytest.raises(StoryParseError, match=r"x.txt:20: a second story starts inside"):
        storykit.loads(text.encode("utf-8"), "text", filename="x.txt")
    stories = list(storykit.iter_records([io.BytesIO(text.encode("utf-8"))]))
    assert [(o.line, s) for o, s in stories] == [(1, read(first)), (20, read(one))]


def test_a_paragraph_that_reads_as_two_dumps_joined_is_not_written() -> None:
    """What would read back as a footer run into a nav line is refused, as a footer is."""
    glued = "View original source → https://e.com/a← Back to stories A robot"
    story = Story("Title", sections=(Section(None, ("Para.", glued)),))
    with pytest.raises(UnrepresentableError, match=r"paragraphs\[1\] reads as a nav or footer"):
        storykit.dumps(story, "text")


def test_split_stories() -> None:
    one = SEED.read_text(encoding="utf-8")
    pieces = list(text_format.split_stories(one + "\n\n" + one + "\n"))
    assert [line for line, _ in pieces] == [1, 22]  # the seed has 20 lines
    assert all(read(piece) == read(one) for _, piece in pieces)


def test_binary_and_invalid_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xe2\x86\x90 Back to stories\nSCMP\n\nTitle \xff here\n")
    with pytest.raises(
        StoryParseError, match=r"bad.txt:4: invalid UTF-8 \(byte 0xff at offset 32\)"
    ):
        storykit.load(bad)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(StoryParseError, match=r"image.txt:1: binary data"):
        storykit.load(binary)


def test_text_that_is_no_story() -> None:
    with pytest.raises(StoryParseError, match=r"expected a blank line and then the title"):
        read("just one line of text")


# ----------------------------------------------------------------------------- the writer


def test_writer_layout() -> None:
    story = Story(
        "Title",
        source=Source("AP", dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.UTC), "https://x.example/a"),
        image=Image(None, Credit("photograph", "Ann Lee", "Kyodo")),
        sections=[Section(None, ["Lead."]), Section("Heading", ["Text."])],
        tags=["AI", "Road safety"],
    )
    assert storykit.dumps(story, "text") == (
        "← Back to stories\nPhotograph by Ann Lee/Kyodo\nAP 2026-05-25T08:30:00Z\n\nTitle\n\n"
        "Lead.\n\nHeading\n\nText.\n\nAIRoad safety\nView original source → https://x.example/a"
    )


@pytest.mark.parametrize(
    ("story", "where"),
    [
        (Story("Two\nlines"), "title contains a line break"),
        (Story(" padded "), "title has surrounding white space"),
        (
            Story("T", sections=[Section(None, ["Looks like a heading", "Text."])]),
            r"sections\[0\]\.paragraphs\[0\]",
        ),
        (Story("T", sections=[Section("Ends with a dot.", ["Text."])]), r"sections\[0\]\.heading"),
        (Story("T", sections=[Section("Empty")]), "has a heading but no paragraphs"),
        (
            Story("T", sections=[Section(None, ["Text."])], tags=["US", "EU", "Game", "Stop"]),
            "tags",
        ),
        (Story("T", tags=["AI"]), "tags"),
        (Story("T", source=Source("Photo: AP")), "source.name reads as a credit"),
        (Story("T", source=Source("Radio 2026-05-25")), "source.name ends in something"),
        (Story("T", credits=[Credit("photo", "A")]), "need a source line"),
        (
            Story("T", image=Image(None, Credit("photo", "Ann on Sea"))),
            "image.credit would read back",
        ),
        (Story("← Back to stories"), "title reads as a nav"),
        (
            Story("T", sections=[Section(None, ["Text."])], tags=["View original source → x"]),
            "tags",
        ),
    ],
)
def test_writer_refuses_what_would_not_read_back(story: Story, where: str) -> None:
    with pytest.raises(UnrepresentableError, match=where):
        storykit.dumps(story, "text")


def test_writer_check_can_be_turned_off() -> None:
    assert storykit.dumps(Story("T", tags=["AI"]), "text", check=False).endswith(
        "AI\nView original source →"
    )


@given(dump_stories())
def test_round_trip(story: Story) -> None:
    assert read(storykit.dumps(story, "text")) == story


def test_corpus_round_trip(corpus_story: Path) -> None:
    story = storykit.load(corpus_story)
    assert read(storykit.dumps(story, "text")) == story


# ----------------------------------------------------------------------------- fuzzing


def _read_or_error(data: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", storykit.StoryWarning)
        try:
            result = read(data)
        except StoryParseError:
            return
    assert isinstance(result, Story)


@given(st.text(max_size=400))
def test_fuzz_random_text(data: str) -> None:
    _read_or_error(data)


@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "← Back to stories",
                "← Back to stories Alt",
                "Photo: AP",
                "Photo by A on B",
                "SCMP 2026-05-25",
                "SCMP 2026-02-30",
                "Title",
                "Heading",
                "Text.",
                "AIEVs",
                "View original source →",
                "View original source → https://x",
                "  ",
                "\r",
            ]
        )
        | st.text(max_size=20),
        max_size=25,
    )
)
def test_fuzz_dump_like_lines(lines: list[str]) -> None:
    _read_or_error("\n".join(lines))


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
@given(st.data())
def test_fuzz_mutated_corpus_dumps(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(CORPUS_STORIES))
    lines = path.read_text(encoding="utf-8").split("\n")
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(1, 6))):
        op = rng.choice(["delete", "duplicate", "swap", "blank", "garble"])
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "blank":
            lines[i] = ""
        else:
            lines[i] = data.draw(st.text(max_size=30))
    _read_or_error("\n".join(lines))


def test_bylines_after_the_source_line() -> None:
    dump = f"← Back to stories\nSCMP 2026-05-25\nBy Jane Doe/AP\nBy Li Wei\n{BODY}"
    story = read(dump)
    assert story.credits == (Credit("byline", "Jane Doe", "AP"), Credit("byline", "Li Wei"))
    assert read(storykit.dumps(story, "text")) == story
    # Before the source line "By …" is a source name, not a byline.
    assert read(f"← Back to stories\nBy the Bay 2026-05-25\n{BODY}").source == Source(
        "By the Bay", dt.date(2026, 5, 25)
    )


def test_a_warning_quotes_at_most_200_characters_of_a_long_line() -> None:
    # the reproducer: a 50,000-character header line gave a 50,080-character warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story = storykit.loads("---\ntitle: " + "[" * 50000 + "\n---\n\n# T", format="text")
    assert story.extras == ("title: " + "[" * 50000, "---")  # kept whole in the story
    assert [str(w.message) for w in caught] == [
        "<string>:2: warning: could not place header line "
        f"'title: {'[' * 193}'… (49,807 more characters); kept in story.extras",
        "<string>:3: warning: could not place header line '---'; kept in story.extras",
    ]
    # a line a little over the limit is quoted whole
    with pytest.warns(storykit.StoryWarning) as caught2:
        storykit.loads("x\n" + "a" * 210 + "\n\n# T", format="text")
    assert any(f"'{'a' * 210}';" in str(w.message) for w in caught2)
    # and any diagnostic's message is bounded as a StoryParseError's is
    diagnostic = storykit.Diagnostic(1, "warning", "x" * 50000)
    assert diagnostic.message == "x" * 2000 + "… (48,000 more characters)"
