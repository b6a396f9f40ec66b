"""Files are asked of the kernel before they are reached: a folder's (``_read_ahead``), and
files named one by one or matched by a pattern (``read_ahead``).

What it must do: every regular file of a folder is asked for before the walk yields it, and
never far ahead; nothing else is opened (a named pipe would make an ``open`` wait, a device
may act on it); whatever fails is left to the reading, which reports it; no descriptor is
left open. The walk yields what it yielded without it. Files the kernel holds in its cache
already are not asked for: a window whose first and last files are cached is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import _ahead, _sources, _units

pytestmark = pytest.mark.skipif(
    _ahead._WILLNEED is None, reason="no posix_fadvise on this platform: nothing is read ahead"
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_1f0ab7ed21f31e00.txt"

_REAL_CACHED = _ahead._cached


@pytest.fixture(autouse=True)
def _cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here walks files the kernel does not hold (as after a restart), unless it
    puts the real look back: the files a test writes are in the cache."""
    monkeypatch.setattr(_ahead, "_cached", lambda path: False)


class Spy:
    """Records the files ``_read_ahead`` opens and advises, and where the walk was then."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.advised: list[tuple[int, int, int]] = []
        self.walked = 0  # paths the walk had yielded when each file was opened
        self.at_open: dict[str, int] = {}
        real_open, real_advise = os.open, os.posix_fadvise

        def spy_open(path: str, flags: int, *args: int) -> int:
            self.opened.append(path)
            self.at_open[path] = self.walked
            assert flags & os.O_NONBLOCK, "a named pipe would make this open wait"
            return real_open(path, flags, *args)

        def spy_advise(fd: int, offset: int, length: int, advice: int) -> None:
            self.advised.append((offset, length, advice))
            real_advise(fd, offset, length, advice)

        monkeypatch.setattr(_ahead.os, "open", spy_open)
        monkeypatch.setattr(_ahead.os, "posix_fadvise", spy_advise)

    def walk(self, top: Path) -> Iterator[str]:
        yield from self.count(_sources._walk(str(top)))

    def count(self, found: Iterator[object]) -> Iterator[str]:
        for item in found:
            assert isinstance(item, str)
            self.walked += 1
            yield item

    def check_window(self, names: list[str]) -> None:
        """Each file was asked for before it was reached, and at most ``2 * _AHEAD`` before."""
        for k, name in enumerate(names):
            assert self.at_open[name] <= k
            assert k - self.at_open[name] <= 2 * _ahead.AHEAD


def _folder(tmp_path: Path, n: int) -> list[str]:
    text = SEED.read_bytes()
    names = []
    for k in range(n):
        path = tmp_path / f"{k:04d}.txt"
        path.write_bytes(text)
        names.append(str(path))
    return names


def test_every_file_is_asked_for_before_it_is_reached_and_not_far_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 300)
    spy = Spy(monkeypatch)
    walked = list(spy.walk(tmp_path))
    assert walked == names  # the same walk
    assert spy.opened == names  # each file asked for once, in order
    spy.check_window(names)
    assert spy.advised == [(0, _ahead._AHEAD_BYTES, os.POSIX_FADV_WILLNEED)] * len(names)


def test_the_walk_asks_for_no_more_than_it_has_walked_plus_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that stops early has had at most ``2 * _AHEAD`` files asked for."""
    _folder(tmp_path, 1000)
    spy = Spy(monkeypatch)
    walk = spy.walk(tmp_path)
    for _ in range(10):
        next(walk)
    assert len(spy.opened) <= 2 * _ahead.AHEAD
    walk.close()


def test_named_pipes_and_links_to_them_are_not_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(tmp_path, 3)
    os.mkfifo(tmp_path / "0001a.txt")
    (tmp_path / "0001b.txt").symlink_to(tmp_path / "0001a.txt")
    spy = Spy(monkeypatch)
    found = list(_sources._walk(str(tmp_path)))
    assert [f for f in found if isinstance(f, str)] == [
        str(tmp_path / n) for n in ("0000.txt", "0001.txt", "0002.txt")
    ]
    assert sum(1 for f in found if not isinstance(f, str)) == 2  # reported, as before
    assert spy.opened == [str(tmp_path / n) for n in ("0000.txt", "0001.txt", "0002.txt")]


def test_a_file_that_cannot_be_opened_ahead_is_left_to_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 3)
    real_open = os.open

    def refuse_one(path: str, flags: int, *args: int) -> int:
        if path == names[1] and flags & os.O_NONBLOCK:  # (only the open ahead)
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(_ahead.os, "open", refuse_one)
    assert list(_sources._walk(str(tmp_path))) == names
    assert [s.title for s in storykit.iter_stories(tmp_path)] == [storykit.load(SEED).title] * 3


def test_a_failed_advice_closes_the_file_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 5)
    closed: list[int] = []
    real_close = os.close

    def refuse(fd: int, offset: int, length: int, advice: int) -> None:
        raise OSError(22, "Invalid argument")

    def spy_close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(_ahead.os, "posix_fadvise", refuse)
    monkeypatch.setattr(_ahead.os, "close", spy_close)
    before = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()
    assert list(_sources._walk(str(tmp_path))) == names
    assert len(closed) == 5
    if before:
        assert set(os.listdir("/proc/self/fd")) <= before | {str(fd) for fd in closed}


def test_subfolders_are_walked_and_asked_for_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SEED.read_bytes()
    expected = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for k in range(100):
            path = tmp_path / folder / f"{k:03d}.txt"
            path.write_bytes(text)
            expected.append(str(path))
    (tmp_path / "c.txt").write_bytes(text)
    expected.append(str(tmp_path / "c.txt"))
    spy = Spy(monkeypatch)
    assert list(spy.walk(tmp_path)) == expected
    assert spy.opened == expected
    for k, name in enumerate(expected):
        assert spy.at_open[name] <= k


def test_without_posix_fadvise_nothing_is_opened_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 3)
    spy = Spy(monkeypatch)
    monkeypatch.setattr(_ahead, "_WILLNEED", None)
    assert list(_sources._walk(str(tmp_path))) == names
    assert spy.opened == []


@pytest.mark.parametrize("as_pattern", [False, True], ids=["a-list", "a-pattern"])
def test_files_named_one_by_one_or_by_a_pattern_are_asked_for_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_pattern: bool
) -> None:
    """``iter_stories([a, b, …])`` or ``iter_stories("dumps/*.txt")``: as a folder's files."""
    names = _folder(tmp_path, 150)
    spy = Spy(monkeypatch)
    source: object = str(tmp_path / "*.txt") if as_pattern else names
    assert list(spy.count(_sources.expand(source))) == names
    assert spy.opened == names
    spy.check_window(names)


def test_the_commands_inputs_are_asked_for_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``storykit convert a.txt b.txt …`` (a shell's ``*.txt``): each input walked in turn."""
    names = _folder(tmp_path, 150)
    spy = Spy(monkeypatch)
    walked = []
    for unit in _units.units(names, None, format=None, limits=_sources.Limits()):
        walked.append(unit.origin.path)
        spy.walked += 1
    assert walked == names
    assert spy.opened == names
    spy.check_window(names)


def test_only_regular_files_named_are_opened_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe, a folder, a missing file or an open file named in a list is left alone."""
    names = _folder(tmp_path, 2)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder").mkdir()
    spy = Spy(monkeypatch)
    with SEED.open("rb") as stream:
        items: list[object] = [
            names[0],
            str(tmp_path / "pipe.txt"),
            str(tmp_path / "folder"),
            str(tmp_path / "missing.txt"),
            stream,
            Path(names[1]),
        ]
        assert list(_sources.read_ahead(items)) == items  # every item, in order, untouched
    assert list(map(str, spy.opened)) == [names[0], names[1]]


def test_each_file_named_is_looked_at_once_to_be_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window's last, first and middle files were looked at (``os.stat``) to tell whether
    they were cached, then again to be asked for."""
    names = _folder(tmp_path, 150)
    looked: list[str] = []
    real_stat = os.stat

    def counted(path: str, *args: Any, **kwargs: Any) -> os.stat_result:
        looked.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(_ahead.os, "stat", counted)
    assert list(_sources.read_ahead(names)) == names
    monkeypatch.setattr(_ahead.os, "stat", real_stat)
    assert sorted(looked) == names  # (cold: every window is asked for)


def test_a_list_is_not_read_ahead_without_posix_fadvise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 3)
    spy = Spy(monkeypatch)
    monkeypatch.setattr(_ahead, "_WILLNEED", None)
    assert list(_sources.expand(names)) == names
    assert spy.opened == []


# --- files in the cache already -------------------------------------------------------------


def _windows(names: list[str]) -> list[list[str]]:
    return [names[k : k + _ahead.AHEAD] for k in range(0, len(names), _ahead.AHEAD)]


@pytest.mark.parametrize("source", ["folder", "list"])
def test_a_window_whose_last_first_and_middle_files_are_cached_is_not_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """Asking for a cached file costs three system calls and gains nothing (a warm archive)."""
    names = _folder(tmp_path, 150)
    looked: list[str] = []

    def cached(path: str) -> bool:
        looked.append(str(path))
        return True

    monkeypatch.setattr(_ahead, "_cached", cached)
    spy = Spy(monkeypatch)
    walked = spy.walk(tmp_path) if source == "folder" else spy.count(_sources.expand(names))
    assert list(walked) == names
    assert spy.advised == []
    # three looks a window: its last, first and middle files
    assert looked == [n for w in _windows(names) for n in (w[-1], w[0], w[len(w) // 2])]


@pytest.mark.parametrize("cold", ["first", "middle", "last"])
@pytest.mark.parametrize("source", ["folder", "list"])
def test_a_window_with_a_file_looked_at_not_cached_is_asked_for_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, cold: str
) -> None:
    names = _folder(tmp_path, 150)
    second = _windows(names)[1]
    not_cached = second[{"first": 0, "middle": len(second) // 2, "last": -1}[cold]]
    monkeypatch.setattr(_ahead, "_cached", lambda path: str(path) != not_cached)
    spy = Spy(monkeypatch)
    walked = spy.walk(tmp_path) if source == "folder" else spy.count(_sources.expand(names))
    assert list(walked) == names
    assert spy.opened == second  # that window only, every file of it, before it is reached
    assert len(spy.advised) == len(second)
    for name in second:  # asked for before it was reached, and not far ahead
        assert 0 <= names.index(name) - spy.at_open[name] <= 2 * _ahead.AHEAD


def test_a_named_pipe_named_first_is_not_opened_to_look_at_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look opens only a regular file (a named pipe's open could wait, a device act)."""
    names = _folder(tmp_path, 2)
    os.mkfifo(tmp_path / "pipe.txt")
    monkeypatch.setattr(_ahead, "_cached", _REAL_CACHED)
    spy = Spy(monkeypatch)
    items = [str(tmp_path / "pipe.txt"), *names]
    assert list(_sources.read_ahead(items)) == items
    assert str(tmp_path / "pipe.txt") not in spy.opened


def _kernel_tells(path: Path) -> bool:
    path.read_bytes()  # (now in the cache)
    return _REAL_CACHED(str(path))


def test_the_kernel_is_asked_whether_a_file_just_read_is_cached(tmp_path: Path) -> None:
    names = _folder(tmp_path, 1)
    if not _kernel_tells(Path(names[0])):
        pytest.skip("this kernel or file system cannot tell what it holds (RWF_NOWAIT)")
    before = set(os.listdir("/proc/self/fd"))
    assert _REAL_CACHED(names[0]) is True
    (tmp_path / "empty.txt").write_bytes(b"")
    assert _REAL_CACHED(str(tmp_path / "empty.txt")) is True  # nothing to wait for
    assert set(os.listdir("/proc/self/fd")) == before  # every descriptor closed


def test_a_file_dropped_from_the_cache_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real look, end to end: a walk asks for files the kernel has let go of."""
    names = _folder(tmp_path, 3)
    if not _kernel_tells(Path(names[0])):
        pytest.skip("this kernel or file system cannot tell what it holds (RWF_NOWAIT)")
    for name in names:
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    if _REAL_CACHED(names[-1]):
        pytest.skip("this file system keeps its files' pages (tmpfs): none can be dropped")
    monkeypatch.setattr(_ahead, "_cached", _REAL_CACHED)
    spy = Spy(monkeypatch)
    assert list(spy.walk(tmp_path)) == names
    assert len(spy.advised) == len(names)


def test_what_cannot_be_told_counts_as_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Then the files are asked for, as before the look: a missing file, a file that cannot be
    opened, a file system without ``RWF_NOWAIT``, a system without it."""
    names = _folder(tmp_path, 1)
    Path(names[0]).read_bytes()
    assert _REAL_CACHED(str(tmp_path / "missing.txt")) is False
    before = set(os.listdir("/proc/self/fd"))

    def unsupported(fd: int, buffers: list[bytearray], offset: int, flags: int) -> int:
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(_ahead.os, "preadv", unsupported)
    assert _REAL_CACHED(names[0]) is False
    assert set(os.listdir("/proc/self/fd")) == before  # closed after the failure too
    monkeypatch.undo()
    monkeypatch.setattr(_ahead, "_NOWAIT", None)
    assert _REAL_CACHED(names[0]) is False


def test_the_look_at_a_folder_opens_no_special_file_at_a_windows_edge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real look takes a window's first and last regular files: a named pipe, a link to a
    device, a socket or a folder where a window begins or ends is passed over, not opened."""
    import socket

    names = _folder(tmp_path, 3 * _ahead.AHEAD)
    odd = [names[0], names[_ahead.AHEAD - 1], names[_ahead.AHEAD], names[-1]]
    for name in odd:
        os.unlink(name)
    os.mkfifo(odd[0])
    os.symlink(os.devnull, odd[1])
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(odd[2])
        os.symlink(odd[0], odd[3])
        monkeypatch.setattr(_ahead, "_cached", _REAL_CACHED)
        spy = Spy(monkeypatch)
        before = set(os.listdir("/proc/self/fd"))
        found = list(_sources._walk(str(tmp_path)))
        assert set(os.listdir("/proc/self/fd")) == before
    assert [f for f in found if isinstance(f, str)] == [n for n in names if n not in odd]
    assert sum(1 for f in found if not isinstance(f, str)) == len(odd)  # reported, as before
    assert not set(spy.opened) & set(odd)


@pytest.mark.parametrize("n", [1, 2, 3, 64])
def test_each_file_of_a_window_is_looked_at_once(n: int) -> None:
    looks = list(_ahead._looks(n))
    assert looks == sorted(set(looks), key=looks.index)  # once each
    assert set(looks) == {0, n - 1, n // 2}


def test_a_file_replaced_by_a_named_pipe_or_a_device_is_not_read_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the folder listed may be a named pipe or a link to a device by the time it is
    looked at: it is opened (without waiting, as the advice opens it) but not read."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    names = _folder(tmp_path, 1)
    Path(names[0]).read_bytes()
    real_preadv = os.preadv
    read: list[int] = []

    def spy(fd: int, buffers: list[bytearray], offset: int, flags: int) -> int:
        read.append(fd)
        return real_preadv(fd, buffers, offset, flags)

    monkeypatch.setattr(_ahead.os, "preadv", spy)
    assert _REAL_CACHED(str(tmp_path / "pipe.txt")) is False
    assert _REAL_CACHED(str(tmp_path / "zero.txt")) is False
    assert read == []
    _REAL_CACHED(names[0])
    assert len(read) == 1  # (a regular file is read from)
