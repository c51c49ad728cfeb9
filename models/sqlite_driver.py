"""SQLite through aiosqlite's connection, each statement run in place on the event loop's thread.

SQLite is a library in this process: a statement of the bot's takes tens of microseconds in it.
SQLAlchemy's aiosqlite adapter goes to aiosqlite's thread four times for each statement (make a
cursor, execute, fetch, close), three times for BEGIN IMMEDIATE and once more for each commit or
rollback, and each trip wakes that thread and then the event loop: on a busy bot the trips cost
more than SQLite's own work. Here a statement is executed, fetched and closed where it is asked
for, a commit or rollback likewise, and ending a transaction that is not open costs nothing.

That is safe because the engine has one connection (`models.db.create_engine`): no statement
of this process can wait for a lock another connection of the same loop holds, so none blocks
the loop for longer than SQLite's own work. Only another process writing the same file could
make a statement wait (busy_timeout), as a migration or a second bot on one file would.

Built on SQLAlchemy's adapter classes and on aiosqlite's connection, which opens and closes the
driver's connection in its thread (`Connection._conn`); the versions are pinned in pyproject.toml.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

Outcome = tuple[Any, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """The statement, its rows and what its cursor reported."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _Finished:
    """Stands for the driver's cursor once its statement is done: what SQLAlchemy reads of it."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def close(self) -> None:
        """Closed already, right after its rows were fetched."""


class InPlaceCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False  # nothing left to close

    def __init__(self, adapt_connection: Any) -> None:  # no driver cursor made ahead
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Finished()  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        outcome = _run(driver._conn, operation, parameters, many)
        finished: _Finished = self._cursor  # type: ignore[assignment]
        finished.description, finished.rowcount, finished.lastrowid, rows = outcome
        self._rows = collections.deque(rows)


class InPlaceConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = InPlaceCursor

    def _driver(self) -> sqlite3.Connection | None:
        """sqlite3's connection; its `in_transaction` is SQLite's own autocommit state."""
        return self._connection._connection

    def commit(self) -> None:
        driver = self._driver()
        if driver is not None and driver.in_transaction:
            try:
                driver.commit()
            except Exception as error:
                self._handle_exception(error)

    def rollback(self) -> None:
        driver = self._driver()
        if driver is not None and driver.in_transaction:
            try:
                driver.rollback()
            except Exception as error:
                self._handle_exception(error)


class InPlaceDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (`create_engine(module=…)`)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> InPlaceConnection:
        adapted = super().connect(*arg, **kw)
        return InPlaceConnection(self, adapted._connection)
