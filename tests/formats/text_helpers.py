"""Helpers shared by the text dump tests: reading a dump."""

from __future__ import annotations

import storykit
from storykit import Story


def read(dump: str) -> Story:
    return storykit.loads(dump, "text")
