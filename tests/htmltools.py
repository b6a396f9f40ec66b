"""Reading HTML output back with html5lib, the WHATWG parsing algorithm in Python."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import html5lib

Element = ET.Element


def _parser() -> html5lib.HTMLParser:
    return html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)


def parse_fragment(text: str) -> tuple[Element, list[object]]:
    """Parse ``text`` as the content of a ``<div>``; return the root and the parse errors."""
    parser = _parser()
    root = parser.parseFragment(text)
    return root, list(parser.errors)


def parse_document(text: str) -> tuple[Element, list[object]]:
    """Parse a whole page; return the ``<html>`` element and the parse errors."""
    parser = _parser()
    root = parser.parse(text)
    return root, list(parser.errors)


def elements(root: Element) -> list[Element]:
    """Every element under ``root`` in document order (comments left out)."""
    return [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def comments(root: Element) -> list[Element]:
    return [e for e in root.iter() if e.tag is ET.Comment]


def signature(root: Element) -> list[tuple[str, tuple[str, ...]]]:
    """The shape of a tree: each element's tag and attribute names, in document order."""
    return [(e.tag, tuple(sorted(e.attrib))) for e in elements(root)]


def text(element: Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


def find_all(root: Element, tag: str) -> list[Element]:
    return [e for e in elements(root) if e.tag == tag]


def html_normalized(value: str) -> str:
    """What an HTML parser gives back for ``value`` written as text by a correct writer.

    Code points HTML forbids (controls other than white space, surrogates, noncharacters)
    come back as U+FFFD; CR LF and CR come back as LF (input stream preprocessing).
    """
    out = []
    for char in value:
        code = ord(char)
        forbidden = (
            (code < 0x20 and char not in "\t\n\f\r")
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
        )
        out.append("\ufffd" if forbidden else char)
    return "".join(out).replace("\r\n", "\n").replace("\r", "\n")
