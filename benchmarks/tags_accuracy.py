"""How often the tag splitter is right on realistic tags lines (run on demand; not a test).

``python benchmarks/tags_accuracy.py [--src SRC] [--data JSON]`` splits every line of
``benchmarks/tags_realistic.json`` (made-up but realistic tags lines of news stories, split
by hand, with a short made-up story text each) with ``split_tags``, once without text and
once with the story's text as evidence, and prints:

- the share of lines split exactly right, overall, for hard and not-hard lines and per
  category, without and with the text;
- the share of tags right (a tag is right when it is a hand-split tag at the same place of
  the line);
- the time a line takes to split when it is new to the splitter (its memory of lines
  emptied first; its tables of character classes and run shapes warm, as in a long run:
  the best of five), as a mean over all lines, hard and not-hard ones, without and with
  text. The first line of a process costs more (about twice, its tables cold);
- every miss, as ``line → got […] expected […]``, the misses with text first.

The splitting runs in a process of its own whose ``PYTHONPATH`` is ``SRC`` (the ``src``
folder of another checkout, e.g. made with ``git worktree add /tmp/before main``; default:
this checkout's ``src``), as ``benchmarks/tags_compare.py`` does, so two versions of the
splitter can be measured on the same lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "tags_realistic.json"
MODES = ("without text", "with text")


def worker(cases_path: str, out_path: str) -> None:
    """Split every line (in a process whose ``storykit`` is the one under test)."""
    import storykit
    from storykit.tags import _default_splitter, split_tags

    cases = json.loads(Path(cases_path).read_text("utf-8"))
    without = [list(split_tags(case["line"])) for case in cases]
    with_text = [list(split_tags(case["line"], case["text"])) for case in cases]
    splitter = _default_splitter()
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for case in cases:
        for mode, text in zip(MODES, ("", case["text"]), strict=True):
            best = float("inf")
            for _ in range(5):  # each split a new line's: the memory of lines emptied
                splitter._splits.clear()
                start = time.perf_counter()
                splitter.split(case["line"], text)
                best = min(best, time.perf_counter() - start)
            times[mode].append(best * 1e6)
    result = {
        "without text": without,
        "with text": with_text,
        "times": times,
        "module": storykit.__file__,
    }
    Path(out_path).write_text(json.dumps(result), "utf-8")


def _spans(tags: list[str]) -> set[tuple[int, str]]:
    """Each tag (stripped) with where it starts in the line."""
    out, at = set(), 0
    for tag in tags:
        at += len(tag) - len(tag.lstrip())
        out.add((at, tag.strip()))
        at += len(tag.lstrip())
    return out


def _share(right: int, total: int) -> str:
    return f"{right:4d}/{total:<4d} {100 * right / total:5.1f}%" if total else "   -"


def main() -> int:
    if sys.argv[1:2] == ["--worker"]:  # the splitting, in a process of its own
        worker(*sys.argv[2:4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"), help="the src folder to measure")
    parser.add_argument("--data", default=str(DATA), help="the lines split by hand")
    args = parser.parse_args()
    cases = json.loads(Path(args.data).read_text("utf-8"))["lines"]
    for case in cases:
        if "".join(case["tags"]) != case["line"]:
            sys.exit(f"the tags of {case['line']!r} do not make up the line")
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = Path(tmp) / "cases.json"
        cases_path.write_text(json.dumps(cases), "utf-8")
        out = Path(tmp) / "result.json"
        env = {**os.environ, "PYTHONPATH": args.src}
        command = [sys.executable, __file__, "--worker", str(cases_path), str(out)]
        subprocess.run(command, check=True, env=env, cwd=tmp)
        result = json.loads(out.read_text("utf-8"))
    got = {mode: [[t.strip() for t in tags] for tags in result[mode]] for mode in MODES}
    right = {mode: [got[mode][k] == case["tags"] for k, case in enumerate(cases)] for mode in MODES}

    def row(name: str, keys: list[int]) -> str:
        shares = [_share(sum(right[mode][k] for k in keys), len(keys)) for mode in MODES]
        return f"  {name:<16} " + "   ".join(f"{share:<17}" for share in shares)

    print(f"storykit: {result['module']}")
    hard = [k for k, case in enumerate(cases) if case["hard"]]
    easy = [k for k, case in enumerate(cases) if not case["hard"]]
    print(f"{len(cases)} lines ({len(hard)} hard); lines split exactly right:")
    print(f"  {'':<16} " + "   ".join(f"{mode:<17}" for mode in MODES))
    print(row("all", list(range(len(cases)))))
    print(row("hard", hard))
    print(row("not hard", easy))
    for category in sorted({case["category"] for case in cases}):
        print(row(category, [k for k, case in enumerate(cases) if case["category"] == category]))
    print("time a new line takes to split (µs; memory of lines emptied, tables warm; best of 5):")
    for name, keys in (("all", range(len(cases))), ("hard", hard), ("not hard", easy)):
        means = [sum(result["times"][mode][k] for k in keys) / len(keys) for mode in MODES]
        print(f"  {name:<16} " + "   ".join(f"{mean:<17.1f}" for mean in means))
    total = sum(len(case["tags"]) for case in cases)
    for mode in MODES:
        tags_right = sum(
            len(_spans(result[mode][k]) & _spans(case["tags"])) for k, case in enumerate(cases)
        )
        print(f"tags right, {mode}: {_share(tags_right, total)}")
    for mode in reversed(MODES):
        misses = [k for k in range(len(cases)) if not right[mode][k]]
        print(f"\nmisses {mode} ({len(misses)}):")
        for k in misses:
            line, tags = cases[k]["line"], cases[k]["tags"]
            hard_mark = " (hard)" if cases[k]["hard"] else ""
            print(f"  {line} → got {got[mode][k]} expected {tags}{hard_mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
