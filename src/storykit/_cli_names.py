r"""File names in the command line's messages, written so that a shell user can type them.

A name in a sentence (``x.json exists; use --force``, ``name the file x.jsonl``) is written
as ``ls`` writes it (its ``shell-escape`` quoting): as it is when a shell takes it so,
``'in quotes'`` when it holds a blank or a character the shell reads (``'my story.txt'``),
and as ``$'…'`` when it holds bytes that are not UTF-8 text or a control character
(``$'\xff.txt'``, which bash, zsh, ksh and POSIX sh since 2024 take). A place in a file,
``file:line:``, is written as compilers write it, for editors to follow: as it is, unless
it holds what cannot be shown (``$'\xff.txt':3:``). The library's messages
(:class:`~storykit.StoryParseError`) write such bytes as ``\udcff`` (Python's way);
:func:`located` rewrites the place that starts one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storykit._records import where_of
from storykit.errors import _printable, _shown_path

__all__ = ["command", "located", "place", "shown", "shown_short"]

_PLAIN = re.compile(r"[\w@%+=:,./-][\w@%+=:,./~-]*")
"""A name the shell takes as it is (``~`` only after its start: ``a~2.json``)."""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'"}

_STANDARD_STREAMS = frozenset({"<stdin>", "<stream>", "-", "standard output", "standard input"})


def _escaped(name: str) -> str:
    r"""``name`` as ``$'…'``: an undecodable byte (a lone surrogate) as ``\xff``."""
    out = []
    for char in name:
        code = ord(char)
        if char in _NAMED:
            out.append(_NAMED[char])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        else:  # a control or format character, or another lone surrogate: its bytes
            out.extend(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))
    return "$'" + "".join(out) + "'"


def _typable(name: str) -> bool:
    return name.isprintable()  # (a lone surrogate, a control character: not)


def shown(name: str) -> str:
    """``name`` in a sentence, as it is typed in a shell (``ls``'s ``shell-escape`` quoting)."""
    if name in _STANDARD_STREAMS or _PLAIN.fullmatch(name):
        return name
    if _typable(name):
        return "'" + name.replace("'", "'\\''") + "'"
    return _escaped(name)


def shown_short(name: str) -> str:
    """A file named in an error: as :func:`shown` writes it, its middle left out when long.

    Every write error the command prints names its file so (``cannot write …: File name
    too long``, ``… exists; use --force``): a path of 4,000 characters took the reason out
    of a message cut at its length limit (:func:`storykit.errors._shown_path` says how the
    middle goes). A name to type again (:func:`command`, ``-o NAME``) is given whole.
    """
    return _shown_path(shown(name))


def command(words: Iterable[str]) -> str:
    """A command line to run, each word as :func:`shown` writes it."""
    return " ".join(shown(word) for word in words)


def place(path: str, member: str | None = None) -> str:
    """A file (and archive member) as ``file:line:`` starts with it: ``$'…'`` if it must."""
    where = path if _typable(path) else _escaped(path)
    if member is not None:
        where += ":" + (member if _typable(member) else _escaped(member))
    return where


def located(line: str, path: str, member: str | None = None) -> str:
    """``line`` (a library message that starts with the file's place) with :func:`place`'s."""
    plain = _printable(where_of(path, member))  # (as the library's message names the file)
    if line.startswith(plain) and line[len(plain) : len(plain) + 1] in (":", ""):
        return place(path, member) + line[len(plain) :]
    return line
