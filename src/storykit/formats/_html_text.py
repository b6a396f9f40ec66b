"""Text, URLs and dates on their way into HTML: the one HTML escaper and its helpers.

Everything here takes a string (or a date) and gives the HTML for it; nothing here knows a
story. :func:`escape` is storykit's one HTML escaper: every writer of HTML (the ``html``
format's fragment and pages, the HTML body ninjs and the feeds carry, the notebook table)
calls it, through :mod:`storykit.formats.html`, which re-exports these names. The links a
page writes pass :func:`link_href` (within the one URL rule, ``storykit._urls``) or
:func:`file_href`; dates are written by :func:`machine_date` and :func:`human_date`.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import re
import string
from urllib.parse import quote

from storykit._urls import is_safe_url

__all__ = [
    "escape",
    "escape_many",
    "file_href",
    "human_date",
    "link_href",
    "machine_date",
]

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


def escape(text: str, *, exact: bool = False) -> str:
    """Escape text for HTML: the one function every piece of story text goes through.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become character references, so the result is safe
    both as element text and as a quoted attribute value. Code points an HTML document may
    not contain (controls other than white space, lone surrogates, noncharacters) become
    U+FFFD, the replacement character, as an HTML parser would make them.

    With ``exact=True`` only ``&``, ``<`` and ``>`` are escaped (what element text needs)
    and every other code point is kept: for the HTML that other formats carry as a string
    (:func:`~storykit.formats.html.body_html`), which their readers parse back to the exact text.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if exact:
        return text
    text = text.replace('"', "&quot;").replace("'", "&#x27;")
    if text.isprintable():  # the common case, decided here in one C call
        return text
    return _replace_forbidden(text)


_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def escape_many(texts: list[str]) -> list[str]:
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
