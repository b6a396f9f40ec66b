"""Stories as a Dask bag, for archives too big for one machine (``pip install 'storykit[dask]'``).

The bag is built from the files a source names (one task per group of files), each file read
with :func:`storykit.iter_records`, so it takes the same sources (folders, globs, archives,
JSON Lines, multi-story dumps) and gives the same stories in the same order as the serial
path. URLs with a protocol (``s3://bucket/dumps/*.txt``) are opened with fsspec, which Dask
brings along; the protocol's own package (``s3fs``, ``gcsfs``…) must be installed.

Dask is imported when :func:`read_stories` is called, not when this module is imported.
With a process-based scheduler (``scheduler="processes"``, a ``distributed.LocalCluster``),
run the computation under ``if __name__ == "__main__":`` in a script: the worker processes
import the script again.

Examples:
    >>> import storykit.dask
    >>> bag = storykit.dask.read_stories("dumps/", to="record")  # doctest: +SKIP
    >>> bag.pluck("source").frequencies().compute()  # doctest: +SKIP
    >>> frame = bag.to_dataframe()  # needs dask[dataframe]  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from typing import Any, Literal

from storykit.collection import (
    DEFAULT_MAX_MEMBER_SIZE,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_TOTAL_SIZE,
    iter_paths,
    iter_records,
)
from storykit.errors import MissingExtraError, _extra_hint
from storykit.model import Story

__all__ = ["load_file", "read_stories"]

To = Literal["story", "dict", "record", "json"]
_TO = ("story", "dict", "record", "json")


def _convert(story: Story, to: To) -> Any:
    if to == "story":
        return story
    if to == "record":
        from storykit.export import to_records  # noqa: PLC0415

        return to_records([story])[0]
    from storykit.formats import json  # noqa: PLC0415

    if to == "dict":
        return json.to_dict(story)
    return json.dumps(story, indent=None)


def load_file(
    path: Any,
    *,
    to: To = "story",
    with_origin: bool = False,
    errors: Literal["raise", "warn"] = "raise",
    format: str | None = None,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> list[Any]:
    """Every story in one file (or archive), as :func:`read_stories` puts it in the bag.

    ``path`` is a local path or an fsspec ``OpenFile``. Runs inside Dask's workers; also
    usable as the function of any other engine's ``flatMap``.

    Raises:
        StoryParseError: Under ``errors="raise"``, at the first story that cannot be read.
        OSError: The file cannot be opened.
    """

    def convert(source: object) -> list[Any]:
        records = iter_records(
            source,  # type: ignore[arg-type]
            errors=errors,
            format=format,
            max_member_size=max_member_size,
            max_total_size=max_total_size,
            max_members=max_members,
        )
        return [
            (origin, _convert(story, to)) if with_origin else _convert(story, to)
            for origin, story in records
        ]

    if isinstance(path, (str, os.PathLike)):
        return convert(path)
    with path as stream:  # an fsspec OpenFile
        name = str(getattr(path, "path", getattr(stream, "path", "<remote>")))
        return convert(_Named(stream, name))


class _Named:
    """A file object with the ``name`` storykit reads its suffix from."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream = stream
        self.name = name

    def read(self, n: int = -1) -> Any:
        return self._stream.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        result: int = self._stream.seek(offset, whence)
        return result

    def tell(self) -> int:
        result: int = self._stream.tell()
        return result

    def seekable(self) -> bool:
        return bool(getattr(self._stream, "seekable", lambda: False)())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _files(source: Any) -> list[Any]:
    """Local paths (folders walked, globs expanded) or fsspec OpenFiles for URLs."""
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    found: list[Any] = []
    for item in items:
        if isinstance(item, str) and "://" in item:
            fsspec: Any = importlib.import_module("fsspec")  # comes with dask
            found.extend(fsspec.open_files(item, mode="rb"))
        else:
            found.extend(iter_paths(item))
    return found


def read_stories(
    source: Any,
    *,
    to: To = "story",
    with_origin: bool = False,
    errors: Literal["raise", "warn"] = "raise",
    format: str | None = None,
    files_per_partition: int = 64,
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Any:
    """A :class:`dask.bag.Bag` of every story in ``source``.

    Args:
        source: A path, folder, glob, archive or URL (``s3://…/*.txt``), or a list of these.
        to: ``"story"`` for :class:`~storykit.Story` objects, ``"dict"`` for storykit JSON
            dicts (nested, as the JSON format is), ``"record"`` for the flat records of
            :func:`storykit.to_records` (one column each: what ``bag.to_dataframe()`` wants;
            that needs ``dask[dataframe]``, which brings pandas and pyarrow), ``"json"`` for
            compact JSON lines (what ``bag.to_textfiles("out/*.jsonl")`` wants).
        with_origin: Make each element an ``(Origin, story)`` pair.
        errors: ``"raise"`` fails the computation at the first bad story (the error names
            file and line); ``"warn"`` skips it with a warning in the worker's log.
        format: Read every file as this format instead of telling it from the suffix.
        files_per_partition: Files per Dask partition (per task).
        max_member_size: As for :func:`storykit.iter_stories`.
        max_total_size: As for :func:`storykit.iter_stories`.
        max_members: As for :func:`storykit.iter_stories`.

    Returns:
        The bag; nothing is read until it is computed (folders and globs are listed now).

    Raises:
        MissingExtraError: Dask is not installed (the message says what to install).
        FileNotFoundError: A named path does not exist or a glob matches nothing.
        ValueError: ``to`` or ``errors`` is not one of the listed values.
    """
    try:
        db: Any = importlib.import_module("dask.bag")
    except ImportError as exc:
        msg = f"storykit.dask needs Dask, the dask extra: {_extra_hint('dask')}"
        raise MissingExtraError(msg) from exc
    if to not in _TO:
        msg = f"to must be 'story', 'dict', 'record' or 'json', not {to!r}"
        raise ValueError(msg)
    if errors not in ("raise", "warn"):
        msg = f"errors must be 'raise' or 'warn' in a bag, not {errors!r}"
        raise ValueError(msg)
    files = _files(source)
    if not files:
        return db.from_sequence([], npartitions=1)
    options = {
        "to": to,
        "with_origin": with_origin,
        "errors": errors,
        "format": format,
        "max_member_size": max_member_size,
        "max_total_size": max_total_size,
        "max_members": max_members,
    }
    return db.from_sequence(files, partition_size=max(1, files_per_partition)).map_partitions(
        _load_partition, **options
    )


def _load_partition(files: Iterable[Any], **options: Any) -> list[Any]:
    return [item for file in files for item in load_file(file, **options)]
