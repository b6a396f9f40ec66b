"""Pumped inputs that once took super-linear time, each read through a public entry point.

Each test feeds the input at a size where the old code took many seconds (the suite would
hang on it in CI) and the fixed code a few milliseconds, and checks the answer: no test here
measures time. The sizes and the old and new times are in each docstring.
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError
from storykit._show import _Wrapper
from storykit.cli import EXIT_USAGE
from storykit.formats import _markdown_front, _markdown_reader
from storykit.formats.text import parse_credit
from storykit.tags import split_tags


def test_a_long_run_of_capitals_is_split_in_linear_time() -> None:
    """``"A" * 40,000 + "."``: the fast path's tokens were looked for at each capital.

    Before, ``FAST_TOKEN_RE.findall`` scanned from every capital of the run to its end: 4 s
    at 16,000 capitals, about 25 s at 40,000 (quadratic); now about 4 ms.
    """
    run = "A" * 40_000
    # One run of capitals, no case change to cut at; longer than MAX_TAG_LENGTH: kept whole.
    assert split_tags(run + ".") == (run + ".",)
    assert split_tags(f"{run}-{'1' * 40_000}.") == (f"{run}-{'1' * 40_000}.",)
    # The same run after a word: the word is cut off, the run is kept whole.
    assert split_tags(f"Crime{run}s.") == ("Crime", f"{run}s.")


@pytest.mark.parametrize("fmt", ["json", "ninjs", None])
def test_a_long_number_after_many_runs_of_digits_is_found_in_linear_time(fmt: str | None) -> None:
    """200 runs of 4,300 digits (860 KB), then a number of 4,301 digits on line 2.

    The search for where the long number starts (for the message) tried every digit of each
    run (4,300 steps a digit): 4 s for 100 runs, 5 to 7 s for 200; now 30 to 50 ms.
    """
    head = '{"uri": "x", "headline"' if fmt == "ninjs" else '{"storykit": 1, "title"'
    text = f'{head}: "{("1" * 4300 + " ") * 200}",\n"n": -{"1" * 4301}}}'
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(text, fmt)
    assert str(caught.value) == (
        "<string>:2: invalid JSON: a number of 4,301 digits (at most 4,300 are read)"
    )


@pytest.mark.parametrize(
    ("label", "credit", "after"),
    [
        ("Credits", "By", ""),
        ("Credits", "Photo by", ""),
        ("Credits", "Photo:", ""),
        ("Image", "A — *Photo by", "*"),
    ],
)
def test_a_markdown_credit_with_a_line_break_after_many_blanks(
    label: str, credit: str, after: str
) -> None:
    """A credit of 60,000 blanks then ``x&#10;y``: refused at once, as a credit of two lines.

    The credit regexes ("By", blanks, then "." up to the end) cannot match a line break;
    they found that out by trying every split of the blanks: 4 s at 32,000 blanks, 13 to
    33 s for each case here (quadratic); now a few milliseconds.
    """
    blanks = " " * 60_000
    text = f"# T\n\n**{label}:** {credit}{blanks}x&#10;y{after}\n\nPara.\n"
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(text, "markdown")
    message = str(caught.value)
    assert message.startswith(f"<string>:3: cannot read '{credit.rpartition('*')[2]}   ")
    assert message.endswith(" more characters) as a credit (like 'Photo by NAME on PROVIDER')")
    assert parse_credit(f"{credit}{blanks}x\ny", byline=True) is None


def test_parse_credit_of_one_line_is_unchanged() -> None:
    """The line-break check leaves one-line credits as they were read."""
    blanks = " " * 60_000
    assert parse_credit(f"By{blanks}x", byline=True) == Credit("byline", "x", None)
    assert parse_credit(f"Photo by{blanks}x on P") == Credit("photo", "x", "P")
    assert parse_credit(f"PHOTO:{blanks}P") == Credit("photo", None, "P")
    assert parse_credit("Photo by x\non P") is None


def test_a_size_argument_of_many_blanks_is_refused_at_once(tmp_path: Path) -> None:
    """``--max-member-size`` of "1", 100,000 blanks, "x" (the longest a Linux argument is).

    The two runs of blanks around the optional suffix traded blanks before the size was
    refused: 3 s at 32,000 blanks, 34 s at 100,000 (quadratic); now at once.
    """
    (tmp_path / "a.txt").write_text("SCMP\n\nTitle\n\nBody.\n", encoding="utf-8")
    value = "1" + " " * 100_000 + "x"
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", str(tmp_path / "a.txt"), "--to", "json",
         "--max-member-size", value],
        capture_output=True, check=False, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert done.returncode == EXIT_USAGE
    assert "--max-member-size: not a size: '1   " in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", str(tmp_path / "a.txt"), "--to", "json",
         "--max-member-size", " 16" + " " * 100_000 + "MiB ", "-o", str(tmp_path / "a.json")],
        capture_output=True, check=False, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert storykit.load(tmp_path / "a.json").title == "Title"


def test_show_wraps_a_word_of_millions_of_letters_in_linear_time(tmp_path: Path) -> None:
    """``storykit show`` of a paragraph of 4,000,000 letters and no space.

    textwrap broke the word a line at a time, copying the rest each time: 8.6 s (quadratic:
    about 2 min at 16 MB); now 0.3 s, the same lines.
    """
    path = tmp_path / "long.txt"
    path.write_text("SCMP\n\nTitle\n\n" + "a" * 4_000_000 + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "show", "--width", "80", str(path)],
        capture_output=True, check=False, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Title\n=====\nSCMP\n\n" + ("a" * 80 + "\n") * 50_000


@pytest.mark.parametrize("width", [20, 21, 37, 80])
@pytest.mark.parametrize("indent", ["", "  "])
def test_show_wraps_long_words_as_textwrap_does(width: int, indent: str) -> None:
    """The pieces a long word is handed to textwrap in leave every line as it was."""
    words = ["a" * n for n in (1, width - 1, width, width + 1, 2 * width, 4 * width - 1,
                               4 * width, 4 * width + 1, 9 * width + 3, 1000)]  # fmt: skip
    for separator in (" ", "  ", "\t", " " * 300):
        text = "x " + separator.join(words + list(reversed(words)))
        expected = textwrap.fill(
            text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )
        wrapper = _Wrapper(
            width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )
        assert wrapper.fill(text) == expected


def test_yaml_aliases_in_front_matter_are_refused() -> None:
    """80 KB of front matter: 16,000 aliases of a 16,000-letter tag.

    Read, it was a story of 16,001 tags whose JSON is 256 MB (and 10 GB from 500 KB):
    an alias repeats a value without its text, so any writer's time and output grew with
    the square of the input. The front matter storykit writes holds no alias.
    """
    text = f'---\ntitle: T\ntags: [&a "{"a" * 16_000}"' + ", *a" * 16_000 + "]\n---\n\n# T\n"
    with pytest.raises(StoryParseError) as caught:
        storykit.loads(text, "markdown")
    assert str(caught.value) == (
        "<string>:3: invalid YAML front matter: an alias (*a) is not read: write its value out"
    )
    one = "---\ntitle: &t T\nsource:\n  name: S\nextras:\n  - *t\n---\n\n# T\n"
    with pytest.raises(StoryParseError, match=r"^<string>:6: invalid YAML front matter: an al"):
        storykit.loads(one, "markdown")


def test_front_matter_with_stars_in_its_values_is_read() -> None:
    """Only an alias is refused: a ``*`` inside a value, quoted or plain, is text."""
    text = (
        '---\ntitle: "C* news"\nsource:\n  name: A*B\ntags: ["C*", \'*\', x*]\n---\n\n'
        "# C\\* news\n\nBody.\n"
    )
    story = storykit.loads(text, "markdown")
    assert (story.title, story.source, story.tags) == ("C* news", Source("A*B"), ("C*", "*", "x*"))


@pytest.mark.parametrize("blank", [" ", "\u00a0", "\ufeff", " \ufeff", "x", "←"])
def test_a_footer_run_into_a_nav_line_is_looked_for_in_linear_time(blank: str) -> None:
    """A body line of a footer and a megabyte of blanks, byte order marks, letters or arrows.

    Where two dumps meet with no line break, the blanks and marks between the footer's URL
    and the second's '←' are taken in one possessive run after a URL that stops at the
    first of them: each of these lines takes some 10 to 100 ms (a lazy URL that could give
    back into the blanks would try the run from each of its characters: quadratic).
    """
    line = "View original source → https://e.com/a" + blank * (1_000_000 // len(blank))
    end = "\n\nView original source →"
    story = storykit.loads(f"SCMP\n\nTitle\n\nPara.\n\n{line} y z{end}", "text")
    assert story.sections[0].paragraphs[1] == f"{line} y z"  # (no footer: two words after it)
    with pytest.raises(StoryParseError, match=r"<string>:5: a second story starts inside"):
        storykit.loads(f"SCMP\n\nTitle\n\n{line}← Back to stories{end}", "text")


def _credits_page(count: int) -> str:
    credits = "".join(f"  - {{role: Photo, name: Name {i}}}\n" for i in range(count))
    return f"---\ntitle: T\ncredits:\n{credits}---\n\n# T\n\nBody.\n"


def test_large_front_matter_is_read_without_the_cycle_collector_walking_it() -> None:
    """24,000 credits (0.8 MB of front matter): read whole, and no collection meanwhile.

    The composed YAML keeps some six objects a value until it is read, which Python's cycle
    collector walked again at each of its passes, more slowly the more there were: 1.9 s
    at 1 MiB and 9.8 s at 4 MiB of credits (2.2 to 3.4 times the time for twice the input);
    now 1.0 s and 3.9 s. The graph holds no cycle (an alias is refused before), so the
    collector is held off while it lives (the body's reading may see a pass or two); the
    test counts its passes, not the time.
    """
    text = _credits_page(24_000)
    storykit.loads(_credits_page(1), "markdown")  # the reader's modules imported
    passes: list[int] = []  # the generation of each pass

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        story = storykit.loads(text, "markdown")
    finally:
        gc.callbacks.remove(seen)
    assert len(story.credits) == 24_000
    assert story.credits[-1] == Credit("Photo", "Name 23999")
    assert 2 not in passes and len(passes) < 10  # 651 passes before, 5 of them full
    assert gc.isenabled()


@pytest.mark.parametrize(
    "front",
    [
        "title: T\ncredits: [{role: Photo, name: N}]\n",  # read
        "title: T\nkey: value\n",  # composed, refused as it is read
        "title: [T\n",  # not YAML
    ],
)
def test_the_cycle_collector_is_left_as_it_was_found(front: str) -> None:
    text = f"---\n{front}---\n\n# T\n"
    for enabled in (True, False):
        if not enabled:
            gc.disable()
        try:
            with contextlib.suppress(StoryParseError):
                storykit.loads(text, "markdown")
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_a_markdown_block_of_more_markup_than_the_limit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """markdown-it makes a token or more of each markup character: a 1.4 MB paragraph of
    ``a *b* _c_ `d` `` took 6.5 s and 380 MB, so the 16 MiB a batch command allows a story
    would take several gigabytes. The count is of one chunk of the body (here the block
    after the blank line that ends the first one), and the line is the block's own. (The
    limit is lowered here: at 262,144 the parse that is let through takes seconds.)"""
    limit = 1000
    monkeypatch.setattr(_markdown_reader, "MAX_MARKUP", limit)
    first = "# T\n\n" + "x" * 2000 + "\n\n"  # lines 1-4; the block below is line 5

    def page(block: str) -> str:
        return first + block + "\n"

    # The chunk: the blank line, the block and its line break: 2 line breaks, k markup.
    story = storykit.loads(page("a_" * (limit - 2)), "markdown")  # (intraword: plain text)
    assert story.sections[-1].paragraphs[-1] == "a_" * (limit - 2)
    with pytest.raises(StoryParseError) as info:
        storykit.loads(page("a_" * (limit - 1)), "markdown", filename="big.md")
    assert info.value.line == 5
    assert str(info.value) == (
        f"big.md:5: the text that starts here holds {limit + 1:,} markup characters "
        f"(* _ ` [ ] ! < &) and line breaks and 0 backslashes in {2 * (limit - 1) + 1:,} "
        f"characters; storykit reads at most {limit:,} of either at a time (a story's "
        "paragraph holds a few dozen)"
    )
    # Backslashes: each escape is a token too (\\. escapes what is no markup).
    escapes = "*Source*: " + "\\." * limit
    assert storykit.loads(page(escapes), "markdown").sections[-1].paragraphs[-1].endswith(".")
    with pytest.raises(StoryParseError, match=f"and {limit + 1:,} backslashes in"):
        storykit.loads(page(escapes + "\\."), "markdown")


def test_markdown_the_writer_escaped_reads_back_whatever_its_markup_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The writer escapes a story's markup (``\\[\\]``): such a paragraph is read without
    markdown-it, and not counted against ``MAX_MARKUP``, however long. Its chunk of the body
    once held the source line's and the image line's markup too and went to markdown-it
    whole, to be refused (the fuzzer's seed 0, input 1871): a long chunk that needs
    markdown-it is read a block at a time, so only a block that holds too much is refused."""
    limit = 1000
    monkeypatch.setattr(_markdown_reader, "MAX_MARKUP", limit)
    story = Story(
        "T",
        source=Source("Wire", url="https://example.com/a"),
        image=Image("A [photo]", Credit("photo", "Ann Lee", "Pexels")),
        sections=(Section(None, ("Before *it*.", "[]" * limit, "After [it].")),),
        tags=("AI", "EVs"),
    )
    assert storykit.loads(storykit.dumps(story, "markdown"), "markdown") == story
    # The writer's own lines are parsed, within the limit: 900 escapes in the image line.
    story = attrs.evolve(story, image=Image("[" * 900, Credit("photo", "Ann Lee", "Pexels")))
    assert storykit.loads(storykit.dumps(story, "markdown"), "markdown") == story


def test_front_matter_over_a_mebibyte_is_refused_before_it_is_composed() -> None:
    """Composing YAML takes some 70 bytes a character: 16 MiB of front matter (a batch
    command's limit for a story) would take over a gigabyte. A story's is a few lines."""
    limit = _markdown_front.MAX_FRONT_MATTER
    head = "title: "
    at_limit = head + "x" * (limit - len(head))  # one scalar: cheap to compose
    story = storykit.loads(f"---\n{at_limit}\n---\n\nBody.\n", "markdown")
    assert len(story.title) == limit - len(head)
    with pytest.raises(StoryParseError) as info:
        storykit.loads(f"---\n{at_limit}x\n---\n\nBody.\n", "markdown", filename="big.md")
    assert info.value.line == 1
    assert str(info.value) == (
        f"big.md:1: the front matter that starts here is {limit + 1:,} characters long; "
        f"storykit reads at most {limit:,} (a story's is a few lines)"
    )
