"""Hostile-query benchmark for ``storykit.search`` (run on demand; not a test).

``python benchmarks/search.py DB`` times, in one process, each costly query shape as the
search ran it before its term limit (the same SQL, straight to SQLite) and as
``storykit.search`` runs it now (refused over 32 terms), and prints seconds and the ratio.
``--long`` adds one-story databases of N words ``the`` (snippets, which take time in the
square of a story's matches). Make DB with, for 5,000 stories:

    python -m storykit convert benchmarks/out/archive-20000-unique/000{0,1,2,3,4} -o s.db

Options: ``--terms 16,32,64`` (the sizes of each shape), ``--long 1000,80000``.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import storykit

BEFORE = (
    "SELECT s.id, s.title, s.source, s.published, s.url,"
    " snippet(stories_fts, -1, '[', ']', '…', 12)"
    " FROM stories_fts JOIN stories AS s ON s.pk = stories_fts.rowid"
    " WHERE stories_fts MATCH ? ORDER BY rank, s.pk LIMIT 20"
)
COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "that",
    "is",
    "for",
    "on",
    "with",
    "as",
    "it",
    "was",
    "by",
    "at",
    "from",
    "he",
    "his",
    "be",
    "an",
]
SHAPES: dict[str, Callable[[int], str]] = {
    "the OR the ...": lambda n: " OR ".join(["the"] * n),
    "the the ... (AND)": lambda n: " ".join(["the"] * n),
    "common words OR": lambda n: " OR ".join((COMMON * n)[:n]),
    "a* OR a* ...": lambda n: " OR ".join(["a*"] * n),
    "NEAR(the ...)": lambda n: "NEAR(" + " ".join(["the"] * n) + ", 1000)",
    "{columns}: the OR ...": lambda n: " OR ".join(["{title body}: the"] * n),
    '"the the ..." phrase': lambda n: '"' + " ".join(["the"] * n) + '"',
    "((the)) nesting": lambda n: "(" * n + "the" + ")" * n,
}


def seconds(run: Callable[[], object]) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        result = run()
    except ValueError as exc:
        return time.perf_counter() - start, str(exc)[:40]
    return time.perf_counter() - start, f"{len(result)} hits"  # type: ignore[arg-type]


def before(db: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(BEFORE, (query,)).fetchall()
    finally:
        connection.close()


def compare(db: Path, label: str, query: str) -> None:
    old, _ = seconds(lambda: before(db, query))
    new, said = seconds(lambda: storykit.search(db, query))
    print(f"{label:34s} before {old:8.3f} s  now {new:8.3f} s  ({old / new:8.1f}x)  {said}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path, nargs="?")
    parser.add_argument("--terms", default="16,32,64")
    parser.add_argument("--long", default="")
    args = parser.parse_args()
    if args.db is not None:
        before(args.db, "the")  # warm up: imports, the file in the page cache
        storykit.search(args.db, "the")
        compare(args.db, "the", "the")
        for name, shape in SHAPES.items():
            for n in map(int, args.terms.split(",")):
                compare(args.db, f"{name} x{n}", shape(n))
    with tempfile.TemporaryDirectory() as folder:
        for words in (int(n) for n in args.long.split(",") if n):
            db = Path(folder) / f"long{words}.db"
            text = "Once upon " + "the " * words + "end."
            story = storykit.Story("Long", sections=[storykit.Section(None, [text])])
            storykit.to_sqlite([story], db)
            for n in (1, 32):
                compare(db, f"one story of {words:,} 'the', x{n}", " OR ".join(["the"] * n))


if __name__ == "__main__":
    main()
