"""Internals of storykit._naming: the output names of ``convert -o DIR`` never clash.

Each input gets a plain name (its one story: ``b.md``) and numbered names (its several
stories: ``b-1.md``…), chosen in input order before it is read; an input whose plain or
numbered names another input has (or may have) already is named with ``~2``.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit._naming import Namer
from storykit._work_records import Job


def outputs(namer: Namer, stem: str, stories: int) -> list[str]:
    """The output names of an input of ``stories`` stories, as the workers name them."""
    return [namer.dest(stem, i, stories > 1) for i in range(1, stories + 1)]


def names(inputs: list[tuple[str, int]]) -> list[list[str]]:
    """The outputs of each input (name, stories), named in this order by a new namer."""
    namer = Namer("OUT", ".md")
    return [outputs(namer, namer.choose(f"OUT/{name}"), count) for name, count in inputs]


def test_names_that_do_not_clash_are_the_inputs_names() -> None:
    namer = Namer("OUT", ".md")
    for name in ("a", "2026/a", "b-1", "c", "b-2", "b-01"):
        assert namer.choose(f"OUT/{name}") == f"OUT/{name}"
    assert namer.dest("OUT/c", 1, False) == "OUT/c.md"
    assert namer.dest("OUT/c", 2, True) == "OUT/c-2.md"
    # b-01 is no story's name (no number starts with 0): x, then x-01, as before
    assert names([("x", 2), ("x-01", 1)]) == [["OUT/x-1.md", "OUT/x-2.md"], ["OUT/x-01.md"]]


def test_the_numbered_names_of_a_file_after_b_1_and_b_2_move_not_its_plain_name() -> None:
    # the reproducer: b-1.txt and b-2.txt sort before b.txt, which holds two stories
    assert names([("b-1", 1), ("b-2", 1), ("b", 2)]) == [
        ["OUT/b-1.md"],
        ["OUT/b-2.md"],
        ["OUT/b~2-1.md", "OUT/b~2-2.md"],
    ]
    # holding one story, b.txt keeps its name: as before, byte for byte
    assert names([("b-1", 1), ("b-2", 1), ("b", 1)]) == [
        ["OUT/b-1.md"],
        ["OUT/b-2.md"],
        ["OUT/b.md"],
    ]
    # and b-1.txt holding several is no matter: b-1-1.md is not one of b's names
    assert names([("b-1", 2), ("b", 2)]) == [
        ["OUT/b-1-1.md", "OUT/b-1-2.md"],
        ["OUT/b~2-1.md", "OUT/b~2-2.md"],
    ]


def test_a_file_named_as_a_story_of_an_earlier_file_is_named_with_a_tilde() -> None:
    # b.txt then b-1.txt (command line, archive order): b's first story may be b-1.md, and
    # the names are chosen before either is read, so b-1.txt gives way even if b holds one
    assert names([("b", 2), ("b-1", 1)]) == [["OUT/b-1.md", "OUT/b-2.md"], ["OUT/b-1~2.md"]]
    assert names([("b", 1), ("b-1", 1)]) == [["OUT/b.md"], ["OUT/b-1~2.md"]]
    # its own numbered names are still free
    assert names([("b", 2), ("b-1", 2)]) == [
        ["OUT/b-1.md", "OUT/b-2.md"],
        ["OUT/b-1-1.md", "OUT/b-1-2.md"],
    ]


def test_one_name_many_times_counts_on_from_2() -> None:
    # a.txt and a.json, or a member twice in a zip
    assert names([("a", 1), ("a", 1), ("a", 2), ("a", 1)]) == [
        ["OUT/a.md"],
        ["OUT/a~2.md"],
        ["OUT/a~3-1.md", "OUT/a~3-2.md"],
        ["OUT/a~4.md"],
    ]


def test_a_name_given_out_with_a_tilde_is_taken_too() -> None:
    # b~2 is given to b.txt's numbered names: a later b~2.txt keeps its plain name (b~2.md
    # is no story's) but not those, and a later b gets ~3, as does a later b~2
    namer = Namer("OUT", ".md")
    stems = [namer.choose(f"OUT/{name}") for name in ("b-1", "b", "b~2", "b", "b~2")]
    assert [outputs(namer, stem, 1) for stem in stems] == [
        ["OUT/b-1.md"],
        ["OUT/b.md"],
        ["OUT/b~2.md"],
        ["OUT/b~3.md"],
        ["OUT/b~2~2.md"],
    ]
    assert [outputs(namer, stem, 2) for stem in stems] == [
        ["OUT/b-1-1.md", "OUT/b-1-2.md"],
        ["OUT/b~2-1.md", "OUT/b~2-2.md"],
        ["OUT/b~2~2-1.md", "OUT/b~2~2-2.md"],
        ["OUT/b~3-1.md", "OUT/b~3-2.md"],
        ["OUT/b~2~3-1.md", "OUT/b~2~3-2.md"],
    ]


def test_only_ascii_numbers_make_numbered_names() -> None:
    # "b-²" or "b-١" (an Arabic-Indic 1) is no story's name: str.isdigit takes both
    assert names([("b-\u00b2", 1), ("b-\u0661", 1), ("b", 2)]) == [
        ["OUT/b-\u00b2.md"],
        ["OUT/b-\u0661.md"],
        ["OUT/b-1.md", "OUT/b-2.md"],
    ]


def test_names_in_other_folders_do_not_clash() -> None:
    assert names([("x/b-1", 1), ("b", 2), ("x-1/b", 1), ("x", 2)]) == [
        ["OUT/x/b-1.md"],
        ["OUT/b-1.md", "OUT/b-2.md"],
        ["OUT/x-1/b.md"],
        ["OUT/x-1.md", "OUT/x-2.md"],  # a file beside the folder x-1, not in it
    ]


def test_a_reserved_name_is_taken_as_a_plain_name_only() -> None:
    # a site's index.html: index.txt is index~2.html, and its stories index-1.html…
    namer = Namer("OUT", ".html")
    namer.reserve("index.html")
    stem = namer.choose(os.path.join("OUT", "index"))
    assert outputs(namer, stem, 1) == [os.path.join("OUT", "index~2.html")]
    assert outputs(namer, stem, 2) == [os.path.join("OUT", f"index-{i}.html") for i in (1, 2)]


def test_names_that_differ_in_case_are_one_where_the_system_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # B.txt and b.txt: os.path.normcase lowers the case on Windows only (a case-insensitive
    # file system elsewhere, macOS's, is not caught: the second is "exists already")
    assert names([("B", 1), ("b", 1)]) == [["OUT/B.md"], ["OUT/b.md"]]
    monkeypatch.setattr(os.path, "normcase", str.lower)
    assert names([("B", 1), ("b", 1), ("B-1", 1)]) == [
        ["OUT/B.md"],
        ["OUT/b~2.md"],
        ["OUT/B-1~2.md"],
    ]


def test_a_moved_stem_goes_to_a_worker_as_a_string_and_names_the_same_there() -> None:
    namer = Namer("OUT", ".json")
    namer.choose("OUT/b-1")
    stem = namer.choose("OUT/b")
    copy = pickle.loads(pickle.dumps(Job("convert", namer=namer))).namer
    assert pickle.loads(pickle.dumps(stem)) == stem
    assert copy.dest(stem, 1, False) == namer.dest(stem, 1, False) == "OUT/b.json"
    assert copy.dest(stem, 2, True) == namer.dest(stem, 2, True) == "OUT/b~2-2.json"


def test_many_inputs_of_one_name_cost_linear_time() -> None:
    # a hostile zip of 20,000 members "s.txt": each search goes on where the last ended
    namer = Namer("OUT", ".md")
    start = time.process_time()
    stems = [namer.choose("OUT/s") for _ in range(20_000)]
    spent = time.process_time() - start
    assert stems[:3] == ["OUT/s", "OUT/s~2", "OUT/s~3"]
    assert stems[-1] == "OUT/s~20000"
    assert len(namer.next_try) == 2  # where the search for s ended: plain, numbered
    assert spent < 2.0, spent  # quadratic: 200 million tries, minutes


# --------------------------------------------------------------------------- properties

# names made of a few stems and endings, so that they are often one another's (b, b-1, b~2)
_NAME = st.tuples(
    st.sampled_from(["b", "b", "B", "x/b"]),
    st.sampled_from(["", "", "", "-1", "-2", "-01", "~2", "-1-1"]),
    st.sampled_from(["", "", "", "-1", "~2", "~3"]),
).map("".join)
_INPUTS = st.lists(st.tuples(_NAME, st.integers(1, 3)), max_size=10)


@given(_INPUTS)
def test_every_output_name_of_a_run_is_distinct_and_the_same_every_run(
    inputs: list[tuple[str, int]],
) -> None:
    first = names(inputs)
    every = [name for named in first for name in named]
    assert len(set(every)) == len(every)
    assert names(inputs) == first


_LONG_NAME = st.tuples(
    st.sampled_from(["a" * 239, "a" * 241, "a" * 242, "a" * 245, "a" * 250, "é" * 120]),
    st.sampled_from(["", "", "-1", "-10", "-12", "~2", "é"]),
).map(lambda parts: "".join(parts).encode()[:251].decode(errors="ignore"))  # (+ .txt: 255)


@given(st.lists(st.tuples(_LONG_NAME, st.integers(1, 12)), max_size=8))
def test_long_names_stay_distinct_and_fit(inputs: list[tuple[str, int]]) -> None:
    # names near the 255-byte limit, whose numbered names are of the name cut short
    first = names(inputs)
    every = [name for named in first for name in named]
    assert len(set(every)) == len(every)
    assert all(len(os.path.basename(name).encode()) <= 255 for name in every)
    assert names(inputs) == first


def _related(x: str, y: str) -> bool:
    """Whether outputs of inputs named ``x`` and ``y`` could clash (``b``, ``b-1``)."""
    return x == y or x.startswith(y + "-") or y.startswith(x + "-")


@given(_INPUTS)
def test_an_input_named_unlike_every_other_keeps_its_names(
    inputs: list[tuple[str, int]],
) -> None:
    # no ~ in them: a name given with ~2 could be another's
    inputs = [(name.replace("~", "_"), count) for name, count in inputs]
    for at, ((name, count), named) in enumerate(zip(inputs, names(inputs), strict=True)):
        others = [other for k, (other, _) in enumerate(inputs) if k != at]
        if not any(_related(name, other) for other in others):
            assert named == outputs(Namer("OUT", ".md"), f"OUT/{name}", count)


@given(_INPUTS)
def test_the_first_input_of_a_name_keeps_it(inputs: list[tuple[str, int]]) -> None:
    if inputs:
        name, count = inputs[0]
        assert names(inputs)[0] == outputs(Namer("OUT", ".md"), f"OUT/{name}", count)


# --------------------------------------------------------------------------- folders

_IN, _OUT = "/nonexistent-storykit/in", "/nonexistent-storykit/OUT"


def folder_names(paths: list[tuple[str, int]], suffix: str = ".md") -> list[list[str]]:
    """The outputs of each input file (path under ``_IN``, stories), as ``convert`` names them."""
    namer = Namer(_OUT, suffix)
    named = []
    for path, count in paths:
        stem = namer.stem(f"{_IN}/{path}", None, _IN)
        named.append([name[len(_OUT) + 1 :] for name in outputs(namer, stem, count)])
    return named


def test_a_folder_named_as_an_output_file_is_a_name_of_the_run() -> None:
    # x.md/ sorts before x.txt: the file gives way; named first, the file keeps x.md and the
    # folder is x~2.md/, for every file in it
    assert folder_names([("x.md/y.txt", 1), ("x.txt", 1)]) == [["x.md/y.md"], ["x~2.md"]]
    assert folder_names([("x.txt", 1), ("x.md/y.txt", 1), ("x.md/z.txt", 2)]) == [
        ["x.md"],
        ["x~2.md/y.md"],
        ["x~2.md/z-1.md", "x~2.md/z-2.md"],
    ]
    # the numbered names too: a folder b-1.md/ and a file b of several stories
    assert folder_names([("b-1.md/y.txt", 1), ("b.txt", 2)]) == [
        ["b-1.md/y.md"],
        ["b~2-1.md", "b~2-2.md"],
    ]
    assert folder_names([("b.txt", 2), ("b-1.md/y.txt", 1)]) == [
        ["b-1.md", "b-2.md"],
        ["b-1~2.md/y.md"],
    ]
    # a folder in a folder, and one whose name is no output file's
    assert folder_names([("a.md/b.md/c.txt", 1), ("a.md/b.txt", 1), ("a.html/a.txt", 1)]) == [
        ["a.md/b.md/c.md"],
        ["a.md/b~2.md"],
        ["a.html/a.md"],
    ]
    # two input folders of one output name are one output folder, as before
    namer = Namer(_OUT, ".md")
    first = namer.stem(f"{_IN}/one/x.md/y.txt", None, f"{_IN}/one")
    second = namer.stem(f"{_IN}/two/x.md/z.txt", None, f"{_IN}/two")
    assert (first, second) == (f"{_OUT}/x.md/y", f"{_OUT}/x.md/z")


_FOLDER = st.sampled_from(["", "", "b.md/", "b-1.md/", "B.md/", "b~2.md/", "x/", "b.md/b-1.md/"])


@given(st.lists(st.tuples(st.tuples(_FOLDER, _NAME).map("".join), st.integers(1, 3)), max_size=10))
def test_no_output_file_of_a_run_is_another_or_an_output_folder(
    inputs: list[tuple[str, int]],
) -> None:
    paths = [(f"{name}.txt", count) for name, count in inputs]
    named = folder_names(paths)
    files = [name for names in named for name in names]
    assert len(set(files)) == len(files)
    folders = {str(folder) for name in files for folder in Path(name).parents}
    for name in files:  # no file is a folder, nor the folder of a file
        assert name not in folders
    assert folder_names(paths) == named


def test_a_name_near_the_length_limit_is_cut_short_to_take_its_tilde() -> None:
    """Found by an attacker session: ``x…x.txt`` beside ``x…x.md`` (251 x's: 254 bytes as
    ``x…x.md``) failed "File name too long" for ``x…x~2.md`` (256 bytes), written under
    its own name had there been no clash. Now its name loses whole characters from its
    end (not the ``~2``) until the file's name fits in 255 bytes."""
    long = "x" * 251
    assert names([(long, 1), (long, 1), (long, 1)]) == [
        [f"OUT/{long}.md"],
        [f"OUT/{'x' * 250}~2.md"],
        [f"OUT/{'x' * 250}~3.md"],
    ]
    # several stories: numbered names are of the name cut to keep room for any "-N" (here
    # "é" and 59 "𝔵": 238 bytes, and "-9999999999.md" 14; one more "𝔵" would make 256),
    # which the first input keeps although it holds one story; so the second one's are of
    # that cut name with "~2"; 4-byte characters are not cut in two
    wide = "é" + "𝔵" * 62  # 2 + 248 bytes
    assert len(f"{wide}.md".encode()) == 253
    first, second = names([(f"d/{wide}", 1), (f"d/{wide}", 2)])
    assert first == [f"OUT/d/{wide}.md"]
    assert second == [f"OUT/d/é{'𝔵' * 59}~2-1.md", f"OUT/d/é{'𝔵' * 59}~2-2.md"]
    assert len(f"é{'𝔵' * 59}-9999999999.md".encode()) == 252
    # a name that is cut may then be another's: it is free or it moves on, as any name
    cut = "x" * 250 + "~2"
    assert names([(cut, 1), (long, 1), (long, 1)]) == [
        [f"OUT/{cut}.md"],
        [f"OUT/{long}.md"],
        [f"OUT/{'x' * 250}~3.md"],
    ]


def test_a_name_too_long_for_the_output_suffix_is_cut_short() -> None:
    """Found by an attacker session: ``x…x.txt`` (251 x's) written as ``.jsonld`` failed
    "File name too long" (258 bytes), without any clash; so did a long archive member's
    name. The plain name is cut to fit as the numbered names and ``~2`` were."""
    namer = Namer("OUT", ".jsonld")
    stem = namer.choose(f"OUT/{'x' * 251}")
    assert outputs(namer, stem, 1) == [f"OUT/{'x' * 248}.jsonld"]
    again = namer.choose(f"OUT/{'x' * 249}")  # cut to the same name: it gives way
    assert outputs(namer, again, 1) == [f"OUT/{'x' * 246}~2.jsonld"]
    for chosen in (stem, again, namer.choose(f"OUT/{'é' * 200}")):
        for count in (1, 2, 11):
            made = outputs(namer, chosen, count)
            assert all(len(os.path.basename(name).encode()) <= 255 for name in made)


def test_a_long_name_keeps_room_for_any_number_of_stories() -> None:
    """Found by the lead: an input of 248 a's (``.txt``) holding 12 stories had 9 written
    (``a…a-9.json``, 255 bytes) and 3 failed "File name too long" (``a…a-10.json``, 256).
    Its numbered names now come from its name cut to keep room for ``-`` and ten digits."""
    long = "a" * 248
    namer = Namer("OUT", ".json")
    stem = namer.choose(f"OUT/{long}")
    files = outputs(namer, stem, 12)
    family = "a" * (255 - len("-9999999999.json"))  # 239 a's
    assert files == [f"OUT/{family}-{i}.json" for i in range(1, 13)]
    assert namer.dest(stem, 1, False) == f"OUT/{long}.json"  # one story: its own name
    # an input named as one of those numbered names gives way, as for any clash
    clash = namer.choose(f"OUT/{family}-10")
    assert outputs(namer, clash, 1) == [f"OUT/{family}-10~2.json"]
    taken = {*files, f"OUT/{long}.json"}
    for stem in (clash, namer.choose(f"OUT/{family}"), namer.choose(f"OUT/{long}")):
        for count in (1, 2, 11):
            made = outputs(namer, stem, count)
            assert taken.isdisjoint(made)
            assert all(len(os.path.basename(name).encode()) <= 255 for name in made)
