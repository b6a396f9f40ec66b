"""``python -m storykit`` and the ``storykit`` console script: the ``storykit`` command.

:func:`run` imports the command's modules (:mod:`storykit.cli` and what it needs) inside a
``try``, so that a Ctrl-C while they load ends the command quietly with status 130, as one
while it runs does, instead of with a ``KeyboardInterrupt`` traceback. What runs before it
cannot be covered: the interpreter's start and ``import storykit`` (the package, which the
console script imports to reach this module).
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import NoReturn

EXIT_INTERRUPTED = 130  # as storykit.cli.EXIT_INTERRUPTED, which is not imported yet


def run() -> NoReturn:
    """Import the command and run it (:func:`storykit.cli.console`); exit 130 on Ctrl-C."""
    try:
        from storykit.cli import console  # noqa: PLC0415 - the import is what is guarded
    except KeyboardInterrupt:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second one while exiting, too
        sys.exit(EXIT_INTERRUPTED)
    console()


if __name__ == "__main__":
    run()
