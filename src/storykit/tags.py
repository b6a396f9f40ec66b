"""Splitting a run-together tags line (``AIEVsSemiconductorsSmartphones``) into tags.

A dump writes its tags with nothing between them, so case changes are the main clue:
``…sSemi…`` is a boundary. Case alone cannot split everything (``USEU``, ``WalletHub``,
``eMerge Americas``, ``Python 3virtualenv``), so the splitter also uses:

1. a vocabulary of known tags: about 2,700 well-known acronyms and names whose case the
   rules cannot guess (``DreamWorks``, ``iPhone``, ``AfD``, ``NHTSA``), kept as data in
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
import itertools
import pkgutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from storykit._tags_fast import _FastPath
from storykit._tags_rules import _LOWER_END, MAX_TAG_LENGTH
from storykit._tags_runs import BOUNDARY_RE, signature
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
    # The package's loader reads it (a zip import too); importlib.resources would import
    # pathlib, tempfile, shutil, zipfile… at every command's start (7–9 ms) for one file.
    data = pkgutil.get_data("storykit", _VOCABULARY_FILE)
    if data is None:  # pragma: no cover - a loader that cannot read data files
        import importlib.resources  # noqa: PLC0415

        data = importlib.resources.files("storykit").joinpath(_VOCABULARY_FILE).read_bytes()
    text = data.decode("utf-8")
    return frozenset(
        tag for line in text.splitlines() if (tag := line.strip()) and not tag.startswith("#")
    )


def __getattr__(name: str) -> object:
    if name == "DEFAULT_VOCABULARY":
        return _default_vocabulary()
    if name == "_DEFAULT_SPLITTER":
        return _default_splitter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TagSplitter(_FastPath):
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
        self._inner_threes: dict[str, list[str]] = {}  # "oD" → ["oDB", "oDa"]: _inner's keys
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
        self._inner_threes = {k: list(v) for k, v in default._inner_threes.items()}

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
                    self._inner_pairs.add(tag[upper - 1 : upper + 1])  # (see _Rules)
            if " " not in tag:
                for match in BOUNDARY_RE.finditer(signature(tag)):
                    self._add_inner(tag, match.end())

    def _add_inner(self, tag: str, k: int) -> None:
        """File the known name ``tag``, with a case change before ``tag[k]``, in ``_inner``.

        Its key is the three letters around the change (``oDB``: DynamoDB), two where the
        name ends one letter after it (``oD``: MoD). A three-letter key's list also holds
        the names of its first two letters' key, so that one look-up of the three letters
        at a cut finds both (``MoD`` before ``BAE Systems``, beside ``DynamoDB``).
        """
        inner = self._inner
        key = tag[k - 1 : k + 2]
        pair = key[:2]
        if len(key) == 3:
            if key not in inner:
                inner[key] = list(inner.get(pair, ()))
                self._inner_threes.setdefault(pair, []).append(key)
            inner[key].append((tag, k))
        else:
            inner.setdefault(key, []).append((tag, k))
            for three in self._inner_threes.get(key, ()):
                inner[three].append((tag, k))
        self._inner_pairs.add(pair)

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
