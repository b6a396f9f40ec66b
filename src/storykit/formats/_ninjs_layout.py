"""The ninjs document laid out directly from a story: the ninjs writer's fast path.

:func:`storykit.formats.ninjs.dumps` writes what ``_json_layout.dumps(to_dict(story))``
would, byte for byte, without building the dictionary: the document's fixed text is made
once per indent and the story's values are put between it. A story this cannot take (a
subclass of a model class…) is left to :func:`~storykit.formats.ninjs.to_dict`. The
constants and date rules both writers share are here too, so that neither module imports
the other's internals.
"""

from __future__ import annotations

import binascii
import datetime as _dt
from functools import cache

from storykit import _json_layout
from storykit._dates import format_iso
from storykit._json_layout import pads
from storykit.export import story_id, story_uri
from storykit.formats.html import body_html, sections_html_pieces
from storykit.formats.text import credit_line
from storykit.model import Credit, Image, Source, Story

PROFILE = "storykit/1"
"""The ``profile`` of the documents :func:`dumps` writes; such documents are read exactly."""
SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"

PUBLISHED_ROLE = "storykit:published"
EXTRA_ROLE = "storykit:extra"
URL_ROLE = "storykit:url"


def _exact_datetime(value: _dt.date) -> bool:
    """An aware date-time whose offset RFC 3339 can write (whole minutes)."""
    if not isinstance(value, _dt.datetime):
        return False
    offset = value.utcoffset()
    return offset is not None and offset.total_seconds() % 60 == 0


def _first_created(value: _dt.date, day_time: _dt.time | None) -> str | None:
    if _exact_datetime(value):
        assert isinstance(value, _dt.datetime)
        return format_iso(value)
    if day_time is not None and not isinstance(value, _dt.datetime):
        return format_iso(_dt.datetime.combine(value, day_time))
    return None


def _check_day_time(day_time: _dt.time | None) -> None:
    if day_time is not None and day_time.utcoffset() is None:
        msg = "day_time: needs a UTC offset, e.g. datetime.time(0, tzinfo=datetime.timezone.utc)"
        raise ValueError(msg)


# --------------------------------------------------------------------------- the fast writer
#
# What ``_json_layout.dumps(to_dict(story), indent=…)`` writes, laid out directly from the
# story, as formats/json.py does for storykit JSON: the same bytes. Every fixed piece of
# the document between the values is made once per indent (:class:`_Pieces`); short texts
# are quoted by the C string encoder json.dumps uses; the bodies, most of the document, are
# what :func:`to_dict` writes (``body_html`` and ``body_text``), quoted as :func:`_bodies`
# says. tests/internals/test_internal_ninjs_fast.py compares the two writers;
# tests/test_writer_bytes.py holds the corpus's output as it was before any fast path.


class _NotPlainError(Exception):
    """A story :func:`_layout` leaves to :func:`to_dict` (a subclass of a model class…)."""


_enc = _json_layout.encoder(ensure_ascii=False)
_JSON_LINE_BREAK = "\\n"  # "\n" in a JSON string
_JSON_BLANK_LINE = _JSON_LINE_BREAK * 2


# Each UTF-8 byte of a text as a hex digit: 1 for a space (the one byte of U+0020; no other
# character's encoding holds the byte 0x20), 0 for any other.
_SPACE_DIGITS = bytes(ord("1") if byte == 0x20 else ord("0") for byte in range(256))
# The printable ASCII characters, each one byte of UTF-8 and in no other character's.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _printable(text: str, utf8: bytes) -> bool:
    """``text.isprintable()``, ``utf8`` being the text's UTF-8.

    Most text is mostly printable ASCII, which takes ``str.isprintable`` a lookup in the
    Unicode database a character: its bytes are dropped here instead, in one C pass that
    only compares bytes, and what is left, the text's other characters in their UTF-8 (no
    byte of which is ASCII), is decoded and asked. Text of which more than a quarter of
    the characters is not ASCII (there is then much left to decode) is asked whole.
    """
    if (len(utf8) - len(text)) * 4 > len(text):  # (each non-ASCII character adds bytes)
        return text.isprintable()
    return utf8.translate(None, _PRINTABLE_ASCII).decode().isprintable()


def _word_count(text: str, utf8: bytes) -> int:
    """``len(text.split())`` for printable text (``utf8`` its UTF-8), without making the words.

    A printable text holds no white space but the ASCII space (every other white space
    character is a control or separator character), so its words are the runs of what is
    not a space. The text's UTF-8 bytes become one integer with a 4-bit digit for each, 1
    for a space and 0 for any other byte (hex digits, :data:`_SPACE_DIGITS`, read two to
    a byte). Each run of spaces has a first digit, 1 where the digit before it is 0, and
    a digit after its last, 0 where the one before is 1: the integer and itself a digit
    on differ in two digits a run, each by one bit. Between and around the runs lie the
    words. All of it in C, on integers of half as many bytes as the text's UTF-8.
    """
    if not text:
        return 0
    digits = utf8.translate(_SPACE_DIGITS)
    if len(digits) % 2:
        digits += b"0"  # a whole number of bytes (a byte that is no space)
    spaces = int.from_bytes(binascii.a2b_hex(digits), "big")
    runs = (spaces ^ (spaces << 4)).bit_count() // 2
    return runs + 1 - (text[0] == " ") - (text[-1] == " ")


def _escaped(text: str) -> str:
    """Printable text as it is inside a JSON string: only the backslash and the quote escaped.

    ``json.encoder.encode_basestring`` escapes those two and the characters below U+0020
    (``ensure_ascii=False``), none of which is printable; this does the same in two scans
    that ``str.find`` makes fast, where the C encoder looks at every character twice.
    """
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    return text


def _bodies(story: Story) -> tuple[str | None, list[str], str, str] | None:
    """The summary, the HTML body and the plain body inside JSON strings, and the word count.

    ``None`` for a story without sections. Each text is what lies between the quotes of its
    JSON string; the HTML body comes in pieces, to join into the document (copied once).
    When the text of the sections is printable (as almost all is), the bodies' only other
    characters are the markup of ``body_html`` (which holds no quote or backslash) and the
    line feeds between blocks: text without a backslash has its HTML body written by
    :func:`sections_html_pieces` with those line feeds as the two characters backslash and
    n, and only its quotes escaped; other printable text is escaped by :func:`_escaped`,
    its line feeds written likewise. Text that is not printable goes through the C encoder.
    """
    sections = story.sections
    if not sections:
        return None
    texts: list[str] = []  # headings and paragraphs, in order: what body_text joins
    summary: str | None = None
    for section in sections:
        if section.heading is not None:
            texts.append(section.heading)
        if section.paragraphs:
            if summary is None:
                summary = section.paragraphs[0]
            texts += section.paragraphs
    joined = " ".join(texts)  # split() runs together "\n\n" and " "
    try:
        utf8 = joined.encode()
    except UnicodeEncodeError:  # a lone surrogate (no validated story holds one)
        utf8 = None
    if utf8 is None or not _printable(joined, utf8):
        words = str(len(joined.split()))
        plain = _enc("\n\n".join(texts))[1:-1]
        summary = None if summary is None else _enc(summary)[1:-1]
        return summary, [_enc(body_html(story))[1:-1]], plain, words
    words = str(_word_count(joined, utf8))
    if "\\" in joined:
        plain = _escaped("\n\n".join(texts)).replace("\n", "\\n")
        summary = None if summary is None else _escaped(summary)
        return summary, [_escaped(body_html(story)).replace("\n", "\\n")], plain, words
    plain = _JSON_BLANK_LINE.join(texts)
    markup = "&" in joined or "<" in joined or ">" in joined
    html = sections_html_pieces(sections, markup=markup, line_break=_JSON_LINE_BREAK)
    if '"' in joined:  # then the one character to escape, in text and HTML alike
        plain = plain.replace('"', '\\"')
        summary = None if summary is None else summary.replace('"', '\\"')
        html = ["".join(html).replace('"', '\\"')]  # (none in the markup)
    return summary, html, plain, words


class _Pieces:
    """The fixed text of the ninjs document for one indent: what lies between its values.

    Each attribute is written just before the value its name says (``title``: before the
    encoded title…), ``end`` pieces just after one. Levels as in the document: the
    top-level entries at 1, the items of their arrays at 2, the items' entries at 3.

    Most values are JSON strings from the C encoder, quotes and all. The quotes of the
    others are in the pieces around them: the bodies and the summary (escaped by
    :func:`_bodies`), and what never needs escaping: the identifier (``story_uri`` takes
    only a plain URI, else makes a URN of hex digits), the story id in the associations'
    URNs and a day's ISO date.
    """

    def __init__(self, indent: int | None) -> None:
        n0, n1, n2, n3, n4, n5 = pads(indent)[:6]
        k = ": " if n1 else ":"

        def entry(name: str, nl: str, value: str = "") -> str:
            return f',{nl}"{name}"{k}{value}'

        self.uri = f'{{{n1}"uri"{k}"'  # story_uri's URIs and URNs need no escaping
        standard = f'{{{n2}"name"{k}"ninjs"' + entry("version", n2, '"3.1"')
        standard += entry("schema", n2, _enc(SCHEMA_URI)) + f"{n1}}}"
        self.head = '"' + (
            entry("standard", n1, standard)
            + entry("profile", n1, _enc(PROFILE))
            + entry("type", n1, '"text"')
            + entry("representationType", n1, '"full"')
        )
        self.first_created = entry("firstCreated", n1)
        self.copyright_holder = entry("copyrightHolder", n1)
        main = f'{{{n3}"role"{k}"main"'
        text_plain = main + entry("contentType", n3, '"text/plain"')
        self.title = entry("headlines", n1, f"[{n2}{text_plain}") + entry("value", n3)
        self.end_item = f"{n2}}}"  # after the last value of an item of a top-level array
        self.end_items = f"{n2}}}{n1}]"  # after the last value of a top-level array
        self.descriptions = entry("descriptions", n1, f"[{n2}")
        self.next_item = f",{n2}"
        self.end_array = f"{n1}]"
        self.summary = f'{{{n3}"role"{k}"summary"' + entry("contentType", n3, '"text/plain"')
        self.summary += entry("value", n3) + '"'
        self.end_quoted = '"' + self.end_item
        self.published = f'{{{n3}"role"{k}{_enc(PUBLISHED_ROLE)}' + entry("value", n3)
        self.day = self.published + '"'  # a date's ISO form needs no escaping
        self.extra = f'{{{n3}"role"{k}{_enc(EXTRA_ROLE)}' + entry("value", n3)
        self.html_words = entry("bodies", n1, f"[{n2}") + main
        self.html_words += entry("contentType", n3, '"text/html"') + entry("wordCount", n3)
        self.value = entry("value", n3) + '"'
        self.plain_words = f'"{n2}}},{n2}' + text_plain + entry("wordCount", n3)
        self.end_bodies = f'"{n2}}}{n1}]'
        self.subjects = entry("subjects", n1, f'[{n2}{{{n3}"name"{k}')
        self.next_subject = f'{n2}}},{n2}{{{n3}"name"{k}'
        self.alt_ids = entry("altIds", n1, f'[{n2}{{{n3}"role"{k}{_enc(URL_ROLE)}')
        self.alt_ids += entry("value", n3)
        self.associations = entry("associations", n1, f"[{n2}")
        self.picture = f'{{{n3}"name"{k}'
        self.picture_uri = entry("rel", n3, '"image"') + entry("uri", n3, '"urn:storykit:')
        self.picture_type = ':image"' + entry("type", n3, '"picture"')
        self.picture_type += entry("representationType", n3, '"partial"')
        self.alt = entry("descriptions", n3, f'[{n4}{{{n5}"role"{k}"alt"')
        self.alt += entry("contentType", n5, '"text/plain"') + entry("value", n5)
        self.end_alt = f"{n4}}}{n3}]"
        self.credit = f'{{{n3}"name"{k}'
        self.credit_uri = entry("rel", n3, '"credit"') + entry("uri", n3, '"urn:storykit:')
        self.by = entry("by", n3)
        self.info_sources = entry("infoSources", n3)
        self.creator = f'[{n4}{{{n5}"name"{k}'
        self.end_creator = entry("role", n5, '"creator"') + f"{n4}}}"
        self.provider = f',{n4}{{{n5}"name"{k}'
        self.end_provider = entry("role", n5, '"provider"') + f"{n4}}}"
        self.end_parties = f"{n3}]"
        self.end = f"{n0}}}" if indent is None else f"{n0}}}\n"  # a file's last line ends


@cache
def _pieces(indent: int | None) -> _Pieces:
    return _Pieces(indent)


def _credited(credit: Credit, p: _Pieces, out: list[str]) -> None:
    """Append a credit's ``by`` and ``infoSources`` (the end of its association) to ``out``."""
    out += (p.by, _enc(credit_line(credit)), p.info_sources)
    name, provider = credit.name, credit.provider
    if name is None and provider is None:
        out.append("[]")  # only a credit that skipped its validators
        return
    if name is not None:
        out += (p.creator, _enc(name), p.end_creator)
    if provider is not None:
        out += (p.provider if name is not None else p.creator, _enc(provider), p.end_provider)
    out.append(p.end_parties)


def _layout(story: Story, p: _Pieces, day_time: _dt.time | None) -> str:  # noqa: PLR0915 - one document, in order
    """The ninjs document of ``story`` as :func:`dumps` returns it, written directly (see above).

    Raises:
        _NotPlainError: Leave this story to :func:`to_dict`.
        ValueError: ``day_time`` has no UTC offset.
    """
    if type(story) is not Story:
        raise _NotPlainError
    if day_time is not None:
        _check_day_time(day_time)
    source, image, credits = story.source, story.image, story.credits
    if (source is not None and type(source) is not Source) or (
        image is not None and type(image) is not Image
    ):
        raise _NotPlainError
    uri = story_uri(story)
    out = [p.uri, uri, p.head]
    descriptions: list[str] = []
    bodies = _bodies(story)
    if bodies is not None and bodies[0] is not None:
        descriptions += (p.summary, bodies[0], p.end_quoted)
    if source is not None:
        published = source.published
        if type(published) is _dt.date:  # a day: firstCreated only with a day_time
            if day_time is not None:
                day_start = format_iso(_dt.datetime.combine(published, day_time))
                out += (p.first_created, _enc(day_start))
            if descriptions:
                descriptions.append(p.next_item)
            descriptions += (p.day, published.isoformat(), p.end_quoted)
        elif published is not None:
            created = _first_created(published, day_time)
            if created is not None:
                out += (p.first_created, _enc(created))
            if not _exact_datetime(published):
                if descriptions:
                    descriptions.append(p.next_item)
                descriptions += (p.published, _enc(format_iso(published)), p.end_item)
        if source.name is not None:
            out += (p.copyright_holder, _enc(source.name))
    out += (p.title, _enc(story.title), p.end_items)
    for extra in story.extras:
        if descriptions:
            descriptions.append(p.next_item)
        descriptions += (p.extra, _enc(extra), p.end_item)
    if descriptions:
        out.append(p.descriptions)
        out += descriptions
        out.append(p.end_array)
    if bodies is not None:
        _, html, plain, words = bodies
        out += (p.html_words, words, p.value)
        out += html
        out += (p.plain_words, words, p.value, plain)
        out.append(p.end_bodies)
    if story.tags:
        out += (p.subjects, p.next_subject.join(map(_enc, story.tags)), p.end_items)
    url = source.url if source is not None else None
    if url is not None and url != uri:
        out += (p.alt_ids, _enc(url), p.end_items)
    if image is not None or credits:
        # story_uri names a story urn:storykit:<story_id> when its URL is no identifier, and
        # never takes a URL that is itself a URN
        sid = uri[13:] if uri.startswith("urn:storykit:") else story_id(story)
        out.append(p.associations)
        if image is not None:
            credit = image.credit
            if credit is not None and type(credit) is not Credit:
                raise _NotPlainError
            out += (p.picture, '"image"' if credit is None else _enc(credit.role))
            out += (p.picture_uri, sid, p.picture_type)
            if credit is not None:
                _credited(credit, p, out)
            if image.alt is not None:
                out += (p.alt, _enc(image.alt), p.end_alt)
            out.append(p.end_item)
        for i, credit in enumerate(credits, start=1):
            if type(credit) is not Credit:
                raise _NotPlainError
            if i > 1 or image is not None:
                out.append(p.next_item)
            out += (p.credit, _enc(credit.role), p.credit_uri, f'{sid}:credit:{i}"')
            _credited(credit, p, out)
            out.append(p.end_item)
        out.append(p.end_array)
    out.append(p.end)
    return "".join(out)
