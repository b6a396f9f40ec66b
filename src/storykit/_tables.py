"""The command line for the file formats: ``convert -o stories.db|.parquet`` and ``search``.

A database or Parquet file is written in this process, straight from the stories as they are
read (with the file, member and line each came from), not through the worker engine: the
engine's workers hand back text, and these formats want stories.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import stat
import sys
import warnings
from collections.abc import Iterator
from typing import Any

from storykit import formats
from storykit._batch import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, safe
from storykit._batch_args import _format_options, _limits, check_not_an_input, number_or_word
from storykit._cli_names import command, located, shown, shown_short
from storykit._records import Origin, error_as_options
from storykit._refusals import refuse_special
from storykit._stdout import write_text_stdout
from storykit._suffixes import is_story_name, lower_suffix, suffix_format
from storykit._writing import is_special, make_folder, remove_empty, remove_stale
from storykit.collection import ErrorLog, _records
from storykit.errors import StoryParseError, StoryWarning
from storykit.formats._sqlite_search import MAX_TERMS, Hit
from storykit.model import Story

__all__ = ["add_search", "convert"]

_MAX_LISTED = 1000


def convert(args: argparse.Namespace, to: str) -> int:
    """``storykit convert … -o FILE`` for a file format (``sqlite``, ``parquet``).

    Raises:
        UsageError: No output file is named, or it is a folder; or a writer's option is
            given (``--no-tags``: the file holds every field).
    """
    _format_options(args, to, to_file=True)  # each refused: the story is written whole
    out: str | None = args.output
    suffix = formats.FORMATS[to][1][0]
    if out in (None, "-"):
        raise UsageError(f"{to} is written to a file: give -o FILE{suffix}")
    assert out is not None
    if os.path.isdir(out) or out.endswith(("/", os.sep)):
        raise UsageError(f"{shown(out)} is a folder; a {to} output is one file (-o FILE{suffix})")
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    check_not_an_input(out, inputs, suffix)
    sources: list[Any] = [sys.stdin.buffer if name == "-" else name for name in inputs]
    log = ErrorLog(keep=_MAX_LISTED)
    records = _records(  # iter_records, where a file with no story is a failure, as elsewhere
        sources,
        errors="raise" if args.fail_fast else "collect",
        format=args.input_format,
        splitter=None,
        limits=_limits(args),
        log=log,
        empty=True,
    )
    read = [0]

    def counted() -> Iterator[tuple[Origin, Story]]:
        for pair in records:
            read[0] += 1
            yield pair

    if to == "parquet" and not is_special(out):  # what a killed run left (SQLite: a journal)
        remove_stale(os.path.dirname(out) or ".")
    existed = os.path.lexists(out)
    made: list[str] = []  # the folders made for it
    try:
        outcome = _write(counted(), out, to, args, read, made=made)
    finally:
        if not existed and (read[0] == 0 or to == "sqlite"):  # no story in it: no file
            _remove_made(out)
        remove_empty(made)  # … and no folder made for it
    if isinstance(outcome, int):  # the output file was refused
        return outcome
    added, skipped, failed_fast = outcome
    failures = [located(str(error_as_options(e)), e.filename or "") for e in log]
    if failed_fast is not None:
        failures.append(
            str(error_as_options(failed_fast))
            if isinstance(failed_fast, StoryParseError)
            else str(failed_fast)
        )
    failed = len(failures) + log.more  # (the log keeps the first _MAX_LISTED, counts the rest)
    for line in failures[:_MAX_LISTED]:
        sys.stderr.write(safe(line) + "\n")  # as convert says them: no ESC sent to a terminal
    if failed > _MAX_LISTED:
        sys.stderr.write(f"… and {failed - _MAX_LISTED:,} more failures\n")
    if failed_fast is None and not failed and args.quiet:
        return EXIT_OK
    text = f"{added:,} converted, {failed:,} failed"
    if skipped:
        text += f", {skipped:,} skipped (already in {safe(shown(out))})"
    sys.stderr.write(text + "\n")
    return EXIT_FAILED if failed else EXIT_OK


def _write(
    stories: Iterator[tuple[Origin, Story]],
    out: str,
    to: str,
    args: argparse.Namespace,
    read: list[int],
    *,
    made: list[str],
) -> int | tuple[int, int, StoryParseError | OSError | None]:
    """Write the stories to ``out``: how many were added and skipped, and a --fail-fast error.

    An ``int`` is the exit status when the output file is refused. The folders made for
    ``out`` are added to ``made``.
    """
    module = formats.file_format(to)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StoryWarning)  # validate reports these; convert does not
        try:
            _prepare(out, to, force=args.force)
            folder = os.path.dirname(out)
            if folder:  # made, as for every other output (-o new/x.json)
                made += make_folder(folder)
            if to != "sqlite" and os.path.lexists(out) and not args.force:  # a database grows
                sys.stderr.write(
                    safe(f"{shown_short(out)} exists; use --force to overwrite it") + "\n"
                )
                return EXIT_FAILED
            written = module.write(stories, out, force=args.force)
        except (StoryParseError, OSError) as exc:
            if isinstance(exc, StoryParseError) and exc.filename == out:  # the output file
                return _refused(exc, out)
            if not args.fail_fast:
                raise
            # what was read is counted as converted, as for the other outputs
            return read[0], 0, exc
    if isinstance(written, int):  # Parquet: how many were written
        return written, 0, None
    return written.added, written.skipped, None  # SQLite: added, and there already


def _prepare(out: str, to: str, *, force: bool) -> None:
    """Check the output file before writing to it.

    A device or FIFO is refused, never replaced; with ``force``, a file that is not a database
    is removed, to be made again as one.

    Raises:
        StoryParseError: ``out`` is a device, a FIFO or a socket.
    """
    refuse_special(out, "an SQLite database" if to == "sqlite" else "a Parquet file")
    if to == "sqlite" and force and _not_a_database(out):
        os.unlink(out)


def _remove_made(out: str) -> None:
    """Remove a database or Parquet file this run made without writing a story into it.

    A database is removed only while it holds no story (none came, or a signal stopped the
    run before the first chunk was committed): another run may have begun writing into
    the one this run made. An empty file is no database yet (``sqlite3.connect`` makes one
    at once; a signal may come before the tables are made in it).
    """
    if lower_suffix(out) != ".parquet" and not _empty_file(out):
        import sqlite3  # noqa: PLC0415 - only for a database (every command imports this module)

        from storykit.formats._sqlite_reader import connect_read_only  # noqa: PLC0415

        try:
            with contextlib.closing(connect_read_only(out)) as db:
                if db.execute("SELECT count(*) FROM stories").fetchone()[0]:
                    return
        except sqlite3.Error:
            return
    for made in (out, out + "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(made)


def _empty_file(path: str) -> bool:
    """Whether ``path`` is an empty regular file (not a link: what it leads to is not ours)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _refused(error: StoryParseError, out: str) -> int:
    """Say why the output file cannot be written (one line, no traceback): the exit status."""
    hint = "; use --force to replace it" if _not_a_database(out) else ""
    sys.stderr.write(safe(located(str(error), error.filename or "")) + hint + "\n")
    return EXIT_FAILED


def _not_a_database(path: str) -> bool:
    """Whether ``path`` is a regular file with something in it that is not an SQLite database.

    An empty file is not counted: SQLite makes a new database in it.
    """
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as file:
            head = file.read(16)
    except OSError:
        return False
    return bool(head) and head != b"SQLite format 3\0"


# --------------------------------------------------------------------------- search

_SEARCH_EPILOG = """\
examples:
  storykit search stories.db xiaomi                    stories that mention Xiaomi
  storykit search stories.db "xiaomi AND chips"        both words (FTS5 query syntax)
  storykit search stories.db '"trade war" OR tariffs'  a phrase, or a word
  storykit search stories.db "title: xiaomi" --json    in the title only; JSON for machines

Make the database with: storykit convert archive/ -o stories.db

exit status: 0 stories matched, 1 none matched or the database could not be read, 2 the
command line was wrong or the query is one SQLite cannot read or has more than --max-terms
words.
"""


def _database_arg(value: str) -> str:
    if not value:
        raise argparse.ArgumentTypeError("an empty name names no file")
    return value


def add_search(commands: Any, formatter: type[argparse.HelpFormatter]) -> None:
    """Add the ``search`` command to the ``storykit`` parser's sub-commands.

    Its help is laid out by ``formatter``, as the other commands' are.
    """
    search = commands.add_parser(
        "search",
        help="full-text search of a stories database",
        description="Find stories in a database made by 'storykit convert -o stories.db'.",
        epilog=_SEARCH_EPILOG,
        formatter_class=formatter,
    )
    search.add_argument(
        "database", type=_database_arg, metavar="DATABASE", help="a .db file written by storykit"
    )
    search.add_argument("query", metavar="QUERY", help="an SQLite FTS5 query")
    # a word where a number goes: refused as a number out of range is, by _search
    search.add_argument(
        "-n",
        "--limit",
        type=number_or_word,
        default=20,
        metavar="N",
        help="show at most N (default: 20)",
    )
    search.add_argument(
        "--max-terms",
        type=number_or_word,
        default=MAX_TERMS,
        metavar="N",
        help=f"refuse a query of more than N words (default: {MAX_TERMS}; 0: no limit)",
    )
    search.add_argument("--json", action="store_true", help="one JSON array of the hits")
    search.set_defaults(run=_search)


def _made_from(path: str, query: str) -> str:
    """How to make a database of the stories ``search`` was given instead of one, else ``""``.

    ``storykit search stories.jsonl xiaomi`` (or a folder of dumps, a zip) said only "not a
    storykit database": a newcomer expects search to read what convert reads.
    """
    stories = is_story_name(path) or suffix_format(lower_suffix(path)) == "parquet"
    if not (os.path.isdir(path) or (stories and os.path.isfile(path))):
        return ""
    return f"; search reads a database of stories: {_make_one(path, query)}"


def _make_one(path: str, query: str) -> str:
    """The two commands that make a database of the stories at ``path`` and search it.

    The one wording of that advice, given stories (:func:`_made_from`) or ``-``.
    """
    make = command(["storykit", "convert", path, "-o", "stories.db"])
    search = command(["storykit", "search", "stories.db", query])
    return f"make one with {make}, then {search}"


def _search(args: argparse.Namespace) -> int:
    from storykit.formats._sqlite_query import _query_problem  # noqa: PLC0415
    from storykit.formats.sqlite import search  # noqa: PLC0415

    if args.database == "-":  # "-: no such database file", as if a file named - were meant
        msg = "search reads a database file, not standard input (-): "
        raise UsageError(msg + _make_one("-", args.query))
    if not isinstance(args.limit, int) or args.limit < 1:  # (a word: as typed, quoted)
        raise UsageError(f"-n/--limit takes a number of stories, 1 or more, not {args.limit!r}")
    if not isinstance(args.max_terms, int) or args.max_terms < 0:
        raise UsageError(f"--max-terms takes 0 (no limit) or more, not {args.max_terms!r}")
    max_terms = args.max_terms or None
    problem = _query_problem(args.query, max_terms, ("--max-terms N", "0"))
    if problem is not None:
        raise UsageError(problem)
    # the hits' text is escaped for the terminal (an ESC or U+202E in a story is shown, not
    # sent), then the marks, which no story can guess (a random token), are made bold;
    # os.urandom, as secrets.token_hex: importing secrets loads OpenSSL at every command's
    # start (4 ms and 4 MiB), as this module is imported for the command line
    token = os.urandom(8).hex()
    mark = ("[", "]") if args.json else (f"\ue000{token}", f"\ue001{token}")
    bold = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    try:
        hits = search(args.database, args.query, limit=args.limit, mark=mark, max_terms=max_terms)
    except ValueError as exc:
        if isinstance(exc, StoryParseError):
            said = located(str(exc), exc.filename or "") + _made_from(args.database, args.query)
            sys.stderr.write(safe(said) + "\n")
            return EXIT_FAILED
        sys.stderr.write(f"storykit search: error: {exc}\n")
        return EXIT_USAGE
    if args.json:
        document = [
            {
                "id": hit.id,
                "title": hit.title,
                "source": hit.source,
                "published": hit.published,
                "url": hit.url,
                "snippet": hit.snippet,
            }
            for hit in hits
        ]
        write_text_stdout(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return _matched(hits)
    # written whole, as every long output is: sys.stdout.write drops what a partial write
    # left (a file size limit, | head), so 1 MB of hits could end cut at 64 KiB, status 0
    texts = []
    for hit in hits:
        about = " · ".join(part for part in (hit.source, hit.published) if part)
        snippet = safe(hit.snippet.replace("\n", " "))
        snippet = snippet.replace(mark[0], bold[0]).replace(mark[1], bold[1])
        lines = [safe(hit.title), safe(about), "  " + snippet]
        if hit.url:
            lines.insert(2, safe(hit.url))
        texts.append("\n".join(line for line in lines if line) + "\n")
    if texts:
        write_text_stdout("\n".join(texts))
    return _matched(hits)


def _matched(hits: list[Hit]) -> int:
    """The status of a search, with or without ``--json``: 1 (and a note) when none matched."""
    if not hits:
        sys.stderr.write("no story matches\n")
        return EXIT_FAILED
    return EXIT_OK
