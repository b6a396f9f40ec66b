"""The indented JSON layout over C-encoded pieces: byte for byte what json.dumps writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit import _json_layout

# Any JSON tree, with the values the layout writes itself and those it hands over (floats).
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _nested(depth: int) -> list[Any]:
    value: list[Any] = ["deep"]
    for _ in range(depth):
        value = [value]
    return value


def _reference(value: Any, indent: int | None, ensure_ascii: bool) -> str:
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators)


@given(_TREES, st.sampled_from([None, 0, 1, 2, 4]), st.booleans())
def test_same_bytes_as_json_dumps(value: Any, indent: int | None, ensure_ascii: bool) -> None:
    assert _json_layout.dumps(value, indent=indent, ensure_ascii=ensure_ascii) == _reference(
        value, indent, ensure_ascii
    )


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, {"b": None}], "c": True, "d": False, "e": [], "f": {}},
        {3: "a key that is not a string"},  # handed to json.dumps, which writes "3"
        {"a": (1, 2)},  # a tuple: json.dumps writes a list
        ["mixed", 1, None, ["x"]],
        'quotes " and \\ and \u2028 and \x00 and a lone \ud800',
        {"a": _nested(20)},  # deeper than the pads go
        [[], {}, [[]], {"": {}}],
        -0,
        True,
    ],
)
@pytest.mark.parametrize("indent", [None, 0, 2, -1])
@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_odd_values(value: Any, indent: int | None, ensure_ascii: bool) -> None:
    assert _json_layout.dumps(value, indent=indent, ensure_ascii=ensure_ascii) == _reference(
        value, indent, ensure_ascii
    )


def test_circular_reference_is_still_an_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        _json_layout.dumps(loop, indent=2)


def test_a_list_of_strings_is_one_join() -> None:
    text = _json_layout.dumps({"tags": ["AI", "EVs"]}, indent=2)
    assert text == '{\n  "tags": [\n    "AI",\n    "EVs"\n  ]\n}'
