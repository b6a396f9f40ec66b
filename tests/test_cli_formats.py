"""Formats named on the command line: ``--to`` and ``--from``, aliases, suggestions, and
files storykit cannot read (what it only writes, JSON documents that are JSON Lines).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import storykit
import storykit.feeds
from storykit import Story

from .cli_helpers import cli
from .collection_helpers import dump, make_story, write
from .conftest import SEED


@pytest.mark.parametrize(
    ("alias", "name"), [("md", "markdown"), ("htm", "html"), ("txt", "text"), ("MD", "markdown")]
)
def test_format_aliases_on_the_command_line_and_in_the_library(
    tmp_path: Path, alias: str, name: str
) -> None:
    write(tmp_path / "a.txt", dump(1))
    done = cli("convert", "a.txt", "--to", alias, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = storykit.dumps(make_story(1), name)
    assert done.stdout.rstrip("\n") == expected.rstrip("\n")
    assert storykit.dumps(make_story(1), alias) == expected
    assert storykit.formats.by_name(alias) is storykit.formats.by_name(name)


def test_jsonl_alias_is_one_story_per_line(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    done = cli("convert", "a.txt", "--to", "jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == storykit.dumps(make_story(1), "json", indent=None) + "\n"
    assert storykit.dumps(make_story(1), "jsonl") == storykit.dumps(
        make_story(1), "json", indent=None
    )
    assert storykit.loads(done.stdout, "jsonl") == make_story(1)


def test_a_mistyped_format_gets_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", dump(1))
    done = cli("convert", "a.txt", "--to", "markdwn", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.endswith("(did you mean markdown?)\n")
    with pytest.raises(storykit.UnknownFormatError, match=r"did you mean json\?"):
        storykit.dumps(make_story(1), "jsno")


READABLE = "json, jsonl, markdown, ninjs, parquet, sqlite, text"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # "unknown format 'pdf'" did not say whether --from or --to named it
        ("pdf", f"unknown format 'pdf'; formats that can be read: {READABLE}"),
        # a suggestion was a format that cannot be read (jsn: jsonld was as near as json)
        ("jsn", f"unknown format 'jsn'; formats that can be read: {READABLE} (did you mean json?)"),
        (
            "mdd",
            f"unknown format 'mdd'; formats that can be read: {READABLE} (did you mean markdown?)",
        ),
        # --from html was taken, and refused later as "say which format to write with --to"
        (
            "html",
            f"storykit writes html but does not read it; formats that can be read: {READABLE}",
        ),
        ("htm", f"storykit writes html but does not read it; formats that can be read: {READABLE}"),
        (
            "JSONLD",
            f"storykit writes jsonld but does not read it; formats that can be read: {READABLE}",
        ),
    ],
)
def test_a_from_format_that_cannot_be_read_names_the_option_and_what_can(
    tmp_path: Path, name: str, message: str
) -> None:
    write(tmp_path / "a.txt", dump(1))
    for argv in (["convert", "a.txt", "--to", "json"], ["convert", "a.txt"], ["validate", "a.txt"]):
        done = cli(*argv, "--from", name, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == f"storykit {argv[0]}: error: --from: {message}\n"


def test_a_from_alias_is_its_format(tmp_path: Path) -> None:
    (tmp_path / "a.dat").write_text(storykit.dumps(storykit.load(SEED), "markdown"), "utf-8")
    done = cli("convert", "a.dat", "--from", "MD", "--to", "json", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert storykit.loads(done.stdout, "json") == storykit.load(SEED)


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda s: storykit.dumps(s, "html"), "storykit HTML"),
        (lambda s: storykit.dumps(s, "html", standalone=True), "storykit HTML"),
        (lambda s: storykit.dumps(s, "jsonld"), "schema.org JSON-LD"),
        (
            lambda s: storykit.feeds.feed(
                [s], format="atom", title="t", home_page_url="https://e.org/"
            ),
            "an Atom feed",
        ),
        (
            lambda s: storykit.feeds.feed(
                [s], format="jsonfeed", title="t", home_page_url="https://e.org/"
            ),
            "a JSON Feed",
        ),
    ],
    ids=["html", "page", "jsonld", "atom", "jsonfeed"],
)
def test_loads_of_a_written_only_format_says_so(make: Callable[[Story], str], what: str) -> None:
    text = make(make_story(1))
    with pytest.raises(storykit.StoryParseError, match=f"this is {what}, which storykit writes"):
        storykit.loads(text)


def test_several_stories_written_to_a_json_file_say_how_to_read_them_back(
    tmp_path: Path,
) -> None:
    # convert wrote JSON Lines into all.json, and reading it back said only
    # "all.json:2: invalid JSON: Extra data (column 1)"; convert now refuses such an -o
    # (tests/test_cli_advice.py), but standard output redirected into all.json makes one
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    done = cli("convert", "a.txt", "b.txt", "--to", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (tmp_path / "all.json").write_text(done.stdout, encoding="utf-8")
    done = cli("convert", "a.txt", "--to", "jsonl", "-o", "one.json", cwd=tmp_path)
    assert done.stderr == "1 converted, 0 failed\n"  # one line is one JSON document
    assert storykit.load(tmp_path / "one.json") == storykit.load(SEED)
    advice = (
        "a second JSON document starts here: this is JSON Lines (one story a line), not one "
        "JSON document; name the file .jsonl, or read it as jsonl (--from jsonl)"
    )
    done = cli("validate", "all.json", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == f"all.json:2: error: {advice}\n"
    done = cli("show", "all.json", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, f"all.json:2: {advice}\n")
    # both ways out work
    done = cli("validate", "all.json", "--from", "jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "2 stories checked: 0 errors, 0 warnings\n"
    (tmp_path / "all.json").rename(tmp_path / "all.jsonl")
    done = cli("validate", "all.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(storykit.iter_stories(tmp_path / "all.jsonl")) == [storykit.load(SEED)] * 2


def test_json_lines_read_with_load_say_how_to_read_them_in_python(tmp_path: Path) -> None:
    # found as a new user: storykit.load("stories.jsonl"), of a file convert had just written,
    # said "name the file .jsonl, or read it as jsonl (--from jsonl)": it was named .jsonl,
    # and --from is an option of the command, not of load()
    assert cli("convert", str(SEED), str(SEED), "-o", "all.jsonl", cwd=tmp_path).returncode == 0
    (tmp_path / "all.json").write_bytes((tmp_path / "all.jsonl").read_bytes())
    advice = (
        "a second JSON document starts here: this is JSON Lines (one story a line), not one "
        "JSON document; read its stories with storykit.iter_stories() (with format='jsonl' "
        "unless the file is named .jsonl)"
    )
    for name in ("all.jsonl", "all.json"):
        with pytest.raises(storykit.StoryParseError) as caught:
            storykit.load(tmp_path / name)
        assert caught.value.message == advice
        assert caught.value.line == 2
    # both ways the message offers work
    assert list(storykit.iter_stories(tmp_path / "all.jsonl")) == [storykit.load(SEED)] * 2
    stories = storykit.iter_stories(tmp_path / "all.json", format="jsonl")
    assert list(stories) == [storykit.load(SEED)] * 2


def test_the_command_quotes_a_file_that_holds_the_python_advice_as_written(
    tmp_path: Path,
) -> None:
    # the command put its own words for JSON Lines (--from jsonl) wherever the library's
    # stood in a message, so a value the message quotes was misquoted: the advice is now
    # chosen by what the error is, not by what its message says
    advice = (
        "read its stories with storykit.iter_stories() (with format='jsonl' unless the file "
        "is named .jsonl)"
    )
    write(tmp_path / "odd.json", f'{{"storykit": "{advice}", "title": "T"}}')
    said = f"expected storykit JSON version 1 in key 'storykit', found version \"{advice}\""
    done = cli("validate", "odd.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, f"odd.json:1: error: {said}\n")
    done = cli("show", "odd.json", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, f"odd.json:1: {said}\n")


def test_json_documents_run_together_are_not_called_json_lines(tmp_path: Path) -> None:
    # cat a.json b.json > all.json was said to be "JSON Lines (one story a line)", and the
    # advice, --from jsonl, said "one JSON document spread over lines, not JSON Lines: name
    # the file .json", which it was
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    for name in ("a", "b"):
        done = cli("convert", "a.txt", "-o", f"{name}.json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    pretty = (tmp_path / "a.json").read_bytes()
    assert pretty.count(b"\n") > 2  # (storykit writes one story indented)
    (tmp_path / "all.json").write_bytes(pretty + (tmp_path / "b.json").read_bytes())
    line = pretty.count(b"\n") + 1
    done = cli("validate", "all.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (
        1,
        f"all.json:{line}: error: a second JSON document starts here: a .json file holds one "
        "story, and JSON documents one after another (cat a.json b.json) are not read; give "
        "each story a file of its own, or write them one a line into a .jsonl file (storykit "
        "convert a.json b.json -o all.jsonl)\n",
    )
    done = cli("convert", "a.json", "b.json", "-o", "all.jsonl", cwd=tmp_path)  # as it says
    assert (done.returncode, done.stderr) == (0, "2 converted, 0 failed\n")
    assert list(storykit.iter_stories(tmp_path / "all.jsonl")) == [storykit.load(SEED)] * 2


@pytest.mark.parametrize(
    "text",
    [
        '{"storykit": 1} {"storykit": 1}\n',  # on one line: not JSON Lines
        '{"storykit": 1}\nx\n',  # not a document after it
    ],
)
def test_other_extra_data_is_still_invalid_json(tmp_path: Path, text: str) -> None:
    (tmp_path / "x.json").write_text(text, "utf-8")
    done = cli("validate", "x.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "invalid JSON: Extra data" in done.stdout
    assert "JSON Lines" not in done.stdout


@pytest.mark.parametrize(("name", "to"), [("story.html", "html"), ("story.jsonld", "jsonld")])
def test_a_file_storykit_only_writes_is_refused_as_such(tmp_path: Path, name: str, to: str) -> None:
    # validate story.html read the page as a dump: "expected a blank line and then the title
    # after the header"; story.jsonld as storykit JSON: "found no version"
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    assert cli("convert", "a.txt", "-o", name, cwd=tmp_path).returncode == 0
    refused = (
        f"{name}: a .{to} file is {to}, which storykit writes but does not read; read the "
        "story from what it was made from (storykit JSON, a text dump, Markdown or ninjs)"
    )
    done = cli("validate", name, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, refused.replace(": ", ": error: ", 1) + "\n")
    for command in (["convert", name, "--to", "json"], ["show", name]):
        done = cli(*command, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr.splitlines()[0] == refused
    # what the message says: the story it was made from reads
    assert cli("validate", "a.txt", cwd=tmp_path).returncode == 0
    # in a folder such a file is passed over, as before
    done = cli("validate", ".", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 story checked: 0 errors, 0 warnings\n")
