"""The fuzzer of tests/fuzz.py, run a bounded number of times, and its kept regressions.

``STORYKIT_FUZZ=N`` runs N inputs instead of the default (``STORYKIT_FUZZ_SEED`` picks the
run); ``python -m tests.fuzz --thorough`` runs a million outside pytest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import storykit
from storykit import Story, StoryParseError
from tests import fuzz

# about 20 s here, twice that under CI's coverage; STORYKIT_FUZZ=1000000 for a thorough run
COUNT = int(os.environ.get("STORYKIT_FUZZ", "5000"))
SEED = int(os.environ.get("STORYKIT_FUZZ_SEED", "0"))


def _regression_params() -> list[object]:
    return [pytest.param(path, fmt, data, id=path.name) for path, fmt, data in fuzz.regressions()]


@pytest.mark.parametrize(("path", "fmt", "data"), _regression_params())
def test_kept_regression(path: Path, fmt: str | None, data: str | bytes) -> None:
    failures = fuzz.check(fmt, data)
    assert not failures, f"{path.name}: " + "\n".join(f.describe() for f in failures)


def test_regressions_cover_every_reader() -> None:
    formats = {fmt for _, fmt, _ in fuzz.regressions()}
    assert formats >= {"text", "json", "markdown", "ninjs", None}


def test_bounded_fuzz() -> None:
    pool = fuzz.seeds()
    report = fuzz.run(SEED, 0, COUNT, pool=pool)
    failures = report.failures or []
    lines = [
        f"seed {SEED} input {index}: {failure.describe()}\n"
        f"  reproduce: python -m tests.fuzz --seed {SEED} --start {index} --count 1 -v "
        "--save tests/fuzz_regressions"
        for index, failure in failures
    ]
    assert not lines, "\n".join(lines[:20])
    assert report.inputs == COUNT
    # the mutations must leave enough stories readable for the writer contract to be tested:
    # about 40% with the development corpus among the seeds, 16% with the seed and the ninjs
    # fixtures alone (a checkout without ../shared)
    assert report.accepted > COUNT // 10, report


def test_inputs_are_reproducible() -> None:
    pool = fuzz.seeds()
    assert fuzz.make_input(3, 17, pool) == fuzz.make_input(3, 17, pool)
    assert fuzz.make_input(3, 17, pool) != fuzz.make_input(3, 18, pool)


def test_the_mutations_reach_every_failure_class() -> None:
    """Each class of hostile input in issue 8 is among the first few thousand inputs."""
    pool = fuzz.seeds()
    found = {"deep": 0, "digits": 0, "surrogate": 0, "control": 0, "bytes": 0, "sniff": 0}
    for index in range(3000):
        fmt, data = fuzz.make_input(0, index, pool)
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        found["deep"] += "[" * 99 in text or "- " * 99 in text or '{"a":' * 99 in text
        found["digits"] += "9" * 4301 in text or "1" * 4301 in text
        found["surrogate"] += any("\ud800" <= c <= "\udfff" for c in text) or "\\ud" in text
        found["control"] += "\x00" in text or "\x0b" in text or "\x85" in text
        found["bytes"] += isinstance(data, bytes)
        found["sniff"] += fmt is None
    assert all(found.values()), found


def test_harness_reports_a_broken_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness itself: a reader that raises anything else, or a lossy writer, is caught."""

    def broken(data: str | bytes, fmt: str | None = None, **_: object) -> Story:
        raise KeyError("oops")

    monkeypatch.setattr(storykit, "loads", broken)
    (failure,) = fuzz.check("text", "Title\n\nBody.\n")
    assert failure.kind == "reader"
    assert "KeyError" in failure.detail


def test_harness_reports_a_broken_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    real = storykit.dumps

    def lossy(story: Story, fmt: str = "json", **options: object) -> str:
        if fmt == "json":
            return real(Story(story.title + "!"), fmt)
        return real(story, fmt, **options)

    data = real(Story("Title"), "json")
    monkeypatch.setattr(storykit, "dumps", lossy)
    failures = fuzz.check("json", data)
    assert [f.kind for f in failures] == ["round trip"]
    assert "title: 'Title' became 'Title!'" in failures[0].detail


def test_harness_reports_an_unbounded_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def wordy(data: str | bytes, fmt: str | None = None, **_: object) -> Story:
        error = StoryParseError("short")
        error.message = "x" * 100_000
        raise error

    monkeypatch.setattr(storykit, "loads", wordy)
    (failure,) = fuzz.check("json", "{}")
    assert failure.kind == "message"


def test_save_names_say_how_to_replay(tmp_path: Path) -> None:
    cases: list[tuple[str | None, str | bytes]] = [
        ("json", "{}"),
        (None, "a\ud800"),
        ("markdown", b"\xff"),
    ]
    for i, (fmt, data) in enumerate(cases):
        fuzz.save(i, fuzz.Failure("reader", fmt, data, ""), tmp_path, 7)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["seed7-0.json", "seed7-1.str.sniff", "seed7-2.bytes.markdown"]
    replayed = sorted((p.name, fmt, data) for p, fmt, data in fuzz.regressions(tmp_path))
    assert [(fmt, data) for _, fmt, data in replayed] == cases
