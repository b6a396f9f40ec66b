from __future__ import annotations

import datetime as dt

import attrs
import pytest

from storykit import Credit, Image, Section, Source, Story


def make_story(**changes: object) -> Story:
    fields: dict[str, object] = {
        "source": Source("SCMP", dt.date(2026, 5, 25)),
        "image": Image("A robot", Credit("photo", "Pavel Danilyuk", "Pexels")),
        "sections": [
            Section(None, ["Lead one."]),
            Section("The play", ["First words here.", "Second paragraph, two."]),
        ],
        "tags": ["AI", "EVs"],
    }
    fields.update(changes)
    title = fields.pop("title", "Xiaomi bets on AI")
    return Story(title, **fields)  # type: ignore[arg-type]


def test_equal_by_value_and_hashable() -> None:
    assert make_story() == make_story()
    assert hash(make_story()) == hash(make_story())
    assert make_story() != make_story(title="Other")


def test_frozen_and_slotted() -> None:
    story = make_story()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        story.title = "x"  # type: ignore[misc]
    assert not hasattr(story, "__dict__")
    assert attrs.evolve(story, title="New").title == "New"


def test_lists_become_tuples() -> None:
    story = make_story()
    assert story.tags == ("AI", "EVs")
    assert isinstance(story.sections, tuple)
    assert story.sections[1].paragraphs == ("First words here.", "Second paragraph, two.")


def test_conveniences() -> None:
    story = make_story()
    assert story.paragraphs == ("Lead one.", "First words here.", "Second paragraph, two.")
    assert story.headings == ("The play",)
    assert story.text == (
        "Xiaomi bets on AI\n\nLead one.\n\nThe play\n\nFirst words here.\n\nSecond paragraph, two."
    )
    # 4 + 2 + 2 + 3 + 3 words
    assert story.word_count == 14
    assert story.published == dt.date(2026, 5, 25)
    assert story.url is None
    assert make_story(source=None).published is None


@pytest.mark.parametrize(
    ("build", "error", "field"),
    [
        (lambda: make_story(title=5), TypeError, "title"),
        (lambda: make_story(title="  "), ValueError, "title"),
        (lambda: make_story(tags=["AI", 3]), TypeError, "tags[1]"),
        # a bare string or a non-iterable: the message names the field (it said only
        # "expected a sequence of items, got str", or "'int' object is not iterable")
        (lambda: make_story(tags="AI"), TypeError, "^tags: expected a list or tuple, got str$"),
        (lambda: make_story(tags=42), TypeError, "^tags: expected a list or tuple, got int$"),
        (lambda: make_story(extras=b"x"), TypeError, "^extras: expected a list or tuple, got"),
        (lambda: make_story(credits=None), TypeError, "^credits: expected a list or tuple, got"),
        (lambda: make_story(sections="x"), TypeError, "^sections: expected a list or tuple, got"),
        (lambda: Section("H", "p."), TypeError, "^paragraphs: expected a list or tuple, got str$"),
        (lambda: make_story(tags=["AI", ""]), ValueError, "tags[1]"),
        (lambda: make_story(sections=["text"]), TypeError, "sections[0]"),
        (lambda: make_story(source="SCMP"), TypeError, "source"),
        (lambda: make_story(image=Credit("photo", "x")), TypeError, "image"),
        (lambda: Source("SCMP", published="2026-05-25"), TypeError, "published"),
        (lambda: Source(), ValueError, "Source"),
        (lambda: Image(), ValueError, "Image"),
        (lambda: Credit("photo"), ValueError, "Credit"),
        (lambda: Credit("", "x"), ValueError, "role"),
        (lambda: Section(None, []), ValueError, "Section"),
        (lambda: Section("Heading", ["ok", None]), TypeError, "paragraphs[1]"),
    ],
)
def test_validation_names_the_field(build: object, error: type[Exception], field: str) -> None:
    with pytest.raises(error, match=field.replace("[", r"\[").replace("]", r"\]")):
        build()  # type: ignore[operator]


def test_only_the_first_section_may_lack_a_heading() -> None:
    with pytest.raises(ValueError, match=r"sections\[1\]\.heading"):
        make_story(sections=[Section("A", ["x."]), Section(None, ["y."])])


def test_a_heading_section_may_be_empty_in_the_model() -> None:
    assert Section("Only a heading").paragraphs == ()


def test_datetime_is_a_valid_published_value() -> None:
    when = dt.datetime(2026, 5, 25, 8, 30, tzinfo=dt.UTC)
    assert Source("AP", when).published == when
