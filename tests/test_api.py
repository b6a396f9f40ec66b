from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit import StoryParseError, UnknownFormatError
from storykit.formats import by_suffix, names, sniff
from storykit.tags import TagSplitter, split_tags
from tests.collection_helpers import _fed_later
from tests.conftest import SEED, run_python


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


@pytest.mark.parametrize(
    "text", ['"@context"', '"https://jsonfeed.org/version/1.1"', "<feed>", '{"@type": 1}']
)
def test_a_story_that_holds_a_written_only_format_s_marks_is_read(text: str) -> None:
    # found by Hypothesis: a credit provider "@context" early in a story's JSON made
    # storykit.loads call the story schema.org JSON-LD and refuse it
    story = storykit.Story(
        text, credits=[storykit.Credit("photo", None, text)], sections=[], tags=[text]
    )
    for data in (storykit.dumps(story, "json"), storykit.dumps(story, "json", indent=None)):
        assert storykit.loads(data) == story


def test_written_only_formats_are_still_named() -> None:
    story = storykit.Story("T", sections=[storykit.Section(None, ["Para."])])
    for fmt, what in (("jsonld", "schema.org JSON-LD"), ("html", "HTML")):
        with pytest.raises(StoryParseError, match=what):
            storykit.loads(storykit.dumps(story, fmt))
    for kind, what in (("jsonfeed", "a JSON Feed"), ("atom", "an Atom feed")):
        with pytest.raises(StoryParseError, match=what):
            storykit.loads(storykit.feed([story], kind, title="F"))


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


def test_a_ninjs_json_file_is_ninjs_to_load_and_dump_as_to_the_command_line(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    # ninjs owns .ninjs.json: dump() wrote storykit JSON there (the last suffix, .json) while
    # `convert -o x.ninjs.json` wrote ninjs, and neither file read back (load() and the
    # command line read it as storykit JSON: "expected storykit JSON version 1")
    storykit.dump(seed_story, tmp_path / "api.ninjs.json")
    written = json.loads((tmp_path / "api.ninjs.json").read_text("utf-8"))
    assert written == json.loads(storykit.dumps(seed_story, "ninjs"))
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", str(SEED), "-o", "cli.ninjs.json"],
        capture_output=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cli.ninjs.json").read_text("utf-8") == storykit.dumps(seed_story, "ninjs")
    assert storykit.load(tmp_path / "cli.ninjs.json") == seed_story
    assert storykit.load(tmp_path / "api.ninjs.json") == seed_story
    assert list(storykit.iter_stories(tmp_path)) == [seed_story, seed_story]  # (the walk)
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "validate", "cli.ninjs.json"],
        capture_output=True,
        encoding="utf-8",
        cwd=tmp_path,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "1 story checked: 0 errors, 0 warnings\n")


@pytest.mark.parametrize("splitter", [1, "x", split_tags])
def test_a_splitter_that_is_no_tag_splitter_is_refused_naming_the_option(splitter: object) -> None:
    # splitter=1 failed inside the splitting: "'int' object has no attribute 'split'"
    with pytest.raises(TypeError, match=r"^splitter: expected a storykit\.tags\.TagSplitter, got "):
        storykit.load(SEED, splitter=splitter)
    with pytest.raises(TypeError, match=r"^splitter: expected a storykit\.tags\.TagSplitter"):
        storykit.loads(SEED.read_text("utf-8"), splitter=splitter)
    subclass = type("Mine", (TagSplitter,), {})
    assert storykit.load(SEED, splitter=subclass()) == storykit.load(SEED)


def test_dump_makes_no_folder(tmp_path: Path, seed_story: storykit.Story) -> None:
    """``dump(story, "/nonexist/a.json")`` made the missing folders, which ``open`` and
    ``Path.write_text`` do not (nor ``to_sqlite``): a typo in a path made a tree. The error
    names the file and the folder that is missing; the command's ``-o`` still makes it."""
    writes = {
        "a.json": lambda path: storykit.dump(seed_story, path),
        "a.jsonl": lambda path: storykit.dump_many([seed_story], path),
        # said 'No such file or directory' of the database, not that its folder is missing
        "a.db": lambda path: storykit.to_sqlite([seed_story], path),
    }
    try:
        import pyarrow  # noqa: F401 - the parquet extra, when installed

        writes["a.parquet"] = lambda path: storykit.to_parquet([seed_story], path)
    except ImportError:
        pass
    for name, write in writes.items():
        path = tmp_path / "new" / "sub" / name
        with pytest.raises(FileNotFoundError) as caught:
            write(path)
        assert str(caught.value) == (f"[Errno 2] the folder {path.parent} does not exist: '{path}'")
        assert not (tmp_path / "new").exists()
    from storykit.cli import main

    out = tmp_path / "new" / "sub" / "a.json"
    assert main(["convert", str(SEED), "-o", str(out)]) == 0
    assert storykit.load(out) == seed_story
    out = tmp_path / "new" / "sub" / "a.db"
    assert main(["convert", str(SEED), "-o", str(out)]) == 0
    assert list(storykit.iter_stories(out)) == [seed_story]


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
        storykit.dumps("not a story", "json")
    with pytest.raises(TypeError, match="takes str or bytes"):
        storykit.loads(42)


@pytest.mark.parametrize("many", [list, tuple, iter])
def test_dumps_and_dump_of_several_stories_name_dump_many(
    tmp_path: Path, seed_story: storykit.Story, many: Any
) -> None:
    # found as a new user: dumps(stories, "json") said only "dumps() takes a Story, not
    # list", and nothing of the function that writes several (as JSON Lines)
    hint = "; several stories are written as JSON Lines with storykit.dump_many(stories, path)"
    with pytest.raises(TypeError) as caught:
        storykit.dumps(many([seed_story] * 2), "json")
    assert str(caught.value) == f"dumps() takes a Story, not {type(many([])).__name__}{hint}"
    with pytest.raises(TypeError) as caught:
        storykit.dump(many([seed_story] * 2), tmp_path / "x.jsonl")
    assert str(caught.value) == f"dump() takes a Story, not {type(many([])).__name__}{hint}"
    # the way out works as written
    assert storykit.dump_many(many([seed_story] * 2), tmp_path / "x.jsonl") == 2
    assert list(storykit.iter_stories(tmp_path / "x.jsonl")) == [seed_story] * 2


@pytest.mark.parametrize("format", [None, "text", "json"])
def test_loads_of_a_file_name_says_to_use_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, format: str | None
) -> None:
    # found as a new user (json.loads and json.load are easy to swap): loads("a.txt") said
    # only "<string>:1: expected a blank line and then the title after the header"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    with pytest.raises(StoryParseError) as caught:
        storykit.loads("a.txt", format)
    assert caught.value.message.endswith(
        "; the text given is the name of a file: read the file with storykit.load('a.txt')"
    )
    assert str(caught.value).startswith("<string>:")
    assert storykit.load("a.txt") == storykit.load(SEED)  # the way out works as written
    # text that names no file is said as before
    with pytest.raises(StoryParseError) as caught:
        storykit.loads("b.txt", format)
    assert "storykit.load" not in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (42, r"^load\(\) takes a path or an open file, not int$"),
        (None, r"^load\(\) takes a path or an open file, not NoneType$"),
        # the bytes of a story (or of a path): loads() reads those
        (b"seeds/x.txt", r"^load\(\) takes a path or an open file, not bytes; .*storykit.loads"),
    ],
)
def test_load_of_something_not_a_path_nor_a_file_is_a_type_error(
    source: object, message: str
) -> None:
    # was: AttributeError: 'int' object has no attribute 'read', from inside storykit
    with pytest.raises(TypeError, match=message):
        storykit.load(source)  # type: ignore[call-overload]


def test_dump_checks_its_arguments_before_the_format(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    # was: "cannot tell the format of an open file without a name" for both, which sent
    # the reader looking for a format when the arguments were in the wrong order
    with pytest.raises(TypeError, match=r"^dump\(\) takes a Story, not str$"):
        storykit.dump(str(tmp_path / "x.json"), seed_story)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^dump\(\) writes to a path or an open file, not int$"):
        storykit.dump(seed_story, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^dump\(\) writes to a path or an open file, not int$"):
        storykit.dump(seed_story, 42, "json")  # type: ignore[call-overload]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["text", "json", "markdown", "html", "jsonl"])
def test_an_option_a_format_does_not_take_is_named_with_the_function(
    name: str, seed_story: storykit.Story
) -> None:
    """``loads(text, "text", foo=1)`` said "_loads_checked() got an unexpected keyword
    argument 'foo'" (and the other entry points "loads()"/"dumps()" of a format module):
    each now names the public function, the format, the option and what the format takes."""
    fmt = storykit.formats.resolve(name)[0]
    writes = ", ".join(storykit.formats.WRITER_OPTIONS[fmt].__annotations__)
    calls = [
        ("dumps", lambda: storykit.dumps(seed_story, name, foo=1)),
        ("dump", lambda: storykit.dump(seed_story, io.StringIO(), name, foo=1)),
    ]
    if fmt != "html":  # written only
        data = storykit.dumps(seed_story, name)
        calls += [
            ("loads", lambda: storykit.loads(data, name, foo=1)),
            ("load", lambda: storykit.load(io.StringIO(data), name, foo=1)),
        ]
    for function, call in calls:
        with pytest.raises(TypeError) as caught:
            call()
        read = function.startswith("load")
        takes = ("splitter" if fmt == "text" else "none") if read else writes
        role = "reader" if read else "writer"
        assert str(caught.value) == (
            f"storykit.{function}(): the {fmt} {role} takes no option 'foo'; it takes {takes}"
        )


def test_a_refused_option_s_near_name_is_offered(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    # worded as every other hint (format names, the command's flags): "(did you mean X?)"
    with pytest.raises(TypeError) as caught:
        storykit.dumps(seed_story, "json", indnt=1)
    assert str(caught.value) == (
        "storykit.dumps(): the json writer takes no option 'indnt' (did you mean indent?); "
        "it takes indent"
    )
    with pytest.raises(TypeError, match=r"^storykit.dump\(\): the html writer .*'front_matter'"):
        storykit.dump(seed_story, tmp_path / "s.html", front_matter=False)
    assert not (tmp_path / "s.html").exists()
    # a sniffed format's reader refuses too; ``function`` is an option like any other
    data = storykit.dumps(seed_story, "json")
    with pytest.raises(TypeError, match=r"^storykit.loads\(\): the json reader .*'splitter'"):
        storykit.loads(data, splitter=None)
    with pytest.raises(TypeError, match=r"takes no options 'function', 'x'; "):
        storykit.dumps(seed_story, "json", function="dumps", x=1)
    # each refused option gets its own hint
    with pytest.raises(TypeError, match=r"'imag' \(did you mean image\?\), 'tag' \(did you mean t"):
        storykit.dumps(seed_story, "markdown", imag=False, tag=False)


def test_load_refuses_a_misspelt_option_before_it_reads(tmp_path: Path) -> None:
    """``load(path, format="json", indnt=2)`` read the whole file before saying the option
    is unknown; the reader is now found, and the options checked, before the file is opened:
    a path that does not exist gives the option's error, not the missing file's."""
    missing = tmp_path / "not-there.txt"
    with pytest.raises(TypeError, match=r"^storykit.load\(\): the json reader takes no option"):
        storykit.load(missing, format="json", indnt=2)
    # the format the file's name says it holds (.md): checked before opening too
    with pytest.raises(TypeError, match=r"^storykit.load\(\): the markdown reader .*'indnt'"):
        storykit.load(tmp_path / "not-there.md", indnt=2)

    class Unread(io.StringIO):
        def read(self, size: int | None = -1) -> str:
            raise AssertionError("read before its options were checked")

    with pytest.raises(TypeError, match=r"the text reader takes no option 'splitr' \(did you"):
        storykit.load(Unread(), format="text", splitr=None)
    # a format sniffed from the content is known, and its options checked, once it is read
    path = tmp_path / "story"
    path.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(TypeError, match=r"the json reader takes no option 'splitter'"):
        storykit.load(path, splitter=None)
    with pytest.raises(FileNotFoundError):  # no options: the missing file is what is wrong
        storykit.load(missing, format="json")


def test_an_html_named_text_is_still_refused_after_it_is_read(
    seed_story: storykit.Story,
) -> None:
    """A name storykit only writes (``.html``) is not looked up before the text is read: its
    content says what it is (HTML: written only) or the format is refused, as before."""
    html = storykit.dumps(seed_story, "html")
    with pytest.raises(storykit.StoryParseError, match="storykit HTML, which storykit writes"):
        storykit.loads(html, filename="s.html")
    dump = storykit.dumps(seed_story, "text")
    with pytest.raises(storykit.UnknownFormatError, match="can be written but not read"):
        storykit.loads(dump, filename="s.html")


@pytest.mark.parametrize("name", ["text", "json", "markdown", "ninjs"])
def test_a_format_reader_given_bytes_says_to_decode_them(
    name: str, seed_story: storykit.Story
) -> None:
    """``storykit.formats.json.loads(b"...")`` failed inside the reader ("argument should be
    integer or bytes-like object, not 'str'"; None: "'NoneType' object has no attribute
    'count'"); the error now says what the reader takes, and what takes bytes."""
    reader = storykit.formats.reader(name)
    data = storykit.dumps(seed_story, name).encode("utf-8")
    for value in (data, bytearray(data), memoryview(data)):
        with pytest.raises(TypeError) as caught:
            reader.loads(value)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"storykit.formats.{name} reads text (a str), not {type(value).__name__}: decode "
            f"it, or use storykit.loads(data, format={name!r}), which takes bytes"
        )
    assert storykit.loads(data, format=name) == seed_story  # as the message says
    for value in (None, 3):
        with pytest.raises(TypeError, match=f"^storykit.formats.{name} reads text .a str., not "):
            reader.loads(value)  # type: ignore[arg-type]


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


WIDE = [
    ("utf-16-le", "UTF-16", "little-endian"),
    ("utf-16-be", "UTF-16", "big-endian"),
    ("utf-32-le", "UTF-32", "little-endian"),
    ("utf-32-be", "UTF-32", "big-endian"),
]


def wide_text_message(name: str, endian: str) -> str:
    return (
        f"{name} ({endian}) text without a byte order mark, not read: "
        f"save it as UTF-8 (or as {name} with a byte order mark)"
    )


@pytest.mark.parametrize(("encoding", "name", "endian"), WIDE)
@pytest.mark.parametrize("ascii_only", [False, True], ids=["unicode", "ascii"])
def test_utf16_without_a_byte_order_mark_is_named_not_called_binary(
    tmp_path: Path, encoding: str, name: str, endian: str, ascii_only: bool
) -> None:
    """Found trying the command as a new user: a story saved as UTF-16 without a byte order
    mark was "binary data, not a text story". It is text; the message says which encoding
    and what to do. (All-ASCII UTF-16 even decodes as UTF-8, a NUL every other character.)"""
    text = SEED.read_text(encoding="utf-8")
    if ascii_only:
        text = "SCMP 2026-05-25\n\nAn ASCII title\n\nA paragraph of text.\n"
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(encoding))
    for read in (
        lambda: storykit.load(path),
        lambda: storykit.loads(path.read_bytes()),
        lambda: storykit.loads(path.read_bytes(), "json"),
        lambda: list(storykit.iter_stories(path)),
    ):
        with pytest.raises(StoryParseError) as info:
            read()
        assert info.value.message == wide_text_message(name, endian)
        assert info.value.line == 1
    path.write_bytes(text.encode(encoding.replace("-le", "").replace("-be", "")))  # a BOM
    assert storykit.load(path).title == storykit.loads(text).title


@pytest.mark.parametrize("endian", ["little-endian", "big-endian"])
@pytest.mark.parametrize(
    "text",
    [
        "新华社\n\n小米押注人工智能\n\n小米正在大举投资人工智能。\n" * 8,
        "ТАСС\n\nНовости дня\n\nТекст новости на русском языке.\n" * 8,
    ],
    ids=["chinese", "russian"],
)
def test_utf16_of_letters_beyond_latin_is_named_too(tmp_path: Path, text: str, endian: str) -> None:
    """Found attacking the UTF-16 message: a Chinese or Russian story in UTF-16 without a
    byte order mark has a NUL only in its spaces and line breaks, too few for the share the
    guess looked for: it was still "binary data, not a text story"."""
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(f"utf-16-{endian[0]}e"))
    for read in (lambda: storykit.load(path), lambda: list(storykit.iter_stories(path))):
        with pytest.raises(StoryParseError) as info:
            read()
        assert (info.value.message, info.value.line) == (wide_text_message("UTF-16", endian), 1)


def test_binary_data_is_still_binary_data() -> None:
    for data in (b"\x00\x01\x02\x03", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8, bytes(64)):
        with pytest.raises(StoryParseError) as info:
            storykit.loads(data)
        assert info.value.message == "binary data, not a text story"


def test_a_nul_early_in_a_text_file_is_refused_on_its_line(tmp_path: Path) -> None:
    """Found attacking the UTF-16 message: a story with one NUL on line 7 (in the first KiB)
    was refused on line 1; a UTF-16 file whose first non-ASCII letter is on line 3 was named
    UTF-16 on line 3 (where UTF-8 failed). Binary data is refused where its NUL is, text in
    a wide encoding on line 1 (the whole file is in it)."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count("\n", 0, text.index("The play")) + 1 == 7
    path = tmp_path / "story.txt"
    path.write_bytes(text.replace("The play", "The\0play").encode("utf-8"))
    for read in (
        lambda: storykit.load(path),
        lambda: storykit.loads(path.read_bytes()),
        lambda: storykit.loads(path.read_text(encoding="utf-8"), "text"),
        lambda: list(storykit.iter_stories(path)),
        lambda: list(storykit.iter_stories([io.BytesIO(path.read_bytes())])),
    ):
        with pytest.raises(StoryParseError) as info:
            read()
        assert (info.value.message, info.value.line) == ("binary data, not a text story", 7)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8))  # binary from its start: line 1
    with pytest.raises(StoryParseError, match=r"story.txt:1: binary data, not a text story$"):
        storykit.load(path)
    path.write_bytes(b"\x01\n\n\x00\x80")
    with pytest.raises(StoryParseError, match=r"story.txt:3: binary data, not a text story$"):
        storykit.load(path)
    path.write_bytes("SCMP\n\nT\u00eftle\n\nText.\n".encode("utf-16-le"))
    with pytest.raises(StoryParseError, match=r"story.txt:1: UTF-16 \(little-endian\) text"):
        storykit.load(path)


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


def test_dump_to_an_open_file_takes_the_format_from_its_name(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    with (tmp_path / "s.md").open("w", encoding="utf-8") as file:
        storykit.dump(seed_story, file)
    assert (tmp_path / "s.md").read_text("utf-8") == storykit.dumps(seed_story, "markdown")
    with (tmp_path / "s.txt").open("w", encoding="utf-8") as file:
        storykit.dump(seed_story, file)
    assert (tmp_path / "s.txt").read_bytes() == SEED.read_bytes()
    with (tmp_path / "s.html").open("w", encoding="utf-8") as file:
        storykit.dump(seed_story, file)  # an open file gets the fragment, as before
    assert (tmp_path / "s.html").read_text("utf-8").startswith("<article")


def test_dump_to_an_open_file_without_a_known_name_asks_for_the_format(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    # it used to write JSON, whatever the file was meant to hold
    out = io.StringIO()
    with pytest.raises(UnknownFormatError, match=r"open file without a name; pass format="):
        storykit.dump(seed_story, out)
    assert out.getvalue() == ""
    name = str(tmp_path / "s.xyz")
    with open(name, "w", encoding="utf-8") as file, pytest.raises(UnknownFormatError) as info:
        storykit.dump(seed_story, file)
    assert str(info.value) == (
        f"cannot tell the format from the suffix '.xyz' of the open file {name!r}; pass "
        "format= (formats written as text: html, json, jsonld, markdown, ninjs, text; or "
        "jsonl, JSON Lines)"
    )

    class Stdout(io.StringIO):
        name = "<stdout>"  # as sys.stdout is named

    with pytest.raises(UnknownFormatError) as info:
        storykit.dump(seed_story, Stdout())
    assert str(info.value).startswith(
        "cannot tell the format of the open file '<stdout>': no suffix; pass format= ("
    )
    storykit.dump(seed_story, out, "json")  # format= given: as before
    assert storykit.loads(out.getvalue()) == seed_story


def test_dump_writes_json_lines_as_the_command_line_does(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    # storykit convert --to jsonl worked; dump(story, "x.jsonl") said the suffix was unknown
    path = tmp_path / "s.jsonl"
    storykit.dump(seed_story, path)
    text = path.read_text("utf-8")
    assert text == storykit.dumps(seed_story, "json", indent=None) + "\n"
    assert text.count("\n") == 1
    with path.open("a", encoding="utf-8") as file:  # stories dumped one after another
        storykit.dump(seed_story, file)
        storykit.dump(storykit.Story("Another"), file, "jsonl")
    lines = path.read_text("utf-8").splitlines()
    assert [storykit.loads(line, "json").title for line in lines] == [seed_story.title] * 2 + [
        "Another"
    ]
    assert [s.title for s in storykit.iter_stories(path)][-1] == "Another"
    assert storykit.dumps(seed_story, "jsonl") == lines[0]  # a string: no newline added


def test_load_of_a_database_says_what_reads_it(tmp_path: Path, seed_story: storykit.Story) -> None:
    # it used to say "binary data, not a text story"
    database = tmp_path / "stories.db"
    storykit.to_sqlite([seed_story], database)
    message = (
        f"{database} is a sqlite file of many stories: read it with "
        f"storykit.iter_stories({str(database)!r}) (load() reads one story)"
    )
    with pytest.raises(UnknownFormatError) as info:
        storykit.load(database)
    assert str(info.value) == message
    with pytest.raises(UnknownFormatError) as info:
        storykit.loads(database.read_bytes(), filename=str(database))
    assert str(info.value) == message
    with database.open("rb") as file, pytest.raises(UnknownFormatError) as info:
        storykit.load(file)
    assert str(info.value) == message
    with pytest.raises(UnknownFormatError, match=r"storykit\.iter_stories\('x\.parquet'\)"):
        storykit.load("x.parquet")  # refused from the name: nothing is opened
    with pytest.raises(UnknownFormatError, match=r"read it with storykit\.iter_stories\(path\)"):
        storykit.load(database, "sqlite")
    assert [s.title for s in storykit.iter_stories(database)] == [seed_story.title]


def test_load_of_a_folder_says_what_reads_it(tmp_path: Path, seed_story: storykit.Story) -> None:
    """Found by a hostile user: ``storykit.load("seeds")`` raised a bare ``IsADirectoryError:
    [Errno 21] Is a directory: 'seeds'``. It is still one (``except OSError`` and a look at
    ``errno`` go on working), and says what reads a folder; what it says works."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    for given in (folder, str(folder), f"{folder}/"):
        with pytest.raises(IsADirectoryError) as caught:
            storykit.load(given)
        name = os.fspath(given)
        assert str(caught.value) == (
            f"[Errno 21] {name} is a folder: read it with storykit.iter_stories({name!r}) "
            "(load() reads one story)"
        )
        assert isinstance(caught.value, OSError)
        assert caught.value.errno == errno.EISDIR
        assert list(storykit.iter_stories(name)) == [seed_story]
    with pytest.raises(FileNotFoundError, match=r"^\[Errno 2\] No such file or directory"):
        storykit.load(folder / "b.txt")  # other errors as open() gives them


_SOCKET = (
    "is a socket, which storykit does not read (files, folders, archives, standard input "
    "and named pipes are read)"
)


def test_a_socket_is_said_to_be_one_that_storykit_does_not_read(unix_socket: Path) -> None:
    """Found by a hostile user: ``storykit.load(sock)`` said ``OSError: [Errno 6] No such
    device or address``, open()'s words; so did ``iter_stories``. Each now says what the
    file is, and what storykit reads; still an ``OSError`` of errno ``ENXIO``."""
    from storykit.collection import iter_paths

    reads = [
        storykit.load,
        lambda path: list(storykit.iter_stories(path)),
        lambda path: list(storykit.iter_stories([path, SEED])),
        lambda path: list(iter_paths(path)),
    ]
    for read in reads:
        for given in (unix_socket, str(unix_socket)):
            with pytest.raises(OSError, match=r"^\[Errno \d+\] sock is a socket") as caught:
                read(given)
            assert str(caught.value) == f"[Errno {errno.ENXIO}] sock {_SOCKET}"
            assert caught.value.errno == errno.ENXIO
            assert caught.value.filename == str(given)  # (it was None: the path in words only)
    with pytest.warns(storykit.StoryWarning) as warned:
        assert list(storykit.iter_stories([unix_socket, SEED], errors="warn")) == [
            storykit.load(SEED)
        ]
    assert [str(w.message) for w in warned] == [f"sock: {_SOCKET[3:]}"]


_SOCKET_WRITTEN = (
    "a socket, which storykit does not write to (files, named pipes, devices and standard "
    "output are written)"
)


def test_a_socket_to_write_to_is_said_to_be_one(
    unix_socket: Path, seed_story: storykit.Story
) -> None:
    """Found by a hostile user: ``storykit.dump(story, "sock.json")``, a Unix socket, said
    ``OSError: [Errno 6] No such device or address``, open()'s words (and so did
    ``dump_many``); ``to_sqlite``/``to_parquet`` said ``not a regular file; … cannot be
    written into a device or FIFO``. Each says it is a socket, which storykit does not
    write to, as it says of a socket to read; dump's is still an ``OSError`` (``ENXIO``),
    to_sqlite's still the ``StoryParseError`` it raises for a device."""
    with contextlib.ExitStack() as stack:
        for name in ("sock.json", "sock.db"):
            stack.enter_context(socket.socket(socket.AF_UNIX)).bind(name)
        writes: list[Callable[[str], object]] = [
            lambda path: storykit.dump(seed_story, path),
            lambda path: storykit.dump(seed_story, path, "json"),
            lambda path: storykit.dump_many([seed_story], path),
        ]
        for write in writes:
            for given in ("sock.json", "sock"):
                with pytest.raises(OSError, match=r"^\[Errno \d+\] sock") as caught:
                    write(given)
                assert str(caught.value) == f"[Errno {errno.ENXIO}] {given} is {_SOCKET_WRITTEN}"
                assert caught.value.errno == errno.ENXIO
        with pytest.raises(StoryParseError) as refused:
            storykit.to_sqlite([seed_story], "sock.db")
        assert str(refused.value) == f"sock.db: {_SOCKET_WRITTEN}"
    assert sorted(os.listdir()) == ["sock", "sock.db", "sock.json"]  # no temporary file left


@pytest.mark.skipif(os.name != "posix", reason="resource limits: POSIX")
def test_load_with_no_free_file_says_so_of_its_file() -> None:
    """What load() looks at once open() has failed (a folder, a socket) is looked at
    without importing a module: with every file descriptor taken, the error was the
    import's, naming a module of storykit, not the file given."""
    script = f"""
import errno, os, resource, storykit
storykit.load({str(SEED)!r})  # what load imports, imported while it can be
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
taken = []
while True:
    try:
        taken.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        break
try:
    storykit.load({str(SEED)!r})
except OSError as exc:
    said = (errno.errorcode[exc.errno], exc.filename)
for fd in taken:
    os.close(fd)
print(said)
"""
    done = run_python(script, measured=False)
    assert done.stdout == f"{('EMFILE', str(SEED))}\n", done.stderr


def test_dump_to_a_folder_says_to_name_a_file_in_it(
    tmp_path: Path, seed_story: storykit.Story
) -> None:
    """Found by a hostile user: ``storykit.dump(story, "d.json")``, ``d.json`` a folder,
    raised a bare ``IsADirectoryError: [Errno 21] Is a directory: 'd.json'`` (and so did
    ``dump_many``); without a suffix, ``dump(story, "out")`` said to pass ``format=``, which
    led to the same. Each is still an ``IsADirectoryError``, says that it is a folder, the
    file to name in it and the command that writes many stories into a folder, as
    ``load()`` says what reads a folder; what it says works, and the folder is left empty."""
    from storykit.cli import main

    folder = tmp_path / "d.json"
    folder.mkdir()
    (tmp_path / "out").mkdir()
    one = functools.partial(storykit.dump, seed_story)
    many = functools.partial(storykit.dump_many, [seed_story])
    cases: list[tuple[Callable[[Any], object], str | Path, str, str]] = [
        (one, folder, "dump(story", "story.json"),
        (one, f"{folder}/", "dump(story", "story.json"),
        (functools.partial(one, format="md"), folder, "dump(story", "story.md"),
        (one, tmp_path / "out", "dump(story", "story.json"),  # no suffix
        (many, folder, "dump_many(stories", "stories.jsonl"),
    ]
    for write, given, call, name in cases:
        with pytest.raises(IsADirectoryError) as caught:
            write(given)
        path = os.fspath(given)
        inside = os.path.join(path, name)
        function = call.split("(")[0]
        assert str(caught.value) == (
            f"[Errno 21] {path} is a folder: name a file in it, as storykit.{call}, {inside!r}) "
            f"({function}() writes one file; storykit convert … -o {os.path.join(path, '')} "
            "writes stories into a folder, a file each)"
        )
        assert caught.value.errno == errno.EISDIR
        assert list(Path(path).iterdir()) == []  # nothing written, no temporary file
        write(inside)
        assert list(storykit.iter_stories(inside)) == [seed_story]
        os.remove(inside)
    assert main(["convert", str(SEED), "--to", "json", "-q", "-o", f"{folder}/"]) == 0
    assert list(storykit.iter_stories(folder)) == [seed_story]
    with pytest.raises(FileNotFoundError):  # other errors as they were
        storykit.dump(seed_story, folder / "no" / "a.json")
    with pytest.raises(UnknownFormatError, match=r"^cannot tell the format of \S+x: no suffix"):
        storykit.dump(seed_story, tmp_path / "x")  # no folder: the format is what is missing


@pytest.mark.parametrize(
    ("to", "suffix"),
    [("sqlite", ".db"), ("parquet", ".parquet")],
)
def test_a_file_format_given_a_folder_says_so_before_reading_a_story(
    tmp_path: Path, seed_story: storykit.Story, to: str, suffix: str
) -> None:
    """Found by a hostile user: ``to_sqlite(stories, folder)`` said only ``[Errno 5] unable
    to open database file``, and ``to_parquet(stories, folder)`` wrote every story, then
    failed with ``… exists and is not a regular file; not replaced``. Each says, as
    ``dump()`` does, that it is a folder and the file to name in it, in the command's words
    (``a sqlite output is one file``), before a story is read; what it says works."""
    if to == "parquet":
        pytest.importorskip("pyarrow")  # the storykit[parquet] extra
    write = getattr(storykit, f"to_{to}")
    folder = tmp_path / f"d{suffix}"
    folder.mkdir()
    read: list[storykit.Story] = []

    def stories() -> Any:
        read.append(seed_story)
        yield seed_story

    with pytest.raises(IsADirectoryError) as caught:
        write(stories(), folder)
    inside = os.path.join(folder, f"stories{suffix}")
    assert str(caught.value) == (
        f"[Errno 21] {folder} is a folder: name a file in it, as "
        f"storykit.to_{to}(stories, {inside!r}) (a {to} output is one file, as with "
        f"storykit convert … --to {to} -o FILE{suffix})"
    )
    assert caught.value.errno == errno.EISDIR
    assert read == []  # not a story read
    assert list(folder.iterdir()) == []  # nothing written, no temporary file
    assert write(stories(), inside) == 1
    assert list(storykit.iter_stories(inside)) == [seed_story]


def test_file_formats_are_written_by_their_functions(seed_story: storykit.Story) -> None:
    for name in ("sqlite", "parquet"):
        with pytest.raises(UnknownFormatError, match=rf"storykit\.to_{name}\(stories, path\)"):
            storykit.dumps(seed_story, name)
    with pytest.raises(UnknownFormatError, match="'html' can be written but not read"):
        storykit.loads("<article></article>", "html")


def test_load_of_a_device_that_never_ends_is_refused_at_the_limit() -> None:
    # /dev/zero used to be read until memory ran out (MemoryError, or the OOM killer)
    with pytest.raises(StoryParseError) as info:
        storykit.load("/dev/zero")
    assert str(info.value) == (
        "/dev/zero: more than 16 MiB to read from a device, a pipe or a stream; "
        "not read as one story"
    )


@pytest.mark.skipif(os.name != "posix", reason="non-blocking pipes: POSIX")
@pytest.mark.parametrize("mode", ["rb", "r"])
@pytest.mark.parametrize("how", ["load", "iter_stories"])
def test_a_non_blocking_pipe_is_waited_for(mode: str, how: str) -> None:
    # read() of a non-blocking pipe gives None (binary) or "" (text) until data comes:
    # TypeError: object of type 'NoneType' has no len(); or a story read as empty.
    story = storykit.load(SEED)
    data = SEED.read_bytes() * (1 if how == "load" else 3)
    with open(_fed_later(data), mode) as stream:
        got = [storykit.load(stream)] if how == "load" else list(storykit.iter_stories([stream]))
    assert got == [story] * (1 if how == "load" else 3)


def test_load_reads_a_story_from_a_pipe(tmp_path: Path, seed_story: storykit.Story) -> None:
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(SEED.read_bytes(),))
    writer.start()
    try:
        assert storykit.load(fifo) == seed_story
    finally:
        writer.join()
