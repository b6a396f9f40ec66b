from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storykit.tags import DEFAULT_VOCABULARY, TagSplitter, split_tags


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("AIEVsSemiconductorsSmartphones", ("AI", "EVs", "Semiconductors", "Smartphones")),
        ("CrimeMiamiRoad safety", ("Crime", "Miami", "Road safety")),
        ("RoyalsRacismUKMental healthMedia", ("Royals", "Racism", "UK", "Mental health", "Media")),
        ("TradeUSDiplomacyChina", ("Trade", "US", "Diplomacy", "China")),
        ("USEU", ("US", "EU")),
        ("IPOsJapan5GG7", ("IPOs", "Japan", "5G", "G7")),
        ("MobilitéMontréalPolitique", ("Mobilité", "Montréal", "Politique")),
        ("Level 3NPHETCOVID-19", ("Level 3", "NPHET", "COVID-19")),
        ("NutritionHarvard Medical SchoolB12", ("Nutrition", "Harvard Medical School", "B12")),
        ("YouTubeOpenAISoftBankiPhoneWeb3", ("YouTube", "OpenAI", "SoftBank", "iPhone", "Web3")),
        ("Climate changeHong Kong", ("Climate change", "Hong Kong")),
        ("CVS Health", ("CVS Health",)),
        ("Python 3", ("Python 3",)),
    ],
)
def test_rules_and_vocabulary(line: str, tags: tuple[str, ...]) -> None:
    assert split_tags(line) == tags


def test_the_story_itself_is_evidence() -> None:
    line = "NegociosMiamiWalletHubeMerge Americas"
    assert split_tags(line) != ("Negocios", "Miami", "WalletHub", "eMerge Americas")
    context = "Según WalletHub, Miami… la reunión de eMerge Americas."
    assert split_tags(line, context) == ("Negocios", "Miami", "WalletHub", "eMerge Americas")


def test_evidence_must_be_word_bounded() -> None:
    # "Hub" appears only inside "WalletHubs": no evidence for a "WalletHub" tag.
    assert split_tags("WalletHubNews", "See WalletHubs.") == ("Wallet", "Hub", "News")
    assert split_tags("WalletHubNews", "See WalletHub.") == ("WalletHub", "News")


def test_evidence_in_another_case_counts() -> None:
    assert split_tags("GameStopMarkets") == ("GameStop", "Markets")  # in the vocabulary
    assert split_tags("BookTokMarkets") == ("Book", "Tok", "Markets")
    assert split_tags("BookTokMarkets", "videos on booktok rose") == ("BookTok", "Markets")
    assert split_tags("BookTokMarkets", "videos on Booktok rose") == ("BookTok", "Markets")


def test_vocabulary_is_extensible() -> None:
    assert split_tags("AcmeCorpNews") == ("Acme", "Corp", "News")
    assert split_tags("AcmeCorpNews", vocabulary=["AcmeCorp"]) == ("AcmeCorp", "News")
    splitter = TagSplitter()
    splitter.add("AcmeCorp")
    assert splitter.split("NewsAcmeCorp") == ("News", "AcmeCorp")
    assert "AcmeCorp" not in DEFAULT_VOCABULARY  # the default is left alone


def test_learning_single_tag_lines() -> None:
    splitter = TagSplitter()
    assert splitter.split("Python 3virtualenvpip") == ("Python 3", "virtualenvpip")
    splitter.learn("virtualenv")
    splitter.learn("pip")
    splitter.learn("Kyiv PostUkraine")  # two tags: nothing is learned from it
    assert splitter.split("Python 3virtualenvpip") == ("Python 3", "virtualenv", "pip")
    assert "Kyiv PostUkraine" not in splitter.vocabulary


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


@pytest.mark.parametrize(
    "line",
    ["lowercase only", "x", "ÄÖÜ???", "12345", "a  b", "AIEVsSemiconductorsClimate changeUSEUxyz"],
)
def test_every_character_is_kept_in_exactly_one_tag(line: str) -> None:
    tags = split_tags(line)
    assert _squeeze("".join(tags)) == _squeeze(line)
    assert all(tag and tag == tag.strip() for tag in tags)


def test_empty_line() -> None:
    assert split_tags("   ") == ()


# A splitter reuses a line's split for a story that answers the same questions of its text
# the same way; reuse must never change a result.
_LINES = st.sampled_from(
    ["WalletHubeMerge Americas", "GameStopMarkets", "BookTokMarkets", "EUCOP26Glasgow",
     "OGMCIRC", "CrimeMiamiRoad safety", "AIEVsSemiconductors", "JxCArgentina", "Banki"]
)  # fmt: skip
_WORDS = st.sampled_from(
    ["WalletHub", "eMerge Americas", "eMerge", "booktok", "Booktok", "COP26", "EU", "OGM",
     "CIRC", "JxC", "CrimeMiami", "Hube", "the", "WalletHubs", "(OGM)", "COP26."]
)  # fmt: skip


@given(st.lists(st.tuples(_LINES, st.lists(_WORDS, max_size=6).map(" ".join)), max_size=30))
def test_reusing_splits_never_changes_them(cases: list[tuple[str, str]]) -> None:
    shared = TagSplitter()
    for line, context in cases:
        assert shared.split(line, context) == TagSplitter().split(line, context)


def test_adding_a_tag_forgets_earlier_splits() -> None:
    splitter = TagSplitter()
    assert splitter.split("AcmeCorpNews") == ("Acme", "Corp", "News")
    splitter.add("AcmeCorp")
    assert splitter.split("AcmeCorpNews") == ("AcmeCorp", "News")


def test_the_vocabulary_is_read_only() -> None:
    splitter = TagSplitter()
    assert "EU" in splitter.vocabulary
    with pytest.raises(AttributeError):
        splitter.vocabulary.add("X")  # type: ignore[attr-defined]
