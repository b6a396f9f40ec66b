"""``lower_suffix`` answers ``.txt`` at once for the common name: the same answer as the look.

A walk asks it twice of each file, and most files are dumps named ``*.txt``; the quick
answer must be the one the full look gives for every name (``.txt`` alone, after a
separator, in a folder's name, in upper case, after ``.tar``…).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storykit._sources import lower_suffix


def _looked_up(name: str) -> str:
    """The full look, as ``lower_suffix`` made it before the quick answer."""
    base = name[max(name.rfind("/"), name.rfind("\\")) + 1 :]
    dot = base.rfind(".")
    if dot <= 0:
        return ""
    suffix = base[dot:].lower()
    if suffix in (".gz", ".bz2", ".xz") and base[:dot].lower().endswith(".tar"):
        return ".tar" + suffix
    return suffix


_PARTS = st.sampled_from(["a", ".", "/", "\\", "txt", "TXT", ".txt", "tar", ".gz", "x.t", ""])


@given(st.lists(_PARTS, max_size=8).map("".join))
def test_the_quick_answer_is_the_full_looks(name: str) -> None:
    assert lower_suffix(name) == _looked_up(name)


def test_names_that_end_with_txt_but_have_no_suffix() -> None:
    for name in (".txt", "a/.txt", "a\\.txt", "txt", "a.txt/", "x.TXT", "a.tar.txt"):
        assert lower_suffix(name) == _looked_up(name)
