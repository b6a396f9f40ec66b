"""The text dump read line by line: the seed, the header, the body, the footer, whitespace."""

from __future__ import annotations

import datetime as dt

import pytest

import storykit
from storykit import Credit, Image, Section, Source, StoryParseError
from storykit.formats import text as text_format
from tests.conftest import SEED
from tests.formats.text_helpers import read

BODY = """
Title of the story

The play

First paragraph of the play.

Second paragraph of the play.

Why now?

It is time.

AIEVs
View original source →"""


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


def test_bylines_after_the_source_line() -> None:
    dump = f"← Back to stories\nSCMP 2026-05-25\nBy Jane Doe/AP\nBy Li Wei\n{BODY}"
    story = read(dump)
    assert story.credits == (Credit("byline", "Jane Doe", "AP"), Credit("byline", "Li Wei"))
    assert read(storykit.dumps(story, "text")) == story
    # Before the source line "By …" is a source name, not a byline.
    assert read(f"← Back to stories\nBy the Bay 2026-05-25\n{BODY}").source == Source(
        "By the Bay", dt.date(2026, 5, 25)
    )
