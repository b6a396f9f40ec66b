"""Stories in notebooks: one story as an article, many as a compact table.

A single :class:`~storykit.Story` shows itself as a styled article in Jupyter: its
``_repr_html_`` is :func:`story_html` and its ``_repr_markdown_`` :func:`story_markdown`
(the model knows no format; ``storykit._display`` hands these to it). For a collection,
:func:`table` gives one row per story::

    stories = list(storykit.iter_stories("archive/"))
    storykit.table(stories)          # the last expression of a cell: shown as a table

The table is HTML in Jupyter, a Markdown (GFM) table where Markdown is preferred, and aligned
plain text in a terminal (``print(table)`` or its ``repr``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import attrs

from storykit.errors import UnrepresentableError
from storykit.model import Story

__all__ = ["StoryTable", "story_html", "story_markdown", "table"]

COLUMNS = ("#", "Title", "Source", "Date", "Tags")

_SCOPE_REPEAT = 3
"""How often a notebook stylesheet repeats its scope class in front of each selector.

Notebook front ends style rendered HTML with selectors such as JupyterLab's
``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` (right-aligned cells, specificity
0,2,1) and ``.jp-RenderedHTMLCommon ul`` (list bullets); classic Notebook's ``.rendered_html
td`` and VS Code's are weaker. ``.storykit-table.storykit-table.storykit-table td`` (0,3,1)
outranks them all wherever the styles come in the page, and still matches only storykit's
own output.
"""


_REM = re.compile(r"(\d)rem\b")


def _split_selectors(selectors: str) -> list[str]:
    """``a, :is(b, c)`` → ``["a", ":is(b, c)"]``: commas inside parentheses stay."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(selectors):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(selectors[start:i].strip())
            start = i + 1
    parts.append(selectors[start:].strip())
    return [p for p in parts if p]


def scoped_css(css: str, scope: str) -> str:
    """``css`` with every selector confined to ``.scope`` and made to outrank notebook styles.

    Each selector ``S`` becomes ``.scope.scope.scope S`` (see :data:`_SCOPE_REPEAT`): it
    matches only inside an element of class ``scope`` and wins over JupyterLab's, classic
    Notebook's and VS Code's styles for the same elements. ``rem`` lengths become ``em``:
    a notebook's root font size is not its outputs' (classic Notebook's is 10px). ``css``
    holds plain rules only (no ``@media`` blocks), one ``selectors { declarations }`` after
    another.

    Args:
        css: The stylesheet, written as if alone on the page.
        scope: The class name of the element that holds the output.

    Returns:
        The scoped stylesheet, one rule per line.
    """
    prefix = f".{scope}" * _SCOPE_REPEAT
    out = []
    for rule in css.split("}"):
        if not rule.strip():
            continue
        selectors, _, body = rule.partition("{")
        scoped = [f"{prefix} {selector}" for selector in _split_selectors(selectors)]
        body = _REM.sub(r"\1em", " ".join(body.split()))
        out.append(f"{', '.join(scoped)} {{ {body} }}")
    return "\n".join(out) + "\n"


def story_html(story: Story) -> str:
    """The story for a notebook (``Story._repr_html_``): the HTML writer's fragment, styled.

    The fragment comes after its stylesheet, scoped to ``storykit-notebook`` and made
    specific enough to beat JupyterLab's, Notebook's and VS Code's styles (:func:`scoped_css`).
    """
    from storykit.formats.html import STORY_CSS, dumps  # noqa: PLC0415 - keep import light

    css = scoped_css(f"{STORY_CSS}.storykit {{ margin: 0; }}", "storykit-notebook")
    return f'<div class="storykit-notebook"><style>\n{css}</style>\n{dumps(story)}</div>\n'


def story_markdown(story: Story) -> str | None:
    """The story for a notebook that prefers Markdown (``Story._repr_markdown_``).

    The Markdown writer's output without front matter; ``None`` for a story the writer
    refuses (text holding U+0000, say): the notebook then shows the HTML display, where an
    exception here would show a traceback in the story's place.
    """
    from storykit.formats.markdown import dumps  # noqa: PLC0415 - keep import light

    try:
        return dumps(story, front_matter=False)
    except UnrepresentableError:
        return None


_TABLE_CSS = scoped_css(
    """
    table { border-collapse: collapse; font-size: .9em; margin: 0; table-layout: auto; }
    caption { text-align: left; opacity: .75; padding: .2em 0; }
    th, td { text-align: left; vertical-align: top; padding: .25em .6em; line-height: 1.4;
             border: none; white-space: normal; overflow-wrap: anywhere; unicode-bidi: plaintext; }
    td:nth-child(2) { min-width: 16em; }
    thead th { border-bottom: 1px solid rgba(128, 128, 128, .5); }
    tbody tr:nth-child(odd) { background: transparent; }
    tbody tr:nth-child(even) { background: rgba(128, 128, 128, .08); }
    th:first-child, td:first-child { text-align: right; }
    td:first-child { opacity: .6; }
    td:nth-child(4) { white-space: nowrap; }
    """,
    "storykit-table",
)
# Inline Markdown syntax (a table cell holds no blocks), GFM's | and ~, and Jupyter's $ math.
_TITLE_WIDTH = 60
_TAGS_WIDTH = 40


def _plain(text: str) -> str:
    """One line of safe plain text: white space runs become one space, controls U+FFFD."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else " " if c.isspace() else "\ufffd" for c in text)
    return " ".join(text.split())


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two, marks none."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out).rstrip() + "…"


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _stories(stories: Iterable[Story]) -> tuple[Story, ...]:
    if isinstance(stories, Story):
        msg = "stories: expected an iterable of stories, got one Story"
        raise TypeError(msg)
    return tuple(stories)


@attrs.frozen(repr=False)
class StoryTable:
    """Many stories as one table: title, source, date and tags, one row per story.

    Shown as HTML in Jupyter, as a GFM table by ``_repr_markdown_``, and as aligned text by
    ``str()`` and ``repr()``. Iterating gives the stories back.
    """

    stories: tuple[Story, ...] = attrs.field(converter=_stories)
    """The stories, in order."""
    max_rows: int | None = attrs.field(default=60, kw_only=True)
    """Rows shown at most (``None``: all); the rest are counted in a last line."""

    def __attrs_post_init__(self) -> None:
        for i, story in enumerate(self.stories):
            if not isinstance(story, Story):
                msg = f"stories[{i}]: expected Story, got {type(story).__name__}"
                raise TypeError(msg)
        if self.max_rows is not None and (not isinstance(self.max_rows, int) or self.max_rows < 1):
            msg = f"max_rows: expected a positive integer or None, got {self.max_rows!r}"
            raise ValueError(msg)

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories)

    def __getitem__(self, index: int) -> Story:
        return self.stories[index]

    def _shown(self) -> tuple[Story, ...]:
        return self.stories if self.max_rows is None else self.stories[: self.max_rows]

    def _more(self) -> str | None:
        hidden = len(self.stories) - len(self._shown())
        if not hidden:
            return None
        return f"… and {hidden} more {'story' if hidden == 1 else 'stories'}"

    def _caption(self) -> str:
        n = len(self.stories)
        return f"{n} {'story' if n == 1 else 'stories'}"

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The shown rows as plain strings: ``(title, source, date, tags)``."""
        from storykit.formats.html import human_date  # noqa: PLC0415 - keep import light

        out = []
        for story in self._shown():
            source = story.source.name if story.source and story.source.name else ""
            date = human_date(story.published) if story.published is not None else ""
            out.append((story.title, source, date, ", ".join(story.tags)))
        return out

    def _repr_html_(self) -> str:
        """The table as HTML, for Jupyter (every value escaped; titles link to originals)."""
        from storykit.formats.html import escape, link_href, machine_date  # noqa: PLC0415

        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
        out = [
            f'<div class="storykit-table"><style>\n{_TABLE_CSS}</style>',
            f"<table><caption>{self._caption()}</caption>",
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
        ]
        for number, (story, (title, source, date, tags)) in enumerate(
            zip(self._shown(), self.rows(), strict=True), start=1
        ):
            href = link_href(story.url) if story.url is not None else None
            cell = escape(title)
            if href is not None:
                cell = f'<a href="{escape(href)}" rel="noopener noreferrer">{cell}</a>'
            when = escape(date)
            if story.published is not None:
                when = f'<time datetime="{machine_date(story.published)}">{when}</time>'
            out.append(
                f"<tr><td>{number}</td><td>{cell}</td><td>{escape(source)}</td>"
                f"<td>{when}</td><td>{escape(tags)}</td></tr>"
            )
        more = self._more()
        if more is not None:
            out.append(f'<tr><td></td><td colspan="4">{escape(more)}</td></tr>')
        out += ["</tbody>", "</table>", "</div>"]
        return "\n".join(out) + "\n"

    def _repr_markdown_(self) -> str:
        """The table as GFM Markdown; every value shows literally."""
        from storykit.formats.html import link_href  # noqa: PLC0415
        from storykit.formats.markdown import escape, link_destination  # noqa: PLC0415

        out = [
            "| " + " | ".join(COLUMNS) + " |",
            "| --: | --- | --- | --- | --- |",
        ]
        for number, (story, row) in enumerate(zip(self._shown(), self.rows(), strict=True), 1):
            title, source, date, tags = (escape(_plain(value), cell=True) for value in row)
            href = link_href(story.url) if story.url is not None else None
            if href is not None:
                title = f"[{title}]({link_destination(href)})"
            out.append(f"| {number} | {title} | {source} | {date} | {tags} |")
        more = self._more()
        if more is not None:
            out.append(f"\n{more}")
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        """The table as aligned plain text, long titles and tag lists clipped."""
        rows = [
            (
                str(n),
                _clip(_plain(title), _TITLE_WIDTH),
                _plain(source),
                date,
                _clip(_plain(tags), _TAGS_WIDTH),
            )
            for n, (title, source, date, tags) in enumerate(self.rows(), start=1)
        ]
        widths = [max(_width(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        lines = []
        for row in [COLUMNS, *rows]:
            cells = [_pad(row[0], widths[0], right=True)]
            cells += [_pad(value, width) for value, width in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells).rstrip())
        more = self._more()
        if more is not None:
            lines.append(more)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def table(stories: Iterable[Story], *, max_rows: int | None = 60) -> StoryTable:
    """A compact table of ``stories`` (title, source, date, tags) for notebooks and terminals.

    Args:
        stories: Any iterable of stories, such as ``storykit.iter_stories("archive/")``.
        max_rows: Rows shown at most; ``None`` shows all.

    Returns:
        A :class:`StoryTable`: the last expression of a Jupyter cell shows as HTML.

    Raises:
        TypeError: An item is not a :class:`~storykit.Story`.
        ValueError: ``max_rows`` is not a positive integer or ``None``.
    """
    return StoryTable(stories, max_rows=max_rows)
