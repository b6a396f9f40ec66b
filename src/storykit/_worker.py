"""What a worker process does with one chunk of units: split, read and write each story.

The main process (:mod:`storykit._engine`) sends a list of units, each a small typed record
(:mod:`storykit._work_records`, as are the job and what comes back):

- :class:`FileUnit`: a plain file, read and split here;
- :class:`MemberUnit`: an archive member's bytes, split here;
- :class:`StoryUnit`: one story the main process split (standard input, a large file).

The worker sends back one :class:`Done` per chunk: the chunk's output (every story written
in the target format, encoded and joined, in order), how many stories went well and said
nothing, and a :class:`Result` for each story (or file) worth reporting: a failure, a
diagnostic, an output file that exists already.

The common case, a small file or archive member holding one clean dump (UTF-8, no zero
byte), takes a short road: read whole, split without a line-by-line scan, read, written; no
object is made for it but the story. Anything else (JSON, JSON Lines, bad bytes, binary data,
large files) goes through the pieces of :mod:`storykit._pieces`.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import stat
from collections.abc import Callable, Iterator
from typing import Any, Literal, NamedTuple

from storykit import formats
from storykit._cli_names import shown_short
from storykit._pieces import (
    bytes_pieces,
    open_file,
    opened_pieces,
    os_failure,
    parse_text,
    reads_whole,
    split_dump,
)
from storykit._records import Event, Failure, Origin, Piece, where_of
from storykit._work_records import (
    RESULTS_HELD,
    Done,
    FileUnit,
    Job,
    MemberUnit,
    Message,
    Result,
    StoryUnit,
    Unit,
    failed,
    no_story,
)
from storykit._writing import write_atomic
from storykit.errors import MissingExtraError, StoryParseError, UnrepresentableError
from storykit.model import Story

__all__ = ["SITE_INDEX", "Numbered", "annotate", "work"]


SITE_INDEX = "index.html"
"""The index page of a folder of HTML pages written as a site (``convert -s -o DIR``)."""


_writers: dict[tuple[Any, ...], Callable[..., str]] = {}
_FULL = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EROFS))
"""A full disk (or quota), a read-only one: no other story could be written, so the run stops."""


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


class Numbered(NamedTuple):
    """A piece (or failure) with its place among the stories of its file."""

    event: Event
    number: int
    """The story's number in its file (or member), from 1."""
    multi: bool
    """Whether the file holds more than one story."""


def annotate(events: Iterator[Event]) -> Iterator[Numbered]:
    """Each event with its story number in its file and whether the file holds several.

    Looks one event ahead, so the first story of a file knows whether a second follows.
    """
    index = 0
    key: tuple[str, str | None] | None = None
    previous: Event | None = None
    for event in events:
        this_key = (event.origin.path, event.origin.member)
        if previous is not None:
            yield Numbered(previous, index, index > 1 or this_key == key)
        index = index + 1 if this_key == key else 1
        key = this_key
        previous = event
    if previous is not None:
        yield Numbered(previous, index, index > 1)


def _fill(slot: memoryview, texts: list[bytes], separator: bytes) -> None:
    """Copy ``separator.join(texts)`` into the start of ``slot`` (which it fits)."""
    at = 0
    step = len(separator)
    for index, text in enumerate(texts):
        if index and step:
            slot[at : at + step] = separator
            at += step
        end = at + len(text)
        slot[at:end] = text
        at = end


def _over(opened: bytes | io.BufferedReader, size: int) -> bool:
    """Whether a file (read whole, or open: a regular file) holds more than ``size`` bytes."""
    if isinstance(opened, bytes):
        return len(opened) > size
    info = os.fstat(opened.fileno())
    return stat.S_ISREG(info.st_mode) and info.st_size > size


def work(chunk: list[Unit], job: Job, slot: memoryview | None = None) -> Done:
    """Do one chunk of units (in a worker process, or here with ``--jobs 1``).

    ``slot``: where to leave the output, if it fits, rather than send it back (see
    :class:`storykit._slots.SharedSlots`).
    """
    batch = _Chunk(job, slot)
    for index, unit in enumerate(chunk):
        if batch.full:
            break  # the output's disk is full: the rest of the chunk is not done
        try:
            if isinstance(unit, StoryUnit):
                batch.files += unit.first
                batch.story(unit.path, unit.member, unit.line, unit.text, unit.format, unit.dest)
            elif len(batch.results) >= RESULTS_HELD:
                return batch.done(index, -1)  # many results already: the rest is sent again
            elif isinstance(unit, FileUnit):
                if not batch.file(unit):
                    return batch.done(index)
            else:
                batch.member(unit)
            if batch.skip:  # too many results: the rest of the file is handed back
                return batch.done(index, batch.skip)
        except MissingExtraError:  # not the input's fault: the command stops and says so
            raise
        except Exception as exc:  # a bug in splitting must not stop a batch
            batch.internal(unit.origin, exc)
    return batch.done()


class _Chunk:
    """One chunk's outputs (in order), quiet successes, files and other results."""

    __slots__ = (
        "extras", "files", "full", "job", "ok", "remember", "results", "skip", "slot", "texts",
        "write",
    )  # fmt: skip

    def __init__(self, job: Job, slot: memoryview | None = None) -> None:
        self.job = job
        self.slot = slot
        self.write = None if job.mode == "validate" else _writer(job)
        self.remember = self.write is not None and job.to == "text"  # (for its check)
        self.texts: list[bytes] = []  # each encoded: cheaper than encoding them joined
        self.results: list[Result] = []
        self.ok = 0
        self.files = 0
        self.extras = 0
        self.full = False  # a story could not be written: the output's disk is full
        self.skip = 0  # stories of a file done before it was handed back, its results many

    def done(self, handed: int = -1, skip: int = 0) -> Done:
        """The chunk's output, joined as the target format joins many stories.

        ``handed``: the place of a file handed back, if the chunk stopped there; ``skip``:
        how many of its stories were done.
        """
        texts, job = self.texts, self.job
        if not texts:
            separator = b""
        elif job.to == "text":  # dumps one after another, a blank line before each
            texts.insert(0, b"")
            separator = b"\n\n"
        elif job.to == "json" and job.compact:  # JSON Lines: each line ended
            texts.append(b"")
            separator = b"\n"
        else:
            separator = b""
        slot = self.slot
        if slot is not None and texts:
            size = sum(map(len, texts)) + len(separator) * (len(texts) - 1)
            if size <= len(slot):
                _fill(slot, texts, separator)
                return Done(b"", self.ok, self.files, self.results, self.extras, handed, size, skip)
        output = separator.join(texts)
        return Done(output, self.ok, self.files, self.results, self.extras, handed, -1, skip)

    def file(self, unit: FileUnit) -> bool:
        """A plain file; a small clean dump takes the short road.

        False, and nothing done, for a file over ``Job.delegate`` bytes: it is handed back.
        The main process learns the size here, from the file it opened, rather than asking
        for it (a system call per file) while it walks the inputs.
        """
        path, limit = unit.path, self.job.max_member_size
        try:
            opened = open_file(path, limit)
        except OSError as exc:
            self.files += 1
            self.failure(os_failure(path, exc))
            return True
        if self.job.delegate and _over(opened, self.job.delegate):
            if not isinstance(opened, bytes):
                opened.close()
            return False
        self.files += 1
        if unit.format == "text" and isinstance(opened, bytes) and self.clean_dump(opened, unit):
            return True
        self.pieces(opened_pieces(opened, path, unit.format, limit), unit.stem, unit.origin)
        return True

    def member(self, unit: MemberUnit) -> None:
        """An archive member's bytes; a small clean dump takes the short road, as a file does."""
        self.files += 1
        data, limit = unit.data, self.job.max_member_size
        if unit.format == "text" and reads_whole(len(data), limit) and self.clean_dump(data, unit):
            return
        pieces = bytes_pieces(data, unit.path, unit.member, unit.format, limit)
        self.pieces(pieces, unit.stem, unit.origin)

    def clean_dump(self, data: bytes, unit: FileUnit | MemberUnit) -> bool:
        """The short road: the stories of ``data``, a file's or member's bytes read whole.

        Taken when they are a clean dump: UTF-8, without a zero byte (binary data, most
        likely), so the text holds no NUL and no lone surrogate (see
        :func:`~storykit._pieces.parse_text`). False, and nothing done, when they are not:
        the long road, which looks for both, says where.
        """
        if b"\0" in data:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # the pieces tell which story the bad bytes are in
            return False
        pieces, plain = split_dump(text)
        if not pieces:
            self.results.append(no_story(unit.origin))
            return True
        path = unit.path
        member = unit.member if isinstance(unit, MemberUnit) else None
        glued = False if plain else None
        multi = len(pieces) > 1
        stem = unit.stem
        for index, (line, piece) in enumerate(pieces, 1):
            dest = None if stem is None else self._dest(stem, index, multi)
            done = self.story(path, member, line, piece, "text", dest, True, glued)
            if not done and (self.job.fail_fast or self.full):
                break
        return True

    def _dest(self, stem: str | None, index: int, multi: bool) -> str | None:
        namer = self.job.namer
        return None if stem is None or namer is None else namer.dest(stem, index, multi)

    def pieces(self, events: Iterator[Piece | Failure], stem: str | None, origin: Origin) -> None:
        """The stories of a file or member (at ``origin``) that did not take the short road.

        Past ``RESULTS_HELD`` results in the chunk, the rest of the file is left, to be handed
        back (``skip``: how many of its stories are done), unless it has no more.
        """
        fail_fast = self.job.fail_fast
        index = 0
        for event, index, multi in annotate(events):
            if len(self.results) >= RESULTS_HELD:
                self.skip = index - 1  # (at least 1: work() hands back a file not begun)
                return  # (the generators, let go, close the file)
            if isinstance(event, Failure):
                self.failure(event)
                done = False
            else:
                assert isinstance(event, Piece)
                dest = self._dest(stem, index, multi)
                at = event.origin  # (not ``origin``: the file's, which no_story names below)
                done = self.story(at.path, at.member, at.line, event.text, event.format, dest)
            if not done and (fail_fast or self.full):
                return
        if not index:
            self.results.append(no_story(origin))

    def story(  # noqa: PLR0917 - the origin's parts: an Origin is made only if needed
        self,
        path: str,
        member: str | None,
        line: int | None,
        text: str,
        fmt: str,
        dest: str | None,
        clean: bool = False,
        glued: bool | None = None,
    ) -> bool:
        """Read one story and write it (or only read it, to validate); False if it failed.

        The story starts on ``line`` of ``path`` (and ``member``); ``clean``, ``glued``:
        what the caller knows of ``text`` (see :func:`~storykit._pieces.parse_text`).
        """
        job = self.job
        where = where_of(path, member)
        try:
            story, diagnostics = parse_text(
                text, fmt, where, line, clean=clean, remember=self.remember, glued=glued
            )
        except StoryParseError as exc:
            self.fail(Origin(path, member, line), exc)
            return False
        except MissingExtraError:  # not the input's fault: the command stops and says so
            raise
        except Exception as exc:  # a reader bug must not stop a batch
            self.internal(Origin(path, member, line), exc)
            return False
        self.extras += len(story.extras)
        if self.write is not None:
            entry = None  # a site's index entry for the page, once it is written
            try:
                if job.site and dest is not None and job.namer is not None:
                    out, entry = self._page(story, dest, job.namer.root)
                else:
                    out = self.write(story)
            except UnrepresentableError as exc:
                self.fail(Origin(path, member, line), f"cannot write as {job.to}: {exc}")
                return False
            except Exception as exc:  # a writer bug must not stop a batch
                self.internal(Origin(path, member, line), exc)
                return False
            if dest is None:
                self.texts.append(out.encode("utf-8"))
            elif not self._write_file(dest, out, Origin(path, member, line)):
                return False
            if entry is not None:
                self.texts.append(entry)
        if diagnostics:
            messages = tuple(Message(d.line, d.level, d.message) for d in diagnostics)
            self.results.append(Result(path, member, line, "ok", None, messages))
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

    def _write_file(self, dest: str, out: str, origin: Origin) -> bool:
        try:
            namer = self.job.namer
            inside = namer.real_root if namer is not None else None
            write_atomic(dest, out, force=self.job.force, inside=inside)
        except FileExistsError:
            if self.job.redo and _holds(dest, out):
                return True  # written before a worker died, and the chunk was done again
            self.results.append(Result(origin.path, origin.member, origin.line, "exists", dest))
            return False
        except OSError as exc:
            result = failed(origin, f"cannot write {shown_short(dest)}: {exc.strerror or exc}")
            if exc.errno in _FULL:
                kind: Literal["full", "read-only"] = (
                    "full" if exc.errno != errno.EROFS else "read-only"
                )
                result, self.full = result._replace(kind=kind), True
            self.results.append(result)
            return False
        return True

    def fail(self, origin: Origin, error: StoryParseError | str) -> None:
        self.results.append(failed(origin, error))

    def failure(self, event: Failure) -> None:
        self.results.append(failed(event.origin, event.error))

    def internal(self, origin: Origin, exc: BaseException) -> None:
        message = f"internal error: {type(exc).__name__}: {exc} (please report this)"
        self.fail(origin, message)
