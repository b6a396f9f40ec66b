"""Shared fixtures: the seed, and the development corpus in ../shared/corpus (when present)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_1f0ab7ed21f31e00.txt"
SHARED = Path(os.environ.get("STORYKIT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
CORPUS_STORIES = sorted((CORPUS / "stories").glob("*.txt")) if CORPUS.is_dir() else []
NO_CORPUS = f"the development corpus is not at {CORPUS} (set STORYKIT_SHARED to its parent)"


def run_python(
    script: str, *, measured: bool = True, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter with this checkout's storykit, and wait for it.

    ``measured=False``: not under coverage (CI measures every process it starts), for a
    script whose signals would land in coverage's own saving of its data at exit.
    ``timeout``: seconds before it is killed and the test fails (a hang).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if not measured:
        env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_PROCESS_")}
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=env,
    )


settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# CI (.ci/run) runs the suite under coverage, which makes it nearly twice as slow: there each
# property draws 50 examples (a new draw each run, as here).
settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def corpus_ids() -> list[str]:
    return [p.stem for p in CORPUS_STORIES]


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture(params=CORPUS_STORIES or [None], ids=corpus_ids() or ["no-corpus"])
def corpus_story(request: pytest.FixtureRequest) -> Path:
    """Each dump of the development corpus in turn (skips when the corpus is absent)."""
    if request.param is None:
        pytest.skip(NO_CORPUS)
    path: Path = request.param
    return path


@pytest.fixture
def unix_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A Unix socket named ``sock`` in ``tmp_path``, which is the working folder.

    Bound by its relative name: the path of a socket is limited to about 100 bytes, and a
    temporary folder's may be longer (macOS).
    """
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("this platform has no Unix sockets (socket.AF_UNIX)")
    monkeypatch.chdir(tmp_path)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("sock")
        yield Path("sock")
