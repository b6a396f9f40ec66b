"""Damaged archives, through the public readers: bad headers, damaged members, odd errors."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import storykit

from .collection_helpers import _tar, dump, make_story, make_zip, write


def _header(name: str, size: int, kind: bytes) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.type = size, kind
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 512)


def test_a_chain_of_long_name_headers_is_an_error_not_a_recursion_error(tmp_path: Path) -> None:
    # tarfile reads the header after a GNU long name (or pax) header by recursion: 600 in
    # a row, 300 KB of tar, came out of iter_stories as a RecursionError
    first, last = dump(1).encode(), dump(2).encode()
    data = _header("a.txt", len(first), tarfile.REGTYPE) + _padded(first)
    for _ in range(600):
        data += _header("././@LongLink", 6, tarfile.GNUTYPE_LONGNAME) + _padded(b"x.txt\0")
    data += _header("b.txt", len(last), tarfile.REGTYPE) + _padded(last) + b"\0" * 1024
    path = write(tmp_path / "chain.tar", data)
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}: cannot read the archive past here: more than 8 extended headers in a row"
    ]


def test_an_extended_header_over_the_limits_is_not_read(tmp_path: Path) -> None:
    # tarfile reads a pax header whole before its member is seen: a 300 KB .tar.gz whose
    # pax header said 300 MB made storykit hold 300 MB, whatever max_member_size said
    story = dump(1).encode()
    record = b" comment=" + b"x" * 5000 + b"\n"
    record = str(len(record) + 4).encode() + record  # the length counts itself
    pax = _header("././@PaxHeader", len(record), tarfile.XHDTYPE) + _padded(record)
    member = _header("a.txt", len(story), tarfile.REGTYPE) + _padded(story)
    raw = member + pax + member + b"\0" * 1024
    path = write(tmp_path / "pax.tar.gz", gzip.compress(raw, mtime=0))
    assert len(list(storykit.iter_stories(path))) == 2  # within the limits: read
    stream = storykit.iter_stories(path, errors="collect", max_member_size=4096)
    assert list(stream) == [make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}: cannot read the archive past here: an extended header of 5,014 bytes,"
        " larger than the 4 KiB limit (max_member_size)"
    ]
    stream = storykit.iter_stories(path, errors="collect", max_total_size=len(story) + 4096)
    assert list(stream) == [make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}: archive holds more than the {len(story) + 4096:,} bytes limit"
        " (max_total_size); the rest of it is not read"
    ]


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2, zipfile.ZIP_DEFLATED])
def test_a_damaged_compressed_zip_member_is_an_error(tmp_path: Path, method: int) -> None:
    # an LZMA member whose data is damaged raised lzma.LZMAError, which is no OSError: a
    # traceback from iter_stories and from `storykit convert`
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", dump(1))
        archive.writestr("b.txt", dump(2) * 3, compress_type=method)
        archive.writestr("c.txt", dump(3))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("b.txt")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len("b.txt") + 12  # past the local header and a bit
    for at in range(start, start + 40):
        data[at] ^= 0x55
    path.write_bytes(bytes(data))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(1), make_story(3)]
    assert len(stream.errors) == 1
    assert stream.errors[0].filename == f"{path}:b.txt"
    assert stream.errors[0].message.startswith("cannot read this member: ")


def _header_offsets(raw: bytes) -> list[int]:
    """Where each member's 512-byte header starts in the plain tar ``raw``."""
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        return [info.offset for info in archive.getmembers()]


def test_a_damaged_header_past_the_first_member_is_reported(tmp_path: Path) -> None:
    # tarfile takes a header with a bad checksum for the end of the archive: the members
    # after it used to be lost without a word, and the command exit 0
    members = {f"{i:02}.txt": dump(i).encode() for i in range(4)}
    raw = bytearray(_tar(tmp_path / "raw.tar", members).read_bytes())
    third = _header_offsets(bytes(raw))[2]
    raw[third + 148] ^= 0x07  # its checksum field
    path = write(tmp_path / "damaged.tar", bytes(raw))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(0), make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}: cannot read the archive after member 2 (01.txt): bad checksum; it is "
        "damaged or cut short, and what follows is not read"
    ]


def test_a_tar_cut_in_a_header_is_reported(tmp_path: Path) -> None:
    members = {f"{i:02}.txt": dump(i).encode() for i in range(3)}
    raw = _tar(tmp_path / "raw.tar", members).read_bytes()
    second = _header_offsets(raw)[1]
    path = write(tmp_path / "cut.tar", raw[: second + 100])
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(0)]
    assert [e.message for e in stream.errors] == [
        "cannot read the archive after member 1 (00.txt): truncated header; it is damaged "
        "or cut short, and what follows is not read"
    ]


def test_a_tar_without_its_end_blocks_is_read_whole(tmp_path: Path) -> None:
    # cut just after a member's data, where an end-of-archive block would follow: nothing
    # is missing, so nothing is reported
    members = {f"{i:02}.txt": dump(i).encode() for i in range(3)}
    raw = _tar(tmp_path / "raw.tar", members).read_bytes()
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        last = archive.getmembers()[-1]
    end = last.offset_data + (last.size + 511) // 512 * 512
    path = write(tmp_path / "open.tar", raw[:end])
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(i) for i in range(3)]
    assert stream.errors == []


def test_a_damaged_compressed_tar_fails_the_command(tmp_path: Path) -> None:
    members = {f"{i:02}.txt": dump(i).encode() for i in range(3)}
    raw = bytearray(_tar(tmp_path / "raw.tar", members).read_bytes())
    raw[_header_offsets(bytes(raw))[1] + 148] ^= 0x07
    path = write(tmp_path / "damaged.tar.gz", gzip.compress(bytes(raw), mtime=0))
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", str(path), "--to", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1
    assert "cannot read the archive after member 1 (00.txt): bad checksum" in done.stderr
    assert "1 converted, 1 failed" in done.stderr


def test_damage_that_zipfile_or_tarfile_meets_with_odd_errors_is_an_error(tmp_path: Path) -> None:
    """Found by fuzzing: each ended the command with a traceback."""
    # a member named in UTF-8 (flagged so) whose local header's name is not UTF-8
    path = make_zip(tmp_path / "name.zip", {"b\u00e9.txt": dump(2), "c.txt": dump(3)})
    data = bytearray(path.read_bytes())
    data[30 + 1] = 0xFC  # "b\xc3\xa9.txt" -> "b\xfc\xa9.txt" in the local header only
    path.write_bytes(bytes(data))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(3)]  # (UnicodeDecodeError)
    assert [str(error) for error in stream.errors] == [
        f"{path}:b\u00e9.txt: cannot read this member: 'utf-8' codec can't decode byte 0xfc "
        "in position 1: invalid start byte"
    ]
    # a directory entry that needs a zip version zipfile does not read
    path = make_zip(tmp_path / "version.zip", {"a.txt": dump(1)})
    data = bytearray(path.read_bytes())
    data[data.index(b"PK\x01\x02") + 6] = 0xFF  # (NotImplementedError)
    path.write_bytes(bytes(data))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == []
    assert [str(error) for error in stream.errors] == [
        f"{path}: not a readable zip archive: zip file version 25.5"
    ]
    # a gzip header that says an extra field follows, cut short before it (TypeError)
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(b"\x1f\x8b\x08\x04" + bytes(6))
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    assert done.returncode == 1
    assert done.stdout == (
        f"{path}: error: not a readable tar archive: "
        "ord() expected a character, but string of length 0 found\n"
    )
    assert "Traceback" not in done.stderr
