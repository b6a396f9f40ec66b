"""What the dump's header and footer lines hold: nav line, credits, footer.

The nav line's alt text, a credit's role, name and provider, the footer's URL:
:mod:`storykit.formats._text_reader` reads a dump with these (and the source line with
:mod:`storykit.formats._source_line`).

Each line is classified with regular expressions that are anchored and free of nested
repetition; the common spellings are read without them first, which the tests in
``tests/internals/test_internal_text_fast*.py`` hold to what the expressions find.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from storykit.model import Credit

NAV = "← Back to stories"
FOOTER = "View original source →"
_NAV_RE = re.compile(r"←\s*Back to stories\b[ \t]*(.*)")
# Possessive (*+): three runs of blanks side by side, each free to give some back to the
# next, made 2,000 blanks and "x y" take 5 s to refuse (cubic: 8,000, 6 min); none helps another.
_FOOTER_RE = re.compile(r"View original source\b[ \t]*+(?:→)?[ \t]*+(\S*+)[ \t]*+")
# A footer and the next story's nav line on one line: two dumps joined (``cat a.txt b.txt``)
# where the first does not end with a line break, as dumps often do not. Between the URL and
# the '←' any blanks the first dump's last line ended with (a space, a no-break space: the
# reader strips them all from a line's ends) and byte order marks (the second dump's, an
# empty file's between). Linear: the lazy URL stops at the first blank or mark, where the
# possessive run of them is taken once. The group is that run: where the two are cut apart
# (:func:`_glued_cut`).
_GLUED_RE = re.compile(
    r"View original source\b[ \t]*+(?:→)?[ \t]*+[^\s\ufeff]*?([\s\ufeff]*+)←\s*Back to stories\b.*"
)
_CREDIT_ROLES = "Photo|Photograph|Image|Illustration|Picture|Graphic|Video|Artwork|Drawing"
_CREDIT_BY_RE = re.compile(rf"({_CREDIT_ROLES})s? by[ \t]+(.+)", re.IGNORECASE)
# ``Photo: AFP``, and ``Photo credit: AFP``, ``Photo courtesy of AFP``: a provider alone
_CREDIT_COLON_RE = re.compile(
    rf"({_CREDIT_ROLES})s?(?:[ \t]+credits?)?[ \t]*:[ \t]*(.+)", re.IGNORECASE
)
_CREDIT_COURTESY_RE = re.compile(
    rf"({_CREDIT_ROLES})s?[ \t]+courtesy(?:[ \t]+of)?(?:[ \t]*:)?[ \t]+(?!of$)(.+)", re.IGNORECASE
)


_FOOTER_LENGTH = len(FOOTER)
_NAV_LENGTH = len(NAV)
_NAV_SPACE = NAV + " "  # a nav line with its alt text starts so: see _nav_alt
# A tags line (right above the footer) is at most _TAGS_MAX_LENGTH long and does not end in
# final punctuation, nor does a heading: the reader, the writer and the story splitters read so.
_FINAL_PUNCTUATION = frozenset(".!,;:…\"'”’»)]。！，；：」』）")
_TAGS_MAX_LENGTH = 400


def _nav_alt(line: str) -> str | Literal[False] | None:
    """The alt text of a nav line (``None`` when it gives none); ``False`` for other lines.

    What ``_NAV_RE`` finds; the common ``← Back to stories ALT`` without it.
    """
    if line.startswith(NAV):
        after = line[_NAV_LENGTH : _NAV_LENGTH + 1]  # "Back to stories" ends a word: \b
        if not after or not (after.isalnum() or after == "_"):
            return line[_NAV_LENGTH:].strip() or None
    nav = _NAV_RE.fullmatch(line)
    if nav is None:
        return False
    return nav[1].strip() or None


def _footer_url(line: str) -> str | Literal[False] | None:
    """The URL of a footer line (``None`` when it gives none); ``False`` for other lines.

    What ``_FOOTER_RE`` finds; the common ``View original source → URL`` without it. Byte
    order marks at the line's end are no part of the URL: the next file's, when two dumps
    are joined (``cat a.txt b.txt``) and the second starts with one and a blank line.
    """
    if line.startswith(FOOTER):
        url = line[_FOOTER_LENGTH:].lstrip(" \t").rstrip("\ufeff")
        if not url:
            return None
        return url if url.split() == [url] else False  # no white space in it
    if not line.startswith("View"):  # the regex's first word: a paragraph, typically
        return False
    footer = _FOOTER_RE.fullmatch(line)
    if footer is None:
        return False
    return footer[1].rstrip("\ufeff") or None


def _reads_as_nav_or_footer(line: str) -> bool:
    """Whether a line reads as a nav or footer line, or a footer run into a nav line."""
    return (line.startswith("←") and _NAV_RE.fullmatch(line) is not None) or (
        line.startswith("View")
        and (_FOOTER_RE.fullmatch(line) is not None or _GLUED_RE.fullmatch(line) is not None)
    )


def _glued_cut(line: str) -> tuple[int, int] | None:
    """Where a footer run into the next story's nav line (``_GLUED_RE``) is cut in two.

    ``(end, start)``: the footer is ``line[:end]`` (its URL, if any, without the blanks and
    byte order marks that followed it, which the reader would strip) and the nav line
    ``line[start:]`` (from its ``←``). ``None`` when ``line`` is no such line. The footer
    part reads as a footer (``_FOOTER_RE``) and the nav part as a nav line (``_NAV_RE``).
    """
    glued = _GLUED_RE.fullmatch(line)
    if glued is None:
        return None
    end = glued.start(1)
    while end and line[end - 1] in " \t":  # the blanks before an empty URL: "→ ←"
        end -= 1
    return end, glued.end(1)


_CREDIT_STARTS = frozenset(("pho", "ima", "ill", "pic", "gra", "vid", "art", "dra"))
# The first letters of those and of "By": a line whose first three letters, lower-cased,
# are one of them starts with one of these (no other character lower-cases to p, i, g, v,
# a or d; İ lower-cases to two characters).
_CREDIT_INITIALS = frozenset("PpIiGgVvAaDdB")


_BYLINE_RE = re.compile(r"By[ \t]+(.+)")
_ROLE_WORDS = {
    spelled: role.lower()
    for role in _CREDIT_ROLES.split("|")
    for word in (role, role.lower())
    for spelled in (word, word + "s")
}
"""The usual spellings of a credit's role word (``Photo``, ``photos``…) and the role.

A line ``WORD by REST`` or ``WORD:REST`` (one line) with ``WORD`` one of these is what
``_CREDIT_BY_RE`` or ``_CREDIT_COLON_RE`` finds: :func:`_parse_credit` reads it without them.
(``WORD by`` cannot match the colon's regex, nor ``WORD:`` the other: the regexes' role word
must be followed by `` by`` or by blanks and ``:``.)
"""


def _parse_credit(line: str, byline: bool, make: Callable[..., Credit]) -> Credit | None:
    """:func:`parse_credit`, building the credit with ``make`` (trusted or validating)."""
    if "\n" in line:  # no credit: the regexes' "." stops there, after quadratic backtracking
        return None  # over the blanks before it (5 s for "By", 30,000 blanks, "x\ny")
    if byline and line[:2] == "By":
        match = _BYLINE_RE.fullmatch(line)
        if match is not None:
            name, _, provider = match[1].strip().rpartition("/")
            if not name:
                name, provider = provider, ""
            name, provider = name.strip() or None, provider.strip() or None
            if name is None and provider is None:
                make = Credit  # ``By /``: the validators say what is wrong
            return make("byline", name, provider)
    # the usual spellings, what the regexes find there, at once
    head, by, rest = line.partition(" by ")
    role = _ROLE_WORDS.get(head) if by else None
    if role is None:
        head, colon, rest = line.partition(":")
        if colon and head in _ROLE_WORDS:
            return make(_ROLE_WORDS[head], None, rest.strip()) if rest else None
        if line[:3].lower() not in _CREDIT_STARTS:
            return None
        match = _CREDIT_BY_RE.fullmatch(line)
        if match is None:
            match = _CREDIT_COLON_RE.fullmatch(line) or _CREDIT_COURTESY_RE.fullmatch(line)
            if match is not None:
                return make(match[1].lower(), None, match[2].strip())
            return None
        role, rest = match[1].lower(), match[2]
    rest = rest.strip()
    name, provider = rest, None
    if " on " in rest:
        name, _, provider = rest.rpartition(" on ")
    elif "/" in rest:
        name, _, provider = rest.rpartition("/")
    elif " via " in rest:  # Photo by NAME via AGENCY, as NAME on PROVIDER
        name, _, provider = rest.partition(" via ")
    name, provider = name.strip() or None, (provider or "").strip() or None
    if name is None and provider is None:
        return None
    return make(role, name, provider)
