"""Splitting a run-together tags line (``AIEVsSemiconductorsSmartphones``) into tags.

A dump writes its tags with nothing between them, so case changes are the main clue:
``…sSemi…`` is a boundary. Case alone cannot split everything (``USEU``, ``WalletHub``,
``eMerge Americas``, ``Python 3virtualenv``), so the splitter weighs three kinds of evidence:

1. a vocabulary of known tags (a built-in list of acronyms and camel-case names, extensible
   by the caller and by :meth:`TagSplitter.learn` from tags lines that hold a single tag);
2. names the story itself spells out (its title, headings and paragraphs), word-bounded;
   spelt in another case (``Gamestop`` for ``GameStop``) they count a little less;
3. the shape of a tag: a capitalised word, an acronym (``AI``, ``EVs``, ``COP26``, ``5G``,
   ``COVID-19``), optionally followed by more words (``Road safety``, ``Level 3``).

The line is split by dynamic programming into the cheapest sequence of pieces:

- a piece that is a known tag or that the story spells out costs 1 (1.5 in another case);
- a piece that only has a tag's shape costs 2.5, so two known acronyms beat one unknown one
  (``USEU`` → ``US``, ``EU``); an acronym costs 0.5 more for each letter past four
  (``NPHETCOVID-19`` → ``NPHET``, ``COVID-19``);
- anything else costs 2 plus 3 a character, so unrecognisable text is kept as one piece,
  never dropped, and never wins over pieces that make sense.

Pieces never start or end with a space. Time is linear in the line's length: pieces are at
most :data:`MAX_TAG_LENGTH` characters long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["DEFAULT_VOCABULARY", "MAX_TAG_LENGTH", "TagSplitter", "split_tags"]

MAX_TAG_LENGTH = 64
"""The longest single tag the splitter considers; longer runs become several pieces."""

_KNOWN_COST = 1.0
_KNOWN_OTHER_CASE_COST = 1.5
_SHAPE_COST = 2.5
_LONG_ACRONYM_STEP = 0.5  # each letter past four makes an acronym less likely to be one tag
_SHORT_ACRONYM = 5
_UNKNOWN_BASE = 2.0
_UNKNOWN_PER_CHAR = 3.0

_ONE_WORD = """
    AI AGI AR VR XR IT IoT ICT API APIs CEO CEOs CFO CTO COO GDP GPU GPUs CPU CPUs PC PCs EV EVs
    IPO IPOs ETF ETFs ESG LGBT LGBTQ LGBTQ+ NFT NFTs SaaS SMEs SME VC VCs M&A R&D HR PR
    US USA UK EU UN UAE USSR NATO ASEAN OPEC WHO WTO IMF ECB Fed NHS NASA FBI CIA NSA SEC FTC FDA
    CDC EPA DOJ IRS GOP BBC CNN AP AFP NPR BRICS OECD G7 G20 5G 4G 6G 3G COVID COVID-19 SARS-CoV-2
    HIV AIDS DNA RNA mRNA CO2 COP26 COP27 COP28 COP29 COP30 LNG EVs ChatGPT GPT GPT-4 LLM LLMs
    OpenAI DeepMind DeepSeek SoftBank YouTube iPhone iPad iPod iOS macOS iCloud eBay PayPal
    LinkedIn WhatsApp TikTok GitHub GitLab JavaScript TypeScript PlayStation PowerPoint
    BlackRock JPMorgan WeChat AstraZeneca BioNTech FedEx SpaceX WeWork McDonald's McKinsey
    MasterCard HarperCollins PricewaterhouseCoopers PwC KPMG EY BYD CATL TSMC ASML AMD IBM HP
    HSBC UBS BNP LVMH BMW VW NBA NFL MLB NHL FIFA UEFA IOC F1 MotoGP Web3 DeFi
    Bitcoin Ethereum Huawei Xiaomi Nvidia NVIDIA Airbnb Uber Lyft Netflix Spotify Tesla
    GameStop NetzDG DoorDash BlackBerry SoundCloud WordPress HubSpot DocuSign CrowdStrike
    SolarWinds OnlyFans StubHub GoPro JetBlue easyJet AirAsia IKEA H&M GlaxoSmithKline
    ExxonMobil ConocoPhillips MicroStrategy FaceTime AirPods MacBook iMac PowerShell VMware
    NetApp SAP ByteDance AliExpress NetEase SenseTime iFlytek OnePlus HarmonyOS ThinkPad
    McLaren BuzzFeed HuffPost YouGov PolitiFact CNBC MSNBC NYT WSJ FT IPCC UNHCR UNICEF NGO NGOs
    OpenSea FTX CoreWeave LinkedIn GitHub DevOps MLOps SQL NoSQL PostgreSQL MySQL MongoDB
    """
_SEVERAL_WORDS = (
    "Hong Kong",
    "New York",
    "New Zealand",
    "South Africa",
    "South Korea",
    "North Korea",
    "Saudi Arabia",
    "Climate change",
    "Artificial intelligence",
    "Supply chains",
    "Middle East",
    "Latin America",
    "Web 3.0",
)
DEFAULT_VOCABULARY: frozenset[str] = frozenset((*_ONE_WORD.split(), *_SEVERAL_WORDS))
"""Tags the splitter knows without being told: common acronyms and camel-case names."""

# A word of a tag: letters with optional inner hyphens, apostrophes, dots or ampersands.
_WORD_RE = re.compile(r"\w+(?:[-'’.&]\w+)*")
_PART_RE = re.compile(r"[-'’.&]")


def _is_capitalised(word: str) -> bool:
    """``Crime``, ``Börse``, ``Anna-Lena``, ``O'Neill``: upper then lower (by hyphen part)."""
    for part in re.split(r"[-'’]", word):
        if not part:
            return False
        if not (part[0].isupper() and (len(part) == 1 or part[1:].islower())):
            if part.isalpha() and part.islower():
                continue  # "Jean-de-la" style inner lower-case parts
            return False
        if not part.isalpha():
            return False
    return True


def _acronym_kind(word: str) -> int:
    """0 when ``word`` is no acronym, else its letter count (``AI``, ``EVs``, ``COP26``…)."""
    core = word[:-1] if len(word) > 2 and word.endswith("s") and word[-2].isupper() else word
    letters = sum(c.isalpha() for c in core)
    if not all(c.isupper() or c.isdigit() or c == "-" for c in core):
        return 0
    if core.startswith("-") or core.endswith("-") or "--" in core:
        return 0
    digits = len(core) - letters - core.count("-")
    if letters >= 2 or (letters == 1 and digits >= 1):  # AI, COP26, G7, 5G, B12
        return max(letters, 1)
    return 0


def _shape_cost(piece: str) -> float | None:
    """The cost of ``piece`` judged by its shape alone, or ``None`` if it has no tag's shape."""
    words = piece.split(" ")
    first = words[0]
    if _is_capitalised(first) and len(first) > 1:
        cost = _SHAPE_COST
    else:
        letters = _acronym_kind(first)
        if not letters:
            return None
        cost = _SHAPE_COST + _LONG_ACRONYM_STEP * max(0, letters - _SHORT_ACRONYM + 1)
    for word in words[1:]:
        if not word:
            return None
        if not (
            word.isdigit()
            or (word.isalpha() and word.islower())
            or _is_capitalised(word)
            or (word[0].isalpha() and 0 < _acronym_kind(word) <= _SHORT_ACRONYM)
        ):
            return None
    return cost


class _Evidence:
    """The words and phrases a story spells out, looked up lazily and cheaply."""

    __slots__ = ("_folded", "_text", "_words")

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None
        self._folded: set[str] | None = None

    def _word_set(self) -> set[str]:
        if self._words is None:
            found = _WORD_RE.findall(self._text)
            words = set(found)
            for word in found:  # "EU-Kommission" and "NPHET's" spell out "EU" and "NPHET"
                if not word.isalnum():
                    words.update(_PART_RE.split(word))
            self._words = words
        return self._words

    def cost(self, piece: str) -> float | None:
        """1 if the story spells ``piece`` out, 1.5 if only in another case, else None."""
        if not self._text:
            return None
        words = self._word_set()
        if " " not in piece:
            if piece in words:
                return _KNOWN_COST
            if self._folded is None:
                self._folded = {w.casefold() for w in words}
            return _KNOWN_OTHER_CASE_COST if piece.casefold() in self._folded else None
        if all(part in words for part in piece.split(" ")) and _occurs_as_word(self._text, piece):
            return _KNOWN_COST
        return None


def _occurs_as_word(text: str, piece: str) -> bool:
    """True when ``piece`` occurs in ``text`` not directly next to a letter or digit."""
    start = text.find(piece)
    while start != -1:
        end = start + len(piece)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = text.find(piece, start + 1)
    return False


class TagSplitter:
    """Splits tags lines, with a vocabulary you can extend.

    >>> splitter = TagSplitter()
    >>> splitter.split("AIEVsSemiconductorsSmartphones")
    ('AI', 'EVs', 'Semiconductors', 'Smartphones')
    >>> splitter.split("NegociosWalletHub", context="… según WalletHub …")
    ('Negocios', 'WalletHub')
    """

    def __init__(self, vocabulary: Iterable[str] = DEFAULT_VOCABULARY) -> None:
        self.vocabulary: set[str] = set(vocabulary)

    def add(self, *tags: str) -> None:
        """Teach the splitter tags it should keep whole."""
        self.vocabulary.update(tags)

    def learn(self, line: str) -> None:
        """Learn from a tags line: a line that reads as one tag is added to the vocabulary.

        Run over an archive first, this teaches tags such as ``Python 3`` that other stories
        run into their neighbours (``Python 3virtualenv``).
        """
        tags = self.split(line)
        if len(tags) == 1:
            self.vocabulary.add(tags[0])

    def split(self, line: str, context: str = "") -> tuple[str, ...]:
        """Split a run-together tags line.

        Args:
            line: The tags line, e.g. ``"AIEVsSemiconductorsSmartphones"``.
            context: The story's own text (title, headings, paragraphs): a piece that it
                spells out, word-bounded, counts as a known tag.

        Returns:
            The tags, in order. Every character of ``line`` except surrounding spaces is
            in exactly one tag; nothing is dropped.
        """
        line = line.strip()
        if not line:
            return ()
        evidence = _Evidence(context)
        vocabulary = self.vocabulary
        n = len(line)
        inf = float("inf")
        best: list[float] = [inf] * (n + 1)
        back: list[int] = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == inf or line[i] == " ":
                continue
            base = best[i]
            for j in range(i + 1, min(n, i + MAX_TAG_LENGTH) + 1):
                if line[j - 1] == " " or (j < n and line[j] == " "):
                    continue
                piece = line[i:j]
                if piece in vocabulary:
                    cost = _KNOWN_COST
                else:
                    cost = (
                        evidence.cost(piece)
                        or _shape_cost(piece)
                        or _UNKNOWN_BASE + _UNKNOWN_PER_CHAR * (j - i)
                    )
                if base + cost < best[j]:
                    best[j] = base + cost
                    back[j] = i
        if best[n] == inf:  # only when a run of spaces leaves no way through: keep it whole
            return (line,)
        pieces: list[str] = []
        j = n
        while j > 0:
            i = back[j]
            pieces.append(line[i:j])
            j = i
        pieces.reverse()
        return tuple(pieces)


_DEFAULT_SPLITTER = TagSplitter()


def split_tags(
    line: str, context: str = "", *, vocabulary: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Split a run-together tags line with the default vocabulary (plus ``vocabulary``).

    >>> split_tags("AIEVsSemiconductorsSmartphones")
    ('AI', 'EVs', 'Semiconductors', 'Smartphones')
    """
    splitter = _DEFAULT_SPLITTER
    if vocabulary is not None:
        splitter = TagSplitter(DEFAULT_VOCABULARY)
        splitter.add(*vocabulary)
    return splitter.split(line, context)
