"""Inputs that never end: ``/dev/zero``, a named pipe fed for ever, endless standard input.

Each used to be read for ever (``storykit convert /dev/zero`` never returned; a zip that
was a device was read until memory ran out). A stream of unknown size is now read no
further than ``max_member_size`` (and a block or two) past its last story: a story, a line
or a run of blank lines over the limit ends its reading, with an error that says so. A
regular file's end is known to come, and it is read on past such a story, as before.

Here, the library's readers on such streams; the command's are in ``test_endless_command.py``
(``/dev/zero``, standard input) and ``test_endless_pipes.py`` (named pipes).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import storykit
from storykit.collection import Failure, iter_blobs, iter_pieces
from storykit.errors import StoryParseError
from storykit.formats.text import split_stories

from .collection_helpers import dump, make_story, write
from .conftest import SEED
from .endless_helpers import BINARY, BLANK, ENDLESS, LIMIT, LINE_TOO_LONG, STORY_TOO_LONG

# --------------------------------------------------------------------------- the library


class Endless:
    """A file object whose ``read(n)`` gives ``n`` more bytes (or characters) for ever.

    ``read()`` of everything would never return: it fails the test instead. ``given``
    counts what was handed out, to bound what a reader took.
    """

    def __init__(self, pattern: bytes | str, name: str | None = None) -> None:
        self.pattern = pattern
        self.given = 0
        if name is not None:
            self.name = name

    def read(self, n: int = -1) -> bytes | str:
        assert n >= 0, "read() to the end of a stream that never ends"
        out = (self.pattern * (n // len(self.pattern) + 1))[:n]
        self.given += len(out)
        return out


class Trickle:
    """A finite file object of unknown size whose ``read(n)`` gives at most 100 bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, n: int = -1) -> bytes:
        n = 100 if n < 0 else min(n, 100)
        out, self.data = self.data[:n], self.data[n:]
        return out


def read_all(source: object, limit: int = LIMIT) -> tuple[list[storykit.Story], list[str]]:
    stream = storykit.iter_stories(source, errors="collect", max_member_size=limit)  # type: ignore[call-overload]
    stories = list(stream)
    return stories, [str(e) for e in stream.errors]


@pytest.mark.parametrize(
    ("pattern", "name", "message"),
    [
        (b"\0", None, f"<stream>:1: {BINARY}, {ENDLESS}"),  # /dev/zero
        (b"y\n", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),  # yes |
        ("y\n", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),  # a text stream
        (b"\x80\xfe\xff", "a.txt", f"a.txt:1: {STORY_TOO_LONG}, {ENDLESS}"),  # /dev/urandom
        (b"View original source ", None, f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"),
        # the blank line that passes the limit: 65,536 blank lines before it
        (b"\n", None, f"<stream>:{LIMIT + 1}: {BLANK}, {ENDLESS}"),  # yes '' |
        (b"x", "a.jsonl", f"a.jsonl:1: {LINE_TOO_LONG}, {ENDLESS}"),
        (b"\n", "a.jsonl", f"a.jsonl:{LIMIT + 1}: {BLANK}, {ENDLESS}"),
        (b"\0", "a.json", "a.json: larger than the 64 KiB limit (max_member_size); not read"),
    ],
)
def test_an_endless_stream_is_read_to_the_limit_and_no_further(
    pattern: bytes | str, name: str | None, message: str
) -> None:
    stream = Endless(pattern, name)
    assert read_all(stream) == ([], [message])
    assert stream.given <= 2 * LIMIT + 3 * 64 * 1024  # the limit, a stand-in, a block or two


BLOCK = 64 * 1024  # the dump reader's block (a reader buffers a block or two ahead)


@pytest.mark.parametrize(
    "pattern",
    [
        "€" * 20 + "\n",  # three bytes a character
        "y" * 20 + "\n",
        # blank lines (a BOM is blank) held after text run into a nav line, undecided
        "Last.← Back to stories\n" + ("\ufeff" * 20 + "\n") * 10_000,
    ],
    ids=["euro", "ascii", "held"],
)
def test_an_endless_stream_is_held_to_the_limit_in_bytes(pattern: str) -> None:
    """Found in review: an unfinished story (and the lines held after a glued nav line) was
    measured in characters, its bytes only once it ended: an endless stream of ``€`` was
    read to three times the limit before it was refused. Its bytes are counted as they come."""
    limit = 4 * LIMIT
    stream = Endless(pattern.encode())
    said = STORY_TOO_LONG.replace("64 KiB", "256 KiB")
    assert read_all(stream, limit) == ([], [f"<stream>:1: {said}, {ENDLESS}"])
    assert stream.given <= limit + 2 * BLOCK + 4  # (held: was 3 times the limit)


def test_a_story_of_the_limit_in_bytes_is_read_from_a_stream() -> None:
    """Of many-byte characters, over several blocks: a story of as many bytes as the limit
    is read, of one more refused. The next nav line starts a block: the story so far, at
    that block, ends with a line break that the story does not keep."""
    head = "← Back to stories\nSCMP 2026-05-02\n\nA title\n\n"
    head += "x" * (127 - len(head.encode())) + "\n"  # 128 bytes
    text = head + ("€" * 21 + "\n") * 3070  # lines of 64 bytes: blocks end at line ends
    assert len(text.encode()) == 3 * BLOCK  # the next story starts the fourth block
    data = (text + dump(2)).encode()
    size = len(next(split_stories(data.decode()))[1].encode())  # the story's bytes
    assert size == 3 * BLOCK - 1
    stories, errors = read_all(Trickle(data), limit=size)
    assert (len(stories), errors) == (2, [])
    assert stories[0].sections[-1].paragraphs[-1].endswith("€" * 21)
    assert stories[1] == make_story(2)
    said = f"a story longer than the {size - 1:,} bytes limit (max_member_size)"
    assert read_all(Trickle(data), limit=size - 1) == ([], [f"<stream>:1: {said}, {ENDLESS}"])


def test_an_endless_stream_after_stories_gives_them_first() -> None:
    class After(Endless):
        def __init__(self, head: bytes) -> None:
            super().__init__(b"y\n", "a.txt")
            self.head = head

        def read(self, n: int = -1) -> bytes | str:
            if self.head:
                out, self.head = self.head[:n], self.head[n:]
                return out
            return super().read(n)

    head = (dump(1) + "\n\n" + dump(2) + "\n\n").encode()
    stories, errors = read_all(After(head))
    assert stories == [make_story(1), make_story(2)]
    line = head.count(b"\n") + 1
    assert errors == [f"a.txt:{line}: {STORY_TOO_LONG}, {ENDLESS}"]


def test_pieces_and_blobs_of_an_endless_stream_stop() -> None:
    [failure] = iter_pieces(Endless(b"\0"), max_member_size=LIMIT)
    assert isinstance(failure, Failure)
    assert failure.error.message == f"{BINARY}, {ENDLESS}"
    stream = Endless(b"\0")
    [blob] = iter_blobs(stream, max_member_size=LIMIT)
    assert isinstance(blob, Failure)
    assert blob.error.message == "larger than the 64 KiB limit"
    assert stream.given <= LIMIT + 64 * 1024


def test_a_regular_file_or_bytes_is_read_on_past_a_story_over_the_limit(
    tmp_path: Path,
) -> None:
    """Their end is known to come: the next story is read, as it always was."""
    long = dump(1).replace("Body 1.", "Body\n\n" + ("y" * 70 + ".\n\n") * 1000 + "End.")
    data = (long + "\n" + dump(2)).encode()
    path = write(tmp_path / "a.txt", data)
    expected = ([make_story(2)], [f"{path}:1: {STORY_TOO_LONG}"])
    assert read_all(path) == expected
    with path.open("rb") as file:
        assert read_all(file) == expected
    assert read_all(io.BytesIO(data)) == ([make_story(2)], [f"<stream>:1: {STORY_TOO_LONG}"])
    # of a stream whose end is not known, the rest is not read: it may never come
    assert read_all(Trickle(data)) == ([], [f"<stream>:1: {STORY_TOO_LONG}, {ENDLESS}"])


def test_a_trickling_stream_of_stories_is_read_whole() -> None:
    data = "\n\n".join(dump(i) for i in range(30)).encode()
    assert read_all(Trickle(data)) == ([make_story(i) for i in range(30)], [])
    assert storykit.load(Trickle(SEED.read_bytes())) == storykit.load(SEED)  # type: ignore[arg-type]


@pytest.mark.parametrize("pattern", [b"y\n", "y\n", b"\0"], ids=["bytes", "text", "nul"])
def test_load_of_an_endless_file_object_is_refused_at_the_limit(pattern: bytes | str) -> None:
    stream = Endless(pattern)
    with pytest.raises(StoryParseError) as info:
        storykit.load(stream)  # type: ignore[arg-type]
    assert info.value.message == (
        "more than 16 MiB to read from a device, a pipe or a stream; not read as one story"
    )
    assert stream.given == 16 * 1024 * 1024 + 1
