"""Instruction counts (run on demand: ``python benchmarks/instructions.py``; not a pass/fail test).

The CPU instructions the dump reader runs per story, cold (every tags line new), beside
``json.loads`` of the same stories' JSON, counted by valgrind's callgrind: the same count
every run, whatever else the machine is doing. Timings here move by 10-30% from run to
run (``json_peers.py`` gives the time ratios, which are the targets); a count does not move,
so a change to the reader can be judged on one run of ``--src OLD/src`` beside this tree.

A count is not a time: Python runs fewer instructions a cycle than ``json.loads`` (a C loop
over one text), so the reader's time ratio is higher than its count ratio. Each case is
counted in its own process while it reads ``--batches`` batches of the stories (callgrind
collects inside one call, not in the set-up before it nor the clearing up after), divided
by the stories read. Needs valgrind (``apt install valgrind``); skipped with a note
without it.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = {
    "json.loads": "json.loads of each story's JSON, each text once",
    "dump read, cold": "text reader, every tags line new",
    "dump read, tags seen before": "text reader, tags lines split before",
    "storykit json read": "storykit's JSON reader, each text once",
}
_COLLECTED_RE = re.compile(r"Collected\s*:\s*([0-9]+)")


def child(case: str, batches: int) -> None:
    """Make ``batches`` batches of stories, then read them the way ``case`` says."""
    sys.path.insert(0, str(HERE))
    from json_peers import CORPUS, SEED, _with_last_tag, unique_tags_dumps

    from storykit.formats import json as json_format
    from storykit.formats import text as text_format

    dumps = [p.read_text(encoding="utf-8") for p in [SEED, *sorted(CORPUS.glob("*.txt"))]]
    copies = unique_tags_dumps(dumps, batches + 1)
    stories = [text_format.loads(d) for d in dumps]  # (the tags lines seen before)
    jsons = [
        [json_format.dumps(_with_last_tag(s, d)) for s, d in zip(stories, batch, strict=True)]
        for batch in copies
    ]
    # Warm up every case once: what is made on first use is not counted.
    for d in copies[0]:
        text_format.loads(d)
    for j in jsons[0]:
        json.loads(j)
        json_format.loads(j)
    read = {
        "json.loads": lambda k: [json.loads(j) for j in jsons[k]],
        "storykit json read": lambda k: [json_format.loads(j) for j in jsons[k]],
        "dump read, cold": lambda k: [text_format.loads(d) for d in copies[k]],
        "dump read, tags seen before": lambda _: [text_format.loads(d) for d in dumps],
    }[case]
    # callgrind counts inside functools.reduce only (--toggle-collect): the reading, and
    # not the set-up before it nor the clearing up after (storykit and json call no reduce).
    functools.reduce(lambda _, k: read(k) and None, range(1, batches + 1), None)
    print(len(dumps))


def count(src: Path, case: str, batches: int) -> tuple[int, int]:
    """The instructions one child process runs, and how many stories a batch holds."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(src))
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    argv += ["--collect-atstart=no", "--toggle-collect=functools_reduce"]
    argv += [sys.executable, __file__, "--child", case, "--batches", str(batches)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    found = _COLLECTED_RE.search(done.stderr)
    if done.returncode or found is None:
        sys.exit(f"valgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found[1]), int(done.stdout.split()[-1])


def per_story(src: Path, batches: int) -> dict[str, float]:
    """Instructions per story of each case, run from the source tree ``src``."""
    out = {}
    for case in CASES:
        total, n = count(src, case, batches)
        out[case] = total / (batches * n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=4, help="passes over the stories")
    parser.add_argument("--src", type=Path, action="append", help="a source tree (repeatable)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.batches)
        return
    if shutil.which("valgrind") is None:
        print("valgrind: not installed, skipped (apt install valgrind)")
        return
    trees = args.src or [HERE.parent / "src"]
    results = {src: per_story(src, args.batches) for src in trees}
    print(f"instructions per story (callgrind), {args.batches} batches of the corpus's stories")
    print(f"  {'':30s}" + "".join(f" {str(src)[-24:]:>26s}" for src in trees))
    for case, what in CASES.items():
        cells = ""
        for src in trees:
            n = results[src][case]
            ratio = n / results[src]["json.loads"]
            cells += f" {n / 1000:9.1f} k {ratio:5.2f}x loads"
        print(f"  {case:30s}{cells}   ({what})")
    if len(trees) > 1:
        first = results[trees[0]]
        for src in trees[1:]:
            change = ", ".join(f"{case} {results[src][case] / first[case]:.3f}x" for case in CASES)
            print(f"  {src} against {trees[0]}: {change}")


if __name__ == "__main__":
    main()
