"""SQLite from the command line: convert, re-run, search, and the outputs it refuses."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import storykit
from storykit import Section
from storykit.cli import main
from storykit.formats import sqlite as sk_sqlite
from tests.cli_helpers import FF, _fsize_limit, run, run_real, seeded, unmeasured
from tests.conftest import SEED
from tests.formats.sqlite_helpers import SRC, db_rows, make, never_written_into

# --------------------------------------------------------------------------- command line


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
    assert run(capsys, "search", str(db), "nosuchword") == (1, "", "no story matches\n")
    # found as a new user: --json with no match printed [] and exited 0, where the help says
    # "1 none matched" and the same search without --json exits 1
    assert run(capsys, "search", str(db), "nosuchword", "--json") == (
        1,
        "[]\n",
        "no story matches\n",
    )
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


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_cli_never_replaces_a_device_or_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: list[str]
) -> None:
    write = storykit.to_sqlite
    never_written_into(tmp_path, capsys, "sqlite", "an SQLite database", write, force)


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


def test_a_database_whose_name_is_not_utf8_is_read_searched_and_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by trying the command: reading such a database made its read-only URI from the
    name as text, which cannot encode it (validate: internal error; search: a codec error)."""
    database = tmp_path / os.fsdecode(b"o\xff.db")
    assert main(["convert", str(SEED), "-o", str(database), "-q"]) == 0
    assert list(storykit.iter_stories(database)) == [storykit.load(SEED)]
    status, out, err = run(capsys, "validate", str(database))
    assert (status, err) == (0, "1 story checked: 0 errors, 0 warnings\n")
    status, out, err = run(capsys, "search", str(database), "xiaomi")
    assert (status, err) == (0, "")
    assert storykit.load(SEED).title in out


def test_a_database_whose_name_is_not_utf8_is_written(tmp_path: Path) -> None:
    # a traceback: the check that the run's new database holds a story quoted the name as text
    seeded(tmp_path, "a.txt")
    assert run_real("convert", "a.txt", "-o", f"o{FF}.db", cwd=tmp_path) == (
        0,
        "",
        "1 converted, 0 failed\n",
    )
    assert os.path.getsize(os.path.join(os.fsencode(tmp_path), b"o\xff.db")) > 0
    assert run_real("convert", "a.txt", "-o", f"o{FF}.db", cwd=tmp_path)[2] == (
        "0 converted, 0 failed, 1 skipped (already in $'o\\xff.db')\n"
    )


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


def test_a_database_path_too_long_for_sqlite_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found checking write errors on long paths: a database whose full path is over 512
    bytes (SQLite's limit; the system's is 4,096) failed "unable to open database file",
    in a folder that exists and can be written. The error now says why, and what to do."""
    folder = tmp_path / ("d" * 200) / ("e" * 200) / ("f" * 200)
    folder.mkdir(parents=True)
    out = folder / "s.db"
    with pytest.raises(OSError, match="SQLite opens none over 512") as info:
        storykit.to_sqlite([make(1)], out)
    assert info.value.errno == errno.ENAMETOOLONG
    size = len(os.fsencode(out))
    assert info.value.strerror == (
        f"unable to open database file: its full path is {size:,} bytes, and SQLite opens "
        "none over 512; write the database in a folder nearer the root"
    )
    assert info.value.filename == str(out)
    assert list(folder.iterdir()) == []
    status, _, err = run(capsys, "convert", str(SEED), "-o", str(out))
    assert status == 1
    assert err.endswith(
        "SQLite opens none over 512; write the database in a folder nearer the root\n"
    )


def test_a_database_in_a_missing_folder(tmp_path: Path) -> None:
    # sqlite3's 'unable to open database file' came out as a traceback: the command makes
    # the folder, as for every other output; the library says which file it could not open
    out = tmp_path / "new" / "deeper" / "s.db"
    # said as every writer says it, not as SQLite's 'unable to open database file'
    with pytest.raises(FileNotFoundError, match=r"the folder .*new.deeper does not exist") as info:
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


def test_search_escapes_the_story_text_it_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an attack in s14: ``search`` wrote the hits' titles and snippets as they were,
    so an ESC (or a U+202E) in a story reached the terminal, where show escapes them. They
    are escaped as show escapes them; the matched words are still marked (bold on a terminal)."""
    evil = "\x1b]0;pwned\x07\u202e"
    story = make(1)
    assert story.source is not None
    story = attrs.evolve(
        story,
        title=f"Bets {evil} here",
        source=attrs.evolve(story.source, url=f"https://e.com/{evil}"),
        sections=(Section("Head", (f"It wagers {evil}\x1b[1m too.",)),),
    )
    storykit.dump(story, tmp_path / "a.json")
    db = tmp_path / "stories.db"
    assert run(capsys, "convert", str(tmp_path / "a.json"), "-o", str(db))[0] == 0
    shown = "\\x1b]0;pwned\\x07\\u202e"
    status, out, _ = run(capsys, "search", str(db), "wagers")
    assert status == 0
    assert out.splitlines()[0] == f"Bets {shown} here"
    assert f"https://e.com/{shown}" in out
    assert f"It [wagers] {shown}\\x1b[1m too." in out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    status, out, _ = run(capsys, "search", str(db), "wagers")
    assert f"It \x1b[1mwagers\x1b[0m {shown}\\x1b[1m too." in out
    assert out.count("\x1b") == 2
    status, out, _ = run(capsys, "search", str(db), "bets", "--json")
    assert json.loads(out)[0]["title"] == story.title  # JSON: the text as it is
