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
from storykit._guards import parse_json
from storykit._json_layout import pads
from storykit.export import body_html, body_text, story_id, story_uri
from storykit.model import (
    Credit,
    Image,
    Section,
    Source,
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
PROFILE = "storykit/1"
"""The ``profile`` of the documents :func:`dumps` writes; such documents are read exactly."""
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"

PUBLISHED_ROLE = "storykit:published"
EXTRA_ROLE = "storykit:extra"
URL_ROLE = "storykit:url"


# --------------------------------------------------------------------------- writing


def _exact_datetime(value: _dt.date) -> bool:
    """An aware date-time whose offset RFC 3339 can write (whole minutes)."""
    if not isinstance(value, _dt.datetime):
        return False
    offset = value.utcoffset()
    return offset is not None and offset.total_seconds() % 60 == 0


def _first_created(value: _dt.date, day_time: _dt.time | None) -> str | None:
    if _exact_datetime(value):
        assert isinstance(value, _dt.datetime)
        return format_iso(value)
    if day_time is not None and not isinstance(value, _dt.datetime):
        return format_iso(_dt.datetime.combine(value, day_time))
    return None


def _parties(credit: Credit) -> list[dict[str, str]]:
    parties = []
    if credit.name is not None:
        parties.append({"name": credit.name, "role": "creator"})
    if credit.provider is not None:
        parties.append({"name": credit.provider, "role": "provider"})
    return parties


def _credited(credit: Credit) -> dict[str, Any]:
    return {"by": str(credit), "infoSources": _parties(credit)}


def to_dict(story: Story, *, day_time: _dt.time | None = None) -> dict[str, Any]:
    """The ninjs 3.1 document of ``story``, as a dict (see the module docs for the mapping).

    Args:
        story: The story.
        day_time: For a story dated by day alone, the time of day (with a UTC offset) to
            write as ``firstCreated``; by default a day-only story has no ``firstCreated``.

    Raises:
        ValueError: ``day_time`` has no UTC offset.
    """
    if day_time is not None and day_time.utcoffset() is None:
        msg = "day_time: needs a UTC offset, e.g. datetime.time(0, tzinfo=datetime.timezone.utc)"
        raise ValueError(msg)
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
            picture |= _credited(credit)
        if image.alt is not None:
            picture["descriptions"] = [
                {"role": "alt", "contentType": "text/plain", "value": image.alt}
            ]
        associations.append(picture)
    associations.extend(
        {"name": credit.role, "rel": "credit", "uri": f"urn:storykit:{sid}:credit:{i}"}
        | _credited(credit)
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
            text = _layout(story, pads(indent), day_time)
        except _NotPlainError:
            pass
        else:
            return text if indent is None else text + "\n"
    text = _json_layout.dumps(to_dict(story, day_time=day_time), indent=indent)
    return text if indent is None else text + "\n"


# --------------------------------------------------------------------------- the fast writer
#
# What ``_json_layout.dumps(to_dict(story), indent=…)`` writes, laid out directly from the
# story, as formats/json.py does for storykit JSON: the same bytes, each text encoded once
# by the C string encoder json.dumps uses. The body's text is encoded once per paragraph
# and reused for the plain body, the HTML body and the summary: JSON-escaping a string is
# done character by character (so the pieces of a joined string may be encoded apart), and
# it commutes with the HTML escape of ``&``, ``<`` and ``>`` (neither touches what the other
# escapes). tests/formats/test_ninjs_fast.py compares the two writers.


class _NotPlainError(Exception):
    """A story :func:`_layout` leaves to :func:`to_dict` (a subclass of a model class…)."""


_enc = _json_layout.encoder(ensure_ascii=False)
_NULL = "null"


def _words(text: str) -> int:
    """``len(text.split())``, without making the words when the text has single spaces.

    A printable text holds no white space but the ASCII space (every other white space
    character is a control or separator character, which is not printable).
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text.count(" ") + 1 if text else 0
    return len(text.split())


def _html_escaped(encoded: str) -> str:
    """``html.escape(…, quote=False)`` of encoded text (the escapes commute)."""
    if "&" in encoded:
        encoded = encoded.replace("&", "&amp;")
    if "<" in encoded:
        encoded = encoded.replace("<", "&lt;")
    if ">" in encoded:
        encoded = encoded.replace(">", "&gt;")
    return encoded


def _layout(story: Story, nl: _json_layout.Pads, day_time: _dt.time | None) -> str:  # noqa: PLR0915 - one document, in order
    """The ninjs document of ``story``, written directly (see above).

    Raises:
        _NotPlainError: Leave this story to :func:`to_dict`.
        ValueError: ``day_time`` has no UTC offset.
    """
    if type(story) is not Story:
        raise _NotPlainError
    if day_time is not None and day_time.utcoffset() is None:
        to_dict(story, day_time=day_time)  # raises the ValueError
    key = ": " if nl[1] else ":"

    def obj(pairs: list[tuple[str, str]], level: int) -> str:
        inner = nl[level + 1]
        body = ("," + inner).join([f'"{name}"{key}{value}' for name, value in pairs])
        return f"{{{inner}{body}{nl[level]}}}"

    def arr(items: list[str], level: int) -> str:
        if not items:
            return "[]"
        inner = nl[level + 1]
        return f"[{inner}{(',' + inner).join(items)}{nl[level]}]"

    source = story.source
    image = story.image
    if (source is not None and type(source) is not Source) or (
        image is not None and type(image) is not Image
    ):
        raise _NotPlainError
    url = source.url if source is not None else None
    uri = story_uri(story)
    top = [
        ("uri", _enc(uri)),
        (
            "standard",
            obj([("name", '"ninjs"'), ("version", '"3.1"'), ("schema", _enc(SCHEMA_URI))], 1),
        ),
        ("profile", _enc(PROFILE)),
        ("type", '"text"'),
        ("representationType", '"full"'),
    ]
    texts: list[str] = []  # headings and paragraphs, in order
    kinds: list[str] = []  # their HTML elements
    for section in story.sections:
        if type(section) is not Section:
            raise _NotPlainError
        if section.heading is not None:
            texts.append(section.heading)
            kinds.append("h2")
        texts.extend(section.paragraphs)
        kinds.extend(["p"] * len(section.paragraphs))
    parts = [encoded[1:-1] for encoded in map(_enc, texts)]  # JSON-encoded, no quotes
    joined = " ".join(texts)  # the words of body_text(story), one C call away
    escaped = parts
    if "&" in joined or "<" in joined or ">" in joined:
        escaped = list(map(_html_escaped, parts))
    descriptions: list[str] = []
    if "p" in kinds:
        summary = [
            ("role", '"summary"'),
            ("contentType", '"text/plain"'),
            ("value", f'"{parts[kinds.index("p")]}"'),
        ]
        descriptions.append(obj(summary, 2))
    published = source.published if source is not None else None
    if published is not None:
        created = _first_created(published, day_time)
        if created is not None:
            top.append(("firstCreated", _enc(created)))
        if not _exact_datetime(published):
            exact = [("role", _enc(PUBLISHED_ROLE)), ("value", _enc(format_iso(published)))]
            descriptions.append(obj(exact, 2))
    if source is not None and source.name is not None:
        top.append(("copyrightHolder", _enc(source.name)))
    headline = [("role", '"main"'), ("contentType", '"text/plain"'), ("value", _enc(story.title))]
    top.append(("headlines", arr([obj(headline, 2)], 1)))
    descriptions.extend(
        obj([("role", _enc(EXTRA_ROLE)), ("value", _enc(extra))], 2) for extra in story.extras
    )
    if descriptions:
        top.append(("descriptions", arr(descriptions, 1)))
    if story.sections:
        count = str(_words(joined))
        html = [f"<{kind}>{text}</{kind}>" for kind, text in zip(kinds, escaped, strict=True)]
        html_body = [("role", '"main"'), ("contentType", '"text/html"'), ("wordCount", count)]
        html_body.append(("value", '"' + "\\n".join(html) + '"'))
        plain_body = [("role", '"main"'), ("contentType", '"text/plain"'), ("wordCount", count)]
        plain_body.append(("value", '"' + "\\n\\n".join(parts) + '"'))
        top.append(("bodies", arr([obj(html_body, 2), obj(plain_body, 2)], 1)))
    if story.tags:
        top.append(("subjects", arr([obj([("name", _enc(tag))], 2) for tag in story.tags], 1)))
    if url is not None and url != uri:
        top.append(("altIds", arr([obj([("role", _enc(URL_ROLE)), ("value", _enc(url))], 2)], 1)))
    associations: list[str] = []

    def credited(credit: Credit, level: int) -> list[tuple[str, str]]:
        if type(credit) is not Credit:
            raise _NotPlainError
        parties = []
        if credit.name is not None:
            parties.append(obj([("name", _enc(credit.name)), ("role", '"creator"')], level + 2))
        if credit.provider is not None:
            parties.append(
                obj([("name", _enc(credit.provider)), ("role", '"provider"')], level + 2)
            )
        return [("by", _enc(str(credit))), ("infoSources", arr(parties, level + 1))]

    if image is not None or story.credits:
        sid = story_id(story)
        if image is not None:
            credit = image.credit
            picture = [
                ("name", _enc(credit.role) if credit is not None else '"image"'),
                ("rel", '"image"'),
                ("uri", _enc(f"urn:storykit:{sid}:image")),
                ("type", '"picture"'),
                ("representationType", '"partial"'),
            ]
            if credit is not None:
                picture += credited(credit, 2)
            if image.alt is not None:
                alt = [
                    ("role", '"alt"'),
                    ("contentType", '"text/plain"'),
                    ("value", _enc(image.alt)),
                ]
                picture.append(("descriptions", arr([obj(alt, 4)], 3)))
            associations.append(obj(picture, 2))
        for i, credit in enumerate(story.credits, start=1):
            entry = [("name", _enc(credit.role)), ("rel", '"credit"')]
            entry.append(("uri", _enc(f"urn:storykit:{sid}:credit:{i}")))
            associations.append(obj(entry + credited(credit, 2), 2))
    if associations:
        top.append(("associations", arr(associations, 1)))
    return obj(top, 0)


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
    """
    return from_dict(parse_json(text, filename), filename=filename)


def loads(text: str, *, filename: str | None = None) -> Story:
    """Read one story from a ninjs document (use :func:`read` to keep everything else).

    Raises:
        StoryParseError: Not JSON (with the line), or not a ninjs item (with the path).
    """
    return read(text, filename=filename).story
