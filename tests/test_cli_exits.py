"""Every way out of ``storykit``'s main(): wrong arguments, what show meets, closed streams.

Each test names the exit and the message a user sees; the ones that depend on the process
(closed standard error) run the real command.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import signal
import threading
import zipfile
from pathlib import Path

import pytest

import storykit
from storykit import Credit, Image, Section, Source, Story
from storykit._show import render
from storykit.cli import EXIT_PIPE, main

from .cli_helpers import cli, run, shell
from .collection_helpers import BAD_DATE, dump, make_story, make_zip, write
from .conftest import SEED


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--jobs",
            "0",
            "argument -j/--jobs: takes a whole number of processes, 1 or more, not '0'",
        ),
        (
            "--jobs",
            "two",
            "argument -j/--jobs: takes a whole number of processes, 1 or more, not 'two'",
        ),
        (
            "--jobs",
            "-3",
            "argument -j/--jobs: takes a whole number of processes, 1 or more, not '-3'",
        ),
        ("--max-member-size", "0", "a size must be more than 0"),
        ("--max-member-size", "0K", "a size must be more than 0"),
        ("--max-total-size", "16 parsecs", "not a size: '16 parsecs' (use bytes or a suffix"),
    ],
)
def test_a_wrong_number_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    path = write(tmp_path / "a.txt", dump(1))
    status, out, err = run(capsys, "convert", str(path), "--to", "json", f"{option}={value}")
    assert (status, out) == (2, "")
    assert "storykit convert: error: argument " in err
    assert option in err
    assert message in err


def test_sizes_take_binary_suffixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "a.txt", dump(1))  # 175 bytes
    for size, status in (("1k", 0), ("1KiB", 0), ("100", 1), ("1 MB", 0)):
        argv = ["validate", str(path), "-j", "1", "--max-member-size", size]
        assert run(capsys, *argv)[0] == status, size


def _every_part() -> Story:
    return Story(
        "A title",
        source=Source("SCMP", dt.date(2026, 5, 25), "https://example.com/a"),
        image=Image("A robot on a desk", Credit("photo", "Pavel Danilyuk", None)),
        credits=[Credit("illustration", None, "Reuters"), Credit("byline", "Ann Lee", "AP")],
        sections=[Section(None, ["One.", "Two."]), Section("Next", ["Three."])],
        tags=("AI", "EVs"),
        extras=["an odd line"],
    )


def test_show_prints_every_part_of_a_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.json"
    storykit.dump(_every_part(), path)
    status, out, err = run(capsys, "show", str(path), "--width", "40")
    assert (status, err) == (0, "")
    assert out == (
        "A title\n"
        "=======\n"
        "SCMP · 2026-05-25\n"
        "https://example.com/a\n"
        "Image: A robot on a desk\n"
        "Photo by Pavel Danilyuk\n"
        "Illustration: Reuters\n"
        "By Ann Lee (AP)\n"
        "\n"
        "One.\n"
        "\n"
        "Two.\n"
        "\n"
        "Next\n"
        "----\n"
        "\n"
        "Three.\n"
        "\n"
        "Tags: AI, EVs\n"
        "\n"
        "Lines not placed:\n"
        "  an odd line\n"
    )


def test_show_of_a_source_with_only_a_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = Story("T", source=Source(None, None, "https://example.com/"), image=Image("Alt"))
    path = tmp_path / "a.json"
    storykit.dump(story, path)
    status, out, _ = run(capsys, "show", str(path))
    assert (status, out) == (0, "T\n===\nhttps://example.com/\nImage: Alt\n")


def test_show_passes_over_members_that_are_not_stories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("0-readme.png", b"\x89PNG")
        archive.writestr("1-story.txt", dump(1))
    status, out, err = run(capsys, "show", str(path))
    assert (status, err) == (0, "")
    assert out.startswith(make_story(1).title + "\n")


def test_show_of_an_archive_without_stories_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.png", b"\x89PNG")
    assert run(capsys, "show", str(path)) == (1, "", f"{path}: no story here\n")
    # an empty file: as convert and validate say it (it was "no story in FILE")
    (tmp_path / "empty.txt").write_text("\n \n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    assert run(capsys, "show", str(empty)) == (1, "", f"{empty}: no story here\n")
    assert run(capsys, "validate", str(empty)) == (
        1,
        f"{empty}: error: no story here\n",
        "0 stories checked: 1 error, 0 warnings; 1 file held no story\n",
    )


def test_show_reports_what_the_reader_noticed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = dump(1).replace("SCMP 2026-05-02\n", "SCMP 2026-05-02\n*** odd ***\n", 1)
    path = write(tmp_path / "a.txt", text)
    status, out, err = run(capsys, "show", str(path))
    assert status == 0
    assert err == (
        f"{path}:4: warning: could not place header line '*** odd ***'; kept in story.extras\n"
    )
    assert out.endswith("Lines not placed:\n  *** odd ***\n")


def test_show_is_readable_and_wrapped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = make_story(1)
    long = storykit.Section("The long part", ["word " * 60 + "end."])
    story = Story(
        story.title,
        source=story.source,
        image=story.image,
        sections=(*story.sections, long),
        tags=story.tags,
    )
    path = write(tmp_path / "a.json", storykit.dumps(story, "json"))
    status, out, _ = run(capsys, "show", str(path), "--width", "40")
    assert status == 0
    assert out == render(story, 40)
    lines = out.splitlines()
    assert lines[:3] == ["Story number 1 about chips", "=" * 26, "SCMP · 2026-05-02"]
    assert "Photo by Pavel Danilyuk (Pexels)" in lines
    assert "The long part" in lines
    assert all(len(line) <= 40 for line in lines)
    assert lines[-1] == "Tags: AI, EVs"
    for width in ("-5", "0", "19", "wide"):  # was taken as 20 without a word
        status, _, err = run(capsys, "show", str(path), "--width", width)
        assert status == 2
        assert f"argument --width: takes a number of columns, 20 or more, not '{width}'" in err


def test_show_first_of_several_or_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "a.txt", dump(1) + "\n\n" + dump(2))
    status, out, err = run(capsys, "show", str(path))
    assert status == 0
    assert "Story number 1" in out
    assert "Story number 2" not in out
    assert "holds more stories" in err
    status, out, _ = run(capsys, "show", str(path), "--all")
    assert "Story number 2" in out


def test_show_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "bad.txt", BAD_DATE)
    status, out, err = run(capsys, "show", str(bad))
    assert (status, out) == (1, "")
    assert err.startswith(f"{bad}:2: invalid date")
    status, _, err = run(capsys, "show", str(tmp_path / "missing.txt"))
    assert status == 1
    assert "no such file or directory" in err
    assert run(capsys, "show", str(tmp_path))[0] == 2


def test_show_names_the_archive_that_holds_more(tmp_path: Path) -> None:
    make_zip(tmp_path / "corpus.zip", {"a.txt": dump(1), "b.txt": dump(2)})
    done = cli("show", "corpus.zip", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == (
        "corpus.zip holds more stories or members; showing the first (use --all)\n"
    )
    assert make_story(1).title in done.stdout
    done = cli("show", "corpus.zip", "--all", cwd=tmp_path)
    assert "[a.txt]" in done.stdout
    assert "[b.txt]" in done.stdout


def test_show_of_a_folder_says_how_to_show_its_stories(tmp_path: Path) -> None:
    # it said only "in is a folder; show takes one file"
    (tmp_path / "my in" / "sub").mkdir(parents=True)
    (tmp_path / "my in" / "a.txt").write_bytes(SEED.read_bytes())
    other = storykit.dumps(storykit.Story("Another story"), "text")
    (tmp_path / "my in" / "sub" / "b.txt").write_text(other, "utf-8")
    done = cli("show", "my in", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        "storykit show: error: 'my in' is a folder; show takes one file: name one in it, or "
        "show every story in it with storykit show 'my in/**' --all"
    )
    done = cli("show", "my in/**", "--all", cwd=tmp_path)  # as it says (the shell unquotes)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.count("Another story") == 1
    assert done.stdout.count(storykit.load(SEED).title) == 1


def test_main_in_a_thread_leaves_the_signals_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "a.txt", dump(1))
    statuses: list[int] = []
    thread = threading.Thread(
        target=lambda: statuses.append(main(["validate", str(path), "-j", "1", "-q"]))
    )
    thread.start()
    thread.join()
    assert statuses == [0]
    assert capsys.readouterr() == ("", "")


class _GoneReader(io.StringIO):
    """A standard output whose reader went away: every write is a broken pipe."""

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_pipe_without_a_file_descriptor_ends_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # main() called from Python with sys.stdout a stream that has no file descriptor
    monkeypatch.setattr("sys.stdout", _GoneReader())
    path = tmp_path / "a.json"
    storykit.dump(make_story(1), path)
    assert main(["schema"]) == EXIT_PIPE
    assert main(["show", str(path)]) == EXIT_PIPE
    assert capsys.readouterr().err == ""


def test_a_closed_standard_error_is_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "bad.txt", "not a story")
    done = shell(
        "storykit validate bad.txt -j 1 >/dev/null 2>&-; echo $?; storykit schema 2>&- | head -c 1",
        tmp_path,
    )
    assert done.stderr == ""
    assert done.stdout == "1\n{"


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "schema")
    assert (status, err) == (0, "")
    assert json.loads(out)["title"]


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert json.loads(out) == storykit.json_schema()


# --------------------------------------------------------------------------- table outputs


@pytest.mark.parametrize("out", ["y.db", "y.parquet"])
def test_fail_fast_into_a_table_counts_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], out: str
) -> None:
    # It ended in an UnboundLocalError traceback: nothing had counted what was converted.
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", dump(1))
    write(tmp_path / "bad.txt", BAD_DATE)
    status, stdout, err = run(capsys, "convert", "a.txt", "bad.txt", "-o", out, "--fail-fast")
    assert (status, stdout) == (1, "")
    assert err.splitlines() == [
        "bad.txt:2: invalid date '2026-13-45' on the source line: month must be in 1..12",
        "1 converted, 1 failed",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["a.txt", "-o", "OUT/", "--to", "sqlite"],
            "OUT/ is a folder; a sqlite output is one file (-o FILE.db)",
        ),
        (["-", "-", "-o", "x.db"], "'-' (standard input) can be given once"),
    ],
)
def test_a_table_output_takes_one_file_and_one_stdin(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", dump(1))
    assert run(capsys, "convert", *argv) == (2, "", f"storykit convert: error: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_quiet_table_convert_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", dump(1))
    assert run(capsys, "convert", "a.txt", "-o", "q.db", "-q") == (0, "", "")
    assert list(storykit.iter_stories(tmp_path / "q.db")) == [make_story(1)]
    status, _, err = run(capsys, "search", "q.db", "chips", "--limit", "0")
    said = "-n/--limit takes a number of stories, 1 or more, not 0"
    assert (status, err) == (2, f"storykit search: error: {said}\n")
    # -n 0 was said as "--limit takes 1 or more": neither the option typed nor the value
    status, _, err = run(capsys, "search", "q.db", "chips", "-n", "-3")
    assert (status, err) == (2, f"storykit search: error: {said[:-1]}-3\n")
    status, _, err = run(capsys, "search", "q.db", "chips", "--max-terms", "-1")
    said = "--max-terms takes 0 (no limit) or more, not -1"
    assert (status, err) == (2, f"storykit search: error: {said}\n")
    # a word where a number goes was argparse's "argument -n/--limit: invalid int value:
    # 'x'" above the usage: it is said as a number out of range is, as --jobs x is
    for option, word, said in (
        ("-n", "x", "-n/--limit takes a number of stories, 1 or more, not 'x'"),
        ("--limit", "2.5", "-n/--limit takes a number of stories, 1 or more, not '2.5'"),
        ("--max-terms", "all", "--max-terms takes 0 (no limit) or more, not 'all'"),
    ):
        status, out, err = run(capsys, "search", "q.db", "chips", option, word)
        assert (status, out, err) == (2, "", f"storykit search: error: {said}\n")
    status, out, _ = run(capsys, "search", "q.db", "chips", "-n", " 1 ")  # (as int() reads)
    assert (status, out.count("\n") > 0) == (0, True)


# --------------------------------------------------------------------------- outputs


@pytest.mark.parametrize("target_exists", [True, False])  # (a dangling link: the same)
def test_force_through_a_link_writes_the_file_it_names(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target_exists: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", dump(1))
    if target_exists:
        write(tmp_path / "target.json", "old")
    (tmp_path / "link.json").symlink_to("target.json")
    assert run(capsys, "convert", "a.txt", "-o", "link.json", "-f", "-j", "1")[0] == 0
    assert (tmp_path / "link.json").is_symlink()
    assert storykit.load(tmp_path / "target.json") == make_story(1)


def test_a_link_to_a_folder_is_that_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", dump(1))
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to("folder")
    assert run(capsys, "convert", "a.txt", "-o", "link", "--to", "json", "-f", "-j", "1")[0] == 0
    assert storykit.load(tmp_path / "folder" / "a.json") == make_story(1)


def test_standard_input_into_a_folder_is_named_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(dump(1).encode())))
    status, _, err = run(capsys, "convert", "-", "-o", "OUT/", "--to", "json", "-j", "1")
    assert (status, err) == (0, "1 converted, 0 failed\n")
    assert storykit.load(tmp_path / "OUT" / "stdin.json") == make_story(1)


def test_a_ctrl_c_just_after_main_returned_is_ignored_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Ctrl-C lands before SIGINT is ignored (provoked: the first look at the thread)."""
    real = threading.current_thread
    calls = []

    def interrupted_once() -> threading.Thread:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real()

    monkeypatch.setattr(storykit.cli, "main", lambda: 0)
    monkeypatch.setattr(threading, "current_thread", interrupted_once)
    before = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as exited:
            storykit.cli.console()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
    assert (exited.value.code, len(calls)) == (0, 2)
