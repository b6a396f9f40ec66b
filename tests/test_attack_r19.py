"""Round 19's attack on the readers and the command line: each test a reproducer that failed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import StoryParseError
from storykit._records import Failure
from storykit.formats import sqlite as sk_sqlite
from tests.cli_helpers import _fsize_limit, cli, storykit_cmd, unmeasured
from tests.conftest import SEED, run_python


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
    assert "Could not decode to UTF-8" in _read_failing(how, db)
    writer = sqlite3.connect(db, timeout=0)
    try:
        writer.execute("UPDATE stories SET title = 'fixed'")
        writer.commit()  # "database is locked" while a read that is over still held it
    finally:
        writer.close()


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


def test_parquet_metadata_nested_deeply_is_not_a_storykit_file(tmp_path: Path) -> None:
    # The storykit key of the file's metadata went to json.loads unchecked: RecursionError.
    pq = pytest.importorskip("pyarrow.parquet")
    from storykit.formats import parquet as sk_parquet

    path = tmp_path / "deep.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({b"storykit": b"[" * 100_000}), path)
    message = r"deep\.parquet: not a storykit Parquet file \(no storykit version"
    with pytest.raises(StoryParseError, match=message):
        list(storykit.iter_stories(path))
    with pytest.raises(StoryParseError, match=message):
        list(sk_parquet.read(path))


_KILLED_MID_WRITE = """
import os, signal, storykit
story = storykit.load({seed!r})

def stories():
    for i in range(5):
        yield story
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 in the middle of the file

{call}(stories(), {out!r})
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 and locks: POSIX")
@pytest.mark.parametrize(
    ("call", "name", "extra"),
    [
        ("storykit.to_parquet", "out.parquet", "pyarrow"),
        ("storykit.dump_many", "out.jsonl", None),
    ],
)
def test_a_file_writer_killed_mid_write_leaves_a_temp_the_next_run_removes(
    tmp_path: Path, call: str, name: str, extra: str | None
) -> None:
    # The Parquet writer and dump_many named their temporary file with mkstemp: a kill -9
    # left .storykit-k3j2h1g0.parquet.tmp for ever, as no later run could tell it was left.
    if extra is not None:
        pytest.importorskip(extra)
    out = tmp_path / name
    script = _KILLED_MID_WRITE.format(seed=str(SEED), call=call, out=str(out))
    done = run_python(script, measured=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".storykit-")]
    assert len(left) == 1 and not out.exists()
    os.utime(left[0], (1_000_000_000.0, 1_000_000_000.0))  # written long ago
    done = cli("convert", str(SEED), "-o", str(out), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert [s.title for s in storykit.iter_stories(out)] == [storykit.load(SEED).title]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX")
def test_dump_many_into_a_named_pipe_writes_into_it(tmp_path: Path) -> None:
    # dump_many renamed its temporary file over the path: a named pipe (or, as root,
    # /dev/null) was replaced by a regular file, and the pipe's reader waited for ever.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    story = storykit.load(SEED)
    assert storykit.dump_many([story, story], fifo) == 2
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [storykit.loads(line, "json") for line in got[0].splitlines()] == [story, story]
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_parquet_output_past_a_file_size_limit_is_named_and_left_out(tmp_path: Path) -> None:
    # "storykit convert: error: Error writing bytes to file. Detail: [errno 27] File too
    # large": the one output there was, not named.
    pytest.importorskip("pyarrow")
    story = storykit.load(SEED)
    stories = [attrs.evolve(story, title=f"Story {i}") for i in range(300)]
    storykit.dump_many(stories, tmp_path / "in.jsonl")
    done = subprocess.run(
        storykit_cmd("convert", "in.jsonl", "-o", "sub/out.parquet"),
        capture_output=True,
        check=False,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=120,
        preexec_fn=_fsize_limit(8192),
        env=unmeasured(),  # coverage could not write its data under this limit
    )
    said = "storykit convert: error: sub/out.parquet: File too large"
    assert (done.returncode, done.stderr) == (1, said + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no file, no folder


_WRITE_FAILING = """
import os, resource, signal, storykit
story = storykit.load({seed!r})
storykit.dumps(story, "json")  # the writers imported while they can be
dump_many = storykit.dump_many
taken = []
if {files}:  # every file descriptor taken: the temporary file cannot be opened
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    while True:
        try:
            taken.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            break
else:  # a file size limit: the temporary file cannot be completed
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
for write in (storykit.dump, lambda s, path: dump_many([s], path)):
    try:
        write(story, {out!r})
    except OSError as exc:
        print(exc.filename, exc.strerror)
for fd in taken:
    os.close(fd)
print(sorted(os.listdir({folder!r})))
"""


@pytest.mark.skipif(os.name != "posix", reason="resource limits: POSIX")
@pytest.mark.parametrize("files", [True, False])
def test_a_write_that_fails_names_its_file_not_its_temporary_name(
    tmp_path: Path, files: bool
) -> None:
    # storykit.dump said "[Errno 24] Too many open files: '.storykit-81-1f0ab7ed-0.tmp'"
    # (a read-only disk likewise), or "[Errno 27] File too large" with no file at all.
    out = tmp_path / "story.json"
    script = _WRITE_FAILING.format(seed=str(SEED), files=files, out=str(out), folder=str(tmp_path))
    done = run_python(script, measured=False)
    error = "Too many open files" if files else "File too large"
    assert done.stdout.splitlines() == [f"{out} {error}", f"{out} {error}", "[]"], done.stderr


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
        named = set()
        for read in (
            lambda: list(storykit.iter_stories(db)),
            lambda: list(sk_sqlite.read_pieces(str(db))),
            lambda: list(sk_sqlite.read(db)),
        ):
            try:
                read()
            except StoryParseError as exc:
                named.add(exc.filename)
        assert named <= {str(db)}
        writer = sqlite3.connect(db, timeout=0)  # no read left it locked
        try:
            writer.execute("CREATE TABLE after (x)")
            writer.commit()
        finally:
            writer.close()


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


_ARROW_VALUES = (
    ("string", ["x", None]),
    ("binary", [b"\xff", None]),
    ("int64", [2**62, None]),
    ("float64", [float("nan"), None]),
    ("bool", [True, None]),
    ("date32", [2**31 - 1, None]),
    ("list_string", [["a", None], None]),
    ("list_int", [[1], []]),
    ("struct", [{"role": None, "name": 1, "heading": None}, None]),
    ("list_struct", [[{"role": "r", "heading": 5, "paragraphs": None}], [None]]),
    ("map", [[("a", 1)], None]),
)

_PARQUET_COLUMNS = (
    "title", "source", "url", "published_iso", "image_alt", "image_credit", "credits",
    "sections", "tags", "extras",
)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PARQUET_COLUMNS),
            st.sampled_from(range(len(_ARROW_VALUES))),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_column_of_any_type_in_parquet_is_a_story_or_an_error(
    changes: list[tuple[str, int]],
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from storykit.formats import parquet as sk_parquet

    kinds = {
        "string": pa.string(), "binary": pa.binary(), "int64": pa.int64(),
        "float64": pa.float64(), "bool": pa.bool_(), "date32": pa.int32(),
        "list_string": pa.list_(pa.string()), "list_int": pa.list_(pa.int64()),
        "struct": pa.struct([("role", pa.string()), ("name", pa.int64()),
                             ("heading", pa.string())]),
        "list_struct": pa.list_(pa.struct([("role", pa.string()), ("heading", pa.int64()),
                                           ("paragraphs", pa.list_(pa.string()))])),
        "map": pa.map_(pa.string(), pa.int64()),
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hurt.parquet"
        story = storykit.load(SEED)
        sk_parquet.to_parquet([story, attrs.evolve(story, title="Two")], path)
        table = pq.read_table(path)
        for column, which in changes:
            name, values = _ARROW_VALUES[which]
            array = pa.array(values, kinds[name])
            if name == "date32":
                array = array.cast(pa.date32())
            table = table.set_column(table.schema.get_field_index(column), column, array)
        pq.write_table(table, path)
        named = set()
        for read in (
            lambda: list(storykit.iter_stories(path)),
            lambda: list(sk_parquet.read_pieces(str(path))),
            lambda: list(sk_parquet.read_pieces(str(path), max_member_size=200)),
            lambda: list(sk_parquet.read(path)),
        ):
            try:
                read()
            except StoryParseError as exc:
                named.add(exc.filename)
        assert named <= {str(path)}


def test_a_parquet_date_beyond_pythons_is_an_error(tmp_path: Path) -> None:
    # A date32 title of 2**31 - 1 days: to_pylist raised OverflowError out of iter_stories.
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "far.parquet"
    story = storykit.load(SEED)
    storykit.to_parquet([story, attrs.evolve(story, title="Two")], path)
    table = pq.read_table(path)
    far = pa.array([2**31 - 1, None], pa.int32()).cast(pa.date32())  # (one: cast to text)
    pq.write_table(table.set_column(table.schema.get_field_index("title"), "title", far), path)
    message = r"far\.parquet: cannot read the Parquet file \(rows 1 to 2: .*must have magnitude"
    with pytest.raises(StoryParseError, match=message):
        list(storykit.iter_stories(path))


def _fed_later(data: bytes) -> int:
    """The read end of a non-blocking pipe that ``data`` comes down a moment later."""
    read, write = os.pipe()
    os.set_blocking(read, False)

    def feed() -> None:
        time.sleep(0.3)  # the reader finds no data first
        with contextlib.suppress(OSError):  # (a reader that gave up closed its end)
            for start in range(0, len(data), 1000):
                os.write(write, data[start : start + 1000])
                time.sleep(0.01)
        os.close(write)

    threading.Thread(target=feed, daemon=True).start()
    return read


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


@pytest.mark.skipif(os.name != "posix", reason="non-blocking pipes: POSIX")
def test_convert_from_a_non_blocking_standard_input(tmp_path: Path) -> None:
    # Standard input a parent left non-blocking (O_NONBLOCK is the pipe's, shared):
    # a TypeError traceback from stream_pieces.
    read = _fed_later(SEED.read_bytes())
    done = subprocess.run(
        storykit_cmd("convert", "-", "--to", "json"),
        stdin=read,
        capture_output=True,
        check=False,
        encoding="utf-8",
        timeout=60,
    )
    os.close(read)
    assert (done.returncode, done.stderr) == (0, "1 converted, 0 failed\n")
    assert storykit.loads(done.stdout, "json") == storykit.load(SEED)


@pytest.mark.parametrize("fmt", ["json", None])
def test_a_boolean_version_is_no_storykit_json(fmt: str | None) -> None:
    # {"storykit": true} was read as version 1 (True == 1 in Python); the JSON Schema's
    # "const": 1 refuses it.
    document = json.loads(storykit.dumps(storykit.load(SEED), "json"))
    text = json.dumps({**document, "storykit": True})
    with pytest.raises(StoryParseError, match="expected storykit JSON version 1 in key"):
        storykit.loads(text, fmt)
    stream = storykit.iter_stories([io.BytesIO(text.encode())], format="jsonl", errors="collect")
    assert (list(stream), len(stream.errors)) == ([], 1)
