"""Internals of storykit._writing: what the output namer sends to the workers."""

from __future__ import annotations

import pickle
import signal
from pathlib import Path

import pytest

from storykit import _writing
from storykit._naming import Namer
from storykit._work_records import Job


def test_a_worker_gets_the_namer_without_the_names_it_gave_out(tmp_path: Path) -> None:
    """Found while fixing left temporary files: the namer went to the workers in every
    chunk's Job with every output name given out so far (a hash each), so that each chunk
    cost more to send than the one before: with -o DIR and 100,000 files, a megabyte a
    chunk. A worker only needs the roots and the suffix (Namer.dest)."""
    namer = Namer(str(tmp_path / "out"), ".json")
    small = len(pickle.dumps(Job("convert", namer=namer)))
    for i in range(10_000):
        namer.stem(str(tmp_path / "in" / f"{i}.txt"), None, str(tmp_path / "in"))
    job = Job("convert", namer=namer)
    assert len(pickle.dumps(job)) == small
    copy = pickle.loads(pickle.dumps(job)).namer
    assert (copy.root, copy.suffix, copy.real_root) == (namer.root, ".json", namer.real_root)
    stem = namer.stem(str(tmp_path / "in" / "x.txt"), None, str(tmp_path / "in"))
    assert copy.dest(stem, 2, True) == namer.dest(stem, 2, True) == f"{stem}-2.json"


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal mask (Windows)")
def test_a_signal_as_they_are_held_back_leaves_them_let_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Ctrl-C that arrived as signals_held blocked the signals was handled as that call
    returned (a KeyboardInterrupt before the ``try``): they stayed held back for ever."""
    real = signal.pthread_sigmask
    before = real(signal.SIG_BLOCK, ())

    def then_ctrl_c(how: int, mask: object) -> set[signal.Signals]:
        old = real(how, mask)  # type: ignore[arg-type]
        if how == signal.SIG_BLOCK and mask:
            raise KeyboardInterrupt  # as Python's handler raises it, after the call
        return old

    monkeypatch.setattr(signal, "pthread_sigmask", then_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt), _writing.signals_held():
            pass  # pragma: no cover - not reached
        assert real(signal.SIG_BLOCK, ()) == before
    finally:
        real(signal.SIG_SETMASK, before)
