"""IPTC ninjs 3.1 ("News in JSON"), both ways.

Writing follows the official ninjs 3.1 JSON Schema; the document says so in ``standard`` and
marks its layout with ``"profile": "storykit/1"``. The mapping (``docs/formats/ninjs.md``
has an example):

=====================================  ==========================================================
ninjs                                  story
=====================================  ==========================================================
``uri``                                ``source.url`` when it is a plain absolute URI that
                                       the URL rule allows (no ``javascript:``, ``data:``…),
                                       else ``urn:storykit:<id>`` (the URL then goes to
                                       ``altIds`` with role ``storykit:url``, kept as data)
``headlines[role=main]``               ``title``
``bodies``                             the sections twice: ``text/html`` (an ``<h2>`` per
                                       heading, a ``<p>`` per paragraph: this one is read back)
                                       and ``text/plain`` (blank-line separated), each with
                                       its ``wordCount``
``descriptions[role=summary]``         the first paragraph (written only, for consumers)
``firstCreated``                       ``source.published`` when it has a time and a UTC offset
``descriptions[role=storykit:…]``      ``storykit:published``: the date as storykit has it,
                                       when ``firstCreated`` cannot hold it exactly;
                                       ``storykit:extra``: each of ``extras``
``copyrightHolder``                    ``source.name``
``subjects[].name``                    ``tags``
``associations[rel=image]``            ``image``: a ``picture`` named after the credit's role
                                       (``photo``…; ``image`` when there is no credit), with
                                       ``by`` (the credit line, ``Photo by NAME on PROVIDER``),
                                       ``infoSources`` (``creator``: the name, ``provider``)
                                       and ``descriptions[role=alt]`` (the alt text)
``associations[rel=credit]``           each of ``credits``, encoded like the image's credit
=====================================  ==========================================================

Dates. ninjs date-times must have a time and a UTC offset. A story dated by day alone (or
with a time but no offset) gets **no** ``firstCreated``: no time is invented. The date is kept
in the ``storykit:published`` description, so it reads back exactly. Pass ``day_time``
(``datetime.time(0, tzinfo=datetime.timezone.utc)``, say) to fill ``firstCreated`` with that
time of day anyway: an explicit choice, never a silent one.

Reading takes any ninjs 1.x, 2.x or 3.x news item, such as an agency's, and maps what fits:
the main headline (or ``headline``), the HTML body (or the plain one; or 1.x ``body_html``,
``body_text``) into sections, ``copyrightHolder`` and ``firstCreated`` (else
``versionCreated``) into the source, a non-URN ``uri`` as the URL, subject names and
``keywords`` as tags, the first ``picture`` association as the image (its ``by`` as the
credit, an ``alt`` description or else its caption as the alt text), the item's ``by`` as a
``byline`` credit, and the text of further headlines and descriptions as ``extras``. Nothing
is dropped: :func:`read` returns the whole document and the top-level entries that were not
used, next to the story. A document with ``"profile": "storykit/1"`` is read exactly, so
``loads(dumps(story)) == story``.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import attrs

from storykit import _json_layout
from storykit._dates import format_iso
from storykit._guards import not_text, parse_json
from storykit.export import body_text, story_id, story_uri
from storykit.formats._ninjs_layout import (
    EXTRA_ROLE,
    PROFILE,
    PUBLISHED_ROLE,
    SCHEMA_URI,
    URL_ROLE,
    _check_day_time,
    _exact_datetime,
    _first_created,
    _layout,
    _NotPlainError,
    _pieces,
)
from storykit.formats.html import body_html
from storykit.formats.text import credit_line
from storykit.model import (
    Credit,
    Story,
)

__all__ = [
    "NAME",
    "PROFILE",
    "SCHEMA_URI",
    "SUFFIXES",
    "NinjsDocument",
    "detect",
    "dumps",
    "from_dict",
    "loads",
    "read",
    "to_dict",
]

NAME = "ninjs"
SUFFIXES = (".ninjs", ".ninjs.json")


# --------------------------------------------------------------------------- writing


def _parties(credit: Credit) -> list[dict[str, str]]:
    parties = []
    if credit.name is not None:
        parties.append({"name": credit.name, "role": "creator"})
    if credit.provider is not None:
        parties.append({"name": credit.provider, "role": "provider"})
    return parties


def _credited_dict(credit: Credit) -> dict[str, Any]:
    return {"by": credit_line(credit), "infoSources": _parties(credit)}


def to_dict(story: Story, *, day_time: _dt.time | None = None) -> dict[str, Any]:
    """The ninjs 3.1 document of ``story``, as a dict (see the module docs for the mapping).

    Args:
        story: The story.
        day_time: For a story dated by day alone, the time of day (with a UTC offset) to
            write as ``firstCreated``; by default a day-only story has no ``firstCreated``.

    Raises:
        ValueError: ``day_time`` has no UTC offset.
    """
    _check_day_time(day_time)
    sid = story_id(story)
    uri = story_uri(story)
    doc: dict[str, Any] = {
        "uri": uri,
        "standard": {"name": "ninjs", "version": "3.1", "schema": SCHEMA_URI},
        "profile": PROFILE,
        "type": "text",
        "representationType": "full",
    }
    descriptions: list[dict[str, str]] = []
    if story.paragraphs:
        summary = story.paragraphs[0]
        descriptions.append({"role": "summary", "contentType": "text/plain", "value": summary})
    published = story.published
    if published is not None:
        created = _first_created(published, day_time)
        if created is not None:
            doc["firstCreated"] = created
        if not _exact_datetime(published):
            descriptions.append({"role": PUBLISHED_ROLE, "value": format_iso(published)})
    if story.source is not None and story.source.name is not None:
        doc["copyrightHolder"] = story.source.name
    doc["headlines"] = [{"role": "main", "contentType": "text/plain", "value": story.title}]
    descriptions.extend({"role": EXTRA_ROLE, "value": extra} for extra in story.extras)
    if descriptions:
        doc["descriptions"] = descriptions
    if story.sections:
        plain = body_text(story)
        words = len(plain.split())
        doc["bodies"] = [
            {"role": "main", "contentType": "text/html", "wordCount": words,
             "value": body_html(story)},
            {"role": "main", "contentType": "text/plain", "wordCount": words, "value": plain},
        ]  # fmt: skip
    if story.tags:
        doc["subjects"] = [{"name": tag} for tag in story.tags]
    url = story.url
    if url is not None and url != uri:
        doc["altIds"] = [{"role": URL_ROLE, "value": url}]
    associations: list[dict[str, Any]] = []
    image = story.image
    if image is not None:
        credit = image.credit
        picture: dict[str, Any] = {
            "name": credit.role if credit is not None else "image",
            "rel": "image",
            "uri": f"urn:storykit:{sid}:image",
            "type": "picture",
            "representationType": "partial",
        }
        if credit is not None:
            picture |= _credited_dict(credit)
        if image.alt is not None:
            picture["descriptions"] = [
                {"role": "alt", "contentType": "text/plain", "value": image.alt}
            ]
        associations.append(picture)
    associations.extend(
        {"name": credit.role, "rel": "credit", "uri": f"urn:storykit:{sid}:credit:{i}"}
        | _credited_dict(credit)
        for i, credit in enumerate(story.credits, start=1)
    )
    if associations:
        doc["associations"] = associations
    return doc


def dumps(story: Story, *, indent: int | None = 2, day_time: _dt.time | None = None) -> str:
    """Write ``story`` as a ninjs 3.1 document (UTF-8 text).

    Args:
        story: The story.
        indent: Spaces per level; ``None`` for one compact line.
        day_time: See :func:`to_dict`.

    Raises:
        ValueError: ``day_time`` has no UTC offset.
    """
    if type(indent) is int or indent is None:
        try:
            return _layout(story, _pieces(indent), day_time)
        except _NotPlainError:
            pass
    text = _json_layout.dumps(to_dict(story, day_time=day_time), indent=indent)
    return text if indent is None else text + "\n"


def detect(text: str) -> bool:
    """True when ``text`` looks like a ninjs item: a JSON object with ninjs keys."""
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] != "{":
        return False
    return re.search(r'"(?:headlines|bodies|body_text|body_html|firstCreated|versionCreated)"\s*:',
                     head[:20000]) is not None and '"uri"' in head  # fmt: skip


# --------------------------------------------------------------------------- reading


@attrs.frozen
class NinjsDocument:
    """A ninjs document as read: the story, and everything else the document holds."""

    story: Story
    """The story: what of the document fits the model."""
    data: dict[str, Any]
    """The whole document, as parsed JSON: renditions, urgency, places… are all here."""
    rest: dict[str, Any]
    """The top-level entries that storykit did not use at all (``urgency``, ``places``…)."""


def from_dict(data: object, *, filename: str | None = None) -> NinjsDocument:
    """Read a parsed ninjs document (see the module docs for what is mapped).

    Raises:
        StoryParseError: The document is not a ninjs object, has no headline, or has a
            value of the wrong type where storykit reads it (the message and ``path`` say
            where, for example ``bodies[0].value``).
    """
    from storykit.formats import _ninjs_reader  # noqa: PLC0415 - only when reading

    return _ninjs_reader.from_dict(data, filename=filename)


def read(text: str, *, filename: str | None = None) -> NinjsDocument:
    """Read a ninjs document: the story, the whole document and its unused entries.

    Raises:
        StoryParseError: Not JSON (with the line), or not a ninjs item (with the path).
        TypeError: ``text`` is no ``str`` (``storykit.loads`` takes bytes).
    """
    if not isinstance(text, str):
        raise not_text(text, "ninjs")
    return from_dict(parse_json(text, filename), filename=filename)


def loads(text: str, *, filename: str | None = None) -> Story:
    """Read one story from a ninjs document (use :func:`read` to keep everything else).

    Raises:
        StoryParseError: Not JSON (with the line), or not a ninjs item (with the path).
    """
    return read(text, filename=filename).story
