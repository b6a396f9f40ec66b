from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import storykit
from storykit import StoryParseError, UnknownFormatError
from storykit.formats import by_suffix, names, sniff
from tests.conftest import SEED


@pytest.fixture
def seed_story() -> storykit.Story:
    return storykit.load(SEED)


def test_load_from_path_str_and_files(seed_story: storykit.Story) -> None:
    assert storykit.load(str(SEED)) == seed_story
    with SEED.open("rb") as binary:
        assert storykit.load(binary) == seed_story
    with SEED.open(encoding="utf-8") as text:
        assert storykit.load(text) == seed_story
    assert storykit.load(io.StringIO(SEED.read_text("utf-8"))) == seed_story


def test_loads_sniffs_the_format(seed_story: storykit.Story) -> None:
    as_json = storykit.dumps(seed_story, "json")
    assert storykit.loads(as_json) == seed_story
    assert storykit.loads(SEED.read_text("utf-8")) == seed_story
    assert storykit.loads(as_json.encode("utf-8")) == seed_story
    assert sniff("  {") == "json" and sniff("← Back") == "text"


def test_sniffing_asks_the_specific_json_formats_first(seed_story: storykit.Story) -> None:
    ninjs = storykit.dumps(seed_story, "ninjs")
    assert sniff(ninjs) == "ninjs"
    assert storykit.loads(ninjs) == seed_story
    assert sniff(storykit.dumps(seed_story, "json")) == "json"


def test_dump_picks_the_format_from_the_suffix(tmp_path: Path, seed_story: storykit.Story) -> None:
    storykit.dump(seed_story, tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text("utf-8"))["storykit"] == 1
    storykit.dump(seed_story, tmp_path / "s.txt")
    assert (tmp_path / "s.txt").read_bytes() == SEED.read_bytes()
    assert storykit.load(tmp_path / "s.json") == seed_story
    out = io.StringIO()
    storykit.dump(seed_story, out, "text")
    assert out.getvalue() == SEED.read_text("utf-8")


def test_unknown_formats_list_the_known_ones(tmp_path: Path, seed_story: storykit.Story) -> None:
    with pytest.raises(
        UnknownFormatError, match=r"unknown format 'yaml'; known formats: .*json.*text"
    ):
        storykit.dumps(seed_story, "yaml")
    with pytest.raises(UnknownFormatError, match="unknown format 'yaml'"):
        storykit.loads("x", "yaml")
    with pytest.raises(UnknownFormatError, match=r"suffix '\.xyz'"):
        storykit.dump(seed_story, tmp_path / "s.xyz")
    assert "text" in names() and by_suffix(".TXT") == "text" and by_suffix(".xyz") is None


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError, match="takes a Story"):
        storykit.dumps("not a story", "json")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes str or bytes"):
        storykit.loads(42)  # type: ignore[arg-type]


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(StoryParseError) as info:
        storykit.load(path)
    assert info.value.filename == str(path)
    assert str(info.value).startswith(f"{path}: no story here")


def test_binary_data_is_a_parse_error() -> None:
    with pytest.raises(StoryParseError, match="binary data"):
        storykit.loads(b"\x00\x01\x02\x03")
    with pytest.raises(StoryParseError, match="binary data"):
        storykit.loads("abc\x00def")


def test_parse_errors_pickle() -> None:
    import pickle

    error = StoryParseError("bad", filename="f.txt", line=3, path="title")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.filename, copy.line, copy.path) == ("bad", "f.txt", 3, "title")
    assert str(copy) == "f.txt:3: bad"


def test_import_is_light() -> None:
    code = (
        "import sys, storykit; print(sorted(m for m in ('cattrs', 'dateutil') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
