"""The rules of the tag splitter (:class:`storykit.tags.TagSplitter`), applied in full.

:mod:`storykit.tags` describes them. :class:`TagSplitter` first tries its fast path, which
takes the common line in one pass over its tokens; a line it declines is split here: cut
where the case changes (:meth:`_Rules._cuts`), each piece that is no known or well-shaped
tag split further (:meth:`_Rules._split_piece`), and neighbours joined where together they
are a name (:meth:`_Rules._join`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable

from storykit._tags_runs import (
    ACRONYM_RUN_RE,
    ACRONYM_SHAPE_RE,
    BOUNDARY_RE,
    LETTERS_RE,
    SHORT_HALF,
    WORD_SHAPE_RE,
    split_acronyms,
    split_lowercase,
)
from storykit._tags_text import StoryText

MAX_TAG_LENGTH = 64
"""The longest run of capitals the splitter tries to split; longer runs stay whole."""
_LONG_NAME = 20  # longer joins of two pieces are not looked up in the story
_NO_TAG_RE = re.compile("[o_]+")  # a piece without a letter or digit
_LOWER_RE = re.compile("[ls]*")
_WORD_START = ("l", "ll", "ls", "sl", "ss")  # what follows a capital that starts a word
_LOWER_END = 3  # known lower-case tags this long or longer are looked for at a word's end
_CLOSING = frozenset(")]}»”’+!")  # a tag may end in one: X (Twitter)|Elon Musk, Disney+|Hulu


def _period_ends_tag(line: str, sig: str, p: int) -> bool:
    """Whether the period before the capital ``line[p]`` ends a tag.

    It does before a capitalised word (``U.S.|Politics``, ``Washington, D.C.|Crime``), and
    after two initials or more before a run of capitals that is no more initials
    (``U.K.|EU``). Else it is inside one: ``U.S.A.``, ``ASP.NET``, ``E.ON``, ``Node.js``.
    """
    if line[p - 1] != ".":
        return False
    if sig[p + 1 : p + 2] in ("l", "s"):
        return True
    if sig[p + 1 : p + 2] != "U" or line[p + 2 : p + 3] == ".":
        return False
    k = p - 1  # the period; count the initials before it
    initials = 0
    while k >= 2 and line[k] == "." and sig[k - 1] == "U" and sig[k - 2] != "U":
        initials += 1
        k -= 2
    if k == 1 and line[1] == "." and sig[0] == "U":
        initials += 1
    return initials >= 2


class _Rules:
    """The splitter's tables and the rules that read them.

    :class:`~storykit.tags.TagSplitter` fills the tables (:meth:`~storykit.tags.TagSplitter.add`).
    """

    _vocabulary: set[str]
    _lower_first: dict[str, list[str]]  # "iP" → ["iPhone", "iPad"…]
    _lower_pairs: set[str]  # "iP", "cO": the letters around such a cut
    _lowercase: dict[str, list[str]]  # "vi" → ["virtualenv"]: all-lower tags
    _lower_ends: dict[str, list[str]]  # "pox" → ["mpox"]: the same, by their last letters
    # Known names with a case change inside, by the three letters around it (two when
    # the name ends there): "mWo" → [("DreamWorks", 5)], "iPh" → [("iPhone", 1)…],
    # "fD" → [("AfD", 2)]. A key of three letters holds the names of its first two too.
    _inner: dict[str, list[tuple[str, int]]]
    # The letters around a cut inside a known name: the first two of _inner's keys, and
    # _lower_pairs (a cut that may lie inside one: eMerge), so that one look-up clears a cut.
    _inner_pairs: set[str]

    def _split(self, line: str, sig: str, story: StoryText) -> tuple[str, ...]:
        cuts = self._cuts(line, sig, story)
        pieces: list[tuple[int, int]] = []
        vocabulary = self._vocabulary
        lower_ends = self._lower_ends
        for i, j in itertools.pairwise(cuts):
            if line[i:j] in vocabulary:
                pieces.append((i, j))
            elif WORD_SHAPE_RE.fullmatch(sig, i, j):
                # (a known lower-case tag may end the word: Health|mpox)
                k = (
                    -1
                    if line[j - _LOWER_END : j] not in lower_ends
                    else self._lower_tag_at_end(line, sig, i, j)
                )
                pieces += ((i, j),) if k == -1 else ((i, k), (k, j))
            else:
                pieces.extend(self._split_piece(line, sig, i, j, story))
        # A line runs its tags together: white space lies inside a tag, never between two.
        # A cut beside it (around a known name: iPhone| 15 Pro, SpaceX| Starship) is undone.
        # A piece of punctuation alone is no tag: it joins the tag after it (#|MeToo).
        out: list[tuple[int, int]] = []
        for i, j in self._join(line, sig, pieces, story):
            if out and (
                line[i - 1].isspace()
                or line[i].isspace()
                or (sig[out[-1][0]] == "o" and _NO_TAG_RE.fullmatch(sig, *out[-1]))
            ):
                out[-1] = (out[-1][0], j)
            else:
                out.append((i, j))
        if len(out) > 1 and sig[out[-1][0]] == "o" and _NO_TAG_RE.fullmatch(sig, *out[-1]):
            out[-2:] = [(out[-2][0], len(line))]  # (last: it joins the one before)
        return tuple([line[i:j] for i, j in out])

    def _cuts(self, line: str, sig: str, story: StoryText) -> list[int]:
        """Cut where the case changes; move a cut back before a known lower-case start."""
        cuts = [0]
        lower_pairs = self._lower_pairs
        inner = self._inner
        inner_pairs = self._inner_pairs
        names: list[tuple[int, int]] = []  # known names with a case change inside
        for match in BOUNDARY_RE.finditer(sig):
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
                # "Level 3" or "COVID-19", or a year after a word before capitals or a code
                # (Brexit2016|UKEU, Summit2024|G7); not inside "5GG7".
                if (
                    sig[p] == "U"
                    and (
                        sig[p + 1 : p + 2] in ("", "_")
                        # (before a capitalised word; not a plural acronym: RXX-20|VMs)
                        or (sig[p + 1 : p + 2] == "U" and sig[p + 2 : p + 4] in _WORD_START)
                    )
                ):
                    continue  # one capital ends the code: H-1B visas, Kirin 9000S|Huawei
                q = p - 1
                while q > 0 and sig[q - 1] == "d":
                    q -= 1
                if q == 0 or (sig[q - 1] not in "_o" and not self._year_before_run(sig, q, p)):
                    continue
            elif before == "U":
                if line[p + 1 : p + 2] == "i" and sig[p] == "U" and sig[p + 2 : p + 3] == "U":
                    p += 1  # an acronym before a name such as iPhone: UK|iPhone, not U|KiPhone
                elif sig[p + 1 : p + 2] == "s" and self._known_name_at(line, sig, p + 2):
                    continue  # a plural acronym before one: AIEVs|iPhone, not AIE|Vs|iPhone
                elif self._lower_word_after_run(line, sig, p, story):
                    p += 1  # a known run before a lower-case word: GDPR|noyb, WHO|pandemic
            elif before == "o":
                if line[p - 1] not in _CLOSING and not _period_ends_tag(line, sig, p):
                    continue  # punctuation inside a tag: Coca-Cola, S&P, U.S.A., ASP.NET
            elif before in "ls" and sig[p] == "U":
                if p - cuts[-1] == 1 and before == "l":
                    continue  # one lower-case letter is no tag: iPhone, UK|iPlayer
                if (
                    line[p - 1] == "c"
                    and line[p - 2] == "M"
                    and (cuts[-1] == p - 2 or sig[p - 3] in "_o")
                ):
                    continue  # Mc starts a name: Rory McIlroy, Politics|McCarthy
                if p - cuts[-1] <= SHORT_HALF or pair in lower_pairs:
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
                # not a number's last digits (8K in 88K906)
                and not (i > 0 and sig[i] == "d" and sig[i - 1] == "d")
                # not followed by lower case, unless by another name: iPhone|iPad, GitHub|npm
                and (
                    j == len(line)
                    or sig[j] not in "ls"
                    or self._known_name_at(line, sig, j)
                    or self._lower_run_end(line, sig, j) != -1
                )
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
        ordered = sorted(set(cuts))
        inside: set[int] = set()  # each cut is inside one name at most: linear in all
        for i, j in chosen:
            inside.update(ordered[bisect.bisect_right(ordered, i) : bisect.bisect_left(ordered, j)])
        kept = set(ordered) - inside
        starts = set()
        for i, j in chosen:
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

    @staticmethod
    def _year_before_run(sig: str, q: int, p: int) -> bool:
        """Whether digits ``q:p`` after a word end before capitals (``Brexit2016|UKEU``).

        Two digits or more, before two capitals or more that start no word, or before a code
        (``Summit2024|G7``): a digit and a capital after a word are a code (``Nordisk3H``,
        ``Konami8XSoC``).
        """
        if p - q < 2 or sig[q - 1] not in "ls":
            return False
        k = p
        while k < len(sig) and sig[k] == "U":
            k += 1
        if k < len(sig) and sig[k] == "d":
            return True
        return k - p - (k < len(sig) and sig[k] in "ls") >= 2

    def _known_run_before_lower(self, line: str, sig: str, p: int) -> int:
        """Where the lower-case letters after ``line[p]`` end, when they may be a word of their own.

        ``p`` is the last capital of a run before lower-case letters (``GDPRnoyb``: the
        ``R``). They may be when they are a known lower-case tag (``WHOmpox``, ``XYZmpox``)
        or when the run to ``p`` is a known tag (``GDPR``: the story may spell ``noyb``);
        else ``-1``, so that a line holding neither is split without the story.
        """
        if line[p + 1 : p + 3] in self._lowercase:  # (a known lower-case tag may start there)
            end = self._lower_run_end(line, sig, p + 1)
            if end != -1:
                return end
        q = p
        while q > 0 and sig[q - 1] == "U":
            q -= 1
        if line[q : p + 1] not in self._vocabulary:
            return -1
        return _LOWER_RE.match(sig, p + 1, p + MAX_TAG_LENGTH + 2).end()  # type: ignore[union-attr]

    def _lower_word_after_run(self, line: str, sig: str, p: int, story: StoryText) -> bool:
        """Whether a run ends at ``line[p]`` before a lower-case word of its own.

        A known lower-case tag is one (``WHOmpox``: ``WHO``, ``mpox``); after a known run,
        so is a word the story spells (``GDPRnoyb`` is ``GDPR``, ``noyb`` when the story
        spells ``noyb``). Else the last capital starts a word (``UKMental``: ``UK``,
        ``Mental``).
        """
        end = self._known_run_before_lower(line, sig, p)
        if end <= p + 1:
            return False
        word = line[p + 1 : end]
        return word in self._vocabulary or story.spells(word)

    def _lower_run_end(self, line: str, sig: str, j: int) -> int:
        """Where the lower-case letters from ``j`` end, when they are a known tag (``npm``).

        ``-1`` when they are not (or there are none).
        """
        if line[j : j + 2] not in self._lowercase:  # (by their first two letters)
            return -1
        end = _LOWER_RE.match(sig, j, j + MAX_TAG_LENGTH + 1).end()  # type: ignore[union-attr]
        return end if end > j and line[j:end] in self._vocabulary else -1

    def _lower_tag_at_end(self, line: str, sig: str, i: int, j: int) -> int:
        """Where a known lower-case tag ends the word ``line[i:j]`` (``Health|mpox``); or -1.

        The tag must follow a lower-case letter, with three letters or more of the word
        before it, so that a tag is never cut out of a short word.
        """
        candidates = self._lower_ends.get(line[j - _LOWER_END : j])
        if candidates:
            for tag in candidates:
                k = j - len(tag)
                if k - i >= _LOWER_END and sig[k - 1] in "ls" and line.startswith(tag, k):
                    return k
        return -1

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

    def _lower_start(self, line: str, sig: str, start: int, p: int, story: StoryText) -> int:
        """``p`` or an earlier cut when a known name starts with the letters before ``p``."""
        short = p - start <= SHORT_HALF  # "Hube" in "WalletHube|Merge" is short
        lower_first = self._lower_first
        word_end = p
        for q in (p - 1, p - 2, p - 3):
            if q <= start + 1 or sig[q] not in "ls" or sig[q - 1] not in "ls":
                break
            candidates = lower_first.get(line[q : p + 1])
            if candidates:
                for known in candidates:
                    if line.startswith(known, q):
                        return q
            if short and q >= p - 2:
                if word_end == p:  # the letters from p on, as far as a tag can be long
                    stop = p + MAX_TAG_LENGTH + 1  # (not further: the time stays linear)
                    word_end = LETTERS_RE.match(sig, p, stop).end()  # type: ignore[union-attr]
                if word_end - q > MAX_TAG_LENGTH:
                    break  # a name longer than any tag: not asked about
                probe = line[q:word_end]
                if probe[1:] in story.absent:
                    story.log.append((probe, False))  # holding "tFrance" nowhere, nor "rtFrance"
                    continue
                if story.spells(probe):
                    return q
        return p

    def _split_piece(
        self, line: str, sig: str, i: int, j: int, story: StoryText
    ) -> list[tuple[int, int]]:
        """Split a run of capitals (``AIEVs``) or cut known tags out of a lower-case run.

        A run of capitals followed by words (``WTAUS Open``, ``IPCCCO2 emissions``) is split
        as the run alone would be, and the words stay with its last part (``WTA``, ``US
        Open``); words followed by a run, with its first part (``Long COVIDWHO``: ``Long
        COVID``, ``WHO``): white space is inside a tag.
        """
        k = j
        while k > i + 1 and sig[k - 1] == "o" and line[k - 1] in _CLOSING:
            k -= 1
        if k < j:  # what closes the piece stays with its last part: UTE708|OPEC+
            parts = self._split_piece(line, sig, i, k, story)
            parts[-1] = (parts[-1][0], j)
            return parts
        if j - i <= MAX_TAG_LENGTH and " " in line[i:j]:
            k = sig.find("_", i, j)  # (a run of capitals holds no white space)
            if ACRONYM_RUN_RE.fullmatch(sig, i, k) and ACRONYM_SHAPE_RE.fullmatch(sig, i, j):
                parts = self._split_piece(line, sig, i, k, story)
                parts[-1] = (parts[-1][0], j)
                return parts
            k = sig.rfind("_", i, j) + 1
            if ACRONYM_RUN_RE.fullmatch(sig, k, j) and WORD_SHAPE_RE.fullmatch(sig, i, k - 1):
                if (
                    sig[j - 1] == "s"
                    and sig[k + 1 : k + 2] == "U"
                    and line[k + 1 : j] in self._vocabulary
                    and line[k:j] not in self._vocabulary
                ):
                    return [(i, k + 1), (k + 1, j)]  # a name's last letter, a plural: Model Y|EVs
                parts = self._split_piece(line, sig, k, j, story)
                parts[0] = (i, parts[0][1])
                return parts
        if sig[i] in "Ud" and j - i <= MAX_TAG_LENGTH and ACRONYM_RUN_RE.fullmatch(sig, i, j):
            vocabulary = self._vocabulary
            for p in range(i + 1, j):
                if line[i:p] in vocabulary and line[p:j] in vocabulary:
                    break  # AI|EVs, US|EU: nothing the story says would keep them together
            else:
                if story.spells(line[i:j]):
                    return [(i, j)]
            return split_acronyms(self._vocabulary, line, sig, i, j, story=story)
        if sig[i] in "ls":
            return split_lowercase(self._lowercase, line, i, j)
        return [(i, j)]

    def _join(
        self, line: str, sig: str, pieces: list[tuple[int, int]], story: StoryText
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

    def _joins(self, line: str, sig: str, cut: tuple[int, int, int], story: StoryText) -> bool:
        i, p, j = cut
        merged = line[i:j]
        if merged in self._vocabulary:
            return True
        left = line[i:p]
        if (
            sig[i] == "U"
            and sig[p] == "U"
            and sig[p + 1 : p + 2] in ("l", "s")
            and left not in self._vocabulary
            and (
                (p - i == 2 and sig[i + 1] in "ls")
                or (p - i == 1 and (i == 0 or (i >= 3 and not sig[i - 3 : i].strip("ls"))))
            )
        ):
            # A piece of two letters (Mc|Kinsey, De|Santis) or one capital (I|Jsselmeer) is
            # no tag of its own, unless the story names it alone and not the two together
            # (Xi|China: "Xi Jinping said"). One capital joins only at the line's start or
            # after a word: after a piece such as Jx it may end that one (JxC).
            return story.spells(merged) or not story.spells(left)
        if j - i > _LONG_NAME or (p - i > SHORT_HALF and j - p > SHORT_HALF):
            return False  # camel-case names are short, with a short half: Wallet|Hub, Mc|Kinsey
        left_known = left in self._vocabulary
        right_known = line[p:j] in self._vocabulary
        if left_known and (right_known or ACRONYM_RUN_RE.fullmatch(sig, i, p)):
            return False  # known tags side by side stay two (US|EU), so do EVs|China
        if right_known and p - i > SHORT_HALF and ACRONYM_RUN_RE.fullmatch(sig, p, j):
            return False  # and Trade|US
        if ACRONYM_RUN_RE.fullmatch(sig, i, p) and ACRONYM_RUN_RE.fullmatch(sig, p, j):
            return False  # a run of capitals was already split on the evidence (OGM|CIRC)
        if story.spells(merged):
            return True
        return (
            j - p <= SHORT_HALF
            and sig[i] == "U"
            and sig[p + 1 : p + 2] in ("l", "s")
            and not left_known
            and story.spells_in_lower_case(merged)
        )
