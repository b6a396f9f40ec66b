"""Splitting a run-together tags line (``AIEVsSemiconductorsSmartphones``) into tags.

A dump writes its tags with nothing between them, so case changes are the main clue:
``…sSemi…`` is a boundary. Case alone cannot split everything (``USEU``, ``WalletHub``,
``eMerge Americas``, ``Python 3virtualenv``), so the splitter also uses:

1. a vocabulary of known tags: about a thousand well-known acronyms and names whose case
   the rules cannot guess (``DreamWorks``, ``iPhone``, ``AfD``, ``NHTSA``), kept as data in
   ``tags_vocabulary.txt`` and read on first use; extensible by the caller and by
   :meth:`TagSplitter.learn` from tags lines that hold a single tag;
2. names the story itself spells out (its title, headings and paragraphs), word-bounded;
   camel-case names also in another case (``Gamestop`` supports ``GameStop``);
3. the shape of a tag: a capitalised word, an acronym (``AI``, ``EVs``, ``COP26``, ``5G``,
   ``COVID-19``), optionally followed by more words (``Road safety``, ``Level 3``).

The line is first cut where the case changes (``safety|Miami``, ``UK|Mental``,
``Level 3|NPHET``); then:

- a known name with a case change inside is cut around wherever it sits, and not inside
  (``DreamWorks``, ``UK|iPhone``, ``US|AfD|Germany``, ``NIO|XPeng``);
- a lower-case start of a name moves a cut back (``WalletHube|Merge`` →
  ``WalletHub|eMerge`` when the story says ``eMerge``; ``Banki|Phone`` → ``Bank|iPhone``);
  one lower-case letter after an acronym starts a name (``US|iWidget``);
- a run of capitals is split where known or well-shaped tags beat one long acronym
  (``AIEVs`` → ``AI``, ``EVs``; ``EUCOP26`` → ``EU``, ``COP26`` when the story says
  ``COP26``); a known or evidenced part costs 1, a part that only has an acronym's shape
  2.5, plus 0.5 for each letter past four; a known tag that ends the run costs 0.9, so it
  is a cut point (``ISRO|AI``, ``ACLU|US``, ``NHTSA|EVs``) where one at the start is not
  (``UNITED``, ``USDA``); digits end a code before two capitals (``A380|COVID-19``);
- neighbours are joined when together they are a known name (``You|Tube``), when the first
  is a two-letter piece (``Mc|Kinsey``, ``De|Santis``: two letters are almost never a tag
  of their own), or when the story spells the joined name and one half is short (four
  letters or fewer: ``Wallet|Hub``); two longer halves stay two (``Crime|Miami``);
- a lower-case run is cut around known tags inside it (``virtualenvpip``).

No character is ever dropped: text that fits no rule stays a piece of its own. Each step is
local, so the time is linear in the line's length. When every case-boundary piece is a
known or well-shaped tag and no word is short (the common case) the story is not consulted
at all; otherwise it is asked about the few pieces where it can change the answer: with
``str.find`` while that stays cheap (a fixed budget of characters per story), then from an
index of its words built in one pass, so no story costs more than one pass over its text,
whatever the line.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

__all__ = ["DEFAULT_VOCABULARY", "MAX_TAG_LENGTH", "TagSplitter", "split_tags"]

MAX_TAG_LENGTH = 64
"""The longest run of capitals the splitter tries to split; longer runs stay whole."""

_KNOWN_COST = 1.0
_SUFFIX_BONUS = 0.1  # a known tag ending a run of capitals is a cut point (ISRO|AI, ACLU|US)
_SHAPE_COST = 2.5
_LONG_ACRONYM_STEP = 0.5  # each letter past four makes an acronym less likely to be one tag
_SHORT_ACRONYM = 5
_SHORT_HALF = 4  # a camel-case name's half this short is checked in another case too (Stop)
_MEMORY = 4096  # how many recent tags lines' splits are kept for reuse
_LONG_NAME = 20  # longer joins of two pieces are not looked up in the story
_FIND_BUDGET = 1 << 16  # characters str.find may scan per story before the text is indexed
_WINDOW = 4  # the longest run of words joined by punctuation (SARS-CoV-2) the index holds
_LONG_COMPOUND = 32  # punctuation-joined runs of more words than this are indexed word by word

_VOCABULARY_FILE = "tags_vocabulary.txt"

if TYPE_CHECKING:
    DEFAULT_VOCABULARY: frozenset[str]
    """Tags the splitter knows without being told: common acronyms and camel-case names.

    Read (once, on first use) from the data file ``storykit/tags_vocabulary.txt``.
    """


@functools.cache
def _default_vocabulary() -> frozenset[str]:
    text = importlib.resources.files("storykit").joinpath(_VOCABULARY_FILE).read_text("utf-8")
    return frozenset(
        tag for line in text.splitlines() if (tag := line.strip()) and not tag.startswith("#")
    )


def __getattr__(name: str) -> object:
    if name == "DEFAULT_VOCABULARY":
        return _default_vocabulary()
    if name == "_DEFAULT_SPLITTER":
        return _default_splitter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
# The same classes for ASCII, as a table for bytes.translate: a tags line is most often ASCII,
# and the bytes table is about four times faster than a dict per character.
_ASCII_CLASSES = bytes(ord(_CLASSES[code]) for code in range(128)) + b"o" * 128


def _signature(text: str) -> str:
    """The class of each character of ``text`` (see :class:`_Classes`), as a string."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASSES).decode("ascii")
    return text.translate(_CLASSES)


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
_LETTERS_RE = re.compile("[Uls]*")
_NEXT = rf"_(?:[ls]+|{_WORD}|d+(?:od+)?|U[Ud]{{0,4}}|C+)"
_WORD_SHAPE_RE = re.compile(rf"(?:{_WORD}|C+)(?:{_NEXT})*")
_ACRONYM_SHAPE_RE = re.compile(rf"{_ACRONYM}(?:{_NEXT})*")

# The fast path (TagSplitter._fast_split) tokenizes a common line so that each token starts
# exactly where _BOUNDARY_RE and _cuts put a cut, and nowhere else:
# - a capitalised word, maybe more words after single spaces and a number ("Road safety",
#   "Level 3"): after a lower-case letter or a space and digits, a capital is a cut;
# - a run of capitals before a capitalised word ends before its last capital (UK|Mental);
#   one ending in "s" (EVs) ends there; the possessive "U++" keeps it from giving capitals
#   back (which would cut "ABCs news" where no rule does);
# - a code: capitals and digits, maybe joined by punctuation ("COVID-19", "COP26", "G7");
#   digits end a code before a capital only after punctuation (COVID-19|NPHET) or before a
#   capitalised word (COP26|Glasgow; "COP26UAE" is one piece).
_FAST_TOKEN_RE = re.compile(
    r"U[ls]+(?:_U?[ls]+)*(?:_d+)?"
    r"|UU+?(?=U(?:l|s[ls]))|UU++s?(?=U|$)"
    r"|U++od++(?=U|$)|U++d++(?=U[ls]|$)"
)

# The story's words: runs of letters and digits, joined by punctuation (COVID-19, S&P).
_ALNUM_RE = re.compile(r"[^\W_]+")
_COMPOUND_RE = re.compile(r"[^\W_]+(?:(?:[^\w\s]|_)+[^\W_]+)*")


def _acronym_cost(sig: str, i: int, j: int) -> float:
    """The cost of ``line[i:j]`` as an acronym by its shape alone (``inf`` if it is none)."""
    if not _ACRONYM_SHAPE_RE.fullmatch(sig, i, j):
        return float("inf")
    letters = sig.count("U", i, j)
    if letters >= 2 or (letters == 1 and sig.find("d", i, j) != -1):
        return _SHAPE_COST + _LONG_ACRONYM_STEP * max(0, letters - _SHORT_ACRONYM + 1)
    return float("inf")


_INF = float("inf")


def _digits_end(sig: str, i: int, j: int) -> int:
    """Where digits end a code in ``sig[i:j]`` before two capitals; ``-1``: nowhere.

    A capital must come before the digits: ``A380|COVID-19``, ``COP28|UAE``, not ``H5N1``.
    """
    k = sig.find("dUU", i + 1, j)
    while k != -1 and sig.find("U", i, k) == -1:
        k = sig.find("dUU", k + 1, j)
    return k if k == -1 else k + 1


class _ShapeCosts(dict[str, float]):
    """:func:`_acronym_cost` by the classes of a part alone (``sig[i:j]``).

    Each shape is worked out once, as :data:`_CLASSES` fills itself. Shapes are few (``UUU``,
    ``UUUod``…); the table is emptied should it ever hold ``_MEMORY`` of them.
    """

    def __missing__(self, shape: str) -> float:
        if len(self) >= _MEMORY:
            self.clear()
        cost = self[shape] = _acronym_cost(shape, 0, len(shape))
        return cost


_SHAPE_COSTS = _ShapeCosts()


class _Story:
    """The story's own text, asked whether it spells out a name.

    The first questions are answered with ``str.find`` while that stays cheap (at most
    ``_FIND_BUDGET`` characters scanned per story, so a short story costs a few C-level
    searches); after that, or at once for a long story, the text's words are indexed in one
    pass and every question is a set lookup. Either way a story costs at most one pass over
    its text plus a constant, whatever the tags line asks.

    Every question asked and its answer are logged: the split of a tags line depends only on
    the line, the vocabulary and these answers, so a split can be reused for another story
    that answers the same questions the same way.
    """

    __slots__ = ("_answers", "_budget", "_stop", "_text", "_windows", "_words", "absent", "log")

    def __init__(self, text: str, stop: int) -> None:
        self._text = text
        self._stop = min(stop, len(text))
        self._budget = _FIND_BUDGET
        self._words: set[str] | None = None
        self._windows: set[str] = set()
        self._answers: dict[str, bool] = {}
        self.absent: set[str] = set()  # probes the text does not hold even inside a word
        self.log: list[tuple[str, bool]] = []  # (probe, answer)

    def spells(self, piece: str) -> bool:
        """Whether the story contains ``piece`` not directly next to a letter or digit."""
        answer = self._answers.get(piece)
        if answer is None:
            stop = self._stop
            if self._words is None and stop <= self._budget and piece:
                # The common case inlined: a short story that does not hold the piece.
                start = self._text.find(piece, 0, stop)
                if start == -1:
                    self._budget -= stop
                    self.absent.add(piece)
                    answer = False
                else:
                    answer = self._bounded(piece, start)
            else:
                answer = self._answer(piece)
            self._answers[piece] = answer
        self.log.append((piece, answer))
        return answer

    def spells_in_lower_case(self, piece: str) -> bool:
        """As :meth:`spells`, for ``GameStop`` spelt ``Gamestop`` or ``gamestop``."""
        lower = piece.lower()
        return self.spells(piece[0] + lower[1:]) or self.spells(lower)

    def agrees(self, log: tuple[tuple[str, bool], ...]) -> bool:
        """Whether this story answers every question of ``log`` as it was answered."""
        return all(self._answer(probe) == answer for probe, answer in log)

    def _answer(self, piece: str) -> bool:
        if not piece or not self._stop:
            return False
        if self._words is None:
            found = self._find(piece)
            if found is not None:
                return found
            self._index()
            assert self._words is not None
        if piece.isalnum():
            return piece in self._words
        return piece in self._windows

    def _find(self, piece: str) -> bool | None:
        """Search with ``str.find`` within the budget; ``None`` when it would overrun it."""
        stop = self._stop
        if stop > self._budget:
            return None
        start = self._text.find(piece, 0, stop)
        if start == -1:
            self._budget -= stop
            return False
        return self._bounded(piece, start)

    def _bounded(self, piece: str, start: int) -> bool:
        """Whether ``piece``, found at ``start``, occurs word-bounded there or later."""
        text, stop = self._text, self._stop
        self._budget -= start + len(piece)
        while True:
            end = start + len(piece)
            if (start == 0 or not text[start - 1].isalnum()) and (
                end >= stop or not text[end].isalnum()
            ):
                return True
            pos = start + 1
            if stop - pos > self._budget:
                self._index()
                return self._answer(piece)
            start = text.find(piece, pos, stop)
            if start == -1:
                self._budget -= stop - pos
                return False
            self._budget -= start + len(piece) - pos

    def _index(self) -> None:
        """Index the words of the text, in one pass: a C-level split at white space."""
        text, stop = self._text, self._stop
        words: set[str] = set()
        windows = self._windows
        for token in set(text.split() if stop == len(text) else text[:stop].split()):
            if token.isalnum():
                words.add(token)
                continue
            for compound in _COMPOUND_RE.findall(token):  # "(COVID-19)," → "COVID-19"
                if compound.isalnum():
                    words.add(compound)
                    continue
                spans = [m.span() for m in _ALNUM_RE.finditer(compound)]
                words.update(compound[a:b] for a, b in spans)
                if len(spans) > _LONG_COMPOUND:
                    continue
                for k, (a, _) in enumerate(spans):
                    for _, b in spans[k + 1 : k + _WINDOW]:
                        windows.add(compound[a:b])
        self._words = words


class TagSplitter:
    """Splits tags lines, with a vocabulary you can extend.

    Examples:
        >>> splitter = TagSplitter()
        >>> splitter.split("AIEVsSemiconductorsSmartphones")
        ('AI', 'EVs', 'Semiconductors', 'Smartphones')
        >>> splitter.split("NegociosWalletHub", context="… según WalletHub …")
        ('Negocios', 'WalletHub')
    """

    def __init__(self, vocabulary: Iterable[str] | None = None) -> None:
        """Make a splitter.

        Args:
            vocabulary: The tags to keep whole; default: :data:`DEFAULT_VOCABULARY`.
        """
        self._vocabulary: set[str] = set()
        self._lower_first: dict[str, list[str]] = {}  # "iP" → ["iPhone", "iPad"…]
        self._lower_pairs: set[str] = set()  # "iP", "cO": the letters around such a cut
        self._lowercase: dict[str, list[str]] = {}  # "vi" → ["virtualenv"]: all-lower tags
        # Known names with a case change inside, by the three letters around it (two when
        # the name ends there): "mWo" → [("DreamWorks", 5)], "iPh" → [("iPhone", 1)…],
        # "fD" → [("AfD", 2)].
        self._inner: dict[str, list[tuple[str, int]]] = {}
        self._inner_pairs: set[str] = set()  # the first two letters of those keys
        # Recent splits: line → (the questions asked of the story and their answers, tags).
        self._splits: dict[str, tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]] = {}
        if vocabulary is not None:
            self.add(*vocabulary)
            return
        default = _default_splitter()  # copy its tables rather than build them again
        self._vocabulary = set(default._vocabulary)
        self._lower_first = {k: list(v) for k, v in default._lower_first.items()}
        self._lower_pairs = set(default._lower_pairs)
        self._lowercase = {k: list(v) for k, v in default._lowercase.items()}
        self._inner = {k: list(v) for k, v in default._inner.items()}
        self._inner_pairs = set(default._inner_pairs)

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
            if " " not in tag:
                for match in _BOUNDARY_RE.finditer(_signature(tag)):
                    k = match.end()
                    self._inner.setdefault(tag[k - 1 : k + 2], []).append((tag, k))
                    self._inner_pairs.add(tag[k - 1 : k + 1])

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
        return self._split_line(line, context, end)

    def _split_line(
        self, line: str, context: str | Callable[[], str], end: int | None = None
    ) -> tuple[str, ...]:
        """:meth:`split`; ``context`` may be a function that makes the story's text.

        The text is then made only when a rule asks the story: most lines need no evidence.
        """
        line = line.strip()
        if not line:
            return ()
        if line in self._vocabulary:
            return (line,)
        known = self._splits.get(line)
        if known is not None and not known[0]:
            return known[1]  # split without a question to the story
        sig = _signature(line)
        made: list[_Story] = []

        def story_of_context() -> _Story:
            """The story, made on first use (from the text, made then too)."""
            if not made:
                text = context if isinstance(context, str) else context()
                made.append(_Story(text, len(text) if end is None else end))
            return made[0]

        if known is None:  # (a split that asked the story is no fast path's)
            tags = self._fast_split(line, sig, story_of_context)
            if tags is not None:
                self._remember(line, tuple(made[0].log) if made else (), tags)
                return tags
        story = story_of_context()
        if known is not None and story.agrees(known[0]):
            return known[1]
        tags = self._split(line, sig, story)
        self._remember(line, tuple(story.log), tags)
        return tags

    def _remember(
        self, line: str, log: tuple[tuple[str, bool], ...], tags: tuple[str, ...]
    ) -> None:
        """Keep a recent split, with the questions asked of the story and their answers."""
        if len(self._splits) >= _MEMORY:
            # Forget the older half at once: deleting the oldest one at a time makes every
            # next(iter(…)) step over the entries deleted before it (3 µs a line at 4096).
            self._splits = dict(itertools.islice(self._splits.items(), _MEMORY // 2, None))
        self._splits[line] = (log, tags)

    def _fast_split(  # noqa: PLR0915 - one pass over the tokens, in order
        self, line: str, sig: str, story: Callable[[], _Story] | None = None
    ) -> tuple[str, ...] | None:
        """The split of the common line, where no rule needs the story; else ``None``.

        The line must be made of capitalised words (``Crime``, ``Road safety``), known runs
        of capitals and codes (``UK``, ``EVs``, ``COVID-19``), every word but the last
        longer than four letters (see ``story`` below): then :meth:`_split` cuts at each
        case change and nowhere else, whatever the story says. Each condition below is
        where :meth:`_split` would do more:

        - a known name with a case change inside (``DreamWorks``: the letters around a
          boundary are an inner pair) that is not two whole tokens, or a known lower-case
          start (``eMerge``) at a boundary; a name of two tokens is one piece, as the rules
          keep it (``GameStop``);
        - a short word before a boundary (``Art|France``: its last letters may start a
          name the story spells; ``Mc|Kinsey``: two letters are joined to what follows);
        - a run of capitals that is neither a known tag nor two, without ``story`` (the
          rules split it on the evidence; with ``story`` it is split here as they split it);
        - two neighbours that together are a known name, or short neighbours the story
          might spell as one name (``Wallet|Hub``).

        Given ``story`` (a function that gives the story), the rules for a short word are
        applied here as :meth:`_split` applies them, asking the story the same questions
        once the line has passed every rule that needs none; the line is declined only when
        an answer moves a cut or joins two tokens.
        ``tests/internals/test_internal_tags_fast.py`` compares this with :meth:`_split` for
        stories that spell nothing, everything and some text.
        """
        tokens = _FAST_TOKEN_RE.findall(sig)
        if sum(map(len, tokens)) != len(sig):
            return None  # something else: a lone capital, lower-case starts, CJK…
        vocabulary = self._vocabulary
        inner = self._inner
        inner_pairs = self._inner_pairs
        lower_pairs = self._lower_pairs
        # The story's questions wait until the whole line has passed the rules that need
        # none: a line the rules must take (a known name inside a longer piece, say) is
        # declined before the story is asked anything.
        moves: list[tuple[int, int]] = []  # a cut after a word that the story may move back
        joins: list[tuple[str, int, int]] = []  # a word and what follows, which it may join
        unknown: list[int] = []  # where in ``out`` a run of capitals is split on the evidence
        out: list[str] = []
        i = 0
        word_before = False  # the previous token ends in a lower-case letter
        after_word = False  # so did the token before it
        split = False  # the previous token was a run of capitals cut in two
        for token in tokens:
            j = i + len(token)
            piece = line[i:j]
            word = token[1] in "ls"  # else a run of capitals or a code
            second = None
            if word:
                if j - i == 2 and line[i + 1] == "i" and out and not word_before:
                    return None  # _cuts: an acronym before a name such as iPhone (USA|iUS)
                if out and sig[i - 1] == "d" and self._known_name_at(line, sig, i + 1):
                    return None  # _cuts: a code before a name such as eSIM (G7M|eSIM)
            elif piece not in vocabulary:
                cut = self._two_known(piece, token)
                if cut is not None:
                    piece, second = piece[:cut], piece[cut:]
                elif story is None:
                    return None  # an unknown run of capitals or code: OGMCIRC, A380G7
                else:
                    second = ""  # split on the evidence once the rest has passed (below)
            if out:
                pair = line[i - 1 : i + 1]
                candidates = pair in inner_pairs and (
                    inner.get(line[i - 1 : i + 2]) or inner.get(pair)
                )
                if candidates and (name := list(self._names_at(line, sig, i, candidates))):
                    # A known name across the cut (GameStop, TikTok): when it is the two
                    # whole tokens around it, it is one piece, as _keep_names_whole makes
                    # it (the rules' questions inside it move no cut out of it); any other
                    # name is left to the rules. The rules ask whether the word before it
                    # joins the whole name, not its first token: asked so.
                    start = i - len(out[-1])
                    if name != [(start, j)] or second is not None or split:
                        return None
                    out[-1] += piece
                    if after_word:
                        if joins and joins[-1][1] == start:  # (about its first token)
                            joins.pop()
                        joins.append((out[-2], start, j))
                    word_before = True  # (_joins may join it onwards: ask as after a word)
                    i = j
                    continue
                if word_before:  # (every rule below is for a cut after a word)
                    previous = out[-1]
                    short = len(previous) <= _SHORT_HALF
                    if short or pair in lower_pairs:
                        moves.append((i - len(previous), i))
                    if (short or (word and j - i <= _SHORT_HALF)) and second != "":
                        joins.append((previous, i, i + len(piece)))
            if second == "":
                unknown.append(len(out))
            out.append(piece)
            after_word = word_before
            split = second is not None
            if second:
                out.append(second)  # known tags side by side stay apart (US|EU)
            word_before = word and token[-1] != "d"
            i = j
        for span in moves:
            if self._may_move(line, sig, span, story):
                return None
        for previous, k, end in joins:
            if self._may_join(line, sig, previous, (k, end), story):
                return None
        if unknown:
            assert story is not None
            return self._split_unknown(line, sig, out, unknown, story())
        return tuple(out)

    def _split_unknown(
        self, line: str, sig: str, out: list[str], unknown: list[int], story: _Story
    ) -> tuple[str, ...] | None:
        """:meth:`_fast_split`'s pieces ``out``, the runs at ``unknown`` split on the evidence.

        Each such run is split as the rules split it (:meth:`_split_piece`). The rules then
        ask :meth:`_joins` of every two pieces side by side; where a part of such a run is
        one of the two, it is asked here too (the other pairs passed the fast path's own
        rules), and ``None`` is returned if any two would be joined.
        """
        runs = set(unknown)
        pieces: list[tuple[int, int]] = []
        parts: set[int] = set()  # where in ``pieces`` the parts of such runs are
        start = 0
        for k, piece in enumerate(out):
            end = start + len(piece)
            if k in runs:
                for span in self._split_piece(line, sig, start, end, story):
                    parts.add(len(pieces))
                    pieces.append(span)
            else:
                pieces.append((start, end))
            start = end
        for n in range(1, len(pieces)):
            if n in parts or n - 1 in parts:
                (i, p), (_, j) = pieces[n - 1], pieces[n]
                if (
                    " " not in line[i:j]
                    and sig[p - 1] != "o"
                    and self._joins(line, sig, (i, p, j), story)
                ):
                    return None
        return tuple([line[i:j] for i, j in pieces])

    def _may_move(
        self, line: str, sig: str, span: tuple[int, int], story: Callable[[], _Story] | None
    ) -> bool:
        """Whether :meth:`_cuts` moves the cut after the word ``line[start:i]`` back.

        A known name starting lower-case, or after a short word one the story spells, moves
        it (``Hub|eMerge``, ``Banki|Phone``). Without the story: whether it might.
        """
        start, i = span
        if i - start > _SHORT_HALF:  # all _lower_start looks up for a long word
            return self._known_lower_start(line, sig, start, i)
        return story is None or self._lower_start(line, sig, start, i, story()) != i

    def _may_join(
        self,
        line: str,
        sig: str,
        previous: str,
        span: tuple[int, int],
        story: Callable[[], _Story] | None,
    ) -> bool:
        """Whether :meth:`_joins` joins the word ``previous`` and ``line[i:end]`` after it.

        ``line[i:end]`` is a word or a known run of capitals. A long word and a known run of
        capitals or code, or a known run or code and anything, stay apart; so do long
        neighbours and neighbours with a space. After a short word, or for a short word
        after a long one, the story may join them. (Tokens that together are a known name
        are found before: its case changes.) Without the story: whether it might.
        """
        i, end = span
        piece = line[i:end]
        if len(previous) > _SHORT_HALF and (
            end - i > _SHORT_HALF
            or len(previous) + end - i > _LONG_NAME
            or (previous in self._vocabulary and piece in self._vocabulary)
        ):
            return False
        if " " in previous or " " in piece:
            return False
        return story is None or self._joins(line, sig, (i - len(previous), i, end), story())

    def _two_known(self, piece: str, token: str) -> int | None:
        """Where the run of capitals or code ``piece`` (classes ``token``) is two known tags.

        The rules split a run that is two known tags (``AI|EVs``, ``US|EU``) at the first
        such cut, asking nothing; any other run needs the evidence (``None``). (A code's
        digits end it: no digit comes before a capital inside a token, so
        :meth:`_split_acronyms`' digit rule, ``A380|COVID-19``, cannot apply: ``EU|COP26``.)
        """
        if "o" in token:
            return None
        vocabulary = self._vocabulary
        for p in range(1, len(piece)):
            if piece[:p] in vocabulary and piece[p:] in vocabulary:
                # a known tag "s" after "ABC" would be joined onwards by _joins
                return p if _ACRONYM_RUN_RE.fullmatch(token, p) else None
        return None

    def _split(self, line: str, sig: str, story: _Story) -> tuple[str, ...]:
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
        inner = self._inner
        inner_pairs = self._inner_pairs
        names: list[tuple[int, int]] = []  # known names with a case change inside
        for match in _BOUNDARY_RE.finditer(sig):
            p = match.end()
            pair = line[p - 1 : p + 1]
            if pair in inner_pairs:
                candidates = inner.get(line[p - 1 : p + 2]) or inner.get(pair)
                if candidates:
                    names.extend(self._names_at(line, sig, p, candidates))
            before = sig[p - 1]
            if before == "d" and sig[p] == "U" and self._known_name_at(line, sig, p + 1):
                p += 1  # a code before a name such as iPhone: B2B|iPhone, not B2|B|iPhone
            elif before == "d" and not (sig[p] == "U" and sig[p + 1 : p + 2] in ("l", "s")):
                # A digit run ends a tag before a capitalised word (COP26|Glasgow), or after
                # "Level 3" or "COVID-19"; not inside "5GG7".
                q = p - 1
                while q > 0 and sig[q - 1] == "d":
                    q -= 1
                if q == 0 or sig[q - 1] not in "_o":
                    continue
            elif before == "U":
                if line[p + 1 : p + 2] == "i" and sig[p] == "U" and sig[p + 2 : p + 3] == "U":
                    p += 1  # an acronym before a name such as iPhone: UK|iPhone, not U|KiPhone
                elif sig[p + 1 : p + 2] == "s" and self._known_name_at(line, sig, p + 2):
                    continue  # a plural acronym before one: AIEVs|iPhone, not AIE|Vs|iPhone
            elif before in "ls" and sig[p] == "U":
                if p - cuts[-1] == 1 and before == "l":
                    continue  # one lower-case letter is no tag: iPhone, UK|iPlayer
                if p - cuts[-1] <= _SHORT_HALF or pair in lower_pairs:
                    p = self._lower_start(line, sig, cuts[-1], p, story)
            cuts.append(p)
        cuts.append(len(line))
        return self._keep_names_whole(sig, cuts, names) if names else cuts

    def _names_at(
        self, line: str, sig: str, p: int, candidates: list[tuple[str, int]]
    ) -> Iterable[tuple[int, int]]:
        """The known names (DreamWorks, iPhone, AfD) whose inner case change is at ``p``."""
        for name, offset in candidates:
            i = p - offset
            j = i + len(name)
            if (
                i >= 0
                and line.startswith(name, i)
                # not followed by lower case, unless by another name: iPhone|iPad
                and (j == len(line) or sig[j] not in "ls" or self._known_name_at(line, sig, j))
            ):
                yield (i, j)

    @staticmethod
    def _keep_names_whole(sig: str, cuts: list[int], names: list[tuple[int, int]]) -> list[int]:
        """Cut around each known name and not inside it (``U|S|eBay`` → ``US|eBay``)."""
        names.sort(key=lambda span: (span[0], -span[1]))
        chosen: list[tuple[int, int]] = []
        for i, j in names:
            if not chosen or i >= chosen[-1][1]:
                chosen.append((i, j))
        kept = set(cuts)
        starts = set()
        for i, j in chosen:
            kept = {c for c in kept if not i < c < j}
            kept.update((i, j))
            starts.add(i)
        ordered = sorted(kept)
        # A lone capital cut off an acronym before a known name rejoins it (US|eBay).
        return [
            c
            for k, c in enumerate(ordered)
            if not (
                0 < k < len(ordered) - 1
                and c + 1 == ordered[k + 1]
                and c + 1 in starts
                and sig[c - 1] == "U"
                and sig[c] == "U"
            )
        ]

    def _known_name_at(self, line: str, sig: str, q: int) -> bool:
        """Whether a known name starting lower-case (``iPhone``) starts at ``q``."""
        end = q  # the first capital after the lower-case start: "iP" of "iPhone"
        while end < len(sig) and sig[end] in "ls":
            end += 1
        if end == q or end >= len(sig) or sig[end] != "U":
            return False
        candidates = self._lower_first.get(line[q : end + 1], ())
        return any(line.startswith(name, q) for name in candidates)

    def _known_lower_start(self, line: str, sig: str, start: int, p: int) -> bool:
        """Whether a known name starting lower-case (``eMerge``) starts just before ``p``.

        What :meth:`_lower_start` looks up, without the story: for a long piece
        (``start`` at least four letters before ``p``) that is all it does.
        """
        lower_first = self._lower_first
        for q in (p - 1, p - 2, p - 3):
            if q <= start + 1 or sig[q] not in "ls" or sig[q - 1] not in "ls":
                return False
            candidates = lower_first.get(line[q : p + 1])
            if candidates and any(line.startswith(known, q) for known in candidates):
                return True
        return False

    def _lower_start(self, line: str, sig: str, start: int, p: int, story: _Story) -> int:
        """``p`` or an earlier cut when a known name starts with the letters before ``p``."""
        short = p - start <= _SHORT_HALF  # "Hube" in "WalletHube|Merge" is short
        lower_first = self._lower_first
        for q in (p - 1, p - 2, p - 3):
            if q <= start + 1 or sig[q] not in "ls" or sig[q - 1] not in "ls":
                break
            candidates = lower_first.get(line[q : p + 1])
            if candidates:
                for known in candidates:
                    if line.startswith(known, q):
                        return q
            if short and q >= p - 2:
                word_end = _LETTERS_RE.match(sig, p).end()  # type: ignore[union-attr]
                probe = line[q:word_end]
                if probe[1:] in story.absent:
                    story.log.append((probe, False))  # holding "tFrance" nowhere, nor "rtFrance"
                    continue
                if story.spells(probe):
                    return q
        return p

    def _split_piece(
        self, line: str, sig: str, i: int, j: int, story: _Story
    ) -> list[tuple[int, int]]:
        """Split a run of capitals (``AIEVs``) or cut known tags out of a lower-case run."""
        if sig[i] in "Ud" and j - i <= MAX_TAG_LENGTH and _ACRONYM_RUN_RE.fullmatch(sig, i, j):
            vocabulary = self._vocabulary
            for p in range(i + 1, j):
                if line[i:p] in vocabulary and line[p:j] in vocabulary:
                    break  # AI|EVs, US|EU: nothing the story says would keep them together
            else:
                if story.spells(line[i:j]):
                    return [(i, j)]
            return self._split_acronyms(line, sig, i, j, story)
        if sig[i] in "ls":
            return self._split_lowercase(line, sig, i, j)
        return [(i, j)]

    def _split_acronyms(
        self, line: str, sig: str, i: int, j: int, story: _Story
    ) -> list[tuple[int, int]]:
        """Keep a run of capitals whole, or split it where the parts are better."""
        vocabulary = self._vocabulary
        known = line[i:j] in vocabulary
        # Digits end a code before two or more capitals: A380|COVID-19, COP28|UAE (not H5N1).
        p = -1 if known else _digits_end(sig, i, j)
        if p != -1:
            return [
                *self._split_acronyms(line, sig, i, p, story),
                *self._split_acronyms(line, sig, p, j, story),
            ]
        best_cost, best = _SHAPE_COSTS[sig[i:j]], [(i, j)]
        if known:
            return best
        # Shape and vocabulary first; ask the story only where it could still win. Two known
        # parts cost least (AI|EVs): the first such split wins, and nothing is asked.
        shape_costs = _SHAPE_COSTS
        splits = []
        for p in range(i + 1, j):
            left_known = line[i:p] in vocabulary
            right_known = line[p:j] in vocabulary
            if left_known and right_known:
                return [(i, p), (p, j)]
            cost_left = _KNOWN_COST if left_known else shape_costs[sig[i:p]]
            cost_right = _KNOWN_COST - _SUFFIX_BONUS if right_known else shape_costs[sig[p:j]]
            total = cost_left + cost_right  # (costs are positive: inf if either is)
            if total != _INF:
                splits.append((total, p, cost_left, cost_right))
        splits.sort()
        best_shapes = (float("inf"), float("inf"))
        # The shortest prefix and suffix of the run that the text does not hold at all: a
        # longer one holds it, so it is not asked about (its answer is logged as no).
        absent_prefix = absent_suffix = j - i + 1
        for total, p, shape_left, shape_right in splits:
            if best_cost <= 2 * _KNOWN_COST:
                break  # two known parts: nothing can do better
            if total < best_cost:
                best_cost, best, best_shapes = total, [(i, p), (p, j)], (shape_left, shape_right)
            # Ask only what could still make this split the best: an answer that cannot
            # is not asked for (the result is the same; fewer questions are logged).
            least_right = shape_right if shape_right < _KNOWN_COST else _KNOWN_COST
            least_left = shape_left if shape_left < _KNOWN_COST else _KNOWN_COST
            if least_left + least_right >= best_cost:
                continue
            cost_left = shape_left
            if shape_left > _KNOWN_COST:  # (the story is asked only to lower a cost)
                cost_left, lacked = _asked(story, line[i:p], shape_left, p - i >= absent_prefix)
                if lacked:
                    absent_prefix = p - i
                if cost_left + least_right >= best_cost:
                    continue
            cost_right = shape_right
            if shape_right > _KNOWN_COST:
                cost_right, lacked = _asked(story, line[p:j], shape_right, j - p >= absent_suffix)
                if lacked:
                    absent_suffix = j - p
            if cost_left + cost_right < best_cost:
                best_cost, best = cost_left + cost_right, [(i, p), (p, j)]
                best_shapes = (cost_left, cost_right)
        if len(best) == 1:
            return best
        # A part that is only acronym-shaped may hold more known tags (US|NHTSA|EVs).
        out: list[tuple[int, int]] = []
        for (a, b), cost in zip(best, best_shapes, strict=True):
            if (
                cost > _KNOWN_COST
                and b - a >= _SHORT_HALF
                and any(line[a:q] in vocabulary or line[q:b] in vocabulary for q in range(a + 1, b))
            ):
                out.extend(self._split_acronyms(line, sig, a, b, _NO_TEXT))
            else:
                out.append((a, b))
        return out

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
        left = line[i:p]
        if (
            p - i == 2
            and sig[i] == "U"
            and sig[i + 1] in "ls"
            and sig[p] == "U"
            and sig[p + 1 : p + 2] in ("l", "s")
            and left not in self._vocabulary
        ):
            return True  # a two-letter piece is no tag of its own: Mc|Kinsey, De|Santis
        if j - i > _LONG_NAME or (p - i > _SHORT_HALF and j - p > _SHORT_HALF):
            return False  # camel-case names are short, with a short half: Wallet|Hub, Mc|Kinsey
        left_known = left in self._vocabulary
        right_known = line[p:j] in self._vocabulary
        if left_known and (right_known or _ACRONYM_RUN_RE.fullmatch(sig, i, p)):
            return False  # known tags side by side stay two (US|EU), so do EVs|China
        if right_known and p - i > _SHORT_HALF and _ACRONYM_RUN_RE.fullmatch(sig, p, j):
            return False  # and Trade|US
        if _ACRONYM_RUN_RE.fullmatch(sig, i, p) and _ACRONYM_RUN_RE.fullmatch(sig, p, j):
            return False  # a run of capitals was already split on the evidence (OGM|CIRC)
        if story.spells(merged):
            return True
        return (
            j - p <= _SHORT_HALF
            and sig[i] == "U"
            and sig[p + 1 : p + 2] in ("l", "s")
            and not left_known
            and story.spells_in_lower_case(merged)
        )


def _asked(story: _Story, part: str, shape: float, lacked: bool) -> tuple[float, bool]:
    """The cost of ``part`` of a run of capitals once the story is asked.

    Args:
        story: The story.
        part: The part: neither known nor cheaper than a known tag by its shape.
        shape: Its cost by its shape.
        lacked: The text is known not to hold it (it holds none of a shorter part in it).

    Returns:
        The cost, and whether the text turned out not to hold ``part`` at all.
    """
    if lacked:
        story.log.append((part, False))
        return shape, False
    if story.spells(part):
        return _KNOWN_COST, False
    return shape, part in story.absent


class _NoText(_Story):
    """A story that spells nothing and keeps no log: for rules that use the vocabulary only."""

    def spells(self, piece: str) -> bool:
        """Nothing is spelt out."""
        return False


_NO_TEXT = _NoText("", 0)


@functools.cache
def _default_splitter() -> TagSplitter:
    return TagSplitter(_default_vocabulary())


def split_tags(
    line: str, context: str = "", *, vocabulary: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Split a run-together tags line with the default vocabulary (plus ``vocabulary``).

    Examples:
        >>> split_tags("AIEVsSemiconductorsSmartphones")
        ('AI', 'EVs', 'Semiconductors', 'Smartphones')
    """
    splitter = _default_splitter()
    if vocabulary is not None:
        splitter = TagSplitter()
        splitter.add(*vocabulary)
    return splitter.split(line, context)
