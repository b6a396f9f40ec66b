"""What the commands say of their inputs: bad, missing, empty, not stories, oddly encoded.

A run goes on past a bad input (or stops at the first with ``--fail-fast``), names each
failure as ``file:line: message`` with control characters escaped, and ends with a summary
that counts what was converted, failed, skipped and held no story.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import socket
import subprocess
from pathlib import Path

import attrs
import pytest

import storykit
from storykit import _decoding

from .cli_helpers import cli, files_under, jsonl_stories, run, seeded, storykit_cmd
from .collection_helpers import BAD_DATE, dump, make_story, make_zip, write
from .conftest import SEED


def test_goes_on_past_bad_inputs_and_ends_with_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "in" / "1.txt", dump(1))
    write(tmp_path / "in" / "2.txt", BAD_DATE)
    write(tmp_path / "in" / "3.txt", dump(3))
    write(tmp_path / "in" / "4.txt", b"\xff\xff not utf-8")  # (\xff\xfe: a UTF-16 BOM)
    out = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "convert", str(tmp_path / "in"), "-o", str(out), "-j", "1")
    assert status == 1
    lines = err.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'in' / '2.txt'}:2: invalid date '2026-13-45'")
    assert lines[1].startswith(f"{tmp_path / 'in' / '4.txt'}:1: invalid UTF-8")
    assert lines[2] == "2 converted, 2 failed"
    assert jsonl_stories(out) == [make_story(1), make_story(3)]


def test_fail_fast_stops_at_the_first_failure_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "in" / "1.txt", BAD_DATE)
    write(tmp_path / "in" / "2.txt", dump(2))
    out = tmp_path / "out.jsonl"
    argv = ["convert", str(tmp_path / "in"), "-o", str(out), "--fail-fast", "-j", "1"]
    status, _, err = run(capsys, *argv)
    assert status == 1
    assert err.splitlines()[-1] == "0 converted, 1 failed"
    assert not out.exists()
    assert files_under(tmp_path) == ["in/1.txt", "in/2.txt"]


def test_fail_fast_after_a_story_says_it_was_read_and_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a first-ten-minutes review: '1 converted, 1 failed', and no output file."""
    write(tmp_path / "in" / "1.txt", dump(1))
    write(tmp_path / "in" / "2.txt", BAD_DATE)
    out = tmp_path / "out.jsonl"
    argv = ["convert", str(tmp_path / "in"), "-o", str(out), "--fail-fast", "-j", "1"]
    status, _, err = run(capsys, *argv)
    assert status == 1
    assert err.splitlines()[-1] == "0 converted (1 read, none written), 1 failed"
    assert not out.exists()


def test_missing_input_is_a_failure_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.txt", dump(1))
    argv = ["convert", str(tmp_path / "a.txt"), str(tmp_path / "nope.txt"), "--to", "json"]
    status, out, err = run(capsys, *argv, "-j", "1")
    assert status == 1
    assert [storykit.loads(line, "json") for line in out.splitlines()] == [make_story(1)]
    assert f"{tmp_path / 'nope.txt'}: no such file or directory" in err


@pytest.mark.parametrize("out", ["out.db", "out.jsonl"])
def test_a_failure_into_a_database_is_said_as_every_failure_is(tmp_path: Path, out: str) -> None:
    """Found in a first-ten-minutes pass: ``convert -o x.db`` wrote the failures' lines as
    they were, so an ESC in a file name reached the terminal (``-o x.jsonl`` escapes it)."""
    write(tmp_path / "bad\x1b[2Jname.txt", BAD_DATE)
    done = cli("convert", "bad\x1b[2Jname.txt", "-o", out, cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()[0]) == (
        1,
        "$'bad\\x1b[2Jname.txt':2: invalid date '2026-13-45' on the source line: "
        "month must be in 1..12",
    )


def test_not_story_files_are_reported_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_zip(tmp_path / "a.zip", {"pic.png": b"\x89PNG", "a.txt": dump(1)})
    status, _, err = run(capsys, "convert", str(path), "-o", str(tmp_path / "o.jsonl"), "-j", "1")
    assert status == 0
    assert err == "1 converted, 0 failed, 1 skipped (not story files)\n"


def test_a_mistyped_input_says_no_such_file(tmp_path: Path) -> None:
    done = cli("convert", "nothere.txt", "-o", "x.md", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "nothere.txt: no such file or directory"
    assert "many stories" not in done.stderr
    assert files_under(tmp_path) == []


def test_a_mistyped_input_is_said_before_a_refused_command_line(tmp_path: Path) -> None:
    """Found by a hostile user: ``storykit convert nothere.txt`` asked for ``--to`` and did
    not say the file was not there, the bigger problem; now it says both, that first."""
    done = cli("convert", "nothere.txt", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "nothere.txt: no such file or directory\n"
        "storykit convert: error: say which format to write with --to"
        " (html, json, jsonld, markdown, ninjs, text)\n"
    )
    # each input that is not there, as the run names it, and not those that are
    write(tmp_path / "a.txt", dump(1))
    argv = ["nothere.txt", "a.txt", "gone*.txt", "-"]  # (- is not read: the line is refused)
    done = cli("convert", *argv, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "nothere.txt: no such file or directory\n"
        "gone*.txt: no file matches this pattern\n"
        "storykit convert: error: say which format to write with --to (json, text)\n"
    )
    # any refusal: --from, a validate too
    done = cli("validate", "nothere.txt", "--from", "html", cwd=tmp_path)
    assert done.returncode == 2
    first, refused = done.stderr.splitlines()
    assert first == "nothere.txt: no such file or directory"
    assert refused.startswith("storykit validate: error: --from: storykit writes html but ")
    # with nothing missing, the refusal alone, as before
    done = cli("convert", "a.txt", cwd=tmp_path)
    assert done.stderr == (
        "storykit convert: error: say which format to write with --to"
        " (html, json, jsonld, markdown, ninjs, text)\n"
    )


def test_an_input_that_cannot_be_looked_up_says_why_not_that_it_is_missing(
    tmp_path: Path,
) -> None:
    """Found by an attack in hX: a name too long for the system, a link that leads to
    itself and a path through a file all said "no such file or directory" (os.path.exists
    is False for any error), and storykit.iter_stories raised FileNotFoundError for them."""
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    write(tmp_path / "file.txt", dump(1))
    inputs = {
        "x" * 300 + ".txt": (errno.ENAMETOOLONG, "file name too long"),
        "loop.txt": (errno.ELOOP, "too many levels of symbolic links"),
        "file.txt/a.txt": (errno.ENOTDIR, "not a directory"),
    }
    for name, (number, said) in inputs.items():
        done = cli("validate", name, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, f"{name}: error: {said}\n"), done.stderr
        with pytest.raises(OSError, match=r"^\[Errno \d+\] ") as caught:
            list(storykit.iter_stories(tmp_path / name))
        assert caught.value.errno == number


def test_a_socket_given_as_input_is_said_to_be_one(
    unix_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a hostile user: ``storykit validate sock`` said ``sock: error: cannot read:
    No such device or address``. Every command says what the file is, as the library does
    (one wording, where inputs are looked at), and goes on with the other inputs."""
    said = (
        "sock: a socket, which storykit does not read (files, folders, archives, standard "
        "input and named pipes are read)"
    )
    write(Path("a.txt"), dump(1))
    status, out, _ = run(capsys, "validate", "sock", "a.txt")
    assert status == 1
    assert out == said.replace(": ", ": error: ", 1) + "\n"  # (a.txt is a valid story)
    status, out, err = run(capsys, "convert", "sock", "a.txt", "--to", "json", "-o", "out/")
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == said
    assert files_under(Path("out")) == ["a.json"]
    for argv in (["show", "sock"], ["convert", "sock", "-o", "s.db"]):
        status, out, err = run(capsys, *argv)
        assert (status, out) == (1, "")
        assert err.splitlines()[0] == said


def test_a_socket_given_as_output_is_said_to_be_one(
    unix_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a hostile user: ``storykit convert seed.txt -o sock`` said ``cannot write
    sock: No such device or address``; ``-o sock.db`` that it is not a regular file and
    cannot be written into a device or FIFO. Each says it is a socket, which storykit does
    not write to, in the library's words (one wording)."""
    said = (
        "a socket, which storykit does not write to (files, named pipes, devices and "
        "standard output are written)"
    )
    write(Path("a.txt"), dump(1))
    for argv in (["--to", "md"], ["--to", "jsonl"]):
        status, out, err = run(capsys, "convert", "a.txt", "-o", "sock", *argv)
        assert (status, out) == (1, "")
        assert err.splitlines() == [f"cannot write sock: {said}", "0 converted, 1 failed"]
    with socket.socket(socket.AF_UNIX) as other:
        other.bind("sock.db")
        status, out, err = run(capsys, "convert", "a.txt", "-o", "sock.db")
        assert (status, out, err) == (1, "", f"sock.db: {said}\n")
    assert sorted(os.listdir()) == ["a.txt", "sock", "sock.db"]  # nothing else written


def test_lines_kept_in_extras_are_counted(tmp_path: Path) -> None:
    story = attrs.evolve(make_story(1), extras=("a stray line", "another"))
    write(tmp_path / "a.json", storykit.dumps(story, "json"))
    write(tmp_path / "b.txt", dump(2))
    done = cli("convert", "a.json", "b.txt", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == (
        "2 converted, 0 failed; 2 lines not placed, kept in story.extras "
        "(storykit validate lists them)\n"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    bom = "\ufeff".encode(encoding)[-4 if "32" in encoding else -2 :]
    data = bom + dump(1).encode(encoding)[len(bom) if encoding in ("utf-16", "utf-32") else 0 :]
    assert _decoding.bom_encoding(data) is not None
    write(tmp_path / "a.txt", data)
    assert storykit.load(tmp_path / "a.txt") == make_story(1)
    done = cli("convert", "a.txt", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert storykit.loads(done.stdout, "json") == make_story(1)
    piped = subprocess.run(
        storykit_cmd("convert", "-", "--to", "json"), input=data, capture_output=True, check=False
    )
    assert storykit.loads(piped.stdout, "json") == make_story(1)
    make_zip(tmp_path / "z.zip", {"a.txt": data})
    done = cli("validate", "z.zip", cwd=tmp_path)
    assert done.stderr == "1 story checked: 0 errors, 0 warnings\n"


def test_control_characters_are_escaped_in_messages_and_show(tmp_path: Path) -> None:
    evil = "evil\x1b]0;pwned\x07\x1b[31m.txt"
    make_zip(tmp_path / "z.zip", {evil: BAD_DATE, "ok.txt": dump(1)})
    for argv in (["convert", "z.zip", "--to", "json"], ["validate", "z.zip"], ["show", "z.zip"]):
        done = cli(*argv, cwd=tmp_path)
        assert "\x1b" not in done.stderr + done.stdout
        assert "\x07" not in done.stderr + done.stdout
        assert "evil\\x1b]0;pwned\\x07\\x1b[31m.txt" in done.stderr + done.stdout
    story = attrs.evolve(make_story(1), title="Title\x1b[2J\x07 here")
    write(tmp_path / "t.json", storykit.dumps(story, "json"))
    done = cli("show", "t.json", cwd=tmp_path)
    assert done.returncode == 0
    assert "Title\\x1b[2J\\x07 here" in done.stdout
    assert "\x1b" not in done.stdout


def test_bidirectional_controls_are_escaped_in_show_and_messages(tmp_path: Path) -> None:
    """Found by an attack in s14: show escaped ESC but sent U+202E (and the other bidirectional
    controls) to the terminal as they were, so a title could read as other words than it
    holds ("Trojan Source"). They are escaped as the control characters are."""
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    story = attrs.evolve(make_story(1), title="Invoice \u202efdp.exe", tags=("A\u2067B",))
    write(tmp_path / "t.json", storykit.dumps(story, "json"))
    done = cli("show", "t.json", cwd=tmp_path)
    assert done.returncode == 0
    assert "Invoice \\u202efdp.exe" in done.stdout
    assert "Tags: A\\u2067B" in done.stdout
    assert not set(bidi) & set(done.stdout + done.stderr)
    # the messages that quote the input: a member's name ($'…'), a value (repr)
    bad = storykit.dumps(story, "json").replace('"2026-05-02"', '"2026-05-02\u202e"')
    make_zip(tmp_path / "z.zip", {f"{bidi}.json": bad})
    for argv in (["convert", "z.zip", "-o", "out.jsonl"], ["validate", "z.zip"], ["show", "z.zip"]):
        done = cli(*argv, cwd=tmp_path)
        said = done.stderr + done.stdout
        assert "got '2026-05-02\\u202e'" in said, argv
        assert not set(bidi) & set(said), argv


def test_validate_says_a_file_with_no_story_is_no_story(tmp_path: Path) -> None:
    """Found by a first-ten-minutes review: ``validate empty.txt`` said ``0 stories checked:
    0 errors`` and exit 0, where ``convert empty.txt`` says ``no story here`` and fails."""
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n\n", encoding="utf-8")
    done = cli("validate", str(empty))
    assert (done.returncode, done.stdout) == (1, f"{empty}: error: no story here\n")
    assert done.stderr == "0 stories checked: 1 error, 0 warnings; 1 file held no story\n"
    # the file was read, and is counted as failed, as with another input or in a folder
    # (alone, it said no count: found by an attacker session)
    converted = cli("convert", str(empty), "--to", "json").stderr
    assert converted == f"{empty}: no story here\n0 converted, 1 failed\n"
    report = json.loads(cli("validate", str(empty), "--format", "json").stdout)
    assert report["valid"] is False
    assert report["diagnostics"] == [
        {
            "file": str(empty),
            "member": None,
            "line": None,
            "level": "error",
            "message": "no story here",
        }
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_empty_file_in_a_folder_is_reported_as_one_named_alone_is(
    tmp_path: Path, jobs: str
) -> None:
    """Found by the lead's review: an empty ``.txt`` in a folder given to ``convert`` or
    ``validate`` was counted nowhere and said nothing (exit 0), where the same file named
    on its own is ``FILE: no story here`` (exit 1): the user could not see it was there."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "b.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "c.txt").write_text(" \n\n\t\n", encoding="utf-8")
    make_zip(tmp_path / "in.zip", {"x.txt": SEED.read_bytes(), "y.txt": b""})

    def run(*argv: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return cli(*argv, cwd=tmp_path, input=input)

    done = run("validate", "in", "in.zip", "-j", jobs)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "in/b.txt: error: no story here\n"
        "in/c.txt: error: no story here\n"
        "in.zip:y.txt: error: no story here\n",
        "2 stories checked: 3 errors, 0 warnings; 3 files held no story\n",
    )
    report = json.loads(run("validate", "in", "--format", "json", "-j", jobs).stdout)
    assert (report["valid"], report["stories"], report["errors"], report["empty"]) == (
        False,
        1,
        2,
        2,
    )
    done = run("convert", "in", "in.zip", "-o", "out/", "--to", "json", "-j", jobs)
    assert (done.returncode, done.stderr) == (
        1,
        "in/b.txt: no story here\nin/c.txt: no story here\nin.zip:y.txt: no story here\n"
        "2 converted, 3 failed\n",
    )
    assert files_under(tmp_path / "out") == ["a.json", "in/x.json"]
    done = run("convert", "in", "in.zip", "-o", "out.db")  # (written here, not by the workers)
    assert (done.returncode, done.stderr) == (
        1,
        "in/b.txt: no story here\nin/c.txt: no story here\nin.zip:y.txt: no story here\n"
        "1 converted, 3 failed, 1 skipped (already in out.db)\n",  # (the seed twice)
    )
    # standard input among other inputs says what it says alone
    done = run("validate", "-", "in/a.txt", "-j", jobs, input="")
    assert (done.returncode, done.stdout) == (1, "<stdin>: error: no story here\n")


def test_inputs_with_no_story_at_all_get_a_note(tmp_path: Path) -> None:
    """Found by a first-ten-minutes review: an empty folder, or one of only pictures, gave
    '0 converted, 0 failed' and nothing to say why."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    for folder in ("empty", "pictures"):
        done = cli("convert", folder, "-o", "out.jsonl", cwd=tmp_path)
        assert (done.returncode, done.stderr) == (
            0,
            f"no story found in {folder}\n0 converted, 0 failed\n",
        )
        for argv in ([], ["--format", "json"]):  # (the report on stdout: the note on stderr)
            done = cli("validate", folder, *argv, cwd=tmp_path)
            assert (done.returncode, done.stderr) == (
                0,
                f"no story found in {folder}\n0 stories checked: 0 errors, 0 warnings\n",
            )
        assert json.loads(done.stdout)["stories"] == 0
    assert cli("convert", "empty", "-o", "out.jsonl", "-q", "--force", cwd=tmp_path).stderr == ""


def test_convert_names_utf16_without_a_byte_order_mark(tmp_path: Path) -> None:
    """Found trying the command as a new user: ``convert`` called such a file binary data."""
    path = tmp_path / "story.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("utf-16-le"))
    for argv in (
        ["convert", str(path), "--to", "json"],
        ["convert", str(tmp_path), "--to", "json"],
    ):
        done = cli(*argv)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            f"{path}:1: UTF-16 (little-endian) text without a byte order mark, not read: "
            "save it as UTF-8 (or as UTF-16 with a byte order mark)\n0 converted, 1 failed\n"
        )


def test_search_of_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    """Found trying the command as a new user: ``storykit search archive/ x`` said
    ``archive/: no such database file`` of a folder that is there."""
    (tmp_path / "in").mkdir()
    done = cli("search", "in", "xiaomi", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("in: a folder, not a database file; ")
    done = cli("search", str(tmp_path / "no.db"), "xiaomi")
    assert done.stderr == f"{tmp_path / 'no.db'}: no such database file\n"


@pytest.mark.parametrize("given", ["in", "in/a.txt", "all.jsonl", "in.zip"])
def test_search_of_stories_says_how_to_make_a_database_of_them(tmp_path: Path, given: str) -> None:
    """Found trying the command as a new user: ``storykit search stories.jsonl xiaomi`` said
    only ``not a storykit database``, as if search read what convert reads."""
    (tmp_path / "in").mkdir()
    seeded(tmp_path, "in/a.txt")
    assert cli("convert", "in", "-o", "all.jsonl", "-q", cwd=tmp_path).returncode == 0
    make_zip(tmp_path / "in.zip", {"a.txt": SEED.read_bytes()})
    done = cli("search", given, "xiaomi AND chips", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    make = f"storykit convert {given} -o stories.db"
    way = f"make one with {make}, then storykit search stories.db 'xiaomi AND chips'\n"
    assert done.stderr.startswith(f"{given}: ")
    assert done.stderr.endswith(f"; search reads a database of stories: {way}")
    assert cli(*shlex.split(make)[1:], cwd=tmp_path).returncode == 0  # the way out works
    done = cli("search", "stories.db", "xiaomi AND chips", cwd=tmp_path)
    assert (done.returncode, done.stdout.splitlines()[0]) == (0, storykit.load(SEED).title)
    (tmp_path / "page.html").write_text("<p>no stories</p>", encoding="utf-8")
    done = cli("search", "page.html", "xiaomi", cwd=tmp_path)  # nothing to make one of
    assert done.stderr == "page.html: not a storykit database (file is not a database)\n"


def test_search_of_standard_input_says_it_reads_a_database_file(tmp_path: Path) -> None:
    """Found by a hostile user: ``storykit search - xiaomi`` said ``-: no such database
    file``, as if a file named - were meant; search cannot read standard input. It says so,
    with the way to make a database that the search of stories gives, and the way works."""
    dump_bytes = SEED.read_bytes()
    done = cli("search", "-", "xiaomi AND chips", cwd=tmp_path, input=dump_bytes.decode())
    assert (done.returncode, done.stdout) == (2, "")
    make = "storykit convert - -o stories.db"
    assert done.stderr == (
        "storykit search: error: search reads a database file, not standard input (-): "
        f"make one with {make}, then storykit search stories.db 'xiaomi AND chips'\n"
    )
    made = cli(*shlex.split(make)[1:], cwd=tmp_path, input=dump_bytes.decode())
    assert made.returncode == 0
    done = cli("search", "stories.db", "xiaomi AND chips", cwd=tmp_path)
    assert (done.returncode, done.stdout.splitlines()[0]) == (0, storykit.load(SEED).title)
    (tmp_path / "-").write_bytes((tmp_path / "stories.db").read_bytes())
    done = cli("search", "./-", "xiaomi", cwd=tmp_path)  # a file named - is named ./-
    assert done.returncode == 0


@pytest.mark.skipif(os.sep != "/", reason="a backslash separates folders there")
@pytest.mark.parametrize(
    ("name", "slashed", "why"),
    [
        ("in\\sub", "in/sub", "no such file or directory"),
        ("in\\sub\\b.txt", "in/sub/b.txt", "no such file or directory"),
        ("in\\*.txt", "in/*.txt", "no file matches this pattern"),
    ],
)
def test_a_windows_path_says_folders_are_separated_by_slashes(
    tmp_path: Path, name: str, slashed: str, why: str
) -> None:
    # convert in\sub on Linux said only "in\sub: no such file or directory"
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    said = f"{name}: {why}; folders are separated by / here: {slashed}"
    done = cli("validate", name, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, said.replace(": ", ": error: ", 1) + "\n")
    done = cli("convert", name, "--to", "json", "-o", "out/", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == said
    done = cli("convert", slashed, "--to", "json", "-o", "out/", cwd=tmp_path)  # as it says
    assert done.returncode == 0, done.stderr
    # a name not there either way is only not there
    done = cli("validate", "in\\nothing", cwd=tmp_path)
    assert done.stdout == "in\\nothing: error: no such file or directory\n"
