"""The names of the files ``convert`` writes into an output folder.

They mirror the inputs' names from the folder given, number the stories of a file of several,
give a later input that would take an earlier one's name a ``~2`` (never written over it,
even with ``--force``), fit the file system's length limit, and are the same with one
process or two.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import storykit

from .cli_helpers import cli, files_under
from .collection_helpers import deep_folder, dump, make_story, write


def test_output_names_count_from_the_input_folder(tmp_path: Path) -> None:
    write(tmp_path / "archive" / "2026" / "a.txt", dump(1))
    write(tmp_path / "archive" / "b.txt", dump(2))
    write(tmp_path / "loose" / "c.txt", dump(3))
    done = cli("convert", "archive/", "loose/c.txt", "-o", "site/", "--to", "html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "site") == ["2026/a.html", "b.html", "c.html"]
    # an absolute input does not recreate its whole path
    done = cli("convert", str(tmp_path / "archive"), "-o", "abs/", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "abs") == ["2026/a.json", "b.json"]
    done = cli("convert", "archive/**/*.txt", "-o", "glob/", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "glob") == ["2026/a.json", "b.json"]


def test_no_control_character_of_a_member_name_goes_into_a_file_name(tmp_path: Path) -> None:
    # an archive's member names come from elsewhere: an ESC used to end up in a file name
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as archive:
        archive.writestr("news/a\x1b[31mb.txt", dump(1))
        archive.writestr("c\x7f\x85d.txt", dump(2))
    done = cli("convert", "z.zip", "-o", "OUT/", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "OUT") == ["z/c%7F%85d.json", "z/news/a%1B[31mb.json"]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_inputs_for_one_output_name_the_later_is_named_with_a_tilde(
    tmp_path: Path, force: list[str], jobs: str
) -> None:
    write(tmp_path / "in" / "a.txt", dump(1))
    write(tmp_path / "in" / "a.md", storykit.dumps(make_story(2), "markdown"))
    with zipfile.ZipFile(tmp_path / "in" / "z.zip", "w") as archive:
        archive.writestr("s.txt", dump(3))
        for number in (4, 5):
            with pytest.warns(UserWarning, match="Duplicate name"):
                archive.writestr("s.txt", dump(number))
    argv = ["convert", "in", "-o", "OUT/", "--to", "json", "-j", jobs, *force]
    done = cli(*argv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "5 converted, 0 failed\n"
    # the first of each (in input order: a.md sorts before a.txt) keeps the name; none is
    # written over another, even with --force
    assert files_under(tmp_path / "OUT") == [
        "a.json",
        "a~2.json",
        "z/s.json",
        "z/s~2.json",
        "z/s~3.json",
    ]
    assert storykit.load(tmp_path / "OUT" / "a.json") == make_story(2)
    assert storykit.load(tmp_path / "OUT" / "a~2.json") == make_story(1)
    for name, number in [("s", 3), ("s~2", 4), ("s~3", 5)]:
        assert storykit.load(tmp_path / "OUT" / "z" / f"{name}.json") == make_story(number)


def md_titles(root: Path) -> dict[str, str]:
    """Each Markdown file under ``root`` and the title of the story in it."""
    return {name: storykit.load(root / name).title for name in files_under(root)}


def numbered(*numbers: int) -> list[str]:
    return [make_story(i).title for i in numbers]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_of_several_stories_after_b_1_and_b_2_gets_names_of_its_own(
    tmp_path: Path, force: list[str], jobs: str
) -> None:
    # the attacker's folder: b-1.txt and b-2.txt sort before b.txt, took b-1.md and b-2.md,
    # and b.txt's two stories failed as "output files exist already"; with --force they were
    # written over the others' ("4 converted, 0 failed", two stories lost)
    write(tmp_path / "in" / "b-1.txt", dump(1))
    write(tmp_path / "in" / "b-2.txt", dump(2))
    write(tmp_path / "in" / "b.txt", dump(3) + "\n\n" + dump(4))
    argv = ["convert", "in", "-o", "OUT", "--to", "md", "-j", jobs, *force]
    for _ in range(2 if force else 1):  # again with --force: the same names, written over
        done = cli(*argv, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "4 converted, 0 failed\n")
        titles = md_titles(tmp_path / "OUT")
        assert list(titles) == ["b-1.md", "b-2.md", "b~2-1.md", "b~2-2.md"]
        assert list(titles.values()) == numbered(1, 2, 3, 4)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_of_one_story_beside_b_1_keeps_its_name(tmp_path: Path, jobs: str) -> None:
    # no clash, no new name: as before, byte for byte
    write(tmp_path / "in" / "b-1.txt", dump(1))
    write(tmp_path / "in" / "b.txt", dump(3))
    done = cli("convert", "in", "-o", "OUT", "--to", "md", "-j", jobs, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    assert md_titles(tmp_path / "OUT") == {"b-1.md": numbered(1)[0], "b.md": numbered(3)[0]}
    assert (tmp_path / "OUT" / "b.md").read_text("utf-8") == storykit.dumps(
        make_story(3), "markdown"
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_named_as_an_earlier_files_story_is_named_with_a_tilde(
    tmp_path: Path, jobs: str
) -> None:
    # b.txt first on the command line, b-1.txt after it; and the same in a zip's order and
    # beside a .jsonl (b-1.txt sorts first there: the .jsonl's stories give way)
    write(tmp_path / "b.txt", dump(3) + "\n\n" + dump(4))
    write(tmp_path / "b-1.txt", dump(1))
    write(tmp_path / "one" / "b.txt", dump(5))
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as archive:
        archive.writestr("b.txt", dump(6) + "\n\n" + dump(7))
        archive.writestr("b-1.txt", dump(8))
    jsonl = "".join(storykit.dumps(make_story(i), "json", indent=None) + "\n" for i in (10, 11))
    write(tmp_path / "j" / "b.jsonl", jsonl)
    write(tmp_path / "j" / "b-1.txt", dump(9))
    runs = {
        "OUT1": (["b.txt", "b-1.txt"], {"b-1.md": 3, "b-2.md": 4, "b-1~2.md": 1}),
        # the names are chosen before the files are read: b-1.txt gives way all the same
        "OUT2": (["one/b.txt", "b-1.txt"], {"b.md": 5, "b-1~2.md": 1}),
        "OUT3": (["z.zip"], {"z/b-1.md": 6, "z/b-2.md": 7, "z/b-1~2.md": 8}),
        "OUT4": (["j"], {"b-1.md": 9, "b~2-1.md": 10, "b~2-2.md": 11}),
    }
    for out, (inputs, expected) in runs.items():
        done = cli("convert", *inputs, "-o", f"{out}/", "--to", "md", "-j", jobs, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        want = {name: make_story(i).title for name, i in sorted(expected.items())}
        assert md_titles(tmp_path / out) == want


def test_a_name_near_the_length_limit_that_gives_way_is_cut_to_fit(tmp_path: Path) -> None:
    """Found by an attacker session: of x…x.txt and x…x.md (251 x's), the later failed
    "File name too long" as x…x~2.md (256 bytes); now it is written, its name cut to fit."""
    long = "x" * 251
    write(tmp_path / "in" / f"{long}.md", storykit.dumps(make_story(1), "markdown"))
    write(tmp_path / "in" / f"{long}.txt", dump(2))
    done = cli("convert", "in", "-o", "OUT/", "--to", "md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    assert md_titles(tmp_path / "OUT") == {
        f"{long}.md": make_story(1).title,
        f"{'x' * 250}~2.md": make_story(2).title,
    }


def test_a_name_too_long_for_its_output_suffix_is_cut_to_fit(tmp_path: Path) -> None:
    """Found by an attacker session: a file of 251 x's (.txt, 255 bytes) converted to JSON-LD
    failed "File name too long" (x…x.jsonld: 258 bytes), and so did an archive member's name
    of 300 characters, or one that %1B escapes made too long, each with no clash at all."""
    long = "x" * 251
    write(tmp_path / "in" / f"{long}.txt", dump(1))
    done = cli("convert", "in", "-o", "OUT/", "--to", "jsonld", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert files_under(tmp_path / "OUT") == [f"{'x' * 248}.jsonld"]
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as archive:
        archive.writestr("y" * 300 + ".txt", dump(2))
        archive.writestr("\x1b" * 100 + ".txt", dump(3))
        archive.writestr("d" * 300 + "/a.txt", dump(4))  # a folder's name, too
    done = cli("convert", "z.zip", "-o", "ZIP/", "--to", "md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "3 converted, 0 failed\n")
    assert files_under(tmp_path / "ZIP") == [
        f"z/{'%1B' * 84}.md",
        f"z/{'d' * 255}/a.md",
        f"z/{'y' * 252}.md",
    ]


def test_long_folder_names_cut_alike_do_not_share_an_output_folder(tmp_path: Path) -> None:
    """Two members' folders whose names share their first 255 bytes were cut to one name
    and their files went into one folder (one of two a.md written as a~2.md: the tree
    merged). A cut name now gives way as a file's does (~2), and so does a folder named as
    an earlier one's cut name."""
    (tmp_path / "in").mkdir()
    with zipfile.ZipFile(tmp_path / "in" / "z.zip", "w") as archive:
        archive.writestr("d" * 300 + "X/a.txt", dump(1))
        archive.writestr("d" * 300 + "Y/a.txt", dump(2))
        archive.writestr("d" * 255 + "/a.txt", dump(3))  # fits: as the first one was cut
        archive.writestr("d" * 300 + "X/b.txt", dump(4))  # the first folder again
    done = cli("convert", "in", "-o", "OUT/", "--to", "md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "4 converted, 0 failed\n")
    assert md_titles(tmp_path / "OUT") == {
        f"z/{'d' * 255}/a.md": make_story(1).title,
        f"z/{'d' * 255}/b.md": make_story(4).title,
        f"z/{'d' * 253}~2/a.md": make_story(2).title,
        f"z/{'d' * 253}~3/a.md": make_story(3).title,
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folders_deeper_than_the_recursion_limit_are_mirrored(tmp_path: Path, jobs: str) -> None:
    """Found by an attacker session: an input folder 1,000 deep ended convert -o OUT/ with a
    RecursionError (naming the output folder, then making it: os.makedirs calls itself)."""
    with deep_folder(tmp_path / "in", 1200, tmp_path / "OUT") as deep:
        write(deep / "a.txt", dump(1))
        done = cli("convert", "in", "-o", "OUT/", "--to", "json", "-j", jobs, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
        assert (tmp_path / "OUT" / ("d/" * 1200) / "a.json").is_file()  # (rglob recurses)


def test_a_long_name_holding_ten_stories_or_more_has_them_all_written(tmp_path: Path) -> None:
    """Found by the lead: 12 stories in a file of 248 a's (.txt) gave 9 converted and
    3 failed "File name too long" (a…a-10.md: 256 bytes). Numbered names now come from the
    name cut to keep room for any number."""
    long = "a" * 248
    write(tmp_path / "in" / f"{long}.txt", "\n".join(dump(i) for i in range(1, 13)))
    done = cli("convert", "in", "-o", "OUT/", "--to", "md", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "12 converted, 0 failed\n")
    family = "a" * (255 - len("-9999999999.md"))
    assert md_titles(tmp_path / "OUT") == {
        f"{family}-{i}.md": make_story(i).title for i in range(1, 13)
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_named_as_an_output_file_does_not_clash_with_it(tmp_path: Path, jobs: str) -> None:
    # in/x.md/ (a folder) and in/x.txt, to Markdown: the folder's files went to OUT/x.md/,
    # and x.txt's story then failed as "output file exists already (OUT/x.md); use --force"
    # (a folder, which --force does not overwrite); x.txt named first on the command line,
    # the folder's files failed "cannot write OUT/x.md/y.md: not a folder"
    write(tmp_path / "in" / "x.md" / "y.txt", dump(1))
    write(tmp_path / "in" / "x.txt", dump(2))
    write(tmp_path / "other" / "x.md" / "z.txt", dump(3))
    runs = {
        "OUT1": (["in"], {"x.md/y.md": 1, "x~2.md": 2}),
        "OUT2": (["in/x.txt", "other"], {"x.md": 2, "x~2.md/z.md": 3}),
    }
    for out, (inputs, expected) in runs.items():
        done = cli("convert", *inputs, "-o", f"{out}/", "--to", "md", "-j", jobs, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        want = {name: make_story(i).title for name, i in sorted(expected.items())}
        assert md_titles(tmp_path / out) == want


def test_the_names_are_the_same_with_one_process_or_two(tmp_path: Path) -> None:
    # many clashing names, in chunks (64 and more files) that workers finish in any order
    for i in range(150):
        name = ["c", "c-1", "c-2", "c~2"][i % 4]
        stories = "\n\n".join(dump(i * 10 + k) for k in range(1 + i % 3))
        write(tmp_path / "in" / f"d{i // 4:02}" / f"{name}.txt", stories)
        suffix, fmt = [("txt", "text"), ("md", "markdown"), ("json", "json")][i % 3]
        write(tmp_path / "in" / "flat" / f"{name}.{suffix}", storykit.dumps(make_story(i), fmt))
    seen = []
    for jobs in ("1", "2"):
        done = cli("convert", "in", "-o", f"OUT{jobs}/", "--to", "md", "-j", jobs, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        out = tmp_path / f"OUT{jobs}"
        seen.append({name: (out / name).read_bytes() for name in files_under(out)})
    assert seen[0] == seen[1]
    assert len(seen[0]) == sum(1 + i % 3 for i in range(150)) + 12


def test_a_write_error_on_a_long_path_keeps_its_reason(tmp_path: Path) -> None:
    """Found by an attacker session: "IN: cannot write OUT/…: File name too long" for an
    output path of 4,000 characters was cut at the message's length limit, the reason with
    it. The path's middle is left out now (saying how much), and the reason stays."""
    deep = Path("in", *(f"d{i:02d}" + "x" * 240 for i in range(16)))
    write(tmp_path / deep / "a.txt", dump(1))
    out = "o" * 200
    done = cli("convert", "in", "-o", f"{out}/", "--to", "json", cwd=tmp_path)
    assert done.returncode == 1
    error, count = done.stderr.splitlines()
    assert count == "0 converted, 1 failed"
    shown = f"{out[:100]}…[3,811 more characters]…{'x' * 193}/a.json"
    assert error == f"{deep / 'a.txt'}:1: cannot write {shown}: File name too long"


def test_an_output_folder_too_long_to_make_leaves_none_of_it(tmp_path: Path) -> None:
    """-o long/a.db (a folder path over the system's limit) left its first 15 folders
    made: when the last one failed, the cleaning began with it (never made) and stopped."""
    write(tmp_path / "a.txt", dump(1))
    long = "/".join(["o" * 200, *(f"d{i:02d}" + "x" * 240 for i in range(16))])
    done = cli("convert", "a.txt", "-o", f"{long}/a.db", cwd=tmp_path)
    assert (done.returncode, done.stderr.endswith(": File name too long\n")) == (1, True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt"]


def test_every_write_error_shortens_a_long_path_alike(tmp_path: Path) -> None:
    """Only the worker (a folder's files) left a long path's middle out: one output file
    (-o long/all.jsonl), an output that exists, a database's error printed the whole path
    (4,000 characters a line). Each is shown as the worker shows it now, with its reason."""
    write(tmp_path / "a.txt", dump(1))
    long = "/".join(["o" * 200, *(f"d{i:02d}" + "x" * 240 for i in range(16))])

    def shown(name: str, more: int) -> str:
        return f"{name[:100]}…[{more:,} more characters]…{name[-200:]}"

    done = cli("convert", "a.txt", "-o", f"{long}/all.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    path = f"{long}/all.jsonl"
    assert done.stderr.splitlines() == [
        f"cannot write {shown(path, len(path) - 300)}: File name too long",
        "0 converted, 1 failed",
    ]
    done = cli("convert", "a.txt", "-o", f"{long}/a.db", cwd=tmp_path)
    assert done.returncode == 1
    folder = long  # (the folder could not be made)
    assert done.stderr == (
        f"storykit convert: error: {shown(folder, len(folder) - 300)}: File name too long\n"
    )
    # an output that exists: said before anything is read
    shorter = "/".join(["e", *long.split("/")[1:15]])
    (tmp_path / shorter).mkdir(parents=True)
    for name in ("all.jsonl", "a.db.json"):
        (tmp_path / shorter / name).write_text("", encoding="utf-8")
        done = cli("convert", "a.txt", "-o", f"{shorter}/{name}", cwd=tmp_path)
        path = f"{shorter}/{name}"
        assert done.stderr == (
            f"{shown(path, len(path) - 300)} exists; use --force to overwrite it\n"
        ), name
    # … and in the summary, of a folder's files
    (tmp_path / shorter / "a.md").write_text("", encoding="utf-8")
    done = cli("convert", "a.txt", "-o", f"{shorter}/", "--to", "md", cwd=tmp_path)
    path = f"{shorter}/a.md"
    assert done.stderr.splitlines()[0] == (
        f"1 output file exists already ({shown(path, len(path) - 300)}); use --force to "
        "overwrite it"
    )
