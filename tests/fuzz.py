"""A mutation fuzzer for storykit's readers and writers (issue 8).

For every input it asserts the two contracts of ``docs/errors.md``:

* the reader contract: ``storykit.loads`` (``text``, ``json``, ``markdown``, ``ninjs`` or
  sniffed with ``format=None``) answers any ``str`` or ``bytes`` with a ``Story`` or a
  ``StoryParseError`` (a bounded, printable message) and nothing else;
* the writer contract: a story that was read writes as ``text``, ``json``, ``ninjs`` and
  ``markdown`` or raises ``UnrepresentableError``, and what was written reads back equal.

Seeds: the development corpus (``../shared/corpus/stories/*.txt``, with their JSON, Markdown
and ninjs conversions made here, never copied into the project), the seed in ``seeds/``, the
ninjs fixtures and every input in ``tests/fuzz_regressions/``. Input ``i`` of run ``seed`` is
made by ``random.Random(f"{seed}:{i}")`` alone, so any failure reproduces from its two numbers:
``python -m tests.fuzz --seed S --start I --count 1 -v``.

Run ``python -m tests.fuzz --count 1000000`` (or ``--thorough``) for a long run; the test suite
runs a bounded number (``tests/test_fuzz.py``, ``STORYKIT_FUZZ=N`` to change it). An input that
breaks a contract is saved with ``--save``; keep it in ``tests/fuzz_regressions/`` (the suite
replays every file there): ``NAME.FORMAT`` holds UTF-8 bytes given to ``loads`` as ``str``,
``NAME.bytes.FORMAT`` raw bytes given as ``bytes``, ``NAME.str.FORMAT`` a ``str`` with lone
surrogates (stored with ``surrogatepass``). ``FORMAT`` is a reader's name or ``sniff``.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import storykit
from storykit import Story, StoryParseError, UnrepresentableError
from storykit.errors import MAX_MESSAGE_LENGTH
from tests.fuzz_mutations import mutate

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "fuzz_regressions"
READERS = ("text", "json", "markdown", "ninjs", None)
WRITERS = ("text", "json", "ninjs", "markdown")

Data = str | bytes

# --------------------------------------------------------------------------- seeds


def _corpus_dir() -> Path:
    import os

    shared = Path(os.environ.get("STORYKIT_SHARED", ROOT.parent / "shared"))
    return shared / "corpus" / "stories"


def seeds() -> list[tuple[str | None, str]]:
    """``(format, text)`` pairs to mutate: corpus, conversions, seed, fixtures, regressions."""
    out: list[tuple[str | None, str]] = []
    paths = sorted(_corpus_dir().glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        out.append(("text", text))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                story = storykit.loads(text, "text")
            except StoryParseError:
                continue
        for fmt in ("json", "markdown", "ninjs"):
            with contextlib.suppress(UnrepresentableError):
                out.append((fmt, storykit.dumps(story, fmt)))
    for path in sorted((ROOT / "tests" / "fixtures" / "ninjs").glob("*.ninjs")):
        out.append(("ninjs", path.read_text(encoding="utf-8")))
    for _, fmt, data in regressions():
        if isinstance(data, str) and len(data) < 20_000:  # small ones: big ones are slow seeds
            out.append((fmt, data))
    return out


def regressions(directory: Path = REGRESSIONS) -> Iterator[tuple[Path, str | None, Data]]:
    """Every kept input: ``(path, format or None for sniffing, data)``."""
    for path in sorted(directory.glob("*")):
        if path.name.startswith(".") or path.name == "README.md":
            continue
        parts = path.name.split(".")
        fmt = None if parts[-1] == "sniff" else parts[-1]
        raw = path.read_bytes()
        data: Data
        if len(parts) >= 3 and parts[-2] == "bytes":
            data = raw
        elif len(parts) >= 3 and parts[-2] == "str":
            data = raw.decode("utf-8", "surrogatepass")
        else:
            data = raw.decode("utf-8")
        yield path, fmt, data


def make_input(
    seed: int, index: int, pool: list[tuple[str | None, str]]
) -> tuple[str | None, Data]:
    """Input ``index`` of run ``seed``: the reader's format (``None``: sniff) and the data."""
    rng = random.Random(f"{seed}:{index}")
    fmt, text = rng.choice(pool)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
        text = mutate(rng, text, pool)
    if rng.random() < 0.2:
        fmt = rng.choice(READERS)
    data: Data = text
    if rng.random() < 0.15:
        raw = bytearray(text.encode("utf-8", "surrogatepass"))
        for _ in range(rng.randrange(3)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    return fmt, data


# --------------------------------------------------------------------------- contracts


@dataclass
class Failure:
    """One broken contract."""

    kind: str  # "reader" (a stray exception), "message", "writer", "round trip"
    fmt: str | None
    data: Data
    detail: str

    def describe(self) -> str:
        return f"{self.kind} ({self.fmt or 'sniff'}): {self.detail}"


def _check_error(exc: StoryParseError, fmt: str | None, data: Data) -> Failure | None:
    text = str(exc)
    if len(exc.message) > MAX_MESSAGE_LENGTH + 40:
        return Failure("message", fmt, data, f"a message of {len(exc.message):,} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Failure("message", fmt, data, f"a message that cannot be printed: {text[:200]!r}")
    return None


def read(fmt: str | None, data: Data) -> tuple[Story | None, Failure | None]:
    """Read ``data``; the story (or ``None`` when refused) and a broken contract, if any."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            story = storykit.loads(data, fmt)
    except StoryParseError as exc:
        return None, _check_error(exc, fmt, data)
    except Exception:  # the contract broken: any other exception
        return None, Failure("reader", fmt, data, traceback.format_exc(limit=-6))
    if not isinstance(story, Story):
        return None, Failure("reader", fmt, data, f"returned {type(story).__name__}")
    return story, None


def round_trip(story: Story, fmt: str | None, data: Data) -> list[Failure]:
    """The writer contract for one story: each format writes and reads back equal, or refuses."""
    failures = []
    for out in WRITERS:
        try:
            written = storykit.dumps(story, out)
        except UnrepresentableError:
            continue
        except Exception:
            detail = f"writing {out}: {traceback.format_exc(limit=-4)}"
            failures.append(Failure("writer", fmt, data, detail))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                back = storykit.loads(written, out)
        except Exception as exc:
            detail = f"{out} written, then refused: {type(exc).__name__}: {str(exc)[:300]}"
            failures.append(Failure("round trip", fmt, data, detail))
            continue
        if back != story:
            detail = f"{out} reads back different: {_difference(story, back)}"
            failures.append(Failure("round trip", fmt, data, detail))
    return failures


def _difference(a: Story, b: Story) -> str:
    import attrs

    for field in attrs.fields(Story):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if x != y:
            return f"{field.name}: {x!r:.200} became {y!r:.200}"
    return "?"


def check(fmt: str | None, data: Data, *, writers: bool = True) -> list[Failure]:
    """Both contracts for one input."""
    story, failure = read(fmt, data)
    if failure is not None:
        return [failure]
    if story is None or not writers:
        return []
    return round_trip(story, fmt, data)


# --------------------------------------------------------------------------- running


@dataclass
class Report:
    """What a run found."""

    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    failures: list[tuple[int, Failure]] | None = None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, failure in self.failures or []:
            out[failure.kind] = out.get(failure.kind, 0) + 1
        return out


def run(
    seed: int,
    start: int,
    count: int,
    *,
    pool: list[tuple[str | None, str]] | None = None,
    on_failure: Callable[[int, Failure], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Report:
    """Fuzz inputs ``start`` … ``start + count - 1`` of run ``seed``."""
    pool = pool if pool is not None else seeds()
    report = Report(failures=[])
    for index in range(start, start + count):
        if on_progress is not None and index % 10_000 == 0:
            on_progress(index)  # so that a crash of the process can be narrowed down
        fmt, data = make_input(seed, index, pool)
        story, failure = read(fmt, data)
        report.inputs += 1
        failures = [failure] if failure is not None else []
        if story is not None:
            report.accepted += 1
            failures += round_trip(story, fmt, data)
        else:
            report.refused += 1
        for f in failures:
            assert report.failures is not None
            report.failures.append((index, f))
            if on_failure is not None:
                on_failure(index, f)
    return report


def save(index: int, failure: Failure, directory: Path, seed: int) -> Path:
    """Write a failing input where the suite replays it (see the module docs for names)."""
    directory.mkdir(parents=True, exist_ok=True)
    fmt = failure.fmt or "sniff"
    data = failure.data
    if isinstance(data, bytes):
        name, raw = f"seed{seed}-{index}.bytes.{fmt}", data
    else:
        try:
            name, raw = f"seed{seed}-{index}.{fmt}", data.encode("utf-8")
        except UnicodeEncodeError:
            name, raw = f"seed{seed}-{index}.str.{fmt}", data.encode("utf-8", "surrogatepass")
    path = directory / name
    path.write_bytes(raw)
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.fuzz``: fuzz, print what broke; exit 1 if anything did."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="the first input's index")
    parser.add_argument("--count", type=int, default=10_000, help="how many inputs")
    parser.add_argument("--thorough", action="store_true", help="a million inputs")
    parser.add_argument("--save", type=Path, help="write failing inputs to this directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure whole")
    args = parser.parse_args(argv)
    count = 1_000_000 if args.thorough else args.count
    began = time.perf_counter()

    def show(index: int, failure: Failure) -> None:
        detail = failure.describe() if args.verbose else failure.describe().splitlines()[-1][:300]
        print(f"seed {args.seed} input {index}: {detail}", flush=True)
        if args.save is not None:
            print(f"  saved as {save(index, failure, args.save, args.seed)}", flush=True)

    def progress(index: int) -> None:
        if args.verbose or count >= 100_000:
            print(f"seed {args.seed}: at input {index}", flush=True)

    report = run(args.seed, args.start, count, on_failure=show, on_progress=progress)
    took = time.perf_counter() - began
    print(
        f"seed {args.seed}, inputs {args.start}..{args.start + count - 1}: {report.inputs:,} "
        f"inputs ({report.accepted:,} read, {report.refused:,} refused) in {took:.0f} s; "
        f"broken: {report.counts() or 'none'}",
        flush=True,
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
