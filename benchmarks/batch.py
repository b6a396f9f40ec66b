"""Batch benchmark (run on demand: ``python benchmarks/batch.py``; not a pass/fail test).

Makes an archive (a folder) of 20,000 dumps from the development corpus, varied by
re-dumping each corpus story with a changed title and date, under ``benchmarks/out/``
(git-ignored) or ``--out``. Unique tags lines by default: each tagged story gets a made-up
tag of its own appended to its tags line (as ``read.py`` does for its cold case), so the tag
splitter's cache never answers, as in a real archive; ``--cached-tags`` makes the archives
without them (their tags lines repeat every ~100 stories), and the cached case of
``--jobs 1`` is measured beside the unique one anyway. Then, in one run so the ratios are
fair on a noisy machine:

- the floor: a process that only reads each file and writes its raw text as a JSON string
  line; ``storykit convert ARCHIVE -o out.jsonl`` with ``--jobs 1`` and ``--jobs 2``
  (targets: jobs 1 within 2.5x of the floor with unique tags lines; jobs 2 gains at least
  85% of what two CPU-bound processes gain over one);
- the library floor: a process that reads each file with the text reader and writes its
  JSON line with the JSON writer, no command (what the command costs beyond the format
  code is the gap between it and ``--jobs 1``);
- ``convert --jobs 1 -o DIR``: a file written (atomically) per story;
- that CPU-bound gain on this machine: one process doing two units of pure-Python work
  against two processes doing one unit each;
- peak memory (``ru_maxrss`` of the command and its workers) for 20,000 and 100,000
  stories (target: within 10%);
- a profile of converting a sample in one process, to show where the time goes.

Times are the medians of ``--repeat`` rounds (the runs alternate), wall clock and CPU (the
command's own and its workers'); the CPU ratio is the steadier one on a busy machine. Every
command runs with its bytecode cached (under ``OUT/pycache``, after a warm-up), as an
installed package does, even where ``PYTHONDONTWRITEBYTECODE`` is set: compiling storykit at
each start would be counted against it otherwise.

Each run but the cold ones reads an archive warmed just before it (every file read once,
untimed: see ``warm``), which makes the floor as fast as it can be. A real archive is mostly
on disk: ``--cold`` drops the page cache (``/proc/sys/vm/drop_caches``: Linux, as root)
before each of a second set of runs, and reports the floor, the floor reading ahead as
storykit's folder walk does (``posix_fadvise(WILLNEED)`` for the next files), and
``convert`` with ``--jobs 1`` and ``--jobs 2``, and with ``--jobs 1`` each file named on the
command line (as a shell expands ``*/*.txt``), each from a cold cache.

Options: ``--stories N`` (20000), ``--big N`` (100000; 0 skips it), ``--flat`` (one folder
rather than folders of 1,000), ``--out DIR``, ``--repeat N`` (median of N rounds, 3),
``--cached-tags``, ``--cold``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import attrs
from _batch_programs import CPU, FLOOR, FLOOR_AHEAD, LIBRARY_FLOOR

import storykit
from storykit.errors import UnrepresentableError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("STORYKIT_SHARED", ROOT.parent / "shared")) / "corpus" / "stories"


def corpus() -> list[storykit.Story]:
    paths = sorted(CORPUS.glob("*.txt"))
    if not paths:
        sys.exit(f"the development corpus is not at {CORPUS} (set STORYKIT_SHARED)")
    return [storykit.load(p) for p in paths]


def vary(story: storykit.Story, i: int) -> str:
    """The story re-dumped with a changed title and date (the text itself, if that fails)."""
    day = datetime.timedelta(days=i % 997)
    source = story.source
    if source is not None and source.published is not None:
        source = attrs.evolve(source, published=source.published + day)
    elif source is not None:
        source = attrs.evolve(source, published=datetime.date(2020, 1, 1) + day)
    changed = attrs.evolve(story, title=f"{story.title} (take {i})", source=source)
    try:
        return storykit.dumps(changed, "text")
    except UnrepresentableError:
        return storykit.dumps(story, "text")


def make_archive(folder: Path, count: int, *, flat: bool, unique: bool) -> None:
    """``count`` dumps under ``folder``; with ``unique``, every tags line is new."""
    from read import _with_unique_tags

    marker = folder / f".complete-{count}-{'flat' if flat else 'sharded'}"
    if marker.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    stories = corpus()
    for i in range(count):
        sub = folder if flat else folder / f"{i // 1000:04d}"
        if i % 1000 == 0 or (flat and i == 0):
            sub.mkdir(parents=True, exist_ok=True)
        story = stories[i % len(stories)]
        text = vary(story, i)
        if unique and story.tags:
            text = _with_unique_tags(text, i)
        (sub / f"{i:07d}.txt").write_text(text, encoding="utf-8")
    marker.touch()


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


ENV = dict(os.environ)


def cache_bytecode(folder: Path) -> None:
    """Let the commands keep their bytecode under ``folder``, and compile it now."""
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(folder)
    warm = "import storykit.cli, storykit.formats.text, storykit.formats.json"
    subprocess.run([sys.executable, "-c", warm], env=ENV, check=True)


def timed(argv: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time and the largest peak RSS (KiB) of the process and its descendants.

    The CPU time is the process's own and its workers' (``wait4`` counts the children the
    process waited for).

    ``ru_maxrss`` of the children would not do: workers started through a fork server are
    not children of the command, and Linux carries the peak of the process that forked
    over ``exec`` (this benchmark's own, after making 100,000 files). /proc is polled
    instead: VmHWM is each process's own peak since it started its program.
    """
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=ENV)
    peaks: dict[int, int] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for pid in _descendants(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), _hwm(pid))
            done.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed with status {process.returncode}")
    return elapsed, usage.ru_utime + usage.ru_stime, max(peaks.values(), default=0)


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def warm(archive: Path) -> None:
    """Read every file of ``archive`` (untimed), so that the run after reads it from memory.

    A file read a few seconds before is not always still cached: a kernel that reclaims
    memory on its own (DAMON's ``pageout``, as on this project's machines) evicts what was
    not touched lately, and the floor, run first, then paid for disk reads the runs after
    it did not. Every warm run reads a freshly warmed archive.
    """
    for path in archive.rglob("*.txt"):
        path.read_bytes()


def drop_caches() -> None:
    """Empty the page cache (dirty pages are written first), so files come from the disk."""
    os.sync()
    DROP_CACHES.write_text("1\n", encoding="ascii")


def cold_rows(archive: Path, out: Path, repeat: int) -> list[tuple[str, str]]:
    """The floors and ``convert`` with a cold page cache: medians of ``repeat`` rounds."""
    listed = convert(archive, out / "named.jsonl", 1)  # its archive argument replaced below
    argvs = {
        "floor": [sys.executable, "-c", FLOOR, str(archive), str(out / "floor.jsonl")],
        "ahead": [sys.executable, "-c", FLOOR_AHEAD, str(archive), str(out / "floor.jsonl")],
        "one": convert(archive, out / "one.jsonl", 1),
        "two": convert(archive, out / "two.jsonl", 2),
        # the files named one by one, as a shell expands dumps/*/*.txt (read ahead alike)
        "named": [*listed[:4], *named(archive), *listed[5:]],
    }
    runs: dict[str, list[float]] = {k: [] for k in argvs}
    for _ in range(repeat):
        for key, argv in argvs.items():
            drop_caches()
            runs[key].append(timed(argv)[0])
    floor, ahead, one, two, by_name = (statistics.median(runs[k]) for k in argvs)
    n = sum(1 for _ in archive.rglob("*.txt"))
    return [
        ("cold: floor, a file at a time", f"{floor:6.2f} s  {n / floor:8,.0f} files/s"),
        (
            "cold: floor, reading ahead",
            f"{ahead:6.2f} s  {n / ahead:8,.0f} files/s  (as storykit's walk asks the kernel)",
        ),
        (
            "cold: convert --jobs 1",
            f"{one:6.2f} s  {n / one:8,.0f} stories/s  {one / ahead:.2f}x the floor reading "
            f"ahead (target <= 2.5x), {one / floor:.2f}x the other",
        ),
        (
            "cold: convert --jobs 2",
            f"{two:6.2f} s  {n / two:8,.0f} stories/s  gain {one / two:.2f}x over --jobs 1",
        ),
        (
            "cold: convert --jobs 1, files named",
            f"{by_name:6.2f} s  {n / by_name:8,.0f} stories/s  (each file an argument, as a "
            f"shell's *.txt; {by_name / one:.2f}x the folder's time)",
        ),
    ]


def cpu_times() -> tuple[float, float]:
    """Seconds for one process doing two units of pure-Python work, and for two doing one."""
    unit = 6_000_000
    one = timed([sys.executable, "-c", CPU, str(2 * unit)])[0]
    start = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", CPU, str(unit)]) for _ in range(2)]
    for process in processes:
        process.wait()
    return one, time.perf_counter() - start


def named(archive: Path) -> list[str]:
    """The archive's files, each by its path, in the order the folder walk takes them."""
    return sorted(str(path) for path in archive.rglob("*.txt"))


def convert(archive: Path, out: Path, jobs: int) -> list[str]:
    return [
        sys.executable, "-m", "storykit", "convert", str(archive),
        "-o", str(out), "--jobs", str(jobs), "--force", "--quiet",
    ]  # fmt: skip


_CORE_CHUNK = 500  # stories held at a time by core_seconds


def core_seconds(archive: Path) -> tuple[float, float]:
    """Seconds to read (text reader) and write (JSON) every story, already in memory.

    The part of ``--jobs 1`` that is the format code itself, not this command's work. The
    stories are read and written a chunk at a time and then let go, as the command does:
    20,000 stories held at once made the garbage collector walk them again and again
    (31 µs a story read became 51 µs).
    """
    from storykit.formats import json as json_format
    from storykit.formats import text as text_format

    texts = [p.read_text(encoding="utf-8") for p in sorted(archive.rglob("*.txt"))]
    read = write = 0.0
    for k in range(0, len(texts), _CORE_CHUNK):
        start = time.process_time()
        stories = [text_format.read(text)[0] for text in texts[k : k + _CORE_CHUNK]]
        read += time.process_time() - start
        start = time.process_time()
        for story in stories:
            json_format.dumps(story, indent=None)
        write += time.process_time() - start
    return read, write


WHERE = {
    "reading dumps (formats/_text_reader.py _read)": ("_text_reader.py", "_read"),
    "  of which tag splitting (tags.py _split_line)": ("tags.py", "_split_line"),
    "writing JSON (formats/json.py dumps)": ("json.py", "dumps"),
    "reading files (_pieces.py open_file)": ("_pieces.py", "open_file"),
    "splitting files into stories (_dump_split.py)": ("_dump_split.py", "split_dump"),
    "walking the folder (_units.py units)": ("_units.py", "units"),
    "writing the output file": ("_batch.py", "output"),
}
"""Each part of the profile: the function (by file and name) whose cumulative time it is
(the worker's short road reads a dump through ``_read``, and splits a small file with
``split_dump``)."""


def profile(archive: Path, sample: int) -> str:
    """Where ``convert --jobs 1`` spends its time, from a profile of ``sample`` files."""
    from storykit.cli import main

    paths = sorted(p for p in archive.rglob("*.txt"))[:sample]
    out = archive.parent / "profile.jsonl"
    profiler = cProfile.Profile()
    stderr, sys.stderr = sys.stderr, io.StringIO()
    try:
        profiler.enable()
        main(["convert", *map(str, paths), "-o", str(out), "-j", "1", "--force", "-q"])
        profiler.disable()
    finally:
        sys.stderr = stderr
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, str], float] = {}
    total = 0.0
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        key = (os.path.basename(filename), name)
        table[key] = max(table.get(key, 0.0), cumulative)
        if name == "main" and filename.endswith("cli.py"):
            total = cumulative
    lines = [
        f"profile of convert --jobs 1 over {sample:,} files (cumulative, with profiler overhead):"
    ]
    for label, key in WHERE.items():
        lines.append(f"  {label:48s}{table.get(key, 0.0) / total:6.0%}")
    return "\n".join(lines)


def main() -> None:  # noqa: PLR0915 - one report, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--flat", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cached-tags", action="store_true")
    parser.add_argument("--cold", action="store_true", help="also measure from a cold cache")
    args = parser.parse_args()
    if args.cold and not os.access(DROP_CACHES, os.W_OK):
        sys.exit(f"--cold empties the page cache through {DROP_CACHES}: Linux, as root")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    kind = "cached" if args.cached_tags else "unique"
    small = out / f"archive-{args.stories}-{kind}"
    make_archive(small, args.stories, flat=args.flat, unique=not args.cached_tags)
    cached = out / f"archive-{args.stories}-cached"
    make_archive(cached, args.stories, flat=args.flat, unique=False)
    print(f"cores: {os.cpu_count()}; archive: {small} ({args.stories:,} dumps, {kind} tags lines)")
    cache_bytecode(out / "pycache")

    # alternate the runs, medians of each: the machine may be busy with other work
    keys = ("floor", "library", "one", "two", "cached", "folder")
    runs: dict[str, list[tuple[float, float, int]]] = {k: [] for k in keys}
    cpu_one, cpu_two = [], []
    for _ in range(args.repeat):
        floor_argv = [sys.executable, "-c", FLOOR, str(small), str(out / "floor.jsonl")]
        warm(small)
        runs["floor"].append(timed(floor_argv))
        library_argv = [sys.executable, "-c", LIBRARY_FLOOR, str(small), str(out / "lib.jsonl")]
        warm(small)
        runs["library"].append(timed(library_argv))
        warm(small)
        runs["one"].append(timed(convert(small, out / "one.jsonl", 1)))
        warm(small)
        runs["two"].append(timed(convert(small, out / "two.jsonl", 2)))
        warm(cached)
        runs["cached"].append(timed(convert(cached, out / "cached.jsonl", 1)))
        # new files each round, in a folder of its own: deleting the last round's 20,000
        # files just before would be charged to this one (the kernel frees them meanwhile)
        folder = out / f"folder-{len(runs['folder'])}"
        shutil.rmtree(folder, ignore_errors=True)
        warm(small)
        runs["folder"].append(timed([*convert(small, folder, 1), "--to", "json"]))
        one_unit, two_units = cpu_times()
        cpu_one.append(one_unit)
        cpu_two.append(two_units)
    median = statistics.median
    (floor, floor_cpu, floor_mem), (lib, lib_cpu, _), (one, one_cpu, one_mem) = (
        (median(r[0] for r in runs[k]), median(r[1] for r in runs[k]), max(r[2] for r in runs[k]))
        for k in ("floor", "library", "one")
    )
    (two, two_cpu, two_mem), (hot, hot_cpu, _), (tree, tree_cpu, _) = (
        (median(r[0] for r in runs[k]), median(r[1] for r in runs[k]), max(r[2] for r in runs[k]))
        for k in ("two", "cached", "folder")
    )
    for i in range(args.repeat):
        shutil.rmtree(out / f"folder-{i}", ignore_errors=True)
    gain = median(cpu_one) / median(cpu_two)
    same = (out / "one.jsonl").read_bytes() == (out / "two.jsonl").read_bytes()
    lines = sum(1 for _ in (out / "one.jsonl").open(encoding="utf-8"))

    n = args.stories
    speedup = one / two
    rows = [
        (
            "floor (read + JSON string line)",
            f"{floor:6.2f} s  {n / floor:8,.0f} files/s    CPU {floor_cpu:.2f} s",
        ),
        (
            "library floor (text read + JSON)",
            f"{lib:6.2f} s  {n / lib:8,.0f} stories/s  {lib / floor:.2f}x the floor; "
            f"CPU {lib_cpu:.2f} s, {lib_cpu / floor_cpu:.2f}x",
        ),
        (
            f"convert --jobs 1 ({kind})",
            f"{one:6.2f} s  {n / one:8,.0f} stories/s  {one / floor:.2f}x the floor "
            f"(target <= 2.5x); CPU {one_cpu:.2f} s, {one_cpu / floor_cpu:.2f}x; "
            f"{one_cpu / lib_cpu:.2f}x the library floor's CPU",
        ),
        (
            "convert --jobs 1 (cached tags)",
            f"{hot:6.2f} s  {n / hot:8,.0f} stories/s  {hot / floor:.2f}x the floor; "
            f"CPU {hot_cpu:.2f} s, {hot_cpu / floor_cpu:.2f}x",
        ),
        (
            "convert --jobs 1 -o DIR (a file each)",
            f"{tree:6.2f} s  {n / tree:8,.0f} stories/s  {tree / floor:.2f}x the floor; "
            f"CPU {tree_cpu:.2f} s, {tree_cpu / floor_cpu:.2f}x",
        ),
        (
            "convert --jobs 2",
            f"{two:6.2f} s  {n / two:8,.0f} stories/s  gain {speedup:.2f}x; CPU {two_cpu:.2f} s",
        ),
        ("two CPU-bound processes vs one", f"gain {gain:.2f}x"),
        (
            "jobs 2 gain vs CPU-bound gain",
            f"{speedup / gain:.0%} of the ratio, {(speedup - 1) / (gain - 1):.0%} of the "
            "speed-up (target >= 85%)",
        ),
        ("outputs", f"{lines:,} lines; --jobs 1 and --jobs 2 identical: {same}"),
        (
            f"peak RSS at {n:,}",
            f"floor {floor_mem / 1024:.1f} MiB, jobs 1 {one_mem / 1024:.1f} MiB, "
            f"jobs 2 {two_mem / 1024:.1f} MiB",
        ),
    ]
    if args.big:
        big = out / f"archive-{args.big}-{kind}"
        make_archive(big, args.big, flat=args.flat, unique=not args.cached_tags)
        warm(big)
        big_one = timed(convert(big, out / "big-one.jsonl", 1))
        warm(big)
        big_two = timed(convert(big, out / "big-two.jsonl", 2))
        rows += [
            (
                f"peak RSS at {args.big:,}",
                f"jobs 1 {big_one[2] / 1024:.1f} MiB ({big_one[0]:.1f} s), "
                f"jobs 2 {big_two[2] / 1024:.1f} MiB ({big_two[0]:.1f} s)",
            ),
            (
                f"memory {n // 1000}k -> {args.big // 1000}k",
                f"jobs 1 {big_one[2] / one_mem - 1:+.1%}, jobs 2 {big_two[2] / two_mem - 1:+.1%} "
                "(target within 10%)",
            ),
        ]
    read, write = core_seconds(small)
    rows.append(
        (
            "reader + JSON writer alone",
            f"{read + write:6.2f} s CPU ({read:.2f} read, {write:.2f} write), in memory: "
            f"{(read + write) / floor:.2f}x the floor",
        )
    )
    if args.cold:
        rows += cold_rows(small, out, args.repeat)
    for label, value in rows:
        print(f"{label:34s}{value}")
    print()
    print(profile(small, 2000))


if __name__ == "__main__":
    main()
