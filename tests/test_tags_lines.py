"""Tags lines split by hand, and lines whose split must not change, against the splitter.

The lines are data (``fixtures/tags_lines.json``): made up from general knowledge, in groups
that say what each tests, with how many of them earlier versions split right. The recorded
lines (``fixtures/tags_regression.json``) are splits as they were before the rules of issues
8 and 10 changed, whether right or not: a rule may split a line right that was wrong, never
change one silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storykit.tags import TagSplitter, split_tags

_FIXTURES = Path(__file__).parent / "fixtures"
_LINES = json.loads((_FIXTURES / "tags_lines.json").read_text(encoding="utf-8"))


def lines_split_by_hand(kind: str) -> list[list[object]]:
    """The cases of one table: ``"without_evidence"`` (line, tags) or ``"with_evidence"``
    (line, context, tags); the internal tests of the fast path and a benchmark use them too."""
    return [case for group in _LINES[kind]["groups"] for case in group["cases"]]


@pytest.mark.parametrize(
    "case", lines_split_by_hand("without_evidence"), ids=lambda case: str(case[0])
)
def test_hard_lines_without_evidence(case: list[object]) -> None:
    line, tags = case
    assert split_tags(str(line)) == tuple(tags)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "case", lines_split_by_hand("with_evidence"), ids=lambda case: str(case[0])
)
def test_realistic_lines_with_their_story(case: list[object]) -> None:
    line, context, tags = case
    assert split_tags(str(line), str(context)) == tuple(tags)  # type: ignore[arg-type]


def test_the_tables_hold_what_their_history_counts() -> None:
    # The counts in each table's history are of all its lines: a line added or dropped
    # without a word there would make them wrong.
    assert len(lines_split_by_hand("without_evidence")) == 149
    assert len(lines_split_by_hand("with_evidence")) == 153


def _recorded() -> list[dict[str, object]]:
    path = _FIXTURES / "tags_regression.json"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]  # type: ignore[no-any-return]


def test_no_line_that_split_right_splits_differently() -> None:
    changed = []
    for case in _recorded():
        splitter = TagSplitter()
        splitter.add(*case["taught"])  # type: ignore[misc]
        tags = list(splitter.split(case["line"], case["context"]))  # type: ignore[arg-type]
        if tags != case["tags"]:
            changed.append((case["line"], case["context"], case["tags"], tags))
    assert changed == []
    assert len(_recorded()) == 300
