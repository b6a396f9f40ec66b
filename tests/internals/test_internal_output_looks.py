"""How often ``convert`` looks at its ``-o``: once for what it is, once to resolve it.

These tests reach in by wrapping :func:`os.stat`, :func:`os.lstat` and
:func:`os.path.realpath` (as ``test_internal_output_holds`` counts the walk's): a look
saved changes no output, and only counting the calls shows it. ``convert`` asked of the
same ``-o`` whether it was a folder, a device (three times), the file standard output is,
and resolved it twice; it now looks once and hands the answer along.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..cli_helpers import jsonl_stories, run
from ..collection_helpers import dump, make_story, write


def _count(
    monkeypatch: pytest.MonkeyPatch, watched: dict[str, str]
) -> collections.Counter[tuple[str, str]]:
    """The calls asking of a path in ``watched`` (path: what it is called), by kind."""
    seen: collections.Counter[tuple[str, str]] = collections.Counter()

    def counting(kind: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(path: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(path, str) and path in watched:
                seen[kind, watched[path]] += 1
            return real(path, *args, **kwargs)

        return counted

    monkeypatch.setattr(os, "stat", counting("stat", os.stat))
    monkeypatch.setattr(os, "lstat", counting("lstat", os.lstat))
    monkeypatch.setattr(os.path, "realpath", counting("realpath", os.path.realpath))
    return seen


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd")
def test_a_device_output_is_looked_at_once_and_resolved_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # convert in -o /dev/fd/N N>>in/all.jsonl: what -o is, the file it writes into, and
    # that file's real path (to leave it out of the walk of in/)
    write(tmp_path / "in" / "a.txt", dump(1))
    appended = tmp_path / "in" / "all.jsonl"
    fd = os.open(appended, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        out = f"/dev/fd/{fd}"
        seen = _count(monkeypatch, {out: "-o", str(appended): "the file"})
        status, _, err = run(
            capsys, "convert", str(tmp_path / "in"), "-o", out, "-j", "1", "--to", "json"
        )
    finally:
        os.close(fd)
    assert (status, err) == (0, "1 converted, 0 failed\n")
    assert jsonl_stories(appended) == [make_story(1)]  # (and all.jsonl was not read)
    assert seen == {
        ("stat", "-o"): 1,  # what it is: a folder? a device? the file written into?
        ("lstat", "-o"): 1,  # (a link under /dev: a standard stream)
        ("realpath", "-o"): 1,  # where it leads (once: not again to leave it out)
        ("stat", "the file"): 1,  # that it is the file found at the start
        ("lstat", "the file"): 1,  # (resolving /dev/fd/N)
    }


def test_an_output_folder_is_looked_at_once_and_resolved_once_for_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "in" / "a.txt", dump(1))
    out = f"{tmp_path / 'OUT'}/"
    seen = _count(monkeypatch, {out: "-o"})
    status, _, err = run(
        capsys, "convert", str(tmp_path / "in"), "-o", out, "-j", "1", "--to", "json"
    )
    assert (status, err) == (0, "1 converted, 0 failed\n")
    assert (tmp_path / "OUT" / "a.json").is_file()
    assert seen == {
        ("stat", "-o"): 2,  # what it is; and, once made, that it is a folder (make_folder)
        ("lstat", "-o"): 1,  # (make_folder: whether it is there to make)
        # resolved for the check that it is no input folder, and for the names in it; not
        # again to leave it out of the walk, nor to check its top folder is inside it
        ("realpath", "-o"): 2,
    }
