from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
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


@pytest.mark.parametrize("end", [-2, -200, 8, 200, 0])
def test_only_the_context_before_end_counts(end: int) -> None:
    # end=-2 counted "WalletHub" of "WalletHubx y" as spelt (word-bounded by the end of a
    # window that did not end there)
    context = "según WalletHubx y"
    expected = TagSplitter().split("NegociosWalletHub", context[:end])
    assert TagSplitter().split("NegociosWalletHub", context, end=end) == expected


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


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("Crime TikTok", ("Crime TikTok",)),
        ("CrimeGitHub Copilot", ("Crime", "GitHub Copilot")),
        ("iPhone iPhone", ("iPhone iPhone",)),
        ("TikTok \u3000\tTikTok", ("TikTok \u3000\tTikTok",)),
    ],
)
def test_white_space_beside_a_known_name_is_inside_a_tag(line: str, tags: tuple[str, ...]) -> None:
    # A line runs its tags together, so white space is inside a tag. The cuts around a known
    # name once fell beside it, and made a blank tag " " that the reader refused ("tags[1]:
    # must not be empty"); then they cut there ("GitHub", "Copilot").
    assert split_tags(line) == tags
    dump = f"The Source\n\nTitle\n\nA paragraph.\n\n{line}\nView original source → https://x.org/\n"
    story = storykit.loads(dump, "text")
    assert story.tags == tags
    copy = storykit.loads(storykit.dumps(story, "json"), "json")
    assert storykit.loads(storykit.dumps(copy, "text"), "text") == story


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


# Hard tags lines, split by hand, made up from general knowledge (no story of any corpus):
# names no story spells out, so only the rules and the built-in vocabulary can get them right.
# Before the rules of issue 10 (known names and acronyms as cut points, digits ending a code,
# two-letter pieces, the larger vocabulary) the splitter got 46 of these 87 right. The 12 after
# them were split wrong until white space was kept inside a tag (cut beside a known name, or
# left in one piece with a run of capitals); the last 4, until the vocabulary grew again.
HARD_LINES = [
    # issue 10 examples
    ("DreamWorksAnimation", ("DreamWorks", "Animation")),
    ("StarCraftEsports", ("StarCraft", "Esports")),
    ("SkyTeamAirlines", ("SkyTeam", "Airlines")),
    ("ISROAI", ("ISRO", "AI")),
    ("ACLUUS", ("ACLU", "US")),
    ("NHTSAEVs", ("NHTSA", "EVs")),
    ("UKiPhone", ("UK", "iPhone")),
    ("EUiPad", ("EU", "iPad")),
    ("A380COVID-19", ("A380", "COVID-19")),
    # acronyms (not all known) next to known ones
    ("QXRVAI", ("QXRV", "AI")),
    ("KZTRUS", ("KZTR", "US")),
    ("USNHTSAEVs", ("US", "NHTSA", "EVs")),
    ("WHOCOVID-19Vaccines", ("WHO", "COVID-19", "Vaccines")),
    ("NASASpaceXMars", ("NASA", "SpaceX", "Mars")),
    ("G20IMFDebt", ("G20", "IMF", "Debt")),
    ("NATOUkraineRussia", ("NATO", "Ukraine", "Russia")),
    ("UNHCRRefugees", ("UNHCR", "Refugees")),
    ("BMWEVsGermany", ("BMW", "EVs", "Germany")),
    ("EVsBYDTesla", ("EVs", "BYD", "Tesla")),
    ("SECFTXCrypto", ("SEC", "FTX", "Crypto")),
    ("FedExUPSLogistics", ("FedEx", "UPS", "Logistics")),
    ("CDCUSHealth", ("CDC", "US", "Health")),
    ("SPDCDUCoalition", ("SPD", "CDU", "Coalition")),
    ("BJPIndia", ("BJP", "India")),
    ("UNESCOHeritage", ("UNESCO", "Heritage")),
    ("SCOTUSAbortion", ("SCOTUS", "Abortion")),
    ("USDAFarming", ("USDA", "Farming")),
    ("LIDARSensors", ("LIDAR", "Sensors")),
    # codes with digits
    ("COP28UAE", ("COP28", "UAE")),
    ("B737FAA", ("B737", "FAA")),
    ("CO2EU", ("CO2", "EU")),
    ("MH370Malaysia", ("MH370", "Malaysia")),
    ("H5N1Bird flu", ("H5N1", "Bird flu")),
    ("COVID-19H5N1", ("COVID-19", "H5N1")),
    ("F1McLaren", ("F1", "McLaren")),
    ("B2BSaaS", ("B2B", "SaaS")),
    ("3MPFAS", ("3M", "PFAS")),
    ("Windows 11Microsoft", ("Windows 11", "Microsoft")),
    ("ISROChandrayaan-3", ("ISRO", "Chandrayaan-3")),
    # lower-case first names after an acronym or a word
    ("USeBay", ("US", "eBay")),
    ("EUmRNA", ("EU", "mRNA")),
    ("USiOS", ("US", "iOS")),
    ("UKiPlayer", ("UK", "iPlayer")),
    ("AppleiPhone", ("Apple", "iPhone")),
    ("iOSAndroid", ("iOS", "Android")),
    ("eBayAmazonRetail", ("eBay", "Amazon", "Retail")),
    ("USPhD", ("US", "PhD")),
    ("UKMoD", ("UK", "MoD")),
    ("USAfDGermany", ("US", "AfD", "Germany")),
    ("PiSPoland", ("PiS", "Poland")),
    ("ÖVPAustria", ("ÖVP", "Austria")),
    # camel-case and mixed-case names
    ("MicrosoftGitHubAI", ("Microsoft", "GitHub", "AI")),
    ("PlayStationSonyJapan", ("PlayStation", "Sony", "Japan")),
    ("McDonald'sFast food", ("McDonald's", "Fast food")),
    ("LinkedInJobs", ("LinkedIn", "Jobs")),
    ("ExxonMobilOPECOil", ("ExxonMobil", "OPEC", "Oil")),
    ("TikTokByteDanceUS", ("TikTok", "ByteDance", "US")),
    ("WhatsAppMetaPrivacy", ("WhatsApp", "Meta", "Privacy")),
    ("JetBlueSpirit Airlines", ("JetBlue", "Spirit Airlines")),
    ("PepsiCoSnacks", ("PepsiCo", "Snacks")),
    ("WeChatAlipayChina", ("WeChat", "Alipay", "China")),
    ("SoftBankArmUK", ("SoftBank", "Arm", "UK")),
    ("DeepMindAlphaFold", ("DeepMind", "AlphaFold")),
    ("WordPressWooCommerce", ("WordPress", "WooCommerce")),
    ("GitHubCopilot", ("GitHub", "Copilot")),
    ("OpenAIChatGPTGPT-4", ("OpenAI", "ChatGPT", "GPT-4")),
    ("NIOXPengEVs", ("NIO", "XPeng", "EVs")),
    ("ByteDanceCapCut", ("ByteDance", "CapCut")),
    ("GoFundMeCharity", ("GoFundMe", "Charity")),
    ("BlackRockESG", ("BlackRock", "ESG")),
    ("AstraZenecaCOVID-19", ("AstraZeneca", "COVID-19")),
    ("MediaTekChips", ("MediaTek", "Chips")),
    ("ArcelorMittalSteel", ("ArcelorMittal", "Steel")),
    ("TotalEnergiesFrance", ("TotalEnergies", "France")),
    ("PyTorchTensorFlow", ("PyTorch", "TensorFlow")),
    ("DuckDuckGoPrivacy", ("DuckDuckGo", "Privacy")),
    ("YouTubersCreators", ("YouTubers", "Creators")),
    ("PayPalVenmoFintech", ("PayPal", "Venmo", "Fintech")),
    ("SpaceXStarlink", ("SpaceX", "Starlink")),
    ("XTwitterMusk", ("X", "Twitter", "Musk")),
    # two-letter prefixes of names: a two-letter piece is almost never a tag on its own
    ("DeSantisFlorida", ("DeSantis", "Florida")),
    ("LaLigaFootball", ("LaLiga", "Football")),
    ("McKinseyConsulting", ("McKinsey", "Consulting")),
    ("MrBeastYouTube", ("MrBeast", "YouTube")),
    ("MeTooHollywood", ("MeToo", "Hollywood")),
    ("FloridaMcCainSenate", ("Florida", "McCain", "Senate")),
    ("NYCDeBlasio", ("NYC", "DeBlasio")),
    # a known name and the words or the number after it: white space is inside a tag
    ("AppleiPhone 15 ProSmartphones", ("Apple", "iPhone 15 Pro", "Smartphones")),
    ("SpaceSpaceX StarshipElon Musk", ("Space", "SpaceX Starship", "Elon Musk")),
    ("MobileiOS 18iPhoneApple Intelligence", ("Mobile", "iOS 18", "iPhone", "Apple Intelligence")),
    ("SportsNBALeBron JamesLakers", ("Sports", "NBA", "LeBron James", "Lakers")),
    ("GamesPlayStation 5 ProSonyConsoles", ("Games", "PlayStation 5 Pro", "Sony", "Consoles")),
    ("TechnologyMacBook ProM3 chipApple", ("Technology", "MacBook Pro", "M3 chip", "Apple")),
    ("MediaYouTube MusicSpotify", ("Media", "YouTube Music", "Spotify")),
    # a run of capitals and words: the run is split, the words stay with the part beside them
    ("SportsWTAUS OpenTennis", ("Sports", "WTA", "US Open", "Tennis")),
    ("ClimateIPCCCO2 emissionsNet zero", ("Climate", "IPCC", "CO2 emissions", "Net zero")),
    ("EconomyEUUS tariffsTrade", ("Economy", "EU", "US tariffs", "Trade")),
    ("ClimateUNCOP28 summitDubai", ("Climate", "UN", "COP28 summit", "Dubai")),
    ("HealthCOVID-19Long COVIDWHO", ("Health", "COVID-19", "Long COVID", "WHO")),
    # acronyms of several countries and camel-case names added to the vocabulary
    ("SpaceESAJWSTAstronomy", ("Space", "ESA", "JWST", "Astronomy")),
    ("MedienARDZDFRundfunk", ("Medien", "ARD", "ZDF", "Rundfunk")),
    ("BankingNatWestFinTechUK", ("Banking", "NatWest", "FinTech", "UK")),
    ("LeisureSeaWorldPetSmart", ("Leisure", "SeaWorld", "PetSmart")),
    # numbers, years and versions inside names (all split right before this round but
    # iPhone 16 and Boeing 737 MAX, cut beside their white space)
    ("PoliticsElections 2024US", ("Politics", "Elections 2024", "US")),
    ("FootballWorld Cup 2026FIFA", ("Football", "World Cup 2026", "FIFA")),
    ("ManufacturingIndustry 4.0Robots", ("Manufacturing", "Industry 4.0", "Robots")),
    ("AppleiPhone 16Smartphones", ("Apple", "iPhone 16", "Smartphones")),
    ("SoftwareWindows 11AIMicrosoft", ("Software", "Windows 11", "AI", "Microsoft")),
    ("HealthCOVID-19Omicron BA.5Vaccines", ("Health", "COVID-19", "Omicron BA.5", "Vaccines")),
    ("AviationBoeing 737 MAXFAASafety", ("Aviation", "Boeing 737 MAX", "FAA", "Safety")),
    ("ChipsH100NvidiaExport controls", ("Chips", "H100", "Nvidia", "Export controls")),
    ("EnergyNord Stream 2GermanyRussia", ("Energy", "Nord Stream 2", "Germany", "Russia")),
    ("HistoryWorld War IIHolocaustMemorial", ("History", "World War II", "Holocaust", "Memorial")),
    ("Vision 2030Saudi ArabiaNEOM", ("Vision 2030", "Saudi Arabia", "NEOM")),
    # this round's misses: names the vocabulary now holds
    ("EUDMAApple", ("EU", "DMA", "Apple")),
    ("4KTVs", ("4K", "TVs")),
    ("StreamingDisney+Netflix", ("Streaming", "Disney+", "Netflix")),
    ("LGBTQ+Pride", ("LGBTQ+", "Pride")),
    ("SportsNBAMVPNikola Jokić", ("Sports", "NBA", "MVP", "Nikola Jokić")),
    ("TechXElon Musk", ("Tech", "X", "Elon Musk")),
]


@pytest.mark.parametrize(("line", "tags"), HARD_LINES)
def test_hard_lines_without_evidence(line: str, tags: tuple[str, ...]) -> None:
    assert split_tags(line) == tags


# Realistic tags lines with a sentence of their story, made up from general knowledge (no story
# of any corpus), in several languages: acronyms the story spells, names, short words. Before
# the rules of this round the splitter got 74 of these 80 right.
EVIDENCED_LINES = [
    (
        "PolitiqueAssemblée nationaleRNMacron",
        "Le Rassemblement national (RN) a voté avec Emmanuel Macron à l'Assemblée nationale.",
        ("Politique", "Assemblée nationale", "RN", "Macron"),
    ),
    (
        "SaludOMSCOVID-19México",
        "La Organización Mundial de la Salud (OMS) alertó sobre el COVID-19 en México.",
        ("Salud", "OMS", "COVID-19", "México"),
    ),
    (
        "WirtschaftEZBZinsenInflation",
        "Die Europäische Zentralbank (EZB) erhöht die Zinsen wegen der Inflation.",
        ("Wirtschaft", "EZB", "Zinsen", "Inflation"),
    ),
    (
        "EnergieRWEKohleausstiegNRW",
        "RWE will den Kohleausstieg in Nordrhein-Westfalen (NRW) beschleunigen.",
        ("Energie", "RWE", "Kohleausstieg", "NRW"),
    ),
    (
        "ScienceNatureCRISPRGene editing",
        "Researchers writing in Nature used CRISPR gene editing.",
        ("Science", "Nature", "CRISPR", "Gene editing"),
    ),
    (
        "HealthNHS EnglandA&EWaiting times",
        "NHS England said A&E waiting times rose.",
        ("Health", "NHS England", "A&E", "Waiting times"),
    ),
    (
        "EducationOfstedSchoolsUK",
        "Ofsted inspected schools across the UK.",
        ("Education", "Ofsted", "Schools", "UK"),
    ),
    (
        "ClimateIPCCCO2 emissionsNet zero",
        "The IPCC says CO2 emissions must reach net zero.",
        ("Climate", "IPCC", "CO2 emissions", "Net zero"),
    ),
    (
        "PolíticaPSOEPPElecciones",
        "El PSOE y el PP se enfrentan en las elecciones.",
        ("Política", "PSOE", "PP", "Elecciones"),
    ),
    (
        "EconomiaISTATPILItalia",
        "Secondo l'ISTAT il PIL dell'Italia cresce.",
        ("Economia", "ISTAT", "PIL", "Italia"),
    ),
    (
        "TransportDBBahnstreikGDL",
        "Die Deutsche Bahn (DB) rechnet mit einem Bahnstreik der GDL.",
        ("Transport", "DB", "Bahnstreik", "GDL"),
    ),
    (
        "SportsNCAAMarch MadnessBasketball",
        "The NCAA opened March Madness.",
        ("Sports", "NCAA", "March Madness", "Basketball"),
    ),
    (
        "TechnologyASMLChipsNetherlands",
        "ASML makes machines for chips in the Netherlands.",
        ("Technology", "ASML", "Chips", "Netherlands"),
    ),
    (
        "FinanceECBLagardeRates",
        "ECB president Christine Lagarde held rates.",
        ("Finance", "ECB", "Lagarde", "Rates"),
    ),
    (
        "BusinessLVMHArnaultLuxury",
        "LVMH chief Bernard Arnault bets on luxury.",
        ("Business", "LVMH", "Arnault", "Luxury"),
    ),
    (
        "AutosStellantisUAWStrikes",
        "Stellantis and the UAW ended the strikes.",
        ("Autos", "Stellantis", "UAW", "Strikes"),
    ),
    (
        "ScienceJAXASLIMMoon",
        "JAXA said its SLIM lander reached the Moon.",
        ("Science", "JAXA", "SLIM", "Moon"),
    ),
    (
        "MedienARDZDFRundfunkbeitrag",
        "ARD und ZDF wollen einen höheren Rundfunkbeitrag.",
        ("Medien", "ARD", "ZDF", "Rundfunkbeitrag"),
    ),
    (
        "PolitikFDPCDUAmpel",
        "Die FDP streitet mit der CDU über die Ampel.",
        ("Politik", "FDP", "CDU", "Ampel"),
    ),
    (
        "KulturMoMANew YorkKunst",
        "Das Museum of Modern Art (MoMA) in New York zeigt Kunst.",
        ("Kultur", "MoMA", "New York", "Kunst"),
    ),
    (
        "GamingRPGsIndie gamesSteam",
        "RPGs and indie games sell well on Steam.",
        ("Gaming", "RPGs", "Indie games", "Steam"),
    ),
    (
        "MarketsIPOsNasdaqArm",
        "IPOs on the Nasdaq, led by Arm, rose.",
        ("Markets", "IPOs", "Nasdaq", "Arm"),
    ),
    (
        "HealthGLP-1ObesityFDA",
        "The FDA approved a GLP-1 drug for obesity.",
        ("Health", "GLP-1", "Obesity", "FDA"),
    ),
    (
        "ScienceDNAAncient genomesEvolution",
        "DNA from ancient genomes sheds light on evolution.",
        ("Science", "DNA", "Ancient genomes", "Evolution"),
    ),
    (
        "CanadaRCMPOttawaPolice",
        "The RCMP said Ottawa police helped.",
        ("Canada", "RCMP", "Ottawa", "Police"),
    ),
    (
        "IndiaISROGaganyaanSpace",
        "ISRO tested the Gaganyaan capsule.",
        ("India", "ISRO", "Gaganyaan", "Space"),
    ),
    (
        "EnvironnementGIECClimat",
        "Selon le GIEC, le climat se réchauffe.",
        ("Environnement", "GIEC", "Climat"),
    ),
    (
        "JapanBoJYenInterest rates",
        "The Bank of Japan (BoJ) kept interest rates low as the yen fell.",
        ("Japan", "BoJ", "Yen", "Interest rates"),
    ),
    (
        "UKOfcomBBCLicence fee",
        "Ofcom reviewed the BBC licence fee.",
        ("UK", "Ofcom", "BBC", "Licence fee"),
    ),
    (
        "TechnologyQualcommArmLawsuit",
        "Qualcomm won its lawsuit against Arm.",
        ("Technology", "Qualcomm", "Arm", "Lawsuit"),
    ),
    (
        "AfricaECOWASNigerCoup",
        "ECOWAS threatened Niger after the coup.",
        ("Africa", "ECOWAS", "Niger", "Coup"),
    ),
    (
        "SportsIOCParis 2024Olympics",
        "The IOC prepared the Paris 2024 Olympics.",
        ("Sports", "IOC", "Paris 2024", "Olympics"),
    ),
    (
        "HealthMpoxWHODRC",
        "The WHO declared mpox an emergency in the Democratic Republic of Congo (DRC).",
        ("Health", "Mpox", "WHO", "DRC"),
    ),
    ("WorkAIJobsOECD", "The OECD says AI will change jobs.", ("Work", "AI", "Jobs", "OECD")),
    (
        "CryptoETFsSECBitcoin",
        "The SEC approved bitcoin ETFs.",
        ("Crypto", "ETFs", "SEC", "Bitcoin"),
    ),
    (
        "TechnologyByteDanceTikTok ShopE-commerce",
        "ByteDance grows TikTok Shop in e-commerce.",
        ("Technology", "ByteDance", "TikTok Shop", "E-commerce"),
    ),
    (
        "AustraliaABCACCCSupermarkets",
        "The ABC reported that the ACCC sued supermarkets.",
        ("Australia", "ABC", "ACCC", "Supermarkets"),
    ),
    (
        "FútbolLaLigaVARReal Madrid",
        "LaLiga revisará el VAR tras el partido del Real Madrid.",
        ("Fútbol", "LaLiga", "VAR", "Real Madrid"),
    ),
    (
        "SociétéCNILDonnées personnelles",
        "La CNIL protège les données personnelles.",
        ("Société", "CNIL", "Données personnelles"),
    ),
    (
        "WissenschaftCERNTeilchenphysik",
        "Am CERN wird Teilchenphysik erforscht.",
        ("Wissenschaft", "CERN", "Teilchenphysik"),
    ),
    (
        "TechOpenAISam AltmanBoard",
        "OpenAI's board fired Sam Altman.",
        ("Tech", "OpenAI", "Sam Altman", "Board"),
    ),
    (
        "SpaceBlue OriginNew GlennBezos",
        "Blue Origin launched New Glenn, Jeff Bezos said.",
        ("Space", "Blue Origin", "New Glenn", "Bezos"),
    ),
    (
        "PoliticsMAGARepublicansGOP",
        "MAGA Republicans control the GOP.",
        ("Politics", "MAGA", "Republicans", "GOP"),
    ),
    (
        "HealthcareNIHAlzheimer'sResearch",
        "The NIH funds Alzheimer's research.",
        ("Healthcare", "NIH", "Alzheimer's", "Research"),
    ),
    ("MediaNPRPBSFunding", "NPR and PBS lost federal funding.", ("Media", "NPR", "PBS", "Funding")),
    (
        "EconomyUSMCAMexicoTariffs",
        "The USMCA protects Mexico from tariffs.",
        ("Economy", "USMCA", "Mexico", "Tariffs"),
    ),
    (
        "TechnologyAWSCloudOutage",
        "An AWS cloud outage hit sites.",
        ("Technology", "AWS", "Cloud", "Outage"),
    ),
    (
        "SecurityNSOPegasusSpyware",
        "NSO Group sold Pegasus spyware.",
        ("Security", "NSO", "Pegasus", "Spyware"),
    ),
    (
        "SportsWTAUS OpenTennis",
        "The WTA praised the US Open tennis crowd.",
        ("Sports", "WTA", "US Open", "Tennis"),
    ),
    (
        "BrasilSTFBolsonaroJustiça",
        "O STF julgou Bolsonaro; a Justiça decidiu.",
        ("Brasil", "STF", "Bolsonaro", "Justiça"),
    ),
    (
        "PoliticsXiChinaTaiwan",
        "Xi Jinping met officials in China about Taiwan.",
        ("Politics", "Xi", "China", "Taiwan"),
    ),
    ("TechFoodArtLaw", "", ("Tech", "Food", "Art", "Law")),
    ("OilGasIranIraq", "Oil and gas from Iran and Iraq.", ("Oil", "Gas", "Iran", "Iraq")),
    (
        "WarGazaIsraelHamas",
        "The war in Gaza between Israel and Hamas.",
        ("War", "Gaza", "Israel", "Hamas"),
    ),
    ("TaxJobsUKBudget", "The UK budget raises tax and cuts jobs.", ("Tax", "Jobs", "UK", "Budget")),
    (
        "AsiaBaliTourismVisa",
        "Bali in Asia changes its tourism visa.",
        ("Asia", "Bali", "Tourism", "Visa"),
    ),
    (
        "FilmTVNetflixOscars",
        "Netflix won Oscars for film and TV.",
        ("Film", "TV", "Netflix", "Oscars"),
    ),
    ("CubaPeruMaliAid", "Aid to Cuba, Peru and Mali.", ("Cuba", "Peru", "Mali", "Aid")),
    ("GoAIDeepMindGames", "DeepMind's AI beat Go players.", ("Go", "AI", "DeepMind", "Games")),
    ("PopK-popBTSMusic", "BTS made K-pop global music.", ("Pop", "K-pop", "BTS", "Music")),
    ("EVsBYDTeslaCars", "BYD overtook Tesla in EVs.", ("EVs", "BYD", "Tesla", "Cars")),
    (
        "MoonNASAArtemisSpace",
        "NASA's Artemis returns to the Moon.",
        ("Moon", "NASA", "Artemis", "Space"),
    ),
    (
        "RomeVaticanPopeLeo",
        "Pope Leo spoke at the Vatican in Rome.",
        ("Rome", "Vatican", "Pope", "Leo"),
    ),
    ("LawCourtsRapeTrial", "A rape trial in the courts.", ("Law", "Courts", "Rape", "Trial")),
    ("BankRatesFedUS", "The Fed and US bank rates.", ("Bank", "Rates", "Fed", "US")),
    (
        "WineFranceBordeauxExports",
        "Bordeaux wine exports from France.",
        ("Wine", "France", "Bordeaux", "Exports"),
    ),
    ("RailHS2BudgetUK", "The HS2 rail budget in the UK.", ("Rail", "HS2", "Budget", "UK")),
    (
        "ArtLouvreParisTheft",
        "Art theft at the Louvre in Paris.",
        ("Art", "Louvre", "Paris", "Theft"),
    ),
    ("ChinaXiTrumpTrade", "Xi and Trump on China trade.", ("China", "Xi", "Trump", "Trade")),
    ("MusicBeyoncéTourFans", "Beyoncé's tour drew fans.", ("Music", "Beyoncé", "Tour", "Fans")),
    (
        "KenyaRutoTaxProtests",
        "Protests against Ruto's tax plans in Kenya.",
        ("Kenya", "Ruto", "Tax", "Protests"),
    ),
    ("IndiaModiBJPVote", "Modi's BJP won the vote in India.", ("India", "Modi", "BJP", "Vote")),
    (
        "AppsUberLyftGig work",
        "Uber and Lyft and gig work apps.",
        ("Apps", "Uber", "Lyft", "Gig work"),
    ),
    (
        "GolfLIVPGA TourSaudi",
        "LIV and the PGA Tour, backed by Saudi money.",
        ("Golf", "LIV", "PGA Tour", "Saudi"),
    ),
    ("MetaAIChatbotsTeens", "Meta AI chatbots talk to teens.", ("Meta", "AI", "Chatbots", "Teens")),
    ("JobsAIHRWork", "AI in HR changes work and jobs.", ("Jobs", "AI", "HR", "Work")),
    ("SpainEUMadridVox", "Vox in Madrid, Spain, and the EU.", ("Spain", "EU", "Madrid", "Vox")),
    ("DataEUGDPRFines", "EU GDPR fines over data.", ("Data", "EU", "GDPR", "Fines")),
    (
        "IranIAEAUraniumNuclear",
        "The IAEA says Iran enriched uranium for nuclear use.",
        ("Iran", "IAEA", "Uranium", "Nuclear"),
    ),
    ("SudanRSFDarfurWar", "The RSF in Darfur, Sudan, at war.", ("Sudan", "RSF", "Darfur", "War")),
    # another round, in the corpus's style: lines of four tags, several languages
    (
        "PolitiqueLFIAssemblée nationaleRetraites",
        "La France insoumise (LFI) a déposé une motion à l'Assemblée nationale.",
        ("Politique", "LFI", "Assemblée nationale", "Retraites"),
    ),
    (
        "WirtschaftDAXSiemens EnergyAktien",
        "Der DAX fiel, Siemens Energy verlor sechs Prozent.",
        ("Wirtschaft", "DAX", "Siemens Energy", "Aktien"),
    ),
    (
        "SaludIMSSMéxicoMedicamentos",
        "El IMSS reconoció la falta de medicamentos en México.",
        ("Salud", "IMSS", "México", "Medicamentos"),
    ),
    (
        "TechnologyStartupsYCombinatorSan Francisco",
        "The startup went through YCombinator in San Francisco.",
        ("Technology", "Startups", "YCombinator", "San Francisco"),
    ),
    (
        "ScienceCERNLHCPhysics",
        "Physicists at CERN restarted the LHC.",
        ("Science", "CERN", "LHC", "Physics"),
    ),
    (
        "EducationOfstedSchoolsEngland",
        "Ofsted inspectors rated schools across England.",
        ("Education", "Ofsted", "Schools", "England"),
    ),
    (
        "HealthNHS EnglandWaiting listsUK",
        "NHS England said waiting lists fell in the UK.",
        ("Health", "NHS England", "Waiting lists", "UK"),
    ),
    (
        "CryptoFTXSam Bankman-FriedFraud",
        "FTX founder Sam Bankman-Fried was convicted of fraud.",
        ("Crypto", "FTX", "Sam Bankman-Fried", "Fraud"),
    ),
    (
        "EnergíaYPFVaca MuertaPetróleo",
        "YPF aumentó la producción de petróleo en Vaca Muerta.",
        ("Energía", "YPF", "Vaca Muerta", "Petróleo"),
    ),
    (
        "SportAFCONNigeriaFootball",
        "Nigeria reached the AFCON final.",
        ("Sport", "AFCON", "Nigeria", "Football"),
    ),
    (
        "GamingXboxGame PassMicrosoft",
        "Microsoft raised the price of Xbox Game Pass.",
        ("Gaming", "Xbox", "Game Pass", "Microsoft"),
    ),
    (
        "PrivacyGDPRnoybMeta",
        "The group noyb filed a GDPR complaint against Meta.",
        ("Privacy", "GDPR", "noyb", "Meta"),
    ),
    (
        "ClimateIEASolar powerRenewables",
        "The IEA expects solar power to lead renewables.",
        ("Climate", "IEA", "Solar power", "Renewables"),
    ),
    (
        "MediaBBCPanoramaJournalism",
        "BBC Panorama aired the investigation.",
        ("Media", "BBC", "Panorama", "Journalism"),
    ),
    (
        "CultureMoMANew YorkArt",
        "MoMA in New York opened the show.",
        ("Culture", "MoMA", "New York", "Art"),
    ),
    (
        "PolitikSPDOlaf ScholzBundestag",
        "Olaf Scholz (SPD) sprach im Bundestag.",
        ("Politik", "SPD", "Olaf Scholz", "Bundestag"),
    ),
    (
        "JusticeICCNetanyahuWarrants",
        "The ICC issued warrants for Netanyahu.",
        ("Justice", "ICC", "Netanyahu", "Warrants"),
    ),
    (
        "TechnologieOVHcloudCloudFrance",
        "OVHcloud, le champion français du cloud, …",
        ("Technologie", "OVHcloud", "Cloud", "France"),
    ),
    (
        "SpaceBlue OriginNew GlennRockets",
        "Blue Origin launched New Glenn.",
        ("Space", "Blue Origin", "New Glenn", "Rockets"),
    ),
    (
        "TransportDBDeutsche BahnStreik",
        "Die Deutsche Bahn (DB) rechnet mit Streik.",
        ("Transport", "DB", "Deutsche Bahn", "Streik"),
    ),
    (
        "SecurityCrowdStrikeOutageWindows",
        "A CrowdStrike update crashed Windows machines.",
        ("Security", "CrowdStrike", "Outage", "Windows"),
    ),
    (
        "FinanceSVBBank runsSilicon Valley",
        "SVB collapsed after a bank run in Silicon Valley.",
        ("Finance", "SVB", "Bank runs", "Silicon Valley"),
    ),
    (
        "AutosGMCruiseRobotaxis",
        "GM paused Cruise robotaxis.",
        ("Autos", "GM", "Cruise", "Robotaxis"),
    ),
    (
        "AISam AltmanOpenAIBoard",
        "OpenAI's board fired Sam Altman.",
        ("AI", "Sam Altman", "OpenAI", "Board"),
    ),
    (
        "MusicTaylor SwiftEras TourTicketmaster",
        "Ticketmaster crashed before Taylor Swift's Eras Tour.",
        ("Music", "Taylor Swift", "Eras Tour", "Ticketmaster"),
    ),
    (
        "HealthRSVVaccinesInfants",
        "An RSV vaccine for infants was approved.",
        ("Health", "RSV", "Vaccines", "Infants"),
    ),
    (
        "PolíticaPSOEPedro SánchezAmnistía",
        "Pedro Sánchez (PSOE) defendió la amnistía.",
        ("Política", "PSOE", "Pedro Sánchez", "Amnistía"),
    ),
    (
        "EconomiaBCETassiItalia",
        "La BCE ha alzato i tassi, pesa sull'Italia.",
        ("Economia", "BCE", "Tassi", "Italia"),
    ),
    (
        "SoftwarePostgreSQLDatabasesOpen source",
        "PostgreSQL 17 is out; the open source database…",
        ("Software", "PostgreSQL", "Databases", "Open source"),
    ),
    (
        "LinuxKernelRustLinus Torvalds",
        "Linus Torvalds merged Rust code into the Linux kernel.",
        ("Linux", "Kernel", "Rust", "Linus Torvalds"),
    ),
    (
        "WeatherNOAAHurricanesFlorida",
        "NOAA warned of hurricanes hitting Florida.",
        ("Weather", "NOAA", "Hurricanes", "Florida"),
    ),
    (
        "ImmigrationICEDeportationsTexas",
        "ICE stepped up deportations in Texas.",
        ("Immigration", "ICE", "Deportations", "Texas"),
    ),
    (
        "PoliticsMAGAGOPHouse",
        "MAGA Republicans in the GOP-led House…",
        ("Politics", "MAGA", "GOP", "House"),
    ),
    (
        "TechAppleVision ProAR",
        "Apple's Vision Pro headset mixes AR and VR.",
        ("Tech", "Apple", "Vision Pro", "AR"),
    ),
    (
        "TelecomsBTOpenreachBroadband",
        "BT's Openreach expands broadband.",
        ("Telecoms", "BT", "Openreach", "Broadband"),
    ),
    (
        "SportsNHLStanley CupOilers",
        "The Oilers reached the Stanley Cup final of the NHL.",
        ("Sports", "NHL", "Stanley Cup", "Oilers"),
    ),
    (
        "ScienceJWSTExoplanetsNASA",
        "NASA's JWST found exoplanets.",
        ("Science", "JWST", "Exoplanets", "NASA"),
    ),
    (
        "BusinessLVMHBernard ArnaultLuxury",
        "LVMH, led by Bernard Arnault, the luxury giant…",
        ("Business", "LVMH", "Bernard Arnault", "Luxury"),
    ),
    (
        "DiplomacyASEANMyanmarJunta",
        "ASEAN leaders discussed Myanmar's junta.",
        ("Diplomacy", "ASEAN", "Myanmar", "Junta"),
    ),
    (
        "HealthWHOpandemic treatyGeneva",
        "The WHO pandemic treaty talks in Geneva…",
        ("Health", "WHO", "pandemic treaty", "Geneva"),
    ),
    (
        "AIEU AI ActRegulation",
        "The EU AI Act sets regulation for AI.",
        ("AI", "EU AI Act", "Regulation"),
    ),
    (
        "ChipsTSMCArizonaCHIPS Act",
        "TSMC builds in Arizona under the CHIPS Act.",
        ("Chips", "TSMC", "Arizona", "CHIPS Act"),
    ),
    (
        "EnergyEDFNuclearFlamanville",
        "EDF started the Flamanville nuclear reactor.",
        ("Energy", "EDF", "Nuclear", "Flamanville"),
    ),
    (
        "MedienRTLProSiebenTV",
        "RTL und ProSieben kämpfen um TV-Zuschauer.",
        ("Medien", "RTL", "ProSieben", "TV"),
    ),
    (
        "GamesNintendoSwitch 2Consoles",
        "Nintendo unveiled the Switch 2 console.",
        ("Games", "Nintendo", "Switch 2", "Consoles"),
    ),
    (
        "ClimaCOP30BelémAmazônia",
        "A COP30 será em Belém, na Amazônia.",
        ("Clima", "COP30", "Belém", "Amazônia"),
    ),
    (
        "PolitiqueRNMarine Le PenProcès",
        "Marine Le Pen (RN) face à son procès.",
        ("Politique", "RN", "Marine Le Pen", "Procès"),
    ),
    (
        "FoodUSDAEggsBird flu",
        "The USDA tracks egg prices during bird flu.",
        ("Food", "USDA", "Eggs", "Bird flu"),
    ),
    # lower-case starts, codes and agencies of several countries
    (
        "Python 3pipPyPISecurity",
        "Malicious packages on PyPI targeted pip users of Python 3.",
        ("Python 3", "pip", "PyPI", "Security"),
    ),
    (
        "StartupsFinTechKlarnaBNPL",
        "Klarna, the FinTech behind BNPL loans, …",
        ("Startups", "FinTech", "Klarna", "BNPL"),
    ),
    (
        "PolitiquePSMRCGouvernement",
        "Le PS et le MRC ont quitté le gouvernement.",
        ("Politique", "PS", "MRC", "Gouvernement"),
    ),
    (
        "RechtBVerwGUrteilKlimaschutz",
        "Das BVerwG fällte ein Urteil zum Klimaschutz.",
        ("Recht", "BVerwG", "Urteil", "Klimaschutz"),
    ),
    (
        "GesundheitRKICorona-Warn-AppDatenschutz",
        "Das RKI veröffentlichte Daten der Corona-Warn-App.",
        ("Gesundheit", "RKI", "Corona-Warn-App", "Datenschutz"),
    ),
    (
        "EconomíaINDECInflaciónArgentina",
        "El INDEC informó la inflación de Argentina.",
        ("Economía", "INDEC", "Inflación", "Argentina"),
    ),
    (
        "TechnologyeSIMiPhone 15Carriers",
        "The iPhone 15 in the US uses only eSIM; carriers adapt.",
        ("Technology", "eSIM", "iPhone 15", "Carriers"),
    ),
    (
        "SciencemRNABioNTechNobel Prize",
        "The Nobel Prize went to mRNA research behind BioNTech's vaccine.",
        ("Science", "mRNA", "BioNTech", "Nobel Prize"),
    ),
    (
        "AIOpenAIGPT-4oMultimodal",
        "OpenAI released GPT-4o, a multimodal model.",
        ("AI", "OpenAI", "GPT-4o", "Multimodal"),
    ),
    (
        "GamingValveSteam DeckPC",
        "Valve's Steam Deck is a handheld PC.",
        ("Gaming", "Valve", "Steam Deck", "PC"),
    ),
    (
        "FinanceNYSEIPOsArm",
        "Arm listed as IPOs rebound on the NYSE.",
        ("Finance", "NYSE", "IPOs", "Arm"),
    ),
    (
        "HealthCDCH5N1Dairy cows",
        "The CDC tracks H5N1 in dairy cows.",
        ("Health", "CDC", "H5N1", "Dairy cows"),
    ),
    (
        "EnvironmentPFASEPADrinking water",
        "The EPA limits PFAS in drinking water.",
        ("Environment", "PFAS", "EPA", "Drinking water"),
    ),
    (
        "TechnologyQualcommSnapdragonARM",
        "Qualcomm's Snapdragon chips use ARM designs.",
        ("Technology", "Qualcomm", "Snapdragon", "ARM"),
    ),
    (
        "MusikARDESCEurovision",
        "Die ARD überträgt den ESC, den Eurovision Song Contest.",
        ("Musik", "ARD", "ESC", "Eurovision"),
    ),
    (
        "BusinessWeWorkSoftBankBankruptcy",
        "WeWork, backed by SoftBank, filed for bankruptcy.",
        ("Business", "WeWork", "SoftBank", "Bankruptcy"),
    ),
    (
        "MediaWaPoJeff BezosNewspapers",
        "Jeff Bezos owns WaPo, as the Washington Post is known.",
        ("Media", "WaPo", "Jeff Bezos", "Newspapers"),
    ),
    (
        "ClimatNetZeroCOP28Émirats",
        "La COP28 aux Émirats a parlé de NetZero.",
        ("Climat", "NetZero", "COP28", "Émirats"),
    ),
    (
        "TechniekASMLEUVChips",
        "ASML sells EUV machines for chips.",
        ("Techniek", "ASML", "EUV", "Chips"),
    ),
    (
        "SocialBlueskyMastodonX",
        "Users left X for Bluesky and Mastodon.",
        ("Social", "Bluesky", "Mastodon", "X"),
    ),
    (
        "TransportHS2UKRail",
        "The UK cut HS2, its high-speed rail line.",
        ("Transport", "HS2", "UK", "Rail"),
    ),
    (
        "EducationSATsCollege BoardUS",
        "The College Board runs the SATs in the US.",
        ("Education", "SATs", "College Board", "US"),
    ),
    (
        "CiberseguridadINCIBEEspaña",
        "El INCIBE alertó sobre ataques en España.",
        ("Ciberseguridad", "INCIBE", "España"),
    ),
    (
        "WissenschaftMPGCRISPRGenetik",
        "Forscher der MPG nutzten CRISPR in der Genetik.",
        ("Wissenschaft", "MPG", "CRISPR", "Genetik"),
    ),
    (
        "AutoBMWiXElectric cars",
        "BMW's iX is one of its electric cars.",
        ("Auto", "BMW", "iX", "Electric cars"),
    ),
]


@pytest.mark.parametrize(("line", "context", "tags"), EVIDENCED_LINES)
def test_realistic_lines_with_their_story(line: str, context: str, tags: tuple[str, ...]) -> None:
    assert split_tags(line, context) == tags


@pytest.mark.parametrize(
    ("line", "context", "tags"),
    [
        # An unknown acronym ending in a known one is cut, unless the story spells it whole.
        ("QXRVAI", "", ("QXRV", "AI")),
        ("QXRVAI", "the QXRVAI fund", ("QXRVAI",)),
        # Two known acronyms run together are two tags whatever the story says.
        ("AIEVs", "the AIEVs index", ("AI", "EVs")),
        # A known acronym at the start is no cut point: all-capital words stay whole.
        ("UNITED", "", ("UNITED",)),
        ("EUROPE", "", ("EUROPE",)),
        ("USDA", "", ("USDA",)),
        # Codes: digits end one before two capitals, not before one (H5N1, B2B).
        ("H5N1", "", ("H5N1",)),
        ("B2B", "", ("B2B",)),
        ("G7G20", "", ("G7", "G20")),
        # Two halves of five letters or more are two tags, whatever the story says.
        ("CrimeMiami", "CrimeMiami", ("Crime", "Miami")),
        # A lone lower-case letter starts a name, known or not.
        ("USiWidget", "", ("US", "iWidget")),
        # A plural acronym before a known lower-case name (found by the round-trip property
        # of tests/test_tags_round_trip.py; it split as AIE|Vs|iPhone).
        ("AIEVsiPhone", "", ("AI", "EVs", "iPhone")),
        ("MarketsIPOsiPad", "", ("Markets", "IPOs", "iPad")),
        ("AIB2BiPhone", "", ("AI", "B2B", "iPhone")),  # it split as AIB2|B|iPhone
        ("G7iPhoneiPad", "", ("G7", "iPhone", "iPad")),  # G7i|Phone|iPad
        # A two-letter piece joins the word after it, unless the story names it alone and
        # not the two together.
        (
            "PoliticsXiChinaTaiwan",
            "Xi Jinping spoke in China.",
            ("Politics", "Xi", "China", "Taiwan"),
        ),
        ("ChinaXiTrumpTrade", "Talks between Xi and Trump.", ("China", "Xi", "Trump", "Trade")),
        (
            "PolíticaDeSantisFlorida",
            "De acuerdo con Ron DeSantis…",
            ("Política", "DeSantis", "Florida"),
        ),
        ("ConsultingMcKinsey", "", ("Consulting", "McKinsey")),
        # A closing bracket ends a tag before a capital; other punctuation does not.
        ("X (Twitter)Elon Musk", "", ("X (Twitter)", "Elon Musk")),
        ("Apple (AAPL)Stocks", "", ("Apple (AAPL)", "Stocks")),
        ("(AAPL)Apple", "", ("(AAPL)", "Apple")),
        ("Coca-ColaPepsi", "", ("Coca-Cola", "Pepsi")),
        ("S&PMarkets", "", ("S&P", "Markets")),
        ("AT&TVerizon", "", ("AT&T", "Verizon")),
        # Digits after a word end before capitals, as they do after a code (COP28|UAE).
        ("Brexit2016UKEU", "", ("Brexit", "2016", "UK", "EU")),
        ("Euro2024UEFAFootball", "", ("Euro", "2024", "UEFA", "Football")),
        ("Windows11Microsoft", "Windows11 came out.", ("Windows11", "Microsoft")),
        # A piece of punctuation alone is no tag: it joins the one after it (before, last).
        ("#MeToo", "", ("#MeToo",)),
        ("#MeTooHollywood", "", ("#MeToo", "Hollywood")),
        ("C++Programming", "", ("C++", "Programming")),
        ("Politics#", "", ("Politics#",)),
        # A known run before a lower-case word the story spells ends there; without the
        # evidence its last capital starts a word.
        ("PrivacyGDPRnoyb", "The group noyb filed a GDPR complaint.", ("Privacy", "GDPR", "noyb")),
        ("WHOpandemic", "the WHO pandemic treaty", ("WHO", "pandemic")),
        ("USAid", "", ("US", "Aid")),
        # One capital is no tag: it joins the word after it, unless the story names it alone.
        ("NatuurIJsselmeerNederland", "", ("Natuur", "IJsselmeer", "Nederland")),
        ("IJmuidenHavens", "", ("IJmuiden", "Havens")),
        ("HistoryWorld War IPolitics", "", ("History", "World War I", "Politics")),
    ],
)
def test_general_rules(line: str, context: str, tags: tuple[str, ...]) -> None:
    assert split_tags(line, context) == tags


def test_the_vocabulary_is_data() -> None:
    from importlib.resources import files

    data = files("storykit").joinpath("tags_vocabulary.txt").read_text("utf-8")
    listed = {t.strip() for t in data.splitlines() if t.strip() and not t.startswith("#")}
    assert listed == DEFAULT_VOCABULARY
    assert len(DEFAULT_VOCABULARY) > 800
    assert {"iPhone", "DreamWorks", "SkyTeam", "NHTSA", "Hong Kong"} <= DEFAULT_VOCABULARY
    assert TagSplitter().vocabulary == DEFAULT_VOCABULARY
    assert TagSplitter(["AcmeCorp"]).vocabulary == {"AcmeCorp"}


def test_a_hostile_story_reads_in_linear_time() -> None:
    dump = (
        "← Back to stories A robot\nSCMP 2026-05-25\n\nTitle\n\n"
        + "aB" * 495_000
        + "\n\n"
        + "aB" * 199
        + "\nView original source →"
    )
    story = storykit.loads(dump, "text")
    assert "".join(story.tags) == "aB" * 199


def _recorded() -> list[dict[str, object]]:
    path = Path(__file__).parent / "fixtures" / "tags_regression.json"
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
