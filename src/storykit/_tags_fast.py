"""The tag splitter's fast path: the common tags line, split in one pass over its tokens.

:mod:`storykit.tags` describes the rules and :mod:`storykit._tags_rules` applies them in
full. Most tags lines need little of them: capitalised words cut where the case changes, and
known runs of capitals (``CrimeMiamiRoad safety``, ``ElectionsUSDemocratsVoters``).
:meth:`_FastPath._fast_split` takes such a line token by token, and declines one where a rule
would do more than it does; :meth:`_Rules._split` then takes it.
"""

from __future__ import annotations

from collections.abc import Callable

from storykit._tags_rules import _LONG_NAME, _LOWER_END, MAX_TAG_LENGTH, _Rules
from storykit._tags_runs import ACRONYM_RUN_RE, FAST_TOKEN_RE, SHORT_HALF
from storykit._tags_text import StoryText


class _FastPath(_Rules):
    """The fast path of :class:`~storykit.tags.TagSplitter` (see the module)."""

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

        The tokens are taken in two loops: the common token (a long word or a known run of
        capitals) in a few look-ups while no rule above applies, then every token from the
        first other one on (two known tags run together, ``AI|EVs``, among them), with
        every rule that may touch it. A line holding ``Mc`` is left to the second whole.
        """
        tokens = FAST_TOKEN_RE.findall(sig)
        if sum(map(len, tokens)) != len(sig):
            return None  # something else: a lone capital, lower-case starts, CJK…
        # The common token first, in few steps: a long word or a known run of capitals,
        # where no rule does more than cut before it (each condition below is one that
        # the loop after this one checks for the token). The first other token and those
        # after it are left to that loop, which carries on from there.
        vocabulary = self._vocabulary
        inner = self._inner
        inner_pairs = self._inner_pairs
        lower_pairs = self._lower_pairs
        lower_ends = self._lower_ends
        mc = "Mc" in line  # (Mc starts a name: Rory Mc|Ilroy; left to the token loop)
        out: list[str] = []
        append = out.append
        i = 0
        word_before = False  # the previous token is a word that ends in a letter
        after_word = False  # so is the token before it
        if not mc:
            for token in tokens:
                j = i + len(token)
                piece = line[i:j]
                if token[1] in "ls":  # a word (else a run of capitals or a code)
                    if j - i <= SHORT_HALF or piece[-_LOWER_END:] in lower_ends:
                        break  # a short word (the story may join it on), Health|mpox
                    if i and not word_before:  # (after a word, the letter before is no U or d)
                        before = sig[i - 1]
                        if before == "U":
                            if self._known_run_before_lower(line, sig, i) >= 0:
                                break
                        elif before == "d" and self._known_name_at(line, sig, i + 1):
                            break
                    word = token[-1] != "d"  # (a word that ends in a letter)
                elif piece in vocabulary:
                    word = False
                else:
                    break  # two known tags (AI|EVs) or a run that needs the evidence (OGMCIRC)
                if i:  # the rules for any token after a cut: a known name across it
                    pair = line[i - 1 : i + 1]
                    if (
                        pair in inner_pairs
                        and (
                            (  # a known lower-case start (Hub|eMerge) after a long word
                                word_before
                                and pair in lower_pairs
                                and self._known_lower_start(line, sig, i - len(out[-1]), i)
                            )
                            or (
                                (near := inner.get(line[i - 1 : i + 2]) or inner.get(pair))
                                and any(self._names_at(line, sig, i, near))  # (DreamWorks)
                            )
                        )
                    ):
                        break
                after_word = word_before
                word_before = word
                append(piece)
                i = j
            else:
                return tuple(out)
        # From the first other token on, every rule that may touch the line, in order.
        # The story's questions wait until the whole line has passed the rules that need
        # none: a line the rules must take (a known name inside a longer piece, say) is
        # declined before the story is asked anything.
        moves: list[tuple[int, int]] = []  # a cut after a word that the story may move back
        joins: list[tuple[str, int, int]] = []  # a word and what follows, which it may join
        unknown: list[int] = []  # where in ``out`` a run of capitals is split on the evidence
        split = False  # the previous token was a run of capitals cut in two
        for token in tokens[len(out) :]:  # (from the first other token on)
            j = i + len(token)
            piece = line[i:j]
            word = token[1] in "ls"  # else a run of capitals or a code
            second = None
            if word:
                if line[j - _LOWER_END : j] in lower_ends:
                    return None  # _split: a known lower-case tag may end it (Health|mpox)
                if mc and line[j - 2 : j] == "Mc":
                    return None  # _cuts: Mc starts a name (Rory Mc|Ilroy)
                if out:
                    if j - i == 2 and line[i + 1] == "i" and not word_before:
                        return None  # _cuts: an acronym before a name such as iPhone (USA|iUS)
                    before = sig[i - 1]  # (a name joined just before may end in one: NetzDG)
                    if before == "d" and self._known_name_at(line, sig, i + 1):
                        return None  # _cuts: a code before a name such as eSIM (G7M|eSIM)
                    if before == "U" and self._known_run_before_lower(line, sig, i) >= 0:
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
