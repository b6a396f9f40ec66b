"""Fixtures shared by the format tests: the seed story."""

from __future__ import annotations

import pytest

import storykit
from storykit import Story
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed() -> Story:
    return storykit.load(SEED)
