"""Reading benchmark (run on demand: ``python benchmarks/read.py``; not a pass/fail test).

Measures, in one run so the ratios are fair on a noisy machine:

- per story: reading a dump vs reading the same story from storykit JSON vs bare
  ``json.loads`` of that JSON (target: dump ≤ 1.5x storykit JSON). Cold by default: every
  tags line is new to the tag splitter, as in a real archive (each call reads the stories
  with a made-up tag added to their tags line); the splitter's share of it, and the cached
  case (the same dumps again, their splits reused) beside it, and a case whose tags lines
  hold the story's tags in another order with the made-up tag anywhere among them (so a
  splitter that remembers the start of a line it has seen gains nothing);
- ``import storykit`` vs ``import attrs`` in fresh interpreters (target ≤ 1.5x);
- a 10 MB dump and dumps holding one 2 MB line (target: about a second or less each);
- the hostile tags line of issue 8 over 1, 8 and 32 MB of body (target: well under 1 s/MB).

The stories are the seed plus the development corpus in ../shared/corpus when present.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import storykit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "stories"


def best_of(fn: Callable[[], object], repeat: int = 7, number: int = 20) -> float:
    """The best per-call time over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU time: other processes on the machine count less
        for _ in range(number):
            fn()
        times.append((time.process_time() - start) / number)
    return min(times)


def _unique_tag(k: int) -> str:
    """A made-up tag for variant ``k``: a capitalised word no story spells (``Coldbaa``)."""
    letters = ""
    while True:
        k, digit = divmod(k, 26)
        letters += chr(ord("a") + digit)
        if not k:
            return "Cold" + letters


def _with_unique_tags(dump: str, k: int) -> str:
    """``dump`` with a tag of its own appended to its tags line, so no split is reused."""
    head, footer = dump.rsplit("\nView original source", 1)
    return f"{head}{_unique_tag(k)}\nView original source{footer}"


def _with_reordered_tags(dump: str, tags: tuple[str, ...], k: int) -> str:
    """``dump`` with its tags in another order and a made-up tag among them, anywhere.

    A splitter that remembers the split of a line's start (all but the appended tag) gains
    nothing here: real archives hold the same tags in ever new orders and company.
    """
    rng = random.Random(k)
    shuffled = list(tags)
    rng.shuffle(shuffled)
    shuffled.insert(rng.randint(0, len(shuffled)), _unique_tag(k))
    head, footer = dump.rsplit("\nView original source", 1)
    body = head.rstrip("\n").rpartition("\n")[0]
    return f"{body}\n{''.join(shuffled)}\nView original source{footer}"


def _tags_line_and_context(dump: str) -> tuple[str, str]:
    """The tags line of ``dump`` (right above its footer) and the text before it.

    A dump may end in a line break: the footer is its last non-empty line.
    """
    head = dump.rstrip("\n").rpartition("\n")[0]  # without the footer line
    context, _, line = head.rpartition("\n")
    return line.strip(), context


def per_story(repeat: int = 7, number: int = 20) -> None:
    paths = [ROOT / "seeds" / "000_1f0ab7ed21f31e00.txt", *sorted(CORPUS.glob("*.txt"))]
    dumps = [p.read_text(encoding="utf-8") for p in paths]
    stories = [storykit.loads(d, "text") for d in dumps]
    jsons = [storykit.dumps(s, "json") for s in stories]
    storykit.loads(jsons[0], "json")  # build the converter once, outside the timing

    from storykit.formats import json as json_format
    from storykit.formats import text as text_format
    from storykit.tags import TagSplitter

    # Cold, the default: every tags line is new to the splitter (as in a real archive, whose
    # lines rarely repeat), so no split is reused. Each call reads its own variants: the
    # stories with a made-up tag appended to their tags line. Cached: the same dumps again.
    tagged = [i for i, s in enumerate(stories) if s.tags]
    rounds = iter(
        [
            [
                _with_unique_tags(d, k * len(dumps) + i) if i in tagged else d
                for i, d in enumerate(dumps)
            ]
            for k in range(2 * repeat * number + 1)
        ]
    )
    reordered_rounds = iter(
        [
            [
                _with_reordered_tags(d, stories[i].tags, k * len(dumps) + i)
                if i in tagged and "\nView original source" in d
                else d
                for i, d in enumerate(dumps)
            ]
            for k in range(repeat * number + 1)
        ]
    )
    splitter = TagSplitter()
    split_rounds = iter(
        [
            [
                _tags_line_and_context(d)
                for d in (
                    _with_unique_tags(d, (repeat * number + 1 + k) * len(dumps) + i)
                    for i, d in enumerate(dumps)
                    if i in tagged
                )
            ]
            for k in range(repeat * number + 1)
        ]
    )

    def read_dumps() -> None:
        for d in next(rounds):
            text_format.loads(d)

    def read_dumps_reordered() -> None:
        for d in next(reordered_rounds):
            text_format.loads(d)

    def read_dumps_cached() -> None:
        for d in dumps:
            text_format.loads(d)

    def split_cold() -> None:
        for line, context in next(split_rounds):
            splitter.split(line, context)

    def read_jsons() -> None:
        for j in jsons:
            json_format.loads(j)

    def bare_json() -> None:
        for j in jsons:
            json.loads(j)

    def api_dumps() -> None:
        for d in next(rounds):
            storykit.loads(d, "text")

    def api_jsons() -> None:
        for j in jsons:
            storykit.loads(j, "json")

    read_dumps_cached()  # the splitter has seen every line of the cached case
    n = len(dumps)
    t_dump = best_of(read_dumps, repeat, number) / n
    t_cached = best_of(read_dumps_cached, repeat, number) / n
    t_reordered = best_of(read_dumps_reordered, repeat, number) / n
    t_split = best_of(split_cold, repeat, number) / n
    t_json = best_of(read_jsons, repeat, number) / n
    t_bare = best_of(bare_json, repeat, number) / n
    t_api = best_of(api_dumps, repeat, number) / n
    t_api_json = best_of(api_jsons, repeat, number) / n
    print(f"per story ({n} stories, mean {sum(map(len, dumps)) // n} chars; best CPU time):")
    print(f"  formats.text.loads, cold  {t_dump * 1e6:8.1f} us   {t_dump / t_json:5.2f}x")
    print(f"    of which tag splitting  {t_split * 1e6:8.1f} us   {t_split / t_dump:5.0%} of it")
    print(f"    tags reordered, new tag {t_reordered * 1e6:8.1f} us   {t_reordered / t_json:5.2f}x")
    print(f"    tags lines seen before  {t_cached * 1e6:8.1f} us   {t_cached / t_json:5.2f}x")
    print(f"  formats.json.loads        {t_json * 1e6:8.1f} us   1.00x")
    print(f"  bare json.loads           {t_bare * 1e6:8.1f} us   {t_bare / t_json:5.2f}x")
    print(f"  storykit.loads(text)      {t_api * 1e6:8.1f} us   {t_api / t_api_json:5.2f}x")
    print(f"  storykit.loads(json)      {t_api_json * 1e6:8.1f} us   1.00x")


def import_times() -> None:
    # Bytecode is cached for both, as for installed packages, even where the environment
    # sets PYTHONDONTWRITEBYTECODE (an editable storykit would otherwise be compiled anew at
    # every start while attrs, from site-packages, is not).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="storykit-pycache-")

    def median_import(module: str, runs: int = 15) -> float:
        code = (
            f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
        )
        command = [sys.executable, "-c", code]
        subprocess.run(command, capture_output=True, check=True, env=env)  # warm the cache
        samples = [
            float(
                subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
            )
            for _ in range(runs)
        ]
        return statistics.median(samples)

    t_attrs = median_import("attrs")
    t_storykit = median_import("storykit")
    print("import (median of 15 fresh interpreters):")
    print(f"  import attrs           {t_attrs * 1e3:8.1f} ms   1.00x")
    ratio = t_storykit / t_attrs
    print(f"  import storykit        {t_storykit * 1e3:8.1f} ms   {ratio:5.2f}x import attrs")


def large_inputs() -> None:
    paragraph = (
        "Analysts say the push is strategic: AI is becoming the defining differentiator across "
        "smartphones, smart‑home products and electric vehicles. "
    ) * 4
    header = "← Back to stories A robot\nPhoto by A B on Pexels\nSCMP 2026-05-25\n\nTitle\n\n"
    footer = "\n\nAIEVsSemiconductorsSmartphones\nView original source →"
    body = []
    size = 0
    i = 0
    while size < 10_000_000:
        block = f"Heading {i}\n\n{paragraph}\n\n{paragraph}"
        body.append(block)
        size += len(block.encode()) + 2
        i += 1
    ten_mb = header + "\n\n".join(body) + footer
    line = "word " * 400_000  # 2 MB
    cases = {
        "10 MB dump": ten_mb,
        "2 MB paragraph line": header + line.strip() + "." + footer,
        "2 MB title line": header.replace("Title", line.strip()) + "Text." + footer,
        "2 MB source line": header.replace("SCMP 2026-05-25", line.strip()) + "Text." + footer,
        "2 MB tags-like line": header + "Text.\n\n" + "Tag" * 700_000 + "\nView original source →",
        "2 MB file of one line": line,
        "5 MB of lines like a footer": header + "\n\n".join(["View it."] * 500_000) + footer,
    }
    print("large inputs (best of 3):")
    for name, text in cases.items():

        def run(text: str = text) -> None:
            with warnings.catch_warnings(), contextlib.suppress(storykit.StoryParseError):
                warnings.simplefilter("ignore")
                storykit.loads(text, "text")

        seconds = best_of(run, repeat=3, number=1)
        print(f"  {name:24s} {len(text.encode()) / 1e6:6.1f} MB  {seconds:6.3f} s")


def hostile_tags() -> None:
    """Issue 8: a body of ``aBaB…`` and a tags line of ``aB`` x 199 (10 s at 1 MB, before)."""
    print("hostile tags line over a body of aBaB… (best of 3; target: well under 1 s/MB):")
    for mb in (1, 8, 32):
        text = (
            "← Back to stories A robot\nSCMP 2026-05-25\n\nTitle\n\n"
            + "aB" * (mb * 500_000)
            + "\n\n"
            + "aB" * 199
            + "\nView original source →"
        )

        def run(text: str = text) -> None:
            storykit.loads(text, "text")

        seconds = best_of(run, repeat=3, number=1)
        print(f"  {mb:3d} MB body  {seconds:6.3f} s  {seconds / mb:6.3f} s/MB")


if __name__ == "__main__":
    per_story()
    import_times()
    large_inputs()
    hostile_tags()
