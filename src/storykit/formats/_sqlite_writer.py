"""The SQLite writer's thread: a chunk of stories' rows a transaction, written beside the reader.

:func:`storykit.formats.sqlite.write` makes the rows of a chunk of stories (:class:`_Chunk`)
in the caller's thread and hands them to :class:`_Writer`, which writes each in one
transaction (:func:`_write_chunk`: skipping or, under ``force``, replacing the stories
already there, and filling the full-text index for the whole chunk at once) while the next
is made. What it takes to stop it cleanly is here too: Ctrl-C and SIGTERM are held back
around every wait on it, and an abandoned write ends its chunk's transaction whole.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from typing import Any

import attrs

from storykit._writing import signals_held
from storykit.formats._sqlite_layout import _INSERT_STORY, _INSERT_TRIGGER
from storykit.formats._sqlite_reader import _CHILDREN


def _delete(connection: sqlite3.Connection, pks: list[int]) -> None:
    rows = [(pk,) for pk in pks]
    for table in _CHILDREN:
        connection.executemany(f"DELETE FROM {table} WHERE story = ?", rows)  # noqa: S608
    connection.executemany("DELETE FROM stories WHERE pk = ?", rows)


@attrs.define
class _Chunk:
    """The rows of a chunk of stories, made in the reading thread, written in the writer's."""

    ids: list[tuple[str, int]]
    """Each story's id and the ``pk`` given to it (a skipped story's ``pk`` stays unused)."""
    rows: dict[str, list[tuple[Any, ...]]]
    """The rows of each table."""
    repeated: int
    """Stories left out already because they came twice in the chunk."""


def _write_chunk(connection: sqlite3.Connection, chunk: _Chunk, *, force: bool, first: int) -> int:
    """Write one chunk in one transaction; return how many of its stories were skipped.

    A story already in the database is skipped, or under ``force`` replaced; one written by
    this run (``pk`` from ``first`` on) is always skipped.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        ids = [sid for sid, _ in chunk.ids]
        existing: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            query = f"SELECT id, pk FROM stories WHERE id IN ({marks})"  # noqa: S608
            existing.update(connection.execute(query, part).fetchall())
        replaced: list[int] = []
        skip: set[int] = set()
        for sid, pk in chunk.ids:
            old = existing.get(sid)
            if old is None:
                continue
            if force and old < first:
                replaced.append(old)
            else:
                skip.add(pk)
        if replaced:
            _delete(connection, replaced)
        rows = chunk.rows
        if skip:
            rows = {t: [r for r in table if r[0] not in skip] for t, table in rows.items()}
        # The index is filled for the whole chunk at once, three times faster than row by
        # row: the trigger that does it for other writers is set aside meanwhile, in this
        # same transaction, so no one ever sees the table without it.
        connection.execute("DROP TRIGGER IF EXISTS stories_ai")
        connection.executemany(_INSERT_STORY, rows["stories"])
        connection.executemany("INSERT INTO sections VALUES (?, ?, ?)", rows["sections"])
        connection.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?)", rows["paragraphs"])
        connection.executemany("INSERT INTO tags VALUES (?, ?, ?)", rows["tags"])
        connection.executemany("INSERT INTO credits VALUES (?, ?, ?, ?, ?)", rows["credits"])
        connection.executemany("INSERT INTO extras VALUES (?, ?, ?)", rows["extras"])
        if chunk.ids:
            connection.execute(
                "INSERT INTO stories_fts (rowid, title, headings, body, tags)"
                " SELECT pk, title, headings, body, tags FROM stories WHERE pk >= ?",
                (chunk.ids[0][1],),
            )
        connection.execute(_INSERT_TRIGGER)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return len(skip) + chunk.repeated


_STEP = 0.05
"""Seconds the caller waits on the writer with Ctrl-C held back, before letting it in."""


class _Writer(threading.Thread):
    """Writes chunks as they come, while the caller's thread reads and prepares the next.

    SQLite does its work (the inserts, the full-text index) without holding the GIL, so on
    two cores reading the stories and writing them overlap.

    The caller waits on the writer (a full queue, the end of its work) in short steps with
    Ctrl-C and SIGTERM held back (:func:`storykit._writing.signals_held`), and lets them in
    between: a signal that lands inside ``Condition.wait``, as its wait ends and before it
    takes its lock back, leaves the lock released, and the ``with`` around it releases it
    again (``RuntimeError: release unlocked lock``: a traceback and exit status 1, not 130;
    seen under load). The thread is started with them held, so it never takes one in their
    stead (Python runs the handlers in the caller's thread, which must be the one to hold
    them back).
    """

    def __init__(self, connection: sqlite3.Connection, *, force: bool, first: int) -> None:
        super().__init__(name="storykit-sqlite-writer", daemon=True)
        self.connection = connection
        self.force = force
        self.first = first
        self.queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=2)
        self.skipped = 0
        self.error: BaseException | None = None
        self.stopping = False
        # Set when run() is over. Waited for instead of join() alone: in Python 3.11 a join()
        # that Ctrl-C cuts short marks the thread stopped while it still runs, and a second
        # join() returns at once: the connection would be closed under the writer (a crash
        # in SQLite, a journal left behind).
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping:
                chunk = self.queue.get()
                if chunk is None or self.stopping:
                    return
                self.skipped += _write_chunk(
                    self.connection, chunk, force=self.force, first=self.first
                )
        except BaseException as exc:  # handed to the caller's thread by put() and finish()
            self.error = exc
        finally:
            self.done.set()

    def start(self) -> None:
        with signals_held():  # inherited: see the class
            super().start()

    def put(self, chunk: _Chunk | None) -> None:
        while self.is_alive():
            with signals_held():
                try:
                    self.queue.put(chunk, timeout=_STEP)
                except queue.Full:
                    continue
            return
        self._raise()

    def finish(self) -> None:
        """Write what is queued, then stop; re-raise the writer's error, if any."""
        self.put(None)
        while True:
            with signals_held():
                if self.done.wait(_STEP):
                    self.join()
                    break
        self._raise()

    def abandon(self) -> None:
        """Stop now and wait until the writer is done with the connection (Ctrl-C).

        The chunk being written is interrupted and rolled back (or, if it was all but
        done, committed): its transaction ends whole either way. A second Ctrl-C does not
        cut the wait short: the connection must not be closed while the writer uses it.
        """
        self.stopping = True
        with signals_held():  # another Ctrl-C comes after the wait
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(None)
            with contextlib.suppress(sqlite3.Error):
                self.connection.interrupt()  # ends the statement running in the writer
            while True:  # (where signals cannot be held back: Windows)
                try:
                    self.done.wait()
                except BaseException:  # noqa: S112 - another Ctrl-C: wait on
                    continue
                return

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
