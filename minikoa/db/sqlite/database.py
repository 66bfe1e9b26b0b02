"""SQLite: one connection per thread, nestable write transactions, driver errors translated.

Every connection gets WAL (readers never block the writer), a busy timeout
(a writer waits for another process's write instead of failing with
"database is locked"), ``foreign_keys=ON`` and ``synchronous=NORMAL`` (safe
with WAL). Connections run in autocommit mode; ``db.atomic()`` opens
``BEGIN IMMEDIATE`` (taking the write lock up front, so two gunicorn workers
never deadlock upgrading a read to a write) and nests as savepoints.
Callbacks given to ``on_commit`` run after the outermost transaction
commits, and are dropped if it rolls back: the seam webhooks and entry
events hang on.

SQL text comes from the dialect (``minikoa.db.sqlite.dialect``); this module only runs it.
Constraint failures become ``minikoa.db.errors.UniqueViolation`` or
``IntegrityError``, told apart by sqlite3's extended error code.

**Fork safety.** A process forked with a connection open (gunicorn
``--preload``, multiprocessing) must neither use nor close the inherited
connection: closing any descriptor of a database file drops every POSIX
lock the process holds on it, so the child's own, new connection would
silently lose its locks and two processes could write at once. After a
fork, the child sets every inherited connection aside, unused and never
closed, and opens its own.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..dialect import Dialect
from ..errors import DatabaseError, IntegrityError, UniqueViolation
from .dialect import SQLiteDialect
from .schema import SQLiteSchemaEditor

__all__ = ["SQLiteDatabase"]

_databases: weakref.WeakSet[SQLiteDatabase] = weakref.WeakSet()
#: Every open file connection, held here until ``Database.close()``: a
#: connection left to the garbage collector could be closed at any moment,
#: in a forked child too (and sqlite3 connections take no weak references).
_open: set[sqlite3.Connection] = set()
#: Connections inherited across a fork: kept referenced so they are never closed.
_inherited: list[sqlite3.Connection] = []


def _after_fork_in_child() -> None:
    _inherited.extend(_open)
    _open.clear()
    for database in list(_databases):
        database._forget_inherited()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _State(threading.local):
    conn: sqlite3.Connection | None = None
    depth = 0
    pending: list[Callable[[], Any]]

    def __init__(self) -> None:
        self.pending = []


class SQLiteDatabase:
    """``SQLiteDatabase(path)``; ``":memory:"`` gives one shared in-memory database."""

    def __init__(self, path: str | Path = ":memory:", *, busy_timeout_ms: int = 10_000) -> None:
        self.path = str(path)
        self.memory = self.path == ":memory:"
        self.busy_timeout_ms = busy_timeout_ms
        self.dialect: Dialect = SQLiteDialect()
        self._state = _State()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if self.memory:
            # One connection, shared by threads and serialised by a lock: an
            # in-memory database exists only inside its connection.
            self._shared: sqlite3.Connection | None = self._connect()
            self._memory_lock = threading.RLock()
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._shared = None
        _databases.add(self)

    def _forget_inherited(self) -> None:
        """In a forked child: set the parent's connections aside (see the module doc)."""
        if self._shared is not None:
            return  # an in-memory database is the process's own copy; keep using it
        with contextlib.suppress(RuntimeError):
            self._lock.release()  # a lock held by the parent's thread at fork time
        self._lock = threading.Lock()
        self._all = []
        self._state = _State()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=self.busy_timeout_ms / 1000)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        if not self.memory:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            self._all.append(conn)
            if not self.memory:
                _open.add(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        if self._shared is not None:
            return self._shared
        conn = self._state.conn
        if conn is None:
            conn = self._state.conn = self._connect()
        return conn

    def schema_editor(self) -> SQLiteSchemaEditor:
        return SQLiteSchemaEditor(self)

    # -- statements -----------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            if self._shared is not None:
                with self._memory_lock:
                    return self.conn.execute(sql, params)
            return self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc) from exc
        except sqlite3.Error as exc:
            raise DatabaseError(str(exc)) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a one-row INSERT and return the new row's id."""
        cursor = self.execute(sql, params)
        row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row | tuple]:
        """All rows of a SELECT, as tuples."""
        return self.execute(sql, params).fetchall()

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- transactions ---------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """A write transaction (``BEGIN IMMEDIATE``), or a savepoint inside one.

        Everything in it commits together or not at all; an exception rolls
        it back and propagates.
        """
        if self._shared is not None:
            with self._memory_lock:
                yield from self._atomic()
            return
        yield from self._atomic()

    def _atomic(self) -> Iterator[None]:
        state = self._state if self._shared is None else self._memory_state()
        conn = self.conn
        depth = state.depth
        if depth == 0:
            conn.execute("BEGIN IMMEDIATE")
        else:
            conn.execute(f"SAVEPOINT minikoa_{depth}")
        state.depth = depth + 1
        pending_before = len(state.pending)
        try:
            yield
        except BaseException:
            state.depth = depth
            if depth == 0:
                conn.execute("ROLLBACK")
                state.pending.clear()
            else:
                conn.execute(f"ROLLBACK TO minikoa_{depth}")
                conn.execute(f"RELEASE minikoa_{depth}")
                del state.pending[pending_before:]  # what the savepoint promised is undone with it
            raise
        state.depth = depth
        if depth == 0:
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                state.pending.clear()
                raise
            callbacks, state.pending = state.pending, []
            for callback in callbacks:
                callback()
        else:
            conn.execute(f"RELEASE minikoa_{depth}")

    def _memory_state(self) -> _State:
        state = getattr(self, "_mem_state", None)
        if state is None:
            state = self._mem_state = _State()
        return state

    @property
    def in_transaction(self) -> bool:
        state = self._state if self._shared is None else self._memory_state()
        return state.depth > 0

    def on_commit(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` after the current transaction commits (now, if there is none)."""
        state = self._state if self._shared is None else self._memory_state()
        if state.depth == 0:
            callback()
        else:
            state.pending.append(callback)

    # -- lifecycle ------------------------------------------------------

    def close(self) -> None:
        """Close every connection this object opened (all threads)."""
        with self._lock:
            conns, self._all = self._all, []
            _open.difference_update(conns)
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._state = _State()
        if self._shared is not None:
            self._shared = None

    def __repr__(self) -> str:
        return f"<SQLiteDatabase {self.path}>"


_UNIQUE_CODES = frozenset({2067, 1555})  # SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY


def _integrity(exc: sqlite3.IntegrityError) -> IntegrityError:
    """The driver's constraint error as minikoa's: unique violations name their table and columns."""
    if getattr(exc, "sqlite_errorcode", None) not in _UNIQUE_CODES:
        return IntegrityError(str(exc))
    # "UNIQUE constraint failed: table.a, table.b": the only place the columns are given.
    message = str(exc)
    _, _, names = message.partition(": ")
    pairs = [name.strip().partition(".") for name in names.split(",") if "." in name]
    table = pairs[0][0] if pairs else None
    return UniqueViolation(message, table, tuple(column for _, _, column in pairs))
