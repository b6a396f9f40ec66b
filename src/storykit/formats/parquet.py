"""Parquet (extra ``storykit[parquet]``): many stories in one columnar file, both ways.

:func:`to_parquet` (and ``storykit convert … -o stories.parquet``) writes one row per story,
in row groups as the stories stream in, so memory stays flat however many there are;
:func:`read` (behind ``storykit.iter_stories("stories.parquet")``) reads every story back
equal. pyarrow is imported only when a file is written or read.

The columns are those of :func:`storykit.to_records`, with real types, then what it takes to
read a story back whole:

======================  ============================================================
``id``                  string: :func:`storykit.export.story_id`
``title``               string
``source``              string: the outlet's name
``published``           ``timestamp[us, tz=UTC]``: :attr:`storykit.Story.published_at` (a
                        day is midnight UTC, a time with an offset is converted to UTC,
                        a time without one taken as UTC)
``url``, ``image_alt``  string
``credit``              string: the image credit as one line, as the dump words it
``tags``                ``list<string>``
``sections``            ``list<struct<heading: string, paragraphs: list<string>>>``
``word_count``          int64
``text``                string: title, headings and paragraphs (:attr:`Story.text`)
``published_iso``       string: the date as the story gives it (``2026-05-25``, or a
                        date-time with its offset), so a date stays a date
``image_credit``        ``struct<role, name, provider>`` (strings)
``credits``             ``list<struct<role, name, provider>>``: other credits
``extras``              ``list<string>``: lines the reader could not place
======================  ============================================================

The file's metadata holds ``storykit`` → ``{"version": 1}``; a file without it is refused.
"""

from __future__ import annotations

import contextlib
import functools
import json as _json
import os
from collections.abc import Iterable, Iterator
from typing import Any

from storykit._dates import format_iso, parse_iso
from storykit._guards import parse_json
from storykit._records import Failure, Origin, Piece, checked_pairs, read_error, too_large
from storykit._refusals import refuse_folder, refuse_special
from storykit._writing import AtomicFile
from storykit.errors import MissingExtraError, StoryParseError, _extra_hint
from storykit.export import RECORD_COLUMNS, story_id
from storykit.formats._layout_version import version_refused
from storykit.formats._parquet_columns import columns_problem, json_sizes
from storykit.formats.text import credit_line
from storykit.model import Credit, Image, Section, Source, Story

__all__ = [
    "COLUMNS",
    "FORMAT_VERSION",
    "NAME",
    "ROW_GROUP",
    "SUFFIXES",
    "detect",
    "read",
    "read_pieces",
    "schema",
    "to_parquet",
    "write",
]

NAME = "parquet"
SUFFIXES = (".parquet",)
FORMAT_VERSION = 1
"""The version of the column layout, in the file's metadata under ``storykit``."""
ROW_GROUP = 2_000
"""Stories per row group: how many are held in memory at once while writing."""

COLUMNS = (*RECORD_COLUMNS, "published_iso", "image_credit", "credits", "extras")
"""The columns, in order: :data:`storykit.export.RECORD_COLUMNS`, then four for round trips."""

_META_KEY = b"storykit"


def detect(text: str) -> bool:
    """Whether ``text`` starts like a Parquet file (magic ``PAR1``)."""
    return text.startswith("PAR1")


def _pyarrow() -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 - the extra, imported when first needed
        import pyarrow.parquet  # noqa: PLC0415 - loads pa.parquet
    except ImportError:
        msg = f"Parquet needs pyarrow, the parquet extra: {_extra_hint('parquet')}"
        raise MissingExtraError(msg) from None
    return pa


def schema() -> Any:
    """The ``pyarrow.Schema`` of a storykit Parquet file.

    Raises:
        MissingExtraError: pyarrow is not installed.
    """
    pa = _pyarrow()
    credit = pa.struct([("role", pa.string()), ("name", pa.string()), ("provider", pa.string())])
    section = pa.struct([("heading", pa.string()), ("paragraphs", pa.list_(pa.string()))])
    fields = [
        pa.field("id", pa.string(), nullable=False),
        pa.field("title", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("published", pa.timestamp("us", tz="UTC")),
        pa.field("url", pa.string()),
        pa.field("image_alt", pa.string()),
        pa.field("credit", pa.string()),
        pa.field("tags", pa.list_(pa.string()), nullable=False),
        pa.field("sections", pa.list_(section), nullable=False),
        pa.field("word_count", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("published_iso", pa.string()),
        pa.field("image_credit", credit),
        pa.field("credits", pa.list_(credit), nullable=False),
        pa.field("extras", pa.list_(pa.string()), nullable=False),
    ]
    metadata = {_META_KEY: _json.dumps({"version": FORMAT_VERSION}).encode()}
    return pa.schema(fields, metadata=metadata)


# --------------------------------------------------------------------------- writing


def _credit(credit: Credit | None) -> dict[str, str | None] | None:
    if credit is None:
        return None
    return {"role": credit.role, "name": credit.name, "provider": credit.provider}


def _add(columns: dict[str, list[Any]], story: Story) -> None:
    source = story.source
    image = story.image
    credit = image.credit if image is not None else None
    published = story.published
    columns["id"].append(story_id(story))
    columns["title"].append(story.title)
    columns["source"].append(source.name if source is not None else None)
    columns["published"].append(story.published_at)
    columns["url"].append(story.url)
    columns["image_alt"].append(image.alt if image is not None else None)
    columns["credit"].append(credit_line(credit) if credit is not None else None)
    columns["tags"].append(list(story.tags))
    columns["sections"].append(
        [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in story.sections]
    )
    columns["word_count"].append(story.word_count)
    columns["text"].append(story.text)
    columns["published_iso"].append(None if published is None else format_iso(published))
    columns["image_credit"].append(_credit(credit))
    columns["credits"].append([_credit(c) for c in story.credits])
    columns["extras"].append(list(story.extras))


def write(
    items: Iterable[Story | tuple[Origin, Story]],
    path: str | os.PathLike[str],
    *,
    force: bool = True,
    row_group: int = ROW_GROUP,
) -> int:
    """Write stories to a Parquet file, a row group at a time; see :func:`to_parquet`.

    The file is written under a temporary name in the same folder and renamed into place
    when complete; without ``force`` an existing file is never replaced.

    Raises:
        MissingExtraError: pyarrow is not installed.
        FileExistsError: ``path`` exists and ``force`` is false.
        StoryParseError: ``path`` is a device, a FIFO or a socket (never replaced).
        IsADirectoryError: ``path`` is a folder (the message says to name a file in it).
        TypeError: An item is neither a story nor an ``(origin, story)`` pair.
    """
    pa = _pyarrow()
    target = os.fspath(path)
    # before a story is read: a folder was found only when the file was put in its place
    refuse_folder(target, "parquet", ".parquet")
    refuse_special(target, "a Parquet file")
    if not force and os.path.lexists(target):
        raise FileExistsError(17, "File exists", target)
    the_schema = schema()
    # named, locked and swept as every output file is (a kill -9 leaves it for the next run)
    out = AtomicFile(target, force=force, make_folder=False)  # (the command makes it first)
    count = 0
    try:
        with pa.parquet.ParquetWriter(out.file, the_schema, compression="zstd") as writer:
            columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
            for _, story in checked_pairs(items):
                _add(columns, story)
                count += 1
                if count % row_group == 0:
                    writer.write_table(pa.Table.from_pydict(columns, schema=the_schema))
                    columns = {name: [] for name in COLUMNS}
            if columns["id"] or count == 0:
                writer.write_table(pa.Table.from_pydict(columns, schema=the_schema))
        out.commit()  # fails if the target appeared meanwhile and force is false
    except OSError as exc:  # a full disk, a file size limit: pyarrow's error names no file
        if exc.filename is None:
            exc.filename = target
        raise
    finally:
        out.discard()
    return count


def to_parquet(
    stories: Iterable[Story | tuple[Origin, Story]], path: str | os.PathLike[str]
) -> int:
    """Write stories to a Parquet file (needs the ``storykit[parquet]`` extra).

    One row per story, the columns of :func:`storykit.to_records` with real types (a UTC
    timestamp, ``list<string>`` tags, sections as ``list<struct<heading, paragraphs>>``)
    and four more that make the file lossless: :func:`storykit.iter_stories` reads every
    story back equal. The stories are written a row group (2,000) at a time, so memory
    does not grow with their number; the file appears, complete, when all are written.
    The columns are listed in :mod:`storykit.formats.parquet`.

    Examples:
        >>> stories = storykit.iter_stories("archive/")  # doctest: +SKIP
        >>> storykit.to_parquet(stories, "stories.parquet")  # doctest: +SKIP
        20000

    Args:
        stories: Stories (or ``(origin, story)`` pairs, as :func:`storykit.iter_records`
            gives).
        path: The file; an existing one is replaced. Its folder must exist.

    Returns:
        How many stories were written.

    Raises:
        MissingExtraError: pyarrow is not installed (the message says what to install).
        StoryParseError: ``path`` is a device or a FIFO (never replaced).
        TypeError: An item is neither a story nor an ``(origin, story)`` pair.
        FileNotFoundError: The folder of ``path`` does not exist (the message names it).
        IsADirectoryError: ``path`` is a folder (the message says to name a file in it);
            said before any story is read.
    """
    return write(stories, path, force=True)


# --------------------------------------------------------------------------- reading


def _open(path: str, read_dictionary: tuple[str, ...] = ()) -> Any:
    """The storykit Parquet file ``path``, open, its ``read_dictionary`` columns as such.

    Raises:
        StoryParseError: It is no storykit Parquet file of this version, or of columns a
            story can be read from (:func:`._parquet_columns.columns_problem`, asked of
            the file's own types, as it names them), or cannot be read.
    """
    pa = _pyarrow()
    if not os.path.isfile(path):  # not there, a folder, a device or a named pipe
        from storykit._sources import not_a_file  # noqa: PLC0415 - for this error only

        raise StoryParseError(not_a_file(path, "Parquet file"), filename=path)
    try:
        file = pa.parquet.ParquetFile(path)
        metadata = file.schema_arrow.metadata or {}
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise StoryParseError(_not_read(exc), filename=path) from None
    try:
        # depth checked first: metadata of 100,000 "[" was a RecursionError out of json
        version = parse_json(metadata[_META_KEY].decode("utf-8"))["version"]
    except (KeyError, ValueError, TypeError):  # StoryParseError, UnicodeError are ValueErrors
        raise StoryParseError(
            "not a storykit Parquet file (no storykit version in its metadata)", filename=path
        ) from None
    refused = version_refused(version, FORMAT_VERSION, "a storykit Parquet file of version")
    if refused is not None:
        raise StoryParseError(refused, filename=path)
    problem = columns_problem(pa, file.schema_arrow, _read_schema())
    if problem is not None:
        file.close()
        raise StoryParseError(f"not a storykit Parquet file: {problem}", filename=path)
    if read_dictionary:  # those of the columns the file has (a path it lacks is a KeyError)
        paths = {file.schema.column(i).path for i in range(len(file.schema))}
        if wanted := [column for column in read_dictionary if column in paths]:
            file.close()
            try:
                file = pa.parquet.ParquetFile(path, metadata=file.metadata, read_dictionary=wanted)
            except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
                raise StoryParseError(_not_read(exc), filename=path) from None
    return file


def _not_read(exc: Exception) -> str:
    """Why pyarrow could not open a file: its message, or that a name in it is not UTF-8.

    (pyarrow decodes the column names of the file's schema, and lets a decoding error out.)
    """
    if isinstance(exc, UnicodeDecodeError):
        return "a damaged Parquet file (a column name in it is not UTF-8 text)"
    return f"not a Parquet file ({exc})"


def _make_credit(value: dict[str, Any] | None) -> Credit | None:
    if value is None:
        return None
    return Credit(value["role"], value["name"], value["provider"])


def _story(row: dict[str, Any]) -> Story:
    name, published, url = row["source"], row["published_iso"], row["url"]
    source = None
    if name is not None or published is not None or url is not None:
        source = Source(name, None if published is None else parse_iso(published), url)
    alt, credit = row["image_alt"], _make_credit(row["image_credit"])
    return Story(
        row["title"],
        source=source,
        image=Image(alt, credit) if alt is not None or credit is not None else None,
        credits=[Credit(c["role"], c["name"], c["provider"]) for c in row["credits"]],
        sections=[Section(s["heading"], s["paragraphs"]) for s in row["sections"]],
        tags=row["tags"],
        extras=row["extras"],
    )


_READ = (
    "title", "source", "url", "published_iso", "image_alt", "image_credit", "credits",
    "sections", "tags", "extras",
)  # fmt: skip
"""The columns a story is read from."""
_CREDIT_TEXTS = ("role", "name", "provider")
_AS_DICTIONARY = (
    "title", "source", "url", "published_iso", "image_alt",
    *(f"image_credit.{name}" for name in _CREDIT_TEXTS),
    *(f"credits.list.element.{name}" for name in _CREDIT_TEXTS),
    "sections.list.element.heading", "sections.list.element.paragraphs.list.element",
    "tags.list.element", "extras.list.element",
)  # fmt: skip
"""The text columns, read as dictionary arrays: a value the file stores once and uses many
times (dictionary encoding) is held once, whatever it expands to."""
BATCH_ROWS = 2_000
"""Rows decoded by pyarrow at once (each only as a dictionary array where the file has one)."""
BATCH_TEXT = 32 * 1024 * 1024
"""Bytes of text converted to Python objects at once, at most (or one story, if larger)."""


@functools.cache
def _read_schema() -> Any:
    """The ``pyarrow.Schema`` of the columns a story is read from (:data:`_READ`).

    Made once: a schema is immutable, and each file asks for it twice (to check, to read).
    """
    whole = schema()
    return _pyarrow().schema([whole.field(column) for column in _READ])


def _batches(file: Any) -> Iterator[Any]:
    """The file's rows in batches of :data:`BATCH_ROWS`, a row group at a time.

    Each row group has its own dictionaries, and pyarrow cannot put two in one batch of a
    nested column.
    """
    for group in range(file.metadata.num_row_groups):
        yield from file.iter_batches(BATCH_ROWS, row_groups=[group], columns=list(_READ))


def _rows(name: str, limit: int | None) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Each row of the file as a dict, numbered from 1; ``None`` for one over ``limit``.

    pyarrow decodes :data:`BATCH_ROWS` rows at a time, the text columns as dictionary
    arrays; each row's size (:func:`._parquet_columns.json_sizes`) is taken before any
    of it becomes Python objects; a row larger than ``limit`` never does, and the rest are
    converted in slices of at most :data:`BATCH_TEXT` bytes (or one row). So what reading
    holds is bounded by the file's data and the limits, not by what its values expand to.

    Raises:
        StoryParseError: The file is not a storykit Parquet file, or cannot be read.
    """
    pa = _pyarrow()
    import pyarrow.compute  # noqa: F401, PLC0415 - loads pa.compute

    file = _open(name, read_dictionary=_AS_DICTIONARY)
    plain = _read_schema()

    def convert(batch: Any, start: int, stop: int) -> list[dict[str, Any]]:
        # Measured rows, taken (a slice would keep the whole batch's list items, and a cast
        # expand them all), their dictionaries expanded, which converts faster.
        rows = batch
        if (start, stop) != (0, batch.num_rows):
            rows = batch.take(pa.array(range(start, stop), pa.int64()))
        with contextlib.suppress(pa.ArrowException, ValueError):
            rows = rows.cast(plain)  # columns of other types stay as they are: not a story
        try:
            result: list[dict[str, Any]] = rows.to_pylist()
        except (OverflowError, ValueError) as exc:  # a date beyond Python's: not a story
            rows_at = f"rows {number + 1:,} to {number + stop - start:,}"
            msg = f"cannot read the Parquet file ({rows_at}: {exc})"
            raise StoryParseError(msg, filename=name) from None
        return result

    number = 0
    try:
        for batch in _batches(file):
            sizes = json_sizes(pa, batch.column(0))
            for column in batch.columns[1:]:
                sizes = pa.compute.add(sizes, json_sizes(pa, column))
            start = taken = 0
            for i, size in enumerate(sizes.to_pylist()):
                over = limit is not None and size > limit
                if start < i and (over or taken + size > BATCH_TEXT):
                    for row in convert(batch, start, i):
                        number += 1
                        yield number, row
                    start, taken = i, 0
                if over:
                    number += 1
                    yield number, None
                    start = i + 1
                else:
                    taken += size
            if start < batch.num_rows:
                for row in convert(batch, start, batch.num_rows):
                    number += 1
                    yield number, row
    except (pa.ArrowException, OSError) as exc:
        raise StoryParseError(f"cannot read the Parquet file ({exc})", filename=name) from None
    finally:
        file.close()


def read(path: str | os.PathLike[str]) -> Iterator[tuple[Origin, Story]]:
    """Every story in a storykit Parquet file, in order, a batch of rows at a time.

    Each comes with an :class:`~storykit.Origin` naming the file and, as its "line", the
    story's row number (1 for the first).

    Raises:
        MissingExtraError: pyarrow is not installed.
        StoryParseError: The file is not a storykit Parquet file, or a row is not a story.
    """
    name = os.fspath(path)
    for number, row in _rows(name, None):
        assert row is not None  # no limit, no row refused
        try:
            story = _story(row)
        except (TypeError, ValueError, KeyError) as exc:
            msg = f"row {number}: not a story ({exc})"
            raise StoryParseError(msg, filename=name) from None
        yield Origin(name, None, number), story


def read_pieces(path: str, *, max_member_size: int | None = None) -> Iterator[Piece | Failure]:
    """Every story of the file as a piece of storykit JSON, for the batch readers.

    A story larger than ``max_member_size`` bytes is a failure, as an archive member of that
    size is, and the rest are still read; so is a row that is not a story. A story is
    measured twice: as the file holds it, before it is converted to Python objects (its
    text, each value counted once for each use, so a value stored once and used ten
    thousand times is refused without being expanded), then as its JSON.

    Raises:
        MissingExtraError: pyarrow is not installed.
        StoryParseError: The file is not a storykit Parquet file, or cannot be read.
    """
    from storykit.formats.json import dumps  # noqa: PLC0415

    for number, row in _rows(path, max_member_size):
        origin = Origin(path, None, number)
        if row is None:
            yield read_error(origin, too_large(max_member_size or 0, "story"), number)
            continue
        try:
            story = _story(row)
        except (TypeError, ValueError, KeyError) as exc:
            yield read_error(origin, f"row {number}: not a story ({exc})", number)
            continue
        text = dumps(story, indent=None)
        if max_member_size is not None and len(text.encode("utf-8")) > max_member_size:
            yield read_error(origin, too_large(max_member_size, "story"), number)
        else:
            yield Piece(origin, text, "json")
