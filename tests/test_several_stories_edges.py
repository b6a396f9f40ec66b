"""A file of several stories whose line ends or encoding the splitters cannot follow.

Lines that end with a lone carriage return (old Mac files): the reader reads such lines, but
the splitters find stories only at line feeds, so the advice to read the stories with
``iter_stories`` (which a second story's message gives) would not help: the message says
what would. A UTF-16 (or UTF-32) file cut short: the stories before the cut are read, the
story it cuts fails, naming the line of the bad data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import storykit
from storykit import StoryParseError

from .cli_helpers import cli
from .collection_helpers import dump, make_story

LONE_CR = (
    "another story starts here, and this file's lines end with a lone carriage return (CR, "
    "as old Mac files do): storykit reads such lines, but finds where the stories of a file "
    "start only at line feeds, in storykit.iter_stories() too; convert its line ends to LF "
    "(or CRLF)"
)


NO_NAV = dump(2).split("\n", 1)[1]  # a story after a footer needs no nav line
NO_FOOTER = dump(1).rsplit("\n", 2)[0].rstrip("\n")  # nor tags: its last line is text


@pytest.mark.parametrize(
    ("first", "join", "second"),
    [
        (dump(1), "\n\n", dump(2)),  # the second story's nav line
        (dump(1), "\n", NO_NAV),  # text after the footer
        (dump(1), "", dump(2)),  # a footer run into the nav line
        (NO_FOOTER, "", dump(2)),  # text run into it
    ],
    ids=["nav", "footer", "glued-footer", "glued-text"],
)
def test_stories_in_lines_that_end_with_a_lone_cr_are_refused_saying_why(
    tmp_path: Path, first: str, join: str, second: str
) -> None:
    stories = [storykit.loads(first, "text"), storykit.loads(second, "text")]
    one = first.replace("\n", "\r")
    assert storykit.loads(one, "text") == stories[0]  # such lines are read
    text = (first + join + second).replace("\n", "\r")
    path = tmp_path / "all.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(StoryParseError) as info:
        storykit.load(path)
    assert info.value.message == LONE_CR
    # the second story's nav line, or the line that ends the first (its footer, a footer or
    # text run into the nav line)
    nav = join == "\n\n"
    line = (first + join).count("\n") + 1 if nav else first.count("\n") + 1
    assert info.value.line == line
    stream = storykit.iter_records(path, errors="collect")
    assert list(stream) == []
    assert [(e.line, e.message) for e in stream.errors] == [(info.value.line, LONE_CR)]
    # with CRLF or LF line ends the same file reads as two stories
    for ends in ("\r\n", "\n"):
        data = text.replace("\r", ends).encode()
        assert list(storykit.iter_stories([io.BytesIO(data)])) == stories


def test_convert_says_why_a_file_of_lone_cr_lines_is_one_story(tmp_path: Path) -> None:
    (tmp_path / "all.txt").write_bytes((dump(1) + "\n" + dump(2)).replace("\n", "\r").encode())
    done = cli("convert", "all.txt", "--to", "jsonl", cwd=tmp_path)
    assert done.returncode != 0
    assert LONE_CR in done.stderr
    assert "read them with storykit.iter_stories()" not in done.stderr


WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", WIDE)
@pytest.mark.parametrize("whole", [True, False], ids=["file", "stream"])
def test_a_wide_file_cut_short_keeps_the_stories_before_the_cut(
    tmp_path: Path, encoding: str, whole: bool
) -> None:
    stories = [dump(i) + "\n" for i in range(3)]
    data = ("\ufeff" + "".join(stories)).encode(encoding)
    name = encoding[:6].upper()
    third = 1 + stories[0].count("\n") + stories[1].count("\n")  # where the third starts
    path = tmp_path / "all.txt"
    # cut inside the third story's body: the two before are read, the third fails
    body = ("\ufeff" + stories[0] + stories[1] + stories[2].split("Body")[0]).encode(encoding)
    path.write_bytes(data[: len(body) + 1])
    source: object = path if whole else [io.BytesIO(path.read_bytes())]
    stream = storykit.iter_records(source, errors="collect")  # type: ignore[arg-type]
    second = stories[0].count("\n") + 1
    assert [(o.line, s) for o, s in stream] == [(1, make_story(0)), (second, make_story(1))]
    [error] = stream.errors
    assert (error.line, error.message) == (
        third + stories[2].split("Body")[0].count("\n"),  # the bad data's line
        f"invalid {name} (a {name} byte order mark, then bad data at offset {len(body)}): the "
        "input ends inside a character (cut short?)",
    )
    # cut inside the line break after the second story's footer: both read, then the error
    cut = len(("\ufeff" + stories[0] + stories[1]).encode(encoding)) - 1
    path.write_bytes(data[:cut])
    source = path if whole else [io.BytesIO(path.read_bytes())]
    stream = storykit.iter_records(source, errors="collect")  # type: ignore[arg-type]
    assert [s for _, s in stream] == [make_story(0), make_story(1)]
    assert [e.line for e in stream.errors] == [third - 1]


def test_loading_a_wide_file_cut_short_names_the_line() -> None:
    data = ("\ufeff" + dump(1)).encode("utf-16-le")[:-1]
    with pytest.raises(StoryParseError) as info:
        storykit.loads(data)
    assert info.value.line == dump(1).count("\n") + 1
    assert info.value.message.endswith("the input ends inside a character (cut short?)")


# A footer, then the next file's byte order mark and a blank line: two dumps joined with
# ``cat`` when the first ends without a line break and the second starts with a BOM.


@pytest.mark.parametrize("url", ["", " https://example.com/a"])
def test_a_byte_order_mark_after_a_footer_is_no_part_of_its_url(url: str) -> None:
    first = dump(1).rstrip("\n") + url
    joined = first + "\ufeff\n\n" + dump(2)
    stories = list(storykit.iter_stories(io.BytesIO(joined.encode("utf-8"))))
    assert len(stories) == 2
    assert stories[0].url == (url.strip() or None)  # it was "\ufeff" (or the URL and it)
    assert stories[0] == storykit.loads(first, format="text")


def test_the_writer_refuses_a_url_that_ends_with_a_byte_order_mark() -> None:
    story = make_story(1)
    source = storykit.Source(story.source.name if story.source else "X", url="https://x.org/\ufeff")
    with pytest.raises(storykit.UnrepresentableError, match=r"source\.url ends with a byte order"):
        storykit.dumps(storykit.Story(story.title, source=source), "text")
