"""The cattrs converter of storykit's JSON: strict hooks, and the errors it reports.

:func:`converter` turns stories into JSON-ready dicts and back with cattrs, strictly: exact
JSON types (no coercion of ``5`` into ``"5"``), ISO 8601 dates, arrays checked item by item
with at most ``_KEPT`` wrong items kept. :func:`_errors` and :func:`_more` flatten what it
raises into ``(path, message)`` pairs and a count, which
:func:`storykit.formats.json.from_dict` words as one :class:`~storykit.StoryParseError`.

:mod:`storykit.formats.json` (the format: reading, writing, the schema) imports this
module, never the other way round; ``storykit.formats.json.converter`` is this
:func:`converter`.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from storykit._dates import format_iso, parse_iso
from storykit.errors import _json_type
from storykit.model import Story

if TYPE_CHECKING:
    import cattrs

__all__ = ["converter"]

_plain_hooks: list[object] = []  # the converter's own hook for Story, once built


def _parse_date(value: object, _type: object) -> _dt.date:
    if not isinstance(value, str):
        msg = f"expected an ISO 8601 date string, got {_json_type(value)}"
        raise TypeError(msg)
    try:
        return parse_iso(value)
    except ValueError:
        msg = f"expected an ISO 8601 date or date-time, got {value!r}"
        raise ValueError(msg) from None


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
    """The converter that turns stories into JSON-ready dicts and back (built once).

    cattrs is imported here, when a story is first read from JSON or a subclass of a model
    class written: a command that only writes JSON (``convert -o out.jsonl``) starts
    without it (about a quarter of its start-up).
    """
    from cattrs.preconf.json import make_converter  # noqa: PLC0415

    conv = make_converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _strict(str, "a string"))
    conv.register_structure_hook(int, _strict(int, "an integer"))
    conv.register_structure_hook(bool, _strict(bool, "a boolean"))
    conv.register_structure_hook(_dt.date | None, _optional_date)
    conv.register_unstructure_hook(_dt.date, format_iso)
    conv.register_unstructure_hook(_dt.datetime, format_iso)
    conv.register_structure_hook_factory(_is_tuple, lambda t: _checked_sequence(conv, t))
    # every model class, nested ones a later version may add included
    conv.register_structure_hook_factory(
        attrs.has, lambda kind: _objects_only(conv.gen_structure_attrs_fromdict(kind))
    )
    _plain_hooks[:] = [conv.get_structure_hook(Story)]  # see json._fast_story
    return conv


def _objects_only(structure: Any) -> Any:
    """``structure`` (cattrs' hook of a model class), given only a JSON object.

    cattrs' own hook takes any value and asks it for ``keys()``: ``"source": []`` said
    ``source: 'list' object has no attribute 'keys'``, ``"image": 5`` ``argument of type
    'int' is not iterable``.
    """

    def hook(value: object, type_: Any) -> object:
        if not isinstance(value, dict):
            msg = f"expected an object, got {_json_type(value)}"
            raise TypeError(msg)
        return structure(value, type_)

    return hook


def structure_errors() -> tuple[type[BaseException], ...]:
    """What :func:`converter`'s ``structure`` raises for data that is no story.

    Asked in an ``except`` clause, which is evaluated only when something was raised: a
    story read well does not pay for an import statement (1.2 µs, 4% of a story's
    ``from_dict``), and cattrs is imported by then (by :func:`converter`).
    """
    from cattrs.errors import ClassValidationError, IterableValidationError  # noqa: PLC0415

    return (ClassValidationError, IterableValidationError, ValueError, TypeError)


def _optional_date(value: object, type_: object) -> _dt.date | None:
    return None if value is None else _parse_date(value, type_)


def _is_tuple(type_: Any) -> bool:
    return getattr(type_, "__origin__", None) is tuple


def _checked_sequence(conv: cattrs.Converter, type_: Any) -> Any:
    from cattrs.errors import IterableValidationError, IterableValidationNote  # noqa: PLC0415

    item_type = type_.__args__[0]
    structure_item = conv.get_structure_hook(item_type)

    def hook(value: object, _type: object) -> tuple[Any, ...]:
        items = _strict_list(value, _type)
        errors: list[Exception] = []
        more = 0  # problems past the first _KEPT items that failed: counted, not kept
        out: list[Any] = []
        for index, item in enumerate(items):
            try:
                out.append(structure_item(item, item_type))
            except Exception as exc:  # collected, raised as one group
                if len(errors) >= _KEPT:
                    more += _problems(exc)
                    continue
                note = IterableValidationNote(f"Structuring item {index}", index, item_type)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # as cattrs sets them
                errors.append(exc)
        if errors:
            msg = f"While structuring {type_}"
            group = IterableValidationError(msg, errors, type_)
            group.more = more  # type: ignore[attr-defined]
            raise group
        return tuple(out)

    return hook


_KEPT = 100
"""Wrong items of one array kept as errors (the message names the first; the rest are
counted). Keeping every one made an array of 160,000 numbers where strings belong take 3 s
to refuse, and more than four times as long for four times as many: the collector walked
every error kept so far, again and again."""


def _problems(exc: BaseException) -> int:
    """How many problems ``exc`` stands for: one, or those of its group (and its ``more``)."""
    if isinstance(exc, BaseExceptionGroup):
        return sum(map(_problems, exc.exceptions)) + getattr(exc, "more", 0)
    return 1


def _describe(exc: BaseException, _type: object) -> str:
    from cattrs.errors import ForbiddenExtraKeysError  # noqa: PLC0415

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
    from cattrs import transform_error  # noqa: PLC0415

    pairs = []
    for line in transform_error(exc, path="", format_exception=_describe):
        message, _, path = line.rpartition(" @ ")
        path = path.lstrip(".")
        pairs.append((path, message))
    return pairs


def _more(exc: BaseException) -> int:
    """The problems counted but not kept in ``exc`` and the groups inside it (see _KEPT)."""
    if not isinstance(exc, BaseExceptionGroup):
        return 0
    return getattr(exc, "more", 0) + sum(map(_more, exc.exceptions))
