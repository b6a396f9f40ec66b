"""``dump``/``dumps``: write a story in a format, to a string, a path or an open file.

The writing half of :mod:`storykit._api` (which re-exports it): the format comes from its
name or the target's suffix (:func:`storykit._suffixes.named_format`), the format's module
writes the text, and a path is written whole or not at all
(:func:`storykit._writing.write_atomic`).
"""

from __future__ import annotations

import os
from typing import IO, Any, Literal, Unpack, overload

from storykit import formats
from storykit._refusals import folder_given, socket_given
from storykit._suffixes import JSONL_SUFFIX, named_format
from storykit.errors import UnknownFormatError
from storykit.formats import (
    AnyWriterOptions,
    HtmlOptions,
    JsonldOptions,
    JsonOptions,
    MarkdownOptions,
    NinjsOptions,
    TextOptions,
)
from storykit.model import Story

__all__ = ["dump", "dumps", "write_story"]


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
        TypeError: The format's writer takes no such option (the message names the
            options it takes).
    """
    return write_story(story, format, **options)


def _not_a_story(function: str, story: object) -> str:
    """The message for ``function()`` given ``story``, which is no Story.

    ``dumps(stories, "json")`` said only "takes a Story, not list": several stories (a list,
    what iter_stories() gives) are pointed to the function that writes them.
    """
    msg = f"{function}() takes a Story, not {type(story).__name__}"
    if hasattr(story, "__iter__") and not isinstance(story, (str, bytes, bytearray, dict)):
        msg += "; several stories are written as JSON Lines with storykit.dump_many(stories, path)"
    return msg


def write_story(story: Story, format: str, function: str = "dumps", /, **options: Any) -> str:
    """:func:`dumps` for a format name only known when running (storykit's own callers).

    ``function`` is the public function named when the format's writer refuses an option
    (positional only: an option of that name is the writer's, and refused).
    """
    if not isinstance(story, Story):
        raise TypeError(_not_a_story(function, story))
    name, implied = formats.resolve(format)
    module = formats.writer(name)
    if options:
        formats.check_options(function, name, options, read=False)
    return module.dumps(story, **{**implied, **options})


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
    The folder must exist, as for :func:`open`: it is not made.
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
        FileNotFoundError: The path's folder does not exist (the message names it).
        IsADirectoryError: The path is a folder (the message says to name a file in it).
        OSError: The file cannot be written; or it is a socket (errno ``ENXIO``, the
            message says so).
        TypeError: ``story`` is not a :class:`~storykit.Story`, or ``target`` is neither a
            path nor an open file.
    """
    if not isinstance(story, Story):  # before the format: dump(path, story) says so
        raise TypeError(_not_a_story("dump", story))
    if not isinstance(target, (str, os.PathLike)) and not hasattr(target, "write"):
        msg = f"dump() writes to a path or an open file, not {type(target).__name__}"
        raise TypeError(msg)
    if isinstance(target, (str, os.PathLike)):
        path = os.fspath(target)
        if format is None:
            try:
                format = _format_from_name(path, path)
            except UnknownFormatError:
                _refuse_folder(path, "json")  # a folder's name has no suffix to tell
                if socket := socket_given(path):  # nor a socket's: format= would not help
                    raise socket from None
                raise
        if formats.resolve(format)[0] == "html":
            options.setdefault("standalone", True)  # a file is opened in a browser: a page
        text = _line(write_story(story, format, "dump", **options), format)
        from storykit._writing import write_atomic  # noqa: PLC0415 - only when writing a path

        # whole or not at all: a failed write (a full disk) leaves no file, and no old one
        # half overwritten; a device or FIFO is written into; as open(), no folder is made
        try:
            write_atomic(path, text, force=True, into_special=True, make_folder=False)
        except OSError:
            _refuse_folder(path, format)
            raise
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
        target.write(_line(write_story(story, format, "dump", **options), format))


def _refuse_folder(path: str, format: str) -> None:
    """Raise what :func:`dump` says of ``path`` when it is a folder (see ``folder_given``).

    The file named in it is ``story`` with the suffix of ``format``.

    Raises:
        IsADirectoryError: ``path`` is a folder.
    """
    # looked at before anything is imported: the error may be that no file can be opened
    if not os.path.isdir(path):
        return
    from storykit._naming import out_suffix  # noqa: PLC0415 - for this error only

    lines = format.lower() == "jsonl"
    suffix = JSONL_SUFFIX if lines else out_suffix(formats.resolve(format)[0])
    error = folder_given(path, "dump", "story", "story" + suffix)
    if error is not None:
        raise error from None


def _format_from_name(name: str, where: str) -> str:
    found = named_format(name)
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
