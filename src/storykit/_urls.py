"""The one URL rule: which URLs storykit writes where a program may follow them.

A link in an HTML page or in Markdown, a feed's ``link`` or ``url``, JSON-LD's ``url`` and
ninjs' ``uri`` are all followed by programs (browsers, feed readers, search engines). Each of
them asks :func:`is_safe_url`; the formats that only *store* a URL (the dump, JSON,
Markdown's front matter, ninjs' ``altIds``) keep it as text, whatever it is.
"""

from __future__ import annotations

import re

__all__ = ["SAFE_SCHEMES", "is_safe_url"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""The schemes a followed URL may have; a URL without a scheme (relative) is safe too."""

# What the WHATWG URL parser (every browser) does before it looks at the scheme: strip C0
# controls and spaces from both ends and drop tabs and line breaks anywhere, so that
# " java\tscript:" is still javascript:. The scheme is then letters, digits, "+-." up to ":".
_ENDS = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*(?=:)")


def is_safe_url(url: str) -> bool:
    """Whether ``url`` may be written where a program follows it.

    ``http:``, ``https:`` and ``mailto:`` URLs are, and so are relative URLs (no scheme);
    ``javascript:``, ``data:``, ``vbscript:``, ``file:`` and every other scheme are not. The
    scheme is found as a browser finds it (surrounding controls and spaces stripped, tabs
    and line breaks inside dropped, any case).
    """
    value = url.strip(_ENDS)
    if "\t" in value or "\n" in value or "\r" in value:
        value = _TAB_OR_NEWLINE.sub("", value)
    match = _SCHEME.match(value)
    return match is None or match[0].lower() in SAFE_SCHEMES
