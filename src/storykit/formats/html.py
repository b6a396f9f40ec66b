"""HTML for people: a fragment to embed, or a whole styled page (write-only).

``dumps(story, "html")`` gives an ``<article>`` fragment::

    <article class="storykit">
    <header>
    <h1>Title</h1>
    <p class="storykit-source"><span class="storykit-outlet">SCMP</span> · <time …></p>
    <figure class="storykit-image"><figcaption>alt text, credit</figcaption></figure>
    </header>
    <p>lead paragraph</p>
    <section>
    <h2>Heading</h2>
    <p>…</p>
    </section>
    <footer>
    <ul class="storykit-tags" aria-label="Tags"><li>AI</li>…</ul>
    <p class="storykit-original"><a href="…" rel="noopener noreferrer">View original source</a></p>
    </footer>
    </article>

``standalone=True`` wraps it in a page with a doctype, ``lang``, charset, viewport, title, the
tags link previews read (``<meta name="description">``, ``<link rel="canonical">``, Open
Graph and a Twitter card: :func:`preview_meta`), a small stylesheet (screen, print, light and
dark) and the story as schema.org ``NewsArticle`` JSON-LD (:mod:`storykit.formats.jsonld`),
less ``articleBody``, which the page itself holds.

Safety: the model holds raw text and every piece of it goes through one function,
:func:`escape`, on its way into the page. The original URL becomes a link only when it is an
``http``/``https`` URL with a plain host name; any other URL (``javascript:``, ``data:``…) is
shown as text. The JSON-LD escapes ``<``, ``>`` and ``&`` so no content can end the script.
Unplaced lines (``story.extras``) are not shown: use JSON for a lossless copy.

The format is this module and private helpers, whose public names it re-exports (import
them from here): this module writes the story's HTML (the ``<article>`` fragment, the body
HTML other formats carry, a site index's entries); ``_html_text`` turns text, URLs and dates
into HTML (:func:`escape`, :func:`link_href`, :func:`file_href`, :func:`machine_date`,
:func:`human_date`); ``_html_page`` puts the fragment in a whole page (its head, the
stylesheets, :func:`preview_meta`) and writes a site's index page around the entries.
``_html_reader`` reads a body back into headings and paragraphs, for the ninjs reader: a page
itself is never read.
"""

from __future__ import annotations

from collections.abc import Iterable

from storykit.formats._html_page import (
    INDEX_CSS,
    PAGE_CSS,
    STORY_CSS,
    check_lang,
    description,
    index_head,
    index_page,
    index_tail,
    preview_meta,
    story_page,
)
from storykit.formats._html_text import (
    escape,
    escape_many,
    file_href,
    human_date,
    link_href,
    machine_date,
)
from storykit.formats._options import check_heading_offset
from storykit.formats.text import credit_line
from storykit.model import Section, Source, Story

__all__ = [
    "INDEX_CSS",
    "NAME",
    "PAGE_CSS",
    "STORY_CSS",
    "SUFFIXES",
    "body_html",
    "description",
    "detect",
    "dumps",
    "escape",
    "file_href",
    "human_date",
    "index_entry",
    "index_head",
    "index_page",
    "index_tail",
    "link_href",
    "machine_date",
    "preview_meta",
    "sections_html",
    "sections_html_pieces",
]

NAME = "html"
SUFFIXES = (".html", ".htm")


def body_html(story: Story) -> str:
    """The body as an HTML fragment: an ``<h2>`` per heading, a ``<p>`` per paragraph.

    The one body HTML of the formats that carry HTML as a string: ninjs's ``text/html``
    body, JSON Feed's ``content_html`` and Atom's ``content type="html"``. One element a
    line, no title, image or tags. Text goes through :func:`escape` with ``exact=True``:
    ``&``, ``<`` and ``>`` are escaped, and the text is otherwise kept as it is (white
    space, line breaks and control characters included), so a parser gives back the
    exact text.
    """
    texts: list[str] = []
    for section in story.sections:
        if section.heading is not None:
            texts.append(section.heading)
        texts += section.paragraphs
    probe = "".join(texts)  # one look for markup characters: most bodies have none
    return sections_html(story.sections, markup="&" in probe or "<" in probe or ">" in probe)


def sections_html(
    sections: Iterable[Section], *, markup: bool = True, line_break: str = "\n"
) -> str:
    """:func:`body_html` of ``sections``, for a writer that knows more of their text.

    ``markup``: the text may hold ``&``, ``<`` or ``>`` (``False`` only when it holds none:
    then nothing is escaped). ``line_break`` goes between the elements: the ninjs writer,
    which writes the fragment straight into a JSON string, passes the two characters
    backslash and n.
    """
    return "".join(sections_html_pieces(sections, markup=markup, line_break=line_break))


def sections_html_pieces(
    sections: Iterable[Section], *, markup: bool = True, line_break: str = "\n"
) -> list[str]:
    """:func:`sections_html` in pieces, in order: for a writer that joins them into more.

    Each section's paragraphs are one piece (joined by ``</p>``, the line break and
    ``<p>``), its heading another, and the markup and line breaks around them others: the
    text is copied once here and once where the pieces are joined.
    """
    between = f"</p>{line_break}<p>"  # between two paragraphs
    after_heading = f"</h2>{line_break}<p>"  # between a heading and its first paragraph
    pieces: list[str] = []
    for section in sections:
        heading, paragraphs = section.heading, section.paragraphs
        if heading is None and not paragraphs:
            continue  # (only a section that skipped its validators)
        if markup:
            heading = None if heading is None else escape(heading, exact=True)
            paragraphs = tuple([escape(p, exact=True) for p in paragraphs])
        if pieces:
            pieces.append(line_break)
        if heading is None:
            pieces += ("<p>", between.join(paragraphs), "</p>")
        elif paragraphs:
            pieces += ("<h2>", heading, after_heading, between.join(paragraphs), "</p>")
        else:
            pieces += ("<h2>", heading, "</h2>")
    return pieces


_BETWEEN_PARAGRAPHS = "</p>\n<p>"
_BETWEEN_ITEMS = "</li>\n<li>"


def _check_options(heading_offset: int, lang: str) -> None:
    check_heading_offset(heading_offset)
    if type(lang) is str and lang == "en":
        return  # the default, which passes the check
    check_lang(lang)


def _source_texts(source: Source | None) -> list[str]:
    """The texts of the source line, to escape: the outlet's name, the date as shown."""
    if source is None:
        return []
    texts = [] if source.name is None else [source.name]
    if source.published is not None:
        texts.append(human_date(source.published))
    return texts


def _source_line(source: Source | None, escaped: list[str] | None = None) -> str | None:
    """The ``<p class="storykit-source">`` of outlet and date, or ``None`` if it has neither.

    ``escaped``: :func:`_source_texts` of ``source`` escaped, when the caller has them.
    """
    if source is None or (source.name is None and source.published is None):
        return None
    if escaped is None:
        escaped = escape_many(_source_texts(source))
    parts = []
    if source.name is not None:
        parts.append(f'<span class="storykit-outlet">{escaped[0]}</span>')
    if source.published is not None:
        parts.append(f'<time datetime="{machine_date(source.published)}">{escaped[-1]}</time>')
    return f'<p class="storykit-source">{" · ".join(parts)}</p>'


def _article(
    story: Story, *, heading_offset: int, image: bool, tags: bool, footer: bool
) -> list[str]:
    h1 = f"h{1 + heading_offset}"
    h2 = f"h{2 + heading_offset}"
    # The article's texts, escaped in one call (one look at them all for what to escape):
    # the title, the source line's, the credit lines, the image's alt text and credit line,
    # the tags, then the headings and paragraphs in order.
    source = _source_texts(story.source)
    texts = [story.title, *source]
    texts += [credit_line(c) for c in story.credits]
    picture = story.image if image else None
    alt = credit = None
    if picture is not None:
        alt = picture.alt
        credit = None if picture.credit is None else credit_line(picture.credit)
        texts += [text for text in (alt, credit) if text is not None]
    shown_tags = story.tags if tags else ()
    texts += shown_tags
    for section in story.sections:
        if section.heading is not None:
            texts.append(section.heading)
        texts += section.paragraphs
    escaped = escape_many(texts)
    out = ['<article class="storykit">', "<header>", f"<{h1}>{escaped[0]}</{h1}>"]
    start = 1 + len(source)  # where the next texts are in escaped
    line = _source_line(story.source, escaped[1:start])
    if line is not None:
        out.append(line)
    if story.credits:
        stop = start + len(story.credits)
        out.append(f'<p class="storykit-credits">{" · ".join(escaped[start:stop])}</p>')
        start = stop
    if picture is not None:
        caption = []
        if alt is not None:
            caption.append(f'<span class="storykit-alt">{escaped[start]}</span>')
            start += 1
        if credit is not None:
            caption.append(f'<span class="storykit-credit">{escaped[start]}</span>')
            start += 1
        out.append(
            f'<figure class="storykit-image"><figcaption>{" ".join(caption)}</figcaption></figure>'
        )
    out.append("</header>")
    tag_items = None
    if shown_tags:  # one line each, written as one item: "<li>…</li>\n<li>…</li>"
        stop = start + len(shown_tags)
        tag_items = f"<li>{_BETWEEN_ITEMS.join(escaped[start:stop])}</li>"
        start = stop
    _sections(story.sections, escaped, start, h2, out)
    out += _footer(tag_items, story.url if footer else None)
    out.append("</article>")
    return out


def _sections(
    sections: tuple[Section, ...], escaped: list[str], start: int, h2: str, out: list[str]
) -> None:
    """Append the lines of the sections, whose texts are escaped from ``escaped[start]`` on."""
    for section in sections:
        if section.heading is not None:
            out.append("<section>")
            out.append(f"<{h2}>{escaped[start]}</{h2}>")
            start += 1
        if section.paragraphs:  # one line each, written as one item: "<p>…</p>\n<p>…</p>"
            stop = start + len(section.paragraphs)
            out.append(f"<p>{_BETWEEN_PARAGRAPHS.join(escaped[start:stop])}</p>")
            start = stop
        if section.heading is not None:
            out.append("</section>")


def _footer(tag_items: str | None, url: str | None) -> list[str]:
    """The article's footer (none without tags or URL): the tags' list, the original link."""
    end: list[str] = []
    if tag_items is not None:
        end += ('<ul class="storykit-tags" aria-label="Tags">', tag_items, "</ul>")
    if url is not None:
        href = link_href(url)
        if href is None:  # not a web link: show it, do not link it
            end.append(f'<p class="storykit-original">Original source: {escape(url)}</p>')
        else:
            end.append(
                f'<p class="storykit-original"><a href="{escape(href)}" '
                'rel="noopener noreferrer">View original source</a></p>'
            )
    return ["<footer>", *end, "</footer>"] if end else []


def dumps(
    story: Story,
    *,
    heading_offset: int = 0,
    image: bool = True,
    tags: bool = True,
    footer: bool = True,
    standalone: bool = False,
    lang: str = "en",
    index: str | None = None,
) -> str:
    """Write ``story`` as an HTML ``<article>`` fragment, or as a whole page.

    Args:
        story: The story.
        heading_offset: Move every heading down this many levels (0 to 4): with ``1`` the
            title is an ``<h2>`` and section headings ``<h3>``, to embed the story under a
            page's own ``<h1>``.
        image: Show the image's alt text and credit (a ``<figure>`` without a picture).
        tags: Show the tags (a list in the ``<footer>``).
        footer: Show the link to the original article.
        standalone: Write a whole page (doctype, ``<head>`` with title, stylesheet and
            JSON-LD) instead of a fragment.
        lang: The page's language, a BCP 47 tag (standalone only; a fragment takes the
            language of the page it is put in).
        index: The path (relative, ``/``-separated) of a page that lists the stories, to
            link back to from the top of the page (standalone only; see
            :func:`index_page`).

    Returns:
        The HTML, ending with a newline.

    Raises:
        TypeError: An option has the wrong type (``heading_offset`` is not an integer).
        ValueError: ``heading_offset`` is not from 0 to 4, or ``lang`` is not a language tag.
    """
    _check_options(heading_offset, lang)
    article = _article(story, heading_offset=heading_offset, image=image, tags=tags, footer=footer)
    if not standalone:
        article.append("")  # the last line ends too: one join, no copy to add "\n"
        return "\n".join(article)
    return story_page(story, article, lang=lang, index=index)


def index_entry(story: Story, path: str) -> str:
    """One story's entry in a site's index: its title linked to ``path``, source, date, tags.

    Args:
        story: The story.
        path: The story's page, relative to the index, ``/``-separated.

    Returns:
        An ``<li>`` element and a newline, for :func:`index_page`.
    """
    out = [f'<li><h2><a href="{escape(file_href(path))}">{escape(story.title)}</a></h2>']
    line = _source_line(story.source)
    if line is not None:
        out.append(line)
    if story.tags:
        tags = "".join(f"<li>{escape(tag)}</li>" for tag in story.tags)
        out.append(f'<ul class="storykit-tags" aria-label="Tags">{tags}</ul>')
    return "".join(out) + "</li>\n"


def detect(text: str) -> bool:
    """True when ``text`` starts like an HTML document or a storykit fragment."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype html", "<html", '<article class="storykit"'))
