"""Errors and diagnostics raised or reported by storykit."""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = [
    "Diagnostic",
    "MissingExtraError",
    "StoryError",
    "StoryParseError",
    "StoryWarning",
    "UnknownFormatError",
    "UnrepresentableError",
]


MAX_MESSAGE_LENGTH = 2000
"""The longest message a :class:`StoryParseError` carries; a longer one is cut and says so."""


def _printable(text: str) -> str:
    r"""``text`` with lone surrogates written as ``\udXXX``, so any console can print it."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _bounded(message: str) -> str:
    message = _printable(message)
    if len(message) <= MAX_MESSAGE_LENGTH + 40:  # the slack keeps a cut message as it is
        return message
    cut = len(message) - MAX_MESSAGE_LENGTH
    return f"{message[:MAX_MESSAGE_LENGTH]}… ({cut:,} more characters)"


MAX_QUOTED_LENGTH = 200
"""The most characters of the input a message quotes (a line it could not place, say)."""


def _quoted(text: str) -> str:
    """``repr(text)`` of at most :data:`MAX_QUOTED_LENGTH` characters, saying how many more.

    For quoting input in a message: a 50,000-character line does not make a 50 KB warning.
    """
    if len(text) <= MAX_QUOTED_LENGTH + 20:  # the slack keeps a nearly short text whole
        return repr(text)
    return f"{text[:MAX_QUOTED_LENGTH]!r}… ({len(text) - MAX_QUOTED_LENGTH:,} more characters)"


MAX_PATH_SHOWN = 300
"""The most characters of a path that a message shows (its start and its end)."""


def _shown_path(path: str) -> str:
    """``path`` in a message, its middle left out when it is long (saying how much).

    A message is cut at :data:`MAX_MESSAGE_LENGTH`: a path of 4,000 characters before
    ``: File name too long`` took the reason with it. The end (the file's name) and the
    start (where it is) stay.
    """
    if len(path) <= MAX_PATH_SHOWN + 30:  # the slack keeps a nearly short path whole
        return path
    head = MAX_PATH_SHOWN // 3
    tail = MAX_PATH_SHOWN - head
    return f"{path[:head]}…[{len(path) - MAX_PATH_SHOWN:,} more characters]…{path[-tail:]}"


def _json_type(value: object) -> str:
    """What a message calls a parsed JSON value (``a string``, ``an array``, ``null``)."""
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    names |= {list: "an array", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class StoryError(Exception):
    """The base class of storykit's errors: ``except storykit.StoryError`` catches them all.

    Each error also keeps the built-in base it has always had (:class:`ValueError` for
    :class:`StoryParseError`, :class:`UnknownFormatError` and :class:`UnrepresentableError`,
    :class:`ImportError` for :class:`MissingExtraError`), so code that catches those goes on
    working.
    """


class StoryParseError(StoryError, ValueError):
    r"""Input that cannot be read as a story.

    The message names the file (when known), the line (when there is one) and what was
    expected, as ``file:line: message``. It is at most :data:`MAX_MESSAGE_LENGTH` characters
    long (plus a note of how much was cut) and always printable: a lone surrogate in it or
    in the file name is shown as ``\ud800``.

    Attributes:
        message: What was wrong, without the location.
        filename: The file the input came from, or ``None``.
        line: The 1-based line number the problem was found on, or ``None``.
        path: For structured input (JSON), where in the document the bad value is,
            for example ``sections[2].paragraphs[0]``; else ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message = _bounded(message)
        self.filename = filename
        self.line = line
        self.path = _bounded(path) if path is not None else None
        super().__init__(self._format())

    def _format(self) -> str:
        where = _printable(self.filename) if self.filename is not None else "<string>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def with_filename(self, filename: str | None) -> StoryParseError:
        """Return a copy of this error that names ``filename``."""
        return type(self)(self.message, filename=filename, line=self.line, path=self.path)

    def __reduce__(self) -> tuple[object, ...]:  # keep it picklable for worker processes
        return (_rebuild, (type(self), self.message, self.filename, self.line, self.path))


def _rebuild(
    cls: type[StoryParseError],
    message: str,
    filename: str | None,
    line: int | None,
    path: str | None,
) -> StoryParseError:
    return cls(message, filename=filename, line=line, path=path)


class StoryWarning(UserWarning):
    """Something in the input was odd but the story could still be read."""


class UnknownFormatError(StoryError, ValueError):
    """A format name or file suffix that no registered format handles."""


class MissingExtraError(StoryError, ImportError):
    """A format or feature needs an optional dependency that is not installed."""


def _extra_hint(extra: str) -> str:
    """The command that installs storykit's optional extra ``extra``: ``pip install …``.

    It names the extra's own packages, as storykit's installed metadata gives them
    (``pip install 'pyarrow>=14'``), not the extra (``pip install 'storykit[parquet]'``):
    storykit is installed from a checkout or a wheel, and PyPI's ``storykit``, if there is
    one, is not this project. Without metadata (run from a source tree), the extra's name.
    """
    import importlib.metadata  # noqa: PLC0415 - only when an extra is missing

    try:
        requires = importlib.metadata.requires("storykit") or []
    except importlib.metadata.PackageNotFoundError:
        requires = []
    packages = []
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        if f'extra=="{extra}"' in marker.replace(" ", "").replace("'", '"'):
            packages.append(f"'{spec.strip()}'")
    if not packages:
        return f"pip install 'storykit[{extra}]' (the {extra} extra)"
    return "pip install " + " ".join(packages)


class UnrepresentableError(StoryError, ValueError):
    """A story cannot be written in a format without losing or changing information."""


@attrs.frozen
class Diagnostic:
    """One finding of a reader: a line it could not place, an odd value, and so on."""

    line: int | None
    """The 1-based line the finding is about, or ``None`` when it is about the whole input."""
    level: Literal["error", "warning"]
    """``"error"`` when the input cannot be read, ``"warning"`` when it could."""
    message: str = attrs.field(converter=_bounded)
    """What was found, in a sentence (at most :data:`MAX_MESSAGE_LENGTH` characters, as for
    :class:`StoryParseError`)."""

    def format(self, filename: str | None = None) -> str:
        """Render as ``file:line: level: message``."""
        where = filename if filename is not None else "<string>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.level}: {self.message}"
