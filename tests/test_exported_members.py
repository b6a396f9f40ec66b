"""The public names of DESIGN §2 are a contract: pin them."""

from __future__ import annotations

import storykit

CONTRACT = {
    "Story",
    "Section",
    "Source",
    "Credit",
    "Image",
    "StoryParseError",
    "load",
    "loads",
    "dump",
    "dumps",
    "iter_stories",
}


def test_contract_names_exist() -> None:
    missing = {name for name in CONTRACT if not hasattr(storykit, name)}
    assert not missing


def test_all_lists_only_real_names() -> None:
    assert sorted(storykit.__all__) == sorted(set(storykit.__all__))
    for name in storykit.__all__:
        assert hasattr(storykit, name), name
    assert set(storykit.__all__) >= CONTRACT


def test_story_parse_error_is_a_value_error() -> None:
    assert issubclass(storykit.StoryParseError, ValueError)
