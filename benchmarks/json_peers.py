"""Peer benchmark (run on demand: ``python benchmarks/json_peers.py``; not a pass/fail test).

storykit against what a user would pick instead, measured side by side in one process so the
ratios are fair on a noisy machine (each figure: the median of ``--rounds`` interleaved
rounds, per story, over the seed and the development corpus in ../shared/corpus):

- JSON read: storykit vs bare ``json.loads`` and pydantic v2 ``model_validate_json`` into
  models equivalent to :class:`storykit.Story` (strict, unknown keys forbidden), and msgspec
  and orjson when installed (target: storykit ≤ 1.5x pydantic, aim 1.0x);
- JSON write: storykit (indent 2, and compact as in JSON Lines) vs ``json.dumps`` of the same
  dict with the C encoder (``indent=None``; target ≤ 1.2x); ninjs and JSON-LD vs storykit JSON
  (target: ninjs ≤ 1.2x);
- dump read, cold (every tags line new: no cache answers it) vs ``json.loads`` of the same
  stories' JSON, each text read once as the dumps are (target ≤ 4x, aim 3x); beside it, the
  same against ``json.loads`` of the corpus's JSON over and over (its texts stay in the CPU
  cache, which the dumps' cannot), and the cached case (tags lines seen before);
- HTML fragment vs a naive f-string + ``html.escape`` renderer of the same content (target
  ≤ 1.5x); the text writer with its round-trip check vs without (target ≤ 2x), for the
  corpus's stories and for stories read back from the text writer's own output.

A peer that is not installed is skipped with a note.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import html
import importlib.util
import itertools
import json
import statistics
import string
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from storykit import Story
from storykit.formats import json as json_format
from storykit.formats import text as text_format

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "stories"
SEED = ROOT / "seeds" / "000_1f0ab7ed21f31e00.txt"


def pydantic_models() -> Any:
    """pydantic v2 models equivalent to the story model (or ``None`` when not installed)."""
    if importlib.util.find_spec("pydantic") is None:
        return None
    from typing import Annotated

    from pydantic import BaseModel, ConfigDict, Field, StringConstraints

    text = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
    config = ConfigDict(strict=True, extra="forbid", frozen=True)

    class Credit(BaseModel):
        model_config = config
        role: text
        name: text | None
        provider: text | None

    class Image(BaseModel):
        model_config = config
        alt: text | None
        credit: Credit | None

    class Source(BaseModel):
        model_config = config
        name: text | None
        published: _dt.datetime | _dt.date | None
        url: text | None

    class Section(BaseModel):
        model_config = config
        heading: text | None
        paragraphs: tuple[text, ...]

    class PStory(BaseModel):
        model_config = config
        version: int = Field(alias="storykit")
        title: text
        source: Source | None
        image: Image | None
        credits: tuple[Credit, ...]
        sections: tuple[Section, ...]
        tags: tuple[text, ...]
        extras: tuple[text, ...] = ()

    return PStory


def naive_html(story: Story) -> str:
    """The floor for the HTML fragment: the same elements, f-strings and ``html.escape``."""
    e = html.escape
    out = ['<article class="storykit">', "<header>", f"<h1>{e(story.title)}</h1>"]
    source = story.source
    if source is not None and (source.name is not None or source.published is not None):
        parts = []
        if source.name is not None:
            parts.append(f'<span class="storykit-outlet">{e(source.name)}</span>')
        if source.published is not None:
            day = source.published.isoformat()
            parts.append(f'<time datetime="{day}">{e(day)}</time>')
        out.append(f'<p class="storykit-source">{" · ".join(parts)}</p>')
    if story.credits:
        out.append(
            f'<p class="storykit-credits">{" · ".join(e(str(c)) for c in story.credits)}</p>'
        )
    if story.image is not None:
        caption = []
        if story.image.alt is not None:
            caption.append(f'<span class="storykit-alt">{e(story.image.alt)}</span>')
        if story.image.credit is not None:
            caption.append(f'<span class="storykit-credit">{e(str(story.image.credit))}</span>')
        out.append(
            f'<figure class="storykit-image"><figcaption>{" ".join(caption)}</figcaption></figure>'
        )
    out.append("</header>")
    for section in story.sections:
        if section.heading is not None:
            out.append(f"<section>\n<h2>{e(section.heading)}</h2>")
        out.extend(f"<p>{e(p)}</p>" for p in section.paragraphs)
        if section.heading is not None:
            out.append("</section>")
    end = []
    if story.tags:
        end.append('<ul class="storykit-tags" aria-label="Tags">')
        end.extend(f"<li>{e(tag)}</li>" for tag in story.tags)
        end.append("</ul>")
    if story.url is not None:
        end.append(
            f'<p class="storykit-original"><a href="{e(story.url)}" '
            'rel="noopener noreferrer">View original source</a></p>'
        )
    if end:
        out += ["<footer>", *end, "</footer>"]
    out.append("</article>")
    return "\n".join(out) + "\n"


def _fresh_word(n: int) -> str:
    """A capitalised word no tags line holds, different for every ``n``."""
    letters = []
    n += 26 * 26
    while n:
        n, r = divmod(n, 26)
        letters.append(string.ascii_lowercase[r])
    return "Qx" + "".join(letters)


def unique_tags_dumps(dumps: list[str], copies: int) -> list[list[str]]:
    """``copies`` variants of each dump, each with a tags line seen nowhere else."""
    counter = itertools.count()
    out = []
    for _ in range(copies):
        batch = []
        for dump in dumps:
            lines = dump.rstrip("\n").split("\n")
            if len(lines) > 2 and lines[-1].startswith("View original") and lines[-2].strip():
                lines[-2] = lines[-2].rstrip() + _fresh_word(next(counter))
            batch.append("\n".join(lines))
        out.append(batch)
    return out


def _with_last_tag(story: Story, dump: str) -> Story:
    """``story`` with the made-up tag :func:`unique_tags_dumps` put at the end of ``dump``."""
    if not story.tags:
        return story
    word = dump.rstrip("\n").split("\n")[-2].rsplit("Qx", 1)[-1]
    return attrs.evolve(story, tags=(*story.tags, "Qx" + word))


class Table:
    """Interleaved timing of named cases; median per story over rounds."""

    def __init__(self, n: int, number: int) -> None:
        self.n = n
        self.number = number
        self.cases: dict[str, Callable[[int], None]] = {}
        self.samples: dict[str, list[float]] = {}

    def add(self, name: str, fn: Callable[[int], None]) -> None:
        self.cases[name] = fn
        self.samples[name] = []

    def run(self, rounds: int) -> None:
        for fn in self.cases.values():  # warm up
            fn(0)
        for r in range(rounds):
            for name, fn in self.cases.items():
                start = time.process_time()
                for k in range(self.number):
                    fn(r * self.number + k + 1)
                self.samples[name].append((time.process_time() - start) / (self.number * self.n))

    def us(self, name: str) -> float:
        return statistics.median(self.samples[name]) * 1e6

    def line(self, name: str, base: str | None = None, target: str = "") -> None:
        t = self.us(name)
        ratio = f"{t / self.us(base):6.2f}x {base}" if base else ""
        print(f"  {name:34s} {t:8.1f} µs  {ratio} {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median)")
    parser.add_argument("--number", type=int, default=5, help="passes over the stories a round")
    args = parser.parse_args()

    paths = [SEED, *sorted(CORPUS.glob("*.txt"))]
    dumps = [p.read_text(encoding="utf-8") for p in paths]
    stories = [text_format.loads(d) for d in dumps]
    jsons = [json_format.dumps(s) for s in stories]
    dicts = [json.loads(j) for j in jsons]
    n = len(stories)
    print(f"{n} stories; median of {args.rounds} interleaved rounds x {args.number} passes")
    reading(dumps, jsons, args.rounds, args.number)
    writing(stories, jsons, dicts, args.rounds, args.number)


def reading(dumps: list[str], jsons: list[str], rounds: int, number: int) -> None:
    """The read table."""
    n = len(jsons)
    read = Table(n, number)
    read.add("json.loads", lambda _: [json.loads(j) for j in jsons] and None)
    read.add("storykit json read", lambda _: [json_format.loads(j) for j in jsons] and None)
    model = pydantic_models()
    if model is not None:
        validate = model.model_validate_json
        read.add("pydantic model_validate_json", lambda _: [validate(j) for j in jsons] and None)
    else:
        print("pydantic: not installed, skipped (pip install pydantic)")
    if importlib.util.find_spec("msgspec") is not None:
        import msgspec

        decode = msgspec.json.decode
        read.add("msgspec.json.decode (untyped)", lambda _: [decode(j) for j in jsons] and None)
    else:
        print("msgspec: not installed, skipped")
    if importlib.util.find_spec("orjson") is not None:
        import orjson

        read.add("orjson.loads", lambda _: [orjson.loads(j) for j in jsons] and None)
    else:
        print("orjson: not installed, skipped")
    copies = unique_tags_dumps(dumps, (rounds * number + 1) * 2)
    # The same stories as storykit JSON, made from the parsed corpus (reading the copies here
    # would warm the tag splitter): each JSON text is as new to the CPU's cache as its dump.
    stories = [json_format.loads(j) for j in jsons]
    copies_json = [
        [json_format.dumps(_with_last_tag(s, d)) for s, d in zip(stories, batch, strict=True)]
        for batch in copies
    ]

    def cold(i: int) -> None:
        for d in copies[i % len(copies)]:
            text_format.loads(d)

    def cold_json(i: int) -> None:
        for j in copies_json[i % len(copies_json)]:
            json.loads(j)

    read.add("json.loads, each text once", cold_json)
    read.add("dump read, cold (unique tags lines)", cold)
    read.add(
        "dump read, tags lines seen before",
        lambda _: [text_format.loads(d) for d in dumps] and None,
    )
    read.run(rounds)
    print("read, per story:")
    read.line("json.loads")
    if model is not None:
        read.line("pydantic model_validate_json", "json.loads")
    for name in ("msgspec.json.decode (untyped)", "orjson.loads"):
        if name in read.cases:
            read.line(name, "json.loads")
    read.line("storykit json read", "json.loads")
    if model is not None:
        read.line("storykit json read", "pydantic model_validate_json", "(target ≤ 1.5x)")
    read.line("json.loads, each text once", "json.loads")
    read.line(
        "dump read, cold (unique tags lines)",
        "json.loads, each text once",
        "(target ≤ 4x, aim 3x)",
    )
    read.line("dump read, cold (unique tags lines)", "json.loads", "(its texts in the cache)")
    read.line("dump read, tags lines seen before", "json.loads", "(cached)")


def writing(
    stories: list[Story], jsons: list[str], dicts: list[Any], rounds: int, number: int
) -> None:
    """The write table."""
    from storykit.formats import html as html_format
    from storykit.formats import jsonld, ninjs

    model = pydantic_models()
    write = Table(len(stories), number)
    dumps_c = json.dumps

    write.add(
        "json.dumps C (same dict)",
        lambda _: [dumps_c(d, ensure_ascii=False, separators=(",", ": ")) for d in dicts] and None,
    )
    write.add(
        "json.dumps indent=2 (pure Python)",
        lambda _: [dumps_c(d, ensure_ascii=False, indent=2) for d in dicts] and None,
    )
    write.add("storykit json write", lambda _: [json_format.dumps(s) for s in stories] and None)
    write.add(
        "storykit json write, compact",
        lambda _: [json_format.dumps(s, indent=None) for s in stories] and None,
    )
    write.add("ninjs write", lambda _: [ninjs.dumps(s) for s in stories] and None)
    write.add("jsonld write", lambda _: [jsonld.dumps(s) for s in stories] and None)
    write.add("html fragment", lambda _: [html_format.dumps(s) for s in stories] and None)
    write.add("naive f-string html", lambda _: [naive_html(s) for s in stories] and None)
    write.add(
        "html standalone",
        lambda _: [html_format.dumps(s, standalone=True) for s in stories] and None,
    )
    write.add("text write", lambda _: [text_format.dumps(s) for s in stories] and None)
    # stories read from storykit's own dumps: the check skips what the reader read back
    canonical = [text_format.loads(text_format.dumps(s)) for s in stories]
    write.add(
        "text write, canonical dumps", lambda _: [text_format.dumps(s) for s in canonical] and None
    )
    write.add(
        "text write, check=False",
        lambda _: [text_format.dumps(s, check=False) for s in stories] and None,
    )
    if model is not None:
        pstories = [model.model_validate_json(j) for j in jsons]
        write.add(
            "pydantic model_dump_json(indent=2)",
            lambda _: [p.model_dump_json(indent=2, by_alias=True) for p in pstories] and None,
        )
    write.run(rounds)
    print("write, per story:")
    write.line("json.dumps C (same dict)")
    write.line("json.dumps indent=2 (pure Python)", "json.dumps C (same dict)")
    if model is not None:
        write.line("pydantic model_dump_json(indent=2)", "json.dumps C (same dict)")
    write.line("storykit json write", "json.dumps C (same dict)", "(target ≤ 1.2x)")
    write.line("storykit json write, compact", "json.dumps C (same dict)")
    write.line("ninjs write", "storykit json write", "(target ≤ 1.2x)")
    write.line("jsonld write", "storykit json write")
    write.line("naive f-string html")
    write.line("html fragment", "naive f-string html", "(target ≤ 1.5x)")
    write.line("html standalone", "naive f-string html")
    write.line("text write, check=False")
    write.line("text write", "text write, check=False", "(target ≤ 2x)")
    write.line("text write, canonical dumps", "text write, check=False", "(read from its output)")


if __name__ == "__main__":
    main()
