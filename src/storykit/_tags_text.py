"""The story's own text as evidence for the tag splitter (:mod:`storykit.tags`).

The splitter asks whether the story spells out a name (``WalletHub``, ``COP26``), word-bounded.
:class:`StoryText` answers with ``str.find`` while that stays cheap, then from an index of
the text's words, so a story costs at most one pass over its text, whatever the tags line asks;
and it logs every question and answer, so a split can be reused for another story that answers
the same questions the same way.
"""

from __future__ import annotations

import re

_FIND_BUDGET = 1 << 16  # characters str.find may scan per story before the text is indexed
_WINDOW = 4  # the longest run of words joined by punctuation (SARS-CoV-2) the index holds
_LONG_COMPOUND = 32  # punctuation-joined runs of more words than this are indexed word by word

# The story's words: runs of letters and digits, joined by punctuation (COVID-19, S&P).
_ALNUM_RE = re.compile(r"[^\W_]+")
_COMPOUND_RE = re.compile(r"[^\W_]+(?:(?:[^\w\s]|_)+[^\W_]+)*")


class StoryText:
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
        self._stop = slice(stop).indices(len(text))[1]  # as text[:stop] ends (stop=-2 too)
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


class NoText(StoryText):
    """A story that spells nothing and keeps no log: for rules that use the vocabulary only."""

    def spells(self, piece: str) -> bool:
        """Nothing is spelt out."""
        return False


NO_TEXT = NoText("", 0)
