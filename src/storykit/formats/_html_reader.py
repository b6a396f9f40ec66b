"""Reading HTML bodies: the headings and paragraphs of an HTML fragment, in order.

The reading side of :func:`storykit.formats.html.body_html`: ninjs's ``text/html`` body is
read back with it (:mod:`storykit.formats._ninjs_reader`), from storykit's own output or any
other HTML a body may hold. The ``html`` format's pages are written, never read; what is read
is a body, as :func:`body_blocks` gives it: a list of blocks for the caller to make sections
of.
"""

from __future__ import annotations

import html as _html
import re

__all__ = ["body_blocks"]

_SKIP = frozenset({"head", "title", "script", "style", "figure", "figcaption", "aside", "nav"})
_BLOCKS = frozenset({"p", "blockquote", "li", "pre", "dd", "dt"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr"})
# Tags that end a paragraph made of text outside any block (``<div>text</div>``, a table's
# cells, ``text<hr>text``): HTML's own block boxes that storykit has no element for.
_BREAKS = frozenset(
    {
        "address", "article", "body", "caption", "center", "details", "dl", "div", "fieldset",
        "footer", "form", "header", "hr", "html", "legend", "main", "ol", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip


_RAW_TEXT = {
    "script": re.compile(r"</script[\s/>]", re.I),
    "style": re.compile(r"</style[\s/>]", re.I),
}
_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)[^>]*>")
# A character reference, as :func:`html.unescape` finds them.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_MAX_CODE_POINT_DIGITS = 7  # 0x10FFFF is 1114111: more significant digits is out of range


def _charref(match: re.Match[str]) -> str:
    ref = match[1]
    if ref[0] != "#":
        return _html.unescape(match[0])  # a named reference
    hexadecimal = ref[1] in "xX"
    digits = ref[2 if hexadecimal else 1 :].rstrip(";").lstrip("0")
    if len(digits) > _MAX_CODE_POINT_DIGITS:  # int() of thousands of digits raises
        return "\ufffd"
    number = int(digits or "0", 16 if hexadecimal else 10)
    # html.unescape gives "" for a control (U+001B) or a noncharacter, which the HTML
    # standard keeps (as it does written raw); the model holds them, so they are kept.
    return _html.unescape(f"&#{number};") or chr(number)


def _unescape(text: str) -> str:
    """``text`` with its character references decoded as the HTML standard decodes them.

    :func:`html.unescape` does, but for references to control characters and noncharacters
    (``&#x1b;``), which it drops without a word where a browser keeps the code point, and
    for a number of more than 4,300 digits, on which it raises ``ValueError``.
    """
    return _CHARREF.sub(_charref, text) if "&" in text else text


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
        # Text outside any block (a <div>'s or a table cell's, what follows a </p>) is read
        # as a paragraph of its own, as a browser shows it, and kept as "stray" text.
        self.implicit = False  # the paragraph being read is such text
        self.after_br = False  # a <br> came last: a second one ends such a paragraph

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
                self.items.append(("stray" if self.implicit else self.kind, text))
        self.kind, self.parts, self.implicit, self.after_br = None, [], False, False

    def handle_starttag(self, tag: str) -> None:
        if tag == "br" and self.implicit and self.after_br and not self.skip:
            self.flush()  # text<br><br>text: two paragraphs
            return
        if tag in _VOID:
            if tag == "br" and self.kind is not None and not self.skip:
                self.parts.append("\n")
                self.after_br = True
            elif tag == "hr" and self.implicit:
                self.flush()
            return
        self.after_br = False
        if tag in _SKIP:
            self.skip += 1
        elif not self.skip and (tag in _BLOCKS or tag in _HEADINGS):
            self.flush()
            self.kind = tag if tag in _HEADINGS else "p"
        elif self.implicit and tag in _BREAKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:  # <br/> is read as <br>, then as </br>: nothing to end
            return
        self.after_br = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif not self.skip and (
            tag in _BLOCKS or tag in _HEADINGS or (self.implicit and tag in _BREAKS)
        ):
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.kind is None:
            if data.isspace() or not _unescape(data).strip():
                return
            self.kind, self.implicit = "p", True
        elif self.after_br and not data.isspace():
            self.after_br = False
        self.parts.append(_unescape(data))


def body_blocks(text: str, *, exact: bool) -> list[tuple[str, str]]:
    """The blocks of an HTML body, in order: ``(kind, text)``.

    ``kind`` is ``"h1"`` to ``"h6"`` for a heading, ``"p"`` for a paragraph (``<p>``,
    ``<li>``, ``<blockquote>``…), and ``"stray"`` for text outside any block element (a
    ``<div>``'s, a table cell's, what follows a ``</p>``), read as a paragraph of its own, as
    a browser shows it. Character references are decoded; ``<script>``, ``<style>``, the
    head, figures and navigation are left out. With ``exact`` the texts are kept as written
    (storykit's own bodies keep every space); without it, white space is folded, as a
    browser folds it.
    """
    parser = _BodyParser(exact=exact)
    parser.feed(text)
    parser.flush()
    return parser.items
