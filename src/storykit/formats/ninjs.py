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
import html as _html
import re
from collections.abc import Iterator
from typing import Any, NoReturn

import attrs

from storykit import _json_layout
from storykit._dates import format_iso, parse_iso
from storykit._guards import parse_json
from storykit._json_layout import pads
from storykit.errors import StoryParseError
from storykit.export import body_text, story_id, story_uri
from storykit.formats.html import body_html
from storykit.model import (
    Credit,
    Image,
    Section,
    Source,
    Story,
    surrogate_message,
    unencodable,
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
_ALT_ROLES = frozenset({"alt", "alttext", "alt-text", "alternativetext", "alternative-text"})
_PICTURE_ROLES = {"picture": "photo", "graphic": "graphic", "video": "video"}


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


class _BadValueError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _json_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    names |= {list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _fail(path: str, expected: str, value: object) -> NoReturn:
    raise _BadValueError(path, f"expected {expected}, got {_json_type(value)}")


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, "a string", value)
    index = unencodable(value)  # a "\ud800" escape decodes to a lone surrogate
    if index is not None:
        where = f"at character {index + 1}"
        raise _BadValueError(path, f"holds {surrogate_message(value[index], where)}")
    return value


def _text(value: object, path: str) -> str | None:
    """A string field; ``None`` when blank (blank text has no place in a story)."""
    text = _string(value, path)
    return text if text.strip() else None


def _word(value: object) -> str | None:
    """A role or type to compare with known values: the string, else ``None``."""
    return value if isinstance(value, str) else None


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(path, "an object", value)
    return value


def _objects(value: object, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of an array (or of an object of objects, as in ninjs 1.x), with paths."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", _object(item, f"{path}.{key}")
        return
    if not isinstance(value, list):
        _fail(path, "an array", value)
    for i, item in enumerate(value):
        yield f"{path}[{i}]", _object(item, f"{path}[{i}]")


def _parse_date(value: object, path: str) -> _dt.date:
    text = _string(value, path).strip()
    try:
        try:
            return parse_iso(text)
        except ValueError:
            from dateutil.parser import isoparse  # noqa: PLC0415 - slow to import

            return isoparse(text)
    except (ValueError, OverflowError):
        raise _BadValueError(
            path, f"expected an ISO 8601 date or date-time, got {text!r}"
        ) from None


class _Reader:
    """Reads one document; records which top-level keys it used."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.used: set[str] = set()
        self.exact = data.get("profile") == PROFILE
        self.published_path = "descriptions"

    def get(self, *keys: str) -> tuple[str, Any]:
        """The first of ``keys`` present (ninjs 1.x spells them in lower case): key, value."""
        for key in keys:
            for spelling in dict.fromkeys((key, key.lower())):
                if spelling in self.data:
                    self.used.add(spelling)
                    return spelling, self.data[spelling]
        return keys[0], None

    # ---- the parts of a story

    def title(self) -> tuple[str, list[str]]:
        """The main headline, and the text of the other headlines."""
        key, headlines = self.get("headlines")
        if headlines is not None:
            found: list[tuple[str, str, bool]] = []
            for path, item in _objects(headlines, key):
                role = item.get("role")
                if role is not None:
                    _string(role, f"{path}.role")
                value = _text(item.get("value"), f"{path}.value")
                if value is not None:
                    found.append((path, value, role == "main"))
            if found:
                main = next((f for f in found if f[2]), found[0])
                return main[1], [f[1] for f in found if f is not main]
        for name in ("headline", "title"):
            key, value = self.get(name)
            if value is not None and (text := _text(value, key)) is not None:
                return text, []
        raise _BadValueError("headlines", "no headline: expected a headlines array with a value")

    def descriptions(self) -> tuple[list[str], str | None, list[str]]:
        """Extras, the storykit:published value and the other descriptions' text."""
        key, items = self.get("descriptions")
        extras: list[str] = []
        published: str | None = None
        others: list[str] = []
        if items is not None:
            for path, item in _objects(items, key):
                role = item.get("role")
                value = _string(item.get("value"), f"{path}.value")
                if role == EXTRA_ROLE:
                    if value.strip():
                        extras.append(value)
                elif role == PUBLISHED_ROLE:
                    published = value
                    self.published_path = f"{path}.value"
                elif not self.exact and value.strip():
                    others.append(value)
        if not self.exact:
            for name in ("description_text", "description_usage"):  # ninjs 1.x
                key, value = self.get(name)
                if value is not None and (text := _text(value, key)) is not None:
                    others.append(text)
        return extras, published, others

    def published(self, exact_value: str | None) -> _dt.date | None:
        if exact_value is not None:
            return _parse_date(exact_value, self.published_path)
        for name in ("firstCreated", "versionCreated", "contentCreated"):
            key, value = self.get(name)
            if value is not None:
                return _parse_date(value, key)
        return None

    def url(self) -> str | None:
        key, ids = self.get("altIds")
        if ids is not None:
            for path, item in _objects(ids, key):
                if item.get("role") == URL_ROLE:
                    return _text(item.get("value"), f"{path}.value")
            self.used.discard(key)  # other ids: not used
        key, uri = self.get("uri")
        if uri is None:
            return None
        uri = _string(uri, key)
        if uri.lower().startswith("urn:") or not uri.strip():
            self.used.discard(key)  # an identifier, not a link: left in ``rest``
            return None
        return uri

    def source_name(self) -> str | None:
        key, value = self.get("copyrightHolder")
        return _text(value, key) if value is not None else None

    def sections(self, title: str) -> list[Section]:
        key, bodies = self.get("bodies")
        html: tuple[str, str] | None = None
        plain: tuple[str, str] | None = None
        if bodies is not None:
            for path, item in _objects(bodies, key):
                kind = item.get("contentType")
                if kind is not None:
                    kind = _string(kind, f"{path}.contentType").split(";")[0].strip().lower()
                value = _string(item.get("value"), f"{path}.value")
                if kind in ("text/html", "application/xhtml+xml") and html is None:
                    html = (f"{path}.value", value)
                elif kind in (None, "text/plain") and plain is None:
                    plain = (f"{path}.value", value)
        if bodies is None or (html is None and plain is None):
            for name in ("body_html", "body_xhtml"):  # ninjs 1.x
                key, value = self.get(name)
                if value is not None and html is None:
                    html = (key, _string(value, key))
            key, value = self.get("body_text")
            if value is not None and plain is None:
                plain = (key, _string(value, key))
        if html is not None:
            sections = _html_sections(html[1], exact=self.exact, title=title)
            if sections or plain is None:
                return sections
        if plain is not None:
            return _plain_sections(plain[1], title)
        return []

    def tags(self) -> list[str]:
        tags: list[str] = []
        key, subjects = self.get("subjects", "subject")
        if subjects is not None:
            for path, item in _objects(subjects, key):
                if "name" in item and (name := _text(item["name"], f"{path}.name")) is not None:
                    tags.append(name)
        key, keywords = self.get("keywords")
        if keywords is not None:
            if not isinstance(keywords, list):
                _fail(key, "an array", keywords)
            for i, keyword in enumerate(keywords):
                if (text := _text(keyword, f"{key}[{i}]")) is not None:
                    tags.append(text)
        return tags if self.exact else list(dict.fromkeys(tags))

    def associations(self) -> tuple[Image | None, list[Credit]]:
        key, associations = self.get("associations")
        if associations is None:
            return None, []
        image: Image | None = None
        credits: list[Credit] = []
        for path, item in _objects(associations, key):
            rel = item.get("rel")
            if self.exact:
                if rel == "image" and image is None:
                    credit = _exact_credit(item, path) if "infoSources" in item else None
                    image = _image(_alt(item, path), credit, path)
                elif rel == "credit":
                    credits.append(_exact_credit(item, path))
            elif image is None and _word(item.get("type")) in _PICTURE_ROLES:
                alt = _alt(item, path)
                credit = _agency_credit(item, path)
                if alt is not None or credit is not None:
                    image = _image(alt, credit, path)
        if image is None and not credits:
            self.used.discard(key)
        return image, credits

    def byline(self) -> list[Credit]:
        if self.exact:
            return []
        key, by = self.get("by", "byline")
        if by is None or (text := _text(by, key)) is None:
            return []
        return [Credit("byline", name=text)]


def _image(alt: str | None, credit: Credit | None, path: str) -> Image:
    try:
        return Image(alt, credit)
    except ValueError as exc:
        raise _BadValueError(path, str(exc)) from None


def _alt(item: dict[str, Any], path: str) -> str | None:
    """An alt-text description, else a caption (a description with no role or ``caption``)."""
    caption: str | None = None
    if "descriptions" in item:
        for dpath, description in _objects(item["descriptions"], f"{path}.descriptions"):
            raw_role = description.get("role")
            role = _word(raw_role)
            value = _text(description.get("value"), f"{dpath}.value")
            if role in _ALT_ROLES and value is not None:
                return value
            if (raw_role is None or role == "caption") and caption is None:
                caption = value
    for name in ("description_text", "body_text"):  # ninjs 1.x pictures
        if caption is None and name in item:
            caption = _text(item[name], f"{path}.{name}")
    return caption


def _exact_credit(item: dict[str, Any], path: str) -> Credit:
    """A credit as :func:`to_dict` writes it: role in ``name``, parties in ``infoSources``."""
    role = _string(item.get("name"), f"{path}.name")
    parties: dict[str, str] = {}
    for ppath, party in _objects(item.get("infoSources", []), f"{path}.infoSources"):
        kind = _word(party.get("role"))
        if kind not in ("creator", "provider") or kind in parties:
            raise _BadValueError(
                f"{ppath}.role", f"expected 'creator' or 'provider' once, got {kind!r}"
            )
        parties[kind] = _string(party.get("name"), f"{ppath}.name")
    try:
        return Credit(role, parties.get("creator"), parties.get("provider"))
    except (TypeError, ValueError) as exc:
        raise _BadValueError(f"{path}.infoSources", str(exc)) from None


def _agency_credit(item: dict[str, Any], path: str) -> Credit | None:
    """A picture's credit from its ``by`` (``NAME/AGENCY``) and ``copyrightHolder``."""
    role = _PICTURE_ROLES.get(_word(item.get("type")) or "", "photo")
    by = next((item[k] for k in ("by", "byline") if k in item), None)
    name = _text(by, f"{path}.by") if by is not None else None
    provider = None
    if "copyrightHolder" in item:
        provider = _text(item["copyrightHolder"], f"{path}.copyrightHolder")
    if name is not None and "/" in name:
        person, _, agency = name.rpartition("/")
        if person.strip() and agency.strip():
            name, provider = person.strip(), agency.strip()
    if name is None and provider is None:
        return None
    return Credit(role, name, provider)


# --------------------------------------------------------------------------- bodies

_SKIP = frozenset({"head", "title", "script", "style", "figure", "figcaption", "aside", "nav"})
_BLOCKS = frozenset({"p", "blockquote", "li", "pre", "dd", "dt"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr"})


_RAW_TEXT = {
    "script": re.compile(r"</script[\s/>]", re.I),
    "style": re.compile(r"</style[\s/>]", re.I),
}
_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)[^>]*>")


class _BodyParser:
    """Headings and paragraphs of an HTML body, in order.

    A small scanner of its own rather than :class:`html.parser.HTMLParser`, whose handling
    of unclosed markup (``<p a='`` or ``<!--`` repeated) is quadratic, and which asserts on
    some (``<![ x``). One pass: every ``<`` either starts a tag, comment, declaration or
    processing instruction that ends later in the text, or is text.
    """

    def __init__(self, *, exact: bool) -> None:
        self.exact = exact
        self.items: list[tuple[str, str]] = []  # ("h1".."h6" | "p", text)
        self.skip = 0
        self.kind: str | None = None
        self.parts: list[str] = []

    def feed(self, text: str) -> None:
        """Read the whole body."""
        pos, end = 0, len(text)
        last_close = text.rfind(">")  # no tag can start after it
        while pos < end:
            lt = text.find("<", pos)
            if lt < 0:
                self.handle_data(text[pos:])
                break
            if lt > pos:
                self.handle_data(text[pos:lt])
            pos = lt
            if text.startswith("<!--", pos):  # a comment, to its end or the end of the text
                close = text.find("-->", pos + 4)
                pos = end if close < 0 else close + 3
                continue
            if lt < last_close:
                tag = _TAG.match(text, pos)
                if tag is not None:
                    pos = tag.end()
                    name = tag[2].lower()
                    if tag[1]:
                        self.handle_endtag(name)
                        continue
                    self.handle_starttag(name)
                    if tag[0].endswith("/>"):
                        self.handle_endtag(name)
                    elif name in _RAW_TEXT:  # script and style hold text, not markup
                        close_tag = _RAW_TEXT[name].search(text, pos)
                        pos = end if close_tag is None else close_tag.start()
                    continue
                if text.startswith(("<!", "<?"), pos):  # a declaration, CDATA or a PI
                    closer = "]]>" if text.startswith("<![CDATA[", pos) else ">"
                    close = text.find(closer, pos + 2)
                    pos = end if close < 0 else close + len(closer)
                    continue
            self.handle_data("<")
            pos += 1

    def flush(self) -> None:
        if self.kind is not None:
            text = "".join(self.parts)
            if not self.exact:
                text = " ".join(text.split())
            if text.strip():
                self.items.append((self.kind, text))
        self.kind, self.parts = None, []

    def handle_starttag(self, tag: str) -> None:
        if tag in _VOID:
            if tag == "br" and self.kind is not None and not self.skip:
                self.parts.append("\n")
            return
        if tag in _SKIP:
            self.skip += 1
        elif not self.skip and (tag in _BLOCKS or tag in _HEADINGS):
            self.flush()
            self.kind = tag if tag in _HEADINGS else "p"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif not self.skip and (tag in _BLOCKS or tag in _HEADINGS):
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.kind is not None and not self.skip:
            self.parts.append(_html.unescape(data) if "&" in data else data)


def _html_sections(text: str, *, exact: bool, title: str) -> list[Section]:
    parser = _BodyParser(exact=exact)
    parser.feed(text)
    parser.flush()
    items = parser.items
    if not exact and items and items[0] == ("h1", title):
        items = items[1:]  # the headline repeated at the top of the body
    return _sections((kind != "p", text) for kind, text in items)


def _plain_sections(text: str, title: str) -> list[Section]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\n\n") if "\n\n" in text else text.split("\n")
    paragraphs = [" ".join(chunk.split()) for chunk in chunks]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return _sections((False, p) for p in paragraphs)


def _sections(items: Iterator[tuple[bool, str]] | Any) -> list[Section]:
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    started = False
    for is_heading, text in items:
        if is_heading:
            if started:
                sections.append(Section(heading, paragraphs))
            heading, paragraphs, started = text, [], True
        else:
            paragraphs.append(text)
            started = True
    if started:
        sections.append(Section(heading, paragraphs))
    return sections


# --------------------------------------------------------------------------- the story


def from_dict(data: object, *, filename: str | None = None) -> NinjsDocument:
    """Read a parsed ninjs document (see the module docs for what is mapped).

    Raises:
        StoryParseError: The document is not a ninjs object, has no headline, or has a
            value of the wrong type where storykit reads it (the message and ``path`` say
            where, for example ``bodies[0].value``).
    """
    if not isinstance(data, dict):
        raise StoryParseError(
            f"expected a ninjs JSON object, got {_json_type(data)}", filename=filename, line=1
        )
    reader = _Reader(data)
    try:
        title, other_headlines = reader.title()
        extras, exact_published, other_descriptions = reader.descriptions()
        published = reader.published(exact_published)
        name = reader.source_name()
        url = reader.url()
        sections = reader.sections(title)
        image, credits = reader.associations()
        credits = reader.byline() + credits
        tags = reader.tags()
        source = Source(name, published, url) if name or published or url else None
        story = Story(
            title,
            source=source,
            image=image,
            credits=credits,
            sections=sections,
            tags=tags,
            extras=[*extras, *other_headlines, *other_descriptions],
        )
    except _BadValueError as exc:
        raise StoryParseError(
            f"{exc.path}: {exc.message}", filename=filename, path=exc.path
        ) from None
    except (TypeError, ValueError) as exc:  # the model refused what the reader built
        raise StoryParseError(str(exc), filename=filename) from None
    rest = {key: value for key, value in data.items() if key not in reader.used}
    return NinjsDocument(story, data, rest)


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
