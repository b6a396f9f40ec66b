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
  of their own, unless the story names them alone and not the joined name: ``Xi|China``),
  or when the story spells the joined name and one half is short (four letters or fewer:
  ``Wallet|Hub``); two longer halves stay two (``Crime|Miami``);
- a lower-case run is cut around known tags inside it (``virtualenvpip``), and a known
  lower-case tag is cut off the end of a word (``Health|mpox``, ``Developers|npm``) or after
  a run of capitals (``WHO|mpox``);
- punctuation stays inside a tag (``Coca-Cola``, ``S&P``, ``ASP.NET``), but a closing
  bracket or ``+`` ends one before a capital (``X (Twitter)|Elon Musk``, ``Disney+|Hulu``),
  and so does a period before a capitalised word (``U.S.|Politics``) or, after two initials
  or more, before an acronym (``U.K.|EU``).

White space is inside a tag, never between two (the line runs its tags together): a cut
beside it is undone (``iPhone 15 Pro``, ``SpaceX Starship``, ``LeBron James``).

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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from storykit._tags_rules import _LONG_NAME, _LOWER_END, MAX_TAG_LENGTH, _Rules
from storykit._tags_runs import (
    ACRONYM_RUN_RE,
    BOUNDARY_RE,
    FAST_TOKEN_RE,
    SHORT_HALF,
    signature,
)
from storykit._tags_text import StoryText

__all__ = ["DEFAULT_VOCABULARY", "MAX_TAG_LENGTH", "TagSplitter", "split_tags"]

_MEMORY = 4096  # how many recent tags lines' splits are kept for reuse

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


class TagSplitter(_Rules):
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
        self._vocabulary = set()  # (the tables: see _Rules)
        self._lower_first = {}
        self._lower_pairs = set()
        self._lowercase = {}
        self._lower_ends = {}
        self._inner = {}
        self._inner_pairs = set()
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
        self._lower_ends = {k: list(v) for k, v in default._lower_ends.items()}
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
                    if len(tag) >= _LOWER_END:
                        self._lower_ends.setdefault(tag[-_LOWER_END:], []).append(tag)
                else:
                    self._lower_first.setdefault(tag[: upper + 1], []).append(tag)
                    self._lower_pairs.add(tag[upper - 1 : upper + 1])
            if " " not in tag:
                for match in BOUNDARY_RE.finditer(signature(tag)):
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
            The tags, in order. Every character of ``line`` but the white space around it
            is in exactly one tag: nothing is dropped. White space is inside a tag, never
            between two, so no tag starts or ends with it.
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
        sig = signature(line)
        made: list[StoryText] = []

        def story_of_context() -> StoryText:
            """The story, made on first use (from the text, made then too)."""
            if not made:
                text = context if isinstance(context, str) else context()
                made.append(StoryText(text, len(text) if end is None else end))
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
        self, line: str, sig: str, story: Callable[[], StoryText] | None = None
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
        tokens = FAST_TOKEN_RE.findall(sig)
        if sum(map(len, tokens)) != len(sig):
            return None  # something else: a lone capital, lower-case starts, CJK…
        vocabulary = self._vocabulary
        inner = self._inner
        inner_pairs = self._inner_pairs
        lower_pairs = self._lower_pairs
        lower_ends = self._lower_ends
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
                if line[j - _LOWER_END : j] in lower_ends:
                    return None  # _split: a known lower-case tag may end it (Health|mpox)
                if line[j - 2 : j] == "Mc":
                    return None  # _cuts: Mc starts a name (Rory Mc|Ilroy)
                if j - i == 2 and line[i + 1] == "i" and out and not word_before:
                    return None  # _cuts: an acronym before a name such as iPhone (USA|iUS)
                if out and sig[i - 1] == "d" and self._known_name_at(line, sig, i + 1):
                    return None  # _cuts: a code before a name such as eSIM (G7M|eSIM)
                if out and sig[i - 1] == "U" and self._known_run_before_lower(line, sig, i) >= 0:
                    return None  # _cuts: a known run before a lower-case word (GDPR|noyb)
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
                    # joins the whole name, not its first token: asked so. A run of
                    # capitals it ends with is not split (NetzDG: no question about DG);
                    # one cut in two known tags is left to the rules.
                    start = i - len(out[-1])
                    if name != [(start, j)] or second or split:
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
                    short = len(previous) <= SHORT_HALF
                    if short or pair in lower_pairs:
                        moves.append((i - len(previous), i))
                    if (short or (word and j - i <= SHORT_HALF)) and second != "":
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
        self, line: str, sig: str, out: list[str], unknown: list[int], story: StoryText
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
        self, line: str, sig: str, span: tuple[int, int], story: Callable[[], StoryText] | None
    ) -> bool:
        """Whether :meth:`_cuts` moves the cut after the word ``line[start:i]`` back.

        A known name starting lower-case, or after a short word one the story spells, moves
        it (``Hub|eMerge``, ``Banki|Phone``). Without the story: whether it might.
        """
        start, i = span
        if i - start > SHORT_HALF:  # all _lower_start looks up for a long word
            return self._known_lower_start(line, sig, start, i)
        return story is None or self._lower_start(line, sig, start, i, story()) != i

    def _may_join(
        self,
        line: str,
        sig: str,
        previous: str,
        span: tuple[int, int],
        story: Callable[[], StoryText] | None,
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
        if len(previous) > SHORT_HALF and (
            end - i > SHORT_HALF
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
        digits end it: no digit comes before a capital inside a token, so the digit rule of
        :func:`~storykit._tags_runs.split_acronyms`, ``A380|COVID-19``, cannot apply:
        ``EU|COP26``.)
        """
        if "o" in token or len(piece) > MAX_TAG_LENGTH:
            return None  # (the rules keep a longer run whole: _split_piece)
        vocabulary = self._vocabulary
        for p in range(1, len(piece)):
            if piece[:p] in vocabulary and piece[p:] in vocabulary:
                # a known tag "s" after "ABC" would be joined onwards by _joins
                return p if ACRONYM_RUN_RE.fullmatch(token, p) else None
        return None


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
