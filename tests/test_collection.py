"""iter_stories / iter_records: folders, globs, archives, JSON Lines, limits, error policies."""

from __future__ import annotations

import datetime
import io
import json
import os
import stat
import tarfile
import threading
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import storykit
from storykit import (
    Credit,
    Image,
    Section,
    Source,
    Story,
    StoryParseError,
    StoryWarning,
    collection,
)
from storykit.collection import ErrorLog, Event, Failure, Origin, Piece, Skipped, iter_pieces
from storykit.tags import TagSplitter

from .conftest import CORPUS, CORPUS_STORIES, NO_CORPUS

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


# --------------------------------------------------------------------------- sources


def test_folder_is_walked_recursively_in_sorted_order_by_suffix(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", dump(2))
    write(tmp_path / "a" / "z.txt", dump(1))
    write(tmp_path / "c.json", storykit.dumps(make_story(3), "json"))
    write(tmp_path / "notes.png", b"\x89PNG not a story")
    write(tmp_path / ".hidden.txt", BAD_DATE)  # hidden files are skipped
    stories = list(storykit.iter_stories(tmp_path))
    assert stories == [make_story(1), make_story(2), make_story(3)]


def test_origins_name_file_and_line_without_touching_story_equality(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", dump(1))
    [(origin, story)] = list(storykit.iter_records(path))
    assert origin == Origin(str(path), None, 1)
    assert str(origin) == f"{path}:1"
    assert story == make_story(1)
    assert str(Origin("a.zip", "x/b.txt", 7)) == "a.zip:x/b.txt:7"
    assert Origin("a.zip", "x/b.txt").where == "a.zip:x/b.txt"


def test_glob_and_list_of_sources(tmp_path: Path) -> None:
    write(tmp_path / "d" / "1.txt", dump(1))
    write(tmp_path / "d" / "2.txt", dump(2))
    write(tmp_path / "d" / "skip.md.bak", "x")
    write(tmp_path / "e.txt", dump(5))
    found = list(storykit.iter_stories([str(tmp_path / "d" / "*.txt"), tmp_path / "e.txt"]))
    assert found == [make_story(1), make_story(2), make_story(5)]


def test_any_iterable_of_sources(tmp_path: Path) -> None:
    paths = [write(tmp_path / f"{i}.txt", dump(i)) for i in range(3)]
    assert list(storykit.iter_stories(p for p in paths)) == [make_story(i) for i in range(3)]
    with pytest.raises(TypeError, match="cannot read stories from an object of type int"):
        list(storykit.iter_stories(5))  # type: ignore[arg-type]


def test_several_stories_in_one_dump_with_their_first_lines(tmp_path: Path) -> None:
    text = "\n\n".join(dump(i) for i in range(4)) + "\n"
    path = write(tmp_path / "many.txt", text)
    records = list(storykit.iter_records(path))
    assert [story for _, story in records] == [make_story(i) for i in range(4)]
    assert [origin.line for origin, _ in records] == nav_lines(text)


def test_jsonl_one_story_a_line_blank_lines_skipped(tmp_path: Path) -> None:
    lines = [storykit.dumps(make_story(i), "json", indent=None) for i in range(3)]
    path = write(tmp_path / "s.jsonl", lines[0] + "\n\n" + lines[1] + "\n" + lines[2] + "\n")
    records = list(storykit.iter_records(path))
    assert [s for _, s in records] == [make_story(i) for i in range(3)]
    assert [o.line for o, _ in records] == [1, 3, 4]


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_pretty_json_named_jsonl_is_one_error_that_says_so(tmp_path: Path, bom: str) -> None:
    # it used to be an "invalid JSON" error for each of its lines (45 for the seed)
    path = write(tmp_path / "s.jsonl", bom + storykit.dumps(make_story(1), "json"))
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == []
    assert [str(e) for e in stream.errors] == [
        f"{path}:1: one JSON document spread over lines, not JSON Lines (one story a line): "
        "name the file .json, or write it one story a line (--to jsonl)"
    ]
    assert storykit.load(path, "json") == make_story(1)  # (what the message says it is)
    lines = [storykit.dumps(make_story(i), "json", indent=None) for i in range(2)]
    path = write(tmp_path / "t.jsonl", "\n".join([*lines, "{", "}"]) + "\n")
    stream = storykit.iter_stories(path, errors="collect")
    assert list(stream) == [make_story(0), make_story(1)]  # (only a first line tells)
    assert len(stream.errors) == 2


def test_open_files_binary_text_and_sniffed(tmp_path: Path) -> None:
    text = dump(1) + "\n\n" + dump(2)
    assert list(storykit.iter_stories(io.BytesIO(text.encode()))) == [make_story(1), make_story(2)]
    assert list(storykit.iter_stories(io.StringIO(text))) == [make_story(1), make_story(2)]
    jsonl = "".join(storykit.dumps(make_story(i), "json", indent=None) + "\n" for i in range(2))
    assert list(storykit.iter_stories(io.BytesIO(jsonl.encode()))) == [
        make_story(0),
        make_story(1),
    ]
    pretty = storykit.dumps(make_story(4), "json")
    assert list(storykit.iter_stories(io.BytesIO(pretty.encode()))) == [make_story(4)]


def test_stories_are_read_lazily(tmp_path: Path) -> None:
    first = write(tmp_path / "first.txt", dump(1))
    stories = storykit.iter_stories([first, tmp_path / "missing.txt"])
    assert next(stories) == make_story(1)  # the missing file is not looked at yet
    with pytest.raises(FileNotFoundError):
        next(stories)


def test_iter_paths_lists_files_without_opening_archives(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "b.zip", b"not even a zip")
    assert list(collection.iter_paths(tmp_path)) == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b.zip"),
    ]
    with pytest.raises(FileNotFoundError):
        list(collection.iter_paths(tmp_path / "nope"))


# --------------------------------------------------------------------------- archives


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


# --------------------------------------------------------------------------- bad input


def test_raise_names_file_member_and_line(tmp_path: Path) -> None:
    text = dump(1) + "\n\n" + BAD_DATE
    path = make_zip(tmp_path / "a.zip", {"x/many.txt": text})
    stream = storykit.iter_stories(path)
    assert next(stream) == make_story(1)
    with pytest.raises(StoryParseError) as info:
        next(stream)
    bad_line = nav_lines(text)[1] + 1  # the source line of the second story
    assert info.value.filename == f"{path}:x/many.txt"
    assert info.value.line == bad_line
    assert str(info.value).startswith(f"{path}:x/many.txt:{bad_line}: invalid date")


def test_warn_skips_with_a_warning_and_keeps_the_log(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "b.txt", BAD_DATE)
    write(tmp_path / "c.txt", dump(3))
    stream = storykit.iter_stories(tmp_path, errors="warn")
    with pytest.warns(StoryWarning, match=r"b\.txt:2: invalid date"):
        stories = list(stream)
    assert stories == [make_story(1), make_story(3)]
    assert len(stream.errors) == 1


def test_collect_into_a_shared_log_with_a_report(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", BAD_DATE)
    log = ErrorLog()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # collect must not warn
        assert list(storykit.iter_stories(tmp_path, errors="collect", log=log)) == []
        assert list(storykit.iter_stories(tmp_path / "gone", errors="collect", log=log)) == []
    assert log.report().splitlines() == [
        f"{tmp_path / 'b.txt'}:2: invalid date '2026-13-45' on the source line: "
        + log[0].message.split(": ", 1)[1],
        f"{tmp_path / 'gone'}: no such file or directory",
        "2 errors",
    ]


def test_bad_bytes_and_binary_files_are_errors_not_tracebacks(tmp_path: Path) -> None:
    text = dump(1) + "\n\n" + dump(2).replace("Body 2.", "Body \udcff2.")
    write(tmp_path / "a.txt", text.encode("utf-8", "surrogateescape"))
    write(tmp_path / "b.txt", b"\0\1\2binary\n" * 10)
    write(tmp_path / "c.jsonl", b'{"storykit": 1\n\xff\n')
    stream = storykit.iter_records(tmp_path, errors="collect")
    assert [s for _, s in stream] == [make_story(1)]
    where = [(e.filename, e.line) for e in stream.errors]
    bad_line = next(n for n, line in enumerate(text.split("\n"), 1) if "\udcff" in line)
    assert where == [
        (str(tmp_path / "a.txt"), bad_line),
        (str(tmp_path / "b.txt"), 1),
        (str(tmp_path / "c.jsonl"), 1),
        (str(tmp_path / "c.jsonl"), 2),
    ]
    assert "invalid UTF-8" in stream.errors[0].message
    assert "binary" in stream.errors[1].message


def test_bad_options_are_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="errors must be one of"):
        storykit.iter_stories(tmp_path, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(storykit.UnknownFormatError):
        storykit.iter_stories(tmp_path, format="nope")
    with pytest.raises(storykit.UnknownFormatError, match="written but not read"):
        storykit.iter_stories(tmp_path, format="html")


# --------------------------------------------------------------------------- writing


def test_dump_many_round_trips_through_iter_stories(tmp_path: Path) -> None:
    stories = [make_story(i) for i in range(5)]
    target = tmp_path / "out.jsonl"
    assert storykit.dump_many(iter(stories), target) == 5
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["storykit"] == 1 for line in lines)
    assert list(storykit.iter_stories(target)) == stories
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary left


def test_dump_many_to_open_files_and_atomicity(tmp_path: Path) -> None:
    text, binary = io.StringIO(), io.BytesIO()
    assert storykit.dump_many([make_story(1)], text) == 1
    assert storykit.dump_many([make_story(1)], binary) == 1
    assert binary.getvalue().decode() == text.getvalue()
    target = write(tmp_path / "keep.jsonl", "old\n")
    with pytest.raises(TypeError):
        storykit.dump_many([make_story(1), "not a story"], target)  # type: ignore[list-item]
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.jsonl"]


def test_records_from_bytes_for_spark_style_engines(tmp_path: Path) -> None:
    data = make_zip(tmp_path / "a.zip", {"x.txt": dump(1)}).read_bytes()
    [(origin, story)] = list(collection.records_from_bytes(data, "s3://bucket/a.zip"))
    assert (str(origin), story) == ("s3://bucket/a.zip:x.txt:1", make_story(1))
    [(origin, story)] = list(collection.records_from_bytes(dump(2).encode(), "b.txt"))
    assert (str(origin), story) == ("b.txt:1", make_story(2))


def test_learn_tags_teaches_tags_seen_alone(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", storykit.dumps(make_story(1, tags=("USEUX",)), "text"))
    joined = storykit.dumps(make_story(2, tags=("AIUSEUX",)), "text")
    write(tmp_path / "b.txt", joined)
    assert next(iter(storykit.iter_stories(tmp_path / "b.txt"))).tags == ("AIUSEUX",)
    splitter = collection.learn_tags(tmp_path)
    assert isinstance(splitter, TagSplitter)
    [story] = storykit.iter_stories(tmp_path / "b.txt", splitter=splitter)
    assert story.tags == ("AI", "USEUX")


def test_pieces_are_plain_data() -> None:
    piece = Piece(Origin("a.txt", None, 3), "text", "text")
    assert piece == Piece(Origin("a.txt", None, 3), "text", "text")


# --------------------------------------------------------------------------- corpus


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_folder_reads_like_load_one_by_one() -> None:
    records = list(storykit.iter_records(CORPUS / "stories"))
    assert [o.path for o, _ in records] == [str(p) for p in CORPUS_STORIES]
    assert [s for _, s in records] == [storykit.load(p) for p in CORPUS_STORIES]


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_in_a_zip_and_as_one_multi_story_file(tmp_path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in CORPUS_STORIES]
    expected = [storykit.load(p) for p in CORPUS_STORIES]
    members = {p.name: t for p, t in zip(CORPUS_STORIES, texts, strict=True)}
    path = make_zip(tmp_path / "c.zip", members)
    assert list(storykit.iter_stories(path)) == expected
    many = write(tmp_path / "all.txt", "\n\n".join(t.strip("\ufeff\r\n ") for t in texts))
    assert list(storykit.iter_stories(many)) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    writer_done = threading.Event()
    real_fstat = os.fstat

    def slow_fstat(fd: int) -> os.stat_result:  # the reader looks only once the writer is gone
        writer_done.wait(30)
        return real_fstat(fd)

    monkeypatch.setattr(os, "fstat", slow_fstat)
    found: list[object] = []
    reader = threading.Thread(
        target=lambda: found.extend(storykit.iter_stories(str(fifo))), daemon=True
    )
    reader.start()
    with open(fifo, "w", encoding="utf-8") as writer:  # waits for the reader to open it
        writer.write(dump(1))
    writer_done.set()
    reader.join(timeout=30)  # a guard against a hang, not a timing
    if reader.is_alive():  # it closed the pipe and opened it again: let it go, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
        pytest.fail("the named pipe was opened twice: what was written to it is lost")
    assert found == [make_story(1)]


def _events(source: Callable[[], object], **limits: int) -> list[tuple[str, str, object]]:
    """What iter_pieces yields for ``source``, and what iter_blobs then blob_pieces yields.

    Each as ``(kind, origin, story or message)``: the same walk must give the same.
    """
    seen: list[list[tuple[str, str, object]]] = []
    for road in ("pieces", "blobs"):
        if road == "pieces":
            events: list[Event] = list(storykit.collection.iter_pieces(source(), **limits))
        else:
            events = []
            for blob in storykit.collection.iter_blobs(source(), **limits):
                if isinstance(blob, storykit.collection.Blob):
                    size = limits.get("max_member_size", 1 << 24)
                    events.extend(storykit.collection.blob_pieces(blob, max_member_size=size))
                else:
                    events.append(blob)
        described: list[tuple[str, str, object]] = []
        for event in events:
            if isinstance(event, Piece):
                what: object = storykit.collection.parse_piece(event)[0]
            elif isinstance(event, Failure):
                what = str(event.error)
            else:
                what = event.reason
            described.append((type(event).__name__, str(event.origin), what))
        seen.append(described)
    assert seen[0] == seen[1]
    return seen[0]


def test_iter_blobs_walks_as_iter_pieces_does(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", dump(1) + "\n\n" + dump(2))
    write(tmp_path / "in" / "b.jsonl", storykit.dumps(make_story(3), "json", indent=None))
    make_zip(
        tmp_path / "in" / "c.zip",
        {
            "x.txt": dump(4),
            "../evil.txt": dump(5),
            "pic.png": b"\x89PNG",
            "big.txt": dump(6) + "x" * 3000,
        },
    )
    with tarfile.open(tmp_path / "in" / "d.tar", "w") as archive:
        add_tar(archive, "y.txt", dump(7).encode())
    stream_text = (dump(8) + "\n\n" + dump(9)).encode()

    def sources() -> list[object]:
        return [
            tmp_path / "in",
            str(tmp_path / "missing.txt"),
            str(tmp_path / "*.nothing"),
            io.BytesIO(stream_text),
        ]

    found = _events(sources, max_member_size=2000)
    where = str(tmp_path / "in")
    assert [(kind, origin) for kind, origin, _ in found] == [
        ("Piece", f"{where}/a.txt:1"),
        ("Piece", f"{where}/a.txt:{nav_lines(dump(1) + chr(10) * 2 + dump(2))[1]}"),
        ("Piece", f"{where}/b.jsonl:1"),
        ("Piece", f"{where}/c.zip:x.txt:1"),
        ("Failure", f"{where}/c.zip:../evil.txt"),
        ("Skipped", f"{where}/c.zip:pic.png"),
        ("Failure", f"{where}/c.zip:big.txt"),
        ("Piece", f"{where}/d.tar:y.txt:1"),
        ("Failure", str(tmp_path / "missing.txt")),
        ("Failure", str(tmp_path / "*.nothing")),
        ("Piece", "<stream>:1"),
        ("Piece", f"<stream>:{nav_lines(stream_text.decode())[1]}"),
    ]
    stories = [what for kind, _, what in found if kind == "Piece"]
    assert stories == [make_story(i) for i in (1, 2, 3, 4, 7, 8, 9)]
    messages = [what for kind, _, what in found if kind == "Failure"]
    assert "unsafe archive member" in str(messages[0])
    assert "larger than the 2,000 bytes limit (max_member_size)" in str(messages[1])
    assert "no such file or directory" in str(messages[2])
    assert "no file matches this pattern" in str(messages[3])


def test_iter_blobs_reads_an_open_file_whole_within_the_limit() -> None:
    text = (dump(1) + "\n\n" + dump(2)).encode()
    [blob] = storykit.collection.iter_blobs(io.BytesIO(text))
    assert isinstance(blob, storykit.collection.Blob)
    assert (str(blob.origin), blob.format, blob.data) == ("<stream>", "", text)
    [refused] = storykit.collection.iter_blobs(io.BytesIO(text), max_member_size=100)
    assert isinstance(refused, Failure)
    assert str(refused.error) == "<stream>: larger than the 100 bytes limit"
