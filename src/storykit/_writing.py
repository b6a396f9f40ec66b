"""Writing the command's outputs: atomic files, standard output, and safe output names.

Every file is written to a temporary name in its target folder and renamed into place when
complete; without ``--force`` the rename never replaces an existing file (a hard link is
the atomic "create if absent"). Output names mirror the input names under OUT, with no
root, drive or ``..`` part, and a folder that an existing link would take out of OUT is
refused.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable
from typing import IO

from storykit import formats
from storykit._sources import ARCHIVE_SUFFIXES

__all__ = [
    "AtomicFile",
    "Namer",
    "OutsideError",
    "out_suffix",
    "relative_name",
    "write_atomic",
    "write_stdout",
]

# --------------------------------------------------------------------------- writing files


_UMASK: int | None = None


def _file_mode() -> int:
    global _UMASK  # noqa: PLW0603 - read once per process
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


def _commit(temp: str, dest: str, *, force: bool) -> None:
    """Move a finished temporary file to ``dest``; without ``force``, never over a file.

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
    """
    if force:
        os.replace(temp, dest)
        return
    try:
        os.link(temp, dest)  # atomic, and fails if dest exists (even as a dangling link)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(dest):
            raise FileExistsError(dest) from None
        os.replace(temp, dest)
        return
    os.unlink(temp)


class AtomicFile:
    """A text file written to a temporary name in the target folder, renamed when done."""

    def __init__(self, dest: str, *, force: bool) -> None:
        self.dest = dest
        self.force = force
        folder = os.path.dirname(os.path.abspath(dest))
        os.makedirs(folder, exist_ok=True)
        fd, self.temp = tempfile.mkstemp(dir=folder, prefix=".storykit-", suffix=".tmp")
        os.chmod(self.temp, _file_mode())
        self.file: IO[bytes] = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def commit(self) -> None:
        """Rename into place.

        Raises:
            FileExistsError: The target appeared meanwhile and ``force`` is false.
        """
        self.file.close()
        try:
            _commit(self.temp, self.dest, force=self.force)
        finally:
            self.discard()

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if os.path.lexists(self.temp):
            os.unlink(self.temp)


def write_atomic(dest: str, text: str, *, force: bool) -> None:
    """Write ``text`` to ``dest`` through a temporary file in the same folder.

    Raises:
        FileExistsError: ``dest`` exists and ``force`` is false.
        OSError: The folder cannot be made or written.
    """
    out = AtomicFile(dest, force=force)
    try:
        out.write(text.encode("utf-8"))
    except BaseException:
        out.discard()
        raise
    out.commit()


def write_stdout(data: bytes) -> None:
    """Write encoded output to standard output (its binary buffer when it has one)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


# --------------------------------------------------------------------------- output names


def _parts(path: str) -> list[str]:
    """A path as relative parts: no root, no drive, no ``.`` or ``..``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    return parts


def _strip_suffix(name: str, suffixes: Iterable[str] = ()) -> str:
    lower = name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def out_suffix(fmt: str) -> str:
    """The suffix of an output file in format ``fmt``: its first registered one."""
    suffixes = formats.FORMATS[fmt][1]
    return suffixes[0] if suffixes else f".{fmt}"


def _from_here(path: str) -> str:
    """An absolute path under the working folder, made relative to it."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # pragma: no cover - another drive (Windows)
            return path
        if not relative.startswith(".."):
            return relative
    return path


def relative_name(path: str, member: str | None, index: int, multi: bool) -> list[str]:
    """The output path of a story under OUT, as parts, before the format's suffix.

    ``a/b.txt`` → ``a/b``; member ``x/y.txt`` of ``c/d.zip`` → ``c/d/x/y``; the stories of a
    file that holds several get ``-1``, ``-2``… after the name. An absolute path under the
    working folder counts from there; any other loses its root (``/data/a.txt`` →
    ``data/a``), and ``..`` parts are dropped.
    """
    parts = ["stdin"] if path == "<stdin>" else _parts(_from_here(path))
    if member is not None:
        if parts:
            parts[-1] = _strip_suffix(parts[-1], ARCHIVE_SUFFIXES)
        parts += _parts(member)
    if not parts:
        parts = ["story"]
    parts[-1] = _strip_suffix(parts[-1])
    if multi:
        parts[-1] += f"-{index}"
    return parts


class Namer:
    """Output paths under ``root``, checked to stay inside it even through existing links."""

    __slots__ = ("real_root", "root", "suffix")

    def __init__(self, root: str, suffix: str) -> None:
        self.root = root
        self.suffix = suffix
        self.real_root = os.path.realpath(root)

    def __call__(self, path: str, member: str | None, index: int, multi: bool) -> str:
        """The output path of story number ``index`` of a file (``multi``: of several).

        Raises:
            OutsideError: An existing link would take the file out of ``root``.
        """
        parts = relative_name(path, member, index, multi)
        folder = os.path.join(self.root, *parts[:-1])
        if (self.real_root, folder) not in _CHECKED:
            real = os.path.realpath(folder)
            if os.path.commonpath([real, self.real_root]) != self.real_root:
                message = f"{folder} leads outside {self.root} (a link?); not written"
                raise OutsideError(message)
            _CHECKED.add((self.real_root, folder))
        return os.path.join(folder, parts[-1] + self.suffix)


_CHECKED: set[tuple[str, str]] = set()  # folders known to be inside OUT, per process


class OutsideError(Exception):
    """An output path that an existing link would take out of OUT."""
