"""Helpers shared by the SQLite tests (and the Parquet ones): a made-up story, rows of a
database, special files, reading a damaged file every way."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError
from storykit.cli import main
from tests.conftest import ROOT, SEED

SRC = ROOT / "src"


def make(i: int) -> Story:
    """Story ``i`` of a made-up archive: every part of the model filled."""
    return Story(
        f"Story {i}: Xiaomi bets on chips",
        source=Source("SCMP" if i % 2 else "Nikkei Asia", dt.date(2026, 1 + i % 12, 1 + i % 28)),
        image=Image("A robot", Credit("photo", "Pavel Danilyuk", "Pexels")),
        credits=[Credit("byline", f"Writer {i}")],
        sections=[
            Section(None, [f"Lead {i}.", "Second lead."]),
            Section("The play", [f"Body {i}, café."]),
            Section("Empty heading"),
        ],
        tags=("AI", "Semiconductors", f"Tag{i % 5}"),
        extras=(f"stray line {i}",),
    )


def db_rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, args).fetchall()


def _specials(tmp_path: Path) -> list[Path]:
    """A private character device (1, 3: a null device, never the real /dev/null), a FIFO
    and a symbolic link to the device; the device only where mknod is allowed."""
    made = []
    device = tmp_path / "mynull"
    with contextlib.suppress(OSError):
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made += [device, tmp_path / "link"]
        (tmp_path / "link").symlink_to(device)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return [*made, fifo]


def never_written_into(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    to: str,
    what: str,
    write: Callable[[list[Story], Path], object],
    force: list[str],
) -> None:
    """``convert -o SPECIAL --to TO`` refuses each of :func:`_specials` (``what``: the
    file, in the message), and so does the library's ``write``: each is left as it was,
    and nothing is left beside them (a temporary file, a ``-journal``)."""
    specials = _specials(tmp_path)
    for special in specials:
        before = os.lstat(special)
        assert main(["convert", str(SEED), "-o", str(special), "--to", to, *force]) == 1
        assert capsys.readouterr() == (
            "",
            f"{special}: not a regular file; {what} cannot be written into a device or FIFO\n",
        )
        after = os.lstat(special)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (
            before.st_mode,
            before.st_ino,
            before.st_rdev,
        )
    assert sorted(tmp_path.iterdir()) == sorted(specials)
    with pytest.raises(StoryParseError, match="not a regular file") as info:
        write([make(1)], specials[-1])
    assert info.value.filename == str(specials[-1])
    assert stat.S_ISFIFO(os.lstat(specials[-1]).st_mode)


def read_every_way(path: Path, module: ModuleType) -> None:
    """Read ``path`` every way a file of ``module``'s format is read; each gives stories, or
    a :class:`StoryParseError` that names ``path``: never another exception.

    The ways: :func:`storykit.iter_stories`, the format's ``read_pieces`` (the batch
    commands', with its default limit and a small one) and its ``read``.
    """
    reads = (
        lambda: storykit.iter_stories(path),
        lambda: module.read_pieces(str(path)),
        lambda: module.read_pieces(str(path), max_member_size=200),
        lambda: module.read(path),
    )
    named = set()
    for read in reads:
        try:
            list(read())
        except StoryParseError as exc:
            named.add(exc.filename)
    assert named <= {str(path)}
