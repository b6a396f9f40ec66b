"""Parquet: real column types, lossless round trips, DuckDB and pandas as readers, row groups.

And files that are not as storykit writes them: another program's, a value stored once and
used 10,000 times, a storykit file damaged (deep metadata, any type in a column, a date beyond
Python's): a story or an error naming the file, never another exception.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storykit
from storykit import MissingExtraError, Story, StoryParseError
from storykit.cli import main
from storykit.export import RECORD_COLUMNS, story_id
from storykit.formats import _parquet_columns
from storykit.formats import parquet as sk_parquet
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, SEED
from tests.formats.sqlite_helpers import make, never_written_into, read_every_way
from tests.strategies import stories

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def test_seed_and_made_up_stories_read_back_equal(tmp_path: Path) -> None:
    written = [storykit.load(SEED), *map(make, range(20))]
    path = tmp_path / "s.parquet"
    assert storykit.to_parquet(written, path) == 21
    assert list(storykit.iter_stories(path)) == written


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_reads_back_equal(tmp_path: Path) -> None:
    corpus = list(storykit.iter_stories(CORPUS / "stories"))
    path = tmp_path / "corpus.parquet"
    storykit.to_parquet(corpus, path)
    assert list(storykit.iter_stories(path)) == corpus


@settings(max_examples=60)
@given(st.lists(stories(), max_size=4))
def test_any_stories_read_back_equal(written: list[Story]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "s.parquet")
        storykit.to_parquet(written, path)
        back = list(storykit.iter_stories(path))
    assert back == written
    for story, original in zip(back, written, strict=True):  # a date stays a date
        assert type(story.published) is type(original.published)
        if isinstance(story.published, dt.datetime):
            assert story.published.isoformat() == original.published.isoformat()  # type: ignore[union-attr]


def test_columns_are_the_records_with_real_types(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    seed = storykit.load(SEED)
    storykit.to_parquet([seed, make(1)], path)
    schema = pq.read_schema(path)
    assert schema.names[: len(RECORD_COLUMNS)] == list(RECORD_COLUMNS)
    assert schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("sections").type == pa.list_(
        pa.struct([("heading", pa.string()), ("paragraphs", pa.list_(pa.string()))])
    )
    assert schema.field("word_count").type == pa.int64()
    table = pq.read_table(path)
    first = table.slice(0, 1).to_pylist()[0]
    record = storykit.to_records([seed])[0]
    for key in (
        "id",
        "title",
        "source",
        "url",
        "image_alt",
        "credit",
        "tags",
        "word_count",
        "text",
    ):
        assert first[key] == record[key], key
    assert first["id"] == story_id(seed)
    assert first["published"] == dt.datetime(2026, 5, 25, tzinfo=dt.UTC)
    assert first["published_iso"] == "2026-05-25"
    assert first["sections"][0] == {
        "heading": "The play",
        "paragraphs": list(seed.sections[0].paragraphs),
    }


def test_times_with_offsets_become_utc(tmp_path: Path) -> None:
    offset = dt.timezone(dt.timedelta(hours=8))
    story = Story("T", source=storykit.Source("S", dt.datetime(2026, 5, 25, 8, 30, tzinfo=offset)))
    path = tmp_path / "s.parquet"
    storykit.to_parquet([story], path)
    row = pq.read_table(path).to_pylist()[0]
    assert row["published"] == dt.datetime(2026, 5, 25, 0, 30, tzinfo=dt.UTC)
    assert row["published_iso"] == "2026-05-25T08:30:00+08:00"
    (back,) = storykit.iter_stories(path)
    assert back.published.utcoffset() == dt.timedelta(hours=8)  # type: ignore[union-attr]


def test_a_moment_utc_cannot_hold_is_its_first_instant(tmp_path: Path) -> None:
    """The ``published`` column is :attr:`Story.published_at`: the year 1 at +05:00 is
    before UTC's first instant, and is that instant (it was the local time read as UTC)."""
    early = dt.datetime(1, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    story = Story("T", source=storykit.Source("S", early))
    path = tmp_path / "s.parquet"
    storykit.to_parquet([story], path)
    row = pq.read_table(path).to_pylist()[0]
    assert row["published"] == dt.datetime.min.replace(tzinfo=dt.UTC)
    assert row["published_iso"] == "0001-01-01T01:00:00+05:00"
    (back,) = storykit.iter_stories(path)
    assert back.published == early  # the date itself is kept as given


def test_row_groups_as_the_stories_stream(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    sk_parquet.write((make(i) for i in range(2500)), path, row_group=1000)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 2500
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 500]
    assert list(storykit.iter_stories(path)) == [make(i) for i in range(2500)]


def test_no_stories_make_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    assert storykit.to_parquet([], path) == 0
    assert pq.read_schema(path).names == list(sk_parquet.COLUMNS)
    assert list(storykit.iter_stories(path)) == []


def test_duckdb_counts_per_source(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "s.parquet"
    storykit.to_parquet([storykit.load(SEED), *map(make, range(5))], path)
    rows = duckdb.sql(
        f"SELECT source, count(*) AS n FROM '{path}' GROUP BY source ORDER BY n DESC, source"
    ).fetchall()
    assert rows == [("Nikkei Asia", 3), ("SCMP", 3)]  # make(0, 2, 4) are Nikkei; the seed SCMP
    types = dict(
        duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()[i][:2] for i in range(15)
    )
    assert types["published"] == "TIMESTAMP WITH TIME ZONE"
    assert types["tags"] == "VARCHAR[]"
    assert types["sections"] == "STRUCT(heading VARCHAR, paragraphs VARCHAR[])[]"
    tag_count = duckdb.sql(
        f"SELECT count(*) FROM (SELECT unnest(tags) AS tag FROM '{path}') WHERE tag = 'AI'"
    ).fetchall()
    assert tag_count == [(6,)]


def test_pandas_reads_the_types(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = tmp_path / "s.parquet"
    storykit.to_parquet([storykit.load(SEED), make(1)], path)
    frame = pd.read_parquet(path)
    assert str(frame["published"].dtype) == "datetime64[us, UTC]"
    assert frame["word_count"].dtype == "int64"
    assert list(frame["tags"][0]) == ["AI", "EVs", "Semiconductors", "Smartphones"]
    assert frame["sections"][0][0]["heading"] == "The play"
    assert frame.groupby("source").size().to_dict() == {"SCMP": 2}


def test_missing_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r"the parquet extra: pip install 'pyarrow>=14'"):
        storykit.to_parquet([make(1)], tmp_path / "s.parquet")
    assert not (tmp_path / "s.parquet").exists()


def test_not_a_storykit_parquet_file(tmp_path: Path) -> None:
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1]}), other)
    with pytest.raises(StoryParseError, match="not a storykit Parquet file"):
        list(storykit.iter_stories(other))
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(StoryParseError, match="not a Parquet file"):
        list(storykit.iter_stories(junk))


def test_parquet_metadata_nested_deeply_is_not_a_storykit_file(tmp_path: Path) -> None:
    # The storykit key of the file's metadata went to json.loads unchecked: RecursionError.
    path = tmp_path / "deep.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({b"storykit": b"[" * 100_000}), path)
    message = r"deep\.parquet: not a storykit Parquet file \(no storykit version"
    with pytest.raises(StoryParseError, match=message):
        list(storykit.iter_stories(path))
    with pytest.raises(StoryParseError, match=message):
        list(sk_parquet.read(path))


@pytest.mark.parametrize(
    ("version", "said"),
    [
        (b'{"version": 2}', "of version 2; this is version 1"),
        # found by an attack in hX: said "of version 1; this is version 1"
        (b'{"version": "1"}', "of version '1'; this is version 1"),
    ],
)
def test_another_version_is_refused_saying_which(tmp_path: Path, version: bytes, said: str) -> None:
    path = tmp_path / "other.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({b"storykit": version}), path)
    with pytest.raises(StoryParseError) as caught:
        list(storykit.iter_stories(path))
    assert caught.value.message == f"a storykit Parquet file {said}"


def _version_said(tmp_path: Path, parquet_version: object, sqlite_version: object) -> list[str]:
    """What reading a Parquet file and a database that hold these versions says of each."""
    said = []
    parquet = tmp_path / "v.parquet"
    sk_parquet.to_parquet([Story("T")], parquet)
    metadata = {b"storykit": json.dumps({"version": parquet_version}).encode()}
    pq.write_table(pq.read_table(parquet).replace_schema_metadata(metadata), parquet)
    db = tmp_path / "v.db"
    storykit.to_sqlite([Story("T")], db)
    with contextlib.closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE storykit_meta SET value = ?", (sqlite_version,))
    for path, kind in ((parquet, "Parquet file of version"), (db, "database of layout version")):
        try:
            stories = list(storykit.iter_stories(path))
        except StoryParseError as exc:
            said.append(exc.message.replace(f"a storykit {kind} ", "", 1))
        else:
            said.append("read" if stories == [Story("T")] else repr(stories))
    return said


@pytest.mark.parametrize(
    ("parquet_version", "sqlite_version", "said"),
    [
        (1, "1", "read"),
        (1, 1, "read"),  # (kept as the text "1": the column is TEXT)
        (" 1", " 1", "' 1'; this is version 1"),
        ("1.0", "1.0", "'1.0'; this is version 1"),
        ("01", "01", "'01'; this is version 1"),  # the database's said "version 01"
        (10**40, str(10**40), f"{10**40}; this is version 1"),
        (-1, "-1", "-1; this is version 1"),
    ],
    ids=["one", "one-int", "space", "point", "zero", "huge", "negative"],
)
def test_parquet_and_sqlite_name_a_layout_version_by_one_rule(
    tmp_path: Path, parquet_version: object, sqlite_version: object, said: str
) -> None:
    """Parquet named a version bare when it was an int, SQLite when it was ASCII digits:
    ``"01"`` was ``01`` in a database, ``'01'`` in a Parquet file. One rule now says both."""
    assert _version_said(tmp_path, parquet_version, sqlite_version) == [said, said]


def test_a_layout_version_python_holds_equal_to_1_is_not_version_1(tmp_path: Path) -> None:
    # a Parquet file of version true or 1.0 was read as version 1 (True == 1.0 == 1 in
    # Python), where a database's "1.0" was refused; SQLite has no booleans: True is 1
    assert _version_said(tmp_path, True, True) == ["True; this is version 1", "read"]
    assert _version_said(tmp_path, 1.0, 1.0) == [
        "1.0; this is version 1",
        "'1.0'; this is version 1",  # (kept as the text "1.0": the column is TEXT)
    ]


def test_a_database_version_of_more_digits_than_int_reads_is_refused(tmp_path: Path) -> None:
    # (a Parquet file's metadata of such a number is no JSON storykit reads)
    said = _version_said(tmp_path, 2, "9" * 5000)[1]
    assert said.startswith("'999") and said.endswith("more characters)")


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
        read_every_way(path, sk_parquet)


def _refused(path: Path, message: str) -> None:
    """``path`` is refused with ``message``, naming it, by each way of reading it."""
    for read in (lambda: list(storykit.iter_stories(path)), lambda: list(sk_parquet.read(path))):
        with pytest.raises(StoryParseError) as caught:
            read()
        assert (caught.value.message, caught.value.filename) == (message, str(path))
    read_every_way(path, sk_parquet)


@pytest.mark.parametrize(
    ("dropped", "said"),
    [
        (_PARQUET_COLUMNS, "title, source, url, published_iso, image_alt (and 5 more)"),
        (("title",), "title"),
        (("sections", "tags"), "sections, tags"),
    ],
)
def test_a_file_without_a_column_a_story_needs_is_an_error_naming_it(
    tmp_path: Path, dropped: tuple[str, ...], said: str
) -> None:
    """Found by an attack in hX: a Parquet file with storykit's metadata but none of its
    columns (another program's table, the metadata copied) raised ``IndexError: index out
    of bounds`` out of every reader; one without ``title`` said ``row 1: not a story
    ('title')``, a ``KeyError`` as it is."""
    path = tmp_path / "cut.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    kept = [name for name in table.column_names if name not in dropped] or ["word_count"]
    pq.write_table(table.select(kept).replace_schema_metadata(table.schema.metadata), path)
    message = f"not a storykit Parquet file: it has no column {said}"
    _refused(path, message)


def test_a_column_of_a_type_no_story_has_is_an_error_naming_it(tmp_path: Path) -> None:
    """Found by an attack in hX: ``sections`` of strings said ``row 1: not a story (string
    indices must be integers, not 'str')``, Python's words about storykit's own code."""
    path = tmp_path / "odd.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    at = table.schema.get_field_index("sections")
    pq.write_table(table.set_column(at, "sections", pa.array(["x"])), path)
    message = (
        "not a storykit Parquet file: its column sections holds string, not"
        " list<item: struct<heading: string, paragraphs: list<item: string>>>"
    )
    with pytest.raises(StoryParseError) as caught:
        list(storykit.iter_stories(path))
    assert (caught.value.message, caught.value.filename) == (message, str(path))


def _with_column(path: Path, column: str, values: Any) -> None:
    """Write the seed to ``path`` as storykit does, then ``column`` replaced by ``values``."""
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    table = pq.read_table(path)
    at = table.schema.get_field_index(column)
    pq.write_table(table.set_column(at, column, values), path)
    assert pq.read_schema(path).metadata[b"storykit"] == b'{"version": 1}'  # (kept)


_CREDIT_BY_NUMBER = pa.struct([("role", pa.string()), ("name", pa.int64())])
_SECTION_OF_NUMBERS = pa.struct([("heading", pa.string()), ("paragraphs", pa.list_(pa.int64()))])


@pytest.mark.parametrize(
    ("column", "values", "holds", "wanted"),
    [
        ("title", pa.array([float("nan")]), "double", "string"),  # was read as 'nan'
        ("title", pa.array([5]), "int64", "string"),  # was '5'
        ("source", pa.array([True]), "bool", "string"),  # was 'true'
        ("url", pa.array([dt.date(2026, 5, 25)]), "date32[day]", "string"),
        ("title", pa.array([b"T"]), "binary", "string"),  # bytes, not said to be text
        # (a Parquet file's lists are read back with items named element)
        ("tags", pa.array([[1, 2]]), "list<element: int64>", "list<item: string>"),
        # a fixed-size list: its size was measured as one byte, past the story size limit
        (
            "tags",
            pa.array([["a" * 5000, "b" * 5000]], pa.list_(pa.string(), 2)),
            "fixed_size_list<element: string>[2]",
            "list<item: string>",
        ),
        (
            "image_credit",
            pa.array([{"role": "photo", "name": 7}], _CREDIT_BY_NUMBER),
            "struct<role: string, name: int64>",
            "struct<role: string, name: string, provider: string>",
        ),
        (
            "sections",
            pa.array([[{"heading": "H", "paragraphs": [1]}]], pa.list_(_SECTION_OF_NUMBERS)),
            "list<element: struct<heading: string, paragraphs: list<element: int64>>>",
            "list<item: struct<heading: string, paragraphs: list<item: string>>>",
        ),
    ],
)
def test_a_text_column_of_another_type_is_refused_naming_it(
    tmp_path: Path, column: str, values: Any, holds: str, wanted: str
) -> None:
    """Found by a hostile colleague: pyarrow cast what a text column held to text, so a
    NaN title was read as the title ``'nan'``, a bool source as ``'true'``, an int title
    as ``'5'``, where storykit JSON refuses a title that is not text. A text column (or a
    text field in one) of another type is refused, as a column of a type no cast makes
    storykit's is, naming the column and its type."""
    path = tmp_path / "typed.parquet"
    _with_column(path, column, values)
    message = f"not a storykit Parquet file: its column {column} holds {holds}, not {wanted}"
    _refused(path, message)


def test_text_columns_of_other_text_types_or_of_nulls_only_are_read(tmp_path: Path) -> None:
    """What the refusal of other types leaves readable: text as another program may type it
    (large_string, a dictionary of strings), and a column of nulls only (pyarrow's ``null``)
    where a story may hold None; where it may not, the story refuses the None, as storykit
    JSON's reader refuses ``"title": null``."""
    seed = storykit.load(SEED)
    path = tmp_path / "other.parquet"
    _with_column(path, "title", pa.array(["Other"], pa.large_string()))
    assert list(storykit.iter_stories(path)) == [attrs.evolve(seed, title="Other")]
    _with_column(path, "title", pa.array(["Other"]).dictionary_encode())
    assert list(storykit.iter_stories(path)) == [attrs.evolve(seed, title="Other")]
    _with_column(path, "source", pa.array([None], pa.null()))
    assert seed.source is not None
    source = attrs.evolve(seed.source, name=None)
    assert list(storykit.iter_stories(path)) == [attrs.evolve(seed, source=source)]
    _with_column(path, "image_credit", pa.array([None], pa.null()))
    assert seed.image is not None
    assert list(storykit.iter_stories(path)) == [
        attrs.evolve(seed, image=attrs.evolve(seed.image, credit=None))
    ]
    _with_column(path, "title", pa.array([None], pa.null()))
    with pytest.raises(StoryParseError) as caught:
        list(storykit.iter_stories(path))
    assert caught.value.message == "row 1: not a story (title: expected a string, got NoneType)"


def test_a_column_name_that_is_not_utf_8_is_an_error(tmp_path: Path) -> None:
    """Found by an attack in s15 (a fuzzed file): pyarrow decodes the column names of the
    file's schema, and let the UnicodeDecodeError of a damaged one out of every reader."""
    path = tmp_path / "hurt.parquet"
    sk_parquet.to_parquet([storykit.load(SEED)], path)
    data = path.read_bytes()
    refused = 0
    for name in re.finditer(rb"title|image_alt|paragraphs", data):
        hurt = bytearray(data)
        hurt[name.start()] = 0x98  # never the first byte of a UTF-8 character
        path.write_bytes(hurt)
        read_every_way(path, sk_parquet)
        try:
            list(storykit.iter_stories(path))
        except StoryParseError as exc:
            refused += (
                exc.message == "a damaged Parquet file (a column name in it is not UTF-8 text)"
            )
    assert refused


def test_a_parquet_date_beyond_pythons_is_an_error(tmp_path: Path) -> None:
    # A date32 title of 2**31 - 1 days: to_pylist raised OverflowError out of iter_stories
    # (it became "cannot read the Parquet file (rows 1 to 2: …)"). A title of dates is not
    # read at all now: a text column of another type is refused before any row is.
    path = tmp_path / "far.parquet"
    story = storykit.load(SEED)
    storykit.to_parquet([story, attrs.evolve(story, title="Two")], path)
    table = pq.read_table(path)
    far = pa.array([2**31 - 1, None], pa.int32()).cast(pa.date32())
    pq.write_table(table.set_column(table.schema.get_field_index("title"), "title", far), path)
    message = r"far\.parquet: not a storykit Parquet file: its column title holds date32\[day\]"
    with pytest.raises(StoryParseError, match=message):
        list(storykit.iter_stories(path))


def test_cli_convert_to_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "seed.txt"
    source.write_bytes(SEED.read_bytes())
    out = tmp_path / "s.parquet"
    assert main(["convert", str(source), "-o", str(out)]) == 0
    assert capsys.readouterr().err == "1 converted, 0 failed\n"
    assert list(storykit.iter_stories(out)) == [storykit.load(SEED)]
    assert main(["convert", str(source), "-o", str(out)]) == 1
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["convert", str(source), str(source), "-o", str(out), "--force"]) == 0
    assert len(list(storykit.iter_stories(out))) == 2


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_cli_never_replaces_a_device_or_fifo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], force: list[str]
) -> None:
    never_written_into(tmp_path, capsys, "parquet", "a Parquet file", storykit.to_parquet, force)


def _bomb(path: Path, copies: int = 10_000, size: int = 100_000) -> None:
    """Stories 1 and 3 plain; story 2 with one ``size``-character tag ``copies`` times,
    stored once (dictionary-encoded, zstd): a few KB that expand to ``copies * size`` bytes."""
    the_schema = sk_parquet.schema()
    rows = [
        {"id": f"id{i}", "title": f"T{i}", "tags": [], "sections": [], "word_count": 1}
        | {"text": "", "credits": [], "extras": []}
        for i in (1, 2, 3)
    ]
    table = pa.Table.from_pylist(rows, schema=the_schema)
    one = pa.DictionaryArray.from_arrays(pa.array([0] * copies, pa.int32()), pa.array(["x" * size]))
    tags = pa.ListArray.from_arrays(pa.array([0, 0, copies, copies], pa.int32()), one)
    index = the_schema.get_field_index("tags")
    table = table.set_column(index, pa.field("tags", tags.type, nullable=False), tags)
    table = table.replace_schema_metadata(the_schema.metadata)
    pq.write_table(table, path, use_dictionary=True, compression="zstd")


_UNDER_1_GIB = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import storykit
stream = storykit.iter_stories(sys.argv[1], errors="collect")
print([story.title for story in stream])
print(stream.errors.report())
"""


def test_a_value_stored_once_and_used_10000_times_is_refused_unexpanded(tmp_path: Path) -> None:
    """A 4 KB file whose story 2 expands to 1 GB: refused as too large before it is converted
    (under 1 GiB of address space), the stories around it read."""
    path = tmp_path / "bomb.parquet"
    _bomb(path)
    assert path.stat().st_size < 10_000
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(  # noqa: PLW1510 - the code is asserted
        [sys.executable, "-c", _UNDER_1_GIB, str(path)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "['T1', 'T3']",
        f"{path}:2: story larger than the 16 MiB limit (max_member_size); not read",
    ]


def test_cli_convert_of_the_bomb_says_which_story(tmp_path: Path) -> None:
    path = tmp_path / "bomb.parquet"
    _bomb(path, copies=1000)  # 100 MB expanded
    out = tmp_path / "out.jsonl"
    done = subprocess.run(  # noqa: PLW1510 - the code is asserted
        [sys.executable, "-m", "storykit", "convert", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"{path}:2: story larger than the 16 MiB limit (--max-member-size); not read\n"
        "2 converted, 1 failed\n"
    )
    assert [s.title for s in storykit.iter_stories(out)] == ["T1", "T3"]


def test_a_story_exactly_at_the_limit_is_read_one_byte_over_refused(tmp_path: Path) -> None:
    from storykit.formats.json import dumps

    written = [make(1), storykit.load(SEED), make(2)]
    path = tmp_path / "s.parquet"
    storykit.to_parquet(written, path)
    size = len(dumps(written[1], indent=None).encode("utf-8"))
    assert size > max(len(dumps(s, indent=None).encode("utf-8")) for s in (make(1), make(2)))
    assert list(storykit.iter_stories(path, max_member_size=size)) == written
    stream = storykit.iter_stories(path, max_member_size=size - 1, errors="collect")
    assert list(stream) == [make(1), make(2)]
    assert [str(e) for e in stream.errors] == [
        f"{path}:2: story larger than the {size - 1:,} bytes limit (max_member_size); not read"
    ]


def test_measured_sizes_never_exceed_the_json(tmp_path: Path) -> None:
    """What a row is measured at before conversion is at most its story's JSON, so the
    limit is the JSON's: no story is refused that would fit."""
    from storykit.formats.json import dumps

    written = [storykit.load(SEED), *map(make, range(30))]
    if CORPUS_STORIES:
        written += list(storykit.iter_stories(CORPUS / "stories"))
    path = tmp_path / "s.parquet"
    storykit.to_parquet(written, path)
    file = sk_parquet._open(str(path), sk_parquet._AS_DICTIONARY)
    measured: list[int] = []
    for batch in sk_parquet._batches(file):
        sizes = [_parquet_columns.json_sizes(pa, column).to_pylist() for column in batch.columns]
        measured += [sum(row) for row in zip(*sizes, strict=True)]
    json_sizes = [len(dumps(s, indent=None).encode("utf-8")) for s in written]
    assert all(0 < m <= j for m, j in zip(measured, json_sizes, strict=True))
    assert sum(measured) > sum(json_sizes) // 2  # and not far below it


def test_converting_in_small_slices_gives_the_same_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = [make(i) for i in range(50)]
    path = tmp_path / "s.parquet"
    storykit.to_parquet(written, path)
    monkeypatch.setattr(sk_parquet, "BATCH_TEXT", 1)  # each row alone
    monkeypatch.setattr(sk_parquet, "BATCH_ROWS", 7)
    assert list(storykit.iter_stories(path)) == written
    assert [o.line for o, _ in storykit.iter_records(path)] == list(range(1, 51))


def test_reading_what_is_no_file_says_what_it_is(tmp_path: Path) -> None:
    # A folder was "no such Parquet file" (the SQLite reader said "a folder, not a database
    # file"): the readers of both file formats now say it in one wording.
    (tmp_path / "x.parquet").mkdir()
    os.mkfifo(tmp_path / "p.parquet")
    for name, said in [
        ("x.parquet", "a folder, not a Parquet file"),
        ("gone.parquet", "no such Parquet file"),
        ("p.parquet", "not a regular file (a named pipe); not a Parquet file"),
    ]:
        path = tmp_path / name
        with pytest.raises(StoryParseError) as caught:
            list(sk_parquet.read(path))
        assert (caught.value.message, caught.value.filename) == (said, str(path))
