"""Archives at their edges, through the public readers.

Directory entries, members that are not stories, members over the limit, an unsupported
compression method, a tar cut short, and archives handed over as open files. Damaged
archives are in ``test_archive_damage.py``, the blob walk and globs in ``test_source_edges.py``.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import storykit
from storykit import collection
from storykit.collection import Origin, Skipped

from .collection_helpers import _tar, dump, make_story, make_zip, write


def test_tar_folders_and_other_files_are_passed_over(tmp_path: Path) -> None:
    path = _tar(
        tmp_path / "a.tar",
        {"2026/a.txt": dump(1).encode(), "2026/photo.jpg": b"\xff\xd8", "b.txt": dump(2).encode()},
        dirs=("2026",),
    )
    stream = storykit.iter_records(path, errors="collect")
    assert [(o.member, s) for o, s in stream] == [
        ("2026/a.txt", make_story(1)),
        ("b.txt", make_story(2)),
    ]
    assert list(stream.errors) == []
    events = list(collection.iter_pieces(path))
    assert (
        Skipped(Origin(str(path), "2026/photo.jpg"), "not a story file (unknown suffix)") in events
    )


def test_zip_folders_are_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.mkdir("2026")
        archive.writestr("2026/a.txt", dump(1))
    assert list(storykit.iter_stories(path)) == [make_story(1)]


def test_a_tar_member_over_the_limit_is_refused(tmp_path: Path) -> None:
    big = dump(2).encode() + b"\n" * 2000
    path = _tar(tmp_path / "a.tar", {"a.txt": dump(1).encode(), "big.txt": big})
    stream = storykit.iter_stories(path, errors="collect", max_member_size=1024)
    assert list(stream) == [make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}:big.txt: member larger than the 1 KiB limit (max_member_size); not read"
    ]  # (no "zip bomb?": a tar member is as large as it says)


def test_only_a_compressed_zip_member_over_the_limit_may_be_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("stored.txt", "x" * 2000, compress_type=zipfile.ZIP_STORED)
        archive.writestr("packed.txt", "x" * 2000, compress_type=zipfile.ZIP_DEFLATED)
    stream = storykit.iter_stories(path, errors="collect", max_member_size=1024)
    assert list(stream) == []
    limit = "member larger than the 1 KiB limit (max_member_size); not read"
    assert [e.message for e in stream.errors] == [limit, f"{limit} (a zip bomb?)"]


def test_a_zip_member_in_an_unknown_compression_is_an_error(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.txt": dump(1), "b.txt": dump(2)})
    data = bytearray(path.read_bytes())
    # b.txt's compression method, in its local header and in the central directory: 99
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(signature, data.index(signature) + 1)  # the second member's
        data[at + offset : at + offset + 2] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(1)]
    assert len(stream.errors) == 1
    assert stream.errors[0].filename == f"{path}:b.txt"
    assert stream.errors[0].message.startswith("cannot read this member: ")
    assert "compression" in stream.errors[0].message


def test_an_encrypted_zip_member_is_said_so_in_plain_words(tmp_path: Path) -> None:
    """Found by an attacker session: the message was zipfile's own, with Python's view of
    the member: "cannot read this member: File <ZipInfo filename='b.txt' filemode='?rw-------'
    file_size=…> is encrypted, password required for extraction"."""
    path = make_zip(tmp_path / "a.zip", {"a.txt": dump(1), "b.txt": dump(2)})
    data = bytearray(path.read_bytes())
    # b.txt's "encrypted" flag, in its local header and in the central directory
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature, data.index(signature) + 1)  # the second member's
        data[at + offset] |= 1
    path.write_bytes(bytes(data))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(1)]
    assert [str(e) for e in stream.errors] == [
        f"{path}:b.txt: cannot read this member: it is encrypted (it needs a password, "
        "which storykit does not take)"
    ]


def test_a_tar_cut_in_a_member_gives_what_came_before(tmp_path: Path) -> None:
    members = {f"{i:02}.txt": dump(i).encode() + b"\n" * 600 for i in range(6)}
    raw = _tar(tmp_path / "raw.tar", members).read_bytes()
    path = write(tmp_path / "cut.tar", raw[: len(raw) // 2])  # in the fourth member's data
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(i) for i in range(3)]
    assert [str(e) for e in stream.errors] == [
        f"{path}:03.txt: cannot read this member: unexpected end of data"
    ]


def test_a_compressed_tar_cut_short_gives_what_came_before(tmp_path: Path) -> None:
    # members the reader passes over (photos) are read through too: the cut is met there
    members: dict[str, bytes] = {}
    for i in range(6):
        members[f"{i:02}.txt"] = dump(i).encode()
        members[f"{i:02}.jpg"] = random.Random(i).randbytes(3000)  # does not compress
    raw = _tar(tmp_path / "raw.tar", members).read_bytes()
    packed = gzip.compress(raw, mtime=0)
    path = write(tmp_path / "cut.tar.gz", packed[: len(packed) // 2])
    stream = storykit.iter_stories(path, errors="collect")
    stories = list(stream)
    assert 0 < len(stories) < 6
    assert stories == [make_story(i) for i in range(len(stories))]
    assert [str(e) for e in stream.errors] == [
        f"{path}: cannot read the archive past here: unexpected end of data"
    ]


@pytest.mark.parametrize(
    ("compress", "suffix"),
    [(bz2.compress, ".tar.bz2"), (lzma.compress, ".tar.xz"), (gzip.compress, ".tar.gz")],
)
def test_a_compressed_tar_cut_before_its_first_member_is_not_called_empty(
    tmp_path: Path, compress: Callable[[bytes], bytes], suffix: str
) -> None:
    """Found by an attacker session: a .tar.bz2 cut in two (one bzip2 block) was "not a
    readable tar archive: empty file", for a file of thousands of bytes."""
    raw = _tar(tmp_path / "raw.tar", {"a.txt": dump(1).encode()}).read_bytes()
    packed = compress(raw)
    path = write(tmp_path / f"cut{suffix}", packed[:40])
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == []
    [error] = stream.errors
    assert "empty file" not in error.message
    assert error.message in (
        "not a readable tar archive: it ends before its first member (cut short?)",
        "not a readable tar archive: truncated header",  # as xz's first bytes give it
        "cannot read the archive past here: unexpected end of data",
    )
    empty = write(tmp_path / "empty.tar", b"")  # an empty file is still said to be one
    stream = storykit.iter_stories(empty, errors="collect")
    assert list(stream) == []
    assert [e.message for e in stream.errors] == ["not a readable tar archive: empty file"]


def test_an_open_tar_file_is_read_as_a_stream(tmp_path: Path) -> None:
    path = _tar(tmp_path / "a.tar.gz", {"a.txt": dump(1).encode(), "b.txt": dump(2).encode()})
    with path.open("rb") as file:
        records = list(storykit.iter_records(file))
    assert [s for _, s in records] == [make_story(1), make_story(2)]
    assert [o.member for o, _ in records] == ["a.txt", "b.txt"]


def test_a_file_that_is_no_tar_after_all(tmp_path: Path) -> None:
    path = write(tmp_path / "a.tar", b"\x00" * 10 + b"not a tar header")
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == []
    assert [e.message.split(":")[0] for e in stream.errors] in (
        [],  # an all-but-empty tar reads as an empty one
        ["not a readable tar archive"],
        ["cannot read the archive past here"],
    )
