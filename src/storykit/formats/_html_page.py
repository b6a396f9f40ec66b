"""Whole HTML pages around the story fragment: a story's page and a site's index page.

:func:`storykit.formats.html.dumps` writes the ``<article>`` fragment; with
``standalone=True`` it hands the fragment's lines to :func:`story_page`, which puts them in a
page with a doctype, ``lang``, charset, viewport, title, the tags link previews read
(:func:`preview_meta`), the stylesheets and the story as JSON-LD. ``storykit convert --site``
writes an index page (:func:`index_head`, the entries, :func:`index_tail`) beside the
stories' pages. The names are re-exported by :mod:`storykit.formats.html`; the styles live
here, the one place that writes a ``<style>``.
"""

from __future__ import annotations

import re

from storykit.formats import jsonld
from storykit.formats._html_text import escape, file_href, link_href, machine_date
from storykit.model import Story

__all__ = [
    "INDEX_CSS",
    "PAGE_CSS",
    "STORY_CSS",
    "check_lang",
    "description",
    "index_head",
    "index_page",
    "index_tail",
    "preview_meta",
    "story_page",
]

_LANG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")

_SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
_SERIF = 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif'

STORY_CSS = f"""\
.storykit {{ max-width: 40rem; margin: 0 auto; font-family: {_SERIF}; line-height: 1.6; overflow-wrap: break-word; }}
.storykit :is(h1, h2, h3, h4, h5, h6) {{ font-family: {_SANS}; line-height: 1.25; margin: 1.6em 0 .5em; }}
.storykit > header > :is(h1, h2, h3, h4, h5) {{ font-size: clamp(1.6rem, 1.2rem + 1.6vw, 2.1rem); margin: 0 0 .4em; }}
.storykit section > :is(h2, h3, h4, h5, h6) {{ font-size: 1.3rem; }}
.storykit p {{ margin: 0 0 1em; }}
.storykit > header {{ margin-bottom: 1.75em; }}
.storykit-source, .storykit-credits, .storykit figcaption, .storykit > footer {{ font-family: {_SANS}; font-size: .9rem; }}
.storykit-source, .storykit-credits {{ opacity: .8; margin: 0 0 .5em; }}
.storykit-outlet {{ font-weight: 600; }}
.storykit-image {{ margin: 1.25em 0 0; padding: .75em 1em; border-left: 4px solid rgba(128, 128, 128, .5); border-radius: 0 .4em .4em 0; background: rgba(128, 128, 128, .1); }}
.storykit-alt {{ display: block; font-style: italic; }}
.storykit-image .storykit-credit {{ display: block; opacity: .75; font-size: .85em; margin-top: .3em; }}
.storykit > footer {{ margin-top: 2.5em; padding-top: 1em; border-top: 1px solid rgba(128, 128, 128, .35); }}
.storykit-tags {{ list-style: none; margin: 0 0 1em; padding: 0; display: flex; flex-wrap: wrap; gap: .4em; }}
.storykit-tags li {{ padding: .1em .7em; border-radius: 1em; background: rgba(128, 128, 128, .16); }}
.storykit-original {{ margin: 0; }}
.storykit :is(h1, h2, h3, h4, h5, h6, p, li, .storykit-alt, .storykit-credit) {{ unicode-bidi: plaintext; text-align: start; }}
.storykit time {{ unicode-bidi: isolate; }}
"""  # noqa: E501 - one rule per line reads best in the page
"""The story's own styles, scoped to ``.storykit`` and free of colours (text inherits the
page's colour; greys are translucent), so they suit any page, light or dark."""

PAGE_CSS = """\
:root { color-scheme: light dark; --storykit-bg: #fbfaf8; --storykit-fg: #1f2023; --storykit-link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --storykit-bg: #18191c; --storykit-fg: #e3e3e6; --storykit-link: #8ab4f8; }
}
body { margin: 0; padding: 2.5rem 1.25rem 4rem; font-size: 1.0625rem; background: var(--storykit-bg); color: var(--storykit-fg); }
a { color: var(--storykit-link); }
@media print {
  :root { color-scheme: light; --storykit-bg: #fff; --storykit-fg: #000; --storykit-link: #000; }
  body { padding: 0; font-size: 11pt; }
  .storykit { max-width: none; }
  .storykit :is(h1, h2, h3, h4, h5, h6) { break-after: avoid; }
  .storykit p { orphans: 3; widows: 3; }
  .storykit-image { background: none; }
  .storykit-original a::after { content: " <" attr(href) ">"; overflow-wrap: anywhere; }
}
"""  # noqa: E501
"""The page's styles in standalone mode: colours for light and dark, and print rules."""

INDEX_CSS = f"""\
.storykit-nav {{ max-width: 40rem; margin: 0 auto 1.5rem; font-family: {_SANS}; font-size: .9rem; }}
.storykit-index {{ max-width: 40rem; margin: 0 auto; font-family: {_SANS}; overflow-wrap: break-word; }}
.storykit-index > ol {{ list-style: none; margin: 0; padding: 0; }}
.storykit-index > ol > li {{ margin: 0 0 1.25em; }}
.storykit-index h2 {{ font-size: 1.1rem; margin: 0 0 .2em; }}
.storykit-index .storykit-source {{ font-size: .9rem; opacity: .8; margin: 0 0 .3em; }}
.storykit-index .storykit-tags {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3em; font-size: .85rem; }}
.storykit-index .storykit-tags li {{ padding: .05em .6em; border-radius: 1em; background: rgba(128, 128, 128, .16); }}
.storykit-index :is(h2, p, .storykit-tags li) {{ unicode-bidi: plaintext; text-align: start; }}
.storykit-index time {{ unicode-bidi: isolate; }}
"""  # noqa: E501
"""The styles of a site's index page and of the link back to it."""


def check_lang(lang: str) -> None:
    """Refuse a page language that is not a BCP 47 tag.

    Raises:
        TypeError: ``lang`` is not a string.
        ValueError: ``lang`` is not a language tag.
    """
    if not isinstance(lang, str):
        msg = f"lang: expected a string, got {type(lang).__name__}"
        raise TypeError(msg)
    if not _LANG.fullmatch(lang):
        msg = f"lang: expected a BCP 47 language tag such as 'en' or 'pt-BR', got {lang!r}"
        raise ValueError(msg)


def _head_start(lang: str, title: str) -> list[str]:
    """A page's first lines, the same on every page: up to the ``<title>`` in its head."""
    return [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
    ]


def story_page(story: Story, article: list[str], *, lang: str, index: str | None) -> str:
    """A whole page holding one story: ``article`` (the fragment's lines) in its ``<main>``.

    The head has the title, :func:`preview_meta`, the stylesheets and the story as
    schema.org ``NewsArticle`` JSON-LD less ``articleBody`` (the page holds the body);
    ``index`` is the path of the site's index page to link back to, if any. ``lang`` is
    checked already (:func:`check_lang`).
    """
    data = jsonld.dumps(story, indent=None, lang=lang, html_safe=True, body=False)
    page = [
        *_head_start(lang, story.title),
        *preview_meta(story),
        f"<style>\n{STORY_CSS}{PAGE_CSS}{'' if index is None else INDEX_CSS}</style>",
        f'<script type="application/ld+json">{data}</script>',
        "</head>",
        "<body>",
        *([] if index is None else [_back_link(index)]),
        "<main>",
        *article,
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(page) + "\n"


_DESCRIPTION_LENGTH = 200  # characters: what previews show of a description, about


def description(story: Story) -> str | None:
    """The first paragraph on one line, cut at a word to about 200 characters, or ``None``."""
    paragraphs = story.paragraphs
    if not paragraphs:
        return None
    text = " ".join(paragraphs[0].split())
    if len(text) <= _DESCRIPTION_LENGTH:
        return text
    cut = text[: _DESCRIPTION_LENGTH - 1]
    space = cut.rfind(" ")
    if space > _DESCRIPTION_LENGTH // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—–-") + "…"


def preview_meta(story: Story) -> list[str]:
    """The ``<head>`` lines link previews read: description, canonical, Open Graph, Twitter.

    ``<meta name="description">``, ``<link rel="canonical">`` (when the URL is known), Open
    Graph (``og:*`` and ``article:*``, one ``article:tag`` per tag) and a ``summary``
    Twitter card.

    Text goes through :func:`escape`; the URL is used only when :func:`link_href` allows
    it as a link (``og:url`` and ``<link rel="canonical">`` are left out otherwise).
    """

    def meta(key: str, name: str, value: str) -> str:
        return f'<meta {key}="{name}" content="{escape(value)}">'

    summary = description(story)
    href = link_href(story.url) if story.url is not None else None
    alt = story.image.alt if story.image is not None else None
    source = story.source
    out: list[str] = []
    if summary is not None:
        out.append(meta("name", "description", summary))
    if href is not None:
        out.append(f'<link rel="canonical" href="{escape(href)}">')
    out += [meta("property", "og:type", "article"), meta("property", "og:title", story.title)]
    if summary is not None:
        out.append(meta("property", "og:description", summary))
    if href is not None:
        out.append(meta("property", "og:url", href))
    if source is not None and source.name is not None:
        out.append(meta("property", "og:site_name", source.name))
    if alt is not None:
        out.append(meta("property", "og:image:alt", alt))
    if source is not None and source.published is not None:
        out.append(meta("property", "article:published_time", machine_date(source.published)))
    out.extend(meta("property", "article:tag", tag) for tag in story.tags)
    out += [meta("name", "twitter:card", "summary"), meta("name", "twitter:title", story.title)]
    if summary is not None:
        out.append(meta("name", "twitter:description", summary))
    if alt is not None:
        out.append(meta("name", "twitter:image:alt", alt))
    return out


def _back_link(index: str) -> str:
    return (
        f'<nav class="storykit-nav"><a href="{escape(file_href(index))}" rel="index">'
        "← All stories</a></nav>"
    )


def index_page(entries: str, *, count: int, title: str = "Stories", lang: str = "en") -> str:
    """A site's index page: the entries, in order, in a whole page.

    Args:
        entries: The joined ``<li>`` entries (:func:`~storykit.formats.html.index_entry`).
        count: How many stories they are (said under the list).
        title: The page's title.
        lang: The page's language, a BCP 47 tag.

    Raises:
        ValueError: ``lang`` is not a language tag.
    """
    return index_head(title=title, lang=lang) + entries + index_tail(count)


def index_head(*, title: str = "Stories", lang: str = "en") -> str:
    """The index page up to its entries (to write a long index a piece at a time).

    Raises:
        ValueError: ``lang`` is not a language tag.
    """
    check_lang(lang)
    lines = [
        *_head_start(lang, title),
        f"<style>\n{STORY_CSS}{PAGE_CSS}{INDEX_CSS}</style>",
        "</head>",
        "<body>",
        '<main class="storykit-index">',
        f"<h1>{escape(title)}</h1>",
        "<ol>",
        "",
    ]
    return "\n".join(lines)


def index_tail(count: int) -> str:
    """The index page after its ``count`` entries."""
    noun = "story" if count == 1 else "stories"
    return f'</ol>\n<p class="storykit-count">{count:,} {noun}</p>\n</main>\n</body>\n</html>\n'
