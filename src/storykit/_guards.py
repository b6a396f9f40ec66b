"""Guards the readers put in front of parsers: nesting depth, huge numbers, lone surrogates.

Every reader answers any ``str`` with a story or a :class:`~storykit.errors.StoryParseError`.
The parsers underneath do not all keep that promise on hostile input: libyaml's composer
overflows the C stack on deep nesting (the process dies), the stdlib JSON decoder raises
``RecursionError`` on deep nesting and ``ValueError`` on integers of more than 4,300 digits,
and a lone surrogate makes any encoder raise ``UnicodeEncodeError``. The checks here run
first, cost one cheap pass at most, and turn each case into a ``StoryParseError`` that says
where the problem is.
"""

from __future__ import annotations

import itertools
import json as _json
import re
from typing import Any

from storykit.errors import StoryParseError
from storykit.model import surrogate_message, unencodable

__all__ = [
    "MAX_DEPTH",
    "JsonLinesError",
    "check_text",
    "check_yaml_depth",
    "lines_message",
    "not_text",
    "parse_json",
]

MAX_DEPTH = 100
"""The deepest nesting of JSON arrays and objects, or YAML collections, a reader accepts.

A story needs 4 levels of JSON and 3 of YAML; ninjs documents from agencies rarely go past 10.
"""


def _line_column(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def not_text(value: object, format: str) -> TypeError:
    """The error for a format reader given something other than a ``str`` to read.

    ``storykit.formats.json.loads(b"{...}")`` failed deep inside with ``argument should be
    integer or bytes-like object, not 'str'``; the readers of one format take text, and
    :func:`storykit.loads` takes bytes too.
    """
    kind = type(value).__name__
    message = f"storykit.formats.{format} reads text (a str), not {kind}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        message += f": decode it, or use storykit.loads(data, format={format!r}), which takes bytes"
    return TypeError(message)


def check_text(text: str, filename: str | None = None) -> None:
    """Refuse a ``str`` that holds a lone surrogate (bytes decoded as UTF-8 never do).

    Raises:
        StoryParseError: Naming the line and column of the first lone surrogate.
    """
    index = unencodable(text)
    if index is not None:
        line, column = _line_column(text, index)
        message = surrogate_message(text[index], f"at column {column}")
        raise StoryParseError(message, filename=filename, line=line)


# --------------------------------------------------------------------------- JSON

_MAX_DIGITS = 4300  # Python's default limit for int() of a string (sys.get_int_max_str_digits)
# Where such a number starts, for the message: never inside a run of digits ("(?<!\d)"), else
# search() scanned each run of 4,300 digits from each of its digits (4 s for 430 KB of them).
_LONG_NUMBER = re.compile(rf"-?(?<!\d)\d{{{_MAX_DIGITS + 1},}}")


def _json_depth_error(text: str) -> int | None:
    """The index of the first bracket that opens level ``MAX_DEPTH + 1``, else ``None``.

    Linear and mostly in C: text with at most ``MAX_DEPTH`` opening brackets is not looked
    at; other text is cut down to its brackets outside strings (escapes dropped, then all
    bytes but brackets and quotes, then the strings: removing two adjacent quotes keeps every
    other character inside or outside a string as it was) and innermost pairs are removed a
    few times, which leaves nothing of a shallow document. Only what is left is walked in
    Python, and only a document found too deep is scanned again to say where.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:  # escaped backslashes, then escaped quotes: what is left cannot matter
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    data = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")  # most strings go here
    if b'"' in data:  # the parts outside the strings that hold brackets
        data = b"".join(data.split(b'"')[::2])
    removed = 0  # levels of innermost pairs removed so far
    while data and removed < 8:
        shorter = data.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(data):
            break
        data, removed = shorter, removed + 1
    if not data:
        return None
    # What is left: unclosed or mismatched brackets, or deep nesting. Its depth is the
    # largest prefix sum of +1 per opening and -1 per closing bracket (summed in C).
    steps = memoryview(data.translate(_STEPS)).cast("b")
    deepest = max(itertools.accumulate(steps))
    if deepest + removed <= MAX_DEPTH:  # an upper bound of the depth
        return None
    return _json_depth_exact(text)


_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
# A JSON string (possibly unterminated), or one bracket.
_JSON_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|[\[\]{}]', re.DOTALL)


def _json_depth_exact(text: str) -> int | None:
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None


def lines_message(command: bool = False) -> str:
    """What is said of a file of JSON Lines read as one JSON document, and the way out.

    Said to a library user (``load()`` of a ``.jsonl`` file ends here too) with
    :func:`storykit.iter_stories`; with ``command``, to the ``storykit`` command's user,
    with its own option (``--from jsonl``: :func:`storykit._records.error_as_options`).
    """
    advice = (
        "name the file .jsonl, or read it as jsonl (--from jsonl)"
        if command
        else "read its stories with storykit.iter_stories() (with format='jsonl' unless the "
        "file is named .jsonl)"
    )
    return (
        "a second JSON document starts here: this is JSON Lines (one story a line), not one "
        f"JSON document; {advice}"
    )


class JsonLinesError(StoryParseError):
    """JSON Lines read as one JSON document: its message is :func:`lines_message`'s.

    The mark that lets the command say it with its own option
    (:func:`storykit._records.error_as_options`), whatever the words.
    """


_ONE_AFTER_ANOTHER = (
    "a second JSON document starts here: a .json file holds one story, and JSON documents "
    "one after another (cat a.json b.json) are not read; give each story a file of its own, "
    "or write them one a line into a .jsonl file (storykit convert a.json b.json -o "
    "all.jsonl)"
)


def _starts_a_line(text: str, index: int) -> bool:
    """Whether a JSON object or array starts ``text[index:]`` at the start of a line."""
    start = text.rfind("\n", 0, index) + 1
    return start > 0 and text[index : index + 1] in ("{", "[") and not text[start:index].strip()


class _HugeNumberError(Exception):
    pass


def _parse_int(digits: str) -> int:
    if len(digits) > _MAX_DIGITS and len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _HugeNumberError(digits)
    return int(digits)


# One decoder for every call: ``json.loads(text, parse_int=…)`` builds a decoder and its C
# scanner each time, about 2 µs of a 20 µs story.
_DECODER = _json.JSONDecoder(parse_int=_parse_int)


def parse_json(text: str, filename: str | None = None, *, lines: bool = False) -> Any:
    """Parse JSON for a reader, nesting depth checked first.

    ``lines``: a second document on a line of its own is said to be JSON Lines of the
    format (storykit JSON's, which storykit writes for several stories: ``--from jsonl``).

    Raises:
        StoryParseError: Not JSON (with line and column), nested deeper than
            :data:`MAX_DEPTH`, or an integer of more than 4,300 digits; with ``lines``,
            a :class:`JsonLinesError` for JSON Lines.
    """
    index = _json_depth_error(text)
    if index is not None:
        line, column = _line_column(text, index)
        raise StoryParseError(
            f"invalid JSON: nested more than {MAX_DEPTH} levels deep (column {column})",
            filename=filename,
            line=line,
        )
    if text.startswith("\ufeff"):  # as json.loads says it
        message = "invalid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig) (column 1)"
        raise StoryParseError(message, filename=filename, line=1)
    try:
        return _DECODER.decode(text)
    except _json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        if lines and exc.msg == "Extra data" and _starts_a_line(text, exc.pos):
            # one line: what convert --to json writes for several stories into x.json; more,
            # documents written as storykit writes one, then run together
            if "\n" not in text[: exc.pos].strip():
                raise JsonLinesError(lines_message(), filename=filename, line=exc.lineno) from None
            message = _ONE_AFTER_ANOTHER
        raise StoryParseError(message, filename=filename, line=exc.lineno) from None
    except _HugeNumberError as exc:
        digits = str(exc.args[0])
        found = _LONG_NUMBER.search(text)
        where = _line_column(text, found.start())[0] if found is not None else None
        raise StoryParseError(
            f"invalid JSON: a number of {len(digits.lstrip('-')):,} digits "
            f"(at most {_MAX_DIGITS:,} are read)",
            filename=filename,
            line=where,
        ) from None
    except RecursionError:  # not reached after the depth check; kept as the last guard
        raise StoryParseError("invalid JSON: nested too deeply", filename=filename) from None


# --------------------------------------------------------------------------- YAML

# What can open a level of YAML nesting: a flow bracket, a block sequence entry, an explicit
# key, or a mapping key's colon. Their count bounds the depth from above.
_YAML_OPENERS = ("[", "{", "-", "?", ":")


def check_yaml_depth(source: str, yaml: Any) -> tuple[int, str] | None:
    """Where ``source`` nests YAML collections more than ``MAX_DEPTH`` deep, else ``None``.

    Returns ``(line, message)`` with the 0-based line within ``source``. Inputs that cannot
    nest that deep (fewer possible openers than ``MAX_DEPTH``) are not parsed at all; the
    others are walked as parser events, which libyaml produces without recursion, before
    its recursive composer sees them.
    """
    if sum(source.count(c) for c in _YAML_OPENERS) <= MAX_DEPTH:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for event in yaml.parse(source, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = int(event.start_mark.line)
                    return line, f"nested more than {MAX_DEPTH} levels deep"
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # the composer reports it, with its own message
    return None


def yaml_alias(source: str, yaml: Any) -> tuple[int, str] | None:
    """Where ``source`` first uses a YAML alias (``*name``), else ``None``.

    Returns ``(line, message)`` with the 0-based line within ``source``. An alias repeats
    its anchor's value without its text: 80 KB of front matter (a list of 16,000 aliases of
    a 16,000-letter value) made a story whose JSON is 256 MB, quadratic in the input. The
    front matter storykit writes has none; one that uses an alias is refused. Only a source
    holding a ``*`` is parsed (as events, in one linear pass).
    """
    if "*" not in source:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(source, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                name = str(event.anchor)
                name = name if len(name) <= 20 else name[:20] + "…"
                message = f"an alias (*{name}) is not read: write its value out"
                return int(event.start_mark.line), message
    except yaml.YAMLError:
        return None  # the composer reports it, with its own message
    return None
