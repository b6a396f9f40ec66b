"""What the tag splitter costs: how often it searches or indexes a story's text.

These tests reach in because the cost is in private steps (``_Story._index``, the story's
``find``) that no public result shows; ``tests/test_tags.py`` and ``tests/test_tags_lines.py``
hold the public behaviour, and ``test_a_hostile_story_reads_in_linear_time`` in the first
the public side of the cost.
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


class _CountingVocabulary(set[str]):
    """A vocabulary that counts the characters of the pieces looked up in it."""

    looked_up = 0

    def __contains__(self, piece: object) -> bool:
        _CountingVocabulary.looked_up += len(piece)  # type: ignore[arg-type]
        return super().__contains__(piece)


def test_a_long_run_of_capitals_is_looked_up_in_linear_time() -> None:
    # The fast path looked up both halves of each cut of a run of capitals (10^5 of them:
    # 1.5 s, 10^6: 140 s); the rules keep a run longer than MAX_TAG_LENGTH whole, unsplit.
    splitter = TagSplitter()
    splitter._vocabulary = _CountingVocabulary(splitter._vocabulary)
    _CountingVocabulary.looked_up = 0
    line = "QXZJ" * 5_000
    assert splitter.split(line) == (line,)
    assert _CountingVocabulary.looked_up <= 10 * len(line)


def test_a_run_longer_than_a_tag_is_not_two_known_tags() -> None:
    # The fast path cut it in two where the rules keep it whole.
    splitter = TagSplitter()
    splitter.add("A" * 40, "B" * 40)
    line = "A" * 40 + "B" * 40
    assert splitter.split(line) == (line,)
    assert splitter._split(line, tags_runs.signature(line), tags_text.NO_TEXT) == (line,)


def test_a_lower_case_start_asks_about_no_name_longer_than_a_tag() -> None:
    # The story was asked about the rest of the letters after each short word (tFranceAbC…),
    # however long: quadratic in the line (10^5 characters of mixed case: 0.7 s, 10^6: 90 s).
    # A name longer than MAX_TAG_LENGTH is not asked about.
    line = "ArtFrance" + "AbcD" * 5_000
    story = tags_text.StoryText("", 0)
    TagSplitter()._split(line, tags_runs.signature(line), story)
    assert sum(len(probe) for probe, _ in story.log) <= 10 * len(line)


class _Cut(int):
    """A cut position that counts how often it is compared."""

    compared = 0

    def __lt__(self, other: object) -> bool:
        _Cut.compared += 1
        return int(self) < other  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        _Cut.compared += 1
        return int(self) > other  # type: ignore[operator]


def test_known_names_are_kept_whole_in_linear_time() -> None:
    # Each known name filtered every cut of the line (10^5 characters of iPhone: 10 s).
    names = [(k, k + 6) for k in range(0, 12_000, 6)]  # iPhoneiPhone…
    cuts = [_Cut(c) for c in [0, *(k + 1 for k, _ in names), 12_000]]  # i|Phone|i…
    _Cut.compared = 0
    kept = TagSplitter._keep_names_whole("lU" * 6_000, cuts, names)
    assert kept == list(range(0, 12_001, 6))
    assert _Cut.compared <= 50 * len(cuts)
