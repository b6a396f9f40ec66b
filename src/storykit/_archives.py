"""Reading zip and tar archives safely: members one at a time, within the size limits.

A member larger than ``max_member_size`` is refused after reading at most that many bytes
plus one, whatever its header claims; an archive stops being read once its members add up
to more than ``max_total_size`` (for a tar stream, members only skipped count too, as they
must be read through; for a zip, so does its central directory, which is read whole to list
it). An archive of more than ``max_members`` members is refused: a zip before its central
directory is read (from the count in its end record), a tar once it gets there. Members
whose names would escape a folder (``../x``, ``/etc/x``, ``C:x``), links, devices and
sparse files are refused, not read. Nothing is extracted to disk: each member comes as a
:class:`~storykit.collection.Blob` holding its bytes.
"""

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Iterator
from typing import IO, Any, Self, cast

from storykit._records import Blob, Failure, Origin, Skipped, read_error, size_text, too_large
from storykit._sources import Limits
from storykit._suffixes import lower_suffix, suffix_format

__all__ = ["archive_blobs"]


class _TotalExceededError(Exception):
    """More bytes than the total limit were read out of one archive."""


class _Budget:
    """Bytes still allowed out of one archive."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise _TotalExceededError


def _unsafe_name(name: str) -> str | None:
    """Why an archive member's name is unsafe to use as a path, or ``None``."""
    if not name or "\0" in name:
        return "an empty name"
    normal = name.replace("\\", "/")
    if normal.startswith("/"):
        return "an absolute path"
    if re.match(r"[A-Za-z]:", normal):
        return "a path with a drive letter"
    if ".." in normal.split("/"):
        return "a path that climbs out of its folder ('..')"
    return None


def _member_failure(origin: Origin, problem: str) -> Failure:
    return read_error(origin, f"unsafe archive member ({problem}); not read")


def _too_large(origin: Origin, limit: int, *, packed: bool = False) -> Failure:
    """A member over the limit; ``packed``: a compressed zip member, which may be a bomb."""
    return read_error(origin, too_large(limit, "member") + (" (a zip bomb?)" if packed else ""))


def _packed(info: Any) -> bool:
    """Whether the zip member ``info`` is compressed (its method is not ``ZIP_STORED``, 0)."""
    return bool(info.compress_type)


def _admitted(
    origin: Origin,
    problem: str | None,
    folder: bool,
    size: int,
    limit: int,
    *,
    packed: bool = False,
) -> str | Failure | Skipped | None:
    """What a member's header says of it, before it is read: its format, or why not.

    The zip and the tar walk's one order: an unsafe member (``problem``) is a failure, a
    folder is passed over (None), a member of no story format's suffix is skipped, and one
    whose header says it is over ``limit`` bytes is a failure (``packed``: see
    :func:`_too_large`).
    """
    if problem is not None:
        return _member_failure(origin, problem)
    if folder:
        return None
    fmt = suffix_format(lower_suffix(origin.member or ""))
    if fmt is None:
        return Skipped(origin, "not a story file (unknown suffix)")
    if size > limit:
        return _too_large(origin, limit, packed=packed)
    return fmt


def _total_exceeded(path: str, limit: int) -> Failure:
    return read_error(
        Origin(path),
        f"archive holds more than the {size_text(limit)} limit (max_total_size); "
        "the rest of it is not read",
    )


def _too_many(path: str, limit: int, count: int | None = None) -> Failure:
    holds = f"holds {count:,} members" if count is not None else "holds more members"
    return read_error(
        Origin(path),
        f"archive {holds}, more than the {limit:,} limit (max_members); "
        + ("not read" if count is not None else "the rest of it is not read"),
    )


def zip_directory(file: str | IO[bytes]) -> tuple[int, int] | None:
    """``(members, bytes)`` of a zip's central directory, from its end record only.

    :class:`zipfile.ZipFile` reads the whole central directory (an object per member)
    before the first member can be read; this reads only the end record (at most 64 KiB
    from the end of the file, and the ZIP64 record it points to) so that the listing can
    be refused first. ``None`` when there is no end record to be found (the archive is then
    refused by ``ZipFile`` anyway) or the file cannot seek.
    """
    import zipfile  # noqa: PLC0415

    end_record = getattr(zipfile, "_EndRecData", None)  # what ZipFile itself reads first
    if end_record is None:  # pragma: no cover - a Python whose zipfile is laid out otherwise
        return None
    try:
        if isinstance(file, str):
            with open(file, "rb") as stream:
                found = end_record(stream)
        else:
            where = file.tell()
            try:
                found = end_record(file)
            finally:
                file.seek(where)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, struct.error):
        return None
    if not found:
        return None
    entries, size = getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4), getattr(zipfile, "_ECD_SIZE", 5)
    return int(found[entries]), int(found[size])


def _zip_listing_refused(
    path: str, file: str | IO[bytes], budget: _Budget, max_members: int
) -> Failure | None:
    """Refuse a zip whose listing is over the limits, from its end record, before it is read.

    The central directory is read whole and held as an object per member: it is refused
    when it lists more than ``max_members``, and its bytes count towards the total size.
    A named pipe or a device is refused before it is opened (see :func:`_is_device`).
    """
    if _is_device(file):
        return read_error(Origin(path), _NO_END)
    directory = zip_directory(file)
    if directory is None:
        return None
    members, listing = directory
    if members > max_members:
        return _too_many(path, max_members, members)
    try:
        budget.take(listing)
    except _TotalExceededError:
        return _total_exceeded(path, budget.limit)
    return None


_NO_END = (
    "not a readable zip archive: not a regular file (a named pipe or a device); a zip is "
    "read from its end, which this may never reach"
)


def _is_device(file: str | IO[bytes]) -> bool:
    """Whether ``file`` is a named pipe, a device or a socket (not an object it cannot tell).

    :mod:`zipfile` looks for a zip's end record by seeking to the end: on ``/dev/zero`` that
    works, and it then read the device whole, until memory ran out.
    """
    try:
        mode = os.stat(file).st_mode if isinstance(file, str) else os.fstat(file.fileno()).st_mode
    except (AttributeError, OSError, ValueError):  # no descriptor: left to zipfile
        return False
    return not stat.S_ISREG(mode)


_ENCRYPTED = 0x1  # a zip member's general purpose flag: encrypted


def _zip_error(info: Any, exc: Exception) -> str:
    """Why zipfile could not read member ``info``: its words, in plain ones if encrypted.

    For an encrypted member zipfile says "File <ZipInfo filename=… filemode=…> is
    encrypted, password required for extraction": Python's view of the member.
    """
    if info.flag_bits & _ENCRYPTED:
        return "it is encrypted (it needs a password, which storykit does not take)"
    return str(exc)


def _zip_blobs(
    path: str, file: str | IO[bytes], limits: Limits
) -> Iterator[Blob | Failure | Skipped]:
    import lzma  # noqa: PLC0415
    import zipfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    member_limit, total, max_members = limits
    budget = _Budget(total)
    # what a damaged member raises (zlib's and lzma's errors are no OSError, bz2's is), or
    # one in a compression method zipfile does not know (NotImplementedError), or whose
    # local header holds a name flagged UTF-8 that is not (UnicodeDecodeError, a ValueError)
    errors = (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        zlib.error,
        lzma.LZMAError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    )
    refused = _zip_listing_refused(path, file, budget, max_members)
    if refused is not None:
        yield refused
        return
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        # (NotImplementedError: a directory entry of a zip version it does not read)
        yield read_error(Origin(path), f"not a readable zip archive: {exc}")
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:  # the end record said less than its directory holds
            yield _too_many(path, max_members, len(infos))
            return
        for info in infos:
            name = info.filename
            origin = Origin(path, name)
            problem = _unsafe_name(name)
            mode = info.external_attr >> 16
            if problem is None and stat.S_ISLNK(mode):
                problem = "a symbolic link"
            fmt = _admitted(
                origin, problem, info.is_dir(), info.file_size, member_limit, packed=_packed(info)
            )
            if isinstance(fmt, (Failure, Skipped)):
                yield fmt
            if not isinstance(fmt, str):
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(member_limit + 1)  # never more, whatever the header
                budget.take(len(data))
            except _TotalExceededError:
                yield _total_exceeded(path, total)
                return
            except errors as exc:
                yield read_error(origin, f"cannot read this member: {_zip_error(info, exc)}")
                continue
            if len(data) > member_limit:
                yield _too_large(origin, member_limit, packed=_packed(info))
            else:
                yield Blob(origin, fmt, data)


_MAX_EXTENDED = 8
"""The most extended headers (pax, GNU long names) before one member: tar writes 3 at most."""


def _tarinfo_class(member_limit: int, budget: _Budget, damage: list[str]) -> type[Any]:
    """A :class:`tarfile.TarInfo` that keeps the limits and says where an archive breaks.

    :mod:`tarfile` reads a pax or GNU long-name header whole, before :func:`_tar_blobs`
    sees its member: a 300 KB ``.tar.gz`` could make it hold a gigabyte, whatever the
    limits said; and each such header reads the next by recursion, so a few hundred in a
    row ended in a ``RecursionError``. Here a header larger than ``member_limit`` is
    refused, its bytes count towards the total, and more than :data:`_MAX_EXTENDED` in a
    row are refused.

    tarfile also takes a damaged or cut header after the first member for the end of the
    archive and says nothing: every member past it would be lost without a word. Why such
    a header could not be read is added to ``damage``.
    """
    import tarfile  # noqa: PLC0415

    extended = (
        tarfile.GNUTYPE_LONGNAME,
        tarfile.GNUTYPE_LONGLINK,
        tarfile.XHDTYPE,
        tarfile.XGLTYPE,
        tarfile.SOLARIS_XHDTYPE,
    )
    depth = [0]

    class Watched(tarfile.TarInfo):
        @classmethod
        def fromtarfile(cls, tarfile_: tarfile.TarFile) -> Self:
            try:
                return super().fromtarfile(tarfile_)
            except tarfile.HeaderError as exc:  # (the end of the archive is one too)
                if type(exc).__name__ in _DAMAGED_HEADER:
                    damage.append(str(exc))
                raise

        def _proc_member(self, tarfile_: Any) -> Any:
            if self.type not in extended:
                return super()._proc_member(tarfile_)  # type: ignore[misc]
            if self.size > member_limit:
                msg = (
                    f"an extended header of {self.size:,} bytes, larger than the "
                    f"{size_text(member_limit)} limit (max_member_size)"
                )
                raise tarfile.HeaderError(msg)
            if depth[0] >= _MAX_EXTENDED:
                msg = f"more than {_MAX_EXTENDED} extended headers in a row"
                raise tarfile.HeaderError(msg)
            budget.take(self.size)
            depth[0] += 1
            try:
                return super()._proc_member(tarfile_)  # type: ignore[misc]
            finally:
                depth[0] -= 1

    return Watched


_DAMAGED_HEADER = frozenset({"InvalidHeaderError", "TruncatedHeaderError"})
"""tarfile's errors for a header it cannot read (not in its type stubs, so by name)."""


def _tar_problem(info: Any) -> str | None:
    """Why a tar member must not be read, or ``None``."""
    problem = _unsafe_name(info.name)
    if problem is None and info.issym():
        problem = "a symbolic link"
    elif problem is None and info.islnk():
        problem = "a hard link"
    elif problem is None and info.issparse():
        problem = "a sparse file"
    elif problem is None and not info.isreg() and not info.isdir():
        problem = "not a regular file"
    return problem


def _tar_error(exc: Exception, file: str | IO[bytes]) -> str:
    """Why tarfile could not open ``file``: its words, but for a file that is not empty.

    Compressed data cut short before the first member's header (a ``.tar.bz2`` cut in
    its first block) was "empty file" to tarfile, whatever the file's size.
    """
    if str(exc) == "empty file":
        try:
            status = os.stat(file) if isinstance(file, str) else os.fstat(file.fileno())
        except (AttributeError, OSError, ValueError):  # no descriptor: its size is not known
            return str(exc)
        if stat.S_ISREG(status.st_mode) and status.st_size > 0:
            return "it ends before its first member (cut short?)"
    return str(exc)


def _tar_blobs(  # noqa: PLR0915 - one loop over the members
    path: str, file: str | IO[bytes], limits: Limits
) -> Iterator[Blob | Failure | Skipped]:
    import lzma  # noqa: PLC0415
    import tarfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    member_limit, total, max_members = limits
    errors = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError)
    damage: list[str] = []  # why a header past the first could not be read
    budget = _Budget(total)
    headers = _tarinfo_class(member_limit, budget, damage)
    try:
        # a stream: members are read in order, and a pipe will do
        if isinstance(file, str):
            archive = tarfile.open(file, mode="r|*", tarinfo=headers)  # noqa: SIM115 - closed below
        else:
            archive = tarfile.open(fileobj=file, mode="r|*", tarinfo=headers)  # noqa: SIM115
    except _TotalExceededError:  # in an extended header
        yield _total_exceeded(path, total)
        return
    except (*errors, TypeError) as exc:  # TypeError: a gzip header cut short (ord(b""))
        yield read_error(Origin(path), f"not a readable tar archive: {_tar_error(exc, file)}")
        return
    count = 0
    name = ""
    with archive:
        while True:
            try:
                info = archive.next()
            except _TotalExceededError:  # in an extended header
                yield _total_exceeded(path, total)
                return
            except errors as exc:
                yield read_error(Origin(path), f"cannot read the archive past here: {exc}")
                return
            if info is None:
                if damage:  # (not the end: a header tarfile could not read)
                    after = f"member {count} ({name})" if count else "its first member"
                    yield read_error(
                        Origin(path),
                        f"cannot read the archive after {after}: {damage[-1]}; "
                        "it is damaged or cut short, and what follows is not read",
                    )
                return
            count += 1
            if count > max_members:  # counted as they come: a tar stream has no listing
                yield _too_many(path, max_members)
                return
            cast(Any, archive).members.clear()  # tarfile keeps every header seen: drop them
            name = info.name
            origin = Origin(path, name)
            try:
                budget.take(info.size)  # a tar stream must be read through, member or not
            except _TotalExceededError:
                yield _total_exceeded(path, total)
                return
            fmt = _admitted(origin, _tar_problem(info), info.isdir(), info.size, member_limit)
            if isinstance(fmt, (Failure, Skipped)):
                yield fmt
            if not isinstance(fmt, str):
                continue
            member = archive.extractfile(info)
            if member is None:  # pragma: no cover - only for non-regular members
                continue
            try:
                data = member.read(member_limit + 1)
            except errors as exc:
                yield read_error(origin, f"cannot read this member: {exc}")
                return
            if len(data) > member_limit:  # pragma: no cover - the header size is checked
                yield _too_large(origin, member_limit)
            else:
                yield Blob(origin, fmt, data)


def archive_blobs(
    path: str, file: str | IO[bytes], limits: Limits
) -> Iterator[Blob | Failure | Skipped]:
    """The members of the zip or tar archive ``file`` (a path or an open file) named ``path``.

    Each member comes as a :class:`Blob` with its bytes, a :class:`Failure` (unsafe, too
    large, unreadable, too many; or the archive itself) or a :class:`Skipped` (not a story
    file); its format is told from its suffix. The limits are applied here, and only here.
    """
    if lower_suffix(path) == ".zip":
        yield from _zip_blobs(path, file, limits)
    else:
        yield from _tar_blobs(path, file, limits)
