"""Splitting files into stories: small files read whole give what streaming them gives."""

from __future__ import annotations

import io
import os
import threading
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import _pieces
from storykit._pieces import open_file

from .test_collection import BAD_DATE, dump, make_story, write

TRICKY: dict[str, str | bytes] = {
    "one": dump(1),
    "bom-crlf": "\ufeff" + dump(1).replace("\n", "\r\n"),
    "blank-tail": dump(1) + "\n\n  \n\t\n",
    "no-final-newline": dump(1).rstrip("\n"),
    "two": dump(1) + "\n\n" + dump(2),
    "no-nav-after-footer": dump(1) + "\n" + dump(2).split("\n", 1)[1],
    "bad-date-second": dump(1) + "\n\n" + BAD_DATE,
    "stray-line": "← Back to stories\nSCMP 2026-05-02\nStray header line\n\nA title\n\nBody.",
    "bad-utf8": (dump(1) + "\n\n" + dump(2).replace("Body 2.", "Body \udcff2.")).encode(
        "utf-8", "surrogateescape"
    ),
    "binary": b"\0\1\2binary\n" * 10,
    "empty": b"",
    "blank": "\n \n\t\n",
}
"""Dump files on which reading whole and streaming could part ways."""


def records(source: object) -> tuple[list[object], list[str], list[str]]:
    """Stories with their origins, errors and warnings, as comparable values."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stream = storykit.iter_records(source, errors="collect")  # type: ignore[arg-type]
        found: list[object] = list(stream)
    return found, [str(e) for e in stream.errors], [str(w.message) for w in caught]


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_a_small_file_read_whole_reads_as_streamed(tmp_path: Path, name: str) -> None:
    path = str(write(tmp_path / f"{name}.txt", TRICKY[name]))
    assert isinstance(open_file(path, 1 << 20), bytes)  # small: read whole
    with open(path, "rb") as stream:  # an open file is always streamed
        assert records(path) == records(stream)


def test_large_or_limited_files_are_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(write(tmp_path / "a.txt", dump(1) + "\n\n" + dump(2)))
    size = os.path.getsize(path)
    assert isinstance(open_file(path, size), bytes)
    with open_file(path, size - 1) as stream:  # over max_member_size: streamed
        assert isinstance(stream, io.BufferedReader)
        assert stream.read() == Path(path).read_bytes()
    monkeypatch.setattr(_pieces, "_WHOLE", size - 1)  # over the whole-read size: streamed
    opened = open_file(path, 1 << 20)
    assert isinstance(opened, io.BufferedReader)
    opened.close()
    assert list(storykit.iter_stories(path)) == [make_story(1), make_story(2)]


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


LINES = [
    "",
    "  ",
    "\ufeff",
    "\r",
    "← Back to stories",
    "← Back to stories An alt text",
    " ← Back to stories",
    "A title ← with an arrow",
    "←",
    "View original source →",
    "View original source → https://example.com/a",
    "Text then View original source",
    "SCMP 2026-05-25",
    "Some paragraph.",
    "AIEVs",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(LINES), max_size=14))
def test_split_shortcut_agrees_with_split_stories(lines: list[str]) -> None:
    from storykit.formats.text import split_stories

    text = "\n".join(lines)

    def normal(pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
        return [(n, t.rstrip(" \t\r\n\ufeff")) for n, t in pieces]

    assert normal(_pieces._split(text, split_stories)) == normal(list(split_stories(text)))
