"""``load``/``loads``/``dump``/``dumps``: find the format, then delegate to its module.

Path, file and byte handling and decoding live here and only here; formats see ``str``.
"""

from __future__ import annotations

import os
from typing import IO, Any

from storykit import formats
from storykit._guards import check_text
from storykit.errors import StoryParseError, UnknownFormatError
from storykit.model import Story

__all__ = ["bom_encoding", "decode", "dump", "dumps", "json_schema", "load", "loads"]

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
        line = data.count(b"\n", 0, exc.start) + 1
        if b"\0" in data[:1024]:
            what = "binary data, not a text story"
        else:
            what = f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        raise StoryParseError(what, filename=filename, line=line) from None


def _format_for(fmt: str | None, filename: str | None, text: str | None) -> str:
    if fmt is not None:
        return fmt
    if filename is not None:
        name = formats.by_suffix(os.path.splitext(filename)[1])
        if name is not None:
            return name
    return formats.sniff(text) if text is not None else "text"


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
        format: ``"text"``, ``"json"``, … or ``None`` to sniff it from the content.
        filename: Named in error messages (and used to pick the format if ``format`` is None).
        **options: Passed to the format's reader (the text reader takes ``splitter``).

    Raises:
        StoryParseError: The input is not a story in that format (names file and line).
        UnknownFormatError: ``format`` names no registered format.
        MissingExtraError: The format needs an optional extra that is not installed.
    """
    text = decode(data, filename) if isinstance(data, (bytes, bytearray)) else data
    if not isinstance(text, str):
        msg = f"loads() takes str or bytes, not {type(data).__name__}"
        raise TypeError(msg)
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.find("\0", 0, 1024) != -1:
        raise StoryParseError("binary data, not a text story", filename=filename, line=1)
    if format is None:
        written = formats.written_only(text)
        if written is not None:
            msg = (
                f"this is {written}, which storykit writes but does not read; read the "
                "story from what it was made from (storykit JSON, a text dump, Markdown "
                "or ninjs)"
            )
            raise StoryParseError(msg, filename=filename, line=1)
    if not isinstance(data, (bytes, bytearray)):
        check_text(text, filename)  # a str may hold lone surrogates; decoded bytes never do
    name = _format_for(format, filename, text)
    module = formats.by_name(name)
    if name in formats.FILE_FORMATS:
        msg = f"a {name} file holds many stories: read it with storykit.iter_stories(path)"
        raise UnknownFormatError(msg)
    if not hasattr(module, "loads"):
        msg = f"format {name!r} can be written but not read"
        raise UnknownFormatError(msg)
    # the text holds no lone surrogate (decoded, or checked above): a format's reader that
    # would look for them again offers ``_loads_checked`` to skip that
    read = getattr(module, "_loads_checked", module.loads)
    try:
        story: Story = read(text, filename=filename, **options)
    except RecursionError:
        raise StoryParseError("input nested too deeply", filename=filename) from None
    return story


def load(
    source: Source,
    format: str | None = None,
    **options: Any,
) -> Story:
    """Read one story from a path or an open (text or binary) file.

    The format comes from ``format``, else from the file's suffix, else from its content.

    Raises:
        StoryParseError: As :func:`loads`, naming the file.
        OSError: The file cannot be opened.
    """
    filename: str | None
    if isinstance(source, (str, os.PathLike)):
        filename = os.fspath(source)
        with open(filename, "rb") as file:
            data: str | bytes = file.read()
    else:
        name: object = getattr(source, "name", None)
        filename = name if isinstance(name, str) else None
        data = source.read()
    return loads(data, format, filename=filename, **options)


def dumps(
    story: Story,
    format: str = "json",
    **options: Any,
) -> str:
    """Write a story as a string in ``format`` (``"json"``, ``"text"``, …).

    Raises:
        UnknownFormatError: ``format`` names no registered format.
        UnrepresentableError: The format cannot hold this story unchanged.
    """
    if not isinstance(story, Story):
        msg = f"dumps() takes a Story, not {type(story).__name__}"
        raise TypeError(msg)
    name, implied = formats.resolve(format)
    if name in formats.FILE_FORMATS:
        msg = f"a {name} file holds many stories: write it with storykit.to_{name}(stories, path)"
        raise UnknownFormatError(msg)
    text: str = formats.by_name(name).dumps(story, **{**implied, **options})
    return text


def dump(
    story: Story,
    target: str | os.PathLike[str] | IO[str],
    format: str | None = None,
    **options: Any,
) -> None:
    """Write a story to a path (format from its suffix unless given) or an open text file.

    A path is written through a temporary file in the same folder, renamed into place
    when complete: if writing fails, no file is left (and an existing one is unchanged).
    An existing regular file is replaced; a device or FIFO is written into. HTML written to
    a path is a whole page (``standalone=True``) unless ``standalone=False`` is passed;
    :func:`dumps` and an open file get the ``<article>`` fragment unless it is asked for.

    Raises:
        UnknownFormatError: No format given and the suffix is not a known one.
    """
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        if format is None:
            suffix = os.path.splitext(path)[1]
            format = formats.by_suffix(suffix)
            if format is None:
                msg = (
                    f"cannot tell the format from the suffix {suffix!r} of {path}; "
                    f"pass format= (known formats: {', '.join(formats.names())})"
                )
                raise UnknownFormatError(msg)
        if format == "html":
            options.setdefault("standalone", True)  # a file is opened in a browser: a page
        text = dumps(story, format, **options)
        from storykit._writing import write_atomic  # noqa: PLC0415 - only when writing a path

        # whole or not at all: a failed write (a full disk) leaves no file, and no old one
        # half overwritten; a device or FIFO is written into
        write_atomic(path, text, force=True, into_special=True)
    else:
        target.write(dumps(story, format or "json", **options))


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of storykit's JSON for one story."""
    from storykit.formats import json  # noqa: PLC0415 - cattrs is imported lazily

    return json.schema()
