"""What a file's name says it holds: its suffix, read one way everywhere.

Reading (the folder walk, archives' members), writing (``convert -o``), the command line's
checks and the API (``load``, ``dump``) all ask :func:`lower_suffix`, so that a name means
the same format to each: ``x.ninjs.json`` is ninjs wherever it is met.
"""

from __future__ import annotations

from storykit import formats

__all__ = ["lower_suffix"]


def _compound_suffixes() -> dict[str, tuple[str, ...]]:
    """The formats' suffixes of two parts (``.ninjs.json``), by their last part (``.json``)."""
    found: dict[str, tuple[str, ...]] = {}
    for _, suffixes in formats.FORMATS.values():
        for suffix in suffixes:
            if suffix.count(".") > 1:
                last = suffix[suffix.rfind(".") :]
                found[last] = (*found.get(last, ()), suffix)
    return found


_COMPOUND_SUFFIXES = _compound_suffixes()


def lower_suffix(name: str) -> str:
    """``".txt"``, ``".tar.gz"``, ``".ninjs.json"``… in lower case, or ``""``.

    The one rule for what a file's name says it holds (reading, writing, the command line
    and the API ask it): its last suffix, or the longer suffix of an archive (``.tar.gz``)
    or of a format (``.ninjs.json``: ninjs, not storykit JSON) when the name ends with one
    and is more than that suffix. A walk asks it twice of each file; the most common answer
    is told first, at once: a name ending with ``.txt`` after a letter that is no separator.
    """
    if name.endswith(".txt") and name[-5:-4] not in ("", "/", "\\"):
        return ".txt"
    base = name[max(name.rfind("/"), name.rfind("\\")) + 1 :]
    dot = base.rfind(".")
    if dot <= 0:
        return ""
    suffix = base[dot:].lower()
    if suffix in (".gz", ".bz2", ".xz") and base[:dot].lower().endswith(".tar"):
        return ".tar" + suffix
    compounds = _COMPOUND_SUFFIXES.get(suffix)
    if compounds:
        lowered = base.lower()
        for compound in compounds:
            if lowered.endswith(compound) and len(lowered) > len(compound):
                return compound
    return suffix
