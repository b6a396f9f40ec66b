"""Hostile-input benchmark (run on demand: ``python benchmarks/hostile.py``; not a test).

Builds each input that used to cost more than linear time or memory (issue 8) at 1, 8 and
32 MB (``--sizes``) under a temporary folder, then reads it in a fresh process, both
through the library and through the command line, and prints seconds (wall clock; CPU, and
CPU per MB less the start-up of a bare ``import storykit``: the steadier figure on a busy
machine) and peak memory (``ru_maxrss`` less that of the bare import) per MB of input:

- ``story``: one dump story of that size, streamed by
  ``iter_stories``, by ``storykit convert --to json`` and by ``storykit validate``;
- ``dump-sections``: one dump story of about 13 bytes a section (a million sections at
  12.6 MB), read by ``storykit.load()``, ``storykit convert --to json`` and ``validate``;
- ``markdown-sections``: one Markdown story of about 16 bytes a section (a million
  sections at 16 MB), read the same three ways;
- ``markdown-brackets``: one Markdown story of a paragraph of ``[`` (markdown-it looks for
  the closing ``]`` of each, some 20 µs a ``[``: 10 MB took over three minutes), then one
  with a link: no link can form in the ``[`` paragraph's chunk, read as plain text;
- ``markdown-front``: one Markdown story whose YAML front matter holds credits, about 34
  bytes each (the composed YAML keeps some six objects a value while it is read); over
  1 MiB of front matter the story is refused before it is composed (``MAX_FRONT_MATTER``);
- ``zip-members``: a zip of empty members (about 100 bytes of zip each: 320,000 members at
  32 MB), listed by ``iter_records`` and ``storykit validate``, with the default limits and
  with ``max_members=100000``.

The command line runs with ``--max-member-size 1G`` (at 32 MB a story is over the 16 MiB
default). The tag splitter's case (a long tags line over a long story) is left to ``tags`` tests.
Options: ``--sizes 1,8,32``, ``--cases story,dump-sections,...``, ``--no-cli``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MB = 1_000_000
PARAGRAPH = (
    "Analysts say the push is strategic: AI is becoming the defining differentiator across "
    "smartphones, smart-home products and electric vehicles. "
) * 4


def story_dump(size: int) -> str:
    """One dump story of about ``size`` bytes, in sections of about 500 bytes."""
    head = "← Back to stories A robot\nPhoto by A B on Pexels\nSCMP 2026-05-25\n\nTitle\n\n"
    parts, total, i = [], 0, 0
    while total < size:
        part = f"Heading {i}\n\n{PARAGRAPH}"
        parts.append(part)
        total += len(part.encode()) + 2
        i += 1
    return head + "\n\n".join(parts) + "\n\nView original source →\n"


def sections_dump(size: int) -> str:
    """One dump story of tiny sections (``H1`` then ``P.``): about 13 bytes each."""
    head = "← Back to stories A robot\nSCMP 2026-05-25\n\nTitle\n\n"
    parts, total, i = [], 0, 0
    while total < size:
        part = f"H{i}\n\nP."
        parts.append(part)
        total += len(part) + 2
        i += 1
    return head + "\n\n".join(parts) + "\n\nView original source →\n"


def sections_markdown(size: int) -> str:
    """One Markdown story of tiny sections (``## H1`` then ``P 1.``): about 16 bytes each."""
    parts, total, i = ["# Title\n\n"], 0, 0
    while total < size:
        part = f"## H{i}\n\nP {i}.\n\n"
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)


def brackets_markdown(size: int) -> str:
    """One Markdown story: a paragraph of ``[`` then one with a link (no link in the first)."""
    return "# Title\n\n" + "[" * size + "\n\nSee [the source](https://example.com/).\n"


def front_markdown(size: int) -> str:
    """One Markdown story whose front matter is credits (``{role: Photo, name: N1}``)."""
    credits = [f"  - {{role: Photo, name: N{i}}}\n" for i in range(size // 34)]
    return "---\ntitle: T\ncredits:\n" + "".join(credits) + "---\n\n# T\n\nBody.\n"


def members_zip(path: Path, size: int) -> None:
    """A zip of empty members, about 100 bytes of zip each."""
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(size // 100):
            archive.writestr(f"m{i:07d}.txt", b"")


def measure(command: list[str]) -> tuple[float, float, float, str]:
    """Wall and CPU seconds, peak MB (``ru_maxrss``) and the last output line of a command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    lines = output.strip().splitlines() or [""]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, lines[-1][:60]


LIBRARY = {
    "story": (
        "import storykit, sys; "
        "print(sum(len(s.sections) for s in storykit.iter_stories(sys.argv[1], "
        "max_member_size=1 << 30)), 'sections')"
    ),
    "dump-sections": (
        "import storykit, sys; print(len(storykit.load(sys.argv[1]).sections), 'sections')"
    ),
    "markdown-sections": (
        "import storykit, sys; print(len(storykit.load(sys.argv[1]).sections), 'sections')"
    ),
    "markdown-brackets": (
        "import storykit, sys; print(len(storykit.load(sys.argv[1]).sections), 'sections')"
    ),
    "markdown-front": (
        "import storykit, sys; print(len(storykit.load(sys.argv[1]).credits), 'credits')"
    ),
    "zip-members": (
        "import storykit, sys; s = storykit.iter_records(sys.argv[1], errors='collect', "
        "max_members=int(sys.argv[2])); print(len(list(s)), 'stories', "
        "[e.message for e in s.errors][:1])"
    ),
}


def cli(case: str, path: Path, out: Path) -> list[str]:
    base = [sys.executable, "-m", "storykit"]
    if case == "zip-members":
        return [*base, "validate", str(path), "-q"]
    convert = [*base, "convert", str(path), "--to", "json", "-o", str(out), "-f", "-q"]
    return [*convert, "--max-member-size", "1G"]  # a whole-file story is over 16 MiB at 32 MB


BUILDERS: dict[str, tuple[str, Callable[[int], str] | None]] = {
    "story": (".txt", story_dump),
    "dump-sections": (".txt", sections_dump),
    "markdown-sections": (".md", sections_markdown),
    "markdown-brackets": (".md", brackets_markdown),
    "markdown-front": (".md", front_markdown),
    "zip-members": (".zip", None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1,8,32", help="input sizes in MB")
    parser.add_argument("--cases", default=",".join(BUILDERS), help="which cases")
    parser.add_argument("--no-cli", action="store_true", help="only the library")
    parser.add_argument("--build", nargs=3, metavar=("CASE", "MB", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        case, size, path = args.build
        build = BUILDERS[case][1]
        if build is None:
            members_zip(Path(path), int(float(size) * MB))
        else:
            Path(path).write_text(build(int(float(size) * MB)), encoding="utf-8")
        return
    sizes = [float(s) for s in args.sizes.split(",")]
    _, base_cpu, base_mb, _ = measure([sys.executable, "-c", "import storykit"])
    print(f"bare import storykit: {base_cpu:.2f} s CPU, {base_mb:.0f} MB (subtracted below)")
    header = f"{'case':18s} {'MB':>5s} {'how':22s} {'wall s':>6s} {'CPU s':>6s} {'CPU s/MB':>8s}"
    print(f"{header} {'peak MB/MB':>10s}  result")
    with tempfile.TemporaryDirectory(prefix="storykit-hostile-") as folder:
        for case in args.cases.split(","):
            suffix = BUILDERS[case][0]
            for size in sizes:
                path = Path(folder) / f"{case}-{size:g}{suffix}"
                # built in another process: a child's ru_maxrss counts its parent's memory
                # at the fork (Linux keeps it across exec)
                subprocess.run(
                    [sys.executable, __file__, "--build", case, str(size), str(path)], check=True
                )
                real = path.stat().st_size / MB
                runs: list[tuple[str, list[str]]] = []
                library = [sys.executable, "-c", LIBRARY[case], str(path)]
                if case == "zip-members":
                    runs.append(("iter_records", [*library, "1000000"]))
                    runs.append(("  max_members=100000", [*library, "100000"]))
                else:
                    how = "iter_stories" if case == "story" else "load()"
                    runs.append((how, library))
                if not args.no_cli:
                    runs.append(("cli", cli(case, path, Path(folder) / "out.json")))
                    if case != "zip-members":
                        validate = [sys.executable, "-m", "storykit", "validate", str(path)]
                        runs.append(("cli validate", [*validate, "--max-member-size", "1G"]))
                for how, command in runs:
                    seconds, cpu, peak, result = measure(command)
                    per_mb = max(cpu - base_cpu, 0) / real
                    memory = (peak - base_mb) / real
                    print(
                        f"{case:18s} {real:5.1f} {how:22s} {seconds:6.2f} {cpu:6.2f} {per_mb:8.3f} "
                        f"{memory:10.1f}  {result}"
                    )
                path.unlink()


if __name__ == "__main__":
    main()
