"""The buffer the batch engine's worker processes leave their output in (:mod:`storykit._pool`)."""

from __future__ import annotations

import contextlib


class SharedSlots:
    """A buffer shared with the worker processes, forked after it is made: a slot per chunk.

    A worker leaves a chunk's output in the chunk's slot (when it fits) and sends back only
    its length; the main process writes it to the output from there. Sent back through the
    executor's pipe, 166 KB a chunk of JSON Lines was copied five times (joined, pickled,
    through a 64 KiB pipe in pieces, read, unpickled), each copy into memory fresh from the
    system (page faults, in a VM dear), and the pipe's pieces made the processes wait on
    each other. The buffer's pages stay, and are used again.

    Anonymous shared memory: nothing to remove, whatever ends the processes.
    """

    SIZE = 1024 * 1024
    """The bytes of a slot: a chunk of 64 typical stories' output is about 170 KB."""

    def __init__(self, count: int) -> None:
        import mmap  # noqa: PLC0415

        self.buffer = mmap.mmap(-1, count * self.SIZE)
        self.view = memoryview(self.buffer)
        self.free = list(range(count - 1, -1, -1))

    def slot(self, index: int) -> memoryview:
        """Slot ``index``, to write into or read from."""
        start = index * self.SIZE
        return self.view[start : start + self.SIZE]

    def take(self) -> int:
        """A free slot's index, or -1 when all are in use."""
        return self.free.pop() if self.free else -1

    def give(self, index: int) -> None:
        """Free a slot again (its chunk's output is written, or the chunk failed)."""
        if index >= 0:
            self.free.append(index)

    def close(self) -> None:
        """Let the buffer go (in the main process, once no worker is left to use it)."""
        self.view.release()
        with contextlib.suppress(BufferError):  # a view still held: the buffer goes with it
            self.buffer.close()
