"""Archives and sources at their edges, through the public readers.

Directory entries, members that are not stories, members over the limit, an unsupported
compression method, a tar cut short, archives handed over as open files, and the blob
walk (``iter_blobs`` + ``blob_pieces``) that spreads reading over processes.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import subprocess
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

import storykit
from storykit import StoryParseError, collection
from storykit.collection import Blob, ErrorLog, Failure, Origin, Skipped, blob_pieces, iter_blobs

from .collection_helpers import add_tar, dump, make_story, make_zip, write


def _tar(path: Path, members: dict[str, bytes], *, dirs: tuple[str, ...] = ()) -> Path:
    with tarfile.open(path, "w:gz" if path.suffix == ".gz" else "w") as archive:
        for name in dirs:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            archive.addfile(info)
        for name, data in members.items():
            add_tar(archive, name, data)
    return path


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


# --------------------------------------------------------------------------- the blob walk


def _stories_of(events: list[Blob | Failure | Skipped]) -> list[storykit.Story]:
    out = []
    for event in events:
        assert isinstance(event, Blob), event
        for piece in blob_pieces(event):
            out.append(storykit.loads(piece.text, piece.format))  # type: ignore[union-attr]
    return out


def test_blobs_give_what_iter_stories_gives(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", dump(1) + "\n\n" + dump(2))
    make_zip(tmp_path / "in" / "b.zip", {"c.txt": dump(3)})
    _tar(tmp_path / "in" / "d.tar", {"e.txt": dump(4).encode()})
    events = list(iter_blobs(tmp_path / "in"))
    assert [(e.origin.path, e.origin.member) for e in events] == [
        (str(tmp_path / "in" / "a.txt"), None),
        (str(tmp_path / "in" / "b.zip"), "c.txt"),
        (str(tmp_path / "in" / "d.tar"), "e.txt"),
    ]
    assert _stories_of(events) == list(storykit.iter_stories(tmp_path / "in"))


def test_blobs_of_open_files(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "b.zip", {"c.txt": dump(3)})
    with zipped.open("rb") as file:
        assert _stories_of(list(iter_blobs(file))) == [make_story(3)]
    data = dump(1).encode()
    (blob,) = iter_blobs(io.BytesIO(data))
    assert isinstance(blob, Blob)
    assert blob.data == data
    assert _stories_of([blob]) == [make_story(1)]
    (blob,) = iter_blobs(io.BytesIO(data), format="text")
    assert blob.format == "text"


def test_an_open_file_over_the_limit_is_not_a_blob() -> None:
    (event,) = iter_blobs(io.BytesIO(dump(1).encode()), max_member_size=100)
    assert isinstance(event, Failure)
    assert "larger than the 100 bytes limit" in str(event.error)


def test_a_forced_format_names_every_file(tmp_path: Path) -> None:
    write(tmp_path / "a.story", dump(1))
    (blob,) = iter_blobs(tmp_path / "a.story", format="text")
    assert isinstance(blob, Blob)
    assert (blob.format, blob.data) == ("text", None)
    assert _stories_of([blob]) == [make_story(1)]


def test_a_missing_source_is_a_failure_in_the_walk(tmp_path: Path) -> None:
    (event,) = iter_blobs(tmp_path / "gone.txt")
    assert isinstance(event, Failure)
    assert "no such file or directory" in str(event.error)


def test_a_pipe_or_device_in_a_folder_is_reported_not_opened(tmp_path: Path) -> None:
    # A named pipe in a walked folder blocked the walk for ever (open() waits for a
    # writer), and a link to /dev/zero read for ever; a file named on its own is still read
    # as a stream (`storykit convert <(cat a.txt)`).
    write(tmp_path / "in" / "a.txt", dump(1))
    fifo = tmp_path / "in" / "b.txt"
    os.mkfifo(fifo)
    (tmp_path / "in" / "c.txt").symlink_to("/dev/null")

    def unblock() -> None:  # so that a walk that opens the pipe fails instead of hanging
        with contextlib.suppress(OSError):
            fd = os.open(fifo, os.O_WRONLY)
            os.close(fd)

    timer = threading.Timer(10, unblock)
    timer.start()
    try:
        for source in (tmp_path / "in", str(tmp_path / "in" / "*.txt")):
            stream = storykit.iter_stories(source, errors="collect")
            assert list(stream) == [make_story(1)]
            assert [(e.filename, e.message) for e in stream.errors] == [
                (
                    str(tmp_path / "in" / name),
                    "not a regular file (a named pipe, a device or a socket); not read",
                )
                for name in ("b.txt", "c.txt")
            ]
        assert list(collection.iter_paths(tmp_path / "in")) == [str(tmp_path / "in" / "a.txt")]
    finally:
        timer.cancel()
    unblock_reader = threading.Timer(0.2, lambda: fifo.write_text(dump(2), encoding="utf-8"))
    unblock_reader.start()
    assert list(storykit.iter_stories(fifo)) == [make_story(2)]  # named: read as a stream
    unblock_reader.join()


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


# --------------------------------------------------------------------------- streams


def test_an_empty_error_log_reports_nothing() -> None:
    assert ErrorLog().report() == ""
    log = ErrorLog([StoryParseError("bad", filename="a.txt", line=3)])
    assert log.report() == "a.txt:3: bad\n1 error"


def test_closing_a_stream_stops_it_early(tmp_path: Path) -> None:
    make_zip(tmp_path / "a.zip", {f"{i}.txt": dump(i) for i in range(3)})
    stream = storykit.iter_stories(tmp_path / "a.zip")
    assert next(stream) == make_story(0)
    stream.close()
    assert list(stream) == []
    stream.close()  # twice is fine


def test_learn_tags_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        collection.learn_tags(tmp_path / "gone.txt")


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


def test_a_glob_follows_no_link_to_a_folder(tmp_path: Path) -> None:
    """``**`` followed links (glob does): a link to the folder above made it recurse without
    end, a branch per link at each level, and ``validate '**/*.txt'`` never ended."""
    write(tmp_path / "a" / "s.txt", dump(1))
    (tmp_path / "a" / "up").symlink_to("..")
    (tmp_path / "a" / "self").symlink_to("../a")
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "validate", "**/*.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "1 story checked: 0 errors, 0 warnings\n"
    assert list(collection.iter_paths(str(tmp_path / "**" / "*.txt"))) == [
        str(tmp_path / "a" / "s.txt")
    ]


@pytest.mark.parametrize("pattern", ["a/**", "./a/**", "a/**/", "**", "./**", "ABS/a/**"])
def test_a_pattern_names_each_file_once(
    tmp_path: Path, pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validate 'a/**' checked 16 stories of 7: the pattern matches a/, a/sub and each file,
    # and each folder matched was walked whole
    for name in ("a/x.txt", "a/sub/y.txt", "a/sub-z/z.txt", "a/sub/deeper/w.txt"):
        write(tmp_path / name, dump(1))
    monkeypatch.chdir(tmp_path)
    found = list(collection.iter_paths(pattern.replace("ABS", str(tmp_path))))
    names = ["a/x.txt", "a/sub/y.txt", "a/sub-z/z.txt", "a/sub/deeper/w.txt"]
    assert sorted(os.path.relpath(name) for name in found) == sorted(map(os.path.normpath, names))


@pytest.mark.parametrize(
    "pattern",
    ["**/*.txt", "**", "a/**", "a/**/*.txt", "**/b/*", "*/**/*.md", "a/**/c/**/*", "**/*",
     "a/*/**/*.txt", "**/[a-z].txt", "./**/*.txt", "./**", "a/**/", "no/**/*.txt",
     "**/**/*.txt", "*/**", "[ae]/**/*", "ABS/**/*.txt", "ABS/**"],
)  # fmt: skip
def test_a_glob_matches_what_glob_matches_where_there_is_no_link(
    tmp_path: Path, pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import glob

    from storykit._sources import _glob

    for name in ("x.txt", "a/y.txt", "a/b/z.txt", "a/b/c/w.md", "d/.hid/q.txt", ".h/r.txt",
                 "a/.s.txt", "e/v.json", "a/[br].txt"):  # fmt: skip
        write(tmp_path / name, "")
    monkeypatch.chdir(tmp_path)
    pattern = pattern.replace("ABS", str(tmp_path))
    expected = sorted(dict.fromkeys(glob.iglob(pattern, recursive=True)))
    assert sorted(dict.fromkeys(_glob(pattern))) == expected
