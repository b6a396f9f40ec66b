"""Helpers shared by the tests of the dump shortcuts: reading a dump quietly, the seed dump,
what the text writer's check finds read back."""

from __future__ import annotations

import warnings

from storykit import Story
from storykit.formats import _text_memory, text
from tests.conftest import SEED


def _read(dump: str) -> Story:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return text.loads(dump)


def _read_back(story: Story, out: list[str]) -> tuple[bool, bool, list[bool] | None] | None:
    """What the writer's check finds read back of its lines ``out`` (``None``: not made).

    As :func:`storykit.formats.text._check_made` asks: the lines the reader made ``story``
    from, compared with the lines the writer writes.
    """
    ref = _text_memory._made_from(story)
    return None if ref is None else _text_memory._read_back(story, ref, out, out.index(""))


_SEED_TEXT = SEED.read_text(encoding="utf-8")
