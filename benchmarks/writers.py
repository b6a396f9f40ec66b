"""Writer benchmark (run on demand: ``python benchmarks/writers.py``; not a pass/fail test).

Times each writer per story over the seed and the development corpus (../shared/corpus,
when present), as a ratio to the storykit JSON writer measured in the same run, so the
figures are fair on a noisy machine. The old target, Markdown and HTML no slower than JSON,
was set while JSON went through the pure-Python pretty printer; JSON now writes at the C
encoder's speed (about 2.5x faster), so each writer is compared with its floor instead
(the last column). The standalone page also serializes the story's JSON-LD, so it does
strictly more work than the JSON writer; it is reported for information.

Writers are timed in interleaved rounds (JSON, Markdown, HTML, … then again) and the best
round of each is kept. Markdown is skipped when ``storykit.formats.markdown`` is absent.

Peer columns, timed in the same rounds: ``json.dumps`` of the same dict with the C encoder
(storykit JSON's floor: target ≤ 1.2x), a naive f-string + ``html.escape`` renderer (the
HTML fragment's floor: target ≤ 1.5x), the text writer without its check (with it: target
≤ 2x) and pydantic's ``model_dump_json`` when pydantic is installed (skipped with a note
otherwise). ``benchmarks/json_peers.py`` has the reading side.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path

import storykit
from storykit import Story

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "stories"
SEED = ROOT / "seeds" / "000_1f0ab7ed21f31e00.txt"

Writer = Callable[[Story], str]


def writers() -> dict[str, Writer]:
    """The writers to time, JSON first (the baseline)."""
    found: dict[str, Writer] = {"json": lambda s: storykit.dumps(s, "json")}
    if importlib.util.find_spec("storykit.formats.markdown") is not None:
        found["markdown"] = lambda s: storykit.dumps(s, "markdown")
    else:
        print("markdown: storykit.formats.markdown is absent, skipped")
    found["html fragment"] = lambda s: storykit.dumps(s, "html")
    found["html standalone"] = lambda s: storykit.dumps(s, "html", standalone=True)
    found["jsonld"] = lambda s: storykit.dumps(s, "jsonld")
    found["ninjs"] = lambda s: storykit.dumps(s, "ninjs")
    found["text"] = lambda s: storykit.dumps(s, "text")
    return found


def peers(stories: list[Story]) -> dict[str, Writer]:
    """The floors and peers, as writers of the same stories (prepared outside the timing)."""
    from json_peers import naive_html, pydantic_models

    from storykit.formats import json as json_format
    from storykit.formats import text as text_format

    dicts = {id(s): json_format.to_dict(s) for s in stories}
    found: dict[str, Writer] = {
        "json.dumps C": lambda s: json.dumps(
            dicts[id(s)], ensure_ascii=False, separators=(",", ": ")
        ),
        "naive html": naive_html,
        "text, no check": lambda s: text_format.dumps(s, check=False),
    }
    model = pydantic_models()
    if model is None:
        print("pydantic: not installed, its column skipped (pip install pydantic)")
    else:
        models = {id(s): model.model_validate_json(json_format.dumps(s)) for s in stories}
        found["pydantic json"] = lambda s: models[id(s)].model_dump_json(indent=2, by_alias=True)
    return found


FLOORS = {"json": "json.dumps C", "html fragment": "naive html", "text": "text, no check"}


def per_story(stories: list[Story], write: Writer, number: int) -> float:
    """Seconds per story for one round: ``number`` passes over ``stories``."""
    start = time.process_time()
    for _ in range(number):
        for story in stories:
            write(story)
    return (time.process_time() - start) / (number * len(stories))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (best kept)")
    parser.add_argument("--number", type=int, default=20, help="passes over the stories a round")
    args = parser.parse_args()

    paths = [SEED, *sorted(CORPUS.glob("*.txt"))]
    stories = [storykit.load(p) for p in paths]
    table = writers()
    table |= peers(stories)
    for write in table.values():  # warm up: imports, the cattrs converter, regex caches
        for story in stories:
            write(story)
    best = dict.fromkeys(table, float("inf"))
    for _ in range(args.rounds):
        for name, write in table.items():
            best[name] = min(best[name], per_story(stories, write, args.number))

    sizes = {
        name: sum(len(write(s)) for s in stories) // len(stories) for name, write in table.items()
    }
    baseline = best["json"]
    print(
        f"{len(stories)} stories, best of {args.rounds} interleaved rounds x {args.number} passes"
    )
    print(f"{'writer':<16} {'µs/story':>9} {'x JSON':>7} {'chars/story':>12}  x floor")
    for name, seconds in best.items():
        floor = FLOORS.get(name)
        versus = f"  {seconds / best[floor]:5.2f}x {floor}" if floor else ""
        print(
            f"{name:<16} {seconds * 1e6:9.1f} {seconds / baseline:7.2f} {sizes[name]:12d}{versus}"
        )


if __name__ == "__main__":
    main()
