"""Helpers shared by the HTML tests: a story with every field set, hostile payloads."""

from __future__ import annotations

import datetime as dt

from storykit import Credit, Image, Section, Source, Story


def full_story(value: str = "benign", url: str = "https://example.com/original") -> Story:
    """A story with every field set to ``value`` (and the original link set to ``url``)."""
    credit = Credit(value, value, value)
    return Story(
        value,
        source=Source(value, dt.date(2026, 5, 25), url),
        image=Image(value, credit),
        credits=[credit, Credit("photo", value)],
        sections=[Section(None, [value, value]), Section(value, [value]), Section(value)],
        tags=[value, value],
        extras=[value],
    )


# ----------------------------------------------------------------------------- safety

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "</script><script>alert(1)</script>",
    "x</script>y",
    "<!-- x",
    "<!--<script>alert(1)</script>-->",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '" onmouseover="x',
    "' onmouseover='x",
    "'",
    '"',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'https://example.com/" onmouseover="alert(1)',
    "https://example.com/'><script>alert(1)</script>",
    "\x00<script>alert(1)</script>",
    "\u2028<svg/onload=alert(1)>\x85",
]
