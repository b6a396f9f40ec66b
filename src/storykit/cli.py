"""The ``storykit`` command: ``convert``, ``validate``, ``show``, ``schema`` and ``search``.

``main(argv)`` returns the exit status, so tests call it directly: ``assert main([...]) == 0``.
Exit statuses: 0 all went well, 1 some input failed (or an output exists and ``--force`` was
not given), 2 the command line was wrong, 3 a format needs an optional extra that is not
installed, 130 Ctrl-C, 141 standard output closed, 143 SIGTERM.

This module runs one command line: it stands in for a closed standard stream, reads the
command line (:mod:`storykit._cli_parser` builds the parser, with each command's options
and help; :mod:`storykit._cli_args` reads and checks what was given), runs the command, and
turns what stopped it into a message and an exit status: a usage error, a missing extra, a
closed pipe, a failed write, Ctrl-C or a termination signal. The batch commands ``convert``
and ``validate`` live in ``storykit._batch``, on the engine of ``storykit._engine``, which
streams: memory stays flat however many stories there are.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import io
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import NoReturn

from storykit._batch import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, safe
from storykit._cli_args import (
    JOBS_PER_CORE,  # noqa: F401 - still storykit.cli.JOBS_PER_CORE, as before the move
    cap_jobs,
    input_format,
    missing_inputs,
    parse,
)
from storykit._cli_names import shown_short
from storykit._cli_parser import build_parser as _parser  # main() looks it up here
from storykit._stdout import naming_stdout
from storykit.errors import MissingExtraError, UnknownFormatError

__all__ = ["EXIT_FAILED", "EXIT_MISSING_EXTRA", "EXIT_OK", "EXIT_USAGE", "console", "main"]


class _Signalled(BaseException):
    """A termination signal (SIGTERM, SIGHUP), raised where the program is.

    So that temporary files are removed on the way out.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise _Signalled(signum)


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed (``>&-``): writing to it fails."""

    def write(self, _text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def writable(self) -> bool:
        return True

    @property
    def buffer(self) -> _ClosedStream:
        return self


class _ClosedInput(io.TextIOBase):
    """Stands for a closed standard input (``<&-``): reading it fails."""

    name = "<stdin>"

    def read(self, _size: int | None = -1) -> str:
        raise OSError(errno.EBADF, "standard input is closed")

    def readline(self, _size: int | None = -1) -> str:  # type: ignore[override]
        raise OSError(errno.EBADF, "standard input is closed")

    def readable(self) -> bool:
        return True

    @property
    def buffer(self) -> _ClosedInput:
        return self


class _Discard(io.TextIOBase):
    """Stands for a closed standard error: what would go there is dropped."""

    def write(self, text: str) -> int:
        return len(text)

    def writable(self) -> bool:
        return True


def _catch_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set in the main thread (main() in a thread)
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _raise_signalled)


def _reads_a_terminal(args: argparse.Namespace) -> bool:
    """Whether the command reads standard input (``-``) and that is a terminal.

    ``storykit convert -`` typed at a prompt waited for input and said nothing: it looked
    hung. It now says what it waits for and how to end it.
    """
    names = getattr(args, "inputs", None) or [getattr(args, "file", None)]
    if "-" not in names:
        return False
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):  # a closed or replaced stream
        return False


def main(argv: list[str] | None = None) -> int:
    """Run the ``storykit`` command and return its exit status.

    Args:
        argv: The arguments, without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 when all went well, 1 when some input failed, 2 for a wrong command line, 3 when
        a format needs an optional extra that is not installed, 130 after Ctrl-C, 128 + N
        after signal N (SIGTERM, SIGHUP), 141 when the reader of standard output went away
        (``| head``).
    """
    if sys.stderr is None:  # started with 2>&-
        sys.stderr = _Discard()
    if sys.stdout is None:  # started with >&-: an error when something is written there
        sys.stdout = _ClosedStream()
    if sys.stdin is None:  # started with <&-: an error when '-' is read
        sys.stdin = _ClosedInput()
    parser = _parser()
    try:
        args = parse(parser, sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except BrokenPipeError:  # --help | head
        _drop_stdout()
        return EXIT_PIPE
    except OSError as exc:  # --help > /dev/full
        sys.stderr.write(f"storykit: error: {safe(_os_message(exc))}\n")
        _drop_stdout()  # what is left in its buffer is not flushed again at exit
        return EXIT_FAILED
    _catch_signals()
    cap_jobs(args)
    if _reads_a_terminal(args):
        sys.stderr.write(
            f"storykit {args.command}: reading a story from the terminal: type or paste it, "
            "then press Ctrl-D at the start of a line (Ctrl-Z, Enter on Windows)\n"
        )
    try:
        if getattr(args, "input_format", None) not in (None, "jsonl"):
            args.input_format = input_format(args.input_format)  # --from md: markdown
        run: Callable[[argparse.Namespace], int] = args.run
        status = run(args)
        with naming_stdout():
            sys.stdout.flush()  # here a full disk is said, not lost in the interpreter's exit
    except (UsageError, UnknownFormatError) as exc:
        for missing in missing_inputs(args):  # the bigger problem, said first
            sys.stderr.write(safe(missing) + "\n")
        sys.stderr.write(f"storykit {args.command}: error: {safe(str(exc))}\n")
        return EXIT_USAGE
    except MissingExtraError as exc:  # not the input's fault: stop, say what to install
        sys.stderr.write(f"storykit {args.command}: error: {safe(str(exc))}\n")
        return EXIT_MISSING_EXTRA
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        _drop_stdout()
        return EXIT_PIPE
    except OSError as exc:
        sys.stderr.write(f"storykit {args.command}: error: {safe(_os_message(exc))}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except _Signalled as exc:
        return 128 + exc.signum
    return status


def console() -> NoReturn:
    """The ``storykit`` command (through :func:`storykit.__main__.run`): :func:`main`, then exit.

    Once :func:`main` has returned, its output is complete: a Ctrl-C that lands while the
    interpreter shuts down (threads joined, files closed) is ignored rather than shown as a
    ``KeyboardInterrupt`` traceback from wherever the interpreter was.

    The objects the command's modules made (classes, functions, tables) live until it
    exits: the garbage collector is told not to look through them again (``gc.freeze``),
    which it otherwise did at every older-generation collection of a batch run, 2% of a
    ``convert`` of small files. (A pool's fork leaves them frozen: see
    :func:`storykit._pool._frozen`.)
    """
    gc.freeze()
    status = EXIT_INTERRUPTED
    # a Ctrl-C before main() catches it (its parser being built), or after it returned,
    # before Ctrl-C is ignored: then its status stands
    with contextlib.suppress(KeyboardInterrupt):
        status = main()
    _ignore_sigint()
    sys.exit(status)


def _ignore_sigint() -> None:
    """Ignore Ctrl-C from now on; one that lands meanwhile is ignored too, not a traceback."""
    while True:
        try:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        except KeyboardInterrupt:
            continue
        return


EXIT_MISSING_EXTRA = 3
"""A format needs an optional extra that is not installed (``pip install 'storykit[…]'``)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT)."""
EXIT_PIPE = 141
"""The reader of standard output went away (128 + SIGPIPE, as a tool killed by it)."""


def _os_message(exc: OSError) -> str:
    """What went wrong, naming the file when it is an output's."""
    message = str(exc.strerror or exc)
    if exc.strerror and isinstance(exc.filename, str):
        message = f"{shown_short(exc.filename)}: {message}"
    return message


def _drop_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
