"""The batch commands, ``storykit convert`` and ``storykit validate``, on the engine.

``convert`` decides where the output goes (standard output, one file, one JSON Lines file or
a folder mirroring the inputs), runs the engine over the inputs and writes what comes back in
input order, drawing a progress bar on a terminal and ending with a summary of what failed.
``validate`` runs the same engine without writing and prints each finding of the reader.
What the command line asks for (the format, ``-o``, the writer's options) is read and checked
first, by :mod:`storykit._batch_args`; what ``convert`` says at its end is tallied and
written by :mod:`storykit._cli_report`, and file names in messages by
:mod:`storykit._cli_names`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import stat
import sys
from collections.abc import Iterator
from typing import Any

from storykit import formats
from storykit._batch_args import (
    UsageError,
    _check_apart,
    _file_in_the_way,
    _format_options,
    _free,
    _give_folder,
    _is_single,
    _limits,
    _names_folder,
    _target_format,
    check_not_an_input,
    check_windows_path,
    holds_one_document,
    many_in_one_document,
)
from storykit._cli_names import located, place, shown, shown_short
from storykit._cli_report import Summary, nothing_found, passed_over_note, safe
from storykit._engine import CHUNK, Handler, run
from storykit._naming import Namer, input_base, out_suffix
from storykit._progress import _count_files, _Progress, plural
from storykit._records import Origin, Piece
from storykit._sources import input_name
from storykit._stdout import print_stdout, write_stdout, write_text_stdout
from storykit._suffixes import JSONL_SUFFIX
from storykit._units import PassedOver, story_units, units
from storykit._work_records import Job, Result, Unit, no_story
from storykit._worker import SITE_INDEX, annotate
from storykit._writing import (
    AtomicFile,
    NotRegularError,
    look,
    make_folder,
    remove_empty,
    remove_stale,
)
from storykit.collection import iter_pieces
from storykit.errors import _printable

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "convert",
    "safe",
    "validate",
]

EXIT_OK = 0
"""Every input was converted or valid."""
EXIT_FAILED = 1
"""Some input failed (the summary on stderr lists each)."""
EXIT_USAGE = 2
"""The command line was wrong."""


# --------------------------------------------------------------------------- convert


def _engine_units(
    inputs: list[str],
    args: argparse.Namespace,
    namer: Namer | None,
    written: os.stat_result | None,
    passed_over: PassedOver | None = None,
    *,
    written_into: bool = True,
) -> Iterator[Unit | Result | None]:
    """The engine's units for the inputs, read as the command line says.

    ``written``: the file standard output writes into, as :func:`_written_file` found it.
    ``written_into``: the output is standard output, a device or a FIFO (as ``convert``
    found ``-o`` when it looked at it), not a file or folder made anew.
    """
    output = getattr(args, "output", None)  # (validate has none: its report goes to stdout)
    if written_into:
        # standard output, a device, a FIFO: nothing a walk finds, unless the output goes
        # into a file there (convert in >> in/all.jsonl, validate in > in/report.txt)
        output = _appended_file(output, written)
    return units(
        inputs,
        namer,
        format=args.input_format,
        limits=_limits(args),
        output=output,
        passed_over=passed_over,
        written=written if written_into else None,
    )


def _written_file(out: str | None, looked: os.stat_result | None = None) -> os.stat_result | None:
    """The regular file standard output writes into (``> file``, ``>> file``), if it does.

    ``out`` is ``-o``: None or ``-`` for standard output, or a device path (``/dev/stdout``),
    which ``looked`` is what :func:`storykit._writing.look` found at. Looked at once, at the
    start: what is found is handed to each check that needs it.
    """
    if out is not None and out != "-":
        found = looked
    else:
        try:
            found = os.fstat(sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # closed, replaced (UnsupportedOperation)
            return None
    return found if found is not None and stat.S_ISREG(found.st_mode) else None


def _appended_file(out: str | None, written: os.stat_result | None) -> str | None:
    """The path of the file the output writes into (``written``), to leave out of a walk.

    ``convert in --to jsonl >> in/all.jsonl`` read in/all.jsonl as it grew, and wrote what
    it read into it again; so did ``-o /dev/fd/3 3>>in/all.jsonl``. Found by the system's
    name for the descriptor (Linux: ``/proc/self/fd``, where ``/dev/stdout`` and
    ``/dev/fd/N`` lead), when the file there is that one; else None. The path is the
    file's real path, resolved here once (the walk's :class:`storykit._units._Output` takes
    it as it is).
    """
    if written is None:
        return None
    try:
        device = f"/proc/self/fd/{sys.stdout.fileno()}" if out is None or out == "-" else out
        path = os.path.realpath(device)
        return path if os.path.samestat(os.stat(path), written) else None
    except (OSError, ValueError, AttributeError):
        return None


def check_output_not_read(written: os.stat_result | None, inputs: list[str]) -> None:
    """Refuse an input that is the file standard output writes into, as ``cat`` does.

    ``convert big.txt --to text >> big.txt`` read the stories it appended and appended them
    again, without end: 5 GB a minute, until the disk was full. A file named on its own is
    read (an input folder or pattern leaves it out: :func:`_appended_file`), so it is refused.
    ``written``: that file, as :func:`_written_file` found it.

    Raises:
        UsageError: An input named (or standard input) is that file.
    """
    if written is None:
        return
    for name in inputs:
        try:
            found = os.fstat(sys.stdin.fileno()) if name == "-" else os.stat(name)
        except (OSError, ValueError, AttributeError):
            continue
        if os.path.samestat(found, written):
            where = "standard input" if name == "-" else shown(name)
            msg = (
                f"{where} is the file the output goes into: the stories written would be read "
                "again, without end; write them into another file (-o FILE)"
            )
            raise UsageError(msg)


def _sources(inputs: list[str]) -> list[Any]:
    return [sys.stdin.buffer if name == "-" else name for name in inputs]


class _Converting(Handler):
    """Writes the output to standard output or to ``out``.

    The file is opened at the first byte: no file is made (or left) unless something was
    written to it.
    """

    def __init__(
        self, to: str, out: str | None, force: bool, summary: Summary, progress: _Progress
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
        self.special: bool | None = None  # whether ``out`` is a device, if known (looked at)
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
                    self.out,
                    force=self.force,
                    into_special=True,
                    inside=self.inside,
                    special=self.special,
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
        elif result.kind in ("full", "read-only"):  # no other story could be written: stop
            summary.fail(located(result.error or str(result.origin), *result[:2]))
            summary.full = result.kind
            keep_going = False
        else:
            keep_going = summary.fail(located(result.error or str(result.origin), *result[:2]))
        self.progress.update(1 if result.kind != "ok" else 0, summary.done, summary.failed)
        return keep_going


def convert(args: argparse.Namespace) -> int:  # noqa: PLR0915 - one flow, read top to bottom
    """``storykit convert``: the exit status.

    Raises:
        UsageError: The options cannot work together.
    """
    out: str | None = None if args.output in (None, "-") else args.output
    # what -o is (a folder, a device, the file standard output is): looked at once, here
    found, special = (None, False) if out is None else look(out)
    is_dir = found is not None and stat.S_ISDIR(found.st_mode)
    if out is not None:
        check_windows_path(out, exists=found is not None)
    to = _target_format(args, is_dir=is_dir)
    if to in formats.FILE_FORMATS:  # a database or Parquet file: written in this process
        from storykit import _tables  # noqa: PLC0415

        return _tables.convert(args, to)
    lines = args.to is not None and formats.resolve(args.to)[1].get("indent", 2) is None
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        raise UsageError("'-' (standard input) can be given once")
    one_document = holds_one_document(out, special=special)
    single = _is_single(inputs)
    if out is not None and out.lower().endswith(JSONL_SUFFIX):
        mode = "jsonl"  # (another --to: refused by _target_format)
    elif out is not None and _names_folder(out, single=single, is_dir=is_dir, special=special):
        mode = "dir"
    else:
        mode = "stream"
    if mode == "dir" and out is not None and _file_in_the_way(out):
        folder = _give_folder(out, to, inputs, given=args.to is not None)
        raise UsageError(f"{shown(out)} is a file, not a folder: {folder}")
    if mode == "dir":
        _check_apart(out or ".", inputs, to)
    if mode == "stream" and not single and to not in ("json", "text"):
        folder = _give_folder(out, to, inputs, given=args.to is not None)
        raise UsageError(f"many stories cannot go into one {to} output: {folder}")
    if mode == "stream" and not single and to == "json" and one_document:
        raise many_in_one_document(out or "", to, inputs, given=args.to is not None)

    if mode == "jsonl" and out is not None and is_dir:
        # (it failed at the end: "cannot write x.jsonl: Is a directory", 0 converted)
        raise UsageError(
            f"{shown(out)} is a folder, but a .jsonl output is one file; "
            f"name the file {shown(_free(out))}"
        )
    summary = Summary(fail_fast=args.fail_fast)
    writes_file = out is not None and mode in ("jsonl", "stream") and not special
    # the file standard output (or a device named) writes into, if any: looked at once
    written = None if writes_file or mode == "dir" else _written_file(out, found)
    if mode == "stream" and not writes_file:
        check_output_not_read(written, inputs)
    if writes_file:
        jsonl = lines or mode == "jsonl"
        check_not_an_input(out or "", inputs, JSONL_SUFFIX if jsonl else out_suffix(to))
    if writes_file and os.path.lexists(out or "") and not args.force:
        exists = f"{shown_short(out or '')} exists; use --force to overwrite it"
        sys.stderr.write(safe(exists) + "\n")
        return EXIT_FAILED

    namer = Namer(out or ".", out_suffix(to)) if mode == "dir" else None
    if out is not None and not special:  # what a killed run left (the namer: subfolders)
        remove_stale(out if namer is not None else os.path.dirname(out) or ".")
        if namer is not None:
            namer.swept.add(namer.root)
    only_one = False
    passed_over = PassedOver(out_suffix(to)) if mode == "dir" else None
    work: Iterator[Unit | Result | None]
    if single:  # one file: split here, to know first whether it holds one story or more
        pieces = iter_pieces(_sources(inputs), format=args.input_format, **_limits(args)._asdict())
        annotated = annotate(pieces)
        first = next(annotated, None)
        if first is None:  # read, and no story: a failure, counted as a folder's file is
            work = iter([no_story(Origin(input_name(inputs[0])))])
        else:
            only_one = isinstance(first.event, Piece) and not first.multi
            several = isinstance(first.event, Piece) and not only_one
            if mode == "stream" and several and to == "json" and one_document:
                held = place(first.event.origin.path, first.event.origin.member)
                given = args.to is not None
                raise many_in_one_document(out or "", to, inputs, given=given, held=held)
            if mode == "stream" and several and to not in ("json", "text"):
                sys.stderr.write(
                    safe(
                        f"{place(first.event.origin.path, first.event.origin.member)} holds "
                        f"several stories; to write them as {to}, "
                        + _give_folder(out, to, inputs, given=args.to is not None)
                    )
                    + "\n"
                )
                return EXIT_FAILED
            work = story_units(itertools.chain([first], annotated), namer, input_base(inputs[0]))
    else:
        into = out is None or (special and not is_dir)  # (stdout, a device: not made anew)
        work = _engine_units(inputs, args, namer, written, passed_over, written_into=into)
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
        handler.special = special  # (-o, looked at once)
    made = make_folder(out or ".") if mode == "dir" else []
    # The one output file not written: its stories are lost, but a site's pages are written
    # apart from its index, and stay converted.
    lost = summary.fail if site else summary.unwritten
    ran = False  # past reading: an OSError is then the output's
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
        elif sink is not None:  # --fail-fast stopped at a failure: the file is not made
            summary.lost, summary.done = summary.done, 0
        elif target is None and handler.written and handler.last != b"\n":
            write_stdout(b"\n")  # a terminal wants the last line ended
    except FileExistsError:
        lost(f"{shown_short(target or '')} exists; use --force to overwrite it")
    except NotRegularError as exc:
        lost(str(exc))
    except OSError as exc:
        # reading failed (standard input closed): the command's error, not the output's
        writing = ran or exc is handler.failed
        if target is None or isinstance(exc, BrokenPipeError) or not writing:
            raise
        lost(f"cannot write {shown_short(target)}: {exc.strerror or exc}")
    finally:
        progress.clear()
        if handler.sink is not None:
            handler.sink.discard()
        remove_empty(made)  # an output folder this run made and wrote nothing into
    note = "" if args.quiet else passed_over_note(passed_over, out, inputs)
    if not (summary.done or summary.failed or summary.skipped or summary.lost or args.quiet):
        # every file left out as output: that is why, not that there was none (said first)
        sys.stderr.write(note or nothing_found(inputs))
        note = ""
    summary.print(sys.stderr, quiet=args.quiet, verb="converted")
    sys.stderr.write(note)
    return EXIT_FAILED if summary.failed else EXIT_OK


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
            where = place(origin.path, origin.member) + ("" if line is None else f":{line}")
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
    run(_engine_units(inputs, args, None, _written_file(None)), job, args.jobs, Validating())
    failed = counts["errors"] > 0
    if as_json:
        document = {"valid": not failed, **counts, "diagnostics": found}
        write_text_stdout(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    if not (any(counts.values()) or args.quiet):  # (on stderr: --format json too)
        sys.stderr.write(nothing_found(inputs))
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
