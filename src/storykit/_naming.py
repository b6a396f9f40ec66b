"""Naming the command's outputs: each input's output path under OUT, safe and unique.

Output names mirror the input names under OUT (``archive/2026/a.txt`` → ``OUT/2026/a.json``),
with no root, drive or ``..`` part and no control character; a folder that an existing link
would take out of OUT is refused, and two inputs that would take one name are caught before
either is written. Writing the files is :mod:`storykit._writing`'s.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
from collections.abc import Iterable

from storykit import formats
from storykit._sources import ARCHIVE_SUFFIXES
from storykit._writing import remove_stale

__all__ = ["Namer", "OutsideError", "TakenError", "input_base", "out_suffix", "relative_name"]


def _parts(path: str) -> list[str]:
    """A path as relative parts: no root, no drive, no ``.`` or ``..``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    return parts


_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def _percent(match: re.Match[str]) -> str:
    """A control character as ``%1B``."""
    return f"%{ord(match[0]):02X}"


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


def input_base(name: str) -> str:
    """The folder that the output names of an input count from.

    A folder counts from itself (``archive/2026/a.txt`` → ``2026/a``), as ``cp -r
    archive/. OUT`` and rsync ``archive/`` do; a file named on the command line from the
    folder it is in (``a/b.txt`` → ``b``); a pattern from its folder before the first
    wildcard (``dumps/**/*.txt`` → ``dumps``); standard input from nowhere.
    """
    if name in ("-", "<stdin>"):
        return ""
    if os.path.isdir(name):
        return name
    if glob.has_magic(name):
        parts = name.replace("\\", "/").split("/")
        fixed = list(itertools.takewhile(lambda part: not glob.has_magic(part), parts))
        return "/".join(fixed) or ("/" if name.startswith("/") else "")
    return os.path.dirname(name)


def relative_name(path: str, member: str | None, base: str = "") -> list[str]:
    """The output path of a file (or an archive member) under OUT, as parts, no suffix.

    ``path`` counts from ``base`` (see :func:`input_base`); member ``x/y.txt`` of ``d.zip``
    → ``d/x/y``. No part is empty, ``.`` or ``..``, and there is no root or drive; a control
    character in a member's name is written ``%1B``.
    """
    if path == "<stdin>":
        parts = ["stdin"]
    else:
        relative = os.path.relpath(path, base) if base else path
        if relative.startswith(".."):  # pragma: no cover - a path not under its base
            relative = os.path.basename(path)
        parts = _parts(relative)
    if member is not None:
        if parts:
            parts[-1] = _strip_suffix(parts[-1], ARCHIVE_SUFFIXES)
        # an archive's names come from elsewhere: no control character goes into a file name
        parts += [_CONTROL_RE.sub(_percent, part) for part in _parts(member)]
    if not parts:
        parts = ["story"]
    parts[-1] = _strip_suffix(parts[-1])
    return parts


class Namer:
    """Output paths under ``root``, checked to stay inside it even through existing links.

    Each file (or archive member) has a *stem*, its output path without suffix (found
    once, in the main process, where two inputs that would take one name are caught);
    its stories are written to ``stem + suffix``, or ``stem-1 + suffix``… when it holds
    several. Each folder it names is first rid of the temporary files that a killed
    ``storykit`` left there (:func:`remove_stale`).

    A worker gets a copy without the names given out (only :meth:`dest` and the roots are
    used there): they would be sent with every chunk of work, more with each.
    """

    __slots__ = ("claimed", "real_root", "root", "suffix", "swept")

    def __init__(self, root: str, suffix: str) -> None:
        self.root = root
        self.suffix = suffix
        self.real_root = os.path.realpath(root)
        self.claimed: set[int] = set()  # hashes of the stems given out (small, flat)
        self.swept: set[str] = set()  # folders rid of left temporary files

    def __getstate__(self) -> tuple[str, str, str]:
        return self.root, self.suffix, self.real_root

    def __setstate__(self, state: tuple[str, str, str]) -> None:
        self.root, self.suffix, self.real_root = state
        self.claimed, self.swept = set(), set()

    def stem(self, path: str, member: str | None, base: str) -> str:
        """The output stem of a file or member, which no other input of this run has.

        Raises:
            OutsideError: An existing link would take the file out of ``root``.
            TakenError: Another input of this run has this output name.
        """
        parts = relative_name(path, member, base)
        folder = os.path.join(self.root, *parts[:-1])
        if (self.real_root, folder) not in _CHECKED:
            real = os.path.realpath(folder)
            if os.path.commonpath([real, self.real_root]) != self.real_root:
                message = f"{folder} leads outside {self.root} (a link?); not written"
                raise OutsideError(message)
            _CHECKED.add((self.real_root, folder))
        if folder not in self.swept:
            self.swept.add(folder)
            remove_stale(folder)
        stem = os.path.join(folder, parts[-1])
        key = hash(os.path.normcase(stem))
        if key in self.claimed:
            message = (
                f"{stem}{self.suffix} is the output of another input too; not written "
                "(rename one of them)"
            )
            raise TakenError(message)
        self.claimed.add(key)
        return stem

    def reserve(self, name: str) -> None:
        """Keep the file ``name`` (under ``root``, with the suffix) from every input."""
        self.claimed.add(hash(os.path.normcase(os.path.join(self.root, _strip_suffix(name)))))

    def dest(self, stem: str, index: int, multi: bool) -> str:
        """The output path of story number ``index`` of a file (``multi``: of several)."""
        return f"{stem}-{index}{self.suffix}" if multi else stem + self.suffix


_CHECKED: set[tuple[str, str]] = set()  # folders known to be inside OUT, per process


class OutsideError(Exception):
    """An output path that an existing link would take out of OUT."""


class TakenError(Exception):
    """An output path that another input of the same run has (``a.txt`` and ``a.md``)."""
