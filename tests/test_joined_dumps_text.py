"""Dumps joined with no line break where the first has no footer: text run into a nav line.

``cat a.txt b.txt > all.txt`` where ``a.txt`` has no tags line, no ``View original source``
line (a valid variation) and no final newline runs ``a.txt``'s last line and ``b.txt``'s
nav line into one: ``…last sentence.← Back to stories Close-up of …``. Every road that
splits a file into stories (``split_stories``, a small file read whole, a stream, the
command's ``convert`` of a big file) cuts that line in two when the lines after it read as
a header and a title, and only byte order marks stand between the text and the ``←``;
after blanks no one can tell a joined story from a sentence that names the link, and the
story is refused, naming the line. Reading ONE story from such a file refuses it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError, UnrepresentableError
from storykit.formats.text import split_stories

from .cli_helpers import cli
from .strategies import dump_stories

FOOTER = "\n\nView original source →"


def no_footer(dump: str) -> str:
    """A dump without its footer, nor a final newline (the writer writes a bare footer
    for a story with no URL and no tags: without it the story reads the same)."""
    assert dump.endswith(FOOTER)
    return dump.removesuffix(FOOTER)


FIRST_STORY = Story(
    "Xiaomi bets on robots",
    source=Source("SCMP", dt.date(2026, 5, 25)),
    image=Image("A robot arm", Credit("photo", "Pavel Danilyuk", "Pexels")),
    sections=(
        Section(None, ("Xiaomi is betting big on robots.",)),
        Section("The play", ("It ends with this last sentence.",)),
    ),
)
FIRST = no_footer(storykit.dumps(FIRST_STORY, "text"))
SECOND_STORY = Story(
    "Robots for everyone",
    source=Source("Nikkei Asia", dt.date(2026, 5, 26), "https://example.com/b"),
    image=Image(
        "Close-up of a futuristic robotic toy against a gradient background",
        Credit("photo", "Jane Roe", "Unsplash"),
    ),
    sections=(Section(None, ("The second story's body.",)),),
    tags=("AI", "Semiconductors"),
)
SECOND = storykit.dumps(SECOND_STORY, "text")
BARE_STORY = Story("A story with no image", sections=(Section(None, ("Its body.",)),))
BARE = no_footer(storykit.dumps(BARE_STORY, "text"))  # "← Back to stories" alone, no footer
GLUED_LINE = FIRST.count("\n") + 1  # FIRST's last line, where the second story starts


def test_the_reproducer_reads_two_stories_and_one_story_is_refused(tmp_path: Path) -> None:
    joined = FIRST + SECOND
    line = joined.splitlines()[GLUED_LINE - 1]
    assert line == (
        "It ends with this last sentence.← Back to stories Close-up of a futuristic robotic "
        "toy against a gradient background"
    )
    # what the reader made of it before: ONE story, the second's header, title and body as
    # paragraphs of the first, the second's footer as the first's (its URL, its tags)
    path = tmp_path / "all.txt"
    path.write_text(joined, encoding="utf-8")
    expected = [(1, FIRST_STORY), (GLUED_LINE, SECOND_STORY)]
    assert [(o.line, s) for o, s in storykit.iter_records(path)] == expected
    assert list(storykit.iter_stories(path)) == [FIRST_STORY, SECOND_STORY]
    with pytest.raises(StoryParseError) as info:
        storykit.load(path)
    assert str(info.value) == (
        f"{path}:{GLUED_LINE}: a second story starts inside this line, at '← Back to stories' "
        "(two dumps joined with no line break between them: the first did not end with one); "
        "read them with storykit.iter_stories(), or put a line break before the '←'"
    )
    with pytest.raises(StoryParseError, match="a second story starts inside this line"):
        storykit.loads(joined, "text")


VARIANTS = {
    "lf": (FIRST + SECOND, [FIRST_STORY, SECOND_STORY]),
    "crlf": ((FIRST + SECOND).replace("\n", "\r\n"), [FIRST_STORY, SECOND_STORY]),
    "bom": ("\ufeff" + FIRST + "\ufeff" + SECOND, [FIRST_STORY, SECOND_STORY]),  # each file's
    "bare-nav": (FIRST + BARE, [FIRST_STORY, BARE_STORY]),  # "← Back to stories" alone
    "bare-nav-crlf": (
        (FIRST + BARE + SECOND).replace("\n", "\r\n"), [FIRST_STORY, BARE_STORY, SECOND_STORY]
    ),
    "three": (FIRST + FIRST + SECOND, [FIRST_STORY, FIRST_STORY, SECOND_STORY]),
    "then-a-line-break": (FIRST + FIRST + "\n" + SECOND, [FIRST_STORY, FIRST_STORY, SECOND_STORY]),
}  # fmt: skip


def starts(joined: str) -> list[int]:
    """The lines the stories of ``joined`` start on: each ``← Back to stories`` (split as
    the reader splits lines: at LF, CRLF, CR)."""
    lines = joined.replace("\r\n", "\n").split("\n")
    return [i + 1 for i, line in enumerate(lines) if "← Back to stories" in line]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_road_reads_the_stories(tmp_path: Path, name: str) -> None:
    joined, stories = VARIANTS[name]
    expected = list(zip(starts(joined), stories, strict=True))
    pieces = list(split_stories(joined))
    assert [(n, storykit.loads(piece, "text")) for n, piece in pieces] == expected
    # the text ends the first piece (no blank or byte order mark after it), the nav line
    # starts the next
    for (_, piece), story in zip(pieces[:-1], stories, strict=False):
        assert piece.rstrip().endswith(story.paragraphs[-1])
    assert all(piece.startswith("← Back to stories") for _, piece in pieces[1:])
    path = tmp_path / "all.txt"
    path.write_bytes(joined.encode("utf-8"))
    assert [(o.line, s) for o, s in storykit.iter_records(path)] == expected  # read whole
    with path.open("rb") as stream:  # streamed
        assert [(o.line, s) for o, s in storykit.iter_records([stream])] == expected
    # one story asked for: refused where the next starts (first another story's nav line on
    # a line of its own, if any, then a line with a nav line run into it)
    with pytest.raises(StoryParseError, match="a second story starts") as info:
        storykit.load(path)
    lines = joined.replace("\r\n", "\n").split("\n")
    alone = [i + 1 for i, line in enumerate(lines) if i and line.startswith("← Back to stories")]
    assert info.value.line == (alone[0] if alone else expected[1][0])
    if not alone:
        assert "a second story starts inside this line" in info.value.message


def test_convert_reads_the_stories_of_a_small_file(tmp_path: Path) -> None:
    (tmp_path / "all.txt").write_text(FIRST + SECOND, encoding="utf-8")
    done = cli("convert", "all.txt", "--to", "jsonl", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    stories = [storykit.loads(line, "json") for line in done.stdout.splitlines()]
    assert stories == [FIRST_STORY, SECOND_STORY]
    done = cli("validate", "all.txt", "--format", "json", cwd=tmp_path)
    assert (done.returncode, json.loads(done.stdout)["stories"]) == (0, 2)


def test_convert_streams_a_big_file_of_joined_dumps(tmp_path: Path) -> None:
    """Over 1 MiB: the command streams the file (in blocks of 64 KiB), and the joins fall
    anywhere in a block, at its end too (the lines after a join are then in the next)."""
    n = 9600
    joined = (FIRST + "\ufeff" + BARE) * (n // 2)  # ~1.2 MB; every join with no line break
    assert len(joined.encode()) > 1024 * 1024
    (tmp_path / "all.txt").write_text(joined, encoding="utf-8")
    done = cli("convert", "all.txt", "--to", "jsonl", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, f"{n:,} converted, 0 failed\n")
    stories = [storykit.loads(line, "json") for line in done.stdout.splitlines()]
    assert stories == [FIRST_STORY, BARE_STORY] * (n // 2)


# --------------------------------------------------------------------------- ambiguous

LOOSE = FIRST + " " + SECOND  # the first's last line ended with a blank: or is it a sentence?
LOOSE_MESSAGE = (
    "'← Back to stories' after blanks inside this line, and what follows reads as a story's "
    "header and title: another story run into this one (two dumps joined with no line break "
    "between them, the first ending with blanks), or text of this line? storykit cannot "
    "tell: put a line break before the '←' if a story starts there"
)


@pytest.mark.parametrize("blanks", [" ", "\t", "\u00a0", " \ufeff", "\ufeff "])
def test_after_blanks_it_is_refused_naming_the_line(tmp_path: Path, blanks: str) -> None:
    joined = FIRST + blanks + SECOND
    path = tmp_path / "all.txt"
    path.write_text(joined, encoding="utf-8")
    with pytest.raises(StoryParseError) as info:
        storykit.load(path)
    assert str(info.value) == f"{path}:{GLUED_LINE}: {LOOSE_MESSAGE}"
    assert [n for n, _ in split_stories(joined)] == [1]  # not cut: one piece, refused
    for source in (path, [io.BytesIO(joined.encode())]):
        stream = storykit.iter_records(source, errors="collect")  # type: ignore[arg-type]
        assert list(stream) == []
        [error] = stream.errors
        assert (error.line, error.message) == (GLUED_LINE, LOOSE_MESSAGE)


def test_convert_says_where_it_cannot_tell(tmp_path: Path) -> None:
    (tmp_path / "all.txt").write_text(LOOSE + "\n" + SECOND, encoding="utf-8")
    done = cli("convert", "all.txt", "--to", "jsonl", cwd=tmp_path)
    assert done.returncode != 0
    assert f"all.txt:{GLUED_LINE}: {LOOSE_MESSAGE}" in done.stderr
    assert done.stderr.endswith("1 converted, 1 failed\n")
    assert [storykit.loads(line, "json") for line in done.stdout.splitlines()] == [SECOND_STORY]


# --------------------------------------------------------------------------- no story starts

HEAD = "← Back to stories\n\nA title\n\nFirst paragraph.\n\n"


@pytest.mark.parametrize(
    "text",
    [
        # the link named in a sentence, in quotes or brackets: no nav line after the text
        HEAD + 'Click "← Back to stories" to go back.\n\nMore text.',
        HEAD + "Click (← Back to stories) to go back.\n\nMore text.",
        HEAD + "The link,← Back to stories, is gone.\n\nMore text.",  # (a comma, no blank)
        # a nav line after text, but no header and title after it: the story's end
        HEAD + "It ends so.← Back to stories",
        HEAD + "It ends so.← Back to stories\n\n",
        HEAD + "It ends so.← Back to stories An alt\n\nView original source →",
        HEAD + "It ends so.← Back to stories An alt.\nView original source → https://e.example/a",
        # what follows is the next story's own nav line: that one starts it
        HEAD + "It ends so.← Back to stories\n\n← Back to stories\n\nT\n\nB.",
        # a header line that is another nav line run into text: that one is judged
        HEAD + "One.← Back to stories\nTwo.← Back to stories\n\nView original source →",
    ],
)
def test_text_that_starts_no_story_is_kept(text: str) -> None:
    pieces = list(split_stories(text))
    first = storykit.loads(pieces[0][1], "text")
    assert pieces[0][0] == 1
    line = text.split("\n")[6]
    assert line in (*first.headings, *first.paragraphs)  # the line keeps its text
    if len(pieces) == 1:
        assert storykit.loads(text, "text") == first


# --------------------------------------------------------------------------- the writer


@pytest.mark.parametrize("glue", ["", "\ufeff", " "])
def test_the_writer_refuses_a_paragraph_that_would_read_back_as_a_story_start(glue: str) -> None:
    paragraph = f"He clicked.{glue}← Back to stories and left."
    story = Story("A title", sections=(Section(None, ("First.", paragraph, "More text.")),))
    with pytest.raises(UnrepresentableError) as info:
        storykit.dumps(story, "text")
    assert str(info.value) == (
        "cannot write this story as a dump without changing it: sections[0].paragraphs[1] "
        f"holds '← Back to stories' after text ({paragraph!r}), and what follows reads as a "
        "story's header and title: it would read back as another story's start (or, after "
        "blanks, as a line the reader cannot tell from one)"
    )
    titled = Story(paragraph, sections=(Section(None, ("Body.",)),))
    with pytest.raises(UnrepresentableError, match=r"^[^:]*: title holds '← Back to stories'"):
        storykit.dumps(titled, "text")


def test_the_writer_writes_what_reads_back_as_it_is() -> None:
    for paragraph in ("It ends so.← Back to stories", 'Click "← Back to stories", then.'):
        story = Story("A title", sections=(Section(None, ("First.", paragraph)),))
        text = storykit.dumps(story, "text")
        assert [n for n, _ in split_stories(text)] == [1]
        assert storykit.loads(text, "text") == story
        # read from a dump, then written: the same
        assert storykit.dumps(storykit.loads(text, "text"), "text") == text
    # with tags after it: the tags line is no title (a footer follows it at once), so no
    # story starts there either
    last = Section(None, ("First.", "It ends so.← Back to stories"))
    story = Story("A title", sections=(last,), tags=("AI",))
    text = storykit.dumps(story, "text")
    assert text.endswith("It ends so.← Back to stories\n\nAI\nView original source →")
    assert [n for n, _ in split_stories(text)] == [1]
    assert storykit.loads(text, "text") == story


def test_a_story_with_the_line_in_its_last_paragraph_reads_and_writes_back() -> None:
    """Read where the tags line follows the line at once, written with a blank line before
    the tags line: it reads back the same (a footer right after it makes it the tags line,
    no title)."""
    text = HEAD + "It ends so.← Back to stories\nAI\nView original source →"
    story = storykit.loads(text, "text")
    assert story.paragraphs[-1] == "It ends so.← Back to stories"
    assert story.tags == ("AI",)
    assert storykit.loads(storykit.dumps(story, "text"), "text") == story
    # a title that is no tags line (it ends a sentence): that story starts there
    text = HEAD + "It ends so.← Back to stories\n\nA title.\nView original source →"
    assert [n for n, _ in split_stories(text)] == [1, 7]


_NAV_TAIL = st.sampled_from(["← Back to stories", "← Back to stories Alt", "←Back to stories"])


@settings(max_examples=150)
@given(dump_stories(), st.sampled_from(["", "\ufeff", " ", "\u00a0"]), _NAV_TAIL, st.data())
def test_a_story_with_a_nav_line_in_its_text_round_trips_or_is_refused(
    story: Story, glue: str, nav: str, data: st.DataObject
) -> None:
    """Never written into a dump that reads back as two stories, or differently."""
    assume(story.sections)
    k = data.draw(st.integers(0, len(story.sections) - 1))
    section = story.sections[k]
    j = data.draw(st.integers(0, len(section.paragraphs) - 1))
    paragraphs = list(section.paragraphs)
    paragraphs[j] = paragraphs[j] + glue + nav + "."
    sections = list(story.sections)
    sections[k] = Section(section.heading, tuple(paragraphs))
    story = Story(
        story.title,
        source=story.source,
        image=story.image,
        credits=story.credits,
        sections=tuple(sections),
        tags=story.tags,
    )
    try:
        text = storykit.dumps(story, "text")
    except UnrepresentableError:
        return
    assert [n for n, _ in split_stories(text)] == [1]
    assert storykit.loads(text, "text") == story


# --------------------------------------------------------------------------- any dumps


@st.composite
def dumps_joined(draw: st.DrawFn) -> tuple[str, list[tuple[int, Story]]]:
    """Two to four dumps joined with or without line breaks, and the stories they hold.

    A dump of a story with no URL and no tags may lose its footer (then its last line is
    text, which runs into the next nav line when no line break follows); joins are
    nothing, the next file's byte order mark, or line breaks. Each story with the line it
    starts on.
    """
    stories = draw(st.lists(dump_stories(), min_size=2, max_size=4))
    crlf = draw(st.booleans())
    joined = ""
    expected: list[tuple[int, Story]] = []
    for i, story in enumerate(stories):
        text = storykit.dumps(story, "text")
        bare = story.tags == () and (story.source is None or story.source.url is None)
        if bare and draw(st.booleans()):
            text = no_footer(text)
        if crlf:
            text = text.replace("\n", "\r\n")
        if i:
            joined += draw(st.sampled_from(["", "\ufeff", "\n", "\n\n", "\n\ufeff"]))
            if crlf:
                joined = joined.replace("\r\n", "\n").replace("\n", "\r\n")
        expected.append((joined.count("\n") + 1, story))
        joined += text
    return joined, expected


@settings(max_examples=80)
@given(dumps_joined())
def test_joined_dumps_read_back_as_the_stories(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, list[tuple[int, Story]]]
) -> None:
    joined, expected = case
    assert [(n, storykit.loads(piece, "text")) for n, piece in split_stories(joined)] == expected
    path = tmp_path_factory.mktemp("joined") / "all.txt"
    path.write_bytes(joined.encode("utf-8"))
    assert [(o.line, s) for o, s in storykit.iter_records(path)] == expected
    with path.open("rb") as stream:
        assert [(o.line, s) for o, s in storykit.iter_records([stream])] == expected


# --------------------------------------------------------------------------- linear time


@pytest.mark.parametrize(
    "lines",
    [
        # each line's header runs into the next line: each is judged, none starts a story
        ["It ends so.← Back to stories"] * 100_000,
        ["It ends so.← Back to stories", "SCMP"] * 50_000,
        # one line of many arrows, of many marks, of many blanks
        ["A x" + "← " * 400_000, "", "T"],
        ["A x" + "\ufeff" * 400_000 + "← Back to stories", "", "T"],
        ["A x" + " " * 400_000 + "←" + " " * 400_000 + "Back to stories", "", "T"],
    ],
    ids=["header-lines", "header-runs", "arrows", "marks", "blanks"],
)
def test_lines_with_nav_lines_in_them_are_read_in_linear_time(lines: list[str]) -> None:
    """About 2 to 3 MB, each road once: a few seconds together (the stream in 64 KiB
    blocks). Judging each line by all the lines after it took quadratic time: minutes at
    this size."""
    text = "\n".join(["← Back to stories", "", "A title", "", *lines])
    began = time.perf_counter()
    pieces = list(split_stories(text))
    stream = storykit.iter_records([io.BytesIO(text.encode())], errors="collect")
    assert len(list(stream)) + len(stream.errors) == len(pieces)
    with contextlib.suppress(StoryParseError):
        storykit.loads(text, "text")
    assert time.perf_counter() - began < 20  # linear: a few seconds when idle


def test_a_chain_of_joined_dumps_is_streamed_a_block_at_a_time() -> None:
    """Each line starts a story whose title is the next such line: 3.5 MB of dumps joined
    with no line break, none with a footer. The first story comes after the first block or
    two is read: a stream that read on past each block until the line at its end was
    decided read the whole chain (into one block) first, in quadratic time."""
    chain = ["It ends so.← Back to stories", ""] * 160_000
    text = "\n".join(["← Back to stories", "", "A title", "", *chain])
    stream = io.BytesIO(text.encode())
    records = storykit.iter_records([stream])
    _, first = next(iter(records))
    assert first.paragraphs == ("It ends so.",)
    assert stream.tell() <= 3 * 64 * 1024
