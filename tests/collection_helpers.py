"""Helpers for tests that read collections: made-up stories and dumps, files, archives, links,
and a pipe fed later."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import storykit
from storykit import Credit, Image, Section, Source, Story

BAD_DATE = "← Back to stories\nSCMP 2026-13-45\n\nA title\n\nBody text."
"""A dump the reader refuses: the date on line 2 does not exist."""


def make_story(i: int, *, tags: tuple[str, ...] = ("AI", "EVs")) -> Story:
    return Story(
        f"Story number {i} about chips",
        source=Source("SCMP", datetime.date(2026, 5, 1 + i % 28)),
        image=Image("A robot", Credit("photo", "Pavel Danilyuk", "Pexels")),
        sections=[Section(None, [f"Lead paragraph {i}."]), Section("The play", [f"Body {i}."])],
        tags=tags,
    )


def dump(i: int) -> str:
    return storykit.dumps(make_story(i), "text")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def nav_lines(text: str) -> list[int]:
    """The 1-based numbers of the lines that start a story."""
    return [n for n, line in enumerate(text.split("\n"), 1) if line.startswith("← Back")]


# --------------------------------------------------------------------------- archives


@contextlib.contextmanager
def deep_folder(top: Path, depth: int, *also: Path) -> Iterator[Path]:
    """``top/d/d/…/d`` (``depth`` folders), removed after with ``also`` (say, an output).

    Made and removed one folder at a time: ``os.makedirs`` and ``shutil.rmtree`` call
    themselves once a folder (before Python 3.12), so that pytest's own cleanup of such a
    tree failed on ``RecursionError``, at the end of every later session.
    """
    top.mkdir(parents=True, exist_ok=True)
    folder = top
    for _ in range(depth):
        folder /= "d"
        folder.mkdir()
    try:
        yield folder
    finally:
        for tree in (top, *also):
            _remove_tree(tree)


def _remove_tree(top: Path) -> None:
    """``shutil.rmtree(top, ignore_errors=True)``, with a list of folders, not a call each."""
    folders = [top]
    while folders:
        try:
            entries = list(os.scandir(folders[-1]))
        except OSError:
            folders.pop()
            continue
        inner = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
        if inner:
            folders += inner
            continue
        for entry in entries:
            os.unlink(entry.path)
        folders.pop().rmdir()


def make_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def add_tar(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def add_link(archive: tarfile.TarFile, name: str, target: str, kind: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    archive.addfile(info)


def _tar(path: Path, members: dict[str, bytes], *, dirs: tuple[str, ...] = ()) -> Path:
    with tarfile.open(path, "w:gz" if path.suffix == ".gz" else "w") as archive:
        for name in dirs:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            archive.addfile(info)
        for name, data in members.items():
            add_tar(archive, name, data)
    return path


def _fed_later(data: bytes) -> int:
    """The read end of a non-blocking pipe that ``data`` comes down a moment later."""
    read, write = os.pipe()
    os.set_blocking(read, False)

    def feed() -> None:
        time.sleep(0.3)  # the reader finds no data first
        with contextlib.suppress(OSError):  # (a reader that gave up closed its end)
            for start in range(0, len(data), 1000):
                os.write(write, data[start : start + 1000])
                time.sleep(0.01)
        os.close(write)

    threading.Thread(target=feed, daemon=True).start()
    return read
