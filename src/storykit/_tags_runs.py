"""The shapes of a tags line's pieces, and how a run of capitals is split (:mod:`storykit.tags`).

Each character of a line has a class (:data:`CLASSES`: upper-case, lower-case, digit…), and
the rules read the line's classes (its *signature*) with regular expressions: where a tag may
start (:data:`BOUNDARY_RE`), what a word or an acronym looks like, the fast path's tokens. A
run of capitals that is no known tag (``OGMCIRC``) is split where its parts cost least: a
known or evidenced part costs 1, a part that only has an acronym's shape more, the more the
longer it is (:func:`split_acronyms`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from storykit._tags_text import NO_TEXT, StoryText

_KNOWN_COST = 1.0
_SUFFIX_BONUS = 0.1  # a known tag ending a run of capitals is a cut point (ISRO|AI, ACLU|US)
_SHAPE_COST = 2.5
_LONG_ACRONYM_STEP = 0.5  # each letter past four makes an acronym less likely to be one tag
_SHORT_ACRONYM = 5
SHORT_HALF = 4  # a camel-case name's half this short is checked in another case too (Stop)
_SHAPES_KEPT = 4096  # how many shapes of runs the cost table keeps


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


CLASSES = _Classes()
# The same classes for ASCII, as a table for bytes.translate: a tags line is most often ASCII,
# and the bytes table is about four times faster than a dict per character.
_ASCII_CLASSES = bytes(ord(CLASSES[code]) for code in range(128)) + b"o" * 128


def signature(text: str) -> str:
    """The class of each character of ``text`` (see :class:`_Classes`), as a string."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASSES).decode("ascii")
    return text.translate(CLASSES)


# Where a new tag may start, by the classes around the position (each match is the one
# character before the boundary, which is faster than a look-behind at every position):
# lower→Upper or lower→digit (safety|Miami, Japan|5G), an acronym before a capitalised word
# (UK|Mental, but not the plural EV|s), a digit before a letter (Level 3|NPHET), and a
# change between letters with and without case; and punctuation before a capital, which
# _cuts keeps only after a closing bracket (X (Twitter)|Elon Musk).
BOUNDARY_RE = re.compile(  # a boundary is where each match ends
    r"[ls](?=[Ud])|U(?=U(?:l|s[ls]))|d(?=[Uls])|C(?=[Uls])|[Uls](?=C)|o(?=U)"
)
_WORD = r"U[ls]+(?:o[Uls][ls]*)*"
_ACRONYM = r"[Ud]*U[Ud]*(?:o[Ud]+)*s?"
ACRONYM_RUN_RE = re.compile(_ACRONYM)
LETTERS_RE = re.compile("[Uls]*")
# (a code after a word holds no digits before two capitals: "Galaxy S24|AI", as A380|COVID-19)
_NEXT = rf"_(?:[ls]+|{_WORD}|d+(?:od+)?|U(?![Ud]*dUU)[Ud]{{0,4}}|C+)"
WORD_SHAPE_RE = re.compile(rf"(?:{_WORD}|C+)(?:{_NEXT})*")
ACRONYM_SHAPE_RE = re.compile(rf"{_ACRONYM}(?:{_NEXT})*")

# The fast path (TagSplitter._fast_split) tokenizes a common line so that each token starts
# exactly where BOUNDARY_RE and _cuts put a cut, and nowhere else:
# - a capitalised word, maybe more words after single spaces and a number ("Road safety",
#   "Level 3"): after a lower-case letter or a space and digits, a capital is a cut;
# - a run of capitals before a capitalised word ends before its last capital (UK|Mental);
#   one ending in "s" (EVs) ends there; the possessive "U++" keeps it from giving capitals
#   back (which would cut "ABCs news" where no rule does);
# - a code: capitals and digits, maybe joined by punctuation ("COVID-19", "COP26", "G7");
#   digits end a code before a capital only after punctuation (COVID-19|NPHET) or before a
#   capitalised word (COP26|Glasgow; "COP26UAE" is one piece).
# No token but a word starts after a capital (a run of capitals is not entered from the
# side): without "(?<!U)", findall tried each of n capitals and scanned on to the run's end
# (quadratic: "A" * 16,000 + "." took 4 s). A word's parts are possessive: nothing after
# them in the word's branch can fail, so they never give back what they took, and the
# engine keeps no state to try (a fifth less time a line).
FAST_TOKEN_RE = re.compile(
    r"U[ls]++(?:_U?+[ls]++)*+(?:_d++)?+"
    r"|(?<!U)(?:UU+?(?=U(?:l|s[ls]))|UU++s?(?=U|$)"
    r"|U++od++(?=U|$)|U++d++(?=U[ls]|$))"
)


def _acronym_cost(sig: str, i: int, j: int) -> float:
    """The cost of ``line[i:j]`` as an acronym by its shape alone (``inf`` if it is none)."""
    if not ACRONYM_SHAPE_RE.fullmatch(sig, i, j):
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

    Each shape is worked out once, as :data:`CLASSES` fills itself. Shapes are few (``UUU``,
    ``UUUod``…); the table is emptied should it ever hold ``_SHAPES_KEPT`` of them.
    """

    def __missing__(self, shape: str) -> float:
        if len(self) >= _SHAPES_KEPT:
            self.clear()
        cost = self[shape] = _acronym_cost(shape, 0, len(shape))
        return cost


_SHAPE_COSTS = _ShapeCosts()


def split_acronyms(
    vocabulary: Set[str], line: str, sig: str, i: int, j: int, *, story: StoryText
) -> list[tuple[int, int]]:
    """Keep the run of capitals ``line[i:j]`` whole, or split it where the parts cost less.

    A known part (in ``vocabulary``) or an evidenced one (``story`` spells it) costs 1, a
    part that only has an acronym's shape more (:func:`_acronym_cost`).
    """
    known = line[i:j] in vocabulary
    # Digits end a code before two or more capitals: A380|COVID-19, COP28|UAE (not H5N1).
    p = -1 if known else _digits_end(sig, i, j)
    if p != -1:
        return [
            *split_acronyms(vocabulary, line, sig, i, p, story=story),
            *split_acronyms(vocabulary, line, sig, p, j, story=story),
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
            and b - a >= SHORT_HALF
            and any(line[a:q] in vocabulary or line[q:b] in vocabulary for q in range(a + 1, b))
        ):
            out.extend(split_acronyms(vocabulary, line, sig, a, b, story=NO_TEXT))
        else:
            out.append((a, b))
    return out


def split_lowercase(
    lowercase: Mapping[str, list[str]], line: str, i: int, j: int
) -> list[tuple[int, int]]:
    """Cut known all-lower-case tags (``virtualenv``, ``pip``) out of a lower-case run."""
    out: list[tuple[int, int]] = []
    start = p = i
    while p < j:
        candidates = lowercase.get(line[p : p + 2])  # (most letters start none)
        match = next((t for t in candidates if line.startswith(t, p)), None) if candidates else None
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


def _asked(story: StoryText, part: str, shape: float, lacked: bool) -> tuple[float, bool]:
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
