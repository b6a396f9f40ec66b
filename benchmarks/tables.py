"""SQLite and Parquet benchmark (run on demand: ``python benchmarks/tables.py``; not a test).

Speed: writes N stories (default 20,000: the seed and the development corpus, repeated with
numbered titles so each is a different story) as JSON Lines (``storykit.dump_many``), as an
SQLite database (``storykit.to_sqlite``, a new file each round) and as Parquet
(``storykit.to_parquet``), from stories already in memory, in interleaved rounds, printing
the median wall and CPU time of each (CPU: all the process's threads). Target: SQLite within
2x of JSON Lines.

Conversion: ``--convert`` writes the N stories as dump files (100 to a file) and times the
whole command, ``storykit convert DIR -o out.jsonl|out.db|out.parquet --jobs 1``: reading and
parsing the dumps included, which is what a user waits for (CPU: the child process's).
``--both`` runs the two, one after the other.

Memory: ``--memory`` writes 20,000 and then 100,000 stories made on the fly, each in a fresh
process, and prints the peak resident memory of each: flat if writing streams.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs

import storykit
from storykit import Story

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "stories"
SEED = ROOT / "seeds" / "000_1f0ab7ed21f31e00.txt"


def base_stories() -> list[Story]:
    paths = [SEED, *sorted(CORPUS.glob("*.txt"))]
    return [story for path in paths for story in storykit.iter_stories(path)]


def many(n: int, base: list[Story]) -> Iterator[Story]:
    """``n`` different stories: the base ones over and over, each title numbered."""
    for i, story in zip(range(n), itertools.cycle(base), strict=False):
        yield attrs.evolve(story, title=f"{story.title} #{i}")


def timed(write: Callable[[list[Story], str], object], stories: list[Story], path: str) -> Times:
    for extra in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + extra):
            os.unlink(path + extra)
    cpu, start = time.process_time(), time.perf_counter()
    write(stories, path)
    return Times(time.perf_counter() - start, time.process_time() - cpu)


@attrs.frozen
class Times:
    wall: float
    cpu: float
    """CPU seconds of the process (all its threads) or of the child process."""


def report(title: str, times: dict[str, list[Times]], sizes: dict[str, int], n: int) -> None:
    """Medians of the rounds (the machine is shared: the best round flatters, the median less)."""
    wall = {name: statistics.median(t.wall for t in ts) for name, ts in times.items()}
    cpu = {name: statistics.median(t.cpu for t in ts) for name, ts in times.items()}
    base = next(iter(times))
    rounds = len(times[base])
    print(f"{title}, median of {rounds} rounds (wall and CPU seconds)")
    for name in times:
        print(
            f"  {name:12} wall {wall[name]:6.2f} s {wall[name] / wall[base]:5.2f}x"
            f"   cpu {cpu[name]:6.2f} s {cpu[name] / cpu[base]:5.2f}x"
            f"   {n / wall[name]:8,.0f} stories/s  {sizes[name] / 1e6:6.1f} MB"
        )


def speed(n: int, rounds: int) -> None:
    stories = list(many(n, base_stories()))
    writers: dict[str, tuple[Callable[[list[Story], str], object], str]] = {
        "jsonl": (storykit.dump_many, "out.jsonl"),
        "sqlite": (storykit.to_sqlite, "out.db"),
    }
    if importlib.util.find_spec("pyarrow") is not None:
        writers["parquet"] = (storykit.to_parquet, "out.parquet")
    times: dict[str, list[Times]] = {name: [] for name in writers}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for name, (write, file) in writers.items():
                times[name].append(timed(write, stories, os.path.join(folder, file)))
        sizes = {
            name: os.path.getsize(os.path.join(folder, file)) for name, (_, file) in writers.items()
        }
    report(f"in memory: {n:,} stories written", times, sizes, n)


def convert(n: int, rounds: int) -> None:
    base = base_stories()
    with tempfile.TemporaryDirectory() as folder:
        archive = os.path.join(folder, "archive")
        os.mkdir(archive)
        stories = many(n, base)
        for k in itertools.count():
            batch = list(itertools.islice(stories, 100))
            if not batch:
                break
            text = "\n".join(storykit.dumps(story, "text") for story in batch)
            Path(archive, f"{k:05d}.txt").write_text(text, encoding="utf-8")
        outs = ["out.jsonl", "out.db"]
        if importlib.util.find_spec("pyarrow") is not None:
            outs.append("out.parquet")
        times: dict[str, list[Times]] = {out: [] for out in outs}
        for _ in range(rounds):
            for out in outs:
                path = os.path.join(folder, out)
                for extra in ("", "-wal", "-shm", "-journal"):
                    if os.path.exists(path + extra):
                        os.unlink(path + extra)
                command = [sys.executable, "-m", "storykit", "convert", archive, "-o", path]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run([*command, "--jobs", "1", "-q"], check=True, env=os.environ)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                times[out].append(Times(wall, cpu))
        (count,) = {len(list(storykit.iter_stories(os.path.join(folder, out)))) for out in outs}
        sizes = {out: os.path.getsize(os.path.join(folder, out)) for out in outs}
    report(
        f"storykit convert of {count:,} stories in {n // 100:,} dump files, --jobs 1",
        times,
        sizes,
        n,
    )


def memory_child(fmt: str, n: int) -> None:
    base = base_stories()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"out.{fmt}")
        write = {
            "parquet": storykit.to_parquet,
            "db": storykit.to_sqlite,
            "jsonl": storykit.dump_many,
        }
        write[fmt](many(n, base), path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"  {fmt:8} {n:>8,} stories: peak RSS {peak / 1024:6.1f} MiB")


def memory() -> None:
    print("peak resident memory, a fresh process each")
    fmts = ["jsonl", "db"] + (["parquet"] if importlib.util.find_spec("pyarrow") else [])
    for fmt in fmts:
        for n in (20_000, 100_000):
            subprocess.run(
                [sys.executable, __file__, "--child", fmt, str(n)], check=True, env=os.environ
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20_000, help="stories to write (default 20,000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median kept)")
    parser.add_argument("--memory", action="store_true", help="peak memory at 20k and 100k")
    parser.add_argument("--convert", action="store_true", help="time the whole command")
    parser.add_argument("--both", action="store_true", help="in memory, then the command")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        memory_child(args.child[0], int(args.child[1]))
    elif args.memory:
        memory()
    elif args.convert or args.both:
        if args.both:
            speed(args.n, args.rounds)
        convert(args.n, args.rounds)
    else:
        speed(args.n, args.rounds)


if __name__ == "__main__":
    main()
