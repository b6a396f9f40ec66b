"""SQLite: a damaged database read story by story: rows too big, rows of no story, bad rows.

Any damage (keys that are no integers, a value of any type in any column) is a story or an
error naming the file, and a read that fails part-way leaves the database unlocked.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import Section, Story, StoryParseError
from storykit._records import Failure
from storykit.formats import sqlite as sk_sqlite
from tests.cli_helpers import cli, unmeasured
from tests.conftest import ROOT, SEED
from tests.formats.sqlite_helpers import read_every_way


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


@pytest.mark.parametrize("key", ["'a' || pk", "NULL", "pk + 0.5", "x'01'"])
def test_a_stories_table_whose_keys_are_no_integers_is_an_error(tmp_path: Path, key: str) -> None:
    # A stories table made by hand without INTEGER PRIMARY KEY: comparing a text key with
    # the children's integer keys was a TypeError out of iter_stories.
    db = tmp_path / "odd.db"
    sk_sqlite.to_sqlite([storykit.load(SEED)], db)
    columns = "id, title, source, published, url, image_alt, credit_role, credit_name"
    with sqlite3.connect(db) as connection:
        connection.executescript(
            "CREATE TABLE old AS SELECT * FROM stories; DROP TABLE stories;"
            f" CREATE TABLE stories AS SELECT {key} AS pk, {columns}, credit_provider FROM old;"
        )
    connection.close()
    with pytest.raises(
        StoryParseError, match=r"odd\.db: \d+ rows? of sections belongs? to no story"
    ):
        list(storykit.iter_stories(db))
    failures = [p for p in sk_sqlite.read_pieces(str(db)) if isinstance(p, Failure)]
    assert {f.error.filename for f in failures} == {str(db)}


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


def _read_failing(how: str, path: Path) -> str:
    """Read ``path`` until it fails; the message only (the error itself is let go)."""
    try:
        if how == "iter_stories":
            list(storykit.iter_stories(path))
        else:
            list(sk_sqlite.read_pieces(str(path)))
    except StoryParseError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize("how", ["iter_stories", "read_pieces"])
def test_a_database_that_fails_mid_read_is_not_left_locked(tmp_path: Path, how: str) -> None:
    # A text column that is no UTF-8 fails the read part-way through a cursor's rows; that
    # cursor kept the file open and read-locked until the garbage collector ran.
    db = tmp_path / "bad.db"
    story = storykit.load(SEED)
    sk_sqlite.to_sqlite([story, attrs.evolve(story, title="Other")], db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE stories SET title = CAST(x'c3' AS TEXT) WHERE pk = 2")
    connection.close()
    assert "a text in it is not UTF-8" in _read_failing(how, db)
    writer = sqlite3.connect(db, timeout=0)
    try:
        writer.execute("UPDATE stories SET title = 'fixed'")
        writer.commit()  # "database is locked" while a read that is over still held it
    finally:
        writer.close()


_TABLE_COLUMNS = {
    "stories": ("pk", "id", "title", "source", "published", "url", "image_alt", "credit_role"),
    "sections": ("story", "position", "heading"),
    "paragraphs": ("story", "section", "position", "text"),
    "tags": ("story", "position", "tag"),
    "credits": ("story", "position", "role", "name", "provider"),
    "extras": ("story", "position", "text"),
}
_SQL_VALUES = st.sampled_from(
    [
        "NULL", "0", "-1", "9223372036854775807", "1.5", "1e308", "''", "'x'", "'2026-13-45'",
        "'2026-05-25T10:00:00+99:00'", "x''", "x'00ff'", "CAST(x'c3' AS TEXT)", "rowid + 0.5",
        "rowid", "'\u2028'", "char(0)",
    ]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(_TABLE_COLUMNS)).flatmap(
                lambda t: st.tuples(st.just(t), st.sampled_from(_TABLE_COLUMNS[t]))
            ),
            _SQL_VALUES,
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_damage_to_a_database_is_a_story_or_an_error(
    changes: list[tuple[tuple[str, str], str, int]],
) -> None:
    # Each changed table made again without its constraints (a database made by hand), then
    # a column of some rows (or all: 0) set to a value of any type SQLite holds.
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "hurt.db"
        story = storykit.load(SEED)
        sk_sqlite.to_sqlite([story, attrs.evolve(story, title="Two", tags=("X",))], db)
        connection = sqlite3.connect(db)
        try:
            for (table, column), value, row in changes:
                connection.executescript(
                    f"DROP TABLE IF EXISTS old; CREATE TABLE old AS SELECT * FROM {table};"
                    f" DROP TABLE {table}; CREATE TABLE {table} AS SELECT * FROM old;"
                )
                where = f" WHERE rowid = {row}" if row else ""
                connection.execute(f"UPDATE {table} SET {column} = {value}{where}")
            connection.commit()
        finally:
            connection.close()
        read_every_way(db, sk_sqlite)
        writer = sqlite3.connect(db, timeout=0)  # no read left it locked
        try:
            writer.execute("CREATE TABLE after (x)")
            writer.commit()
        finally:
            writer.close()


def test_a_schema_whose_bytes_are_not_utf_8_is_an_error_naming_the_file(tmp_path: Path) -> None:
    """Found by an attack in s15 (a fuzzed database): SQLite's message quoted the damaged
    schema's bytes, which Python could not decode, and raised a UnicodeDecodeError in place
    of SQLite's error: out of every reader, the writer and search; a traceback from
    ``storykit convert -o`` and ``show``, an "internal error" from ``validate`` and a usage
    error (status 2) from ``search``."""
    story = storykit.load(SEED)
    db = tmp_path / "damaged.db"
    sk_sqlite.to_sqlite([story], db)
    data = db.read_bytes()
    assert data.count(b"CREATE TABLE sections") == 1
    db.write_bytes(data.replace(b"CREATE TABLE sections", b"CREATE TA\xc3LE sections"))
    said = 'malformed database schema (sections) - near "TA\\xc3LE": syntax error'
    for call in (
        lambda: list(storykit.iter_stories(db)),
        lambda: list(sk_sqlite.read_pieces(str(db))),
        lambda: sk_sqlite.to_sqlite([story], db),
        lambda: storykit.search(db, "xiaomi"),
    ):
        with pytest.raises(StoryParseError) as caught:
            call()
        assert caught.value.filename == str(db)
        assert said in caught.value.message
    name = str(db)
    for argv in (
        ("validate", name),
        ("show", name),
        ("search", name, "xiaomi"),
        ("convert", str(SEED), "-o", name),
    ):
        done = cli(*argv, env=unmeasured())
        assert done.returncode == 1, (argv, done.stderr)
        said_all = done.stdout + done.stderr  # (validate reports on standard output)
        assert said in said_all
        assert "Traceback" not in said_all
        assert "internal error" not in said_all


def test_a_text_that_is_not_utf_8_is_said_as_such(tmp_path: Path) -> None:
    """Found by an attack in s15: a story's text that is not UTF-8 was said in the words of
    storykit's own query (``Could not decode to UTF-8 column 'CASE WHEN length(CAST(title AS
    BLOB)) > 16777216 THEN NULL ELSE title END'``), and search said only "user-defined
    function raised exception" (its mark counter was given the text as ``str``)."""
    db = tmp_path / "damaged.db"
    sk_sqlite.to_sqlite([storykit.load(SEED)], db)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute("UPDATE stories SET title = CAST(X'41C3' AS TEXT)")
        connection.commit()
    said = "a text in it is not UTF-8: 'A\ufffd' (a damaged file, or not storykit's)"
    with pytest.raises(StoryParseError) as caught:
        list(storykit.iter_stories(db))
    assert caught.value.message == f"cannot read the database: {said}"
    with pytest.raises(StoryParseError) as caught:
        storykit.search(db, "xiaomi")
    assert caught.value.message == f"cannot search the database: {said}"


@pytest.mark.parametrize(
    ("version", "said"),
    [
        ("2", "a storykit database of layout version 2; this is version 1"),
        # found by an attack in hX: said "of layout version  1; this is version 1"
        (" 1", "a storykit database of layout version ' 1'; this is version 1"),
        (None, "not a storykit database (no layout version)"),
    ],
)
def test_another_layout_version_is_refused_by_the_reader_and_the_writer(
    tmp_path: Path, version: str | None, said: str
) -> None:
    """The reader and the writer check the layout version with one check, and say it so."""
    db = tmp_path / "s.db"
    storykit.to_sqlite([Story("T")], db)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        if version is None:
            connection.execute("DELETE FROM storykit_meta")
        else:
            connection.execute("UPDATE storykit_meta SET value = ?", (version,))
    with pytest.raises(StoryParseError) as read:
        list(storykit.iter_stories(db))
    assert (read.value.message, read.value.filename) == (said, str(db))
    if version is not None:  # (a writer puts a missing version back: the layout is its own)
        with pytest.raises(StoryParseError) as written:
            storykit.to_sqlite([Story("U")], db)
        assert (written.value.message, written.value.filename) == (said, str(db))
    with contextlib.closing(sqlite3.connect(db)) as connection:  # left as it was
        assert connection.execute("SELECT title FROM stories").fetchall() == [("T",)]


@pytest.mark.parametrize("column", ["id", "title", "source", "published", "url"])
def test_a_hit_whose_text_is_a_blob_is_an_error_naming_the_story(
    tmp_path: Path, column: str
) -> None:
    """Found by an attack in hX: a database whose ``title`` (or source, date, link, id) is a
    BLOB made ``storykit search`` end in a traceback (``TypeError: a bytes-like object is
    required``; with ``--json``, ``Object of type bytes is not JSON serializable``), and
    :func:`storykit.search` return a ``Hit`` holding ``bytes``, not the ``str`` it is typed."""
    db = tmp_path / "blob.db"
    story = storykit.load(SEED)
    sk_sqlite.to_sqlite([attrs.evolve(story, title="Other"), story], db)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(f"UPDATE stories SET {column} = x'00ff' WHERE pk = 2")
    story_id = sk_sqlite.content_id(story)
    named = "" if column == "id" else f"story {story_id}: "  # (an id that is no text: no name)
    said = f"cannot search the database: {named}{column}: expected text, got a BLOB"
    with pytest.raises(StoryParseError) as caught:
        storykit.search(db, "xiaomi")
    assert (caught.value.message, caught.value.filename, caught.value.line) == (said, str(db), 2)
    for json_too in ((), ("--json",)):
        done = cli("search", str(db), "xiaomi", *json_too, env=unmeasured())
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr.startswith(f"{db}:2: {said}"), done.stderr
        assert "Traceback" not in done.stderr
