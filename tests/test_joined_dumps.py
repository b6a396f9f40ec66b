"""Dumps joined with no line break between them (``cat a.txt b.txt``) read as the stories they are.

The text writer ends a dump without a line break, as the dumps in archives often do: two
of them put together with ``cat`` run the first's footer and the second's nav line into one
line (``View original source → URL← Back to stories ALT``). Reading stories from such a
file (``iter_stories``, ``split_stories``, the streaming splitter, ``convert``) cuts that
line in two; reading ONE story from it refuses it, naming the line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import Story, StoryParseError
from storykit.formats.text import split_stories

from .cli_helpers import cli
from .strategies import dump_stories

# What _GLUED_RE lets stand between the first's footer (its URL) and the second's '←':
# blanks the first's last line ended with (which the reader strips from a line's ends, a
# no-break space as well as a space) and byte order marks (the second file's, an empty
# file's between). None of them is a line break to the splitters: a line feed is.
_JOIN = st.lists(
    st.sampled_from([" ", "\t", "\u00a0", "\u3000", "\u2007", "\x0b", "\x0c", "\x85", "\ufeff"]),
    max_size=4,
).map("".join)


@st.composite
def joined_dumps(draw: st.DrawFn) -> tuple[str, list[tuple[int, Story]]]:
    """Two or three dumps joined with no line break, and what reading each alone gives.

    Each with the line its story starts on in the joined text. The writer ends every dump
    with its footer and starts it with its nav line: every join is a footer run into a
    nav line, and none is filtered away.
    """
    stories = draw(st.lists(dump_stories(), min_size=2, max_size=3))
    crlf = draw(st.booleans())
    texts = [storykit.dumps(story, "text") for story in stories]
    if crlf:
        texts = [t.replace("\n", "\r\n") for t in texts]
    joined = texts[0]
    expected = [(1, storykit.loads(texts[0], "text"))]
    for text in texts[1:]:
        joined += draw(_JOIN)
        expected.append((joined.count("\n") + 1, storykit.loads(text, "text")))
        joined += text
    return joined, expected


@settings(max_examples=80)
@given(joined_dumps())
def test_joined_dumps_are_read_as_each_alone(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, list[tuple[int, Story]]]
) -> None:
    joined, expected = case
    # split_stories cuts the text where they meet
    pieces = list(split_stories(joined))
    assert [(line, storykit.loads(piece, "text")) for line, piece in pieces] == expected
    # each piece but the last ends with its footer (blanks and marks after the URL left
    # out); each but the first starts with its nav line, from the '←' on
    for (_, piece), (_, story) in zip(pieces[:-1], expected, strict=False):
        url = story.source.url if story.source is not None else None
        assert piece.rsplit("\n", 1)[-1] == (
            f"View original source → {url}" if url else "View original source →"
        )
    assert all(piece.startswith("← Back to stories") for _, piece in pieces[1:])
    # a file (read whole: it is small) and a stream of the file (streamed)
    path = tmp_path_factory.mktemp("joined") / "all.txt"
    path.write_bytes(joined.encode("utf-8"))
    assert [(o.line, s) for o, s in storykit.iter_records(path)] == expected
    with path.open("rb") as stream:
        assert [(o.line, s) for o, s in storykit.iter_records([stream])] == expected
    # one story is asked for, two or three are there: refused where the second starts
    with pytest.raises(StoryParseError, match="a second story starts inside this line") as info:
        storykit.load(path)
    assert info.value.line == expected[1][0]


ONE = storykit.dumps(
    storykit.Story(
        "A title",
        source=storykit.Source("SCMP", None, "https://example.com/a"),
        sections=(storykit.Section(None, ("Body.",)),),
    ),
    "text",
)


@pytest.mark.parametrize(
    "glue",
    [
        "",  # View original source → https://example.com/a← Back to stories
        " \u00a0",  # the first's last line ended with blanks
        "\ufeff",  # the second file started with a byte order mark
        " \ufeff\ufeff\t",
    ],
    ids=repr,
)
def test_convert_reads_joined_dumps_as_two_stories(tmp_path: Path, glue: str) -> None:
    (tmp_path / "all.txt").write_text(ONE + glue + ONE, encoding="utf-8")
    done = cli("convert", "all.txt", "--to", "jsonl", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    stories = [storykit.loads(line, "json") for line in done.stdout.splitlines()]
    assert stories == [storykit.loads(ONE, "text")] * 2
    assert stories[0].source is not None
    assert stories[0].source.url == "https://example.com/a"
    done = cli("validate", "all.txt", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["stories"] == 2


def test_loading_one_story_from_joined_dumps_says_how_to_read_them(tmp_path: Path) -> None:
    """``load`` of the file refuses it; the message says how to read it instead."""
    (tmp_path / "all.txt").write_text(ONE + ONE, encoding="utf-8")
    line = ONE.count("\n") + 1
    with pytest.raises(StoryParseError) as info:
        storykit.load(tmp_path / "all.txt")
    assert str(info.value) == (
        f"{tmp_path / 'all.txt'}:{line}: a second story starts inside this line, at "
        "'← Back to stories' (two dumps joined with no line break between them: the first "
        "did not end with one); read them with storykit.iter_stories(), or put a line break "
        "before the '←'"
    )
