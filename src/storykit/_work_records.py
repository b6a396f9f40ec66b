"""The records of batch work: the units sent to the workers, and what comes back.

The main process (:mod:`storykit._units`, :mod:`storykit._engine`) sends a worker
(:mod:`storykit._worker`) a list of units with the :class:`Job` to do on them; the worker
sends back a :class:`Done` for the chunk, with a :class:`Result` for each story or file
worth reporting. Each is a named tuple: it pickles at about a microsecond, where an object
of a class would take a few. :func:`failed`, :func:`no_story` and :func:`skipped` make the
results both sides report. This module imports neither side.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from storykit._naming import Namer
from storykit._records import Origin, error_as_options
from storykit._sources import DEFAULT_MAX_MEMBER_SIZE
from storykit.errors import StoryParseError

__all__ = [
    "NO_STORY",
    "RESULTS_HELD",
    "Done",
    "FileUnit",
    "Job",
    "MemberUnit",
    "Message",
    "Result",
    "StoryUnit",
    "Unit",
    "failed",
    "no_story",
    "skipped",
]


RESULTS_HELD = 1000
"""The most results a worker gathers for a chunk before it hands the file it is on back.

A result (a failure, a warning) is a few hundred bytes: a file of two million bad JSON
lines, done by one worker, held a gigabyte of them before it sent them all at once."""


class FileUnit(NamedTuple):
    """A plain file, to be read and split into stories by the worker."""

    path: str
    format: str
    """``"jsonl"``, a registered format's name, or ``""`` to tell from the content."""
    stem: str | None
    """With folder output, the file's output path without suffix, else ``None``
    (:meth:`storykit._naming.Namer.stem`)."""

    @property
    def origin(self) -> Origin:
        """The file."""
        return Origin(self.path)


class MemberUnit(NamedTuple):
    """An archive member's bytes (read by the main process, within the limits)."""

    path: str
    member: str
    format: str
    data: bytes
    stem: str | None
    """As for :class:`FileUnit`."""

    @property
    def origin(self) -> Origin:
        """The archive and the member."""
        return Origin(self.path, self.member)


class StoryUnit(NamedTuple):
    """The text of one story, split from its file by the main process."""

    path: str
    member: str | None
    line: int | None
    """The line the story starts on in its file (or member)."""
    text: str
    format: str
    dest: str | None
    """With folder output, the file the story is written to, else ``None``."""
    first: bool
    """Whether this is the first story of its file (the file is counted once, with it)."""

    @property
    def origin(self) -> Origin:
        """Where the story starts."""
        return Origin(self.path, self.member, self.line)


Unit = FileUnit | MemberUnit | StoryUnit
"""One unit of work."""


class Job(NamedTuple):
    """What the workers do with each story (sent along with every chunk; it is small)."""

    mode: Literal["convert", "validate"]
    to: str = "json"
    compact: bool = False
    force: bool = False
    namer: Namer | None = None  # directory output: where each story goes
    max_member_size: int = DEFAULT_MAX_MEMBER_SIZE
    fail_fast: bool = False  # stop a file at its first failure
    redo: bool = False  # done again after a worker died: a file it wrote is not "exists"
    options: tuple[tuple[str, Any], ...] = ()  # the writer's keyword options
    site: bool = False  # HTML pages in a folder, with index.html: each output is its entry
    delegate: int = 0
    """With a pool: a plain file over this many bytes is not done in the worker but handed
    back to the main process, which splits it and sends its stories out a chunk at a time
    (one large file would keep one worker busy, the others idle); 0: never."""


class Message(NamedTuple):
    """One finding of the reader about a story (or why it failed)."""

    line: int | None
    level: str
    """``"error"`` or ``"warning"``."""
    message: str


class Result(NamedTuple):
    """What became of one story (or of a file that could not be read)."""

    path: str
    member: str | None
    line: int | None
    kind: Literal["ok", "failed", "skipped", "exists", "empty", "full", "read-only"]
    """``empty``: a file (or member) that holds no story, a failure of its own kind;
    ``full``, ``read-only``: a story not written because the output's disk is full, or
    read-only, which stops the run."""
    error: str | None = None  # ``file:line: message`` (for ``exists``: the output file)
    messages: tuple[Message, ...] = ()

    @property
    def origin(self) -> Origin:
        """Where the story (or the file) is."""
        return Origin(self.path, self.member, self.line)


class Done(NamedTuple):
    """What a worker sends back for a chunk."""

    output: bytes
    """Every story written, encoded and joined, in order (nothing when validating)."""
    ok: int
    """Stories that went well and said nothing (no :class:`Result` is sent for those)."""
    files: int
    """Files and members done."""
    results: list[Result]
    """The other stories and files, in order."""
    extras: int
    """Lines the stories keep in ``story.extras`` (lines the reader could not place)."""
    handed: int = -1
    """The place in the chunk of a file handed back (over ``Job.delegate`` bytes, or with too
    many results: see ``skip``): that unit (past ``skip``) and those after it are not done
    (-1: the whole chunk is)."""
    shared: int = -1
    """With a shared buffer: the length of the output left in the chunk's slot of it, instead
    of sent in ``output`` (-1: it is in ``output``)."""
    skip: int = 0
    """How many stories (and failures) of the file handed back were done already: a file
    whose failures and findings passed ``RESULTS_HELD`` is handed back part-way, so that
    what a worker holds (and sends) stays bounded however many bad lines a file has. -1:
    the chunk stopped before that file, at ``RESULTS_HELD`` results; the rest is to be sent
    again as it is."""


def failed(origin: Origin, error: StoryParseError | str) -> Result:
    """The result of what could not be read or written (a message is placed at ``origin``)."""
    if isinstance(error, str):
        error = StoryParseError(error, filename=origin.where, line=origin.line)
    error = error_as_options(error)  # the command's user sets --max-member-size, not the keyword
    messages = (Message(error.line, "error", error.message),)
    return Result(origin.path, origin.member, origin.line, "failed", str(error), messages)


NO_STORY = "no story here"
"""What is said of a file (or archive member) that holds no story: it is empty or blank."""


def no_story(origin: Origin) -> Result:
    """The result of a file or member that holds no story: reported, as a failure.

    As one such file named on its own is (``FILE: no story here``): a file in a folder or
    an archive that is empty is still seen to be there.
    """
    return failed(origin, NO_STORY)._replace(kind="empty")


def skipped(origin: Origin, reason: str) -> Result:
    """The result of an archive member that is not a story file."""
    return Result(origin.path, origin.member, origin.line, "skipped", f"{origin}: {reason}")
