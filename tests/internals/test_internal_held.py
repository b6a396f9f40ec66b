"""The files the walk opens to read ahead, kept open for the reading (``storykit._held``).

With ``convert --jobs 1`` each file is opened once: by the walk, which asks the kernel for
it, and read from there. What must hold: every output, error and order is what opening the
file again gives (the runs are compared, the same files read without ``Held``); a file
replaced, deleted or changed after the walk opened it is read as it is when it is read; a
link is not kept; and no descriptor is left open, however the run ends. These reach in:
the descriptors are the point.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from storykit import _engine, _held, _pieces, _sources, _units, _work_records, _worker
from storykit._sources import Limits

from .batch_helpers import _Collecting
from .test_internal_pieces import TRICKY

pytestmark = pytest.mark.skipif(
    _sources._WILLNEED is None or not os.path.isdir("/proc/self/fd"),
    reason="no posix_fadvise (nothing is read ahead) or no /proc/self/fd to count files by",
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_1f0ab7ed21f31e00.txt"
JOB = _work_records.Job("convert", compact=True)


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def _folder(tmp_path: Path, n: int = 0) -> Path:
    """A folder of the TRICKY dumps (bad bytes, several stories, none…) and ``n`` copies of
    the seed."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TRICKY.items():
        data = text.encode("utf-8") if isinstance(text, str) else text
        (folder / f"{name}.txt").write_bytes(data)
    seed = SEED.read_bytes()
    for k in range(n):
        (folder / f"seed-{k:04d}.txt").write_bytes(seed)
    return folder


def _units_of(inputs: list[str], held: _held.Held | None) -> Iterator[_work_records.Unit]:
    found = _units.units(inputs, None, format=None, limits=Limits(), held=held)
    return (unit for unit in found if unit is not None)  # type: ignore[misc]


def _run(inputs: list[str], held: _held.Held | None, jobs: int = 1) -> list[object]:
    handler = _Collecting()
    _engine.run(_units_of(inputs, held), JOB, jobs, handler, held=held)
    return handler.seen


class OpenCount:
    """How many times each path is opened (``os.open``: the walk's and the reading's)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: dict[str, int] = {}
        real_open = os.open

        def spy_open(path: str, flags: int, *args: int) -> int:
            self.counts[str(path)] = self.counts.get(str(path), 0) + 1
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", spy_open)


@pytest.mark.parametrize("road", ["whole", "streamed"])
def test_a_run_reads_what_the_walk_kept_as_opening_again_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, road: str
) -> None:
    """The same output and results, each file opened once instead of twice, none left open."""
    if road == "streamed":
        monkeypatch.setattr(_pieces, "_WHOLE", 0)  # every file streamed from the kept one
    folder = _folder(tmp_path, 150)  # more than a chunk, and than the walk's window
    before = _open_fds()
    expected = _run([str(folder)], None)
    opened = OpenCount(monkeypatch)
    held = _held.Held()
    assert _run([str(folder)], held) == expected
    assert set(opened.counts.values()) == {1}
    assert len(opened.counts) == len(os.listdir(folder))
    assert held.fds == {}
    assert _open_fds() == before


def test_files_named_one_by_one_are_kept_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``convert a.txt b.txt …`` (a shell's ``*.txt``): each opened once too."""
    folder = _folder(tmp_path, 80)
    names = sorted(str(path) for path in folder.iterdir())
    before = _open_fds()
    expected = _run(names, None)
    opened = OpenCount(monkeypatch)
    assert _run(names, _held.Held()) == expected
    assert set(opened.counts.values()) == {1}
    assert _open_fds() == before


def test_a_file_changed_after_the_walk_opened_it_is_read_as_it_is_then(
    tmp_path: Path,
) -> None:
    """Replaced (renamed over), deleted, deleted and made again, or rewritten in place."""
    folder = _folder(tmp_path, 6)
    before = _open_fds()
    held = _held.Held()
    units = list(_units_of([str(folder)], held))  # the walk has opened every file
    assert len(held.fds) == len(units)
    other = TRICKY["two"]
    assert isinstance(other, str)
    replaced, deleted, remade, rewritten = (str(folder / f"seed-{k:04d}.txt") for k in range(4))
    Path(tmp_path / "new.txt").write_text(other, encoding="utf-8")
    os.replace(tmp_path / "new.txt", replaced)
    os.remove(deleted)
    os.remove(remade)
    Path(remade).write_text(other, encoding="utf-8")
    with open(rewritten, "r+", encoding="utf-8") as file:  # the same file, new text
        file.truncate()
        file.write(other)
    done = _worker.work(units, JOB, held=held)
    assert done == _worker.work(units, JOB)  # as opening each file now reads it
    assert any("cannot read" in (result.error or "") for result in done.results)
    held.close()
    assert _open_fds() == before


def test_links_are_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link may be pointed elsewhere before the reading: it is opened again, then."""
    folder = _folder(tmp_path)
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(SEED.read_bytes())
    (folder / "link.txt").symlink_to(target)
    named = tmp_path / "named-link.txt"
    named.symlink_to(target)
    held = _held.Held()
    units = list(_units_of([str(folder), str(named)], held))
    assert str(folder / "link.txt") not in held.fds
    assert str(named) not in held.fds
    assert str(folder / "one.txt") in held.fds
    other = TRICKY["two"]
    assert isinstance(other, str)
    target.unlink()
    target.write_text(other, encoding="utf-8")  # each link now leads to another file
    assert _worker.work(units, JOB, held=held) == _worker.work(units, JOB)
    held.close()


def test_a_run_that_stops_or_fails_leaves_nothing_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, 300)
    before = _open_fds()

    class Stopping(_Collecting):
        def handle(self, result: _work_records.Result) -> bool:
            return False  # as --fail-fast stops at the first failure

    held = _held.Held()
    _engine.run(_units_of([str(folder)], held), JOB, 1, Stopping(), held=held)
    assert held.fds == {}
    assert _open_fds() == before

    class Full(_Collecting):
        def output(self, data: bytes | memoryview) -> None:
            raise OSError(28, "No space left on device")

    held = _held.Held()
    with pytest.raises(OSError, match="No space"):
        _engine.run(_units_of([str(folder)], held), JOB, 1, Full(), held=held)
    assert held.fds == {}
    assert _open_fds() == before


def test_a_pool_is_forked_with_nothing_kept_and_the_walk_keeps_nothing_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, 300)
    seen: list[int] = []
    real_run_pool = _engine._run_pool

    def spy_run_pool(*args: object, **kwargs: object) -> None:
        seen.append(len(held.fds))
        real_run_pool(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(len(held.fds))

    def joined(seen: list[object]) -> tuple[bytes, list[object]]:
        """The output and the results, however the chunks cut them."""
        output = b"".join(item for item in seen if isinstance(item, bytes))
        return output, [item for item in seen if isinstance(item, str)]

    monkeypatch.setattr(_engine, "_run_pool", spy_run_pool)
    expected = joined(_run([str(folder)], None))
    before = _open_fds()
    held = _held.Held()
    assert joined(_run([str(folder)], held, jobs=2)) == expected
    assert seen == [0, 0]
    assert _open_fds() == before


def test_at_most_so_many_are_kept_the_oldest_closed_first(tmp_path: Path) -> None:
    paths = [tmp_path / f"{k}.txt" for k in range(6)]
    for path in paths:
        path.write_bytes(b"x")
    before = _open_fds()
    held = _held.Held()
    held.most = 4
    for path in paths:
        _held._advise(str(path), held)
    assert list(held.fds) == list(map(str, paths[2:]))
    assert len(_open_fds() - before) == 4
    fd = held.take(str(paths[3]))
    assert os.read(fd, 10) == b"x"
    os.close(fd)
    assert held.take(str(paths[3])) == -1  # taken once
    _held._advise(str(paths[4]), held)  # kept already: this one is closed
    held.close()
    _held._advise(str(paths[0]), held)  # closed: nothing is kept any more
    assert held.fds == {}
    assert _open_fds() == before


def test_ctrl_c_while_asking_closes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "posix_fadvise", interrupted)
    before = _open_fds()
    held = _held.Held()
    with pytest.raises(KeyboardInterrupt):
        _held._advise(str(path), held)
    assert held.fds == {}
    assert _open_fds() == before


def test_a_file_system_that_will_not_wait_on_a_kept_file_has_it_opened_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk opens without waiting (``O_NONBLOCK``: a named pipe); a file system that
    heeds that for a file (FUSE may) and says "try again" has the file opened again."""
    folder = _folder(tmp_path, 3)
    expected = _run([str(folder)], None)
    real_read = os.read
    refused: list[int] = []

    def read(fd: int, size: int) -> bytes:
        if not os.get_blocking(fd):
            refused.append(fd)
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read)
    before = _open_fds()
    assert _run([str(folder)], _held.Held()) == expected
    assert len(refused) == len(os.listdir(folder))  # each kept file, then opened again
    assert _open_fds() == before
