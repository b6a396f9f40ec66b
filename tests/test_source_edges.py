"""Sources at their edges, through the public readers.

The blob walk (``iter_blobs`` + ``blob_pieces``) that spreads reading over processes, pipes
and devices in a folder, streams closed early, and globs (links to folders, each file once).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import storykit
from storykit import StoryParseError, collection
from storykit.collection import Blob, ErrorLog, Failure, Skipped, blob_pieces, iter_blobs

from .collection_helpers import _tar, dump, make_story, make_zip, write

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


def test_a_pipe_or_device_in_a_folder_is_reported_not_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A named pipe in a walked folder blocked the walk for ever (open() waits for a
    # writer), and a link to /dev/zero read for ever; a file named on its own is still read
    # as a stream (`storykit convert <(cat a.txt)`). Each is said to be what it is: all
    # three were "not a regular file (a named pipe, a device or a socket)", which the mode
    # looked at could tell (a hostile user's socket).
    write(tmp_path / "in" / "a.txt", dump(1))
    fifo = tmp_path / "in" / "b.txt"
    os.mkfifo(fifo)
    (tmp_path / "in" / "c.txt").symlink_to("/dev/null")
    monkeypatch.chdir(tmp_path / "in")  # bound by a short name: a socket's path is short
    server = socket.socket(socket.AF_UNIX)
    server.bind("d.txt")

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
            kinds = {"b.txt": "a named pipe", "c.txt": "a device", "d.txt": "a socket"}
            assert [(e.filename, e.message) for e in stream.errors] == [
                (str(tmp_path / "in" / name), f"not a regular file ({kind}); not read")
                for name, kind in kinds.items()
            ]
        assert list(collection.iter_paths(tmp_path / "in")) == [str(tmp_path / "in" / "a.txt")]
    finally:
        timer.cancel()
        server.close()
    unblock_reader = threading.Timer(0.2, lambda: fifo.write_text(dump(2), encoding="utf-8"))
    unblock_reader.start()
    assert list(storykit.iter_stories(fifo)) == [make_story(2)]  # named: read as a stream
    unblock_reader.join()


def test_iter_paths_passes_over_a_pipe_whatever_its_failure_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # iter_paths told the pipes and devices it passes over by their failure's message, a
    # set made once by the same wording function: new words for them (here, the words
    # changed after that set was made) made iter_paths raise FileNotFoundError for a pipe
    from storykit import _sources

    write(tmp_path / "in" / "a.txt", dump(1))
    os.mkfifo(tmp_path / "in" / "b.txt")
    (tmp_path / "in" / "c.txt").symlink_to(os.devnull)
    monkeypatch.setattr(_sources, "not_regular", lambda mode, what="read": f"odd ({mode:o})")
    for source in (tmp_path / "in", str(tmp_path / "in" / "*.txt")):
        assert list(collection.iter_paths(source)) == [str(tmp_path / "in" / "a.txt")]
        stream = storykit.iter_stories(source, errors="collect")
        assert list(stream) == [make_story(1)]
        assert [e.message[:5] for e in stream.errors] == ["odd (", "odd ("]  # still said


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
