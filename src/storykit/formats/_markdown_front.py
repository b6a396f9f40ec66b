"""Reading a Markdown page's YAML front matter into typed values, for the Markdown reader.

:class:`FrontMatter` is the front-matter half of :class:`._markdown_reader.Reader`: it
composes the YAML (with its depth, alias and encoding checks done first), then reads each
key as the type the story needs, refusing what does not fit with the file and line. The
body half, the walk of the page's blocks, is :mod:`._markdown_reader`'s.
"""

from __future__ import annotations

import datetime as _dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from storykit._dates import parse_iso
from storykit._guards import check_yaml_depth, yaml_alias
from storykit.errors import StoryParseError
from storykit.model import Credit, surrogate_message, unencodable

if TYPE_CHECKING:
    from yaml.nodes import Node

_T = TypeVar("_T")
_KEYS = ("title", "date", "tags", "source", "image", "credits", "extras")
MAX_FRONT_MATTER = 1 << 20
"""The most characters of front matter read (a story's is a few hundred): its YAML takes
some 70 bytes of memory a character to compose, so 16 MiB of it (a batch command's limit
for a story) would take over a gigabyte."""


class FrontMatter:
    """The front matter of the page in ``lines`` (set by the reader), read with ``yaml``."""

    filename: str | None
    yaml: Any
    lines: list[str]

    def error(self, line: int | None, message: str) -> StoryParseError:
        return StoryParseError(message, filename=self.filename, line=line)

    # ----------------------------------------------------------------- front matter

    def read_front(self) -> tuple[dict[str, Any] | None, int]:
        """The front matter's values, checked, and the body's first line index.

        ``None`` for a page without front matter (or an empty one), else as
        :meth:`front_matter` gives them. The cycle collector is held off meanwhile
        (:func:`_collector_paused`), and the composed YAML let go before the body is read.
        """
        with _collector_paused():
            node, offset = self.split()
            return (None if node is None else self.front_matter(node)), offset

    def split(self) -> tuple[Node | None, int]:
        """Compose the front matter (if any); return it and the body's first line index."""
        lines = self.lines
        if lines[0].rstrip() != "---":
            return None, 0
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                break
        else:
            raise self.error(1, "the front matter that starts here has no closing '---' line")
        source = "\n".join(lines[1:index])
        if len(source) > MAX_FRONT_MATTER:
            raise self.error(
                1,
                f"the front matter that starts here is {len(source):,} characters long; "
                f"storykit reads at most {MAX_FRONT_MATTER:,} (a story's is a few lines)",
            )
        yaml = self.yaml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        bad = unencodable(source)  # libyaml would raise UnicodeEncodeError
        if bad is not None:
            row = source.count("\n", 0, bad) + 2
            column = bad - source.rfind("\n", 0, bad)
            raise self.error(row, surrogate_message(source[bad], f"at column {column}"))
        deep = check_yaml_depth(source, yaml)  # libyaml's composer would overflow the C stack
        if deep is not None:
            raise self.error(deep[0] + 2, f"invalid YAML front matter: {deep[1]}")
        alias = yaml_alias(source, yaml)  # would repeat a value without its text
        if alias is not None:
            raise self.error(alias[0] + 2, f"invalid YAML front matter: {alias[1]}")
        try:
            node: Node | None = yaml.compose(source, Loader=loader)
        except yaml.YAMLError as exc:
            # PyYAML's own message counts lines from the front matter: keep only the what.
            parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
            what = ", ".join(p for p in parts if p) or str(exc).split("\n", 1)[0]
            line = _yaml_line(exc, source)
            raise self.error(line, f"invalid YAML front matter: {what}") from None
        return node, index + 1

    def front_matter(self, node: Node | None) -> dict[str, Any]:
        """The front matter's values, checked: ``{key: (value, line)}``."""
        if node is None:
            return {}
        mapping = self.mapping(node, "the front matter", _KEYS)
        fields: dict[str, Any] = {}
        for key, (value, line) in mapping.items():
            where = key
            if key == "title":
                fields[key] = (self.text_value(value, where, optional=False), line)
            elif key == "date":  # the published date (older pages: source.published)
                fields[key] = (self.date_value(value, where), line)
            elif key == "source":
                items = self.mapping(value, where, ("name", "published", "url"))
                source: dict[str, Any] = {}
                for name, (item, _) in items.items():
                    if name == "published":
                        source[name] = self.date_value(item, "source.published")
                    else:
                        source[name] = self.text_value(item, f"source.{name}")
                fields[key] = (source, line)
            elif key == "image":
                items = self.mapping(value, where, ("alt", "credit"))
                image: dict[str, Any] = {}
                for name, (item, _) in items.items():
                    image[name] = (
                        self.text_value(item, "image.alt")
                        if name == "alt"
                        else self.credit(item, "image.credit")
                    )
                fields[key] = (image, line)
            elif key == "credits":
                nodes = self.sequence(value, where)
                fields[key] = (
                    tuple(
                        self.credit(n, f"credits[{i}]", optional=False) for i, n in enumerate(nodes)
                    ),
                    line,
                )
            else:  # tags, extras
                nodes = self.sequence(value, where)
                fields[key] = (
                    tuple(
                        self.text_value(n, f"{key}[{i}]", optional=False)
                        for i, n in enumerate(nodes)
                    ),
                    line,
                )
        return fields

    def line_of(self, node: Node) -> int:
        return int(node.start_mark.line) + 2  # 1-based, after the opening '---' line

    def mapping(self, node: Node, where: str, keys: tuple[str, ...]) -> dict[str, tuple[Node, int]]:
        yaml = self.yaml
        if not isinstance(node, yaml.MappingNode):
            raise self.error(self.line_of(node), f"{where}: expected a mapping of keys")
        out: dict[str, tuple[Node, int]] = {}
        for key_node, value_node in node.value:
            line = self.line_of(key_node)
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in keys:
                kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                shown = (
                    f"unknown key {key!r}" if key is not None else f"a key that is {kind}, not text"
                )
                msg = f"{where}: {shown} (expected one of: {', '.join(keys)})"
                raise self.error(line, msg)
            if key in out:
                raise self.error(line, f"{where}: key {key!r} given twice")
            out[key] = (value_node, line)
        return out

    def sequence(self, node: Node, where: str) -> list[Node]:
        yaml = self.yaml
        if isinstance(node, yaml.ScalarNode) and self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(self.line_of(node), f"{where}: expected a list")
        items: list[Node] = node.value
        return items

    def is_null(self, node: Node) -> bool:
        # A plain scalar has style None (or "" from the C loader); quoted "null" is text.
        return not getattr(node, "style", None) and node.value in (
            "",
            "~",
            "null",
            "Null",
            "NULL",
        )

    def text_value(self, node: Node, where: str, *, optional: bool = True) -> str | None:
        """A scalar, always as text (no YAML 1.1 booleans or dates); ``null`` is ``None``."""
        yaml = self.yaml
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(self.line_of(node), f"{where}: expected text")
        if self.is_null(node):
            if optional:
                return None
            raise self.error(self.line_of(node), f"{where}: expected text, got null")
        value: str = node.value
        if not value.strip():
            raise self.error(self.line_of(node), f"{where}: must not be empty or blank")
        return value

    def date_value(self, node: Node, where: str) -> _dt.date | None:
        """An ISO 8601 date or date-time (quoted or plain), or ``None`` for ``null``."""
        text = self.text_value(node, where)
        if text is None:
            return None
        try:
            return parse_iso(text)
        except ValueError as exc:
            raise self.error(self.line_of(node), f"{where}: {exc}") from None

    def credit(self, node: Node, where: str, *, optional: bool = True) -> Credit | None:
        yaml = self.yaml
        if optional and isinstance(node, yaml.ScalarNode) and self.is_null(node):
            return None
        items = self.mapping(node, where, ("role", "name", "provider"))
        values = {k: self.text_value(v, f"{where}.{k}") for k, (v, _) in items.items()}
        return self.build(self.line_of(node), where, Credit, **values)

    def build(self, line: int | None, where: str, kind: Callable[..., _T], **kw: Any) -> _T:
        try:
            return kind(**kw)
        except (TypeError, ValueError) as exc:
            raise self.error(line, f"{where}: {exc}") from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the front matter is composed and read.

    The composer keeps every node until the whole graph is made and read, each with its two
    marks: some six objects a value, which the collector walks again at each of its passes,
    more slowly the more there are. Front matter of credits took 1.4 s to compose at 1 MiB
    and 6.8 s at 4 MiB, against 0.2 s and 0.7 s with the collector held off (linear). The
    graph holds no cycle to collect (an alias, YAML's one way to make one, is refused
    before); what other threads leave meanwhile is collected after. The collector is left
    as it was found (the caller may have it off).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _yaml_line(exc: Exception, source: str) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return int(mark.line) + 2
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        return source.count("\n", 0, position) + 2
    return None
