"""What a worker process does with one chunk of units: split, read and write each story.

A unit is a plain tuple (it crosses to a worker process; tuples pickle several times faster
than objects):

- ``("f", path, None, format, stem)``: a plain file, read and split here;
- ``("m", path, member, format, data, stem)``: an archive member's bytes;
- ``("p", path, member, line, text, format, dest, first)``: one story split by the main
  process (``dest``: its output file, if any; ``first``: the first story of its file).

``stem``: with folder output, the file's output path without suffix
(:meth:`storykit._writing.Namer.stem`), else ``None``.

The common case, a small file holding one clean UTF-8 dump, takes a short road: read whole,
split without a line-by-line scan, read, written; no object is made for it but the story.
Anything else (JSON, JSON Lines, bad bytes, large files) goes through the pieces of
:mod:`storykit.collection`. A chunk's outputs come back encoded and joined, with only the
results worth reporting (failures, diagnostics); from a forked worker, through a buffer it
shares with the main process rather than through the pipe (see :func:`share_outputs`).
"""

from __future__ import annotations

import functools
import mmap
import os
from collections.abc import Callable, Iterator
from typing import Any, Literal, NamedTuple

from storykit import formats
from storykit._pieces import (
    bytes_pieces,
    open_file,
    opened_pieces,
    os_failure,
    parse_text,
    split_dump,
)
from storykit._records import Event, Failure, Origin, Piece
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit._writing import Namer, write_atomic
from storykit.errors import MissingExtraError, StoryParseError, UnrepresentableError
from storykit.model import Story

__all__ = [
    "SITE_INDEX",
    "SLOT",
    "Done",
    "Job",
    "Result",
    "Unit",
    "annotate",
    "failed",
    "share_outputs",
    "shared_output",
    "skipped",
    "unshare_outputs",
    "work",
]

Unit = tuple[Any, ...]
"""One unit of work, as a plain tuple (see the module's docstring)."""
Messages = tuple[tuple[int | None, str, str], ...]
"""Diagnostics as ``(line, level, message)``."""


class Job(NamedTuple):
    """What the workers do with each story (sent along with every chunk; it is small)."""

    mode: Literal["convert", "validate"]
    to: str = "json"
    compact: bool = False
    force: bool = False
    namer: Namer | None = None  # directory output: where each story goes
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
    fail_fast: bool = False  # stop a file at its first failure
    redo: bool = False  # done again after a worker died: a file it wrote is not "exists"
    options: tuple[tuple[str, Any], ...] = ()  # the writer's keyword options
    site: bool = False  # HTML pages in a folder, with index.html: each output is its entry


class Result(NamedTuple):
    """What became of one story (or of a file that could not be read).

    Crosses process boundaries as a plain tuple (``Result._make`` on arrival).
    """

    path: str
    member: str | None
    line: int | None
    kind: Literal["ok", "failed", "skipped", "exists"]
    error: str | None = None  # ``file:line: message`` (for ``exists``: the output file)
    messages: Messages = ()

    @property
    def origin(self) -> Origin:
        """Where the story (or the file) is."""
        return Origin(self.path, self.member, self.line)


Done = tuple[bytes | int, int, int, list[tuple[Any, ...]], int]
"""A chunk's output (or its length, when it is in the chunk's slot of the shared buffer),
its count of quiet successes and of files, its other results, and the count of lines its
stories keep in ``extras`` (lines the reader could not place)."""

SITE_INDEX = "index.html"
"""The index page of a folder of HTML pages written as a site (``convert -s -o DIR``)."""

SLOT = 512 * 1024
"""Bytes of output a chunk may leave in its slot of the shared buffer (a chunk of JSON Lines
takes about 200 KiB); a larger output comes through the pipe."""
_shared: mmap.mmap | None = None  # the shared buffer, made before the workers are forked


def share_outputs(slots: int) -> None:
    """Make the buffer that forked workers leave their chunks' outputs in.

    A chunk's output then crosses to the main process through shared memory instead of a
    pipe: the worker goes on with its next chunk at once rather than waiting for the main
    process to read the output through the pipe, a pipe's worth at a time. Only the pages
    written to take memory. Without the buffer (it could not be made), outputs come
    through the pipes.
    """
    global _shared  # noqa: PLW0603 - inherited by the workers forked after this
    try:
        _shared = mmap.mmap(-1, slots * SLOT)
    except OSError:  # pragma: no cover - no shared memory to be had
        _shared = None


def shared_output(slot: int, size: int) -> bytes:
    """The output a worker left in ``slot`` of the shared buffer."""
    if _shared is None:  # pragma: no cover - only workers forked after share_outputs use it
        return b""
    start = slot * SLOT
    return _shared[start : start + size]


def unshare_outputs() -> None:
    """Drop the shared buffer (after the workers are gone)."""
    global _shared  # noqa: PLW0603
    if _shared is not None:
        _shared.close()
        _shared = None


def failed(origin: Origin, error: StoryParseError | str) -> Result:
    """The result of what could not be read or written (a message is placed at ``origin``)."""
    if isinstance(error, str):
        error = StoryParseError(error, filename=origin.where, line=origin.line)
    messages = ((error.line, "error", error.message),)
    return Result(origin.path, origin.member, origin.line, "failed", str(error), messages)


def skipped(origin: Origin, reason: str) -> Result:
    """The result of an archive member that is not a story file."""
    return Result(origin.path, origin.member, origin.line, "skipped", f"{origin}: {reason}")


_writers: dict[tuple[Any, ...], Callable[..., str]] = {}


def _writer(job: Job) -> Callable[..., str]:
    """The function that writes a story in ``job.to`` (found once per process)."""
    key = (job.to, job.compact, job.options)
    found = _writers.get(key)
    if found is None:
        module = formats.writer(job.to)
        options = dict(job.options)
        if job.to == "json":
            options.setdefault("indent", None if job.compact else 2)
        found = functools.partial(module.dumps, **options) if options else module.dumps
        _writers[key] = found
    return found


def _holds(dest: str, out: str) -> bool:
    """Whether the file ``dest`` holds exactly ``out``."""
    try:
        with open(dest, "rb") as file:
            return file.read() == out.encode("utf-8")
    except OSError:
        return False


def annotate(events: Iterator[Event]) -> Iterator[tuple[Event, int, bool]]:
    """Each event with its story number in its file and whether the file holds several.

    Looks one event ahead, so the first story of a file knows whether a second follows.
    """
    index = 0
    key: tuple[str, str | None] | None = None
    previous: Event | None = None
    for event in events:
        this_key = (event.origin.path, event.origin.member)
        if previous is not None:
            yield previous, index, index > 1 or this_key == key
        index = index + 1 if this_key == key else 1
        key = this_key
        previous = event
    if previous is not None:
        yield previous, index, index > 1


def work(chunk: list[Unit], job: Job, slot: int | None = None) -> Done:
    """Do one chunk of units (in a worker process, or here with ``--jobs 1``).

    With a ``slot`` of the shared buffer (see :func:`share_outputs`), the output is left
    there when it fits, and only its length comes back.
    """
    batch = _Chunk(job)
    for unit in chunk:
        kind = unit[0]
        try:
            if kind == "f":
                batch.file(unit[1], unit[3], unit[4])
            elif kind == "m":
                batch.files += 1
                pieces = bytes_pieces(unit[4], unit[1], unit[2], unit[3], job.max_member_size)
                batch.events(pieces, unit[5])
            else:
                _, path, member, line, text, fmt, dest, first = unit
                batch.files += first
                batch.story(path, member, line, text, fmt, dest)
        except MissingExtraError:  # not the input's fault: the command stops and says so
            raise
        except Exception as exc:  # a bug in splitting must not stop a batch
            batch.internal(unit[1], unit[2], None, exc)
    return batch.done(slot)


class _Chunk:
    """One chunk's outputs (in order), quiet successes, files and other results."""

    __slots__ = ("extras", "files", "job", "ok", "rest", "texts", "write")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.write = None if job.mode == "validate" else _writer(job)
        self.texts: list[bytes] = []  # each encoded: cheaper than encoding them joined
        self.rest: list[tuple[Any, ...]] = []
        self.ok = 0
        self.files = 0
        self.extras = 0

    def done(self, slot: int | None) -> Done:
        texts, job = self.texts, self.job
        if not texts:
            return b"", self.ok, self.files, self.rest, self.extras
        if job.to == "text":  # dumps one after another, a blank line before each
            texts.insert(0, b"")
            separator = b"\n\n"
        elif job.to == "json" and job.compact:  # JSON Lines
            texts.append(b"")
            separator = b"\n"
        else:
            separator = b""
        shared = _shared
        if slot is not None and shared is not None:  # in a forked worker
            size = sum(map(len, texts)) + len(separator) * (len(texts) - 1)
            if size <= SLOT:  # no joined copy: each text goes to the slot
                shared.seek(slot * SLOT)
                shared.write(texts[0])
                for text in texts[1:]:
                    shared.write(separator)
                    shared.write(text)
                return size, self.ok, self.files, self.rest, self.extras
        return separator.join(texts), self.ok, self.files, self.rest, self.extras

    def file(self, path: str, fmt: str, stem: str | None) -> None:
        """A plain file; a small clean dump takes the short road."""
        self.files += 1
        limit = self.job.max_member_size
        try:
            opened = open_file(path, limit)
        except OSError as exc:
            self.failure(os_failure(path, exc))
            return
        if fmt == "text" and isinstance(opened, bytes):
            try:
                text = opened.decode("utf-8")
            except UnicodeDecodeError:  # the pieces tell which story the bad bytes are in
                pass
            else:
                pieces = split_dump(text)
                multi = len(pieces) > 1
                fail_fast = self.job.fail_fast
                for index, (line, piece) in enumerate(pieces, 1):
                    dest = self._dest(stem, index, multi)
                    done = self.story(path, None, line, piece, "text", dest)
                    if not done and fail_fast:
                        return
                return
        self.events(opened_pieces(opened, path, fmt, limit), stem)

    def _dest(self, stem: str | None, index: int, multi: bool) -> str | None:
        namer = self.job.namer
        return None if stem is None or namer is None else namer.dest(stem, index, multi)

    def events(self, events: Iterator[Piece | Failure], stem: str | None) -> None:
        """The pieces of a file or member that did not take the short road."""
        fail_fast = self.job.fail_fast
        for event, index, multi in annotate(events):
            if isinstance(event, Failure):
                self.failure(event)
                if fail_fast:
                    return
                continue
            assert isinstance(event, Piece)
            origin = event.origin
            dest = self._dest(stem, index, multi)
            done = self.story(
                origin.path, origin.member, origin.line, event.text, event.format, dest
            )
            if not done and fail_fast:
                return

    def story(  # noqa: PLR0917 - called for every story: kept positional
        self,
        path: str,
        member: str | None,
        line: int | None,
        text: str,
        fmt: str,
        dest: str | None = None,
    ) -> bool:
        """Read one story and write it (or only read it, to validate); False if it failed."""
        job = self.job
        where = path if member is None else f"{path}:{member}"
        try:
            story, diagnostics = parse_text(text, fmt, where, line)
        except StoryParseError as exc:
            self.fail(path, member, line, exc)
            return False
        except MissingExtraError:  # not the input's fault: the command stops and says so
            raise
        except Exception as exc:  # a reader bug must not stop a batch
            self.internal(path, member, line, exc)
            return False
        messages = tuple((d.line, d.level, d.message) for d in diagnostics) if diagnostics else ()
        self.extras += len(story.extras)
        if self.write is not None:
            entry = None  # a site's index entry for the page, once it is written
            try:
                if job.site and dest is not None and job.namer is not None:
                    out, entry = self._page(story, dest, job.namer.root)
                else:
                    out = self.write(story)
            except UnrepresentableError as exc:
                self.fail(path, member, line, f"cannot write as {job.to}: {exc}")
                return False
            except Exception as exc:  # a writer bug must not stop a batch
                self.internal(path, member, line, exc)
                return False
            if dest is None:
                self.texts.append(out.encode("utf-8"))
            elif not self._write_file(dest, out, path, member, line):
                return False
            if entry is not None:
                self.texts.append(entry)
        if messages:
            self.rest.append((path, member, line, "ok", None, messages))
        else:
            self.ok += 1
        return True

    def _page(self, story: Story, dest: str, root: str) -> tuple[str, bytes]:
        """A site's page, linking to the index, and the index's entry for it."""
        from storykit.formats import html  # noqa: PLC0415 - only for a site

        index = os.path.relpath(os.path.join(root, SITE_INDEX), os.path.dirname(dest))
        page = os.path.relpath(dest, root).replace(os.sep, "/")
        assert self.write is not None
        out: str = self.write(story, index=index.replace(os.sep, "/"))
        return out, html.index_entry(story, page).encode("utf-8")

    def _write_file(
        self, dest: str, out: str, path: str, member: str | None, line: int | None
    ) -> bool:
        try:
            write_atomic(dest, out, force=self.job.force)
        except FileExistsError:
            if self.job.redo and _holds(dest, out):
                return True  # written before a worker died, and the chunk was done again
            self.rest.append((path, member, line, "exists", dest, ()))
            return False
        except OSError as exc:
            self.fail(path, member, line, f"cannot write {dest}: {exc.strerror or exc}")
            return False
        return True

    def fail(
        self, path: str, member: str | None, line: int | None, error: StoryParseError | str
    ) -> None:
        self.rest.append(failed(Origin(path, member, line), error))

    def failure(self, event: Failure) -> None:
        self.rest.append(failed(event.origin, event.error))

    def internal(self, path: str, member: str | None, line: int | None, exc: BaseException) -> None:
        message = f"internal error: {type(exc).__name__}: {exc} (please report this)"
        self.fail(path, member, line, message)
