"""SQLite: the tables, lossless round trips, content ids, FTS5 search, re-runs and refusals."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import Credit, Image, Section, Source, Story, StoryParseError, UnknownFormatError
from storykit.formats import sqlite as sk_sqlite
from storykit.formats._sqlite_layout import utc_text
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, SEED
from tests.formats.sqlite_helpers import SRC, db_rows, make
from tests.strategies import stories

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
