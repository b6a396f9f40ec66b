"""The command line's tests are in tests/test_cli_*.py, one file a topic.

This module holds none: it gives tests/test_cli_faults.py the helpers it imports from here,
which now live in tests/cli_helpers.py (import them from there).
"""

from __future__ import annotations

from .cli_helpers import (
    _fsize_limit,
    _wait_for,
    cli,
    files_under,
    jsonl_stories,
    main_is_running,
    shell,
    storykit_cmd,
    temp_files,
    unmeasured,
)

__all__ = [
    "_fsize_limit",
    "_wait_for",
    "cli",
    "files_under",
    "jsonl_stories",
    "main_is_running",
    "shell",
    "storykit_cmd",
    "temp_files",
    "unmeasured",
]
