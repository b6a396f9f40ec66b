"""Kill loop for ``convert -j 2`` (on demand: ``python benchmarks/kill_workers.py``; no test).

Builds 9,000 dumps under a temporary folder (every 40th story about 300 KB, so that a chunk's
output is over a shared slot's 1 MiB and goes back through the executor's pipe), converts
them once with ``-j 1`` as the reference, then runs ``convert -j 2 --force`` ``--runs``
times, each time sending ``kill -9`` to one to three workers at random moments (seeded by
the run's number). ``--mode term`` or ``--mode int`` sends SIGTERM or SIGINT (to the main
process; SIGINT to the whole group, as Ctrl-C) in place of the last kill. ``--out dir``
converts into a folder (``-o OUT/ --to md``: the workers write the files) instead of one
JSON Lines file. Each run must end within 60 s, exit 0 (its output then byte for byte the
reference's), 1 naming the input that killed a worker, 130 or 143; no worker may be left
running, and no ``.storykit-*.tmp`` left anywhere. Prints one line per run, and the count
of bad runs (the exit status is 1 if there was one).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import storykit  # noqa: E402
from storykit import Credit, Image, Section, Source, Story  # noqa: E402


def _story(i: int) -> Story:
    story = Story(
        f"Story number {i} about chips",
        source=Source("SCMP", datetime.date(2026, 5, 1 + i % 28)),
        image=Image("A robot", Credit("photo", "Pavel Danilyuk", "Pexels")),
        sections=[Section(None, [f"Lead paragraph {i}."]), Section("The play", [f"Body {i}."])],
    )
    if i % 40 == 0:  # about 300 KB
        body = [f"Paragraph {i}-{k} " + "word " * 2000 + "end." for k in range(30)]
        story = attrs.evolve(story, sections=[Section(None, body)])
    return story


def _children(pid: int) -> list[int]:
    found = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        with contextlib.suppress(OSError):
            found += [int(x) for x in Path(path).read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--mode", choices=["kill", "term", "int"], default="kill")
    parser.add_argument("--out", choices=["file", "dir"], default="file")
    parser.add_argument("--stories", type=int, default=9000)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "storykit", "convert", "in", "--force"]
    target = ["-o", "out.jsonl"] if args.out == "file" else ["-o", "OUT/", "--to", "md"]
    work = Path(tempfile.mkdtemp(prefix="storykit-kill-"))
    try:
        (work / "in").mkdir()
        for i in range(args.stories):
            (work / "in" / f"{i:05}.txt").write_text(storykit.dumps(_story(i), "text"), "utf-8")
        reference = ["-o", "ref.jsonl"] if args.out == "file" else ["-o", "REF/", "--to", "md"]
        subprocess.run([*command[:-1], *reference, "-j", "1"], cwd=work, env=env, check=True)
        bad = 0
        for run in range(args.runs):
            bad += _run(
                run,
                work,
                command=[*command, *target, "-j", "2"],
                env=env,
                mode=args.mode,
                out=args.out,
            )
        print("bad runs:", bad)
        return 1 if bad else 0
    finally:
        shutil.rmtree(work)


def _run(
    run: int, work: Path, *, command: list[str], env: dict[str, str], mode: str, out: str
) -> int:
    shutil.rmtree(work / "OUT", ignore_errors=True)
    (work / "out.jsonl").unlink(missing_ok=True)
    rng = random.Random(run)
    process = subprocess.Popen(
        command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    seen: set[int] = set()
    sent: list[str] = []
    start = time.monotonic()
    at = start + rng.uniform(0.1, 3.5)
    count = rng.choice([1, 1, 2, 3])
    while process.poll() is None and time.monotonic() - start < 60:
        workers = _children(process.pid)
        seen.update(workers)
        if workers and time.monotonic() > at and len(sent) < count:
            if mode == "kill" or len(sent) < count - 1:
                os.kill(rng.choice(workers), signal.SIGKILL)
                sent.append("KILL")
            elif mode == "term":
                os.kill(process.pid, signal.SIGTERM)
                sent.append("TERM")
            else:
                os.killpg(process.pid, signal.SIGINT)
                sent.append("INT")
            at = time.monotonic() + rng.uniform(0.0, 0.6)
        time.sleep(rng.uniform(0.001, 0.02))
    hung = process.poll() is None
    if hung:
        os.killpg(process.pid, signal.SIGKILL)
    _, err = process.communicate()
    time.sleep(0.3)
    stray = [pid for pid in seen if _alive(pid)]
    temps = [str(p) for p in work.rglob(".storykit-*")]
    status = process.returncode
    problems = []
    if hung:
        problems.append("HANG")
    if stray or temps:
        problems.append(f"stray={stray} temps={temps}")
    if status not in (0, 1, 130, 143):
        problems.append("status")
    if status == 1 and b"worker process" not in err:
        problems.append("failed")
    if status == 0 and not _same(work, out):
        problems.append("OUTPUT DIFFERS")
    seconds = time.monotonic() - start
    line = f"run {run}: status {status} in {seconds:.1f}s after {sent}: {err.decode()[-200:]!r}"
    print(("BAD " + " ".join(problems) + " " if problems else "") + line, flush=True)
    for pid in stray:
        os.kill(pid, signal.SIGKILL)
    return 1 if problems else 0


def _same(work: Path, out: str) -> bool:
    if out == "file":
        return (work / "out.jsonl").read_bytes() == (work / "ref.jsonl").read_bytes()
    names = sorted(p.relative_to(work / "OUT") for p in (work / "OUT").rglob("*"))
    if names != sorted(p.relative_to(work / "REF") for p in (work / "REF").rglob("*")):
        return False
    return all(
        (work / "OUT" / n).is_dir()
        or (work / "OUT" / n).read_bytes() == (work / "REF" / n).read_bytes()
        for n in names
    )


if __name__ == "__main__":
    sys.exit(main())
