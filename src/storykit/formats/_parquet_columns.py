"""A Parquet file's columns as :mod:`storykit.formats.parquet` reads them.

What in a file's columns cannot be read as storykit's (:func:`columns_problem`), asked of
the file's own schema before any row is read; and the fewest bytes each row's values take
in a story's JSON (:func:`json_sizes`), so that a story's size limit is kept before any of
it becomes Python. pyarrow is passed in (``pa``): it is imported only when a Parquet file is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["columns_problem", "json_sizes"]


def columns_problem(pa: Any, have: Any, plain: Any) -> str | None:
    """What in the columns ``have`` (a file's schema) cannot be read as ``plain``'s, or None.

    A file with storykit's metadata but not its columns (another program's table, the
    metadata copied) raised ``IndexError`` out of the readers when it had none of them,
    and said a missing one as ``row 1: not a story ('title')``; a column of a type no cast
    makes storykit's (``sections`` of strings) said Python's words about the reader's code.
    Text is read only from text (:func:`_not_text`): pyarrow casts numbers to text, and a
    NaN title was read as the title ``'nan'``, a bool source as ``'true'``, where storykit
    JSON refuses them. A column pyarrow can cast otherwise (a struct of other fields) is
    read, and a value in it that is no story's is said by the row it is in.
    """
    missing = [column for column in plain.names if column not in have.names]
    if missing:
        shown = ", ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" * (len(missing) > 5))
        return f"it has no column {shown}"
    for column in plain.names:
        wanted = plain.field(column).type
        kind = have.field(have.names.index(column)).type  # (a name used twice: the first)
        if _not_text(pa, kind, wanted) or not _casts(pa, kind, wanted):
            return f"its column {column} holds {kind}, not {wanted}"
    return None


def _casts(pa: Any, kind: Any, wanted: Any) -> bool:
    """Whether pyarrow casts a column of ``kind`` to ``wanted`` (a struct of other fields)."""
    try:
        pa.array([], kind).cast(wanted)
    except (pa.ArrowException, ValueError, TypeError):
        return False
    return True


def _not_text(pa: Any, kind: Any, wanted: Any) -> bool:
    """Whether a column of type ``kind`` holds anything but text where ``wanted`` holds text.

    ``wanted`` is storykit's type of the column (text, lists and structs of it); ``kind``
    the file's, followed into its lists and into the struct fields ``wanted`` names. Text
    is a string of any width (or a dictionary of them). A ``null`` type holds nothing but
    None, read as None: the story says whether a None may be there (a source's name may
    be; a title may not, and that row is refused). Where ``kind`` is of another shape (a
    string for a list), the cast in :func:`columns_problem` says whether it can be read. A
    list in a layout storykit does not write (fixed-size, a list view) is refused too:
    :func:`json_sizes` measures lists and large lists only.
    """
    types = pa.types
    while types.is_dictionary(kind):
        kind = kind.value_type
    if types.is_null(kind):
        return False
    if types.is_string(wanted):
        return not (types.is_string(kind) or types.is_large_string(kind) or _is_view(pa, kind))
    if types.is_list(wanted) and (types.is_list(kind) or types.is_large_list(kind)):
        return _not_text(pa, kind.value_type, wanted.value_type)
    if types.is_list(wanted) and _is_other_list(pa, kind):
        return True  # a layout json_sizes does not measure: its size limit would not hold
    if types.is_struct(wanted) and types.is_struct(kind):
        fields = (wanted.field(i) for i in range(wanted.num_fields))
        return any(
            _not_text(pa, kind.field(at).type, field.type)
            for field in fields
            if (at := kind.get_field_index(field.name)) >= 0
        )
    return False


def _is_view(pa: Any, kind: Any) -> bool:
    """Whether ``kind`` is ``string_view`` (pyarrow 16 and later)."""
    is_string_view = getattr(pa.types, "is_string_view", None)
    return is_string_view is not None and bool(is_string_view(kind))


def _is_other_list(pa: Any, kind: Any) -> bool:
    """Whether ``kind`` is a fixed-size list or a list view (pyarrow 16 and later)."""
    types = pa.types
    names = ("is_fixed_size_list", "is_list_view", "is_large_list_view")
    return any(getattr(types, name, lambda _: False)(kind) for name in names)


def json_sizes(pa: Any, array: Any) -> Any:
    """Per slot of ``array``, the fewest bytes its value takes in a story's JSON (int64).

    A string is its UTF-8 bytes and two quotes; a list its items and a separator for each;
    a struct its fields; a null nothing; any other value one byte. A dictionary array is
    measured through its dictionary (each distinct value once) taken by its indices, so
    nothing is expanded: the sizes are known before any row is converted to Python.
    """
    pc = pa.compute
    kind = array.type
    zero, one, two = (pa.scalar(n, pa.int64()) for n in (0, 1, 2))
    if pa.types.is_dictionary(kind):
        return pc.fill_null(pc.take(json_sizes(pa, array.dictionary), array.indices), zero)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pc.fill_null(pc.add(pc.binary_length(array).cast(pa.int64()), two), zero)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        inner = json_sizes(pa, array.values)  # the whole child; the offsets say which are ours
        totals = pc.cumulative_sum(pa.concat_arrays([pa.array([0], pa.int64()), inner]))
        offsets = array.offsets.cast(pa.int64())
        starts, ends = offsets.slice(0, len(array)), offsets.slice(1, len(array))
        items = pc.subtract(pc.take(totals, ends), pc.take(totals, starts))
        return pc.if_else(array.is_valid(), pc.add(items, pc.subtract(ends, starts)), zero)
    if not pa.types.is_struct(kind):
        return pc.if_else(array.is_valid(), one, zero)
    total = pc.if_else(array.is_valid(), zero, zero)
    for field in array.flatten():  # the struct's slice and nulls applied
        total = pc.add(total, json_sizes(pa, field))
    return total
