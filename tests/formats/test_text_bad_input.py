"""The text dump reader on bad input: bad dumps, dumps joined, binary, fuzzing, long lines."""

from __future__ import annotations

import io
import random
import subprocess
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, StoryParseError, UnrepresentableError
from storykit.formats import text as text_format
from tests.conftest import CORPUS_STORIES, NO_CORPUS, ROOT, SEED
from tests.formats.text_helpers import read

# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("dump", "message"),
    [
        ("", r"<string>: no story here: the input is empty"),
        ("  \n\t\n ", r"no story here"),
        (
            "← Back to stories\nSCMP 2026-05-25",
            r"<string>:1: expected a blank line and then the title",
        ),
        (
            "← Back to stories\n← Back to stories\n\nTitle",
            r"<string>:2: a second '← Back to stories'",
        ),
        # a byline that names no one: the model refuses it, and the message says where
        (
            "← Back to stories\nSCMP 2026-05-25\nBy /\n\nTitle\n\nPara.",
            r"^<string>:3: Credit: needs a name or a provider",
        ),
        # a second footer (or a nav line) right above the footer is no tags line: it was
        # read as the tags ("View original source → https://a.b/c",)
        (
            "SCMP\n\nTitle\n\nPara.\n\nView original source → https://a.b/c\n"
            "View original source → https://x.org/a",
            r"^<string>:7: text follows the 'View original source' line",
        ),
        (
            "SCMP\n\nTitle\n\nPara.\n\n← Back to stories\nView original source →",
            r"^<string>:7: a second story starts here",
        ),
    ],
)
def test_bad_dumps(dump: str, message: str) -> None:
    with pytest.raises(StoryParseError, match=message):
        read(dump)


def test_several_stories_in_one_file_point_at_the_second() -> None:
    one = SEED.read_text(encoding="utf-8")
    with pytest.raises(StoryParseError, match=r"story.txt:22: a second story starts here") as info:
        storykit.loads(one + "\n\n" + one, "text", filename="story.txt")
    assert "iter_stories" in str(info.value)
    assert info.value.line == 22 and info.value.filename == "story.txt"


def test_two_dumps_joined_without_a_line_break_are_two_stories_not_one(tmp_path: Path) -> None:
    """Found trying it as a user: ``cat a.txt b.txt`` of dumps that do not end with a line
    break (the seed does not) runs the second's nav line into the first's footer; the two
    were read as one story with both bodies, and ``validate`` said nothing. Then they were
    refused where they meet; now a file of stories reads them as the two stories they are,
    and reading one story still refuses them, where they meet."""
    one = SEED.read_text(encoding="utf-8")
    assert not one.endswith("\n")
    joined = tmp_path / "joined.txt"
    joined.write_text(one + one, encoding="utf-8")  # line 20: "View original source →← Back…"
    message = r"joined.txt:20: a second story starts inside this line, at '← Back to stories'"
    with pytest.raises(StoryParseError, match=message) as info:
        storykit.load(joined)
    assert info.value.line == 20
    assert "storykit.iter_stories()" in info.value.message
    assert [(o.line, s) for o, s in storykit.iter_records(joined)] == [
        (1, read(one)),
        (20, read(one)),
    ]
    with_url = one.replace("View original source →", "View original source → https://e.com/a")
    with pytest.raises(StoryParseError, match=r"<string>:20: a second story starts inside"):
        storykit.loads(with_url + one, "text")
    assert list(storykit.iter_stories([io.StringIO(with_url + one)])) == [read(with_url), read(one)]
    # with the line break, two stories, as before
    assert list(storykit.iter_stories([io.StringIO(one + "\n" + one)])) == [read(one)] * 2


@pytest.mark.parametrize(
    "end",
    [" ", "  ", "\t", "\u00a0", " \u00a0\t", "\u3000", " \ufeff", "\t\ufeff ", " \ufeff\ufeff"],
    ids=repr,
)
def test_two_dumps_joined_when_the_first_ends_with_blanks_are_two_stories_not_one(
    end: str, tmp_path: Path
) -> None:
    """Found attacking the check: a first dump whose footer URL ends with blanks (a space,
    a tab, a no-break space), or a second that starts with a byte order mark, ran into the
    second's nav line as one story, both bodies in it: the check wanted the '←' right after
    the URL. One story is refused; a file of stories holds two, the first's URL without
    the blanks."""
    one = SEED.read_text(encoding="utf-8")
    first = one.replace("View original source →", "View original source → https://e.com/a")
    with pytest.raises(StoryParseError, match=r"<string>:20: a second story starts inside"):
        storykit.loads(first + end + one, "text")
    joined = tmp_path / "x.txt"
    joined.write_text(first + end + one, encoding="utf-8")
    stories = list(storykit.iter_records(joined))
    assert [(o.line, s) for o, s in stories] == [(1, read(first)), (20, read(one))]
    assert stories[0][1].source is not None
    assert stories[0][1].source.url == "https://e.com/a"
    glued = "View original source → https://e.com/a" + end + "← Back to stories A robot"
    story = Story("Title", sections=(Section(None, ("Para.", glued)),))
    with pytest.raises(UnrepresentableError, match=r"paragraphs\[1\] reads as a nav or footer"):
        storykit.dumps(story, "text")


_ENDS = st.sampled_from([" ", "\t", "\u00a0", "\ufeff", "\u3000", "\u2007", "\x0b", "\x85"])


@given(
    st.lists(_ENDS, max_size=4).map("".join),
    st.sampled_from(["", " https://e.com/a", "https://e.com/a", " x→"]),
    st.booleans(),
)
def test_two_dumps_joined_are_never_read_as_one_story(end: str, url: str, crlf: bool) -> None:
    """Whatever blanks and marks the first ends with: two stories, or an error, never one."""
    one = SEED.read_text(encoding="utf-8")
    first = one.replace("View original source →", "View original source →" + url)
    text = first + end + one
    if crlf:
        text, first, one = (t.replace("\n", "\r\n") for t in (text, first, one))
    with pytest.raises(StoryParseError, match=r"x.txt:20: a second story starts inside"):
        storykit.loads(text.encode("utf-8"), "text", filename="x.txt")
    stories = list(storykit.iter_records([io.BytesIO(text.encode("utf-8"))]))
    assert [(o.line, s) for o, s in stories] == [(1, read(first)), (20, read(one))]


def test_a_paragraph_that_reads_as_two_dumps_joined_is_not_written() -> None:
    """What would read back as a footer run into a nav line is refused, as a footer is."""
    glued = "View original source → https://e.com/a← Back to stories A robot"
    story = Story("Title", sections=(Section(None, ("Para.", glued)),))
    with pytest.raises(UnrepresentableError, match=r"paragraphs\[1\] reads as a nav or footer"):
        storykit.dumps(story, "text")


def test_split_stories() -> None:
    one = SEED.read_text(encoding="utf-8")
    pieces = list(text_format.split_stories(one + "\n\n" + one + "\n"))
    assert [line for line, _ in pieces] == [1, 22]  # the seed has 20 lines
    assert all(read(piece) == read(one) for _, piece in pieces)


def test_binary_and_invalid_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xe2\x86\x90 Back to stories\nSCMP\n\nTitle \xff here\n")
    with pytest.raises(
        StoryParseError, match=r"bad.txt:4: invalid UTF-8 \(byte 0xff at offset 32\)"
    ):
        storykit.load(bad)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(StoryParseError, match=r"image.txt:1: binary data"):
        storykit.load(binary)


def test_invalid_utf8_says_what_to_do(tmp_path: Path) -> None:
    """Found by an attack in s15: 'invalid UTF-8 (byte 0xf6 at offset 180)' said what was
    wrong, not what to do, to someone who may not know what UTF-8 is; and a file cut short
    inside a character read as any other bad byte."""
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"\xe2\x86\x90 Back to stories\nSCMP\n\nGr\xf6\xdfe\n")  # Latin-1
    with pytest.raises(StoryParseError) as caught:
        storykit.load(latin)
    assert caught.value.message == (
        "invalid UTF-8 (byte 0xf6 at offset 28): not UTF-8 text (Latin-1 or Windows-1252, say);"
        " save it as UTF-8, e.g. iconv -f windows-1252 -t utf-8 old.txt > new.txt"
    )
    cut = tmp_path / "cut.txt"
    cut.write_bytes("← Back to stories\nSCMP\n\nTitle\n\nA paragraph’".encode()[:-1])
    with pytest.raises(StoryParseError) as caught:
        storykit.load(cut)
    assert str(caught.value) == (
        f"{cut}:6: invalid UTF-8 (byte 0xe2 at offset 44): the input ends inside a character"
        " (cut short?)"
    )


def test_the_command_an_invalid_utf8_error_names_saves_the_file_as_utf8(tmp_path: Path) -> None:
    """Found by a hostile user: "save it as UTF-8" told a reader with a Windows-1252 dump
    what to do but not how; the message (and docs/errors.md) now names a command, and the
    command works: the file it writes reads, every character as it was meant."""
    title = "“Größe” costs €5 — naïve"
    old = tmp_path / "old.txt"
    # no '← Back to stories' line: Windows-1252 has no arrow
    old.write_bytes(f"SCMP 2026-05-25\n\n{title}\n\nBody.\n".encode("cp1252"))
    with pytest.raises(StoryParseError) as caught:
        storykit.load(old)
    command = caught.value.message.split(", e.g. ")[1]
    assert command == "iconv -f windows-1252 -t utf-8 old.txt > new.txt"
    subprocess.run(command, shell=True, cwd=tmp_path, check=True)
    assert storykit.load(tmp_path / "new.txt").title == title


def test_the_docs_show_the_invalid_utf8_message_and_command(tmp_path: Path) -> None:
    """docs/errors.md shows the message storykit gives, and the same command in a shell block."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xe2\x86\x90 Back to stories\nSCMP\n\nTitle here \xff\n")
    with pytest.raises(StoryParseError) as caught:
        storykit.load(bad)
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert f"| `{caught.value.message}` |" in page
    assert "```sh\niconv -f windows-1252 -t utf-8 old.txt > new.txt\n" in page


def test_text_that_is_no_story() -> None:
    with pytest.raises(StoryParseError, match=r"expected a blank line and then the title"):
        read("just one line of text")


# ----------------------------------------------------------------------------- fuzzing


def _read_or_error(data: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", storykit.StoryWarning)
        try:
            result = read(data)
        except StoryParseError:
            return
    assert isinstance(result, Story)


@given(st.text(max_size=400))
def test_fuzz_random_text(data: str) -> None:
    _read_or_error(data)


@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "← Back to stories",
                "← Back to stories Alt",
                "Photo: AP",
                "Photo by A on B",
                "SCMP 2026-05-25",
                "SCMP 2026-02-30",
                "Title",
                "Heading",
                "Text.",
                "AIEVs",
                "View original source →",
                "View original source → https://x",
                "  ",
                "\r",
            ]
        )
        | st.text(max_size=20),
        max_size=25,
    )
)
def test_fuzz_dump_like_lines(lines: list[str]) -> None:
    _read_or_error("\n".join(lines))


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
@given(st.data())
def test_fuzz_mutated_corpus_dumps(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(CORPUS_STORIES))
    lines = path.read_text(encoding="utf-8").split("\n")
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(1, 6))):
        op = rng.choice(["delete", "duplicate", "swap", "blank", "garble"])
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "blank":
            lines[i] = ""
        else:
            lines[i] = data.draw(st.text(max_size=30))
    _read_or_error("\n".join(lines))


def test_a_warning_quotes_at_most_200_characters_of_a_long_line() -> None:
    # the reproducer: a 50,000-character header line gave a 50,080-character warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story = storykit.loads("---\ntitle: " + "[" * 50000 + "\n---\n\n# T", format="text")
    assert story.extras == ("title: " + "[" * 50000, "---")  # kept whole in the story
    assert [str(w.message) for w in caught] == [
        "<string>:2: warning: could not place header line "
        f"'title: {'[' * 193}'… (49,807 more characters); kept in story.extras",
        "<string>:3: warning: could not place header line '---'; kept in story.extras",
    ]
    # a line a little over the limit is quoted whole
    with pytest.warns(storykit.StoryWarning) as caught2:
        storykit.loads("x\n" + "a" * 210 + "\n\n# T", format="text")
    assert any(f"'{'a' * 210}';" in str(w.message) for w in caught2)
    # and any diagnostic's message is bounded as a StoryParseError's is
    diagnostic = storykit.Diagnostic(1, "warning", "x" * 50000)
    assert diagnostic.message == "x" * 2000 + "… (48,000 more characters)"


def test_many_unplaced_header_lines_are_warned_of_ten_then_counted() -> None:
    # the reproducer: 200,000 such lines made 200,000 warnings (a line of stderr or of
    # validate's report each); the lines all stay in story.extras
    stray = [f"Stray {i}" for i in range(2_000)]
    text = "\n".join(["← Back to stories", "SCMP 2026-05-02", *stray, "", "A title", "", "B."])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story = storykit.loads(text, format="text")
    assert story.extras == tuple(stray)
    said = [str(w.message) for w in caught]
    assert said[:10] == [
        f"<string>:{i + 3}: warning: could not place header line 'Stray {i}'; kept in story.extras"
        for i in range(10)
    ]
    assert said[10:] == [
        "<string>:13: warning: could not place 1,990 more header lines, from this one on; "
        "kept in story.extras"
    ]


@pytest.mark.parametrize("count", [10, 11])
def test_up_to_eleven_unplaced_header_lines_are_each_warned_of(count: int) -> None:
    # "1 more header line" would say less than the line itself
    text = "\n".join(["SCMP 2026-05-02", *(f"S {i}" for i in range(count)), "", "T", "", "B."])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        storykit.loads(text, format="text")
    assert [str(w.message) for w in caught] == [
        f"<string>:{i + 2}: warning: could not place header line 'S {i}'; kept in story.extras"
        for i in range(count)
    ]
