"""The reader's shortcuts for credit, footer and nav lines, and its one scan for NUL and surrogates.

Each finds exactly what the general code (a regular expression, a scan per character) finds.

These tests reach in because each shortcut and its general code are two private roads to one public
answer: only driving each directly shows they agree.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from storykit import Credit
from storykit.formats import _text_lines, _text_reader
from storykit.model import _SCAN, unencodable


@given(st.text(st.sampled_from(" \t\nxAé/on:\u3000"), max_size=12))
@example("Jane Doe on Pexels")
@example("A/B")
@example("  ")
@example(" \n x")
@example(" on ")
def test_the_photo_credit_shortcut_reads_what_the_credit_regex_reads(tail: str) -> None:
    # "PHOTO by …" is read by the regex (which ignores case): the same credit
    for byline in (False, True):
        fast = _text_lines._parse_credit("Photo by " + tail, byline, Credit)
        assert fast == _text_lines._parse_credit("PHOTO by " + tail, byline, Credit)


def _credit_or_error(line: str) -> object:
    try:
        return _text_lines._parse_credit(line, False, Credit)
    except ValueError as exc:  # "Photo: " names a blank provider: refused alike
        return str(exc)


@given(
    st.sampled_from(sorted(_text_lines._ROLE_WORDS)),
    st.sampled_from([" by ", ":", " by", " : ", " by\t", "s by ", ": by "]),
    st.text(st.sampled_from(" \t\nxAé/on:by\u3000"), max_size=12),
)
@example("Photograph", " by ", "Aiko Nakamura/Kyodo")
@example("Illustration", " by ", "Kofi Boateng")
@example("Image", ":", " Shutterstock")
@example("photos", ":", "")
@example("Photo", ":", " ")
@example("Video", ":", "\n x")
@example("Graphics", " by ", " on ")
def test_the_role_word_shortcut_reads_what_the_credit_regexes_read(
    word: str, joint: str, tail: str
) -> None:
    # In capitals the role word is no usual spelling: the regexes (which ignore case) read it
    assert word.upper() not in _text_lines._ROLE_WORDS
    fast = _credit_or_error(word + joint + tail)
    assert fast == _credit_or_error(word.upper() + joint + tail)


_FOOTER_PIECES = st.sampled_from(
    ["View original source", "View original sources", " ", "\t", "→", "→→", "x", "https://e.com/a",
     "\u3000", "\u00a0", "a b", "_"]
)  # fmt: skip


@given(st.lists(_FOOTER_PIECES, max_size=5))
@example(["View original source", " ", "→", " ", "https://e.com/a"])
@example(["View original source", " ", "→", "→", "x"])
@example(["View original source", " ", "→", " ", "a b"])
@example(["View original source", " ", "→", " ", "\u3000", "x"])
@example(["View original source", "→", "x"])
@example(["View original sources"])
def test_the_footer_shortcut_finds_what_the_footer_regex_finds(pieces: list[str]) -> None:
    line = "".join(pieces).strip()  # the reader's lines are stripped
    footer = _text_lines._FOOTER_RE.fullmatch(line)
    assert _text_lines._footer_url(line) == (False if footer is None else footer[1] or None)
    assert _text_lines._footer_url(_text_lines.FOOTER) is None  # the reader's shortcut


_NAV_PIECES = st.sampled_from(
    ["← Back to stories", "←", " ", "\t", "Back to stories", "s", "_", "1", "é", "-", "A robot",
     "\u3000", "storiesX"]
)  # fmt: skip


@given(st.lists(_NAV_PIECES, max_size=5))
@example(["← Back to stories", " ", "A robot"])
@example(["← Back to stories", "_"])
@example(["← Back to stories", "é"])
@example(["← Back to stories", "-", "x"])
@example(["←", " ", " ", "Back to stories"])
def test_the_nav_shortcut_finds_what_the_nav_regex_finds(pieces: list[str]) -> None:
    line = "".join(pieces).strip()
    nav = _text_lines._NAV_RE.fullmatch(line)
    assert _text_lines._nav_alt(line) == (False if nav is None else nav[1].strip() or None)
    # the header reads "← Back to stories ALT" at once: the same alt text
    if line.startswith(_text_lines._NAV_SPACE):
        alt_at_once = line[_text_lines._NAV_LENGTH :].strip() or None
        assert alt_at_once == _text_lines._nav_alt(line)
    if not line:
        return
    header = _text_reader._header([line, "SCMP"], 0, 2, None, _text_reader._VALIDATING, [])
    image, is_nav = header[0], header[1]
    assert is_nav == (nav is not None)
    if nav is not None:
        alt = nav[1].strip() or None
        assert (image.alt if image is not None else None) == alt


@given(st.text(st.sampled_from("a\0\n←\ud800😀"), max_size=12))
@example("abc")
@example("←\0")
@example("←\ud800\0")
@example("\0\ud800")
def test_one_scan_finds_nul_and_lone_surrogates(value: str) -> None:
    nul, clean = _text_reader._scan(value)
    assert nul == value.find("\0")
    if nul < 0:
        assert clean == (unencodable(value) is None)


_ANY_CHARACTER = st.one_of(
    st.characters(max_codepoint=0xFF),  # ASCII and Latin-1: a str of one byte a character
    st.characters(),  # the BMP and beyond (astral characters: four bytes a character)
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),  # lone
    st.sampled_from("\0é←😀\ud800\udfff"),
)


@given(st.text(_ANY_CHARACTER, max_size=40))
@example("é")  # Latin-1: no surrogate can be in it
@example("é\0")
@example("\udfff")
@example("😀\ud83d")  # half a pair after a whole character
@example("\ud83d\ude00")  # a pair written as two lone surrogates: still two lone ones
def test_the_scan_finds_nul_and_lone_surrogates_in_every_kind_of_string(value: str) -> None:
    nul, clean = _text_reader._scan(value)
    assert nul == value.find("\0")
    assert (
        clean
        == (unencodable(value) is None)
        == (not any(0xD800 <= ord(c) <= 0xDFFF for c in value))
    )


def test_the_scan_reads_long_text_in_slices() -> None:
    long = "←" * (_SCAN + 5)
    assert _text_reader._scan(long) == (-1, True)
    assert _text_reader._scan(long + "\0")[0] == len(long)
    assert _text_reader._scan(long + "\ud800") == (-1, False)
    assert _text_reader._scan(long + "\ud800\0") == (len(long) + 1, False)
    # a NUL in a slice ends the scan: a lone surrogate in a later one is not looked for
    assert _text_reader._scan("\0" + long + "\ud800") == (0, True)
    assert _text_reader._scan("é" * _SCAN + "\0" + long) == (_SCAN, True)
    # one slice exactly: read at once
    assert _text_reader._scan("←" * _SCAN) == (-1, True)
    assert _text_reader._scan("←" * (_SCAN - 2) + "\0\ud800") == (_SCAN - 2, False)
