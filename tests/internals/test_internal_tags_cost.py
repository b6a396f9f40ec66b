"""What the tag splitter costs: how often it searches or indexes a story's text.

These tests reach in because the cost is in private steps (``_Story._index``, the story's
``find``) that no public result shows; ``tests/test_tags.py`` holds the public behaviour,
and ``test_a_hostile_story_reads_in_linear_time`` there the public side of the cost.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit import _tags_runs as tags_runs
from storykit import _tags_text as tags_text
from storykit.tags import TagSplitter


class _CountingText(str):
    """A story text that counts how often it is searched."""

    finds = 0

    def find(self, *args: object) -> int:  # type: ignore[override]
        _CountingText.finds += 1
        return super().find(*args)  # type: ignore[arg-type]


def _count_scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    indexed: list[int] = []
    index = tags_text.StoryText._index

    def counting_index(self: tags_text.StoryText) -> None:
        indexed.append(1)
        index(self)

    monkeypatch.setattr(tags_text.StoryText, "_index", counting_index)
    _CountingText.finds = 0
    return indexed


def test_a_hostile_story_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 8: a 990 KB body of "aBaB…" and a tags line of "aB" x 199 took 10 s, each probe
    # scanning the text in Python. Now the text is indexed once and never searched again.
    indexed = _count_scans(monkeypatch)
    body = _CountingText("aB" * 495_000)
    tags = TagSplitter().split("aB" * 199, body)
    assert "".join(tags) == "aB" * 199
    assert (len(indexed), _CountingText.finds) == (1, 0)


def test_a_short_story_is_searched_within_a_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    indexed = _count_scans(monkeypatch)
    text = _CountingText("A story about WalletHub. " * 40)  # 1,000 characters
    assert TagSplitter().split("NegociosWalletHubNews", text) == (
        "Negocios",
        "WalletHub",
        "News",
    )
    assert indexed == []  # a few str.find calls, cheaper than an index
    assert 0 < _CountingText.finds * len(text) <= tags_text._FIND_BUDGET + len(text)


def test_a_long_story_is_indexed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    indexed = _count_scans(monkeypatch)
    text = _CountingText("Words about WalletHub and (COVID-19) and S&P. " * 4000)  # 188 KB
    splitter = TagSplitter()
    assert splitter.split("NegociosWalletHubNews", text) == ("Negocios", "WalletHub", "News")
    assert (len(indexed), _CountingText.finds) == (1, 0)
    assert splitter.split("XYZCOVID-19", text) == ("XYZ", "COVID-19")
    assert (len(indexed), _CountingText.finds) == (2, 0)  # one pass per story read


@pytest.mark.parametrize(
    "context",
    ["", "x", "COVID-19 spread", "(COVID-19)", "COVID-19s", "SARS-CoV-2-like", "S&P 500", "aS&Pb"],
)
@pytest.mark.parametrize("probe", ["COVID-19", "SARS-CoV-2", "S&P", "CoV", "COVID"])
def test_the_index_answers_as_a_search_does(probe: str, context: str) -> None:
    searched = tags_text.StoryText(context, len(context))
    indexed = tags_text.StoryText(context, len(context))
    indexed._index()
    assert searched.spells(probe) == indexed.spells(probe)


def test_the_common_case_does_not_read_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every case-boundary piece a known or well-shaped tag: the split needs no evidence.
    indexed = _count_scans(monkeypatch)
    text = _CountingText("Some story text. " * 10)
    splitter = TagSplitter()
    for line in [
        "CrimeMiamiRoad safety",
        "TradeUSDiplomacyChina",
        "ElectionsUSDemocratsVoters",
        "JapanCOVID-19HealthCrime",
        "Civil rightsCourtsEducationJuvenile justice",
        "SemiconductorsSmartphones",
    ]:
        splitter.split(line, text)
    assert (len(indexed), _CountingText.finds) == (0, 0)


class _SpellsEverything(tags_text.StoryText):
    """A story that spells out every name it is asked about."""

    def spells(self, piece: str) -> bool:
        self.log.append((piece, True))
        return True


_LONG_WORDS = st.sampled_from(
    ["Crime", "Miami", "Road safety", "Semiconductors", "Harvard Medical School", "Rüstung",
     "Mobilité", "Open source", "Luxury", "Diplomacy", "Trade", "China", "Elections",
     "Mental health", "Crypto", "Shipping"]
)  # fmt: skip
_KNOWN_ACRONYMS = st.sampled_from(["US", "EU", "EVs", "AI", "IPOs", "COVID-19", "NATO"])
_PLAIN_LINES = st.lists(
    st.tuples(_LONG_WORDS, st.one_of(st.just(""), _KNOWN_ACRONYMS)).map("".join), min_size=1
).map("".join)


@given(_PLAIN_LINES)
def test_the_common_case_asks_the_story_nothing(line: str) -> None:
    # Long capitalised words and known acronyms: the rules cut at the case changes without
    # consulting the story, for a story that spells nothing and one that spells everything.
    splitter = TagSplitter()
    sig = line.translate(tags_runs.CLASSES)
    for story in (tags_text.StoryText("", 0), _SpellsEverything("", 0)):
        tags = splitter._split(line, sig, story)
        assert story.log == []
        assert "".join(tags).replace(" ", "") == line.replace(" ", "")
