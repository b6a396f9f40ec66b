"""``storykit convert``'s outputs: standard output, a file, a folder, a site.

One story or many, from files, archives and standard input, to each kind of ``-o``; never
over a file without ``--force``; HTML as pages in files and a fragment on standard output,
the format options under the library's names, and a folder of pages as a browsable site.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tarfile
from pathlib import Path

import pytest

import storykit

from .cli_helpers import cli, files_under, jsonl_stories, run
from .collection_helpers import add_tar, dump, make_story, make_zip, write


def test_one_file_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "a.txt", dump(1))
    status, out, err = run(capsys, "convert", str(path), "--to", "json", "--jobs", "1")
    assert status == 0
    assert out == storykit.dumps(make_story(1), "json")
    assert err == "1 converted, 0 failed\n"


def test_one_file_to_a_file_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.txt", dump(1))
    out = tmp_path / "a.html"  # the format comes from the suffix; a file is a page
    assert run(capsys, "convert", str(path), "-o", str(out), "--jobs", "1")[0] == 0
    assert out.read_text("utf-8") == storykit.dumps(make_story(1), "html", standalone=True)
    out.write_text("mine", encoding="utf-8")
    status, _, err = run(capsys, "convert", str(path), "-o", str(out), "--jobs", "1")
    assert status == 1
    assert "exists; use --force" in err
    assert out.read_text("utf-8") == "mine"
    assert run(capsys, "convert", str(path), "-o", str(out), "--force", "--jobs", "1")[0] == 0
    assert out.read_text("utf-8") == storykit.dumps(make_story(1), "html", standalone=True)
    assert files_under(tmp_path) == ["a.html", "a.txt"]  # no temporary file left


def test_many_inputs_mirror_their_names_under_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a" / "b.txt", dump(1))
    write(tmp_path / "c" / "x" / "d.txt", dump(2) + "\n\n" + dump(3))
    make_zip(tmp_path / "z.zip", {"in/e.txt": dump(4)})
    argv = ["convert", "a/b.txt", "c", "z.zip", "--to", "html", "-o", "OUT", "--jobs", "1"]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (0, "")
    assert err == "4 converted, 0 failed\n"
    # a file from where it is, a folder's files from the folder, an archive's members
    # under its name
    assert files_under(tmp_path / "OUT") == [
        "b.html",
        "x/d-1.html",
        "x/d-2.html",
        "z/in/e.html",
    ]
    page = storykit.dumps(make_story(3), "html", standalone=True)
    assert (tmp_path / "OUT/x/d-2.html").read_text("utf-8") == page
    # run again: nothing is overwritten, every story is a failure
    status, _, err = run(capsys, *argv)
    assert status == 1
    assert err.endswith("0 converted, 4 failed\n")
    # one line for them all, not one per file
    assert err == (
        "4 output files exist already (OUT/b.html, OUT/x/d-1.html, OUT/x/d-2.html, …); "
        "use --force to overwrite them\n0 converted, 4 failed\n"
    )


def test_archive_to_one_jsonl_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as archive:
        for i in range(5):
            add_tar(archive, f"s/{i}.txt", dump(i).encode())
    out = tmp_path / "all.jsonl"
    status, _, err = run(capsys, "convert", str(tmp_path / "a.tar.gz"), "-o", str(out), "-j", "1")
    assert status == 0, err
    assert jsonl_stories(out) == [make_story(i) for i in range(5)]
    status, _, err = run(capsys, "convert", str(tmp_path), "--to", "html", "-o", str(out))
    assert status == 2
    assert "a .jsonl file holds JSON Lines, but --to html writes html; give a folder, -o " in err


def test_one_story_to_a_jsonl_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found trying it as a user: one file of one story gave 45 lines of indented JSON."""
    path = write(tmp_path / "a.txt", dump(1))
    out = tmp_path / "one.jsonl"
    status, _, err = run(capsys, "convert", str(path), "-o", str(out))
    assert status == 0, err
    assert out.read_text("utf-8") == storykit.dumps(make_story(1), "json", indent=None) + "\n"
    assert jsonl_stories(out) == [make_story(1)]


def test_stdin_to_stdout(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (dump(1) + "\n\n" + dump(2)).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    status, out, err = run(capsys, "convert", "-", "--to", "json", "-o", "-", "--jobs", "1")
    assert status == 0, err
    # several stories to one stream: JSON Lines
    assert [storykit.loads(line, "json") for line in out.splitlines()] == [
        make_story(1),
        make_story(2),
    ]


def test_several_stories_as_text_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        write(tmp_path / "in" / f"{i}.json", storykit.dumps(make_story(i), "json"))
    status, out, _ = run(capsys, "convert", str(tmp_path / "in"), "--to", "text", "-j", "1")
    assert status == 0
    assert list(storykit.iter_stories(io.StringIO(out))) == [make_story(i) for i in range(3)]


def test_several_stories_need_a_folder_for_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.txt", dump(1) + "\n\n" + dump(2))
    status, out, err = run(capsys, "convert", str(tmp_path / "a.txt"), "--to", "html")
    assert (status, out) == (1, "")
    assert "holds several stories" in err
    status, _, err = run(capsys, "convert", str(tmp_path), "--to", "html")
    assert status == 2
    assert "give a folder, -o out/ (one file each)" in err


def test_quiet_and_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dat = write(tmp_path / "story.dat", storykit.dumps(make_story(1), "json"))
    status, out, err = run(capsys, "convert", str(dat), "--from", "json", "--to", "text", "-q")
    assert (status, err) == (0, "")
    assert out == dump(1) + "\n"  # a terminal gets its last line ended
    status, _, err = run(capsys, "convert", str(dat), "--from", "text", "--to", "json", "-q")
    assert status == 1  # read as a dump, JSON is no story: the failure is still reported
    assert err.splitlines()[-1] == "0 converted, 1 failed"
    status, out, err = run(capsys, "validate", str(dat), "--from", "json", "-q")
    assert (status, out, err) == (0, "", "")
    status, out, _ = run(capsys, "show", str(dat), "--from", "json")
    assert (status, out.splitlines()[0]) == (0, "Story number 1 about chips")


def test_html_files_are_pages_and_standard_output_gets_a_fragment(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    page = storykit.dumps(make_story(1), "html", standalone=True)
    fragment = storykit.dumps(make_story(1), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert fragment.startswith('<article class="storykit">')
    assert cli("convert", "a.txt", "-o", "a.html", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.html").read_text("utf-8") == page
    assert cli("convert", "a.txt", "--to", "html", cwd=tmp_path).stdout == fragment
    assert cli("convert", "a.txt", "--to", "html", "-s", cwd=tmp_path).stdout == page
    done = cli("convert", "a.txt", "-o", "f.html", "--fragment", cwd=tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "f.html").read_text("utf-8") == fragment
    storykit.dump(make_story(1), tmp_path / "lib.html")  # the library decides the same
    assert (tmp_path / "lib.html").read_text("utf-8") == page
    storykit.dump(make_story(1), tmp_path / "libf.html", standalone=False)
    assert (tmp_path / "libf.html").read_text("utf-8") == fragment


def test_standalone_and_fragment_together_are_refused(tmp_path: Path) -> None:
    # -s --fragment wrote a fragment and --fragment -s a page: the last one won, unsaid
    write(tmp_path / "a.txt", dump(1))
    for flags in (["-s", "--fragment"], ["--fragment", "--standalone"]):
        done = cli("convert", "a.txt", "-o", "a.html", *flags, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr.splitlines()[-1].startswith("storykit convert: error: argument ")
        assert "not allowed with argument" in done.stderr
    assert files_under(tmp_path) == ["a.txt"]


def test_an_option_of_one_format_without_to_names_that_format(tmp_path: Path) -> None:
    # convert archive/ -s -o site/ said only "say which format to write with --to (html, …)"
    write(tmp_path / "in" / "a.txt", dump(1))
    for flags, to in (
        (["in", "-s", "-o", "site/"], "html"),
        (["in/a.txt", "--no-front-matter"], "markdown"),
    ):
        done = cli("convert", *flags, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (2, "")
        flag = "--standalone" if flags[1] == "-s" else flags[1]
        said = done.stderr.splitlines()[-1]
        assert said.startswith("storykit convert: error: say which format to write with --to (")
        assert said.endswith(f"; {flag} is an option of {to}: --to {to}")
        assert cli("convert", *flags, "--to", to, cwd=tmp_path).returncode == 0
    done = cli("convert", "in", "--no-tags", cwd=tmp_path)  # html's and markdown's: no guess
    assert (
        done.stderr == "storykit convert: error: say which format to write with --to (json, text)\n"
    )
    assert files_under(tmp_path / "site") == ["a.html", "index.html"]


@pytest.mark.parametrize(
    ("to", "offset"),
    [
        ("markdown", "9"),
        ("html", "-1"),
        ("md", "5"),
        ("md", "'x'"),
        ("html", "'1.5'"),
        ("md", "''"),
    ],
)
def test_a_bad_heading_offset_is_said_alike_for_markdown_and_html(
    tmp_path: Path, to: str, offset: str
) -> None:
    """Found by a hostile user: ``--heading-offset 9`` (Markdown) said "expected an integer
    from 0 to 4, got 9" and ``--heading-offset -1`` (HTML) "must be from 0 to 4 (section
    headings are h2 + offset), got -1"; one check words both. And by a new user: a word
    that is no number (``x``) got argparse's ``argument --heading-offset: invalid int value:
    'x'`` and the usage; the one check says it as it says a number out of range."""
    write(tmp_path / "a.txt", dump(1))
    given = offset.strip("'")  # (quoted: a word is said as typed, in quotes)
    done = cli("convert", "a.txt", "--to", to, "--heading-offset", given, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "storykit convert: error: --heading-offset: expected an integer from 0 to 4,"
        f" got {offset}\n"
    )


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--heading-offset", "2"], "--heading-offset is an option of html and markdown"),
        (["--no-tags"], "--no-tags is an option of html and markdown"),
        (["--lang", "en"], "--lang is an option of html and jsonld"),
        (["--fragment"], "--fragment is an option of html"),
    ],
)
@pytest.mark.parametrize("out", ["s.db", "s.parquet"])
def test_a_file_format_refuses_the_writers_options(
    tmp_path: Path, out: str, flags: list[str], said: str
) -> None:
    """Found while fixing ``--heading-offset x``: ``convert a.txt -o s.db --no-tags`` (or
    ``-o s.parquet``) wrote the tags all the same and said nothing, where ``--to json
    --no-tags`` is refused; a file format takes none of the writers' options."""
    write(tmp_path / "a.txt", dump(1))
    done = cli("convert", "a.txt", "-o", out, *flags, cwd=tmp_path)
    to = "sqlite" if out.endswith(".db") else "parquet"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"storykit convert: error: {said}, not of {to}\n"
    assert files_under(tmp_path) == ["a.txt"]


def test_format_options_have_the_library_names(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    done = cli("convert", "a.txt", "--to", "markdown", "--no-front-matter", cwd=tmp_path)
    assert done.stdout == storykit.dumps(make_story(1), "markdown", front_matter=False)
    argv = ["--to", "html", "--heading-offset", "1", "--no-tags", "--no-image", "--no-footer"]
    done = cli("convert", "a.txt", *argv, cwd=tmp_path)
    options = {"heading_offset": 1, "tags": False, "image": False, "footer": False}
    assert done.stdout == storykit.dumps(make_story(1), "html", **options)
    done = cli("convert", "a.txt", "--to", "html", "-s", "--lang", "pt-BR", cwd=tmp_path)
    assert '<html lang="pt-BR">' in done.stdout
    done = cli("convert", "a.txt", "--to", "html", "--no-front-matter", cwd=tmp_path)
    assert done.returncode == 2
    assert "--no-front-matter is an option of markdown, not of html" in done.stderr
    done = cli("convert", "a.txt", "--to", "html", "--heading-offset", "9", cwd=tmp_path)
    assert done.returncode == 2
    # the option is named as the command line spells it, not as the library does
    assert "error: --heading-offset: expected an integer from 0 to 4, got 9" in done.stderr
    done = cli("convert", "a.txt", "--to", "html", "--lang", "x y", cwd=tmp_path)
    assert "error: --lang: expected a BCP 47 language tag" in done.stderr
    # the flag named is the one given: --fragment and --standalone set the same option
    for flag in ("--fragment", "--standalone", "-s"):
        done = cli("convert", "a.txt", "--to", "md", flag, cwd=tmp_path)
        assert done.returncode == 2
        shown = "--fragment" if flag == "--fragment" else "--standalone"
        assert f"{shown} is an option of html, not of markdown" in done.stderr
    assert files_under(tmp_path) == ["a.txt"]


def test_a_folder_with_standalone_is_a_browsable_site(tmp_path: Path) -> None:
    write(tmp_path / "archive" / "b.txt", dump(2))
    write(tmp_path / "archive" / "2026" / "a b#1.txt", dump(1) + "\n\n" + dump(3))
    story = make_story(4, tags=("<b>&", "X"))
    write(tmp_path / "archive" / "c.json", storykit.dumps(story, "json"))
    done = cli("convert", "archive/", "--to", "html", "-s", "-o", "site/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "site") == [
        "2026/a b#1-1.html",
        "2026/a b#1-2.html",
        "b.html",
        "c.html",
        "index.html",
    ]
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert index.startswith("<!DOCTYPE html>")
    # every story, in input order (the folder's names sorted), linked
    hrefs = re.findall(r'<li><h2><a href="([^"]*)">([^<]*)</a>', index)
    assert hrefs == [
        ("2026/a%20b%231-1.html", make_story(1).title),
        ("2026/a%20b%231-2.html", make_story(3).title),
        ("b.html", make_story(2).title),
        ("c.html", make_story(4).title),
    ]
    assert '<time datetime="2026-05-03">2026-05-03</time>' in index  # source and date
    assert "<li>&lt;b&gt;&amp;</li><li>X</li>" in index  # tags, escaped
    assert "4 stories" in index
    page = (tmp_path / "site" / "2026" / "a b#1-2.html").read_text("utf-8")
    assert '<a href="../index.html" rel="index">' in page
    assert (tmp_path / "site" / "b.html").read_text("utf-8").count('href="index.html"') == 1
    # an input that would be the index is not written over it: it is index~2.html, linked
    write(tmp_path / "archive" / "index.txt", dump(5))
    done = cli("convert", "archive/", "--to", "html", "-s", "-o", "site2/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "site2" / "index.html").read_text("utf-8")
    assert "5 stories" in index
    assert f'<a href="index~2.html">{make_story(5).title}</a>' in index
    page = (tmp_path / "site2" / "index~2.html").read_text("utf-8")
    assert f"<h1>{make_story(5).title}</h1>" in page


def test_a_file_name_that_is_not_utf8_is_linked_by_its_bytes_and_shown_escaped(
    tmp_path: Path,
) -> None:
    name = os.fsdecode(b"\xff\xfe bad")  # not UTF-8: held as lone surrogates
    write(tmp_path / "nb" / f"{name}.txt", dump(1))
    done = cli("convert", "nb", "--to", "html", "-s", "-o", "site/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(os.fsencode(tmp_path / "site"))) == [
        b"index.html",
        b"\xff\xfe bad.html",
    ]
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert '<a href="%FF%FE%20bad.html">' in index  # the file system's bytes, percent-encoded
    # in messages, convert and validate show the name the same way, as a shell takes it
    write(tmp_path / "nb" / f"{name}.txt", "---\ntitle: x\nnot a header line\n---\n")
    for argv in (["validate", "nb"], ["convert", "nb", "--to", "json", "-o", "out/"]):
        done = cli(*argv, cwd=tmp_path, errors="surrogateescape")
        assert done.returncode == 1
        text = done.stdout + done.stderr
        assert "$'nb/\\xff\\xfe bad.txt':1: " in text, argv  # as bash takes it
        assert "\udcff" not in text  # no raw byte sent to the terminal
    # validate's JSON report showed U+FFFD ("nb/\ufffd\ufffd bad.txt"), hiding the bytes
    done = cli("validate", "--format", "json", "nb", cwd=tmp_path, errors="surrogateescape")
    assert done.returncode == 1
    (found,) = json.loads(done.stdout)["diagnostics"]
    assert found["file"] == "nb/\\udcff\\udcfe bad.txt"
    assert "\ufffd" not in done.stdout
    assert "\udcff" not in done.stdout
    # the messages that convert writes before it starts name the file the same way (an ESC
    # in the name went to the terminal raw)
    name += "\x1b[2J"
    write(tmp_path / f"{name}.json", dump(1))
    write(tmp_path / f"{name}.txt", "")
    for argv, said in (
        (["convert", f"{name}.txt", "--to", "json", "-o", f"{name}.json"], ".json' exists; "),
        (["convert", f"{name}.txt", "--to", "json"], ".txt': no story here"),
    ):
        done = cli(*argv, cwd=tmp_path, errors="surrogateescape")
        assert done.returncode == 1
        assert "$'\\xff\\xfe bad\\x1b[2J" + said in done.stderr, done.stderr
        assert "\udcff" not in done.stderr
        assert "\x1b" not in done.stderr
