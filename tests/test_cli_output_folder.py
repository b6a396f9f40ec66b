"""``-o`` and the inputs: the output is never read back as input, and what is in its way
is said with a way out that works.

An input folder (or a pattern's folder) is refused as the output folder, inputs inside the
output folder are named as not read, and a file or folder where the output should go is
named as such.
"""

from __future__ import annotations

import importlib.util
import os
import re
import zipfile
from pathlib import Path

import pytest

import storykit

from .cli_helpers import cli, run_real, seeded, shell
from .cli_helpers import files_under as tree
from .collection_helpers import dump, write
from .conftest import SEED


@pytest.mark.parametrize(  # (afile/ itself: refused before reading, below)
    "out", ["afile/x.jsonl", "afile/x.db", "afile/sub/", "afile/sub/x.json"]
)
def test_a_file_in_the_way_of_the_output_folder_is_named_as_such(tmp_path: Path, out: str) -> None:
    # makedirs' "File exists" read as if the output were there ("use --force"); a file
    # further up said "afile/sub/: Not a directory" (first-ten-minutes pass): the file is named
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "afile", "not a folder")
    to = () if out.endswith(".db") else ("--to", "json")  # x.db: a database (from its suffix)
    done = cli("convert", "a.txt", "-o", out, *to, cwd=tmp_path)
    assert done.returncode == 1
    assert "not a folder (a file is in the way)" in done.stderr
    assert re.search(r"\bafile: not a folder|cannot write afile/\S+: not a folder", done.stderr)
    assert "exists" not in done.stderr
    assert (tmp_path / "afile").read_text() == "not a folder"


def test_the_output_is_not_read_back_as_an_input_on_the_next_run(tmp_path: Path) -> None:
    # convert . -o all.jsonl --force read the last run's all.jsonl too: 2, 4, 6 stories…
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    for force in ((), ("--force",), ("--force",)):
        done = cli("convert", ".", "-o", "all.jsonl", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
        assert len((tmp_path / "all.jsonl").read_text("utf-8").splitlines()) == 2
    # … and --to text -o all.txt read all.txt (and all.jsonl, an input like any other)
    for force in ((), ("--force",)):
        done = cli("convert", ".", "--to", "text", "-o", "all.txt", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "4 converted, 0 failed\n")
    (tmp_path / "all.txt").unlink()
    (tmp_path / "all.jsonl").unlink()
    # convert . -o json/ read json/*.json and wrote json/json/a.json
    for force in ((), ("--force",)):
        done = cli("convert", ".", "--to", "json", "-o", "out/json", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
        assert tree(tmp_path) == ["a.txt", "b.txt", "out/json/a.json", "out/json/b.json"]
    # a file named on its own is read, wherever it is
    done = cli("convert", "out/json/a.json", "--to", "text", "-o", "out/json/", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
@pytest.mark.parametrize("how", [">>", ">"])
def test_the_output_is_not_read_back_by_another_name_a_hard_link(tmp_path: Path, how: str) -> None:
    # ln all.jsonl in/x.jsonl: `convert in >> all.jsonl` read in/x.jsonl, the very file it
    # was writing, as an input: each run grew it by what it held
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    first = shell("storykit convert in --to jsonl -q >> all.jsonl", tmp_path)
    assert (first.returncode, first.stderr) == (0, "")
    os.link(tmp_path / "all.jsonl", tmp_path / "in" / "x.jsonl")
    done = shell(f"ulimit -f 20000; storykit convert in --to jsonl -q {how} all.jsonl", tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    lines = (tmp_path / "all.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == (2 if how == ">>" else 1)  # one a run


@pytest.mark.parametrize("how", [">>", "-o"])
def test_the_output_is_not_read_back_through_a_symbolic_link(tmp_path: Path, how: str) -> None:
    # ln -s ../all.jsonl in/s.jsonl: `convert in >> all.jsonl` read all.jsonl through the link
    # as it grew (a large one without end: 934 MB in 20 s), and `-o all.jsonl --force` read
    # the last run's stories back, one more each run
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "s.jsonl").symlink_to(Path("..") / "all.jsonl")
    for run in (1, 2):
        if how == ">>":
            done = shell(
                "ulimit -f 20000; storykit convert in --to jsonl -q >> all.jsonl", tmp_path
            )
            assert (done.returncode, done.stderr) == (0, "")
        else:
            done = cli("convert", "in", "-o", "all.jsonl", "--force", cwd=tmp_path)
            assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
        lines = (tmp_path / "all.jsonl").read_text("utf-8").splitlines()
        assert len(lines) == (run if how == ">>" else 1)


def test_a_symbolic_link_into_the_output_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "b.json").symlink_to(Path("..") / "out" / "a.json")
    for force in ((), ("--force",)):
        done = cli("convert", "in", "--to", "json", "-o", "out/", *force, cwd=tmp_path)
        # (read, it was "no story here" the first time, a second story the next)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
        assert tree(tmp_path / "out") == ["a.json"]


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_hard_link_to_an_output_file_that_is_replaced_is_an_input(tmp_path: Path) -> None:
    # -o all.jsonl --force writes a new file in its place: in/x.jsonl, a hard link to the old
    # one, is not written into, and holds the old stories after the run as before it. It was
    # left out of the first run and read by the next: one story, then two
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    assert cli("convert", "in", "-o", "all.jsonl", cwd=tmp_path).returncode == 0
    os.link(tmp_path / "all.jsonl", tmp_path / "in" / "x.jsonl")
    for _ in range(2):  # the same stories each run
        done = cli("convert", "in", "-o", "all.jsonl", "--force", cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    assert (tmp_path / "in" / "x.jsonl").read_text("utf-8").count("\n") == 1


@pytest.mark.parametrize("out", [".", "./", "dumps/..", "{abs}"])
def test_an_input_folder_is_refused_as_the_output_folder(tmp_path: Path, out: str) -> None:
    # convert . --to json -o . wrote a.json beside a.txt; run again, it read a.json too and
    # wrote a~2.json, then a~2~2.json (with --force), and its lazy walk could read what it
    # was writing
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "dumps").mkdir()
    out = out.format(abs=tmp_path)
    done = cli("convert", ".", "--to", "json", "-o", out, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"storykit convert: error: {out} is an input folder, so the files written into it "
        "would be read as input (by this run or the next): write them to a folder of their "
        f"own, such as one inside it, -o {os.path.join(out, 'json', '')}\n"
    )
    assert tree(tmp_path) == ["a.txt"]
    for force in ((), ("--force",)):  # the way out, twice: the same one file
        done = cli(
            "convert", ".", "--to", "json", "-o", f"{Path(out) / 'json'}/", *force, cwd=tmp_path
        )
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
        assert tree(tmp_path) == ["a.txt", "json/a.json"]


@pytest.mark.parametrize(
    ("inputs", "out"),
    [
        (["in"], "link/json/"),  # the advice of -o link: link/json/, a path under in itself
        (["link"], "in/json/"),  # the input folder reached through a link
        (["in/*"], "in/json/"),  # a pattern that matches the output folder
        (["in/**"], "in/json/"),
        (["in", "in/sub"], "in/sub/json/"),  # nested inputs, the output in both
        (["in/../in/"], "./in//json"),  # spelled otherwise
    ],
)
def test_the_output_is_not_read_back_however_it_is_named(
    tmp_path: Path, inputs: list[str], out: str
) -> None:
    # convert in --to json -o link/json/ (link -> in) wrote 7, then 14 stories: the second
    # run read back in/json/*.json, which it compared to link/json as strings
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "link").symlink_to("in")
    runs = []
    for _ in range(2):
        done = cli("convert", *inputs, "--to", "json", "-o", out, "--force", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        runs.append(done.stderr)
    assert runs[0] == runs[1]
    written = [name for name in tree(tmp_path) if name.endswith(".json")]
    assert all(name.startswith(os.path.normpath(out.replace("link", "in"))) for name in written)
    assert not any("json/json" in name for name in written), written


def test_an_input_folder_inside_the_output_folder_is_read(tmp_path: Path) -> None:
    # the output is left out of a walk that starts outside it, not of one inside it
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    for _ in range(2):
        done = cli("convert", "in/sub", "--to", "json", "-o", "in/", "--force", cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert tree(tmp_path) == ["in/b.json", "in/sub/b.txt"]


@pytest.mark.parametrize("out", ["x", "x/"])
def test_a_file_in_the_way_of_the_output_folder_says_what_to_do(tmp_path: Path, out: str) -> None:
    # -o x said only "x is a file, not a folder"; -o x/ got past that check, made nothing and
    # failed at run time: "x: not a folder (a file is in the way)", exit 1
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "x").write_text("mine", "utf-8")
    done = cli("convert", "a.txt", "b.txt", "--to", "json", "-o", out, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        f"storykit convert: error: {out} is a file, not a folder: give a folder, "
        "-o x-2/ (one file each)"
    )
    done = cli("convert", "a.txt", "b.txt", "--to", "json", "-o", "x-2/", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    assert (tmp_path / "x").read_text("utf-8") == "mine"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["in", "-o", "in.html"],
            "many stories cannot go into one html output: give a folder, -o in-2/ --to html "
            "(one file each)",
        ),
        (
            ["in", "--to", "md", "-o", "in.html"],
            "-o in.html: the suffix .html is html's, but --to md writes markdown; give a "
            "folder, -o in-2/ (one file each)",
        ),
        (  # the input folder spelled otherwise
            ["./in/", "-o", "in.md"],
            "many stories cannot go into one markdown output: give a folder, -o in-2/ --to "
            "markdown (one file each)",
        ),
    ],
)
def test_the_folder_advised_is_not_an_input_folder(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    # convert in -o in.html advised -o in/ --to html, which was then refused: "in/ is an
    # input folder"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "b.txt").write_bytes(SEED.read_bytes())
    done = cli("convert", *argv, cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        2,
        f"storykit convert: error: {said}",
    )
    way = said.split(" -o ", 1)[1].split(" (", 1)[0].split()
    followed = [arg for arg in argv if arg not in ("-o", argv[argv.index("-o") + 1])]
    if "--to" in way and "--to" in followed:
        followed = followed[: followed.index("--to")] + followed[followed.index("--to") + 2 :]
    done = cli("convert", *followed, "-o", *way, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")


def test_a_folder_named_as_the_jsonl_output_says_what_to_do(tmp_path: Path) -> None:
    # it read every story, then failed at the end: "cannot write x.jsonl: Is a directory",
    # "0 converted, 1 failed" (the refusal meant for it could not be reached)
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "x.jsonl").mkdir()
    (tmp_path / "x-2.jsonl").write_text("", "utf-8")
    for force in ((), ("--force",)):
        done = cli("convert", "a.txt", "a.txt", "-o", "x.jsonl", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr.splitlines()[-1]) == (
            2,
            "storykit convert: error: x.jsonl is a folder, but a .jsonl output is one file; "
            "name the file x-3.jsonl",
        )
    done = cli("convert", "a.txt", "a.txt", "-o", "x-3.jsonl", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")


def test_inputs_in_the_output_folder_are_said_not_to_be_read(tmp_path: Path) -> None:
    # convert in --to json -o in/sub/ converted in/a.txt and left out in/sub/b.txt, a story
    # it was asked for, saying only "1 converted, 0 failed"
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    with zipfile.ZipFile(tmp_path / "in" / "sub" / "c.zip", "w") as made:  # named once
        made.writestr("c1.txt", SEED.read_bytes())
        made.writestr("c2.txt", SEED.read_bytes())
    for force in ((), ("--force",)):  # (the first run's a.json in in/sub is not counted)
        done = cli("convert", "in", "--to", "json", "-o", "in/sub/", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (
            0,
            "1 converted, 0 failed\n2 files of the inputs not read (in/sub/b.txt, "
            "in/sub/c.zip): in/sub/ is the output folder, and what is in it is not read as "
            "input; to convert them too, give a folder that holds no input, such as -o out/\n",
        )
    (tmp_path / "in" / "sub" / "a.json").unlink()  # (else an input of the next run)
    done = cli("convert", "in", "--to", "json", "-o", "out/", cwd=tmp_path)  # as it says
    assert (done.returncode, done.stderr) == (0, "4 converted, 0 failed\n")
    done = cli("convert", "in", "--to", "json", "-o", "in/sub/", "-q", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


def test_one_input_in_the_output_folder_is_it(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    done = cli("convert", "in", "--to", "json", "-o", "in/sub/", cwd=tmp_path)
    assert done.stderr.splitlines()[-1] == (
        "1 file of the inputs not read (in/sub/b.txt): in/sub/ is the output folder, and what "
        "is in it is not read as input; to convert it too, give a folder that holds no input, "
        "such as -o out/"
    )


def test_a_pattern_whose_files_all_lie_in_the_output_folder_says_so_first(
    tmp_path: Path,
) -> None:
    # the first line said "no story found in i?/*.txt"; two stories were found, and left out
    (tmp_path / "in").mkdir()
    seeded(tmp_path / "in", "a.txt", "b.txt")
    status, out, err = run_real("convert", "i?/*.txt", "-o", "in", "--to", "json", cwd=tmp_path)
    assert (status, out) == (0, "")
    assert err == (
        "2 files of the inputs not read (in/a.txt, in/b.txt): in is the output folder, and "
        "what is in it is not read as input; to convert them too, give a folder that holds no "
        "input, such as -o out/\n0 converted, 0 failed\n"
    )
    assert run_real("convert", "i?/*.txt", "-o", "out/", "--to", "json", cwd=tmp_path)[2] == (
        "2 converted, 0 failed\n"
    )
    assert sorted(os.listdir(tmp_path / "out" / "in")) == ["a.json", "b.json"]
    assert run_real("convert", "i?/*.txt", "-o", "in", "--to", "json", "-q", cwd=tmp_path)[2] == ""


@pytest.mark.parametrize(
    ("pattern", "out"), [("in/*", "in/"), ("in/**", "in"), ("./in/*.*", "in/"), ("*", ".")]
)
def test_a_pattern_that_would_read_its_output_back_is_refused(
    tmp_path: Path, pattern: str, out: str
) -> None:
    # convert 'in/*' --to json -o in/ wrote in/a.json; run again it read that too and
    # wrote in/a~2.json, then in/a~2~2.json (as convert in -o in/ did before it was refused)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    if out == ".":
        (tmp_path / "in" / "a.txt").rename(tmp_path / "a.txt")
    done = cli("convert", pattern, "--to", "json", "-o", out, cwd=tmp_path)
    inside = os.path.join(out, "json", "")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        2,
        f"storykit convert: error: {out} is where the pattern '{pattern}' looks, so the files "
        "written into it would be read as input (by this run or the next): write them to a "
        f"folder of their own, such as one inside it, -o {inside}",
    )
    for force in ((), ("--force",)):  # the way out, twice: the same one file
        done = cli("convert", pattern, "--to", "json", "-o", inside, *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert [name for name in tree(tmp_path) if name.endswith(".json")] == [
        os.path.normpath(os.path.join(inside, "a.json"))
    ]


def test_a_pattern_that_reads_no_output_back_is_not_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    for force in ((), ("--force",)):
        done = cli("convert", "*.txt", "--to", "json", "-o", ".", *force, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert tree(tmp_path) == ["a.json", "a.txt"]


def _archive(tmp_path: Path) -> None:
    """in/ with two dumps, a.zip holding one, a.db and (with pyarrow) a.parquet of it."""
    write(tmp_path / "in" / "s1.txt", dump(1))
    write(tmp_path / "in" / "s2.txt", dump(2))
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("s3.txt", dump(3))
    assert cli("convert", "a.zip", "-o", "a.db", cwd=tmp_path).returncode == 0
    if importlib.util.find_spec("pyarrow") is not None:
        assert cli("convert", "a.zip", "-o", "a.parquet", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("argv", "replaced", "advice"),
    [
        (["a.zip", "-o", "a.zip", "--to", "jsonl"], "a.zip", "a-2.jsonl"),
        (
            ["in/s1.txt", "in/s2.txt", "-o", "in/../in/s2.txt"],
            "in/../in/s2.txt",
            "in/../in/s2-2.txt",
        ),
        (["in/s2.txt", "-o", "in/s2.txt"], "in/s2.txt", "in/s2-2.txt"),
        (["a.db", "-o", "a.db"], "a.db", "a-2.db"),
        (["a.parquet", "-o", "a.parquet"], "a.parquet", "a-2.parquet"),
    ],
)
def test_an_output_named_as_an_input_is_refused_even_with_force(
    tmp_path: Path, argv: list[str], replaced: str, advice: str
) -> None:
    # Found by attacking the command: `convert a.zip -o a.zip --to jsonl -f` replaced the
    # archive with its stories, and `convert a.parquet -o a.parquet -f` removed the file it
    # was to read. (An input folder's file named as the output is this run's: see above.)
    if replaced.endswith(".parquet"):
        pytest.importorskip("pyarrow", reason="a Parquet file needs the parquet extra")
    _archive(tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in tree(tmp_path)}
    done = cli("convert", *argv, "--force", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"storykit convert: error: -o {replaced} is one of the inputs, and the output would "
        f"replace it: name a file that is no input, such as -o {advice}\n"
    )
    assert {name: (tmp_path / name).read_bytes() for name in tree(tmp_path)} == before
    at = argv.index("-o") + 1  # the advice followed: that name after -o, nothing else
    followed = cli("convert", *argv[:at], advice, *argv[at + 1 :], cwd=tmp_path)
    assert followed.returncode == 0, followed.stderr
    assert (tmp_path / replaced).read_bytes() == before[os.path.normpath(replaced)]
    assert list(storykit.iter_stories(tmp_path / advice))  # the stories, where it said


def test_a_new_output_file_in_an_input_folder_is_still_written(tmp_path: Path) -> None:
    # (left out of this run's walk, as before: only a file that is an input is refused)
    _archive(tmp_path)
    done = cli("convert", "in", "-o", "in/all.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "in" / "all.jsonl").read_text().splitlines()) == 2
