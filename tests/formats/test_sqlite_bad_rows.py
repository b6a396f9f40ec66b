"""SQLite: a damaged database read story by story: rows too big, rows of no story, bad rows."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import storykit
from storykit import Section, Story, StoryParseError
from storykit.formats import sqlite as sk_sqlite
from tests.conftest import ROOT


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
