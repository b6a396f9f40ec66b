"""What a file's name says it holds: its suffix, read one way everywhere.

Reading (the folder walk, archives' members), writing (``convert -o``), the command line's
checks and the API (``load``, ``dump``) all ask :func:`lower_suffix`, so that a name means
the same format to each: ``x.ninjs.json`` is ninjs wherever it is met. Which names are read
at all is here too: a readable format's suffix, ``.jsonl`` or an archive's
(:func:`is_story_name`; a database is read only when named).
"""

from __future__ import annotations

from storykit import formats
from storykit.errors import UnknownFormatError

__all__ = [
    "ARCHIVE_SUFFIXES",
    "JSONL_SUFFIX",
    "check_format",
    "format_of",
    "is_archive",
    "is_story_name",
    "lower_suffix",
    "named_format",
    "suffix_format",
]

JSONL_SUFFIX = ".jsonl"
"""Files with this suffix hold one JSON story per line."""
ARCHIVE_SUFFIXES = (
    ".zip",
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tar.xz",
    ".txz",
)
"""Files with these suffixes are read as archives."""
_ARCHIVES = frozenset(ARCHIVE_SUFFIXES)


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


def named_format(filename: str) -> str | None:
    """The format (or alias: ``jsonl``) that a file's name says it holds, if it says one.

    The suffix is read as everywhere (:func:`lower_suffix`): ``x.ninjs.json``
    is ninjs, as ``storykit convert -o x.ninjs.json`` writes it.
    """
    suffix = lower_suffix(filename)
    name = formats.by_suffix(suffix)
    if name is None and suffix[1:] in formats.ALIASES:  # .jsonl
        name = suffix[1:]
    return name


def is_archive(name: str) -> bool:
    """Whether ``name`` has an archive's suffix."""
    return lower_suffix(name) in _ARCHIVES


_owners: dict[str, tuple[str, ...]] | None = None  # suffix -> formats, in registry order
_readers: dict[str, str | None] = {}  # suffix -> the format that reads it, once known


def _reader_of(suffix: str) -> str | None:
    """The first registered format that owns ``suffix`` and can read (and is installed).

    Only the formats that own the suffix are imported, the first time it is met: walking a
    folder of dumps imports the dump reader, not every format and its extras.
    """
    found = _readers.get(suffix, "")
    if found != "":
        return found
    global _owners  # noqa: PLW0603 - built once from the registry's table
    if _owners is None:
        owners: dict[str, list[str]] = {}
        for name, (_, suffixes) in formats.FORMATS.items():
            for owned in suffixes:
                owners.setdefault(owned, []).append(name)
        _owners = {key: tuple(names) for key, names in owners.items()}
    reader = None
    for name in _owners.get(suffix, ()):
        try:
            module = formats.by_name(name)
        except ImportError:  # an optional extra that is not installed
            continue
        if hasattr(module, "loads") or name in formats.FILE_FORMATS:
            reader = name
            break
    _readers[suffix] = reader
    return reader


def format_of(name: str, forced: str | None) -> str | None:
    """``"jsonl"``, a format name, ``""`` (sniff: unknown suffix) or ``None`` (not a story)."""
    return forced if forced is not None else suffix_format(lower_suffix(name))


def suffix_format(suffix: str) -> str | None:
    """``"jsonl"`` or the readable format that owns ``suffix``, else ``None``."""
    if suffix == JSONL_SUFFIX:
        return "jsonl"
    return _reader_of(suffix)


def is_story_name(name: str) -> bool:
    """Whether a file called ``name`` is read: a story format's, JSON Lines or an archive.

    Databases and other file formats (:data:`storykit.formats.FILE_FORMATS`) are read only
    when named, so a folder's ``Thumbs.db`` is not taken for stories.
    """
    suffix = lower_suffix(name)
    if suffix in _ARCHIVES or suffix == JSONL_SUFFIX:
        return True
    reader = _reader_of(suffix)
    return reader is not None and reader not in formats.FILE_FORMATS


def check_format(format: str | None) -> None:
    """Refuse a ``format=`` option that names no format that can be read.

    Raises:
        UnknownFormatError: No such format, or one that can only be written.
    """
    if format is not None and format != "jsonl":
        module = formats.by_name(format)  # raises UnknownFormatError
        if not hasattr(module, "loads") and format not in formats.FILE_FORMATS:
            msg = f"format {format!r} can be written but not read"
            raise UnknownFormatError(msg)
