"""What ``storykit convert`` says at its end: the failures, the count, and what it left out.

:class:`Summary` tallies what the engine hands back and prints it; :func:`safe` keeps
control characters out of the terminal in every message the command writes.
"""

from __future__ import annotations

import re
from typing import TextIO

from storykit._batch_args import _folder_for
from storykit._cli_names import shown, shown_short
from storykit._progress import plural
from storykit._units import PassedOver
from storykit.errors import _printable

__all__ = ["Summary", "nothing_found", "passed_over_note", "safe"]

_MAX_LISTED = 1000  # failures kept for the summary; the rest are only counted
_MAX_EXISTING = 3  # output files that exist already named in the summary


class Summary:
    """What ``convert`` did, tallied, and said at its end (failures first, then the count)."""

    def __init__(self, *, fail_fast: bool) -> None:
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.extras = 0
        self.failures: list[str] = []
        self.existing: list[str] = []  # the first outputs that exist already
        self.exist = 0
        self.fail_fast = fail_fast
        self.lost = 0  # stories read, then not written (the output file failed)
        self.full = ""  # the run stopped: the output's disk is "full" or "read-only"

    def fail(self, line: str) -> bool:
        self.failed += 1
        if len(self.failures) < _MAX_LISTED:
            self.failures.append(safe(line))
        return not self.fail_fast

    def unwritten(self, line: str) -> None:
        """The one output file was not written: the stories read for it count as lost."""
        self.fail(line)
        self.lost, self.done = self.done, 0

    def exists(self, dest: str) -> bool:
        self.failed += 1
        self.exist += 1
        if len(self.existing) < _MAX_EXISTING:
            self.existing.append(safe(shown_short(dest)))
        return not self.fail_fast

    def print(self, stream: TextIO, *, quiet: bool, verb: str) -> None:
        for line in self.failures:
            stream.write(line + "\n")
        listed = len(self.failures) + self.exist
        if self.failed > listed:
            stream.write(f"… and {plural(self.failed - listed, 'more failure')}\n")
        if self.exist:
            names = ", ".join(self.existing) + (", …" if self.exist > len(self.existing) else "")
            stream.write(
                f"{plural(self.exist, 'output file')} exist{'s' if self.exist == 1 else ''} "
                f"already ({names}); use --force to overwrite "
                f"{'it' if self.exist == 1 else 'them'}\n"
            )
        if self.full == "read-only":
            stream.write(
                "stopped: the output is on a read-only file system, so no story could be "
                "written there; the rest were not converted (give -o a folder you can write "
                "to, then run the command again)\n"
            )
        elif self.full:
            stream.write(
                "stopped: the output's disk is full, so no other story could be written; "
                "the rest were not converted (free some space, then run the command again, "
                "with --force to write again the files written)\n"
            )
        if quiet and not self.failed:
            return
        text = f"{self.done:,} {verb}"
        if self.lost:
            text += f" ({self.lost:,} read, none written)"
        text += f", {self.failed:,} failed"
        if self.skipped:
            text += f", {self.skipped:,} skipped (not story files)"
        if self.extras:
            text += (
                f"; {plural(self.extras, 'line')} not placed, kept in story.extras "
                "(storykit validate lists them)"
            )
        stream.write(text + "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What :func:`safe` escapes: control characters, and the bidirectional controls, with which
a story could make a terminal show its text in another order than it holds it (a title that
reads as something else: "Trojan Source")."""


def safe(text: str, *, newlines: bool = True) -> str:
    r"""``text`` with control characters (ESC, BEL, U+202E…) shown escaped, not sent to a terminal.

    Newlines are escaped too unless ``newlines`` is false (the lines of a story shown). File
    names are written by :mod:`storykit._cli_names` (``$'\xff.txt'``); a lone surrogate
    left in a message (the library's) is shown as ``\udcff``, as it writes them.
    """
    if newlines:
        text = text.replace("\n", "\\n")
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], _printable(text))


def passed_over_note(passed_over: PassedOver | None, out: str | None, inputs: list[str]) -> str:
    """The note for files of the inputs left out because they are in the output folder."""
    if passed_over is None or not passed_over.count:
        return ""
    more = len(passed_over.first) < passed_over.count
    named = ", ".join(map(shown, passed_over.first)) + (", …" if more else "")
    them = "them" if passed_over.count > 1 else "it"
    note = (
        f"{plural(passed_over.count, 'file')} of the inputs not read ({named}): "
        f"{shown(out or '.')} is the output folder, and what is in it is not read as input; to "
        f"convert {them} too, give a folder that holds no input, such as -o "
        f"{shown(_folder_for(None, inputs))}"
    )
    return safe(note) + "\n"


def nothing_found(inputs: list[str]) -> str:
    """The note for inputs that gave no story, no failure and nothing skipped.

    An empty folder, a folder of pictures. (A file with no story in it is a failure.)
    """
    return safe(f"no story found in {', '.join(map(shown, inputs))}") + "\n"
