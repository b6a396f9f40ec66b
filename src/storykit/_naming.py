"""Naming the command's outputs: each input's output path under OUT, safe and unique.

Output names mirror the input names under OUT (``archive/2026/a.txt`` → ``OUT/2026/a.json``),
with no root, drive or ``..`` part and no control character; a folder that an existing link
would take out of OUT is refused. Every output name of a run is distinct: of two inputs that
would write one file, the later one in input order is named with ``~2`` (:meth:`Namer.choose`),
decided before either is written. Writing the files is :mod:`storykit._writing`'s.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
from collections.abc import Iterable

from storykit import formats
from storykit._suffixes import ARCHIVE_SUFFIXES
from storykit._writing import remove_stale

__all__ = ["Namer", "OutsideError", "input_base", "out_suffix", "relative_name"]


def _parts(path: str) -> list[str]:
    """A path as relative parts: no root, no drive, no ``.`` or ``..``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    return parts


_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def _percent(match: re.Match[str]) -> str:
    """A control character as ``%1B``."""
    return f"%{ord(match[0]):02X}"


def _strip_suffix(name: str, suffixes: Iterable[str] = ()) -> str:
    lower = name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def out_suffix(fmt: str) -> str:
    """The suffix of an output file in format ``fmt``: its first registered one."""
    suffixes = formats.FORMATS[fmt][1]
    return suffixes[0] if suffixes else f".{fmt}"


def input_base(name: str) -> str:
    """The folder that the output names of an input count from.

    A folder counts from itself (``archive/2026/a.txt`` → ``2026/a``), as ``cp -r
    archive/. OUT`` and rsync ``archive/`` do; a file named on the command line from the
    folder it is in (``a/b.txt`` → ``b``); a pattern from its folder before the first
    wildcard (``dumps/**/*.txt`` → ``dumps``); standard input from nowhere.
    """
    if name in ("-", "<stdin>"):
        return ""
    if os.path.isdir(name):
        return name
    if glob.has_magic(name):
        parts = name.replace("\\", "/").split("/")
        fixed = list(itertools.takewhile(lambda part: not glob.has_magic(part), parts))
        return "/".join(fixed) or ("/" if name.startswith("/") else "")
    return os.path.dirname(name)


def relative_name(path: str, member: str | None, base: str = "") -> list[str]:
    """The output path of a file (or an archive member) under OUT, as parts, no suffix.

    ``path`` counts from ``base`` (see :func:`input_base`); member ``x/y.txt`` of ``d.zip``
    → ``d/x/y``. No part is empty, ``.`` or ``..``, and there is no root or drive; a control
    character in a member's name is written ``%1B``.
    """
    if path == "<stdin>":
        parts = ["stdin"]
    else:
        relative = os.path.relpath(path, base) if base else path
        if relative.startswith(".."):  # pragma: no cover - a path not under its base
            relative = os.path.basename(path)
        parts = _parts(relative)
    if member is not None:
        if parts:
            parts[-1] = _strip_suffix(parts[-1], ARCHIVE_SUFFIXES)
        # an archive's names come from elsewhere: no control character goes into a file name
        parts += [_CONTROL_RE.sub(_percent, part) for part in _parts(member)]
    if not parts:
        parts = ["story"]
    parts[-1] = _strip_suffix(parts[-1])
    return parts


class Namer:
    """Output paths under ``root``, unique within the run, checked to stay inside ``root``.

    Each file (or archive member) gets a *stem*, chosen once, in the main process, in input
    order (:meth:`stem`); its stories are written to ``stem + suffix`` when it holds one, or
    to ``stem-1 + suffix``, ``stem-2 + suffix``… when it holds several (:meth:`dest`). The
    stem is chosen before the file is read, so it keeps both names free: the *plain* name and
    the *numbered* ones. An input whose names another input of the run has already taken
    (``a.txt`` after ``a.json``; ``b.txt`` after ``b-1.txt``, whose output ``b-1.md`` is the
    name of ``b.txt``'s first story) gives way (:meth:`choose`): ``~2`` (or the first of
    ``~3``, ``~4``… that is free) goes after its name, for the plain name or the numbered
    ones, whichever is taken. So every output name of a run is distinct, and the same inputs
    in the same order get the same names on every run, whatever ``--jobs`` and whichever
    worker finishes first. Each folder named is first rid of the temporary files that a
    killed ``storykit`` left there (:func:`remove_stale`).

    A worker gets a copy without the names given out (only :meth:`dest` and the roots are
    used there): they would be sent with every chunk of work, more with each.
    """

    __slots__ = (
        "claimed",
        "families",
        "folder_names",
        "folders",
        "moved",
        "next_try",
        "numbered",
        "real_root",
        "root",
        "suffix",
        "swept",
    )

    def __init__(self, root: str, suffix: str) -> None:
        self.root = root
        self.suffix = suffix
        self.real_root = os.path.realpath(root)
        _CHECKED.add((self.real_root, root))  # (the root is inside itself: not resolved again)
        # Hashes (small, flat) of the names given out. Every input's plain name is in
        # ``claimed``, and its numbered names (``NAME-1``…) are the family of that same name
        # unless it is in ``moved``: the few inputs whose numbered names had to move have
        # their family's name in ``families``. ``numbered``: the ``NAME`` of each plain name
        # given out that is itself a numbered one (``NAME-3``).
        self.claimed: set[int] = set()
        self.moved: set[int] = set()
        self.families: set[int] = set()
        self.numbered: set[int] = set()
        self.next_try: dict[tuple[int, bool, bool], int] = {}  # a name that moved: ~N to try next
        self.folders: dict[str, str] = {}  # each output folder named: where it is written
        self.folder_names: set[int] = set()  # hashes of the folders written to (the values)
        self.swept: set[str] = set()  # folders rid of left temporary files

    def __getstate__(self) -> tuple[str, str, str]:
        return self.root, self.suffix, self.real_root

    def __setstate__(self, state: tuple[str, str, str]) -> None:
        self.root, self.suffix, self.real_root = state
        self.claimed, self.moved, self.families, self.numbered = set(), set(), set(), set()
        self.next_try, self.folders, self.folder_names, self.swept = {}, {}, set(), set()

    def stem(self, path: str, member: str | None, base: str) -> str:
        """The output stem of a file or member: names no other input of this run has.

        Raises:
            OutsideError: An existing link would take the file out of ``root``.
        """
        parts = relative_name(path, member, base)
        folder = self._folder(parts[:-1])
        if (self.real_root, folder) not in _CHECKED:
            real = os.path.realpath(folder)
            if os.path.commonpath([real, self.real_root]) != self.real_root:
                message = (
                    f"{folder} leads outside {self.root} through a link; not written "
                    "(remove the link, or give another -o)"
                )
                raise OutsideError(message)
            _CHECKED.add((self.real_root, folder))
        if folder not in self.swept:
            self.swept.add(folder)
            remove_stale(folder)
        return self.choose(os.path.join(folder, parts[-1]))

    def choose(self, name: str) -> str:
        """The stem for an input whose output would be ``name`` (a path, no suffix).

        ``name`` too long for a file's name with the suffix (an archive member's, or
        ``x…x.txt`` written as ``.jsonld``) is first cut short to fit, as :func:`_fit` cuts.
        The plain name is ``name`` unless another input has it already, or may have it as
        one of its numbered names (``b-1`` after ``b``, which may hold several stories);
        then it is the first of ``name~2``, ``name~3``… that is free. Apart from it, the
        numbered names are ``name-1``, ``name-2``… unless another input has (or may have)
        one of them already (``b`` after ``b-1``); then they are the first of ``name~2-1``…,
        ``name~3-1``… that is free. A name too long for its numbered names to fit in a file's
        name (:data:`NAME_MAX` bytes, with room for any number) has them moved to the name
        cut short (``x…x-10`` was too long). Both are then taken for this input: no later
        input gets either, so the inputs named first keep their names. Two names that differ in case
        only are one name where the system says so (:func:`os.path.normcase`: Windows).

        The stem is the plain name; when the numbered names moved (``FAMILY-1``…), the plain
        name and ``FAMILY`` joined by a NUL (no path holds one): a string, as cheap to send
        to a worker as before.
        """
        family_name = _fit(name, _NUMBER + self.suffix)  # (cut when -N would not fit)
        if family_name != name:  # (a name that fits with -N fits without it)
            name = _fit(name, self.suffix)  # (a member's name, or x…x.txt written as .jsonld)
            family_name = _fit(name, _NUMBER + self.suffix)
        if family_name == name and self._plain_free(name) and self._family_free(name):
            self._take(name, family=True)  # the usual way: no clash
            return name
        plain = self._free(name, family=False)
        family = self._free(family_name, family=True)
        self._take(plain, family=family == plain)
        if family == plain:
            return plain
        self.families.add(_key(family))
        return f"{plain}{_MOVED}{family}"

    def _take(self, plain: str, *, family: bool) -> None:
        """Give the plain name ``plain`` out, and its numbered names if ``family``."""
        key = _key(plain)
        self.claimed.add(key)
        if not family:
            self.moved.add(key)
        number = _numbered(plain)
        if number is not None:
            self.numbered.add(_key(number))

    def _folder(self, parts: list[str]) -> str:
        """The output folder ``parts`` under ``root``, renamed if a file of the run has its name.

        A folder named as an output file (``x.md/`` beside ``x.txt``, with ``--to md``) is a
        name of the run as a file's is: the one named later gives way, a folder as
        ``x~2.md/`` (the first of ``~2``, ``~3``… that is free, as for a file). A name too
        long for a folder (an archive member's) is cut short to fit, as a file's: of two
        that are one name cut, the later gives way too (``d…d~2/``), as does a folder named
        as another's cut name; their files are not put in one folder.
        """
        known = len(parts)  # the folders down to parts[known - 1] are named already
        while known and os.path.join(self.root, *parts[:known]) not in self.folders:
            known -= 1
        given = os.path.join(self.root, *parts[:known])
        folder = self.folders[given] if known else self.root
        suffix = self.suffix
        for name in parts[known:]:  # (a loop, not a call a level: folders 1,000 deep)
            given = os.path.join(given, name)
            if len(name) > len(suffix) and os.path.normcase(name).endswith(
                os.path.normcase(suffix)
            ):
                given_plain = _fit(os.path.join(folder, name[: -len(suffix)]), suffix)
                plain = self._free(given_plain, family=False)
                self._take(plain, family=False)  # no file is named as the folder
                folder = plain + name[-len(suffix) :]
            else:  # (cut to fit if too long: an archive member's folder)
                folder = self._free(_fit(os.path.join(folder, name), ""), folder=True)
            self.folders[given] = folder
            self.folder_names.add(hash(folder))
        return folder

    def _free(self, name: str, *, family: bool = False, folder: bool = False) -> str:
        """``name``, or the first of ``name~2``, ``name~3``… free as a plain name or family.

        With ``folder``, free as a folder's name: no other folder of the run is written to it.
        A name that ``~N`` would make too long for a file (:func:`_tilde`) is cut short first.
        """
        if folder:
            free, end = self._folder_free, ""
        elif family:
            free, end = self._family_free, _NUMBER + self.suffix  # (what follows it in a name)
        else:
            free, end = self._plain_free, self.suffix
        if free(name):
            return name
        counter = (_key(name), family, folder)  # where the last search for this name ended
        tries = self.next_try.get(counter, 2)
        while not free(tilde := _tilde(name, tries, end)):
            tries += 1
        self.next_try[counter] = tries + 1
        return tilde

    def _folder_free(self, name: str) -> bool:
        """Whether no other folder of the run (an input's, or a member's) is written to ``name``.

        As spelt, not as the system compares names: ``Sub/`` and ``sub/`` of two inputs are
        one folder on Windows, and stay one, as they were (only a cut name, or one that a cut
        name took, moves).
        """
        return hash(name) not in self.folder_names

    def _plain_free(self, name: str) -> bool:
        """Whether no input has the file ``name``, as its plain name or a numbered one."""
        if _key(name) in self.claimed:
            return False
        family = _numbered(name)
        return family is None or not self._is_family(_key(family))

    def _family_free(self, name: str) -> bool:
        """Whether no input has a file ``name-N``, as its plain name or a numbered one."""
        key = _key(name)
        return not self._is_family(key) and key not in self.numbered

    def _is_family(self, key: int) -> bool:
        """Whether the numbered names ``NAME-1``… of the name of hash ``key`` are taken."""
        return (key in self.claimed and key not in self.moved) or key in self.families

    def reserve(self, name: str) -> None:
        """Keep the file ``name`` (under ``root``, with the suffix) from every input."""
        self._take(os.path.join(self.root, _strip_suffix(name)), family=False)

    def dest(self, stem: str, index: int, multi: bool) -> str:
        """The output path of story number ``index`` of a file (``multi``: of several)."""
        plain, _, family = stem.partition(_MOVED)
        return f"{family or plain}-{index}{self.suffix}" if multi else plain + self.suffix


_MOVED = "\0"  # between a stem's plain name and its numbered names' (see Namer.choose)

NAME_MAX = 255
"""The most bytes in a file's name (one part of a path): Linux's, macOS's, Windows' limit."""


_NUMBER = "-" + "9" * 10
"""The longest ``-N`` of a numbered name that room is kept for (more stories than any file
holds)."""


def _tilde(name: str, tries: int, end: str) -> str:
    """``name~N``, for a file named ``name~N`` then ``end``; its last part cut if too long.

    An input whose name was near the limit (255 bytes) could be written under it, but not
    under its name with ``~2``: it failed "File name too long" for the clash alone.
    """
    mark = f"~{tries}"
    return _fit(name, mark + end) + mark


def _fit(name: str, end: str) -> str:
    """``name``, its last part cut short if a file named it then ``end`` would be too long.

    The last part loses whole characters from its end until the file's name fits in
    :data:`NAME_MAX` bytes.
    """
    folder, last = os.path.split(name)
    if len(os.fsencode(last + end)) <= NAME_MAX:
        return name
    while last and len(os.fsencode(last + end)) > NAME_MAX:
        last = last[: -max(1, (len(os.fsencode(last + end)) - NAME_MAX) // 4)]
    return os.path.join(folder, last)


def _key(name: str) -> int:
    """What a name given out is kept as: a hash of it, as the system compares names."""
    return hash(os.path.normcase(name))


def _numbered(name: str) -> str | None:
    """``NAME`` if ``name`` is ``NAME-N``, one of the numbered names :meth:`Namer.dest` gives."""
    head, dash, number = name.rpartition("-")
    if dash and number.isascii() and number.isdigit() and number[0] != "0":
        return head
    return None


_CHECKED: set[tuple[str, str]] = set()  # folders known to be inside OUT, per process


class OutsideError(Exception):
    """An output path that an existing link would take out of OUT."""
