"""The storykit command when it stops early: what it leaves behind (as a real process).

And what the next run removes: the temporary files of a command or of a library writer
(``to_parquet``, ``dump_many``) killed mid-write.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest

import storykit
from storykit import Section

from .cli_helpers import (
    _wait_for,
    cli,
    files_under,
    main_is_running,
    run_limited,
    run_limited_into,
    shell,
    storykit_cmd,
    temp_files,
    unmeasured,
)
from .collection_helpers import BAD_DATE, dump, write
from .conftest import SEED, run_python


def _tree(root: Path) -> list[str]:
    """Every file and folder under ``root``, folders with a trailing slash."""
    return sorted(str(p.relative_to(root)) + ("/" if p.is_dir() else "") for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("stdin", "argv"),
    [
        ("", ["-", "--to", "json", "-o", "OUT/"]),  # no story: it stopped before the folder
        ("binary\x00data", ["-", "--to", "json", "-o", "OUT/"]),
        ('{"not": "a story"}', ["-", "--from", "json", "--to", "json", "-o", "OUT/a/b/"]),
        ('{"not": "a story"}', ["-", "--from", "json", "--to", "sqlite", "-o", "OUT/x.db"]),
        ('{"not": "a story"}', ["-", "--from", "json", "--to", "json", "-o", "OUT/x.json"]),
        ("", ["-", "empty", "--to", "json", "-o", "OUT/"]),
        ("", ["empty", "--to", "json", "-o", "OUT/a/"]),
        ("", ["empty", "--to", "html", "-s", "-o", "OUT/"]),  # a site of no page: no index
    ],
)
def test_a_folder_made_for_nothing_is_not_left_behind(
    tmp_path: Path, stdin: str, argv: list[str]
) -> None:
    (tmp_path / "empty").mkdir()
    done = cli("convert", *argv, cwd=tmp_path, input=stdin)
    assert "Traceback" not in done.stderr
    assert _tree(tmp_path) == ["empty/"]


def test_a_folder_that_was_there_stays(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "OUT" / "a").mkdir(parents=True)
    for argv in (["-o", "OUT/"], ["-o", "OUT/a/"], ["-o", "OUT/a/b/c/"]):
        done = cli("convert", "-", "empty", "--to", "json", *argv, cwd=tmp_path, input="")
        assert (done.returncode, done.stderr) == (
            1,
            "<stdin>: no story here\n0 converted, 1 failed\n",
        )
        assert _tree(tmp_path) == ["OUT/", "OUT/a/", "empty/"]
    # a folder written into stays, and the ones around it
    write(tmp_path / "in" / "x.txt", dump(1))
    done = cli("convert", "in", "--to", "json", "-o", "new/sub/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "new") == ["sub/x.json"]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_before_the_first_story_leaves_no_folder(
    tmp_path: Path, jobs: str, sig: int
) -> None:
    """The folder is made once the command has started; the standard input gives nothing
    yet when Ctrl-C comes (SIGINT to the process group, as a terminal sends it)."""
    (tmp_path / "empty").mkdir()
    read, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            storykit_cmd("convert", "-", "empty", "--to", "json", "-o", "OUT/", "-j", jobs),
            cwd=tmp_path,
            stdin=read,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            start_new_session=True,
        )
        os.close(read)
        assert _wait_for(lambda: main_is_running(process.pid), 60)
        assert _wait_for(lambda: (tmp_path / "OUT").is_dir(), 60)
        os.killpg(process.pid, sig)
        _, err = process.communicate(timeout=60)
    finally:
        os.close(write_end)
    assert process.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert _tree(tmp_path) == ["empty/"]
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folders_made_for_files_that_could_not_be_written_are_removed(
    tmp_path: Path, jobs: str
) -> None:
    """A file size limit (as a full disk): each file fails, and its folders were left."""
    for i in (1, 2):
        write(tmp_path / "in" / f"sub{i}" / "deeper" / f"{i}.txt", dump(i))
    (tmp_path / "OUT").mkdir()
    done = run_limited(
        "convert", "in", "--to", "json", "-o", "OUT/", "-j", jobs, cwd=tmp_path, limit=100
    )
    assert done.returncode == 1
    assert done.stderr.count("File too large") == 2, done.stderr
    assert [p for p in _tree(tmp_path) if not p.startswith("in/")] == ["OUT/"]


def test_a_site_whose_index_cannot_be_written_still_counts_its_pages(tmp_path: Path) -> None:
    """A full disk at the index said '0 converted (40 read, none written)' of the pages."""
    for i in range(40):
        write(tmp_path / "in" / f"{i}.txt", dump(i))
    done = cli("convert", "in", "--to", "html", "-s", "-o", "whole/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    pages = [p.stat().st_size for p in (tmp_path / "whole").glob("*.html") if p.stem.isdigit()]
    index = (tmp_path / "whole" / "index.html").stat().st_size
    assert max(pages) < index  # a limit between them: every page fits, the index does not
    argv = ("convert", "in", "--to", "html", "-s", "-o", "site/")
    done = run_limited(*argv, cwd=tmp_path, limit=max(pages))
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "cannot write site/index.html: File too large",
        "40 converted, 1 failed",
    ]
    assert len(list((tmp_path / "site").glob("*.html"))) == 40
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--format", "json", "bad"],  # one write of the whole report
        ["show", "long.txt"],  # a story of 40,000 characters
        ["convert", "long.txt", "--to", "json"],
        ["schema"],
        ["validate", "bad"],  # lines, buffered, flushed as the command ends
        ["search", "s.db", "end"],
    ],
)
def test_standard_output_into_a_full_file_is_an_error_not_a_cut_output(
    tmp_path: Path, argv: list[str]
) -> None:
    """A write that goes only partly (a full disk, a file size limit) lost the rest silently.

    ``> out`` with a file size limit below the output: the first write() writes up to the
    limit and returns that count, which sys.stdout.write() did not look at.
    """
    for i in range(300):
        write(tmp_path / "bad" / f"{i}.json", "not json")
    story = storykit.loads(dump(1), "text")
    long = attrs.evolve(story, sections=[Section(None, ["word " * 8000 + "end."])])
    write(tmp_path / "long.txt", storykit.dumps(long, "text"))
    storykit.to_sqlite([attrs.evolve(long, title=f"T{i}") for i in range(20)], tmp_path / "s.db")
    whole = cli(*argv, cwd=tmp_path).stdout.encode("utf-8")
    limit = min(4096, len(whole) // 2)
    done = run_limited_into(*argv, cwd=tmp_path, limit=limit, out=tmp_path / "out")
    assert done.returncode == 1
    said = f"storykit {argv[0]}: error: standard output: File too large"  # (which output)
    assert said in done.stderr.splitlines()
    assert (tmp_path / "out").read_bytes() == whole[:limit]


@pytest.mark.parametrize("json", [[], ["--json"]])
def test_search_hits_larger_than_the_buffer_are_not_cut(tmp_path: Path, json: list[str]) -> None:
    """Found by an attack pass: ``search --json`` wrote its hits in one ``sys.stdout.write``,
    which drops what a partial write left: past a file size limit the output ended cut with
    status 0, and ``| head -c 5`` ended 0 (not 141). The hits as text are written whole too."""
    story = storykit.loads(dump(1), "text")
    stories = [attrs.evolve(story, title=f"T{i} " + "long " * 2000 + "end") for i in range(30)]
    storykit.to_sqlite(stories, tmp_path / "s.db")
    argv = ["search", "s.db", "end", "-n", "30", *json]
    whole = cli(*argv, cwd=tmp_path).stdout.encode("utf-8")
    assert len(whole) > 300_000
    limit = 100_000
    done = run_limited_into(*argv, cwd=tmp_path, limit=limit, out=tmp_path / "out")
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["storykit search: error: standard output: File too large"]
    assert (tmp_path / "out").read_bytes() == whole[:limit]
    closed = shell(
        "set -o pipefail; storykit " + " ".join(argv) + " | head -c 5 > /dev/null", tmp_path
    )
    assert (closed.returncode, closed.stderr) == (141, "")


def _dead_pid() -> int:
    """The id of a process that has ended (and is not waited for by anyone)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


@pytest.mark.skipif(os.name != "posix", reason="kill -9 and locks: POSIX")
def test_temporary_files_a_killed_convert_left_are_removed_by_the_next(tmp_path: Path) -> None:
    """Found by the lead's review: after ``kill -9`` of ``convert`` (which nothing can
    catch), its ``.storykit-*.tmp`` files stayed in the output folder for ever. The name
    now holds the writer's process id; the next ``convert`` into that folder removes a file
    of that exact name whose process is gone, that no one holds locked and that was not
    written in the last seconds. Nothing else is touched."""
    import fcntl

    dead = _dead_pid()
    write(tmp_path / "in" / "a.txt", dump(1))
    write(tmp_path / "in" / "sub" / "b.txt", dump(2))
    old = 1_000_000_000.0  # 2001: long since written

    def plant(folder: Path, name: str, *, age: float = old) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(b"half a story")
        os.utime(path, (age, age))
        return path

    left = [
        plant(tmp_path / "out", f".storykit-{dead}-0123abcd-7.tmp"),
        plant(tmp_path / "out" / "sub", f".storykit-{dead}-0123abcd-8.tmp"),
        plant(tmp_path / "flat", f".storykit-{dead}-89abcdef-0.tmp"),  # beside -o FILE
    ]
    kept = [
        plant(tmp_path / "out", f".storykit-{os.getpid()}-0123abcd-1.tmp"),  # its writer runs
        plant(tmp_path / "out", f".storykit-{dead}-0123abcd-2.tmp", age=time.time()),  # just now
        plant(tmp_path / "out", ".storykit-0123abcd-3.tmp"),  # an older storykit's: no id
        plant(tmp_path / "out", ".storykit-k3j2h1g0.tmp"),  # an older dump_many's (mkstemp): no id
        plant(tmp_path / "out", f".storykit-{dead}-0123abcd-4.tmp.bak"),  # not ours
        plant(tmp_path / "out", f"storykit-{dead}-0123abcd-5.tmp"),  # not hidden: not ours
    ]
    locked = plant(tmp_path / "out", f".storykit-{dead}-0123abcd-6.tmp")  # held by a writer
    kept.append(locked)
    (tmp_path / "out" / f".storykit-{dead}-0123abcd-9.tmp").mkdir()  # a folder
    target = plant(tmp_path, "elsewhere.txt")
    (tmp_path / "out" / f".storykit-{dead}-0123abcd-10.tmp").symlink_to(target)  # a link
    with open(locked, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = cli("convert", "in", "--to", "json", "-o", "out/", cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
        done = cli("convert", "in/a.txt", "-o", "flat/a.json", cwd=tmp_path)
        assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert [path.exists() for path in left] == [False] * len(left)
    assert [path.exists() for path in kept] == [True] * len(kept)
    assert (tmp_path / "out" / f".storykit-{dead}-0123abcd-9.tmp").is_dir()
    assert (tmp_path / "out" / f".storykit-{dead}-0123abcd-10.tmp").is_symlink()
    assert target.read_bytes() == b"half a story"
    assert sorted(files_under(tmp_path / "out")) == sorted(
        ["a.json", "sub/b.json"]
        + [str(p.relative_to(tmp_path / "out")) for p in kept]
        + [f".storykit-{dead}-0123abcd-10.tmp"]
    )


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc (Linux)")
def test_a_temporary_file_is_named_with_its_process_and_locked_while_written(
    tmp_path: Path,
) -> None:
    """What lets the next run tell a file left by ``kill -9`` from one being written."""
    import fcntl

    from storykit._writing import AtomicFile

    out = AtomicFile(str(tmp_path / "a.json"), force=False)
    try:
        assert out.temp is not None
        name = os.path.basename(out.temp)
        assert name.startswith(f".storykit-{os.getpid()}-") and name.endswith(".tmp")
        # another open file of it cannot lock it: the writer holds the lock
        with open(out.temp, "rb") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        out.write(b"{}")
        out.commit()
    finally:
        out.discard()
    assert os.listdir(tmp_path) == ["a.json"]


_KILLED_MID_WRITE = """
import os, signal, storykit
story = storykit.load({seed!r})

def stories():
    for i in range(5):
        yield story
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 in the middle of the file

{call}(stories(), {out!r})
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 and locks: POSIX")
@pytest.mark.parametrize(
    ("call", "name", "extra"),
    [
        ("storykit.to_parquet", "out.parquet", "pyarrow"),
        ("storykit.dump_many", "out.jsonl", None),
    ],
)
def test_a_file_writer_killed_mid_write_leaves_a_temp_the_next_run_removes(
    tmp_path: Path, call: str, name: str, extra: str | None
) -> None:
    # The Parquet writer and dump_many named their temporary file with mkstemp: a kill -9
    # left .storykit-k3j2h1g0.parquet.tmp for ever, as no later run could tell it was left.
    if extra is not None:
        pytest.importorskip(extra)
    out = tmp_path / name
    script = _KILLED_MID_WRITE.format(seed=str(SEED), call=call, out=str(out))
    done = run_python(script, measured=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".storykit-")]
    assert len(left) == 1 and not out.exists()
    os.utime(left[0], (1_000_000_000.0, 1_000_000_000.0))  # written long ago
    done = cli("convert", str(SEED), "-o", str(out), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert [s.title for s in storykit.iter_stories(out)] == [storykit.load(SEED).title]


_UNLISTABLE = """\
import os, sys
real = os.scandir
def scandir(path="."):
    if os.path.basename(os.fspath(path)) == "locked":  # as chmod 000 is for a user not root
        raise PermissionError(13, "Permission denied", os.fspath(path))
    return real(path)
os.scandir = scandir
from storykit.__main__ import run
sys.argv[0] = "storykit"
run()
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "in"],
        ["convert", "in", "--to", "json", "-o", "out/"],
        ["convert", "in", "-o", "out.jsonl"],
        ["convert", "in", "-o", "out.db"],
    ],
)
def test_a_folder_that_cannot_be_listed_is_reported_and_the_walk_goes_on(
    tmp_path: Path, argv: list[str]
) -> None:
    """Found in a first-ten-minutes pass (as a user, not root): a folder without read
    permission inside the input stopped the whole command (``storykit validate: error:
    in/locked: Permission denied``, the other files unread), and ``-o out.jsonl`` said
    ``cannot write out.jsonl: Permission denied`` of it. It is reported as an unreadable
    file is, and every other file is done, as ``find`` and ``grep -r`` do."""
    write(tmp_path / "in" / "a.txt", dump(1))
    write(tmp_path / "in" / "locked" / "b.txt", dump(2))
    write(tmp_path / "in" / "z.txt", dump(3))
    done = subprocess.run(
        [sys.executable, "-c", _UNLISTABLE, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=unmeasured(),
        timeout=120,
    )
    said = os.path.join("in", "locked") + ": {}cannot read the folder: Permission denied\n"
    if argv[0] == "validate":
        assert (done.returncode, done.stdout) == (1, said.format("error: "))
        assert done.stderr.startswith("2 stories checked: 1 error, 0 warnings")
    else:
        assert (done.returncode, done.stderr) == (1, said.format("") + "2 converted, 1 failed\n")


def test_the_library_reports_a_folder_that_cannot_be_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in" / "a.txt", dump(1))
    write(tmp_path / "in" / "locked" / "b.txt", dump(2))
    real = os.scandir

    def scandir(path: str = ".") -> object:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    stream = storykit.iter_stories(tmp_path / "in", errors="collect")
    assert [story.title for story in stream] == [storykit.loads(dump(1)).title]
    locked = tmp_path / "in" / "locked"
    assert [str(e) for e in stream.errors] == [
        f"{locked}: cannot read the folder: Permission denied"
    ]
    with pytest.raises(PermissionError):  # errors="raise": the OSError itself, as for a file
        list(storykit.iter_stories(tmp_path / "in"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "a.txt", "--to", "html"],
        ["convert", "in", "--to", "json"],
        ["validate", "in"],
        ["validate", "in", "--format", "json"],
        ["show", "a.txt"],
        ["schema"],
    ],
)
def test_a_full_standard_output_is_named_in_the_error(tmp_path: Path, argv: list[str]) -> None:
    """Found in a first-ten-minutes pass: ``storykit convert a.txt > /dev/full`` said
    ``storykit convert: error: No space left on device`` without saying which output."""
    write(tmp_path / "a.txt", dump(1))
    for i in range(300):  # enough text for every command to fill a buffer
        write(tmp_path / "in" / f"{i}.txt", dump(i) if argv[0] == "convert" else BAD_DATE)
    done = shell("storykit " + " ".join(argv) + " > /dev/full", tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"storykit {argv[0]}: error: standard output: No space left on device"
    )
