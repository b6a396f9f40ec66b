"""Bytes to text: UTF-8 (a BOM dropped), or UTF-16 and UTF-32 with a byte order mark.

Every story read from bytes is decoded by :func:`decode` here, the one place that does it;
input that is not text (NUL in its first KiB) is named by :func:`binary_error`, which tells
UTF-16 or UTF-32 without a byte order mark (some Windows exports) from binary data.
:mod:`storykit._api` (``load``/``loads``), :mod:`storykit._pieces` and
:mod:`storykit._dump_stream` (files, members and streams) decode through these; this
module imports none of them.
"""

from __future__ import annotations

from storykit.errors import StoryParseError

__all__ = [
    "BINARY_HEAD",
    "RECODE",
    "binary_error",
    "binary_what",
    "bom_encoding",
    "decode",
    "decode_wide",
]

BINARY_HEAD = 1024
"""How much of an input's start is looked at for NUL: one there, and it is binary data."""

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

RECODE = "iconv -f windows-1252 -t utf-8 old.txt > new.txt"
"""The command that saves a Latin-1 or Windows-1252 file as UTF-8, named in the error.

Windows-1252 is Latin-1 with printable characters (curly quotes, the euro sign) where
Latin-1 has control codes that text does not use, so it reads text saved in either;
``iconv`` comes with every Linux and macOS. docs/errors.md says more (and what to do when
``iconv`` stops); a test runs the command."""


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
        sample = sample[:BINARY_HEAD].encode("utf-8", "surrogatepass")
    sample = sample[:BINARY_HEAD]
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


def decode_wide(data: bytes, filename: str | None = None) -> tuple[str, StoryParseError | None]:
    """Decode UTF-16 or UTF-32 that starts with a BOM, up to bad data, if any.

    Returns:
        The text (up to the bad data), and the error that names the bad data's offset and
        line (``None`` when there is none). A file cut short in the middle of a character
        is said to be so: the text before it holds every story but the last.
    """
    encoding = bom_encoding(data)
    if encoding is None:
        msg = "no UTF-16 or UTF-32 byte order mark"
        raise ValueError(msg)
    width = 4 if encoding.startswith("utf-32") else 2
    try:
        return data[width:].decode(encoding), None
    except UnicodeDecodeError as exc:
        text = data[width : width + exc.start].decode(encoding)
        name = encoding[:6].upper()
        offset = exc.start + width
        what = f"invalid {name} (a {name} byte order mark, then bad data at offset {offset})"
        if exc.end >= len(data) - width:
            what += ": the input ends inside a character (cut short?)"
        line = text.count("\n") + 1
        return text, StoryParseError(what, filename=filename, line=line)


def decode(data: bytes, filename: str | None = None) -> str:
    """Decode UTF-8 (a BOM is dropped), or UTF-16 or UTF-32 that starts with a BOM.

    Raises:
        StoryParseError: The bytes are not UTF-8 (nor UTF-16 or UTF-32 with a BOM); the
            message gives the byte offset and line.
    """
    if bom_encoding(data) is not None:  # a BOM leaves no doubt about the encoding
        text, error = decode_wide(data, filename)
        if error is not None:
            raise error
        return text
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\0" in data[:BINARY_HEAD]:
            raise binary_error(data, filename) from None
        line = data.count(b"\n", 0, exc.start) + 1
        what = f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        if exc.reason == "unexpected end of data":
            what += ": the input ends inside a character (cut short?)"
        else:  # what to do: the user may not know what UTF-8 is, nor what the file is in
            what += (
                f": not UTF-8 text (Latin-1 or Windows-1252, say); save it as UTF-8, e.g. {RECODE}"
            )
        raise StoryParseError(what, filename=filename, line=line) from None
