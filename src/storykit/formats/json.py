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

import datetime as _dt
import json as _json
import re
from functools import cache
from typing import Any

import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.preconf.json import make_converter

from storykit._dates import format_iso, parse_iso
from storykit._guards import parse_json
from storykit.errors import StoryParseError
from storykit.model import Story

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


def _parse_date(value: object, _type: object) -> _dt.date:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 date string, got {_json_type(value)}"
        raise TypeError(msg)
    try:
        return parse_iso(value)
    except ValueError:
        msg = f"expected an ISO 8601 date or date-time, got {value!r}"
        raise ValueError(msg) from None


def _json_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    names |= {list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _strict(kind: type, name: str) -> Any:
    def hook(value: object, _type: object) -> object:
        if type(value) is not kind:
            msg = f"expected {name}, got {_json_type(value)}"
            raise TypeError(msg)
        return value

    return hook


def _strict_list(value: object, _type: object) -> list[object]:
    if not isinstance(value, list):
        msg = f"expected an array, got {_json_type(value)}"
        raise TypeError(msg)
    return value


@cache
def converter() -> cattrs.Converter:
    """The converter that turns stories into JSON-ready dicts and back (built once)."""
    conv = make_converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _strict(str, "a string"))
    conv.register_structure_hook(int, _strict(int, "an integer"))
    conv.register_structure_hook(bool, _strict(bool, "a boolean"))
    conv.register_structure_hook(_dt.date | None, _optional_date)
    conv.register_unstructure_hook(_dt.date, format_iso)
    conv.register_unstructure_hook(_dt.datetime, format_iso)
    conv.register_structure_hook_factory(_is_tuple, lambda t: _checked_sequence(conv, t))
    return conv


def _optional_date(value: object, type_: object) -> _dt.date | None:
    return None if value is None else _parse_date(value, type_)


def _is_tuple(type_: Any) -> bool:
    return getattr(type_, "__origin__", None) is tuple


def _checked_sequence(conv: cattrs.Converter, type_: Any) -> Any:
    item_type = type_.__args__[0]
    structure_item = conv.get_structure_hook(item_type)

    def hook(value: object, _type: object) -> tuple[Any, ...]:
        items = _strict_list(value, _type)
        errors: list[Exception] = []
        out: list[Any] = []
        for index, item in enumerate(items):
            try:
                out.append(structure_item(item, item_type))
            except Exception as exc:  # collected, raised as one group
                note = IterableValidationNote(f"Structuring item {index}", index, item_type)
                # BaseException.add_note() is 3.11+; cattrs sets __notes__ the same way
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]
                errors.append(exc)
        if errors:
            msg = f"While structuring {type_}"
            raise IterableValidationError(msg, errors, type_)
        return tuple(out)

    return hook


def _describe(exc: BaseException, _type: object) -> str:
    if isinstance(exc, KeyError):
        return "missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown key(s): {_some(sorted(exc.extra_fields))}"
    return str(exc)


_SHOWN = 5  # problems named in one message; the rest are counted


def _some(names: list[str]) -> str:
    """The first few of ``names`` (each cut to 60 characters), and how many more."""
    shown = [name if len(name) <= 60 else name[:60] + "…" for name in names[:_SHOWN]]
    text = ", ".join(shown)
    return text if len(names) <= _SHOWN else f"{text} (and {len(names) - _SHOWN:,} more)"


_FIELD = re.compile(r"([a-z_][\w.\[\]]*): (.*)", re.DOTALL)  # "paragraphs[1]: …"


def _errors(exc: BaseException) -> list[tuple[str, str]]:
    """Flatten a cattrs error into ``(path, message)`` pairs, path like ``sections[2].title``."""
    pairs = []
    for line in cattrs.transform_error(exc, path="", format_exception=_describe):
        message, _, path = line.rpartition(" @ ")
        path = path.lstrip(".")
        pairs.append((path, message))
    return pairs


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
    if version != FORMAT_VERSION:
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
    except (ClassValidationError, IterableValidationError, ValueError, TypeError) as exc:
        pairs = _errors(exc)
        path, message = pairs[0] if pairs else ("", str(exc))
        field = _FIELD.fullmatch(message)
        if field is not None:  # the model's validator named the field: make it part of the path
            path = f"{path}.{field[1]}" if path else field[1]
            message = field[2]
        text = f"{path}: {message}" if path else message
        if len(pairs) > 1:
            text += f" (and {len(pairs) - 1} more)"
        raise StoryParseError(text, filename=filename, path=path or None) from None


def loads(text: str, *, filename: str | None = None) -> Story:
    """Read one story from storykit JSON.

    Raises:
        StoryParseError: Not JSON (with line), or JSON that does not fit (with path).
    """
    return from_dict(parse_json(text, filename), filename=filename)


def dumps(story: Story, *, indent: int | None = 2) -> str:
    """Write ``story`` as storykit JSON (UTF-8 text, keys in model order).

    Args:
        story: The story.
        indent: Spaces per level; ``None`` for one compact line (as in JSONL).
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = _json.dumps(to_dict(story), ensure_ascii=False, indent=indent, separators=separators)
    return text if indent is None else text + "\n"


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
