r"""schema.org ``NewsArticle`` JSON-LD for a story (write-only).

The HTML writer embeds this document in ``<script type="application/ld+json">``; on its own it
is a ``.jsonld`` file. The mapping:

==========================  ====================================================================
schema.org property         story field
==========================  ====================================================================
``headline``                ``title``
``datePublished``           ``source.published``: ``2026-05-25`` for a story dated by day alone
                            (no time is invented), ``2020-02-24T01:50:00Z`` when it has a time
``publisher``               ``source.name``, as an ``Organization``
``sourceOrganization``      ``source.name``, as an ``Organization``
``url``, ``isBasedOn``      ``source.url``: the original article (left out when it breaks
                            the URL rule: ``javascript:``, ``data:``… see docs/formats/html.md)
``image``                   an ``ImageObject``: ``caption`` (alt text), ``creditText``
                            (``Photo by Pavel Danilyuk on Pexels``), ``creator`` (a ``Person``)
                            and ``provider`` (an ``Organization``); no ``contentUrl``, as the
                            story has no image file
``keywords``                ``tags``
``articleSection``          the section headings
``articleBody``             the paragraphs, separated by blank lines
``inLanguage``              the ``lang`` option, when given
==========================  ====================================================================

Missing values are left out, never written as ``null``. Other credits (``story.credits``) and
unplaced lines (``story.extras``) have no NewsArticle property and are not written.

With ``html_safe=True`` the text can go inside a ``<script>`` element: it is ASCII, with
``<``, ``>`` and ``&`` written as ``\u003c``, ``\u003e`` and ``\u0026`` (so no content can
close the script or open a comment) and every non-ASCII character as a ``\uXXXX`` escape (so
none of the code points HTML forbids, such as C1 controls or lone surrogates, can appear raw);
a JSON parser reads the same values back.
"""

from __future__ import annotations

import re
from typing import Any

from storykit import _json_layout
from storykit._dates import format_iso
from storykit._urls import is_safe_url
from storykit.formats.text import credit_line
from storykit.model import Story

__all__ = [
    "NAME",
    "SUFFIXES",
    "detect",
    "dumps",
    "to_dict",
]

NAME = "jsonld"
SUFFIXES = (".jsonld",)

CONTEXT = "https://schema.org"


def _organization(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def to_dict(story: Story, *, lang: str | None = None, body: bool = True) -> dict[str, Any]:
    """The schema.org ``NewsArticle`` of ``story`` as a JSON-ready dict.

    Args:
        story: The story.
        lang: The story's language (a BCP 47 tag such as ``"en"``), written as
            ``inLanguage``; ``None`` leaves it out.
        body: Write the paragraphs as ``articleBody``. An HTML page leaves it out: the page
            itself holds the text, and repeating it would double the page's weight.

    Returns:
        A dict with ``@context`` and ``@type`` first; absent values are left out.
    """
    doc: dict[str, Any] = {"@context": CONTEXT, "@type": "NewsArticle", "headline": story.title}
    source = story.source
    if source is not None:
        if source.published is not None:
            doc["datePublished"] = format_iso(source.published)
        if source.name is not None:
            doc["publisher"] = _organization(source.name)
            doc["sourceOrganization"] = _organization(source.name)
        if source.url is not None and is_safe_url(source.url):  # the URL rule: no javascript:…
            doc["url"] = source.url
            doc["isBasedOn"] = source.url
    if story.image is not None:
        image: dict[str, Any] = {"@type": "ImageObject"}
        if story.image.alt is not None:
            image["caption"] = story.image.alt
        credit = story.image.credit
        if credit is not None:
            image["creditText"] = credit_line(credit)
            if credit.name is not None:
                image["creator"] = {"@type": "Person", "name": credit.name}
            if credit.provider is not None:
                image["provider"] = _organization(credit.provider)
        doc["image"] = image
    if story.tags:
        doc["keywords"] = list(story.tags)
    headings = story.headings
    if headings:
        doc["articleSection"] = list(headings)
    paragraphs = story.paragraphs if body else ()
    if paragraphs:
        doc["articleBody"] = "\n\n".join(paragraphs)
    if lang is not None:
        doc["inLanguage"] = lang
    return doc


def dumps(
    story: Story,
    *,
    indent: int | None = 2,
    lang: str | None = None,
    html_safe: bool = False,
    body: bool = True,
) -> str:
    r"""Write ``story`` as schema.org ``NewsArticle`` JSON-LD.

    Args:
        story: The story.
        indent: Spaces per level; ``None`` for one compact line.
        lang: Written as ``inLanguage`` when given.
        body: Write the paragraphs as ``articleBody`` (see :func:`to_dict`).
        html_safe: Write ASCII only, with ``<``, ``>`` and ``&`` (and every non-ASCII or
            control character) as ``\uXXXX`` escapes, so the text can be placed inside an
            HTML ``<script>`` element; a JSON parser reads the same values.

    Returns:
        The JSON text (UTF-8, not ASCII-escaped unless ``html_safe``), with a final newline
        when indented.
    """
    text = _json_layout.dumps(
        to_dict(story, lang=lang, body=body), indent=indent, ensure_ascii=html_safe
    )
    if html_safe:
        # ASCII now: every other code point (any HTML forbids included) is a \uXXXX escape.
        text = (
            text.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("\x7f", "\\u007f")
        )
    return text if indent is None else text + "\n"


_FIRST_KEY_RE = re.compile(r'\{\s*"@(?:context|type|graph|id)"')


def detect(text: str) -> bool:
    """True when ``text`` looks like schema.org JSON-LD: an object whose first key is one.

    Not merely one that holds ``"@context"``: a storykit JSON story may hold that text.
    """
    return _FIRST_KEY_RE.match(text.lstrip("\ufeff \t\r\n")) is not None
