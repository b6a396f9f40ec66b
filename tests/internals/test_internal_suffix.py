"""``lower_suffix`` answers ``.txt`` at once for the common name: the same answer as the look.

A walk asks it twice of each file, and most files are dumps named ``*.txt``; the quick
answer must be the one the full look gives for every name (``.txt`` alone, after a
separator, in a folder's name, in upper case, after ``.tar``…). The full look is asked by
spelling the name's end in upper case, which the quick answer does not take (the suffix
comes back in lower case either way).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from storykit._suffixes import lower_suffix


def _looked_up(name: str) -> str:
    """``lower_suffix`` of ``name`` by the full look: its last four characters upper-cased."""
    shouted = name[:-4] + name[-4:].upper()
    assert not shouted.endswith(".txt")  # (so the quick answer is not given)
    return lower_suffix(shouted)


_PARTS = st.sampled_from(
    ["a", ".", "/", "\\", "txt", "TXT", ".txt", "tar", ".gz", "x.t", ".ninjs", ".json", ""]
)


@given(st.lists(_PARTS, max_size=8).map("".join))
@example(".txt")
@example("a/.txt")
@example("a\\.txt")
@example("txt")
@example("a.txt/")
@example("x.TXT")
@example("a.tar.txt")
@example("a.txt")
def test_the_quick_answer_is_the_full_looks(name: str) -> None:
    assert lower_suffix(name) == _looked_up(name)


def test_the_full_look_answers_as_expected() -> None:
    # the answers the quick one must agree with, written out
    assert [_looked_up(n) for n in ("a.txt", ".txt", "a/.txt", "a.tar.txt", "b.tar.gz")] == [
        ".txt",
        "",
        "",
        ".txt",
        ".tar.gz",
    ]


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("a.ninjs.json", ".ninjs.json"),  # a format's suffix of two parts (ninjs)
        ("A.NINJS.JSON", ".ninjs.json"),
        ("dir/a.ninjs.json", ".ninjs.json"),
        ("a.ninjs", ".ninjs"),
        ("a.json", ".json"),
        ("a.other.json", ".json"),
        (".ninjs.json", ".json"),  # a name that is only the suffix: a hidden file's
        ("dir/.ninjs.json", ".json"),
        ("d.ninjs.json/a.json", ".json"),  # a folder's name says nothing
        ("b.tar.gz", ".tar.gz"),
    ],
)
def test_a_name_ending_with_a_suffix_of_two_parts_says_it(name: str, suffix: str) -> None:
    assert lower_suffix(name) == suffix
