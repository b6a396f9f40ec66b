"""The SQLite layout: its tables, the SQL that makes them, and a story's rows.

What :mod:`storykit.formats.sqlite` writes (its docstring describes the layout for the
people who query it): the schema and its full-text index settings, the ids stories are kept
by (:func:`content_id`), and the rows of one story (:func:`_rows`). The reader's side of the
layout (its table names and its check) is :mod:`storykit.formats._sqlite_reader`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json as _json
from itertools import count, repeat
from typing import Any

from storykit._dates import format_iso
from storykit._records import Origin
from storykit.errors import _printable
from storykit.formats.text import credit_line
from storykit.model import Story

FTS_CONFIG = {"automerge": 16, "hashsize": 16 * 1024 * 1024}
"""FTS5 settings made when the index is made (kept in ``stories_fts_config``): ``hashsize``,
the memory the index gathers new terms in before it writes them out as a segment (default
1 MiB), and ``automerge``, how many segments of a size it lets gather before merging them
(default 4). Fewer, larger segments and fewer merges make filling the index a third cheaper,
and the index smaller."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS storykit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    source TEXT,
    published TEXT,
    published_utc TEXT,
    url TEXT,
    image_alt TEXT,
    credit TEXT,
    credit_role TEXT,
    credit_name TEXT,
    credit_provider TEXT,
    word_count INTEGER NOT NULL,
    headings TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    origin_file TEXT,
    origin_member TEXT,
    origin_line INTEGER
);
CREATE TABLE IF NOT EXISTS sections (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    heading TEXT,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paragraphs (
    story INTEGER NOT NULL REFERENCES stories(pk),
    section INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (story, section, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS credits (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    name TEXT,
    provider TEXT,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS extras (
    story INTEGER NOT NULL REFERENCES stories(pk),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (story, position)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5 (
    [title], [headings], [body], [tags],
    tokenize="unicode61 remove_diacritics 2",
    content="stories"
);
CREATE TRIGGER IF NOT EXISTS stories_ad AFTER DELETE ON stories BEGIN
  INSERT INTO stories_fts (stories_fts, rowid, title, headings, body, tags)
  VALUES ('delete', old.rowid, old.title, old.headings, old.body, old.tags);
END;
CREATE TRIGGER IF NOT EXISTS stories_au AFTER UPDATE ON stories BEGIN
  INSERT INTO stories_fts (stories_fts, rowid, title, headings, body, tags)
  VALUES ('delete', old.rowid, old.title, old.headings, old.body, old.tags);
  INSERT INTO stories_fts (rowid, title, headings, body, tags)
  VALUES (new.rowid, new.title, new.headings, new.body, new.tags);
END;
"""
_INSERT_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS stories_ai AFTER INSERT ON stories BEGIN
  INSERT INTO stories_fts (rowid, title, headings, body, tags)
  VALUES (new.rowid, new.title, new.headings, new.body, new.tags);
END;
"""
_SCHEMA += _INSERT_TRIGGER
PAGE_SIZE = 16384
"""The page size of a new database: with 4 times SQLite's default, a story's row and the
full-text index's segments take fewer pages, and writing costs an eighth less."""


_FTS_SETTINGS = "".join(
    f"INSERT INTO stories_fts (stories_fts, rank) VALUES ('{key}', {value});"  # noqa: S608
    for key, value in FTS_CONFIG.items()
)

# Made after a run's rows (cheaper than keeping them up to date row by row while loading).

_INDEXES = """
CREATE INDEX IF NOT EXISTS stories_published_utc ON stories (published_utc);
CREATE INDEX IF NOT EXISTS stories_source ON stories (source);
CREATE INDEX IF NOT EXISTS tags_tag ON tags (tag);
"""
_STORY_COLUMNS = (
    "pk",
    "id",
    "title",
    "source",
    "published",
    "published_utc",
    "url",
    "image_alt",
    "credit",
    "credit_role",
    "credit_name",
    "credit_provider",
    "word_count",
    "headings",
    "body",
    "tags",
    "origin_file",
    "origin_member",
    "origin_line",
)
_INSERT_STORY = (
    f"INSERT INTO stories ({', '.join(_STORY_COLUMNS)}) "  # noqa: S608 - the names above
    f"VALUES ({', '.join('?' * len(_STORY_COLUMNS))})"
)


def _fields(story: Story) -> list[str]:
    """The story's fields in model order, flat: a count before each list, ``""`` for none.

    Every text of a story is non-blank, so ``""`` cannot be a value, and with the counts the
    list reads back one way only: two stories give the same list only if they are equal.
    """
    source = story.source
    image = story.image
    out = [story.title]
    if source is None:
        out += ("", "", "", "")
    else:
        published = source.published
        out += (
            "s",
            source.name or "",
            "" if published is None else format_iso(published),
            source.url or "",
        )
    if image is None:
        out += ("", "", "", "", "", "")
    else:
        credit = image.credit
        out += ("i", image.alt or "")
        if credit is None:
            out += ("", "", "", "")
        else:
            out += ("c", credit.role, credit.name or "", credit.provider or "")
    out.append(str(len(story.credits)))
    for other in story.credits:
        out += (other.role, other.name or "", other.provider or "")
    out.append(str(len(story.sections)))
    for section in story.sections:
        paragraphs = section.paragraphs
        out.append(section.heading or "")
        out.append(str(len(paragraphs)))
        out += paragraphs
    out.append(str(len(story.tags)))
    out += story.tags
    out.append(str(len(story.extras)))
    out += story.extras
    return out


def content_id(story: Story) -> str:
    """The stable id of a story in a database: 16 hex digits of a SHA-256 of its content.

    The hash is of the story's fields in model order (dates in ISO 8601), each list preceded
    by its length, joined by NUL characters and encoded as UTF-8; a story with a NUL in a
    text (which this layout could not tell apart) is hashed as compact ASCII JSON instead.
    So the same story gets the same id in every run and on every machine, and a changed story
    a new one. (:func:`storykit.export.story_id`, the ``id`` of :func:`storykit.to_records`,
    is keyed by the URL instead.)
    """
    fields = _fields(story)
    text = "\0".join(fields)
    if text.count("\0") == len(fields) - 1:
        data = b"storykit-1\0" + text.encode("utf-8", "surrogatepass")
    else:  # a NUL inside a text
        data = b"storykit-1-json\0" + _json.dumps(fields, separators=(",", ":")).encode("ascii")
    return hashlib.sha256(data).hexdigest()[:16]


def utc_text(value: _dt.date | None) -> str | None:
    """``2026-05-25T08:30:00Z``: sortable UTC to the second (a day starts at midnight UTC).

    A date-time without an offset is taken as UTC; one that UTC cannot hold (the year 1
    with a positive offset) is written as it is, without its offset.
    """
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T00:00:00Z"
    if value.tzinfo is not None and value.utcoffset() is not None:
        with contextlib.suppress(OverflowError):
            value = value.astimezone(_dt.UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


def _rows(
    pk: int, sid: str, story: Story, origin: Origin | None, out: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Add the rows of one story to ``out`` (one list per table)."""
    source = story.source
    image = story.image
    credit = None if image is None else image.credit
    headings: list[str] = []
    bodies: list[str] = []  # each section's paragraphs, joined
    out_paragraphs = out["paragraphs"]
    out_sections = out["sections"]
    for s, section in enumerate(story.sections):
        heading = section.heading
        paragraphs = section.paragraphs
        out_sections.append((pk, s, heading))
        if heading is not None:
            headings.append(heading)
        if paragraphs:
            out_paragraphs.extend(zip(repeat(pk), repeat(s), count(), paragraphs))
            bodies.append("\n\n".join(paragraphs))
    tags = story.tags
    if tags:
        out["tags"].extend(zip(repeat(pk), count(), tags))
    if story.credits:
        out["credits"].extend(
            (pk, c, other.role, other.name, other.provider) for c, other in enumerate(story.credits)
        )
    if story.extras:
        out["extras"].extend(zip(repeat(pk), count(), story.extras))
    if source is None:
        name = url = iso = utc = None
    else:
        published = source.published
        name, url = source.name, source.url
        iso = None if published is None else format_iso(published)
        utc = utc_text(published)
    out["stories"].append(
        (
            pk,
            sid,
            story.title,
            name,
            iso,
            utc,
            url,
            None if image is None else image.alt,
            None if credit is None else credit_line(credit),
            None if credit is None else credit.role,
            None if credit is None else credit.name,
            None if credit is None else credit.provider,
            story.word_count,
            "\n".join(headings),
            "\n\n".join(bodies),
            ", ".join(tags),
            # a file name that is not UTF-8 holds surrogate escapes, which SQLite text cannot
            None if origin is None else _printable(origin.path),
            None if origin is None or origin.member is None else _printable(origin.member),
            None if origin is None else origin.line,
        )
    )
