"""The fuzzer's mutations: how ``tests/fuzz.py`` makes an input from a seed.

Tokens and characters that storykit's readers treat specially, spliced, repeated, nested and
swapped into a dump's lines (``mutate``), and values set into a JSON document's fields
(``_mutate_json``). Every choice comes from the ``random.Random`` it is given, so an input
reproduces from its run's seed and its index alone.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

# --------------------------------------------------------------------------- mutations

TOKENS = (
    "← Back to stories",
    "View original source →",
    "View original source → https://example.com/a",
    "View original source → javascript:alert(1)",
    "---",
    "...",
    "#",
    "# ",
    "## Heading",
    "**Image:**",
    "**Tags:**",
    "**Credits:**",
    "Photo by Pavel Danilyuk on Pexels",
    "Photo: AFP",
    "By Jane Doe",
    "SCMP",
    "SCMP — May 25, 2026",
    "2026-05-25",
    "2026-13-45",
    "May 25, 2026",
    "AI EVs Semiconductors Smartphones",
    "Crime Miami",
    '"storykit": 1',
    '"storykit": 2',
    '"profile": "storykit/1"',
    '"headlines": [{"role": "main", "value": "T"}]',
    '"bodies": [{"contentType": "text/html", "value": "<![ x"}]',
    '"uri": "urn:x"',
    "null",
    "true",
    "[]",
    "{}",
    '""',
    "title: ",
    "tags:\n  - a",
    "source:\n  published: 2026-05-25",
    "&amp;",
    "&#xd800;",
    "<![ x",
    "<!--",
    "<p>",
    "</h2>",
    "<script>alert(1)</script>",
    "- item",
    "> quote",
    "```",
    "    code",
    "| a | b |",
    "*",
    "_",
    "`",
    "\\",
    "[link](javascript:alert(1))",
    "<http://x>",
    "&a",
    "*a",
    "!!binary",
    "!!python/object:os.system",
    "? ",
    ": ",
    "|",
    ">-",
    "%YAML 1.1",
    '"\\x00"',
    '"\\ud800"',
    "'",
    "<<: *a",
    "~",
    "null",
    "yes",
)
CHARS = (
    "\x00",
    "\x01",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\r",
    "\n",
    "\t",
    " ",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\ufdd0",
    "\uffff",
    "\ud800",
    "\udc00",
    "\udfff",
    "\U0010ffff",
    "\U0001f600",
    "\u0301",
    "\u200b",
    "\u202e",
    '"',
    "'",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "#",
    "-",
    "<",
    ">",
    "&",
    "é",
)


def _random_char(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(CHARS)
    if roll < 0.8:
        return chr(rng.randrange(32, 127))
    return chr(rng.randrange(0x110000))


def _deep(rng: random.Random) -> str:
    depth = rng.choice((99, 100, 101, 150, 1_000, 5_000, 50_000))
    kind = rng.randrange(6)
    if kind == 0:
        return "[" * depth
    if kind == 1:
        return '{"a":' * depth
    if kind == 2:
        return "- " * depth
    if kind == 3:
        return "[" * depth + "]" * depth
    if kind == 4:
        return "{a: " * depth
    return ">" * depth


def _number(rng: random.Random) -> str:
    digits = rng.choice((4_299, 4_300, 4_301, 5_000, 20_000))
    kind = rng.randrange(5)
    if kind == 0:
        return "9" * digits
    if kind == 1:
        return "-" + "1" * digits
    if kind == 2:
        return "1e" + "9" * rng.randrange(1, 8)
    if kind == 3:
        return "0." + "1" * digits
    return rng.choice(("NaN", "Infinity", "-Infinity", "1e400", "-0", "1.5"))


def _lines(text: str) -> list[str]:
    return text.split("\n")


def mutate(rng: random.Random, text: str, pool: list[tuple[str | None, str]]) -> str:
    """One random mutation of ``text``."""
    kind = rng.randrange(18)
    n = len(text)
    pos = rng.randrange(n + 1)
    if kind == 0:  # replace a character
        return text[:pos] + _random_char(rng) + text[pos + 1 :]
    if kind == 1:  # insert characters
        return (
            text[:pos] + "".join(_random_char(rng) for _ in range(rng.randrange(1, 4))) + text[pos:]
        )
    if kind == 2:  # delete a span
        return text[:pos] + text[pos + rng.randrange(1, 50) :]
    if kind in (3, 4, 5):  # delete, duplicate or swap lines
        lines = _lines(text)
        i = rng.randrange(len(lines))
        if kind == 3:
            del lines[i]
        elif kind == 4:
            lines.insert(i, lines[i])
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if kind in (6, 7):  # a token of a format, as a line of its own or inside one
        token = rng.choice(TOKENS)
        if kind == 6:
            lines = _lines(text)
            lines.insert(rng.randrange(len(lines) + 1), token)
            return "\n".join(lines)
        return text[:pos] + token + text[pos:]
    if kind == 8:  # a huge number
        return text[:pos] + _number(rng) + text[pos:]
    if kind == 9:  # deep nesting
        return text[:pos] + _deep(rng) + text[pos:]
    if kind == 10:  # splice with another seed
        other = rng.choice(pool)[1]
        cut = rng.randrange(len(other) + 1)
        return text[:pos] + (other[cut:] if rng.random() < 0.5 else other[:cut])
    if kind == 11:  # truncate
        return text[:pos]
    if kind == 12:  # a lone surrogate, raw or as a JSON escape
        return (
            text[:pos]
            + rng.choice(("\ud800", "\\ud800", "\\udfff", "\\ud83d", "&#xd800;"))
            + text[pos:]
        )
    if kind == 13:  # line ends and white space
        return rng.choice(
            (
                lambda t: t.replace("\n", "\r\n"),
                lambda t: t.replace("\n", "\r"),
                lambda t: t.replace("\n", "\n "),
                lambda t: t.replace("\n\n", "\n"),
                lambda t: t.replace("\n", "\n\n"),
                lambda t: t.replace(" ", "\t"),
                lambda t: "\ufeff" + t,
                lambda t: t + "\n" * rng.randrange(1, 4),
            )
        )(text)
    if kind == 14:  # blank a line
        lines = _lines(text)
        lines[rng.randrange(len(lines))] = rng.choice(("", " ", "\t", "\u00a0", "\u3000"))
        return "\n".join(lines)
    if kind == 15:  # a JSON value replaced (structure-aware; falls back to text)
        return _mutate_json(rng, text) or text[:pos] + rng.choice(TOKENS) + text[pos:]
    if kind == 16:  # duplicate a span
        end = min(n, pos + rng.randrange(1, 200))
        return text[:end] + text[pos:end] * rng.randrange(1, 5) + text[end:]
    # a very long line or span
    return text[:pos] + _random_char(rng) * rng.choice((101, 401, 10_000)) + text[pos:]


_VALUES: tuple[Callable[[random.Random], object], ...] = (
    lambda r: None,
    lambda r: True,
    lambda r: 0,
    lambda r: 1.5,
    lambda r: "",
    lambda r: " ",
    lambda r: "x",
    lambda r: "\ud800",
    lambda r: "a\nb",
    lambda r: "a\x00b",
    lambda r: "2026-05-25",
    lambda r: "2026-05-25T08:30:00+05:30",
    lambda r: "javascript:alert(1)",
    lambda r: "<script>alert(1)</script>",
    lambda r: "\u2028",
    lambda r: "# x",
    lambda r: "---",
    lambda r: [],
    lambda r: {},
    lambda r: ["x", "y"],
    lambda r: {"name": "x"},
    lambda r: {"role": "photo", "name": "x", "provider": None},
    lambda r: {"heading": "H", "paragraphs": ["p"]},
    lambda r: {"heading": None, "paragraphs": []},
    lambda r: [{"value": "v", "role": "main"}],
    lambda r: "x" * r.choice((100, 401, 5000)),
    lambda r: r.choice(TOKENS),
)


def _mutate_json(rng: random.Random, text: str) -> str | None:
    if text.lstrip()[:1] != "{":
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    places: list[tuple[object, object]] = []

    def walk(value: object, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(value, dict):
            for key in value:
                places.append((value, key))
                walk(value[key], depth + 1)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                places.append((value, i))
                walk(item, depth + 1)

    walk(data, 0)
    if not places:
        return None
    container, key = rng.choice(places)
    action = rng.randrange(4)
    if action == 0 and isinstance(container, dict):
        del container[key]
    elif action == 1 and isinstance(container, list):
        container.insert(int(key), rng.choice(_VALUES)(rng))  # type: ignore[call-overload]
    elif action == 2 and isinstance(container, dict):
        container[rng.choice(("extra", "title", "tags", "profile", "headline", "keywords"))] = (
            rng.choice(_VALUES)(rng)
        )
    else:
        container[key] = rng.choice(_VALUES)(rng)  # type: ignore[index]
    return json.dumps(data, ensure_ascii=rng.random() < 0.5, indent=rng.choice((None, 2)))
