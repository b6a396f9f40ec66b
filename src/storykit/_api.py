"""``load``/``loads``/``dump``/``dumps``: find the format, then delegate to its module.

Path, file and byte handling and decoding live here and only here; formats see ``str``.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from typing import IO, Any, Literal, Unpack, overload

from storykit import formats
from storykit._guards import check_text
from storykit.errors import StoryParseError, UnknownFormatError
from storykit.formats import (
    AnyWriterOptions,
    HtmlOptions,
    JsonldOptions,
    JsonOptions,
    MarkdownOptions,
    NinjsOptions,
    ReadFormat,
    TextFormat,
    TextOptions,
    TextReadOptions,
)
from storykit.model import Story, _scan_text

__all__ = [
    "bom_encoding",
    "decode",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "may_not_end",
    "read_story",
    "write_story",
]

Source = str | os.PathLike[str] | IO[str] | IO[bytes]


_BOMS = (  # UTF-32 first: its little-endian BOM starts like UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def bom_encoding(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding that ``data``'s byte order mark names, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


_BINARY = "binary data, not a text story"


def _share(sample: bytes, start: int, step: int) -> float:
    """The share of NUL bytes among ``sample[start::step]``."""
    picked = sample[start::step]
    return picked.count(0) / len(picked) if picked else 0.0


def binary_what(sample: bytes | str) -> str:
    """What input with NUL in its first KiB is: UTF-16 or UTF-32 without a BOM, or binary.

    A file saved as UTF-16 without a byte order mark (some Windows and spreadsheet exports)
    was reported as "binary data", which it is not: the message now names the encoding and
    what to do. The guess is only for the message; such a file is still not read (a BOM
    leaves no doubt about the encoding; its absence does). Text is one NUL every other byte
    (UTF-16) or three in four (UTF-32), on the same side of each character; UTF-16 of
    letters beyond Latin has fewer (see :func:`_wide_letters`).

    Args:
        sample: The input's first bytes (or characters, when it was decoded already: text
            in UTF-16 that is all ASCII decodes as UTF-8 with a NUL every other character).
    """
    if isinstance(sample, str):
        sample = sample[:1024].encode("utf-8", "surrogatepass")
    sample = sample[:1024]
    for width, zeros, name in ((4, (2, 3), "UTF-32"), (2, (1,), "UTF-16")):
        for endian, text_at, nul_at in (
            ("little-endian", 0, zeros),
            ("big-endian", width - 1, tuple(width - 1 - z for z in zeros)),
        ):
            if len(sample) >= 2 * width and (
                all(_share(sample, z, width) >= 0.9 for z in nul_at)
                and _share(sample, text_at, width) <= 0.1
            ):
                return _wide_text(name, endian)
    for endian, nul_side in (("little-endian", 1), ("big-endian", 0)):
        if _wide_letters(sample, endian, nul_side):
            return _wide_text("UTF-16", endian)
    return _BINARY


def _wide_text(name: str, endian: str) -> str:
    """The message for text in ``name`` (UTF-16, UTF-32) without a byte order mark."""
    return (
        f"{name} ({endian}) text without a byte order mark, not read: "
        f"save it as UTF-8 (or as {name} with a byte order mark)"
    )


def _wide_letters(sample: bytes, endian: str, nul_at: int) -> bool:
    """Whether ``sample`` is UTF-16 text of letters beyond Latin (Chinese, Cyrillic…).

    Such text has a NUL only in its spaces, line breaks and other ASCII (too few for the
    share :func:`binary_what` looks for first), each on the same side of its character
    and none on the other; decoded, it is printable text in lines (a line break in it:
    random bytes seldom are that).
    """
    if sample[nul_at::2].count(0) < 2 or sample[1 - nul_at :: 2].count(0):
        return False
    even = sample[: len(sample) // 2 * 2]
    text = even.decode(f"utf-16-{endian[0]}e", "replace")
    replaced = text.count("\ufffd")  # a pair cut at the end of the sample, at most
    return (
        replaced <= 1
        and "\n" in text
        and text.replace("\ufffd", "").translate(_LINE_BLANKS).isprintable()
    )


_LINE_BLANKS = str.maketrans("", "", "\n\r\t")


def binary_error(data: bytes | str, filename: str | None, first: int = 1) -> StoryParseError:
    """The error for input with NUL in its first KiB, as :func:`binary_what` names it.

    Text in a wide encoding is named on line ``first`` (where the input starts), and so is
    binary data from its start (a PNG file); text up to a NUL on the line of that NUL (a
    text file with one NUL in it was refused on line 1).

    Args:
        data: The input (bytes, or text decoded already); it holds a NUL.
        filename: Named in the error.
        first: The line the input starts on in its file.
    """
    what = binary_what(data)
    line = first
    if what == _BINARY:
        if isinstance(data, str):
            line += data.count("\n", 0, data.find("\0"))
        else:
            nul = data.find(b"\0")
            try:
                data[:nul].decode("utf-8")  # at most a KiB
            except UnicodeDecodeError:
                return StoryParseError(what, filename=filename, line=line)
            line += data.count(b"\n", 0, nul)
    return StoryParseError(what, filename=filename, line=line)


def decode(data: bytes, filename: str | None = None) -> str:
    """Decode UTF-8 (a BOM is dropped), or UTF-16 or UTF-32 that starts with a BOM.

    Raises:
        StoryParseError: The bytes are not UTF-8 (nor UTF-16 or UTF-32 with a BOM); the
            message gives the byte offset and line.
    """
    encoding = bom_encoding(data)
    if encoding is not None:  # a BOM leaves no doubt about the encoding
        width = 4 if encoding.startswith("utf-32") else 2
        try:
            return data[width:].decode(encoding)
        except UnicodeDecodeError as exc:
            offset = exc.start + width
            name = encoding[:6].upper()
            what = f"invalid {name} (a {name} byte order mark, then bad data at offset {offset})"
            raise StoryParseError(what, filename=filename, line=None) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\0" in data[:1024]:
            raise binary_error(data, filename) from None
        line = data.count(b"\n", 0, exc.start) + 1
        what = f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        raise StoryParseError(what, filename=filename, line=line) from None


def _named_format(filename: str) -> str | None:
    """The format (or alias: ``jsonl``) that a file's name says it holds, if it says one."""
    suffix = os.path.splitext(filename)[1]
    name = formats.by_suffix(suffix)
    if name is None and suffix[1:].lower() in formats.ALIASES:  # .jsonl
        name = suffix[1:].lower()
    return name


@overload
def loads(
    data: str | bytes,
    format: Literal["text", "txt"] | None = None,
    *,
    filename: str | None = None,
    **options: Unpack[TextReadOptions],
) -> Story: ...
@overload
def loads(data: str | bytes, format: ReadFormat, *, filename: str | None = None) -> Story: ...
def loads(
    data: str | bytes,
    format: str | None = None,
    *,
    filename: str | None = None,
    **options: Any,
) -> Story:
    """Read one story from a string (or UTF-8 bytes).

    Args:
        data: The story as text or bytes.
        format: ``"text"``, ``"json"``, ``"markdown"``, ``"ninjs"`` (or an alias: ``"txt"``,
            ``"md"``, ``"jsonl"``), or ``None`` to take it from ``filename``'s suffix, else
            to sniff it from the content.
        filename: Named in error messages (and used to pick the format if ``format`` is None).
        **options: Passed to the format's reader (the text reader takes ``splitter``).

    Raises:
        StoryParseError: The input is not a story in that format (names file and line).
        UnknownFormatError: ``format`` names no format storykit reads from text, or
            ``filename`` is a SQLite or Parquet file's (the message names what reads it).
        MissingExtraError: The format needs an optional extra that is not installed.
    """
    return read_story(data, format, filename=filename, **options)


def read_story(
    data: str | bytes,
    format: str | None = None,
    *,
    filename: str | None = None,
    **options: Any,
) -> Story:
    """:func:`loads` for a format name only known when running (storykit's own callers)."""
    module: TextFormat | None = None
    named: str | None = None  # the format the file's name says it holds
    if format is not None:
        module = formats.reader(format)  # an unknown or unreadable one, before decoding
    elif filename is not None:
        named = _named_format(filename)
        if named in formats.FILE_FORMATS:
            _refuse_file_format(filename)
    if isinstance(data, (bytes, bytearray)):
        text = decode(data, filename)  # decoded bytes hold no lone surrogate
        # U+0000 is zero bytes in UTF-8, UTF-16 and UTF-32: bytes without one hold no NUL
        clean = b"\0" not in data
    else:
        text, clean = data, False
    if not isinstance(text, str):
        msg = f"loads() takes str or bytes, not {type(data).__name__}"
        raise TypeError(msg)
    if text.startswith("\ufeff"):
        text = text[1:]
    # where the text holds its first NUL (-1: nowhere), and whether it is Unicode text
    if clean:
        nul, unicode = -1, True
    elif isinstance(data, (bytes, bytearray)):
        nul, unicode = text.find("\0"), True
    else:  # a str: scanned once for both
        nul, unicode = _scan_text(text)
    if 0 <= nul < 1024:  # (the decoded text: bytes may be UTF-16 with a BOM)
        raise binary_error(text, filename)
    if format is None:
        written = formats.written_only(text)
        if written is not None:
            msg = (
                f"this is {written}, which storykit writes but does not read; read the "
                "story from what it was made from (storykit JSON, a text dump, Markdown "
                "or ninjs)"
            )
            raise StoryParseError(msg, filename=filename, line=1)
    if not unicode:
        check_text(text, filename)  # a lone surrogate: refused, saying where
    if module is None:
        module = formats.reader(named if named is not None else formats.sniff(text))
    # the text holds no lone surrogate (decoded, or scanned above): a format's reader that
    # would look for them (and for NUL) again offers ``_loads_checked`` to skip that
    checked: Callable[..., Story] | None = getattr(module, "_loads_checked", None)
    try:
        if checked is not None:
            return checked(text, filename=filename, nul=nul, **options)
        return module.loads(text, filename=filename, **options)
    except RecursionError:
        raise StoryParseError("input nested too deeply", filename=filename) from None


def _refuse_file_format(filename: str) -> None:
    """Refuse a SQLite or Parquet file given to :func:`load`, saying what reads it.

    Raises:
        UnknownFormatError: ``filename``'s suffix is a file format's (``.db``, ``.parquet``).
    """
    name = formats.by_suffix(os.path.splitext(filename)[1])
    if name in formats.FILE_FORMATS:
        msg = (
            f"{filename} is a {name} file of many stories: read it with "
            f"storykit.iter_stories({filename!r}) (load() reads one story)"
        )
        raise UnknownFormatError(msg)


def may_not_end(stream: IO[Any]) -> bool:
    """Whether ``stream`` may never end: it is no regular file, nor bytes or text in memory.

    A pipe, a device (``/dev/zero``), a socket, standard input from one of these, or a file
    object of another kind (a decompressing one may expand for ever) may; a regular file
    (standard input redirected from one included), a :class:`io.BytesIO` or a
    :class:`io.StringIO` will end.
    """
    if isinstance(stream, (io.BytesIO, io.StringIO)):
        return False
    raw: Any = stream
    if isinstance(raw, io.TextIOWrapper):
        raw = raw.buffer
    if isinstance(raw, (io.BufferedReader, io.BufferedRandom)):
        raw = raw.raw
    if not isinstance(raw, io.FileIO):
        return True
    try:
        return not stat.S_ISREG(os.fstat(raw.fileno()).st_mode)
    except (OSError, ValueError):  # closed, or a descriptor that cannot be looked at
        return True


def _read_file(file: IO[Any], filename: str | None) -> str | bytes:
    """All of ``file``; of a device, a pipe or a stream, at most ``DEFAULT_MAX_MEMBER_SIZE``.

    A regular file has the size it says; a device, a pipe or a file object of another kind
    may never end (``/dev/zero``, a socket), so what comes from one is held to the limit the
    command holds every story to (in bytes, or in characters from a text stream).
    """
    if not may_not_end(file):
        whole: str | bytes = file.read()
        return whole
    from storykit._pieces import at_end  # noqa: PLC0415 - rare: not at import
    from storykit._records import size_text  # noqa: PLC0415
    from storykit._sources import DEFAULT_MAX_MEMBER_SIZE  # noqa: PLC0415

    limit = DEFAULT_MAX_MEMBER_SIZE
    parts: list[Any] = []
    size = 0
    while size <= limit:  # read(n) of a raw stream may give less than n: not its end yet
        asked = limit + 1 - size
        chunk = file.read(asked)
        parts.append(chunk)
        size += len(chunk)
        if at_end(file, asked, chunk):  # (a terminal would wait for one more Ctrl-D)
            break
    if size > limit:
        what = f"more than {size_text(limit)} to read from a device, a pipe or a stream"
        msg = f"{what}; not read as one story"
        raise StoryParseError(msg, filename=filename)
    return "".join(parts) if isinstance(parts[0], str) else b"".join(parts)


@overload
def load(
    source: Source,
    format: Literal["text", "txt"] | None = None,
    **options: Unpack[TextReadOptions],
) -> Story: ...
@overload
def load(source: Source, format: ReadFormat) -> Story: ...
def load(
    source: Source,
    format: str | None = None,
    **options: Any,
) -> Story:
    """Read one story from a path or an open (text or binary) file.

    The format comes from ``format``, else from the file's suffix, else from its content.
    A SQLite database or a Parquet file holds many stories: :func:`storykit.iter_stories`
    reads those.

    Raises:
        StoryParseError: As :func:`loads`, naming the file.
        UnknownFormatError: As :func:`loads`; also for a ``.db``, ``.sqlite`` or
            ``.parquet`` path (the message says to use :func:`storykit.iter_stories`).
        OSError: The file cannot be opened.
    """
    filename: str | None
    if isinstance(source, (str, os.PathLike)):
        filename = os.fspath(source)
        if format is None:
            _refuse_file_format(filename)  # before reading a whole database into memory
        with open(filename, "rb") as file:
            data: str | bytes = _read_file(file, filename)
    else:
        name: object = getattr(source, "name", None)
        filename = name if isinstance(name, str) else None
        data = _read_file(source, filename)
    return read_story(data, format, filename=filename, **options)


@overload
def dumps(
    story: Story, format: Literal["json", "jsonl"] = "json", **options: Unpack[JsonOptions]
) -> str: ...
@overload
def dumps(story: Story, format: Literal["text", "txt"], **options: Unpack[TextOptions]) -> str: ...
@overload
def dumps(
    story: Story, format: Literal["markdown", "md"], **options: Unpack[MarkdownOptions]
) -> str: ...
@overload
def dumps(story: Story, format: Literal["html", "htm"], **options: Unpack[HtmlOptions]) -> str: ...
@overload
def dumps(story: Story, format: Literal["jsonld"], **options: Unpack[JsonldOptions]) -> str: ...
@overload
def dumps(story: Story, format: Literal["ninjs"], **options: Unpack[NinjsOptions]) -> str: ...
def dumps(
    story: Story,
    format: str = "json",
    **options: Any,
) -> str:
    """Write a story as a string in ``format`` (``"json"``, ``"text"``, …).

    Args:
        story: The story.
        format: ``"json"``, ``"text"``, ``"markdown"``, ``"html"``, ``"jsonld"`` or
            ``"ninjs"``, or an alias: ``"jsonl"`` (JSON on one line), ``"txt"``, ``"md"``,
            ``"htm"``.
        **options: The writer's keyword options (for a type checker and an editor, the
            ``TypedDict`` of each: :class:`storykit.formats.HtmlOptions`, …).

    Raises:
        UnknownFormatError: ``format`` names no format written as text (the message says
            which function writes a SQLite or Parquet file).
        UnrepresentableError: The format cannot hold this story unchanged.
        TypeError: The format's writer takes no such option.
    """
    return write_story(story, format, **options)


def write_story(story: Story, format: str, **options: Any) -> str:
    """:func:`dumps` for a format name only known when running (storykit's own callers)."""
    if not isinstance(story, Story):
        msg = f"dumps() takes a Story, not {type(story).__name__}"
        raise TypeError(msg)
    name, implied = formats.resolve(format)
    return formats.writer(name).dumps(story, **{**implied, **options})


@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: None = None,
    **options: Unpack[AnyWriterOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["json", "jsonl"],
    **options: Unpack[JsonOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["text", "txt"],
    **options: Unpack[TextOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["markdown", "md"],
    **options: Unpack[MarkdownOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["html", "htm"],
    **options: Unpack[HtmlOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["jsonld"],
    **options: Unpack[JsonldOptions],
) -> None: ...
@overload
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: Literal["ninjs"],
    **options: Unpack[NinjsOptions],
) -> None: ...
def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: str | None = None,
    **options: Any,
) -> None:
    """Write a story to a path or an open text file, in ``format`` or the one its name says.

    Without ``format``, the format comes from the suffix of the path, or of the open file's
    name (``.json``, ``.md``, ``.html``…; ``.jsonl``: storykit JSON on one line). An open
    file without such a name (standard output, a ``StringIO``) needs ``format=``.

    A path is written through a temporary file in the same folder, renamed into place
    when complete: if writing fails, no file is left (and an existing one is unchanged).
    An existing regular file is replaced; a device or FIFO is written into. HTML written to
    a path is a whole page (``standalone=True``) unless ``standalone=False`` is passed;
    :func:`dumps` and an open file get the ``<article>`` fragment unless it is asked for.
    In JSON Lines (``format="jsonl"`` or a ``.jsonl`` name) the story is one line, ended by
    a newline, so that stories dumped one after another into an open file make a JSON
    Lines file.

    Raises:
        UnknownFormatError: No format given and the name's suffix is not a known one (or
            an open file has no name); or the format is a file format (SQLite, Parquet: the
            message names the function that writes it).
    """
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        if format is None:
            format = _format_from_name(path, path)
        if formats.resolve(format)[0] == "html":
            options.setdefault("standalone", True)  # a file is opened in a browser: a page
        text = _line(write_story(story, format, **options), format)
        from storykit._writing import write_atomic  # noqa: PLC0415 - only when writing a path

        # whole or not at all: a failed write (a full disk) leaves no file, and no old one
        # half overwritten; a device or FIFO is written into
        write_atomic(path, text, force=True, into_special=True)
    else:
        if format is None:
            name: object = getattr(target, "name", None)
            if not isinstance(name, str):
                msg = (
                    "cannot tell the format of an open file without a name; pass format= "
                    f"({_writable()})"
                )
                raise UnknownFormatError(msg)
            format = _format_from_name(name, f"the open file {name!r}")
        target.write(_line(write_story(story, format, **options), format))


def _format_from_name(name: str, where: str) -> str:
    found = _named_format(name)
    if found is None:
        suffix = os.path.splitext(name)[1]
        why = f"from the suffix {suffix!r} of {where}" if suffix else f"of {where}: no suffix"
        msg = f"cannot tell the format {why}; pass format= ({_writable()})"
        raise UnknownFormatError(msg)
    return found


def _writable() -> str:
    written = [name for name in formats.names() if name not in formats.FILE_FORMATS]
    return f"formats written as text: {', '.join(written)}; or jsonl, JSON Lines"


def _line(text: str, format: str) -> str:
    """A story in JSON Lines ends its line; any other text is as written."""
    return text + "\n" if format.lower() == "jsonl" else text


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of storykit's JSON for one story."""
    from storykit.formats import json  # noqa: PLC0415 - cattrs is imported lazily

    return json.schema()
