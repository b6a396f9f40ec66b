"""A griffe extension for the API reference: the Sphinx markup in docstrings, as Markdown.

storykit's docstrings are Google style, but use a few reStructuredText habits that read well
in ``help()``: cross-reference roles (``:func:`iter_stories```, ``:class:`~storykit.Story```),
simple tables (columns under ``====  ====`` rules) and literal blocks introduced by ``::``.
mkdocstrings renders docstrings as Markdown, where these would show as raw text. Once griffe
has loaded the package, this extension rewrites each docstring for the site only (the source
is left alone):

- a role becomes an *optional* autorefs cross-reference: a link when the target is documented
  on the site, plain code when it is not (no warning either way); the name is resolved from
  the docstring's own scope, as Sphinx would;
- a simple table becomes a Markdown table (a cell's continuation lines are joined);
- a paragraph ending in ``::`` ends in ``:`` (the indented block after it is code in
  Markdown already).

Loaded from ``mkdocs.yml`` (``extensions: [docs/hooks/griffe_sphinx.py:SphinxMarkup]``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|meth|class|exc|mod|attr|data|obj|const):`(~?)([\w.]+)`")
RULE = re.compile(r"^(=+)(?:  +=+)+$")
LITERAL = re.compile(r"(?<=\S)::$", re.M)


def _columns(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"=+", rule)]


def _tables(text: str) -> str:
    """Turn each reST simple table (rule, header, rule, rows, rule) into a Markdown table."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not (RULE.match(lines[i]) and i + 2 < len(lines) and RULE.match(lines[i + 2])):
            out.append(lines[i])
            i += 1
            continue
        spans = _columns(lines[i])
        spans[-1] = (spans[-1][0], 10**6)  # the last column takes the rest of the line

        def cells(line: str, spans: list[tuple[int, int]] = spans) -> list[str]:
            return [line[start:end].strip() for start, end in spans]

        header = cells(lines[i + 1])
        rows: list[list[str]] = []
        i += 3
        while i < len(lines) and not RULE.match(lines[i]):
            row = cells(lines[i])
            if rows and not row[0]:  # a continuation line
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], row, strict=True)]
            elif any(row):
                rows.append(row)
            i += 1
        i += 1  # the closing rule
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + " --- |" * len(header))
        out.extend("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows)
    return "\n".join(out)


class SphinxMarkup(griffe.Extension):
    """Rewrite roles, simple tables and ``::`` in every docstring as Markdown."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Rewrite one object's docstring."""
        docstring = obj.docstring
        if docstring is None:
            return

        def link(match: re.Match[str]) -> str:
            short, target = match.group(1) == "~", match.group(2)
            shown = target.rsplit(".", 1)[-1] if short else target
            try:
                identifier = obj.resolve(target) if "." not in target else target
                # a re-exported name (storykit.iter_records) links to where it is defined
                found = loader.modules_collection[identifier]
                identifier = found.final_target.path if found.is_alias else found.path
            except (griffe.NameResolutionError, griffe.AliasResolutionError, KeyError):
                identifier = target
            return (
                f'<autoref identifier="{html.escape(identifier)}" optional>'
                f"<code>{html.escape(shown)}</code></autoref>"
            )

        value = ROLE.sub(link, docstring.value)
        value = LITERAL.sub(":", _tables(value))
        docstring.value = value
