"""The batch commands, ``storykit convert`` and ``storykit validate``, on the engine.

``convert`` decides where the output goes (standard output, one file, one JSON Lines file or
a folder mirroring the inputs), runs the engine over the inputs and writes what comes back in
input order, drawing a progress bar on a terminal and ending with a summary of what failed.
``validate`` runs the same engine without writing and prints each finding of the reader.
"""

from __future__ import annotations

import argparse
import glob
import inspect
import itertools
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from storykit import formats
from storykit._engine import CHUNK, Handler, run, story_units, units
from storykit._naming import Namer, input_base, out_suffix
from storykit._records import Origin, Piece
from storykit._sources import ARCHIVE_SUFFIXES, JSONL_SUFFIX, Limits
from storykit._worker import SITE_INDEX, Job, Result, Unit, annotate
from storykit._writing import (
    AtomicFile,
    NotRegularError,
    is_special,
    make_folder,
    print_stdout,
    remove_empty,
    remove_stale,
    write_stdout,
    write_text_stdout,
)
from storykit.collection import iter_paths, iter_pieces
from storykit.errors import _printable
from storykit.model import Story

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "columns",
    "convert",
    "plural",
    "safe",
    "validate",
]

EXIT_OK = 0
"""Every input was converted or valid."""
EXIT_FAILED = 1
"""Some input failed (the summary on stderr lists each)."""
EXIT_USAGE = 2
"""The command line was wrong."""

_MAX_LISTED = 1000  # failures kept for the summary; the rest are only counted


class UsageError(Exception):
    """A command line that cannot work; reported as ``storykit CMD: error: …``, status 2."""


# --------------------------------------------------------------------------- progress


class _Progress:
    """A one-line progress display on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream: TextIO, total: int | None, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.files = 0
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, files: int, done: int, failed: int) -> None:
        self.files += files
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1:  # ten redraws a second at most
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        status = f"{done:,} done, {failed:,} failed, {rate:,.0f}/s"
        if self.total:
            share = min(self.files / self.total, 1.0)
            width = 24
            filled = int(share * width)
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {share:4.0%} {self.files:,}/{self.total:,} files  {status}"
        else:
            line = f"{plural(self.files, 'file')}  {status}"
        self.stream.write("\r" + line[: columns() - 1] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def columns() -> int:
    """The width of the terminal (80 when there is none)."""
    return shutil.get_terminal_size((80, 24)).columns


def _count_files(inputs: list[str]) -> int | None:
    """How many files the inputs name, when that is cheap to know (no archive, no stdin)."""
    total = 0
    for name in inputs:
        if name == "-":
            return None
        try:
            for path in iter_paths(name):
                if _is_container(path):
                    return None
                total += 1
        except OSError:
            total += 1
    return total


def _is_container(path: str) -> bool:
    lower = path.lower()
    return lower.endswith(JSONL_SUFFIX) or any(lower.endswith(s) for s in ARCHIVE_SUFFIXES)


# --------------------------------------------------------------------------- convert


def _engine_units(
    inputs: list[str], args: argparse.Namespace, namer: Namer | None
) -> Iterator[Unit | Result | None]:
    """The engine's units for the inputs, read as the command line says."""
    output = getattr(args, "output", None)  # (validate has none)
    if output == "-" or (output is not None and not os.path.isdir(output) and is_special(output)):
        output = None  # standard output, a device, a FIFO: nothing a walk finds
    return units(inputs, namer, format=args.input_format, limits=_limits(args), output=output)


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(args.max_member_size, args.max_total_size, args.max_members)


def _sources(inputs: list[str]) -> list[Any]:
    return [sys.stdin.buffer if name == "-" else name for name in inputs]


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


def _names_folder(out: str, *, single: bool) -> bool:
    """-o names a folder: it is one, ends in a slash, or has no suffix and inputs are many.

    An existing device or FIFO (``/dev/stdout``, ``/dev/null``, a pipe) is one output stream,
    never a folder: many stories go into it as into a new file of that name.
    """
    if os.path.isdir(out) or out.endswith(("/", os.sep)):
        return True
    if is_special(out):
        return False
    return not single and not os.path.splitext(out)[1]


def _named_format(out: str) -> tuple[str, str] | None:
    """The format an output file's name says, and the suffix that says it, else ``None``.

    The longest registered suffix the name ends with wins: ``x.ninjs.json`` is ninjs,
    ``x.json`` storykit JSON (:data:`storykit.formats.FORMATS`).
    """
    name = os.path.basename(out).lower()
    found: tuple[str, str] | None = None
    for fmt, (_, suffixes) in formats.FORMATS.items():
        for suffix in suffixes:
            longer = found is None or len(suffix) > len(found[1])
            if longer and name.endswith(suffix) and len(name) > len(suffix):
                found = fmt, suffix
    return found


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


def _folder_for(out: str | None) -> str:
    """The folder ``-o`` to suggest for one file a story: OUT without its suffix, or ``out/``.

    The name of an existing file (not a folder) is not suggested: ``x-2/``, … instead.
    """
    base = "out"
    if out is not None and out != "-" and not is_special(out):
        named = _named_format(out)
        if out.lower().endswith(JSONL_SUFFIX) and len(os.path.basename(out)) > len(JSONL_SUFFIX):
            base = out[: -len(JSONL_SUFFIX)]
        elif named is not None:
            base = out[: -len(named[1])]
        else:
            base = os.path.splitext(out)[0] or base
    folder, number = base, 2
    while os.path.lexists(folder) and not os.path.isdir(folder):
        folder, number = f"{base}-{number}", number + 1
    return folder + "/"


def _give_folder(out: str | None, to: str, *, given: bool) -> str:
    """The advice to write one file a story: ``give a folder, -o x/ (one file each)``.

    ``given``: ``--to`` was given (else the folder's name would not say the format).
    """
    flag = "" if given else f" --to {to}"
    return f"give a folder, -o {_folder_for(out)}{flag} (one file each)"


def _conflict(out: str, to: str, given: str, fmt: str, said: str, *, several: bool | None) -> str:
    """The message for ``-o OUT --to GIVEN`` whose suffix ``said`` names ``fmt``, not ``to``.

    Each way out it offers works when followed as it is written: the file renamed for
    ``to`` (JSON of several stories: ``.jsonl``), or a folder when one ``to`` file cannot
    hold the stories; ``--to`` dropped when one ``fmt`` file can.
    """
    stem = out[: len(out) - len(said)]
    lines = given.lower() == "jsonl" or (to == "json" and several is not False)
    if _holds_many(to, several):
        ways = [f"name the file {stem}{JSONL_SUFFIX if lines else out_suffix(to)}"]
    else:
        ways = [_give_folder(out, to, given=True)]
    # several stories in one .json file are JSON Lines, which a .json file is not read as
    if _holds_many(fmt, several) and not (fmt == "json" and several is not False):
        ways.append(f"drop --to to write {fmt}")
    head = f"-o {out}: the suffix {said} is {fmt}'s, but --to {given} writes {to}; "
    return head + ", or ".join(ways)


def _check_suffix(out: str, to: str, given: str, several: Callable[[], bool | None]) -> None:
    """Refuse ``-o FILE`` whose suffix names another format than ``--to`` (``given``).

    ``-o x.html --to json`` wrote JSON into ``x.html``, which a browser, and storykit, then
    read as what the name says. A suffix is the format's own (``.htm`` for html), or one
    its registered suffixes end with (ninjs: ``.ninjs.json``, so an ``x.json`` of ninjs is
    fine); a suffix no format owns says nothing (``-o x.out``); ``.jsonl`` is JSON's. A
    folder's name is not looked at. ``several`` tells whether the inputs give several
    stories, asked only when the advice depends on it (:func:`_conflict`).

    Raises:
        UsageError: The suffix says another format.
    """
    if out.endswith(("/", os.sep)) or os.path.isdir(out):
        return
    if out.lower().endswith(JSONL_SUFFIX):
        if to == "json":
            return
        stem = out[: -len(JSONL_SUFFIX)]
        way = (
            f"name the file {stem}{out_suffix(to)}"
            if _holds_many(to, several())
            else _give_folder(out, to, given=True)
        )
        msg = (
            f"-o {out}: a .jsonl file holds JSON Lines, but --to {given} writes {to}; "
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
        _conflict(out, to, given, fmt, out[len(out) - len(suffix) :], several=several())
    )


def _target_format(args: argparse.Namespace) -> str:
    """The format to write: ``--to`` (a name or an alias), else from ``-o``'s suffix.

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
            _check_suffix(out, to, args.to, several)
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
        msg = f"no format writes {suffix} files ({out}); " + msg
    raise UsageError(msg)


def _formats_here(args: argparse.Namespace, several: Callable[[], bool | None]) -> str:
    """The formats that ``convert`` can write to the output the command line names.

    Every text format into a folder; into one output (standard output, a file), those that
    hold the stories (JSON and the dump for several), and the file formats into a file.
    """
    out: str | None = None if args.output in (None, "-") else args.output
    if out is not None and _names_folder(out, single=_is_single(args.inputs)):
        return ", ".join(n for n in formats.names() if n not in formats.FILE_FORMATS)
    many = several()
    into_file = out is not None and not is_special(out)
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


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 story``, ``2 stories``: a count and its noun."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


_MAX_EXISTING = 3  # output files that exist already named in the summary


_FORMAT_OPTIONS = (
    "standalone",
    "front_matter",
    "heading_offset",
    "image",
    "tags",
    "footer",
    "lang",
)
"""The writers' keyword options that ``convert`` takes (``--no-front-matter``…)."""


def _flag(option: str, value: object) -> str:
    """The flag that gave ``option`` ``value``, such as ``--no-tags`` or ``--fragment``."""
    if option == "standalone":
        return "--standalone" if value else "--fragment"
    name = option.replace("_", "-")
    return f"--no-{name}" if value is False else f"--{name}"


def _format_options(args: argparse.Namespace, to: str, *, to_file: bool) -> dict[str, Any]:
    """The writer's keyword options the command line gives, checked against the format.

    HTML written to a file is a whole page unless ``--fragment`` is given; to standard
    output, a fragment unless ``-s`` is given.

    Raises:
        UsageError: The format takes no such option, or its value is wrong.
    """
    given = {name: getattr(args, name, None) for name in _FORMAT_OPTIONS}
    options = {name: value for name, value in given.items() if value is not None}
    accepted = inspect.signature(formats.writer(to).dumps).parameters
    for name, value in options.items():
        if name not in accepted:
            takers = [f for f in formats.names() if name in _writer_options(f)]
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
            raise UsageError(message) from None
    return options


def _writer_options(name: str) -> set[str]:
    try:
        dumps = getattr(formats.by_name(name), "dumps", None)
    except ImportError:  # pragma: no cover - a format whose extra is missing
        return set()
    # A file format (SQLite, Parquet) has no per-story writer, so no per-story options.
    return set() if dumps is None else set(inspect.signature(dumps).parameters)


class _Summary:
    def __init__(self, *, fail_fast: bool) -> None:
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.extras = 0
        self.failures: list[str] = []
        self.existing: list[str] = []  # the first outputs that exist already
        self.exist = 0
        self.fail_fast = fail_fast
        self.lost = 0  # stories read, then not written (the output file failed)

    def fail(self, line: str) -> bool:
        self.failed += 1
        if len(self.failures) < _MAX_LISTED:
            self.failures.append(safe(line))
        return not self.fail_fast

    def unwritten(self, line: str) -> None:
        """The one output file was not written: the stories read for it count as lost."""
        self.fail(line)
        self.lost, self.done = self.done, 0

    def exists(self, dest: str) -> bool:
        self.failed += 1
        self.exist += 1
        if len(self.existing) < _MAX_EXISTING:
            self.existing.append(safe(dest))
        return not self.fail_fast

    def print(self, stream: TextIO, *, quiet: bool, verb: str) -> None:
        for line in self.failures:
            stream.write(line + "\n")
        listed = len(self.failures) + self.exist
        if self.failed > listed:
            stream.write(f"… and {plural(self.failed - listed, 'more failure')}\n")
        if self.exist:
            names = ", ".join(self.existing) + (", …" if self.exist > len(self.existing) else "")
            stream.write(
                f"{plural(self.exist, 'output file')} exist{'s' if self.exist == 1 else ''} "
                f"already ({names}); use --force to overwrite "
                f"{'it' if self.exist == 1 else 'them'}\n"
            )
        if quiet and not self.failed:
            return
        text = f"{self.done:,} {verb}"
        if self.lost:
            text += f" ({self.lost:,} read, none written)"
        text += f", {self.failed:,} failed"
        if self.skipped:
            text += f", {self.skipped:,} skipped (not story files)"
        if self.extras:
            text += (
                f"; {plural(self.extras, 'line')} not placed, kept in story.extras "
                "(storykit validate lists them)"
            )
        stream.write(text + "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str, *, newlines: bool = True) -> str:
    r"""``text`` with control characters (ESC, BEL…) shown escaped, not sent to a terminal.

    Newlines are escaped too unless ``newlines`` is false (the lines of a story shown). The
    bytes of a file name that is not UTF-8 (lone surrogates) are shown as ``\udcff``, as in
    :class:`~storykit.StoryParseError` messages: the one escaping of names in messages.
    """
    if newlines:
        text = text.replace("\n", "\\n")
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], _printable(text))


class _Converting(Handler):
    """Writes the output to standard output or to ``out``.

    The file is opened at the first byte: no file is made (or left) unless something was
    written to it.
    """

    def __init__(
        self, to: str, out: str | None, force: bool, summary: _Summary, progress: _Progress
    ) -> None:
        self.to = to
        self.out = out
        self.force = force
        self.sink: AtomicFile | None = None
        self.summary = summary
        self.progress = progress
        self.written = 0
        self.last = b""
        self.head = b""  # written first to a file (a site's index: the page's top)
        self.inside: str | None = None  # a site's folder: its index.html must not lead out
        self.failed: OSError | None = None  # what writing the output raised (not reading)

    def output(self, data: bytes | memoryview) -> None:
        if not self.written and self.to == "text":
            data = data[2:]  # no blank line before the first story
        self.written += len(data)
        self.last = bytes(data[-1:])
        if self.out is None:
            write_stdout(data)
            return
        try:
            if self.sink is None:
                self.sink = AtomicFile(
                    self.out, force=self.force, into_special=True, inside=self.inside
                )
                self.sink.write(self.head)
            self.sink.write(data)
        except OSError as exc:
            self.failed = exc
            raise

    def tally(self, ok: int, files: int, extras: int = 0) -> None:
        self.summary.done += ok
        self.summary.extras += extras
        self.progress.update(files, self.summary.done, self.summary.failed)

    def handle(self, result: Result) -> bool:
        summary = self.summary
        keep_going = True
        if result.kind == "ok":
            summary.done += 1
        elif result.kind == "skipped":
            summary.skipped += 1
        elif result.kind == "exists":
            keep_going = summary.exists(result.error or "")
        else:
            keep_going = summary.fail(result.error or str(result.origin))
        self.progress.update(1 if result.kind != "ok" else 0, summary.done, summary.failed)
        return keep_going


def convert(args: argparse.Namespace) -> int:  # noqa: PLR0915 - one flow, read top to bottom
    """``storykit convert``: the exit status.

    Raises:
        UsageError: The options cannot work together.
    """
    to = _target_format(args)
    if to in formats.FILE_FORMATS:  # a database or Parquet file: written in this process
        from storykit import _tables  # noqa: PLC0415

        return _tables.convert(args, to)
    lines = args.to is not None and formats.resolve(args.to)[1].get("indent", 2) is None
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    out: str | None = None if args.output in (None, "-") else args.output
    single = _is_single(inputs)
    if out is not None and out.lower().endswith(JSONL_SUFFIX):
        mode = "jsonl"  # (another --to: refused by _target_format)
    elif out is not None and _names_folder(out, single=single):
        mode = "dir"
    else:
        mode = "stream"
    if mode == "dir" and os.path.exists(out or "") and not os.path.isdir(out or ""):
        raise UsageError(f"{out} is a file, not a folder")
    if mode == "stream" and not single and to not in ("json", "text"):
        folder = _give_folder(out, to, given=args.to is not None)
        raise UsageError(f"many stories cannot go into one {to} output: {folder}")

    summary = _Summary(fail_fast=args.fail_fast)
    if out is not None and mode in ("jsonl", "stream") and not is_special(out):
        if os.path.lexists(out) and not args.force:
            sys.stderr.write(safe(f"{out} exists; use --force to overwrite it") + "\n")
            return EXIT_FAILED
        if os.path.isdir(out):
            raise UsageError(f"{out} is a folder; name a file, or drop the suffix")

    namer = Namer(out or ".", out_suffix(to)) if mode == "dir" else None
    if out is not None and not is_special(out):  # what a killed run left (the namer: subfolders)
        remove_stale(out if namer is not None else os.path.dirname(out) or ".")
        if namer is not None:
            namer.swept.add(namer.root)
    only_one = False
    work: Iterator[Unit | Result | None]
    if single:  # one file: split here, to know first whether it holds one story or more
        pieces = iter_pieces(_sources(inputs), format=args.input_format, **_limits(args)._asdict())
        annotated = annotate(pieces)
        first = next(annotated, None)
        if first is None:
            sys.stderr.write(safe(f"{inputs[0]}: no story here") + "\n")
            return EXIT_FAILED
        only_one = isinstance(first.event, Piece) and not first.multi
        several = isinstance(first.event, Piece) and not only_one
        if mode == "stream" and several and to not in ("json", "text"):
            sys.stderr.write(
                safe(
                    f"{first.event.origin.where} holds several stories; to write them as {to}, "
                    + _give_folder(out, to, given=args.to is not None)
                )
                + "\n"
            )
            return EXIT_FAILED
        work = story_units(itertools.chain([first], annotated), namer, input_base(inputs[0]))
    else:
        work = _engine_units(inputs, args, namer)
    options = _format_options(args, to, to_file=out is not None)
    site = mode == "dir" and to == "html" and args.standalone is True
    if site and namer is not None:
        namer.reserve(SITE_INDEX)
    job = Job(
        "convert",
        to,
        # one line a story in a .jsonl file, however many there are (one is one line too)
        compact=lines or mode == "jsonl" or (mode != "dir" and not only_one),
        force=args.force,
        namer=namer,
        max_member_size=args.max_member_size,
        fail_fast=args.fail_fast,
        options=tuple(sorted(options.items())),
        site=site,
    )
    progress = _Progress(
        sys.stderr,
        _count_files(inputs) if sys.stderr.isatty() else None,
        enabled=sys.stderr.isatty(),
    )
    if site:  # the pages' index entries come back as the output, into index.html
        target: str | None = os.path.join(out or ".", SITE_INDEX)
        from storykit.formats import html  # noqa: PLC0415

        handler = _Converting(to, target, args.force, summary, progress)
        handler.head = html.index_head(lang=options.get("lang", "en")).encode("utf-8")
        handler.inside = os.path.realpath(out or ".")
    else:
        target = None if mode == "dir" else out
        handler = _Converting(to, target, args.force, summary, progress)
    made = make_folder(out or ".") if mode == "dir" else []
    # The one output file not written: its stories are lost, but a site's pages are written
    # apart from its index, and stay converted.
    lost = summary.fail if site else summary.unwritten
    ran = False  # past reading: an OSError is then the output's
    lines_in_json = False  # several stories written into one file (JSON Lines)
    try:
        run(work, job, args.jobs, handler, chunk_size=1 if args.fail_fast else CHUNK)
        ran = True
        sink = handler.sink
        if sink is not None and (summary.failed == 0 or not args.fail_fast or site):
            if to == "text" and summary.done > 1:
                sink.write(b"\n")  # a file of several dumps ends its last line
            if site:
                from storykit.formats import html  # noqa: PLC0415

                sink.write(html.index_tail(summary.done).encode("utf-8"))
            sink.commit()
            lines_in_json = to == "json" and summary.done > 1 and mode == "stream"
        elif sink is not None:  # --fail-fast stopped at a failure: the file is not made
            summary.lost, summary.done = summary.done, 0
        elif target is None and handler.written and handler.last != b"\n":
            write_stdout(b"\n")  # a terminal wants the last line ended
    except FileExistsError:
        lost(f"{target} exists; use --force to overwrite it")
    except NotRegularError as exc:
        lost(str(exc))
    except OSError as exc:
        # reading failed (standard input closed): the command's error, not the output's
        writing = ran or exc is handler.failed
        if target is None or isinstance(exc, BrokenPipeError) or not writing:
            raise
        lost(f"cannot write {target}: {exc.strerror or exc}")
    finally:
        progress.clear()
        if handler.sink is not None:
            handler.sink.discard()
        remove_empty(made)  # an output folder this run made and wrote nothing into
    if not (summary.done or summary.failed or summary.skipped or summary.lost or args.quiet):
        sys.stderr.write(_nothing_found(inputs))
    summary.print(sys.stderr, quiet=args.quiet, verb="converted")
    if lines_in_json and out is not None and out.lower().endswith(".json") and not args.quiet:
        # which reading it back would refuse as one JSON document with more after it
        stem = out[: -len(".json")]
        note = (
            f"{out} holds the stories as JSON Lines (one a line), not as one JSON document; "
            f"to read it back, name it {stem}{JSONL_SUFFIX} or read it with --from jsonl"
        )
        sys.stderr.write(safe(note) + "\n")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _nothing_found(inputs: list[str]) -> str:
    """The note for inputs that gave no story, no failure and nothing skipped.

    An empty folder, a folder of pictures. (A file with no story in it is a failure.)
    """
    return safe(f"no story found in {', '.join(inputs)}") + "\n"


# --------------------------------------------------------------------------- validate


def validate(args: argparse.Namespace) -> int:
    """``storykit validate``: the exit status.

    Raises:
        UsageError: Standard input is named twice.
    """
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    counts = {"stories": 0, "errors": 0, "warnings": 0, "skipped": 0, "unread": 0, "empty": 0}
    found: list[dict[str, Any]] = []
    as_json = args.output_format == "json"

    def report(origin: Origin, line: int | None, level: str, message: str) -> None:
        if level == "warning" and args.strict:
            level = "error"
        counts["errors" if level == "error" else "warnings"] += 1
        if as_json:
            found.append(
                {
                    # as the text lines show them (U+FFFD would hide which bytes)
                    "file": _printable(origin.path),
                    "member": None if origin.member is None else _printable(origin.member),
                    "line": line,
                    "level": level,
                    "message": _printable(message),
                }
            )
        else:
            where = origin.where if line is None else f"{origin.where}:{line}"
            print_stdout(safe(f"{where}: {level}: {message}") + "\n")

    class Validating(Handler):
        def tally(self, ok: int, files: int, extras: int = 0) -> None:
            counts["stories"] += ok

        def handle(self, result: Result) -> bool:
            if result.kind == "skipped":
                counts["skipped"] += 1
                return True
            if result.kind == "empty":
                counts["empty"] += 1  # a file (or member) that holds no story
            elif result.kind == "failed" and result.line is None and result.member is None:
                counts["unread"] += 1  # a file that is not there or cannot be read
            else:
                counts["stories"] += 1
            for found in result.messages:
                report(result.origin, found.line, found.level, found.message)
            return True

    job = Job("validate", max_member_size=args.max_member_size)
    run(_engine_units(inputs, args, None), job, args.jobs, Validating())
    failed = counts["errors"] > 0
    if as_json:
        document = {"valid": not failed, **counts, "diagnostics": found}
        write_text_stdout(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    if not (any(counts.values()) or args.quiet or as_json):
        sys.stderr.write(_nothing_found(inputs))
    if not args.quiet or failed:
        text = (
            f"{plural(counts['stories'], 'story', 'stories')} checked: "
            f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}"
        )
        if counts["unread"]:
            text += f"; {plural(counts['unread'], 'file')} could not be read"
        if counts["empty"]:
            text += f"; {plural(counts['empty'], 'file')} held no story"
        if counts["skipped"]:
            text += f", {counts['skipped']:,} skipped (not story files)"
        sys.stderr.write(text + "\n")
    return EXIT_FAILED if failed else EXIT_OK
