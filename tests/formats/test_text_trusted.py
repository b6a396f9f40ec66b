"""The dump reader builds its objects without re-validating them, and gets the same story."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given

from storykit import Story
from storykit.formats import text
from storykit.model import _no_surrogates
from tests.conftest import CORPUS_STORIES, SEED
from tests.strategies import dump_stories


def _both(dump: str) -> tuple[Story, Story]:
    lines = text._lines(dump)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trusted = text._Reader(lines, None, None, trusted=True).read()
        checked = text._Reader(lines, None, None, trusted=False).read()
    return trusted, checked


def _same(trusted: Story, checked: Story) -> None:
    assert trusted == checked
    assert hash(trusted) == hash(checked)
    assert repr(trusted) == repr(checked)
    for built, valid in zip(trusted.sections, checked.sections, strict=True):
        assert type(built.paragraphs) is tuple and built == valid


def test_the_seed_and_the_corpus() -> None:
    for path in [SEED, *CORPUS_STORIES]:
        _same(*_both(path.read_text(encoding="utf-8")))


@given(dump_stories())
def test_any_dump(story: Story) -> None:
    trusted, checked = _both(text.dumps(story))
    _same(trusted, checked)
    assert trusted == story


@pytest.mark.parametrize(
    "header",
    [
        "← Back to stories A robot\nPhoto by A B on Pexels\nSCMP 2026-05-25",
        "← Back to stories\nPhoto: AFP\nSCMP\nBy Jane Doe/Reuters\nan unplaced line",
        "Nikkei Asia 25 May 2026",
        "← Back to stories Alt only",
    ],
)
def test_headers(header: str) -> None:
    dump = f"{header}\n\nTitle\n\nLead.\n\nHeading\n\nPara.\n\nAIEVs\nView original source → https://e.com"
    _same(*_both(dump))


def test_text_with_a_lone_surrogate_is_built_by_the_validating_constructors() -> None:
    # The validators alone judge lone surrogates, so such text is never trusted.
    dump = "← Back to stories\nSCMP 2026-05-25\n\nTitle \ud800\n\nPara."
    assert not _no_surrogates(dump)
    assert _no_surrogates("plain ASCII") and _no_surrogates("小米 ‑ and 😀")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert text.loads(dump) == _both(dump)[1]


def test_a_byline_naming_no_one_is_judged_as_the_validators_judge_it() -> None:
    # "By /" names no one: the credit is built by the validating constructor either way.
    lines = text._lines("← Back to stories\nSCMP 2026-05-25\nBy /\n\nTitle\n\nPara.")
    outcomes: list[object] = []
    for trusted in (True, False):
        try:
            outcomes.append(text._Reader(lines, None, None, trusted=trusted).read())
        except ValueError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
