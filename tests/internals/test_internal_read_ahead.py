"""Files are asked of the kernel before they are reached: a folder's (``_read_ahead``), and
files named one by one or matched by a pattern (``read_ahead``).

What it must do: every regular file of a folder is asked for before the walk yields it, and
never far ahead; nothing else is opened (a named pipe would make an ``open`` wait, a device
may act on it); whatever fails is left to the reading, which reports it; no descriptor is
left open. The walk yields what it yielded without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import storykit
from storykit import _sources, _units

pytestmark = pytest.mark.skipif(
    _sources._WILLNEED is None, reason="no posix_fadvise on this platform: nothing is read ahead"
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_1f0ab7ed21f31e00.txt"


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

        monkeypatch.setattr(_sources.os, "open", spy_open)
        monkeypatch.setattr(_sources.os, "posix_fadvise", spy_advise)

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
            assert k - self.at_open[name] <= 2 * _sources._AHEAD


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
    assert spy.advised == [(0, _sources._AHEAD_BYTES, os.POSIX_FADV_WILLNEED)] * len(names)


def test_the_walk_asks_for_no_more_than_it_has_walked_plus_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that stops early has had at most ``2 * _AHEAD`` files asked for."""
    _folder(tmp_path, 1000)
    spy = Spy(monkeypatch)
    walk = spy.walk(tmp_path)
    for _ in range(10):
        next(walk)
    assert len(spy.opened) <= 2 * _sources._AHEAD
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

    monkeypatch.setattr(_sources.os, "open", refuse_one)
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

    monkeypatch.setattr(_sources.os, "posix_fadvise", refuse)
    monkeypatch.setattr(_sources.os, "close", spy_close)
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
    monkeypatch.setattr(_sources, "_WILLNEED", None)
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


def test_a_list_is_not_read_ahead_without_posix_fadvise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _folder(tmp_path, 3)
    spy = Spy(monkeypatch)
    monkeypatch.setattr(_sources, "_WILLNEED", None)
    assert list(_sources.expand(names)) == names
    assert spy.opened == []
