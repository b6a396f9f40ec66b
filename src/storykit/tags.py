"""Splitting a run-together tags line (``AIEVsSemiconductorsSmartphones``) into tags.

A dump writes its tags with nothing between them, so case changes are the main clue:
``…sSemi…`` is a boundary. Case alone cannot split everything (``USEU``, ``WalletHub``,
``eMerge Americas``, ``Python 3virtualenv``), so the splitter also uses:

1. a vocabulary of known tags (a built-in list of acronyms and camel-case names, extensible
   by the caller and by :meth:`TagSplitter.learn` from tags lines that hold a single tag);
2. names the story itself spells out (its title, headings and paragraphs), word-bounded;
   camel-case names also in another case (``Gamestop`` supports ``GameStop``);
3. the shape of a tag: a capitalised word, an acronym (``AI``, ``EVs``, ``COP26``, ``5G``,
   ``COVID-19``), optionally followed by more words (``Road safety``, ``Level 3``).

The line is first cut where the case changes (``safety|Miami``, ``UK|Mental``,
``Level 3|NPHET``); then, piece by piece:

- a lower-case start of a known name moves a cut back (``WalletHube|Merge`` →
  ``WalletHub|eMerge`` when the story says ``eMerge``; ``Banki|Phone`` → ``Bank|iPhone``);
- a run of capitals is split where two known or well-shaped tags beat one long acronym
  (``AIEVs`` → ``AI``, ``EVs``; ``EUCOP26`` → ``EU``, ``COP26``); a known or evidenced part
  costs 1, a part that only has an acronym's shape 2.5, plus 0.5 for each letter past four;
- neighbours are joined when together they are a known name (``You|Tube``, ``Wallet|Hub``);
- a lower-case run is cut around known tags inside it (``virtualenvpip``).

No character is ever dropped: text that fits no rule stays a piece of its own. Each step is
local, so the time is linear in the line's length, and the story is searched (with
``str.find``) only for the few pieces where it can change the answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

__all__ = ["DEFAULT_VOCABULARY", "MAX_TAG_LENGTH", "TagSplitter", "split_tags"]

MAX_TAG_LENGTH = 64
"""The longest run of capitals the splitter tries to split; longer runs stay whole."""

_KNOWN_COST = 1.0
_SHAPE_COST = 2.5
_LONG_ACRONYM_STEP = 0.5  # each letter past four makes an acronym less likely to be one tag
_SHORT_ACRONYM = 5
_SHORT_HALF = 4  # a camel-case name's half this short is checked in another case too (Stop)
_MEMORY = 4096  # how many recent tags lines' splits are kept for reuse
_LONG_NAME = 20  # longer joins of two pieces are not looked up in the story

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


class _Classes(dict[int, str]):
    """Maps a character's code point to its class, for ``str.translate``; fills itself lazily.

    ``U`` upper-case letter, ``s`` the letter s, ``l`` other lower-case letter, ``C`` letter
    without case (CJK…), ``d`` digit, ``_`` space, ``o`` anything else.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char == "s":
            cls = "s"
        elif char.isupper():
            cls = "U"
        elif char.islower():
            cls = "l"
        elif char.isalpha():
            cls = "C"
        elif char.isdigit():
            cls = "d"
        elif char == " ":
            cls = "_"
        else:
            cls = "o"
        self[code] = cls
        return cls


_CLASSES = _Classes()

# Where a new tag may start, by the classes around the position (each match is the one
# character before the boundary, which is faster than a look-behind at every position):
# lower→Upper or lower→digit (safety|Miami, Japan|5G), an acronym before a capitalised word
# (UK|Mental, but not the plural EV|s), a digit before a letter (Level 3|NPHET), and a
# change between letters with and without case.
_BOUNDARY_RE = re.compile(  # a boundary is where each match ends
    r"[ls](?=[Ud])|U(?=U(?:l|s[ls]))|d(?=[Uls])|C(?=[Uls])|[Uls](?=C)"
)
_WORD = r"U[ls]+(?:o[Uls][ls]*)*"
_ACRONYM = r"[Ud]*U[Ud]*(?:o[Ud]+)*s?"
_ACRONYM_RUN_RE = re.compile(_ACRONYM)
_NEXT = rf"_(?:[ls]+|{_WORD}|d+(?:od+)?|U[Ud]{{0,4}}|C+)"
_WORD_SHAPE_RE = re.compile(rf"(?:{_WORD}|C+)(?:{_NEXT})*")
_ACRONYM_SHAPE_RE = re.compile(rf"{_ACRONYM}(?:{_NEXT})*")


def _acronym_cost(sig: str, i: int, j: int) -> float:
    """The cost of ``line[i:j]`` as an acronym by its shape alone (``inf`` if it is none)."""
    if not _ACRONYM_SHAPE_RE.fullmatch(sig, i, j):
        return float("inf")
    letters = sig.count("U", i, j)
    if letters >= 2 or (letters == 1 and sig.find("d", i, j) != -1):
        return _SHAPE_COST + _LONG_ACRONYM_STEP * max(0, letters - _SHORT_ACRONYM + 1)
    return float("inf")


class _Story:
    """The story's own text, searched with ``str.find`` only when a piece needs it.

    Every question asked and its answer are logged: the split of a tags line depends only on
    the line, the vocabulary and these answers, so a split can be reused for another story
    that answers the same questions the same way.
    """

    __slots__ = ("_stop", "_text", "log")

    def __init__(self, text: str, stop: int) -> None:
        self._text = text
        self._stop = stop
        self.log: list[tuple[bool, str, bool]] = []  # (word-bounded?, probe, answer)

    def has(self, probe: str) -> bool:
        """Whether the story contains ``probe`` anywhere."""
        answer = bool(self._text) and self._text.find(probe, 0, self._stop) != -1
        self.log.append((False, probe, answer))
        return answer

    def spells(self, piece: str) -> bool:
        """Whether the story contains ``piece`` not directly next to a letter or digit."""
        answer = bool(self._text) and _occurs(self._text, piece, self._stop)
        self.log.append((True, piece, answer))
        return answer

    def spells_in_lower_case(self, piece: str) -> bool:
        """As :meth:`spells`, for ``GameStop`` spelt ``Gamestop`` or ``gamestop``."""
        lower = piece.lower()
        return self.spells(piece[0] + lower[1:]) or self.spells(lower)

    def agrees(self, log: tuple[tuple[bool, str, bool], ...]) -> bool:
        """Whether this story answers every question of ``log`` as it was answered."""
        text, stop = self._text, self._stop
        for bounded, probe, answer in log:
            if bounded:
                found = bool(text) and _occurs(text, probe, stop)
            else:
                found = bool(text) and text.find(probe, 0, stop) != -1
            if found != answer:
                return False
        return True


def _occurs(text: str, piece: str, end: int) -> bool:
    start = text.find(piece, 0, end)
    while start != -1:
        stop = start + len(piece)
        if (start == 0 or not text[start - 1].isalnum()) and (
            stop >= len(text) or not text[stop].isalnum()
        ):
            return True
        start = text.find(piece, start + 1, end)
    return False


class TagSplitter:
    """Splits tags lines, with a vocabulary you can extend.

    Examples:
        >>> splitter = TagSplitter()
        >>> splitter.split("AIEVsSemiconductorsSmartphones")
        ('AI', 'EVs', 'Semiconductors', 'Smartphones')
        >>> splitter.split("NegociosWalletHub", context="… según WalletHub …")
        ('Negocios', 'WalletHub')
    """

    def __init__(self, vocabulary: Iterable[str] = DEFAULT_VOCABULARY) -> None:
        self._vocabulary: set[str] = set()
        self._lower_first: dict[str, list[str]] = {}  # "iP" → ["iPhone", "iPad"…]
        self._lower_pairs: set[str] = set()  # "iP", "cO": the letters around such a cut
        self._lowercase: dict[str, list[str]] = {}  # "vi" → ["virtualenv"]: all-lower tags
        # Recent splits: line → (the questions asked of the story and their answers, tags).
        self._splits: dict[str, tuple[tuple[tuple[bool, str, bool], ...], tuple[str, ...]]] = {}
        self.add(*vocabulary)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The tags the splitter keeps whole (add to it with :meth:`add`)."""
        return frozenset(self._vocabulary)

    def add(self, *tags: str) -> None:
        """Teach the splitter tags it should keep whole."""
        for raw in tags:
            tag = raw.strip()
            if not tag or tag in self._vocabulary:
                continue
            self._splits.clear()  # a new tag may change any split
            self._vocabulary.add(tag)
            if tag[0].islower():
                upper = next((k for k, c in enumerate(tag) if c.isupper()), None)
                if upper is None:
                    self._lowercase.setdefault(tag[:2], []).append(tag)
                else:
                    self._lower_first.setdefault(tag[: upper + 1], []).append(tag)
                    self._lower_pairs.add(tag[upper - 1 : upper + 1])

    def learn(self, line: str) -> None:
        """Learn from a tags line: a line that reads as one tag is added to the vocabulary.

        Run over an archive first, this teaches tags such as ``virtualenv`` that other
        stories run into their neighbours (``virtualenvpip``).
        """
        tags = self.split(line)
        if len(tags) == 1:
            self.add(tags[0])

    def split(self, line: str, context: str = "", *, end: int | None = None) -> tuple[str, ...]:
        """Split a run-together tags line.

        Args:
            line: The tags line, e.g. ``"AIEVsSemiconductorsSmartphones"``.
            context: The story's own text: a name it spells out, word-bounded, counts as a
                known tag.
            end: Only ``context[:end]`` counts (so a caller can pass a whole dump and stop
                before its tags line); default: all of it.

        Returns:
            The tags, in order. Every character of ``line`` except the spaces between tags
            is in exactly one tag; nothing is dropped.
        """
        line = line.strip()
        if not line:
            return ()
        if line in self._vocabulary:
            return (line,)
        story = _Story(context, len(context) if end is None else end)
        known = self._splits.get(line)
        if known is not None and story.agrees(known[0]):
            return known[1]
        tags = self._split(line, story)
        if len(self._splits) >= _MEMORY:
            del self._splits[next(iter(self._splits))]  # the oldest
        self._splits[line] = (tuple(story.log), tags)
        return tags

    def _split(self, line: str, story: _Story) -> tuple[str, ...]:
        sig = line.translate(_CLASSES)
        cuts = self._cuts(line, sig, story)
        pieces: list[tuple[int, int]] = []
        vocabulary = self._vocabulary
        for i, j in itertools.pairwise(cuts):
            if line[i:j] in vocabulary or _WORD_SHAPE_RE.fullmatch(sig, i, j):
                pieces.append((i, j))
            else:
                pieces.extend(self._split_piece(line, sig, i, j, story))
        return tuple(line[i:j] for i, j in self._join(line, sig, pieces, story))

    def _cuts(self, line: str, sig: str, story: _Story) -> list[int]:
        """Cut where the case changes; move a cut back before a known lower-case start."""
        cuts = [0]
        lower_pairs = self._lower_pairs
        for match in _BOUNDARY_RE.finditer(sig):
            p = match.end()
            before = sig[p - 1]
            if before == "d" and not (sig[p] == "U" and sig[p + 1 : p + 2] in ("l", "s")):
                # A digit run ends a tag before a capitalised word (COP26|Glasgow), or after
                # "Level 3" or "COVID-19"; not inside "5GG7".
                q = p - 1
                while q > 0 and sig[q - 1] == "d":
                    q -= 1
                if q == 0 or sig[q - 1] not in "_o":
                    continue
            elif (
                before in "ls"
                and sig[p] == "U"
                and (p - cuts[-1] <= _SHORT_HALF or line[p - 1 : p + 1] in lower_pairs)
            ):
                p = self._lower_start(line, sig, cuts[-1], p, story)
            cuts.append(p)
        cuts.append(len(line))
        return cuts

    def _lower_start(self, line: str, sig: str, start: int, p: int, story: _Story) -> int:
        """``p`` or an earlier cut when a known name starts with the letters before ``p``."""
        short = p - start <= _SHORT_HALF  # "Hube" in "WalletHube|Merge" is short
        lower_first = self._lower_first
        for q in (p - 1, p - 2, p - 3):
            if q <= start + 1 or sig[q] not in "ls" or sig[q - 1] not in "ls":
                break
            probe = line[q : p + 1]
            candidates = lower_first.get(probe)
            if candidates:
                for known in candidates:
                    if line.startswith(known, q):
                        return q
            if short and q >= p - 2 and story.has(probe):
                word_end = p
                while word_end < len(sig) and sig[word_end] in "Uls":
                    word_end += 1
                if story.spells(line[q:word_end]):
                    return q
        return p

    def _split_piece(
        self, line: str, sig: str, i: int, j: int, story: _Story
    ) -> list[tuple[int, int]]:
        """Split a run of capitals (``AIEVs``) or cut known tags out of a lower-case run."""
        if sig[i] in "Ud" and j - i <= MAX_TAG_LENGTH and _ACRONYM_RUN_RE.fullmatch(sig, i, j):
            return self._split_acronyms(line, sig, i, j, story)
        if sig[i] in "ls":
            return self._split_lowercase(line, sig, i, j)
        return [(i, j)]

    def _split_acronyms(
        self, line: str, sig: str, i: int, j: int, story: _Story
    ) -> list[tuple[int, int]]:
        """Keep a run of capitals whole, or split it in two where both parts are better."""
        whole = line[i:j]
        if story.spells(whole):
            return [(i, j)]
        best_cost, best = _acronym_cost(sig, i, j), [(i, j)]
        # Shape and vocabulary first; ask the story only where it could still win.
        splits = []
        for p in range(i + 1, j):
            left, right = line[i:p], line[p:j]
            cost_left = _KNOWN_COST if left in self._vocabulary else _acronym_cost(sig, i, p)
            cost_right = _KNOWN_COST if right in self._vocabulary else _acronym_cost(sig, p, j)
            if cost_left == float("inf") or cost_right == float("inf"):
                continue
            splits.append((cost_left + cost_right, p, cost_left, cost_right))
        splits.sort()
        for total, p, shape_left, shape_right in splits:
            if best_cost <= 2 * _KNOWN_COST:
                break  # two known parts: nothing can do better
            if total < best_cost:
                best_cost, best = total, [(i, p), (p, j)]
            cost_left = (
                _KNOWN_COST if shape_left > _KNOWN_COST and story.spells(line[i:p]) else shape_left
            )
            cost_right = (
                _KNOWN_COST
                if shape_right > _KNOWN_COST and story.spells(line[p:j])
                else shape_right
            )
            if cost_left + cost_right < best_cost:
                best_cost, best = cost_left + cost_right, [(i, p), (p, j)]
        return best

    def _split_lowercase(self, line: str, sig: str, i: int, j: int) -> list[tuple[int, int]]:
        """Cut known all-lower-case tags (``virtualenv``, ``pip``) out of a lower-case run."""
        out: list[tuple[int, int]] = []
        start = p = i
        while p < j:
            match = next(
                (t for t in self._lowercase.get(line[p : p + 2], ()) if line.startswith(t, p)),
                None,
            )
            if match is None or p + len(match) > j:
                p += 1
                continue
            if p > start:
                out.append((start, p))
            out.append((p, p + len(match)))
            start = p = p + len(match)
        if start < j:
            out.append((start, j))
        return out

    def _join(
        self, line: str, sig: str, pieces: list[tuple[int, int]], story: _Story
    ) -> list[tuple[int, int]]:
        """Join neighbours that together make a known camel-case name (You|Tube)."""
        out: list[tuple[int, int]] = []
        for i, j in pieces:
            if out:
                pi, pj = out[-1]
                if (
                    " " not in line[pi:j]
                    and sig[pj - 1] != "o"
                    and self._joins(line, sig, (pi, pj, j), story)
                ):
                    out[-1] = (pi, j)
                    continue
            out.append((i, j))
        return out

    def _joins(self, line: str, sig: str, cut: tuple[int, int, int], story: _Story) -> bool:
        i, p, j = cut
        merged = line[i:j]
        if merged in self._vocabulary:
            return True
        if j - i > _LONG_NAME or (p - i > _SHORT_HALF and j - p > _SHORT_HALF + 1):
            return False  # camel-case names are short, with a short half: Wallet|Hub, Mc|Kinsey
        left_known = line[i:p] in self._vocabulary
        if left_known and line[p:j] in self._vocabulary:
            return False  # two known tags side by side stay two (US|EU)
        if story.spells(merged):
            return True
        return (
            j - p <= _SHORT_HALF
            and sig[i] == "U"
            and not left_known
            and story.spells_in_lower_case(merged)
        )


_DEFAULT_SPLITTER = TagSplitter()


def split_tags(
    line: str, context: str = "", *, vocabulary: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Split a run-together tags line with the default vocabulary (plus ``vocabulary``).

    Examples:
        >>> split_tags("AIEVsSemiconductorsSmartphones")
        ('AI', 'EVs', 'Semiconductors', 'Smartphones')
    """
    splitter = _DEFAULT_SPLITTER
    if vocabulary is not None:
        splitter = TagSplitter(DEFAULT_VOCABULARY)
        splitter.add(*vocabulary)
    return splitter.split(line, context)
