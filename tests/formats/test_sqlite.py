"""SQLite: the tables, lossless round trips, FTS5 search, re-runs, and crashes mid-write."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError, UnknownFormatError
from storykit.cli import main
from storykit.formats import sqlite as sk_sqlite
from storykit.formats._sqlite_layout import utc_text
from tests.cli_helpers import _wait_for, unmeasured
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, ROOT, SEED
from tests.strategies import stories

SRC = ROOT / "src"


def make(i: int) -> Story:
    """Story ``i`` of a made-up archive: every part of the model filled."""
    return Story(
        f"Story {i}: Xiaomi bets on chips",
        source=Source("SCMP" if i % 2 else "Nikkei Asia", dt.date(2026, 1 + i % 12, 1 + i % 28)),
        image=Image("A robot", Credit("photo", "Pavel Danilyuk", "Pexels")),
        credits=[Credit("byline", f"Writer {i}")],
        sections=[
            Section(None, [f"Lead {i}.", "Second lead."]),
            Section("The play", [f"Body {i}, café."]),
            Section("Empty heading"),
        ],
        tags=("AI", "Semiconductors", f"Tag{i % 5}"),
        extras=(f"stray line {i}",),
    )


def db_rows(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, args).fetchall()


# --------------------------------------------------------------------------- round trips


def test_seed_and_made_up_stories_read_back_equal(tmp_path: Path) -> None:
    seed = storykit.load(SEED)
    written = [seed, *map(make, range(30))]
    db = tmp_path / "stories.db"
    assert storykit.to_sqlite(written, db) == 31
    assert list(storykit.iter_stories(db)) == written


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_reads_back_equal(tmp_path: Path) -> None:
    corpus = list(storykit.iter_records(CORPUS / "stories"))
    db = tmp_path / "corpus.sqlite"
    assert storykit.to_sqlite(corpus, db) == len(corpus)
    assert list(storykit.iter_stories(db)) == [story for _, story in corpus]
    # where each came from is kept in the origin columns
    origins = db_rows(db, "SELECT origin_file, origin_member, origin_line FROM stories ORDER BY pk")
    assert origins == [(o.path, o.member, o.line) for o, _ in corpus]


@settings(max_examples=60)  # a database file each: ~70 ms an example
@given(st.lists(stories(), max_size=4))
def test_any_stories_read_back_equal(written: list[Story]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder, "s.db")
        storykit.to_sqlite(written, db)
        expected, seen = [], set()
        for story in written:  # a story given twice is written once
            if sk_sqlite.content_id(story) not in seen:
                seen.add(sk_sqlite.content_id(story))
                expected.append(story)
        back = list(storykit.iter_stories(db))
    assert back == expected
    for story, original in zip(back, expected, strict=True):  # == takes 9:30+01:00 for 8:30Z
        assert type(story.published) is type(original.published)
        if isinstance(story.published, dt.datetime):
            assert story.published.isoformat() == original.published.isoformat()  # type: ignore[union-attr]


# --------------------------------------------------------------------------- ids


def test_content_id_is_the_documented_hash() -> None:
    # worked out from content_id's docstring: the fields in model order, a count before
    # each list, "" for none, NUL between them, UTF-8, after a b"storykit-1\0" prefix
    story = Story("Tïtle", sections=[Section(None, ["One.", "Two."])], tags=["AI"])
    fields = ["Tïtle", "", "", "", "", "", "", "", "", "", "", "0", "1", "", "2", "One."]
    fields += ["Two.", "1", "AI", "0"]
    data = b"storykit-1\0" + "\0".join(fields).encode("utf-8")
    assert sk_sqlite.content_id(story) == hashlib.sha256(data).hexdigest()[:16]
    assert sk_sqlite.content_id(story) == sk_sqlite.content_id(attrs.evolve(story))


def test_content_id_tells_apart_what_a_plain_join_would_not() -> None:
    one = Story("T", sections=[Section(None, ["a", "b"])])
    variants = [
        one,
        Story("T", sections=[Section(None, ["a"]), Section("b")]),
        Story("T", sections=[Section("a"), Section("b")]),
        Story("T", sections=[Section("a", ["b"])]),
        Story("T", sections=[Section(None, ["a"])], tags=["b"]),
        Story("T", sections=[Section(None, ["a"])], extras=["b"]),
        Story("T", sections=[Section(None, ["a\0b"])]),  # NUL: hashed as JSON instead
        Story("T", sections=[Section(None, ["a\0", "b"])]),
        Story("T", source=Source("a")),
        Story("T", source=Source(None, url="a")),
        Story("T", image=Image("a")),
        Story("T", image=Image(None, Credit("a", "b"))),
        Story("T", image=Image("a", Credit("b", None, "c"))),
        Story("T", credits=[Credit("a", "b")]),
        Story("T", credits=[Credit("a", None, "b")]),
    ]
    assert len({sk_sqlite.content_id(story) for story in variants}) == len(variants)


@settings(max_examples=200)
@given(stories(), stories())
def test_content_ids_are_equal_exactly_when_the_stories_json_is(a: Story, b: Story) -> None:
    same = storykit.dumps(a, "json") == storykit.dumps(b, "json")
    assert (sk_sqlite.content_id(a) == sk_sqlite.content_id(b)) is same
    again = storykit.loads(storykit.dumps(a, "json"))
    assert sk_sqlite.content_id(a) == sk_sqlite.content_id(again)


# --------------------------------------------------------------------------- tables


def test_tables_a_person_can_query(tmp_path: Path) -> None:
    seed = storykit.load(SEED)
    db = tmp_path / "s.db"
    storykit.to_sqlite([seed], db)
    ((pk, sid, title, source, published, utc, url, alt, credit, words),) = db_rows(
        db,
        "SELECT pk, id, title, source, published, published_utc, url, image_alt, credit,"
        " word_count FROM stories",
    )
    assert sid == sk_sqlite.content_id(seed)
    assert len(sid) == 16
    assert (title, source, published, utc) == (
        seed.title,
        "SCMP",
        "2026-05-25",
        "2026-05-25T00:00:00Z",
    )
    assert url == seed.url
    assert alt == seed.image.alt  # type: ignore[union-attr]
    assert credit == "Photo by Pavel Danilyuk on Pexels"
    assert words == seed.word_count
    assert db_rows(db, "SELECT tag FROM tags WHERE story = ? ORDER BY position", pk) == [
        ("AI",),
        ("EVs",),
        ("Semiconductors",),
        ("Smartphones",),
    ]
    headings = db_rows(db, "SELECT heading FROM sections ORDER BY position")
    assert [h for (h,) in headings] == [s.heading for s in seed.sections]
    paragraphs = db_rows(db, "SELECT text FROM paragraphs ORDER BY section, position")
    assert [p for (p,) in paragraphs] == list(seed.paragraphs)
    indexes = {name for (name,) in db_rows(db, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"stories_published_utc", "stories_source", "tags_tag"} <= indexes


def test_utc_column_sorts_dates_and_times_together() -> None:
    utc = utc_text
    assert utc(dt.date(2026, 5, 25)) == "2026-05-25T00:00:00Z"
    offset = dt.timezone(dt.timedelta(hours=8))
    assert utc(dt.datetime(2026, 5, 25, 8, 30, tzinfo=offset)) == "2026-05-25T00:30:00Z"
    assert utc(dt.datetime(2026, 5, 24, 23, 0)) == "2026-05-24T23:00:00Z"  # naive: as UTC
    assert utc(None) is None


def test_fts_finds_the_seed_by_name_by_body_word_and_without_diacritics(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    storykit.to_sqlite([storykit.load(SEED), *map(make, range(3))], db)
    seed_id = sk_sqlite.content_id(storykit.load(SEED))
    assert [hit.id for hit in storykit.search(db, "xiaomi") if "pouring" in hit.title] == [seed_id]
    (hit,) = storykit.search(db, "pouring")  # a word of the body and the title
    assert hit.id == seed_id
    assert "[pouring]" in hit.snippet.lower()
    assert len(storykit.search(db, "cafe")) == 3  # café, diacritics removed
    assert len(storykit.search(db, "semiconductors", limit=2)) == 2  # a tag
    assert storykit.search(db, "nosuchword") == []
    with pytest.raises(ValueError, match="not a search query"):
        storykit.search(db, "AND")
    # a lone quote or star was 'cannot search the database' (the file's fault, status 1)
    for query, why in (('"', "unterminated string"), ("*", "unknown special query")):
        with pytest.raises(ValueError, match=f"not a search query.*{why}"):
            storykit.search(db, query)


def test_datasette_and_sqlite_utils_find_the_index(tmp_path: Path) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = tmp_path / "s.db"
    storykit.to_sqlite([storykit.load(SEED), make(1)], db)
    database = sqlite_utils.Database(db)
    assert database["stories"].detect_fts() == "stories_fts"
    found = list(database["stories"].search("xiaomi AND pouring"))
    assert [row["title"] for row in found] == [storykit.load(SEED).title]
    sql = db_rows(db, "SELECT sql FROM sqlite_master WHERE name = 'stories_fts'")[0][0]
    assert 'content="stories"' in sql  # what Datasette's detect_fts looks for
    assert "remove_diacritics 2" in sql


def test_datasette_offers_search_out_of_the_box(tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    db = tmp_path / "stories.db"
    storykit.to_sqlite([storykit.load(SEED), make(1)], db)

    async def ask() -> tuple[str, list[dict[str, object]]]:
        datasette = datasette_app.Datasette([str(db)])
        page = await datasette.client.get("/stories/stories")
        found = await datasette.client.get(
            "/stories/stories.json?_search=pouring&_shape=array&_col=title"
        )
        return page.text, found.json()

    page, found = asyncio.run(ask())
    assert 'name="_search"' in page  # the search box on the stories table
    assert [row["title"] for row in found] == [storykit.load(SEED).title]


# --------------------------------------------------------------------------- re-runs


def test_rerun_adds_only_new_stories_and_force_replaces(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = sk_sqlite.write(map(make, range(10)), db)
    assert (first.added, first.skipped) == (10, 0)
    again = sk_sqlite.write(map(make, range(15)), db)
    assert (again.added, again.skipped) == (5, 10)
    assert list(storykit.iter_stories(db)) == list(map(make, range(15)))
    pks = db_rows(db, "SELECT pk FROM stories WHERE title LIKE 'Story 3:%'")
    forced = sk_sqlite.write([make(3), make(3)], db, force=True)  # twice in one run: once
    assert (forced.added, forced.skipped) == (1, 1)
    assert db_rows(db, "SELECT count(*) FROM stories") == [(15,)]
    assert db_rows(db, "SELECT pk FROM stories WHERE title LIKE 'Story 3:%'") != pks
    assert len(storykit.search(db, '"story 3"')) == 1  # the old row left the index too
    assert db_rows(db, "SELECT count(*) FROM paragraphs") == [(15 * 3,)]
    # across chunks too: a story met again later in the same run is not replaced twice
    forced = sk_sqlite.write([make(1), make(20), make(1), make(21)], db, force=True, chunk_size=2)
    assert (forced.added, forced.skipped) == (3, 1)
    assert db_rows(db, "SELECT count(*) FROM stories") == [(17,)]
    assert len(list(storykit.iter_stories(db))) == 17


def test_not_a_storykit_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(StoryParseError, match="not a storykit database") as info:
        list(storykit.iter_stories(other))
    assert info.value.filename == str(other)
    text = tmp_path / "text.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(StoryParseError, match="not a storykit database"):
        storykit.to_sqlite([make(1)], text)
    assert text.read_text(encoding="utf-8") == "hello"


_ENDLESS_VIEW = (
    "CREATE VIEW {name} AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
    " SELECT x AS pk, 'id' AS id, 't' AS title, NULL AS source, NULL AS published,"
    " NULL AS url, NULL AS image_alt, NULL AS credit_role, NULL AS credit_name,"
    " NULL AS credit_provider, 'schema_version' AS key, '1' AS value FROM n"
)


@pytest.mark.parametrize("name", ["stories", "storykit_meta"])
def test_a_view_in_place_of_a_table_is_refused_not_run(tmp_path: Path, name: str) -> None:
    # A hostile file's `stories` (or `storykit_meta`) as a never-ending view: reading it
    # (sorted by pk) never came back from SQLite, and SIGTERM and Ctrl-C could not stop it.
    # Run in a process of its own, so that a hang fails the test instead of hanging it.
    db = tmp_path / "hostile.db"
    storykit.to_sqlite([make(1)], db)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute(f"ALTER TABLE {name} RENAME TO old_{name}")
        connection.execute(_ENDLESS_VIEW.format(name=name))
        connection.commit()
    script = (
        "import sys, storykit\n"
        "from storykit import StoryParseError\n"
        "from storykit.formats import sqlite\n"
        "calls = [lambda: list(storykit.iter_stories(sys.argv[1])),\n"
        "         lambda: storykit.search(sys.argv[1], 'chips'),\n"
        "         lambda: storykit.to_sqlite([], sys.argv[1])]\n"
        "for call in calls:\n"
        "    try:\n"
        "        call()\n"
        "    except StoryParseError as exc:\n"
        "        print(exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    why = f"not a storykit database ({name!r} is a view, not a table)"
    assert done.stdout.splitlines() == [f"{db}: {why}"] * 3


def test_a_generated_column_is_refused(tmp_path: Path) -> None:
    # a generated column runs the file author's expression on every row read
    db = tmp_path / "hostile.db"
    storykit.to_sqlite([make(1)], db)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("ALTER TABLE tags ADD COLUMN big GENERATED ALWAYS AS (zeroblob(9))")
        connection.commit()
    with pytest.raises(StoryParseError, match=r"tags\.big is a generated column"):
        list(storykit.iter_stories(db))


def test_databases_are_read_when_named_not_when_walking(tmp_path: Path) -> None:
    storykit.to_sqlite([make(1)], tmp_path / "stories.db")
    (tmp_path / "Thumbs.db").write_bytes(b"\0junk")
    storykit.dump(make(2), tmp_path / "a.json")
    assert list(storykit.iter_stories(tmp_path)) == [make(2)]
    assert list(storykit.iter_stories([tmp_path / "stories.db", tmp_path])) == [make(1), make(2)]


def test_one_story_calls_say_to_use_the_file_functions(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="to_sqlite"):
        storykit.dumps(make(1), "sqlite")
    with pytest.raises(UnknownFormatError, match="to_sqlite"):
        storykit.dump(make(1), tmp_path / "x.db")
    with pytest.raises(UnknownFormatError, match="iter_stories"):
        storykit.loads("x", "sqlite")
    with pytest.raises(TypeError, match="one Story"):
        storykit.to_sqlite(make(1), tmp_path / "x.db")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- crashes


def _then(error: BaseException, n: int) -> Iterator[Story]:
    yield from map(make, range(n))
    raise error


def test_an_error_mid_stream_keeps_the_stories_before_it(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(StoryParseError, match="bad"):
        sk_sqlite.write(_then(StoryParseError("bad"), 120), db, chunk_size=50)
    assert list(storykit.iter_stories(db)) == list(map(make, range(100)))  # whole chunks
    with pytest.raises(TypeError, match=r"stories\[2\]"):
        storykit.to_sqlite([make(200), make(201), "not a story"], db)  # type: ignore[list-item]


def test_ctrl_c_mid_stream_leaves_whole_stories(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(KeyboardInterrupt):
        sk_sqlite.write(_then(KeyboardInterrupt(), 1234), db, chunk_size=100)
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
    back = list(storykit.iter_stories(db))
    assert len(back) % 100 == 0
    assert back == list(map(make, range(len(back))))
    assert sk_sqlite.write(map(make, range(1234)), db).added == 1234 - len(back)


_WRITER = """
import sys
sys.path[:0] = [{src!r}, {root!r}]
from storykit.formats import sqlite
from tests.formats.test_sqlite import make
sqlite.write((make(i) for i in range(1_000_000)), {db!r}, chunk_size=50)
"""


def test_kill_9_mid_write_leaves_whole_stories(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code = _WRITER.format(src=str(SRC), root=str(ROOT), db=str(db))
    writer = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        count = 0
        while count < 500 and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                count = db_rows(db, "SELECT count(*) FROM stories")[0][0]  # type: ignore[assignment]
            except sqlite3.Error:
                count = 0
        assert writer.poll() is None, "the writer ended before it was killed"
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    back = list(storykit.iter_stories(db))  # read-only, first: rolls back a cut-short chunk
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert len(back) >= 500
    assert back == [make(i) for i in range(len(back))]  # every row a whole story, in order
    assert db_rows(db, "SELECT count(*) FROM stories_fts") == [(len(back),)]
    # and a re-run finishes the job
    sk_sqlite.write((make(i) for i in range(len(back) + 100)), db)
    assert db_rows(db, "SELECT count(*) FROM stories") == [(len(back) + 100,)]


_CUT_SHORT = """
import os, sys
sys.path[:0] = [{src!r}, {root!r}]
from storykit.formats import sqlite
from tests.formats.test_sqlite import make
sqlite.write(map(make, range(100)), {db!r})
connection = sqlite.connect({db!r})
connection.execute("PRAGMA cache_size = 5")  # changed pages spill into the file mid-transaction
connection.execute("BEGIN IMMEDIATE")
connection.execute("DELETE FROM paragraphs")
connection.execute("UPDATE stories SET title = 'half written'")
os.kill(os.getpid(), 9)
"""


def test_a_read_after_a_write_cut_short_rolls_it_back(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code = _CUT_SHORT.format(src=str(SRC), root=str(ROOT), db=str(db))
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == -signal.SIGKILL
    journal = tmp_path / "s.db-journal"
    assert journal.stat().st_size > 0  # the transaction's journal, left behind
    # a read-only reader cannot roll it back; iter_stories and search have it done first
    assert list(storykit.iter_stories(db)) == list(map(make, range(100)))
    assert not journal.exists()
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert len(storykit.search(db, "xiaomi", limit=None)) == 100


def test_writes_keep_one_file_with_a_durable_journal(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    storykit.to_sqlite([make(0)], db)
    with contextlib.closing(sqlite3.connect(db)) as connection:  # as an earlier version left it
        assert connection.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        connection.execute("UPDATE stories SET word_count = word_count")
    storykit.to_sqlite(map(make, range(3)), db)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["s.db"]  # no -wal, -journal
    assert db_rows(db, "PRAGMA journal_mode") == [("delete",)]
    assert db_rows(db, "PRAGMA page_size") == [(16384,)]
    with contextlib.closing(sk_sqlite.connect(db)) as connection:
        assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    config = dict(db_rows(db, "SELECT k, v FROM stories_fts_config"))
    assert (config["automerge"], config["hashsize"]) == (16, 16 * 1024 * 1024)
    # the page size is set when a database is made; an existing one keeps its own
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (x)")
    storykit.to_sqlite([make(1)], other)
    assert db_rows(other, "PRAGMA page_size") == [(4096,)]
    assert list(storykit.iter_stories(other)) == [make(1)]


# --------------------------------------------------------------------------- command line


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_convert_rerun_and_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    storykit.dump(make(1), folder / "a.json")
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    db = tmp_path / "stories.db"
    assert run(capsys, "convert", str(folder), "-o", str(db)) == (0, "", "2 converted, 0 failed\n")
    status, _, err = run(capsys, "convert", str(folder), "-o", str(db))
    assert (status, err) == (0, f"0 converted, 0 failed, 2 skipped (already in {db})\n")
    status, _, err = run(capsys, "convert", str(folder), "-o", str(db), "--force")
    assert (status, err) == (0, "2 converted, 0 failed\n")  # replaced
    assert db_rows(db, "SELECT count(*) FROM stories") == [(2,)]
    status, out, _ = run(capsys, "search", str(db), "xiaomi AND pouring")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == storykit.load(SEED).title
    assert lines[1] == "SCMP · 2026-05-25"
    assert "[Xiaomi]" in out or "[pouring]" in out
    status, out, _ = run(capsys, "search", str(db), "bets", "--json")
    assert status == 0
    (hit,) = json.loads(out)
    assert hit["title"] == make(1).title
    assert hit["published"] == make(1).published.isoformat()  # type: ignore[union-attr]
    assert "[bets]" in hit["snippet"]
    assert set(hit) == {"id", "title", "source", "published", "url", "snippet"}
    assert run(capsys, "search", str(db), "nosuchword")[0] == 1
    status, _, err = run(capsys, "search", str(db), "AND")
    assert status == 2
    assert "not a search query" in err
    status, _, err = run(capsys, "search", str(db), '"trade war')
    assert (status, err) == (
        2,
        "storykit search: error: not a search query SQLite understands: "
        "'\"trade war' (unterminated string); words match as they are, a phrase goes in "
        'double quotes ("trade war"), and AND, OR, NOT, NEAR, parentheses, a final * and a '
        "colon after a column name are FTS5 syntax\n",
    )
    status, _, err = run(capsys, "search", str(db), "")
    assert status == 2
    assert err.startswith("storykit search: error: the query is empty: give the words")
    status, _, err = run(capsys, "search", str(tmp_path / "none.db"), "x")
    assert (status, err) == (1, f"{tmp_path / 'none.db'}: no such database file\n")


def test_cli_sqlite_needs_a_file_and_reports_bad_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "a.json"
    storykit.dump(make(1), good)
    bad = tmp_path / "bad.txt"
    bad.write_text("← Back to stories\nSCMP 2026-13-45\n\nA title\n\nBody text.", "utf-8")
    status, _, err = run(capsys, "convert", str(good), "--to", "sqlite")
    assert status == 2
    assert "give -o FILE.db" in err
    db = tmp_path / "s.sqlite3"
    status, _, err = run(capsys, "convert", str(good), str(bad), "-o", str(db))
    assert status == 1
    assert err.startswith(f"{bad}:2:")
    assert err.endswith("1 converted, 1 failed\n")
    assert list(storykit.iter_stories(db)) == [make(1)]


def test_cli_converts_a_database_back_to_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.db"
    storykit.to_sqlite([make(1), make(2)], db)
    out = tmp_path / "all.jsonl"
    assert run(capsys, "convert", str(db), "-o", str(out), "--jobs", "1")[0] == 0
    back = [storykit.loads(line, "json") for line in out.read_text("utf-8").splitlines()]
    assert back == [make(1), make(2)]


def _specials(tmp_path: Path) -> list[Path]:
    """A private character device (1, 3: a null device, never the real /dev/null), a FIFO
    and a symbolic link to the device; the device only where mknod is allowed."""
    made = []
    device = tmp_path / "mynull"
    with contextlib.suppress(OSError):
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made += [device, tmp_path / "link"]
        (tmp_path / "link").symlink_to(device)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    return [*made, fifo]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_cli_never_replaces_a_device_or_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: list[str]
) -> None:
    specials = _specials(tmp_path)
    for special in specials:
        before = os.lstat(special)
        assert run(capsys, "convert", str(SEED), "-o", str(special), "--to", "sqlite", *force) == (
            1,
            "",
            f"{special}: not a regular file; an SQLite database cannot be written into a device"
            " or FIFO\n",
        )
        after = os.lstat(special)
        assert (after.st_mode, after.st_ino, after.st_rdev) == (
            before.st_mode,
            before.st_ino,
            before.st_rdev,
        )
    assert sorted(tmp_path.iterdir()) == sorted(specials)  # no -journal beside them
    with pytest.raises(StoryParseError, match="not a regular file") as info:
        storykit.to_sqlite([make(1)], specials[-1])
    assert info.value.filename == str(specials[-1])


def test_cli_output_that_is_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    db.write_text("hello\n", encoding="utf-8")
    command = [sys.executable, "-m", "storykit", "convert", str(SEED), "-o", str(db)]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"{db}: not a storykit database (file is not a database); use --force to replace it\n"
    )
    assert db.read_text(encoding="utf-8") == "hello\n"
    done = subprocess.run(
        [*command, "--force"], capture_output=True, text=True, env=env, check=False
    )
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert list(storykit.iter_stories(db)) == [storykit.load(SEED)]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["t.db"]
    # a database of another kind is not replaced, even with --force
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE storykit_meta (k)")
    done = subprocess.run(
        [*command[:-1], str(other), "--force"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"{other}: not a storykit database (")
    assert "Traceback" not in done.stderr
    assert db_rows(other, "SELECT name FROM sqlite_master") == [("storykit_meta",)]


_CTRL_C_IN_FINISH = """
import os, signal, sys, threading, time
sys.path[:0] = [{src!r}, {root!r}]
from storykit.formats import sqlite
from tests.formats.test_sqlite import make

real = sqlite._write_chunk

def slow(*args, **kwargs):  # the writer is busy with the last chunk while the caller waits
    # Ctrl-C as the chunk starts, sent from here: no third thread that a loaded machine
    # could keep waiting until the write is over (seen once: no Ctrl-C came at all)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return real(*args, **kwargs)

sqlite._write_chunk = slow
try:
    sqlite.write(map(make, range(300)), {db!r})
except KeyboardInterrupt:
    writers = [t for t in threading.enumerate() if t.name == "storykit-sqlite-writer"]
    print("interrupted", len(writers))
"""


def test_ctrl_c_while_the_last_chunk_is_written_waits_for_the_writer(tmp_path: Path) -> None:
    # Python 3.11: a join() cut short by Ctrl-C marks the thread stopped while it runs; the
    # connection was then closed under the writer (a crash in SQLite, a journal left).
    db = tmp_path / "s.db"
    code = _CTRL_C_IN_FINISH.format(src=str(SRC), root=str(ROOT), db=str(db))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "interrupted 0\n", "")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["s.db"]  # no -journal
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
    back = list(storykit.iter_stories(db))
    assert back in ([], list(map(make, range(300))))  # the chunk rolled back, or all of it


def test_cli_ctrl_c_exits_130_without_a_journal(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    for i in range(1500):  # a file per story: the reading and the writing overlap
        storykit.dump(make(i), folder / f"{i:04d}.json")
    # not measured: a Ctrl-C that comes as the command ends would land in coverage's own
    # save at exit (a traceback that is not storykit's)
    env = {**unmeasured(), "PYTHONPATH": str(SRC)}
    for delay in (0.0, 0.05, 0.2):
        db = tmp_path / "s.db"
        command = [sys.executable, "-m", "storykit", "convert", str(folder), "-o", str(db)]
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        # once a chunk is in the database, however slow the machine (under load a fixed
        # time after the start came before it): a Ctrl-C before the first chunk leaves no
        # database at all, tested on its own (test_cli_sigterm_before_the_first_chunk…)
        assert _wait_for(lambda: _stories_in(db) > 0, 60)  # noqa: B023
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1]
        # 130, or 0 if it finished first (-2: the signal came as the interpreter exited)
        assert process.returncode in (0, 130, -signal.SIGINT), err
        assert "Segmentation" not in err
        assert "Traceback" not in err
        names = sorted(path.name for path in tmp_path.iterdir())
        assert names == ["archive", "s.db"]  # no journal, no temporary file
        assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]
        back = list(storykit.iter_stories(db))
        assert back == list(map(make, range(len(back))))
        db.unlink()


def _stories_in(db: Path) -> int:
    """How many stories another process has committed to ``db`` so far (0: none, or busy)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
            return int(connection.execute("SELECT count(*) FROM stories").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_ctrl_c_before_the_tables_are_made_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found under load: sqlite3.connect makes an empty file at once; a Ctrl-C before the
    tables were made in it left that file, which no reader takes ("not a storykit database")."""

    def interrupted(connection: sqlite3.Connection) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sk_sqlite, "_layout_problem", interrupted)
    db = tmp_path / "new.db"
    with pytest.raises(KeyboardInterrupt):
        sk_sqlite.connect(db)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(KeyboardInterrupt):
        storykit.to_sqlite([make(1)], db)
    assert list(tmp_path.iterdir()) == []
    # a database that was there is left as it was
    monkeypatch.undo()
    storykit.to_sqlite([make(1)], db)
    monkeypatch.setattr(sk_sqlite, "_layout_problem", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sk_sqlite.connect(db)
    assert list(storykit.iter_stories(db)) == [make(1)]


def test_the_command_removes_an_empty_file_it_made_for_a_database(tmp_path: Path) -> None:
    """What a signal leaves between ``sqlite3.connect`` and ``connect``'s own clean-up."""
    from storykit import _tables

    empty = tmp_path / "empty.db"
    empty.touch()
    _tables._remove_made(str(empty))
    assert not empty.exists()
    no_story = tmp_path / "none.db"
    storykit.to_sqlite([], no_story)  # the tables, and no story
    _tables._remove_made(str(no_story))
    assert not no_story.exists()
    kept = tmp_path / "kept.db"
    storykit.to_sqlite([make(1)], kept)
    _tables._remove_made(str(kept))
    assert list(storykit.iter_stories(kept)) == [make(1)]
    (tmp_path / "target.db").touch()
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "target.db")  # an empty file behind a link is not ours
    _tables._remove_made(str(link))
    assert link.is_symlink()


def test_a_file_name_that_is_not_utf8_is_kept_escaped(tmp_path: Path) -> None:
    """Found by attacking the CLI: the bytes of such a name made executemany raise."""
    folder = tmp_path / "nb"
    folder.mkdir()
    name = os.fsdecode(b"\xff\xfe bad.txt")
    (folder / name).write_bytes(SEED.read_bytes())
    database = tmp_path / "nb.db"
    assert main(["convert", str(folder), "-o", str(database), "-q"]) == 0
    with contextlib.closing(sqlite3.connect(database)) as connection:
        (origin,) = connection.execute("SELECT origin_file FROM stories").fetchone()
    assert origin.endswith("\\udcff\\udcfe bad.txt")
    assert list(storykit.iter_stories(database)) == [storykit.load(SEED)]


def _fsize_limit(limit: int) -> Callable[[], None]:
    def limit_file_size() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG

    return limit_file_size


@pytest.mark.parametrize(
    ("limit", "kept"),
    [(200 * 1024, False), (2560 * 1024, True)],  # the tables do not fit; one chunk fits
)
def test_cli_a_file_size_limit_is_an_error_not_a_traceback(
    tmp_path: Path, limit: int, kept: bool
) -> None:
    # SQLite's 'disk I/O error' came out of convert as a traceback; a database that could
    # not even be made was left as an empty file and called 'not a storykit database'
    stories = [make(i) for i in range(3 * sk_sqlite.CHUNK)]
    (tmp_path / "in.jsonl").write_text(
        "".join(storykit.dumps(s, "json", indent=None) + "\n" for s in stories), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "storykit", "convert", "in.jsonl", "-o", "big.db", "-j", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        preexec_fn=_fsize_limit(limit),
        env={**unmeasured(), "PYTHONPATH": str(SRC)},
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "storykit convert: error: big.db: disk I/O error\n"
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == (["big.db", "in.jsonl"] if kept else ["in.jsonl"])  # no journal
    if kept:  # whole chunks of stories, in order
        read = list(storykit.iter_stories(tmp_path / "big.db"))
        assert 0 < len(read) < len(stories)
        assert len(read) % sk_sqlite.CHUNK == 0
        assert read == stories[: len(read)]


def test_a_database_in_a_missing_folder(tmp_path: Path) -> None:
    # sqlite3's 'unable to open database file' came out as a traceback: the command makes
    # the folder, as for every other output; the library says which file it could not open
    out = tmp_path / "new" / "deeper" / "s.db"
    # said as the system says it, not as SQLite's 'unable to open database file'
    with pytest.raises(FileNotFoundError, match="No such file or directory") as info:
        storykit.to_sqlite([make(1)], out)
    assert info.value.filename == str(out)
    assert main(["convert", str(SEED), "-o", str(out), "-q"]) == 0
    assert list(storykit.iter_stories(out)) == [storykit.load(SEED)]


def test_a_database_in_a_folder_without_permission_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in a first-ten-minutes pass (as a user, not root): ``convert … -o ro/x.db``
    said ``ro/x.db: unable to open database file`` where ``-o ro/x.json`` says
    ``Permission denied``. (Root may write anywhere: the folder's refusal is made up.)"""
    (tmp_path / "ro").mkdir()
    out = tmp_path / "ro" / "x.db"
    real = sqlite3.connect

    def refused(name: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if os.fspath(name) == str(out):  # as SQLite says it when the folder is read-only
            error = sqlite3.OperationalError("unable to open database file")
            error.sqlite_errorname = "SQLITE_CANTOPEN"
            raise error
        return real(name, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", refused)
    monkeypatch.setattr(os, "access", lambda path, mode: os.fspath(path) != str(out.parent))
    with pytest.raises(PermissionError, match="Permission denied") as info:
        storykit.to_sqlite([make(1)], out)
    assert info.value.filename == str(out)
    assert main(["convert", str(SEED), "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"storykit convert: error: {out}: Permission denied\n"


def test_cli_sigterm_before_the_first_chunk_leaves_no_database(tmp_path: Path) -> None:
    # stories came (from a pipe that stays open) but none was committed when SIGTERM
    # arrived: the empty database the run made was left behind
    command = [sys.executable, "-m", "storykit", "convert", "-", "-o", "s.db"]
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env
    ) as process:
        assert process.stdin is not None
        lines = (storykit.dumps(make(i), "json", indent=None) + "\n" for i in range(1500))
        process.stdin.write("".join(lines).encode())  # past the reader's blocks, not a chunk
        process.stdin.flush()
        assert _wait_for(lambda: (tmp_path / "s.db").exists(), 30)
        time.sleep(1)  # the stories are read; the first chunk waits for more
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 128 + signal.SIGTERM
        process.stdin.close()
    assert list(tmp_path.iterdir()) == []


def test_a_story_over_max_member_size_is_refused_as_an_archive_member_is(
    tmp_path: Path,
) -> None:
    """A row holding a huge text was read whole, whatever max_member_size said."""
    db = tmp_path / "s.db"
    stories = [Story(f"T{i}", sections=[Section(None, [f"p{i}"])]) for i in range(5)]
    stories[3] = Story("T3", tags=["a"], extras=["b"])
    storykit.to_sqlite(stories, db)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE paragraphs SET text = ? WHERE story = 2", ("x" * 3000,))
        connection.execute("UPDATE stories SET title = ? WHERE pk = 3", ("é" * 1001,))  # 2002 B
        # four texts of 600 bytes: none over the limit, the story is
        connection.execute("UPDATE stories SET source = ?, url = ? WHERE pk = 4", ("s" * 600,) * 2)
        connection.execute("UPDATE tags SET tag = ? WHERE story = 4", ("t" * 600,))
        connection.execute("UPDATE extras SET text = ? WHERE story = 4", ("e" * 600,))
        connection.execute(
            "INSERT INTO extras (story, position, text) VALUES (4, 9, ?)", ("e" * 600,)
        )
        # 2,000 bytes in all: at the limit, read
        connection.execute("UPDATE stories SET title = ? WHERE pk = 5", ("T" * 1998,))
    log = storykit.ErrorLog()
    read = list(storykit.iter_stories(db, max_member_size=2000, errors="collect", log=log))
    assert [story.title for story in read] == ["T0", "T" * 1998]
    said = "story larger than the 2,000 bytes limit (max_member_size); not read"
    assert [str(error) for error in log] == [f"{db}:{n}: {said}" for n in (2, 3, 4)]
    # as for a zip's member
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("a.txt", "x" * 3000)
    log = storykit.ErrorLog()
    zipped = storykit.iter_stories(
        tmp_path / "a.zip", max_member_size=2000, errors="collect", log=log
    )
    assert list(zipped) == []
    assert [str(error) for error in log] == [f"{tmp_path / 'a.zip'}:a.txt: member {said[6:]}"]
    # the command: each story refused is said, the others converted
    argv = ["convert", str(db), "--to", "json", "-j", "2", "--max-member-size", "2000"]
    done = subprocess.run(
        [sys.executable, "-m", "storykit", *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 1
    said = said.replace("(max_member_size)", "(--max-member-size)")  # the command's option
    assert done.stderr.splitlines() == [
        f"{db}:2: {said}",
        f"{db}:3: {said}",
        f"{db}:4: {said}",
        "2 converted, 3 failed",
    ]
    # without a limit (storykit.formats.sqlite.read), every story is read
    assert len(list(sk_sqlite.read(db))) == 5


def _three_stories(tmp_path: Path) -> tuple[Path, list[Story]]:
    """A database of three small stories, and the stories."""
    db = tmp_path / "s.db"
    stories = [Story(f"T{i}", sections=[Section("h", [f"p{i}"])]) for i in range(3)]
    storykit.to_sqlite(stories, db)
    return db, stories


def test_rows_of_no_story_are_said_and_hold_back_no_other_story(tmp_path: Path) -> None:
    """One paragraph row of a story not there (story 0) took every other story's text."""
    db, stories = _three_stories(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("INSERT INTO paragraphs VALUES (0, 0, 0, 'orphan')")
        connection.execute("INSERT INTO tags VALUES ('x', 0, 'a'), ('x', 1, 'b')")
    log = storykit.ErrorLog()
    read = list(storykit.iter_stories(db, errors="collect", log=log))
    assert read == stories
    assert [str(error) for error in log] == [
        f"{db}: 1 row of paragraphs belongs to no story; not read",
        f"{db}: 2 rows of tags belong to no story; not read",
    ]
    with pytest.raises(StoryParseError, match="1 row of paragraphs belongs to no story"):
        list(sk_sqlite.read(db))


def test_a_row_that_is_no_story_fails_that_story_only(tmp_path: Path) -> None:
    """A bad row ended the reading of the database: the stories after it were not read."""
    db, stories = _three_stories(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE stories SET title = X'FFFE' WHERE pk = 1")
        # paragraphs of a section not there were dropped without a word
        connection.execute("UPDATE paragraphs SET section = 7 WHERE story = 2")
    log = storykit.ErrorLog()
    assert list(storykit.iter_stories(db, errors="collect", log=log)) == stories[2:]
    ids = [sk_sqlite.content_id(story) for story in stories]
    assert [str(error) for error in log] == [
        f"{db}:1: story {ids[0]}: title: expected a string, got bytes",
        f"{db}:2: story {ids[1]}: paragraphs of section 7, which is not in sections",
    ]
    with pytest.raises(StoryParseError, match="title: expected a string, got bytes"):
        list(sk_sqlite.read(db))
