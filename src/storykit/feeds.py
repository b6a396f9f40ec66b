"""Feeds for collections of stories: JSON Feed 1.1 and Atom 1.0 (RFC 4287).

Each story is one item (JSON Feed) or entry (Atom):

===========================  =====================================  ===========================
story                        JSON Feed item                         Atom entry
===========================  =====================================  ===========================
``source.url`` or a          ``id`` (and ``url``)                   ``id`` (and
``urn:storykit:`` name                                              ``link rel="alternate"``)
``title``                    ``title``                              ``title``
``source.published``         ``date_published``                     ``published``, ``updated``
``source.name``              ``authors[0].name``                    ``author/name``
``tags``                     ``tags``                               ``category/@term``
first paragraph              ``summary``                            ``summary``
body                         ``content_html``, ``content_text``     ``content type="html"``
===========================  =====================================  ===========================

Dates. Both formats want a full date-time, and Atom requires ``updated`` on every entry. A
story dated by day alone is placed at ``day_time`` on that day (midnight UTC unless you pass
another time); this is written down, not hidden: the exact day is kept next to it, as
``"_storykit": {"published": "2026-05-25"}`` in the JSON Feed item (a JSON Feed extension)
and as ``<dc:date>2026-05-25</dc:date>`` (Dublin Core, which allows a bare day) in the Atom
entry. A time without a UTC offset is read as UTC (and kept in ``_storykit`` as written). An
undated story gets no ``date_published`` in JSON Feed; in Atom it takes the feed's
``updated``. The feed's ``updated`` is the ``updated`` argument, else the latest story date,
else the current time.

Atom is built with :mod:`xml.etree.ElementTree`, which escapes all text; characters XML
1.0 cannot hold at all (most control characters) make :func:`feed` raise
:class:`~storykit.errors.UnrepresentableError` rather than write a broken document.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from storykit._records import checked_stories
from storykit._urls import is_safe_url
from storykit._version import __version__
from storykit.errors import UnknownFormatError, UnrepresentableError
from storykit.export import body_text, is_plain_uri, story_uri
from storykit.formats.html import body_html
from storykit.model import Story, to_utc

__all__ = ["ATOM_NS", "FORMATS", "JSONFEED_VERSION", "feed"]

FORMATS = ("atom", "jsonfeed")
"""The feed formats :func:`feed` writes."""
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
_UTC = _dt.UTC
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _rfc3339(value: _dt.datetime) -> str:
    offset = value.utcoffset()
    if offset is None or offset.total_seconds() % 60:  # RFC 3339 offsets are whole minutes
        value = to_utc(value)
    if value.utcoffset() == _dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


class _Item:
    """What both formats need of one story."""

    def __init__(self, story: Story, day_time: _dt.time) -> None:
        self.story = story
        self.id = story_uri(story)
        self.moment: _dt.datetime | None = None
        self.exact: str | None = None  # the date as the story has it, when moment is made up
        published = story.published
        if isinstance(published, _dt.datetime):
            if published.utcoffset() is None:
                self.moment = published.replace(tzinfo=_UTC)
                self.exact = published.isoformat()
            else:
                self.moment = published
        elif published is not None:
            self.moment = _dt.datetime.combine(published, day_time)
            self.exact = published.isoformat()
        self.summary = story.paragraphs[0] if story.paragraphs else None
        self.author = story.source.name if story.source is not None else None


def _json_feed(
    items: list[_Item],
    *,
    title: str,
    home_page_url: str | None,
    feed_url: str | None,
    author: str | None,
) -> str:
    doc: dict[str, Any] = {"version": JSONFEED_VERSION, "title": title}
    if home_page_url is not None:
        doc["home_page_url"] = home_page_url
    if feed_url is not None:
        doc["feed_url"] = feed_url
    if author is not None:
        doc["authors"] = [{"name": author}]
    doc["items"] = []
    for item in items:
        story = item.story
        entry: dict[str, Any] = {"id": item.id}
        if story.url is not None and is_safe_url(story.url):  # the URL rule: no javascript:…
            entry["url"] = story.url
        entry["title"] = story.title
        entry["content_html"] = body_html(story)
        entry["content_text"] = body_text(story)
        if item.summary is not None:
            entry["summary"] = item.summary
        if item.moment is not None:
            entry["date_published"] = _rfc3339(item.moment)
        if item.author is not None:
            entry["authors"] = [{"name": item.author}]
        if story.tags:
            entry["tags"] = list(story.tags)
        if item.exact is not None:
            entry["_storykit"] = {"published": item.exact}
        doc["items"].append(entry)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _atom(
    items: list[_Item],
    *,
    title: str,
    home_page_url: str | None,
    feed_url: str | None,
    feed_id: str,
    updated: _dt.datetime,
    author: str | None,
) -> str:
    def add(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrib)
        element.text = text
        return element

    # Plain tag names under declared prefixes: ElementTree's default_namespace= refuses
    # unqualified attribute names (rel, href), and Atom's attributes are unqualified.
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xmlns:dc": DC_NS})
    add(root, "id", feed_id)
    add(root, "title", title, type="text")
    add(root, "updated", _rfc3339(updated))
    if feed_url is not None:
        add(root, "link", rel="self", href=feed_url, type="application/atom+xml")
    if home_page_url is not None:
        add(root, "link", rel="alternate", href=home_page_url)
    if author is None and any(item.author is None for item in items):
        author = title  # RFC 4287 §4.1.1: a feed needs an author unless every entry has one
    if author is not None:
        add(add(root, "author"), "name", author)
    add(root, "generator", "storykit", version=__version__)
    for item in items:
        story = item.story
        entry = add(root, "entry")
        add(entry, "id", item.id)
        add(entry, "title", story.title, type="text")
        add(entry, "updated", _rfc3339(item.moment or updated))
        if item.moment is not None:
            add(entry, "published", _rfc3339(item.moment))
        if item.exact is not None and not isinstance(story.published, _dt.datetime):
            add(entry, "dc:date", item.exact)  # dc:date, W3CDTF: a bare day is allowed
        if item.author is not None:
            add(add(entry, "author"), "name", item.author)
        if story.url is not None and is_plain_uri(story.url) and is_safe_url(story.url):
            add(entry, "link", rel="alternate", href=story.url)
        for tag in story.tags:
            add(entry, "category", term=tag)
        if item.summary is not None:
            add(entry, "summary", item.summary, type="text")
        add(entry, "content", body_html(story), type="html")
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n"


def _check_xml(items: list[_Item], *fields: tuple[str, str | None]) -> None:
    for where, value in fields:
        if value is not None and (bad := _NOT_XML.search(value)):
            msg = f"{where}: character U+{ord(bad[0]):04X} cannot be written in XML (Atom)"
            raise UnrepresentableError(msg)
    for i, item in enumerate(items):
        story = item.story
        texts: list[tuple[str, str | None]] = [("title", story.title), ("url", story.url)]
        texts.append(("source.name", item.author))
        texts.extend((f"tags[{j}]", tag) for j, tag in enumerate(story.tags))
        for s, section in enumerate(story.sections):
            texts.append((f"sections[{s}].heading", section.heading))
            texts.extend(
                (f"sections[{s}].paragraphs[{p}]", text)
                for p, text in enumerate(section.paragraphs)
            )
        for where, value in texts:
            if value is not None and (bad := _NOT_XML.search(value)):
                msg = (
                    f"stories[{i}].{where}: character U+{ord(bad[0]):04X} "
                    "cannot be written in XML (Atom)"
                )
                raise UnrepresentableError(msg)


def feed(
    stories: Iterable[Story],
    format: str = "jsonfeed",
    *,
    title: str,
    home_page_url: str | None = None,
    feed_url: str | None = None,
    id: str | None = None,
    author: str | None = None,
    updated: _dt.datetime | None = None,
    day_time: _dt.time = _dt.time(0, tzinfo=_UTC),
) -> str:
    """A JSON Feed 1.1 or Atom 1.0 document of ``stories``, in the order given.

    Args:
        stories: Any iterable of stories.
        format: ``"jsonfeed"`` or ``"atom"``.
        title: The feed's title.
        home_page_url: The site the feed belongs to (Atom ``link rel="alternate"``).
        feed_url: Where the feed itself lives (Atom ``link rel="self"``).
        id: Atom's permanent feed id (an IRI); by default ``feed_url``, else
            ``home_page_url``, else a ``urn:storykit:feed:`` name made from the title.
            JSON Feed has no feed id.
        author: The feed's author. Atom needs one unless every story has a source name;
            without it the title stands in.
        updated: When the feed last changed (with a UTC offset); by default the latest
            story date, else now.
        day_time: The time of day (with a UTC offset) at which a story dated by day alone
            is placed; the exact day is kept beside it (see the module docs).

    Raises:
        UnknownFormatError: ``format`` is not ``"jsonfeed"`` or ``"atom"``.
        ValueError: ``title`` is blank, or ``updated``/``day_time`` has no UTC offset.
        TypeError: An item of ``stories`` is not a :class:`~storykit.Story`.
        UnrepresentableError: Atom only: a text holds a character XML cannot hold.
    """
    if format not in FORMATS:
        msg = f"unknown feed format {format!r}; known: {', '.join(FORMATS)}"
        raise UnknownFormatError(msg)
    if not isinstance(title, str) or not title.strip():
        msg = "title: a feed needs a non-blank title"
        raise ValueError(msg)
    if day_time.utcoffset() is None:
        msg = "day_time: needs a UTC offset, e.g. datetime.time(0, tzinfo=datetime.timezone.utc)"
        raise ValueError(msg)
    if updated is not None and updated.utcoffset() is None:
        msg = "updated: needs a UTC offset"
        raise ValueError(msg)
    items = [_Item(story, day_time) for story in checked_stories(stories)]
    if format == "jsonfeed":
        return _json_feed(
            items, title=title, home_page_url=home_page_url, feed_url=feed_url, author=author
        )
    if updated is None:
        moments = [item.moment for item in items if item.moment is not None]
        updated = max(moments) if moments else _dt.datetime.now(_UTC).replace(microsecond=0)
    if id is None:
        digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        id = feed_url or home_page_url or f"urn:storykit:feed:{digest}"
    _check_xml(
        items,
        ("title", title),
        ("id", id),
        ("author", author),
        ("home_page_url", home_page_url),
        ("feed_url", feed_url),
    )
    return _atom(
        items,
        title=title,
        home_page_url=home_page_url,
        feed_url=feed_url,
        feed_id=id,
        updated=updated,
        author=author,
    )
