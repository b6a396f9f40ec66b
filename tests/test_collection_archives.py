"""iter_stories in zip and tar archives: members in order, unsafe members refused, size limits."""

from __future__ import annotations

import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

import storykit
from storykit.collection import Failure, Origin, Skipped, iter_pieces

from .collection_helpers import (
    _tar,
    add_link,
    add_tar,
    dump,
    make_story,
    make_zip,
    nav_lines,
    write,
)


def test_zip_members_in_order_with_their_names(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "a.zip",
        {"2026/x.txt": dump(1), "2026/y.txt": dump(2) + "\n\n" + dump(3), "readme.png": b"\x89"},
    )
    records = list(storykit.iter_records(path))
    assert [s for _, s in records] == [make_story(1), make_story(2), make_story(3)]
    assert [str(o) for o, _ in records] == [
        f"{path}:2026/x.txt:1",
        f"{path}:2026/y.txt:1",
        f"{path}:2026/y.txt:{nav_lines(dump(2) + chr(10) * 2 + dump(3))[1]}",
    ]
    events = list(iter_pieces(path))
    assert Skipped(Origin(str(path), "readme.png"), "not a story file (unknown suffix)") in events


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"])
def test_tar_archives_are_streamed(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    mode = {".tar": "w", ".tar.bz2": "w:bz2", ".tar.xz": "w:xz"}.get(suffix, "w:gz")
    with tarfile.open(path, mode) as archive:
        add_tar(archive, "one.txt", dump(1).encode())
        add_tar(
            archive, "more/two.jsonl", storykit.dumps(make_story(2), "json", indent=None).encode()
        )
    records = list(storykit.iter_records(path))
    assert [s for _, s in records] == [make_story(1), make_story(2)]
    assert [o.member for o, _ in records] == ["one.txt", "more/two.jsonl"]


def test_unsafe_zip_members_are_refused_not_read(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../escape.txt", dump(1))
        archive.writestr("/etc/passwd.txt", dump(2))
        archive.writestr("C:/windows.txt", dump(3))
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("fine.txt", dump(4))
    stream = storykit.iter_records(path, errors="collect")
    assert [s for _, s in stream] == [make_story(4)]
    messages = [str(e) for e in stream.errors]
    assert messages == [
        f"{path}:../escape.txt: unsafe archive member (a path that climbs out of its folder "
        "('..')); not read",
        f"{path}:/etc/passwd.txt: unsafe archive member (an absolute path); not read",
        f"{path}:C:/windows.txt: unsafe archive member (a path with a drive letter); not read",
        f"{path}:link.txt: unsafe archive member (a symbolic link); not read",
    ]


def test_unsafe_tar_members_are_refused_not_read(tmp_path: Path) -> None:
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as archive:
        add_tar(archive, "../escape.txt", dump(1).encode())
        add_tar(archive, "/etc/abs.txt", dump(2).encode())
        add_link(archive, "sym.txt", "/etc/passwd", tarfile.SYMTYPE)
        add_link(archive, "hard.txt", "fine.txt", tarfile.LNKTYPE)
        fifo = tarfile.TarInfo("pipe.txt")
        fifo.type = tarfile.FIFOTYPE
        archive.addfile(fifo)
        add_tar(archive, "fine.txt", dump(4).encode())
    stream = storykit.iter_records(path, errors="collect")
    assert [s for _, s in stream] == [make_story(4)]
    reasons = [e.message for e in stream.errors]
    assert reasons == [
        "unsafe archive member (a path that climbs out of its folder ('..')); not read",
        "unsafe archive member (an absolute path); not read",
        "unsafe archive member (a symbolic link); not read",
        "unsafe archive member (a hard link); not read",
        "unsafe archive member (not a regular file); not read",
    ]
    assert [e.filename for e in stream.errors][:2] == [
        f"{path}:../escape.txt",
        f"{path}:/etc/abs.txt",
    ]


def test_zip_and_tar_say_the_same_of_each_member_before_reading_it(tmp_path: Path) -> None:
    # the zip and the tar walk each spelled out the order (unsafe, folder, suffix, size):
    # one order now serves both, and each says the same of the same members
    members = {
        "../up.txt": dump(1).encode(),
        "notes.png": b"\x89",
        "big.txt": dump(2).encode() + b"x" * 4096,
        "ok.txt": dump(3).encode(),
    }
    zipped = tmp_path / "a.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("sub/", b"")
        for name, data in members.items():
            archive.writestr(name, data)
    tarred = _tar(tmp_path / "a.tar", members, dirs=("sub/",))
    said = []
    for path in (zipped, tarred):
        events = list(iter_pieces(path, max_member_size=1024))
        said.append(
            [
                (type(e).__name__, e.origin.member, getattr(e, "reason", None) or e.error.message)
                if isinstance(e, (Failure, Skipped))
                else ("Piece", e.origin.member, "")
                for e in events
            ]
        )
    assert (
        said[0]
        == said[1]
        == [
            (
                "Failure",
                "../up.txt",
                "unsafe archive member (a path that climbs out of its folder ('..')); not read",
            ),
            ("Skipped", "notes.png", "not a story file (unknown suffix)"),
            (
                "Failure",
                "big.txt",
                "member larger than the 1 KiB limit (max_member_size); not read",
            ),
            ("Piece", "ok.txt", ""),
        ]
    )


def test_zip_bomb_is_refused_after_the_limit(tmp_path: Path) -> None:
    bomb = b"\n" * (8 * 1024 * 1024)  # 8 MiB of new lines compress to a few KiB
    path = make_zip(tmp_path / "bomb.zip", {"bomb.txt": bomb, "ok.txt": dump(1)})
    assert path.stat().st_size < 64 * 1024
    stream = storykit.iter_records(path, errors="collect", max_member_size=1024 * 1024)
    assert [s for _, s in stream] == [make_story(1)]
    [error] = stream.errors
    assert error.filename == f"{path}:bomb.txt"
    assert "larger than the 1 MiB limit (max_member_size)" in error.message


def test_member_limit_is_checked_while_reading_not_only_in_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_zip(tmp_path / "a.zip", {"big.json": b" " * 5000 + b"{}"})
    # pretend the header understates the size: the streamed read must still stop
    real = zipfile.ZipFile.infolist

    def lying(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        infos = real(self)
        for info in infos:
            info.file_size = 10
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    asked: list[int] = []
    original = zipfile.ZipExtFile.read

    def recording(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        asked.append(n)
        return original(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", recording)
    events = list(iter_pieces(path, max_member_size=1000))
    assert [type(e) for e in events] == [Failure]
    assert asked == [1001]  # one bounded read, never "read it all"


def test_total_size_stops_an_archive(tmp_path: Path) -> None:
    members = {f"{i}.txt": dump(i) + "\n" + " " * 3000 for i in range(5)}
    path = make_zip(tmp_path / "a.zip", members)
    size = len(members["0.txt"].encode())
    listing = 5 * (46 + len("0.txt"))  # the central directory, read to list the members
    stream = storykit.iter_records(path, errors="collect", max_total_size=listing + 2 * size + 10)
    assert [s for _, s in stream] == [make_story(0), make_story(1)]
    [error] = stream.errors
    assert error.filename == str(path)
    assert "max_total_size" in error.message


def test_tar_total_counts_members_it_only_skips(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    with tarfile.open(path, "w") as archive:
        add_tar(archive, "big.bin", b"\0" * 10_000)  # not a story, still read through
        add_tar(archive, "one.txt", dump(1).encode())
    stream = storykit.iter_records(path, errors="collect", max_total_size=5000)
    assert list(stream) == []
    assert "max_total_size" in stream.errors[0].message


def test_not_an_archive_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "bad.zip", b"PK but not really")
    write(tmp_path / "bad.tar.gz", b"not gzip")
    stream = storykit.iter_records(tmp_path, errors="collect")
    assert list(stream) == []
    assert [e.message.split(":")[0] for e in stream.errors] == [
        "not a readable tar archive",
        "not a readable zip archive",
    ]
