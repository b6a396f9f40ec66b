"""Search against hostile queries: a limit on the terms of a query, counted as SQLite reads it.

Ranking a match (bm25, ``snippet()``) costs SQLite time in the square of the query's terms:
250 repetitions of ``the`` took over a minute on 5,000 stories. These tests assert what is
refused and what is not, never how long anything takes. A query SQLite cannot read is told
from a database whose search index is damaged (the database's fault, not the query's).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, StoryParseError
from storykit.formats import _sqlite_query
from storykit.formats import _sqlite_search as sk_search
from storykit.formats import sqlite as sk_sqlite
from storykit.formats._sqlite_query import _phrases, _query_problem
from storykit.formats._sqlite_search import MAX_TERMS
from tests.cli_helpers import cli, unmeasured
from tests.conftest import SEED

Mark = tuple[str, str]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small database: 'the' in every story, one word per story of its own."""
    path = tmp_path_factory.mktemp("search") / "s.db"
    stories = [
        Story(
            f"Story {i} of the archive",
            sections=[Section("The heading", [f"The word{i} and the rest, café {i}."])],
            tags=("Tag", f"Tag{i}"),
        )
        for i in range(40)
    ]
    assert storykit.to_sqlite(stories, path) == 40
    return path


def too_many(terms: str, most: int = MAX_TERMS) -> str:
    """The start of the message for a query of ``terms`` terms, as a regular expression."""
    return f"^too many terms in the search query: {terms}; the most is {most} \\("


def test_the_default_is_32() -> None:
    assert MAX_TERMS == 32


def test_the_reproducers_are_refused_before_they_run(db: Path) -> None:
    # the attack session's query: 250 repetitions of a word every story holds
    with pytest.raises(ValueError, match=too_many("250")) as caught:
        storykit.search(db, " OR ".join(["the"] * 250))
    assert "max_terms=N sets the limit, None for none" in str(caught.value)
    assert type(caught.value) is ValueError  # no private class in the user's traceback
    # as many words, all different (and implicit AND)
    with pytest.raises(ValueError, match=too_many("64")):
        storykit.search(db, " ".join(f"word{i}" for i in range(64)))
    # prefixes, NEAR groups, column filters, phrases: each word counts
    for query in (
        " OR ".join(["a*"] * 33),
        "NEAR(" + " ".join(["the"] * 33) + ", 1000)",
        " OR ".join(["{title body}: the"] * 33),
        '"' + " ".join(["the"] * 33) + '"',
        " + ".join(["the"] * 33),
    ):
        with pytest.raises(ValueError, match=too_many("33")):
            storykit.search(db, query)


def test_up_to_the_limit_the_query_runs(db: Path) -> None:
    assert len(storykit.search(db, " OR ".join(["the"] * 32), limit=None)) == 40
    assert len(storykit.search(db, " OR ".join(["the"] * 33), limit=None, max_terms=33)) == 40
    assert len(storykit.search(db, " OR ".join(["the"] * 250), limit=3, max_terms=None)) == 3
    (hit,) = storykit.search(db, " OR ".join(["word7"] * 5), max_terms=5)
    assert hit.title == "Story 7 of the archive"
    with pytest.raises(ValueError, match=too_many("5", 4)):
        storykit.search(db, " OR ".join(["word7"] * 5), max_terms=4)


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("word7", 1),
        ("word7*", 1),  # a prefix is one word
        ("xiaomi AND chips", 2),
        ("xiaomi chips NOT phones", 3),  # operators are not terms
        ('"trade war" OR tariffs', 3),  # each word of a phrase is
        ("title: xiaomi", 1),  # a column name is not
        ("-title: xiaomi", 1),
        ("{title body tags}: xiaomi", 1),
        ("NEAR(xiaomi chips phones, 10)", 3),  # nor NEAR nor its distance
        ("((xiaomi)) OR (chips AND phones)", 3),  # nor parentheses
        ("^xiaomi + chips", 2),
        ('""', 1),  # a quoted string without a word counts as one
        ('"..." xiaomi', 2),
        ('"a-b.c"', 3),  # words as the index splits them
        ("a_b", 2),
        ('"say ""hi"""', 2),  # "" is a quote in a quoted string
        ("café Ünïcode 東京", 3),
        ("xiaomi\x00 AND NOT", 1),  # SQLite reads the query up to a NUL
    ],
)
def test_what_counts_as_a_term(db: Path, query: str, terms: int) -> None:
    assert _query_problem(query, terms) is None
    assert storykit.search(db, query, max_terms=terms) is not None  # SQLite reads it too
    if terms > 1:
        problem = _query_problem(query, terms - 1)
        assert problem is not None
        assert problem.startswith(f"too many terms in the search query: {terms};")


def test_a_query_sqlite_cannot_read_says_so_even_over_the_limit(db: Path) -> None:
    for query, why in (
        (" OR ".join(["the"] * 40) + " AND", 'syntax error near ""'),
        (" OR ".join(["the"] * 40) + ' "the', "unterminated string"),
        (" OR ".join(["the"] * 40) + " OR nope: the", "no such column: nope"),
        ("NEAR(" + " ".join(["the"] * 40) + ", x)", 'expected integer, got "x"'),
        ("AND", 'syntax error near "AND"'),
        ("*", "unknown special query"),
    ):
        with pytest.raises(ValueError, match=r"^not a search query SQLite understands") as caught:
            storykit.search(db, query)
        assert why in str(caught.value)
    # NEAR's distance not a number was the database's fault (StoryParseError, status 1)
    with pytest.raises(ValueError, match='expected integer, got "x"') as caught:
        storykit.search(db, "NEAR(the word1, x)")
    assert not isinstance(caught.value, storykit.StoryParseError)
    # text Python cannot pass to SQLite (a lone surrogate, from a name that is not UTF-8)
    with pytest.raises(ValueError, match=r"^not a search query SQLite understands: '\\udcff'"):
        storykit.search(db, "\udcff")


def test_a_damaged_search_index_is_the_databases_fault_not_the_querys(tmp_path: Path) -> None:
    # "invalid fts5 file format" holds "fts5": search said the query 'xiaomi' was one
    # SQLite could not read (exit 2, a usage error), for a database whose index is damaged.
    db = tmp_path / "hurt.db"
    sk_sqlite.to_sqlite([storykit.load(SEED)], db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE stories_fts_config SET v = 'x'")
    connection.close()
    with pytest.raises(StoryParseError, match=r"hurt\.db: cannot search the database: invalid"):
        storykit.search(db, "xiaomi")
    done = cli("search", "hurt.db", "xiaomi", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("hurt.db: cannot search the database: invalid fts5 file format")
    with pytest.raises(ValueError, match="not a search query SQLite understands"):
        storykit.search(db, '"xiaomi')  # a query SQLite cannot read is still said to be one


def test_a_query_that_is_not_utf_8_says_so(db: Path) -> None:
    # storykit search DB $'caf\xe9' (a Latin-1 terminal) said "(surrogates not allowed)"
    # and then how FTS5 queries are written, which was no help
    done = cli("search", str(db), os.fsdecode(b"caf\xe9"), env=unmeasured())
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "storykit search: error: not a search query SQLite understands: 'caf\\udce9' "
        "('\\udce9' is no character: a byte that is not UTF-8, of text in another encoding); "
        "give the query as UTF-8 text\n"
    )
    assert cli("search", str(db), "café", env=unmeasured()).returncode == 0  # as it says


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\u3000", "\u2003\u00a0", "\x1c"])
def test_an_empty_query_is_said_to_be_empty(db: Path, query: str) -> None:
    # It was "not a search query SQLite understands: '' (fts5: syntax error near "")"; and
    # U+3000 (an ideographic space) alone matched nothing, silently.
    with pytest.raises(ValueError, match=r"^the query is empty: give the words to look for"):
        storykit.search(db, query)


@pytest.mark.parametrize("query", ["\x00", "\x00the", " \x00 the"])
def test_a_query_empty_up_to_a_nul_says_so(db: Path, query: str) -> None:
    # it was "not a search query SQLite understands: '\x00the' (fts5: syntax error near "")"
    with pytest.raises(
        ValueError,
        match=r"^the query is empty up to its NUL character, where SQLite stops reading: give",
    ):
        storykit.search(db, query)


def test_a_long_query_is_shown_cut_short(db: Path) -> None:
    # a query of 200,002 characters SQLite could not read was written whole into the message
    with pytest.raises(ValueError, match="parser stack overflow") as caught:
        storykit.search(db, "(" * 100_000 + "the" + ")" * 99_999)
    shown = "(" * 100
    assert str(caught.value).startswith(
        f"not a search query SQLite understands: '{shown}'… (200,002 characters) ("
    )
    assert len(str(caught.value)) < 500


@pytest.mark.parametrize(
    ("query", "hint", "way_out"),
    [
        (  # a web search's way to leave a word out: "no such column: word1"
            "the -word1",
            "to leave a word out, put NOT before it (trade NOT war), not a -",
            "the NOT word1",
        ),
        (  # "no such column: rest"
            "the-rest",
            'a word with a hyphen goes in double quotes ("the-rest")',
            '"the-rest"',
        ),
    ],
)
def test_a_minus_sign_in_a_query_says_what_to_write(
    db: Path, query: str, hint: str, way_out: str
) -> None:
    with pytest.raises(ValueError, match=r"^not a search query SQLite understands") as caught:
        storykit.search(db, query)
    assert str(caught.value).endswith(hint)
    # "the-rest" is in every story; word1 in one
    assert len(storykit.search(db, way_out, limit=None)) == (39 if "NOT" in way_out else 40)


def test_a_query_sqlite_cannot_read_is_told_how_queries_are_written(db: Path) -> None:
    with pytest.raises(ValueError, match=r"a phrase goes in double quotes"):
        storykit.search(db, "AND")


def test_a_huge_query_is_refused_without_being_read() -> None:
    # reading a query costs SQLite time in the square of its terms too (100,000: seconds)
    problem = _query_problem(" OR ".join(["the"] * 100_000) + " AND", 32)
    assert problem is not None
    assert problem.startswith("too many terms in the search query: over 1,000;")
    problem = _query_problem('"' + "the " * 5_000 + '"', 32)  # one phrase of 5,000 words
    assert problem is not None
    assert problem.startswith("too many terms in the search query: 5,000;")
    assert _phrases(" ".join(["the"] * 100_000), 10) == ["the"] * 11  # stops counting


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "32"])
def test_max_terms_is_a_whole_number_or_none(db: Path, bad: object) -> None:
    with pytest.raises(ValueError, match=r"^max_terms takes a whole number of 1 or more, or None"):
        storykit.search(db, "the", max_terms=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_limit_is_a_whole_number_or_none(db: Path, bad: object) -> None:
    """Found by an attack in hX: ``limit=-1`` gave every hit (SQLite's ``LIMIT -1``),
    ``"3"`` was taken as 3 and ``1.5`` said ``cannot search the database: datatype
    mismatch``, the database's fault."""
    with pytest.raises(ValueError, match=r"^limit takes a whole number of 0 or more, or None"):
        storykit.search(db, "the", limit=bad)  # type: ignore[arg-type]


def test_a_limit_beyond_sqlites_integers_is_no_limit(db: Path) -> None:
    """Found by an attack in hX: ``storykit search DB QUERY -n 9223372036854775808`` (2**63)
    ended in a traceback, ``OverflowError: Python int too large to convert to SQLite
    INTEGER``."""
    assert len(storykit.search(db, "the", limit=2**63)) == 40
    assert len(storykit.search(db, "the", limit=0)) == 0
    done = cli("search", str(db), "word7", "-n", str(10**30), "--json", env=unmeasured())
    assert (done.returncode, done.stdout.count('"title": "Story 7 of')) == (0, 1), done.stderr


@pytest.mark.parametrize("bad", [None, b"the", 3])
def test_the_query_is_text(db: Path, bad: object) -> None:
    with pytest.raises(TypeError, match=r"^the query is text \(str\), not "):
        storykit.search(db, bad)  # type: ignore[arg-type]


PIECES = [*'()"{}:,+*-^ \t\n_\x00\x1a.', "a", "b", "OR", "AND", "NOT", "NEAR", "title",
          "body", "nope", "10", "é", "東", "\ue000", "\u0301", "😀"]  # fmt: skip
FTS5_TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join) | st.text(max_size=20)
"""Text made of FTS5's syntax (and words the index splits oddly), or any text."""


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=FTS5_TEXT)
def test_counting_never_raises_and_agrees_with_sqlite(db: Path, query: str) -> None:
    """Any text: counted without an exception; refused as unreadable exactly when SQLite
    refuses it on the database itself; the count it gives is the least limit that lets it by.
    """
    phrases = _phrases(query, 1000)
    assert all(isinstance(text, str) for text in phrases)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        try:
            connection.execute(
                "SELECT rowid FROM stories_fts WHERE stories_fts MATCH ?", (query,)
            ).fetchall()
            sqlite_refuses = False
        except sqlite3.OperationalError:
            sqlite_refuses = True
        except UnicodeEncodeError:
            sqlite_refuses = True
    # only space, U+3000 too (which SQLite takes, to match nothing), is said to be empty
    empty = not query.split("\x00", 1)[0].strip()
    problem = _query_problem(query, 1)
    unreadable = problem is not None and problem.startswith(
        ("not a search query", "the query is empty")
    )
    assert unreadable == (sqlite_refuses or empty)
    assert (_query_problem(query, None) is not None) == (sqlite_refuses or empty)
    if problem is not None and not unreadable:
        terms = int(problem.split(": ")[1].split(";")[0])
        assert terms > 1
        assert _query_problem(query, terms) is None
        assert str(_query_problem(query, terms - 1)).startswith("too many terms")
    if sqlite_refuses or empty:  # the real search agrees, with the message it always had
        with pytest.raises(ValueError, match=r"^(not a search query SQLite understands: |the q)"):
            storykit.search(db, query)
    else:
        storykit.search(db, query, max_terms=None)


def test_the_command_says_what_the_limit_is_and_how_to_change_it(db: Path) -> None:
    query = " OR ".join(["the"] * 40)
    done = cli("search", str(db), query, env=unmeasured())
    assert (done.returncode, done.stdout) == (2, "")  # a usage error, as a bad query is
    assert done.stderr == (
        "storykit search: error: too many terms in the search query: 40; the most is 32"
        " (each word counts; --max-terms N sets the limit, 0 for none)\n"
    )
    done = cli("search", str(db), query, "--max-terms", "40", "-n", "2", env=unmeasured())
    assert (done.returncode, done.stdout.count("of the archive")) == (0, 2)
    done = cli("search", str(db), query, "--max-terms", "0", "--json", env=unmeasured())
    assert done.returncode == 0
    assert done.stdout.count('"title"') == 20
    done = cli("search", str(db), query, "--max-terms", "-1", env=unmeasured())
    assert (done.returncode, done.stderr) == (
        2,
        "storykit search: error: --max-terms takes 0 (no limit) or more, not -1\n",
    )
    assert "--max-terms N" in cli("search", "--help", env=unmeasured()).stdout


def test_a_story_with_thousands_of_matches_gets_a_plain_snippet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's snippet() takes time in the square of a story's matches of the query's
    phrases (a story of 1,000 words 'the', searched for 'the' 32 times: 6 seconds); such a
    story gets the 12 words around its first match instead, marked as SQLite marks them."""
    made: list[int] = []
    plain_snippet = sk_search._plain_snippet

    def recorded(
        connection: sqlite3.Connection, query: str, pk: int, mark: Mark, phrases: int, *, own: Mark
    ) -> str:
        made.append(pk)
        return plain_snippet(connection, query, pk, mark, phrases, own=own)

    monkeypatch.setattr(sk_search, "_plain_snippet", recorded)
    db = tmp_path / "s.db"
    odd = Story("Odd", sections=[Section(None, ["Once upon " + "the " * 1000 + "end."])])
    plain = Story("Plain", sections=[Section(None, ["The cat sat on the mat, the end."])])
    storykit.to_sqlite([odd, plain], db)
    hits = storykit.search(db, " OR ".join(["the"] * 32), mark=("<", ">"))
    assert [hit.title for hit in hits] == ["Odd", "Plain"]
    assert made == [1]  # the odd story only
    assert hits[0].snippet == "Once upon " + "<the> " * 9 + "<the>…"
    # any story under the bound keeps SQLite's own snippet, whatever the query
    with sqlite3.connect(db) as connection:
        (expected,) = connection.execute(
            "SELECT snippet(stories_fts, -1, '<', '>', '…', 12) FROM stories_fts"
            " WHERE stories_fts MATCH ? AND rowid = 2",
            (" OR ".join(["the"] * 32),),
        ).fetchone()
    assert hits[1].snippet == expected == "<The> cat sat on <the> mat, <the> end."
    (hit,) = storykit.search(db, "upon", mark=("<", ">"))  # one match: SQLite's snippet
    assert hit.snippet == "Once <upon> the the the the the the the the the the…"
    assert made == [1]
    storykit.search(db, "the", mark=("<", ">"))  # 1,000 matches of one phrase: SQLite's
    assert made == [1]
    storykit.search(db, "the OR the OR the")  # 3,000: the plain one
    assert made == [1, 1]


def test_a_very_long_story_gets_the_snippet_of_its_first_100_000_characters(
    tmp_path: Path,
) -> None:
    """highlight() too takes time in the square of a long story's matches (160,000 words
    'the': 2 seconds), so a story of over 100,000 characters has its snippet made from
    its first 100,000 (in title, headings, body and tags each)."""
    db = tmp_path / "s.db"
    long = Story("Long", sections=[Section(None, ["Once upon " + "the " * 30_000 + "late."])])
    few = Story("Few", sections=[Section(None, ["Once " + "upon " * 30_000 + "a late time."])])
    storykit.to_sqlite([long, few], db)
    (hit,) = storykit.search(db, "the OR the", mark=("<", ">"))  # too many matches: plain
    assert hit.snippet == "Once upon " + "<the> " * 9 + "<the>…"
    (hit,) = storykit.search(db, "time", mark=("<", ">"))  # beyond the first 100,000
    assert hit.title == "Few"
    assert hit.snippet == "Once upon upon upon upon upon upon upon upon upon upon upon…"
    (hit,) = storykit.search(db, "once NOT the", mark=("<", ">"))  # SQLite's, on a copy
    assert hit.snippet == "<Once> upon upon upon upon upon upon upon upon upon upon upon…"


def test_a_bareword_is_what_fts5_takes_for_one_on_every_character() -> None:
    # _BAREWORD is written as the ASCII characters it is not (it compiles 40 times faster):
    # held here to the set FTS5 documents, on every code point
    documented = re.compile("[0-9A-Za-z_\x1a\x80-\U0010ffff]+")
    every = "".join(map(chr, range(0x110000)))
    assert _sqlite_query._BAREWORD.findall(every) == documented.findall(every)
    for char in "azAZ09_\x1a\x80é\ud800\U0010ffff":
        assert _sqlite_query._BAREWORD.fullmatch(char), repr(char)
    for char in " \t\"'()*+,-.:^{}\x00\x19\x1b\x7f/@[`~":
        assert _sqlite_query._BAREWORD.fullmatch(char) is None, repr(char)


FORGED = "\ue000forged\ue001"
"""A word between the private-use characters search() once marked matches with."""
RUN = "\ue000" * 2100


def test_a_storys_own_mark_characters_are_its_text_not_matches(tmp_path: Path) -> None:
    """Found by an attack in s15: search() marked matches with U+E000 and U+E001 to count
    them and to make a plain snippet, and took a story's own U+E000 and U+E001 for its
    marks: a word that did not match was highlighted, the story's characters were lost to
    the marks (the API's and the command's, which start with U+E000 too), and 2,000 of them
    sent the story to the plain snippet. Its marks are now new at each search."""
    db = tmp_path / "s.db"
    many = Story("Many", sections=[Section(None, [f"A {FORGED} word, {RUN} cat."])])
    long = Story(
        "Long", sections=[Section(None, [f"Intro {FORGED} then {'filler ' * 20_000}cat."])]
    )
    storykit.to_sqlite([many, long], db)
    hits = {hit.title: hit.snippet for hit in storykit.search(db, "cat", mark=("<", ">"))}
    assert hits == {
        "Many": f"A {FORGED} word, {RUN} <cat>.",  # (SQLite's snippet)
        "Long": f"Intro {FORGED} then" + " filler" * 9 + "…",  # (no match in its start)
    }
    done = cli("search", str(db), "cat", env=unmeasured())
    assert done.returncode == 0
    assert f"  Intro {FORGED} then filler" in done.stdout
    assert f"  A {FORGED} word, \ue000\ue000" in done.stdout
    assert done.stdout.count("[") == done.stdout.count("]") == 1  # [cat], not the story's


def test_marks_that_hold_each_others_text_mark_a_plain_snippet(tmp_path: Path) -> None:
    """Found by an attack in s15: the plain snippet's marks were put in one after the other,
    so the second replaced the first where it held it."""
    db = tmp_path / "s.db"
    storykit.to_sqlite([Story("Odd", sections=[Section(None, ["A cat " + "the " * 3000])])], db)
    (hit,) = storykit.search(db, "cat OR the", mark=("\ue001", "\ue000"))  # 3,001 matches
    assert hit.snippet == "A \ue001cat\ue000" + " \ue001the\ue000" * 10 + "…"
