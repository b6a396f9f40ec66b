"""The ``storykit`` command: ``convert``, ``validate``, ``show``, ``schema`` and ``search``.

``main(argv)`` returns the exit status, so tests call it directly: ``assert main([...]) == 0``.
Exit statuses: 0 all went well, 1 some input failed (or an output exists and ``--force`` was
not given), 2 the command line was wrong, 3 a format needs an optional extra that is not
installed, 130 Ctrl-C, 141 standard output closed, 143 SIGTERM.

This module holds the command line (argparse, with examples for each command), ``show`` and
``schema``; the batch commands ``convert`` and ``validate`` live in ``storykit._batch``, on
the engine of ``storykit._engine``, which streams: memory stays flat however many stories
there are.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import io
import itertools
import json
import os
import re
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

from storykit import _batch, _tables, formats
from storykit._api import json_schema
from storykit._batch import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, safe
from storykit._show import _show, _width_arg
from storykit._sources import (
    DEFAULT_MAX_MEMBER_SIZE,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_TOTAL_SIZE,
    check_format,
)
from storykit._version import __version__
from storykit._writing import naming_stdout, write_text_stdout
from storykit.errors import MissingExtraError, UnknownFormatError

__all__ = ["EXIT_FAILED", "EXIT_MISSING_EXTRA", "EXIT_OK", "EXIT_USAGE", "console", "main"]


# --------------------------------------------------------------------------- arguments


def _size_arg(value: str) -> int:
    # "*+": the two runs of blanks cannot trade blanks (quadratic: "1", 100,000 blanks, "x": 34 s)
    match = re.fullmatch(r"\s*(\d+)\s*+([kmgt]?)(i?b?)\s*", value, re.IGNORECASE)
    if match is None:
        msg = f"not a size: {value!r} (use bytes or a suffix: 512K, 16M, 4G)"
        raise argparse.ArgumentTypeError(msg)
    scale: int = 1 << (10 * " kmgt".index(match[2].lower() or " "))
    size = int(match[1]) * scale
    if size <= 0:
        msg = "a size must be more than 0"
        raise argparse.ArgumentTypeError(msg)
    return size


def _one_or_more(message: str) -> Callable[[str], int]:
    """An argument type: a whole number, 1 or more; else ``message`` (``{value!r}``: the text)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(message.format(value=value))
        return number

    return parse


JOBS_PER_CORE = 4
"""``--jobs`` above this many workers per core is brought down to it (with a note)."""
_WINDOWS_MOST_JOBS = 61  # concurrent.futures refuses more worker processes on Windows


_jobs_arg = _one_or_more("--jobs takes a whole number of processes, 1 or more, not {value!r}")
_members_arg = _one_or_more("takes a number of members, 1 or more, not {value!r}")


def _named(stream: str, hint: str) -> Callable[[str], str]:
    """An argument type: a file or folder name, which an empty one is not.

    ``-o "$OUT"`` with ``$OUT`` unset wrote a folder's outputs into the working folder.
    """

    def name(value: str) -> str:
        if not value:
            msg = f"an empty name names no file (for standard {stream}, {hint})"
            raise argparse.ArgumentTypeError(msg)
        return value

    return name


_input_arg = _named("input", "use -")
_output_arg = _named("output", "use - or leave -o out")


# --------------------------------------------------------------------------- schema


def _schema(_args: argparse.Namespace) -> int:
    write_text_stdout(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


# --------------------------------------------------------------------------- parser

_MAIN_EPILOG = """\
examples:
  storykit convert story.txt --to html                 one story to standard output
  storykit convert archive.zip -o out.jsonl --jobs 4   an archive to JSON Lines
  storykit validate dumps/ --strict                    check a folder of dumps
  storykit show story.txt                              read a story in the terminal
  storykit schema > story.schema.json                  the JSON Schema

exit status: 0 all went well, 1 some input failed, 2 the command line was wrong, 3 an
optional extra is missing, 130 interrupted (Ctrl-C), 141 standard output was closed
(| head), 143 terminated (SIGTERM).
"""

_CONVERT_EPILOG = """\
examples:
  storykit convert story.txt --to html                  a fragment to standard output
  storykit convert story.txt -o story.html              a whole page (the format from the suffix)
  storykit convert story.txt --to md --no-front-matter  Markdown without front matter
  storykit convert archive/ --to html -s -o site/       a site: pages and site/index.html
  storykit convert a/b.txt c/d.txt --to json -o out/    writes out/b.json, out/d.json
  storykit convert dumps.zip -o all.jsonl --jobs 4      an archive to one JSON Lines file
  storykit convert 'dumps/**/*.txt' -o out/ --to json   a glob (quoted), named from dumps/
  cat story.txt | storykit convert - --to json          standard input to standard output

Several stories to standard output (or to one file) are written as JSON Lines (--to json,
or --to jsonl) or as one multi-story dump (--to text). In a folder, a folder's files are
named from that folder (archive/2026/a.txt -> out/2026/a.html), a file from where it is;
members of an archive go under a folder named after it (dumps.zip:2026/a.txt ->
out/dumps/2026/a.html); a file holding several stories gives name-1, name-2, ... Of two
inputs for one output name, the later is named name~2 (name~2-1, ...). Nothing is
overwritten without --force, and --force replaces only regular files (a device or FIFO is
written into); each file is written to a temporary name and renamed into place. Members
named ../x, /x or that are links are refused. HTML written to a file is a whole page, to
standard output a fragment (-s: a page; --fragment: a fragment).

exit status: 0 all converted, 1 some input failed (each listed as file:line: message) or an
output exists (use --force), 2 the command line was wrong, 3 an optional extra is missing,
130 interrupted (Ctrl-C).
"""

_VALIDATE_EPILOG = """\
examples:
  storykit validate story.txt                  file:line: level: message for each finding
  storykit validate dumps/ archive.tar.gz      folders and archives
  storykit validate --strict dumps/            warnings count as errors
  storykit validate --format json dumps/ > report.json

exit status: 0 no errors (warnings allowed, unless --strict), 1 an error was found or an
input could not be read, 2 the command line was wrong, 3 an optional extra is missing, 130
interrupted (Ctrl-C).
"""

_SHOW_EPILOG = """\
examples:
  storykit show story.txt
  storykit show --width 72 story.json
  storykit show --all several.txt | less

exit status: 0 shown, 1 the file could not be read or holds no story, 2 the command line
was wrong, 3 an optional extra is missing, 130 interrupted (Ctrl-C).
"""

_SCHEMA_EPILOG = """\
examples:
  storykit schema > story.schema.json
"""


def _add_reading_options(parser: argparse.ArgumentParser, *, jobs: bool = False) -> None:
    if jobs:
        parser.add_argument(
            "-j",
            "--jobs",
            type=_jobs_arg,
            default=_cores(),  # not os.cpu_count(): under taskset, more than were asked for
            metavar="N",
            help=f"worker processes (default: one per core; at most {JOBS_PER_CORE} per core)",
        )
    parser.add_argument(
        "--from",
        dest="input_format",
        metavar="FORMAT",
        help="read every input as this format (default: from the suffix, else the content)",
    )
    parser.add_argument(
        "--max-member-size",
        type=_size_arg,
        default=DEFAULT_MAX_MEMBER_SIZE,
        metavar="SIZE",
        help="refuse an archive member or a story larger than this (default: 16M)",
    )
    parser.add_argument(
        "--max-total-size",
        type=_size_arg,
        default=DEFAULT_MAX_TOTAL_SIZE,
        metavar="SIZE",
        help="stop reading an archive after this many bytes (default: 4G)",
    )
    parser.add_argument(
        "--max-members",
        type=_members_arg,
        default=DEFAULT_MAX_MEMBERS,
        metavar="N",
        help="refuse an archive of more members than this (default: 1000000)",
    )


def _add_format_options(parser: argparse.ArgumentParser) -> None:
    """The writers' keyword options, named as in the library.

    ``front_matter=False`` is ``--no-front-matter``; each is refused for a format that does
    not take it.
    """
    group = parser.add_argument_group(
        "format options", "the writers' keyword options (see the library's dumps())"
    )
    group.add_argument(
        "-s",
        "--standalone",
        action="store_true",
        default=None,
        help="HTML: a whole page, also to standard output; with -o DIR, a site: "
        "an index.html that lists and links every story, and pages that link back to it",
    )
    group.add_argument(
        "--fragment",
        dest="standalone",
        action="store_false",
        help="HTML: an <article> fragment to embed, also in a file (files are pages)",
    )
    group.add_argument(
        "--no-front-matter",
        dest="front_matter",
        action="store_false",
        default=None,
        help="Markdown: no YAML front matter (story.extras is then not kept)",
    )
    group.add_argument(
        "--heading-offset",
        type=int,
        metavar="N",
        help="Markdown, HTML: move every heading down N levels (0 to 4)",
    )
    for name, what in (
        ("image", "the image's alt text and credit"),
        ("tags", "the tags"),
        ("footer", "the link to the original"),
    ):
        group.add_argument(
            f"--no-{name}",
            dest=name,
            action="store_false",
            default=None,
            help=f"Markdown, HTML: leave out {what}",
        )
    group.add_argument("--lang", metavar="TAG", help="HTML, JSON-LD: the language (en, pt-BR)")


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="storykit",
        description="Read, check and convert news story dumps.",
        epilog=_MAIN_EPILOG,
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"storykit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    convert = commands.add_parser(
        "convert",
        help="convert stories to another format",
        description="Convert stories (files, folders, globs, archives, JSON Lines, -).",
        epilog=_CONVERT_EPILOG,
        formatter_class=raw,
    )
    convert.add_argument(
        "inputs", nargs="+", type=_input_arg, metavar="INPUT", help="what to read; - for stdin"
    )
    convert.add_argument(
        "--to",
        metavar="FORMAT",
        help=f"the format to write: {', '.join(formats.names())} "
        f"(or {', '.join(formats.ALIASES)}; jsonl: one JSON story per line); "
        "default: from the suffix of -o (a suffix that says another format is refused)",
    )
    convert.add_argument(
        "-o",
        "--output",
        type=_output_arg,
        metavar="OUT",
        help="a file, a folder (several inputs, or a trailing /), FILE.jsonl, or - "
        "(default: standard output)",
    )
    convert.add_argument("-f", "--force", action="store_true", help="overwrite existing files")
    convert.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    convert.add_argument(
        "-q", "--quiet", action="store_true", help="no summary when nothing failed"
    )
    _add_reading_options(convert, jobs=True)
    _add_format_options(convert)
    convert.set_defaults(run=_batch.convert)

    validate = commands.add_parser(
        "validate",
        help="check stories and report what the reader found",
        description="Check stories; print file:line: level: message for each finding.",
        epilog=_VALIDATE_EPILOG,
        formatter_class=raw,
    )
    validate.add_argument(
        "inputs", nargs="+", type=_input_arg, metavar="INPUT", help="what to read; - for stdin"
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--format",
        dest="output_format",
        choices=("text", "json"),
        default="text",
        help="text lines (default) or one JSON report",
    )
    validate.add_argument(
        "-q", "--quiet", action="store_true", help="no summary when nothing is wrong"
    )
    _add_reading_options(validate, jobs=True)
    validate.set_defaults(run=_batch.validate)

    show = commands.add_parser(
        "show",
        help="print a story readably",
        description="Print a story for reading in a terminal.",
        epilog=_SHOW_EPILOG,
        formatter_class=raw,
    )
    show.add_argument("file", type=_input_arg, metavar="FILE", help="the story file; - for stdin")
    show.add_argument("--width", type=_width_arg, metavar="N", help="wrap to N columns")
    show.add_argument("--all", action="store_true", help="show every story the file holds")
    _add_reading_options(show)
    show.set_defaults(run=_show)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of storykit JSON",
        description="Print the JSON Schema (draft 2020-12) of one story in storykit JSON.",
        epilog=_SCHEMA_EPILOG,
        formatter_class=raw,
    )
    schema.set_defaults(run=_schema)
    _tables.add_search(commands)
    return parser


def _input_format(name: str) -> str:
    """The format ``--from`` names (an alias is its format), if storykit can read it.

    Raises:
        UsageError: No such format, or one storykit only writes (HTML, JSON-LD); the
            message lists the formats that can be read.
    """
    try:
        found = formats.resolve(name)[0]
    except UnknownFormatError:
        found = None
    if found is not None and _readable(found):
        return found
    # only to say what is wrong: every format's module is looked at
    readable = sorted(["jsonl", *(n for n in formats.names() if _readable(n))])
    if found is not None:
        msg = f"--from: storykit writes {found} but does not read it; formats that can be read: "
        raise UsageError(msg + ", ".join(readable))
    words = [*readable, *(a for a, (f, _) in formats.ALIASES.items() if f in readable)]
    close = difflib.get_close_matches(name.lower(), words, n=1, cutoff=0.6)
    hint = f" (did you mean {formats.ALIASES.get(close[0], (close[0],))[0]}?)" if close else ""
    msg = f"--from: unknown format {name!r}; formats that can be read: {', '.join(readable)}"
    raise UsageError(msg + hint)


def _readable(name: str) -> bool:
    try:
        check_format(name)
    except UnknownFormatError:
        return False
    return True


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse the command line, saying what a newcomer needs when it is wrong.

    No arguments print the overview (the commands, examples and exit statuses) on standard
    error; a mistyped command or option gets a suggestion (``did you mean convert?``), and an
    unknown option is reported with its command's usage rather than with ``storykit``'s.

    Raises:
        SystemExit: ``--help`` or ``--version`` (status 0), or a wrong command line (2).
    """
    if not argv:
        parser.print_help(sys.stderr)
        raise SystemExit(EXIT_USAGE)
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: dict[str, argparse.ArgumentParser] = subparsers.choices
    leading = list(itertools.takewhile(lambda arg: arg.startswith("-"), argv))
    command = argv[len(leading)] if len(leading) < len(argv) else None
    asks = {"-h", "--help", "--version"} & set(leading)
    if not asks:
        _check_leading(parser, commands, argv, leading)
    if command is not None and command not in commands and not asks:
        names = ", ".join(commands)
        hint = _did_you_mean(command, list(commands))
        if command.lower() == "help":  # as git and pip take it
            hint = " (storykit --help lists them; storykit COMMAND --help shows one)"
        parser.error(f"{command!r} is not a command{hint}; the commands are {names}")
    args, extras = parser.parse_known_args(argv)
    if extras:
        sub = commands[args.command]
        options = [s for action in sub._actions for s in action.option_strings]
        unknown = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-") and arg != "-"]
        hint = _did_you_mean(unknown[0], options) if unknown else ""
        sub.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
    return args


def _option_named(arg: str, parser: argparse.ArgumentParser) -> str | None:
    """The option of ``parser`` that ``arg`` gives, as argparse reads it, else ``None``.

    Whole (``--jobs``), cut short (``--jo``), or a short one run together with its value
    or with other short ones (``-j2``, ``-qj2``: ``-q``).
    """
    options = [s for action in parser._actions for s in action.option_strings]
    if arg in options:
        return arg
    if arg.startswith("--"):
        longer = [s for s in options if s.startswith(arg)]
        return longer[0] if len(longer) == 1 else None
    return arg[:2] if len(arg) > 2 and arg[:2] in options else None


def _check_leading(
    parser: argparse.ArgumentParser,
    commands: dict[str, argparse.ArgumentParser],
    argv: list[str],
    leading: list[str],
) -> None:
    """Refuse an option before the command, saying where it goes.

    ``storykit --to json convert a.txt`` said "'json' is not a command"; an option of a
    command, given before it, is now shown moved after it (``storykit convert --to json
    a.txt``), and one of no command is named as such.

    Raises:
        SystemExit: An option that ``storykit`` itself does not take (status 2).
    """
    if not leading:
        return
    name = leading[0].split("=", 1)[0]
    found = {c: _option_named(name, sub) for c, sub in commands.items()}
    owners = [c for c, option in found.items() if option is not None]
    name = found[owners[0]] or name if owners else name  # -j2: -j; --jo 2: --jobs
    at = next((i for i, arg in enumerate(argv) if arg in commands), None)
    if owners and at is not None and argv[at] in owners:
        fixed = shlex.join(["storykit", argv[at], *argv[:at], *argv[at + 1 :]])
        parser.error(f"{name} is an option of {argv[at]}: give it after the command: {fixed}")
    if owners:
        parser.error(
            f"{name} is an option of {', '.join(owners)}, given after the command: "
            f"storykit {owners[0]} … {name}"
        )
    parser.error(
        f"{name} is not an option of storykit (it takes --help and --version; "
        "storykit COMMAND --help shows a command's options)"
    )


class _Signalled(BaseException):
    """A termination signal (SIGTERM, SIGHUP), raised where the program is.

    So that temporary files are removed on the way out.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise _Signalled(signum)


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed (``>&-``): writing to it fails."""

    def write(self, _text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def writable(self) -> bool:
        return True

    @property
    def buffer(self) -> _ClosedStream:
        return self


class _ClosedInput(io.TextIOBase):
    """Stands for a closed standard input (``<&-``): reading it fails."""

    name = "<stdin>"

    def read(self, _size: int | None = -1) -> str:
        raise OSError(errno.EBADF, "standard input is closed")

    def readline(self, _size: int | None = -1) -> str:  # type: ignore[override]
        raise OSError(errno.EBADF, "standard input is closed")

    def readable(self) -> bool:
        return True

    @property
    def buffer(self) -> _ClosedInput:
        return self


class _Discard(io.TextIOBase):
    """Stands for a closed standard error: what would go there is dropped."""

    def write(self, text: str) -> int:
        return len(text)

    def writable(self) -> bool:
        return True


def _catch_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set in the main thread (main() in a thread)
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _raise_signalled)


def _cores() -> int:
    """The cores this process may run on (``taskset``, a container's CPU set), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(cores, 1)


def _most_jobs() -> int:
    """The most worker processes ``--jobs`` starts: :data:`JOBS_PER_CORE` per usable core."""
    most = JOBS_PER_CORE * _cores()
    if sys.platform == "win32":  # pragma: no cover - Windows
        most = min(most, _WINDOWS_MOST_JOBS)
    return most


def _cap_jobs(args: argparse.Namespace) -> None:
    """Bring a ``--jobs`` the machine cannot use down to what it can, and say so.

    ``--jobs 1000`` on two cores forked a thousand workers for a few hundred files: ten
    seconds (minutes on a busy machine) where two workers take one, and on Windows a
    traceback (its process pools take 61 workers at most). The work is reading and
    writing text, so workers beyond a few per core only wait for one another.
    """
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return
    most = _most_jobs()
    if jobs > most:
        sys.stderr.write(
            f"storykit {args.command}: --jobs {jobs} is more workers than this machine can "
            f"use; using {most} ({JOBS_PER_CORE} per core)\n"
        )
        args.jobs = most


def _reads_a_terminal(args: argparse.Namespace) -> bool:
    """Whether the command reads standard input (``-``) and that is a terminal.

    ``storykit convert -`` typed at a prompt waited for input and said nothing: it looked
    hung. It now says what it waits for and how to end it.
    """
    names = getattr(args, "inputs", None) or [getattr(args, "file", None)]
    if "-" not in names:
        return False
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):  # a closed or replaced stream
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the ``storykit`` command and return its exit status.

    Args:
        argv: The arguments, without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 when all went well, 1 when some input failed, 2 for a wrong command line, 3 when
        a format needs an optional extra that is not installed, 130 after Ctrl-C, 128 + N
        after signal N (SIGTERM, SIGHUP), 141 when the reader of standard output went away
        (``| head``).
    """
    if sys.stderr is None:  # started with 2>&-
        sys.stderr = _Discard()
    if sys.stdout is None:  # started with >&-: an error when something is written there
        sys.stdout = _ClosedStream()
    if sys.stdin is None:  # started with <&-: an error when '-' is read
        sys.stdin = _ClosedInput()
    parser = _parser()
    try:
        args = _parse(parser, sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    _catch_signals()
    _cap_jobs(args)
    if _reads_a_terminal(args):
        sys.stderr.write(
            f"storykit {args.command}: reading a story from the terminal: type or paste it, "
            "then press Ctrl-D at the start of a line (Ctrl-Z, Enter on Windows)\n"
        )
    try:
        if getattr(args, "input_format", None) not in (None, "jsonl"):
            args.input_format = _input_format(args.input_format)  # --from md: markdown
        run: Callable[[argparse.Namespace], int] = args.run
        status = run(args)
        with naming_stdout():
            sys.stdout.flush()  # here a full disk is said, not lost in the interpreter's exit
    except (UsageError, UnknownFormatError) as exc:
        sys.stderr.write(f"storykit {args.command}: error: {safe(str(exc))}\n")
        return EXIT_USAGE
    except MissingExtraError as exc:  # not the input's fault: stop, say what to install
        sys.stderr.write(f"storykit {args.command}: error: {safe(str(exc))}\n")
        return EXIT_MISSING_EXTRA
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        _drop_stdout()
        return EXIT_PIPE
    except OSError as exc:
        message = str(exc.strerror or exc)
        if exc.strerror and isinstance(exc.filename, str):  # which file: an output's
            message = f"{exc.filename}: {message}"
        sys.stderr.write(f"storykit {args.command}: error: {safe(message)}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except _Signalled as exc:
        return 128 + exc.signum
    return status


def console() -> NoReturn:
    """The ``storykit`` command (through :func:`storykit.__main__.run`): :func:`main`, then exit.

    Once :func:`main` has returned, its output is complete: a Ctrl-C that lands while the
    interpreter shuts down (threads joined, files closed) is ignored rather than shown as a
    ``KeyboardInterrupt`` traceback from wherever the interpreter was.
    """
    try:
        status = main()
    except KeyboardInterrupt:  # before main() catches it: while its parser is being built
        status = EXIT_INTERRUPTED
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(status)


EXIT_MISSING_EXTRA = 3
"""A format needs an optional extra that is not installed (``pip install 'storykit[…]'``)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT)."""
EXIT_PIPE = 141
"""The reader of standard output went away (128 + SIGPIPE, as a tool killed by it)."""


def _drop_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
