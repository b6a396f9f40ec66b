"""The progress line of the batch commands, drawn on stderr when it is a terminal.

``storykit convert`` shows how many files are done, of how many when that is cheap to know
(:func:`_count_files`: no archive, no standard input), with a bar, the stories done and
failed and the rate, redrawn at most ten times a second and cut to the terminal's width
(:func:`columns`). :func:`plural` words a count as the line and the summary say it.

:mod:`storykit._batch` draws it; this module imports neither it nor the engine.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from storykit._batch_args import _is_container
from storykit.collection import iter_paths

__all__ = ["columns", "plural"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 story``, ``2 stories``: a count and its noun."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


class _Progress:
    """A one-line progress display on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream: TextIO, total: int | None, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.files = 0
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, files: int, done: int, failed: int) -> None:
        self.files += files
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1:  # ten redraws a second at most
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        status = f"{done:,} done, {failed:,} failed, {rate:,.0f}/s"
        if self.total:
            share = min(self.files / self.total, 1.0)
            width = 24
            filled = int(share * width)
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {share:4.0%} {self.files:,}/{self.total:,} files  {status}"
        else:
            line = f"{plural(self.files, 'file')}  {status}"
        self.stream.write("\r" + line[: columns() - 1] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def columns() -> int:
    """The width of the terminal (80 when there is none), as ``shutil.get_terminal_size``.

    ``COLUMNS`` when it is set, else standard output's terminal. Asked here rather than of
    shutil, which imports zlib, bz2 and lzma (3 ms of every command's start: the parser's
    help formatter asks for the width too).
    """
    try:
        width = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        width = 0
    if width <= 0:
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            width = 0
    return width if width > 0 else 80


def _count_files(inputs: list[str]) -> int | None:
    """How many files the inputs name, when that is cheap to know (no archive, no stdin)."""
    total = 0
    for name in inputs:
        if name == "-":
            return None
        try:
            for path in iter_paths(name):
                if _is_container(path):
                    return None
                total += 1
        except OSError:
            total += 1
    return total
