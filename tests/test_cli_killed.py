"""The storykit command stopped from outside: Ctrl-C as it starts, a worker killed mid-send."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import attrs
import pytest

import storykit
from storykit import Section, _engine
from tests.conftest import ROOT, run_python

from .cli_helpers import (
    cli,
    files_under,
    jsonl_stories,
    temp_files,
)
from .collection_helpers import dump, make_story, make_zip, write

# --------------------------------------------------------------------------- Ctrl-C at start

_ENTRY = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
_MODULE, _FUNCTION = _ENTRY["storykit"].split(":")

# A child that runs the console script's entry point as pip's wrapper does, with a finder
# that sends the process SIGINT (a real Ctrl-C, to itself) as module NAME starts to import.
_INTERRUPTED_AT = """\
import importlib.abc, os, signal, sys
class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {name!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None
import storykit  # the package: imported before any of its code can guard anything
sys.meta_path.insert(0, Interrupt())
sys.argv = ["storykit", "convert", "nothere.txt", "--to", "json"]
from {module} import {function}
sys.exit({function}())
"""


def _imported_by_the_command() -> list[str]:
    """The modules the command imports beyond the package and the entry point's module."""
    done = run_python(
        "import importlib.abc, os, signal, sys, storykit\n"  # as the child above
        f"from {_MODULE} import {_FUNCTION}\n"  # (what it imports is not guarded either)
        "before = set(sys.modules)\n"
        "import storykit.cli\n"
        "print(*[name for name in sys.modules if name not in before])\n"
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_ctrl_c_while_the_command_is_imported_ends_it_quietly() -> None:
    """A Ctrl-C while storykit.cli and its modules were imported showed a traceback."""
    names = _imported_by_the_command()
    assert "storykit.cli" in names and "storykit._batch" in names, names
    # the first, one in the middle, the last (the command's own module comes last)
    for name in dict.fromkeys([names[0], "storykit._batch", names[-1], "storykit.cli"]):
        done = run_python(_INTERRUPTED_AT.format(name=name, module=_MODULE, function=_FUNCTION))
        assert done.returncode == 130, (name, done.stderr)
        assert done.stderr == "", (name, done.stderr)
        assert done.stdout == ""


def test_ctrl_c_while_the_parser_is_built_ends_it_quietly() -> None:
    """main() catches Ctrl-C once the command line is read; before, it was a traceback."""
    script = (
        "import os, signal, sys\n"
        "import storykit.cli\n"
        "built = storykit.cli._parser\n"
        "def interrupted():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return built()\n"
        "storykit.cli._parser = interrupted\n"
        "sys.argv = ['storykit', '--version']\n"
        f"from {_MODULE} import {_FUNCTION}\n"
        f"{_FUNCTION}()\n"
    )
    done = run_python(script)
    assert done.returncode == 130, done.stderr
    assert done.stderr == ""
    assert done.stdout == ""


# --------------------------------------------------------------------------- kill -9 mid-send

# `storykit convert in.zip -o out.jsonl -j 2` in a child, in {cwd}, where a worker sending a
# result over 1 MiB that holds KILLME (an output too large for its shared slot, which goes
# through the executor's pipe) writes half of it into the pipe, then is killed (SIGKILL, as
# `kill -9`), {kills} time(s) in all: each leaves its process id in killed/. Then {before}.
_KILLED_MID_SEND = """\
import multiprocessing, os, signal, sys, time
from multiprocessing import connection
os.chdir({cwd!r})
main = os.getpid()
real = connection.Connection._send

def send(self, buf, *args):
    if os.getpid() != main and len(buf) > 1 << 20 and b"KILLME" in bytes(buf):
        if len(os.listdir("killed")) < {kills}:
            open(os.path.join("killed", str(os.getpid())), "w").close()
            real(self, buf[: len(buf) // 2])  # half the result is in the pipe...
            os.kill(os.getpid(), signal.SIGKILL)  # ...when the worker is killed
    real(self, buf, *args)

connection.Connection._send = send
{before}
from storykit.cli import main as storykit
status = storykit(["convert", "in.zip", "-o", "out.jsonl", "-j", "2"])
print("workers left:", len(multiprocessing.active_children()))
sys.exit(status)
"""

# the output file cannot be written (a full disk) once the worker is killed: the command
# stops, and shuts the pool down while the executor's thread waits for the rest of the result
_FULL_ONCE_KILLED = """\
import errno
from storykit import _writing
def write(self, data):
    while not os.listdir("killed"):
        time.sleep(0.01)
    try:  # killed (it may be collected already: the pool has looked at it)
        os.waitid(os.P_PID, int(os.listdir("killed")[0]), os.WEXITED | os.WNOWAIT)
    except ChildProcessError:
        pass
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
_writing.AtomicFile.write = write
"""


def _killed_mid_send(
    tmp_path: Path, kills: int, before: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the child above on 64 small stories and one whose JSON is over 1 MiB, last."""
    long = attrs.evolve(
        storykit.loads(dump(64)), sections=[Section(None, ["KILLME" + " word" * 250_000])]
    )
    members = {f"{i:03}.txt": dump(i) for i in range(64)}
    members["064.txt"] = storykit.dumps(long, "text")  # a chunk of its own (after 64 units)
    make_zip(tmp_path / "in.zip", members)
    (tmp_path / "killed").mkdir()
    script = _KILLED_MID_SEND.format(cwd=str(tmp_path), kills=kills, before=before)
    return run_python(script, timeout=30)  # it hung for ever


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_a_worker_killed_halfway_through_sending_a_result_does_not_hang(tmp_path: Path) -> None:
    """Found by an attacker session: ``kill -9`` of a ``-j 2`` worker while it wrote a
    result into the executor's pipe (an output over 1 MiB, or no shared slot free) hung the
    command for ever, about one run in 25: the executor's thread had half a message and
    waited for the rest, and never saw the death. SIGTERM did not end it either. Now the
    death breaks the pool as any other does: the chunks in flight are done again."""
    done = _killed_mid_send(tmp_path, kills=1)
    assert len(os.listdir(tmp_path / "killed")) == 1  # the worker was killed, mid-send
    assert (done.returncode, done.stderr) == (0, "65 converted, 0 failed\n")
    assert done.stdout == "workers left: 0\n"
    expected = cli("convert", "in.zip", "-o", "expected.jsonl", "-j", "1", cwd=tmp_path)
    assert expected.returncode == 0, expected.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "expected.jsonl").read_bytes()
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
def test_an_input_that_kills_its_worker_mid_send_is_reported(tmp_path: Path) -> None:
    """The same death, each time the result is sent (a crash in the sending): the input is
    reported as any input that kills its worker is, and the rest is converted, in order."""
    done = _killed_mid_send(tmp_path, kills=99)
    assert len(os.listdir(tmp_path / "killed")) == 2  # in the pool, then on its own
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"in.zip:064.txt: {_engine.WORKER_DIED}",
        "64 converted, 1 failed",
    ]
    assert done.stdout == "workers left: 0\n"
    titles = [story.title for story in jsonl_stories(tmp_path / "out.jsonl")]
    assert titles == [make_story(i).title for i in range(64)]
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "waitid"), reason="needs os.waitid")
def test_a_command_stopping_while_a_worker_is_killed_mid_send_does_not_hang(
    tmp_path: Path,
) -> None:
    """The output cannot be written (a full disk) while the executor's thread waits for
    the rest of a killed worker's result: the shutdown of the pool, which waits for that
    thread, hung; as it did after Ctrl-C or SIGTERM then."""
    done = _killed_mid_send(tmp_path, kills=1, before=_FULL_ONCE_KILLED)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == "cannot write out.jsonl: No space left on device"
    assert done.stdout == "workers left: 0\n"
    assert sorted(os.listdir(tmp_path)) == ["in.zip", "killed"]  # no output, no temporary file


# `storykit convert in -o out/ --to md -j 2` in a child, in {cwd}, where the worker writing
# out/{victim}.md is killed (SIGKILL, as `kill -9`) once that file is written under its
# temporary name, not yet renamed: the file is left, its process id in killed/
_KILLED_MID_WRITE = """\
import multiprocessing, os, signal, sys
os.chdir({cwd!r})
main = os.getpid()
from storykit import _writing
real = _writing.AtomicFile.write

def write(self, data):
    real(self, data)
    if os.getpid() != main and self.dest.endswith("{victim}.md"):
        if not os.listdir("killed"):
            self.file.flush()
            open(os.path.join("killed", str(os.getpid())), "w").close()
            os.kill(os.getpid(), signal.SIGKILL)

_writing.AtomicFile.write = write
from storykit.cli import main as storykit
status = storykit(["convert", "in", "-o", "out/", "--to", "md", "-j", "2"])
print("workers left:", len(multiprocessing.active_children()))
sys.exit(status)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked on Linux only")
@pytest.mark.parametrize("victim", ["sub/050", "150"])
def test_a_worker_killed_while_writing_a_file_leaves_no_temporary_file(
    tmp_path: Path, victim: str
) -> None:
    """Found by an attacker session (``kill -9`` of ``-j 2`` workers at random moments,
    ``-o DIR``): the chunk was done again and the command ended well ("0 failed", exit 0),
    but the file the worker was writing stayed in OUT as ``.storykit-PID-….tmp`` (until a
    later run into OUT, 10 seconds on). Its writer is dead: it is removed now, as the
    pool's workers are ended."""
    for i in range(200):  # more than two chunks: a pool, and files in two folders
        write(tmp_path / "in" / ("sub" if i < 100 else "") / f"{i:03}.txt", dump(i))
    (tmp_path / "killed").mkdir()
    done = run_python(_KILLED_MID_WRITE.format(cwd=str(tmp_path), victim=victim), timeout=60)
    assert len(os.listdir(tmp_path / "killed")) == 1  # the worker was killed, mid-file
    assert (done.returncode, done.stderr) == (0, "200 converted, 0 failed\n")
    assert done.stdout == "workers left: 0\n"
    assert temp_files(tmp_path / "out") == []
    expected = cli("convert", "in", "-o", "expected/", "--to", "md", "-j", "1", cwd=tmp_path)
    assert expected.returncode == 0, expected.stderr
    out, want = tmp_path / "out", tmp_path / "expected"
    assert files_under(out) == files_under(want)
    assert all(
        (out / name).read_bytes() == (want / name).read_bytes() for name in files_under(want)
    )
