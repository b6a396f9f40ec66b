r"""storykit's JSON, both ways, through one configured cattrs converter.

The document is an object whose first key, ``"storykit"``, holds the format version
(:data:`FORMAT_VERSION`); the other keys follow the model's field order, always all present
(``null`` for a missing value), so the output is stable. Dates are ISO 8601 (``2026-05-25``,
or ``2026-05-25T08:30:00Z`` with a time). Text is written as UTF-8, not ``\\u`` escapes.

Reading is strict: cattrs' coercion of primitives is off (``{"title": 5}`` is an error, not
``"5"``), unknown keys are errors, and a bad value is reported with its path, such as
``sections[2].paragraphs[0]: expected a string``.
"""

from __future__ import annotations

import json as _json
from typing import Any

from storykit import _json_layout
from storykit._dates import format_iso, parse_iso
from storykit._guards import not_text, parse_json
from storykit._json_layout import Pads, encoder, pads
from storykit.errors import StoryParseError, _json_type
from storykit.formats._json_converter import (  # the converter, its hooks and its errors
    _FIELD,
    _errors,
    _more,
    _plain_hooks,
    converter,
    structure_errors,
)
from storykit.model import (
    Credit,
    Image,
    Section,
    Source,
    Story,
    _trusted_credit,
    _trusted_image,
    _trusted_section,
    _trusted_source,
    _trusted_story,
)

__all__ = [
    "FORMAT_VERSION",
    "NAME",
    "SUFFIXES",
    "converter",
    "detect",
    "dumps",
    "from_dict",
    "loads",
    "schema",
    "to_dict",
]

NAME = "json"
SUFFIXES = (".json",)
FORMAT_VERSION = 1
"""The version of the JSON layout this module reads and writes."""
VERSION_KEY = "storykit"


def to_dict(story: Story) -> dict[str, Any]:
    """The JSON-ready dict of ``story``, version key first."""
    return {VERSION_KEY: FORMAT_VERSION, **converter().unstructure(story)}


def from_dict(data: object, *, filename: str | None = None) -> Story:
    """Build a story from a dict as :func:`to_dict` makes it.

    Raises:
        StoryParseError: The dict does not fit (the message gives the path of the bad value).
    """
    if not isinstance(data, dict):
        raise StoryParseError(
            f"expected a JSON object, got {_json_type(data)}", filename=filename, line=1
        )
    version = data.get(VERSION_KEY)
    if type(version) is not int or version != FORMAT_VERSION:  # not true or 1.0 (== 1)
        found = "no version" if VERSION_KEY not in data else f"version {version!r}"
        raise StoryParseError(
            f"expected storykit JSON version {FORMAT_VERSION} in key {VERSION_KEY!r}, "
            f"found {found}",
            filename=filename,
            path=VERSION_KEY,
        )
    body = {k: v for k, v in data.items() if k != VERSION_KEY}
    try:
        return converter().structure(body, Story)
    except structure_errors() as exc:  # (evaluated only when something was raised)
        pairs = _errors(exc)
        path, message = pairs[0] if pairs else ("", str(exc))
        field = _FIELD.fullmatch(message)
        if field is not None:  # the model's validator named the field: make it part of the path
            path = f"{path}.{field[1]}" if path else field[1]
            message = field[2]
        text = f"{path}: {message}" if path else message
        count = max(len(pairs), 1) + _more(exc)  # (the problems past _KEPT are counted)
        if count > 1:
            text += f" (and {count - 1} more)"
        raise StoryParseError(text, filename=filename, path=path or None) from None


def loads(text: str, *, filename: str | None = None) -> Story:
    """Read one story from storykit JSON.

    Raises:
        StoryParseError: Not JSON (with line), or JSON that does not fit (with path).
        TypeError: ``text`` is no ``str`` (``storykit.loads`` takes bytes).
    """
    if not isinstance(text, str):
        raise not_text(text, "json")
    data = parse_json(text, filename, lines=True)
    if type(data) is dict and _plain_text(text):
        try:
            return _fast_story(data)
        except (_SlowPathError, TypeError):  # TypeError: a str method given something else
            pass  # the converter reads it, or says what is wrong
    return from_dict(data, filename=filename)


# --------------------------------------------------------------------------- fast path
#
# Most documents are valid: they are read by checking each value the way the converter's
# hooks and the model's validators would (exact JSON types, non-blank text, each class's
# rules), then built with the model's trusted builders, which do not check again. Anything
# unusual, valid or not, is left to the converter (``_SlowPathError``), which builds the
# story or explains the error, so the two paths always agree. The fast path is used only
# while the converter's hook for ``Story`` is the one :func:`converter` built
# (``_plain_hooks``; a hook registered since turns it off), and only for text that cannot
# hold a lone surrogate, which the validators alone judge.


class _SlowPathError(Exception):
    """Leave this document to the converter."""


_STORY_KEYS = frozenset(
    (VERSION_KEY, "title", "source", "image", "credits", "sections", "tags", "extras")
)
_SOURCE_KEYS = frozenset(("name", "published", "url"))
_IMAGE_KEYS = frozenset(("alt", "credit"))
_CREDIT_KEYS = frozenset(("role", "name", "provider"))
_SECTION_KEYS = frozenset(("heading", "paragraphs"))


def _plain_text(text: str) -> bool:
    r"""True when the JSON text can hold no lone surrogate, raw or as a ``\u`` escape."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
    # most documents have no escapes at all: one fast scan for a backslash tells
    return text.find("\\") < 0 or ("\\ud" not in text and "\\uD" not in text)


def _optional_text(value: object) -> str | None:
    if value is None or (type(value) is str and value.strip()):
        return value
    raise _SlowPathError


def _texts(value: object) -> tuple[str, ...]:
    """A list of non-blank strings, as a tuple (TypeError for an item that is no string)."""
    if type(value) is not list or not all(map(str.strip, value)):
        raise _SlowPathError
    return tuple(value)


def _fast_credit(value: object) -> Credit:
    if type(value) is not dict or not value.keys() <= _CREDIT_KEYS or "role" not in value:
        raise _SlowPathError
    role = value["role"]
    if type(role) is not str or not role.strip():
        raise _SlowPathError
    name = _optional_text(value.get("name"))
    provider = _optional_text(value.get("provider"))
    if name is None and provider is None:
        raise _SlowPathError
    return _trusted_credit(role, name, provider)


def _fast_source(value: object) -> Source | None:
    if value is None:
        return None
    if type(value) is not dict or not value.keys() <= _SOURCE_KEYS:
        raise _SlowPathError
    name = _optional_text(value.get("name"))
    url = _optional_text(value.get("url"))
    published = value.get("published")
    if published is not None:
        if type(published) is not str:
            raise _SlowPathError
        try:
            published = parse_iso(published)
        except (ValueError, OverflowError):
            raise _SlowPathError from None
    elif name is None and url is None:
        raise _SlowPathError
    return _trusted_source(name, published, url)


def _fast_image(value: object) -> Image | None:
    if value is None:
        return None
    if type(value) is not dict or not value.keys() <= _IMAGE_KEYS:
        raise _SlowPathError
    alt = _optional_text(value.get("alt"))
    credit = value.get("credit")
    if credit is not None:
        credit = _fast_credit(credit)
    elif alt is None:
        raise _SlowPathError
    return _trusted_image(alt, credit)


def _fast_sections(value: object) -> tuple[Section, ...]:
    if type(value) is not list:
        raise _SlowPathError
    sections: list[Section] = []
    keys = _SECTION_KEYS
    strip = str.strip
    for item in value:
        if type(item) is not dict or not item.keys() <= keys:
            raise _SlowPathError
        heading = item.get("heading", _SlowPathError)
        paragraphs = item.get("paragraphs", ())
        if heading is None:
            if sections or not paragraphs:
                raise _SlowPathError
        elif type(heading) is not str or not heading.strip():
            raise _SlowPathError  # missing (the marker), not a string, or blank
        if type(paragraphs) is list and all(map(strip, paragraphs)):  # TypeError: not a str
            paragraphs = tuple(paragraphs)
        elif paragraphs != ():
            raise _SlowPathError
        sections.append(_trusted_section(heading, paragraphs))
    return tuple(sections)


def _fast_story(data: dict[str, Any]) -> Story:
    """The story of a valid document, read without the converter.

    Raises:
        _SlowPathError: Anything unusual: leave the document to the converter.
        TypeError: The same (a string method given something else).
    """
    if type(data.get(VERSION_KEY)) is not int or data[VERSION_KEY] != FORMAT_VERSION:
        raise _SlowPathError  # (true, which equals 1, too: the converter's check refuses it)
    if not data.keys() <= _STORY_KEYS:
        raise _SlowPathError
    if converter().get_structure_hook(Story) is not _plain_hooks[0]:
        raise _SlowPathError
    title = data.get("title")
    if type(title) is not str or not title.strip():
        raise _SlowPathError
    get = data.get
    credits = get("credits")
    return _trusted_story(
        title,
        _fast_source(get("source")),
        _fast_image(get("image")),
        () if credits is None and "credits" not in data else _fast_credits(credits),
        _fast_sections(get("sections")) if "sections" in data else (),
        _texts(get("tags")) if "tags" in data else (),
        _texts(get("extras")) if "extras" in data else (),
    )


def _fast_credits(value: object) -> tuple[Credit, ...]:
    if type(value) is not list:
        raise _SlowPathError
    return tuple([_fast_credit(item) for item in value])


def dumps(story: Story, *, indent: int | None = 2) -> str:
    """Write ``story`` as storykit JSON (UTF-8 text, keys in model order).

    Args:
        story: The story.
        indent: Spaces per level; ``None`` for one compact line (as in JSONL).
    """
    if type(indent) is int or indent is None:
        try:
            text = _layout(story, pads(indent))
        except _NotPlainError:
            pass
        else:
            return text if indent is None else text + "\n"
    if type(indent) is not int and indent is not None:
        document = to_dict(story)
        return (
            _json.dumps(document, ensure_ascii=False, indent=indent, separators=(",", ": ")) + "\n"
        )
    # A subclass of a model class: the converter's dict, laid out around C-encoded strings
    # (the standard library's indenting encoder holds a piece of text per token).
    text = _json_layout.dumps(to_dict(story), indent=indent)
    return text if indent is None else text + "\n"


class _NotPlainError(Exception):
    """A story :func:`_layout` leaves to the converter (a subclass of a model class…)."""


_enc = encoder(ensure_ascii=False)
_NULL = "null"


def _text_or_null(value: str | None) -> str:
    return _NULL if value is None else _enc(value)


def _credit_json(credit: Credit, nl: Pads, level: int) -> str:
    if type(credit) is not Credit:
        raise _NotPlainError
    inner = nl[level + 1]
    sep = "," + inner
    key = ": " if inner else ":"
    return (
        f'{{{inner}"role"{key}{_enc(credit.role)}{sep}"name"{key}{_text_or_null(credit.name)}'
        f'{sep}"provider"{key}{_text_or_null(credit.provider)}{nl[level]}}}'
    )


def _strings_json(values: tuple[str, ...], nl: Pads, level: int) -> str:
    if not values:
        return "[]"
    inner = nl[level + 1]
    return f"[{inner}{(',' + inner).join(map(_enc, values))}{nl[level]}]"


def _layout(story: Story, nl: Pads) -> str:
    """What ``json.dumps(to_dict(story), …)`` writes, laid out here around C-encoded text.

    The document's shape is fixed (every key always present, in model order), so it is
    written directly from the story, each string quoted by the same C encoder
    ``json.dumps`` uses: the same bytes, at about the speed of the C encoder. Only the
    model's own classes are laid out here; a subclass (which the converter may write
    differently) raises :class:`_NotPlainError`.

    Raises:
        _NotPlainError: Leave this story to the converter.
    """
    if type(story) is not Story:
        raise _NotPlainError
    n1, n2, n3 = nl[1], nl[2], nl[3]
    key = ": " if n1 else ":"
    s1, s2, s3 = "," + n1, "," + n2, "," + n3
    source = story.source
    if source is None:
        source_json = _NULL
    elif type(source) is Source:
        published = source.published
        date = _NULL if published is None else _enc(format_iso(published))
        source_json = (
            f'{{{n2}"name"{key}{_text_or_null(source.name)}{s2}"published"{key}{date}'
            f'{s2}"url"{key}{_text_or_null(source.url)}{n1}}}'
        )
    else:
        raise _NotPlainError
    image = story.image
    if image is None:
        image_json = _NULL
    elif type(image) is Image:
        credit = image.credit
        credit_json = _NULL if credit is None else _credit_json(credit, nl, 2)
        image_json = (
            f'{{{n2}"alt"{key}{_text_or_null(image.alt)}{s2}"credit"{key}{credit_json}{n1}}}'
        )
    else:
        raise _NotPlainError
    credits = story.credits
    credits_json = (
        f"[{n2}{s2.join([_credit_json(c, nl, 2) for c in credits])}{n1}]" if credits else "[]"
    )
    sections = []
    for section in story.sections:
        if type(section) is not Section:
            raise _NotPlainError
        heading = section.heading
        sections.append(
            f'{{{n3}"heading"{key}{_NULL if heading is None else _enc(heading)}'
            f'{s3}"paragraphs"{key}{_strings_json(section.paragraphs, nl, 3)}{n2}}}'
        )
    sections_json = f"[{n2}{s2.join(sections)}{n1}]" if sections else "[]"
    return (
        f'{{{n1}"{VERSION_KEY}"{key}{FORMAT_VERSION}{s1}"title"{key}{_enc(story.title)}'
        f'{s1}"source"{key}{source_json}{s1}"image"{key}{image_json}'
        f'{s1}"credits"{key}{credits_json}{s1}"sections"{key}{sections_json}'
        f'{s1}"tags"{key}{_strings_json(story.tags, nl, 1)}'
        f'{s1}"extras"{key}{_strings_json(story.extras, nl, 1)}{nl[0]}}}'
    )


def detect(text: str) -> bool:
    """True when ``text`` starts like a JSON object."""
    return text.lstrip("\ufeff \t\r\n")[:1] == "{"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the documents :func:`dumps` writes."""
    credit = {
        "type": "object",
        "description": "Who made a picture: role, person and/or agency.",
        "properties": {
            "role": {**_TEXT, "description": "photo, image, illustration, photograph…"},
            "name": _nullable(_TEXT),
            "provider": _nullable(_TEXT),
        },
        "required": ["role", "name", "provider"],
        "additionalProperties": False,
    }
    date = {
        "type": "string",
        "description": "ISO 8601: a date (YYYY-MM-DD) or a date-time.",
        "anyOf": [{"format": "date"}, {"format": "date-time"}],
        "pattern": r"^\d{4}-\d{2}-\d{2}(T.+)?$",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://storykit.invalid/schema/story-1.json",
        "title": "storykit story",
        "type": "object",
        "properties": {
            VERSION_KEY: {"const": FORMAT_VERSION},
            "title": _TEXT,
            "source": _nullable(
                {
                    "type": "object",
                    "properties": {
                        "name": _nullable(_TEXT),
                        "published": _nullable(date),
                        "url": _nullable(_TEXT),
                    },
                    "required": ["name", "published", "url"],
                    "additionalProperties": False,
                }
            ),
            "image": _nullable(
                {
                    "type": "object",
                    "properties": {"alt": _nullable(_TEXT), "credit": _nullable(credit)},
                    "required": ["alt", "credit"],
                    "additionalProperties": False,
                }
            ),
            "credits": {"type": "array", "items": credit},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "heading": _nullable(_TEXT),
                        "paragraphs": {"type": "array", "items": _TEXT},
                    },
                    "required": ["heading", "paragraphs"],
                    "additionalProperties": False,
                },
            },
            "tags": {"type": "array", "items": _TEXT},
            "extras": {"type": "array", "items": _TEXT},
        },
        "required": [VERSION_KEY, "title", "source", "image", "credits", "sections", "tags"],
        "additionalProperties": False,
    }
