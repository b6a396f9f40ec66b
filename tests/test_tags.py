from __future__ import annotations

import pytest

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
