"""Parquet (extra ``storykit[parquet]``): placeholder while the writer is built."""

from __future__ import annotations

__all__ = ["NAME", "SUFFIXES", "detect"]

NAME = "parquet"
SUFFIXES = (".parquet",)


def detect(text: str) -> bool:
    """Whether ``text`` starts like a Parquet file."""
    return text.startswith("PAR1")
