"""Stories as table rows: flat records (no extra needed) and pandas data frames.

``to_records`` gives one flat ``dict`` per story, with plain Python values; ``to_dataframe``
(extra ``storykit[pandas]``) gives a :class:`pandas.DataFrame` with one row per story, or one
row per paragraph with ``long=True``. Writing Parquet is then one line of pandas (with pyarrow
installed): ``storykit.to_dataframe(stories).to_parquet("stories.parquet")``.

The small helpers here are shared with the ninjs and feed writers: :func:`story_id` (a stable
short id), :func:`story_uri` (the original URL when it is a plain URI, else a ``urn:storykit:``
name), and the body as plain text (:func:`body_text`). The body as HTML is written by the
HTML format (:func:`storykit.formats.html.body_html`, also importable from here).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from storykit._records import checked_stories
from storykit._urls import is_safe_url
from storykit.errors import MissingExtraError, _extra_hint
from storykit.formats.html import body_html  # where it is written; still importable from here
from storykit.formats.text import credit_line
from storykit.model import Story, to_utc

if TYPE_CHECKING:
    import pandas as pd  # the extra: imported at run time only by to_dataframe()

__all__ = [
    "LONG_COLUMNS",
    "RECORD_COLUMNS",
    "body_html",
    "body_text",
    "is_plain_uri",
    "story_id",
    "story_uri",
    "to_dataframe",
    "to_records",
]

RECORD_COLUMNS = (
    "id",
    "title",
    "source",
    "published",
    "url",
    "image_alt",
    "credit",
    "tags",
    "sections",
    "word_count",
    "text",
)
"""The keys of every record of :func:`to_records`, in order (the wide data frame's columns)."""

_TEXT = ("id", "title", "source", "url", "image_alt", "credit", "text")

LONG_COLUMNS = ("story_id", "section", "heading", "paragraph", "text")
"""The columns of the long data frame (``to_dataframe(stories, long=True)``)."""

# RFC 3986: a scheme, a colon and only the characters a URI may hold (no spaces, no non-ASCII).
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def story_id(story: Story) -> str:
    """A short stable id: 16 hex digits of a SHA-256.

    The hash is of the source URL when the story has one, else of its source name, title and
    date, so the same story gets the same id in every run, on every machine.

    Raises:
        TypeError: ``story`` is not a :class:`~storykit.Story`.
    """
    if not isinstance(story, Story):
        msg = f"expected a Story, got {type(story).__name__}"
        raise TypeError(msg)
    if story.url is not None:
        key = f"url\n{story.url}"
    else:
        name = story.source.name if story.source is not None else None
        published = story.published.isoformat() if story.published is not None else ""
        key = f"story\n{name or ''}\n{story.title}\n{published}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def is_plain_uri(value: str) -> bool:
    """Whether ``value`` is an absolute URI in RFC 3986 syntax (ASCII, no spaces)."""
    return _URI_RE.fullmatch(value) is not None


def story_uri(story: Story) -> str:
    """The story's identifier: its original URL, else ``urn:storykit:<story_id>``.

    A URL that is not a plain absolute URI (spaces, non-ASCII characters), that is itself
    a URN, or that breaks the URL rule (a ``javascript:``, ``data:``… URL: programs follow
    identifiers that look like links) is not used as an identifier; the story then gets its
    ``urn:storykit:`` name.
    """
    url = story.url
    if (
        url is not None
        and is_plain_uri(url)
        and not url.lower().startswith("urn:")
        and is_safe_url(url)
    ):
        return url
    return f"urn:storykit:{story_id(story)}"


def body_text(story: Story) -> str:
    """The body as plain text: headings and paragraphs separated by blank lines (no title)."""
    parts: list[str] = []
    for section in story.sections:
        if section.heading is not None:
            parts.append(section.heading)
        parts.extend(section.paragraphs)
    return "\n\n".join(parts)


def _record(story: Story) -> dict[str, Any]:
    image = story.image
    source = story.source
    return {
        "id": story_id(story),
        "title": story.title,
        "source": source.name if source is not None else None,
        "published": story.published,
        "url": story.url,
        "image_alt": image.alt if image is not None else None,
        "credit": credit_line(image.credit) if image is not None and image.credit else None,
        "tags": list(story.tags),
        "sections": len(story.sections),
        "word_count": story.word_count,
        "text": story.text,
    }


def to_records(stories: Iterable[Story]) -> list[dict[str, Any]]:
    """One flat ``dict`` per story, ready for ``csv.DictWriter`` or a data frame.

    Keys (:data:`RECORD_COLUMNS`): ``id`` (:func:`story_id`), ``title``, ``source`` (the
    outlet's name), ``published`` (a ``datetime.date``, or a ``datetime.datetime`` when the
    story has a time; ``None`` when undated), ``url``, ``image_alt``, ``credit`` (the image
    credit as one line, as the dump words it: ``Photo by NAME on PROVIDER``), ``tags`` (a
    list), ``sections`` (how many), ``word_count`` and ``text`` (:attr:`Story.text`: title,
    headings and paragraphs). Missing values are ``None``.

    Args:
        stories: Any iterable of stories (a list, or ``storykit.iter_stories(...)``).

    Raises:
        TypeError: An item is not a :class:`~storykit.Story`.
    """
    return [_record(story) for story in checked_stories(stories)]


def _timestamp(value: _dt.date | None) -> _dt.datetime | None:
    """A naive date-time for a datetime64 column (see :func:`to_dataframe`)."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = to_utc(value).replace(tzinfo=None)
        return value
    return _dt.datetime(value.year, value.month, value.day)


def to_dataframe(stories: Iterable[Story], *, long: bool = False) -> pd.DataFrame:
    """A pandas data frame of stories (needs the ``storykit[pandas]`` extra).

    Wide (the default): one row per story, the columns of :func:`to_records`. ``published``
    is ``datetime64[us]``: a story dated by day alone gets midnight of that day (a date
    column, in effect: ``df.published.dt.date``), a time with a UTC offset is converted to
    UTC, a time without one is kept as written; undated stories get ``NaT``. Text columns
    use pandas' ``string`` dtype, ``tags`` holds lists, ``sections`` and ``word_count`` are
    ``int64``.

    Long (``long=True``): one row per paragraph, with ``story_id`` (the ``id`` of the wide
    frame), ``section`` (0-based index of the section in the story), ``heading`` (``<NA>`` for
    lead paragraphs), ``paragraph`` (0-based index of the paragraph in its section) and
    ``text``. A heading without paragraphs has no row.

    Args:
        stories: Any iterable of stories.
        long: One row per paragraph instead of one per story.

    Raises:
        MissingExtraError: pandas is not installed (the message says what to install).
        TypeError: An item is not a :class:`~storykit.Story`.
    """
    try:
        import pandas as pd  # noqa: PLC0415 - an optional extra, imported when first needed
    except ImportError:
        msg = f"to_dataframe() needs pandas, the pandas extra: {_extra_hint('pandas')}"
        raise MissingExtraError(msg) from None
    if long:
        rows = [
            (story_id(story), s, section.heading, p, paragraph)
            for story in checked_stories(stories)
            for s, section in enumerate(story.sections)
            for p, paragraph in enumerate(section.paragraphs)
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(LONG_COLUMNS)
        long_frame: pd.DataFrame = pd.DataFrame(
            {
                "story_id": pd.array(columns[0], dtype="string"),
                "section": pd.array(columns[1], dtype="int64"),
                "heading": pd.array(columns[2], dtype="string"),
                "paragraph": pd.array(columns[3], dtype="int64"),
                "text": pd.array(columns[4], dtype="string"),
            }
        )
        return long_frame
    records = to_records(stories)

    def column(key: str) -> list[Any]:
        return [record[key] for record in records]

    frame: dict[str, Any] = {key: pd.array(column(key), dtype="string") for key in _TEXT}
    frame["published"] = pd.Series(
        [_timestamp(value) for value in column("published")], dtype="datetime64[us]"
    )
    frame["tags"] = pd.Series(column("tags"), dtype=object)
    frame["sections"] = pd.array(column("sections"), dtype="int64")
    frame["word_count"] = pd.array(column("word_count"), dtype="int64")
    wide: pd.DataFrame = pd.DataFrame(frame, columns=list(RECORD_COLUMNS))
    return wide
