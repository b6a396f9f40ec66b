"""storykit.loads's shortcuts (one scan for NUL and surrogates, warnings), and sniffing.

Sniffing: a format storykit only writes, and Markdown, are told by the first character first.

These tests reach in because each shortcut and its general code are two private roads to one public
answer: only driving each directly shows they agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import storykit
from storykit import Story, formats
from storykit.formats import _text_reader, markdown, text
from tests.internals.text_fast_helpers import _SEED_TEXT

# --------------------------------------------------------------------------- storykit.loads


def test_storykit_loads_scans_a_dump_for_lone_surrogates_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scans: list[str] = []
    scan = _text_reader._scan
    monkeypatch.setattr(_text_reader, "_scan", lambda value: scans.append(value) or scan(value))
    story = storykit.loads(_SEED_TEXT, "text")  # checked by storykit.loads: not again
    assert story == storykit.loads(_SEED_TEXT.encode(), "text") == text.loads(_SEED_TEXT)
    assert len(scans) == 1  # text.loads, on its own, looks
    with pytest.raises(storykit.StoryParseError, match=r"^<string>:1: a lone surrogate U\+D800"):
        storykit.loads("\ud800" + _SEED_TEXT, "text")


def test_storykit_loads_finds_where_a_nul_is_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # storykit.loads knows where the first NUL is (from the bytes, or from its one scan of a
    # str) and tells the dump reader, which does not look again.
    told: list[object] = []
    checked = text._loads_checked  # (storykit.loads finds it in the format's module)

    def spy(value: str, **options: object) -> Story:
        told.append(options["nul"])
        return checked(value, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(text, "_loads_checked", spy)
    utf16 = b"\xff\xfe" + _SEED_TEXT.encode("utf-16-le")
    for data in (_SEED_TEXT, _SEED_TEXT.encode(), "\ufeff" + _SEED_TEXT, utf16):
        assert storykit.loads(data, "text") == text.loads(_SEED_TEXT)
    assert told == [-1, -1, -1, -1]


@given(st.text(st.characters(codec="utf-8", min_codepoint=0)))
@example("\0")
@example("小米")
def test_bytes_without_a_zero_byte_hold_no_nul(value: str) -> None:
    # what storykit.loads takes for granted: U+0000 is zero bytes in every encoding it reads
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        if b"\0" not in value.encode(codec):
            assert "\0" not in value


@pytest.mark.parametrize(
    "encode",
    [
        lambda value: value,
        lambda value: value.encode(),
        lambda value: b"\xef\xbb\xbf" + value.encode(),
        lambda value: b"\xff\xfe" + value.encode("utf-16-le"),
        lambda value: b"\x00\x00\xfe\xff" + value.encode("utf-32-be"),
    ],
    ids=["str", "utf-8", "utf-8 bom", "utf-16", "utf-32"],
)
def test_a_nul_far_into_a_dump_is_refused_as_before(encode: Callable[[str], str | bytes]) -> None:
    dump = "SCMP\n\nTitle\n\n" + "Paragraph.\n\n" * 100 + "Last \0 one."
    with pytest.raises(storykit.StoryParseError) as info:
        storykit.loads(encode(dump), "text")
    assert info.value.line == 205
    assert info.value.message == "binary data, not a text story (U+0000)"
    early = r"^<string>:1: binary data, not a text story$"  # within the first 1,024 characters
    with pytest.raises(storykit.StoryParseError, match=early):
        storykit.loads(encode("SC\0" + dump), "text")
    # a lone surrogate as well: the surrogate is named, as it was
    with pytest.raises(storykit.StoryParseError, match=r"lone surrogate U\+D800"):
        storykit.loads("\ud800" + dump, "text")


def test_a_warning_of_storykit_loads_names_its_callers_line() -> None:
    with pytest.warns(storykit.StoryWarning) as caught:
        storykit.loads("SCMP\nan extra\n\nTitle\n\nPara.", "text")
    assert caught[0].filename == __file__


def test_a_warning_of_storykit_load_names_its_callers_line(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("SCMP\nan extra\n\nTitle\n\nPara.", encoding="utf-8")
    with pytest.warns(storykit.StoryWarning) as caught:
        storykit.load(path)
    assert caught[0].filename == __file__


# --------------------------------------------------------------------------- sniffing

_HEAD_PIECES = st.sampled_from(
    ["\ufeff", " ", "\t", "\n", "\r\n", "<", "{", "-", "---", "#", "##", "#######", "# T", "#\t",
     "<!DOCTYPE html>", "<html", '<article class="storykit">', '"@context"', "<feed",
     "http://www.w3.org/2005/Atom", '"https://jsonfeed.org/version/1.1"', "← Back to stories",
     "x", "é", "\u3000"]
)  # fmt: skip


def _written_only_in_full(text: str) -> str | None:
    """:func:`storykit.formats.written_only` without its first-character shortcut."""
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    for name, what in formats._WRITTEN_ONLY.items():
        if formats.by_name(name).detect(head):
            return what
    if head.startswith("<") and "<feed" in head and "http://www.w3.org/2005/Atom" in head:
        return "an Atom feed"
    if formats._JSON_FEED_RE.match(head):
        return "a JSON Feed"
    return None


@given(st.lists(_HEAD_PIECES, max_size=6))
@example(["<!DOCTYPE html>"])
@example(["\ufeff", " ", '<article class="storykit">'])
@example(["{", '"@context"'])
@example(["<", "<feed", "http://www.w3.org/2005/Atom"])
@example(["{", '"https://jsonfeed.org/version/1.1"'])
def test_what_is_only_written_is_told_at_its_first_character(pieces: list[str]) -> None:
    # Every written-only format starts with "<" or "{": anything else is none of them at once.
    text_ = "".join(pieces)
    assert formats.written_only(text_) == _written_only_in_full(text_)
    for name in formats._WRITTEN_ONLY:
        if formats.by_name(name).detect(text_):
            assert text_.lstrip("\ufeff \t\r\n")[:1] in formats._WRITTEN_ONLY_STARTS


@given(st.lists(_HEAD_PIECES, max_size=6))
@example(["---"])
@example(["\n", "#", " ", "x"])
@example(["#######"])
@example(["#\t"])
@example(["-", "x"])
def test_markdown_is_told_at_its_first_character(pieces: list[str]) -> None:
    text_ = "".join(pieces)
    first = text_.lstrip("\ufeff \t\r\n")[:300].split("\n", 1)[0].rstrip()
    in_full = first == "---" or re.match(r"#{1,6}(?:[ \t]|$)", first) is not None
    assert markdown.detect(text_) == in_full


def test_sniffing_asks_no_written_only_format(monkeypatch: pytest.MonkeyPatch) -> None:
    # HTML and JSON-LD have no reader (so sniffing could never answer them): it skips them
    # without looking them up, nor asking whether they have a reader (a failing hasattr each).
    for name in formats._WRITTEN_ONLY:
        assert not hasattr(formats.by_name(name), "loads")
    looked_up: list[str] = []
    module = formats._module
    monkeypatch.setattr(formats, "_module", lambda name: looked_up.append(name) or module(name))
    assert formats.sniff(_SEED_TEXT) == "text"
    assert formats.sniff("# Title\n\nPara.") == "markdown"
    assert formats.sniff('<!doctype html><article class="storykit">') == "text"
    assert looked_up and not set(looked_up) & set(formats._WRITTEN_ONLY)
