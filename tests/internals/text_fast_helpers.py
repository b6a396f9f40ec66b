"""Helpers shared by the tests of the dump shortcuts: reading a dump quietly, the seed dump."""

from __future__ import annotations

import warnings

from storykit import Story
from storykit.formats import text
from tests.conftest import SEED


def _read(dump: str) -> Story:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return text.loads(dump)


_SEED_TEXT = SEED.read_text(encoding="utf-8")
