"""Every writer's output on the whole corpus is byte for byte what it was before the fast paths.

``tests/golden/corpus-writers.sha256.json`` holds, per corpus story and writer, the first 16
hex digits of the SHA-256 of the output as the writers wrote it before the JSON writers laid
out C-encoded pieces themselves and before the readers built trusted objects (computed from
that code, the seed's entries checked against tests/golden). A writer that changes its
output on purpose regenerates its entries (``python -m tests.test_writer_bytes WRITER``);
any other difference is a regression. Beside it,
the fast JSON writer is compared with the converter + ``json.dumps`` it replaces, on the
corpus and on any story hypothesis makes.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import storykit
from storykit import Story
from storykit.formats import html, jsonld, ninjs, text
from storykit.formats import json as json_format
from tests.conftest import CORPUS_STORIES, NO_CORPUS, ROOT, SEED
from tests.strategies import stories

HASHES = ROOT / "tests" / "golden" / "corpus-writers.sha256.json"

WRITERS: dict[str, Callable[[Story], str]] = {
    "json": json_format.dumps,
    "json-compact": lambda s: json_format.dumps(s, indent=None),
    "ninjs": ninjs.dumps,
    "ninjs-compact": lambda s: ninjs.dumps(s, indent=None),
    "jsonld": jsonld.dumps,
    "jsonld-html-safe": lambda s: jsonld.dumps(s, html_safe=True, lang="en"),
    "html": html.dumps,
    "html-standalone": lambda s: html.dumps(s, standalone=True),
    "text": text.dumps,
    "markdown": lambda s: storykit.dumps(s, "markdown"),
}


def _read(path: Path) -> Story:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return text.loads(path.read_text(encoding="utf-8"))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@pytest.mark.parametrize("writer", WRITERS)
def test_seed_unchanged(writer: str) -> None:
    expected = json.loads(HASHES.read_text(encoding="utf-8"))[SEED.stem][writer]
    assert _digest(WRITERS[writer](_read(SEED))) == expected


@pytest.mark.parametrize("writer", WRITERS)
def test_corpus_unchanged(writer: str) -> None:
    if not CORPUS_STORIES:
        pytest.skip(NO_CORPUS)
    hashes = json.loads(HASHES.read_text(encoding="utf-8"))
    changed = [
        path.stem
        for path in CORPUS_STORIES
        if path.stem in hashes
        and _digest(WRITERS[writer](_read(path))) != hashes[path.stem][writer]
    ]
    assert changed == []
    assert all(path.stem in hashes for path in CORPUS_STORIES)


def _slow_json(story: Story, indent: int | None) -> str:
    separators = (",", ":") if indent is None else (",", ": ")
    data = json_format.to_dict(story)
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    return text if indent is None else text + "\n"


@pytest.mark.parametrize("indent", [None, 0, 2, 3])
def test_fast_json_writer_matches_json_dumps_on_the_corpus(indent: int | None) -> None:
    for path in [SEED, *CORPUS_STORIES]:
        story = _read(path)
        assert json_format.dumps(story, indent=indent) == _slow_json(story, indent)


@given(stories(), st.sampled_from([None, 0, 2, 4]))
def test_fast_json_writer_matches_json_dumps(story: Story, indent: int | None) -> None:
    assert json_format.dumps(story, indent=indent) == _slow_json(story, indent)


@given(stories())
def test_fast_writers_match_json_dumps_for_ninjs_and_jsonld(story: Story) -> None:
    assert (
        ninjs.dumps(story)
        == json.dumps(ninjs.to_dict(story), ensure_ascii=False, indent=2, separators=(",", ": "))
        + "\n"
    )
    data = jsonld.to_dict(story)
    assert jsonld.dumps(story) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_a_subclass_is_written_by_the_converter() -> None:
    @attrs.frozen
    class Noted(Story):
        note: str = attrs.field(default="kept", kw_only=True)

    story = Noted("Title", tags=("AI",))
    written = json.loads(json_format.dumps(story))
    assert written["note"] == "kept"  # the converter writes the subclass's own field
    assert written["tags"] == ["AI"]


def _regenerate(writers: list[str]) -> None:
    """Recompute the named writers' entries: for a writer that changed its output on purpose."""
    data = json.loads(HASHES.read_text(encoding="utf-8"))
    for writer in writers:
        for path in [SEED, *CORPUS_STORIES]:
            data[path.stem][writer] = _digest(WRITERS[writer](_read(path)))
    HASHES.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m tests.test_writer_bytes WRITER...
    import sys

    _regenerate(sys.argv[1:])
