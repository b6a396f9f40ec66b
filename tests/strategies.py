"""Hypothesis strategies for stories.

``stories()`` makes any valid story (for formats that can hold anything, like JSON);
``dump_stories()`` makes stories the plain-text dump can hold unchanged (single-line text,
headings that look like headings, paragraphs that do not, tags that split back).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from storykit import Credit, Image, Section, Source, Story

# Printable text: no control characters, surrogates or line/paragraph separators.
_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"),
    exclude_characters="\ufeff",
)

_ROLES = ("photo", "image", "illustration", "photograph")


def _stripped(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    return (
        st.text(_CHARS, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda s: bool(s) and not s.startswith(("←", "View original source")))
    )


def any_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Any non-blank string, line breaks and surrounding spaces included."""
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=max_size
    ).filter(lambda s: bool(s.strip()))


def dates() -> st.SearchStrategy[dt.date]:
    offsets = st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30))])
    return st.one_of(
        st.dates(min_value=dt.date(1000, 1, 1)),
        st.datetimes(min_value=dt.datetime(1000, 1, 2), timezones=offsets),
    )


# ----------------------------------------------------------------------------- any story


def credits_any() -> st.SearchStrategy[Credit]:
    return st.builds(
        Credit,
        role=st.sampled_from(_ROLES) | any_text(10),
        name=st.none() | any_text(),
        provider=any_text(),
    )


def stories() -> st.SearchStrategy[Story]:
    """Any story the model accepts."""
    sections = st.lists(
        st.builds(Section, heading=any_text(), paragraphs=st.lists(any_text(), max_size=3)),
        max_size=4,
    )
    lead = st.none() | st.builds(
        Section, heading=st.none(), paragraphs=st.lists(any_text(), min_size=1, max_size=3)
    )
    return st.builds(
        lambda title, source, image, credits, lead, sections, tags, extras: Story(
            title,
            source=source,
            image=image,
            credits=credits,
            sections=([lead] if lead else []) + sections,
            tags=tags,
            extras=extras,
        ),
        any_text(),
        st.none()
        | st.builds(
            Source, name=any_text(), published=st.none() | dates(), url=st.none() | any_text()
        ),
        st.none() | st.builds(Image, alt=any_text(), credit=st.none() | credits_any()),
        st.lists(credits_any(), max_size=2),
        lead,
        sections,
        st.lists(any_text(20), max_size=4),
        st.lists(any_text(), max_size=2),
    )


# ----------------------------------------------------------------------------- dump stories

_FINAL = ".!…"  # not "?": a short question reads as a heading


def _heading() -> st.SearchStrategy[str]:
    return _stripped(max_size=60).filter(lambda s: s[-1] not in ".!,;:…\"'”’»)]。！，；：」』）")


def _paragraph() -> st.SearchStrategy[str]:
    return st.tuples(_stripped(max_size=120), st.sampled_from(_FINAL)).map("".join)


def _name() -> st.SearchStrategy[str]:
    """A person or agency name: no ' on ' or '/', which separate name from provider."""
    return _stripped(max_size=25).filter(
        lambda s: " on " not in s and "/" not in s and ":" not in s
    )


def _credit() -> st.SearchStrategy[Credit]:
    return st.one_of(
        st.builds(Credit, role=st.sampled_from(_ROLES), name=_name(), provider=st.none() | _name()),
        st.builds(Credit, role=st.sampled_from(_ROLES), name=st.none(), provider=_name()),
    )


def _source_name() -> st.SearchStrategy[str]:
    # A source name never starts like a credit line and never ends in a digit (a date).
    words = st.from_regex(r"[A-Z][a-zà-ÿ]{1,8}", fullmatch=True)
    return (
        st.lists(words, min_size=1, max_size=3)
        .map(" ".join)
        .filter(
            lambda s: (
                not s.lower().startswith(("photo", "image", "illustration", "picture", "graphic"))
                and not s.lower().startswith(("video", "artwork", "drawing"))
            )
        )
    )


def _tags() -> st.SearchStrategy[tuple[str, ...]]:
    word = st.from_regex(r"[A-Z][a-zäöüéñ]{3,9}", fullmatch=True)
    multi = st.tuples(word, st.from_regex(r"[a-z]{3,8}", fullmatch=True)).map(" ".join)
    acronym = st.sampled_from(["AI", "EU", "US", "UK", "EVs", "COVID-19", "5G", "G7", "NATO"])
    return st.lists(st.one_of(word, multi, acronym), max_size=5, unique=True).map(tuple)


@st.composite
def dump_stories(draw: st.DrawFn) -> Story:
    """A story that the dump layout can hold unchanged."""
    title = draw(_stripped(max_size=80))
    alt = draw(st.none() | _stripped())
    image_credit = draw(st.none() | _credit())
    image = Image(alt, image_credit) if alt or image_credit else None
    name = draw(st.none() | _source_name())
    published = draw(st.none() | dates())
    url = draw(
        st.none() | st.from_regex(r"https://[a-z]{1,10}\.example/[a-z0-9/]{0,20}", fullmatch=True)
    )
    source = Source(name, published, url) if name or published or url else None
    has_line = name is not None or published is not None
    byline = st.builds(Credit, role=st.just("byline"), name=_name(), provider=st.none() | _name())
    credits = draw(st.lists(_credit() | byline, max_size=2)) if has_line else []
    sections = []
    if draw(st.booleans()):
        sections.append(Section(None, draw(st.lists(_paragraph(), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(0, 3))):
        sections.append(
            Section(draw(_heading()), draw(st.lists(_paragraph(), min_size=1, max_size=3)))
        )
    tags = draw(_tags()) if sections else ()
    story = Story(title, source=source, image=image, credits=credits, sections=sections)
    from storykit.tags import split_tags

    context = "\n".join([title, *story.headings, *story.paragraphs])
    if tags and split_tags("".join(tags), context) != tags:
        tags = ()  # a generated pair that genuinely reads as one tag ("Game" + "Stop")
    return Story(title, source=source, image=image, credits=credits, sections=sections, tags=tags)
