"""``_Output.holds``: its look-up by the path up to the last ``/`` answers as a split would.

(:class:`storykit._units._Output` keys the folders it has seen by the text before a path's
last ``/``, not by ``os.path.split``'s head, which drops repeated and trailing slashes.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storykit._units import _is_file, _Output

_PARTS = ["in", "out", "sub", "a.txt", "out.jsonl", ".", "..", ""]


def _split_holds(output: str, path: str) -> bool:
    """What ``holds`` answers, worked out with ``os.path.split`` for every path."""
    real = os.path.realpath(output)
    folder, name = os.path.split(path)
    where = os.path.realpath(folder or os.curdir)
    if where == real or where.startswith(os.path.join(real, "")):
        return True
    return where == os.path.dirname(real) and name == os.path.basename(real)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("holds")
    for folder in ("in/sub", "in/out", "out/sub"):
        (top / folder).mkdir(parents=True)
    (top / "link").symlink_to(top / "in")
    return top


@pytest.mark.parametrize("output", ["in/out", "out", "in/out.jsonl", "link/out"])
@settings(max_examples=200, deadline=None)
@given(paths=st.lists(st.lists(st.sampled_from([*_PARTS, "link"]), max_size=5), max_size=12))
def test_holds_answers_as_a_split_would(tree: Path, output: str, paths: list[list[str]]) -> None:
    kept = _Output(str(tree / output))  # one for all the paths: its look-ups are reused
    for parts in paths:
        for path in (str(tree / "/".join(parts)), "/".join(parts)):
            if not path:
                continue
            where = os.getcwd()
            os.chdir(tree)  # (the relative paths are read from the tree)
            try:
                assert kept.holds(path) == _split_holds(str(tree / output), path), path
            finally:
                os.chdir(where)


def test_an_output_with_other_names_is_told_by_what_it_is(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    out.write_text("")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "other.jsonl").write_text("")  # the same bytes, another file
    only = _Output(str(out), os.stat(out))  # (what standard output writes into: >> all.jsonl)
    assert not only.holds(str(tmp_path / "in" / "other.jsonl"))
    os.link(out, tmp_path / "in" / "x.jsonl")
    replaced = _Output(str(out))  # (-o all.jsonl: a new file takes its place)
    assert not replaced.holds(str(tmp_path / "in" / "x.jsonl"))
    linked = _Output(str(out), os.stat(out))
    assert linked.holds(str(out))  # by name, as before
    assert linked.holds(str(tmp_path / "in" / "x.jsonl"))  # by what it is
    assert not linked.holds(str(tmp_path / "in" / "other.jsonl"))
    assert not linked.holds(str(tmp_path / "in" / "gone.jsonl"))  # removed since the listing
    assert not linked.holds(str(tmp_path / "in"))  # a folder is no file


def test_an_output_not_made_yet_is_told_by_its_name_only(tmp_path: Path) -> None:
    kept = _Output(str(tmp_path / "new.jsonl"), None)  # (-o new.jsonl: made anew)
    assert kept.holds(str(tmp_path / "new.jsonl"))
    assert not kept.holds(str(tmp_path / "other.jsonl"))


def test_a_symbolic_link_to_the_output_or_into_its_folder_leads_to_it(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    out.write_text("")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir" / "a.json").write_text("")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "s.jsonl").symlink_to(out)
    (inputs / "chain.jsonl").symlink_to(inputs / "s.jsonl")  # a link to the link
    (inputs / "other.jsonl").write_text("")
    (inputs / "o.jsonl").symlink_to(inputs / "other.jsonl")
    (inputs / "d.json").symlink_to(tmp_path / "outdir" / "a.json")
    (inputs / "dangling.json").symlink_to(tmp_path / "outdir" / "b.json")  # not written yet
    for written in (None, os.stat(out)):
        kept = _Output(str(out), written)
        assert kept.holds(str(inputs / "s.jsonl"))
        assert kept.holds(str(inputs / "chain.jsonl"))
        assert not kept.holds(str(inputs / "o.jsonl"))
        assert not kept.holds(str(inputs / "other.jsonl"))
    folder = _Output(str(tmp_path / "outdir"))
    assert folder.holds(str(inputs / "d.json"))
    assert folder.holds(str(inputs / "dangling.json"))
    assert not folder.holds(str(inputs / "o.jsonl"))
    assert _is_file(str(out), os.stat(out))
    assert not _is_file(str(tmp_path / "gone.jsonl"), os.stat(out))  # gone since the listing


def test_a_folder_that_cannot_be_listed_leads_nowhere(tmp_path: Path) -> None:
    kept = _Output(str(tmp_path / "all.jsonl"))
    assert not kept.holds(str(tmp_path / "missing" / "a.txt"))  # (the walk says why)


def test_a_symbolic_link_is_followed_only_when_the_walk_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every link of a folder was followed when the folder was first met: hidden ones, a
    # loop, one to a folder of 100,000 files the walk never reads
    out = tmp_path / "all.jsonl"
    out.write_text("")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("")
    (inputs / ".loop.jsonl").symlink_to(inputs / ".loop.jsonl")
    (inputs / ".gone.txt").symlink_to(tmp_path / "nowhere" / "b.txt")
    (inputs / "s.jsonl").symlink_to(out)
    (inputs / "notes").symlink_to(out)  # no story's name: only a pattern ('in/*') takes it
    followed: list[str] = []
    realpath = os.path.realpath

    def counted(path: str, **kwargs: bool) -> str:
        followed.append(os.path.basename(path))
        return realpath(path, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counted)
    kept = _Output(str(out), os.stat(out), str(out))  # (its real path: resolved once, by convert)
    assert not kept.holds(str(inputs / "a.txt"))
    assert followed == ["in"]  # the folder, no link (and not the output again)
    for _ in range(2):  # (an archive's members ask of its path again)
        assert kept.holds(str(inputs / "s.jsonl"))
        assert kept.holds(str(inputs / "notes"))
    assert followed == ["in", "s.jsonl", "notes"]  # each once, when asked of
