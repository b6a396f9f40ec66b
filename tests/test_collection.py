"""iter_stories / iter_records: folders, globs, open files, JSON Lines, writing many, the corpus."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import storykit
import storykit.export
import storykit.feeds
from storykit import collection
from storykit.collection import Event, Failure, Origin, Piece
from storykit.tags import TagSplitter

from .collection_helpers import (
    BAD_DATE,
    add_tar,
    deep_folder,
    dump,
    make_story,
    make_zip,
    nav_lines,
    write,
)
from .conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, SEED

# --------------------------------------------------------------------------- sources


def test_folder_is_walked_recursively_in_sorted_order_by_suffix(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", dump(2))
    write(tmp_path / "a" / "z.txt", dump(1))
    write(tmp_path / "c.json", storykit.dumps(make_story(3), "json"))
    write(tmp_path / "notes.png", b"\x89PNG not a story")
    write(tmp_path / ".hidden.txt", BAD_DATE)  # hidden files are skipped
    stories = list(storykit.iter_stories(tmp_path))
    assert stories == [make_story(1), make_story(2), make_story(3)]


def test_folders_deeper_than_the_recursion_limit_are_walked(tmp_path: Path) -> None:
    """Found by an attacker session: a folder 1,000 deep (a tree unpacked from anywhere)
    ended ``iter_stories`` and every command with a ``RecursionError``."""
    with deep_folder(tmp_path / "in", 1200) as deep:
        write(deep / "a.txt", dump(1))
        write(tmp_path / "in" / "z.txt", dump(2))
        assert list(storykit.iter_stories(tmp_path / "in")) == [make_story(1), make_story(2)]
        # and so did a pattern's "**" (os.walk calls itself a folder before Python 3.12)
        pattern = str(tmp_path / "in" / "**" / "*.txt")
        assert list(storykit.iter_stories(pattern)) == [make_story(1), make_story(2)]


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


def test_dump_many_of_one_story_or_of_a_non_story_says_so(tmp_path: Path) -> None:
    # dump_many(story, path) said "'Story' object is not iterable" (to_sqlite, to_parquet,
    # feed and to_records say to wrap it in a list), and an item that is not a story was
    # "dumps() takes a Story, not str": neither the function called nor which item
    with pytest.raises(TypeError, match=r"^expected an iterable of stories, got one Story \(wrap"):
        storykit.dump_many(make_story(1), tmp_path / "a.jsonl")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^stories\[1\]: expected a Story, got str$"):
        storykit.dump_many([make_story(1), "x"], io.StringIO())  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []


def test_every_function_of_many_stories_checks_them_by_one_rule(tmp_path: Path) -> None:
    # five copies of one check; to_parquet's took any pair whose second half was a story
    # (("x", story) was written, to_sqlite refused it) and said "got tuple" of a bad pair
    pytest.importorskip("pyarrow")
    story = make_story(1)
    takers: dict[str, Callable[[Any], object]] = {
        "dump_many": lambda s: storykit.dump_many(s, io.StringIO()),
        "to_records": storykit.export.to_records,
        "feed": lambda s: storykit.feeds.feed(s, title="T"),
        "to_sqlite": lambda s: storykit.to_sqlite(s, tmp_path / "s.db", force=True),
        "to_parquet": lambda s: storykit.to_parquet(s, tmp_path / "s.parquet"),
    }
    pairs = ("to_sqlite", "to_parquet")  # (they take what iter_records gives too)
    for name, take in takers.items():
        with pytest.raises(TypeError) as caught:
            take(story)
        assert str(caught.value) == (
            "expected an iterable of stories, got one Story (wrap it in a list)"
        ), name
        for item, said in (("x", "'x'"), (("x", story), f"{('x', story)!r:.60}")):
            with pytest.raises(TypeError) as caught:
                take([story, item])
            got = type(item).__name__
            expected = f"expected a Story or an (Origin, Story) pair, got {said}"
            assert str(caught.value) == (
                f"stories[1]: {expected if name in pairs else f'expected a Story, got {got}'}"
            ), name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX")
def test_dump_many_into_a_named_pipe_writes_into_it(tmp_path: Path) -> None:
    # dump_many renamed its temporary file over the path: a named pipe (or, as root,
    # /dev/null) was replaced by a regular file, and the pipe's reader waited for ever.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    story = storykit.load(SEED)
    assert storykit.dump_many([story, story], fifo) == 2
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [storykit.loads(line, "json") for line in got[0].splitlines()] == [story, story]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


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
