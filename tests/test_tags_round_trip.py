"""Tags through the dump: what the rules must split back does, and nothing changes silently.

Issue 11 item 7: the stories the round-trip tests draw used to drop their tags whenever the
splitter disagreed with them, so a regression in the splitter could fail no test. Now the
tags are generated in the shapes DESIGN §1 lists and kept whatever the splitter says.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, UnrepresentableError
from storykit.tags import split_tags
from tests.strategies import _two_acronyms_at_most, any_tags, clear_tags, dump_stories


@st.composite
def _stories_with(draw: st.DrawFn, tags: st.SearchStrategy[tuple[str, ...]]) -> Story:
    story = draw(dump_stories())
    if not story.sections:  # a dump without a body has no tags line
        story = attrs.evolve(story, sections=[Section(None, ["A paragraph."])])
    return attrs.evolve(story, tags=draw(tags))


@given(_stories_with(clear_tags()))
def test_clear_tags_always_round_trip(story: Story) -> None:
    text = storykit.dumps(story, "text")  # never refused: the rules split these back
    assert storykit.loads(text, "text") == story


@given(clear_tags())
def test_clear_tags_split_back_without_the_story(tags: tuple[str, ...]) -> None:
    assert split_tags("".join(tags)) == tags


def test_codes_whose_digits_run_together_are_left_out_of_the_clear_tags() -> None:
    # Found by the property above: Web3, 5G and AI read "Web35GAI", split Web3|5|GAI;
    # their digits run together, so they are three codes side by side (the known limit)
    assert split_tags("AaaaaWeb35GAI") != ("Aaaaa", "Web3", "5G", "AI")
    assert not _two_acronyms_at_most(("Aaaaa", "Web3", "5G", "AI"))
    # Web3 before a tag that starts otherwise is no part of such a run; nor two codes alone
    assert _two_acronyms_at_most(("Web3", "AI", "EU"))
    assert split_tags("Web3AIEU") == ("Web3", "AI", "EU")
    assert _two_acronyms_at_most(("Aaaaa", "Web3", "5G"))
    assert split_tags("AaaaaWeb35G") == ("Aaaaa", "Web3", "5G")


@given(_stories_with(any_tags()), st.booleans())
def test_any_tags_round_trip_or_are_refused(story: Story, spelled: bool) -> None:
    if spelled:  # the story names each tag: evidence the splitter may use
        named = Section("Tags named", [f"About {', '.join(story.tags)}."])
        story = attrs.evolve(story, sections=[*story.sections, named])
    try:
        text = storykit.dumps(story, "text")
    except UnrepresentableError as exc:
        refused = str(exc)
    else:
        assert storykit.loads(text, "text") == story  # never a silent change
        return
    assert ": tags would not split back into the same tags" in refused


def test_a_pair_that_reads_as_one_tag_is_refused() -> None:
    story = Story("T", sections=[Section(None, ["P."])], tags=("Game", "Stop"))
    with pytest.raises(UnrepresentableError, match=r"tags would not split back .*'GameStop'"):
        storykit.dumps(story, "text")
