"""How much a chunk's output costs to hand back from a worker: a pipe or shared memory.

Run on demand (``python benchmarks/handback.py``; Linux, it forks). The batch engine's
forked workers leave each chunk's output (about 166 KB for 64 stories of JSON Lines) in
the chunk's slot of a shared ``mmap`` and send back only its length
(:class:`storykit._slots.SharedSlots`); what does not fit a slot goes through the
executor's pipe, pickled. This measures the hand-back alone, both ways, for 20,000
stories' worth (313 chunks, 52 MB): CPU seconds of the main process and of the worker, and
the wall time, medians of ``--repeat`` rounds. Alone it saves about 50 ms of the main
process's CPU per 20,000 stories (pipe 81 ms, shared 28 ms; wall 100 ms against 40 ms, in
issue 10's round). In the command the larger part is what it saves besides: every pipe copy
was into memory fresh from the system (37,000 page faults for ``convert --jobs 2`` of
20,000 stories, 14,000 with the shared buffer), and the worker waited on the 64 KiB pipe.
Issue 11 had taken the shared buffer out on this benchmark's figure alone.
"""

from __future__ import annotations

import argparse
import mmap
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

CHUNKS = 313
SIZE = 166_000
SLOT = 512 * 1024
SLOTS = 9  # chunks in flight (2 workers x 4) and one more
PAYLOAD = os.urandom(SIZE)
_shared: mmap.mmap | None = None  # made before the worker is forked


def piped(_index: int) -> tuple[bytes | int, int]:
    """The output itself, pickled through the pipe."""
    return PAYLOAD, 64


def in_slot(index: int) -> tuple[bytes | int, int]:
    """The output left in the chunk's slot of the shared buffer; only its length sent."""
    assert _shared is not None
    _shared.seek(index % SLOTS * SLOT)
    _shared.write(PAYLOAD)
    return SIZE, 64


def run(work: Callable[[int], tuple[bytes | int, int]]) -> tuple[float, float]:
    """Main-process CPU seconds and wall seconds to take every chunk's output."""
    global _shared  # noqa: PLW0603 - inherited by the worker forked after this
    _shared = mmap.mmap(-1, SLOTS * SLOT)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context) as executor:
        executor.submit(int, 0).result()  # the worker started
        cpu, wall = time.process_time(), time.perf_counter()
        futures = [executor.submit(work, i) for i in range(CHUNKS)]
        for index, future in enumerate(futures):
            data = future.result()[0]
            if isinstance(data, int):
                start = index % SLOTS * SLOT
                data = _shared[start : start + data]
            assert len(data) == SIZE
        return time.process_time() - cpu, time.perf_counter() - wall


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float, float]]] = {"pipe": [], "shared": []}
    for _ in range(args.repeat):
        for name, work in (("pipe", piped), ("shared", in_slot)):
            before = children_cpu()
            main_cpu, wall = run(work)
            results[name].append((main_cpu, children_cpu() - before, wall))
    print(f"{CHUNKS} chunks of {SIZE:,} bytes ({CHUNKS * SIZE / 1e6:.0f} MB), medians:")
    for name, rounds in results.items():
        main_cpu = statistics.median(r[0] for r in rounds)
        worker_cpu = statistics.median(r[1] for r in rounds)
        wall = statistics.median(r[2] for r in rounds)
        print(
            f"  {name:7s} main CPU {main_cpu * 1000:4.0f} ms"
            f"  worker CPU {worker_cpu * 1000:4.0f} ms  wall {wall * 1000:4.0f} ms"
        )


if __name__ == "__main__":
    main()
