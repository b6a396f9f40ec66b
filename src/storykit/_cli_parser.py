"""The ``storykit`` command line as argparse reads it: commands, options, help and handlers.

:func:`build_parser` builds the parser: the argument types that refuse a bad value as the
command line is read (``--max-member-size 12Q``, ``--jobs 0``, ``-o ""``), the options the
reading commands share, the writers' keyword options (``--no-tags``…), and each command's
help with its examples and exit statuses. Each command names the function that runs it:
``convert`` and ``validate`` in :mod:`storykit._batch`, ``show`` in :mod:`storykit._show`,
``search`` (its parser too) in :mod:`storykit._tables`, and ``schema``, one line, here.

:mod:`storykit.cli` runs what this parser reads, once :mod:`storykit._cli_args` has checked
it; ``--jobs`` takes its default and its most per core from there. :mod:`storykit.cli`
imports this module, never the other way round.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from storykit import _batch, _tables, formats
from storykit._api import json_schema
from storykit._batch import EXIT_OK
from storykit._batch_args import number_or_word
from storykit._cli_args import JOBS_PER_CORE, usable_cores
from storykit._progress import columns
from storykit._show import _show, _width_arg
from storykit._sources import (
    DEFAULT_MAX_MEMBER_SIZE,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_TOTAL_SIZE,
)
from storykit._stdout import naming_stdout, write_text_stdout
from storykit._version import __version__

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["build_parser"]

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


_jobs_arg = _one_or_more("takes a whole number of processes, 1 or more, not {value!r}")
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
or --to jsonl; a file of them is named .jsonl, as a .json file holds one story) or as one
multi-story dump (--to text). In a folder, a folder's files are named from that folder
(archive/2026/a.txt -> out/2026/a.html), a file from where it is; members of an archive go
under a folder named after it (dumps.zip:2026/a.txt -> out/dumps/2026/a.html); a file
holding several stories gives name-1, name-2, ... Of two inputs for one output name, the
later is named name~2 (name~2-1, ...). Nothing is overwritten without --force, and --force
replaces only regular files (a device or FIFO is written into); each file is written to a
temporary name and renamed into place. Members named ../x, /x or that are links are
refused. HTML written to a file is a whole page, to standard output a fragment (-s: a page;
--fragment: a fragment). A file whose name starts with - is given as ./-x.txt.

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
            default=usable_cores(),  # not os.cpu_count(): under taskset, more than were asked for
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
    page = group.add_mutually_exclusive_group()  # -s --fragment: a page and not a page
    page.add_argument(
        "-s",
        "--standalone",
        action="store_true",
        default=None,
        help="HTML: a whole page, also to standard output; with -o DIR, a site: "
        "an index.html that lists and links every story, and pages that link back to it",
    )
    page.add_argument(
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
        type=number_or_word,  # a word: refused as 9 is, by the writers' one check
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


def _add_inputs(command: argparse.ArgumentParser) -> None:
    """The inputs of a batch command (``convert``, ``validate``): one or more, ``-`` for stdin."""
    command.add_argument(
        "inputs",
        nargs="+",
        type=_input_arg,
        metavar="INPUT",
        help="what to read; - for stdin (a name that starts with -: ./-x.txt)",
    )


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose ``--help`` and ``--version`` fail when they are not written.

    argparse drops an ``OSError`` writing a message, and the interpreter one flushing
    standard output at exit: ``storykit --help > /dev/full`` (or ``>&-``, or ``| true``)
    printed nothing and exited 0. Standard output is written and flushed here, and its
    error goes to :func:`storykit.cli.main`, which says it as for any other output.
    """

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message and file is not None and file is sys.stdout:
            _write_stdout(message)
        else:  # standard error: a usage error, which has nowhere else to be said
            super()._print_message(message, file)


def _write_stdout(message: str) -> None:
    """Write ``message`` to standard output, and flush it: an error is raised, naming it."""
    with naming_stdout():
        sys.stdout.write(message)
        sys.stdout.flush()


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, told the terminal's width (:func:`columns`) rather than asking.

    argparse makes one for every option added and asks ``shutil`` for the width, which
    imports zlib, bz2 and lzma: 3 ms of every command's start.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = columns() - 2 if width is None else width  # (as argparse takes shutil's)
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser() -> argparse.ArgumentParser:
    """The ``storykit`` parser: its commands, each with its options, help and ``run``."""
    raw = _HelpFormatter
    parser = _Parser(
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
    _add_inputs(convert)
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
    _add_inputs(validate)
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
    _tables.add_search(commands, raw)
    return parser
