"""The work of a batch run: the inputs walked into units, in input order.

:func:`units` turns what :func:`storykit._walk.walk` finds in the inputs (folders, globs,
archives, standard input) into the typed units of :mod:`storykit._work_records`: a
:class:`~storykit._work_records.FileUnit` for a plain file, a
:class:`~storykit._work_records.MemberUnit` for an archive member's bytes, a
:class:`~storykit._work_records.StoryUnit` for each story of a stream split here
(:func:`story_units`), or a failed result in their place. With folder output, each file's
output name is chosen here, in input order.

:mod:`storykit._engine` runs these units (step 1 of the way its docstring follows); it
imports this module, never the other way round.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

from storykit._naming import Namer, OutsideError, input_base
from storykit._pieces import file_pieces, stream_pieces
from storykit._records import Blob, Failure, Origin, Piece
from storykit._sources import Limits, is_stream, read_ahead
from storykit._walk import Named, Opened, walk
from storykit._work_records import (
    FileUnit,
    MemberUnit,
    Result,
    StoryUnit,
    Unit,
    failed,
    no_story,
    skipped,
)
from storykit._worker import Numbered, annotate

__all__ = ["PassedOver", "story_units", "units"]


def units(
    inputs: list[str],
    namer: Namer | None,
    *,
    format: str | None,
    limits: Limits,
    output: str | None = None,
    passed_over: PassedOver | None = None,
    written: os.stat_result | None = None,
) -> Iterator[Unit | Result | None]:
    """The work for the inputs (paths, or ``-`` for standard input), in order.

    ``output`` (``convert -o``'s file or folder) is left out of a walk of the inputs:
    ``convert . -o all.jsonl --force`` read the last run's all.jsonl too, and grew it with
    each run; ``convert . -o json/`` read json/*.json and wrote json/json/ (see
    :class:`_Output`). An input that starts inside the output folder (``convert in/sub -o
    in/``) is walked whole, and a file named on its own is read. ``passed_over`` counts the
    files left out. ``written``: ``output`` is the file standard output writes into
    (``>> all.jsonl``), as it is, not a file made anew in its place, and this is what
    :func:`os.stat` found it to be: its other names are left out too (see :class:`_Output`);
    ``output`` is then its real path already (as ``convert`` found it), not resolved again.

    Files and archive members go to the workers whole, to be split there (a file over 4 MiB
    is handed back, see :func:`storykit._engine.run`); standard input, and a named pipe or
    a device named on its own, are split here, a story at a time.
    With ``namer`` (folder output), each file's output name is chosen here, in input order.
    ``None`` before a stream: the units so far are to be sent now, not kept back until the
    stream (which may trickle, or wait for a writer) fills their chunk.

    Raises:
        UnknownFormatError: ``format`` names no format that can be read.
    """
    # the output's real path, as found already: the file standard output writes into (see
    # ``written``), or the output folder (the namer's root)
    real = output if written is not None else None
    if namer is not None and output == namer.root:
        real = namer.real_root
    left_out = None if output is None else _Output(output, written, real)
    for name in read_ahead(inputs):  # the next files named are asked for ahead
        base = input_base(name)  # the folder the output names count from
        source = sys.stdin.buffer if name == "-" else name
        # the output is left out of a walk that starts outside it (convert in/sub -o in/
        # reads in/sub: it is no output of this command)
        leave = None if name == "-" or left_out is None or left_out.holds(base) else left_out
        for found in walk(source, format=format, limits=limits):
            if leave is not None and not isinstance(found, Opened):
                # (a Named's origin is made on each look: its path is asked for once)
                path = found.path if isinstance(found, Named) else found.origin.path
                if path != name and leave.holds(path):  # a file named on its own is read
                    if passed_over is not None and isinstance(found, (Named, Blob)):
                        passed_over.add(path)  # (an archive's members: once)
                    continue
            if isinstance(found, Named):  # a plain file
                stem = None if namer is None else _stem(namer, found.path, None, base)
                if isinstance(stem, Result):
                    yield stem
                elif found.path == name and is_stream(found.path):
                    # a named pipe or a device named on its own: split here, as standard
                    # input is (a worker would hold its stories until it ended, or for ever;
                    # one among a folder's files is refused by the walk). One look at each
                    # input named, not at each file of a folder.
                    yield None
                    pieces = file_pieces(found.path, found.format, limits.max_member_size)
                    numbered = annotate(pieces)
                    yield from _or_no_story(story_units(numbered, namer, stem=stem), found.origin)
                else:
                    yield FileUnit(found.path, found.format, stem)
            elif isinstance(found, Blob):  # an archive member
                origin = found.origin
                assert origin.member is not None
                assert found.data is not None
                stem = _stem(namer, origin.path, origin.member, base)
                if isinstance(stem, Result):
                    yield stem
                else:
                    yield MemberUnit(origin.path, origin.member, found.format, found.data, stem)
            elif isinstance(found, Opened):  # standard input
                yield None
                pieces = stream_pieces(
                    found.stream, found.origin.path, None, found.format, limits.max_member_size
                )
                yield from _or_no_story(story_units(annotate(pieces), namer, base), found.origin)
            elif isinstance(found, Failure):
                yield failed(found.origin, found.error)
            else:
                yield skipped(found.origin, found.reason)


class PassedOver:
    """The files of the inputs left out as output, but for those named as this run's output.

    ``convert in --to json -o in/sub/`` left out in/sub/*.txt, stories it was asked to
    convert, and said nothing. A file named as the output would be (``ours``, its suffix)
    may be an earlier run's output, and is not counted.
    """

    def __init__(self, ours: str) -> None:
        self.ours = ours.lower()
        self.count = 0
        self.first: list[str] = []
        """The first few files counted, to name them."""
        self._last = ""

    def add(self, path: str) -> None:
        """Count ``path``, left out, unless it is named as this run's output would be."""
        if path != self._last and not path.lower().endswith(self.ours):
            self._last = path
            self.count += 1
            if len(self.first) < _NAMED:
                self.first.append(path)


_NAMED = 3  # files left out named in the note


class _Output:
    """Where ``convert`` writes (its ``-o``), to leave it out of the walk of the inputs.

    Paths are compared as the system finds them, not as they are spelled: ``convert in -o
    link/json/``, where ``link`` is a link to ``in``, read the files it had written into
    ``in/json`` on the next run (``link/json`` is no path under ``in`` as a string), and
    ``convert 'in/*' -o in/json/`` read them as a folder the pattern matched. A folder's
    real path is looked up once, not for each of its files.

    So are a folder's other names for the output (see :meth:`_leading`): a symbolic link to
    it (``ln -s ../all.jsonl in/s.jsonl``, then ``convert in >> all.jsonl`` read all.jsonl
    as it grew, without end) or into the output folder; and, for a file standard output
    writes into (``written``), a hard link to it (``ln all.jsonl in/x.jsonl``). Not a
    hard link to a file ``-o`` names: a new file takes its place, and the link is then
    another file, read by the next run as by this one.
    """

    def __init__(
        self, output: str, written: os.stat_result | None = None, real: str | None = None
    ) -> None:
        """``real``: ``output``'s real path, when the caller has resolved it already."""
        self.real = os.path.realpath(output) if real is None else real
        self.top = os.path.join(self.real, "")
        self.parent, self.name = os.path.split(self.real)
        # by folder as spelt: whether it is the output folder or inside it, the names in it
        # that are the output or lead to it, and its symbolic links not followed yet; so a
        # file costs a split and two or three look-ups
        self._folders: dict[str, tuple[bool, set[str], set[str]]] = {}
        # the file standard output writes into, when it has other names (hard links)
        self._linked = written if written is not None and written.st_nlink > 1 else None

    def holds(self, path: str) -> bool:
        """Whether ``path`` is the output, leads to it, or lies in the output folder.

        A folder is looked up by ``path`` up to its last ``/`` (on POSIX: ``os.path.split``
        cuts there too, and the name after it is the same), which is cheaper than splitting.
        A symbolic link is followed the first time it is asked of (see :meth:`_leading`).
        """
        if _ONE_SEP:
            cut = path.rfind("/") + 1
            key, name = path[:cut], path[cut:]
        else:  # pragma: no cover - Windows: a drive ("C:x") is split off too
            key, name = os.path.split(path)
        known = self._folders.get(key)
        if known is None:
            if len(self._folders) > _FOLDERS_KEPT:
                self._folders.clear()
            folder = os.path.split(path)[0] or os.curdir  # ("": the current folder)
            real = os.path.realpath(folder)
            inside = real == self.real or real.startswith(self.top)
            leading, links = (set(), set()) if inside else self._leading(folder, real)
            known = self._folders[key] = (inside, leading, links)
        inside, leading, links = known
        if inside or name in leading:
            return True
        if name not in links:
            return False
        links.discard(name)  # (an archive's members ask of its path again: followed once)
        if not self._leads(path):
            return False
        leading.add(name)
        return True

    def _leading(self, folder: str, real: str) -> tuple[set[str], set[str]]:
        """The names in ``folder`` (whose real path is ``real``) that are the output or lead to it.

        The output's own name, and another name of the file standard output writes into
        (when it has other names); and, apart, the folder's symbolic links, to be followed
        (:meth:`_leads`) only when the walk takes one: a folder's walk never takes a hidden
        name or one that is no story's, but a pattern can match either (``'in/*'``,
        ``'in/.*'``). One listing of the folder, with a system call only for each entry with
        the output's inode number.
        """
        names = {self.name} if real == self.parent else set()
        links: set[str] = set()
        linked = self._linked
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        links.add(entry.name)
                    elif (
                        linked is not None
                        and entry.inode() == linked.st_ino
                        and entry.name not in names
                        and _is_file(entry.path, linked)
                    ):
                        names.add(entry.name)
        except OSError:  # a folder that cannot be listed: the walk says so
            pass
        return names, links

    def _leads(self, link: str) -> bool:
        """Whether the symbolic link ``link`` leads to the output or into the output folder."""
        target = os.path.realpath(link)
        return (
            target == self.real
            or target.startswith(self.top)
            or (self._linked is not None and _is_file(target, self._linked))
        )


def _is_file(path: str, found: os.stat_result) -> bool:
    """Whether ``path`` is the file ``found`` (:func:`os.stat` of it)."""
    try:
        return os.path.samestat(os.stat(path), found)
    except OSError:  # gone since the folder was listed
        return False


_FOLDERS_KEPT = 1024  # real paths of folders kept by _Output (a walk is in one at a time)
_ONE_SEP = os.sep == "/" and os.altsep is None  # POSIX paths: only "/" separates folders


def _or_no_story(
    items: Iterator[StoryUnit | Result], origin: Origin
) -> Iterator[StoryUnit | Result]:
    """``items``, or the failure of a file that holds no story, as a worker reports one."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield no_story(origin)


def _stem(namer: Namer | None, path: str, member: str | None, base: str) -> str | Result | None:
    """Where a file's stories go in the output folder (``None``: no folder), or why not."""
    if namer is None:
        return None
    try:
        return namer.stem(path, member, base)
    except OutsideError as exc:
        return failed(Origin(path, member), str(exc))


def story_units(
    numbered: Iterator[Numbered], namer: Namer | None, base: str = "", stem: str | None = None
) -> Iterator[StoryUnit | Result]:
    """A unit for each story split here, or the result of what could not be read.

    ``base``: the folder the output names count from (see :func:`input_base`). ``stem``:
    the output name chosen already for the one file of ``numbered`` (a file handed back).
    """
    chosen = stem is not None
    refused: str | None = None  # why the file's stories are not written
    for event, index, multi in numbered:
        origin = event.origin
        if isinstance(event, Failure):
            yield failed(origin, event.error)
        elif not isinstance(event, Piece):
            yield skipped(origin, event.reason)
        else:
            if namer is not None and index == 1 and not chosen:
                try:
                    stem, refused = namer.stem(origin.path, origin.member, base), None
                except OutsideError as exc:
                    stem, refused = None, str(exc)
            if refused is not None:
                yield failed(origin, refused)
                continue
            dest = None if namer is None or stem is None else namer.dest(stem, index, multi)
            yield StoryUnit(
                origin.path, origin.member, origin.line, event.text, event.format, dest, index == 1
            )
