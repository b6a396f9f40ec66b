"""A missing extra's message says what to install: the extra's own packages.

storykit is installed from a checkout or a wheel; ``pip install 'storykit[parquet]'`` asks
PyPI for a ``storykit`` that is not this project. The packages come from storykit's
installed metadata, so the message follows ``pyproject.toml``.
"""

from __future__ import annotations

import importlib.metadata
import tomllib

import pytest

from storykit.errors import _extra_hint
from tests.conftest import ROOT

EXTRAS: dict[str, list[str]] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))[
    "project"
]["optional-dependencies"]


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_each_extra_names_its_own_packages(extra: str) -> None:
    hint = _extra_hint(extra)
    assert hint.startswith("pip install '")
    assert "storykit" not in hint
    named = hint.removeprefix("pip install ").split()
    # as pyproject.toml lists them (the metadata writes names in normal form: PyYAML, pyyaml)
    assert [name.strip("'").lower() for name in named] == [p.lower() for p in EXTRAS[extra]]


def test_without_metadata_the_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> list[str]:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "requires", not_installed)
    assert _extra_hint("parquet") == "pip install 'storykit[parquet]' (the parquet extra)"


def test_an_extra_the_metadata_does_not_have_is_named() -> None:
    assert _extra_hint("nothing") == "pip install 'storykit[nothing]' (the nothing extra)"
