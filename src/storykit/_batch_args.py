"""The batch commands' command line, read and checked before anything runs.

What ``storykit convert`` is asked to write, and where: the format (``--to``, else the
suffix of ``-o``), whether ``-o`` names a folder, whether the inputs give one story or
several, and the writer's options the flags set (``--fragment``, ``--no-tags``…). A command
line that cannot work is refused here with a :class:`UsageError` whose advice works when
followed as written (``-o x.html --to json``: name the file ``x.json``, or drop ``--to``).

:mod:`storykit._batch` runs the commands on what this module reads; it imports this
module, never the other way round.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import os
import stat
from collections.abc import Callable
from typing import Any

from storykit import formats
from storykit._cli_names import shown
from storykit._naming import input_base, out_suffix
from storykit._records import Piece
from storykit._sources import Limits, _glob
from storykit._suffixes import ARCHIVE_SUFFIXES, JSONL_SUFFIX, lower_suffix
from storykit._worker import annotate
from storykit._writer_flags import _FORMAT_OPTIONS, _flag
from storykit._writing import is_special, look
from storykit.collection import iter_pieces
from storykit.formats._options import _takes
from storykit.model import Story

__all__ = ["UsageError", "holds_one_document", "many_in_one_document", "number_or_word"]


class UsageError(Exception):
    """A command line that cannot work; reported as ``storykit CMD: error: …``, status 2."""


def check_windows_path(out: str, *, exists: bool) -> None:
    r"""Refuse ``-o out\a.html`` when ``out/`` is a folder: a Windows path, not a name.

    A backslash is a letter of a name here, so that wrote a file named ``out\a.html``
    beside the folder (status 0), where the inputs already say "folders are separated by /".
    A name that is there already, or whose folder part is no folder, is left as a name.

    Raises:
        UsageError: The name with ``/`` for ``\`` is in a folder that is there.
    """
    if os.sep != "/" or "\\" not in out.lstrip("\\") or exists:
        return
    slashed = out.replace("\\", "/")
    folder = slashed.rstrip("/") if slashed.endswith("/") else os.path.dirname(slashed)
    if folder and os.path.isdir(folder):
        raise UsageError(
            f"-o {shown(out)}: folders are separated by / here (a \\ is part of a file's "
            f"name); write -o {shown(slashed)}"
        )


def _is_container(path: str) -> bool:
    lower = path.lower()
    return lower.endswith(JSONL_SUFFIX) or any(lower.endswith(s) for s in ARCHIVE_SUFFIXES)


def number_or_word(value: str) -> int | str:
    """An argument type: a whole number (as :func:`int` reads it), else the word as typed.

    For a number option whose own check refuses what is out of range (``--heading-offset``,
    ``-n``, ``--max-terms``): a word there (``x``) is refused by that check, in the words a
    number out of range gets (``expected an integer from 0 to 4, got 'x'``), where ``int``
    as the type gave argparse's ``invalid int value: 'x'`` above the usage.
    """
    try:
        return int(value)
    except ValueError:
        return value


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(args.max_member_size, args.max_total_size, args.max_members)


def _is_single(inputs: list[str]) -> bool:
    """One input that is one file (or stdin), not a directory, pattern, archive or JSONL."""
    if len(inputs) != 1:
        return False
    name = inputs[0]
    if name == "-":
        return True
    if not os.path.lexists(name):  # a mistyped name (unless a pattern): "no such file"
        return not glob.has_magic(name)
    return os.path.isfile(name) and not _is_container(name)


def _names_folder(out: str, *, single: bool, is_dir: bool, special: bool) -> bool:
    """-o names a folder: it is one, ends in a slash, or has no suffix and inputs are many.

    An existing device or FIFO (``/dev/stdout``, ``/dev/null``, a pipe) is one output stream,
    never a folder: many stories go into it as into a new file of that name. ``is_dir`` and
    ``special``: what :func:`storykit._writing.look` found at ``out``.
    """
    if is_dir or out.endswith(("/", os.sep)):
        return True
    if special:
        return False
    return not single and not os.path.splitext(out)[1]


def _named_format(out: str) -> tuple[str, str] | None:
    """The format an output file's name says, and the suffix that says it, else ``None``.

    Read as every name is (:func:`~storykit._suffixes.lower_suffix`): ``x.ninjs.json`` is
    ninjs, ``x.json`` storykit JSON (:data:`storykit.formats.FORMATS`).
    """
    suffix = lower_suffix(out)
    fmt = formats.by_suffix(suffix)
    return None if fmt is None else (fmt, suffix)


_ONE_OUTPUT_MANY = frozenset({"json", "text"})
"""The text formats whose one output (a file, standard output) holds several stories."""


def _holds_many(fmt: str, several: bool | None) -> bool:
    """Whether one output of ``fmt`` can take the stories (``several``: ``None``, not known)."""
    return several is False or fmt in _ONE_OUTPUT_MANY or fmt in formats.FILE_FORMATS


def _several(args: argparse.Namespace) -> bool | None:
    """Whether the inputs give several stories; ``None`` when that is not known (stdin).

    Several inputs, a folder, a pattern, an archive or a JSON Lines file may give several; one
    file is read up to its second story to know (only to say what to do about a wrong
    command line); standard input is not read, to find out, before the command runs.
    """
    inputs: list[str] = args.inputs
    if not _is_single(inputs):
        return True
    if inputs[0] == "-":
        return None
    if not os.path.isfile(inputs[0]):
        return False  # not there: reading it says so
    pieces = iter_pieces(inputs[0], format=args.input_format, **_limits(args)._asdict())
    try:
        first = next(annotate(pieces), None)
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
    return first is not None and isinstance(first.event, Piece) and first.multi


def _check_apart(out: str, inputs: list[str], to: str) -> None:
    """Refuse a folder to write into that is also an input folder.

    Its walk would read what this run writes into it (the walk is lazy), and the next run
    would read it all back: ``convert . --to json -o .`` run again wrote ``a~2.json``, then
    ``a~2~2.json``. A folder inside it is left out of the walk, so that is the way out.

    Raises:
        UsageError: ``out`` is one of the input folders, or the folder a pattern looks in
            and would read the output back from (:func:`_pattern_reads_back`).
    """
    real = os.path.realpath(out)  # (resolved once for both)
    folder = _input_folder(real, inputs)
    pattern = None if folder else _pattern_reads_back(real, inputs, to)
    if folder or pattern is not None:
        inside = os.path.join(out, to, "")
        what = "an input folder" if pattern is None else f"where the pattern {shown(pattern)} looks"
        msg = (
            f"{shown(out)} is {what}, so the files written into it would be read as "
            f"input (by this run or the next): write them to a folder of their own, "
            f"such as one inside it, -o {shown(inside)}"
        )
        raise UsageError(msg)


def _pattern_reads_back(real: str, inputs: list[str], to: str) -> str | None:
    """The pattern among the inputs that looks in the folder ``real`` and reads the output.

    (``real``: the output folder's real path.)

    ``convert 'in/*' --to json -o in/`` wrote in/a.json, and run again read it and wrote
    in/a~2.json, then in/a~2~2.json: a folder it matches is walked whole, and a file it
    matches is written beside it under a name it matches too. ``'*.txt' -o .`` reads no
    ``.json`` back, and is not refused.
    """
    suffix = out_suffix(to)
    for name in inputs:
        if name == "-" or os.path.lexists(name) or not glob.has_magic(name):
            continue
        if os.path.realpath(input_base(name) or os.curdir) != real:
            continue
        last = os.path.basename(name)
        for match in _glob(name):
            written = os.path.splitext(os.path.basename(match))[0] + suffix
            if os.path.isdir(match) or last == "**" or fnmatch.fnmatch(written, last):
                return name
    return None


def _input_folder(real: str, inputs: list[str]) -> bool:
    """Whether the folder ``real`` (a real path) is one of the input folders, however spelt."""
    return any(
        name != "-" and os.path.isdir(name) and os.path.realpath(name) == real for name in inputs
    )


def _free(out: str, suffix: str = JSONL_SUFFIX) -> str:
    """A name like ``out`` ending in ``suffix`` that nothing has: ``x-2.jsonl`` or on."""
    stem = out[: -len(suffix)] if out.lower().endswith(suffix) else os.path.splitext(out)[0]
    number = 2
    while os.path.lexists(f"{stem}-{number}{suffix}"):
        number += 1
    return f"{stem}-{number}{suffix}"


def check_not_an_input(out: str, inputs: list[str], suffix: str) -> None:
    """Refuse an output file that is named as an input too, even with ``--force``.

    ``convert a.zip -o a.zip --to jsonl -f`` replaced the archive with its stories' JSON,
    and ``convert a.parquet -o a.parquet -f`` removed the file it was to read: the input
    was lost. (A file an input folder or pattern holds is this run's output, left out of
    their walk: ``convert . -o all.jsonl --force`` replaces the last run's all.jsonl.)

    Raises:
        UsageError: ``out`` is a file one of ``inputs`` names, however either is spelled
            (the advice names a free file ending in ``suffix``, the output's).
    """
    if not os.path.isfile(out):
        return
    real = os.path.realpath(out)
    if any(name != "-" and os.path.realpath(name) == real for name in inputs):
        msg = (
            f"-o {shown(out)} is one of the inputs, and the output would replace it: "
            f"name a file that is no input, such as -o {shown(_free(out, suffix))}"
        )
        raise UsageError(msg)


def _file_in_the_way(out: str) -> bool:
    """Whether the folder ``out`` names is a file (``x/`` too: it was found at run time)."""
    path = out.rstrip("/" + os.sep) or out
    return os.path.lexists(path) and not os.path.isdir(path)


def _folder_for(out: str | None, inputs: list[str]) -> str:
    """The folder ``-o`` to suggest for one file a story: OUT without its suffix, or ``out/``.

    The name of an existing file, or of an input folder (``convert in -o in.html``: not
    ``in/``, which :func:`_check_apart` refuses), is not suggested: ``x-2/``, … instead.
    """
    base = "out"
    if out is not None and out.endswith(("/", os.sep)):  # (a file of that name: x/ is no way)
        out = out.rstrip("/" + os.sep) or None
    if out is not None and out != "-" and not is_special(out):
        named = _named_format(out)
        if out.lower().endswith(JSONL_SUFFIX) and len(os.path.basename(out)) > len(JSONL_SUFFIX):
            base = out[: -len(JSONL_SUFFIX)]
        elif named is not None:
            base = out[: -len(named[1])]
        else:
            base = os.path.splitext(out)[0] or base
    folder, number = base, 2
    while os.path.lexists(folder) and (
        not os.path.isdir(folder) or _input_folder(os.path.realpath(folder), inputs)
    ):
        folder, number = f"{base}-{number}", number + 1
    return folder + "/"


def _give_folder(out: str | None, to: str, inputs: list[str], *, given: bool) -> str:
    """The advice to write one file a story: ``give a folder, -o x/ (one file each)``.

    ``given``: ``--to`` was given (else the folder's name would not say the format).
    """
    flag = "" if given else f" --to {to}"
    return f"give a folder, -o {shown(_folder_for(out, inputs))}{flag} (one file each)"


def holds_one_document(out: str | None, *, special: bool) -> bool:
    """Whether ``out`` names a ``.json`` file: one JSON document, so at most one story.

    Several stories written into it were JSON Lines in a file that no JSON reader (nor
    storykit, without ``--from jsonl``) takes; such a command line is now refused.
    ``special``: ``out`` is a folder, a device… (:func:`storykit._writing.look`).
    """
    if out is None or out == "-" or special:
        return False
    return _named_format(out) == ("json", ".json")


def many_in_one_document(
    out: str, to: str, inputs: list[str], *, given: bool, held: str | None = None
) -> UsageError:
    """The refusal of several stories for ``-o x.json``, with two ways out that work.

    ``held``: the file found to hold several stories; else the inputs can give several (a
    folder, a pattern, an archive or several inputs, which are not read to find out).
    """
    stem = out[: -len(".json")]
    if held is not None:
        why = f"{held} holds several stories"
    elif len(inputs) > 1:
        why = "several inputs give several stories"
    else:
        why = f"{shown(inputs[0])} can give several stories"
    return UsageError(
        f"-o {shown(out)}: a .json file holds one JSON document, but {why}; for JSON Lines "
        f"(one story a line) name the file {shown(stem + JSONL_SUFFIX)}, or "
        f"{_give_folder(out, to, inputs, given=given)}"
    )


def _conflict(
    out: str, to: str, given: str, fmt: str, said: str, *, inputs: list[str], several: bool | None
) -> str:
    """The message for ``-o OUT --to GIVEN`` whose suffix ``said`` names ``fmt``, not ``to``.

    Each way out it offers works when followed as it is written: the file renamed for
    ``to`` (JSON of several stories: ``.jsonl``), or a folder when one ``to`` file cannot
    hold the stories; ``--to`` dropped when one ``fmt`` file can.
    """
    stem = out[: len(out) - len(said)]
    lines = given.lower() == "jsonl" or (to == "json" and several is not False)
    if _holds_many(to, several):
        ways = [f"name the file {shown(stem + (JSONL_SUFFIX if lines else out_suffix(to)))}"]
    else:
        ways = [_give_folder(out, to, inputs, given=True)]
    # several stories in one .json file are JSON Lines, which a .json file is not read as
    if _holds_many(fmt, several) and not (fmt == "json" and several is not False):
        ways.append(f"drop --to to write {fmt}")
    head = f"-o {shown(out)}: the suffix {said} is {fmt}'s, but --to {given} writes {to}; "
    return head + ", or ".join(ways)


def _check_suffix(
    out: str,
    to: str,
    given: str,
    inputs: list[str],
    several: Callable[[], bool | None],
    *,
    is_dir: bool,
) -> None:
    """Refuse ``-o FILE`` whose suffix names another format than ``--to`` (``given``).

    ``-o x.html --to json`` wrote JSON into ``x.html``, which a browser, and storykit, then
    read as what the name says. A suffix is the format's own (``.htm`` for html), or one
    its registered suffixes end with (ninjs: ``.ninjs.json``, so an ``x.json`` of ninjs is
    fine); a suffix no format owns says nothing (``-o x.out``); ``.jsonl`` is JSON's. A
    folder's name (``is_dir``: ``-o`` is one) is not looked at. ``several`` tells whether
    the inputs give several stories, asked only when the advice depends on it
    (:func:`_conflict`).

    Raises:
        UsageError: The suffix says another format.
    """
    if out.endswith(("/", os.sep)) or is_dir:
        return
    if out.lower().endswith(JSONL_SUFFIX):
        if to == "json":
            return
        stem = out[: -len(JSONL_SUFFIX)]
        way = (
            f"name the file {shown(stem + out_suffix(to))}"
            if _holds_many(to, several())
            else _give_folder(out, to, inputs, given=True)
        )
        msg = (
            f"-o {shown(out)}: a .jsonl file holds JSON Lines, but --to {given} writes {to}; "
            f"{way}, or drop --to to write JSON Lines"
        )
        raise UsageError(msg)
    named = _named_format(out)
    if named is None or named[0] == to:
        return
    fmt, suffix = named
    if any(own.endswith(suffix) for own in formats.FORMATS[to][1]):
        return
    raise UsageError(
        _conflict(
            out, to, given, fmt, out[len(out) - len(suffix) :], inputs=inputs, several=several()
        )
    )


def _target_format(args: argparse.Namespace, *, is_dir: bool) -> str:
    """The format to write: ``--to`` (a name or an alias), else from ``-o``'s suffix.

    ``is_dir``: ``-o`` is a folder (as :func:`storykit._writing.look` found it).

    Raises:
        UnknownFormatError: ``--to`` names no format (the message suggests the nearest).
        UsageError: No ``--to``, and ``-o`` does not tell (the message lists the formats
            that can be written there); or ``-o``'s suffix says another format than ``--to``
            (:func:`_check_suffix`).
    """
    out = args.output
    known: list[bool | None] = []

    def several() -> bool | None:  # read (once) only when a message depends on it
        if not known:
            known.append(_several(args))
        return known[0]

    if args.to is not None:
        to = formats.resolve(args.to)[0]
        if out is not None and out != "-":
            _check_suffix(out, to, args.to, args.inputs, several, is_dir=is_dir)
        return to
    if out is not None and out != "-":
        if out.lower().endswith(JSONL_SUFFIX):
            return "json"
        named = _named_format(out)
        if named is not None:
            return named[0]
    msg = f"say which format to write with --to ({_formats_here(args, several)})"
    suffix = os.path.splitext(out)[1] if out is not None and out != "-" else ""
    if suffix:  # -o story.pdf: say why the name did not tell
        msg = f"no format writes {suffix} files ({shown(out)}); " + msg
    for name in _FORMAT_OPTIONS:  # -s -o site/: the format the option is of
        value = getattr(args, name, None)
        takers = [] if value is None else [f for f in formats.names() if name in _takes(f, False)]
        if len(takers) == 1:
            msg += f"; {_flag(name, value)} is an option of {takers[0]}: --to {takers[0]}"
            break
    raise UsageError(msg)


def _formats_here(args: argparse.Namespace, several: Callable[[], bool | None]) -> str:
    """The formats that ``convert`` can write to the output the command line names.

    Every text format into a folder; into one output (standard output, a file), those that
    hold the stories (JSON and the dump for several), and the file formats into a file.
    """
    out: str | None = None if args.output in (None, "-") else args.output
    found, special = (None, False) if out is None else look(out)
    is_dir = found is not None and stat.S_ISDIR(found.st_mode)
    if out is not None and _names_folder(
        out, single=_is_single(args.inputs), is_dir=is_dir, special=special
    ):
        return ", ".join(n for n in formats.names() if n not in formats.FILE_FORMATS)
    many = several()
    into_file = out is not None and not special
    fitting = [
        n
        for n in formats.names()
        if (into_file if n in formats.FILE_FORMATS else _holds_many(n, many))
    ]
    text = ", ".join(fitting)
    if many is None:  # standard input: one story can be written as any
        one = [n for n in formats.names() if not _holds_many(n, many) and n not in fitting]
        text += f"; for one story also {', '.join(one)}"
    return text


def _format_options(args: argparse.Namespace, to: str, *, to_file: bool) -> dict[str, Any]:
    """The writer's keyword options the command line gives, checked against the format.

    HTML written to a file is a whole page unless ``--fragment`` is given; to standard
    output, a fragment unless ``-s`` is given.

    Raises:
        UsageError: The format takes no such option, or its value is wrong.
    """
    given = {name: getattr(args, name, None) for name in _FORMAT_OPTIONS}
    options = {name: value for name, value in given.items() if value is not None}
    accepted = _takes(to, False)  # a file format (SQLite, Parquet): none
    for name, value in options.items():
        if name not in accepted:
            takers = [f for f in formats.names() if name in _takes(f, False)]
            where = f"an option of {' and '.join(takers)}" if takers else "not an option"
            raise UsageError(f"{_flag(name, value)} is {where}, not of {to}")
    if to == "html" and "standalone" not in options:
        options["standalone"] = to_file  # a file is opened in a browser: it is a page
    if options:
        try:
            formats.writer(to).dumps(Story("A title"), **options)
        except (TypeError, ValueError) as exc:
            message = str(exc)
            for name, value in options.items():  # the library's name of it: the flag's
                if message.startswith(f"{name}: "):
                    message = _flag(name, value) + message[len(name) :]
                    if isinstance(value, str):  # a word as typed (number_or_word): every
                        # word of a command line is text, the library's "(a str)" says nothing
                        message = message.removesuffix(" (a str)")
            raise UsageError(message) from None
    return options
