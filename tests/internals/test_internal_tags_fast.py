"""The tag splitter's fast path gives what its full rules give, whatever the story says.

``TagSplitter._fast_split`` answers the common line (capitalised words, known runs of
capitals and codes, every word but the last long) without the story, and declines (``None``)
every other line. Wherever it answers, the full rules (``TagSplitter._split``) must give the
same tags for a story that spells nothing, one that spells everything, and the story's own
text. It takes the common token (a long word or a known run of capitals) in a loop of
its own and hands the first other token to the full token loop: the made-up lines run
through both, and ``_HANDED_OVER`` holds a line for each condition of the hand-over.

These tests reach in because the fast path and the full rules are two private roads to one public
answer (``split_tags``): only driving each directly shows they agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from storykit import _tags_runs as tags_runs
from storykit import _tags_text as tags_text
from storykit import tags as tags_module
from storykit.formats import _text_reader
from storykit.tags import TagSplitter
from tests.conftest import CORPUS_STORIES, SEED
from tests.test_tags_lines import lines_split_by_hand


class _SpellsEverything(tags_text.StoryText):
    """A story that spells out every name it is asked about."""

    def spells(self, piece: str) -> bool:
        self.log.append((piece, True))
        return True


def _agrees(splitter: TagSplitter, line: str, context: str = "") -> bool:
    """Whether the fast path declines ``line`` or gives what the full rules give."""
    line = line.strip()
    if not line:
        return True  # split() answers an empty line before either path
    sig = line.translate(tags_runs.CLASSES)
    makers = [
        lambda: tags_text.StoryText("", 0),
        lambda: _SpellsEverything("", 0),
        lambda: tags_text.StoryText(context, len(context)),
    ]
    fast = splitter._fast_split(line, sig)  # without the story: only what needs none
    for make in makers:
        asked = make()
        with_story = splitter._fast_split(line, sig, lambda asked=asked: asked)
        slow = splitter._split(line, sig, make())
        if fast is not None:
            assert fast == slow, (line, fast, slow)
            assert with_story == fast
        if with_story is not None:
            assert with_story == slow, (line, type(asked).__name__, with_story, slow)
    return True


# Pieces a tags line is made of: long and short words, words with spaces and numbers, known
# and unknown acronyms and codes, camel-case names, lower-case starts, digits, punctuation.
_PIECES = st.sampled_from(
    [
        "Crime", "Miami", "Road safety", "Semiconductors", "Harvard Medical School", "Rüstung",
        "Mobilité", "Diplomacy", "Trade", "China", "Level 3", "Python 3", "Windows 11",
        "Art", "Meta", "Rust", "Cork", "Mc", "De", "Us", "Xs", "Ss", "Hub", "Tok", "Book",
        "Wallet", "Game", "Stop", "Dream", "Works", "Team", "Sky", "Star", "Craft", "Open",
        "US", "EU", "UK", "AI", "EVs", "IPOs", "ETFs", "NATO", "NHTSA", "ISRO", "UN", "ACLU",
        "USA", "OGM", "CIRC", "PNAS", "NPHET", "XYZ", "ABCs", "Q", "QX", "QXs",
        "COVID-19", "COP26", "COP28", "G7", "G20", "B12", "A380", "F1", "H5N1", "GPT-4",
        "5G", "3M", "CO2", "Chandrayaan-3", "B2B",
        "DreamWorks", "GameStop", "WalletHub", "YouTube", "iPhone", "eBay", "eMerge",
        "McKinsey", "AfD", "PiS", "SaaS", "PhD", "MoD", "macOS", "iOS", "mRNA", "eSIM", "FTSE",
        "i", "e", "s", "virtualenv", "pip", "news", " ", "-", "'", "3", "12", "中国", "Ünal",
        "Ä", "ÖVP", "Ab", "Abcd", "Abcde", "Abcdef", "Abcdefghijklmnopq", "Aa Bb", "Abc 3",
        "Apple", "Merge", "Phone", "Champions", "League", "Final", "Animation",
        "US Open", "CO2 emissions", "Long COVID", "NPHET Report", "Netz", "DG", "NetzDG",
        "My", "SQL", "Heiko Maas",
    ]
)  # fmt: skip
_LINES = st.lists(_PIECES, min_size=1, max_size=7).map("".join)
# the story's words: pieces, and two pieces run together (a name the story spells as one)
_CONTEXT = st.lists(st.one_of(_PIECES, st.tuples(_PIECES, _PIECES).map("".join)), max_size=12).map(
    " ".join
)


@settings(max_examples=600)
@given(_LINES, _CONTEXT)
@example("CrimeMiamiRoad safety", "")
@example("ABCs news", "AB")
@example("UKSs", "")
@example("COP26UAE", "")
@example("TradeG7", "")
@example("Level 3NPHET", "")
@example("USAiUS", "")
# a code before a capital that starts a known name (eSIM): the rules cut after the capital
@example("FTSE1MeSIMseLejov", "")
@example("COP26MeSIMs", "")  # an acronym before a name such as iPhone: the rules cut USA|iUS
# a short word before a run of two known tags: the story is asked about the word and the
# first of them, as the rules ask (it was asked about the whole run: ArtUSEU)
@example("ArtUSEU", "the ArtUS here")
@example("ArtAIEVs", "ArtAI")
# a known name of two tokens is one piece; the story is asked whether a short word before it
# joins the whole name (ArtGameStop), as the rules ask, not its first token (ArtGame)
@example("ArtGameStopCrime", "ArtGameStop")
@example("ArtGameStopCrime", "ArtGame Stop")
@example("CrimeGameStopArt", "GameStopArt")
@example("USGameStop", "")
# a known name that ends in a run of capitals no tag knows (NetzDG): one piece, DG not asked
@example("FacebookNetzDGHeiko Maas", "")
@example("FacebookNetzDGHeiko Maas", "FacebookNetzDG NetzDGHeiko DG")
@example("ArtNetzDGCrime", "ArtNetzDG")
@example("NetzDGDGCrime", "")
@example("CrimeMySQLDGArt", "MySQLDG")
def test_the_fast_path_gives_what_the_rules_give(line: str, context: str) -> None:
    assert _agrees(TagSplitter(), line, context)


# names made of pieces: camel-case names of two or three words, lower-case starts…
_NAMES = st.lists(_PIECES, min_size=1, max_size=3).map("".join).map(str.strip).filter(bool)


@settings(max_examples=600)
@given(_LINES, _CONTEXT, st.lists(_NAMES, max_size=3))
@example("ChampionsLeagueFinalCrime", "", ["ChampionsLeagueFinal"])
@example("CrimeiPhonesSales", "", [])  # a known lower-case start, not a whole known name
@example("AmericaseMergers", "", ["eMerge"])
@example("CrimeAppleiPhone", "", [])
@example("CrimeMiami", "", ["CrimeMiami"])
@example("CrimemacOSsNews", "", ["OSs"])  # a known lower-case start three letters back
@example("ABCsIran", "sIran", ["s"])  # two known tags, the second no acronym: may join on
def test_with_a_taught_vocabulary(line: str, context: str, taught: list[str]) -> None:
    splitter = TagSplitter()
    splitter.add(*taught)
    assert _agrees(splitter, line, context)


# The fast path takes the common token (a long word or a known run of capitals) in a
# few look-ups, and hands the first other token to the full token loop. Each line below is
# one the common-token loop must hand over: it fails should a condition be left out.
_HANDED_OVER = [
    ("ArtFranceLuxury", "ArtFrance", []),  # a short word: the story may join it on
    ("CrimeHealthmpox", "", []),  # a known lower-case tag ends a word (Health|mpox)
    ("CrimeRory McIlroyGolfer", "", []),  # Mc starts a name (Rory McIlroy)
    ("CrimeAmericaseMergers", "", ["eMerge"]),  # a known lower-case start after a word
    ("CrimeAmericaseMerge Americas", "", ["eMerge Americas"]),  # (a name with a space)
    ("TradeUSAfrica", "frica", []),  # a known run before a word's lower-case letters (USA|frica)
    ("COVID-19XabcdeFghij", "", ["abcdeFgh"]),  # digits before a known lower-case start
    ("CrimeDreamWorksAnimation", "", []),  # a known name across a cut, before a word
    ("CrimeAbcdefGHI", "", ["AbcdefGHI", "GHI"]),  # and before a known run of capitals
    ("CrimeseSIMCrime", "", []),  # a known name across a cut before a known run (eSIM)
    ("CrimexABCsCrime", "", ["xABC", "ABCs"]),  # a known lower-case start before one
    ("AgricultureOGMCIRC", "OGM CIRC", []),  # a run neither one known tag nor two
    ("CrimeAIEVsCrime", "", []),  # two known tags run together: cut between them (AI|EVs)
    ("AIEVsPlusCrime", "", ["EVsPlus"]),  # a run cut in two, before a known name's end
    ("ElectionsCVS HealthCrime", "", []),  # tokens that do not cover the line
]


@pytest.mark.parametrize(("line", "context", "taught"), _HANDED_OVER)
def test_the_common_token_loop_hands_over_where_a_rule_may_do_more(
    line: str, context: str, taught: list[str]
) -> None:
    splitter = TagSplitter()
    splitter.add(*taught)
    assert _agrees(splitter, line, context)
    sig = line.translate(tags_runs.CLASSES)
    pieces = []  # what the common-token loop alone would give: a piece a token
    for token in tags_runs.FAST_TOKEN_RE.findall(sig):
        start = sum(map(len, pieces))
        pieces.append(line[start : start + len(token)])
    story = tags_text.StoryText(context, len(context))
    assert splitter._split(line, sig, story) != tuple(pieces) or story.log


def test_the_token_loop_carries_on_with_what_the_common_token_loop_found() -> None:
    # A known name across a run of capitals cut in two (AI|EVs) and the next token is left
    # to the rules, however far into the line the hand-over comes.
    splitter = TagSplitter()
    splitter.add("EVsPlus")
    for line, tags in [
        ("AIEVsPlusCrime", ("AI", "EVsPlus", "Crime")),
        ("CrimeAIEVsPlusCrime", ("Crime", "AI", "EVsPlus", "Crime")),
    ]:
        assert splitter._fast_split(line, line.translate(tags_runs.CLASSES)) is None
        assert splitter.split(line) == tags


def test_the_corpus_and_the_recorded_lines() -> None:
    splitter = TagSplitter()
    answered = 0
    for path in [SEED, *CORPUS_STORIES]:
        lines = _text_reader._lines(path.read_text(encoding="utf-8"))
        while lines and not lines[-1]:
            lines.pop()
        if len(lines) > 2 and lines[-1].startswith("View original") and lines[-2]:
            context = "\n".join(lines[:-2])
            assert _agrees(splitter, lines[-2], context)
            answered += (
                splitter._fast_split(lines[-2], lines[-2].translate(tags_runs.CLASSES)) is not None
            )
    fixture = Path(__file__).parents[1] / "fixtures" / "tags_regression.json"
    for case in json.loads(fixture.read_text(encoding="utf-8"))["cases"]:
        taught = TagSplitter()
        taught.add(*case["taught"])
        assert _agrees(taught, case["line"], case["context"])
    for line, _ in lines_split_by_hand("without_evidence"):
        assert _agrees(splitter, str(line))
    for line, context, _ in lines_split_by_hand("with_evidence"):
        assert _agrees(splitter, str(line), str(context))
    if CORPUS_STORIES:
        assert answered >= 10  # the common case is common


def test_common_lines_take_the_fast_path() -> None:
    splitter = TagSplitter()
    for line, tags in [
        ("CrimeMiamiRoad safety", ("Crime", "Miami", "Road safety")),
        ("TradeUSDiplomacyChina", ("Trade", "US", "Diplomacy", "China")),
        ("JapanCOVID-19HealthCrime", ("Japan", "COVID-19", "Health", "Crime")),
        ("EVsSemiconductorsSmartphones", ("EVs", "Semiconductors", "Smartphones")),
        ("Level 3NATOCrime", ("Level 3", "NATO", "Crime")),
        ("ClimateG7Summit talks", ("Climate", "G7", "Summit talks")),
        ("CrimeRoad safetyArt", ("Crime", "Road safety", "Art")),
        ("Python 3Developers", ("Python 3", "Developers")),
        ("AIEVsSemiconductors", ("AI", "EVs", "Semiconductors")),
        ("TradeUSEUChina", ("Trade", "US", "EU", "China")),
        ("ClimateEUCOP26Glasgow", ("Climate", "EU", "COP26", "Glasgow")),  # two known, a code
        ("DreamWorksAnimation", ("DreamWorks", "Animation")),  # a known name of two tokens
        ("ETFsGameStopMedia", ("ETFs", "GameStop", "Media")),
    ]:
        sig = line.translate(tags_runs.CLASSES)
        assert splitter._fast_split(line, sig) == tags
        assert splitter.split(line) == tags
    for line in ["ArtFrance", "OGMCIRC", "COP26UAE", "WalletHubeMerge"]:
        assert splitter._fast_split(line, line.translate(tags_runs.CLASSES)) is None
    splitter.add("AbcdeFghijKlmno")  # a known name of three tokens is left to the rules
    line = "CrimeAbcdeFghijKlmno"
    assert splitter._fast_split(line, line.translate(tags_runs.CLASSES)) is None
    assert splitter.split(line) == ("Crime", "AbcdeFghijKlmno")


def test_the_memory_of_splits_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tags_module, "_MEMORY", 8)
    splitter = TagSplitter()
    for k in range(50):
        line = f"ArtFrance{chr(ord('A') + k % 26)}{'x' * (k + 1)}"  # a short word: no fast path
        assert splitter.split(line, "Art in France") == TagSplitter().split(line, "Art in France")
        assert len(splitter._splits) <= 8
    assert splitter._splits  # the recent ones are kept


def test_a_run_that_needs_the_evidence_is_split_here_only_with_the_story() -> None:
    # An unknown run of capitals is split on the evidence: without the story the fast path
    # declines the line; with it, the run is split as the rules split it, and its parts
    # are joined to nothing unless the rules would join them (then the line is declined).
    splitter = TagSplitter()
    for line, context, tags in [
        ("AgricultureOGMCIRC", "the OGM and the CIRC", ("Agriculture", "OGM", "CIRC")),
        ("AgricultureOGMCIRC", "", ("Agriculture", "OGMCIRC")),
        ("ArtFranceNPHETCOVID-19", "NPHET said", ("Art", "France", "NPHET", "COVID-19")),
    ]:
        sig = line.translate(tags_runs.CLASSES)
        assert splitter._fast_split(line, sig) is None
        story = tags_text.StoryText(context, len(context))
        assert splitter._fast_split(line, sig, lambda story=story: story) == tags
        assert splitter._split(line, sig, tags_text.StoryText(context, len(context))) == tags
    # the rules join a part to its neighbour when the story spells them as one: declined
    line, context = "MonsantoOGMCIRC", "OGM CIRC MonsantoOGM"
    sig = line.translate(tags_runs.CLASSES)
    story = tags_text.StoryText(context, len(context))
    assert splitter._fast_split(line, sig, lambda: story) is None
    assert splitter._split(line, sig, tags_text.StoryText(context, len(context))) == (
        "MonsantoOGM",
        "CIRC",
    )


@given(st.text())
@example("".join(map(chr, range(128))))  # every ASCII character: the bytes table's road
@example("Mobilité\x00\x7f 3ß")
def test_a_lines_signature_is_the_class_of_each_character(text: str) -> None:
    assert tags_runs.signature(text) == text.translate(tags_runs.CLASSES)


# The token pattern's word branch is possessive (it keeps no state to give back what it
# took); nothing after it in that branch can fail, so it must find exactly the tokens of
# the same pattern without possessive parts, written here as the plain statement of it.
_PLAIN_TOKEN_RE = re.compile(
    r"U[ls]+(?:_U?[ls]+)*(?:_d+)?"
    r"|(?<!U)(?:UU+?(?=U(?:l|s[ls]))|UU++s?(?=U|$)"
    r"|U++od++(?=U|$)|U++d++(?=U[ls]|$))"
)


@settings(max_examples=2000)
@given(st.text(alphabet="UUUllls_do", max_size=30))
@example("Ulll_ll")  # Road safety
@example("Ulll_d")  # Level 3
@example("Ull_Ull_dUU")  # Aa Bb 3|XY
@example("Ul_Ul_")  # a space at the end: not a word's
def test_the_token_pattern_finds_what_its_plain_form_finds(sig: str) -> None:
    assert tags_runs.FAST_TOKEN_RE.findall(sig) == _PLAIN_TOKEN_RE.findall(sig)
