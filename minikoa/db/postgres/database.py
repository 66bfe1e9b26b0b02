"""PostgreSQL: one connection pool per process, transactions as on SQLite, driver errors translated.

Connections come from a ``psycopg_pool.ConnectionPool`` sized by Strapi's
``pool.min``/``pool.max``, opened on first use in each process: a gunicorn
worker forked from a master that had opened one makes its own, since a
connection is a socket and two processes must never speak on one.
Connections run in autocommit mode; a statement outside a transaction
borrows a connection for just that statement. ``db.atomic()`` holds one
connection for the thread until it ends (``BEGIN`` ... ``COMMIT``), nests
as savepoints, and runs ``on_commit`` callbacks after the outermost commit,
dropping those a rolled-back savepoint or transaction promised: the
semantics of the SQLite backend, which the suite checks on both.

One difference cannot be hidden: after a failed statement PostgreSQL
refuses every other statement of its transaction until it rolls back
(SQLite carries on). The layers above never continue a transaction past a
database error; code that wants to must wrap the statement in its own
``atomic()``, whose savepoint rolls back just that.

**Fork safety.** A forked child never uses the parent's pool; it must not
close the inherited connections either (libpq's goodbye message would end
the parent's sessions on the shared sockets). After a fork the child points
each inherited socket at ``/dev/null``, so whatever later closes those
connections says goodbye to nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool

from ..dialect import Dialect
from ..errors import DatabaseError, IntegrityError, UniqueViolation
from .adapt import register
from .dialect import PostgresDialect
from .schema import PostgresSchemaEditor
from .settings import Settings

__all__ = ["PostgresDatabase"]

#: Every connection any pool of this process opened (see "Fork safety").
_connections: weakref.WeakSet[psycopg.Connection[Any]] = weakref.WeakSet()
#: Pools inherited across a fork: kept referenced, never used nor closed.
_inherited: list[ConnectionPool] = []


def _after_fork_in_child() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for conn in list(_connections):
            with contextlib.suppress(Exception):
                if not conn.closed:
                    os.dup2(null, conn.pgconn.socket)
    finally:
        os.close(null)
    _connections.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _State(threading.local):
    #: the connection this thread holds (in a transaction, or under the schema lock)
    conn: psycopg.Connection[Any] | None = None
    depth = 0
    pending: list[Callable[[], Any]]

    def __init__(self) -> None:
        self.pending = []


class _Result:
    """A statement's rows, fetched at once: the connection goes back to the pool before they are read."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.rowcount = cursor.rowcount
        self.description = cursor.description
        self._rows: list[Any] = cursor.fetchall() if cursor.description is not None else []
        self._next = 0

    def fetchall(self) -> list[Any]:
        rows, self._next = self._rows[self._next:], len(self._rows)
        return rows

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]


class PostgresDatabase:
    """``PostgresDatabase(settings)``: nothing connects until the first statement."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.address
        self.dialect: Dialect = PostgresDialect()
        self._pool: ConnectionPool | None = None
        self._pid: int | None = None
        self._state = _State()
        self._lock = threading.Lock()

    # -- connections ----------------------------------------------------

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        """Each new connection: the loaders, UTC and ISO output (what they parse), the schema."""
        register(conn.adapters)
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("SET DateStyle TO ISO")
        if self.settings.schema:
            conn.execute(f"SET search_path TO {self.dialect.quote(self.settings.schema)}")
        _connections.add(conn)

    @property
    def pool(self) -> ConnectionPool:
        """This process's pool, opened on first use (and anew in a forked child)."""
        pid = os.getpid()
        if self._pool is not None and self._pid == pid:
            return self._pool
        if self._pid != pid:  # a child: the parent's lock and pool are not ours
            self._lock = threading.Lock()
            if self._pool is not None:
                _inherited.append(self._pool)
                self._pool = None
            self._state = _State()
        with self._lock:
            if self._pool is None:
                s = self.settings
                self._pool = ConnectionPool(s.conninfo, min_size=s.pool_min, max_size=s.pool_max, open=False,
                                            kwargs={"autocommit": True}, configure=self._configure,
                                            name=f"minikoa-{pid}")
                self._pool.open(wait=False)
                self._pid = pid
            return self._pool

    @contextlib.contextmanager
    def pinned(self) -> Iterator[psycopg.Connection[Any]]:
        """This thread's held connection, or one held for the block: every statement in it runs there."""
        state = self._state
        if state.conn is not None:
            yield state.conn
            return
        with self.pool.connection() as conn:
            self._state.conn = conn
            try:
                yield conn
            finally:
                self._state.conn = None

    def schema_editor(self) -> PostgresSchemaEditor:
        return PostgresSchemaEditor(self)

    # -- statements -----------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        conn = self._state.conn if self._pid == os.getpid() else None
        try:
            if conn is not None:
                return _Result(conn.execute(sql, params or None))
            with self.pool.connection() as borrowed:
                return _Result(borrowed.execute(sql, params or None))
        except psycopg.Error as exc:
            raise _translate(exc) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a one-row INSERT and return the new row's id (``RETURNING``)."""
        row = self.execute(f'{sql} RETURNING "id"', params).fetchone()
        assert row is not None
        return int(row[0])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.execute(sql, params).fetchall()

    def query_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        result = self.execute(sql, params)
        names = [d.name for d in result.description or ()]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- transactions ---------------------------------------------------

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction, or a savepoint inside one: everything in it commits together or not at all;
        an exception rolls it back and propagates."""
        with self.pinned() as conn:
            yield from self._atomic(conn)

    def _atomic(self, conn: psycopg.Connection[Any]) -> Iterator[None]:
        state = self._state
        depth = state.depth
        conn.execute("BEGIN" if depth == 0 else f"SAVEPOINT minikoa_{depth}")
        state.depth = depth + 1
        pending_before = len(state.pending)
        try:
            yield
        except BaseException:
            state.depth = depth
            if depth == 0:
                state.pending.clear()
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool discards it
                    conn.execute("ROLLBACK")
            else:
                del state.pending[pending_before:]  # what the savepoint promised is undone with it
                conn.execute(f"ROLLBACK TO SAVEPOINT minikoa_{depth}")
                conn.execute(f"RELEASE SAVEPOINT minikoa_{depth}")
            raise
        state.depth = depth
        if depth:
            conn.execute(f"RELEASE SAVEPOINT minikoa_{depth}")
            return
        try:
            conn.execute("COMMIT")
        except BaseException as exc:
            state.pending.clear()
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, psycopg.Error):
                raise _translate(exc) from exc
            raise
        callbacks, state.pending = state.pending, []
        for callback in callbacks:
            callback()

    @property
    def in_transaction(self) -> bool:
        return self._pid == os.getpid() and self._state.depth > 0

    def on_commit(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` after the current transaction commits (now, if there is none)."""
        if not self.in_transaction:
            callback()
        else:
            self._state.pending.append(callback)

    # -- lifecycle ------------------------------------------------------

    def close(self) -> None:
        """Close this process's pool and its connections (a new one opens on next use)."""
        pool, self._pool = self._pool, None
        if pool is not None and self._pid == os.getpid():
            pool.close()
        self._state = _State()

    def __repr__(self) -> str:
        return f"<PostgresDatabase {self.path}>"


_KEY = re.compile(r"Key \((.*?)\)=")


def _translate(exc: psycopg.Error) -> DatabaseError:
    """The driver's error as minikoa's: a unique violation names its table and columns (from the
    server's diagnostics, never from parsing the message text in the server's language)."""
    if isinstance(exc, pg_errors.UniqueViolation):
        detail = exc.diag.message_detail or ""
        found = _KEY.match(detail)
        columns = tuple(c.strip().strip('"') for c in found.group(1).split(",")) if found else ()
        return UniqueViolation(str(exc), exc.diag.table_name, columns)
    if isinstance(exc, pg_errors.IntegrityError):
        return IntegrityError(str(exc))
    return DatabaseError(str(exc))
