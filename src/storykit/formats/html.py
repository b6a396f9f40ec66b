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
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import re
import string
from collections.abc import Iterable
from urllib.parse import quote

from storykit._urls import is_safe_url
from storykit.formats import jsonld
from storykit.formats.text import credit_line
from storykit.model import Section, Source, Story

__all__ = [
    "NAME",
    "PAGE_CSS",
    "STORY_CSS",
    "SUFFIXES",
    "body_html",
    "description",
    "detect",
    "dumps",
    "escape",
    "human_date",
    "link_href",
    "machine_date",
    "preview_meta",
]

NAME = "html"
SUFFIXES = (".html", ".htm")

_NOT_IN_HTML = (
    "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff"
)
"""A regex character class body: the code points an HTML document must not contain
(controls other than ASCII white space, lone surrogates, noncharacters)."""

_FORBIDDEN = re.compile(f"[{_NOT_IN_HTML}]")
_FORBIDDEN_BMP = re.compile(f"[{_NOT_IN_HTML[: _NOT_IN_HTML.index(chr(0x1FFFE))]}]")


def _has_forbidden(text: str) -> bool:
    """True when ``text`` holds a code point an HTML document must not contain.

    Fast for the common case: printable text is clean, and the full (slow) character class
    is searched only when the text has characters outside the Basic Multilingual Plane.
    """
    if text.isprintable():
        return False
    if _FORBIDDEN_BMP.search(text):
        return True
    return max(text) > "\uffff" and _FORBIDDEN.search(text) is not None


def _replace_forbidden(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with each code point HTML forbids replaced."""
    return _FORBIDDEN.sub(replacement, text) if _has_forbidden(text) else text


_LANG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_MAX_HEADING_OFFSET = 4  # sections are h2 + offset; h6 is the deepest heading

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
.storykit-alt {{ font-style: italic; }}
.storykit-image .storykit-credit {{ display: block; opacity: .75; font-size: .85em; margin-top: .3em; }}
.storykit > footer {{ margin-top: 2.5em; padding-top: 1em; border-top: 1px solid rgba(128, 128, 128, .35); }}
.storykit-tags {{ list-style: none; margin: 0 0 1em; padding: 0; display: flex; flex-wrap: wrap; gap: .4em; }}
.storykit-tags li {{ padding: .1em .7em; border-radius: 1em; background: rgba(128, 128, 128, .16); }}
.storykit-original {{ margin: 0; }}
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


def escape(text: str, *, exact: bool = False) -> str:
    """Escape text for HTML: the one function every piece of story text goes through.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become character references, so the result is safe
    both as element text and as a quoted attribute value. Code points an HTML document may
    not contain (controls other than white space, lone surrogates, noncharacters) become
    U+FFFD, the replacement character, as an HTML parser would make them.

    With ``exact=True`` only ``&``, ``<`` and ``>`` are escaped (what element text needs)
    and every other code point is kept: for the HTML that other formats carry as a string
    (:func:`body_html`), which their readers parse back to the exact text.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if exact:
        return text
    text = text.replace('"', "&quot;").replace("'", "&#x27;")
    if text.isprintable():  # the common case, decided here in one C call
        return text
    return _replace_forbidden(text)


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

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _escape_many(texts: list[str]) -> list[str]:
    """``[escape(text) for text in texts]``, with each check made once for all of them.

    A replacement whose character no text holds is skipped (it would change nothing, and
    the others bring in no such character but ``&``, which is replaced first); when all
    the texts are printable, so is each of them, escaped, and none holds a line feed: they
    are escaped joined by line feeds, in one pass a replacement, and split apart again.
    """
    joined = "".join(texts)
    needed = [pair for pair in _ESCAPES if pair[0] in joined]
    printable = joined.isprintable()
    if printable and not needed:
        return texts
    if printable:  # no line feed in any text: replace in all of them at once, split after
        done = "\n".join(texts)
        for char, reference in needed:
            done = done.replace(char, reference)
        return done.split("\n")
    out = []
    for text in texts:
        done = text
        for char, reference in needed:
            done = done.replace(char, reference)
        if not printable and not done.isprintable():
            done = _replace_forbidden(done)
        out.append(done)
    return out


# An http(s) URL with a plain host name (LDH labels, IDN letters), an optional port and
# anything after the first "/", "?" or "#". A label's character is a letter or digit
# ([^\W_]), "-" or "_": [\w-], the one class the regex engine runs through fastest.
_HOST_CHAR = r"[\w-]"
_URL = re.compile(
    rf"(?P<scheme>https?)://(?P<host>{_HOST_CHAR}+(?:\.{_HOST_CHAR}+)*\.?)"
    r"(?::(?P<port>\d{1,5}))?(?P<rest>[/?#].*)?",
    re.IGNORECASE | re.DOTALL,
)
_URL_SAFE = "/?#@!$&'()*+,;=:%-._~"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What the quoting below leaves as it is, when a URL's rest is made of nothing else: the
# characters quote() keeps (ASCII letters and digits, "_.-~" and _URL_SAFE), but "#" (which
# starts the fragment, quoted otherwise) and "%" (which may be a bad percent).
_AS_IT_IS = "".join(
    sorted(set(string.ascii_letters + string.digits + "_.-~" + _URL_SAFE) - set("#%"))
)
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*", re.ASCII)


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def link_href(url: str) -> str | None:
    """The ``href`` for a link to ``url``, or ``None`` when it must not be linked.

    Only ``http`` and ``https`` URLs with a plain host name are linked: within what the one
    URL rule (``storykit._urls``) allows everywhere (``javascript:``, ``data:``… never), a
    page links neither relative URLs (it has no base to resolve them against) nor
    ``mailto:``. Characters a URL may not hold raw (spaces, quotes, ``<``, ``>``,
    non-ASCII…) are percent-encoded, as a browser would encode them; the result still needs
    :func:`escape` (for ``&``) in an attribute.
    """
    if not is_safe_url(url):  # the rule every format follows; a page links http(s) only
        return None
    match = _URL.fullmatch(url.strip())
    if match is None:
        return None
    port = match["port"]
    if port is not None and int(port) > 0xFFFF:  # the largest TCP port
        return None
    host = match["host"].rstrip(".")
    if _NUMERIC_LABEL.fullmatch(host.rpartition(".")[2]) and not _is_ipv4(host):
        return None  # a URL parser reads this host as an IPv4 address, and it is not one
    rest = match["rest"] or ""
    if rest.rstrip(_AS_IT_IS):  # else quoting changes nothing (most URLs are written so)
        fragment = ""
        if "#" in rest:  # one "#" starts the fragment; later ones are data
            rest, _, fragment = rest.partition("#")
            fragment = "#" + quote(fragment, safe=_URL_SAFE.replace("#", ""))
        rest = quote(rest, safe=_URL_SAFE) + fragment
        rest = _BAD_PERCENT.sub("%25", rest)
    authority = match["host"] + (f":{port}" if port is not None else "")
    return f"{match['scheme'].lower()}://{authority}{rest}"


def machine_date(value: _dt.date) -> str:
    """A valid HTML ``datetime`` value: ``2026-05-25`` or ``2020-02-24T01:50Z``.

    A date stays a date (no time is made up). Seconds are written when not zero, fractions
    to the millisecond (HTML allows three digits); an offset HTML cannot write (with seconds)
    is converted to UTC.
    """
    if not isinstance(value, _dt.datetime):
        return value.isoformat()
    offset = value.utcoffset()
    if offset is not None and offset % _dt.timedelta(minutes=1):
        try:
            value = value.astimezone(_dt.UTC)
        except OverflowError:
            value, offset = value.replace(tzinfo=None), None
        else:
            offset = _dt.timedelta(0)
    if value.microsecond:
        spec = "milliseconds"
    elif value.second:
        spec = "seconds"
    else:
        spec = "minutes"
    text = value.replace(tzinfo=None).isoformat(timespec=spec)
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    sign = "-" if offset < _dt.timedelta(0) else "+"
    minutes = abs(offset) // _dt.timedelta(minutes=1)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def human_date(value: _dt.date) -> str:
    """The date as shown to a reader: ``2026-05-25``, ``2020-02-24 01:50 UTC``, ``… +05:30``."""
    if not isinstance(value, _dt.datetime):
        return value.isoformat()
    spec = "seconds" if value.second or value.microsecond else "minutes"
    text = value.replace(tzinfo=None).isoformat(sep=" ", timespec=spec)
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return f"{text} UTC"
    sign = "-" if offset < _dt.timedelta(0) else "+"
    minutes = abs(offset) // _dt.timedelta(minutes=1)
    return f"{text} {sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _check_options(heading_offset: int, lang: str) -> None:
    if (
        type(heading_offset) is int
        and 0 <= heading_offset <= _MAX_HEADING_OFFSET
        and type(lang) is str
        and lang == "en"
    ):
        return  # the defaults, which pass the checks below
    if not isinstance(heading_offset, int) or isinstance(heading_offset, bool):
        msg = f"heading_offset: expected an integer, got {type(heading_offset).__name__}"
        raise TypeError(msg)
    if not 0 <= heading_offset <= _MAX_HEADING_OFFSET:
        msg = (
            f"heading_offset: must be from 0 to {_MAX_HEADING_OFFSET} "
            f"(section headings are h2 + offset), got {heading_offset}"
        )
        raise ValueError(msg)
    if not isinstance(lang, str):
        msg = f"lang: expected a string, got {type(lang).__name__}"
        raise TypeError(msg)
    if not _LANG.fullmatch(lang):
        msg = f"lang: expected a BCP 47 language tag such as 'en' or 'pt-BR', got {lang!r}"
        raise ValueError(msg)


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
        escaped = _escape_many(_source_texts(source))
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
    escaped = _escape_many(texts)
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
        TypeError: An option has the wrong type.
        ValueError: ``heading_offset`` is out of range or ``lang`` is not a language tag.
    """
    _check_options(heading_offset, lang)
    article = _article(story, heading_offset=heading_offset, image=image, tags=tags, footer=footer)
    if not standalone:
        article.append("")  # the last line ends too: one join, no copy to add "\n"
        return "\n".join(article)
    data = jsonld.dumps(story, indent=None, lang=lang, html_safe=True, body=False)
    page = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(story.title)}</title>",
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


# --------------------------------------------------------------------------- a site's index

INDEX_CSS = f"""\
.storykit-nav {{ max-width: 40rem; margin: 0 auto 1.5rem; font-family: {_SANS}; font-size: .9rem; }}
.storykit-index {{ max-width: 40rem; margin: 0 auto; font-family: {_SANS}; }}
.storykit-index > ol {{ list-style: none; margin: 0; padding: 0; }}
.storykit-index > ol > li {{ margin: 0 0 1.25em; }}
.storykit-index h2 {{ font-size: 1.1rem; margin: 0 0 .2em; }}
.storykit-index .storykit-source {{ font-size: .9rem; opacity: .8; margin: 0 0 .3em; }}
.storykit-index .storykit-tags {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3em; font-size: .85rem; }}
.storykit-index .storykit-tags li {{ padding: .05em .6em; border-radius: 1em; background: rgba(128, 128, 128, .16); }}
"""  # noqa: E501
"""The styles of a site's index page and of the link back to it."""


def file_href(path: str) -> str:
    """The ``href`` of a file of the same site, from its relative ``/``-separated path.

    Each part is percent-encoded (``#``, ``?``, ``%``, spaces, non-ASCII), so that the link
    names the file and nothing else; the result still needs :func:`escape` in an attribute.
    What is encoded are the file system's bytes of the name (:func:`os.fsencode`), so a name
    that is not UTF-8 (held as lone surrogates) links to that very file.
    A part that starts with a scheme-like ``name:`` gets ``./`` before it.
    """
    href = "/".join(quote(os.fsencode(part), safe="") for part in path.split("/"))
    return "./" + href if ":" in href.split("/", 1)[0] else href


def _back_link(index: str) -> str:
    return (
        f'<nav class="storykit-nav"><a href="{escape(file_href(index))}" rel="index">'
        "← All stories</a></nav>"
    )


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


def index_page(entries: str, *, count: int, title: str = "Stories", lang: str = "en") -> str:
    """A site's index page: the entries (:func:`index_entry`, in order) in a whole page.

    Args:
        entries: The joined ``<li>`` entries.
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
    _check_options(0, lang)
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
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


def detect(text: str) -> bool:
    """True when ``text`` starts like an HTML document or a storykit fragment."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype html", "<html", '<article class="storykit"'))
