"""``convert --jobs 1`` reads a file as its path leads when it is read.

The walk opens the next files named, to ask the kernel to read them ahead, while the first
is read; a named pipe named first holds the reading back, deterministically, until the test
writes into it: meanwhile a file named after it is moved aside and another put in its place,
or its folder renamed. The command must read what the path leads to then.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import storykit

from .cli_helpers import storykit_cmd
from .collection_helpers import dump


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX")
@pytest.mark.parametrize("change", ["moved aside", "folder renamed"])
def test_a_file_replaced_while_a_pipe_holds_the_reading_is_read_as_its_path_leads(
    tmp_path: Path, change: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    first, second = folder / "a.txt", folder / "b.txt"
    first.write_text(dump(0), encoding="utf-8")
    second.write_text(dump(1), encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    command = storykit_cmd("convert", "--jobs", "1", "pipe.txt", "in/a.txt", "in/b.txt")
    with subprocess.Popen(
        [*command, "--to", "json", "-o", "out.jsonl"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    ) as proc:
        with open(fifo, "wb") as pipe:  # opened once the command reads it: past the walk
            if change == "moved aside":
                os.rename(first, tmp_path / "a.old")
                first.write_text(dump(2), encoding="utf-8")
            else:
                os.rename(folder, tmp_path / "moved")
            pipe.write(dump(3).encode("utf-8"))
        _, err = proc.communicate(timeout=60)
    titles = [storykit.loads(dump(i), "text").title for i in range(4)]
    got = [story.title for story in storykit.iter_stories(tmp_path / "out.jsonl")]
    if change == "moved aside":
        assert (proc.returncode, err) == (0, "3 converted, 0 failed\n")
        assert got == [titles[3], titles[2], titles[1]]  # (not titles[0]: a.txt moved)
    else:
        assert proc.returncode == 1
        assert "in/a.txt: no such file or directory" in err
        assert "in/b.txt: no such file or directory" in err
        assert got == [titles[3]]
