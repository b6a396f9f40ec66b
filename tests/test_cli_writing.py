"""What ``storykit convert`` leaves on disk when writing goes wrong or meets something odd.

Never a write through a link out of the output folder, never an empty or half-written file
(a file size limit, a full disk, an atomic write that fails), never a FIFO or a device
replaced: they are written into as a new file would be. The library's ``dump`` and
``dump_many`` leave no file either, and name the file they failed to write, not their
temporary file.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import storykit
from storykit import _writing

from .cli_helpers import (
    _fsize_limit,
    cli,
    files_under,
    jsonl_stories,
    many_stories,
    run,
    run_limited,
    shell,
    temp_files,
)
from .collection_helpers import BAD_DATE, dump, make_story, make_zip, write
from .conftest import SEED, run_python


def test_output_never_goes_through_a_link_out_of_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "in" / "a" / "b.txt", dump(1))
    write(tmp_path / "in" / "c.txt", dump(2))
    (tmp_path / "OUT").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "OUT" / "a").symlink_to(tmp_path / "elsewhere")
    status, _, err = run(capsys, "convert", "in", "--to", "json", "-o", "OUT")
    assert status == 1
    # what is wrong, and what to do
    assert err.splitlines()[0] == (
        f"{os.path.join('in', 'a', 'b.txt')}: {os.path.join('OUT', 'a')} leads outside OUT "
        "through a link; not written (remove the link, or give another -o)"
    )
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert (tmp_path / "OUT" / "c.json").is_file()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_force_never_writes_through_a_file_link_out_of_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # OUT/b.json -> ../elsewhere/b.json: --force wrote the story into elsewhere/ (and a site's
    # index.html likewise), though docs/cli.md says a link in OUT that leads out is refused
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "in" / "b.txt", dump(1))
    write(tmp_path / "in" / "c.txt", dump(2))
    (tmp_path / "OUT").mkdir()
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "elsewhere" / "keep.json", "precious\n")
    (tmp_path / "OUT" / "b.json").symlink_to(tmp_path / "elsewhere" / "keep.json")
    (tmp_path / "OUT" / "index.html").symlink_to(tmp_path / "elsewhere" / "index.html")
    (tmp_path / "OUT" / "c.json").symlink_to("c-inside.json")  # inside OUT: written through
    argv = ["convert", "in", "--to", "json", "-o", "OUT", "--force", "-j", jobs]
    status, _, err = run(capsys, *argv)
    real = tmp_path.resolve()
    assert status == 1
    assert err == (
        f"in/b.txt:1: cannot write OUT/b.json: it is a link to {real}/elsewhere/keep.json,"
        f" outside {real}/OUT; not written\n1 converted, 1 failed\n"
    )
    assert (tmp_path / "elsewhere" / "keep.json").read_text(encoding="utf-8") == "precious\n"
    assert storykit.load(tmp_path / "OUT" / "c-inside.json") == make_story(2)
    status, _, err = run(capsys, "convert", "in", "--to", "html", "-s", "-o", "OUT", "--force")
    assert status == 1
    assert f"cannot write OUT/index.html: it is a link to {real}/elsewhere/index.html" in err
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["keep.json"]


@pytest.mark.parametrize(
    "argv",
    [
        ["nothere.txt", "--to", "json", "-o", "y.json"],
        ["nothere.zip", "-o", "out.jsonl"],
        ["bad.txt", "-o", "out.jsonl"],
        ["bad.txt", "-o", "out.html"],
    ],
)
def test_no_output_file_unless_something_was_written(tmp_path: Path, argv: list[str]) -> None:
    write(tmp_path / "bad.txt", BAD_DATE)
    done = cli("convert", *argv, cwd=tmp_path)
    assert done.returncode == 1
    assert files_under(tmp_path) == ["bad.txt"]  # no empty output, no temporary file
    if argv[0].endswith(".zip"):  # the next, correct run works
        make_zip(tmp_path / argv[0], {"a.txt": dump(1)})
    else:
        write(tmp_path / argv[0], dump(1))
    assert cli("convert", *argv, cwd=tmp_path).returncode == 0


def test_no_database_is_left_when_no_story_came(tmp_path: Path) -> None:
    # an empty database was made whatever came (docs/cli.md: no output file exists unless
    # something was written to it); one that existed stays, and one with stories in it
    write(tmp_path / "bad.txt", BAD_DATE)
    write(tmp_path / "a.txt", dump(1))
    done = shell("storykit convert bad.txt missing.txt -o s.db", tmp_path)
    assert done.returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "bad.txt"]
    done = shell("storykit convert a.txt -o s.db -q && storykit convert bad.txt -o s.db", tmp_path)
    assert done.returncode == 1
    assert list(storykit.iter_stories(tmp_path / "s.db")) == [make_story(1)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_size_limit_leaves_no_temporary_file(tmp_path: Path, jobs: str) -> None:
    many_stories(tmp_path / "in", 300)
    write(tmp_path / "big.txt", "\n\n".join(dump(i) for i in range(300)))
    for argv in (["in", "-o", "OUT/", "--to", "json"], ["big.txt", "-o", "OUT/all.jsonl"]):
        # a few stories fit, most do not
        done = run_limited("convert", *argv, "-j", jobs, cwd=tmp_path, limit=300)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "File too large" in done.stderr
        assert temp_files(tmp_path) == []
        for path in (tmp_path / "OUT").rglob("*"):  # what is there is whole
            assert path.is_dir() or storykit.load(path, "json").title.startswith("Story")


def test_an_output_file_not_written_counts_no_story_converted(tmp_path: Path) -> None:
    # the summary said "300 converted, 1 failed" though no output file was left
    write(tmp_path / "big.txt", "\n\n".join(dump(i) for i in range(300)))
    done = run_limited("convert", "big.txt", "-o", "all.jsonl", cwd=tmp_path, limit=300)
    assert done.returncode == 1, done.stderr
    error, summary = done.stderr.splitlines()
    assert error == "cannot write all.jsonl: File too large"
    assert re.fullmatch(r"0 converted \(\d+ read, none written\), 1 failed", summary), summary
    assert not (tmp_path / "all.jsonl").exists()


def test_a_parquet_output_past_a_file_size_limit_is_named_and_left_out(tmp_path: Path) -> None:
    # "storykit convert: error: Error writing bytes to file. Detail: [errno 27] File too
    # large": the one output there was, not named.
    pytest.importorskip("pyarrow")
    story = storykit.load(SEED)
    stories = [attrs.evolve(story, title=f"Story {i}") for i in range(300)]
    storykit.dump_many(stories, tmp_path / "in.jsonl")
    done = run_limited("convert", "in.jsonl", "-o", "sub/out.parquet", cwd=tmp_path, limit=8192)
    said = "storykit convert: error: sub/out.parquet: File too large"
    assert (done.returncode, done.stderr) == (1, said + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no file, no folder


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:  # the in-process test below simulates it without a mount
        pytest.skip("cannot mount a small file system here")
    try:
        many_stories(tmp_path / "in", 600)
        for argv in (["in", "-o", "disk/OUT/"], ["in", "-o", "disk/all.jsonl"]):
            for jobs in ("1", "2"):
                done = cli("convert", *argv, "--to", "json", "-j", jobs, "-f", cwd=tmp_path)
                assert done.returncode == 1
                assert "No space left on device" in done.stderr
                assert "Traceback" not in done.stderr
                assert temp_files(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


class _FullDisk(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, _data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_atomic_write_without_force_never_replaces_anything(tmp_path: Path) -> None:
    # a file, a folder or a dangling link at the target stays; no temporary file is left;
    # the file has the mode open() would give it
    target = tmp_path / "sub" / "a.json"  # the folder is made when missing
    _writing.write_atomic(str(target), "first", force=False)
    assert target.read_text(encoding="utf-8") == "first"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    (tmp_path / "sub" / "folder.json").mkdir()
    (tmp_path / "sub" / "dangling.json").symlink_to(tmp_path / "nowhere")
    for name in ("a.json", "folder.json", "dangling.json"):
        with pytest.raises(FileExistsError):
            _writing.write_atomic(str(tmp_path / "sub" / name), "second", force=False)
    assert target.read_text(encoding="utf-8") == "first"
    assert (tmp_path / "sub" / "folder.json").is_dir()
    assert (tmp_path / "sub" / "dangling.json").is_symlink()
    assert not (tmp_path / "nowhere").exists()
    _writing.write_atomic(str(target), "third", force=True)
    assert target.read_text(encoding="utf-8") == "third"
    with pytest.raises(_writing.NotRegularError):
        _writing.write_atomic(str(tmp_path / "sub" / "folder.json"), "x", force=True)
    assert temp_files(tmp_path) == []
    assert files_under(tmp_path) == ["sub/a.json"]  # and the link, which leads nowhere


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_atomic_file_on_a_full_disk_removes_its_temporary_file(tmp_path: Path) -> None:
    for fail_on_close in (False, True):
        out = _writing.AtomicFile(str(tmp_path / "x.json"), force=False)
        raw = out.file
        # a buffered file over a "disk" that refuses every byte: the data waits in the
        # buffer and the failure shows at close, as on a real full disk
        out.file = io.BufferedWriter(_FullDisk(), buffer_size=1 << 16)
        out.file.write(b"{}")
        if not fail_on_close:
            with pytest.raises(OSError, match="No space"):
                out.file.write(b"x" * (1 << 17))
        raw.close()
        with pytest.raises(OSError, match="No space"):
            out.commit()
        assert files_under(tmp_path) == []
        out.discard()  # again: nothing left to do, no error


def test_dump_that_fails_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story = make_story(1)
    target = tmp_path / "x.json"

    def no_space(*_args: Any, **_kwargs: Any) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    # fails after the target would have been opened: writing the text
    real_write = _writing.AtomicFile.write
    monkeypatch.setattr(_writing.AtomicFile, "write", no_space)
    with pytest.raises(OSError, match="No space"):
        storykit.dump(story, target)
    assert files_under(tmp_path) == []
    monkeypatch.setattr(_writing.AtomicFile, "write", real_write)
    storykit.dump(story, target)
    assert storykit.load(target) == story
    storykit.dump(make_story(2), target)  # the library overwrites, as open(…, "w") does
    assert storykit.load(target) == make_story(2)
    assert files_under(tmp_path) == ["x.json"]


def test_dump_under_a_file_size_limit_leaves_no_file(tmp_path: Path) -> None:
    code = "import storykit, sys; from tests.collection_helpers import make_story\n"
    code += "storykit.dump(make_story(1), sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.json")],
        capture_output=True,
        check=False,
        encoding="utf-8",
        cwd=Path(__file__).parent.parent,
        preexec_fn=_fsize_limit(100),
        timeout=60,
    )
    assert "File too large" in done.stderr
    assert files_under(tmp_path) == []


_WRITE_FAILING = """
import os, resource, signal, storykit
story = storykit.load({seed!r})
storykit.dumps(story, "json")  # the writers imported while they can be
dump_many = storykit.dump_many
taken = []
if {files}:  # every file descriptor taken: the temporary file cannot be opened
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    while True:
        try:
            taken.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            break
else:  # a file size limit: the temporary file cannot be completed
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
for write in (storykit.dump, lambda s, path: dump_many([s], path)):
    try:
        write(story, {out!r})
    except OSError as exc:
        print(exc.filename, exc.strerror)
for fd in taken:
    os.close(fd)
print(sorted(os.listdir({folder!r})))
"""


@pytest.mark.skipif(os.name != "posix", reason="resource limits: POSIX")
@pytest.mark.parametrize("files", [True, False])
def test_a_write_that_fails_names_its_file_not_its_temporary_name(
    tmp_path: Path, files: bool
) -> None:
    # storykit.dump said "[Errno 24] Too many open files: '.storykit-81-1f0ab7ed-0.tmp'"
    # (a read-only disk likewise), or "[Errno 27] File too large" with no file at all.
    out = tmp_path / "story.json"
    script = _WRITE_FAILING.format(seed=str(SEED), files=files, out=str(out), folder=str(tmp_path))
    done = run_python(script, measured=False)
    error = "Too many open files" if files else "File too large"
    assert done.stdout.splitlines() == [f"{out} {error}", f"{out} {error}", "[]"], done.stderr


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_force_never_replaces_a_fifo(tmp_path: Path, force: list[str]) -> None:
    write(tmp_path / "a.txt", dump(1))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    done = cli("convert", "a.txt", "--to", "json", "-o", "fifo", *force, cwd=tmp_path)
    data, _ = reader.communicate(timeout=60)
    assert done.returncode == 0, done.stderr
    assert storykit.loads(data, "json") == make_story(1)  # written into, not replaced
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert temp_files(tmp_path) == []


def test_force_never_replaces_a_fifo_in_a_folder(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", dump(1))
    os.makedirs(tmp_path / "OUT")
    os.mkfifo(tmp_path / "OUT" / "a.json")
    done = cli("convert", "in", "--to", "json", "-o", "OUT/", "--force", cwd=tmp_path)
    assert done.returncode == 1
    assert "not a regular file; not replaced" in done.stderr
    assert stat.S_ISFIFO(os.lstat(tmp_path / "OUT" / "a.json").st_mode)
    assert temp_files(tmp_path) == []


def test_devices_are_written_into_never_replaced(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    before = os.stat("/dev/null")
    for force in ([], ["--force"]):
        done = cli("convert", "a.txt", "--to", "json", "-o", "/dev/null", *force, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        after = os.stat("/dev/null")
        assert stat.S_ISCHR(after.st_mode)
        assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    done = cli("convert", "a.txt", "--to", "json", "-o", "/dev/stdout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert storykit.loads(done.stdout, "json") == make_story(1)
    done = shell("storykit convert a.txt --to json -o /dev/stdout > out.json", tmp_path)
    assert done.returncode == 0, done.stderr
    assert storykit.load(tmp_path / "out.json") == make_story(1)
    assert os.path.islink("/dev/stdout") or stat.S_ISCHR(os.stat("/dev/stdout").st_mode)


def test_many_stories_into_a_fifo_or_a_device_go_as_into_a_new_file(tmp_path: Path) -> None:
    for i in (1, 2, 3):
        write(tmp_path / "in" / f"{i}.txt", dump(i))
    done = cli("convert", "in", "--to", "json", "-o", "new.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = (tmp_path / "new.jsonl").read_text("utf-8")
    assert jsonl_stories(tmp_path / "new.jsonl") == [make_story(i) for i in (1, 2, 3)]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    done = cli("convert", "in", "--to", "json", "-o", "fifo", cwd=tmp_path)
    if done.returncode != 0:
        reader.kill()  # nothing will open the FIFO for writing
    data, _ = reader.communicate(timeout=60)
    assert done.returncode == 0, done.stderr
    assert data.decode("utf-8") == expected  # JSON Lines, as into new.jsonl
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    for to in ("json", "jsonl", "text"):
        done = cli("convert", "in", "--to", to, "-o", "/dev/null", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "3 converted, 0 failed\n"
    done = cli("convert", "in", "--to", "jsonl", "-o", "/dev/stdout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    # a format that cannot hold many stories in one file is refused as for a new file
    done = cli("convert", "in", "--to", "html", "-o", "/dev/null", cwd=tmp_path)
    assert done.returncode == 2
    assert "many stories cannot go into one html output" in done.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert temp_files(tmp_path) == []
